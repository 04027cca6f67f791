//! Replaying a recorded session in the app reads it as it was recorded:
//! with the session's own calibration, as its summary was.

mod common;
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use common::app_practice::{harness, until};
use egui_kittest::kittest::Queryable;

#[test]
fn a_replayed_session_uses_its_own_calibration() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    common::record_virtual(&s);
    // The session was calibrated: belly counts are worth half the chest's.
    let mut meta = common::read_meta(&s);
    meta["calibration"] = serde_json::json!({
        "chest": 1.0, "belly": 0.5, "method": "side_by_side", "unit": "units"
    });
    std::fs::write(s.join("session.json"), meta.to_string()).unwrap();
    let mut settings = Settings {
        disclaimer_seen: true,
        ..Default::default()
    };
    settings.source.kind = SourceKind::Replay;
    settings.source.replay_path = s.display().to_string();
    settings.source.replay_speed = 5.0;
    let mut app = BreathbandApp::new(settings);
    app.connect(None);
    let mut h = harness(app);
    until(&mut h, 20.0, |a| a.data.info.is_some());
    let g = &h.state().data.gains;
    assert_eq!(
        (g.chest, g.belly, g.method.as_str()),
        (1.0, 0.5, "side_by_side")
    );
    h.get_by_label_contains("Calibration applied (measured side by side)");
    // The same file as a plain CSV has no session: the sensor's own scale.
    let mut settings = Settings {
        disclaimer_seen: true,
        ..Default::default()
    };
    settings.source.kind = SourceKind::Replay;
    settings.source.replay_path = s.join("samples.csv").display().to_string();
    let mut app = BreathbandApp::new(settings);
    app.connect(None);
    let mut h = harness(app);
    until(&mut h, 20.0, |a| a.data.info.is_some());
    assert_ne!(h.state().data.gains.method, "side_by_side");
}
