//! Replay of a recorded CSV or session folder as a [`Source`], in real time
//! or faster. Indices come from the file (`sample_index`, else `time_s`), so
//! gaps in the recording stay gaps.

use super::{BlockSink, ChannelMeta, DeviceInfo, Source, SourceError};
use crate::device::band_csv::{infer_rate, BandCsvReader, BandRow};
use crate::device::Counters;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows read ahead to infer the sample rate.
const LOOKAHEAD: usize = 256;
/// Most rows handed over per poll when replaying unpaced.
const UNPACED_BLOCK: usize = 4096;

/// Replays a band CSV. `speed` 1.0 is real time; 0 means as fast as possible.
pub struct ReplaySource {
    path: PathBuf,
    reader: BandCsvReader,
    ahead: VecDeque<BandRow>,
    rate_hz: f64,
    speed: f64,
    start: Option<Instant>,
    t0: f64,
    pairs: Vec<[i32; 2]>,
    /// A read error met after some rows of a block: reported on the next poll,
    /// after those rows were delivered.
    failed: Option<String>,
}

impl ReplaySource {
    pub fn open(path: &Path, speed: f64) -> Result<Self, SourceError> {
        let fatal = |e: crate::device::band_csv::BandCsvError| SourceError::Fatal(e.to_string());
        let mut reader = BandCsvReader::open(path).map_err(fatal)?;
        let mut ahead = VecDeque::new();
        while ahead.len() < LOOKAHEAD {
            match reader.next_row().map_err(fatal)? {
                Some(r) => ahead.push_back(r),
                None => break,
            }
        }
        let rows: Vec<BandRow> = ahead.iter().copied().collect();
        let rate_hz = infer_rate(reader.path(), &rows).map_err(fatal)?;
        Ok(Self {
            t0: rows[0].time_s,
            path: reader.path().to_path_buf(),
            reader,
            ahead,
            rate_hz,
            speed: speed.max(0.0),
            start: None,
            pairs: Vec::new(),
            failed: None,
        })
    }

    pub fn sample_rate_hz(&self) -> f64 {
        self.rate_hz
    }

    fn next_row(&mut self) -> Result<Option<BandRow>, SourceError> {
        if let Some(r) = self.ahead.pop_front() {
            return Ok(Some(r));
        }
        self.reader
            .next_row()
            .map_err(|e| SourceError::Fatal(e.to_string()))
    }

    fn index_of(&self, r: &BandRow) -> u64 {
        r.sample_index
            .unwrap_or_else(|| ((r.time_s - self.t0) * self.rate_hz).round().max(0.0) as u64)
    }
}

impl Source for ReplaySource {
    fn poll(&mut self, sink: &mut dyn BlockSink, _c: &Counters) -> Result<(), SourceError> {
        if let Some(e) = self.failed.take() {
            return Err(SourceError::Fatal(e));
        }
        let start = match self.start {
            Some(s) => s,
            None => {
                sink.info(DeviceInfo {
                    kind: "replay".into(),
                    path: Some(self.path.display().to_string()),
                    protocol: "replay".into(),
                    firmware_version: None,
                    device_id: None,
                    usb_serial_number: None,
                    usb_product: None,
                    sample_rate_hz: self.rate_hz,
                    rate_estimated: false,
                    channels: [ChannelMeta::raw("chest"), ChannelMeta::raw("belly")],
                });
                *self.start.insert(Instant::now())
            }
        };
        let until_s = if self.speed > 0.0 {
            std::thread::sleep(Duration::from_millis(10));
            self.t0 + start.elapsed().as_secs_f64() * self.speed
        } else {
            f64::INFINITY
        };
        self.pairs.clear();
        let mut first: Option<u64> = None;
        while self.pairs.len() < UNPACED_BLOCK {
            let row = match self.next_row() {
                Ok(r) => r,
                Err(e) => {
                    if let Some(f) = first {
                        sink.block(Some(f as u32), 0, &self.pairs);
                    }
                    self.failed = Some(e.to_string());
                    return Ok(());
                }
            };
            let Some(r) = row else {
                if let Some(f) = first {
                    sink.block(Some(f as u32), 0, &self.pairs);
                }
                return Err(SourceError::Ended);
            };
            if r.time_s > until_s {
                self.ahead.push_front(r);
                break;
            }
            let idx = self.index_of(&r);
            // A jump in the index ends the block: the gap is kept.
            if let Some(f) = first {
                if idx != f + self.pairs.len() as u64 {
                    self.ahead.push_front(r);
                    break;
                }
            }
            first.get_or_insert(idx);
            self.pairs
                .push([r.chest.round() as i32, r.belly.round() as i32]);
        }
        if let Some(f) = first {
            sink.block(Some(f as u32), 0, &self.pairs);
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!("replay of {}", self.path.display())
    }
}
