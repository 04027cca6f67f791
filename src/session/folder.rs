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

/// An output path that would write over a recording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputClash {
    #[error("{} is the input: choose another output file", out.display())]
    IsInput { out: PathBuf },
    #[error(
        "{} is inside the session folder {}: a session's files are never written over, \
         choose a path outside it",
        out.display(),
        session.display()
    )]
    InSession { out: PathBuf, session: PathBuf },
}

/// Refuses an output path that lies in (or is) a session folder, is one
/// of `inputs` or lies inside an input folder (one holding
/// `session.json`). Symlinks are followed, so another name for the same
/// file is caught too.
pub fn check_output(out: &Path, inputs: &[&Path]) -> Result<(), OutputClash> {
    let target = resolved(out);
    if let Some(session) = target
        .ancestors()
        .find(|a| a.join("session.json").is_file())
    {
        return Err(OutputClash::InSession {
            out: out.to_path_buf(),
            session: session.to_path_buf(),
        });
    }
    for input in inputs {
        let i = resolved(input);
        if target == i || (input.is_dir() && target.starts_with(&i)) {
            return Err(OutputClash::IsInput {
                out: out.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// `p` made absolute with its symlinks resolved, as far as it exists.
fn resolved(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // Resolve the longest existing ancestor and keep the rest as written.
    let mut tail = Vec::new();
    let mut head = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(head) {
            return tail.iter().rev().fold(c, |acc: PathBuf, t| acc.join(t));
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                head = parent;
            }
            _ => return abs,
        }
    }
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

    #[test]
    fn outputs_over_inputs_or_into_sessions_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let s = d.path().join("s");
        std::fs::create_dir(&s).unwrap();
        std::fs::write(s.join("session.json"), "{}").unwrap();
        std::fs::write(s.join("samples.csv"), "x").unwrap();
        let csv = d.path().join("in.csv");
        std::fs::write(&csv, "x").unwrap();
        let is_input = |r| matches!(r, Err(OutputClash::IsInput { .. }));
        let in_session = |r| matches!(r, Err(OutputClash::InSession { .. }));
        assert!(in_session(check_output(&s.join("samples.csv"), &[&s])));
        assert!(is_input(check_output(&csv, &[&csv])));
        // Another name for the same file.
        std::os::unix::fs::symlink(&csv, d.path().join("link.csv")).unwrap();
        assert!(is_input(check_output(&d.path().join("link.csv"), &[&csv])));
        let dotted = d.path().join("s/../in.csv");
        assert!(is_input(check_output(&dotted, &[&csv])));
        assert!(in_session(check_output(&s.join("samples.csv"), &[&csv])));
        assert!(in_session(check_output(&s.join("new/x.csv"), &[])));
        assert!(in_session(check_output(&s, &[])));
        assert_eq!(check_output(&d.path().join("out.csv"), &[&csv, &s]), Ok(()));
        assert_eq!(check_output(&d.path().join("new/out"), &[]), Ok(()));
    }
}
