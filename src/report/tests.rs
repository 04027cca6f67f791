//! Tests: the bytes are a PDF a reader can parse, with the right pages and text.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    day(d).and_hms_opt(h, m, 0).unwrap()
}

const UNICODE_NOTE: &str = "Nacken verspannt, Schulter müde — Café mit Jörg, Straße glatt";
const PLAN: &str = "2 sessions a day at 08:00 and 21:00";
const ADVICE: &str =
    "Pain has not improved after 3 weeks of regular practice: please review the plan";
const DISCLAIMER: &str =
    "breathband is a training aid, not a medical device. It does not diagnose or treat.";

fn empty() -> ReportInput {
    ReportInput {
        generated_local: at(31, 10, 15),
        first_day: day(3),
        last_day: day(30),
        plan_lines: vec![PLAN.into(), "5 minutes, lying on the back".into()],
        adherence_line: "Done 0 of 0 planned sessions".into(),
        days: Vec::new(),
        slot_names: vec!["Morning".into(), "Evening".into()],
        sessions: Vec::new(),
        checkins: Vec::new(),
        safety: Vec::new(),
        advice: Vec::new(),
        disclaimer: DISCLAIMER.into(),
    }
}

/// Four weeks, two sessions a day, a check-in with a note every day.
fn typical() -> ReportInput {
    let mut input = empty();
    input.adherence_line = "Done 41 of 56 planned sessions (73 %); streak 3 days".into();
    for d in 3..=30 {
        let slots = (0..2)
            .map(|s| match (d + s) % 7 {
                _ if d < 4 => SlotMark::NotPlanned,
                _ if d == 30 && s == 1 => SlotMark::Open,
                0 => SlotMark::Missed,
                3 => SlotMark::Partial,
                _ => SlotMark::Done,
            })
            .collect::<Vec<_>>();
        for (s, mark) in slots.iter().enumerate() {
            if matches!(mark, SlotMark::Done | SlotMark::Partial) {
                let (h, m) = if s == 0 { (8, 5) } else { (21, 10) };
                let partial = *mark == SlotMark::Partial;
                input.sessions.push(ReportSession {
                    start_local: at(d, h, m),
                    minutes: if partial { 2.5 } else { 5.0 },
                    belly_share: Some(0.35 + f64::from(d) * 0.012 + f64::from(s as u32) * 0.03),
                    rate_bpm: Some(14.0 - f64::from(d) * 0.15),
                    status: if partial {
                        "partial".into()
                    } else {
                        "done".into()
                    },
                    stopped_early: partial.then(|| "dizziness".to_string()),
                });
            }
        }
        input.days.push(ReportDay {
            date: day(d),
            slots,
        });
        input.checkins.push(ReportCheckin {
            date: day(d),
            pain: Some((7 - (d / 6) as u8).min(10)),
            tension: Some((6 - (d / 8) as u8).min(10)),
            dizzy: Some(d % 9 == 0),
            note: Some(if d == 10 {
                UNICODE_NOTE.to_string()
            } else {
                format!(
                    "Day {d}: neck a little stiff in the morning, easier after the evening session"
                )
            }),
        });
    }
    input.safety = vec![
        "2025-03-09 21:10: stopped early after dizziness was reported".into(),
        "2025-03-18 08:05: breathing faster than 25 breaths/min for 30 s; paced down".into(),
    ];
    input.advice = vec![ADVICE.into()];
    input
}

/// Parses the bytes with lopdf; returns the page count and all text with
/// whitespace runs made single spaces.
fn read(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).expect("bytes parse as PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text extracts");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (pages.len(), text)
}

#[test]
fn typical_report_is_one_or_two_pages_with_all_text() {
    let bytes = render_pdf(&typical()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let (pages, text) = read(&bytes);
    assert!((1..=2).contains(&pages), "{pages} pages");
    for needle in [
        "breathband report",
        PLAN,
        "Done 41 of 56 planned sessions (73 %); streak 3 days",
        UNICODE_NOTE,
        "Day 17: neck a little stiff in the morning, easier after the evening session",
        ADVICE,
        DISCLAIMER,
        "stopped early after dizziness was reported",
        "stopped early (see safety events)",
        "belly share (%)",
        "rate (breaths/min)",
        "rating (0-10)",
        "done (filled)",
        "not planned, before first use (dash)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
}

#[test]
fn empty_report_renders_and_says_so() {
    let bytes = render_pdf(&empty()).unwrap();
    let (pages, text) = read(&bytes);
    assert_eq!(pages, 1);
    for needle in [
        "no sessions yet",
        "no check-ins yet",
        "none recorded",
        "no days in this period",
        DISCLAIMER,
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(!text.contains("Advice"));
}

#[test]
fn long_note_wraps_onto_further_lines_and_pages_keeping_every_word() {
    let mut input = typical();
    let words: Vec<String> = (0..1500).map(|i| format!("w{i}ö")).collect();
    input.checkins[5].note = Some(words.join(" "));
    let bytes = render_pdf(&input).unwrap();
    let (pages, text) = read(&bytes);
    assert!(pages >= 3, "{pages} pages");
    let found: std::collections::HashSet<&str> = text.split(' ').collect();
    for w in &words {
        assert!(found.contains(w.as_str()), "missing word {w}");
    }
    assert!(text.contains(DISCLAIMER));
}

#[test]
fn a_word_wider_than_the_page_is_broken_not_cut() {
    let mut input = empty();
    let word = "x".repeat(400);
    input.checkins.push(ReportCheckin {
        date: day(5),
        pain: None,
        tension: None,
        dizzy: None,
        note: Some(word.clone()),
    });
    let (_, text) = read(&render_pdf(&input).unwrap());
    let xs = text.chars().filter(|&c| c == 'x').count();
    assert!(xs >= 400, "{xs} x of 400");
}

#[test]
fn odd_values_do_not_panic() {
    let mut input = typical();
    input.last_day = day(1); // before first_day
    input.sessions.push(ReportSession {
        start_local: at(12, 3, 0),
        minutes: f64::NAN,
        belly_share: Some(f64::INFINITY),
        rate_bpm: Some(-5.0),
        status: String::new(),
        stopped_early: Some("\u{0}\t\u{1F600} emoji".into()),
    });
    input.checkins[0].pain = Some(200);
    input.checkins[1].note = Some("tab\there\r\nnew line 🙂 中文".into());
    input.days[0].slots = vec![SlotMark::Done; 20];
    input.plan_lines.clear();
    input.disclaimer = String::new();
    let bytes = render_pdf(&input).unwrap();
    let (pages, _) = read(&bytes);
    assert!(pages >= 1);
}

/// Writes the typical report for a look: `pdftoppm -png -r 80 <tmp>/report-sample.pdf`.
#[test]
fn writes_sample_for_viewing() {
    let bytes = render_pdf(&typical()).unwrap();
    let path = std::env::temp_dir().join("report-sample.pdf");
    std::fs::write(&path, bytes).unwrap();
    let bytes = render_pdf(&empty()).unwrap();
    std::fs::write(std::env::temp_dir().join("report-empty.pdf"), bytes).unwrap();
    let mut long = typical();
    long.checkins[5].note = Some(["Long note with é ü ß —"; 120].join(" "));
    long.checkins[6].note = Some("y".repeat(300));
    let bytes = render_pdf(&long).unwrap();
    std::fs::write(std::env::temp_dir().join("report-long.pdf"), bytes).unwrap();
}
