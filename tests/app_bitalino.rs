//! A BITalino chosen in the app's source picker, through its widgets:
//! Serial port, the typed path of a virtual BITalino's pty, Board
//! "BITalino", the channels, Connect; the live view then reads its
//! breathing.
#![cfg(unix)]

mod common;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use common::start_sim;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

#[test]
fn a_bitalino_is_picked_typed_and_read_in_the_live_view() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--board", "bitalino", "--seconds", "90", "--share", "0.75"],
    );
    let mut app = BreathbandApp::new(Settings {
        disclaimer_seen: true,
        ..Default::default()
    });
    app.demo.start_when_connected = false;
    let mut h = common::app_practice::harness(app);
    h.run_steps(8);
    h.get_by_label("Serial port").click();
    h.run_steps(8);
    let path = h.get_by_role_and_label(Role::TextInput, "Port path");
    path.focus();
    h.run_steps(8);
    h.get_by_role_and_label(Role::TextInput, "Port path")
        .type_text(sim.dev.to_str().unwrap());
    h.run_steps(8);
    h.get_by_label("BITalino").click();
    h.run_steps(8);
    // The channels default to A1 (chest) and A2 (belly).
    h.get_by_label_contains("chest band");
    h.get_by_label_contains("belly band");
    assert!(h.state().settings.source.bitalino);
    assert_eq!(h.state().settings.source.bitalino_channels, [0, 1]);
    h.get_by_label("Connect").click();
    h.run_steps(8);
    let t = Instant::now();
    while h
        .state()
        .data
        .live_window()
        .is_none_or(|w| w.belly_share.is_none())
    {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no window from the BITalino"
        );
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    let info = h.state().data.info.clone().unwrap();
    assert_eq!(info.protocol, "bitalino");
    assert_eq!(info.firmware_version.as_deref(), Some("BITalino_v5.2"));
    let w = *h.state().data.live_window().unwrap();
    assert!(w.belly_share.unwrap() > 0.6, "{:?}", w.belly_share);
    h.get_by_label("Sensor connected");
    h.get_by_label("breathing bands");
}
