//! Harness for the app's panels, driven by state, headless
//! (egui_kittest): an app showing a given analysis window, with some trace
//! and breaths.

use breathband::analysis::{Breath, Class, NoSignalReason, Output, WindowResult};
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use breathband::live::{DisplayPoint, PipeMsg};
use egui_kittest::Harness;
use std::time::{Duration, Instant};

pub fn settings() -> Settings {
    Settings {
        disclaimer_seen: true,
        ..Default::default()
    }
}

pub fn window(share: f64, phase: f64, class: Class) -> WindowResult {
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
        bands_off: [false; 2],
    }
}

/// An app showing `w` and some trace and breaths.
pub fn app_with(w: WindowResult) -> BreathbandApp {
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

pub fn harness(app: BreathbandApp) -> Harness<'static, BreathbandApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    h.run();
    h
}

/// Steps the harness until `done` or a few seconds have passed.
pub fn step_until(
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
