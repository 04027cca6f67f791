//! Both band traces, scrolling, with a selectable span, pause and scroll-back.

use crate::app::live_data::LiveData;
use crate::app::style::{BELLY, CHEST};
use crate::live::DisplayPoint;
use egui_plot::{Legend, Line, Plot, PlotPoints};

pub use crate::app::settings::{Frozen, TracesView};

/// Smallest height of the traces plot, points (the central panel scrolls
/// rather than squeeze it).
pub const MIN_HEIGHT: f32 = 220.0;
/// Largest height of the traces plot, points.
pub const MAX_HEIGHT: f32 = 320.0;

/// The two lines to draw and the time span they are drawn over.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceLines {
    pub from_s: f64,
    pub now_s: f64,
    /// `[t, value - mean]` per point.
    pub chest: Vec<[f64; 2]>,
    pub belly: Vec<[f64; 2]>,
}

impl TracesView {
    /// Pauses (freezing the view as it is) or resumes.
    pub fn set_paused(&mut self, paused: bool, data: &LiveData) {
        self.paused = paused;
        self.frozen = paused.then(|| {
            let now_s = data.now_s();
            let (chest_mean, belly_mean) = means(data, now_s - self.span_s, now_s);
            Frozen {
                now_s,
                chest_mean,
                belly_mean,
            }
        });
    }

    /// The lines to draw now. Live: the visible span, each band around its
    /// own mean over it, so both stay in view whatever their offsets.
    /// Paused: all the history up to the pause (to scroll back through),
    /// with the offsets of the moment of the pause, so nothing moves.
    pub fn lines(&self, data: &LiveData) -> TraceLines {
        let (now_s, mc, mb, first) = match (self.paused, self.frozen) {
            (true, Some(f)) => (f.now_s, f.chest_mean, f.belly_mean, f64::NEG_INFINITY),
            _ => {
                let now = data.now_s();
                let (mc, mb) = means(data, now - self.span_s, now);
                (now, mc, mb, now - self.span_s - 1.0)
            }
        };
        let shown = || {
            data.traces
                .iter()
                .filter(move |p| p.t_s >= first && p.t_s <= now_s)
        };
        TraceLines {
            from_s: now_s - self.span_s,
            now_s,
            chest: shown().map(|p| [p.t_s, p.chest - mc]).collect(),
            belly: shown().map(|p| [p.t_s, p.belly - mb]).collect(),
        }
    }

    /// Shows the span and pause controls and the plot.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData) {
        ui.horizontal(|ui| {
            ui.label("Span");
            for s in [10.0, 30.0, 60.0] {
                ui.selectable_value(&mut self.span_s, s, format!("{s:.0} s"));
            }
            let label = if self.paused { "Resume" } else { "Pause" };
            if ui
                .button(label)
                .on_hover_text("Pause to scroll back (drag the plot)")
                .clicked()
            {
                self.set_paused(!self.paused, data);
            }
        });
        let l = self.lines(data);
        let (from, now) = (l.from_s, l.now_s);
        let mut plot = Plot::new("traces")
            .height(ui.available_height().clamp(MIN_HEIGHT, MAX_HEIGHT))
            .legend(Legend::default())
            .x_axis_label("s")
            .allow_drag(self.paused)
            .allow_zoom(self.paused)
            .allow_scroll(self.paused);
        if !self.paused {
            plot = plot.default_x_bounds(from, now).auto_bounds([false, true]);
        }
        let paused = self.paused;
        let top = ui.cursor().top();
        plot.show(ui, |p| {
            if !paused {
                p.set_plot_bounds_x(from..=now.max(from + 1.0));
            }
            p.line(
                Line::new("chest", PlotPoints::from(l.chest))
                    .color(CHEST)
                    .width(2.0),
            );
            p.line(
                Line::new("belly", PlotPoints::from(l.belly))
                    .color(BELLY)
                    .width(2.0),
            );
        });
        self.shown_height = ui.min_rect().bottom() - top;
    }
}

/// Mean of each band over `from..=to`.
fn means(data: &LiveData, from: f64, to: f64) -> (f64, f64) {
    let span = || {
        data.traces
            .iter()
            .filter(move |p: &&DisplayPoint| p.t_s >= from && p.t_s <= to)
    };
    let n = span().count().max(1) as f64;
    let (c, b) = span().fold((0.0, 0.0), |(c, b), p| (c + p.chest, b + p.belly));
    (c / n, b / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(d: &mut LiveData, from: usize, to: usize, offset: f64) {
        for i in from..to {
            let t = i as f64 / 25.0;
            d.push_point(DisplayPoint {
                t_s: t,
                chest: offset + (t * 1.3).sin(),
                belly: 2.0 * offset + (t * 1.3).cos(),
            });
        }
    }

    #[test]
    fn pause_freezes_the_lines_while_data_keeps_coming() {
        let mut d = LiveData::default();
        push(&mut d, 0, 1500, 0.0);
        let mut v = TracesView::default();
        let live = v.lines(&d);
        assert!((live.now_s - 59.96).abs() < 1e-9);
        // Live: the visible span only (with a second of margin).
        assert!(live.chest[0][0] >= live.from_s - 1.0);
        v.set_paused(true, &d);
        let at_pause = v.lines(&d);
        // Scroll-back: the whole history up to the pause.
        assert_eq!(at_pause.chest.len(), 1500);
        // New samples, with a drifting baseline that would move the means.
        push(&mut d, 1500, 2500, 50.0);
        assert_eq!(v.lines(&d), at_pause);
        // Resumed: live again, at the newest point.
        v.set_paused(false, &d);
        let after = v.lines(&d);
        assert!(after.now_s > at_pause.now_s + 39.0);
        assert!(v.frozen.is_none());
    }
}
