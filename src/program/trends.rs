//! The method's question over the weeks: is the neck getting better with
//! regular practice? Daily pain and tension against practice done, and
//! plain advice: see a physiotherapist after three weeks of regular
//! practice without improvement, or at once when the pain is clearly
//! worse; practice followed by more pain the next day is pointed out. Pure.

use super::adherence::Calendar;
use super::checkin::CheckIn;
use crate::session::history::SessionEntry;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Days of practice before "no improvement" is judged.
pub const JUDGE_AFTER_DAYS: i64 = 21;
/// Share of planned sessions done that counts as regular practice.
pub const REGULAR_SHARE: f64 = 0.6;
/// Pain lower by at least this (0-10 scale, weekly means) is an improvement.
pub const IMPROVED_BY: f64 = 1.0;
/// Pain higher by at least this is a clear worsening.
pub const WORSE_BY: f64 = 2.0;
/// Pain higher the next day by at least this is pointed out.
pub const NEXT_DAY_RISE: u8 = 2;
/// Values a week needs before its mean is compared.
pub const MIN_VALUES_PER_WEEK: usize = 3;

/// One day: symptoms (the day's last check-in, else the "before" answers
/// of its first session) and practice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayTrend {
    pub date: NaiveDate,
    pub pain: Option<u8>,
    pub tension: Option<u8>,
    /// Planned sessions done, and planned (0 before the first day of use).
    pub done: usize,
    pub planned: usize,
}

/// Something the person should know, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Advice {
    /// Time to see a physiotherapist (and bring the report).
    SeePhysiotherapist { text: String },
    /// Practice on `date` was followed by more pain on the next day.
    PainAfterPractice {
        date: NaiveDate,
        pain: u8,
        next_day: u8,
        text: String,
    },
}

impl Advice {
    pub fn text(&self) -> &str {
        match self {
            Advice::SeePhysiotherapist { text } | Advice::PainAfterPractice { text, .. } => text,
        }
    }
}

/// Days from the first day of use to today, with symptoms and practice.
pub fn days(cal: &Calendar, checkins: &[CheckIn], entries: &[SessionEntry]) -> Vec<DayTrend> {
    let mut sym: BTreeMap<NaiveDate, (Option<u8>, Option<u8>)> = BTreeMap::new();
    // Sessions oldest first: the first session's "before" answers of a day.
    for e in entries {
        let (Some(t), Some(j)) = (e.start_local(), e.journal_before()) else {
            continue;
        };
        if j.neck_pain.is_some() || j.tension.is_some() {
            sym.entry(t.date_naive())
                .or_insert((j.neck_pain, j.tension));
        }
    }
    // A check-in wins; the day's last one.
    for c in checkins {
        sym.insert(c.date(), (Some(c.pain), Some(c.tension)));
    }
    cal.days
        .iter()
        .filter(|d| d.date >= cal.first_use)
        .map(|d| {
            let (pain, tension) = sym.get(&d.date).copied().unwrap_or((None, None));
            DayTrend {
                date: d.date,
                pain,
                tension,
                done: d.done(),
                planned: d.planned(),
            }
        })
        .collect()
}

fn mean_pain(days: &[DayTrend]) -> Option<f64> {
    let v: Vec<f64> = days.iter().filter_map(|d| d.pain.map(f64::from)).collect();
    (v.len() >= MIN_VALUES_PER_WEEK).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The advice for `days` (from the first day of use, oldest first, the
/// last one today).
pub fn advise(days: &[DayTrend]) -> Vec<Advice> {
    let mut out = Vec::new();
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return out;
    };
    let span = (last.date - first.date).num_days() + 1;
    let first_week = &days[..days.len().min(7)];
    let last_week = &days[days.len().saturating_sub(7)..];
    let (start, now) = (mean_pain(first_week), mean_pain(last_week));
    let done: usize = days.iter().map(|d| d.done).sum();
    let planned: usize = days.iter().map(|d| d.planned).sum();
    let regular = planned > 0 && done as f64 >= REGULAR_SHARE * planned as f64;
    if let (Some(a), Some(b)) = (start, now) {
        if span >= 14 && b >= a + WORSE_BY {
            out.push(Advice::SeePhysiotherapist {
                text: format!(
                    "Your neck pain is clearly worse than when you started (about {a:.0} then, \
                     {b:.0} this week). Please see a physiotherapist or your doctor; \
                     bring the report."
                ),
            });
        } else if span >= JUDGE_AFTER_DAYS && regular && b > a - IMPROVED_BY {
            out.push(Advice::SeePhysiotherapist {
                text: format!(
                    "After {} weeks of regular practice your neck pain has not improved \
                     (about {a:.0} at the start, {b:.0} this week). It is time to see a \
                     physiotherapist; bring the report.",
                    span / 7
                ),
            });
        }
    }
    // Practice followed by more pain the next day, over the last two weeks.
    let recent = &days[days.len().saturating_sub(15)..];
    for w in recent.windows(2) {
        if let (Some(p), Some(q)) = (w[0].pain, w[1].pain) {
            if w[0].done > 0 && q >= p + NEXT_DAY_RISE {
                out.push(Advice::PainAfterPractice {
                    date: w[0].date,
                    pain: p,
                    next_day: q,
                    text: format!(
                        "Pain was higher the day after you practised on {} ({p} then {q}). \
                         Practise more gently, stop at once if anything hurts, and tell your \
                         physiotherapist if it happens again.",
                        w[0].date.format("%a %d %b")
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64, pain: Option<u8>, done: usize) -> DayTrend {
        let start: NaiveDate = "2026-03-02".parse().unwrap();
        DayTrend {
            date: start + chrono::Duration::days(n),
            pain,
            tension: pain,
            done,
            planned: 2,
        }
    }

    fn see(a: &[Advice]) -> Option<&str> {
        a.iter().find_map(|x| match x {
            Advice::SeePhysiotherapist { text } => Some(text.as_str()),
            _ => None,
        })
    }

    #[test]
    fn three_weeks_of_regular_practice_without_improvement_say_see_a_physiotherapist() {
        let flat: Vec<_> = (0..21).map(|n| day(n, Some(5), 2)).collect();
        let t = see(&advise(&flat)).unwrap().to_string();
        assert!(
            t.contains("3 weeks of regular practice") && t.contains("physiotherapist"),
            "{t}"
        );
        // Only 20 days: not yet.
        assert_eq!(see(&advise(&flat[..20])), None);
        // Improved by two points: nothing to say.
        let better: Vec<_> = (0..21)
            .map(|n| {
                day(
                    n,
                    Some(if n < 7 {
                        6
                    } else if n >= 14 {
                        4
                    } else {
                        5
                    }),
                    2,
                )
            })
            .collect();
        assert_eq!(advise(&better), vec![]);
        // Irregular practice (a third of the sessions): not judged as "no improvement".
        let rare: Vec<_> = (0..21)
            .map(|n| day(n, Some(5), usize::from(n % 3 == 0) * 2))
            .collect();
        assert_eq!(see(&advise(&rare)), None);
        // Too few pain values in a week: no judgement.
        let sparse: Vec<_> = (0..21)
            .map(|n| day(n, (n % 4 == 0).then_some(5), 2))
            .collect();
        assert_eq!(see(&advise(&sparse)), None);
    }

    #[test]
    fn clear_worsening_is_said_after_two_weeks_whatever_the_practice() {
        let worse: Vec<_> = (0..14)
            .map(|n| day(n, Some(if n < 7 { 3 } else { 6 }), 0))
            .collect();
        let t = see(&advise(&worse)).unwrap().to_string();
        assert!(t.contains("clearly worse"), "{t}");
        assert!(t.contains("about 3 then, 6 this week"), "{t}");
    }

    #[test]
    fn practice_followed_by_more_pain_the_next_day_is_pointed_out() {
        let d = vec![
            day(0, Some(3), 2),
            day(1, Some(5), 0),
            day(2, Some(4), 1),
            day(3, Some(5), 0),
        ];
        let a = advise(&d);
        assert_eq!(a.len(), 1, "{a:?}");
        match &a[0] {
            Advice::PainAfterPractice {
                date,
                pain,
                next_day,
                text,
            } => {
                assert_eq!(
                    (date.to_string().as_str(), *pain, *next_day),
                    ("2026-03-02", 3, 5)
                );
                assert!(text.contains("Mon 02 Mar (3 then 5)"), "{text}");
            }
            other => panic!("{other:?}"),
        }
    }
}
