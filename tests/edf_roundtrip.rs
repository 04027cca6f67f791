//! EDF+ in and out, checked against an independent reader and writer:
//! pyedflib (EDFlib), installed by scripts/setup.sh into `.venv`.
//! A session exported by `export --format edf` is read back by pyedflib
//! value for value with its annotations; files pyedflib writes (a sleep
//! lab's bands, at their own rates) are analysed by `analyze`.

mod common;

use common::pyedf::{dump, pyedf};
use common::{read_meta, read_samples, run, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A session folder `dir` recorded from a CSV of `n` samples at 100 Hz
/// of belly breathing at 12/min, without the samples in `missing`.
fn replayed(tmp: &Path, dir: &Path, n: u32, missing: std::ops::Range<u32>) {
    let csv = tmp.join("in.csv");
    let mut text = String::from("time_s,sample_index,chest,belly\n");
    for i in (0..n).filter(|i| !missing.contains(i)) {
        let t = f64::from(i) / 100.0;
        let w = (2.0 * std::f64::consts::PI * 0.2 * t).sin();
        let chest = 2000 + (40.0 * w).round() as i64 + i64::from(i % 3);
        let belly = 30_000 + (900.0 * w).round() as i64;
        text += &format!("{t:.2},{i},{chest},{belly}\n");
    }
    std::fs::write(&csv, text).unwrap();
    let r = run(
        &[
            "record",
            "--replay",
            csv.to_str().unwrap(),
            "--speed",
            "0",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A 60 s session with 50 samples missing from 30 s on, and what the app
/// adds to one.
fn recorded_session(tmp: &Path) -> PathBuf {
    let dir = tmp.join("s");
    replayed(tmp, &dir, 6000, 3000..3050);
    // What the app adds: a calibration, a guided 4-7-8 practice from 10 s,
    // and a safety event.
    let mut m = read_meta(&dir);
    m["calibration"] =
        json!({"chest": 0.05, "belly": 0.08, "method": "side_by_side", "unit": "mm"});
    m["practice"] = json!({"pattern": "4-7-8", "practice_start_s": 10.0});
    m["safety_events"] =
        json!([{"kind": "over_breathing_fast", "start_s": 20.0, "end_s": 25.0, "value": 30.0}]);
    std::fs::write(dir.join("session.json"), m.to_string()).unwrap();
    dir
}

fn export_edf(session: &Path, out: &Path) -> Run {
    run(
        &[
            "export",
            session.to_str().unwrap(),
            "--format",
            "edf",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    )
}

fn notes<'a>(d: &'a Value, prefix: &str) -> Vec<&'a Value> {
    d["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["text"].as_str().unwrap().starts_with(prefix))
        .collect()
}

#[test]
fn an_exported_session_reads_back_in_pyedflib_value_for_value() {
    let tmp = tempfile::tempdir().unwrap();
    let session = recorded_session(tmp.path());
    let out = tmp.path().join("out");
    let r = export_edf(&session, &out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let file = out.join("s.edf");
    let d = dump(&file);

    // Header: EDF+C, the session's local start to the second, 1 s records.
    assert!(
        d["reserved"].as_str().unwrap().starts_with("EDF+C"),
        "{}",
        d["reserved"]
    );
    let meta = read_meta(&session);
    let start_local = meta["start_local"].as_str().unwrap();
    assert_eq!(
        d["start"].as_str().unwrap(),
        &start_local[..19],
        "{start_local}"
    );
    assert_eq!(
        (d["record_s"].as_f64(), d["records"].as_u64()),
        (Some(1.0), Some(60))
    );
    assert!(d["equipment"].as_str().unwrap().starts_with("breathband"));

    // Signals: both bands in the calibrated unit, every sample there (the
    // 50 lost ones filled), each within one digital step of count x gain.
    let rows = read_samples(&session);
    assert_eq!(rows.len(), 5950);
    let signals = d["signals"].as_array().unwrap();
    assert_eq!(signals.len(), 2, "the annotation signal is not a signal");
    for (s, label, gain) in [
        (&signals[0], "Resp chest", 0.05),
        (&signals[1], "Resp abdomen", 0.08),
    ] {
        assert_eq!(s["label"], label);
        assert_eq!(s["dimension"], "mm");
        assert_eq!(s["sample_frequency"].as_f64(), Some(100.0));
        assert_eq!(s["n_samples"].as_u64(), Some(6000));
        let step = (s["physical_max"].as_f64().unwrap() - s["physical_min"].as_f64().unwrap())
            / (s["digital_max"].as_f64().unwrap() - s["digital_min"].as_f64().unwrap());
        assert!(step > 0.0 && step <= gain * 1.0001, "step {step}");
        let phys: Vec<f64> = s["physical"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let raw = |r: &common::Row| {
            if label == "Resp chest" {
                r.chest
            } else {
                r.belly
            }
        };
        let worst = rows
            .iter()
            .map(|r| (phys[r.index as usize] - raw(r) as f64 * gain).abs())
            .fold(0.0, f64::max);
        assert!(worst <= step, "{label}: off by {worst} (step {step})");
        // The gap holds the value before it.
        let before = phys[2999];
        assert!(phys[3000..3050].iter().all(|v| (v - before).abs() < 1e-9));
    }

    // Annotations: the pacer's 4-7-8 from 10 s to the end, the practice,
    // the safety event, the gap, and each change of the windows' class.
    let pacer = notes(&d, "Pacer: ");
    let got: Vec<(f64, f64, &str)> = pacer
        .iter()
        .map(|a| {
            (
                a["onset"].as_f64().unwrap(),
                a["duration"].as_f64().unwrap(),
                a["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 9, "{got:?}");
    assert_eq!(got[0], (10.0, 4.0, "Pacer: Breathe in"));
    assert_eq!(got[1], (14.0, 7.0, "Pacer: Hold"));
    assert_eq!(got[2], (21.0, 8.0, "Pacer: Breathe out"));
    assert_eq!(got[8], (59.0, 1.0, "Pacer: Breathe out"));
    let start = notes(&d, "Practice: start");
    assert_eq!(start.len(), 1);
    assert_eq!(start[0]["text"], "Practice: start, pacer 4-7-8");
    assert_eq!(start[0]["onset"].as_f64(), Some(10.0));
    let safety = notes(&d, "Safety: ");
    assert_eq!(safety.len(), 1);
    assert_eq!(
        safety[0]["text"],
        "Safety: over_breathing_fast (30 breaths/min)"
    );
    assert_eq!(
        (safety[0]["onset"].as_f64(), safety[0]["duration"].as_f64()),
        (Some(20.0), Some(5.0))
    );
    let gap = notes(&d, "Gap: ");
    assert_eq!(gap.len(), 1);
    assert_eq!(
        (gap[0]["onset"].as_f64(), gap[0]["duration"].as_f64()),
        (Some(30.0), Some(0.5))
    );
    assert_eq!(
        gap[0]["text"],
        "Gap: 50 samples lost, filled with the last value"
    );
    let calib = notes(&d, "Calibration: ");
    assert_eq!(
        calib[0]["text"],
        "Calibration: side_by_side (chest x0.05, belly x0.08, mm)"
    );

    let windows = std::fs::read_to_string(session.join("windows.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(windows.as_bytes());
    let mut changes = Vec::new();
    let mut last = String::new();
    for rec in rd.deserialize::<std::collections::HashMap<String, String>>() {
        let rec = rec.unwrap();
        if rec["class"] != last {
            last = rec["class"].clone();
            changes.push((rec["t_s"].parse::<f64>().unwrap(), format!("Class: {last}")));
        }
    }
    let classes: Vec<(f64, String)> = notes(&d, "Class: ")
        .iter()
        .map(|a| {
            (
                a["onset"].as_f64().unwrap(),
                a["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!changes.is_empty());
    assert_eq!(classes.len(), changes.len(), "{classes:?} vs {changes:?}");
    for (a, b) in classes.iter().zip(&changes) {
        assert!((a.0 - b.0).abs() < 1e-3 && a.1 == b.1, "{a:?} vs {b:?}");
    }

    // The file reads back into the same analysis as the session.
    let of = |p: &Path| -> Value {
        let r = run(&["analyze", p.to_str().unwrap(), "--json"], &[]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let (a, b) = (of(&session), of(&file));
    let rate = |v: &Value| v["summary"]["rate_bpm"].as_f64().unwrap();
    assert!((rate(&a) - 12.0).abs() < 0.3, "{}", a["summary"]);
    assert!(
        (rate(&a) - rate(&b)).abs() < 0.1,
        "{} vs {}",
        a["summary"],
        b["summary"]
    );
    let belly = |v: &Value| v["summary"]["class_fraction"]["belly"].as_f64().unwrap();
    assert!(
        (belly(&a) - belly(&b)).abs() < 0.05,
        "{} vs {}",
        a["summary"],
        b["summary"]
    );

    // Nothing is overwritten.
    let again = export_edf(&session, &out);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn every_session_is_exported_and_a_partial_last_record_is_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for (name, rows) in [
        ("2026-12-01_08-00-00", 250u32),
        ("2026-12-02_08-00-00", 120),
    ] {
        std::fs::create_dir_all(data.join("sessions")).unwrap();
        replayed(tmp.path(), &data.join("sessions").join(name), rows, 0..0);
    }
    let out = tmp.path().join("edf");
    let r = run(
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "export",
            "--all",
            "--format",
            "edf",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for (name, records) in [("2026-12-01_08-00-00", 3u64), ("2026-12-02_08-00-00", 2)] {
        let d = dump(&out.join(format!("{name}.edf")));
        assert_eq!(d["records"].as_u64(), Some(records), "{name}");
        let end = notes(&d, "End of recording");
        assert_eq!(end.len(), 1, "{name}: {:?}", d["annotations"]);
    }
    // No CSV copies next to them: the format asked for only.
    assert!(!out.join("history.csv").exists());
}

/// Writes bands with pyedflib: `signals` as (label, Hz, amplitude, phase).
fn pyedflib_file(path: &Path, rate_bpm: f64, seconds: f64, signals: &[(&str, f64, f64, f64)]) {
    let spec = json!({
        "seconds": seconds,
        "rate_bpm": rate_bpm,
        "signals": signals.iter().map(|(label, hz, amp, phase)| json!({
            "label": label, "rate_hz": hz, "amplitude": amp, "phase_deg": phase, "unit": "mV",
        })).collect::<Vec<_>>(),
        "annotations": [[5.0, "Lights off"]],
    });
    pyedf(&["write", path.to_str().unwrap(), &spec.to_string()]);
}

fn analyze(file: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["analyze", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let r = run(&args, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    (serde_json::from_str(&r.stdout).unwrap(), r.stderr)
}

fn class_share(v: &Value, class: &str) -> f64 {
    let w = v["windows"].as_array().unwrap();
    let n = w.iter().filter(|w| w["class"] == class).count();
    n as f64 / w.len() as f64
}

#[test]
fn sleep_lab_bands_at_different_rates_are_read_and_classed() {
    let tmp = tempfile::tempdir().unwrap();
    // An EEG channel first, the thorax band at 10 Hz, the abdomen at 25 Hz.
    let f = tmp.path().join("psg.edf");
    pyedflib_file(
        &f,
        12.0,
        180.0,
        &[
            ("EEG C3-A2", 100.0, 50.0, 0.0),
            ("Thor", 10.0, 1.0, 0.0),
            ("Abdo", 25.0, 3.0, 0.0),
        ],
    );
    let (v, stderr) = analyze(&f, &[]);
    assert!(
        stderr.contains("'Thor'") && stderr.contains("interpolated from 10 Hz to 25 Hz"),
        "{stderr}"
    );
    assert_eq!(v["sample_rate_hz"].as_f64(), Some(25.0));
    assert!(
        (v["duration_s"].as_f64().unwrap() - 180.0).abs() < 0.1,
        "{}",
        v["duration_s"]
    );
    let rate = v["summary"]["rate_bpm"].as_f64().unwrap();
    assert!((rate - 12.0).abs() < 0.5, "rate {rate}");
    assert!(class_share(&v, "belly") > 0.9, "{}", v["summary"]);

    // A slow paradoxical pattern (4/min, belly against the chest), bands
    // named as another lab names them.
    let g = tmp.path().join("slow.edf");
    pyedflib_file(
        &g,
        4.0,
        240.0,
        &[
            ("RIP Thorax", 32.0, 1.0, 0.0),
            ("RIP Abdom", 32.0, 1.5, 180.0),
        ],
    );
    let (v, _) = analyze(&g, &[]);
    let rate = v["summary"]["rate_bpm"].as_f64().unwrap();
    assert!((rate - 4.0).abs() < 0.5, "rate {rate}");
    assert!(class_share(&v, "paradoxical") > 0.8, "{}", v["summary"]);
}

#[test]
fn unnamed_bands_are_chosen_by_flag_and_bad_files_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("x.edf");
    pyedflib_file(
        &f,
        10.0,
        90.0,
        &[("Effort A", 20.0, 1.0, 0.0), ("Effort B", 20.0, 2.0, 0.0)],
    );
    let r = run(&["analyze", f.to_str().unwrap()], &[]);
    common::assert_clean_error(&r, "--chest-channel");
    assert!(
        r.stderr.contains("'Effort A'") && r.stderr.contains("'Effort B'"),
        "{}",
        r.stderr
    );
    let (v, _) = analyze(
        &f,
        &["--chest-channel", "effort a", "--belly-channel", "Effort B"],
    );
    assert!((v["summary"]["rate_bpm"].as_f64().unwrap() - 10.0).abs() < 0.5);
    let r = run(
        &["analyze", f.to_str().unwrap(), "--chest-channel", "Thor"],
        &[],
    );
    common::assert_clean_error(&r, "no signal labelled 'Thor'");

    // Junk named .edf, and an export cut short.
    let junk = tmp.path().join("junk.edf");
    std::fs::write(
        &junk,
        (0..5000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let r = run(&["analyze", junk.to_str().unwrap()], &[]);
    common::assert_clean_error(&r, "junk.edf");
    let bytes = std::fs::read(&f).unwrap();
    let cut = tmp.path().join("cut.edf");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    // A recording cut short keeps its whole records, and says so.
    let (v, stderr) = analyze(
        &cut,
        &["--chest-channel", "Effort A", "--belly-channel", "Effort B"],
    );
    assert!(stderr.contains("ends inside data record"), "{stderr}");
    let kept = v["duration_s"].as_f64().unwrap();
    assert!((55.0..=61.0).contains(&kept), "{kept}");
    let header_only = tmp.path().join("head.edf");
    std::fs::write(&header_only, &bytes[..300]).unwrap();
    let r = run(&["analyze", header_only.to_str().unwrap()], &[]);
    common::assert_clean_error(&r, "head.edf");
    // The channel flags belong to EDF files.
    let csv = tmp.path().join("a.csv");
    std::fs::write(&csv, "time_s,chest,belly\n0,1,2\n").unwrap();
    let r = run(
        &["analyze", csv.to_str().unwrap(), "--chest-channel", "Thor"],
        &[],
    );
    common::assert_clean_error(&r, "EDF");
}
