//! The app's panels, driven by state, headless (egui_kittest): class and
//! gauge for each class, the source picker with a fake port, banners, the
//! no-audio notice, the one-time disclaimer, and persisted settings.

use breathband::analysis::{Breath, Class, NoSignalReason, Output, WindowResult};
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::panels::traces::MIN_HEIGHT;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::audio::AudioOutput;
use breathband::device::ports::PortEntry;
use breathband::live::{DisplayPoint, PipeMsg};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use std::time::{Duration, Instant};

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
        spectral_class: class,
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
        check_gauge(&h, Some(share));
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
    check_gauge(&h, None);
}

/// The gauge's marker sits at `share` of the bar and the target zone runs
/// from 60 % to the end (their places on screen, from the accessibility
/// tree); no marker without a share.
fn check_gauge(h: &Harness<'static, BreathbandApp>, share: Option<f64>) {
    let bar = h.get_by_role_and_label(Role::Meter, "Belly share gauge");
    let r = bar.rect();
    assert!(r.width() >= 160.0, "{r:?}");
    assert_eq!(
        bar.accesskit_node().numeric_value(),
        share.map(|s| s * 100.0)
    );
    let zone = h.get_by_label("Target zone 60 to 100 %").rect();
    assert!(
        (zone.left() - (r.left() + 0.6 * r.width())).abs() < 1.0,
        "{zone:?} in {r:?}"
    );
    assert!((zone.right() - r.right()).abs() < 1.0);
    let markers = h.query_all_by_label_contains("Belly share marker").count();
    match share {
        Some(s) => {
            let m = h
                .get_by_label(&format!("Belly share marker at {:.0} %", s * 100.0))
                .rect();
            let want = r.left() + s as f32 * r.width();
            assert!((m.center().x - want).abs() < 1.0, "{m:?}, want x {want}");
            // Inside the target zone exactly when the share reaches it.
            assert_eq!(zone.contains(m.center()), s >= 0.6, "share {s}");
        }
        None => assert_eq!(markers, 0),
    }
}

#[test]
fn source_picker_lists_a_fake_port_with_its_usb_details() {
    let mut app = BreathbandApp::new(settings());
    app.settings.source.kind = SourceKind::Port;
    app.picker.set_ports(vec![PortEntry {
        path: "/dev/ttyFAKE0".into(),
        kind: "usb".into(),
        vid: Some(0x2341),
        pid: Some(0x0043),
        serial_number: Some("BB-0042".into()),
        manufacturer: Some("Arduino".into()),
        product: Some("breathband sensor".into()),
    }]);
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

/// Steps the harness until `done` or a few seconds have passed.
fn step_until(
    h: &mut Harness<'static, BreathbandApp>,
    what: &str,
    done: impl Fn(&Harness<'static, BreathbandApp>) -> bool,
) {
    let until = Instant::now() + Duration::from_secs(5);
    while !done(h) {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
}

#[test]
fn no_audio_notice_comes_from_a_failed_audio_output() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    // The real audio thread, with a device that cannot open.
    app.audio = Some(AudioOutput::without_device("no output in this test"));
    let mut h = harness(app);
    step_until(&mut h, "the notice", |h| {
        h.query_by_label_contains("No sound").is_some()
    });
    assert_eq!(
        h.state().audio_notice.as_deref(),
        Some("No sound: no output in this test")
    );
    // Shown once, beside the sound controls, with a way to retry.
    assert_eq!(h.query_all_by_label_contains("No sound").count(), 1);
    h.get_by_label("Retry sound").click();
    h.run();
    std::thread::sleep(Duration::from_millis(100));
    h.run();
    h.get_by_label("No sound: no output in this test");
    // The pacer still runs, silent.
    h.get_by_label("Start pacer").click();
    h.run();
    assert!(h.state().pacer.is_some());
}

#[test]
fn no_notice_while_sound_is_fine() {
    let h = harness(app_with(window(0.7, 0.0, Class::Belly)));
    assert!(h.query_by_label_contains("No sound").is_none());
    assert!(h.query_by_label("Retry sound").is_none());
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

#[test]
fn the_port_tab_looks_for_ports_when_first_shown() {
    let mut app = BreathbandApp::new(settings());
    app.settings.source.kind = SourceKind::Port;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    h.step();
    // A scan started at once; meanwhile no claim that there are no ports.
    let scanning = h.state().picker.scanning();
    if scanning {
        h.get_by_label("Searching for serial ports...");
    }
    assert!(h.query_by_label_contains("No serial ports found").is_none());
    step_until(&mut h, "the scan", |h| !h.state().picker.scanning());
    h.step();
    assert!(h.query_by_label("Searching for serial ports...").is_none());
    // The scan's outcome: a list, an error, or the plain statement.
    let p = &h.state().picker;
    if p.ports.is_empty() && p.port_error.is_none() {
        h.get_by_label_contains("No serial ports found");
    }
}

/// eframe storage in memory.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn screenshots_and_demos_do_not_save_settings() {
    use eframe::App;
    let mut app = BreathbandApp::new(settings());
    app.settings.pattern = "box".into();
    let mut store = Memory::default();
    app.persist = false;
    app.save(&mut store);
    assert!(store.0.is_empty(), "{:?}", store.0);
    // A person's run saves them.
    app.persist = true;
    app.save(&mut store);
    let saved: Settings =
        eframe::get_value(&store, breathband::app::settings::KEY).expect("saved settings");
    assert_eq!(saved.pattern, "box");
}

#[test]
fn leaving_the_custom_field_unchanged_keeps_the_pacer_running() {
    let mut h = harness(app_with(window(0.7, 0.0, Class::Belly)));
    h.get_by_label("Start pacer").click();
    h.run();
    let running = h.state().pacer.clone().expect("pacer runs");
    h.get_by_label("Custom").focus();
    h.run();
    assert!(h.get_by_label("Custom").is_focused());
    // Focus moves on without an edit.
    h.get_by_label("Mute").focus();
    h.run();
    assert!(!h.get_by_label("Custom").is_focused());
    assert_eq!(h.state().pacer.as_ref(), Some(&running));
    // An edit does restart it, with the new pattern.
    h.get_by_label("Custom").focus();
    h.run();
    h.get_by_label("Custom").type_text("-2");
    h.run();
    h.get_by_label("Mute").focus();
    h.run();
    assert_eq!(h.state().settings.pattern, "6-2");
    let now = h.state().pacer.clone().expect("pacer runs");
    assert_ne!(now, running);
}

#[test]
fn lengthen_keeps_its_target_and_ramp_and_starts_near_the_measured_rate() {
    use breathband::pacer::Pattern;
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.settings.pattern = "lengthen:10-5:8".into();
    let Ok(Pattern::Lengthen(l)) = app.pattern() else {
        panic!("not a lengthening program");
    };
    // Measured 11.5/min: the start moves there; target and ramp stay.
    assert_eq!((l.from_bpm, l.to_bpm, l.ramp_min), (11.5, 5.0, 8.0));
}

#[test]
fn the_traces_keep_a_usable_height_and_the_view_scrolls() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.demo.start_when_connected = false;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 560.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    h.run();
    // Scroll to the bottom of the central panel: the traces are there,
    // at least MIN_HEIGHT tall, not squeezed.
    let pause = h.get_by_label("Pause");
    pause.scroll_to_me();
    h.run();
    let pause = h.get_by_label("Pause").rect();
    assert!(pause.bottom() < 560.0, "{pause:?}");
    h.get_by_label("Pause").click();
    h.run();
    assert!(h.state().settings.traces.paused);
    let height = h.state().settings.traces.shown_height;
    assert!(height >= MIN_HEIGHT, "traces {height} high");
}
