//! `samples.csv`, written while the session runs.
//!
//! Rows are formatted into memory and written in one `write` per flush, so a
//! killed process leaves only whole rows behind. If a write fails (disk full),
//! the file is cut back to the last whole row, so what was written stays valid.

use crate::acquisition::Sample;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Header line of `samples.csv`.
pub const HEADER: &str = "time_s,sample_index,chest,belly,flags\n";

/// Appends sample rows to `samples.csv`.
pub struct SamplesCsvWriter {
    path: PathBuf,
    file: File,
    rate_hz: f64,
    pending: Vec<u8>,
    pending_rows: u64,
    /// Bytes known to be in the file, all whole rows.
    committed: u64,
    rows: u64,
}

impl SamplesCsvWriter {
    /// Creates the file (it must not exist) and writes the header.
    pub fn create(path: &Path, rate_hz: f64) -> std::io::Result<Self> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(HEADER.as_bytes())?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            rate_hz,
            pending: Vec::with_capacity(64 * 1024),
            pending_rows: 0,
            committed: HEADER.len() as u64,
            rows: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Formats rows into memory (written at the next [`flush`](Self::flush)).
    pub fn append(&mut self, samples: &[Sample]) {
        for s in samples {
            // Display of f64 never uses a locale or an exponent here.
            let _ = writeln!(
                self.pending,
                "{:.6},{},{},{},{}",
                s.index as f64 / self.rate_hz,
                s.index,
                s.chest,
                s.belly,
                s.flags
            );
        }
        self.pending_rows += samples.len() as u64;
    }

    /// Rows in the file (not counting rows still pending).
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Rows formatted but not yet written.
    pub fn rows_pending(&self) -> u64 {
        self.pending_rows
    }

    /// Writes pending rows; with `durable`, also asks the OS to put them on disk.
    /// On error the file is cut back to its last whole row and the pending
    /// rows are kept in memory.
    pub fn flush(&mut self, durable: bool) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            if let Err(e) = self.file.write_all(&self.pending) {
                let _ = self.file.set_len(self.committed);
                let _ = self.file.seek(SeekFrom::Start(self.committed));
                return Err(e);
            }
            self.committed += self.pending.len() as u64;
            self.rows += self.pending_rows;
            self.pending.clear();
            self.pending_rows = 0;
        }
        if durable {
            self.file.sync_data()?;
        }
        Ok(())
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
