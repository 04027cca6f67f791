//! `breathband remind`: a desktop notification when the current planned
//! session is still open; `--install` sets up a systemd user timer that runs
//! it at the planned times, `--uninstall` removes it. Nothing is installed
//! unless asked.

use super::sessions::parse_now;
use crate::program::plan::Plan;
use crate::program::remind::{due, systemd_units, Notifier, SERVICE_UNIT, TIMER_UNIT};
use crate::program::snapshot::snapshot;
use crate::session::folder::data_dir;
use crate::session::history;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

/// Names the `systemctl` program (a test points it at a fake one).
pub const SYSTEMCTL_ENV: &str = "BREATHBAND_SYSTEMCTL";

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

/// `~/.config/systemd/user` (or `$XDG_CONFIG_HOME/systemd/user`).
fn units_dir() -> anyhow::Result<PathBuf> {
    let base = directories::BaseDirs::new().context("no home directory for the user units")?;
    Ok(base.config_dir().join("systemd").join("user"))
}

fn systemctl(args: &[&str]) -> Result<(), String> {
    let prog = std::env::var_os(SYSTEMCTL_ENV).unwrap_or_else(|| "systemctl".into());
    let out = std::process::Command::new(&prog)
        .arg("--user")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", Path::new(&prog).display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn write_units(dir: &Path, data_dir: &Path, plan: &Plan) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find this program's path")?;
    let (service, timer) = systemd_units(&exe, data_dir, plan);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in [(SERVICE_UNIT, service), (TIMER_UNIT, timer)] {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(dir.join(TIMER_UNIT))
}

fn install(data_dir: &Path, plan: &Plan) -> anyhow::Result<()> {
    let dir = units_dir()?;
    let timer = write_units(&dir, data_dir, plan)?;
    let activate =
        systemctl(&["daemon-reload"]).and_then(|_| systemctl(&["enable", "--now", TIMER_UNIT]));
    if let Err(e) = activate {
        anyhow::bail!(
            "wrote {} but could not start it ({e}); start it with \
             `systemctl --user enable --now {TIMER_UNIT}` in your desktop session, \
             or remove it with `breathband remind --uninstall`",
            timer.display()
        );
    }
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
    let dir = units_dir()?;
    let timer = dir.join(TIMER_UNIT);
    if !timer.exists() && !dir.join(SERVICE_UNIT).exists() {
        super::say(format_args!("No reminders were set up."));
        return Ok(());
    }
    if let Err(e) = systemctl(&["disable", "--now", TIMER_UNIT]) {
        tracing::warn!("could not stop the timer ({e}); removing its files anyway");
    }
    for name in [TIMER_UNIT, SERVICE_UNIT] {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    let _ = systemctl(&["daemon-reload"]);
    super::say(format_args!("Reminders off: removed {}.", timer.display()));
    Ok(())
}

/// After the plan changed: rewrites the timer if reminders are installed,
/// so they follow the new times (a failure is a warning).
pub fn refresh_installed(data_dir: &Path, plan: &Plan) {
    let Ok(dir) = units_dir() else { return };
    if !dir.join(TIMER_UNIT).exists() {
        return;
    }
    let done = write_units(&dir, data_dir, plan)
        .map_err(|e| e.to_string())
        .and_then(|_| systemctl(&["daemon-reload"]))
        .and_then(|_| systemctl(&["restart", TIMER_UNIT]));
    match done {
        Ok(()) => tracing::info!("reminders moved to the new times"),
        Err(e) => tracing::warn!("the reminders could not follow the new plan: {e}"),
    }
}
