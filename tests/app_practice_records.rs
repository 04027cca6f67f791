//! What a guided practice leaves on disk, through the headless app: a
//! dizziness stop saves and marks the session, a disconnect ends it early
//! (and Connect does not resume it), and the journal reaches the session,
//! the history and the export.

mod common;
use breathband::app::panels::source_picker::SourceKind;
use breathband::practice::flow::Step;
use common::app_practice::*;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

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
fn disconnect_mid_session_ends_it_early_and_connect_does_not_resume_it() {
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
    h.get_by_label("Not connected");
    // The stopped pipeline's last message still arrives: the app no longer
    // says it is recording, and knows where the session went.
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let a = h.state();
    assert!(a.data.recording.is_none());
    let dir = session_dir(tmp.path());
    assert_eq!(a.data.recorded.as_ref().unwrap().0, dir);
    let m = meta(&dir);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["end_reason"], "stopped early: disconnected");
    assert_eq!(m["practice"]["stopped_early"], "disconnected");
    assert!(m["samples_written"].as_u64().unwrap() > 0);
    assert!(h.query_by_label_contains("recording to").is_none());
    // The screen says the session ended, and Connect does not bring back
    // a timer over the new source's clock.
    h.get_by_label("Session ended early");
    assert_eq!(step(h.state()), Some(Step::Stopped));
    h.get_by_label("Connect").click();
    until(&mut h, 10.0, |a| a.data.window.is_some());
    assert_eq!(step(h.state()), Some(Step::Stopped));
    assert!(h.query_by_label_contains("left").is_none());
    assert!(h.state().data.recording.is_none());
    h.get_by_label("Close").click();
    h.step();
    h.step();
    assert_eq!(step(h.state()), None);
    // Listed as stopped early.
    let data = tmp.path().to_str().unwrap();
    let o = common::run(&["--data-dir", data, "sessions", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["sessions"][0]["status"], "stopped_early", "{v}");
    assert_eq!(v["sessions"][0]["stopped_early"], "disconnected", "{v}");
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
    // EDF+: the session as one file, its practice and pacer annotated.
    h.get_by_label("EDF+").click();
    h.step();
    until(&mut h, 10.0, |a| {
        a.export_note
            .as_deref()
            .is_some_and(|n| n.starts_with("Wrote"))
    });
    let note = h.state().export_note.clone().unwrap();
    let edf = std::path::PathBuf::from(note.trim_start_matches("Wrote "));
    assert_eq!(
        edf.extension().and_then(|e| e.to_str()),
        Some("edf"),
        "{note}"
    );
    let d = common::pyedf::dump(&edf);
    let texts: Vec<&str> = d["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Practice: start, pacer")),
        "{texts:?}"
    );
    assert!(texts.contains(&"Pacer: Breathe in"), "{texts:?}");
    assert!(texts.contains(&"Practice: end"), "{texts:?}");
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

#[test]
fn escape_at_once_is_a_dizzy_stop_and_the_answer_after_it_reaches_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(app(tmp.path(), "0.7"));
    start_session(&mut h);
    // Esc in the very next frame, before the pipeline said it records.
    h.key_press(egui::Key::Escape);
    h.step();
    assert_eq!(step(h.state()), Some(Step::Stopped));
    until(&mut h, 10.0, |a| a.data.recorded.is_some());
    let dir = session_dir(tmp.path());
    let m = meta(&dir);
    assert_eq!(m["end_reason"], "stopped early: dizzy", "{m}");
    assert_eq!(m["practice"]["stopped_early"], "dizzy");
    // On the advice screen: "yes, dizzy" and a note, after the folder closed.
    h.get_by_label("After: how are you now? (optional)").click();
    h.step();
    h.get_by_label("yes").click();
    h.step();
    type_note(&mut h, "=light-headed, better lying down");
    h.get_by_label("Close").click();
    h.step();
    until(&mut h, 10.0, |_| {
        meta(&session_dir(tmp.path()))["practice"]["journal_after"]["dizzy"] == true
    });
    let out = tmp.path().join("export");
    let (data, to) = (tmp.path().to_str().unwrap(), out.to_str().unwrap());
    let o = common::run(&["--data-dir", data, "export", "--all", "--out", to], &[]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let mut rd = csv::Reader::from_path(out.join("history.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let rec = rd.records().next().unwrap().unwrap();
    let col = |name: &str| &rec[head.iter().position(|h| h == name).unwrap()];
    assert_eq!(col("status"), "stopped_early");
    assert_eq!(col("stopped_early"), "dizzy");
    assert_eq!(col("dizzy"), "yes");
    assert_eq!(col("note_after"), "'=light-headed, better lying down");
}
