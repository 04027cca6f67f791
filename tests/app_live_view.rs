//! The app's live view, driven by state, headless (egui_kittest): class and
//! gauge for each class, no signal, the signal-lost banner, the virtual
//! sensor's label, and traces that keep a usable height.

mod common;
use breathband::analysis::{Class, NoSignalReason, Output};
use breathband::app::panels::traces::MIN_HEIGHT;
use breathband::app::BreathbandApp;
use breathband::live::PipeMsg;
use common::app_panels::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;

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
        h.get_by_label("Recent breaths (6):");
        // The strip has a legend: its shapes and colours in words.
        h.get_by_label("Paradoxical");
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
    h.get_by_label("Sensor connected");
}

#[test]
fn a_link_loss_is_told_in_plain_words_with_the_reason_under_details() {
    let mut app = app_with(window(0.7, 0.0, Class::Belly));
    app.data.apply(PipeMsg::Connected(
        Box::new(breathband::device::virtual_source::virtual_info(
            &Default::default(),
        )),
        Default::default(),
    ));
    app.data
        .apply(PipeMsg::LinkLost("Broken pipe (os error 32)".into()));
    let mut h = harness(app);
    h.run();
    h.get_by_label_contains("The sensor stopped answering: reconnecting.");
    h.get_by_label("Sensor not answering: reconnecting...");
    // No OS error, sample rate or counter until the person asks.
    for engineering in ["Broken pipe", " Hz", "corrupt frames", "os error"] {
        assert!(
            h.query_by_label_contains(engineering).is_none(),
            "{engineering:?} shown without Details"
        );
    }
    h.get_all_by_label("Details").next().unwrap().click();
    h.run();
    h.get_by_label_contains("Broken pipe (os error 32)");
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

#[test]
fn a_lost_link_shows_no_signal_not_the_last_class() {
    let mut h = harness(app_with(window(0.7, 0.0, Class::Belly)));
    h.get_by_label("Belly breathing");
    h.state_mut()
        .data
        .apply(PipeMsg::LinkLost("/dev/ttyACM0: Broken pipe".into()));
    h.run();
    h.get_by_label("No signal");
    h.get_by_label_contains("The sensor link is lost: reconnecting");
    assert!(h.query_by_label("Belly breathing").is_none());
    check_gauge(&h, None);
    h.state_mut().data.apply(PipeMsg::Reconnected);
    h.run();
    h.get_by_label("Belly breathing");
}
