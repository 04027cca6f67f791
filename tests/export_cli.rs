//! `breathband export` through the real binary, on the shared session
//! fixture: all sessions with a history.csv, one session by id or path, and
//! one-line errors.

mod common;
use common::sessions::*;

#[test]
fn export_all_copies_files_and_writes_a_history_csv() {
    let tmp = fixture();
    let out = tmp.path().join("export");
    let stdout = ok(&run(
        tmp.path(),
        &["export", "--all", "--out", out.to_str().unwrap()],
    ));
    assert!(stdout.contains("exported 9 sessions"), "{stdout}");
    let src = tmp.path().join("sessions/2026-03-09_07-00-00");
    for f in ["samples.csv", "windows.csv", "breaths.csv", "session.json"] {
        let copy = std::fs::read(out.join("2026-03-09_07-00-00").join(f)).unwrap();
        assert_eq!(copy, std::fs::read(src.join(f)).unwrap(), "{f}");
    }
    // The broken session is copied as it is; the bare one has only samples.
    assert!(out.join("2026-03-11_07-00-00/session.json").is_file());
    assert!(!out.join("2026-03-11_08-00-00/session.json").exists());
    assert!(out.join("2026-03-11_08-00-00/samples.csv").is_file());

    let mut rd = csv::Reader::from_path(out.join("history.csv")).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "date",
            "time",
            "slot",
            "duration_min",
            "status",
            "belly_share",
            "rate_bpm",
            "pain_before",
            "pain_after",
            "tension_before",
            "tension_after",
            "dizzy",
            "stopped_early",
            "events",
            "practised_min",
            "planned_min",
            "note_before",
            "note_after"
        ]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 9);
    let row = |id: &str| {
        rows.iter()
            .find(|r| &r[0] == id)
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("2026-03-09_07-00-00"),
        [
            "2026-03-09_07-00-00",
            "2026-03-09",
            "07:00",
            "morning",
            "6.7",
            "complete",
            "0.700",
            "6.0",
            "4",
            "2",
            "6",
            "3",
            "no",
            "",
            "",
            "5.0",
            "5.0",
            "ok",
            "ok"
        ]
    );
    assert_eq!(
        row("2026-03-08_23-50-00")[1..4],
        ["2026-03-08", "23:50", "evening"]
    );
    assert_eq!(row("2026-03-09_20-00-00")[14], "breath_hold:1");
    assert_eq!(
        row("2026-03-10_07-00-00")[5..],
        [
            "stopped_early",
            "0.550",
            "8.0",
            "",
            "",
            "",
            "",
            "yes",
            "dizzy",
            "",
            "1.5",
            "5.0",
            "",
            ""
        ]
    );
    assert_eq!(row("2026-03-10_20-00-00")[5], "interrupted");
    assert_eq!(
        row("2026-03-11_07-00-00")[1..7],
        ["", "", "", "", "unreadable", ""]
    );

    // Again into the same folder: refused, nothing touched.
    let before = std::fs::read(out.join("history.csv")).unwrap();
    let again = run(
        tmp.path(),
        &["export", "--all", "--out", out.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.starts_with("breathband: error:") && err.contains("already exists"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(out.join("history.csv")).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        10,
        "no stray folders"
    );
}

#[test]
fn export_one_session_by_id_or_path() {
    let tmp = fixture();
    let out = tmp.path().join("one");
    ok(&run(
        tmp.path(),
        &[
            "export",
            "2026-03-10_20-00-00",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert!(out.join("2026-03-10_20-00-00/windows.csv").is_file());
    let rows = csv::Reader::from_path(out.join("history.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, 1);

    let path = tmp.path().join("sessions/2026-03-09_20-00-00");
    let out = tmp.path().join("two");
    ok(&run(
        tmp.path(),
        &[
            "export",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert!(out.join("2026-03-09_20-00-00/session.json").is_file());
}

#[test]
fn export_errors_are_one_clear_line() {
    let tmp = fixture();
    let out = tmp.path().join("x");
    let o = run(
        tmp.path(),
        &[
            "export",
            "2020-01-01_00-00-00",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("unknown session '2020-01-01_00-00-00'"),
        "{err}"
    );
    assert!(!out.exists());

    // An --out under a plain file cannot be created.
    let file = tmp.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let o = run(
        tmp.path(),
        &[
            "export",
            "--all",
            "--out",
            file.join("out").to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("cannot write") && err.lines().count() == 1,
        "{err}"
    );

    // Neither a session nor --all: a usage error.
    assert_eq!(
        run(tmp.path(), &["export", "--out", "y"]).status.code(),
        Some(2)
    );
    let empty = tempfile::tempdir().unwrap();
    let o = run(
        empty.path(),
        &["export", "--all", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to export"));
}

#[test]
fn export_does_not_follow_a_symlink_out_of_the_data_dir() {
    let tmp = fixture();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "not a session file").unwrap();
    let s = tmp.path().join("sessions/2026-03-10_20-00-00");
    std::fs::remove_file(s.join("breaths.csv")).unwrap();
    std::os::unix::fs::symlink(&secret, s.join("breaths.csv")).unwrap();
    let out = tmp.path().join("out");
    let o = run(
        tmp.path(),
        &[
            "export",
            "2026-03-10_20-00-00",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    ok(&o);
    let copy = out.join("2026-03-10_20-00-00");
    assert!(copy.join("windows.csv").is_file());
    assert!(!copy.join("breaths.csv").exists(), "the link was followed");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a symbolic link: not exported"), "{err}");
}
