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

#[test]
fn json_has_every_field_of_the_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("sim.csv");
    let r = run(
        &[
            "simulate",
            "--out",
            f.to_str().unwrap(),
            "--seconds",
            "60",
            "--rate-hz",
            "50",
            "--phase",
            "180",
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
    for k in [
        "sample_rate_hz",
        "duration_s",
        "windows",
        "breaths",
        "summary",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }
    let w = j["windows"].as_array().unwrap();
    // 20 s windows every 2 s from 10 s of signal on: about 25 of them.
    assert!((24..=26).contains(&w.len()), "{}", w.len());
    for x in w {
        for k in [
            "t_s",
            "rate_bpm",
            "chest_amp",
            "belly_amp",
            "belly_share",
            "phase_deg",
            "quality",
            "class",
        ] {
            assert!(x.get(k).is_some(), "window missing {k}: {x}");
        }
    }
    let last = w.last().unwrap();
    assert_eq!(last["class"], "paradoxical");
    let p = last["phase_deg"].as_f64().unwrap();
    assert!(p > -180.0 && p <= 180.0 && p.abs() > 175.0, "{p}");
    for b in j["breaths"].as_array().unwrap() {
        for k in [
            "inhale_start_s",
            "exhale_start_s",
            "end_s",
            "chest_amp",
            "belly_amp",
            "belly_share",
            "class",
        ] {
            assert!(b.get(k).is_some(), "breath missing {k}: {b}");
        }
        let (i, e, n) = (
            b["inhale_start_s"].as_f64().unwrap(),
            b["exhale_start_s"].as_f64().unwrap(),
            b["end_s"].as_f64().unwrap(),
        );
        assert!(i < e && e < n, "{b}");
    }
    let s = &j["summary"];
    for k in [
        "rate_bpm",
        "belly_share",
        "phase_deg",
        "breaths",
        "class_fraction",
    ] {
        assert!(s.get(k).is_some(), "summary missing {k}");
    }
    let total: f64 = ["belly", "chest", "mixed", "paradoxical", "no_signal"]
        .iter()
        .map(|c| s["class_fraction"][c].as_f64().unwrap())
        .sum();
    close(&serde_json::json!(total), 1.0, 1e-9);
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
