//! `record`: drains an [`Acquisition`] through a [`Fanout`] into a session
//! folder until stopped, with the live analysis on its own thread.

use super::fanout::{AnalysisPlan, Fanout};
use crate::acquisition::{AcqEvent, Acquisition, Sample};
use crate::analysis::{AnalysisConfig, Gains};
use crate::device::DeviceInfo;
use crate::session::meta::{SessionMeta, SessionStatus};
use crate::session::writer::{CreateFolderError, SessionTarget, SessionWriter};
use ringbuf::traits::{Consumer, Observer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

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
    /// With no samples for this long (a pulled cable that does not come
    /// back, a board that sends only junk), the session ends as failed,
    /// `link_lost`. `None`: wait for ever.
    pub give_up_after: Option<Duration>,
}

/// How often "still waiting" is said while no samples come (at most).
const WAITING_NOTE_EVERY: Duration = Duration::from_secs(10);

impl RecordOptions {
    pub fn new(target: SessionTarget) -> Self {
        Self {
            target,
            max_seconds: None,
            flush_every: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(10),
            analysis: AnalysisConfig::default(),
            gains: None,
            give_up_after: Some(Duration::from_secs(60)),
        }
    }
}

/// Why a recording could not start.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    NoDevice(String),
    #[error(transparent)]
    CreateFolder(#[from] CreateFolderError),
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
    let gains = opts
        .gains
        .clone()
        .unwrap_or_else(|| Gains::from_scales(info.scales()));
    let w = SessionWriter::create(&opts.target, &info, &gains, opts.flush_every)?;
    on_started(&w.dir, &info);

    let rate = info.sample_rate_hz;
    let limit = opts.max_seconds.map(|s| (s * rate).round() as u64);
    // A minute of samples may wait for the analysis thread, and the drain
    // waits for room rather than skip any (a burst of the 8192-sample
    // buffer into a smaller ring used to lose the excess).
    let plan = AnalysisPlan {
        config: opts.analysis,
        backlog_s: 60.0,
        wait: true,
    };
    let mut fan = Fanout::new(plan, None);
    fan.start_recording(w);
    fan.connect(rate, &gains);
    let mut buf = vec![Sample::default(); 8192];
    let mut end: Option<(SessionStatus, String)> = None;
    let mut error: Option<String> = None;
    let source = info.path.clone().unwrap_or_else(|| info.kind.clone());
    let mut quiet = Quiet::new(opts.give_up_after);
    while end.is_none() {
        if stop.load(Relaxed) {
            end = Some((SessionStatus::Complete, "stopped by user".into()));
        }
        while let Ok(ev) = acq.events.try_recv() {
            fan.event(&ev);
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
            quiet.samples();
            let mut take = n;
            if let Some(l) = limit {
                take = buf[..n].iter().take_while(|s| s.index < l).count();
                if take < n {
                    end.get_or_insert((SessionStatus::Complete, "seconds reached".into()));
                    // Frames lost right before the cut are the session's.
                    fan.end_span(l);
                }
            }
            fan.samples(&buf[..take]);
            if take < n {
                break;
            }
        }
        if end.is_some() {
            // Let the analysis catch up with the last samples.
            fan.finish_analysis();
        }
        fan.drain_analysis(|_| {});
        if end.is_none() {
            if let Err(e) = fan.flush_if_due(&acq.counters.snapshot()) {
                let e = e.to_string();
                error = Some(e.clone());
                end = Some((SessionStatus::Failed, e));
            }
        }
        if end.is_none() {
            if let Some(why) = quiet.check(&source) {
                error = Some(why.clone());
                end = Some((SessionStatus::Failed, why));
            }
        }
        if end.is_none() && acq.samples.is_empty() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    acq.stop();
    fan.finish_analysis();
    fan.drain_analysis(|_| {});
    let (status, reason) = end.unwrap_or((SessionStatus::Complete, String::new()));
    let (dir, meta, err) = fan
        .stop_recording(status, reason, &acq.counters.snapshot())
        .expect("the session folder is open until here");
    Ok(RecordOutcome {
        dir,
        meta,
        error: error.or(err),
    })
}

/// Time without samples: says so now and then, and gives up after a limit.
struct Quiet {
    last: Instant,
    noted: Instant,
    give_up: Option<Duration>,
    every: Duration,
}

impl Quiet {
    fn new(give_up: Option<Duration>) -> Self {
        let every = give_up.map_or(WAITING_NOTE_EVERY, |g| (g / 2).min(WAITING_NOTE_EVERY));
        let now = Instant::now();
        Self {
            last: now,
            noted: now,
            give_up,
            every,
        }
    }

    fn samples(&mut self) {
        self.last = Instant::now();
        self.noted = self.last;
    }

    /// Logs "still waiting" when due; the reason to end when it is time.
    fn check(&mut self, source: &str) -> Option<String> {
        let quiet = self.last.elapsed();
        if self.give_up.is_some_and(|g| quiet >= g) {
            return Some(format!(
                "link_lost: no samples from {source} for {:.0} s; the session ends here",
                quiet.as_secs_f64()
            ));
        }
        if self.noted.elapsed() >= self.every {
            self.noted = Instant::now();
            tracing::warn!(
                "still waiting for {source}: no samples for {:.0} s{}",
                quiet.as_secs_f64(),
                self.give_up.map_or(String::new(), |g| format!(
                    " (gives up after {:.0} s)",
                    g.as_secs_f64()
                ))
            );
        }
        None
    }
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
