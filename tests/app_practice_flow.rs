//! The guided practice flow on screen, end to end in the headless app:
//! belly and chest sessions end with the matching summary and advice,
//! Escape stops a session (but not while typing a note), and the
//! disclaimer shows at the first run only.

mod common;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::practice::flow::Step;
use common::app_practice::*;
use egui_kittest::kittest::Queryable;

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

#[test]
fn the_practice_fills_the_window_and_the_stop_screen_gives_advice_only() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.7"));
    into_practice(&mut h);
    until(&mut h, 20.0, |a| a.data.window.is_some());
    h.run_steps(3);
    // The calm screen: the shape's phase, the time left, one Stop.
    h.get_by_label("Let the belly rise, keep the chest still");
    h.get_by_label_contains(" left");
    let phases = ["Breathe in", "Hold", "Breathe out"];
    assert!(
        phases.iter().any(|p| h.query_by_label(p).is_some()),
        "no pacer phase on the calm screen"
    );
    h.get_by_label_contains("% belly (aim for 60 % or more)");
    h.get_by_label_contains("Stop - I feel dizzy");
    // The dashboard, the source picker and the engineering figures wait.
    for hidden in [
        "Pause",
        "Disconnect",
        "breaths/min",
        " Hz",
        "corrupt frames",
    ] {
        assert!(
            h.query_by_label_contains(hidden).is_none(),
            "{hidden:?} on the calm screen"
        );
    }
    h.get_by_label("Details").click();
    h.run_steps(3);
    h.get_by_label("Pause");
    // Stop: the advice, and no figures, coaching or live view under it.
    h.get_by_label_contains("Stop - I feel dizzy").click();
    h.run_steps(3);
    assert_eq!(step(h.state()), Some(Step::Stopped));
    h.get_by_label("Session stopped");
    h.get_by_label_contains("Lie still and breathe normally");
    for hidden in [
        "Median belly share",
        "Belly-dominant breaths",
        "Pause",
        "let the belly lead",
        "Good: the belly leads",
        "% belly",
    ] {
        assert!(
            h.query_by_label_contains(hidden).is_none(),
            "{hidden:?} on the stop screen"
        );
    }
}
