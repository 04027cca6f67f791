//! When the analysis engine says no signal: a breath hold or a band coming
//! off within 5 s, a band turned to pure noise within 3 s, a dropout as gap
//! windows, and never for slow paced breathing with holds.

mod common;
use breathband::analysis::{Class, EventKind, NoSignalReason};
use breathband::device::virtual_sensor::VirtualParams;
use common::engine_run::*;

#[test]
fn breath_hold_and_band_off_are_no_signal_within_5_s() {
    for fs in [25.0, 100.0, 1000.0] {
        hold_and_band_off(fs);
    }
}

fn hold_and_band_off(fs: f64) {
    // Hold for 20 s at 60 s; chest band off at 130 s; both back afterwards.
    let r = Run::new(
        fs,
        200.0,
        realistic(),
        "60:hold=20;130:off=chest;150:off=none",
        9,
    );
    let no_signal_by = |from: f64| {
        r.windows
            .iter()
            .find(|w| w.t_s >= from && w.class == Class::NoSignal && w.label == Class::NoSignal)
            .map(|w| w.t_s)
            .unwrap_or(f64::INFINITY)
    };
    // A hold is a hold once it lasts 10 s; reported within 5 s of that.
    let hold_start = r.truth.iter().position(|t| t.class == "no_signal").unwrap() as f64 / r.fs;
    let t = no_signal_by(hold_start);
    assert!(
        t <= hold_start + 10.0 + 5.0,
        "{fs} Hz: hold from {hold_start:.1} s reported at {t:.1} s"
    );
    // Not before it lasts 10 s (a long exhale is not a hold).
    assert!(
        t >= hold_start + 9.0,
        "{fs} Hz: hold reported too early: {t:.1} s"
    );
    let t = no_signal_by(130.0);
    assert!(
        t <= 135.0,
        "{fs} Hz: band off at 130 s reported at {t:.1} s"
    );
    // Breathing again once the band is back: from 10 s on (the shortest
    // window, the step back left out), every window shows the right class
    // (the step used to keep it no_signal or wrong for up to 48 s).
    let back: Vec<_> = r
        .windows
        .iter()
        .filter(|w| w.t_s >= 162.0 && r.steady(w.t_s, 1.0))
        .collect();
    assert!(back.len() > 30, "{fs} Hz: {} windows", back.len());
    for w in back {
        assert_eq!(
            w.class.name(),
            r.at(w.t_s).class,
            "{fs} Hz: at {:.0} s, after the chest band came back at 150 s",
            w.t_s
        );
    }
    // No no_signal at all while breathing steadily before the hold.
    assert!(r
        .windows
        .iter()
        .filter(|w| w.t_s < 60.0)
        .all(|w| w.class != Class::NoSignal));
}

#[test]
fn slow_paced_breathing_with_holds_is_not_mistaken_for_a_hold() {
    // 4-7-8 style: about 3.2 breaths/min with long pauses is still breathing.
    let p = VirtualParams {
        rate_bpm: 5.0,
        ..realistic()
    };
    let r = Run::new(50.0, 180.0, p, "", 4);
    let ns = r
        .windows
        .iter()
        .filter(|w| w.t_s > 30.0 && w.class == Class::NoSignal)
        .count();
    assert_eq!(ns, 0);
}

#[test]
fn a_dropout_over_5_s_gives_gap_windows_at_every_step_and_signal_lost() {
    for (fs, gap) in [(100.0, 10.0), (100.0, 60.0), (25.0, 60.0), (1000.0, 10.0)] {
        let from = 70.3;
        let secs = 100.0 + gap + 40.0;
        let r = Run::with(fs, secs, realistic(), "", 11, &mut dropout(from, gap));
        let to = from + gap;
        // Windows at every 1 s step from the first (10 s) to the end.
        let t: Vec<f64> = r.windows.iter().map(|w| w.t_s).collect();
        assert!(
            t[0] <= 10.5 && *t.last().unwrap() >= secs - 1.5,
            "{fs} Hz: {t:?}"
        );
        for d in t.windows(2) {
            assert!(
                (d[1] - d[0] - 1.0).abs() < 0.1,
                "{fs} Hz, {gap} s gap: {d:?}"
            );
        }
        // Inside the gap, and until 10 s of new signal are at hand: gap.
        let inside: Vec<_> = r
            .windows
            .iter()
            .filter(|w| w.t_s > from + 0.5 && w.t_s < to + 9.5)
            .collect();
        assert!(inside.len() as f64 >= gap + 8.0, "{}", inside.len());
        for w in &inside {
            assert_eq!(
                (
                    w.class,
                    w.label,
                    w.reason,
                    w.rate_bpm,
                    w.belly_share,
                    w.phase_deg
                ),
                (
                    Class::NoSignal,
                    Class::NoSignal,
                    Some(NoSignalReason::Gap),
                    None,
                    None,
                    None
                ),
                "{fs} Hz, {gap} s gap from {from} s: {w:?}"
            );
        }
        // Breathing again soon after.
        assert!(r
            .windows
            .iter()
            .any(|w| w.t_s > to && w.t_s < to + 15.0 && w.class != Class::NoSignal));
        // Signal lost counted from the gap's start and raised once it lasts
        // 5 s: at the first window from then (one 1 s step at most later).
        let lost = r.starts(EventKind::SignalLost);
        assert_eq!(lost.len(), 1, "{fs} Hz, {gap} s gap: {lost:?}");
        let (e, at) = lost[0];
        assert!((e.start_s - from).abs() < 0.1, "{e:?}");
        assert!(
            at >= from + 5.0 && at <= from + 6.0,
            "{fs} Hz: raised at {at} s"
        );
        let end = r
            .events
            .iter()
            .find(|(x, _)| x.kind == EventKind::SignalLost && x.end_s.is_some())
            .and_then(|(x, _)| x.end_s);
        assert!(end.is_some_and(|t| t >= to && t < to + 15.0), "{end:?}");
    }
}

#[test]
fn a_band_that_turns_to_pure_noise_is_no_signal_within_3_s() {
    // No flags: the chest band (or the belly) goes dead at 80 s, showing only
    // converter noise around a constant, and comes back at 120 s.
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    for (fs, band) in [(25.0, 0), (100.0, 1), (1000.0, 0)] {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let noise = Normal::new(0.0, 6.0).unwrap();
        let mut hook = |t: f64, c: &mut f64, b: &mut f64| {
            if (80.0..120.0).contains(&t) {
                let v = if band == 0 { c } else { b };
                *v = 2000.0 + noise.sample(&mut rng);
            }
            true
        };
        let r = Run::with(fs, 160.0, realistic(), "", 14, &mut hook);
        let first = r
            .windows
            .iter()
            .find(|w| w.t_s >= 80.0 && w.class == Class::NoSignal && w.label == Class::NoSignal)
            .map_or(f64::INFINITY, |w| w.t_s);
        assert!(
            first <= 83.0,
            "{fs} Hz, band {band} dead at 80 s: no_signal at {first}"
        );
        // It stays no_signal while dead, and breathing alone never is.
        assert!(r
            .windows
            .iter()
            .filter(|w| w.t_s >= 83.0 && w.t_s < 120.0)
            .all(|w| w.class == Class::NoSignal && w.reason == Some(NoSignalReason::Flat)));
        assert!(
            r.windows
                .iter()
                .filter(|w| w.t_s < 80.0 || w.t_s > 140.0)
                .all(|w| w.class != Class::NoSignal),
            "{fs} Hz: no_signal while breathing"
        );
        assert_eq!(r.starts(EventKind::SignalLost).len(), 1);
    }
}

#[test]
fn a_band_off_window_says_which_band_is_off() {
    // Off at 0 counts for 20 s each: the chest, then the belly, then both.
    let sched = "60:off=chest;80:off=none;120:off=belly;140:off=none;180:off=both;200:off=none";
    let r = Run::new(100.0, 220.0, realistic(), sched, 3);
    let off_in = |from: f64, to: f64| -> Vec<[bool; 2]> {
        r.windows
            .iter()
            .filter(|w| w.t_s > from + 5.0 && w.t_s < to)
            .filter(|w| {
                matches!(
                    w.reason,
                    Some(NoSignalReason::BandOff | NoSignalReason::Flat)
                )
            })
            .map(|w| w.bands_off)
            .collect()
    };
    for (from, to, want) in [
        (60.0, 80.0, [true, false]),
        (120.0, 140.0, [false, true]),
        (180.0, 200.0, [true, true]),
    ] {
        let got = off_in(from, to);
        assert!(
            got.len() >= 10,
            "{from}-{to} s: {} band_off windows",
            got.len()
        );
        assert!(got.iter().all(|b| *b == want), "{from}-{to} s: {got:?}");
    }
    // Breathing windows name no band.
    assert!(r
        .windows
        .iter()
        .filter(|w| w.reason.is_none())
        .all(|w| w.bands_off == [false, false]));
}
