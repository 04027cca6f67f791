//! Gathers what the therapist's report shows from the program snapshot and
//! the sessions: the plan, adherence by day, each session's belly share and
//! rate, the check-ins, safety events and early stops, the advice. Pure.

use super::adherence::{Day, SlotState};
use super::snapshot::Snapshot;
use super::trends::{advise, days as trend_days};
use crate::practice::record::Slot;
use crate::report::{ReportCheckin, ReportDay, ReportInput, ReportSession, SlotMark};
use crate::session::history::SessionEntry;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};

/// The disclaimer printed at the foot of the report.
pub const DISCLAIMER: &str = "breathband is a training aid, not a medical device. It does not \
    diagnose or treat anything. Practice should stay pain-free: stop at once if it hurts or you \
    feel dizzy. The figures come from two stretch bands and are a guide, not a measurement for \
    diagnosis.";

fn mark(s: SlotState) -> SlotMark {
    match s {
        SlotState::Done => SlotMark::Done,
        SlotState::Partial => SlotMark::Partial,
        SlotState::Missed => SlotMark::Missed,
        SlotState::Open => SlotMark::Open,
        SlotState::BeforeStart => SlotMark::NotPlanned,
    }
}

/// The report over the snapshot's calendar (its first shown day, or the
/// first day of use if later, to today), made at `generated`.
pub fn gather(p: &Snapshot, entries: &[SessionEntry], generated: NaiveDateTime) -> ReportInput {
    let cal = &p.calendar;
    let first_day: NaiveDate = cal
        .days
        .first()
        .map_or(cal.today.date, |d| d.date)
        .max(cal.first_use.min(cal.today.date));
    let last_day = cal.today.date;
    let in_period = |d: NaiveDate| d >= first_day && d <= last_day;
    let shown: Vec<&Day> = cal.days.iter().filter(|d| in_period(d.date)).collect();
    // One calendar row per kind of slot any day of the period plans, so a
    // plan changed from two to three sessions keeps morning on one row.
    let rows: Vec<Slot> = [Slot::Morning, Slot::Midday, Slot::Evening]
        .into_iter()
        .filter(|r| shown.iter().any(|d| d.slots.iter().any(|s| s.0 == *r)))
        .collect();
    let days: Vec<ReportDay> = shown
        .iter()
        .map(|d| ReportDay {
            date: d.date,
            slots: rows
                .iter()
                .map(|r| {
                    d.slots
                        .iter()
                        .find(|s| s.0 == *r)
                        .map_or(SlotMark::NotPlanned, |s| mark(s.1))
                })
                .collect(),
        })
        .collect();
    let slot_names = rows
        .iter()
        .map(|r| {
            let n = r.name();
            n[..1].to_uppercase() + &n[1..]
        })
        .collect();
    let (done, planned) = cal.totals();
    let adherence_line = format!(
        "Done {done} of {planned} planned sessions{}; streak {} day{}",
        if planned > 0 {
            format!(" ({:.0} %)", 100.0 * done as f64 / planned as f64)
        } else {
            String::new()
        },
        cal.streak,
        if cal.streak == 1 { "" } else { "s" }
    );
    let mut safety = Vec::new();
    let mut sessions = Vec::new();
    for e in entries {
        let Some(start) = e.start_local() else {
            continue;
        };
        if !in_period(start.date_naive()) {
            continue;
        }
        let when = start.format("%a %d %b %H:%M");
        if let Some(why) = e.stopped_early() {
            safety.push(format!("{when}: stopped early ({why})"));
        }
        let events: Vec<String> = e
            .events()
            .iter()
            .map(|(k, n)| format!("{k} x{n}"))
            .collect();
        if !events.is_empty() {
            safety.push(format!("{when}: {}", events.join(", ")));
        }
        if e.dizzy() == Some(true) {
            safety.push(format!("{when}: reported dizziness"));
        }
        sessions.push(ReportSession {
            start_local: start.naive_local(),
            minutes: e.minutes().unwrap_or(0.0),
            belly_share: e.belly_share(),
            rate_bpm: e.summary.as_ref().and_then(|s| s.rate_bpm),
            status: e.status.name().to_string(),
            stopped_early: e.stopped_early().map(str::to_string),
        });
    }
    let checkins = p
        .checkins
        .iter()
        .filter(|c| in_period(c.date()))
        .map(|c| ReportCheckin {
            date: c.date(),
            pain: Some(c.pain),
            tension: Some(c.tension),
            dizzy: c.dizzy,
            note: (!c.note.is_empty()).then(|| c.note.clone()),
        })
        .collect();
    let plan = p.book.current();
    let mut plan_lines = vec![format!("Plan: {}.", plan.describe())];
    if let Some(v) = p.book.versions.last() {
        plan_lines.push(format!(
            "In force since {}; first day of use {}.",
            v.from, p.book.first_use
        ));
    }
    let advice = advise(&trend_days(cal, &p.checkins, entries))
        .iter()
        .map(|a| a.text().to_string())
        .collect();
    ReportInput {
        generated_local: generated,
        first_day,
        last_day,
        plan_lines,
        adherence_line,
        days,
        slot_names,
        sessions,
        checkins,
        safety,
        advice,
        disclaimer: DISCLAIMER.into(),
    }
}

/// Why the report was not written.
#[derive(Debug, thiserror::Error)]
pub enum ReportFileError {
    #[error(transparent)]
    History(#[from] crate::session::history::HistoryError),
    #[error(transparent)]
    Render(#[from] crate::report::ReportError),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes the report of the last `days` days of `data_dir` to `out`
/// (temp file, fsync, rename: complete or not at all); its size in bytes.
pub fn write_report(
    data_dir: &Path,
    out: &Path,
    days: u32,
    now: DateTime<FixedOffset>,
) -> Result<usize, ReportFileError> {
    let entries = crate::session::history::list_sessions(data_dir, now.to_utc())?;
    let weeks = days.div_ceil(7) + 1;
    let mut p = super::snapshot::snapshot(data_dir, &entries, now, weeks);
    for w in &p.warnings {
        tracing::warn!("{w}");
    }
    let first = now.date_naive() - chrono::Duration::days(i64::from(days.max(1)) - 1);
    p.calendar.days.retain(|d| d.date >= first);
    let input = gather(&p, &entries, now.naive_local());
    let bytes = crate::report::render_pdf(&input)?;
    let io = |source| ReportFileError::Io {
        path: out.to_path_buf(),
        source,
    };
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(io)?;
    tmp.as_file().sync_data().map_err(io)?;
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::adherence::calendar;
    use crate::program::plan::{Plan, PlanBook};

    #[test]
    fn calendar_rows_are_named_slots_and_keep_their_row_across_a_plan_change() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut book = PlanBook::new(d("2026-03-02"));
        book.set(Plan::with_sessions(3), d("2026-03-05"));
        let now = DateTime::parse_from_rfc3339("2026-03-06T23:00:00+01:00").unwrap();
        let p = Snapshot {
            calendar: calendar(&[], &book, now, 1),
            book,
            checkins: Vec::new(),
            warnings: Vec::new(),
            plan_stored: true,
        };
        let r = gather(&p, &[], now.naive_local());
        assert_eq!(r.slot_names, ["Morning", "Midday", "Evening"]);
        let row = |date: &str| &r.days.iter().find(|x| x.date == d(date)).unwrap().slots;
        // Two a day before the change: no midday slot, evening on its row.
        assert_eq!(
            row("2026-03-04"),
            &[SlotMark::Missed, SlotMark::NotPlanned, SlotMark::Missed]
        );
        assert_eq!(row("2026-03-05"), &[SlotMark::Missed; 3]);
    }
}
