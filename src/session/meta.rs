//! `session.json`: what a session was, written atomically while it runs.

use crate::acquisition::CounterSnapshot;
use crate::analysis::Gains;
use crate::device::DeviceInfo;
use crate::practice::record::Practice;
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the session folder format.
pub const FORMAT_VERSION: u32 = 1;

/// A `session.json` that could not be read or rewritten.
#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: larger than {} MiB, not a session.json breathband wrote", path.display(), MAX_META_BYTES >> 20)]
    TooLarge { path: PathBuf },
}

/// Largest `session.json` read (one written by a long session with many
/// link events is a few hundred kB).
pub const MAX_META_BYTES: u64 = 64 << 20;

/// State of a session as last written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Still being written (or the writer died: see `updated_utc`).
    #[default]
    Recording,
    /// Ended normally.
    Complete,
    /// Ended by an error (disk full, device failure): data so far is valid.
    Failed,
}

/// A stretch of samples lost on the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Session index of the first sample after the gap.
    pub index: u64,
    pub time_s: f64,
    pub lost_samples: u64,
    /// The count is estimated from the host clock (device restarted).
    pub estimated: bool,
}

/// A link event worth keeping (link lost, reconnected, warnings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkEvent {
    pub utc: DateTime<Utc>,
    /// Session time of the last sample written when it happened.
    pub time_s: f64,
    pub kind: String,
    pub detail: String,
}

/// Contents of `session.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub format_version: u32,
    pub software_version: String,
    pub start_utc: DateTime<Utc>,
    pub start_local: DateTime<FixedOffset>,
    pub updated_utc: DateTime<Utc>,
    pub end_utc: Option<DateTime<Utc>>,
    pub status: SessionStatus,
    /// Why it ended (`seconds reached`, `stopped by user`, an error).
    pub end_reason: Option<String>,
    pub source: DeviceInfo,
    pub sample_rate_hz: f64,
    /// The band gains in use: set when the folder is created, updated by a
    /// calibration during the session. A session.json without usable gains
    /// (an empty or foreign `calibration`) still loads, with none.
    #[serde(
        default,
        deserialize_with = "lenient_gains",
        skip_serializing_if = "Option::is_none"
    )]
    pub calibration: Option<Gains>,
    pub counters: CounterSnapshot,
    pub samples_written: u64,
    /// Length of the recording, from its first sample to its last, s.
    pub duration_s: f64,
    /// Session time (`time_s` in samples.csv) of the first sample written,
    /// s: 0 for `record`; later for the app, which records from a stream
    /// that was already running.
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub gaps: Vec<Gap>,
    #[serde(default)]
    pub events: Vec<LinkEvent>,
    /// Over-breathing, breath holds and signal losses seen by the live
    /// analysis (an event that ended appears once, with its end).
    #[serde(default)]
    pub safety_events: Vec<crate::analysis::SafetyEvent>,
    /// The guided practice record (slot, journal, summary, why it stopped),
    /// for sessions recorded by the app's practice program. An invalid
    /// record (a pain score of 12) loads as none, with
    /// [`Self::practice_warning`] saying why.
    #[serde(
        default,
        deserialize_with = "lenient_practice",
        skip_serializing_if = "Option::is_none"
    )]
    pub practice: Option<Practice>,
    /// Why a `practice` record in the file was not loaded (set by
    /// [`Self::read`]; never written).
    #[serde(skip)]
    pub practice_warning: Option<String>,
}

impl SessionMeta {
    pub fn new(source: DeviceInfo, start: DateTime<Utc>) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            software_version: env!("CARGO_PKG_VERSION").into(),
            start_utc: start,
            start_local: start.with_timezone(&chrono::Local).fixed_offset(),
            updated_utc: start,
            end_utc: None,
            status: SessionStatus::Recording,
            end_reason: None,
            sample_rate_hz: source.sample_rate_hz,
            source,
            calibration: None,
            counters: CounterSnapshot::default(),
            samples_written: 0,
            duration_s: 0.0,
            start_s: 0.0,
            gaps: Vec::new(),
            events: Vec::new(),
            safety_events: Vec::new(),
            practice: None,
            practice_warning: None,
        }
    }

    /// Writes `session.json` in `dir` atomically (temp file, fsync, rename):
    /// a crash leaves the previous or the new version, never a torn file.
    pub fn write_atomic(&self, dir: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        // One buffer, one write: the file is rewritten on every flush.
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_data()?;
        tmp.persist(dir.join("session.json")).map_err(|e| e.error)?;
        Ok(())
    }

    /// Replaces the `practice` record of the closed session in `dir` (a
    /// journal entered after the session ended), keeping everything else.
    pub fn update_practice(dir: &Path, practice: Practice) -> Result<(), MetaError> {
        let mut m = Self::read(dir)?;
        m.practice = Some(practice);
        m.write_atomic(dir).map_err(|source| MetaError::Io {
            path: dir.join("session.json"),
            source,
        })
    }

    /// The gains a recording in `path` was made with, if `path` is a
    /// session folder: its calibration, else its device's own scale.
    pub fn gains_of(path: &Path) -> Option<Gains> {
        if !path.is_dir() {
            return None;
        }
        let meta = Self::read(path).ok()?;
        Some(
            meta.calibration
                .unwrap_or_else(|| Gains::from_scales(meta.source.scales())),
        )
    }

    /// Reads `session.json` from a session folder.
    pub fn read(dir: &Path) -> Result<Self, MetaError> {
        let path = dir.join("session.json");
        let text = match read_bounded(&path) {
            Ok(Some(t)) => t,
            Ok(None) => return Err(MetaError::TooLarge { path }),
            Err(source) => return Err(MetaError::Io { path, source }),
        };
        let mut m: Self = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(source) => return Err(MetaError::Json { path, source }),
        };
        if m.practice.is_none() {
            m.practice_warning = practice_error(&text);
        }
        Ok(m)
    }
}

/// The file's text, or `None` when it is over [`MAX_META_BYTES`].
fn read_bounded(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_META_BYTES + 1)
        .read_to_string(&mut text)?;
    Ok((text.len() as u64 <= MAX_META_BYTES).then_some(text))
}

/// Why the `practice` record in `text` (a valid `session.json`) does not
/// load, if it is there and does not.
fn practice_error(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Only {
        practice: Option<serde_json::Value>,
    }
    let v = serde_json::from_str::<Only>(text).ok()?.practice?;
    let e = Practice::deserialize(v).err()?;
    Some(format!("practice record: {e}"))
}

/// The practice record if the value is a valid one, else none.
fn lenient_practice<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Practice>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// Gains if the value is a valid set of them, else none.
fn lenient_gains<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Gains>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// session.json as `breathband record --virtual` wrote it at d1f94f0.
    const OLD: &str = include_str!("../../tests/fixtures/session_d1f94f0.json");

    #[test]
    fn a_session_json_of_the_previous_release_loads_with_its_gains() {
        let m: SessionMeta = serde_json::from_str(OLD).unwrap();
        let g = m.calibration.clone().expect("gains");
        assert_eq!((g.chest, g.belly), (1.0, 1.0));
        assert_eq!((g.method.as_str(), g.unit.as_str()), ("raw", "counts"));
        assert_eq!(m.status, SessionStatus::Complete);
        // Written back, the calibration keeps its shape.
        let v = serde_json::to_value(&m).unwrap();
        let old: serde_json::Value = serde_json::from_str(OLD).unwrap();
        assert_eq!(v["calibration"], old["calibration"]);
    }

    #[test]
    fn empty_or_foreign_gains_load_as_none() {
        let mut old: serde_json::Value = serde_json::from_str(OLD).unwrap();
        for c in [serde_json::json!({}), serde_json::json!({"chest": "x"})] {
            old["calibration"] = c;
            let m: SessionMeta = serde_json::from_value(old.clone()).unwrap();
            assert_eq!(m.calibration, None);
        }
        old.as_object_mut().unwrap().remove("calibration");
        let m: SessionMeta = serde_json::from_value(old).unwrap();
        assert_eq!(m.calibration, None);
    }
}
