//! `breathband plan`: shows the plan, or sets part of it (the rest is
//! kept). The new plan applies from today; earlier days keep theirs.

use super::sessions::parse_now;
use crate::program::plan::{hhmm, parse_hhmm, Plan, Posture};
use crate::program::store;
use crate::session::folder::data_dir;
use crate::session::history;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use serde_json::json;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Sessions a day: 2 (morning, evening) or 3 (morning, midday, evening).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(2..=3))]
    sessions_per_day: Option<u8>,
    /// Planned times, local, one per session: HH:MM,HH:MM[,HH:MM].
    #[arg(long, value_name = "HH:MM,...", value_delimiter = ',')]
    times: Option<Vec<String>>,
    /// Length of each session, minutes (3 to 10).
    #[arg(long, value_name = "M")]
    minutes: Option<f64>,
    /// lying (on the back, the start) or sitting (upright, later).
    #[arg(long, value_name = "lying|sitting")]
    posture: Option<Posture>,
    /// Print the plan as one JSON object.
    #[arg(long)]
    json: bool,
    /// Take this as the current time (RFC 3339), instead of the clock.
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
}

impl PlanArgs {
    fn changes(&self) -> bool {
        self.sessions_per_day.is_some()
            || self.times.is_some()
            || self.minutes.is_some()
            || self.posture.is_some()
    }

    /// `base` with this command's changes.
    fn apply(&self, base: Plan) -> anyhow::Result<Plan> {
        let mut p = base;
        if let Some(t) = &self.times {
            p.times = t.iter().map(|s| parse_hhmm(s)).collect::<Result<_, _>>()?;
            if let Some(n) = self.sessions_per_day {
                anyhow::ensure!(
                    p.times.len() == usize::from(n),
                    "--sessions-per-day {n} needs {n} times, --times gives {}",
                    p.times.len()
                );
            }
        } else if let Some(n) = self.sessions_per_day {
            if p.times.len() != usize::from(n) {
                p.times = Plan::with_sessions(usize::from(n)).times;
            }
        }
        if let Some(m) = self.minutes {
            p.minutes = m;
        }
        if let Some(x) = self.posture {
            p.posture = x;
        }
        p.validate()?;
        Ok(p)
    }
}

pub fn run(a: PlanArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    let now = a.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let today = now.date_naive();
    // The first day of use comes from the data when no plan was stored.
    let entries = history::list_sessions(&dir, now.to_utc())?;
    let program = crate::program::snapshot::snapshot(&dir, &entries, now, 1);
    for w in &program.warnings {
        tracing::warn!("{w}");
    }
    let mut book = program.book;
    if a.changes() {
        let plan = a.apply(book.current())?;
        book.set(plan, today);
        store::save_plan(&dir, &book).context("cannot save the plan")?;
        let moved = crate::program::remind_install::refresh_installed(&dir, &book.current());
        if !moved.is_empty() {
            tracing::info!("{}", moved.trim());
        }
    }
    let plan = book.current();
    if a.json {
        let out = json!({
            "sessions_per_day": plan.times.len(),
            "times": plan.times.iter().map(|t| hhmm(*t)).collect::<Vec<_>>(),
            "slots": plan.slots(),
            "minutes": plan.minutes,
            "posture": plan.posture,
            "since": book.versions.last().map(|v| v.from),
            "first_use": book.first_use,
            "stored": program.plan_stored || a.changes(),
        });
        super::say(format_args!("{out}"));
    } else {
        super::say(format_args!("Plan: {}.", plan.describe()));
        if let Some(v) = book.versions.last() {
            super::say(format_args!(
                "In force since {}; first day of use {}.",
                v.from, book.first_use
            ));
        }
        if !program.plan_stored && !a.changes() {
            super::say(format_args!(
                "(the default plan: set yours with --times, --minutes, --posture)"
            ));
        }
    }
    Ok(())
}
