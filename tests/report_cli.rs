//! `breathband report` end to end: a data dir with four weeks of sessions
//! and check-ins (notes in several scripts) becomes a PDF that a PDF
//! reader opens, with one or two pages whose text holds the plan, the
//! notes, the early stop and the disclaimer.

mod common;
use breathband::practice::record::Practice;
use breathband::program::checkin::CheckIn;
use breathband::program::store;
use common::sessions::{make, ok, run, Spec};

fn text_of(pdf: &std::path::Path) -> (usize, String) {
    let doc = lopdf::Document::load(pdf).expect("the PDF opens");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("its text reads");
    (
        pages.len(),
        text.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

#[test]
fn the_report_opens_has_pages_and_holds_the_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let now = "2026-03-29T21:30:00+01:00";
    ok(&run(
        d,
        &[
            "plan",
            "--times",
            "08:00,20:00",
            "--minutes",
            "5",
            "--now=2026-03-02T07:00:00+01:00",
        ],
    ));
    for day in 2..=29 {
        for hour in [8, 20] {
            let at = format!("2026-03-{day:02}T{hour:02}:00:00+01:00");
            let id = format!("2026-03-{day:02}_{hour:02}-00-00");
            let practice = (day == 10 && hour == 20).then(|| Practice {
                stopped_early: Some("dizzy".into()),
                ..Default::default()
            });
            make(
                d,
                Spec {
                    id: &id,
                    start_local: &at,
                    share_rate: Some((0.7, 7.0)),
                    practice,
                    ..Default::default()
                },
            );
        }
        let t = chrono::DateTime::parse_from_rfc3339(&format!("2026-03-{day:02}T21:00:00+01:00"))
            .unwrap();
        let note = match day {
            5 => "Nacken steif nach dem Büro, Schultern hochgezogen",
            12 => "Épaules détendues après la séance du soir",
            _ => "",
        };
        store::append_checkin(d, &CheckIn::new(t, 5, 4, Some(false), note).unwrap()).unwrap();
    }
    let out = d.join("report.pdf");
    let o = run(d, &["report", "--out", out.to_str().unwrap(), "--now", now]);
    let said = ok(&o);
    assert!(
        said.starts_with("Report of the last 28 days written to"),
        "{said}"
    );
    let (pages, text) = text_of(&out);
    assert!((1..=2).contains(&pages), "{pages} pages");
    for needle in [
        "breathband report",
        "2 sessions a day at 08:00 and 20:00, 5 min each, lying on the back",
        "Nacken steif nach dem Büro, Schultern hochgezogen",
        "Épaules détendues après la séance du soir",
        "stopped early (dizzy)",
        "not a medical device",
        // The calendar's rows are the plan's slots.
        "Morning",
        "Evening",
        // Four flat weeks of regular practice: the advice is in the report.
        "time to see a physiotherapist",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in: {text}");
    }
    // A path inside a session folder is refused; nothing is written there.
    let inside = d.join("sessions/2026-03-05_08-00-00/r.pdf");
    let o = run(d, &["report", "--out", inside.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!inside.exists());
}
