//! What a board announces is checked before it is believed: a scripted fake
//! board on a pseudo-terminal announces impossible sample rates, changes
//! its rate mid-session, and `record` refuses it in one clear line without
//! writing a sample at a wrong time.
#![cfg(unix)]

mod common;
use breathband_protocol::Message;
use common::fake_board::{info, Act, FakeBoard};
use common::*;

fn record(board: &FakeBoard, out: &std::path::Path, secs: &str) -> Run {
    run(
        &[
            "record",
            "--port",
            board.path.to_str().unwrap(),
            "--seconds",
            secs,
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    )
}

#[test]
fn a_sample_rate_outside_50_to_1000_hz_is_refused_in_one_line() {
    for rate in [0u16, 49, 1001, 65535] {
        let tmp = tempfile::tempdir().unwrap();
        let script = vec![Act::Samples { first: 0, n: 400 }];
        let board = FakeBoard::start(tmp.path(), info(rate), script);
        let out = tmp.path().join("s");
        let r = record(&board, &out, "4");
        assert_clean_error(
            &r,
            &format!("announced a sample rate of {rate} Hz; breathband accepts 50 to 1000 Hz"),
        );
        assert!(!r.stdout.contains("complete"), "{}", r.stdout);
        assert!(
            !out.join("samples.csv").exists(),
            "{rate} Hz: nothing is recorded"
        );
    }
}

#[test]
fn a_rate_changed_mid_session_ends_it_without_a_sample_at_a_wrong_time() {
    let tmp = tempfile::tempdir().unwrap();
    let script = vec![
        Act::Samples { first: 0, n: 300 },
        Act::Send(Box::new(Message::Info(info(200)))),
        Act::Samples { first: 300, n: 400 },
    ];
    let board = FakeBoard::start(tmp.path(), info(100), script);
    let out = tmp.path().join("s");
    let r = record(&board, &out, "20");
    assert_clean_error(&r, "changed its sample rate from 100 to 200 Hz mid-session");
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 300, "the samples before the change, no more");
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.index, k as u64);
        assert!((row.time_s - k as f64 / 100.0).abs() < 1e-9, "{row:?}");
    }
    let meta = read_meta(&out);
    assert_eq!(meta["status"], "failed", "{meta}");
    let why = meta["end_reason"].as_str().unwrap_or_default();
    assert!(why.contains("changed its sample rate"), "{why}");
}

#[test]
fn one_stray_frame_ahead_makes_no_gap_and_shifts_no_time() {
    use breathband_protocol::{SampleFlags, Samples};
    let tmp = tempfile::tempdir().unwrap();
    let stray = Samples::new(450, SampleFlags(0), &[[2048, 2048]; 10]).unwrap();
    let script = vec![
        Act::Samples { first: 0, n: 300 },
        Act::Send(Box::new(Message::Samples(stray))),
        Act::Samples { first: 300, n: 400 },
    ];
    let board = FakeBoard::start(tmp.path(), info(100), script);
    let out = tmp.path().join("s");
    let r = record(&board, &out, "6");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 600, "6 s at 100 Hz");
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.index, k as u64, "{row:?}");
        assert!((row.time_s - k as f64 / 100.0).abs() < 1e-9, "{row:?}");
    }
    let meta = read_meta(&out);
    assert_eq!(meta["counters"]["stray_frames"], 1, "{meta}");
    assert_eq!(meta["counters"]["samples_lost"], 0, "{meta}");
    assert_eq!(meta["gaps"], serde_json::json!([]), "{meta}");
    assert_eq!(meta["status"], "complete");
}

#[test]
fn a_board_that_goes_on_sending_only_junk_ends_the_session_as_link_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let mut script = vec![Act::Samples { first: 0, n: 200 }];
    for _ in 0..400 {
        script.push(Act::Bytes(vec![0x55; 40]));
        script.push(Act::Pause(std::time::Duration::from_millis(20)));
    }
    let board = FakeBoard::start(tmp.path(), info(100), script);
    let out = tmp.path().join("s");
    let t = std::time::Instant::now();
    let r = run(
        &[
            "record",
            "--port",
            board.path.to_str().unwrap(),
            "--seconds",
            "30",
            "--give-up-after",
            "3",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(t.elapsed().as_secs_f64() < 15.0, "{:?}", t.elapsed());
    assert_clean_error(&r, "link_lost: no samples from");
    assert!(r.stderr.contains("still waiting for"), "{}", r.stderr);
    let meta = read_meta(&out);
    assert_eq!(meta["status"], "failed", "{meta}");
    assert!(meta["end_reason"]
        .as_str()
        .unwrap()
        .starts_with("link_lost"));
    assert_eq!(read_samples(&out).len(), 200);
}

#[test]
fn a_board_that_returns_at_another_path_ends_the_session_as_link_lost() {
    // Pulled at ~2 s; it comes back as another pty (no USB serial number to
    // find it by), so the recorded path never answers again.
    let tmp = tempfile::tempdir().unwrap();
    let first = FakeBoard::start(
        tmp.path(),
        info(100),
        vec![Act::Samples { first: 0, n: 3000 }],
    );
    let path = first.path.clone();
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let swap = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        let second = FakeBoard::start(&other, info(100), vec![Act::Samples { first: 0, n: 3000 }]);
        drop(first);
        std::thread::sleep(std::time::Duration::from_secs(8));
        drop(second);
    });
    let out = tmp.path().join("s");
    let r = run(
        &[
            "record",
            "--port",
            path.to_str().unwrap(),
            "--seconds",
            "30",
            "--give-up-after",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(&r, "link_lost");
    assert!(
        r.stderr
            .contains(&format!("still waiting for {}", path.display())),
        "{}",
        r.stderr
    );
    let meta = read_meta(&out);
    assert_eq!(meta["status"], "failed", "{meta}");
    let n = read_samples(&out).len();
    assert!((100..=300).contains(&n), "{n} samples before the pull");
    swap.join().unwrap();
}

#[test]
fn decimals_after_whole_numbers_on_a_text_board_are_kept() {
    // 2 s of whole numbers, then 2 s of decimals: none is rounded.
    let tmp = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = (0..200)
        .map(|k| format!("{},{}", 500 + k % 7, 300))
        .collect();
    lines.push("1e12,1".into()); // out of range: rejected, counted
    lines.extend((0..300).map(|k| format!("{}.5,2.25", k % 7)));
    let board = FakeBoard::text(tmp.path(), lines, 100.0);
    let out = tmp.path().join("s");
    let r = run(
        &[
            "record",
            "--port",
            board.path.to_str().unwrap(),
            "--text-rate",
            "100",
            "--seconds",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!r.stderr.contains("rounded"), "{}", r.stderr);
    let m = read_meta(&out);
    assert_eq!(m["source"]["protocol"], "text");
    let scale = m["source"]["channels"][0]["scale"].as_f64().unwrap();
    let rows = read_samples(&out);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(rows.len() >= 400, "{} {}", rows.len(), r.stderr);
    let phys = |row: &Row| (row.chest as f64 * scale, row.belly as f64 * scale);
    // (The first lines may come before the port is open: look at values.)
    let whole = rows.iter().filter(|r| phys(r).1 == 300.0).count();
    let halves = rows
        .iter()
        .filter(|r| {
            let (c, b) = phys(r);
            (c.fract() - 0.5).abs() < 1e-9 && (b - 2.25).abs() < 1e-9
        })
        .count();
    assert!(whole >= 150 && halves >= 190, "{whole} {halves}");
    assert_eq!(whole + halves, rows.len());
    assert_eq!(m["counters"]["text_lines_rejected"], 1);
}
