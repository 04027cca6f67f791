//! `windows.csv` and `breaths.csv`: the analysis engine's output, written as
//! the session runs (and by `analyze --csv`), in whole rows.

use super::row_file::RowFile;
use crate::analysis::{Breath, WindowResult};
use std::io::Write;
use std::path::Path;

/// Header of `windows.csv`.
pub const WINDOWS_HEADER: &str = "t_s,rate_bpm,chest_amp,belly_amp,belly_share,phase_deg,coherence,quality,class,label,reason,over_breathing,spectral_class\n";
/// Header of `breaths.csv`.
pub const BREATHS_HEADER: &str =
    "inhale_start_s,exhale_start_s,end_s,chest_amp,belly_amp,belly_share,phase_deg,rate_bpm,class\n";

struct Opt(Option<f64>, usize);
impl std::fmt::Display for Opt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v:.*}", self.1),
            None => Ok(()),
        }
    }
}

/// Appends one `windows.csv` row.
pub fn window_row(b: &mut Vec<u8>, w: &WindowResult) {
    let _ = writeln!(
        b,
        "{:.3},{},{:.4},{:.4},{},{},{:.3},{:.3},{},{},{},{},{}",
        w.t_s,
        Opt(w.rate_bpm, 2),
        w.chest_amp,
        w.belly_amp,
        Opt(w.belly_share, 4),
        Opt(w.phase_deg, 1),
        w.coherence,
        w.quality,
        w.class.name(),
        w.label.name(),
        w.reason.map_or("", |r| r.name()),
        w.over_breathing as u8,
        w.spectral_class.name()
    );
}

/// Appends one `breaths.csv` row.
pub fn breath_row(b: &mut Vec<u8>, x: &Breath) {
    let _ = writeln!(
        b,
        "{:.3},{:.3},{:.3},{:.4},{:.4},{:.4},{},{:.2},{}",
        x.inhale_start_s,
        x.exhale_start_s,
        x.end_s,
        x.chest_amp,
        x.belly_amp,
        x.belly_share,
        Opt(x.phase_deg, 1),
        x.rate_bpm,
        x.class.name()
    );
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
            windows: RowFile::create(&dir.join("windows.csv"), WINDOWS_HEADER)?,
            breaths: RowFile::create(&dir.join("breaths.csv"), BREATHS_HEADER)?,
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
