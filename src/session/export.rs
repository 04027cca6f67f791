//! Export: copies of session folders and a `history.csv` that opens in a
//! spreadsheet. Nothing is ever overwritten: every target is checked before
//! anything is written, and an existing one is refused.

use super::history::{sessions_dir, SessionEntry};
use std::path::{Path, PathBuf};

/// The files copied from a session folder (those that exist).
pub const SESSION_FILES: [&str; 4] = ["samples.csv", "windows.csv", "breaths.csv", "session.json"];
/// Name of the history table in the export folder.
pub const HISTORY_CSV: &str = "history.csv";
/// Columns of `history.csv`.
pub const HISTORY_COLUMNS: [&str; 19] = [
    "id",
    "date",
    "time",
    "slot",
    "duration_min",
    "status",
    "belly_share",
    "rate_bpm",
    "pain_before",
    "pain_after",
    "tension_before",
    "tension_after",
    "dizzy",
    "stopped_early",
    "events",
    "practised_min",
    "planned_min",
    "note_before",
    "note_after",
];

/// Why an export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("unknown session '{arg}': not a session folder, nor a session id in {} (see `breathband sessions`)", sessions.display())]
    UnknownSession { arg: String, sessions: PathBuf },
    #[error("{} already exists: export to a new --out folder (nothing was written)", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A session named by a folder path (holding at least one session file),
/// else by its id under `DATA_DIR/sessions`.
pub fn resolve_session(arg: &str, data_dir: &Path) -> Result<PathBuf, ExportError> {
    let has_files = |p: &Path| SESSION_FILES.iter().any(|f| p.join(f).is_file());
    let as_path = Path::new(arg);
    let sessions = sessions_dir(data_dir);
    let plain_id = !arg.is_empty() && !arg.contains(['/', '\\']) && arg != "." && arg != "..";
    if has_files(as_path) {
        Ok(as_path.to_path_buf())
    } else if plain_id && sessions.join(arg).is_dir() {
        Ok(sessions.join(arg))
    } else {
        Err(ExportError::UnknownSession {
            arg: arg.to_string(),
            sessions,
        })
    }
}

/// Copies each session into `out/<id>/` and writes `out/history.csv` with
/// one row per session. `out` is created if needed; if `out/history.csv`
/// or any `out/<id>` exists, nothing is written. Each folder is filled under
/// a temporary name and renamed when whole. Returns the folders written.
pub fn export(entries: &[SessionEntry], out: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let targets: Vec<PathBuf> = entries.iter().map(|e| out.join(&e.id)).collect();
    let history = out.join(HISTORY_CSV);
    if let Some(p) = std::iter::once(&history)
        .chain(&targets)
        .find(|p| p.exists())
    {
        return Err(ExportError::Exists(p.clone()));
    }
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(werr(out))?;
    // On an error, the folders made so far are removed: a retry starts clean.
    let mut made = Vec::new();
    let r = (|| {
        for (e, target) in entries.iter().zip(&targets) {
            copy_session(&e.path, out, target)?;
            made.push(target);
        }
        write_new(&history, &history_csv(entries))
    })();
    if r.is_err() {
        made.iter().for_each(|p| drop(std::fs::remove_dir_all(p)));
    }
    r.map(|()| targets)
}

/// One session's EDF+ export: the file written and what it holds, or why
/// it could not be written (the others are still written).
pub type EdfOutcome = Result<(PathBuf, super::edf::EdfWritten), String>;

/// Writes each session as `out/<id>.edf` (EDF+C). If any target exists,
/// nothing is written. Each file is written under a temporary name and
/// linked into place whole, so a file of that name is complete.
pub fn export_edf(entries: &[SessionEntry], out: &Path) -> Result<Vec<EdfOutcome>, ExportError> {
    let targets: Vec<PathBuf> = entries
        .iter()
        .map(|e| out.join(format!("{}.edf", e.id)))
        .collect();
    if let Some(p) = targets.iter().find(|p| p.exists()) {
        return Err(ExportError::Exists(p.clone()));
    }
    std::fs::create_dir_all(out).map_err(|source| ExportError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let one = |e: &SessionEntry, target: &Path| -> EdfOutcome {
        let tmp = tempfile::Builder::new()
            .prefix(".export-")
            .tempdir_in(out)
            .map_err(|err| format!("cannot write in {}: {err}", out.display()))?;
        let part = tmp.path().join("session.edf");
        let written = super::edf::write_session(&e.path, &part).map_err(|err| err.to_string())?;
        // A hard link never replaces a file that appeared meanwhile.
        std::fs::hard_link(&part, target)
            .map_err(|err| format!("cannot write {}: {err}", target.display()))?;
        Ok((target.to_path_buf(), written))
    };
    Ok(entries
        .iter()
        .zip(&targets)
        .map(|(e, t)| one(e, t))
        .collect())
}

/// Copies the session files of `from` into a temporary folder in `out`,
/// renamed to `target` when whole.
fn copy_session(from: &Path, out: &Path, target: &Path) -> Result<(), ExportError> {
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    let tmp = tempfile::Builder::new()
        .prefix(".export-")
        .tempdir_in(out)
        .map_err(werr(out))?;
    for name in SESSION_FILES {
        let src = from.join(name);
        // Only the session's own files: a symbolic link (which could point
        // anywhere outside the data dir) is not followed.
        match std::fs::symlink_metadata(&src) {
            Ok(m) if m.file_type().is_symlink() => {
                tracing::warn!("{} is a symbolic link: not exported", src.display());
            }
            Ok(m) if m.is_file() => {
                let to = tmp.path().join(name);
                std::fs::copy(&src, &to).map_err(werr(&to))?;
            }
            _ => {}
        }
    }
    // Renamed away: dropping `tmp` then finds nothing to remove.
    std::fs::rename(tmp.path(), target).map_err(werr(target))
}

/// Writes a file that must not exist yet (temporary file, then a rename
/// that refuses to replace).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let werr = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(werr)?;
    std::io::Write::write_all(&mut file, bytes).map_err(werr)?;
    file.persist_noclobber(path)
        .map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => ExportError::Exists(path.to_path_buf()),
            _ => werr(e.error),
        })?;
    Ok(())
}

/// `history.csv`: a header, then one row per session; dot decimals, empty
/// cells for missing values, quoting by the csv crate.
pub fn history_csv(entries: &[SessionEntry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(HISTORY_COLUMNS);
    for e in entries {
        let _ = w.write_record(history_row(e));
    }
    w.into_inner().unwrap_or_default()
}

/// One `history.csv` row, cells in [`HISTORY_COLUMNS`] order.
pub fn history_row(e: &SessionEntry) -> [String; 19] {
    let num = |v: Option<f64>, digits: usize| v.map_or(String::new(), |v| format!("{v:.digits$}"));
    let int = |v: Option<u8>| v.map_or(String::new(), |v| v.to_string());
    let start = e.start_local();
    let before = e.journal_before();
    let after = e.journal_after();
    let events: Vec<String> = e.events().iter().map(|(k, n)| format!("{k}:{n}")).collect();
    [
        e.id.clone(),
        start.map_or(String::new(), |t| t.format("%Y-%m-%d").to_string()),
        start.map_or(String::new(), |t| t.format("%H:%M").to_string()),
        e.slot().map_or("", |s| s.name()).to_string(),
        num(e.duration_s().map(|d| d / 60.0), 1),
        e.status.name().to_string(),
        num(e.belly_share(), 3),
        num(e.summary.as_ref().and_then(|s| s.rate_bpm), 1),
        int(before.and_then(|j| j.neck_pain)),
        int(after.and_then(|j| j.neck_pain)),
        int(before.and_then(|j| j.tension)),
        int(after.and_then(|j| j.tension)),
        e.dizzy()
            .map_or("", |d| if d { "yes" } else { "no" })
            .to_string(),
        e.stopped_early().map_or(String::new(), defuse_formula),
        events.join(" "),
        num(e.minutes(), 1),
        num(e.planned_min(), 1),
        note(before),
        note(after),
    ]
}

/// A journal note as a cell (the csv crate quotes commas and line breaks).
fn note(j: Option<&crate::practice::journal::Journal>) -> String {
    j.and_then(|j| j.note.as_deref())
        .map_or(String::new(), defuse_formula)
}

/// Free text that a spreadsheet would run as a formula gets a leading `'`.
fn defuse_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::record::Practice;
    use crate::session::history::Status;

    #[test]
    fn missing_values_are_empty_cells_and_formulas_are_defused() {
        let e = SessionEntry {
            id: "2026-03-09_07-00-00".into(),
            path: PathBuf::from("x"),
            status: Status::Unreadable,
            error: Some("broken".into()),
            warnings: Vec::new(),
            meta: None,
            practice: Some(Practice {
                stopped_early: Some("=HYPERLINK(\"x\")".into()),
                journal_after: crate::practice::journal::Journal::new(
                    None,
                    None,
                    None,
                    Some("-neck stiff, better\nafter"),
                )
                .ok(),
                ..Default::default()
            }),
            summary: None,
            summary_source: None,
        };
        let row = history_row(&e);
        assert_eq!(row[1..5], ["", "", "", ""]);
        assert_eq!(row[13], "'=HYPERLINK(\"x\")");
        assert_eq!(row[17..], ["", "'-neck stiff, better\nafter"]);
        let text = String::from_utf8(history_csv(&[e])).unwrap();
        assert!(text.starts_with("id,date,time,slot,duration_min,status,"));
        assert!(text.contains(",unreadable,"), "{text}");
        assert!(
            text.contains(r#""'=HYPERLINK(""x"")""#),
            "quoted by csv: {text}"
        );
        // The note with its comma and line break reads back as one cell.
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let rec = rd.records().next().unwrap().unwrap();
        assert_eq!(&rec[18], "'-neck stiff, better\nafter");
    }
}
