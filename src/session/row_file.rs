//! An append-only CSV file written in whole rows.
//!
//! Rows are formatted into memory and written in one `write` per flush, so a
//! killed process leaves only whole rows behind. If a write fails (disk full),
//! the file is cut back to the last whole row, so what was written stays valid.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A CSV file that only ever holds whole rows.
pub struct RowFile {
    path: PathBuf,
    file: File,
    pending: Vec<u8>,
    pending_rows: u64,
    /// Bytes known to be in the file, all whole rows.
    committed: u64,
    rows: u64,
}

impl RowFile {
    /// Creates the file (it must not exist) and writes the header line.
    pub fn create(path: &Path, header: &str) -> std::io::Result<Self> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(header.as_bytes())?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            pending: Vec::with_capacity(64 * 1024),
            pending_rows: 0,
            committed: header.len() as u64,
            rows: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds one formatted row (`line` ends with a newline).
    pub fn push_row(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.pending);
        self.pending_rows += 1;
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
