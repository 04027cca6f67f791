//! The history: today's status and streak, the advice, the plan and
//! today's check-in, the calendar of the last weeks, trends, the check-ins
//! and the sessions with Replay, Export and EDF+ buttons.

use super::checkin_form::{self, CheckInEntry};
use super::{calendar_view, plan_editor, trends_view};
use crate::app::history::History;
use crate::program::plan::Plan;
use egui::RichText;
use std::path::PathBuf;

/// What the person asked for in the history view.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryAction {
    /// Replay this session folder in the live view.
    Replay(PathBuf),
    /// Export this session's CSVs (and a one-line history CSV).
    Export(PathBuf),
    /// Write this session as an EDF+ file.
    ExportEdf(PathBuf),
    /// Export every session's CSVs and a history CSV.
    ExportAll,
    /// Save this plan from today.
    SavePlan(Plan),
    /// Save this check-in (now).
    CheckIn(CheckInEntry),
    /// Write the report for the therapist (PDF, the last four weeks).
    Report,
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
        if ui
            .button("Report for the therapist")
            .on_hover_text("A PDF of the last four weeks: plan, practice, symptoms, notes")
            .clicked()
        {
            act = Some(HistoryAction::Report);
        }
    });
    if let Some(n) = export_note {
        ui.label(n);
    }
    if trends_view::advice_ui(ui, &h.advice) {
        act = Some(HistoryAction::Report);
    }
    let p = &h.program;
    if let Some(plan) = plan_editor::ui(ui, &p.book.current(), p.plan_stored) {
        act = Some(HistoryAction::SavePlan(plan));
    }
    let today = c.today.date;
    let last = p.checkins.iter().rev().find(|x| x.date() == today);
    if let Some(e) = checkin_form::ui(ui, last) {
        act = Some(HistoryAction::CheckIn(e));
    }
    for w in &p.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, w);
    }
    calendar_view::ui(ui, c);
    trends_view::days_ui(ui, &h.days);
    trends_view::sessions_ui(ui, h);
    checkins_list(ui, h);
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
                        if ui
                            .button("EDF+")
                            .on_hover_text(
                                "Write this session as an EDF+ file (EDFbrowser, a clinic or a sleep lab) into a new folder under exports/",
                            )
                            .clicked()
                        {
                            act = Some(HistoryAction::ExportEdf(e.path.clone()));
                        }
                        ui.end_row();
                    }
                });
        });
    act
}

/// The check-ins, newest first.
fn checkins_list(ui: &mut egui::Ui, h: &History) {
    let list = &h.program.checkins;
    egui::CollapsingHeader::new(format!("Check-ins ({})", list.len()))
        .id_salt("checkins_list")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("checkins_scroll")
                .max_height(160.0)
                .show(ui, |ui| {
                    egui::Grid::new("checkins").striped(true).show(ui, |ui| {
                        for t in ["When", "Pain", "Tension", "Dizzy", "Note"] {
                            ui.label(RichText::new(t).strong());
                        }
                        ui.end_row();
                        for c in list.iter().rev() {
                            ui.label(c.time_local.format("%a %d %b %H:%M").to_string());
                            ui.label(c.pain.to_string());
                            ui.label(c.tension.to_string());
                            ui.label(match c.dizzy {
                                Some(true) => "yes",
                                Some(false) => "no",
                                None => "-",
                            });
                            ui.label(&c.note);
                            ui.end_row();
                        }
                    });
                });
        });
}
