//! Setting reminders up and removing them: the systemd user timer of
//! [`super::remind::systemd_units`] in `~/.config/systemd/user`, started
//! and stopped through `systemctl --user`. Only on the person's request.

use super::plan::Plan;
use super::remind::{systemd_units, SERVICE_UNIT, TIMER_UNIT};
use std::path::{Path, PathBuf};

/// Names the `systemctl` program (a test points it at a fake one).
pub const SYSTEMCTL_ENV: &str = "BREATHBAND_SYSTEMCTL";

/// Why reminders could not be set up or removed.
#[derive(Debug, thiserror::Error)]
pub enum ReminderSetupError {
    #[error("no home directory for the user's systemd units")]
    NoHome,
    #[error("cannot find this program's path: {0}")]
    NoExe(std::io::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "wrote {} but could not start it ({reason}); start it with \
         `systemctl --user enable --now {TIMER_UNIT}` in your desktop session, \
         or remove it with `breathband remind --uninstall`", timer.display()
    )]
    Activate { timer: PathBuf, reason: String },
}

/// `$XDG_CONFIG_HOME/systemd/user` (`~/.config/systemd/user`).
pub fn units_dir() -> Result<PathBuf, ReminderSetupError> {
    let base = directories::BaseDirs::new().ok_or(ReminderSetupError::NoHome)?;
    Ok(base.config_dir().join("systemd").join("user"))
}

/// True when `--install` has written the timer.
pub fn installed() -> bool {
    units_dir().is_ok_and(|d| d.join(TIMER_UNIT).exists())
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

fn write_units(dir: &Path, data_dir: &Path, plan: &Plan) -> Result<PathBuf, ReminderSetupError> {
    let exe = std::env::current_exe().map_err(ReminderSetupError::NoExe)?;
    let (service, timer) = systemd_units(&exe, data_dir, plan);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReminderSetupError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (name, text) in [(SERVICE_UNIT, service), (TIMER_UNIT, timer)] {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(io(&p))?;
    }
    Ok(dir.join(TIMER_UNIT))
}

/// Writes the units and starts the timer; returns the timer's path.
pub fn install(data_dir: &Path, plan: &Plan) -> Result<PathBuf, ReminderSetupError> {
    let timer = write_units(&units_dir()?, data_dir, plan)?;
    systemctl(&["daemon-reload"])
        .and_then(|_| systemctl(&["enable", "--now", TIMER_UNIT]))
        .map_err(|reason| ReminderSetupError::Activate {
            timer: timer.clone(),
            reason,
        })?;
    Ok(timer)
}

/// Stops the timer and removes both units; the removed timer's path, or
/// `None` when none was set up.
pub fn uninstall() -> Result<Option<PathBuf>, ReminderSetupError> {
    let dir = units_dir()?;
    let timer = dir.join(TIMER_UNIT);
    if !timer.exists() && !dir.join(SERVICE_UNIT).exists() {
        return Ok(None);
    }
    if let Err(e) = systemctl(&["disable", "--now", TIMER_UNIT]) {
        tracing::warn!("could not stop the timer ({e}); removing its files anyway");
    }
    for name in [TIMER_UNIT, SERVICE_UNIT] {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ReminderSetupError::Io { path: p, source }),
        }
    }
    let _ = systemctl(&["daemon-reload"]);
    Ok(Some(timer))
}

/// After the plan changed: rewrites the timer if reminders are set up, so
/// they follow the new times. Returns a sentence for the person ("" when
/// no reminders are set up).
pub fn refresh_installed(data_dir: &Path, plan: &Plan) -> String {
    let Ok(dir) = units_dir() else {
        return String::new();
    };
    if !dir.join(TIMER_UNIT).exists() {
        return String::new();
    }
    let done = write_units(&dir, data_dir, plan)
        .map_err(|e| e.to_string())
        .and_then(|_| systemctl(&["daemon-reload"]))
        .and_then(|_| systemctl(&["restart", TIMER_UNIT]));
    match done {
        Ok(()) => " Reminders moved to the new times.".into(),
        Err(e) => {
            tracing::warn!("the reminders could not follow the new plan: {e}");
            format!(" The reminders could not follow the new plan: {e}.")
        }
    }
}
