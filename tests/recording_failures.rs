//! Recording robustness through the real binary: a killed process, a full
//! disk, unusable folders, missing ports, and bad arguments.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
#[test]
fn sigkill_loses_at_most_one_second_and_leaves_files_that_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let mut child = Command::new(BIN)
        .args(["record", "--virtual", "--rate-hz", "1000", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("session: "), "{line}");
    // Samples start with the session line (device clock starts then).
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(3300));
    let alive_s = started.elapsed().as_secs_f64();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let rows = read_samples(&out); // whole rows only, all parse
    let last = rows.last().expect("rows were written").time_s;
    assert!(
        last >= alive_s - 1.0,
        "last sample at {last} s, killed at {alive_s:.2} s"
    );
    assert_eq!(rows.len() as u64, rows.last().unwrap().index + 1);
    let m = read_meta(&out);
    assert_eq!(
        m["status"], "recording",
        "a killed session is left as recording"
    );
    assert!(m["samples_written"].as_u64().unwrap() > 1000);
}

/// Runs the binary with `args` (shell words) under a file size limit of
/// `kib` KiB: writes past it fail like a full disk (EFBIG), without a real
/// full file system. SIGXFSZ is ignored, as a shell `trap "" XFSZ` does,
/// so the write returns the error.
#[cfg(unix)]
fn with_file_limit(kib: u32, args: &str) -> Run {
    let script = format!("trap '' XFSZ; ulimit -f {kib}; exec '{BIN}' {args}");
    let child = Command::new("bash")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_with_timeout(child, Duration::from_secs(60))
}

#[cfg(unix)]
#[test]
fn full_disk_ends_the_session_with_a_clear_error_and_valid_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let r = with_file_limit(
        64,
        &format!(
            "record --virtual --rate-hz 1000 --seconds 30 --out '{}'",
            out.display()
        ),
    );
    assert_clean_error(&r, "cannot write");
    assert!(
        r.stderr.contains("already written are kept"),
        "{}",
        r.stderr
    );
    let rows = read_samples(&out);
    assert!(rows.len() > 1000, "{} rows kept", rows.len());
    assert!(
        std::fs::metadata(out.join("samples.csv")).unwrap().len() <= 64 * 1024,
        "stayed within the limit"
    );
    let m = read_meta(&out);
    assert_eq!(m["status"], "failed");
    assert!(m["end_reason"].as_str().unwrap().contains("cannot write"));
    assert_eq!(m["samples_written"], rows.len() as u64);
}

#[test]
fn unwritable_data_dir_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let r = run(
        &[
            "record",
            "--virtual",
            "--seconds",
            "1",
            "--data-dir",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(&r, "cannot create a session folder");
}

#[test]
fn out_folder_that_is_not_empty_is_never_written_over() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("samples.csv"), "precious").unwrap();
    let r = run(
        &[
            "record",
            "--virtual",
            "--seconds",
            "1",
            "--out",
            tmp.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(&r, "not empty");
    let kept = std::fs::read_to_string(tmp.path().join("samples.csv")).unwrap();
    assert_eq!(kept, "precious");
}

#[test]
fn missing_port_is_a_clear_error() {
    let r = run(
        &["record", "--port", "/dev/does-not-exist", "--seconds", "1"],
        &[],
    );
    assert_clean_error(&r, "/dev/does-not-exist");
    assert!(r.stderr.contains("see `breathband ports`"), "{}", r.stderr);
}

#[test]
fn bad_numbers_are_usage_errors_not_panics_or_garbage() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("x.csv");
    let csv = csv.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &[
            "simulate",
            "--pty",
            "--unplug-at",
            "1",
            "--unplug-for",
            "inf",
        ],
        &[
            "simulate",
            "--pty",
            "--unplug-at",
            "1",
            "--unplug-for",
            "1e20",
        ],
        &[
            "simulate",
            "--pty",
            "--silence-at",
            "1",
            "--silence-for",
            "nan",
        ],
        &["simulate", "--pty", "--corrupt", "1.5"],
        &["simulate", "--pty", "--boot-delay=-1"],
        &["simulate", "--out", csv, "--seconds", "nan"],
        &["simulate", "--out", csv, "--seconds", "1", "--share", "2"],
        &[
            "simulate",
            "--out",
            csv,
            "--seconds",
            "1",
            "--rate-hz",
            "inf",
        ],
        &["record", "--port", "/dev/x", "--text-rate", "0"],
        &["record", "--replay", csv, "--speed", "nan"],
        &["record", "--replay", csv, "--speed=-1"],
        &["record", "--virtual", "--seconds", "inf"],
        &["record", "--virtual", "--seconds", "0"],
        &["record", "--virtual", "--noise", "x"],
    ];
    for args in cases {
        let r = run(args, &[]);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        let first = r.stderr.lines().next().unwrap_or("");
        assert!(
            first.starts_with("error: invalid value")
                && (first.contains("out of range") || first.contains("not a number")),
            "{args:?}: {first}"
        );
    }
    assert!(!std::path::Path::new(csv).exists(), "nothing was written");
    // A board rate the protocol does not allow is refused before any I/O.
    let r = run(&["record", "--port", "/dev/x", "--rate-hz", "2000"], &[]);
    assert_clean_error(&r, "--rate-hz 2000");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let r = run(
        &[
            "simulate",
            "--out",
            "/tmp/x.csv",
            "--seconds",
            "1",
            "--schedule",
            "5:speed=2",
        ],
        &[],
    );
    assert_eq!(r.code, Some(2), "clap usage error");
    assert!(
        r.stderr.contains("unknown schedule key 'speed'"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"));
    let r = run(&["record", "--virtual", "--port", "/dev/x"], &[]);
    assert_eq!(r.code, Some(2));
}

#[cfg(unix)]
#[test]
fn sighup_and_sigterm_close_the_session_as_complete() {
    for sig in ["-HUP", "-TERM"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("s");
        let mut child = Command::new(BIN)
            .args(["record", "--virtual", "--out"])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        let kill = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        assert!(status.success(), "{sig}: {status:?}");
        let m = read_meta(&out);
        assert_eq!(m["status"], "complete", "{sig}: {m}");
        assert_eq!(m["end_reason"], "stopped by user", "{sig}");
        assert!(m["samples_written"].as_u64().unwrap() > 50, "{sig}");
    }
}

#[cfg(unix)]
#[test]
fn a_disk_full_before_the_first_flush_leaves_no_folder_to_list() {
    // 1 KiB: not even the session files fit; 2 KiB: the headers and the
    // first session.json fit, the first flush of samples does not.
    for kib in [1, 2] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let r = with_file_limit(
            kib,
            &format!(
                "--data-dir '{}' record --virtual --rate-hz 1000 --seconds 5",
                data.display()
            ),
        );
        assert_eq!(r.code, Some(1), "{kib} KiB: {}", r.stderr);
        let left: Vec<_> = std::fs::read_dir(data.join("sessions"))
            .map(|d| d.map(|e| e.unwrap().file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{kib} KiB: {left:?} left behind");
        let r = run(
            &["--data-dir", data.to_str().unwrap(), "sessions", "--json"],
            &[],
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["sessions"], serde_json::json!([]), "{kib} KiB");
    }
}
