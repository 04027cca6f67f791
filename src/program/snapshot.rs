//! The program as of now: the plan book, the check-ins and the calendar,
//! read from the data dir and the listed sessions. Never fails on a bad
//! program file: it says so in `warnings` and goes on with what it has.

use super::adherence::{attempt, calendar, Calendar};
use super::checkin::CheckIn;
use super::plan::PlanBook;
use super::store;
use crate::session::history::SessionEntry;
use chrono::{DateTime, FixedOffset};
use std::path::Path;

/// What the program screens and commands show.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub book: PlanBook,
    /// Oldest first.
    pub checkins: Vec<CheckIn>,
    pub calendar: Calendar,
    /// Problems with `plan.json` or `checkins.csv`, one line each.
    pub warnings: Vec<String>,
    /// True when `plan.json` exists (else the book is the default plan).
    pub plan_stored: bool,
}

/// Reads the program of `data_dir` against `entries` at local time `now`,
/// with a calendar of `weeks` weeks.
pub fn snapshot(
    data_dir: &Path,
    entries: &[SessionEntry],
    now: DateTime<FixedOffset>,
    weeks: u32,
) -> Snapshot {
    let mut warnings = Vec::new();
    let stored = store::load_plan(data_dir).unwrap_or_else(|e| {
        warnings.push(format!("{e}; the default plan is shown"));
        None
    });
    let plan_stored = stored.is_some();
    let (checkins, bad) = store::read_checkins(data_dir).unwrap_or_else(|e| {
        warnings.push(format!("{e}; no check-ins shown"));
        (Vec::new(), Vec::new())
    });
    warnings.extend(bad);
    let attempts: Vec<_> = entries.iter().filter_map(attempt).collect();
    let used = attempts
        .iter()
        .map(|a| a.date())
        .chain(checkins.iter().map(CheckIn::date));
    let book = store::plan_or_default(stored, used, now.date_naive());
    let calendar = calendar(&attempts, &book, now, weeks);
    Snapshot {
        book,
        checkins,
        calendar,
        warnings,
        plan_stored,
    }
}
