//! Adherence to two practices a day (morning and evening): a calendar of
//! the last weeks, the current streak and today's status. Pure: "now" is a
//! parameter, never read from the system clock here.
//!
//! Dates: a session belongs to the local date of its own `start_local`, in
//! the offset it was recorded at. A session started at 23:50 counts for that
//! day even if it ends after midnight; one recorded at UTC+2 and viewed
//! later at UTC-5 keeps its UTC+2 date (the day as the person lived it), and
//! a change of offset (summer time, travel) moves no past session. Today is
//! the date of `now` in the viewer's offset.

use super::history::{SessionEntry, Status};
use crate::practice::record::{Slot, EVENING_FROM_HOUR};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike};
use serde::Serialize;
use std::collections::BTreeMap;

/// A complete session is done when it lasted this share of the planned time.
pub const DONE_SHARE_OF_PLAN: f64 = 0.8;
/// ... or, without a plan (a plain `record`), this many minutes.
pub const DONE_MIN_WITHOUT_PLAN: f64 = 4.0;

/// How a slot went. Ordered: a better session in the same slot wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    /// No session and the slot is over.
    Missed,
    /// No session yet, but today's slot is still open (morning until
    /// 14:00, evening until midnight).
    Open,
    /// Shorter than planned, stopped early, interrupted or failed.
    Partial,
    /// A complete session of at least 80 % of the planned minutes.
    Done,
}

/// One session as the calendar sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub date: NaiveDate,
    pub slot: Slot,
    /// `Done` or `Partial`.
    pub state: SlotState,
}

/// One calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub morning: SlotState,
    pub evening: SlotState,
}

impl Day {
    /// Slots done (0, 1 or 2).
    pub fn done(&self) -> u8 {
        u8::from(self.morning == SlotState::Done) + u8::from(self.evening == SlotState::Done)
    }
}

/// The calendar, the streak and today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    /// From the Monday `weeks - 1` weeks before this week's Monday, to today.
    pub days: Vec<Day>,
    pub today: Day,
    /// Days in a row with both slots done, ending today if today is already
    /// full, else ending yesterday (an unfinished today breaks nothing).
    pub streak: u32,
}

impl Calendar {
    /// "1 of 2 done".
    pub fn today_text(&self) -> String {
        format!("{} of 2 done", self.today.done())
    }
}

/// How a session counts, or None when it does not (`other` slot, unreadable).
pub fn attempt(e: &SessionEntry) -> Option<Attempt> {
    let slot = e.slot().filter(|s| *s != Slot::Other)?;
    let date = e.start_local()?.date_naive();
    let state = match e.status {
        Status::Unreadable => return None,
        Status::Complete if is_long_enough(e.minutes(), e.planned_min()) => SlotState::Done,
        _ => SlotState::Partial,
    };
    Some(Attempt { date, slot, state })
}

/// At least 80 % of the plan, or 4 minutes without a plan.
pub fn is_long_enough(minutes: Option<f64>, planned_min: Option<f64>) -> bool {
    let need = planned_min.map_or(DONE_MIN_WITHOUT_PLAN, |p| DONE_SHARE_OF_PLAN * p);
    minutes.is_some_and(|m| m + 1e-9 >= need)
}

/// The calendar of the last `weeks` weeks (at least 1) as of `now`.
pub fn calendar(attempts: &[Attempt], now: DateTime<FixedOffset>, weeks: u32) -> Calendar {
    let today = now.date_naive();
    let mut best: BTreeMap<(NaiveDate, Slot), SlotState> = BTreeMap::new();
    for a in attempts {
        let s = best.entry((a.date, a.slot)).or_insert(a.state);
        *s = (*s).max(a.state);
    }
    let state = |date: NaiveDate, slot: Slot| match best.get(&(date, slot)) {
        Some(s) => *s,
        None if date == today && (slot == Slot::Evening || now.hour() < EVENING_FROM_HOUR) => {
            SlotState::Open
        }
        None => SlotState::Missed,
    };
    let day = |date| Day {
        date,
        morning: state(date, Slot::Morning),
        evening: state(date, Slot::Evening),
    };
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = monday - Duration::weeks(i64::from(weeks.max(1) - 1));
    let days: Vec<Day> = first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(day)
        .collect();
    let full = |d: NaiveDate| day(d).done() == 2;
    let mut streak = u32::from(full(today));
    let mut d = today.pred_opt();
    while let Some(x) = d.filter(|x| full(*x)) {
        streak += 1;
        d = x.pred_opt();
    }
    Calendar {
        days,
        today: day(today),
        streak,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// An attempt as `attempt()` makes it from a session started at `start`.
    fn at(start: &str, state: SlotState) -> Attempt {
        let s = t(start);
        Attempt {
            date: s.date_naive(),
            slot: Slot::of(&s),
            state,
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn slots_are_done_partial_missed_or_open() {
        let a = [
            at("2026-03-09T07:00:00+01:00", SlotState::Done),
            at("2026-03-09T07:40:00+01:00", SlotState::Partial), // the better one counts
            at("2026-03-09T20:00:00+01:00", SlotState::Partial),
            at("2026-03-10T08:00:00+01:00", SlotState::Done),
        ];
        let c = calendar(&a, t("2026-03-10T12:00:00+01:00"), 1);
        // 2026-03-10 is a Tuesday: Monday and today.
        assert_eq!(c.days.len(), 2);
        assert_eq!(c.days[0].date, date("2026-03-09"));
        assert_eq!(
            (c.days[0].morning, c.days[0].evening),
            (SlotState::Done, SlotState::Partial)
        );
        assert_eq!(
            (c.today.morning, c.today.evening),
            (SlotState::Done, SlotState::Open)
        );
        assert_eq!(c.today_text(), "1 of 2 done");
        assert_eq!(c.streak, 0);
        // After 14:00 an empty morning is missed.
        let c = calendar(&[], t("2026-03-10T14:00:00+01:00"), 2);
        assert_eq!(
            (c.today.morning, c.today.evening),
            (SlotState::Missed, SlotState::Open)
        );
        assert_eq!(c.days.len(), 9);
        assert_eq!(c.days[0].date, date("2026-03-02"));
        assert!(c.days[..8]
            .iter()
            .all(|d| d.morning == SlotState::Missed && d.evening == SlotState::Missed));
    }

    #[test]
    fn streak_counts_full_days_and_an_unfinished_today_breaks_nothing() {
        let mut a = Vec::new();
        for d in 5..=9 {
            a.push(at(
                &format!("2026-03-{d:02}T07:00:00+01:00"),
                SlotState::Done,
            ));
            a.push(at(
                &format!("2026-03-{d:02}T21:00:00+01:00"),
                SlotState::Done,
            ));
        }
        a.retain(|x| !(x.date == date("2026-03-06") && x.slot == Slot::Evening));
        let now = t("2026-03-10T09:00:00+01:00");
        assert_eq!(calendar(&a, now, 1).streak, 3); // 7, 8, 9
        a.push(at("2026-03-10T07:00:00+01:00", SlotState::Done));
        a.push(at("2026-03-10T15:00:00+01:00", SlotState::Done));
        let c = calendar(&a, now, 1);
        assert_eq!((c.streak, c.today_text().as_str()), (4, "2 of 2 done"));
        // A missed yesterday ends it, whatever today holds.
        assert_eq!(calendar(&a, t("2026-03-12T09:00:00+01:00"), 1).streak, 0);
    }

    #[test]
    fn a_session_before_midnight_counts_for_its_day() {
        let a = [
            at("2026-03-09T07:00:00+01:00", SlotState::Done),
            at("2026-03-09T23:50:00+01:00", SlotState::Done),
        ];
        let c = calendar(&a, t("2026-03-10T00:05:00+01:00"), 1);
        assert_eq!(c.days[0].done(), 2);
        assert_eq!(c.today.done(), 0);
        assert_eq!(c.streak, 1);
    }

    #[test]
    fn a_session_keeps_its_own_local_date_when_viewed_elsewhere() {
        // 00:30 on the 10th at UTC+2 is 17:30 on the 9th at UTC-5.
        let a = [at("2026-03-10T00:30:00+02:00", SlotState::Done)];
        let c = calendar(&a, t("2026-03-12T10:00:00-05:00"), 1);
        let day = |d| c.days.iter().find(|x| x.date == date(d)).unwrap();
        assert_eq!(day("2026-03-10").morning, SlotState::Done);
        assert_eq!(day("2026-03-09").evening, SlotState::Missed);
        // Today follows the viewer: 02:00 UTC on the 13th is still the 12th at UTC-5.
        let c = calendar(&a, t("2026-03-12T21:00:00-05:00"), 1);
        assert_eq!(c.today.date, date("2026-03-12"));
    }

    #[test]
    fn summer_time_changes_move_no_day() {
        // Europe/Berlin: +01:00 until 2026-03-29 02:00, then +02:00.
        let a = [
            at("2026-03-28T07:00:00+01:00", SlotState::Done),
            at("2026-03-28T23:30:00+01:00", SlotState::Done),
            at("2026-03-29T07:00:00+02:00", SlotState::Done),
            at("2026-03-29T13:59:00+02:00", SlotState::Partial),
            at("2026-03-29T23:45:00+02:00", SlotState::Done),
            at("2026-03-30T00:15:00+02:00", SlotState::Done), // next day, morning
        ];
        let c = calendar(&a, t("2026-03-30T08:00:00+02:00"), 1);
        assert_eq!(c.today.date, date("2026-03-30"));
        assert_eq!(c.today.morning, SlotState::Done);
        assert_eq!(c.streak, 2); // 28 and 29; today not yet full
                                 // Back to winter time: a session at 23:30+01:00 the night the clocks go back.
        let b = [at("2026-10-25T23:30:00+01:00", SlotState::Done)];
        let c = calendar(&b, t("2026-10-26T00:10:00+01:00"), 2);
        assert_eq!(
            c.days
                .iter()
                .find(|d| d.date == date("2026-10-25"))
                .unwrap()
                .evening,
            SlotState::Done
        );
    }

    #[test]
    fn done_needs_eighty_percent_of_the_plan_or_four_minutes() {
        assert!(is_long_enough(Some(4.0), Some(5.0)));
        assert!(!is_long_enough(Some(3.9), Some(5.0)));
        assert!(is_long_enough(Some(4.0), None));
        assert!(!is_long_enough(Some(3.5), None));
        assert!(!is_long_enough(None, Some(5.0)));
    }
}
