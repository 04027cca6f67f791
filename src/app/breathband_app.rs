//! The eframe app: its state, and each frame the pipeline drained without
//! waiting, the panels laid out and their commands carried out
//! ([`super::actions`]).

use super::command::AppCommand;
use super::connection::Connection;
use super::history::History;
use super::jobs::{self, Job};
use super::live_data::LiveData;
use super::pacer_run::PacerRun;
use super::panels::calm_practice::{self, CalmView};
use super::panels::pacer_controls;
use super::panels::pacer_view;
use super::panels::practice_view;
use super::panels::source_picker::SourcePicker;
use super::panels::status;
use super::panels::top_bar::{self, TopBar};
use super::panels::{breath_strip, disclaimer, gains_note, gauge, history_view, loop_view};
use super::repaint::{self, RepaintState};
use super::screenshot::{Screenshot, ScreenshotPlan};
use super::settings::Settings;
use super::window_probe::MapProbe;
use crate::analysis::Class;
use crate::audio::AudioOutput;
use crate::device::ports::PortEntry;
use crate::live::PipeMsg;
use crate::practice::demo::DemoScript;
use crate::practice::flow::{PracticeFlow, Step};
use crate::practice::runner::PracticeRunner;
use crate::session::history::HistoryError;
use ringbuf::traits::Consumer;
use std::path::PathBuf;

/// The app's background jobs (see [`super::jobs`]).
#[derive(Default)]
pub(super) struct Jobs {
    pub history: jobs::Slot<Result<History, HistoryError>>,
    pub export: jobs::Slot<String>,
    pub ports: jobs::Slot<Result<Vec<PortEntry>, String>>,
    /// The last journal write into a closed session folder.
    pub journal: Option<Job<()>>,
}

/// The whole app's state.
pub struct BreathbandApp {
    pub settings: Settings,
    pub data: LiveData,
    pub picker: SourcePicker,
    /// The live pipeline (and those still closing).
    pub link: Connection,
    /// The pacer, while it runs.
    pub pacer: Option<PacerRun>,
    /// The audio thread (none in tests, or if sound is disabled).
    pub audio: Option<AudioOutput>,
    /// A notice shown when audio is unavailable.
    pub audio_notice: Option<String>,
    /// The guided session and its bookkeeping.
    pub runner: PracticeRunner,
    /// Demo flags: start on connect, run by itself, stop at a time.
    pub demo: DemoScript,
    /// Where sessions are saved (`DATA_DIR/sessions`).
    pub sessions_dir: Option<PathBuf>,
    /// The sessions so far (loaded off the UI thread).
    pub history: Option<History>,
    /// The history panel is open.
    pub show_history: bool,
    /// The outcome of the last export.
    pub export_note: Option<String>,
    pub last_error: Option<String>,
    /// Save the settings on exit. Off for screenshots and self-running
    /// demos, which must not overwrite a person's settings.
    pub persist: bool,
    pub(super) jobs: Jobs,
    screenshot: Option<Screenshot>,
    pub(super) repaint: Option<egui::Context>,
    /// A text field had the keyboard at the end of the last frame.
    was_typing: bool,
    /// The window is unmapped (X11), which eframe does not know.
    probe: MapProbe,
    unmapped: bool,
}

impl BreathbandApp {
    /// An app with these settings, not yet connected.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            data: LiveData::default(),
            picker: SourcePicker::default(),
            link: Connection::default(),
            pacer: None,
            audio: None,
            audio_notice: None,
            runner: PracticeRunner::default(),
            demo: DemoScript::default(),
            sessions_dir: None,
            history: None,
            show_history: false,
            export_note: None,
            last_error: None,
            persist: true,
            jobs: Jobs::default(),
            screenshot: None,
            repaint: None,
            was_typing: false,
            probe: MapProbe::default(),
            unmapped: false,
        }
    }

    /// Plans a screenshot.
    pub fn with_screenshot(mut self, plan: Option<ScreenshotPlan>) -> Self {
        self.screenshot = plan.map(Screenshot::new);
        self
    }

    /// The guided session, while one is shown.
    pub fn practice(&self) -> Option<&PracticeFlow> {
        self.runner.flow()
    }

    /// What decides the next frame ([`repaint::next_repaint`]).
    pub fn repaint_state(&self, ctx: &egui::Context) -> RepaintState {
        RepaintState {
            hidden: self.unmapped || ctx.input(|i| i.viewport().visible() == Some(false)),
            live: self.link.is_open(),
            pacer: self
                .pacer
                .as_ref()
                .map(|p| p.motion(p.time_s(self.audio.as_ref()))),
            calm: matches!(self.runner.flow().map(|f| f.step), Some(Step::Practice)),
        }
    }

    /// Moves what the pipeline produced into the display state.
    pub fn drain(&mut self) {
        if self.link.drain_closing(&mut self.data) {
            self.reload_history();
        }
        let Some(p) = self.link.pipeline.as_mut() else {
            return;
        };
        while let Some(pt) = p.display.try_pop() {
            self.runner
                .display_point(pt.t_s, pt.chest, pt.belly, &self.data.gains);
            self.data.push_point(pt);
        }
        let (mut ended, mut connected) = (false, false);
        while let Ok(m) = p.msgs.try_recv() {
            connected |= matches!(m, PipeMsg::Connected(..));
            ended |= matches!(m, PipeMsg::RecordingEnded { .. });
            if let PipeMsg::Analysis(o) = &m {
                self.runner.analysis(o);
            }
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

    /// Lays out every panel, then carries out what the person asked for.
    /// Called each frame by eframe and by the tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if let Some(a) = self.audio.as_mut() {
            self.audio_notice = a.status().notice();
        }
        let ctx = ui.ctx().clone();
        self.repaint.get_or_insert_with(|| ctx.clone());
        super::panels::appearance::apply(&ctx, &self.settings);
        self.poll_jobs();
        let mut cmds = Vec::new();
        // Esc stops, unless it is closing a text field (the journal note):
        // egui drops the focus on Esc before this runs, so ask the last frame.
        let active = self.runner.active();
        if active && !self.was_typing && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            cmds.push(AppCommand::StopDizzy);
        }
        // The panels leave their background to the window's clear colour
        // (the same colour, [`eframe::App::clear_color`]): each filled
        // pixel costs in software rendering, and the fills covered all.
        let style = ui.style().clone();
        let practising = matches!(self.runner.flow().map(|f| f.step), Some(Step::Practice));
        let bare = |f: egui::Frame| f.fill(egui::Color32::TRANSPARENT);
        egui::Panel::top("top")
            .frame(bare(egui::Frame::side_top_panel(&style)))
            .show(ui, |ui| {
                let bar = TopBar {
                    data: &self.data,
                    practice_active: active,
                    practice_idle: self.runner.flow().is_none(),
                    calm: practising,
                    recording: self.data.recording.as_deref(),
                    today: self.history.as_ref().map(|h| h.calendar.today_text()),
                };
                let minutes = &mut self.settings.practice_minutes;
                cmds.extend(top_bar::ui(ui, &bar, minutes, &mut self.show_history));
            });
        if !practising {
            egui::Panel::left("side")
                .frame(bare(egui::Frame::side_top_panel(&style)))
                .default_size(300.0)
                .show(ui, |ui| self.side(ui, &mut cmds));
        }
        egui::CentralPanel::default()
            .frame(bare(egui::Frame::central_panel(&style)))
            .show(ui, |ui| {
                // Whatever the step shows (practice, summary, advice), nothing is
                // cut off at the bottom: the central panel scrolls.
                egui::ScrollArea::vertical()
                    .id_salt("central")
                    .auto_shrink(false)
                    .show(ui, |ui| self.central(ui, &mut cmds));
            });
        self.was_typing = ctx.egui_wants_keyboard_input();
        disclaimer::ui(&ctx, &mut self.settings.disclaimer_seen);
        if !cmds.is_empty() {
            // What the person did shows in this frame, not the next one.
            ctx.request_discard("a panel command changed the state");
        }
        for c in cmds {
            self.apply(c, &ctx);
        }
    }

    /// The side panel: the source picker and the pacer's settings.
    fn side(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<AppCommand>) {
        let connected = self.link.is_open();
        let picked = self.picker.ui(ui, &mut self.settings.source, connected);
        cmds.extend(picked.map(AppCommand::Source));
        if let Some(e) = &self.last_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.separator();
        let notice = self.audio_notice.as_deref();
        let set = pacer_controls::ui(ui, &mut self.settings, notice);
        cmds.extend(set.map(AppCommand::PacerSetting));
        ui.separator();
        super::panels::appearance::ui(ui, &mut self.settings);
    }

    /// The central panel: history, the guided session, the live view, the
    /// pacer and the traces.
    fn central(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<AppCommand>) {
        if self.show_history && self.runner.flow().is_none() {
            match &self.history {
                Some(h) => {
                    let act = history_view::ui(ui, h, self.export_note.as_deref());
                    cmds.extend(act.map(AppCommand::History));
                }
                None => {
                    ui.label("Reading the history...");
                }
            }
            ui.separator();
        }
        let now = self.data.now_s();
        let saved = self
            .settings
            .calibrations
            .describe(self.data.info.as_ref(), &self.data.gains);
        match self.runner.flow().map(|f| f.step) {
            // The practice fills the window; the dashboard waits behind
            // "Details".
            Some(Step::Practice) => {
                let view = self.calm_view();
                if calm_practice::ui(ui, &view, crate::app::style::class_color(Class::Belly)) {
                    cmds.push(AppCommand::StopDizzy);
                }
                ui.separator();
                egui::CollapsingHeader::new("Details")
                    .id_salt("practice_details")
                    .show(ui, |ui| {
                        status::status_line(ui, &self.data);
                        self.dashboard(ui, cmds);
                    });
                return;
            }
            Some(Step::Stopped) => {
                // The stop screen gives the advice only.
                if let Some(f) = self.runner.flow_mut() {
                    let before = f.journal_after.clone();
                    let act = practice_view::ui(ui, f, None, now, saved.as_deref());
                    if before != f.journal_after {
                        cmds.push(AppCommand::JournalEdited);
                    }
                    cmds.extend(act.map(AppCommand::Practice));
                }
                return;
            }
            _ => {}
        }
        if let Some(f) = self.runner.flow_mut() {
            let before = (f.journal_before.clone(), f.journal_after.clone());
            let act = practice_view::ui(ui, f, self.data.live_window(), now, saved.as_deref());
            if before != (f.journal_before.clone(), f.journal_after.clone()) {
                cmds.push(AppCommand::JournalEdited);
            }
            cmds.extend(act.map(AppCommand::Practice));
            ui.separator();
        }
        self.dashboard(ui, cmds);
    }

    /// What the calm practice screen shows now.
    fn calm_view(&self) -> CalmView {
        let pd = self.pacer_display();
        let f = self.runner.flow();
        let warning = f.and_then(|f| f.slow_down.clone());
        CalmView {
            phase: pd.as_ref().map(|d| d.phase.clone()),
            fill: pd.as_ref().map_or(0.5, |d| d.fill),
            phase_left_s: pd.as_ref().map_or(0.0, |d| d.seconds_left),
            warning: warning.is_some(),
            feedback: warning.or_else(|| f.and_then(|f| f.feedback.as_ref().map(|x| x.0.clone()))),
            left_s: f.map_or(0.0, |f| f.left_s()),
            belly_share: self.data.live_window().and_then(|w| w.belly_share),
        }
    }

    /// The live dashboard: gauge, loop, breaths, pacer, traces.
    fn dashboard(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<AppCommand>) {
        let label = self.data.label();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(ui.available_width() * 0.55);
                let note = self.data.link_note();
                gauge::ui(ui, self.data.live_window(), label, note);
                let can_reset = !self.runner.active();
                cmds.extend(gains_note::ui(ui, &self.data.gains, can_reset));
            });
            ui.vertical(|ui| loop_view::ui(ui, &self.data));
        });
        ui.separator();
        breath_strip::ui(ui, self.data.breaths.iter());
        ui.separator();
        let pd = self.pacer_display();
        cmds.extend(pacer_view::ui(ui, pd.as_ref()).map(AppCommand::Pacer));
        ui.separator();
        self.settings.traces.ui(ui, &self.data);
    }
}

impl eframe::App for BreathbandApp {
    /// Before each frame, and on its own while the window is minimised or
    /// covered (then nothing is drawn): drains the pipeline and asks for
    /// the next frame ([`super::repaint`]).
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.drain();
        self.unmapped = self.probe.unmapped(frame);
        if let Some(after) = repaint::next_repaint(&self.repaint_state(ctx)) {
            ctx.request_repaint_after(after);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if self.unmapped {
            // eframe paints frames it takes for visible; this one shows
            // nothing (no panel, so it costs next to nothing) until the
            // window is mapped again.
            return;
        }
        self.show(ui);
        if let Some(s) = self.screenshot.as_mut() {
            s.step(ui.ctx());
        }
    }

    /// The panels' own colour: they draw no background (see [`Self::show`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Closing the window mid-session keeps the session, marked as
        // stopped early; its last record goes into session.json as the
        // pipeline closes the folder, without the UI waiting (`app::run`
        // gives it time before the process ends).
        if let Some(r) = self.runner.app_closing(&self.settings.pattern) {
            self.link
                .command(crate::live::PipeCmd::SetPractice(Box::new(r)));
        }
        self.link.pipeline = None;
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, super::settings::KEY, &self.settings);
        }
    }
}
