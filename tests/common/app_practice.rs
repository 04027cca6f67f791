//! Harness for the guided practice flow in the app, headless: a recorded
//! virtual-sensor signal is replayed at 20x through the real pipeline, so
//! the device clock (which drives the session) runs five minutes in
//! seconds; the session folder is written by the same writer as `record`.

use super::BIN;
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::practice::flow::Step;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn simulate(dir: &Path, share: &str) -> PathBuf {
    let f = dir.join("sim.csv");
    let out = std::process::Command::new(BIN)
        .args([
            "simulate",
            "--out",
            f.to_str().unwrap(),
            "--seconds",
            "400",
            "--rate-hz",
            "50",
            "--share",
            share,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    f
}

pub fn app(dir: &Path, share: &str) -> BreathbandApp {
    let mut s = Settings {
        disclaimer_seen: true,
        practice_minutes: 3.0,
        ..Default::default()
    };
    s.source.kind = SourceKind::Replay;
    s.source.replay_path = simulate(dir, share).display().to_string();
    s.source.replay_speed = 20.0;
    let mut app = BreathbandApp::new(s);
    app.sessions_dir = Some(dir.join("sessions"));
    app.connect(None);
    app
}

pub fn harness(app: BreathbandApp) -> Harness<'static, BreathbandApp> {
    Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(
            |ui, app: &mut BreathbandApp| {
                app.drain();
                app.show(ui);
            },
            app,
        )
}

/// Steps frames until `done` or the timeout.
pub fn until(
    h: &mut Harness<'static, BreathbandApp>,
    secs: f64,
    done: impl Fn(&BreathbandApp) -> bool,
) {
    let t = Instant::now();
    while !done(h.state()) {
        assert!(
            t.elapsed().as_secs_f64() < secs,
            "timed out; step {:?}",
            h.state().practice().map(|f| f.step)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.step();
}

pub fn step(a: &BreathbandApp) -> Option<Step> {
    a.practice().map(|f| f.step)
}

/// From the prepare step (journal done) through the band check to the
/// calibration step's first screen.
pub fn into_calibration(h: &mut Harness<'static, BreathbandApp>) {
    assert_eq!(step(h.state()), Some(Step::Prepare));
    h.get_by_label("Ready: check the bands").click();
    h.step();
    until(h, 30.0, |a| {
        breathband::practice::checks::band_check(a.data.window.as_ref()).ok
    });
    h.get_by_label("Bands are fine: next").click();
    h.step();
    assert_eq!(step(h.state()), Some(Step::Calibrate));
    h.step();
}

/// Starts a guided session once the signal has run 12 s.
pub fn start_session(h: &mut Harness<'static, BreathbandApp>) {
    until(h, 30.0, |a| a.data.now_s() > 12.0);
    h.get_by_label("Start a guided session").click();
    h.step();
}

/// Runs the flow up to the practice step.
pub fn into_practice(h: &mut Harness<'static, BreathbandApp>) {
    start_session(h);
    into_calibration(h);
    h.get_by_label("Skip: use the sensor's own scale").click();
    h.step();
    assert_eq!(step(h.state()), Some(Step::Baseline));
    until(h, 30.0, |a| step(a) == Some(Step::Practice));
}

/// Types `text` into the journal's note field.
pub fn type_note(h: &mut Harness<'static, BreathbandApp>, text: &str) {
    let note = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note");
    note.focus();
    h.step();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note")
        .type_text(text);
    h.step();
}

pub fn session_dir(root: &Path) -> PathBuf {
    let mut v: Vec<_> = std::fs::read_dir(root.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v.pop().unwrap()
}

pub fn meta(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("session.json")).unwrap()).unwrap()
}
