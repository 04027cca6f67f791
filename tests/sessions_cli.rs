//! `breathband sessions` through the real binary, on the shared session
//! fixture: the JSON list of every kind of session, the table, and the
//! streak and dates across midnight and time zones.

mod common;
use common::sessions::*;
use serde_json::Value;
use std::path::Path;

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
    // The 7th is before the first session: nothing was planned yet.
    assert_eq!(day("2026-03-07")["evening"], "before_start");
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
fn folders_whose_names_are_not_utf8_are_listed_with_a_lossy_name() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = fixture();
    // The data dir and one session folder with bytes that are not UTF-8.
    let data = tmp.path().join(std::ffi::OsStr::from_bytes(b"data\xff"));
    std::fs::create_dir(&data).unwrap();
    std::fs::rename(tmp.path().join("sessions"), data.join("sessions")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"2026-03-10_07-00-00\xfe");
    std::fs::rename(
        data.join("sessions/2026-03-10_07-00-00"),
        data.join("sessions").join(odd),
    )
    .unwrap();
    let o = run(
        &data,
        &["sessions", "--json", "--now", "2026-03-11T09:00:00+01:00"],
    );
    let v: Value = serde_json::from_str(&ok(&o)).unwrap();
    assert_eq!(
        v["data_dir"].as_str().unwrap(),
        format!("{}/data\u{fffd}", tmp.path().display())
    );
    let s = by_id(&v, "2026-03-10_07-00-00\u{fffd}");
    assert!(s["path"]
        .as_str()
        .unwrap()
        .ends_with("/data\u{fffd}/sessions/2026-03-10_07-00-00\u{fffd}"));
    assert!(
        s["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8"),
        "{s}"
    );
    assert_eq!(
        v["sessions"].as_array().unwrap().len(),
        9,
        "every session still listed"
    );
    // The table lists it too.
    let table = ok(&run(
        &data,
        &["sessions", "--now", "2026-03-11T09:00:00+01:00"],
    ));
    assert!(table.contains("2026-03-10"), "{table}");
}
