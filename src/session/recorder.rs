//! Drains an [`Acquisition`] into a session folder: `samples.csv`,
//! `session.json`, and the live analysis (`windows.csv`, `breaths.csv`, run
//! on its own thread), flushed and synced at least twice a second.

use super::folder::create_session_dir;
use super::meta::{Gap, LinkEvent, SessionMeta, SessionStatus};
use super::results_csv::ResultsCsv;
use super::samples_csv::SamplesCsvWriter;
use crate::acquisition::{AcqEvent, Acquisition, CounterSnapshot, Sample};
use crate::analysis::live::LiveAnalysis;
use crate::analysis::{AnalysisConfig, Gains, Output};
use crate::device::DeviceInfo;
use chrono::Utc;
use ringbuf::traits::{Consumer, Observer, Producer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Where the session folder goes.
#[derive(Debug, Clone)]
pub enum SessionTarget {
    /// A new folder named by the start time, inside this one.
    Under(PathBuf),
    /// Exactly this folder (created; must be empty if it exists).
    Exact(PathBuf),
}

/// How a recording runs.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    pub target: SessionTarget,
    /// Stop after this much session time (device clock).
    pub max_seconds: Option<f64>,
    /// Longest time rows stay in memory (at most one second is lost on a crash).
    pub flush_every: Duration,
    /// How long to wait for the device to describe itself.
    pub connect_timeout: Duration,
    /// Settings of the live analysis.
    pub analysis: AnalysisConfig,
    /// Band gains (default: the device's stated scale).
    pub gains: Option<Gains>,
}

impl RecordOptions {
    pub fn new(target: SessionTarget) -> Self {
        Self {
            target,
            max_seconds: None,
            flush_every: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(10),
            analysis: AnalysisConfig::default(),
            gains: None,
        }
    }
}

/// Why a recording could not start or had to end early.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    NoDevice(String),
    #[error("cannot create a session folder in {path}: {source}; pass --data-dir DIR or set BREATHBAND_DATA_DIR to a writable folder")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How a recording ended.
#[derive(Debug)]
pub struct RecordOutcome {
    pub dir: PathBuf,
    pub meta: SessionMeta,
    /// The error that ended it early (disk full, device failed), if any.
    pub error: Option<String>,
}

/// A session folder being written: `samples.csv`, `windows.csv`,
/// `breaths.csv` and `session.json`, in whole rows, flushed and synced at
/// least every `flush_every`. Used by `record` and by the app.
pub struct SessionWriter {
    pub dir: PathBuf,
    pub meta: SessionMeta,
    csv: SamplesCsvWriter,
    results: ResultsCsv,
    last_index: Option<u64>,
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
    ) -> Result<Self, RecordError> {
        let start = Utc::now();
        let dir = match target {
            SessionTarget::Under(parent) => {
                create_session_dir(parent, &start.with_timezone(&chrono::Local)).map_err(
                    |source| RecordError::CreateFolder {
                        path: parent.clone(),
                        source,
                    },
                )?
            }
            SessionTarget::Exact(dir) => {
                create_empty_dir(dir).map_err(|source| RecordError::CreateFolder {
                    path: dir.clone(),
                    source,
                })?;
                dir.clone()
            }
        };
        let mut meta = SessionMeta::new(info.clone(), start);
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(gains) {
            meta.calibration = m;
        }
        let files = (|| -> std::io::Result<(SamplesCsvWriter, ResultsCsv)> {
            meta.write_atomic(&dir)?;
            Ok((
                SamplesCsvWriter::create(&dir.join("samples.csv"), info.sample_rate_hz)?,
                ResultsCsv::create(&dir)?,
            ))
        })();
        let (csv, results) = files.map_err(|source| RecordError::CreateFolder {
            path: dir.clone(),
            source,
        })?;
        Ok(Self {
            dir,
            meta,
            csv,
            results,
            last_index: None,
            last_flush: Instant::now(),
            flush_every,
        })
    }

    /// Records new band gains (a calibration during the session) in
    /// `session.json` (written at the next flush).
    pub fn set_gains(&mut self, gains: &Gains) {
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(gains) {
            self.meta.calibration = m;
        }
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

    /// Queues sample rows (written at the next flush).
    pub fn samples(&mut self, samples: &[Sample]) {
        self.csv.append(samples);
        if let Some(s) = samples.last() {
            self.last_index = Some(s.index);
        }
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
            } => self.meta.gaps.push(Gap {
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
    pub fn flush_if_due(&mut self, counters: &CounterSnapshot) -> Result<(), String> {
        if self.last_flush.elapsed() >= self.flush_every {
            self.flush(counters)
        } else {
            Ok(())
        }
    }

    /// Writes and syncs everything queued, then `session.json`. On error what
    /// was written stays valid; the message says what failed.
    pub fn flush(&mut self, counters: &CounterSnapshot) -> Result<(), String> {
        self.last_flush = Instant::now();
        let r = (|| -> std::io::Result<()> {
            self.csv.flush(true)?;
            self.results.flush(true)?;
            self.meta.updated_utc = Utc::now();
            self.meta.counters = *counters;
            self.meta.samples_written = self.csv.rows_written();
            self.meta.duration_s = self
                .last_index
                .map_or(0.0, |i| (i + 1) as f64 / self.meta.sample_rate_hz);
            self.meta.write_atomic(&self.dir)
        })();
        r.map_err(|e| {
            format!(
                "cannot write the session in {}: {e}; the {} samples already written are kept",
                self.dir.display(),
                self.csv.rows_written()
            )
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
        let mut error = self.flush(counters).err();
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

/// Waits for the device, creates the session folder, calls `on_started` with
/// it, then records until `stop` is set, `max_seconds` is reached, the
/// source ends, or writing fails. Only start-up failures are `Err`; later
/// failures end the session with what was written kept valid.
pub fn record(
    acq: &mut Acquisition,
    opts: &RecordOptions,
    stop: &AtomicBool,
    on_started: impl FnOnce(&Path, &DeviceInfo),
) -> Result<RecordOutcome, RecordError> {
    let info = wait_for_device(acq, opts.connect_timeout, stop)?;
    let gains = opts
        .gains
        .clone()
        .unwrap_or_else(|| Gains::from_device(&info));
    let mut w = SessionWriter::create(&opts.target, &info, &gains, opts.flush_every)?;
    on_started(&w.dir, &info);

    let rate = info.sample_rate_hz;
    let limit = opts.max_seconds.map(|s| (s * rate).round() as u64);
    // A minute of samples may wait for the analysis thread.
    let mut analysis = LiveAnalysis::spawn(opts.analysis, rate, &gains, (rate * 60.0) as usize);
    let mut analysis_overflow = 0u64;
    let mut buf = vec![Sample::default(); 8192];
    let mut end: Option<(SessionStatus, String)> = None;
    let mut error: Option<String> = None;
    while end.is_none() {
        if stop.load(Relaxed) {
            end = Some((SessionStatus::Complete, "stopped by user".into()));
        }
        while let Ok(ev) = acq.events.try_recv() {
            w.acq_event(&ev);
            match ev {
                AcqEvent::Finished => {
                    end.get_or_insert((SessionStatus::Complete, "end of replay".into()));
                }
                AcqEvent::Failed(e) => {
                    error.get_or_insert(e.clone());
                    end.get_or_insert((SessionStatus::Failed, e));
                }
                _ => {}
            }
        }
        // Drain the ring (after Finished too: the last samples are in it).
        loop {
            let n = acq.samples.pop_slice(&mut buf);
            if n == 0 {
                break;
            }
            let mut take = n;
            if let Some(l) = limit {
                take = buf[..n].iter().take_while(|s| s.index < l).count();
                if take < n {
                    end.get_or_insert((SessionStatus::Complete, "seconds reached".into()));
                }
            }
            w.samples(&buf[..take]);
            analysis_overflow += (take - analysis.input.push_slice(&buf[..take])) as u64;
            if take < n {
                break;
            }
        }
        if end.is_some() {
            // Let the analysis catch up with the last samples.
            analysis.finish();
        }
        while let Ok(o) = analysis.output.try_recv() {
            w.output(&o);
        }
        if end.is_none() {
            if let Err(e) = w.flush_if_due(&acq.counters.snapshot()) {
                error = Some(e.clone());
                end = Some((SessionStatus::Failed, e));
            }
        }
        if end.is_none() && acq.samples.is_empty() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    acq.stop();
    analysis.finish();
    while let Ok(o) = analysis.output.try_recv() {
        w.output(&o);
    }
    let lost = analysis_overflow + analysis.dropped.load(Relaxed);
    if lost > 0 {
        let t = w.time_s();
        push_event(
            &mut w.meta,
            t,
            "warning",
            format!("live analysis fell behind: {lost} samples or results skipped; run `breathband analyze` on the session"),
        );
    }
    let (status, reason) = end.unwrap_or((SessionStatus::Complete, String::new()));
    let (dir, meta, err) = w.finish(status, reason, &acq.counters.snapshot());
    Ok(RecordOutcome {
        dir,
        meta,
        error: error.or(err),
    })
}

fn push_event(meta: &mut SessionMeta, time_s: f64, kind: &str, detail: String) {
    meta.events.push(LinkEvent {
        utc: Utc::now(),
        time_s,
        kind: kind.into(),
        detail,
    });
}

fn wait_for_device(
    acq: &mut Acquisition,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<DeviceInfo, RecordError> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline && !stop.load(Relaxed) {
        match acq.events.recv_timeout(Duration::from_millis(50)) {
            Ok(AcqEvent::Connected(info)) => return Ok(*info),
            Ok(AcqEvent::Failed(e)) => return Err(RecordError::NoDevice(e)),
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(RecordError::NoDevice("the reader thread stopped".into()))
            }
        }
    }
    Err(RecordError::NoDevice(format!(
        "no device answered within {:.0} s",
        timeout.as_secs_f64()
    )))
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
