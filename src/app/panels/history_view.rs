//! The history: today's status and streak, a calendar of the last weeks
//! (morning and evening slots), trends of belly share, rate and pain, and
//! the list of sessions with a Replay button.

use crate::app::history::History;
use crate::program::adherence::SlotState;
use crate::session::history::SessionEntry;
use chrono::Datelike;
use egui::{Color32, RichText, Sense, Vec2};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};
use std::path::PathBuf;

fn slot_color(s: SlotState) -> Color32 {
    match s {
        SlotState::Done => Color32::from_rgb(46, 160, 90),
        SlotState::Partial => Color32::from_rgb(214, 170, 40),
        SlotState::Open => Color32::from_rgb(90, 90, 90),
        SlotState::Missed => Color32::from_rgb(120, 50, 50),
        SlotState::BeforeStart => Color32::from_rgb(45, 45, 45),
    }
}

/// A mark drawn on a slot beside its colour, so that no state is told by
/// colour alone: a tick (done), a dash (partial), a cross (missed), a ring
/// (open), nothing (before the first day of use).
fn slot_mark(p: &egui::Painter, r: egui::Rect, s: SlotState, ink: Color32) {
    let c = r.center();
    let h = (r.height().min(r.width()) * 0.32).max(2.0);
    let stroke = egui::Stroke::new(1.6, ink);
    match s {
        SlotState::Done => {
            p.line(
                vec![
                    c + Vec2::new(-h, 0.0),
                    c + Vec2::new(-h * 0.3, h * 0.7),
                    c + Vec2::new(h, -h * 0.7),
                ],
                stroke,
            );
        }
        SlotState::Partial => {
            p.line_segment([c + Vec2::new(-h, 0.0), c + Vec2::new(h, 0.0)], stroke);
        }
        SlotState::Missed => {
            p.line_segment([c + Vec2::new(-h, -h), c + Vec2::new(h, h)], stroke);
            p.line_segment([c + Vec2::new(-h, h), c + Vec2::new(h, -h)], stroke);
        }
        SlotState::Open => {
            p.circle_stroke(c, h, stroke);
        }
        SlotState::BeforeStart => {}
    }
}

/// What the person asked for in the history view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryAction {
    /// Replay this session folder in the live view.
    Replay(PathBuf),
    /// Export this session's CSVs (and a one-line history CSV).
    Export(PathBuf),
    /// Export every session's CSVs and a history CSV.
    ExportAll,
}

/// Shows the history (and the last export's outcome).
pub fn ui(ui: &mut egui::Ui, h: &History, export_note: Option<&str>) -> Option<HistoryAction> {
    let mut act = None;
    let c = &h.calendar;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "Today: {}   Streak: {} days",
                c.today_text(),
                c.streak
            ))
            .size(18.0),
        );
        if ui
            .button("Export all")
            .on_hover_text(
                "Copy every session's CSVs and write history.csv into a new folder under exports/",
            )
            .clicked()
        {
            act = Some(HistoryAction::ExportAll);
        }
    });
    if let Some(n) = export_note {
        ui.label(n);
    }
    calendar_grid(ui, c);
    trends(ui, h);
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .show(ui, |ui| {
            egui::Grid::new("sessions")
                .striped(true)
                .num_columns(8)
                .show(ui, |ui| {
                    for t in [
                        "Session",
                        "Slot",
                        "Min",
                        "Status",
                        "Belly share",
                        "Pain before/after",
                        "",
                        "",
                    ] {
                        ui.label(RichText::new(t).strong());
                    }
                    ui.end_row();
                    for e in h.entries.iter().rev() {
                        ui.label(&e.id);
                        ui.label(e.slot().map_or("-", |s| s.name()));
                        ui.label(e.minutes().map_or("-".into(), |m| format!("{m:.1}")));
                        ui.label(e.status.name());
                        ui.label(
                            e.belly_share()
                                .map_or("-".into(), |s| format!("{:.0} %", s * 100.0)),
                        );
                        let pain = |j: Option<&crate::practice::journal::Journal>| {
                            j.and_then(|j| j.neck_pain)
                                .map_or("-".to_string(), |p| p.to_string())
                        };
                        ui.label(format!(
                            "{} / {}",
                            pain(e.journal_before()),
                            pain(e.journal_after())
                        ));
                        if ui
                            .button("Replay session")
                            .on_hover_text("Replay this session in the live view")
                            .clicked()
                        {
                            act = Some(HistoryAction::Replay(e.path.clone()));
                        }
                        if ui
                            .button("Export session")
                            .on_hover_text(
                                "Copy this session's CSVs and a history.csv line into a new folder under exports/",
                            )
                            .clicked()
                        {
                            act = Some(HistoryAction::Export(e.path.clone()));
                        }
                        ui.end_row();
                    }
                });
        });
    act
}

/// The last weeks, one column per weekday (Monday first), each day split
/// into its morning (top) and evening (bottom) slot, with its day of month.
fn calendar_grid(ui: &mut egui::Ui, c: &crate::program::adherence::Calendar) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Calendar: each day's planned sessions from top (morning) to bottom (evening).");
        for (s, name) in [
            (SlotState::Done, "done"),
            (SlotState::Partial, "partial"),
            (SlotState::Missed, "missed"),
            (SlotState::Open, "still open"),
            (SlotState::BeforeStart, "before you started"),
        ] {
            let (r, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            ui.painter().rect_filled(r, 2.0, slot_color(s));
            slot_mark(ui.painter(), r, s, Color32::WHITE);
            ui.label(name);
        }
    });
    let Some(first) = c.days.first() else {
        return;
    };
    let (cell, gap, head) = (36.0_f32, 4.0_f32, 16.0_f32);
    let lead = first.date.weekday().num_days_from_monday() as usize;
    let rows = (lead + c.days.len()).div_ceil(7).max(1);
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(7.0 * (cell + gap), head + rows as f32 * (cell + gap)),
        Sense::hover(),
    );
    let p = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    for (k, name) in ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        .iter()
        .enumerate()
    {
        p.text(
            rect.min + Vec2::new(k as f32 * (cell + gap) + cell / 2.0, head / 2.0),
            egui::Align2::CENTER_CENTER,
            name,
            egui::FontId::proportional(11.0),
            text,
        );
    }
    for (k, d) in c.days.iter().enumerate() {
        let at = lead + k;
        let (col, row) = ((at % 7) as f32, (at / 7) as f32);
        let min = rect.min + Vec2::new(col * (cell + gap), head + row * (cell + gap));
        // The day of month on the left third, one band per slot beside it.
        let n = d.slots.len().max(1) as f32;
        let band_h = cell / n;
        let left = cell * 0.4;
        p.rect_filled(
            egui::Rect::from_min_size(min, Vec2::new(left, cell)),
            2.0,
            Color32::from_gray(60),
        );
        for (i, (_, s)) in d.slots.iter().enumerate() {
            let r = egui::Rect::from_min_size(
                min + Vec2::new(left, i as f32 * band_h),
                Vec2::new(cell - left, band_h - 1.0),
            );
            p.rect_filled(r, 1.0, slot_color(*s));
            slot_mark(&p, r, *s, Color32::WHITE);
        }
        if d.date == c.today.date {
            p.rect_stroke(
                egui::Rect::from_min_size(min, Vec2::splat(cell)),
                2.0,
                (2.0, text),
                egui::StrokeKind::Outside,
            );
        }
        p.text(
            min + Vec2::new(left / 2.0, cell / 2.0),
            egui::Align2::CENTER_CENTER,
            d.date.day().to_string(),
            egui::FontId::proportional(11.0),
            Color32::WHITE,
        );
    }
}

/// Local start date of a session as days since 1970-01-01 (with the time
/// of day as a fraction), the x axis of the trends.
fn day_number(e: &SessionEntry) -> Option<f64> {
    let t = e.start_local()?.naive_local();
    Some(t.and_utc().timestamp() as f64 / 86_400.0)
}

fn date_label(x: f64) -> String {
    chrono::DateTime::from_timestamp((x * 86_400.0).round() as i64, 0)
        .map_or_else(String::new, |t| t.format("%d %b").to_string())
}

/// Belly share over the sessions (one plot, 0-100 %), and rate and neck
/// pain before/after (a second plot, same dates): each on its own scale.
fn trends(ui: &mut egui::Ui, h: &History) {
    let pts = |f: &dyn Fn(&SessionEntry) -> Option<f64>| -> Vec<[f64; 2]> {
        h.entries
            .iter()
            .filter_map(|e| Some([day_number(e)?, f(e)?]))
            .collect()
    };
    let share = pts(&|e| e.belly_share().map(|s| s * 100.0));
    let rate = pts(&|e| e.summary.as_ref().and_then(|s| s.rate_bpm));
    let before = pts(&|e| e.journal_before().and_then(|j| j.neck_pain).map(f64::from));
    let after = pts(&|e| e.journal_after().and_then(|j| j.neck_pain).map(f64::from));
    let xs: Vec<f64> = h.entries.iter().filter_map(day_number).collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() {
        (lo.floor() - 0.5, hi.ceil() + 0.5)
    } else {
        (0.0, 1.0)
    };
    let plot = |id: &'static str| {
        Plot::new(id)
            .height(120.0)
            .legend(Legend::default())
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .include_x(lo)
            .include_x(hi)
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 7.0, 28.0]))
            .x_axis_formatter(|m, _| date_label(m.value))
    };
    let series =
        |pl: &mut egui_plot::PlotUi<'_>, name: &str, v: &[[f64; 2]], c: Color32, line: bool| {
            if line {
                pl.line(Line::new(name, PlotPoints::from(v.to_vec())).color(c));
            }
            pl.points(
                Points::new(name, PlotPoints::from(v.to_vec()))
                    .radius(4.0)
                    .color(c),
            );
        };
    ui.label("Belly share by session (%)");
    plot("trend_share")
        .include_y(0.0)
        .include_y(100.0)
        .show(ui, |pl| {
            series(pl, "belly share %", &share, crate::app::style::BELLY, true);
        });
    ui.label("Rate (breaths/min) and neck pain (0-10) by session");
    plot("trend_rate_pain")
        .include_y(0.0)
        .include_y(10.0)
        .show(ui, |pl| {
            series(pl, "rate /min", &rate, crate::app::style::CHEST, true);
            series(
                pl,
                "pain before",
                &before,
                Color32::from_rgb(210, 60, 60),
                false,
            );
            series(
                pl,
                "pain after",
                &after,
                Color32::from_rgb(46, 160, 90),
                false,
            );
        });
}
