//! The history: today's status and streak, a calendar of the last weeks
//! (morning and evening slots), trends of belly share, rate and pain, and
//! the list of sessions with a Replay button.

use crate::app::history::History;
use crate::session::adherence::SlotState;
use egui::{Color32, RichText, Sense, Vec2};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};
use std::path::PathBuf;

fn slot_color(s: SlotState) -> Color32 {
    match s {
        SlotState::Done => Color32::from_rgb(46, 160, 90),
        SlotState::Partial => Color32::from_rgb(214, 170, 40),
        SlotState::Open => Color32::from_rgb(90, 90, 90),
        SlotState::Missed => Color32::from_rgb(120, 50, 50),
    }
}

/// What the person asked for in the history view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryAction {
    /// Replay this session folder in the live view.
    Replay(PathBuf),
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
    ui.label("Calendar (top half of each day: morning, bottom: evening; green done, yellow partial, red missed)");
    let cell = 22.0;
    let rows = c.days.len().div_ceil(7).max(1);
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(7.0 * (cell + 4.0), rows as f32 * (cell + 4.0)),
        Sense::hover(),
    );
    let p = ui.painter_at(rect);
    for (k, d) in c.days.iter().enumerate() {
        let (col, row) = ((k % 7) as f32, (k / 7) as f32);
        let min = rect.min + Vec2::new(col * (cell + 4.0), row * (cell + 4.0));
        let top = egui::Rect::from_min_size(min, Vec2::new(cell, cell / 2.0));
        let bottom = egui::Rect::from_min_size(
            min + Vec2::new(0.0, cell / 2.0),
            Vec2::new(cell, cell / 2.0),
        );
        p.rect_filled(top, 2.0, slot_color(d.morning));
        p.rect_filled(bottom, 2.0, slot_color(d.evening));
    }
    let pts = |f: &dyn Fn(&crate::session::history::SessionEntry) -> Option<f64>| -> Vec<[f64; 2]> {
        h.entries
            .iter()
            .enumerate()
            .filter_map(|(k, e)| Some([k as f64 + 1.0, f(e)?]))
            .collect()
    };
    let share = pts(&|e| e.belly_share().map(|s| s * 100.0));
    let before = pts(&|e| e.journal_before().and_then(|j| j.neck_pain).map(f64::from));
    let after = pts(&|e| e.journal_after().and_then(|j| j.neck_pain).map(f64::from));
    let rate = pts(&|e| e.summary.as_ref().and_then(|s| s.rate_bpm));
    ui.label("Trends by session: belly share %, rate, neck pain before and after (0-10)");
    Plot::new("trends")
        .height(160.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_x(0.5)
        .include_x(h.entries.len() as f64 + 0.5)
        .include_y(0.0)
        .include_y(100.0)
        .x_axis_label("session")
        .show(ui, |pl| {
            let (blue, orange) = (crate::app::style::BELLY, crate::app::style::CHEST);
            pl.line(Line::new("belly share %", PlotPoints::from(share.clone())).color(blue));
            pl.points(
                Points::new("belly share %", PlotPoints::from(share.clone()))
                    .radius(4.0)
                    .color(blue),
            );
            pl.line(Line::new("rate /min", PlotPoints::from(rate.clone())).color(orange));
            pl.points(
                Points::new("rate /min", PlotPoints::from(rate))
                    .radius(4.0)
                    .color(orange),
            );
            pl.points(
                Points::new("pain before", PlotPoints::from(before))
                    .radius(4.0)
                    .color(Color32::from_rgb(210, 60, 60)),
            );
            pl.points(
                Points::new("pain after", PlotPoints::from(after))
                    .radius(4.0)
                    .color(Color32::from_rgb(46, 160, 90)),
            );
        });
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .show(ui, |ui| {
            egui::Grid::new("sessions")
                .striped(true)
                .num_columns(7)
                .show(ui, |ui| {
                    for t in [
                        "Session",
                        "Slot",
                        "Min",
                        "Status",
                        "Belly share",
                        "Pain before/after",
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
                        let pain = |j: Option<&crate::session::journal::Journal>| {
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
                        ui.end_row();
                    }
                });
        });
    act
}
