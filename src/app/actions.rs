//! What the app does on a command from a panel, on an effect of the
//! practice runner and on a demo step: connect, start or stop a guided
//! session, apply gains, and hand disk work to background jobs.

use super::breathband_app::BreathbandApp;
use super::command::AppCommand;
use super::jobs::{self, Job};
use super::live_data::{LinkState, LiveData};
use super::panels::history_view::HistoryAction;
use super::panels::pacer_controls::PacerSetting;
use super::panels::pacer_view::PacerAction;
use super::panels::source_picker::{SourceCommand, SourceKind};
use crate::analysis::Gains;
use crate::live::PipeCmd;
use crate::practice::demo::DemoAct;
use crate::practice::flow::PracticeFlow;
use crate::practice::runner::{Effect, Inputs};
use crate::session::meta::{SessionMeta, SessionStatus};
use crate::session::writer::SessionTarget;

/// What the practice runner reads of the app now (a macro, so that the
/// runner itself can be borrowed mutably beside it).
macro_rules! inputs {
    ($app:expr) => {
        Inputs {
            now_s: $app.data.now_s(),
            recording: $app.data.recording.as_deref(),
            written: $app.data.recorded.as_ref().map(|(d, _)| d.as_path()),
            pacer_running: $app.pacer.is_some(),
            journal_busy: $app.jobs.journal.as_ref().is_some_and(|j| j.running()),
            pattern: &$app.settings.pattern,
        }
    };
}

impl BreathbandApp {
    /// Carries out one command of a panel.
    pub fn apply(&mut self, cmd: AppCommand, ctx: &egui::Context) {
        match cmd {
            AppCommand::Source(SourceCommand::Connect) => self.connect(Some(ctx)),
            AppCommand::Source(SourceCommand::Disconnect) => {
                self.end_practice_for_source();
                self.link.close();
                self.data.link = LinkState::Disconnected;
                self.data.window = None;
            }
            AppCommand::Source(SourceCommand::SetVirtual(p)) => {
                if let Some(pl) = &self.link.pipeline {
                    pl.set_virtual_params(p);
                }
            }
            AppCommand::Source(SourceCommand::ScanPorts) => self.scan_ports(),
            AppCommand::Pacer(PacerAction::Start) => self.start_pacer(),
            AppCommand::Pacer(PacerAction::Stop) => self.stop_pacer(),
            AppCommand::PacerSetting(PacerSetting::Pattern) if self.pacer.is_some() => {
                self.start_pacer()
            }
            AppCommand::PacerSetting(PacerSetting::Pattern) => {}
            AppCommand::PacerSetting(PacerSetting::Sound) => self.send_sound_settings(),
            AppCommand::PacerSetting(PacerSetting::RetrySound) => {
                if let Some(a) = &self.audio {
                    a.reopen();
                }
            }
            AppCommand::Practice(a) => {
                let effects = self.runner.action(a, &inputs!(self));
                self.carry_out(effects);
            }
            AppCommand::History(HistoryAction::Replay(dir)) => {
                self.settings.source.kind = SourceKind::Replay;
                self.settings.source.replay_path = dir.display().to_string();
                self.show_history = false;
                self.connect(Some(ctx));
            }
            AppCommand::History(HistoryAction::ExportAll) => self.export_all(),
            AppCommand::History(HistoryAction::Export(dir)) => self.export_one(&dir),
            AppCommand::History(HistoryAction::ExportEdf(dir)) => self.export_edf(&dir),
            AppCommand::History(HistoryAction::SavePlan(p)) => self.save_plan(p),
            AppCommand::History(HistoryAction::CheckIn(e)) => self.save_checkin(e),
            AppCommand::History(HistoryAction::Report) => self.write_report(),
            AppCommand::StartPractice => self.start_practice(),
            AppCommand::StopDizzy => self.stop_dizzy(),
            AppCommand::JournalEdited => self.runner.journal_edited(),
            AppCommand::ResetCalibration => self.reset_calibration(),
        }
    }

    /// Connects to the source in the settings (replacing any current one).
    /// Never waits: the old pipeline stops and closes its session folder on
    /// its own thread, the new one opens its source on its own thread.
    pub fn connect(&mut self, ctx: Option<&egui::Context>) {
        self.end_practice_for_source();
        self.link.close();
        self.data = LiveData::default();
        match self.settings.source.choice() {
            Ok(choice) => {
                let c = ctx.cloned().or_else(|| self.repaint.clone());
                self.link.open(&choice, c);
                self.last_error = None;
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    /// Starts a guided session (recording into the sessions folder).
    pub fn start_practice(&mut self) {
        let Some(p) = &self.link.pipeline else {
            self.last_error = Some("connect a sensor (or the virtual sensor) first".into());
            return;
        };
        let Some(dir) = self.sessions_dir.clone() else {
            self.last_error = Some("no folder to save sessions in (see --data-dir)".into());
            return;
        };
        p.command(PipeCmd::StartRecording(SessionTarget::Under(dir)));
        let mut f = PracticeFlow::new(
            self.data.now_s(),
            self.settings.practice_minutes,
            chrono::Local::now().fixed_offset(),
        );
        if let Some(h) = &self.history {
            // The planned slot nearest to now, and the plan's posture.
            let plan = h.program.book.current();
            let now = chrono::Local::now().time();
            f.slot = plan.slots().get(plan.nearest(now)).copied();
            f.posture = plan.posture;
        }
        f.own_gains = self
            .data
            .info
            .as_ref()
            .map(|i| Gains::from_scales(i.scales()));
        if let Some(h) = &self.history {
            f.previous_shares =
                crate::session::history::shares_before(&h.entries, chrono::Utc::now());
        }
        self.runner.start(f);
    }

    /// A running guided session ends before its source is closed.
    fn end_practice_for_source(&mut self) {
        let effects = self.runner.source_closing(&inputs!(self));
        self.carry_out(effects);
    }

    /// Stops the guided session at once (dizziness, discomfort).
    pub fn stop_dizzy(&mut self) {
        let effects = self.runner.stop_dizzy(&inputs!(self));
        self.carry_out(effects);
    }

    /// Runs the demo script and the practice runner's bookkeeping.
    pub(super) fn practice_bookkeeping(&mut self) {
        let connected = self.data.info.is_some();
        let now = self.data.now_s();
        let act = self
            .demo
            .drive(&mut self.runner, connected, self.data.window.as_ref(), now);
        match act {
            Some(DemoAct::StartPractice) => self.start_practice(),
            Some(DemoAct::StopDizzy) => return self.stop_dizzy(),
            None => {}
        }
        let effects = self.runner.tick(&inputs!(self));
        self.carry_out(effects);
    }

    /// Carries out what the practice runner asked for.
    fn carry_out(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::SavePractice(p) => self.link.command(PipeCmd::SetPractice(Box::new(p))),
                Effect::CloseRecording { practice, reason } => {
                    self.link.command(PipeCmd::SetPractice(Box::new(practice)));
                    self.link.command(PipeCmd::StopRecording {
                        status: SessionStatus::Complete,
                        reason,
                    });
                    // Until the pipeline confirms, nothing is recorded here.
                    self.data.recording = None;
                }
                Effect::SaveJournal { dir, practice } => {
                    let before = self.jobs.journal.take();
                    self.jobs.journal = Some(Job::spawn(None, move || {
                        if let Some(b) = before {
                            b.wait();
                        }
                        if let Err(e) = SessionMeta::update_practice(&dir, practice) {
                            tracing::warn!("cannot save the journal: {e}");
                        }
                    }));
                }
                Effect::StartPacer { baseline_tidal } => {
                    self.start_pacer();
                    self.link.command(PipeCmd::SetBaseline(baseline_tidal));
                }
                Effect::StopPacer => self.stop_pacer(),
                Effect::UseGains(g) => self.use_measured_gains(g),
            }
        }
    }

    /// Uses the connected sensor's saved calibration, if it has one.
    pub(super) fn apply_saved_calibration(&mut self) {
        let info = self.data.info.as_ref();
        if let Some(c) = self.settings.calibrations.for_sensor(info) {
            self.link.command(PipeCmd::SetGains(c.gains.clone()));
        }
    }

    /// Back to the connected sensor's own scale, forgetting its saved
    /// calibration (not during a guided session).
    fn reset_calibration(&mut self) {
        if self.runner.active() {
            return;
        }
        let Some(info) = self.data.info.as_ref() else {
            return;
        };
        let own = Gains::from_scales(info.scales());
        self.settings.calibrations.forget(Some(info));
        self.link.command(PipeCmd::SetGains(own));
    }

    /// Applies gains just measured and keeps them for this sensor.
    fn use_measured_gains(&mut self, g: Gains) {
        self.link.command(PipeCmd::SetGains(g.clone()));
        let measured_on = chrono::Local::now().format("%Y-%m-%d").to_string();
        let info = self.data.info.as_ref();
        self.settings.calibrations.remember(info, g, measured_on);
    }

    /// Reloads the history in the background.
    pub fn reload_history(&mut self) {
        if let Some(d) = self.sessions_dir.as_ref().and_then(|s| s.parent()) {
            let d = d.to_path_buf();
            let job = Job::spawn(self.repaint.clone(), move || super::history::load(&d));
            self.jobs.history = Some(job);
        }
    }

    /// Lists the serial ports in the background.
    fn scan_ports(&mut self) {
        self.picker.scan_started();
        let job = Job::spawn(self.repaint.clone(), || {
            crate::device::ports::list_ports().map_err(|e| e.to_string())
        });
        self.jobs.ports = Some(job);
    }

    /// Exports all sessions into `DATA_DIR/exports/<now>/` in the background.
    pub fn export_all(&mut self) {
        if let Some(h) = &self.history {
            self.export(h.entries.clone());
        }
    }

    /// Exports the session in folder `dir` like [`Self::export_all`].
    pub fn export_one(&mut self, dir: &std::path::Path) {
        if let Some(one) = self.entries_in(dir) {
            self.export(one);
        }
    }

    /// The history's entry for session folder `dir` (none if it is gone).
    fn entries_in(
        &self,
        dir: &std::path::Path,
    ) -> Option<Vec<crate::session::history::SessionEntry>> {
        let h = self.history.as_ref()?;
        Some(
            h.entries
                .iter()
                .filter(|e| e.path == dir)
                .cloned()
                .collect(),
        )
    }

    /// Writes the session in folder `dir` as an EDF+ file in a new folder
    /// under `DATA_DIR/exports/`, on a job.
    pub fn export_edf(&mut self, dir: &std::path::Path) {
        let Some(entries) = self.entries_in(dir) else {
            return;
        };
        let Some(out) = self.new_export_dir() else {
            return;
        };
        self.export_note = Some("Writing the EDF+ file...".into());
        self.jobs.export =
            Some(Job::spawn(
                self.repaint.clone(),
                move || match crate::session::export::export_edf(&entries, &out) {
                    Ok(done) => match done.into_iter().next() {
                        Some(Ok((path, _))) => format!("Wrote {}", path.display()),
                        Some(Err(why)) => format!("EDF+ export failed: {why}"),
                        None => "EDF+ export failed: the session is no longer listed".into(),
                    },
                    Err(e) => format!("EDF+ export failed: {e}"),
                },
            ));
    }

    /// A new folder name under `DATA_DIR/exports/` (the time now).
    fn new_export_dir(&self) -> Option<std::path::PathBuf> {
        let data = self.sessions_dir.as_ref().and_then(|s| s.parent())?;
        Some(
            data.join("exports")
                .join(chrono::Local::now().format("%Y-%m-%d_%H-%M-%S").to_string()),
        )
    }

    fn export(&mut self, entries: Vec<crate::session::history::SessionEntry>) {
        let Some(out) = self.new_export_dir() else {
            return;
        };
        self.export_note = Some("Exporting...".into());
        self.jobs.export = Some(Job::spawn(self.repaint.clone(), move || {
            std::fs::create_dir_all(&out)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    crate::session::export::export(&entries, &out).map_err(|e| e.to_string())
                })
                .map(|_| format!("Exported to {}", out.display()))
                .unwrap_or_else(|e| format!("Export failed: {e}"))
        }));
    }

    /// Takes the results of background jobs that have ended.
    pub(super) fn poll_jobs(&mut self) {
        // Past midnight today's status and the streak are new: read again.
        let stale = self
            .history
            .as_ref()
            .is_some_and(|h| h.is_stale(chrono::Local::now().fixed_offset()));
        if stale && self.jobs.history.is_none() {
            self.reload_history();
        }
        match jobs::poll(&mut self.jobs.history) {
            Some(Ok(h)) => {
                // At start-up a stored plan sets the session length.
                if self.history.is_none() && h.program.plan_stored {
                    self.settings.practice_minutes = h.program.book.current().minutes;
                }
                self.history = Some(h);
            }
            Some(Err(e)) => self.last_error = Some(format!("cannot read the history: {e}")),
            None => {}
        }
        if let Some(note) = jobs::poll(&mut self.jobs.export) {
            self.export_note = Some(note);
            // A plan, a check-in or a report may have changed what History shows.
            self.reload_history();
        }
        match jobs::poll(&mut self.jobs.ports) {
            Some(Ok(p)) => self.picker.set_ports(p),
            Some(Err(e)) => self.picker.set_scan_error(e),
            None => {}
        }
    }
}
