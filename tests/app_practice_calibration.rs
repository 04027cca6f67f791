//! The guided practice's calibration step in the headless app: measuring
//! the bands side by side matches their gains and corrects the belly share.

mod common;
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::practice::flow::Step;
use common::app_practice::*;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::{Path, PathBuf};

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
    // The screen says gains are applied; no reset during the session.
    h.step();
    h.get_by_label_contains("Calibration applied (measured side by side)");
    assert!(h
        .get_by_label("Reset calibration")
        .accesskit_node()
        .is_disabled());
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
    // Outside the session: back to the sensor's own scale in one click.
    h.get_by_label("Reset calibration").click();
    h.step();
    until(&mut h, 10.0, |a| a.data.gains.method != "side_by_side");
    h.step();
    assert!(h.query_by_label_contains("Calibration applied").is_none());
    // A replayed file is no sensor: nothing was saved for it.
    assert!(h.state().settings.calibrations.0.is_empty());
}

#[test]
fn gains_far_from_the_sensors_own_scale_are_used_only_when_confirmed() {
    use breathband::analysis::calibration::SideBySide;
    use breathband::analysis::Gains;
    use breathband::practice::flow::{Calibration, PracticeFlow};
    let measured = |belly: f64| SideBySide {
        gains: Gains {
            chest: 1.0,
            belly,
            method: "side_by_side".into(),
            unit: "units".into(),
        },
        correlation: 0.97,
        raw_ratio: 1.0 / belly,
    };
    let app = BreathbandApp::new(Settings {
        disclaimer_seen: true,
        ..Default::default()
    });
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    let start = |h: &mut egui_kittest::Harness<'static, BreathbandApp>, belly: f64| {
        let mut f = PracticeFlow::new(0.0, 3.0, chrono::Local::now().fixed_offset());
        f.go(Step::Calibrate, 1.0);
        f.calibration = Calibration::Measured(measured(belly));
        f.own_gains = Some(Gains::default());
        h.state_mut().runner.start(f);
        h.run();
    };
    // A chest band left on the rib cage: belly counts worth a tenth.
    start(&mut h, 0.1);
    h.get_by_label_contains("10.0 times off the sensor's own scale");
    assert!(h.query_by_label("Chest band is back: next").is_none());
    h.get_by_label("Use them anyway: next").click();
    h.run();
    assert_eq!(step(h.state()), Some(Step::Baseline));
    // Within a factor of 3: no question asked.
    start(&mut h, 0.5);
    assert!(h.query_by_label_contains("times off").is_none());
    h.get_by_label("Chest band is back: next").click();
    h.run();
    assert_eq!(step(h.state()), Some(Step::Baseline));
}
