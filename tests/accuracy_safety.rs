//! The analysis engine's safety events against the virtual sensor's ground
//! truth: over-breathing (fast, or deep against the measured baseline), and
//! breath hold and signal loss starting and ending on time.

mod common;
use breathband::analysis::EventKind;
use common::engine_run::*;

#[test]
fn over_breathing_fast_is_raised_30_s_into_fast_breathing_not_for_a_burst() {
    for fs in [25.0, 100.0] {
        let r = Run::new(fs, 160.0, realistic(), "60:rate=30;100:rate=12", 12);
        let onset = r.onset(60.0);
        let fast = r.starts(EventKind::OverBreathingFast);
        assert_eq!(fast.len(), 1, "{fs} Hz: {fast:?}");
        let at = fast[0].1;
        assert!(
            at >= onset + 30.0 && at <= onset + 38.0,
            "{fs} Hz: 30/min from {onset:.1} s flagged at {at:.1} s"
        );
        let r = Run::new(fs, 160.0, realistic(), "60:rate=30;85:rate=12", 12);
        assert!(
            r.starts(EventKind::OverBreathingFast).is_empty(),
            "{fs} Hz: a 25 s burst was flagged"
        );
        // Calm breathing never is.
        assert!(r
            .windows
            .iter()
            .filter(|w| w.t_s < 60.0)
            .all(|w| !w.over_breathing));
    }
}

#[test]
fn over_breathing_deep_against_the_measured_baseline() {
    // The baseline is the mean of the first minute of valid breathing.
    let r = Run::new(100.0, 200.0, realistic(), "90:depth=1500", 13);
    let onset = r.onset(90.0);
    let deep = r.starts(EventKind::OverBreathingDeep);
    assert_eq!(deep.len(), 1, "{deep:?}");
    let (e, at) = deep[0];
    assert!(e.value > 2.2 && e.value < 2.8, "depth ratio {}", e.value);
    assert!(
        at >= onset + 30.0 && at <= onset + 55.0,
        "2.5x depth from {onset:.1} s flagged at {at:.1} s"
    );
    assert!(r.starts(EventKind::OverBreathingFast).is_empty());
    // 1.5x is deeper than usual but not over-breathing.
    let r = Run::new(100.0, 200.0, realistic(), "90:depth=900", 13);
    assert!(r.starts(EventKind::OverBreathingDeep).is_empty());
}

#[test]
fn breath_hold_and_signal_loss_events_start_and_end_on_time() {
    for fs in [25.0, 100.0, 1000.0] {
        let r = Run::new(
            fs,
            200.0,
            realistic(),
            "60:hold=20;130:off=chest;150:off=none",
            9,
        );
        let hold_start = r.truth.iter().position(|t| t.class == "no_signal").unwrap() as f64 / fs;
        let hold = r.starts(EventKind::BreathHold);
        assert_eq!(hold.len(), 1, "{fs} Hz: {hold:?}");
        let at = hold[0].1;
        assert!(
            at >= hold_start + 9.0 && at <= hold_start + 15.0,
            "{fs} Hz: hold from {hold_start:.1} s raised at {at:.1} s"
        );
        let ended = |k: EventKind| {
            r.events
                .iter()
                .find(|(x, _)| x.kind == k && x.end_s.is_some())
                .and_then(|(x, _)| x.end_s)
                .unwrap_or(f64::INFINITY)
        };
        let t = ended(EventKind::BreathHold);
        assert!(
            t >= hold_start + 20.0 && t <= hold_start + 30.0,
            "{fs} Hz: hold ended {t}"
        );
        let lost = r.starts(EventKind::SignalLost);
        assert_eq!(lost.len(), 1, "{fs} Hz: {lost:?}");
        let (e, at) = lost[0];
        assert!(e.start_s >= 130.0 && e.start_s <= 133.0, "{e:?}");
        assert!(
            (135.0..=139.0).contains(&at),
            "{fs} Hz: band off at 130 s raised at {at}"
        );
        let t = ended(EventKind::SignalLost);
        assert!((150.0..=160.0).contains(&t), "{fs} Hz: loss ended {t}");
    }
}
