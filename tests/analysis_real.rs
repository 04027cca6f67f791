//! The analysis engine on real two-band recordings (`../shared/data/hexoskin/`,
//! read at run time; the tests skip with a message where it is absent):
//! rate against the device's own breath events on calm windows, and belly
//! share and phase on semi-synthetic cases built from real waveforms.

use breathband::analysis::{AnalysisConfig, Engine, Gains, Output, WindowResult};
use breathband::device::band_csv::BandCsvReader;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/hexoskin")
}

/// Whether both files of a subject are there; says which is missing if not.
fn have(dir: &std::path::Path, sub: &str) -> bool {
    let mut ok = true;
    for f in [
        format!("subject_{sub}.csv.gz"),
        format!("subject_{sub}_breaths.csv"),
    ] {
        if !dir.join(&f).is_file() {
            eprintln!(
                "SKIPPED subject {sub}: {} not found (shared recordings absent)",
                dir.join(&f).display()
            );
            ok = false;
        }
    }
    ok
}

/// A window without a rate counts as this large an error.
const NO_RATE_ERROR: f64 = 99.0;

/// Calm windows named by the data's README: subject, from, to (s).
const CALM: [(&str, f64, f64); 3] = [
    ("010", 1450.0, 1510.0),
    ("009", 700.0, 760.0),
    ("003", 2345.0, 2405.0),
];
const FS: f64 = 128.0;

/// (time, chest, belly) of a subject between `from` and `to` seconds.
fn load(dir: &std::path::Path, sub: &str, from: f64, to: f64) -> Vec<(f64, f64, f64)> {
    let mut r = BandCsvReader::open(&dir.join(format!("subject_{sub}.csv.gz"))).unwrap();
    let mut v = Vec::new();
    while let Some(row) = r.next_row().unwrap() {
        if row.time_s > to {
            break;
        }
        if row.time_s >= from {
            v.push((row.time_s, row.chest, row.belly));
        }
    }
    v
}

fn inhales(dir: &std::path::Path, sub: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(dir.join(format!("subject_{sub}_breaths.csv"))).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(_, e)| e.trim() == "inhale_start")
        .map(|(t, _)| t.parse().unwrap())
        .collect()
}

/// Device reference rate over (t - span, t]: inhale-start intervals / their span.
fn reference_rate(ev: &[f64], t: f64, span: f64) -> Option<f64> {
    let e: Vec<f64> = ev
        .iter()
        .copied()
        .filter(|&x| x > t - span && x <= t)
        .collect();
    (e.len() >= 3).then(|| 60.0 * (e.len() - 1) as f64 / (e[e.len() - 1] - e[0]))
}

fn analyse(samples: impl Iterator<Item = (f64, f64, f64)>) -> Vec<WindowResult> {
    let mut e = Engine::new(AnalysisConfig::default(), FS, &Gains::default());
    let mut w = Vec::new();
    for (t, c, b) in samples {
        e.push((t * FS).round() as u64, c, b, 0, &mut |o| {
            if let Output::Window(x) = o {
                w.push(x)
            }
        });
    }
    w
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn rate_within_1_per_min_of_the_device_on_calm_windows() {
    let dir = data_dir();
    for (sub, from, to) in CALM {
        if !have(&dir, sub) {
            continue;
        }
        let ev = inhales(&dir, sub);
        // Start 30 s early so that every window ending in [from+30, to] is full.
        let w = analyse(load(&dir, sub, from - 30.0, to).into_iter());
        let errs: Vec<f64> = w
            .iter()
            .filter(|x| x.t_s >= from && x.t_s <= to)
            .filter_map(|x| {
                let want = reference_rate(&ev, x.t_s, 30.0)?;
                // A calm window without a rate is an error, not a pass.
                Some(x.rate_bpm.map_or(NO_RATE_ERROR, |r| (r - want).abs()))
            })
            .collect();
        assert!(errs.len() >= 50, "{sub}: {} windows", errs.len());
        let m = median(errs);
        eprintln!("subject {sub} {from}-{to} s: median rate error {m:.3} breaths/min");
        assert!(m <= 1.0, "subject {sub}: median rate error {m:.2}");
    }
}

#[test]
fn share_and_phase_of_semi_synthetic_cases_from_real_waveforms() {
    let dir = data_dir();
    for (sub, from, to) in CALM {
        if !have(&dir, sub) {
            continue;
        }
        let ev = inhales(&dir, sub);
        let raw = load(&dir, sub, from - 30.0, to + 1.0);
        let mean = raw.iter().map(|r| r.1).sum::<f64>() / raw.len() as f64;
        let x: Vec<f64> = raw.iter().map(|r| r.1 - mean).collect();
        let f_ref = reference_rate(&ev, to, to - from).unwrap() / 60.0;
        for (share, phase) in [(0.25, 0.0), (0.5, 180.0), (0.75, 30.0), (0.65, -40.0)] {
            // belly(t) = x(t + dt): belly leads by `phase` at the breathing rate.
            let shift = if phase == 180.0 {
                0
            } else {
                (phase / 360.0 / f_ref * FS).round() as i64
            };
            let sign = if phase == 180.0 { -1.0 } else { 1.0 };
            let true_phase = if phase == 180.0 {
                180.0
            } else {
                360.0 * f_ref * shift as f64 / FS
            };
            let n = x.len() as i64;
            let samples = (64..n - 64).map(|i| {
                let j = (i + shift).clamp(0, n - 1) as usize;
                (
                    raw[i as usize].0,
                    1000.0 + (1.0 - share) * x[i as usize],
                    3000.0 + sign * share * x[j],
                )
            });
            let w = analyse(samples);
            let full: Vec<_> = w
                .iter()
                .filter(|x| x.t_s >= from + 1.0 && x.t_s <= to)
                .collect();
            assert!(full.len() >= 50);
            let se = median(
                full.iter()
                    .map(|x| (x.belly_share.unwrap_or(-1.0) - share).abs())
                    .collect(),
            );
            let pe = median(
                full.iter()
                    .map(|x| {
                        let d = x.phase_deg.unwrap_or(f64::NAN) - true_phase;
                        ((d + 180.0).rem_euclid(360.0) - 180.0).abs()
                    })
                    .map(|d| if d.is_nan() { 999.0 } else { d })
                    .collect(),
            );
            eprintln!("subject {sub} share {share} phase {phase}: share error {se:.4}, phase error {pe:.2} deg");
            assert!(
                se <= 0.03,
                "subject {sub}, share {share}, phase {phase}: share error {se:.3}"
            );
            assert!(
                pe <= 5.0,
                "subject {sub}, share {share}, phase {phase}: phase error {pe:.1} deg"
            );
        }
    }
}

#[test]
fn jogging_after_a_start_from_zero_is_not_read_as_a_breath_hold() {
    // Subject 011 starts at 0 counts, then jumps to ~23,000 and jogs at up
    // to 50 breaths/min: the jump once stood as the reference excursion for
    // ever, and 95 % of the recording read breath_hold (540 of the first 591
    // windows; now the first minute of the jump, about 120).
    let dir = data_dir();
    if !have(&dir, "011") {
        return;
    }
    let rows = load(&dir, "011", 0.0, 600.0);
    let mut e = Engine::new(AnalysisConfig::default(), FS, &Gains::default());
    let (mut windows, mut holds) = (0, 0);
    for (i, &(_, c, b)) in rows.iter().enumerate() {
        e.push(i as u64, c, b, 0, &mut |o| {
            if let Output::Window(w) = o {
                windows += 1;
                holds +=
                    (w.reason == Some(breathband::analysis::NoSignalReason::BreathHold)) as usize;
            }
        });
    }
    assert!(windows > 500, "{windows}");
    assert!(
        (holds as f64) < 0.25 * windows as f64,
        "{holds} of {windows} windows read breath_hold"
    );
}
