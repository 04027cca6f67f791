//! `breathband pacer --wav` options through the real binary: volume and
//! mute, the file's sample rate, and one-line errors for bad arguments.

mod common;
use common::audio::*;
use std::process::Command as Process;

#[test]
fn volume_scales_and_mute_is_silent() {
    let level = |v: &str| {
        let (_, x) = render_with_binary(&["--pattern", "6", "--seconds", "10", "--volume", v]);
        rms(&x)
    };
    let (full, half, quarter) = (level("1"), level("0.5"), level("0.25"));
    eprintln!("tone rms: volume 1 {full:.4}, 0.5 {half:.4}, 0.25 {quarter:.4}");
    assert!((half / full - 0.5).abs() < 0.01, "{half} / {full}");
    assert!((quarter / full - 0.25).abs() < 0.01, "{quarter} / {full}");
    let (_, muted) = render_with_binary(&[
        "--pattern",
        "6",
        "--seconds",
        "5",
        "--mute",
        "--cue",
        "chime",
    ]);
    assert_eq!(muted.len(), 5 * SR as usize);
    assert!(muted.iter().all(|v| *v == 0.0));
}

#[test]
fn sample_rate_option_sets_the_file_rate() {
    let (spec, x) = render_with_binary(&["--seconds", "2", "--sample-rate", "48000"]);
    assert_eq!(spec.sample_rate, 48_000);
    assert_eq!(x.len(), 96_000);
}

#[test]
fn bad_arguments_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ok_path = dir.path().join("x.wav");
    let cases: [(&[&str], &str); 6] = [
        (&["--pattern", "4-x"], "`x` in pattern `4-x`"),
        (&["--pattern", "4-6-8-2-1"], "5 parts"),
        (&["--pattern", "sideways"], "unknown pattern `sideways`"),
        (&["--seconds", "-3"], "--seconds"),
        (&["--volume", "1.5"], "--volume"),
        (&["--sample-rate", "100"], "--sample-rate"),
    ];
    for (args, want) in cases {
        let out = Process::new(env!("CARGO_BIN_EXE_breathband"))
            .arg("pacer")
            .args(args)
            .arg("--wav")
            .arg(&ok_path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("breathband: error: ") && err.contains(want),
            "{err}"
        );
        assert!(!err.contains("panicked"));
    }
    assert!(!ok_path.exists());
    // Unwritable place.
    let out = Process::new(env!("CARGO_BIN_EXE_breathband"))
        .args(["pacer", "--seconds", "1", "--wav"])
        .arg(dir.path().join("missing").join("x.wav"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot write") && err.contains("missing"),
        "{err}"
    );
    // Nothing left behind in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
