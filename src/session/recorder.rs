//! Drains an [`Acquisition`] into a session folder: `samples.csv`,
//! `session.json`, and the live analysis (`windows.csv`, `breaths.csv`, run
//! on its own thread), flushed and synced at least twice a second.

use super::folder::create_session_dir;
use super::meta::{Gap, LinkEvent, SessionMeta, SessionStatus};
use super::results_csv::ResultsCsv;
use super::samples_csv::SamplesCsvWriter;
use crate::acquisition::{AcqEvent, Acquisition, Sample};
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
    let start = Utc::now();
    let dir = match &opts.target {
        SessionTarget::Under(parent) => {
            create_session_dir(parent, &start.with_timezone(&chrono::Local)).map_err(|source| {
                RecordError::CreateFolder {
                    path: parent.clone(),
                    source,
                }
            })?
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
    let gains = opts
        .gains
        .clone()
        .unwrap_or_else(|| Gains::from_device(&info));
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(&gains) {
        meta.calibration = m;
    }
    let create = |dir: &Path| -> std::io::Result<(SamplesCsvWriter, ResultsCsv)> {
        meta.write_atomic(dir)?;
        Ok((
            SamplesCsvWriter::create(&dir.join("samples.csv"), info.sample_rate_hz)?,
            ResultsCsv::create(dir)?,
        ))
    };
    let (mut csv, mut results) = create(&dir).map_err(|source| RecordError::CreateFolder {
        path: dir.clone(),
        source,
    })?;
    on_started(&dir, &info);

    let rate = info.sample_rate_hz;
    // A minute of samples may wait for the analysis thread.
    let mut analysis = LiveAnalysis::spawn(opts.analysis, rate, &gains, (rate * 60.0) as usize);
    let mut analysis_overflow = 0u64;
    let limit = opts.max_seconds.map(|s| (s * rate).round() as u64);
    let mut buf = vec![Sample::default(); 8192];
    let mut last_flush = Instant::now();
    let mut last_index: Option<u64> = None;
    let mut end: Option<(SessionStatus, String)> = None;
    let mut error: Option<String> = None;
    while end.is_none() {
        if stop.load(Relaxed) {
            end = Some((SessionStatus::Complete, "stopped by user".into()));
        }
        while let Ok(ev) = acq.events.try_recv() {
            let t = last_index.map_or(0.0, |i| i as f64 / rate);
            match ev {
                AcqEvent::Gap {
                    at_index,
                    lost,
                    estimated,
                } => meta.gaps.push(Gap {
                    index: at_index,
                    time_s: at_index as f64 / rate,
                    lost_samples: lost,
                    estimated,
                }),
                AcqEvent::LinkLost(why) => push_event(&mut meta, t, "link_lost", why),
                AcqEvent::Reconnected => push_event(&mut meta, t, "reconnected", String::new()),
                AcqEvent::Warning(w) => push_event(&mut meta, t, "warning", w),
                AcqEvent::Connected(_) => {}
                AcqEvent::Finished => {
                    end.get_or_insert((SessionStatus::Complete, "end of replay".into()));
                }
                AcqEvent::Failed(e) => {
                    error.get_or_insert(e.clone());
                    end.get_or_insert((SessionStatus::Failed, e));
                }
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
            csv.append(&buf[..take]);
            analysis_overflow += (take - analysis.input.push_slice(&buf[..take])) as u64;
            if let Some(s) = buf[..take].last() {
                last_index = Some(s.index);
            }
            if take < n {
                break;
            }
        }
        if end.is_some() {
            // Let the analysis catch up with the last samples.
            analysis.finish();
        }
        drain_analysis(&analysis, &mut results, &mut meta);
        if end.is_some() || last_flush.elapsed() >= opts.flush_every {
            last_flush = Instant::now();
            if let Err(e) = flush(&mut csv, &mut results, &mut meta, acq, last_index, &dir) {
                let msg = format!(
                    "cannot write {}: {e}; the {} samples already written are kept",
                    csv.path().display(),
                    csv.rows_written()
                );
                error = Some(msg.clone());
                end = Some((SessionStatus::Failed, msg));
                break;
            }
        }
        if end.is_none() && acq.samples.is_empty() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    acq.stop();
    analysis.finish();
    drain_analysis(&analysis, &mut results, &mut meta);
    if let Err(e) = results.flush(true) {
        error.get_or_insert(format!(
            "cannot write the analysis files in {}: {e}",
            dir.display()
        ));
    }
    let lost = analysis_overflow + analysis.dropped.load(Relaxed);
    if lost > 0 {
        push_event(&mut meta, 0.0, "warning", format!("live analysis fell behind: {lost} samples or results skipped; run `breathband analyze` on the session"));
    }
    let (status, reason) = end.unwrap_or((SessionStatus::Complete, String::new()));
    meta.status = status;
    meta.end_reason = Some(reason);
    meta.end_utc = Some(Utc::now());
    meta.counters = acq.counters.snapshot();
    meta.samples_written = csv.rows_written();
    // Best effort: on a full disk the previous session.json stays valid.
    if let Err(e) = meta.write_atomic(&dir) {
        error.get_or_insert(format!("cannot update {}/session.json: {e}", dir.display()));
    }
    Ok(RecordOutcome { dir, meta, error })
}

fn push_event(meta: &mut SessionMeta, time_s: f64, kind: &str, detail: String) {
    meta.events.push(LinkEvent {
        utc: Utc::now(),
        time_s,
        kind: kind.into(),
        detail,
    });
}

/// Moves the analysis thread's output into the session files.
fn drain_analysis(analysis: &LiveAnalysis, results: &mut ResultsCsv, meta: &mut SessionMeta) {
    while let Ok(o) = analysis.output.try_recv() {
        match o {
            Output::Window(w) => results.window(&w),
            Output::Breath(b) => results.breath(&b),
            Output::Event(e) => crate::analysis::safety::merge_event(&mut meta.safety_events, e),
        }
    }
}

fn flush(
    csv: &mut SamplesCsvWriter,
    results: &mut ResultsCsv,
    meta: &mut SessionMeta,
    acq: &Acquisition,
    last_index: Option<u64>,
    dir: &Path,
) -> std::io::Result<()> {
    csv.flush(true)?;
    results.flush(true)?;
    meta.updated_utc = Utc::now();
    meta.counters = acq.counters.snapshot();
    meta.samples_written = csv.rows_written();
    meta.duration_s = last_index.map_or(0.0, |i| (i + 1) as f64 / meta.sample_rate_hz);
    meta.write_atomic(dir)
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
