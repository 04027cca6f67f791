//! The person's plan: how many sessions a day and when, how long, in which
//! posture; and which planned slot a session belongs to. Pure.

use crate::practice::record::Slot;
use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// Shortest and longest planned session, minutes.
pub const MINUTES_RANGE: (f64, f64) = (3.0, 10.0);
/// Planned times closer than this are refused (they would be one session).
pub const MIN_GAP_MIN: u32 = 60;

pub use crate::practice::record::Posture;

/// Two or three sessions a day at the person's times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Local times, ascending, one per session (2 or 3).
    #[serde(with = "hhmm_list")]
    pub times: Vec<NaiveTime>,
    /// Planned length of each session, minutes (3 to 10).
    pub minutes: f64,
    pub posture: Posture,
}

/// Why a plan is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("a plan has 2 or 3 sessions a day, not {0}")]
    Count(usize),
    #[error("session length {0} min is outside 3 to 10 minutes")]
    Minutes(f64),
    #[error(
        "planned times {0} and {1} are less than {MIN_GAP_MIN} minutes apart, or not in order"
    )]
    Times(String, String),
    #[error("'{0}' is not a time like 08:00")]
    BadTime(String),
}

impl Default for Plan {
    fn default() -> Self {
        Plan::with_sessions(2)
    }
}

impl Plan {
    /// The usual times for 2 (08:00, 20:00) or 3 (08:00, 13:00, 21:00)
    /// sessions of 5 minutes, lying.
    pub fn with_sessions(n: usize) -> Self {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        let times = if n == 3 {
            vec![t(8), t(13), t(21)]
        } else {
            vec![t(8), t(20)]
        };
        Plan {
            times,
            minutes: 5.0,
            posture: Posture::Lying,
        }
    }

    /// Checks the count, the length and the spacing of the times.
    pub fn validate(&self) -> Result<(), PlanError> {
        if !(2..=3).contains(&self.times.len()) {
            return Err(PlanError::Count(self.times.len()));
        }
        if !(MINUTES_RANGE.0..=MINUTES_RANGE.1).contains(&self.minutes) {
            return Err(PlanError::Minutes(self.minutes));
        }
        for w in self.times.windows(2) {
            if minute_of(w[1]) < minute_of(w[0]) + MIN_GAP_MIN {
                return Err(PlanError::Times(hhmm(w[0]), hhmm(w[1])));
            }
        }
        Ok(())
    }

    /// The slots' names in order: morning, (midday,) evening.
    pub fn slots(&self) -> Vec<Slot> {
        match self.times.len() {
            3 => vec![Slot::Morning, Slot::Midday, Slot::Evening],
            _ => vec![Slot::Morning, Slot::Evening],
        }
    }

    /// The index of the planned slot nearest to `t` (a tie goes to the
    /// earlier one): a session done late still fills its slot.
    pub fn nearest(&self, t: NaiveTime) -> usize {
        let m = minute_of(t) as i64;
        (0..self.times.len())
            .min_by_key(|&i| (m - minute_of(self.times[i]) as i64).abs())
            .unwrap_or(0)
    }

    /// Minute of the day from which slot `i` no longer takes sessions: the
    /// midpoint to the next planned time, the end of the day for the last.
    pub fn slot_end_minute(&self, i: usize) -> u32 {
        match (self.times.get(i), self.times.get(i + 1)) {
            (Some(a), Some(b)) => (minute_of(*a) + minute_of(*b)).div_ceil(2),
            _ => 24 * 60,
        }
    }

    /// "2 sessions a day at 08:00 and 20:00, 5 min each, lying on the back".
    pub fn describe(&self) -> String {
        let times: Vec<String> = self.times.iter().map(|t| hhmm(*t)).collect();
        let at = match times.as_slice() {
            [a, b] => format!("{a} and {b}"),
            [a, b, c] => format!("{a}, {b} and {c}"),
            other => other.join(", "),
        };
        format!(
            "{} sessions a day at {at}, {} min each, {}",
            self.times.len(),
            fmt_minutes(self.minutes),
            self.posture.words()
        )
    }
}

/// A plan and the day it took effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub from: NaiveDate,
    #[serde(flatten)]
    pub plan: Plan,
}

/// Every plan the person has had, and the first day of use: past days are
/// judged by the plan of their day, days before the first use by none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanBook {
    pub first_use: NaiveDate,
    /// Oldest first; never empty once loaded.
    pub versions: Vec<PlanVersion>,
}

impl PlanBook {
    /// The default plan from `first_use`.
    pub fn new(first_use: NaiveDate) -> Self {
        PlanBook {
            first_use,
            versions: vec![PlanVersion {
                from: first_use,
                plan: Plan::default(),
            }],
        }
    }

    /// The plan in force today (the newest).
    pub fn current(&self) -> Plan {
        self.versions
            .last()
            .map_or_else(Plan::default, |v| v.plan.clone())
    }

    /// The plan in force on `date` (the first one for earlier dates).
    pub fn on(&self, date: NaiveDate) -> Plan {
        self.versions
            .iter()
            .rev()
            .find(|v| v.from <= date)
            .or(self.versions.first())
            .map_or_else(Plan::default, |v| v.plan.clone())
    }

    /// Sets `plan` from `today`: replaces a version that began today, else
    /// adds one (earlier days keep their own plan).
    pub fn set(&mut self, plan: Plan, today: NaiveDate) {
        self.versions.retain(|v| v.from < today);
        self.versions.push(PlanVersion { from: today, plan });
    }

    /// Moves the first day of use back to `date` if it is earlier (a
    /// session or a check-in from before the plan file was made).
    pub fn note_use(&mut self, date: NaiveDate) {
        if date < self.first_use {
            self.first_use = date;
        }
    }
}

/// Minutes since midnight.
pub fn minute_of(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// "08:05".
pub fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Parses "8:05" or "08:05".
pub fn parse_hhmm(s: &str) -> Result<NaiveTime, PlanError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| PlanError::BadTime(s.into()))
}

fn fmt_minutes(m: f64) -> String {
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// Serde for a list of times as "HH:MM" strings.
mod hhmm_list {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[NaiveTime], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|t| super::hhmm(*t)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveTime>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| super::parse_hhmm(s).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        parse_hhmm(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn plans_are_checked() {
        assert_eq!(Plan::default().validate(), Ok(()));
        assert_eq!(Plan::with_sessions(3).validate(), Ok(()));
        let mut p = Plan::with_sessions(3);
        p.times.pop();
        p.times.pop();
        assert_eq!(p.validate(), Err(PlanError::Count(1)));
        let mut p = Plan {
            minutes: 12.0,
            ..Default::default()
        };
        assert_eq!(p.validate(), Err(PlanError::Minutes(12.0)));
        p.minutes = 3.0;
        p.times = vec![t("08:00"), t("08:30")];
        assert!(matches!(p.validate(), Err(PlanError::Times(..))));
        p.times = vec![t("20:00"), t("08:00")];
        assert!(matches!(p.validate(), Err(PlanError::Times(..))));
        assert!(parse_hhmm("25:00").is_err() && parse_hhmm("8").is_err());
        assert_eq!(parse_hhmm("8:05"), Ok(t("08:05")));
    }

    #[test]
    fn a_session_belongs_to_the_nearest_planned_slot() {
        let p = Plan::with_sessions(3); // 08:00, 13:00, 21:00
        assert_eq!(p.nearest(t("06:00")), 0);
        assert_eq!(p.nearest(t("10:29")), 0);
        assert_eq!(p.nearest(t("10:30")), 0); // a tie: the earlier slot
        assert_eq!(p.nearest(t("10:31")), 1);
        assert_eq!(p.nearest(t("16:00")), 1);
        assert_eq!(p.nearest(t("17:30")), 2);
        assert_eq!(p.nearest(t("23:59")), 2);
        assert_eq!(p.slot_end_minute(0), 10 * 60 + 30);
        assert_eq!(p.slot_end_minute(1), 17 * 60);
        assert_eq!(p.slot_end_minute(2), 24 * 60);
        assert_eq!(p.slots(), vec![Slot::Morning, Slot::Midday, Slot::Evening]);
    }

    #[test]
    fn each_day_keeps_the_plan_it_had() {
        let mut b = PlanBook::new(d("2026-03-01"));
        b.set(Plan::with_sessions(3), d("2026-03-10"));
        assert_eq!(b.on(d("2026-02-01")).times.len(), 2);
        assert_eq!(b.on(d("2026-03-09")).times.len(), 2);
        assert_eq!(b.on(d("2026-03-10")).times.len(), 3);
        // Set twice the same day: one version for that day.
        let mut p = Plan::with_sessions(3);
        p.minutes = 8.0;
        b.set(p, d("2026-03-10"));
        assert_eq!(b.versions.len(), 2);
        assert_eq!(b.current().minutes, 8.0);
        b.note_use(d("2026-02-20"));
        assert_eq!(b.first_use, d("2026-02-20"));
        b.note_use(d("2026-04-01"));
        assert_eq!(b.first_use, d("2026-02-20"));
    }

    #[test]
    fn the_plan_file_format_is_stable() {
        let b = PlanBook::new(d("2026-03-01"));
        let j = serde_json::to_string(&b).unwrap();
        assert_eq!(
            j,
            r#"{"first_use":"2026-03-01","versions":[{"from":"2026-03-01","times":["08:00","20:00"],"minutes":5.0,"posture":"lying"}]}"#
        );
        assert_eq!(serde_json::from_str::<PlanBook>(&j).unwrap(), b);
        assert_eq!(
            Plan::with_sessions(3).describe(),
            "3 sessions a day at 08:00, 13:00 and 21:00, 5 min each, lying on the back"
        );
    }
}
