//! `breathband sessions` and `breathband export` through the real binary, on
//! session folders built by hand: complete, plain `record`, stopped early,
//! interrupted, broken and missing `session.json`, across days and time zones.

use breathband::analysis::{Breath, Class, EventKind, SafetyEvent, WindowResult};
use breathband::device::virtual_source::{virtual_info, VirtualConfig};
use breathband::practice::journal::Journal;
use breathband::practice::record::Practice;
use breathband::practice::summary::summarize;
use breathband::session::meta::{SessionMeta, SessionStatus};
use breathband::session::results_csv::{breath_row, breaths_header, window_row, windows_header};
use chrono::{DateTime, Duration};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_breathband");

fn window(t_s: f64, share: f64, rate: f64) -> WindowResult {
    WindowResult {
        t_s,
        rate_bpm: Some(rate),
        chest_amp: 1.0 - share,
        belly_amp: share,
        belly_share: Some(share),
        phase_deg: Some(5.0),
        coherence: 0.9,
        quality: 0.8,
        class: Class::Belly,
        label: Class::Belly,
        spectral_class: Class::Belly,
        reason: None,
        over_breathing: false,
    }
}

fn breath(t: f64, class: Class) -> Breath {
    Breath {
        inhale_start_s: t,
        exhale_start_s: t + 4.0,
        end_s: t + 10.0,
        chest_amp: 0.3,
        belly_amp: 0.7,
        belly_share: 0.7,
        phase_deg: Some(3.0),
        rate_bpm: 6.0,
        class,
    }
}

/// What goes into one hand-made session folder.
struct Spec<'a> {
    id: &'a str,
    start_local: &'a str,
    status: SessionStatus,
    duration_s: f64,
    practice: Option<Practice>,
    /// Windows every 10 s over the duration with this share and rate.
    share_rate: Option<(f64, f64)>,
    breaths: Vec<Breath>,
    events: Vec<SafetyEvent>,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            id: "",
            start_local: "",
            status: SessionStatus::Complete,
            duration_s: 300.0,
            practice: None,
            share_rate: None,
            breaths: Vec::new(),
            events: Vec::new(),
        }
    }
}

fn make(data: &Path, s: Spec) -> PathBuf {
    let dir = data.join("sessions").join(s.id);
    std::fs::create_dir_all(&dir).unwrap();
    let local = DateTime::parse_from_rfc3339(s.start_local).unwrap();
    let start = local.to_utc();
    let mut m = SessionMeta::new(virtual_info(&VirtualConfig::default()), start);
    m.start_local = local;
    m.status = s.status;
    m.duration_s = s.duration_s;
    m.updated_utc = start + Duration::seconds(s.duration_s as i64);
    m.end_utc = (s.status != SessionStatus::Recording).then_some(m.updated_utc);
    m.safety_events = s.events;
    m.practice = s.practice;
    m.write_atomic(&dir).unwrap();
    let mut w = windows_header().into_bytes();
    if let Some((share, rate)) = s.share_rate {
        let mut t = 10.0;
        while t <= s.duration_s {
            window_row(&mut w, &window(t, share, rate));
            t += 10.0;
        }
    }
    std::fs::write(dir.join("windows.csv"), w).unwrap();
    let mut b = breaths_header().into_bytes();
    s.breaths.iter().for_each(|x| breath_row(&mut b, x));
    std::fs::write(dir.join("breaths.csv"), b).unwrap();
    std::fs::write(
        dir.join("samples.csv"),
        "time_s,sample_index,chest,belly,flags\n0.000000,0,1,2,0\n",
    )
    .unwrap();
    dir
}

fn journal(pain: u8, tension: u8, dizzy: bool) -> Option<Journal> {
    Some(Journal::new(Some(pain), Some(tension), Some(dizzy), Some("ok")).unwrap())
}

/// A data dir with one session of each kind. Sessions at UTC+2 on the
/// 8th, at UTC+1 on the 9th to 11th.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The 8th, at UTC+2: 00:30 (morning; the 7th in UTC) and 23:50
    // (evening), plain `record`s.
    for (id, t) in [
        ("2026-03-08_00-30-00", "2026-03-08T00:30:00+02:00"),
        ("2026-03-08_23-50-00", "2026-03-08T23:50:00+02:00"),
    ] {
        make(
            d,
            Spec {
                id,
                start_local: t,
                share_rate: Some((0.4, 12.0)),
                ..Default::default()
            },
        );
    }
    // The 9th, 06:00: a guided session stopped at the band check (no
    // practice step, no summary): its warm-up windows must not count.
    let start = DateTime::parse_from_rfc3339("2026-03-09T06:00:00+01:00").unwrap();
    let mut p = Practice::new(&start, 5.0, "6");
    p.stopped_early = Some("dizzy".into());
    make(
        d,
        Spec {
            id: "2026-03-09_06-00-00",
            start_local: "2026-03-09T06:00:00+01:00",
            duration_s: 40.0,
            practice: Some(p),
            share_rate: Some((0.1, 20.0)),
            ..Default::default()
        },
    );
    // The 9th: a complete practice with journal and summary.
    let start = DateTime::parse_from_rfc3339("2026-03-09T07:00:00+01:00").unwrap();
    let mut p = Practice::new(&start, 5.0, "6");
    p.journal_before = journal(4, 6, false);
    p.journal_after = journal(2, 3, false);
    let ws: Vec<_> = (0..=30)
        .map(|k| window(60.0 + 10.0 * k as f64, 0.7, 6.0))
        .collect();
    p.summary = Some(summarize(&ws, &[], &[], 60.0, 360.0));
    make(
        d,
        Spec {
            id: "2026-03-09_07-00-00",
            start_local: "2026-03-09T07:00:00+01:00",
            duration_s: 400.0,
            practice: Some(p),
            share_rate: Some((0.7, 6.0)),
            ..Default::default()
        },
    );
    // The 9th, evening: a plain `record`, summary from the CSVs.
    make(
        d,
        Spec {
            id: "2026-03-09_20-00-00",
            start_local: "2026-03-09T20:00:00+01:00",
            share_rate: Some((0.5, 10.0)),
            breaths: vec![
                breath(20.0, Class::Paradoxical),
                breath(30.0, Class::Belly),
                breath(40.0, Class::Paradoxical),
                breath(50.0, Class::Chest),
            ],
            events: vec![SafetyEvent {
                kind: EventKind::BreathHold,
                start_s: 100.0,
                end_s: Some(115.0),
                value: 15.0,
            }],
            ..Default::default()
        },
    );
    // The 10th: stopped early (dizzy), then an interrupted practice.
    let start = DateTime::parse_from_rfc3339("2026-03-10T07:00:00+01:00").unwrap();
    let mut p = Practice::new(&start, 5.0, "4-7-8");
    p.stopped_early = Some("dizzy".into());
    p.journal_after = Some(Journal::new(None, None, Some(true), None).unwrap());
    p.summary = Some(summarize(&[window(70.0, 0.55, 8.0)], &[], &[], 60.0, 150.0));
    make(
        d,
        Spec {
            id: "2026-03-10_07-00-00",
            start_local: "2026-03-10T07:00:00+01:00",
            duration_s: 150.0,
            practice: Some(p),
            ..Default::default()
        },
    );
    // Interrupted in its practice step (which began at 20 s): the record's
    // summary is a few seconds old, the CSVs hold more, and the crash tore
    // the last row of windows.csv.
    let start = DateTime::parse_from_rfc3339("2026-03-10T20:00:00+01:00").unwrap();
    let mut p = Practice::new(&start, 5.0, "6");
    p.practice_start_s = Some(20.0);
    p.summary = Some(summarize(&[window(30.0, 0.2, 7.0)], &[], &[], 20.0, 30.0));
    let interrupted = make(
        d,
        Spec {
            id: "2026-03-10_20-00-00",
            start_local: "2026-03-10T20:00:00+01:00",
            status: SessionStatus::Recording,
            duration_s: 120.0,
            practice: Some(p),
            share_rate: Some((0.65, 7.0)),
            breaths: vec![
                breath(10.0, Class::Chest),
                breath(30.0, Class::Belly),
                breath(40.0, Class::Belly),
            ],
            ..Default::default()
        },
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(interrupted.join("windows.csv"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"130.000,7.0,1.0,1.").unwrap();
    // The 11th: a broken session.json, and a folder without one.
    let broken = make(
        d,
        Spec {
            id: "2026-03-11_07-00-00",
            start_local: "2026-03-11T07:00:00+01:00",
            ..Default::default()
        },
    );
    std::fs::write(broken.join("session.json"), "{ \"format_version\": 1, ").unwrap();
    let bare = d.join("sessions/2026-03-11_08-00-00");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::write(
        bare.join("samples.csv"),
        "time_s,sample_index,chest,belly,flags\n",
    )
    .unwrap();
    // Not sessions.
    std::fs::create_dir_all(d.join("sessions/notes")).unwrap();
    std::fs::write(d.join("sessions/notes/todo.txt"), "x").unwrap();
    std::fs::write(d.join("sessions/readme.txt"), "x").unwrap();
    tmp
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("BREATHBAND_DATA_DIR")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn sessions_json(data: &Path, now: &str) -> Value {
    serde_json::from_str(&ok(&run(data, &["sessions", "--json", "--now", now]))).unwrap()
}

fn by_id<'a>(v: &'a Value, id: &str) -> &'a Value {
    let list = v["sessions"].as_array().unwrap();
    list.iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
}

#[test]
fn sessions_json_lists_every_kind_of_session() {
    let tmp = fixture();
    let v = sessions_json(tmp.path(), "2026-03-11T09:00:00+01:00");
    let ids: Vec<&str> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "2026-03-08_00-30-00",
            "2026-03-08_23-50-00",
            "2026-03-09_06-00-00",
            "2026-03-09_07-00-00",
            "2026-03-09_20-00-00",
            "2026-03-10_07-00-00",
            "2026-03-10_20-00-00",
            "2026-03-11_07-00-00",
            "2026-03-11_08-00-00",
        ]
    );

    let s = by_id(&v, "2026-03-09_07-00-00");
    assert_eq!(s["start_local"], "2026-03-09T07:00:00+01:00");
    assert!(s["path"]
        .as_str()
        .unwrap()
        .ends_with("sessions/2026-03-09_07-00-00"));
    assert_eq!(
        (&s["slot"], &s["status"]),
        (&"morning".into(), &"complete".into())
    );
    close(&s["duration_s"], 400.0);
    close(&s["planned_min"], 5.0);
    close(&s["practised_min"], 5.0);
    close(&s["belly_share"], 0.7);
    close(&s["rate_bpm"], 6.0);
    assert_eq!(s["summary_from"], "practice");
    let journal = [
        &s["pain_before"],
        &s["pain_after"],
        &s["tension_before"],
        &s["tension_after"],
    ];
    assert_eq!(
        journal.map(|x| x.as_u64()),
        [Some(4), Some(2), Some(6), Some(3)]
    );
    assert_eq!(
        (&s["dizzy"], &s["stopped_early"]),
        (&false.into(), &Value::Null)
    );
    assert_eq!(s["events"], serde_json::json!({}));
    // Against the mean of the two sessions of the 8th (0.4); the session
    // stopped at the band check does not count.
    assert_eq!(s["trend"]["trend"], "better");
    close(&s["trend"]["difference"], 0.3);
    assert_eq!(s["trend"]["previous_sessions"], 2);

    let s = by_id(&v, "2026-03-09_06-00-00");
    assert_eq!(s["status"], "stopped_early");
    assert_eq!(
        (&s["belly_share"], &s["rate_bpm"], &s["summary_from"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    close(&s["practised_min"], 0.0);

    let s = by_id(&v, "2026-03-09_20-00-00");
    assert_eq!(
        (&s["slot"], &s["status"]),
        (&"evening".into(), &"complete".into())
    );
    assert_eq!(
        (&s["planned_min"], &s["summary_from"]),
        (&Value::Null, &"files".into())
    );
    close(&s["belly_share"], 0.5);
    close(&s["rate_bpm"], 10.0);
    close(&s["belly_breath_fraction"], 0.25);
    assert_eq!(s["paradoxical_breaths"], 2);
    assert_eq!(s["events"], serde_json::json!({"breath_hold": 1}));
    assert_eq!(s["pain_before"], Value::Null);

    let s = by_id(&v, "2026-03-10_07-00-00");
    assert_eq!(
        (&s["status"], &s["stopped_early"]),
        (&"stopped_early".into(), &"dizzy".into())
    );
    assert_eq!(s["dizzy"], true);
    close(&s["practised_min"], 1.5);

    // Interrupted: left at `recording` long ago; its data reads back from
    // the practice step on, up to the last whole row.
    let s = by_id(&v, "2026-03-10_20-00-00");
    assert_eq!(
        (&s["status"], &s["summary_from"]),
        (&"interrupted".into(), &"files".into())
    );
    close(&s["belly_share"], 0.65);
    close(&s["belly_breath_fraction"], 1.0);
    close(&s["planned_min"], 5.0);
    close(&s["practised_min"], 100.0 / 60.0);

    for id in ["2026-03-11_07-00-00", "2026-03-11_08-00-00"] {
        let s = by_id(&v, id);
        assert_eq!(s["status"], "unreadable");
        assert!(s["error"].as_str().unwrap().contains("session.json"), "{s}");
        assert_eq!(s["belly_share"], Value::Null);
    }

    // Today the 11th: nothing done yet, both slots open; the 10th was partial.
    let a = &v["adherence"];
    assert_eq!(a["today"]["text"], "0 of 2 done");
    assert_eq!(
        (&a["today"]["morning"], &a["today"]["evening"]),
        (&"open".into(), &"open".into())
    );
    assert_eq!(a["streak"], 0);
}

#[test]
fn streak_and_dates_hold_across_midnight_and_time_zones() {
    let tmp = fixture();
    // Viewed from UTC-5 late on the 10th (04:59 UTC on the 11th): the 8th
    // (recorded at UTC+2, one at 23:50) and the 9th are full, the 10th is not over.
    let v = sessions_json(tmp.path(), "2026-03-10T23:59:00-05:00");
    let a = &v["adherence"];
    assert_eq!(a["today"]["date"], "2026-03-10");
    assert_eq!(
        (&a["today"]["morning"], &a["today"]["evening"]),
        (&"partial".into(), &"partial".into())
    );
    assert_eq!(a["streak"], 2);
    let days = a["days"].as_array().unwrap();
    let day = |d: &str| days.iter().find(|x| x["date"] == d).unwrap();
    assert_eq!(
        (&day("2026-03-08")["morning"], &day("2026-03-08")["evening"]),
        (&"done".into(), &"done".into())
    );
    assert_eq!(day("2026-03-07")["evening"], "missed");
    assert_eq!(days.last().unwrap()["date"], "2026-03-10");
}

#[test]
fn sessions_table_is_readable_and_empty_dir_is_fine() {
    let tmp = fixture();
    let out = ok(&run(
        tmp.path(),
        &["sessions", "--now", "2026-03-11T09:00:00+01:00"],
    ));
    assert!(
        out.contains("interrupted") && out.contains("stopped_early"),
        "{out}"
    );
    assert!(
        out.contains("2026-03-11_07-00-00") && out.contains("unreadable:"),
        "{out}"
    );
    assert!(
        out.contains("4>2") && out.contains("breath_hold:1"),
        "{out}"
    );
    assert!(out.contains("0 of 2 done"), "{out}");
    assert!(!out.contains("notes"), "{out}");
    let empty = tempfile::tempdir().unwrap();
    let out = ok(&run(empty.path(), &["sessions"]));
    assert!(out.starts_with("No sessions in"), "{out}");
    let v: Value = serde_json::from_str(&ok(&run(empty.path(), &["sessions", "--json"]))).unwrap();
    assert_eq!(v["sessions"], serde_json::json!([]));
}

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
            "planned_min"
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
            "5.0"
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
            "5.0"
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
