//! Reminders at the planned times: whether one is due now, its words, the
//! notifier it goes through (a trait, so it is tested without a desktop),
//! and the systemd user units that run `breathband remind` at the planned
//! times. Pure apart from the trait's implementations (in `cli`).

use super::adherence::{Day, SlotState};
use super::plan::{hhmm, minute_of, Plan};
use crate::practice::record::Slot;
use chrono::NaiveDateTime;
use std::path::Path;

/// Names of the systemd user units.
pub const SERVICE_UNIT: &str = "breathband-remind.service";
pub const TIMER_UNIT: &str = "breathband-remind.timer";

/// A reminder for the current slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub slot: Slot,
    pub title: String,
    pub body: String,
}

/// Shows a reminder to the person.
pub trait Notifier {
    /// Shows `title` and `body`; an error says why it could not.
    fn notify(&mut self, title: &str, body: &str) -> Result<(), String>;
}

/// The reminder due at `now` (local): the latest planned time of today
/// that has passed, while its slot still takes a session and none was
/// done or started in it. None otherwise.
pub fn due(today: &Day, plan: &Plan, now: NaiveDateTime) -> Option<Reminder> {
    if today.date != now.date() {
        return None;
    }
    let m = minute_of(now.time());
    let i = plan.times.iter().rposition(|t| minute_of(*t) <= m)?;
    let (slot, state) = *today.slots.get(i)?;
    if state != SlotState::Open || m >= plan.slot_end_minute(i) {
        return None;
    }
    Some(Reminder {
        slot,
        title: "Time for your breathing practice".into(),
        body: format!(
            "Your {} session: {} min of belly breathing, {}. Stop at once if you feel dizzy.",
            hhmm(plan.times[i]),
            plan.minutes,
            plan.posture.words()
        ),
    })
}

/// The service and timer units: the timer fires at each planned time and
/// starts `exe --data-dir DATA_DIR remind`, which notifies only when the
/// slot is still open.
pub fn systemd_units(exe: &Path, data_dir: &Path, plan: &Plan) -> (String, String) {
    let q = |p: &Path| format!("\"{}\"", p.display().to_string().replace('"', "\\\""));
    let service = format!(
        "# Written by `breathband remind --install`; removed by `--uninstall`.\n\
         [Unit]\n\
         Description=breathband practice reminder\n\n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={} --data-dir {} remind\n",
        q(exe),
        q(data_dir)
    );
    let calendars: String = plan
        .times
        .iter()
        .map(|t| format!("OnCalendar=*-*-* {}:00\n", hhmm(*t)))
        .collect();
    let timer = format!(
        "# Written by `breathband remind --install`; removed by `--uninstall`.\n\
         [Unit]\n\
         Description=breathband practice reminders at the planned times\n\n\
         [Timer]\n\
         {calendars}AccuracySec=1min\n\n\
         [Install]\n\
         WantedBy=timers.target\n"
    );
    (service, timer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::adherence::calendar;
    use crate::program::plan::PlanBook;
    use chrono::DateTime;

    fn today(now: &str, done_at: &[&str]) -> (Day, NaiveDateTime) {
        let mut b = PlanBook::new("2026-03-01".parse().unwrap());
        b.set(Plan::with_sessions(3), "2026-03-01".parse().unwrap());
        let attempts: Vec<_> = done_at
            .iter()
            .map(|s| crate::program::adherence::Attempt {
                start: DateTime::parse_from_rfc3339(s).unwrap().naive_local(),
                state: SlotState::Done,
            })
            .collect();
        let now = DateTime::parse_from_rfc3339(now).unwrap();
        (calendar(&attempts, &b, now, 1).today, now.naive_local())
    }

    #[test]
    fn a_reminder_is_due_only_while_the_slot_is_open() {
        let plan = Plan::with_sessions(3); // 08:00, 13:00, 21:00
        let (d, now) = today("2026-03-10T07:59:00+01:00", &[]);
        assert_eq!(due(&d, &plan, now), None); // before the first time
        let (d, now) = today("2026-03-10T08:00:00+01:00", &[]);
        let r = due(&d, &plan, now).unwrap();
        assert_eq!(r.slot, Slot::Morning);
        assert!(
            r.body.starts_with("Your 08:00 session: 5 min"),
            "{}",
            r.body
        );
        assert!(r.body.contains("lying on the back") && r.body.contains("dizzy"));
        // Done already: nothing.
        let (d, now) = today("2026-03-10T08:15:00+01:00", &["2026-03-10T08:01:00+01:00"]);
        assert_eq!(due(&d, &plan, now), None);
        // 13:05, midday open.
        let (d, now) = today("2026-03-10T13:05:00+01:00", &["2026-03-10T08:01:00+01:00"]);
        assert_eq!(due(&d, &plan, now).map(|r| r.slot), Some(Slot::Midday));
        // 17:00: the midday slot is over, the evening not yet due.
        let (d, now) = today("2026-03-10T17:00:00+01:00", &[]);
        assert_eq!(due(&d, &plan, now), None);
    }

    #[test]
    fn the_timer_fires_at_each_planned_time() {
        let (service, timer) = systemd_units(
            Path::new("/usr/bin/breathband"),
            Path::new("/home/a b/data"),
            &Plan::with_sessions(3),
        );
        assert!(service
            .contains("ExecStart=\"/usr/bin/breathband\" --data-dir \"/home/a b/data\" remind\n"));
        assert!(timer.contains(
            "OnCalendar=*-*-* 08:00:00\nOnCalendar=*-*-* 13:00:00\nOnCalendar=*-*-* 21:00:00\n"
        ));
        assert!(timer.contains("WantedBy=timers.target"));
    }
}
