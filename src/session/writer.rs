//! A session folder being written: `samples.csv`, `session.json`, and the
//! live analysis' `windows.csv` and `breaths.csv`, in whole rows, flushed and
//! synced at least twice a second.

use super::folder::create_session_dir;
use super::meta::{Gap, LinkEvent, SessionMeta, SessionStatus};
use super::results_csv::ResultsCsv;
use super::samples_csv::SamplesCsvWriter;
use crate::acquisition::{AcqEvent, CounterSnapshot, Sample};
use crate::analysis::{Gains, Output};
use crate::device::DeviceInfo;
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the session folder goes.
#[derive(Debug, Clone)]
pub enum SessionTarget {
    /// A new folder named by the start time, inside this one.
    Under(PathBuf),
    /// Exactly this folder (created; must be empty if it exists).
    Exact(PathBuf),
}

/// A session folder that could not be created.
#[derive(Debug, thiserror::Error)]
#[error("cannot create a session folder in {path}: {source}; pass --data-dir DIR or set BREATHBAND_DATA_DIR to a writable folder")]
pub struct CreateFolderError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// What a failed flush leaves on disk, in words.
fn kept(rows: u64) -> String {
    match rows {
        0 => "no samples were written yet".into(),
        n => format!("the {n} samples already written are kept"),
    }
}

/// A flush that failed: what was written before stays valid.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the session in {}: {source}; {}", dir.display(), kept(*rows))]
pub struct FlushError {
    pub dir: PathBuf,
    /// Sample rows safely on disk.
    pub rows: u64,
    pub source: std::io::Error,
}

/// A session folder being written: `samples.csv`, `windows.csv`,
/// `breaths.csv` and `session.json`, in whole rows, flushed and synced at
/// least every `flush_every`. Used by `record` and by the app.
pub struct SessionWriter {
    pub dir: PathBuf,
    pub meta: SessionMeta,
    csv: SamplesCsvWriter,
    results: ResultsCsv,
    first_index: Option<u64>,
    last_index: Option<u64>,
    /// Samples missing between the rows written (from their indices).
    lost_in_file: u64,
    /// Every gap reported; `session.json` lists those inside the rows
    /// written (the reader may be ahead of the file, or behind its start).
    gaps_seen: Vec<Gap>,
    /// The link counters when the session began: the session's own counts
    /// are those since.
    baseline: CounterSnapshot,
    /// One past the last index the session covers, when it was cut at a
    /// set length (`--seconds`): samples lost right before the cut count.
    span_end: Option<u64>,
    last_flush: Instant,
    flush_every: Duration,
}

impl SessionWriter {
    /// Creates the folder (see [`SessionTarget`]) and its files.
    pub fn create(
        target: &SessionTarget,
        info: &DeviceInfo,
        gains: &Gains,
        flush_every: Duration,
    ) -> Result<Self, CreateFolderError> {
        let start = Utc::now();
        let dir = match target {
            SessionTarget::Under(parent) => {
                create_session_dir(parent, &start.with_timezone(&chrono::Local)).map_err(
                    |source| CreateFolderError {
                        path: parent.clone(),
                        source,
                    },
                )?
            }
            SessionTarget::Exact(dir) => {
                create_empty_dir(dir).map_err(|source| CreateFolderError {
                    path: dir.clone(),
                    source,
                })?;
                dir.clone()
            }
        };
        let mut meta = SessionMeta::new(info.clone(), start);
        meta.calibration = Some(gains.clone());
        let files = (|| -> std::io::Result<(SamplesCsvWriter, ResultsCsv)> {
            meta.write_atomic(&dir)?;
            Ok((
                SamplesCsvWriter::create(&dir.join("samples.csv"), info.sample_rate_hz)?,
                ResultsCsv::create(&dir)?,
            ))
        })();
        let (csv, results) = files.map_err(|source| {
            // A folder that could not even get its files is no session.
            let _ = std::fs::remove_dir_all(&dir);
            CreateFolderError {
                path: dir.clone(),
                source,
            }
        })?;
        Ok(Self {
            dir,
            meta,
            csv,
            results,
            first_index: None,
            last_index: None,
            lost_in_file: 0,
            gaps_seen: Vec::new(),
            baseline: CounterSnapshot::default(),
            span_end: None,
            last_flush: Instant::now(),
            flush_every,
        })
    }

    /// Records new band gains (a calibration during the session) in
    /// `session.json` (written at the next flush).
    pub fn set_gains(&mut self, gains: &Gains) {
        self.meta.calibration = Some(gains.clone());
    }

    /// Session time of the newest sample written, s.
    pub fn time_s(&self) -> f64 {
        self.last_index
            .map_or(0.0, |i| i as f64 / self.meta.sample_rate_hz)
    }

    /// Samples written so far.
    pub fn samples_written(&self) -> u64 {
        self.csv.rows_written()
    }

    /// Counts the link's counters from `c` on (the counters when the
    /// session began, if the link was read before).
    pub fn set_counter_baseline(&mut self, c: &CounterSnapshot) {
        self.baseline = *c;
    }

    /// Ends the session's span at index `end` (exclusive): the samples
    /// between the last row and it were lost, and count as such.
    pub fn end_span(&mut self, end: u64) {
        self.span_end = Some(end);
    }

    /// Queues sample rows (written at the next flush).
    pub fn samples(&mut self, samples: &[Sample]) {
        self.csv.append(samples);
        if let (None, Some(s)) = (self.first_index, samples.first()) {
            self.first_index = Some(s.index);
        }
        for s in samples {
            if let Some(last) = self.last_index {
                self.lost_in_file += s.index.saturating_sub(last + 1);
            }
            self.last_index = Some(s.index);
        }
    }

    /// The session's own counters: the link's since the session began, with
    /// the samples and the samples lost those of the rows written.
    fn session_counters(&self, link: &CounterSnapshot) -> CounterSnapshot {
        let b = &self.baseline;
        CounterSnapshot {
            frames: link.frames.saturating_sub(b.frames),
            bytes: link.bytes.saturating_sub(b.bytes),
            bytes_dropped: link.bytes_dropped.saturating_sub(b.bytes_dropped),
            crc_errors: link.crc_errors.saturating_sub(b.crc_errors),
            malformed: link.malformed.saturating_sub(b.malformed),
            samples: self.csv.rows_written(),
            samples_lost: self.lost_in_file + self.lost_at_end(),
            reconnects: link.reconnects.saturating_sub(b.reconnects),
            ring_overflow: link.ring_overflow.saturating_sub(b.ring_overflow),
            text_lines_rejected: link
                .text_lines_rejected
                .saturating_sub(b.text_lines_rejected),
            stray_frames: link.stray_frames.saturating_sub(b.stray_frames),
        }
    }

    /// Samples lost between the last row and the end of the span.
    fn lost_at_end(&self) -> u64 {
        match (self.span_end, self.last_index) {
            (Some(end), Some(last)) => end.saturating_sub(last + 1),
            _ => 0,
        }
    }

    /// The gaps between the first and the last row written.
    fn gaps_in_file(&self) -> Vec<Gap> {
        let (Some(first), Some(last)) = (self.first_index, self.last_index) else {
            return Vec::new();
        };
        self.gaps_seen
            .iter()
            .filter(|g| g.index > first && g.index <= last)
            .cloned()
            .collect()
    }

    /// Queues one analysis output (window row, breath row or safety event).
    pub fn output(&mut self, o: &Output) {
        match o {
            Output::Window(w) => self.results.window(w),
            Output::Breath(b) => self.results.breath(b),
            Output::Event(e) => {
                crate::analysis::safety::merge_event(&mut self.meta.safety_events, *e)
            }
        }
    }

    /// Records a gap or a link event in `session.json`.
    pub fn acq_event(&mut self, ev: &AcqEvent) {
        let rate = self.meta.sample_rate_hz;
        let t = self.time_s();
        match ev {
            AcqEvent::Gap {
                at_index,
                lost,
                estimated,
            } => self.gaps_seen.push(Gap {
                index: *at_index,
                time_s: *at_index as f64 / rate,
                lost_samples: *lost,
                estimated: *estimated,
            }),
            AcqEvent::LinkLost(why) => push_event(&mut self.meta, t, "link_lost", why.clone()),
            AcqEvent::Reconnected => push_event(&mut self.meta, t, "reconnected", String::new()),
            AcqEvent::Warning(w) => push_event(&mut self.meta, t, "warning", w.clone()),
            AcqEvent::Connected(_) | AcqEvent::Finished | AcqEvent::Failed(_) => {}
        }
    }

    /// Flushes if `flush_every` has passed.
    pub fn flush_if_due(&mut self, counters: &CounterSnapshot) -> Result<(), FlushError> {
        if self.last_flush.elapsed() >= self.flush_every {
            self.flush(counters)
        } else {
            Ok(())
        }
    }

    /// Writes and syncs everything queued, then `session.json`. On error what
    /// was written stays valid; the message says what failed.
    pub fn flush(&mut self, counters: &CounterSnapshot) -> Result<(), FlushError> {
        self.last_flush = Instant::now();
        let r = (|| -> std::io::Result<()> {
            self.csv.flush(true)?;
            self.results.flush(true)?;
            self.meta.updated_utc = Utc::now();
            self.meta.counters = self.session_counters(counters);
            self.meta.gaps = self.gaps_in_file();
            self.meta.samples_written = self.csv.rows_written();
            let rate = self.meta.sample_rate_hz;
            if let (Some(first), Some(last)) = (self.first_index, self.last_index) {
                self.meta.start_s = first as f64 / rate;
                self.meta.duration_s = (last.saturating_sub(first) + 1) as f64 / rate;
            }
            self.meta.write_atomic(&self.dir)
        })();
        r.map_err(|source| FlushError {
            dir: self.dir.clone(),
            rows: self.csv.rows_written(),
            source,
        })
    }

    /// Ends the session: last flush, status and reason in `session.json`.
    /// Returns the final metadata and the first error, if any.
    pub fn finish(
        mut self,
        status: SessionStatus,
        reason: String,
        counters: &CounterSnapshot,
    ) -> (PathBuf, SessionMeta, Option<String>) {
        let mut error = self.flush(counters).err().map(|e| e.to_string());
        if error.is_some() && self.csv.rows_written() == 0 {
            // Nothing was recorded (the disk was full before the first
            // flush): no header-only folder is left to be listed.
            let _ = std::fs::remove_dir_all(&self.dir);
            self.meta.status = SessionStatus::Failed;
            self.meta.end_reason = error.clone();
            return (self.dir, self.meta, error);
        }
        self.meta.status = if error.is_some() {
            SessionStatus::Failed
        } else {
            status
        };
        self.meta.end_reason = Some(error.clone().unwrap_or(reason));
        self.meta.end_utc = Some(Utc::now());
        // Best effort: on a full disk the previous session.json stays valid.
        if let Err(e) = self.meta.write_atomic(&self.dir) {
            error.get_or_insert(format!(
                "cannot update {}/session.json: {e}",
                self.dir.display()
            ));
        }
        (self.dir, self.meta, error)
    }
}

/// Adds a link event at session time `time_s`.
pub(crate) fn push_event(meta: &mut SessionMeta, time_s: f64, kind: &str, detail: String) {
    meta.events.push(LinkEvent {
        utc: Utc::now(),
        time_s,
        kind: kind.into(),
        detail,
    });
}

fn create_empty_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if std::fs::read_dir(dir)?.next().is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the folder is not empty (a session is never written over)",
        ));
    }
    Ok(())
}
