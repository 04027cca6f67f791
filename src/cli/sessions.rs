//! `breathband sessions`: past sessions with their summaries, today's
//! practice and the streak; a table, or one JSON object for scripts.

use crate::practice::record::Slot;
use crate::program::adherence::{Calendar, SlotState};
use crate::program::snapshot::snapshot;
use crate::session::folder::data_dir;
use crate::session::history::{self, SessionEntry};
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// Weeks of the practice calendar to show (1 to 520).
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=520))]
    weeks: u32,
    /// Take this as the current time (RFC 3339), instead of the clock.
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
}

pub(crate) fn parse_now(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s).map_err(|e| format!("not an RFC 3339 time: {e}"))
}

pub fn run(a: SessionsArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    let now = a.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let entries = history::list_sessions(&dir, now.to_utc())?;
    let program = snapshot(&dir, &entries, now, a.weeks);
    for w in &program.warnings {
        tracing::warn!("{w}");
    }
    let cal = program.calendar;
    let trends = history::trends(&entries);
    if a.json {
        if dir.to_str().is_none() {
            tracing::warn!(
                "the data dir {} is not valid UTF-8: JSON shows it with replacement characters",
                dir.display()
            );
        }
        let sessions: Vec<Value> = entries
            .iter()
            .zip(&trends)
            .map(|(e, t)| session_json(e, t))
            .collect();
        let out = json!({
            "data_dir": dir.to_string_lossy(),
            "sessions": sessions,
            "adherence": {
                "today": today_json(&cal),
                "streak": cal.streak,
                "first_use": cal.first_use,
                "days": cal.days,
            },
            "plan": program.book.current(),
        });
        super::say(format_args!("{out}"));
    } else {
        print_table(&dir, &entries, &cal);
    }
    Ok(())
}

/// Today's slots by name (`morning`, `midday` in a three-a-day plan,
/// `evening`), with `done`, `planned` and `text`.
fn today_json(cal: &Calendar) -> Value {
    let mut v = serde_json::to_value(&cal.today).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("done".into(), json!(cal.today.done()));
        m.insert("planned".into(), json!(cal.today.slots.len()));
        m.insert("text".into(), json!(cal.today_text()));
    }
    v
}

/// One session for `--json` (see the README for the fields).
fn session_json(e: &SessionEntry, trend: &Option<crate::practice::trends::Comparison>) -> Value {
    let s = e.summary.as_ref();
    let (before, after) = (e.journal_before(), e.journal_after());
    json!({
        "id": e.id,
        "path": e.path.to_string_lossy(),
        "start_local": e.start_local(),
        "slot": e.slot(),
        "duration_s": e.duration_s(),
        "status": e.status,
        "planned_min": e.planned_min(),
        "practised_min": e.minutes(),
        "belly_share": e.belly_share(),
        "rate_bpm": s.and_then(|s| s.rate_bpm),
        "belly_breath_fraction": s.and_then(|s| s.belly_breath_fraction),
        "paradoxical_breaths": s.map(|s| s.paradoxical_breaths),
        "pain_before": before.and_then(|j| j.neck_pain),
        "pain_after": after.and_then(|j| j.neck_pain),
        "tension_before": before.and_then(|j| j.tension),
        "tension_after": after.and_then(|j| j.tension),
        "dizzy": e.dizzy(),
        "stopped_early": e.stopped_early(),
        "events": e.events(),
        "trend": trend,
        "summary_from": e.summary_source,
        "error": e.error,
        "warnings": e.warnings,
    })
}

fn print_table(dir: &Path, entries: &[SessionEntry], cal: &Calendar) {
    let say = |s: String| super::say(format_args!("{s}"));
    if entries.is_empty() {
        say(format!(
            "No sessions in {}.",
            history::sessions_dir(dir).display()
        ));
    } else {
        say(format!(
            "{:<10} {:<5} {:<7} {:>5} {:<13} {:>5} {:>5} {:>6} {:>4} {:>5} {:>7} {:<5} events",
            "date",
            "time",
            "slot",
            "min",
            "status",
            "share",
            "rate",
            "belly%",
            "para",
            "pain",
            "tension",
            "dizzy"
        ));
    }
    let opt = |v: Option<f64>, d: usize| v.map_or("-".to_string(), |v| format!("{v:.d$}"));
    let pair = |a: Option<u8>, b: Option<u8>| match (a, b) {
        (None, None) => "-".to_string(),
        _ => format!(
            "{}>{}",
            a.map_or("?".into(), |v| v.to_string()),
            b.map_or("?".into(), |v| v.to_string())
        ),
    };
    for e in entries {
        if let Some(err) = &e.error {
            say(format!("{:<24} unreadable: {err}", e.id));
            continue;
        }
        let start = e.start_local();
        let s = e.summary.as_ref();
        let (b, a) = (e.journal_before(), e.journal_after());
        let events: Vec<String> = e.events().iter().map(|(k, n)| format!("{k}:{n}")).collect();
        say(format!(
            "{:<10} {:<5} {:<7} {:>5} {:<13} {:>5} {:>5} {:>6} {:>4} {:>5} {:>7} {:<5} {}",
            start.map_or("-".into(), |t| t.format("%Y-%m-%d").to_string()),
            start.map_or("-".into(), |t| t.format("%H:%M").to_string()),
            e.slot().map_or("-", |s| s.name()),
            opt(e.duration_s().map(|d| d / 60.0), 1),
            e.status.name(),
            opt(e.belly_share(), 2),
            opt(s.and_then(|s| s.rate_bpm), 1),
            opt(
                s.and_then(|s| s.belly_breath_fraction).map(|f| f * 100.0),
                0
            ),
            s.map_or("-".into(), |s| s.paradoxical_breaths.to_string()),
            pair(b.and_then(|j| j.neck_pain), a.and_then(|j| j.neck_pain)),
            pair(b.and_then(|j| j.tension), a.and_then(|j| j.tension)),
            e.dizzy().map_or("-", |d| if d { "yes" } else { "no" }),
            if events.is_empty() {
                "-".into()
            } else {
                events.join(" ")
            },
        ));
    }
    say(String::new());
    let slots: Vec<String> = cal
        .today
        .slots
        .iter()
        .map(|(slot, s)| format!("{} {}", slot.name(), state_word(*s)))
        .collect();
    say(format!(
        "Today {}: {} ({}). Streak: {} day{} with every planned session done.",
        cal.today.date,
        cal.today_text(),
        slots.join(", "),
        cal.streak,
        if cal.streak == 1 { "" } else { "s" }
    ));
    let three = cal.days.iter().any(|d| d.state(Slot::Midday).is_some());
    let names: &[Slot] = if three {
        &[Slot::Morning, Slot::Midday, Slot::Evening]
    } else {
        &[Slot::Morning, Slot::Evening]
    };
    for week in cal.days.chunks(7) {
        let row = |slot: Slot| {
            let marks: String = week
                .iter()
                .map(|d| format!(" {}  ", d.state(slot).map_or(' ', state_mark)))
                .collect();
            format!("  {:<18}{}", slot.name(), marks.trim_end())
        };
        say(format!(
            "week of {}  Mon Tue Wed Thu Fri Sat Sun",
            week[0].date
        ));
        for s in names {
            say(row(*s));
        }
    }
    say("(# done, ~ partial, . missed, o still open, - before the first day of use)".into());
}

fn state_word(s: SlotState) -> &'static str {
    match s {
        SlotState::Done => "done",
        SlotState::Partial => "partial",
        SlotState::Missed => "missed",
        SlotState::Open => "open",
        SlotState::BeforeStart => "not planned yet",
    }
}

fn state_mark(s: SlotState) -> char {
    match s {
        SlotState::Done => '#',
        SlotState::Partial => '~',
        SlotState::Missed => '.',
        SlotState::Open => 'o',
        SlotState::BeforeStart => '-',
    }
}
