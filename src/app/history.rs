//! The history the app shows: sessions, the adherence calendar, trends.
//! Read by a background job (it scans session folders), so the UI never
//! waits on the disk.

use crate::program::adherence::Calendar;
use crate::program::snapshot::{snapshot, Snapshot};
use crate::program::trends::{self, Advice, DayTrend};
use crate::session::history::{list_sessions, HistoryError, SessionEntry};
use std::path::Path;

/// Weeks shown in the calendar.
pub const WEEKS: u32 = 4;
/// Weeks the trends and the advice look at.
pub const TREND_WEEKS: u32 = 12;

/// A snapshot of the history.
#[derive(Debug, Clone)]
pub struct History {
    /// Oldest first.
    pub entries: Vec<SessionEntry>,
    pub calendar: Calendar,
    /// The plan, the check-ins and their warnings.
    pub program: Snapshot,
    /// Symptoms and practice per day since the first day of use.
    pub days: Vec<DayTrend>,
    pub advice: Vec<Advice>,
}

impl History {
    /// Builds the snapshot from listed sessions and the program files of
    /// `data_dir` at local time `now`.
    pub fn new(
        data_dir: &Path,
        mut entries: Vec<SessionEntry>,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Self {
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let program = snapshot(data_dir, &entries, now, WEEKS);
        // Trends look further back than the calendar shows.
        let long = snapshot(data_dir, &entries, now, TREND_WEEKS);
        let days = trends::days(&long.calendar, &long.checkins, &entries);
        Self {
            advice: trends::advise(&days),
            days,
            calendar: program.calendar.clone(),
            program,
            entries,
        }
    }
}

impl History {
    /// True once the local date is past the one this snapshot was made
    /// for (its "today" and streak are then stale: reload).
    pub fn is_stale(&self, now: chrono::DateTime<chrono::FixedOffset>) -> bool {
        now.date_naive() != self.calendar.today.date
    }
}

/// Reads the history of `data_dir` (on a helper thread: it scans folders).
pub fn load(data_dir: &Path) -> Result<History, HistoryError> {
    let now = chrono::Utc::now();
    list_sessions(data_dir, now)
        .map(|e| History::new(data_dir, e, chrono::Local::now().fixed_offset()))
}
