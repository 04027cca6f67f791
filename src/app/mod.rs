//! The desktop app (egui/eframe): live biofeedback, the source picker, the
//! pacer and audio cues. The UI thread only drains queues; the pipeline,
//! analysis and audio run on their own threads. Imports every layer below
//! (the live pipeline, session, audio, ...); never the CLI.

mod actions;
pub mod breathband_app;
pub mod calibrations;
pub mod command;
pub mod connection;
pub mod history;
pub mod jobs;
pub mod live_data;
pub mod pacer_run;
pub mod panels;
mod program_actions;
pub mod repaint;
pub mod screenshot;
pub mod settings;
mod sound;
pub mod style;
pub mod window_probe;

pub use breathband_app::BreathbandApp;
pub use screenshot::ScreenshotPlan;
use settings::Settings;

/// How to start the app.
#[derive(Debug, Clone, Default)]
pub struct GuiOptions {
    /// Replace the saved source (e.g. `--source virtual`).
    pub source: Option<panels::source_picker::SourceSettings>,
    /// Save a screenshot and exit (settings are neither read nor saved).
    pub screenshot: Option<ScreenshotPlan>,
    /// Start the pacer with this pattern.
    pub pacer: Option<String>,
    /// `--data-dir`, if given.
    pub data_dir: Option<std::path::PathBuf>,
    /// Start a guided session at once (`Some(true)`: advancing on its own).
    pub practice: Option<bool>,
    /// Length of the guided practice, minutes.
    pub practice_minutes: Option<f64>,
    /// Demo: the dizziness stop after this many seconds of signal.
    pub practice_stop_at: Option<f64>,
    /// Self-running demo: stay on the calibration step.
    pub practice_show_calibration: bool,
    /// Open with the history shown.
    pub history: bool,
}

/// The desktop's name for the window (Wayland app id, X11 WM_CLASS): the
/// desktop entry `breathband.desktop` matches it (`StartupWMClass`).
pub const APP_ID: &str = "breathband";

/// The window's icon, drawn from `assets/icons/breathband.svg`.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/128x128/breathband.png");

/// The app id and the icon on a viewport.
pub fn window_look(v: egui::ViewportBuilder) -> egui::ViewportBuilder {
    let v = v.with_app_id(APP_ID);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => v.with_icon(std::sync::Arc::new(icon)),
        Err(e) => {
            tracing::warn!("the window icon does not load: {e}");
            v
        }
    }
}

/// Opens the window and runs until it is closed.
pub fn run(opts: GuiOptions) -> anyhow::Result<()> {
    let shot = opts.screenshot.is_some();
    // Screenshots and self-running demos must not change a person's
    // settings (window geometry included); screenshots do not read them
    // either.
    let demo = shot || opts.practice == Some(true);
    let native = eframe::NativeOptions {
        viewport: window_look(
            egui::ViewportBuilder::default()
                .with_title("breathband")
                .with_inner_size([1200.0, 800.0]),
        ),
        persist_window: !demo,
        ..Default::default()
    };
    eframe::run_native(
        "breathband",
        native,
        Box::new(move |cc| {
            let mut settings: Settings = if shot {
                Settings::default()
            } else {
                cc.storage
                    .and_then(|s| eframe::get_value(s, settings::KEY))
                    .unwrap_or_default()
            };
            if let Some(s) = opts.source {
                settings.source = s;
            }
            if shot {
                settings.disclaimer_seen = true;
            }
            let mut app = BreathbandApp::new(settings)
                .with_screenshot(opts.screenshot)
                .with_audio();
            app.persist = !demo;
            app.sessions_dir = crate::session::folder::data_dir(opts.data_dir.as_deref())
                .ok()
                .map(|d| d.join("sessions"));
            app.reload_history();
            app.connect(Some(&cc.egui_ctx));
            if let Some(p) = opts.pacer {
                app.settings.pattern = p;
                app.start_pacer();
            }
            app.show_history = opts.history;
            if let Some(m) = opts.practice_minutes {
                app.settings.practice_minutes = m;
            }
            app.demo.stop_at = opts.practice_stop_at;
            app.demo.show_calibration = opts.practice_show_calibration;
            if let Some(auto) = opts.practice {
                app.demo.auto = auto;
                app.demo.start_when_connected = true;
            }
            Ok(Box::new(app))
        }),
    )
    .map(|()| {
        // The window is gone: let stopped pipelines close their session
        // folders before the process ends.
        if !crate::live::wait_for_all(std::time::Duration::from_secs(5)) {
            tracing::warn!("a session folder was still being closed at exit");
        }
    })
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot open the app window ({e}); is there a display? Without one, use \
             `breathband record`/`analyze`, or run under xvfb-run"
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_has_its_app_id_and_an_icon() {
        let v = super::window_look(egui::ViewportBuilder::default());
        assert_eq!(v.app_id.as_deref(), Some(super::APP_ID));
        let icon = v.icon.expect("an icon");
        assert_eq!((icon.width, icon.height), (128, 128));
        assert_eq!(icon.rgba.len(), 128 * 128 * 4);
    }
}
