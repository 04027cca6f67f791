//! The shared session fixture: a data dir of hand-made session folders of
//! every kind (complete, plain `record`, stopped early, interrupted, broken
//! and missing `session.json`, across days and time zones), and helpers to
//! run the binary on it.

use super::BIN;
use breathband::analysis::{Breath, Class, EventKind, SafetyEvent, WindowResult};
use breathband::device::virtual_source::{virtual_info, VirtualConfig};
use breathband::practice::journal::Journal;
use breathband::practice::record::Practice;
use breathband::practice::summary::summarize;
use breathband::session::meta::{SessionMeta, SessionStatus};
use breathband::session::results_csv::{breath_row, breaths_header, window_row, windows_header};
use chrono::{DateTime, Duration};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn window(t_s: f64, share: f64, rate: f64) -> WindowResult {
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
        bands_off: [false; 2],
    }
}

pub fn breath(t: f64, class: Class) -> Breath {
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
pub struct Spec<'a> {
    pub id: &'a str,
    pub start_local: &'a str,
    pub status: SessionStatus,
    pub duration_s: f64,
    pub practice: Option<Practice>,
    /// Windows every 10 s over the duration with this share and rate.
    pub share_rate: Option<(f64, f64)>,
    pub breaths: Vec<Breath>,
    pub events: Vec<SafetyEvent>,
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

pub fn make(data: &Path, s: Spec) -> PathBuf {
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

pub fn journal(pain: u8, tension: u8, dizzy: bool) -> Option<Journal> {
    Some(Journal::new(Some(pain), Some(tension), Some(dizzy), Some("ok")).unwrap())
}

/// A data dir with one session of each kind. Sessions at UTC+2 on the
/// 8th, at UTC+1 on the 9th to 11th.
pub fn fixture() -> tempfile::TempDir {
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

pub fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("BREATHBAND_DATA_DIR")
        .output()
        .unwrap()
}

pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}
