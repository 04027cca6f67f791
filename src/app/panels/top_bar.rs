//! The top bar: the name and what it is, the guided session's start (with
//! its length) or its stop button, today's practice, the history toggle,
//! the status line and the signal banner.

use super::{practice_view, status};
use crate::app::command::AppCommand;
use crate::app::live_data::LiveData;
use std::path::Path;

/// What the top bar shows.
pub struct TopBar<'a> {
    pub data: &'a LiveData,
    /// A guided session runs (not on its summary or advice).
    pub practice_active: bool,
    /// No guided session is on screen.
    pub practice_idle: bool,
    /// The calm practice screen is up: it has its own Stop button and the
    /// status waits under its "Details".
    pub calm: bool,
    pub recording: Option<&'a Path>,
    /// Today's practice ("1 of 2 done"), once the history is read.
    pub today: Option<String>,
}

/// Shows the bar; `minutes` is the practice length to edit.
pub fn ui(
    ui: &mut egui::Ui,
    bar: &TopBar,
    minutes: &mut f64,
    show_history: &mut bool,
) -> Option<AppCommand> {
    let mut cmd = None;
    ui.horizontal(|ui| {
        ui.heading("breathband");
        ui.label("breathing trainer - a training aid, not a medical device");
    });
    ui.horizontal(|ui| {
        if bar.practice_active {
            if !bar.calm && practice_view::stop_button(ui) {
                cmd = Some(AppCommand::StopDizzy);
            }
            if bar.recording.is_some() {
                ui.label("This session is being saved.");
            }
        } else if bar.practice_idle {
            if ui.button("Start a guided session").clicked() {
                cmd = Some(AppCommand::StartPractice);
            }
            ui.add(
                egui::DragValue::new(minutes)
                    .range(3.0..=10.0)
                    .speed(0.1)
                    .suffix(" min"),
            )
            .on_hover_text(
                "Length of this session, 3 to 10 minutes (your plan sets the usual length)",
            );
            if let Some(t) = &bar.today {
                ui.label(format!("Today: {t}"));
            }
            ui.toggle_value(show_history, "History");
        }
    });
    if !bar.calm {
        status::status_line(ui, bar.data);
    }
    status::banner(ui, bar.data);
    cmd
}
