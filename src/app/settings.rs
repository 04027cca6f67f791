//! Settings that persist between runs (eframe storage, RON).

use super::panels::source_picker::SourceSettings;
use super::panels::traces::TracesView;
use crate::analysis::Gains;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Key of the settings in eframe's storage.
pub const KEY: &str = "breathband-settings";

/// Everything the app remembers. Unknown or missing fields fall back to
/// defaults, so old settings always load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: SourceSettings,
    pub traces: TracesView,
    /// Pacer pattern in the `pacer` notation (`6`, `4-7-8`, `4-4-4-4`, ...).
    pub pattern: String,
    /// `tone` or `chime`.
    pub cue: String,
    /// 0..1.
    pub volume: f32,
    pub muted: bool,
    /// The one-time disclaimer was acknowledged.
    pub disclaimer_seen: bool,
    /// Length of a guided practice, minutes (3 to 10).
    pub practice_minutes: f64,
    /// Band gains measured side by side, by sensor (its device id), reused
    /// by later sessions with the same sensor.
    pub calibrations: BTreeMap<String, SavedCalibration>,
}

/// A side-by-side calibration kept for one sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedCalibration {
    pub gains: Gains,
    /// Local date it was measured (`2026-11-30`).
    pub measured_on: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            source: SourceSettings::default(),
            traces: TracesView::default(),
            pattern: "6".into(),
            cue: "tone".into(),
            volume: 0.5,
            muted: false,
            disclaimer_seen: false,
            practice_minutes: 5.0,
            calibrations: BTreeMap::new(),
        }
    }
}
