//! The history the app shows: sessions, the adherence calendar, trends.
//! Read by a background job (it scans session folders), so the UI never
//! waits on the disk.

use crate::session::adherence::{attempt, calendar, Calendar};
use crate::session::history::{list_sessions, HistoryError, SessionEntry};
use std::path::Path;

/// Weeks shown in the calendar.
pub const WEEKS: u32 = 4;

/// A snapshot of the history.
#[derive(Debug, Clone)]
pub struct History {
    /// Oldest first.
    pub entries: Vec<SessionEntry>,
    pub calendar: Calendar,
}

impl History {
    /// Builds the snapshot from listed sessions at local time `now`.
    pub fn new(mut entries: Vec<SessionEntry>, now: chrono::DateTime<chrono::FixedOffset>) -> Self {
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let attempts: Vec<_> = entries.iter().filter_map(attempt).collect();
        Self {
            calendar: calendar(&attempts, now, WEEKS),
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
    list_sessions(data_dir, now).map(|e| History::new(e, chrono::Local::now().fixed_offset()))
}
