//! Adherence to the plan: a calendar of the last weeks, the current streak
//! and today's status. Pure: "now" is a parameter, never read from the
//! system clock here.
//!
//! A session fills the planned slot nearest to its start time (see
//! [`Plan::nearest`]), under the plan in force on its day. Days before the
//! first day of use are neutral, never "missed".
//!
//! Dates: a session belongs to the local date of its own `start_local`, in
//! the offset it was recorded at. A session started at 23:50 counts for that
//! day even if it ends after midnight; one recorded at UTC+2 and viewed
//! later at UTC-5 keeps its UTC+2 date (the day as the person lived it), and
//! a change of offset (summer time, travel) moves no past session. Today is
//! the date of `now` in the viewer's offset.

use super::plan::{minute_of, Plan, PlanBook};
use crate::practice::record::Slot;
use crate::session::history::{SessionEntry, Status};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use serde::ser::{SerializeMap, Serializer};
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
    /// Before the first day of use: nothing was planned yet.
    BeforeStart,
    /// No session and the slot is over.
    Missed,
    /// No session yet, but today's slot still takes one (until the
    /// midpoint to the next planned time, or midnight).
    Open,
    /// Shorter than planned, stopped early, interrupted or failed.
    Partial,
    /// A complete session of at least 80 % of the planned minutes.
    Done,
}

/// One session as the calendar sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// Start, in the session's own local time.
    pub start: NaiveDateTime,
    /// `Done` or `Partial`.
    pub state: SlotState,
}

impl Attempt {
    pub fn date(&self) -> NaiveDate {
        self.start.date()
    }
}

/// One calendar day: each planned slot with how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub slots: Vec<(Slot, SlotState)>,
}

impl Day {
    /// Slots done.
    pub fn done(&self) -> usize {
        self.slots.iter().filter(|s| s.1 == SlotState::Done).count()
    }

    /// Slots planned (none before the first day of use).
    pub fn planned(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.1 != SlotState::BeforeStart)
            .count()
    }

    /// The state of `slot`, if the day's plan has it.
    pub fn state(&self, slot: Slot) -> Option<SlotState> {
        self.slots.iter().find(|s| s.0 == slot).map(|s| s.1)
    }

    /// True when every planned slot is done.
    pub fn full(&self) -> bool {
        self.planned() > 0 && self.done() == self.planned()
    }
}

/// `{"date", "morning", ["midday",] "evening", "slots": [...]}`.
impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("date", &self.date)?;
        for (slot, state) in &self.slots {
            m.serialize_entry(slot.name(), state)?;
        }
        let states: Vec<SlotState> = self.slots.iter().map(|s| s.1).collect();
        m.serialize_entry("slots", &states)?;
        m.end()
    }
}

/// The calendar, the streak and today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    /// From the Monday `weeks - 1` weeks before this week's Monday, to today.
    pub days: Vec<Day>,
    pub today: Day,
    /// Days in a row with every planned slot done, ending today if today is
    /// already full, else ending yesterday (an unfinished today breaks
    /// nothing).
    pub streak: u32,
    pub first_use: NaiveDate,
}

impl Calendar {
    /// "1 of 2 done" (slots over before the first use are not counted).
    pub fn today_text(&self) -> String {
        format!("{} of {} done", self.today.done(), self.today.planned())
    }

    /// Planned slots done and planned, over the shown days up to yesterday
    /// plus today's slots that are over or done.
    pub fn totals(&self) -> (usize, usize) {
        self.days.iter().fold((0, 0), |(d, p), day| {
            let counted = day
                .slots
                .iter()
                .filter(|s| !matches!(s.1, SlotState::BeforeStart | SlotState::Open))
                .count();
            (d + day.done(), p + counted)
        })
    }
}

/// How a session counts, or None when it does not (an `other` session,
/// unreadable).
pub fn attempt(e: &SessionEntry) -> Option<Attempt> {
    if e.practice.as_ref().and_then(|p| p.slot) == Some(Slot::Other) {
        return None;
    }
    let start = e.start_local()?.naive_local();
    let state = match e.status {
        Status::Unreadable => return None,
        Status::Complete if is_long_enough(e.minutes(), e.planned_min()) => SlotState::Done,
        _ => SlotState::Partial,
    };
    Some(Attempt { start, state })
}

/// At least 80 % of the plan, or 4 minutes without a plan.
pub fn is_long_enough(minutes: Option<f64>, planned_min: Option<f64>) -> bool {
    let need = planned_min.map_or(DONE_MIN_WITHOUT_PLAN, |p| DONE_SHARE_OF_PLAN * p);
    minutes.is_some_and(|m| m + 1e-9 >= need)
}

/// The day's slots under `plan`, filled by `attempts` of that day.
/// `started` is when the person began on the first day of use (their first
/// session that day, or now if that day is today): slots of that day
/// already over by then are not counted, as days before it are not.
fn day_of(
    date: NaiveDate,
    plan: &Plan,
    best: &BTreeMap<(NaiveDate, usize), SlotState>,
    book: &PlanBook,
    now: NaiveDateTime,
    started: Option<NaiveDateTime>,
) -> Day {
    let over_before_start = |i: usize| {
        date == book.first_use
            && started
                .is_some_and(|t| t.date() == date && plan.slot_end_minute(i) <= minute_of(t.time()))
    };
    let slots = plan
        .slots()
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            let state = if date < book.first_use {
                SlotState::BeforeStart
            } else if let Some(s) = best.get(&(date, i)) {
                *s
            } else if over_before_start(i) {
                SlotState::BeforeStart
            } else if date == now.date() && minute_of(now.time()) < plan.slot_end_minute(i) {
                SlotState::Open
            } else {
                SlotState::Missed
            };
            (slot, state)
        })
        .collect();
    Day { date, slots }
}

/// The calendar of the last `weeks` weeks (at least 1) as of `now`.
pub fn calendar(
    attempts: &[Attempt],
    book: &PlanBook,
    now: DateTime<FixedOffset>,
    weeks: u32,
) -> Calendar {
    let now = now.naive_local();
    let today = now.date();
    let mut best: BTreeMap<(NaiveDate, usize), SlotState> = BTreeMap::new();
    for a in attempts {
        let plan = book.on(a.date());
        let s = best
            .entry((a.date(), plan.nearest(a.start.time())))
            .or_insert(a.state);
        *s = (*s).max(a.state);
    }
    let started = attempts
        .iter()
        .map(|a| a.start)
        .chain((today == book.first_use).then_some(now))
        .filter(|t| t.date() == book.first_use)
        .min();
    let day = |date| day_of(date, &book.on(date), &best, book, now, started);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = monday - Duration::weeks(i64::from(weeks.max(1) - 1));
    let days: Vec<Day> = first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(day)
        .collect();
    let mut streak = u32::from(day(today).full());
    let mut d = today.pred_opt();
    while let Some(x) = d.filter(|x| day(*x).full()) {
        streak += 1;
        d = x.pred_opt();
    }
    Calendar {
        days,
        today: day(today),
        streak,
        first_use: book.first_use,
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
        Attempt {
            start: t(start).naive_local(),
            state,
        }
    }

    /// The default plan (08:00, 20:00) since long ago.
    fn book() -> PlanBook {
        PlanBook::new(date("2020-01-01"))
    }

    fn me(d: &Day) -> (SlotState, SlotState) {
        (
            d.state(Slot::Morning).unwrap(),
            d.state(Slot::Evening).unwrap(),
        )
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
        let c = calendar(&a, &book(), t("2026-03-10T12:00:00+01:00"), 1);
        // 2026-03-10 is a Tuesday: Monday and today.
        assert_eq!(c.days.len(), 2);
        assert_eq!(c.days[0].date, date("2026-03-09"));
        assert_eq!(me(&c.days[0]), (SlotState::Done, SlotState::Partial));
        assert_eq!(me(&c.today), (SlotState::Done, SlotState::Open));
        assert_eq!(c.today_text(), "1 of 2 done");
        assert_eq!(c.streak, 0);
        // After 14:00 an empty morning is missed.
        let c = calendar(&[], &book(), t("2026-03-10T14:00:00+01:00"), 2);
        assert_eq!(me(&c.today), (SlotState::Missed, SlotState::Open));
        assert_eq!(c.days.len(), 9);
        assert_eq!(c.days[0].date, date("2026-03-02"));
        assert!(c.days[..8]
            .iter()
            .all(|d| me(d) == (SlotState::Missed, SlotState::Missed)));
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
        a.retain(|x| x.start != t("2026-03-06T21:00:00+01:00").naive_local());
        let now = t("2026-03-10T09:00:00+01:00");
        assert_eq!(calendar(&a, &book(), now, 1).streak, 3); // 7, 8, 9
        a.push(at("2026-03-10T07:00:00+01:00", SlotState::Done));
        a.push(at("2026-03-10T15:00:00+01:00", SlotState::Done));
        let c = calendar(&a, &book(), now, 1);
        assert_eq!((c.streak, c.today_text().as_str()), (4, "2 of 2 done"));
        // A missed yesterday ends it, whatever today holds.
        assert_eq!(
            calendar(&a, &book(), t("2026-03-12T09:00:00+01:00"), 1).streak,
            0
        );
    }

    #[test]
    fn a_session_before_midnight_counts_for_its_day() {
        let a = [
            at("2026-03-09T07:00:00+01:00", SlotState::Done),
            at("2026-03-09T23:50:00+01:00", SlotState::Done),
        ];
        let c = calendar(&a, &book(), t("2026-03-10T00:05:00+01:00"), 1);
        assert_eq!(c.days[0].done(), 2);
        assert_eq!(c.today.done(), 0);
        assert_eq!(c.streak, 1);
    }

    #[test]
    fn a_session_keeps_its_own_local_date_when_viewed_elsewhere() {
        // 00:30 on the 10th at UTC+2 is 17:30 on the 9th at UTC-5.
        let a = [at("2026-03-10T00:30:00+02:00", SlotState::Done)];
        let c = calendar(&a, &book(), t("2026-03-12T10:00:00-05:00"), 1);
        let day = |d| c.days.iter().find(|x| x.date == date(d)).unwrap();
        assert_eq!(me(day("2026-03-10")).0, SlotState::Done);
        assert_eq!(me(day("2026-03-09")).1, SlotState::Missed);
        // Today follows the viewer: 02:00 UTC on the 13th is still the 12th at UTC-5.
        let c = calendar(&a, &book(), t("2026-03-12T21:00:00-05:00"), 1);
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
        let c = calendar(&a, &book(), t("2026-03-30T08:00:00+02:00"), 1);
        assert_eq!(c.today.date, date("2026-03-30"));
        assert_eq!(me(&c.today).0, SlotState::Done);
        assert_eq!(c.streak, 2); // 28 and 29; today not yet full
                                 // Back to winter time: a session at 23:30+01:00 the night the clocks go back.
        let b = [at("2026-10-25T23:30:00+01:00", SlotState::Done)];
        let c = calendar(&b, &book(), t("2026-10-26T00:10:00+01:00"), 2);
        assert_eq!(
            c.days
                .iter()
                .find(|d| d.date == date("2026-10-25"))
                .map(|d| me(d).1),
            Some(SlotState::Done)
        );
    }

    /// A three-a-day plan (08:00, 13:00, 21:00) from Monday 2026-03-02, the
    /// first day of use; two weeks of sessions.
    #[test]
    fn a_three_a_day_plan_over_two_weeks() {
        let mut b = PlanBook::new(date("2026-03-02"));
        b.set(Plan::with_sessions(3), date("2026-03-02"));
        let mut a = Vec::new();
        for d in 2..=15 {
            for hm in ["07:55", "13:10", "21:05"] {
                a.push(at(
                    &format!("2026-03-{d:02}T{hm}:00+01:00"),
                    SlotState::Done,
                ));
            }
        }
        // A missed midday on the 10th; the 11th's morning done late, at 10:20
        // (nearer 08:00 than 13:00), its midday at 15:30 (nearer 13:00).
        a.retain(|x| {
            let s = x.start.format("%d %H:%M").to_string();
            s != "10 13:10" && s != "11 07:55" && s != "11 13:10"
        });
        a.push(at("2026-03-11T10:20:00+01:00", SlotState::Done));
        a.push(at("2026-03-11T15:30:00+01:00", SlotState::Done));
        // Seen on Monday the 16th at 12:00, nothing done yet today.
        let c = calendar(&a, &b, t("2026-03-16T12:00:00+01:00"), 3);
        assert_eq!(c.days.len(), 15); // from Monday the 2nd, no week before
        let day = |d: &str| c.days.iter().find(|x| x.date == date(d)).unwrap();
        let states = |d: &str| day(d).slots.iter().map(|s| s.1).collect::<Vec<_>>();
        use SlotState::*;
        assert_eq!(states("2026-03-09"), vec![Done, Done, Done]);
        assert_eq!(states("2026-03-10"), vec![Done, Missed, Done]);
        assert_eq!(states("2026-03-11"), vec![Done, Done, Done]);
        // Today at 12:00: the morning slot took sessions until 10:30.
        assert_eq!(states("2026-03-16"), vec![Missed, Open, Open]);
        assert_eq!(c.today_text(), "0 of 3 done");
        assert_eq!(c.streak, 5); // the 11th to the 15th
        assert_eq!(c.totals(), (41, 43)); // today's missed morning counts
        let j = serde_json::to_value(&c.days[0]).unwrap();
        assert_eq!(j["midday"], "done");
        assert_eq!(j["slots"], serde_json::json!(["done", "done", "done"]));
    }

    #[test]
    fn days_before_the_first_use_are_neutral() {
        let b = PlanBook::new(date("2026-03-11"));
        let a = [at("2026-03-11T08:00:00+01:00", SlotState::Done)];
        let c = calendar(&a, &b, t("2026-03-12T09:00:00+01:00"), 2);
        assert_eq!(c.days.len(), 11); // Monday the 2nd to Thursday the 12th
        for d in &c.days[..9] {
            assert_eq!(me(d), (SlotState::BeforeStart, SlotState::BeforeStart));
            assert_eq!(d.planned(), 0);
        }
        assert_eq!(me(&c.days[9]), (SlotState::Done, SlotState::Missed));
        assert_eq!(me(&c.today), (SlotState::Open, SlotState::Open));
        assert_eq!(c.totals(), (1, 2));
        assert_eq!(c.streak, 0);
    }

    #[test]
    fn slots_over_before_the_first_session_of_the_first_day_are_neutral() {
        // First opened at 23:00 on the 11th: the morning was over before.
        let b = PlanBook::new(date("2026-03-11"));
        let c = calendar(&[], &b, t("2026-03-11T23:00:00+01:00"), 1);
        assert_eq!(me(&c.today), (SlotState::BeforeStart, SlotState::Open));
        assert_eq!(c.today_text(), "0 of 1 done");
        // A session at 23:05 fills the evening: the first day is full.
        let a = [at("2026-03-11T23:05:00+01:00", SlotState::Done)];
        let c = calendar(&a, &b, t("2026-03-11T23:30:00+01:00"), 1);
        assert_eq!(me(&c.today), (SlotState::BeforeStart, SlotState::Done));
        assert_eq!((c.today_text().as_str(), c.streak), ("1 of 1 done", 1));
        // Seen the next day, the first day stays so; the next morning is
        // missed as usual.
        let c = calendar(&a, &b, t("2026-03-12T15:00:00+01:00"), 1);
        assert_eq!(me(&c.days[2]), (SlotState::BeforeStart, SlotState::Done));
        assert_eq!(me(&c.today), (SlotState::Missed, SlotState::Open));
        assert_eq!(c.totals(), (1, 2));
        // A first day with a morning session: nothing is left out.
        let a = [at("2026-03-11T07:30:00+01:00", SlotState::Done)];
        let c = calendar(&a, &b, t("2026-03-12T09:00:00+01:00"), 1);
        assert_eq!(me(&c.days[2]), (SlotState::Done, SlotState::Missed));
    }

    #[test]
    fn a_changed_plan_leaves_earlier_days_as_they_were() {
        let mut b = PlanBook::new(date("2026-03-02"));
        b.set(Plan::with_sessions(3), date("2026-03-04"));
        let a = [
            at("2026-03-03T08:00:00+01:00", SlotState::Done),
            at("2026-03-03T20:00:00+01:00", SlotState::Done),
        ];
        let c = calendar(&a, &b, t("2026-03-04T09:00:00+01:00"), 1);
        assert_eq!(c.days[1].slots.len(), 2);
        assert!(c.days[1].full());
        assert_eq!(c.today.slots.len(), 3);
        assert_eq!(c.streak, 1);
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
