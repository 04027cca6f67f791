//! Helpers for the end-to-end tests: run the real binary, read its files.
//! The submodules hold the helpers of one group of test files each.
#![allow(dead_code)]

pub mod app_panels;
pub mod app_practice;
pub mod audio;
pub mod engine_run;
pub mod fake_board;
pub mod pyedf;
pub mod sessions;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_breathband");

/// A running `breathband simulate --pty`, killed on drop.
pub struct Sim {
    pub child: Child,
    pub dev: PathBuf,
    /// Kept open: the simulator prints the path again after each re-plug.
    pub stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    /// Waits for the simulator to exit and returns what it printed on stderr.
    pub fn finish(mut self) -> String {
        let _ = self.child.wait();
        let mut s = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
        }
        s
    }
}

/// Starts the simulated board behind a pty with a stable link in `dir`.
pub fn start_sim(dir: &Path, args: &[&str]) -> Sim {
    let dev = dir.join("dev");
    let mut child = Command::new(BIN)
        .args(["simulate", "--pty", "--link"])
        .arg(&dev)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start simulator");
    // The first stdout line is the device path, printed once it can be opened.
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), dev.display().to_string());
    Sim { child, dev, stdout }
}

/// `record --port DEV --seconds SECS --out OUT` with `extra` arguments.
#[allow(dead_code)]
pub fn record_port(dev: &Path, out: &Path, secs: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "record",
        "--port",
        dev.to_str().unwrap(),
        "--seconds",
        secs,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args, &[])
}

/// Output of a finished command.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary to completion (with a generous timeout).
pub fn run(args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn");
    wait_with_timeout(child, Duration::from_secs(120))
}

pub fn wait_with_timeout(mut child: Child, t: Duration) -> Run {
    // Drained while it runs: an output larger than a pipe's buffer (64 KiB)
    // would otherwise block the child for ever.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > t {
            let _ = child.kill();
            panic!("command did not finish within {t:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// One parsed row of samples.csv.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub time_s: f64,
    pub index: u64,
    pub chest: i64,
    pub belly: i64,
    pub flags: u8,
}

/// Reads samples.csv strictly (header and every field), as pandas would.
pub fn read_samples(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("samples.csv")).expect("samples.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time_s,sample_index,chest,belly,flags"));
    assert!(text.ends_with('\n'), "file ends with a whole row");
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 5, "row {l:?}");
            Row {
                time_s: f[0].parse().unwrap(),
                index: f[1].parse().unwrap(),
                chest: f[2].parse().unwrap(),
                belly: f[3].parse().unwrap(),
                flags: f[4].parse().unwrap(),
            }
        })
        .collect()
}

/// Records 40 s of the virtual sensor (at 20x speed) into session folder
/// `out`: a small real session to read, replay or guard.
pub fn record_virtual(out: &Path) {
    let r = run(
        &[
            "record",
            "--virtual",
            "--seconds",
            "40",
            "--speed",
            "20",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

pub fn read_meta(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("session.json")).expect("session.json");
    serde_json::from_str(&text).expect("session.json parses")
}

/// Asserts a clean single-line error: non-zero exit, no panic or backtrace.
pub fn assert_clean_error(r: &Run, needle: &str) {
    assert_eq!(r.code, Some(1), "exit code; stderr: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(!r.stderr.contains("RUST_BACKTRACE"), "{}", r.stderr);
    let last = r.stderr.lines().last().unwrap_or("");
    assert!(last.starts_with("breathband: error: "), "{}", r.stderr);
    assert!(
        last.to_lowercase().contains(&needle.to_lowercase()),
        "expected {needle:?} in {last:?}"
    );
}
