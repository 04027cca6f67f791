//! Recording, replay and simulation through the real binary: where
//! sessions go, replay of a session or a CSV, `simulate --out`, and
//! `ports`.

mod common;
use common::*;

#[test]
fn sessions_go_under_the_data_dir_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(
        &["record", "--virtual", "--seconds", "1"],
        &[("BREATHBAND_DATA_DIR", tmp.path().to_str().unwrap())],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let dir = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .strip_prefix("session: ")
        .unwrap();
    let dir = std::path::Path::new(dir);
    assert_eq!(dir.parent().unwrap(), tmp.path().join("sessions"));
    let name = dir.file_name().unwrap().to_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(name, "%Y-%m-%d_%H-%M-%S").is_ok(),
        "{name}"
    );
    assert_eq!(read_samples(dir).len(), 100);
    let m = read_meta(dir);
    assert_eq!(m["source"]["kind"], "virtual");
    assert!(m["start_local"].as_str().is_some() && m["start_utc"].as_str().unwrap().ends_with('Z'));
    assert_eq!(m["software_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn replay_of_a_session_reproduces_its_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let r = run(
        &[
            "record",
            "--virtual",
            "--rate-hz",
            "250",
            "--seconds",
            "3",
            "--out",
            a.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(
        &[
            "record",
            "--replay",
            a.to_str().unwrap(),
            "--speed",
            "0",
            "--out",
            b.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(read_samples(&a), read_samples(&b));
    assert_eq!(read_meta(&b)["sample_rate_hz"], 250.0);
}

#[test]
fn unpaced_replay_analyses_every_sample_as_analyze_does() {
    // 10 minutes at 200 Hz replayed as fast as possible: the drain hands
    // the analysis blocks of 8192 samples, more than its ring holds; none
    // may be skipped, so the live windows are exactly the offline ones.
    let tmp = tempfile::tempdir().unwrap();
    let sim = tmp.path().join("sim.csv");
    let out = tmp.path().join("s");
    let r = run(
        &[
            "simulate",
            "--out",
            sim.to_str().unwrap(),
            "--seconds",
            "600",
            "--rate-hz",
            "200",
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(
        &[
            "record",
            "--replay",
            sim.to_str().unwrap(),
            "--speed",
            "0",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let meta = read_meta(&out);
    assert!(
        !meta["events"].to_string().contains("fell behind"),
        "{}",
        meta["events"]
    );
    let offline = tmp.path().join("offline.csv");
    let r = run(
        &[
            "analyze",
            out.to_str().unwrap(),
            "--csv",
            offline.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let live = std::fs::read_to_string(out.join("windows.csv")).unwrap();
    assert_eq!(
        live.lines().count(),
        591,
        "header, a window a second from 10 s"
    );
    assert!(live == std::fs::read_to_string(&offline).unwrap());
}

#[test]
fn replay_of_a_malformed_csv_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bad.csv");
    let mut text = String::from("time_s,chest,belly\n");
    for i in 0..300 {
        text += &format!("{},{},{}\n", i as f64 / 100.0, 500 + i, 600);
    }
    text += "3.0,12,abc\n";
    std::fs::write(&f, text).unwrap();
    let out = tmp.path().join("s");
    let r = run(
        &[
            "record",
            "--replay",
            f.to_str().unwrap(),
            "--speed",
            "0",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(&r, "line 302");
    // What came before the bad line is recorded and valid.
    assert_eq!(read_samples(&out).len(), 300);
    assert_eq!(read_meta(&out)["status"], "failed");
}

#[test]
fn simulate_out_writes_signals_with_ground_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("sim.csv");
    let r = run(
        &[
            "simulate",
            "--out",
            f.to_str().unwrap(),
            "--seconds",
            "20",
            "--rate-hz",
            "50",
            "--schedule",
            "10:phase=180",
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time_s,sample_index,chest,belly,true_rate_bpm,true_belly_share,true_phase_deg,true_cycle,true_class"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 1000);
    assert_eq!(rows[100][8], "belly");
    assert_eq!(rows[900][8], "paradoxical");
}

#[test]
fn ports_lists_without_failing() {
    let r = run(&["ports", "--json"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v.is_array());
}
