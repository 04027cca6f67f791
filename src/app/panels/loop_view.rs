//! The chest-versus-belly loop of the last few breaths (belly on x, chest on
//! y). A belly breather draws a flat, wide loop; a chest breather a tall
//! one; a paradoxical breather a line falling to the right (the bands move
//! against each other). A dot marks the newest point and an arrowhead the
//! way the loop is being drawn, so a loop running the wrong way shows.

use crate::app::live_data::LiveData;
use crate::app::style::class_color;
use egui_plot::{Arrows, AxisHints, Line, MarkerShape, Plot, PlotPoints, Points};

/// Breaths drawn in the loop.
pub const LOOP_BREATHS: usize = 3;
/// The arrowhead points along the last this many seconds of the loop.
const ARROW_S: f64 = 0.3;

/// The loop to draw: points `[belly, chest]` around their means, oldest
/// first, and the arrow (from, to) ending at the newest point.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopLine {
    pub points: Vec<[f64; 2]>,
    pub arrow: Option<([f64; 2], [f64; 2])>,
}

impl LoopLine {
    /// The newest point (the dot).
    pub fn newest(&self) -> Option<[f64; 2]> {
        self.points.last().copied()
    }
}

/// The loop of the last [`LOOP_BREATHS`] breaths (or 15 s before any).
pub fn loop_line(data: &LiveData) -> LoopLine {
    let start = data
        .breaths
        .iter()
        .rev()
        .nth(LOOP_BREATHS - 1)
        .or(data.breaths.front())
        .map_or(data.now_s() - 15.0, |b| b.inhale_start_s);
    let pts: Vec<_> = data.traces.iter().filter(|p| p.t_s >= start).collect();
    let n = pts.len().max(1) as f64;
    let (mc, mb) = pts
        .iter()
        .fold((0.0, 0.0), |(c, b), p| (c + p.chest, b + p.belly));
    let points: Vec<[f64; 2]> = pts
        .iter()
        .map(|p| [p.belly - mb / n, p.chest - mc / n])
        .collect();
    let arrow = pts.last().and_then(|last| {
        let k = pts.iter().rposition(|p| p.t_s <= last.t_s - ARROW_S)?;
        let (from, to) = (points[k], points[points.len() - 1]);
        (from != to).then_some((from, to))
    });
    LoopLine { points, arrow }
}

/// Compact tick text: `-200`, `0`, `1.5k`.
fn tick(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{}k", (v / 100.0).round() / 10.0)
    } else {
        format!("{}", (v * 100.0).round() / 100.0)
    }
}

/// Shows the loop.
pub fn ui(ui: &mut egui::Ui, data: &LiveData) {
    let l = loop_line(data);
    let size = ui
        .available_width()
        .min(ui.available_height())
        .clamp(160.0, 260.0);
    // Raw sensor counts mean nothing to the person: the axes then just
    // name the bands; a physical unit (mm, after a calibration) is shown.
    let unit = match data.gains.unit.as_str() {
        "" | "counts" => String::new(),
        u => format!(" ({u})"),
    };
    let color = class_color(data.label());
    let mark = ui.visuals().strong_text_color();
    // Ticks need less room than the default (60 points apart) allows on a
    // plot this small.
    let x_axis = AxisHints::new_x()
        .label(format!("belly band{unit}"))
        .label_spacing(32.0..=48.0)
        .formatter(|m, _| tick(m.value));
    let y_axis = AxisHints::new_y()
        .label(format!("chest band{unit}"))
        .label_spacing(18.0..=26.0)
        .formatter(|m, _| tick(m.value));
    Plot::new("loop")
        .width(size)
        .height(size)
        .data_aspect(1.0)
        .custom_x_axes(vec![x_axis])
        .custom_y_axes(vec![y_axis])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            let newest = l.newest();
            let arrow = l.arrow;
            p.line(
                Line::new("loop", PlotPoints::from(l.points))
                    .color(color)
                    .width(2.0),
            );
            if let Some((from, to)) = arrow {
                p.arrows(
                    Arrows::new("direction", vec![from], vec![to])
                        .tip_length(14.0)
                        .color(mark)
                        .highlight(true),
                );
            }
            if let Some(n) = newest {
                p.points(
                    Points::new("newest", vec![n])
                        .shape(MarkerShape::Circle)
                        .filled(true)
                        .radius(5.0)
                        .color(mark),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::DisplayPoint;

    /// 20 s of breathing at 12/min; `sign` -1 moves the belly against the
    /// chest (paradoxical).
    fn data(sign: f64) -> LiveData {
        let mut d = LiveData::default();
        for i in 0..500 {
            let t = i as f64 / 25.0;
            let w = t * 0.2 * std::f64::consts::TAU;
            d.push_point(DisplayPoint {
                t_s: t,
                chest: 30.0 * w.sin(),
                belly: sign * 70.0 * (w - 0.6).sin(),
            });
        }
        d
    }

    /// Signed area of the loop: positive when it runs counter-clockwise.
    fn area(p: &[[f64; 2]]) -> f64 {
        p.windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum::<f64>()
            / 2.0
    }

    #[test]
    fn the_newest_point_and_the_direction_are_marked() {
        let d = data(1.0);
        let l = loop_line(&d);
        let newest = l.newest().unwrap();
        assert_eq!(newest, *l.points.last().unwrap());
        let (from, to) = l.arrow.unwrap();
        assert_eq!(to, newest);
        assert_ne!(from, to);
    }

    #[test]
    fn a_paradoxical_loop_runs_the_other_way() {
        // The belly lags the chest: one way round; against it: the other.
        let normal = area(&loop_line(&data(1.0)).points);
        let paradoxical = area(&loop_line(&data(-1.0)).points);
        assert!(normal.abs() > 100.0 && paradoxical.abs() > 100.0);
        assert!(normal.signum() != paradoxical.signum());
    }

    #[test]
    fn ticks_are_compact() {
        assert_eq!(tick(-200.0), "-200");
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(1500.0), "1.5k");
        assert_eq!(tick(0.25), "0.25");
    }
}
