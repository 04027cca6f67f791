//! Accuracy of the analysis engine's single breaths against the virtual
//! sensor's ground truth: inhale and exhale start where the bands turn, and
//! every breath is counted up to 60 per minute.

mod common;
use breathband::device::virtual_sensor::VirtualParams;
use common::engine_run::*;

#[test]
fn inhale_starts_at_the_trough_and_exhale_at_the_crest() {
    // Not the classic mistake: the breath starts where the band starts to
    // stretch (end of the expiratory pause), the exhale where it stops.
    // In the virtual sensor a paradoxical belly is the chest's shape shifted
    // by half a cycle, not mirrored, so chest - belly turns a little off the
    // chest's own turning points: a wider tolerance there.
    for (fs, phase, tol) in [
        (100.0, 0.0, 0.25),
        (1000.0, 0.0, 0.25),
        (250.0, 180.0, 0.45),
    ] {
        let p = VirtualParams {
            phase_deg: phase,
            ..realistic()
        };
        let r = Run::new(fs, 120.0, p, "", 21);
        // True inhale starts (chest cycle wraps) and exhale starts (cycle 0.4).
        let mut starts = Vec::new();
        let mut exhales = Vec::new();
        let mut prev = 0.0;
        for (i, t) in r.truth.iter().enumerate() {
            let c = t.cycles.fract();
            if c < prev {
                starts.push(i as f64 / fs);
            }
            if prev < 0.4 && c >= 0.4 {
                exhales.push(i as f64 / fs);
            }
            prev = c;
        }
        let nearest = |v: &[f64], x: f64| {
            v.iter()
                .map(|s| (s - x).abs())
                .fold(f64::INFINITY, f64::min)
        };
        assert!(r.breaths.len() >= 15, "{}", r.breaths.len());
        for b in &r.breaths {
            let di = nearest(&starts, b.inhale_start_s);
            let de = nearest(&exhales, b.exhale_start_s);
            assert!(
                di <= tol,
                "{fs} Hz: inhale start {:.2} s is {di:.2} s from truth",
                b.inhale_start_s
            );
            assert!(
                de <= tol,
                "{fs} Hz: exhale start {:.2} s is {de:.2} s from truth",
                b.exhale_start_s
            );
        }
    }
}

#[test]
fn every_breath_is_counted_from_30_to_60_per_min() {
    // At 60/min a breath lasts 1 s give or take its 5 % spread: none may
    // fall to a lower bound on the breath's length.
    for (bpm, fs) in [(30.0, 100.0), (45.0, 25.0), (60.0, 1000.0), (60.0, 100.0)] {
        let p = VirtualParams {
            rate_bpm: bpm,
            ..realistic()
        };
        let r = Run::new(fs, 120.0, p, "", 31);
        // Breaths that end from 20 s to the last one (the first ones need
        // the detector's hysteresis).
        let t_last = r.breaths.last().map_or(0.0, |b| b.end_s);
        let counted = r
            .breaths
            .iter()
            .filter(|b| b.end_s > 20.0 && b.end_s <= t_last)
            .count() as f64;
        let truth = r.at(t_last).cycles - r.at(20.0).cycles;
        let err = (counted - truth) / truth;
        assert!(
            err.abs() < 0.03,
            "{bpm}/min at {fs} Hz: {counted} breaths, truth {truth:.1}"
        );
        // And the rate reads right (the search reaches a little past 60/min).
        let rates: Vec<f64> = r
            .windows
            .iter()
            .filter(|w| w.t_s >= 30.0)
            .filter_map(|w| w.rate_bpm.map(|x| (x - r.true_rate(w.t_s, 30.0)).abs()))
            .collect();
        let bad = rates.iter().filter(|&&e| e > 2.0).count();
        assert!(
            bad * 20 <= rates.len(),
            "{bpm}/min at {fs} Hz: {bad} of {} windows off by over 2/min",
            rates.len()
        );
    }
}
