//! `breathband remind`: a desktop notification when the current planned
//! session is still open; `--install` sets up a systemd user timer that runs
//! it at the planned times, `--uninstall` removes it. Nothing is installed
//! unless asked.

use super::sessions::parse_now;
use crate::program::plan::Plan;
use crate::program::remind::{due, Notifier};
use crate::program::remind_install;
use crate::program::snapshot::snapshot;
use crate::session::folder::data_dir;
use crate::session::history;
use chrono::{DateTime, FixedOffset};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    /// Set up reminders at the planned times (a systemd user timer).
    #[arg(long, conflicts_with = "uninstall")]
    install: bool,
    /// Remove the reminders set up by --install.
    #[arg(long)]
    uninstall: bool,
    /// Print the reminder instead of showing a notification.
    #[arg(long)]
    dry_run: bool,
    /// Take this as the current time (RFC 3339), instead of the clock.
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
}

/// Desktop notifications through the freedesktop notification service.
struct Desktop;

impl Notifier for Desktop {
    fn notify(&mut self, title: &str, body: &str) -> Result<(), String> {
        notify_rust::Notification::new()
            .appname("breathband")
            .summary(title)
            .body(body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Prints instead (`--dry-run`).
struct Print;

impl Notifier for Print {
    fn notify(&mut self, title: &str, body: &str) -> Result<(), String> {
        super::say(format_args!("{title}: {body}"));
        Ok(())
    }
}

pub fn run(a: RemindArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    if a.uninstall {
        return uninstall();
    }
    let now = a.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let entries = history::list_sessions(&dir, now.to_utc())?;
    let program = snapshot(&dir, &entries, now, 1);
    for w in &program.warnings {
        tracing::warn!("{w}");
    }
    let plan = program.book.current();
    if a.install {
        return install(&dir, &plan);
    }
    match due(&program.calendar.today, &plan, now.naive_local()) {
        Some(r) => {
            let mut n: Box<dyn Notifier> = if a.dry_run {
                Box::new(Print)
            } else {
                Box::new(Desktop)
            };
            n.notify(&r.title, &r.body)
                .map_err(|e| anyhow::anyhow!("cannot show the reminder: {e}"))?;
        }
        None if a.dry_run => super::say(format_args!("no reminder due now")),
        None => {}
    }
    Ok(())
}

fn install(data_dir: &Path, plan: &Plan) -> anyhow::Result<()> {
    let timer = remind_install::install(data_dir, plan)?;
    super::say(format_args!(
        "Reminders on at {} ({}). Turn them off with `breathband remind --uninstall`.",
        plan.times
            .iter()
            .map(|t| crate::program::plan::hhmm(*t))
            .collect::<Vec<_>>()
            .join(", "),
        timer.display()
    ));
    Ok(())
}

fn uninstall() -> anyhow::Result<()> {
    match remind_install::uninstall()? {
        Some(timer) => super::say(format_args!("Reminders off: removed {}.", timer.display())),
        None => super::say(format_args!("No reminders were set up.")),
    }
    Ok(())
}
