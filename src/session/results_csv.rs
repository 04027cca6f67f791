//! `windows.csv` and `breaths.csv`: the analysis engine's output, written as
//! the session runs (and by `analyze --csv`), in whole rows.

use super::row_file::RowFile;
use crate::analysis::{Breath, Class, NoSignalReason, WindowResult};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One `windows.csv` row: the columns, their order and their precision,
/// for writing (as the session runs, and `analyze --csv`) and reading back
/// (history, export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowRow {
    #[serde(serialize_with = "fixed::<3, _>")]
    pub t_s: f64,
    #[serde(serialize_with = "fixed_opt::<2, _>")]
    pub rate_bpm: Option<f64>,
    #[serde(serialize_with = "fixed::<4, _>")]
    pub chest_amp: f64,
    #[serde(serialize_with = "fixed::<4, _>")]
    pub belly_amp: f64,
    #[serde(serialize_with = "fixed_opt::<4, _>")]
    pub belly_share: Option<f64>,
    #[serde(serialize_with = "fixed_opt::<1, _>")]
    pub phase_deg: Option<f64>,
    #[serde(serialize_with = "fixed::<3, _>")]
    pub coherence: f64,
    #[serde(serialize_with = "fixed::<3, _>")]
    pub quality: f64,
    pub class: Class,
    pub label: Class,
    /// A reason this version does not know reads as none.
    #[serde(deserialize_with = "lenient_reason")]
    pub reason: Option<NoSignalReason>,
    pub over_breathing: u8,
    /// Absent in sessions recorded before it was written (then: `class`).
    #[serde(default)]
    pub spectral_class: Option<Class>,
}

impl From<&WindowResult> for WindowRow {
    fn from(w: &WindowResult) -> Self {
        Self {
            t_s: w.t_s,
            rate_bpm: w.rate_bpm,
            chest_amp: w.chest_amp,
            belly_amp: w.belly_amp,
            belly_share: w.belly_share,
            phase_deg: w.phase_deg,
            coherence: w.coherence,
            quality: w.quality,
            class: w.class,
            label: w.label,
            reason: w.reason,
            over_breathing: w.over_breathing as u8,
            spectral_class: Some(w.spectral_class),
        }
    }
}

impl From<WindowRow> for WindowResult {
    fn from(r: WindowRow) -> Self {
        Self {
            t_s: r.t_s,
            rate_bpm: r.rate_bpm,
            chest_amp: r.chest_amp,
            belly_amp: r.belly_amp,
            belly_share: r.belly_share,
            phase_deg: r.phase_deg,
            coherence: r.coherence,
            quality: r.quality,
            class: r.class,
            label: r.label,
            spectral_class: r.spectral_class.unwrap_or(r.class),
            reason: r.reason,
            over_breathing: r.over_breathing != 0,
            bands_off: [false; 2],
        }
    }
}

/// One `breaths.csv` row (see [`WindowRow`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreathRow {
    #[serde(serialize_with = "fixed::<3, _>")]
    pub inhale_start_s: f64,
    #[serde(serialize_with = "fixed::<3, _>")]
    pub exhale_start_s: f64,
    #[serde(serialize_with = "fixed::<3, _>")]
    pub end_s: f64,
    #[serde(serialize_with = "fixed::<4, _>")]
    pub chest_amp: f64,
    #[serde(serialize_with = "fixed::<4, _>")]
    pub belly_amp: f64,
    #[serde(serialize_with = "fixed::<4, _>")]
    pub belly_share: f64,
    #[serde(serialize_with = "fixed_opt::<1, _>")]
    pub phase_deg: Option<f64>,
    #[serde(serialize_with = "fixed::<2, _>")]
    pub rate_bpm: f64,
    pub class: Class,
}

impl From<&Breath> for BreathRow {
    fn from(x: &Breath) -> Self {
        Self {
            inhale_start_s: x.inhale_start_s,
            exhale_start_s: x.exhale_start_s,
            end_s: x.end_s,
            chest_amp: x.chest_amp,
            belly_amp: x.belly_amp,
            belly_share: x.belly_share,
            phase_deg: x.phase_deg,
            rate_bpm: x.rate_bpm,
            class: x.class,
        }
    }
}

impl From<BreathRow> for Breath {
    fn from(r: BreathRow) -> Self {
        Self {
            inhale_start_s: r.inhale_start_s,
            exhale_start_s: r.exhale_start_s,
            end_s: r.end_s,
            chest_amp: r.chest_amp,
            belly_amp: r.belly_amp,
            belly_share: r.belly_share,
            phase_deg: r.phase_deg,
            rate_bpm: r.rate_bpm,
            class: r.class,
        }
    }
}

/// `v` with `D` decimals.
fn fixed<const D: usize, S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{v:.D$}"))
}

/// `v` with `D` decimals, an empty field for none.
fn fixed_opt<const D: usize, S: serde::Serializer>(
    v: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => fixed::<D, S>(v, s),
        None => s.serialize_none(),
    }
}

fn lenient_reason<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NoSignalReason>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    Ok(s.and_then(|s| NoSignalReason::from_name(&s)))
}

/// The header line of a CSV of `T` rows (from its field names).
fn header<T: Serialize>(row: &T) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // A row of plain fields always serializes; its header is the first line.
    let _ = w.serialize(row);
    let bytes = w.into_inner().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    format!("{}\n", text.lines().next().unwrap_or(""))
}

/// Header of `windows.csv`.
pub fn windows_header() -> String {
    header(&WindowRow::from(&WindowResult::no_signal(0.0, None)))
}

/// Header of `breaths.csv`.
pub fn breaths_header() -> String {
    header(&BreathRow {
        inhale_start_s: 0.0,
        exhale_start_s: 0.0,
        end_s: 0.0,
        chest_amp: 0.0,
        belly_amp: 0.0,
        belly_share: 0.0,
        phase_deg: None,
        rate_bpm: 0.0,
        class: Class::NoSignal,
    })
}

/// Appends `row` and its line end to `b`.
fn push<T: Serialize>(b: &mut Vec<u8>, row: &T) {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(b);
    // Into a Vec<u8>: cannot fail.
    let _ = w.serialize(row);
    let _ = w.flush();
}

/// Appends one `windows.csv` row.
pub fn window_row(b: &mut Vec<u8>, w: &WindowResult) {
    push(b, &WindowRow::from(w));
}

/// Appends one `breaths.csv` row.
pub fn breath_row(b: &mut Vec<u8>, x: &Breath) {
    push(b, &BreathRow::from(x));
}

/// `windows.csv` and `breaths.csv` of one session.
pub struct ResultsCsv {
    pub windows: RowFile,
    pub breaths: RowFile,
}

impl ResultsCsv {
    /// Creates both files in `dir` (they must not exist).
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            windows: RowFile::create(&dir.join("windows.csv"), &windows_header())?,
            breaths: RowFile::create(&dir.join("breaths.csv"), &breaths_header())?,
        })
    }

    pub fn window(&mut self, w: &WindowResult) {
        self.windows.push_row(|b| window_row(b, w));
    }

    pub fn breath(&mut self, x: &Breath) {
        self.breaths.push_row(|b| breath_row(b, x));
    }

    /// Flushes both files (see [`RowFile::flush`]).
    pub fn flush(&mut self, durable: bool) -> std::io::Result<()> {
        self.windows.flush(durable)?;
        self.breaths.flush(durable)
    }
}
