//! The eframe app: one state struct, panels laid out each frame, pipeline
//! and audio drained without waiting.

use super::live_data::{LinkState, LiveData};
use super::pacer_run::PacerRun;
use super::panels::pacer_controls::{self, PacerSetting};
use super::panels::pacer_view::{self, PacerAction, PacerDisplay};
use super::panels::practice_view::{self, PracticeAction};
use super::panels::source_picker::{SourceCommand, SourcePicker};
use super::panels::{breath_strip, gauge, loop_view, status};
use super::practice::{PracticeFlow, Step};
use super::settings::Settings;
use crate::analysis::Output;
use crate::audio::{AudioOutput, Command};
use crate::live::Pipeline;
use crate::live::{PipeCmd, PipeMsg};
use crate::pacer::Pattern;
use crate::session::meta::SessionStatus;
use crate::session::practice::CalibrationSource;
use crate::session::writer::SessionTarget;
use ringbuf::traits::Consumer;
use std::path::PathBuf;
use std::time::Instant;

/// Take a screenshot after some seconds, then close (for CI and the README).
#[derive(Debug, Clone)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub after_s: f64,
}

struct Screenshot {
    plan: ScreenshotPlan,
    start: Instant,
    done: Option<std::sync::mpsc::Receiver<Result<PathBuf, String>>>,
}

/// The whole app's state.
pub struct BreathbandApp {
    pub settings: Settings,
    pub data: LiveData,
    pub picker: SourcePicker,
    pub pipeline: Option<Pipeline>,
    /// Pipelines stopped (disconnect, another source) that are still
    /// closing their session folder: their last messages are still read.
    closing: Vec<Pipeline>,
    /// The pacer, while it runs.
    pub pacer: Option<PacerRun>,
    /// The audio thread (none in tests, or if sound is disabled).
    pub audio: Option<AudioOutput>,
    /// A notice shown when audio is unavailable.
    pub audio_notice: Option<String>,
    screenshot: Option<Screenshot>,
    repaint: Option<egui::Context>,
    pub last_error: Option<String>,
    /// The guided session, while one runs.
    pub practice: Option<PracticeFlow>,
    /// Where sessions are saved (`DATA_DIR/sessions`).
    pub sessions_dir: Option<PathBuf>,
    /// Step and device time of the last practice record sent.
    practice_synced: Option<(Step, f64)>,
    /// The sessions so far (loaded off the UI thread).
    pub history: Option<super::history::History>,
    history_rx: Option<std::sync::mpsc::Receiver<Result<super::history::History, String>>>,
    /// The history panel is open.
    pub show_history: bool,
    /// The outcome of the last export.
    pub export_note: Option<String>,
    export_rx: Option<std::sync::mpsc::Receiver<String>>,
    /// Start a guided session as soon as the sensor is connected.
    pub practice_pending: bool,
    /// Step through prepare and band check without clicks (demos).
    pub practice_auto: bool,
    /// Demo: press the dizziness stop at this device time.
    pub practice_stop_at: Option<f64>,
    /// Demo: the self-running session stays on the calibration step.
    pub practice_show_calibration: bool,
    /// Folder of the guided session just closed, until the pipeline has
    /// written it; then later journal edits are saved into it directly.
    closed_dir: Option<PathBuf>,
    /// The journal changed after the folder was closed (dizziness stop).
    journal_dirty: bool,
    journal_writer: Option<std::thread::JoinHandle<()>>,
    /// A text field had the keyboard at the end of the last frame.
    was_typing: bool,
    /// Save the settings on exit. Off for screenshots and self-running
    /// demos, which must not overwrite a person's settings.
    pub persist: bool,
    /// Device seconds per real second of the connected source (a replay's
    /// speed), for comparing breaths with the pacer.
    device_speed: f64,
}

impl BreathbandApp {
    /// An app with these settings, not yet connected.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            data: LiveData::default(),
            picker: SourcePicker::default(),
            pipeline: None,
            closing: Vec::new(),
            pacer: None,
            audio: None,
            audio_notice: None,
            screenshot: None,
            repaint: None,
            last_error: None,
            practice: None,
            sessions_dir: None,
            practice_synced: None,
            history: None,
            history_rx: None,
            show_history: false,
            export_note: None,
            export_rx: None,
            practice_pending: false,
            practice_auto: false,
            practice_stop_at: None,
            practice_show_calibration: false,
            closed_dir: None,
            journal_dirty: false,
            journal_writer: None,
            was_typing: false,
            persist: true,
            device_speed: 1.0,
        }
    }

    /// Plans a screenshot.
    pub fn with_screenshot(mut self, plan: Option<ScreenshotPlan>) -> Self {
        self.screenshot = plan.map(|plan| Screenshot {
            plan,
            start: Instant::now(),
            done: None,
        });
        self
    }

    /// Connects to the source in the settings (replacing any current one).
    /// Never waits: the old pipeline stops and closes its session folder on
    /// its own thread, the new one opens its source on its own thread.
    pub fn connect(&mut self, ctx: Option<&egui::Context>) {
        self.close_pipeline();
        self.data = LiveData::default();
        match self.settings.source.choice() {
            Ok(choice) => {
                self.device_speed = match &choice {
                    crate::live::SourceChoice::Replay { speed, .. } => *speed,
                    _ => 1.0,
                };
                let c = ctx.cloned().or_else(|| self.repaint.clone());
                self.pipeline = Some(Pipeline::start(&choice, None, move || {
                    if let Some(c) = &c {
                        c.request_repaint();
                    }
                }));
                self.last_error = None;
            }
            Err(e) => self.last_error = Some(e),
        }
    }

    /// Stops the pipeline; it goes on closing its session folder, and the
    /// message that it did still reaches [`Self::drain`].
    fn close_pipeline(&mut self) {
        if let Some(p) = self.pipeline.take() {
            p.stop();
            self.closing.push(p);
        }
    }

    /// Reads the last messages of stopped pipelines: a session folder
    /// closed (or failing to). Drops each once its thread has ended.
    fn drain_closing(&mut self) {
        let mut ended = false;
        let data = &mut self.data;
        self.closing.retain(|p| loop {
            match p.msgs.try_recv() {
                Ok(m @ (PipeMsg::RecordingEnded { .. } | PipeMsg::RecordingFailed(_))) => {
                    ended |= matches!(m, PipeMsg::RecordingEnded { .. });
                    data.apply(m);
                }
                Ok(_) => {}
                Err(std::sync::mpsc::TryRecvError::Empty) => break true,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => break false,
            }
        });
        if ended {
            self.reload_history();
        }
    }

    /// Moves what the pipeline produced into the display state.
    pub fn drain(&mut self) {
        self.drain_closing();
        let Some(p) = self.pipeline.as_mut() else {
            return;
        };
        while let Some(pt) = p.display.try_pop() {
            if let Some(f) = self.practice.as_mut() {
                f.display_point(pt.t_s, pt.chest, pt.belly, &self.data.gains);
            }
            self.data.push_point(pt);
        }
        let mut ended = false;
        let mut connected = false;
        while let Ok(m) = p.msgs.try_recv() {
            connected |= matches!(m, PipeMsg::Connected(..));
            if let (Some(f), PipeMsg::Analysis(o)) = (self.practice.as_mut(), &m) {
                match o {
                    Output::Window(w) => f.window(w),
                    Output::Breath(b) => f.breath(b),
                    Output::Event(e) => f.event(e),
                }
            }
            ended |= matches!(m, PipeMsg::RecordingEnded { .. });
            self.data.apply(m);
        }
        if let Some(c) = p.counters() {
            self.data.counters = c.snapshot();
        }
        if connected {
            self.apply_saved_calibration();
        }
        if ended {
            self.reload_history();
        }
        self.practice_bookkeeping();
    }

    /// The key of the connected sensor for saved calibrations.
    fn sensor_key(&self) -> Option<String> {
        let info = self.data.info.as_ref()?;
        info.device_id
            .clone()
            .or_else(|| info.usb_serial_number.clone())
    }

    /// The saved calibration of the connected sensor, if any.
    fn saved_calibration(&self) -> Option<&super::settings::SavedCalibration> {
        self.settings.calibrations.get(&self.sensor_key()?)
    }

    /// Uses the connected sensor's saved calibration, if it has one.
    fn apply_saved_calibration(&mut self) {
        let Some(g) = self.saved_calibration().map(|c| c.gains.clone()) else {
            return;
        };
        if let Some(p) = &self.pipeline {
            p.command(PipeCmd::SetGains(g));
        }
    }

    /// What the calibration step says of the calibration in use, if it is
    /// a saved one ("of 2026-11-30").
    fn saved_calibration_text(&self) -> Option<String> {
        let c = self.saved_calibration()?;
        (self.data.gains == c.gains).then(|| format!("of {}", c.measured_on))
    }

    /// Applies gains just measured and keeps them for this sensor.
    fn use_measured_gains(&mut self, g: crate::analysis::Gains) {
        if let Some(p) = &self.pipeline {
            p.command(PipeCmd::SetGains(g.clone()));
        }
        if let Some(key) = self.sensor_key() {
            let measured_on = chrono::Local::now().format("%Y-%m-%d").to_string();
            self.settings.calibrations.insert(
                key,
                super::settings::SavedCalibration {
                    gains: g,
                    measured_on,
                },
            );
        }
    }

    fn handle(&mut self, cmd: SourceCommand, ctx: &egui::Context) {
        match cmd {
            SourceCommand::Connect => self.connect(Some(ctx)),
            SourceCommand::Disconnect => {
                self.close_pipeline();
                self.data.link = LinkState::Disconnected;
                self.data.window = None;
            }
            SourceCommand::SetVirtual(p) => {
                if let Some(pl) = &self.pipeline {
                    pl.set_virtual_params(p);
                }
            }
        }
    }

    /// Starts the audio thread (it opens the device on its own thread).
    pub fn with_audio(mut self) -> Self {
        self.audio = Some(AudioOutput::start());
        self.send_sound_settings();
        self
    }

    fn send_audio(&mut self, cmd: Command) {
        if let Some(a) = self.audio.as_mut() {
            // A full queue only happens if the audio thread is stuck; the
            // next settings change sends everything again.
            let _ = a.send(cmd);
        }
    }

    fn send_sound_settings(&mut self) {
        let cue = self.settings.cue;
        let (volume, muted) = (self.settings.volume, self.settings.muted);
        self.send_audio(Command::SetCue(cue));
        self.send_audio(Command::SetVolume(volume));
        self.send_audio(Command::SetMute(muted));
    }

    /// The pattern in the settings; `lengthen` starts near the measured
    /// rate, keeping its target and ramp.
    pub fn pattern(&self) -> Result<Pattern, String> {
        let p = Pattern::parse(&self.settings.pattern).map_err(|e| e.to_string())?;
        Ok(match (p, self.data.window.and_then(|w| w.rate_bpm)) {
            (Pattern::Lengthen(l), Some(r)) => Pattern::Lengthen(l.starting_near(r)),
            (p, _) => p,
        })
    }

    /// Starts the pacer (and its sound) with the pattern in the settings.
    pub fn start_pacer(&mut self) {
        match self.pattern() {
            Ok(p) => {
                self.pacer = Some(
                    PacerRun::start(p, self.data.now_s()).with_device_speed(self.device_speed),
                );
                self.send_sound_settings();
                self.send_audio(Command::SetPattern(p));
                self.send_audio(Command::Start { at_s: 0.0 });
                self.last_error = None;
            }
            Err(e) => self.last_error = Some(format!("pacer: {e}")),
        }
    }

    /// Stops the pacer and its sound.
    pub fn stop_pacer(&mut self) {
        self.pacer = None;
        self.send_audio(Command::Stop);
    }

    /// What the pacer shows now.
    fn pacer_display(&self) -> Option<PacerDisplay> {
        let p = self.pacer.as_ref()?;
        Some(p.display(p.time_s(self.audio.as_ref()), &self.data))
    }

    /// Exports all sessions into `DATA_DIR/exports/<now>/` on a helper thread.
    pub fn export_all(&mut self) {
        if let Some(h) = &self.history {
            self.export(h.entries.clone());
        }
    }

    /// Exports the session in folder `dir` like [`Self::export_all`].
    pub fn export_one(&mut self, dir: &std::path::Path) {
        if let Some(h) = &self.history {
            let one: Vec<_> = h
                .entries
                .iter()
                .filter(|e| e.path == dir)
                .cloned()
                .collect();
            self.export(one);
        }
    }

    fn export(&mut self, entries: Vec<crate::session::history::SessionEntry>) {
        let Some(data) = self.sessions_dir.as_ref().and_then(|s| s.parent()) else {
            return;
        };
        let out = data
            .join("exports")
            .join(chrono::Local::now().format("%Y-%m-%d_%H-%M-%S").to_string());
        let (tx, rx) = std::sync::mpsc::channel();
        self.export_rx = Some(rx);
        self.export_note = Some("Exporting...".into());
        std::thread::spawn(move || {
            let r = std::fs::create_dir_all(&out)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    crate::session::export::export(&entries, &out).map_err(|e| e.to_string())
                })
                .map(|_| format!("Exported to {}", out.display()))
                .unwrap_or_else(|e| format!("Export failed: {e}"));
            let _ = tx.send(r);
        });
    }

    fn poll_export(&mut self) {
        if let Some(r) = self.export_rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.export_note = Some(r);
            self.export_rx = None;
        }
    }

    /// Reloads the history in the background.
    pub fn reload_history(&mut self) {
        if let Some(d) = self.sessions_dir.as_ref().and_then(|s| s.parent()) {
            self.history_rx = Some(super::history::load(d.to_path_buf()));
        }
    }

    fn poll_history(&mut self) {
        // Past midnight today's status and the streak are new: read again.
        let stale = self
            .history
            .as_ref()
            .is_some_and(|h| h.is_stale(chrono::Local::now().fixed_offset()));
        if stale && self.history_rx.is_none() {
            self.reload_history();
        }
        if let Some(rx) = &self.history_rx {
            if let Ok(r) = rx.try_recv() {
                match r {
                    Ok(h) => self.history = Some(h),
                    Err(e) => self.last_error = Some(format!("cannot read the history: {e}")),
                }
                self.history_rx = None;
            }
        }
    }

    /// Starts a guided session (recording into the sessions folder).
    pub fn start_practice(&mut self) {
        let Some(p) = &self.pipeline else {
            self.last_error = Some("connect a sensor (or the virtual sensor) first".into());
            return;
        };
        let Some(dir) = self.sessions_dir.clone() else {
            self.last_error = Some("no folder to save sessions in (see --data-dir)".into());
            return;
        };
        p.command(PipeCmd::StartRecording(SessionTarget::Under(dir)));
        self.practice_synced = None;
        let mut f = PracticeFlow::new(
            self.data.now_s(),
            self.settings.practice_minutes,
            chrono::Local::now().fixed_offset(),
        );
        if let Some(h) = &self.history {
            f.previous_shares =
                crate::session::history::shares_before(&h.entries, chrono::Utc::now());
        }
        self.practice = Some(f);
    }

    /// The practice record for `session.json`.
    fn practice_record(&self, f: &PracticeFlow) -> serde_json::Value {
        f.record(&self.settings.pattern).to_value()
    }

    /// Saves the practice record when the step changes and closes the
    /// session folder when the session ends.
    fn practice_bookkeeping(&mut self) {
        if self.practice_pending && self.data.info.is_some() {
            self.practice_pending = false;
            self.start_practice();
        }
        if self.practice_auto {
            let now = self.data.now_s();
            let running = self
                .practice
                .as_ref()
                .is_some_and(|f| f.step != Step::Stopped);
            if running && self.practice_stop_at.is_some_and(|t| now >= t) {
                self.practice_stop_at = None;
                self.stop_dizzy();
                return;
            }
            let ok = super::practice::band_check(self.data.window.as_ref()).ok;
            if let Some(f) = self.practice.as_mut() {
                match f.step {
                    Step::Prepare if now - f.step_started_s >= 4.0 => f.go(Step::BandCheck, now),
                    Step::BandCheck if ok && now - f.step_started_s >= 4.0 => {
                        f.go(Step::Calibrate, now)
                    }
                    Step::Calibrate if !self.practice_show_calibration => {
                        f.keep_gains(CalibrationSource::Skipped, now)
                    }
                    _ => {}
                }
            }
        }
        let Some(f) = &self.practice else {
            return;
        };
        let step = f.step;
        // A dizziness stop saves at once; after a full practice the folder
        // stays open on the summary for the journal, and closes on Close.
        let done = step == Step::Stopped;
        let now = self.data.now_s();
        let due = match self.practice_synced {
            Some((s, t)) => s != step || now - t >= 5.0,
            None => true,
        };
        if let (Some(p), true) = (&self.pipeline, due) {
            if self.data.recording.is_some() {
                self.practice_synced = Some((step, now));
                p.command(PipeCmd::SetPractice(self.practice_record(f)));
                if done {
                    self.close_recording();
                }
            }
        }
        self.save_late_journal(false);
        if matches!(step, Step::Summary | Step::Stopped) && self.pacer.is_some() {
            self.stop_pacer();
        }
        if step == Step::Practice && self.pacer.is_none() {
            self.start_pacer();
            // The baseline just measured is what "2x deeper than usual" means.
            let tidal = self.practice.as_ref().and_then(|f| f.baseline).map(|b| b.0);
            if let Some(p) = &self.pipeline {
                p.command(PipeCmd::SetBaseline(tidal));
            }
        }
    }

    /// Saves journal edits made after the session folder was closed (on the
    /// advice screen after a dizziness stop) into its `session.json`, on a
    /// helper thread, once the pipeline has finished writing the folder.
    /// One write at a time: edits made meanwhile go in the next one. With
    /// `last` (the practice closes) a write still in flight does not skip
    /// the final edits: the new write waits for it on its own thread.
    fn save_late_journal(&mut self, last: bool) {
        let busy = self
            .journal_writer
            .as_ref()
            .is_some_and(|t| !t.is_finished());
        if busy && !last {
            return;
        }
        let (Some(dir), Some(f)) = (&self.closed_dir, &self.practice) else {
            return;
        };
        let written = self.data.recorded.as_ref().is_some_and(|(d, _)| d == dir);
        if !self.journal_dirty || !written {
            return;
        }
        self.journal_dirty = false;
        let (dir, record) = (dir.clone(), self.practice_record(f));
        let before = self.journal_writer.take();
        self.journal_writer = Some(std::thread::spawn(move || {
            if let Some(t) = before {
                let _ = t.join();
            }
            if let Err(e) = crate::session::meta::SessionMeta::update_practice(&dir, record) {
                tracing::warn!("cannot save the journal: {e}");
            }
        }));
    }

    /// Writes the final practice record and closes the session folder.
    fn close_recording(&mut self) {
        let (Some(p), Some(f)) = (&self.pipeline, &self.practice) else {
            return;
        };
        if self.data.recording.is_none() {
            return;
        }
        p.command(PipeCmd::SetPractice(self.practice_record(f)));
        let reason = match &f.stopped_early {
            Some(r) => format!("stopped early: {r}"),
            None => "practice complete".into(),
        };
        p.command(PipeCmd::StopRecording {
            status: SessionStatus::Complete,
            reason,
        });
        // Until the pipeline confirms, do not send again.
        self.closed_dir = self.data.recording.take();
        self.journal_dirty = false;
    }

    fn practice_action(&mut self, a: PracticeAction) {
        let now = self.data.now_s();
        let Some(f) = self.practice.as_mut() else {
            return;
        };
        match (a, f.step) {
            (PracticeAction::Next, Step::Prepare) => f.go(Step::BandCheck, now),
            (PracticeAction::Next, Step::BandCheck) => f.go(Step::Calibrate, now),
            (PracticeAction::MeasureGains, Step::Calibrate) => f.measure_gains(now),
            (PracticeAction::AcceptGains, Step::Calibrate) => {
                if let Some(g) = f.accept_gains(now) {
                    self.use_measured_gains(g);
                }
            }
            (PracticeAction::KeepSavedGains, Step::Calibrate) => {
                f.keep_gains(CalibrationSource::Saved, now)
            }
            (PracticeAction::SkipCalibration, Step::Calibrate) => {
                f.keep_gains(CalibrationSource::Skipped, now)
            }
            (PracticeAction::Close, _) => {
                self.close_recording();
                self.save_late_journal(true);
                self.practice = None;
            }
            _ => {}
        }
    }

    /// Stops the guided session at once (dizziness, discomfort).
    pub fn stop_dizzy(&mut self) {
        let now = self.data.now_s();
        if let Some(f) = self.practice.as_mut() {
            f.stop_dizzy(now);
        }
        self.stop_pacer();
        self.practice_bookkeeping();
    }

    /// Lays out every panel. Called each frame by eframe and by the tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if let Some(a) = self.audio.as_mut() {
            self.audio_notice = a.status().notice();
        }
        let ctx = ui.ctx().clone();
        self.repaint.get_or_insert_with(|| ctx.clone());
        let active = self
            .practice
            .as_ref()
            .is_some_and(|f| !matches!(f.step, Step::Summary | Step::Stopped));
        // Esc stops, unless it is closing a text field (the journal note):
        // egui drops the focus on Esc before this runs, so ask the last frame.
        if active && !self.was_typing && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.stop_dizzy();
        }
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("breathband");
                ui.label("breathing trainer - a training aid, not a medical device");
            });
            ui.horizontal(|ui| {
                let active = self
                    .practice
                    .as_ref()
                    .is_some_and(|f| !matches!(f.step, Step::Summary | Step::Stopped));
                if active {
                    if practice_view::stop_button(ui) {
                        self.stop_dizzy();
                    }
                    if let Some(d) = &self.data.recording {
                        ui.label(format!("recording to {}", d.display()));
                    }
                } else if self.practice.is_none() {
                    if ui.button("Start a guided session").clicked() {
                        self.start_practice();
                    }
                    ui.add(
                        egui::DragValue::new(&mut self.settings.practice_minutes)
                            .range(3.0..=10.0)
                            .speed(0.1)
                            .suffix(" min"),
                    )
                    .on_hover_text("Length of the practice, 3 to 10 minutes");
                    if let Some(h) = &self.history {
                        ui.label(format!("Today: {}", h.calendar.today_text()));
                    }
                    ui.toggle_value(&mut self.show_history, "History");
                }
            });
            status::status_line(ui, &self.data);
            status::banner(ui, &self.data);
        });
        egui::Panel::left("side")
            .default_size(300.0)
            .show(ui, |ui| {
                let connected = self.pipeline.is_some();
                if let Some(cmd) = self.picker.ui(ui, &mut self.settings.source, connected) {
                    self.handle(cmd, &ctx);
                }
                if let Some(e) = &self.last_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                let notice = self.audio_notice.clone();
                match pacer_controls::ui(ui, &mut self.settings, notice.as_deref()) {
                    Some(PacerSetting::Pattern) if self.pacer.is_some() => self.start_pacer(),
                    Some(PacerSetting::Sound) => self.send_sound_settings(),
                    Some(PacerSetting::RetrySound) => {
                        if let Some(a) = &self.audio {
                            a.reopen();
                        }
                    }
                    _ => {}
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.poll_history();
            self.poll_export();
            // Whatever the step shows (practice, summary, advice), nothing is
            // cut off at the bottom: the central panel scrolls.
            egui::ScrollArea::vertical()
                .id_salt("central")
                .auto_shrink(false)
                .show(ui, |ui| self.central(ui, &ctx));
        });
        self.was_typing = ctx.egui_wants_keyboard_input();
        if !self.settings.disclaimer_seen {
            egui::Modal::new(egui::Id::unique("disclaimer")).show(&ctx, |ui| {
                ui.heading("Before you start");
                ui.label(
                    "breathband is a training aid, not a medical device. It does not diagnose or \
                     treat anything. Practice should stay pain-free: stop at once if it hurts or \
                     you feel dizzy, and ask your clinician if unsure.",
                );
                if ui.button("I understand").clicked() {
                    self.settings.disclaimer_seen = true;
                }
            });
        }
    }

    /// The central panel's content: history, the guided session, the live
    /// view, the pacer and the traces.
    fn central(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        if self.show_history && self.practice.is_none() {
            match &self.history {
                Some(h) => {
                    use super::panels::history_view::{self, HistoryAction};
                    let act = history_view::ui(ui, h, self.export_note.as_deref());
                    match act {
                        Some(HistoryAction::Replay(dir)) => {
                            self.settings.source.kind =
                                super::panels::source_picker::SourceKind::Replay;
                            self.settings.source.replay_path = dir.display().to_string();
                            self.show_history = false;
                            self.connect(Some(ctx));
                        }
                        Some(HistoryAction::ExportAll) => self.export_all(),
                        Some(HistoryAction::Export(dir)) => self.export_one(&dir),
                        None => {}
                    }
                }
                None => {
                    ui.label("Reading the history...");
                }
            }
            ui.separator();
        }
        let now = self.data.now_s();
        let saved = self.saved_calibration_text();
        if let Some(f) = self.practice.as_mut() {
            let before = (f.journal_before.clone(), f.journal_after.clone());
            let act = practice_view::ui(ui, f, self.data.window.as_ref(), now, saved.as_deref());
            if before != (f.journal_before.clone(), f.journal_after.clone()) {
                // Journal edits reach session.json at the next sync
                // (or, once the folder is closed, directly).
                self.practice_synced = None;
                self.journal_dirty = true;
            }
            if let Some(a) = act {
                self.practice_action(a);
            }
            ui.separator();
        }
        let label = self.data.label();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(ui.available_width() * 0.55);
                let connected = self.data.link != LinkState::Disconnected;
                gauge::ui(ui, self.data.window.as_ref(), label, connected);
            });
            ui.vertical(|ui| loop_view::ui(ui, &self.data));
        });
        ui.separator();
        breath_strip::ui(ui, self.data.breaths.iter());
        ui.separator();
        let pd = self.pacer_display();
        match pacer_view::ui(ui, pd.as_ref()) {
            Some(PacerAction::Start) => self.start_pacer(),
            Some(PacerAction::Stop) => self.stop_pacer(),
            None => {}
        }
        ui.separator();
        self.settings.traces.ui(ui, &self.data);
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        if shot.done.is_none() && shot.start.elapsed().as_secs_f64() >= shot.plan.after_s {
            let (tx, rx) = std::sync::mpsc::channel();
            shot.done = Some(rx);
            let path = shot.plan.path.clone();
            let c = ctx.clone();
            // The PNG is written off the UI thread; the next frame closes.
            ctx.request_screenshot(move |img| {
                std::thread::spawn(move || {
                    let [w, h] = img.size;
                    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
                    let r = image::save_buffer(
                        &path,
                        &bytes,
                        w as u32,
                        h as u32,
                        image::ColorType::Rgba8,
                    )
                    .map(|()| path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()));
                    let _ = tx.send(r);
                    c.request_repaint();
                });
            });
        }
        if let Some(r) = shot.done.as_ref().and_then(|rx| rx.try_recv().ok()) {
            match r {
                Ok(p) => eprintln!("screenshot: {}", p.display()),
                Err(e) => eprintln!("breathband: error: {e}"),
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

impl eframe::App for BreathbandApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.drain();
        self.show(ui);
        let ctx = ui.ctx().clone();
        self.screenshot_step(&ctx);
        if self.pacer.is_some() {
            // The pacer animates: redraw at about 20 frames per second.
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Closing the window mid-session: keep the session, marked as
        // stopped early so it is not taken for a full practice.
        let running = self
            .practice
            .as_ref()
            .is_some_and(|f| !matches!(f.step, Step::Summary | Step::Stopped));
        if running {
            if let Some(f) = self.practice.as_mut() {
                f.stopped_early = Some("app closed".into());
            }
        }
        // The last practice record goes into session.json as the pipeline
        // closes the folder; the pipeline stops without the UI waiting
        // (`app::run` gives it time before the process ends).
        if let (Some(p), Some(f)) = (&self.pipeline, &self.practice) {
            p.command(PipeCmd::SetPractice(self.practice_record(f)));
        }
        self.pipeline = None;
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, super::settings::KEY, &self.settings);
        }
    }
}
