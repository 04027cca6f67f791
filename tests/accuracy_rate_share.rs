//! Accuracy of the analysis engine against the virtual sensor's ground
//! truth: breathing rate from 5 to 45 per minute, and belly share and phase
//! with different band gains, across sample rates 25-1000 Hz.

mod common;
use breathband::device::virtual_sensor::VirtualParams;
use common::engine_run::*;

#[test]
fn rate_median_error_below_0_3_per_min_from_5_to_45_per_min_at_25_to_1000_hz() {
    let mut all = Vec::new();
    for (k, &fs) in [25.0, 50.0, 128.0, 250.0, 1000.0].iter().enumerate() {
        for (j, &bpm) in [5.0, 5.5, 6.0, 9.0, 14.0, 20.0, 30.0, 45.0]
            .iter()
            .enumerate()
        {
            let p = VirtualParams {
                rate_bpm: bpm,
                ..realistic()
            };
            let secs = if fs >= 1000.0 { 100.0 } else { 150.0 };
            let r = Run::new(fs, secs, p, "", (k * 10 + j) as u64);
            let errs: Vec<f64> = r
                .steady_windows()
                .map(|w| {
                    let got = w.rate_bpm.unwrap_or(f64::NAN);
                    (got - r.true_rate(w.t_s, 30.0)).abs()
                })
                .collect();
            let m = median(
                errs.iter()
                    .map(|e| if e.is_nan() { 99.0 } else { *e })
                    .collect(),
            );
            assert!(m <= 0.3, "{fs} Hz, {bpm}/min: median error {m:.3}");
            all.push(m);
        }
    }
    eprintln!("median rate error per case: {all:.3?}");
}

#[test]
fn share_within_0_03_and_phase_within_5_deg_with_different_band_gains() {
    for (k, &(share, phase)) in [
        (0.2, 0.0),
        (0.35, -20.0),
        (0.5, 30.0),
        (0.65, 10.0),
        (0.8, -45.0),
        (0.7, 150.0),
        (0.3, 180.0),
        (0.6, -120.0),
    ]
    .iter()
    .enumerate()
    {
        for fs in [25.0, 50.0, 500.0, 1000.0] {
            let p = VirtualParams {
                belly_share: share,
                phase_deg: phase,
                rate_bpm: 8.0 + k as f64 * 2.0,
                ..realistic()
            };
            let r = Run::new(fs, 120.0, p, "", k as u64);
            let ws: Vec<_> = r.steady_windows().collect();
            assert!(ws.len() > 50);
            let se = median(
                ws.iter()
                    .map(|w| (w.belly_share.unwrap() - share).abs())
                    .collect(),
            );
            let pe = median(
                ws.iter()
                    .map(|w| wrap(w.phase_deg.unwrap() - phase).abs())
                    .collect(),
            );
            assert!(
                se <= 0.03,
                "share {share} phase {phase} at {fs} Hz: share error {se:.4}"
            );
            assert!(
                pe <= 5.0,
                "share {share} phase {phase} at {fs} Hz: phase error {pe:.2}"
            );
            // Per breath too.
            let bs: Vec<_> = r
                .breaths
                .iter()
                .filter(|b| b.inhale_start_s > 5.0)
                .collect();
            let bse = median(bs.iter().map(|b| (b.belly_share - share).abs()).collect());
            assert!(
                bse <= 0.03,
                "share {share} at {fs} Hz: per-breath share error {bse:.4}"
            );
        }
    }
}
