//! `samples.csv`, written while the session runs (whole rows only, see
//! [`RowFile`]).

use super::row_file::RowFile;
use crate::sample::Sample;
use std::io::Write;
use std::path::Path;

/// Header line of `samples.csv`.
pub const HEADER: &str = "time_s,sample_index,chest,belly,flags\n";

/// Appends sample rows to `samples.csv`.
pub struct SamplesCsvWriter {
    file: RowFile,
    rate_hz: f64,
}

impl SamplesCsvWriter {
    /// Creates the file (it must not exist) and writes the header.
    pub fn create(path: &Path, rate_hz: f64) -> std::io::Result<Self> {
        Ok(Self {
            file: RowFile::create(path, HEADER)?,
            rate_hz,
        })
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Formats rows into memory (written at the next [`flush`](Self::flush)).
    pub fn append(&mut self, samples: &[Sample]) {
        for s in samples {
            // Display of f64 never uses a locale or an exponent here.
            self.file.push_row(|b| {
                let _ = writeln!(
                    b,
                    "{:.6},{},{},{},{}",
                    s.index as f64 / self.rate_hz,
                    s.index,
                    s.chest,
                    s.belly,
                    s.flags
                );
            });
        }
    }

    /// Rows in the file (not counting rows still pending).
    pub fn rows_written(&self) -> u64 {
        self.file.rows_written()
    }

    /// Rows formatted but not yet written.
    pub fn rows_pending(&self) -> u64 {
        self.file.rows_pending()
    }

    /// See [`RowFile::flush`].
    pub fn flush(&mut self, durable: bool) -> std::io::Result<()> {
        self.file.flush(durable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_use_dot_decimals_and_index_time() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("samples.csv");
        let mut w = SamplesCsvWriter::create(&p, 128.0).unwrap();
        w.append(&[
            Sample {
                index: 0,
                chest: 1,
                belly: -2,
                flags: 0,
            },
            Sample {
                index: 129,
                chest: 3,
                belly: 4,
                flags: 32,
            },
        ]);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            HEADER,
            "nothing before flush"
        );
        w.flush(true).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            format!("{HEADER}0.000000,0,1,-2,0\n1.007812,129,3,4,32\n")
        );
        assert_eq!(w.rows_written(), 2);
    }

    #[test]
    fn refuses_to_overwrite_an_existing_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("samples.csv");
        std::fs::write(&p, "keep").unwrap();
        assert!(SamplesCsvWriter::create(&p, 100.0).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "keep");
    }
}
