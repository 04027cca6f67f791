//! The plain data a report shows; the caller gathers it.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Everything the report shows; plain data, gathered by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// When the report was made, local time.
    pub generated_local: NaiveDateTime,
    /// First day of the period shown.
    pub first_day: NaiveDate,
    /// Last day of the period shown.
    pub last_day: NaiveDate,
    /// The practice plan, already worded, e.g. "2 sessions a day at 08:00 and 21:00".
    pub plan_lines: Vec<String>,
    /// One line on adherence, e.g. "Done 18 of 28 planned sessions (64 %); streak 3 days".
    pub adherence_line: String,
    /// One entry per day of the period, in order.
    pub days: Vec<ReportDay>,
    /// The name of each calendar row ("Morning", "Midday", "Evening"):
    /// `days[i].slots[r]` is the slot of row `r`. Rows without a name are
    /// labelled "slot N".
    #[serde(default)]
    pub slot_names: Vec<String>,
    /// The sessions of the period.
    pub sessions: Vec<ReportSession>,
    /// The daily check-ins of the period.
    pub checkins: Vec<ReportCheckin>,
    /// Safety events and early stops, already worded.
    pub safety: Vec<String>,
    /// Advice lines for the therapist; may be empty.
    pub advice: Vec<String>,
    /// Shown at the bottom of the last page.
    pub disclaimer: String,
}

/// One day of the adherence calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDay {
    /// The day.
    pub date: NaiveDate,
    /// One mark per calendar row (see [`ReportInput::slot_names`]).
    pub slots: Vec<SlotMark>,
}

/// What became of one planned practice slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SlotMark {
    /// Practised in full.
    Done,
    /// Started but not finished.
    Partial,
    /// Not practised.
    Missed,
    /// Still to come.
    Open,
    /// Before first use of the app.
    NotPlanned,
}

/// One practice session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSession {
    /// Start, local time.
    pub start_local: NaiveDateTime,
    /// Length in minutes.
    pub minutes: f64,
    /// Share of breathing done with the belly, 0..1.
    pub belly_share: Option<f64>,
    /// Mean breathing rate in breaths per minute.
    pub rate_bpm: Option<f64>,
    /// Status, already worded (e.g. "done", "partial").
    pub status: String,
    /// Why the session stopped early, if it did.
    pub stopped_early: Option<String>,
}

/// One daily check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCheckin {
    /// The day.
    pub date: NaiveDate,
    /// Neck pain, 0-10.
    pub pain: Option<u8>,
    /// Neck and shoulder tension, 0-10.
    pub tension: Option<u8>,
    /// Whether the person felt dizzy.
    pub dizzy: Option<bool>,
    /// Free note, any Unicode.
    pub note: Option<String>,
}
