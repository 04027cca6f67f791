//! No command writes over a recording: `analyze --csv`, `export --out`,
//! `record --out`, `pacer --wav` and `simulate --out` refuse the input
//! itself (by any name) and any path inside a session folder, and leave
//! every file of the session as it was.

mod common;
use common::*;
use std::path::Path;

/// Every file of a session folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = if p.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            (p.display().to_string(), bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn outputs_that_would_overwrite_a_recording_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    let st = s.to_str().unwrap();
    record_virtual(&s);
    let before = snapshot(&s);
    let samples = s.join("samples.csv");
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink(&samples, &link).unwrap();
    let (sam, lnk) = (samples.to_str().unwrap(), link.to_str().unwrap());
    let inside = |f: &str| s.join(f).display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["analyze".into(), st.into(), "--csv".into(), sam.into()],
            "inside the session folder",
        ),
        (
            vec!["analyze".into(), sam.into(), "--csv".into(), lnk.into()],
            "inside the session folder",
        ),
        (
            vec!["analyze".into(), st.into(), "--csv".into(), lnk.into()],
            "inside the session folder",
        ),
        (
            vec![
                "analyze".into(),
                st.into(),
                "--csv".into(),
                inside("windows.csv"),
            ],
            "inside the session folder",
        ),
        (
            vec!["export".into(), st.into(), "--out".into(), inside("copy")],
            "inside the session folder",
        ),
        (
            vec![
                "record".into(),
                "--replay".into(),
                st.into(),
                "--out".into(),
                inside("again"),
            ],
            "inside the session folder",
        ),
        (
            vec![
                "pacer".into(),
                "--seconds".into(),
                "1".into(),
                "--wav".into(),
                inside("breaths.csv"),
            ],
            "inside the session folder",
        ),
        (
            vec![
                "simulate".into(),
                "--out".into(),
                sam.into(),
                "--seconds".into(),
                "1".into(),
            ],
            "inside the session folder",
        ),
    ];
    for (args, needle) in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&a, &[]);
        assert_clean_error(&r, needle);
        assert_eq!(snapshot(&s), before, "{args:?} changed the session");
    }
    // A plain CSV outside any session: itself, by any name, is refused.
    let csv = tmp.path().join("in.csv");
    let c = csv.to_str().unwrap();
    let r = run(&["simulate", "--out", c, "--seconds", "40"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let csv_before = std::fs::read(&csv).unwrap();
    let alias = tmp.path().join("alias.csv");
    std::os::unix::fs::symlink(&csv, &alias).unwrap();
    let dotted = format!("{}/s/../in.csv", tmp.path().display());
    for out in [c, alias.to_str().unwrap(), dotted.as_str()] {
        assert_clean_error(&run(&["analyze", c, "--csv", out], &[]), "is the input");
        assert_clean_error(
            &run(&["record", "--replay", c, "--out", out], &[]),
            "is the input",
        );
    }
    assert_eq!(std::fs::read(&csv).unwrap(), csv_before);
    // Beside the session is fine, and the input is still whole.
    let out = tmp.path().join("windows.csv");
    let r = run(&["analyze", st, "--csv", out.to_str().unwrap()], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::metadata(&out).unwrap().len() > 100);
    assert_eq!(snapshot(&s), before);
}
