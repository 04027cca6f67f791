//! The app's panels, driven by state, headless (egui_kittest): class and
//! gauge for each class, the source picker with a fake port, banners, the
//! no-audio notice, the one-time disclaimer, and persisted settings.

use breathband::analysis::{Breath, Class, NoSignalReason, Output, WindowResult};
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::pipeline::{DisplayPoint, PipeMsg};
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::device::ports::PortEntry;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn settings() -> Settings {
    Settings {
        disclaimer_seen: true,
        ..Default::default()
    }
}

fn window(share: f64, phase: f64, class: Class) -> WindowResult {
    WindowResult {
        t_s: 40.0,
        rate_bpm: Some(11.5),
        chest_amp: 100.0 * (1.0 - share),
        belly_amp: 100.0 * share,
        belly_share: Some(share),
        phase_deg: Some(phase),
        coherence: 0.99,
        quality: 0.93,
        class,
        label: class,
        reason: (class == Class::NoSignal).then_some(NoSignalReason::BreathHold),
        over_breathing: false,
    }
}

/// An app showing `w` and some trace and breaths.
fn app_with(w: WindowResult) -> BreathbandApp {
    let mut app = BreathbandApp::new(settings());
    for i in 0..1000 {
        let t = i as f64 / 25.0;
        let u = (t * 0.2 * std::f64::consts::TAU).sin();
        app.data.push_point(DisplayPoint {
            t_s: t,
            chest: 30.0 * u,
            belly: 70.0 * u,
        });
    }
    for k in 0..6 {
        let t = 5.0 * k as f64;
        app.data.apply(PipeMsg::Analysis(Output::Breath(Breath {
            inhale_start_s: t,
            exhale_start_s: t + 2.0,
            end_s: t + 5.0,
            chest_amp: 30.0,
            belly_amp: 70.0,
            belly_share: 0.7,
            phase_deg: Some(0.0),
            rate_bpm: 12.0,
            class: w.label,
        })));
    }
    app.data.apply(PipeMsg::Analysis(Output::Window(w)));
    app
}

fn harness(app: BreathbandApp) -> Harness<'static, BreathbandApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    h.run();
    h
}

#[test]
fn each_class_is_shown_in_words_with_the_gauge_numbers() {
    for (share, phase, class, words, hint) in [
        (
            0.72,
            2.0,
            Class::Belly,
            "Belly breathing",
            "the belly leads",
        ),
        (
            0.25,
            -3.0,
            Class::Chest,
            "Chest breathing",
            "let the belly lead",
        ),
        (
            0.5,
            0.0,
            Class::Mixed,
            "Mixed breathing",
            "rise a little more",
        ),
        (
            0.6,
            170.0,
            Class::Paradoxical,
            "Paradoxical breathing",
            "belly goes in",
        ),
    ] {
        let h = harness(app_with(window(share, phase, class)));
        h.get_by_label(words);
        h.get_by_label_contains(hint);
        h.get_by_label(&format!(
            "Belly share {:.0} % (target 60 % or more)",
            share * 100.0
        ));
        h.get_by_label("11.5 breaths/min");
        h.get_by_label(&format!("{phase:.0} deg"));
        h.get_by_label("93 %");
        h.get_by_label("Recent breaths (6)");
        // No other class word is on screen.
        for other in [
            "Belly breathing",
            "Chest breathing",
            "Mixed breathing",
            "Paradoxical breathing",
            "No signal",
        ] {
            if other != words {
                assert!(
                    h.query_by_label(other).is_none(),
                    "{other} shown for {words}"
                );
            }
        }
    }
}

#[test]
fn no_signal_hides_the_share() {
    let mut w = window(0.7, 0.0, Class::NoSignal);
    w.belly_share = None;
    w.rate_bpm = None;
    let h = harness(app_with(w));
    h.get_by_label("No signal");
    h.get_by_label("Belly share -");
}

#[test]
fn source_picker_lists_a_fake_port_with_its_usb_details() {
    let mut app = BreathbandApp::new(settings());
    app.settings.source.kind = SourceKind::Port;
    app.picker.ports = vec![PortEntry {
        path: "/dev/ttyFAKE0".into(),
        kind: "usb".into(),
        vid: Some(0x2341),
        pid: Some(0x0043),
        serial_number: Some("BB-0042".into()),
        manufacturer: Some("Arduino".into()),
        product: Some("breathband sensor".into()),
    }];
    let mut h = harness(app);
    let port = h.get_by_label_contains("/dev/ttyFAKE0");
    let text = format!("{port:?}");
    assert!(
        text.contains("breathband sensor") && text.contains("BB-0042"),
        "{text}"
    );
    port.click();
    h.run();
    assert_eq!(h.state().settings.source.port, "/dev/ttyFAKE0");
    h.get_by_label("Connect");
}

#[test]
fn banner_when_the_band_signal_is_lost_and_when_it_comes_back() {
    let mut w = window(0.7, 0.0, Class::NoSignal);
    w.reason = Some(NoSignalReason::BandOff);
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.data.apply(PipeMsg::Analysis(Output::Window(w)));
    let mut h = harness(app);
    h.get_by_label_contains("Signal lost");
    h.state_mut()
        .data
        .apply(PipeMsg::Analysis(Output::Window(window(
            0.7,
            0.0,
            Class::Belly,
        ))));
    h.run();
    h.get_by_label("Signal back.");
    assert!(h.query_by_label_contains("Signal lost").is_none());
}

#[test]
fn the_virtual_sensor_is_labelled_as_such() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.data.apply(PipeMsg::Connected(
        Box::new(breathband::device::virtual_source::virtual_info(
            &Default::default(),
        )),
        Default::default(),
    ));
    let h = harness(app);
    h.get_by_label("VIRTUAL SENSOR (simulated, not a real measurement)");
    h.get_by_label("live");
}

#[test]
fn no_audio_notice_is_visible() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.audio_notice = Some("No audio device: the pacer is silent (visual only).".into());
    let h = harness(app);
    // In the header, and beside the sound controls with a way to retry.
    assert_eq!(h.query_all_by_label_contains("No audio device").count(), 2);
    h.get_by_label("Retry sound");
}

#[test]
fn disclaimer_once_at_first_run() {
    let app = BreathbandApp::new(Settings::default());
    let mut h = harness(app);
    h.get_by_label_contains("training aid, not a medical device. It does not diagnose");
    h.get_by_label("I understand").click();
    h.run();
    assert!(h.state().settings.disclaimer_seen);
    assert!(h.query_by_label("I understand").is_none());
}

#[test]
fn settings_survive_a_round_trip_and_old_files_load() {
    let mut s = Settings {
        pattern: "4-7-8".into(),
        volume: 0.3,
        ..Default::default()
    };
    s.traces.span_s = 60.0;
    let text = serde_json::to_string(&s).unwrap();
    let back: Settings = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    // Fields missing in an older file fall back to defaults.
    let old: Settings = serde_json::from_str(r#"{"pattern":"box"}"#).unwrap();
    assert_eq!(old.pattern, "box");
    assert_eq!(old.volume, Settings::default().volume);
}

#[test]
fn pacer_starts_shows_the_phase_and_stops() {
    let mut h = harness(app_with(window(0.7, 0.0, Class::Belly)));
    h.get_by_label("Start pacer").click();
    h.run();
    assert!(h.state().pacer.is_some());
    h.get_by_label("Breathe in");
    // The pacer's own description of the default pattern, under the bar.
    assert!(h.query_all_by_label_contains("4 s in, 6 s out").count() >= 1);
    h.get_by_label("Stop pacer").click();
    h.run();
    assert!(h.state().pacer.is_none());
    assert!(h.query_by_label("Breathe in").is_none());
}

#[test]
fn a_bad_custom_pattern_is_explained_and_the_pacer_stays_off() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.settings.pattern = "4-x".into();
    let mut h = harness(app);
    h.get_by_label("Start pacer").click();
    h.run();
    assert!(h.state().pacer.is_none());
    h.get_by_label_contains("pacer:");
}
