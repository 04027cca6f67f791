//! `breathband analyze` through the real binary: the JSON contract, end to end
//! from the virtual sensor over a pseudo-terminal, live == offline, and bad
//! input.

mod common;
use common::*;
use std::io::Write;

fn json(r: &Run) -> serde_json::Value {
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("stdout is one JSON object")
}

fn close(a: &serde_json::Value, want: f64, tol: f64) {
    let v = a.as_f64().unwrap_or(f64::NAN);
    assert!((v - want).abs() <= tol, "{v} vs {want} (tolerance {tol})");
}

#[test]
#[cfg(unix)]
fn pty_record_then_analyze_matches_truth_and_the_live_windows() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &[
            "--rate-hz",
            "1000",
            "--seconds",
            "80",
            "--share",
            "0.3",
            "--breath-rate",
            "15",
        ],
    );
    let out = tmp.path().join("s");
    let r = run(
        &[
            "record",
            "--port",
            sim.dev.to_str().unwrap(),
            "--seconds",
            "45",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let j = json(&run(&["analyze", out.to_str().unwrap(), "--json"], &[]));
    close(&j["sample_rate_hz"], 1000.0, 0.0);
    close(&j["duration_s"], 45.0, 0.01);
    let s = &j["summary"];
    close(&s["rate_bpm"], 15.0, 0.3);
    close(&s["belly_share"], 0.3, 0.03);
    close(&s["phase_deg"], 0.0, 5.0);
    assert!(s["class_fraction"]["chest"].as_f64().unwrap() >= 0.9, "{s}");
    // Breaths are found once the first window (10 s) has set the hysteresis.
    assert!(s["breaths"].as_u64().unwrap() >= 6, "{s}");
    // Live analysis during the recording wrote the same windows.
    let csv = tmp.path().join("w.csv");
    let r = run(
        &[
            "analyze",
            out.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let live = std::fs::read_to_string(out.join("windows.csv")).unwrap();
    let offline = std::fs::read_to_string(&csv).unwrap();
    assert!(live.lines().count() > 30);
    assert_eq!(live, offline, "live windows.csv differs from analyze --csv");
    let breaths = std::fs::read_to_string(out.join("breaths.csv")).unwrap();
    assert_eq!(
        breaths.lines().count() as u64 - 1,
        s["breaths"].as_u64().unwrap()
    );
}

const CLASSES: [&str; 5] = ["belly", "chest", "mixed", "paradoxical", "no_signal"];

/// `v[k]` is a JSON float (not null, not a string, not an integer).
fn float(v: &serde_json::Value, k: &str) -> f64 {
    assert!(v[k].is_f64(), "{k} must be f64: {v}");
    v[k].as_f64().unwrap_or(f64::NAN)
}

/// `v[k]` is a JSON float or null (and present).
fn float_or_null(v: &serde_json::Value, k: &str) -> Option<f64> {
    assert!(v.get(k).is_some(), "missing {k}: {v}");
    assert!(v[k].is_null() || v[k].is_f64(), "{k} must be f64|null: {v}");
    v[k].as_f64()
}

fn class(v: &serde_json::Value) -> &str {
    let c = v["class"].as_str().unwrap_or("");
    assert!(
        CLASSES.contains(&c),
        "class must be one of {CLASSES:?}: {v}"
    );
    c
}

fn phase_ok(p: Option<f64>, v: &serde_json::Value) {
    if let Some(p) = p {
        assert!(
            p > -180.0 && p <= 180.0,
            "phase_deg outside (-180, 180]: {v}"
        );
    }
}

#[test]
fn json_fields_have_the_contract_types() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("sim.csv");
    // Paradoxical breathing with an 18 s breath hold at 30 s (no_signal from
    // 12 s into it: pacer holds up to 10 s are breathing).
    let r = run(
        &[
            "simulate",
            "--out",
            f.to_str().unwrap(),
            "--seconds",
            "80",
            "--rate-hz",
            "50",
            "--phase",
            "180",
            "--schedule",
            "30:hold=18",
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let j = json(&run(
        &[
            "analyze",
            f.to_str().unwrap(),
            "--json",
            "--window-s",
            "20",
            "--step-s",
            "2",
        ],
        &[],
    ));
    close(&serde_json::json!(float(&j, "sample_rate_hz")), 50.0, 1e-9);
    close(&serde_json::json!(float(&j, "duration_s")), 80.0, 0.05);
    let w = j["windows"].as_array().expect("windows is an array");
    // 20 s windows every 2 s from 10 s of signal on.
    assert!((35..=37).contains(&w.len()), "{}", w.len());
    let mut no_signal = 0;
    for x in w {
        float(x, "t_s");
        let rate = float_or_null(x, "rate_bpm");
        assert!(
            float(x, "chest_amp") >= 0.0 && float(x, "belly_amp") >= 0.0,
            "{x}"
        );
        let share = float_or_null(x, "belly_share");
        let phase = float_or_null(x, "phase_deg");
        phase_ok(phase, x);
        let q = float(x, "quality");
        assert!((0.0..=1.0).contains(&q), "{x}");
        if class(x) == "no_signal" {
            no_signal += 1;
            assert_eq!((rate, share, phase), (None, None, None), "{x}");
        } else {
            assert!(rate.is_some() && share.is_some(), "{x}");
        }
    }
    assert!(
        no_signal >= 3,
        "the hold gives no_signal windows: {no_signal}"
    );
    let last = w.last().unwrap();
    assert_eq!(last["class"], "paradoxical");
    let p = last["phase_deg"].as_f64().unwrap();
    assert!(p.abs() > 175.0, "{p}");
    let breaths = j["breaths"].as_array().expect("breaths is an array");
    assert!(breaths.len() >= 8, "{}", breaths.len());
    for b in breaths {
        let (i, e, n) = (
            float(b, "inhale_start_s"),
            float(b, "exhale_start_s"),
            float(b, "end_s"),
        );
        assert!(i < e && e < n, "{b}");
        float(b, "chest_amp");
        float(b, "belly_amp");
        let sh = float(b, "belly_share");
        assert!((0.0..=1.0).contains(&sh), "{b}");
        class(b);
    }
    let s = &j["summary"];
    float_or_null(s, "rate_bpm").expect("a summary rate");
    float_or_null(s, "belly_share").expect("a summary share");
    phase_ok(float_or_null(s, "phase_deg"), s);
    assert!(s["breaths"].is_u64(), "breaths must be an integer: {s}");
    assert_eq!(s["breaths"].as_u64(), Some(breaths.len() as u64));
    let cf = s["class_fraction"]
        .as_object()
        .expect("class_fraction object");
    assert_eq!(cf.len(), 5, "{s}");
    let total: f64 = CLASSES.iter().map(|c| float(&s["class_fraction"], c)).sum();
    close(&serde_json::json!(total), 1.0, 1e-9);
    close(
        &s["class_fraction"]["no_signal"],
        no_signal as f64 / w.len() as f64,
        1e-9,
    );
}

#[test]
fn gzip_input_with_other_columns_and_explicit_gains() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("x.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&f).unwrap(),
        flate2::Compression::fast(),
    );
    writeln!(gz, "belly,note,time_s,chest").unwrap();
    for i in 0..(60 * 25) {
        let t = i as f64 / 25.0;
        let u = (2.0 * std::f64::consts::PI * 0.2 * t).sin();
        // Belly moves 3 counts per 1 of chest, but has 3x the gain: equal share.
        writeln!(gz, "{},x,{t:.2},{}", 500.0 + 300.0 * u, 200.0 + 100.0 * u).unwrap();
    }
    gz.finish().unwrap();
    let j = json(&run(&["analyze", f.to_str().unwrap(), "--json"], &[]));
    close(&j["sample_rate_hz"], 25.0, 0.0);
    close(&j["summary"]["rate_bpm"], 12.0, 0.1);
    close(&j["summary"]["belly_share"], 0.75, 0.01);
    let j = json(&run(
        &[
            "analyze",
            f.to_str().unwrap(),
            "--json",
            "--belly-gain",
            "0.3333333",
        ],
        &[],
    ));
    close(&j["summary"]["belly_share"], 0.5, 0.01);
    // The readable summary.
    let r = run(&["analyze", f.to_str().unwrap()], &[]);
    assert_eq!(r.code, Some(0));
    assert!(
        r.stdout.contains("rate         12.0 breaths/min"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_input_is_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bad.csv");
    let mut text = String::from("time_s,chest,belly\n");
    for i in 0..500 {
        text += &format!("{},{},{}\n", i as f64 / 50.0, i, i);
    }
    text += "10.0,12,not-a-number\n";
    std::fs::write(&f, text).unwrap();
    assert_clean_error(
        &run(&["analyze", f.to_str().unwrap(), "--json"], &[]),
        "line 502",
    );
    assert_clean_error(&run(&["analyze", "/nonexistent/x.csv"], &[]), "cannot open");
    // A negative time is malformed, not silently dropped.
    let mut text = String::from("time_s,chest,belly\n");
    for i in 0..300 {
        text += &format!("{},{},{}\n", i as f64 / 50.0, i, i);
    }
    text += "-0.5,1,2\n";
    std::fs::write(&f, text).unwrap();
    assert_clean_error(
        &run(&["analyze", f.to_str().unwrap(), "--json"], &[]),
        "line 302",
    );
    // Rows before time 0 (increasing, so the reader accepts them) used to
    // be dropped without a word.
    let mut text = String::from("time_s,chest,belly\n");
    for i in -5..300 {
        text += &format!("{},{},{}\n", i as f64 / 50.0, i, i);
    }
    std::fs::write(&f, text).unwrap();
    assert_clean_error(
        &run(&["analyze", f.to_str().unwrap()], &[]),
        "line 2: time_s -0.1 is negative",
    );
    std::fs::write(&f, "time,chest,belly\n0,1,2\n").unwrap();
    assert_clean_error(&run(&["analyze", f.to_str().unwrap()], &[]), "time_s");
    std::fs::write(&f, "time_s,chest,belly\n0,1,2\n0.02,1,2\n").unwrap();
    assert_clean_error(
        &run(&["analyze", f.to_str().unwrap(), "--window-s", "2"], &[]),
        "window",
    );
    assert_clean_error(
        &run(&["analyze", f.to_str().unwrap(), "--chest-gain=-1"], &[]),
        "gain",
    );
}
