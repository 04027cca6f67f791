//! Where sessions live and how their folders are named.

use chrono::{DateTime, Local};
use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "BREATHBAND_DATA_DIR";

/// The data directory: `--data-dir`, else `$BREATHBAND_DATA_DIR` (both
/// resolved by clap), else the OS data directory (e.g.
/// `~/.local/share/breathband` on Linux).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, NoDataDir> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    directories::ProjectDirs::from("org", "breathband", "breathband")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(NoDataDir)
}

/// Neither a data directory was given nor a home directory found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no home directory to keep sessions in: pass --data-dir DIR or set {DATA_DIR_ENV}")]
pub struct NoDataDir;

/// Folder name for a session started at `t`: `2026-11-25_07-30-12`.
pub fn session_folder_name(t: &DateTime<Local>) -> String {
    t.format("%Y-%m-%d_%H-%M-%S").to_string()
}

/// Creates a new, empty session folder under `sessions_dir` (adding `-2`,
/// `-3`... if a session started in the same second).
pub fn create_session_dir(sessions_dir: &Path, t: &DateTime<Local>) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(sessions_dir)?;
    let base = session_folder_name(t);
    for k in 1..1000 {
        let name = if k == 1 {
            base.clone()
        } else {
            format!("{base}-{k}")
        };
        let p = sessions_dir.join(name);
        match std::fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "too many sessions started in one second",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn same_second_sessions_get_distinct_folders() {
        let d = tempfile::tempdir().unwrap();
        let t = Local.with_ymd_and_hms(2026, 11, 25, 7, 30, 12).unwrap();
        let a = create_session_dir(d.path(), &t).unwrap();
        let b = create_session_dir(d.path(), &t).unwrap();
        assert!(a.ends_with("2026-11-25_07-30-12"));
        assert!(b.ends_with("2026-11-25_07-30-12-2"));
    }

    #[test]
    fn explicit_dir_wins() {
        assert_eq!(
            data_dir(Some(Path::new("/x"))).unwrap(),
            PathBuf::from("/x")
        );
    }
}
