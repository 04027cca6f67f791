//! Virtual sensor -> pseudo-terminal -> serial reader -> decoder -> session
//! files, through the real binary, including a pulled cable, a silent board,
//! garbage, corrupted frames and the text fallback.
#![cfg(unix)]

mod common;
use common::*;

fn assert_contiguous(rows: &[Row]) {
    for (k, w) in rows.windows(2).enumerate() {
        assert_eq!(
            w[1].index,
            w[0].index + 1,
            "row {k}: {:?} -> {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn thirty_seconds_at_1khz_every_index_once_and_counters_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(tmp.path(), &["--rate-hz", "1000", "--seconds", "60"]);
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "30", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 30_000);
    assert_eq!(rows[0].index, 0);
    assert_contiguous(&rows);
    for r in &rows {
        assert_eq!(r.time_s, (r.index as f64 / 1000.0 * 1e6).round() / 1e6);
        assert_eq!(r.flags, 0);
        assert!((0..=4095).contains(&r.chest) && (0..=4095).contains(&r.belly));
    }
    let m = read_meta(&out);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["sample_rate_hz"], 1000.0);
    assert_eq!(m["source"]["protocol"], "breathband-v1");
    assert_eq!(m["samples_written"], 30_000);
    let c = &m["counters"];
    for k in [
        "bytes_dropped",
        "crc_errors",
        "malformed",
        "samples_lost",
        "reconnects",
        "ring_overflow",
    ] {
        assert_eq!(c[k], 0, "counter {k}");
    }
    assert!(c["frames"].as_u64().unwrap() >= 3000);
}

#[test]
fn cable_pulled_mid_session_resumes_with_the_gap_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &[
            "--rate-hz",
            "500",
            "--seconds",
            "40",
            "--unplug-at",
            "4",
            "--unplug-for",
            "3",
        ],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "12", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    let m = read_meta(&out);
    assert_eq!(m["counters"]["reconnects"], 1);
    let gaps = m["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    let gap_at = gaps[0]["index"].as_u64().unwrap();
    let lost = gaps[0]["lost_samples"].as_u64().unwrap();
    assert_eq!(
        gaps[0]["estimated"], true,
        "the board restarted: index from host clock"
    );
    // 3 s unplugged at 500 Hz, estimated from the host clock.
    assert!((1300..=1900).contains(&lost), "lost {lost}");
    assert_eq!(m["counters"]["samples_lost"], lost);
    // Nothing recorded before the pull is lost: 0..gap contiguous from 0.
    let split = rows
        .iter()
        .position(|r| r.index == gap_at)
        .expect("row at gap");
    assert_eq!(rows[0].index, 0);
    assert!(
        split as u64 >= 4 * 500 - 100,
        "about 4 s before the pull: {split}"
    );
    assert_contiguous(&rows[..split]);
    assert_eq!(rows[split].index, rows[split - 1].index + 1 + lost);
    assert!(
        rows[split].flags & 0b1110_0000 == 0b1110_0000,
        "gap+reconnect+estimated flags"
    );
    // ...and recording resumed to the requested end, contiguous again.
    assert_contiguous(&rows[split..]);
    assert_eq!(rows.last().unwrap().index, 12 * 500 - 1);
    let kinds: Vec<&str> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["link_lost", "reconnected"]);
}

#[test]
fn silent_board_is_reconnected_and_the_gap_is_exact_from_its_index() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &[
            "--rate-hz",
            "200",
            "--seconds",
            "40",
            "--silence-at",
            "3",
            "--silence-for",
            "4",
        ],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "10", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    let m = read_meta(&out);
    assert_eq!(m["counters"]["reconnects"], 1);
    let gaps = m["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["estimated"], false, "board kept counting");
    let lost = gaps[0]["lost_samples"].as_u64().unwrap();
    // Silent for 4 s at 200 Hz: the board's index says exactly how many.
    assert!((790..=830).contains(&lost), "lost {lost}");
    let missing = rows.last().unwrap().index + 1 - rows.len() as u64;
    assert_eq!(missing, lost, "every missing index is counted, no more");
}

#[test]
fn garbage_between_frames_costs_no_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &[
            "--rate-hz",
            "1000",
            "--seconds",
            "30",
            "--garbage-per-s",
            "30",
        ],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "5", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 5000);
    assert_contiguous(&rows);
    let c = &read_meta(&out)["counters"];
    assert_eq!(c["samples_lost"], 0);
    assert!(c["bytes_dropped"].as_u64().unwrap() > 500, "{c}");
    assert!(c["malformed"].as_u64().unwrap() + c["crc_errors"].as_u64().unwrap() > 50);
}

#[test]
fn corrupted_frames_are_dropped_and_their_samples_counted_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--rate-hz", "1000", "--seconds", "30", "--corrupt", "0.05"],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "6", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    let c = &read_meta(&out)["counters"];
    let lost = c["samples_lost"].as_u64().unwrap();
    assert!(lost >= 100, "5 % of 600 frames x 10 samples: {lost}");
    assert!(c["crc_errors"].as_u64().unwrap() + c["malformed"].as_u64().unwrap() >= 10);
    // Each hole is whole frames (10 samples at 1 kHz); none is duplicated.
    for w in rows.windows(2) {
        let d = w[1].index - w[0].index;
        assert!(d >= 1 && (d - 1) % 10 == 0, "hole of {} samples", d - 1);
    }
    // Every sample of the 6 s is a row or counted lost, the frames lost
    // right before the cut included.
    assert_eq!(rows.len() as u64 + lost, 6_000);
}

#[test]
fn text_fallback_lines_are_recorded_with_an_estimated_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--text", "--rate-hz", "100", "--seconds", "30"],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "4", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m = read_meta(&out);
    assert_eq!(m["source"]["protocol"], "text");
    assert_eq!(m["source"]["rate_estimated"], true);
    assert_eq!(m["sample_rate_hz"], 100.0);
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 400);
    assert_contiguous(&rows);
}

#[test]
fn text_fallback_uses_the_given_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--text", "--rate-hz", "50", "--seconds", "30"],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "2", &["--text-rate", "50"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m = read_meta(&out);
    assert_eq!(m["source"]["rate_estimated"], false);
    assert_eq!(read_samples(&out).len(), 100);
}

#[test]
fn board_reset_in_place_is_started_again_and_the_gap_is_marked() {
    // The port stays open; the board reboots at 4 s, sends Info and does not
    // stream until the host sends Start again (heartbeats keep coming, so
    // the link never looks silent).
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--rate-hz", "500", "--seconds", "40", "--reset-at", "4"],
    );
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "10", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows = read_samples(&out);
    let m = read_meta(&out);
    assert_eq!(m["counters"]["reconnects"], 0, "the port never closed");
    let gaps = m["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["estimated"], true, "index restarted at 0");
    let lost = gaps[0]["lost_samples"].as_u64().unwrap();
    // Down for 0.5 s at 500 Hz, plus the host's reaction.
    assert!((200..=1000).contains(&lost), "lost {lost}");
    assert_eq!(m["counters"]["samples_lost"], lost);
    let gap_at = gaps[0]["index"].as_u64().unwrap();
    let split = rows.iter().position(|r| r.index == gap_at).unwrap();
    assert!(split as u64 >= 4 * 500 - 100, "about 4 s before: {split}");
    assert_eq!(rows[0].index, 0);
    assert_contiguous(&rows[..split]);
    assert_eq!(
        rows[split].flags & 0b1010_0000,
        0b1010_0000,
        "gap+estimated"
    );
    assert_contiguous(&rows[split..]);
    assert_eq!(
        rows.last().unwrap().index,
        10 * 500 - 1,
        "recording went on"
    );
}

#[test]
fn handshake_survives_a_bootloader_that_ignores_commands_after_open() {
    // Opening the port resets the board; for 1.5 s it ignores GetInfo, then
    // boots and sends Info.
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(
        tmp.path(),
        &["--rate-hz", "200", "--seconds", "40", "--boot-delay", "1.5"],
    );
    let out = tmp.path().join("s");
    let t0 = std::time::Instant::now();
    let r = record_port(&sim.dev, &out, "2", &[]);
    let wall = t0.elapsed().as_secs_f64();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        wall >= 3.4,
        "the board really was deaf for 1.5 s: {wall:.2} s"
    );
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 400);
    assert_eq!(rows[0].index, 0);
    assert_contiguous(&rows);
    let c = &read_meta(&out)["counters"];
    assert_eq!(c["samples_lost"], 0);
    assert_eq!(c["reconnects"], 0);
    drop(sim);
}

#[test]
fn record_rate_hz_sets_the_board_rate_with_set_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(tmp.path(), &["--rate-hz", "200", "--seconds", "40"]);
    let out = tmp.path().join("s");
    let r = record_port(&sim.dev, &out, "3", &["--rate-hz", "500"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m = read_meta(&out);
    assert_eq!(m["sample_rate_hz"], 500.0);
    assert_eq!(m["source"]["sample_rate_hz"], 500.0);
    let rows = read_samples(&out);
    assert_eq!(rows.len(), 1500);
    assert_contiguous(&rows);
    assert_eq!(rows[1499].time_s, 2.998);
    let c = &m["counters"];
    assert_eq!(c["samples_lost"], 0);
    assert_eq!(c["malformed"], 0);
    assert!(
        m["events"].as_array().unwrap().is_empty(),
        "no rate-change warning: {}",
        m["events"]
    );
}
