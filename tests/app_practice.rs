//! The guided practice flow end to end in the app, headless: a recorded
//! virtual-sensor signal is replayed at 20x through the real pipeline, so
//! the device clock (which drives the session) runs five minutes in
//! seconds; the session folder is written by the same writer as `record`.

use breathband::app::panels::source_picker::SourceKind;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::practice::flow::Step;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_breathband");

fn simulate(dir: &Path, share: &str) -> PathBuf {
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

fn app(dir: &Path, share: &str) -> BreathbandApp {
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

fn harness(app: BreathbandApp) -> Harness<'static, BreathbandApp> {
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
fn until(
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

fn step(a: &BreathbandApp) -> Option<Step> {
    a.practice().map(|f| f.step)
}

/// From the prepare step (journal done) through the band check to the
/// calibration step's first screen.
fn into_calibration(h: &mut Harness<'static, BreathbandApp>) {
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
fn start_session(h: &mut Harness<'static, BreathbandApp>) {
    until(h, 30.0, |a| a.data.now_s() > 12.0);
    h.get_by_label("Start a guided session").click();
    h.step();
}

/// Runs the flow up to the practice step.
fn into_practice(h: &mut Harness<'static, BreathbandApp>) {
    start_session(h);
    into_calibration(h);
    h.get_by_label("Skip: use the sensor's own scale").click();
    h.step();
    assert_eq!(step(h.state()), Some(Step::Baseline));
    until(h, 30.0, |a| step(a) == Some(Step::Practice));
}

/// Types `text` into the journal's note field.
fn type_note(h: &mut Harness<'static, BreathbandApp>, text: &str) {
    let note = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note");
    note.focus();
    h.step();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note")
        .type_text(text);
    h.step();
}

fn session_dir(root: &Path) -> PathBuf {
    let mut v: Vec<_> = std::fs::read_dir(root.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v.pop().unwrap()
}

fn meta(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("session.json")).unwrap()).unwrap()
}

#[test]
fn belly_session_ends_belly_dominant_with_its_files_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.75"));
    into_practice(&mut h);
    assert!(h.state().pacer.is_some(), "the pacer runs during practice");
    until(&mut h, 40.0, |a| step(a) == Some(Step::Summary));
    h.get_by_label("Mostly: Belly breathing");
    let f = h.state().practice().cloned().unwrap();
    assert!(
        f.practised_s >= 180.0 && f.practised_s < 182.0,
        "{}",
        f.practised_s
    );
    assert!(
        f.belly_fraction().unwrap() >= 0.9,
        "{:?}",
        f.belly_fraction()
    );
    // Close writes the record and closes the folder.
    h.get_by_label("Close").click();
    h.step();
    assert!(h.state().practice().is_none());
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let dir = session_dir(tmp.path());
    let m = meta(&dir);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["end_reason"], "practice complete");
    let sum = &m["practice"]["summary"];
    assert!(
        sum["belly_breath_fraction"].as_f64().unwrap() >= 0.9,
        "{sum}"
    );
    assert!(sum["minutes"].as_f64().unwrap() >= 3.0, "{sum}");
    assert_eq!(sum["share_by_minute"].as_array().unwrap().len(), 3, "{sum}");
    assert_eq!(m["practice"]["planned_min"], 3.0);
    for f in ["samples.csv", "windows.csv", "breaths.csv"] {
        let n = std::fs::read_to_string(dir.join(f))
            .unwrap()
            .lines()
            .count();
        assert!(n > 10, "{f}: {n} lines");
    }
}

#[test]
fn chest_session_ends_chest_dominant_with_the_matching_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.25"));
    into_practice(&mut h);
    until(&mut h, 20.0, |a| {
        a.practice().is_some_and(|f| f.feedback.is_some())
    });
    h.get_by_label_contains("Your chest is moving: let the belly lead");
    until(&mut h, 40.0, |a| step(a) == Some(Step::Summary));
    h.get_by_label("Mostly: Chest breathing");
    // The summary's advice, beside the live gauge's hint (the same words).
    assert_eq!(
        h.query_all_by_label_contains("The chest is moving: let the belly lead.")
            .count(),
        2
    );
    assert!(h
        .query_all_by_label_contains("Mostly: Belly breathing")
        .next()
        .is_none());
}

#[test]
fn dizziness_stop_saves_and_marks_the_session() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.7"));
    into_practice(&mut h);
    until(&mut h, 10.0, |a| {
        a.practice().is_some_and(|f| f.practised_s > 20.0)
    });
    h.get_by_label_contains("Stop - I feel dizzy / uncomfortable")
        .click();
    h.step();
    assert_eq!(step(h.state()), Some(Step::Stopped));
    assert!(
        h.state().pacer.is_none(),
        "the pacer stops with the session"
    );
    h.get_by_label("Session stopped");
    // Saved at once, before anything else is entered.
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let dir = session_dir(tmp.path());
    let m = meta(&dir);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["practice"]["stopped_early"], "dizzy");
    assert_eq!(m["end_reason"], "stopped early: dizzy");
    let practised = m["practice"]["summary"]["minutes"].as_f64().unwrap();
    assert!(practised > 0.3 && practised < 3.0, "{practised}");
    // The journal entered on the advice screen reaches the closed folder.
    h.get_by_label("After: how are you now? (optional)").click();
    h.step();
    h.get_by_label("yes").click();
    h.step();
    type_note(&mut h, "light-headed after 20 s");
    h.get_by_label("Close").click();
    h.step();
    let t = Instant::now();
    let saved = loop {
        let m = meta(&dir);
        if m["practice"]["journal_after"]["note"].is_string() || t.elapsed().as_secs() > 10 {
            break m;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let j = &saved["practice"]["journal_after"];
    assert_eq!(j["dizzy"], true, "{j}");
    assert_eq!(j["note"], "light-headed after 20 s");
    assert_eq!(saved["practice"]["stopped_early"], "dizzy");
}

#[test]
fn disconnect_mid_session_closes_the_folder_and_the_app_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.7"));
    start_session(&mut h);
    until(&mut h, 10.0, |a| a.data.recording.is_some());
    assert!(h.state().data.window.is_some());
    h.get_by_label("Disconnect").click();
    h.step();
    h.step();
    // At once: not live, no stale class.
    assert_eq!(
        h.state().data.link,
        breathband::app::live_data::LinkState::Disconnected
    );
    assert!(h.state().data.window.is_none());
    h.get_by_label("disconnected");
    h.get_by_label("Not connected: press Connect to see your breathing.");
    // The stopped pipeline's last message still arrives: the app no longer
    // says it is recording, and knows where the session went.
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let a = h.state();
    assert!(a.data.recording.is_none());
    let dir = session_dir(tmp.path());
    assert_eq!(a.data.recorded.as_ref().unwrap().0, dir);
    let m = meta(&dir);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["end_reason"], "source disconnected or app closed");
    assert!(m["samples_written"].as_u64().unwrap() > 0);
    assert!(h.query_by_label_contains("recording to").is_none());
}

#[test]
fn escape_stops_the_session_but_not_while_typing_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.7"));
    start_session(&mut h);
    h.get_by_label("Before: how are you? (optional)").click();
    h.step();
    type_note(&mut h, "stiff");
    assert!(h
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Note")
        .is_focused());
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(step(h.state()), Some(Step::Prepare), "Esc left the note");
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(step(h.state()), Some(Step::Stopped));
    assert_eq!(
        h.state().practice().unwrap().journal_before.note.as_deref(),
        Some("stiff")
    );
}

#[test]
fn journal_round_trips_into_the_session_and_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), "0.72");
    app.settings.practice_minutes = 3.0;
    let mut h = harness(app);
    start_session(&mut h);
    // Fill the journal before: neck pain 6, tension 4 (sliders, set
    // directly), not dizzy and a note (through the widgets).
    {
        let f = h.state_mut().runner.flow_mut().unwrap();
        f.journal_before.neck_pain = Some(6);
        f.journal_before.tension = Some(4);
    }
    h.get_by_label("Before: how are you? (optional)").click();
    h.step();
    h.get_by_label("no").click();
    h.step();
    type_note(&mut h, "stiff neck, slept badly");
    into_calibration(&mut h);
    h.get_by_label("Skip: use the sensor's own scale").click();
    until(&mut h, 60.0, |a| step(a) == Some(Step::Summary));
    // The journal after, entered on the summary, is saved on Close.
    h.state_mut()
        .runner
        .flow_mut()
        .unwrap()
        .journal_after
        .neck_pain = Some(3);
    h.get_by_label("Close").click();
    h.step();
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let m = meta(&session_dir(tmp.path()));
    assert_eq!(m["practice"]["journal_after"]["neck_pain"], 3);
    assert_eq!(m["practice"]["journal_before"]["neck_pain"], 6);
    assert_eq!(m["practice"]["journal_before"]["tension"], 4);
    assert_eq!(m["practice"]["journal_before"]["dizzy"], false);
    assert_eq!(
        m["practice"]["journal_before"]["note"],
        "stiff neck, slept badly"
    );
    assert_eq!(m["practice"]["calibration"]["source"], "skipped");
    assert!(m["practice"]["slot"].as_str().is_some());
    assert!(m["practice"]["summary"]["belly_share"].as_f64().unwrap() > 0.65);
    // The app reloads the history after the session: one session listed.
    until(&mut h, 10.0, |a| {
        a.history.as_ref().is_some_and(|h| h.entries.len() == 1)
    });
    h.get_by_label("History").click();
    h.step();
    h.get_by_label_contains("Streak:");
    h.get_by_label("6 / 3"); // neck pain before / after in the list
                             // Export all: the session's files and history.csv appear.
    h.get_by_label("Export all").click();
    h.step();
    until(&mut h, 10.0, |a| {
        a.export_note
            .as_deref()
            .is_some_and(|n| n.starts_with("Exported"))
    });
    let exports: Vec<_> = std::fs::read_dir(tmp.path().join("exports"))
        .unwrap()
        .collect();
    let out = exports[0].as_ref().unwrap().path();
    let hist = std::fs::read_to_string(out.join("history.csv")).unwrap();
    assert_eq!(hist.lines().count(), 2, "{hist}");
    h.get_by_label("Replay session").click();
    h.step();
    let s = &h.state().settings.source;
    assert_eq!(s.kind, SourceKind::Replay);
    assert!(s.replay_path.contains("sessions"), "{}", s.replay_path);
    // The replay plays: the recorded session's signal and its analysis.
    until(&mut h, 20.0, |a| {
        a.data.info.as_ref().is_some_and(|i| i.kind == "replay")
            && a.data.window.is_some_and(|w| w.belly_share.is_some())
    });
}

/// A signal whose belly band reads twice the counts of the chest band for
/// the same stretch: both bands side by side (share 0.5) for 100 s, then
/// belly breathing with a true share of 0.75 (0.857 in raw counts).
fn two_gain_csv(dir: &Path) -> PathBuf {
    use breathband::device::virtual_sensor::{VirtualParams, VirtualSensor};
    let p = VirtualParams {
        belly_share: 0.5,
        belly_gain: 2.0,
        belly_offset: 1200.0,
        ..Default::default()
    };
    let schedule = "100:share=0.75".parse().unwrap();
    let mut v = VirtualSensor::new(50.0, p, schedule, 5);
    let mut csv = String::from("time_s,sample_index,chest,belly,flags\n");
    for k in 0..50 * 420 {
        let s = v.next_sample();
        csv += &format!("{:.6},{k},{},{},0\n", k as f64 / 50.0, s.chest, s.belly);
    }
    let f = dir.join("two_gains.csv");
    std::fs::write(&f, csv).unwrap();
    f
}

#[test]
fn calibration_step_matches_the_bands_and_corrects_the_belly_share() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Settings {
        disclaimer_seen: true,
        practice_minutes: 3.0,
        ..Default::default()
    };
    s.source.kind = SourceKind::Replay;
    s.source.replay_path = two_gain_csv(tmp.path()).display().to_string();
    // Slower than the other tests: the measurement must fall in the
    // side-by-side part even on a loaded machine.
    s.source.replay_speed = 10.0;
    let mut app = BreathbandApp::new(s);
    app.sessions_dir = Some(tmp.path().join("sessions"));
    app.connect(None);
    let mut h = harness(app);
    start_session(&mut h);
    into_calibration(&mut h);
    h.get_by_label("Measure now (30 s)").click();
    h.step();
    let since = match &h.state().practice().unwrap().calibration {
        breathband::practice::flow::Calibration::Measuring { since_s, .. } => *since_s,
        c => panic!("not measuring: {c:?}"),
    };
    assert!(
        since + 30.0 < 100.0,
        "the side-by-side part is over: {since}"
    );
    until(&mut h, 30.0, |a| {
        a.practice().is_some_and(|f| {
            matches!(
                f.calibration,
                breathband::practice::flow::Calibration::Measured(_)
            )
        })
    });
    h.get_by_label_contains("Now move the chest band back up");
    // The person moves the chest band back up: the signal's belly
    // breathing starts at 100 s.
    until(&mut h, 30.0, |a| a.data.now_s() > 102.0);
    h.get_by_label("Chest band is back: next").click();
    h.step();
    assert_eq!(step(h.state()), Some(Step::Baseline));
    until(&mut h, 10.0, |a| a.data.gains.method == "side_by_side");
    let g = h.state().data.gains.clone();
    assert!((g.belly / g.chest - 0.5).abs() < 0.05, "{g:?}");
    until(&mut h, 90.0, |a| step(a) == Some(Step::Summary));
    let share = h.state().practice().unwrap().summary().belly_share.unwrap();
    assert!((share - 0.75).abs() < 0.04, "calibrated share {share}");
    h.get_by_label("Close").click();
    h.step();
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let m = meta(&session_dir(tmp.path()));
    assert_eq!(m["calibration"]["method"], "side_by_side");
    let ratio =
        m["calibration"]["chest"].as_f64().unwrap() / m["calibration"]["belly"].as_f64().unwrap();
    assert!((ratio - 2.0).abs() < 0.2, "{ratio}");
    assert_eq!(m["practice"]["calibration"]["source"], "measured");
    assert!(
        m["practice"]["calibration"]["correlation"]
            .as_f64()
            .unwrap()
            > 0.9
    );
}

#[test]
fn disclaimer_is_shown_at_first_run_only() {
    let tmp = tempfile::tempdir().unwrap();
    let mut first = app(tmp.path(), "0.7");
    first.settings.disclaimer_seen = false;
    let mut h = harness(first);
    h.step();
    h.get_by_label("Before you start");
    h.get_by_label("I understand").click();
    h.step();
    // The settings as they persist (serde, as eframe stores them).
    let saved = serde_json::to_string(&h.state().settings).unwrap();
    drop(h);
    let settings: Settings = serde_json::from_str(&saved).unwrap();
    let mut h = harness(BreathbandApp::new(settings));
    h.step();
    h.step();
    assert!(h.query_by_label("Before you start").is_none());
}
