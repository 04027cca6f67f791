//! The app's pacer and sound controls, headless (egui_kittest): the
//! no-audio notice, starting and stopping the pacer, custom patterns, and
//! the lengthening program.

mod common;
use breathband::analysis::Class;
use breathband::audio::AudioOutput;
use common::app_panels::*;
use egui_kittest::kittest::Queryable;
use std::time::Duration;

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
