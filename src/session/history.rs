//! Past sessions read back from the data directory: one [`SessionEntry`] per
//! session folder, with its practice record's summary, or for a plain
//! `record` (no practice record) a summary recomputed from
//! `windows.csv`/`breaths.csv`. A folder that cannot be read is listed as
//! `unreadable` with the reason; nothing here panics on bad files.

use super::meta::{SessionMeta, SessionStatus};
use super::results_csv::{BreathRow, WindowRow};
use crate::analysis::{Breath, WindowResult};
use crate::device::csv_records::LineLimit;
use crate::practice::journal::Journal;
use crate::practice::record::{Practice, Slot};
use crate::practice::summary::{summarize, Summary};
use crate::practice::trends::{compare, Comparison};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A `recording` session updated within this many seconds is taken to be
/// still running; older ones were interrupted (the process died).
pub const LIVE_WITHIN_S: i64 = 60;

/// How a session ended, as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Complete,
    /// Ended by the person before the planned time (`practice.stopped_early`).
    StoppedEarly,
    /// Left at `recording` by a process that died; its data reads back.
    Interrupted,
    /// Still being recorded (updated in the last minute).
    Recording,
    /// Ended by an error (disk full, device failure).
    Failed,
    /// `session.json` missing or broken: see `error`.
    Unreadable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::StoppedEarly => "stopped_early",
            Status::Interrupted => "interrupted",
            Status::Recording => "recording",
            Status::Failed => "failed",
            Status::Unreadable => "unreadable",
        }
    }
}

/// Where a summary came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SummarySource {
    /// `practice.summary` in `session.json`.
    Practice,
    /// Recomputed from `windows.csv` and `breaths.csv` over the whole recording.
    Files,
}

/// One session folder as read back.
#[derive(Debug, Clone)]
pub struct SessionEntry {
    /// Folder name (`2026-11-25_07-30-12`).
    pub id: String,
    pub path: PathBuf,
    pub status: Status,
    /// Why the session could not be read (status `unreadable`).
    pub error: Option<String>,
    /// Problems that did not stop it being listed (a bad practice record,
    /// a malformed CSV row).
    pub warnings: Vec<String>,
    pub meta: Option<SessionMeta>,
    pub practice: Option<Practice>,
    pub summary: Option<Summary>,
    pub summary_source: Option<SummarySource>,
}

impl SessionEntry {
    /// Local start time, with the offset it was recorded at.
    pub fn start_local(&self) -> Option<DateTime<FixedOffset>> {
        self.meta.as_ref().map(|m| m.start_local)
    }

    pub fn start_utc(&self) -> Option<DateTime<Utc>> {
        self.meta.as_ref().map(|m| m.start_utc)
    }

    /// The recorded slot, else the one of the local start hour.
    pub fn slot(&self) -> Option<Slot> {
        let recorded = self.practice.as_ref().and_then(|p| p.slot);
        recorded.or_else(|| self.start_local().map(|t| Slot::of(&t)))
    }

    /// Recording length, s.
    pub fn duration_s(&self) -> Option<f64> {
        self.meta.as_ref().map(|m| m.duration_s)
    }

    /// Minutes practised: the summary's span; 0 for a guided session that
    /// never reached the practice step; else (a plain recording) its length.
    pub fn minutes(&self) -> Option<f64> {
        if let Some(s) = &self.summary {
            return Some(s.minutes);
        }
        if self.practice.is_some() {
            return Some(0.0);
        }
        self.duration_s().map(|d| d / 60.0)
    }

    pub fn planned_min(&self) -> Option<f64> {
        self.practice.as_ref().and_then(|p| p.planned_min)
    }

    pub fn stopped_early(&self) -> Option<&str> {
        self.practice
            .as_ref()
            .and_then(|p| p.stopped_early.as_deref())
    }

    pub fn journal_before(&self) -> Option<&Journal> {
        self.practice
            .as_ref()
            .and_then(|p| p.journal_before.as_ref())
    }

    pub fn journal_after(&self) -> Option<&Journal> {
        self.practice
            .as_ref()
            .and_then(|p| p.journal_after.as_ref())
    }

    /// Dizzy before or after: yes if either says yes, no if one was
    /// answered, None if neither was.
    pub fn dizzy(&self) -> Option<bool> {
        let answers = [self.journal_before(), self.journal_after()];
        let answers = answers.iter().flatten().filter_map(|j| j.dizzy);
        answers.reduce(|a, b| a || b)
    }

    /// Safety events by kind (from the summary).
    pub fn events(&self) -> BTreeMap<String, u32> {
        self.summary
            .as_ref()
            .map(|s| s.events.clone())
            .unwrap_or_default()
    }

    pub fn belly_share(&self) -> Option<f64> {
        self.summary.as_ref().and_then(|s| s.belly_share)
    }

    /// Sort key: start time, else the folder name read as a local time.
    fn when(&self) -> (i64, String) {
        let t = self.start_utc().map(|t| t.timestamp_micros()).or_else(|| {
            let stem = self.id.get(..19)?;
            chrono::NaiveDateTime::parse_from_str(stem, "%Y-%m-%d_%H-%M-%S")
                .ok()
                .map(|t| t.and_utc().timestamp_micros())
        });
        (t.unwrap_or(i64::MAX), self.id.clone())
    }
}

/// Why the sessions could not be listed at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot list sessions in {}: {source}", path.display())]
pub struct HistoryError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// `DATA_DIR/sessions`.
pub fn sessions_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("sessions")
}

/// True for a folder name like `2026-11-25_07-30-12` or `...-12-2`.
pub fn is_session_name(name: &str) -> bool {
    let stem = name.get(..19).unwrap_or("");
    let tail = &name[stem.len()..];
    chrono::NaiveDateTime::parse_from_str(stem, "%Y-%m-%d_%H-%M-%S").is_ok()
        && (tail.is_empty()
            || tail
                .strip_prefix('-')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

/// All sessions under `DATA_DIR/sessions`, oldest first. A folder counts
/// when its name is a session name or it holds a `session.json`; others
/// (and files, and hidden folders) are skipped. No `sessions` folder means
/// no sessions. `now` tells running sessions from interrupted ones.
pub fn list_sessions(
    data_dir: &Path,
    now: DateTime<Utc>,
) -> Result<Vec<SessionEntry>, HistoryError> {
    let dir = sessions_dir(data_dir);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(HistoryError { path: dir, source }),
    };
    let mut out = Vec::new();
    for item in rd {
        let item = item.map_err(|source| HistoryError {
            path: dir.clone(),
            source,
        })?;
        let path = item.path();
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        if is_session_name(&name) || path.join("session.json").exists() {
            let mut e = read_session(&path, now);
            if item.file_name().to_str().is_none() {
                e.warnings.push(format!(
                    "the folder name is not valid UTF-8; shown as {name}"
                ));
            }
            out.push(e);
        }
    }
    out.sort_by_key(SessionEntry::when);
    Ok(out)
}

/// Reads one session folder (anywhere). Never fails: problems become
/// `unreadable` or a warning.
pub fn read_session(dir: &Path, now: DateTime<Utc>) -> SessionEntry {
    let id = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut e = SessionEntry {
        id,
        path: dir.to_path_buf(),
        status: Status::Unreadable,
        error: None,
        warnings: Vec::new(),
        meta: None,
        practice: None,
        summary: None,
        summary_source: None,
    };
    let meta = match SessionMeta::read(dir) {
        Ok(m) => m,
        Err(err) => {
            e.error = Some(err.to_string());
            return e;
        }
    };
    e.practice = meta.practice.clone();
    e.warnings.extend(meta.practice_warning.clone());
    e.status = status_of(&meta, e.practice.as_ref(), now);
    // What to summarize from the files, if anything: a plain recording
    // whole; an interrupted guided session from its practice step on (its
    // record's summary can be a few seconds old). A guided session that
    // never reached the practice has no summary: its warm-up breathing must
    // not count in trends and comparisons.
    let record = e.practice.as_ref().and_then(|p| p.summary.clone());
    let from_files = match &e.practice {
        None => Some((meta.start_s, meta.start_s + meta.duration_s)),
        Some(p) if e.status == Status::Interrupted => p.practice_start_s.map(|s| {
            let planned = p.planned_min.map_or(f64::INFINITY, |m| s + m * 60.0);
            (s, planned.min(meta.start_s + meta.duration_s))
        }),
        Some(_) => None,
    };
    if let Some((start_s, end_s)) = from_files {
        match (
            read_windows(&dir.join("windows.csv")),
            read_breaths(&dir.join("breaths.csv")),
        ) {
            (Ok(w), Ok(b)) => {
                e.summary = Some(summarize(&w, &b, &meta.safety_events, start_s, end_s));
                e.summary_source = Some(SummarySource::Files);
            }
            (Err(w), _) | (_, Err(w)) => e.warnings.push(w),
        }
    }
    if e.summary.is_none() && record.is_some() {
        e.summary = record;
        e.summary_source = Some(SummarySource::Practice);
    }
    e.meta = Some(meta);
    e
}

/// The listed status of a readable session.
pub fn status_of(meta: &SessionMeta, practice: Option<&Practice>, now: DateTime<Utc>) -> Status {
    match meta.status {
        SessionStatus::Failed => Status::Failed,
        SessionStatus::Recording if (now - meta.updated_utc).num_seconds() < LIVE_WITHIN_S => {
            Status::Recording
        }
        SessionStatus::Recording => Status::Interrupted,
        SessionStatus::Complete if practice.is_some_and(|p| p.stopped_early.is_some()) => {
            Status::StoppedEarly
        }
        SessionStatus::Complete => Status::Complete,
    }
}

/// Median belly shares of the sessions that started before `before`
/// (oldest first), for [`compare`].
pub fn shares_before(entries: &[SessionEntry], before: DateTime<Utc>) -> Vec<f64> {
    let mut v: Vec<(DateTime<Utc>, f64)> = entries
        .iter()
        .filter_map(|e| Some((e.start_utc()?, e.belly_share()?)))
        .filter(|(t, _)| *t < before)
        .collect();
    v.sort_by_key(|(t, _)| *t);
    v.into_iter().map(|(_, s)| s).collect()
}

/// Each session's comparison with the sessions before it.
pub fn trends(entries: &[SessionEntry]) -> Vec<Option<Comparison>> {
    entries
        .iter()
        .map(|e| compare(e.belly_share(), &shares_before(entries, e.start_utc()?)))
        .collect()
}

/// Reads a `windows.csv` back (a missing file is no windows).
pub fn read_windows(path: &Path) -> Result<Vec<WindowResult>, String> {
    read_rows(path, |r: WindowRow| r.into())
}

/// Reads a `breaths.csv` back (a missing file is no breaths).
pub fn read_breaths(path: &Path) -> Result<Vec<Breath>, String> {
    read_rows(path, |r: BreathRow| r.into())
}

/// Parses every row; a bad last row (torn by a crash) is dropped, a bad
/// row before it is an error naming the line.
fn read_rows<R: for<'de> Deserialize<'de>, T>(
    path: &Path,
    f: impl Fn(R) -> T,
) -> Result<Vec<T>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    // Our session CSVs hold numbers and names, never quotes: a record is a
    // line, and no line may grow past the limit (a broken or hostile file
    // must not take the memory).
    let mut rd = csv::ReaderBuilder::new()
        .quoting(false)
        .from_reader(LineLimit::numbered(std::io::BufReader::new(file)));
    let mut out = Vec::new();
    let mut bad: Option<String> = None;
    for row in rd.deserialize::<R>() {
        if let Some(msg) = bad.take() {
            return Err(msg);
        }
        match row {
            Ok(r) => out.push(f(r)),
            // A read error (a line past the limit) is never a torn row.
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(format!("{}: {e}", path.display()))
            }
            Err(e) => bad = Some(format!("{}: {e}", path.display())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Breath, Class, NoSignalReason};
    use crate::session::results_csv::{breath_row, breaths_header, window_row, windows_header};

    #[test]
    fn session_names() {
        assert!(is_session_name("2026-11-25_07-30-12"));
        assert!(is_session_name("2026-11-25_07-30-12-2"));
        for n in [
            "notes",
            "2026-11-25",
            "2026-13-25_07-30-12",
            "2026-11-25_07-30-12-",
            "2026-11-25_07-30-12x",
        ] {
            assert!(!is_session_name(n), "{n}");
        }
    }

    #[test]
    fn csv_rows_read_back_exactly_as_written() {
        let d = tempfile::tempdir().unwrap();
        let w = WindowResult {
            t_s: 12.0,
            rate_bpm: None,
            chest_amp: 1.5,
            belly_amp: 2.25,
            belly_share: Some(0.6),
            phase_deg: Some(-12.5),
            coherence: 0.5,
            quality: 0.75,
            class: Class::Mixed,
            label: Class::NoSignal,
            spectral_class: Class::Mixed,
            reason: Some(NoSignalReason::BandOff),
            over_breathing: true,
            bands_off: [false; 2],
        };
        let b = Breath {
            inhale_start_s: 1.0,
            exhale_start_s: 2.5,
            end_s: 6.0,
            chest_amp: 1.0,
            belly_amp: 3.0,
            belly_share: 0.75,
            phase_deg: None,
            rate_bpm: 12.0,
            class: Class::Paradoxical,
        };
        let mut bytes = windows_header().into_bytes();
        window_row(&mut bytes, &w);
        std::fs::write(d.path().join("w.csv"), &bytes).unwrap();
        let mut bytes = breaths_header().into_bytes();
        breath_row(&mut bytes, &b);
        bytes.extend_from_slice(b"7.0,8.5,1"); // torn by a crash
        std::fs::write(d.path().join("b.csv"), &bytes).unwrap();
        assert_eq!(read_windows(&d.path().join("w.csv")).unwrap(), vec![w]);
        assert_eq!(read_breaths(&d.path().join("b.csv")).unwrap(), vec![b]);
        assert!(read_windows(&d.path().join("none.csv")).unwrap().is_empty());
        // A bad row in the middle is an error with its line.
        bytes.extend_from_slice(b"\n");
        breath_row(&mut bytes, &b);
        std::fs::write(d.path().join("b.csv"), &bytes).unwrap();
        let e = read_breaths(&d.path().join("b.csv")).unwrap_err();
        assert!(e.contains("line: 3"), "{e}");
    }
}
