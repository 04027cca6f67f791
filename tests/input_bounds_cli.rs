//! Every reader of outside files is bounded: a gzip bomb that inflates to
//! one 256 MiB line, the same line in a session's windows.csv, and an
//! oversized session.json get a clear error naming the line (or the file)
//! under a memory limit far below what reading them whole would take.
#![cfg(unix)]

mod common;
use common::*;
use std::io::Write;
use std::path::Path;

/// 256 MiB of commas on one line.
const LONG_MIB: usize = 256;
/// Address space allowed to the binary: far below the long line's size
/// times the copies a CSV reader would make of it.
const LIMIT_KB: u64 = 1_200_000;

fn long_line(w: &mut impl Write) {
    let chunk = vec![b','; 1 << 20];
    for _ in 0..LONG_MIB {
        w.write_all(&chunk).unwrap();
    }
    w.write_all(b"\n").unwrap();
}

/// Runs the binary under `ulimit -v`.
fn limited(args: &[&str]) -> Run {
    let mut cmd = vec![
        "-c".to_string(),
        format!("ulimit -v {LIMIT_KB}; exec \"$0\" \"$@\""),
        BIN.to_string(),
    ];
    cmd.extend(args.iter().map(|s| s.to_string()));
    let child = std::process::Command::new("sh")
        .args(&cmd)
        .env("MALLOC_ARENA_MAX", "2")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_with_timeout(child, std::time::Duration::from_secs(120))
}

fn gzip_bomb(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    gz.write_all(b"time_s,chest,belly\n").unwrap();
    long_line(&mut gz);
    gz.write_all(b"0.01,1,2\n").unwrap();
    gz.finish().unwrap();
}

#[test]
fn a_gzip_bomb_is_a_clear_error_naming_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bomb = tmp.path().join("bomb.csv.gz");
    gzip_bomb(&bomb);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let b = bomb.to_str().unwrap();
    let r = limited(&["analyze", b, "--json"]);
    assert_clean_error(&r, "line 2: line is longer than 1048576 bytes");
    let out = tmp.path().join("s");
    let r = limited(&[
        "record",
        "--replay",
        b,
        "--speed",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_error(&r, "line 2: line is longer than 1048576 bytes");
}

#[test]
fn a_huge_line_or_file_in_a_session_folder_is_named_not_read_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = data.join("sessions/2026-12-07_10-00-00");
    record_virtual(&s);
    let windows = std::fs::read_to_string(s.join("windows.csv")).unwrap();
    let lines = windows.lines().count();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(s.join("windows.csv"))
        .unwrap();
    long_line(&mut f);
    // A second session whose session.json is 65 MiB of spaces.
    let big = data.join("sessions/2026-12-07_11-00-00");
    std::fs::create_dir_all(&big).unwrap();
    let mut j = std::fs::File::create(big.join("session.json")).unwrap();
    j.write_all(&vec![b' '; 65 << 20]).unwrap();
    j.write_all(b"{}").unwrap();
    let r = limited(&["--data-dir", data.to_str().unwrap(), "sessions", "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let by = |id: &str| {
        v["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    let first = by("2026-12-07_10-00-00");
    let warn = first["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warn.ends_with(&format!(
            "windows.csv: line {} is longer than 1048576 bytes",
            lines + 1
        )),
        "{first}"
    );
    let second = by("2026-12-07_11-00-00");
    assert_eq!(second["status"], "unreadable", "{second}");
    assert!(
        second["error"]
            .as_str()
            .unwrap()
            .contains("larger than 64 MiB"),
        "{second}"
    );
}
