//! What the app does for the program panels of History: save the plan,
//! save a check-in, write the therapist's report. Disk work runs as a
//! background job whose note shows under the History header.

use super::breathband_app::BreathbandApp;
use super::jobs::Job;
use super::panels::checkin_form::CheckInEntry;
use crate::program::checkin::CheckIn;
use crate::program::plan::Plan;
use crate::program::{remind_install, store};
use std::path::PathBuf;

impl BreathbandApp {
    /// The data dir (the parent of the sessions folder).
    fn data_dir(&self) -> Option<PathBuf> {
        Some(self.sessions_dir.as_ref()?.parent()?.to_path_buf())
    }

    /// Saves `plan` from today (reminders, if set up, move with it).
    pub(super) fn save_plan(&mut self, plan: Plan) {
        let (Some(dir), Some(h)) = (self.data_dir(), &self.history) else {
            return;
        };
        let mut book = h.program.book.clone();
        self.settings.practice_minutes = plan.minutes;
        self.export_note = Some("Saving the plan...".into());
        self.jobs.export = Some(Job::spawn(self.repaint.clone(), move || {
            book.set(plan.clone(), chrono::Local::now().date_naive());
            match store::save_plan(&dir, &book) {
                Ok(()) => {
                    let moved = remind_install::refresh_installed(&dir, &plan);
                    format!("Plan saved: {}.{}", plan.describe(), moved)
                }
                Err(e) => format!("The plan was not saved: {e}"),
            }
        }));
    }

    /// Saves a check-in made now.
    pub(super) fn save_checkin(&mut self, e: CheckInEntry) {
        let Some(dir) = self.data_dir() else {
            return;
        };
        let now = chrono::Local::now().fixed_offset();
        let c = match CheckIn::new(now, e.pain, e.tension, e.dizzy, &e.note) {
            Ok(c) => c,
            Err(err) => {
                self.export_note = Some(format!("The check-in was not saved: {err}"));
                return;
            }
        };
        self.export_note = Some("Saving the check-in...".into());
        self.jobs.export = Some(Job::spawn(
            self.repaint.clone(),
            move || match store::append_checkin(&dir, &c) {
                Ok(()) => format!("Check-in saved: pain {}, tension {}.", c.pain, c.tension),
                Err(e) => format!("The check-in was not saved: {e}"),
            },
        ));
    }

    /// Writes the report of the last four weeks into
    /// `DATA_DIR/reports/breathband-report-DATE.pdf`.
    pub(super) fn write_report(&mut self) {
        let Some(dir) = self.data_dir() else {
            return;
        };
        let now = chrono::Local::now().fixed_offset();
        let out = dir.join("reports").join(format!(
            "breathband-report-{}.pdf",
            now.format("%Y-%m-%d_%H-%M")
        ));
        self.export_note = Some("Writing the report...".into());
        self.jobs.export = Some(Job::spawn(self.repaint.clone(), move || {
            let r = std::fs::create_dir_all(out.parent().unwrap_or(&dir))
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    crate::program::report_data::write_report(&dir, &out, 28, now)
                        .map_err(|e| e.to_string())
                });
            match r {
                Ok(_) => format!("Report written to {}", out.display()),
                Err(e) => format!("The report was not written: {e}"),
            }
        }));
    }
}
