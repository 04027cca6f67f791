//! Reading ahead on threads of their own: gzip inflating, and parsing of
//! band rows, each in chunks through a bounded channel, so that a whole-file
//! `analyze` inflates, parses and analyses at once on as many cores.

use super::band_csv::{BandCsvError, BandCsvReader, BandRow};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};

/// Chunks (inflated bytes, or parsed rows) in flight between threads.
const CHUNKS_IN_FLIGHT: usize = 8;
/// Bytes per inflated chunk.
const INFLATE_CHUNK: usize = 1 << 16;
/// Rows per parsed chunk.
const ROW_CHUNK: usize = 8192;

/// A reader whose source (a gzip decoder) runs on a thread of its own.
pub struct InflateThread {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl InflateThread {
    /// Starts reading `src` ahead; a failure to start the thread is the
    /// first read's error.
    pub fn spawn(mut src: impl Read + Send + 'static) -> Self {
        let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
        let failed = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("inflate".into())
            .spawn(move || loop {
                let mut buf = vec![0u8; INFLATE_CHUNK];
                let r = src.read(&mut buf).map(|n| {
                    buf.truncate(n);
                    buf
                });
                let end = matches!(&r, Ok(b) if b.is_empty()) || r.is_err();
                if tx.send(r).is_err() || end {
                    return;
                }
            });
        if let Err(e) = spawned {
            let _ = failed.send(Err(e));
        }
        Self {
            rx,
            chunk: Vec::new(),
            pos: 0,
        }
    }
}

impl Read for InflateThread {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The thread ended after the last chunk (or an error).
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Band rows parsed ahead on a thread of their own: the same rows and the
/// same errors, in the same order, as [`BandCsvReader::next_row`].
pub struct RowThread {
    path: PathBuf,
    rx: Receiver<Result<Vec<BandRow>, BandCsvError>>,
    rows: std::vec::IntoIter<BandRow>,
}

impl RowThread {
    /// Starts parsing the rest of `reader` ahead.
    pub fn spawn(mut reader: BandCsvReader) -> Result<Self, BandCsvError> {
        let path = reader.path().to_path_buf();
        let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
        std::thread::Builder::new()
            .name("parse".into())
            .spawn(move || loop {
                let mut chunk = Vec::with_capacity(ROW_CHUNK);
                let mut end = false;
                while chunk.len() < ROW_CHUNK {
                    match reader.next_row() {
                        Ok(Some(r)) => chunk.push(r),
                        Ok(None) => {
                            end = true;
                            break;
                        }
                        Err(e) => {
                            // Rows before the error first, then the error.
                            let _ = tx.send(Ok(chunk));
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                if tx.send(Ok(chunk)).is_err() || end {
                    return;
                }
            })
            .map_err(|source| BandCsvError::Open {
                path: path.clone(),
                source,
            })?;
        Ok(Self {
            path,
            rx,
            rows: Vec::new().into_iter(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next row, `Ok(None)` at the end. Errors name the line.
    pub fn next_row(&mut self) -> Result<Option<BandRow>, BandCsvError> {
        loop {
            if let Some(r) = self.rows.next() {
                return Ok(Some(r));
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => self.rows = chunk.into_iter(),
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::band_csv::tests::file;

    #[test]
    fn rows_ahead_match_rows_inline_across_chunks_and_end_with_the_same_error() {
        let mut text = String::from("time_s,chest,belly\n");
        for i in 0..(2 * ROW_CHUNK + 17) {
            text += &format!("{},{},{}\n", i as f64 * 0.01, i, -(i as i64));
        }
        text += "99999,x,1\n";
        let f = file(&text);
        let mut inline = BandCsvReader::open(f.path()).unwrap();
        let mut ahead = RowThread::spawn(BandCsvReader::open(f.path()).unwrap()).unwrap();
        let mut n = 0;
        loop {
            match (inline.next_row(), ahead.next_row()) {
                (Ok(Some(a)), Ok(Some(b))) => {
                    assert_eq!(a, b);
                    n += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a.to_string(), b.to_string());
                    assert!(a.to_string().contains("line"), "{a}");
                    break;
                }
                (a, b) => panic!("after {n} rows: {a:?} vs {b:?}"),
            }
        }
        assert_eq!(n, 2 * ROW_CHUNK + 17);
    }

    #[test]
    fn inflated_bytes_arrive_whole_and_in_order() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        InflateThread::spawn(std::io::Cursor::new(data.clone()))
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }
}
