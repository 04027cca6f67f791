//! The two charts, drawn by plotters through [`PageBackend`] as vector
//! paths and real text: belly share and rate per session, pain and tension
//! per day.

use chrono::{Days, NaiveDate, Timelike};
use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::backend::{PageBackend, PX_PER_PT};
use super::canvas::{Flow, Rgb8, CONTENT_W, MARGIN};
use super::input::{ReportCheckin, ReportSession};
use super::ReportError;

/// The x axis counts minutes (plotters wants an integer axis for custom ticks).
const MINUTES_A_DAY: i64 = 1440;

/// Chart height on the page, in points.
pub(crate) const CHART_H: f32 = 150.0;

const BELLY: RGBColor = RGBColor(30, 100, 180);
const RATE: RGBColor = RGBColor(220, 110, 20);
const PAIN: RGBColor = RGBColor(190, 40, 40);
const TENSION: RGBColor = RGBColor(110, 60, 160);
const AXIS: RGBColor = RGBColor(80, 80, 80);

/// Points to backend pixels.
fn px(pt: f32) -> u32 {
    (pt * PX_PER_PT).round() as u32
}

/// The period on the x axis: day 0 is `first`, the axis runs to the end of `last`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub(crate) first: NaiveDate,
    pub(crate) days: u32,
}

impl Period {
    pub(crate) fn new(first: NaiveDate, last: NaiveDate) -> Self {
        let days = (last - first).num_days().clamp(0, 3660) as u32 + 1;
        Self { first, days }
    }

    /// End of the x axis, in minutes.
    fn end(&self) -> i64 {
        i64::from(self.days) * MINUTES_A_DAY
    }

    /// Day label for an x value (minutes since the start of `first`).
    fn label(&self, x: i64) -> String {
        if x < 0 {
            return String::new();
        }
        self.first
            .checked_add_days(Days::new((x / MINUTES_A_DAY) as u64))
            .map(|d| d.format("%d.%m").to_string())
            .unwrap_or_default()
    }

    /// Tick every week (every few weeks for long periods), on day starts.
    fn ticks(&self) -> Vec<i64> {
        let step = (self.days / 7).div_ceil(8).max(1) * 7;
        let step = if self.days <= 10 { 1 } else { step };
        (0..self.days)
            .step_by(step as usize)
            .map(|d| i64::from(d) * MINUTES_A_DAY)
            .collect()
    }

    /// Minutes since the start of `first`, if inside the period.
    fn x_of(&self, date: NaiveDate, seconds: u32) -> Option<i64> {
        let x = (date - self.first).num_days() * MINUTES_A_DAY + i64::from(seconds / 60);
        (0..=self.end()).contains(&x).then_some(x)
    }
}

/// How a series marks its points; the legend shows the same mark.
#[derive(Clone, Copy)]
enum Mark {
    Circle,
    Triangle,
    Square,
}

/// Height of the legend row above a chart, in points.
const LEGEND_H: f32 = 13.0;

/// Draws the legend (a line with its marker, then the label, per series)
/// right-aligned in `area`, which is a strip above the chart.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(&str, RGBColor, Mark)],
) -> Result<(), ReportError> {
    let style = TextStyle::from(font(7.5)).color(&RGBColor(60, 60, 60));
    let swatch = px(16.0) as i32;
    let gap = px(12.0) as i32;
    let widths: Vec<i32> = entries
        .iter()
        .map(|(label, _, _)| {
            area.estimate_text_size(label, &style)
                .map(|(w, _)| w as i32)
                .unwrap_or(0)
        })
        .collect();
    let total: i32 = widths
        .iter()
        .map(|w| swatch + px(3.0) as i32 + w + gap)
        .sum();
    let (w, h) = area.dim_in_pixel();
    let mut x = (w as i32 - total + gap).max(0);
    let y = h as i32 / 2;
    for ((label, color, mark), tw) in entries.iter().zip(widths) {
        area.draw(&PathElement::new(
            vec![(x, y), (x + swatch, y)],
            color.stroke_width(px(0.9)),
        ))
        .map_err(chart_err)?;
        let r = px(1.8) as i32;
        let (cx, cy) = (x + swatch / 2, y);
        match mark {
            Mark::Circle => area.draw(&Circle::new((cx, cy), r as u32, color.filled())),
            Mark::Triangle => area.draw(&TriangleMarker::new(
                (cx, cy),
                r as u32 + px(0.6),
                color.filled(),
            )),
            Mark::Square => area.draw(&Rectangle::new(
                [(cx - r, cy - r), (cx + r, cy + r)],
                color.filled(),
            )),
        }
        .map_err(chart_err)?;
        let text = style.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(
            label.to_string(),
            (x + swatch + px(3.0) as i32, y),
            text,
        ))
        .map_err(chart_err)?;
        x += swatch + px(3.0) as i32 + tw + gap;
    }
    Ok(())
}

fn chart_err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Chart(format!("{e:?}"))
}

fn font(pt: f32) -> (&'static str, f64) {
    ("sans-serif", f64::from(pt * PX_PER_PT))
}

/// Light grey grid and dark axes, shared by both charts.
fn mesh_colors() -> (ShapeStyle, ShapeStyle) {
    (
        AXIS.stroke_width(2),
        RGBColor(220, 220, 220).stroke_width(2),
    )
}

/// Draws the session chart at the flow cursor (or "no sessions yet").
pub(crate) fn sessions(
    flow: &mut Flow<'_>,
    period: Period,
    sessions: &[ReportSession],
) -> Result<(), ReportError> {
    let mut belly = Vec::new();
    let mut rate = Vec::new();
    for s in sessions {
        let seconds = s.start_local.time().num_seconds_from_midnight();
        let Some(x) = period.x_of(s.start_local.date(), seconds) else {
            continue;
        };
        if let Some(b) = s.belly_share.filter(|b| b.is_finite()) {
            belly.push((x, (b * 100.0).clamp(0.0, 100.0)));
        }
        if let Some(r) = s.rate_bpm.filter(|r| r.is_finite()) {
            rate.push((x, r.clamp(0.0, 60.0)));
        }
    }
    if belly.is_empty() && rate.is_empty() {
        let text = if sessions.is_empty() {
            "no sessions yet"
        } else {
            "no belly share or rate measured in this period"
        };
        flow.paragraph(text, 9.5, Rgb8::GREY, 0.0);
        return Ok(());
    }
    let rate_max = rate.iter().map(|p| p.1).fold(20.0_f64, f64::max);
    let rate_max = (rate_max / 5.0).ceil() * 5.0;

    flow.need(CHART_H);
    let top = flow.y;
    {
        let backend = PageBackend::new(&mut flow.page, MARGIN, top, CONTENT_W, CHART_H);
        let root = backend.into_drawing_area();
        let (legend_area, plot_area) = root.split_vertically(px(LEGEND_H));
        legend(
            &legend_area.margin(0, 0, 0, px(40.0)),
            &[
                ("belly share (%), left axis", BELLY, Mark::Circle),
                ("rate (breaths/min), right axis", RATE, Mark::Triangle),
            ],
        )?;
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_top(px(4.0))
            .margin_right(px(2.0))
            .x_label_area_size(px(16.0))
            .y_label_area_size(px(38.0))
            .right_y_label_area_size(px(38.0))
            .build_cartesian_2d(
                (0..period.end()).with_key_points(period.ticks()),
                0.0..100.0,
            )
            .map_err(chart_err)?
            .set_secondary_coord(0..period.end(), 0.0..rate_max);
        let label = |x: &i64| period.label(*x);
        let whole = |y: &f64| format!("{y:.0}");
        let (axis, grid) = mesh_colors();
        chart
            .configure_mesh()
            .x_label_formatter(&label)
            .y_label_formatter(&whole)
            .y_labels(6)
            .y_desc("belly share (%)")
            .label_style(font(7.5))
            .axis_desc_style(font(8.0))
            .axis_style(axis)
            .bold_line_style(grid)
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(chart_err)?;
        chart
            .configure_secondary_axes()
            .y_label_formatter(&whole)
            .y_labels(6)
            .y_desc("rate (breaths/min)")
            .label_style(font(7.5))
            .axis_desc_style(font(8.0))
            .axis_style(axis)
            .draw()
            .map_err(chart_err)?;
        let r = px(1.8);
        chart
            .draw_series(LineSeries::new(
                belly.iter().copied(),
                BELLY.stroke_width(px(0.9)),
            ))
            .map_err(chart_err)?;
        chart
            .draw_series(belly.iter().map(|&p| Circle::new(p, r, BELLY.filled())))
            .map_err(chart_err)?;
        chart
            .draw_secondary_series(LineSeries::new(
                rate.iter().copied(),
                RATE.stroke_width(px(0.9)),
            ))
            .map_err(chart_err)?;
        chart
            .draw_secondary_series(
                rate.iter()
                    .map(|&p| TriangleMarker::new(p, r + px(0.6), RATE.filled())),
            )
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    flow.y = top + CHART_H;
    Ok(())
}

/// Draws the pain and tension chart at the flow cursor (or "no check-ins yet").
pub(crate) fn checkins(
    flow: &mut Flow<'_>,
    period: Period,
    checkins: &[ReportCheckin],
) -> Result<(), ReportError> {
    let mut pain = Vec::new();
    let mut tension = Vec::new();
    for c in checkins {
        let Some(x) = period.x_of(c.date, 43_200) else {
            continue;
        };
        if let Some(p) = c.pain {
            pain.push((x, i32::from(p.min(10))));
        }
        if let Some(t) = c.tension {
            tension.push((x, i32::from(t.min(10))));
        }
    }
    if pain.is_empty() && tension.is_empty() {
        let text = if checkins.is_empty() {
            "no check-ins yet"
        } else {
            "no pain or tension rated in this period"
        };
        flow.paragraph(text, 9.5, Rgb8::GREY, 0.0);
        return Ok(());
    }
    flow.need(CHART_H);
    let top = flow.y;
    {
        let backend = PageBackend::new(&mut flow.page, MARGIN, top, CONTENT_W, CHART_H);
        let root = backend.into_drawing_area();
        let (legend_area, plot_area) = root.split_vertically(px(LEGEND_H));
        legend(
            &legend_area.margin(0, 0, 0, px(40.0)),
            &[
                ("pain", PAIN, Mark::Circle),
                ("tension", TENSION, Mark::Square),
            ],
        )?;
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_top(px(4.0))
            .margin_right(px(40.0))
            .x_label_area_size(px(16.0))
            .y_label_area_size(px(38.0))
            .build_cartesian_2d(
                (0..period.end()).with_key_points(period.ticks()),
                (0..11).with_key_points(vec![0, 2, 4, 6, 8, 10]),
            )
            .map_err(chart_err)?;
        let label = |x: &i64| period.label(*x);
        let (axis, grid) = mesh_colors();
        chart
            .configure_mesh()
            .x_label_formatter(&label)
            .y_desc("rating (0-10)")
            .label_style(font(7.5))
            .axis_desc_style(font(8.0))
            .axis_style(axis)
            .bold_line_style(grid)
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(chart_err)?;
        let r = px(1.8);
        let ri = r as i32;
        chart
            .draw_series(LineSeries::new(
                pain.iter().copied(),
                PAIN.stroke_width(px(0.9)),
            ))
            .map_err(chart_err)?;
        chart
            .draw_series(pain.iter().map(|&p| Circle::new(p, r, PAIN.filled())))
            .map_err(chart_err)?;
        chart
            .draw_series(LineSeries::new(
                tension.iter().copied(),
                TENSION.stroke_width(px(0.9)),
            ))
            .map_err(chart_err)?;
        chart
            .draw_series(tension.iter().map(|&p| {
                EmptyElement::at(p) + Rectangle::new([(-ri, -ri), (ri, ri)], TENSION.filled())
            }))
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    flow.y = top + CHART_H;
    Ok(())
}
