//! The multi-week program from the command line: `plan` shows and sets the
//! plan, `checkin` records symptoms, `remind` notifies when a planned
//! session is due and installs or removes its timer, and `sessions` follows
//! the plan from the first day of use.

mod common;
use common::sessions::{make, ok, run, Spec};
use serde_json::Value;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

fn err(o: &std::process::Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!e.contains("panicked"), "{e}");
    e
}

const NOW: &str = "--now=2026-03-16T12:00:00+01:00";

#[test]
fn plan_is_shown_set_in_part_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let p = json(&run(d, &["plan", "--json", NOW]));
    assert_eq!(p["times"], serde_json::json!(["08:00", "20:00"]));
    assert_eq!(
        (p["minutes"].as_f64(), p["stored"].as_bool()),
        (Some(5.0), Some(false))
    );
    assert!(!d.join("plan.json").exists(), "showing writes nothing");
    let p = json(&run(
        d,
        &[
            "plan",
            "--sessions-per-day",
            "3",
            "--minutes",
            "7",
            "--json",
            NOW,
        ],
    ));
    assert_eq!(p["times"], serde_json::json!(["08:00", "13:00", "21:00"]));
    assert_eq!(
        p["slots"],
        serde_json::json!(["morning", "midday", "evening"])
    );
    assert_eq!(p["posture"], "lying");
    // Only the times change; the length and posture stay.
    let p = json(&run(
        d,
        &[
            "plan",
            "--times",
            "7:30,12:15,22:00",
            "--posture",
            "sitting",
            "--json",
            NOW,
        ],
    ));
    assert_eq!(p["times"], serde_json::json!(["07:30", "12:15", "22:00"]));
    assert_eq!(
        (p["minutes"].as_f64(), p["posture"].as_str()),
        (Some(7.0), Some("sitting"))
    );
    assert_eq!(p["since"], "2026-03-16");
    let text = ok(&run(d, &["plan", NOW]));
    assert!(
        text.contains("3 sessions a day at 07:30, 12:15 and 22:00, 7 min each, sitting upright"),
        "{text}"
    );
    for (args, says) in [
        (vec!["--times", "08:00,08:30"], "less than 60 minutes apart"),
        (vec!["--times", "20:00,08:00"], "not in order"),
        (vec!["--times", "8h,20:00"], "'8h' is not a time"),
        (vec!["--minutes", "12"], "outside 3 to 10 minutes"),
        (
            vec!["--sessions-per-day", "2", "--times", "08:00,12:00,20:00"],
            "needs 2 times",
        ),
    ] {
        let mut a = vec!["plan"];
        a.extend(args);
        a.push(NOW);
        assert!(err(&run(d, &a)).contains(says), "{a:?}");
    }
    // The refused changes left the plan as it was.
    let p = json(&run(d, &["plan", "--json", NOW]));
    assert_eq!(p["times"], serde_json::json!(["07:30", "12:15", "22:00"]));
    assert_eq!(
        run(d, &["plan", "--sessions-per-day", "4"]).status.code(),
        Some(2)
    );
}

#[test]
fn checkins_are_appended_with_any_note_and_bad_values_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let c = json(&run(
        d,
        &[
            "checkin",
            "--pain",
            "4",
            "--tension",
            "6",
            "--dizzy",
            "yes",
            "--note",
            "stiff after 2 h, \"desk\"\nday",
            "--json",
            NOW,
        ],
    ));
    assert_eq!(
        (c["pain"].as_u64(), c["dizzy"].as_str()),
        (Some(4), Some("yes"))
    );
    assert_eq!(c["note"], "stiff after 2 h, \"desk\" day");
    assert_eq!(c["time_local"], "2026-03-16T12:00:00+01:00");
    ok(&run(d, &["checkin", "--pain", "3", "--tension", "2", NOW]));
    let mut r = csv::Reader::from_path(d.join("checkins.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["time_local", "pain", "tension", "dizzy", "note"]
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][4], "stiff after 2 h, \"desk\" day");
    assert_eq!((&rows[1][3], &rows[1][4]), ("", ""));
    for bad in [
        vec!["--pain", "11", "--tension", "1"],
        vec!["--pain", "1"],
        vec!["--pain", "1", "--tension", "1", "--dizzy", "maybe"],
    ] {
        let mut a = vec!["checkin"];
        a.extend(bad);
        assert_eq!(run(d, &a).status.code(), Some(2), "{a:?}");
    }
    let long = "x".repeat(2001);
    let e = err(&run(
        d,
        &["checkin", "--pain", "1", "--tension", "1", "--note", &long],
    ));
    assert!(e.contains("at most 2000"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.join("checkins.csv"))
            .unwrap()
            .lines()
            .count(),
        3
    );
}

#[test]
fn sessions_follow_a_three_a_day_plan_from_the_first_day_of_use() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(&run(
        d,
        &[
            "plan",
            "--sessions-per-day",
            "3",
            "--now=2026-03-11T07:00:00+01:00",
        ],
    ));
    // Wed 11th: morning late (10:20), midday missed, evening done; Thu 12th all three.
    for (id, at) in [
        ("2026-03-11_10-20-00", "2026-03-11T10:20:00+01:00"),
        ("2026-03-11_21-00-00", "2026-03-11T21:00:00+01:00"),
        ("2026-03-12_08-00-00", "2026-03-12T08:00:00+01:00"),
        ("2026-03-12_13-00-00", "2026-03-12T13:00:00+01:00"),
        ("2026-03-12_21-00-00", "2026-03-12T21:00:00+01:00"),
    ] {
        make(
            d,
            Spec {
                id,
                start_local: at,
                ..Default::default()
            },
        );
    }
    let s = json(&run(
        d,
        &[
            "sessions",
            "--json",
            "--weeks",
            "1",
            "--now=2026-03-13T11:00:00+01:00",
        ],
    ));
    let a = &s["adherence"];
    assert_eq!(a["first_use"], "2026-03-11");
    let days = a["days"].as_array().unwrap();
    assert_eq!(days.len(), 5); // Monday 9th to Friday 13th
    assert_eq!(days[0]["morning"], "before_start");
    assert_eq!(
        days[1]["slots"],
        serde_json::json!(["before_start", "before_start", "before_start"])
    );
    assert_eq!(
        days[2]["slots"],
        serde_json::json!(["done", "missed", "done"])
    );
    assert_eq!(
        days[3]["slots"],
        serde_json::json!(["done", "done", "done"])
    );
    assert_eq!(
        a["today"]["slots"],
        serde_json::json!(["missed", "open", "open"])
    );
    assert_eq!(
        (a["today"]["midday"].as_str(), a["today"]["text"].as_str()),
        (Some("open"), Some("0 of 3 done"))
    );
    assert_eq!(a["streak"], 1);
    assert_eq!(
        s["plan"]["times"],
        serde_json::json!(["08:00", "13:00", "21:00"])
    );
    let table = ok(&run(d, &["sessions", "--now=2026-03-13T11:00:00+01:00"]));
    assert!(table.contains("  midday"), "{table}");
    assert!(
        table.contains("Today 2026-03-13: 0 of 3 done (morning missed, midday open, evening open)"),
        "{table}"
    );
}

#[test]
fn remind_notifies_only_an_open_slot_and_installs_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    let cfg = tmp.path().join("cfg");
    std::fs::create_dir_all(&cfg).unwrap();
    // A fake systemctl that logs its arguments.
    let log = tmp.path().join("systemctl.log");
    let fake = tmp.path().join("systemctl");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let remind = |args: &[&str]| {
        let mut c = std::process::Command::new(common::BIN);
        c.arg("--data-dir").arg(&d).arg("remind").args(args);
        c.env("XDG_CONFIG_HOME", &cfg)
            .env(breathband_systemctl(), &fake);
        c.output().unwrap()
    };
    let out = ok(&remind(&["--dry-run", "--now=2026-03-16T08:05:00+01:00"]));
    assert!(
        out.starts_with("Time for your breathing practice: Your 08:00 session: 5 min"),
        "{out}"
    );
    make(
        &d,
        Spec {
            id: "2026-03-16_08-01-00",
            start_local: "2026-03-16T08:01:00+01:00",
            ..Default::default()
        },
    );
    let out = ok(&remind(&["--dry-run", "--now=2026-03-16T08:05:00+01:00"]));
    assert_eq!(out.trim(), "no reminder due now");
    let units = cfg.join("systemd/user");
    assert!(!units.exists(), "nothing installed unless asked");
    let out = ok(&remind(&["--install"]));
    assert!(out.contains("Reminders on at 08:00, 20:00"), "{out}");
    let timer = std::fs::read_to_string(units.join("breathband-remind.timer")).unwrap();
    assert!(
        timer.contains("OnCalendar=*-*-* 08:00:00\nOnCalendar=*-*-* 20:00:00\n"),
        "{timer}"
    );
    let service = std::fs::read_to_string(units.join("breathband-remind.service")).unwrap();
    assert!(
        service.contains(&format!("--data-dir \"{}\" remind", d.display())),
        "{service}"
    );
    // A new plan moves the timer.
    let p = std::process::Command::new(common::BIN)
        .arg("--data-dir")
        .arg(&d)
        .args(["plan", "--times", "07:00,21:30"])
        .env("XDG_CONFIG_HOME", &cfg)
        .env(breathband_systemctl(), &fake)
        .output()
        .unwrap();
    ok(&p);
    let timer = std::fs::read_to_string(units.join("breathband-remind.timer")).unwrap();
    assert!(
        timer.contains("OnCalendar=*-*-* 07:00:00\nOnCalendar=*-*-* 21:30:00\n"),
        "{timer}"
    );
    let out = ok(&remind(&["--uninstall"]));
    assert!(out.starts_with("Reminders off"), "{out}");
    assert!(!units.join("breathband-remind.timer").exists());
    assert!(!units.join("breathband-remind.service").exists());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        [
            "--user daemon-reload",
            "--user enable --now breathband-remind.timer",
            "--user daemon-reload",
            "--user restart breathband-remind.timer",
            "--user disable --now breathband-remind.timer",
            "--user daemon-reload",
        ]
    );
    // Without a working systemctl: the files are written, and the error says so.
    let mut c = std::process::Command::new(common::BIN);
    c.arg("--data-dir").arg(&d).args(["remind", "--install"]);
    c.env("XDG_CONFIG_HOME", &cfg)
        .env(breathband_systemctl(), "/bin/false");
    let e = err(&c.output().unwrap());
    assert!(
        e.contains("could not start it") && e.contains("--uninstall"),
        "{e}"
    );
}

fn breathband_systemctl() -> &'static str {
    "BREATHBAND_SYSTEMCTL"
}
