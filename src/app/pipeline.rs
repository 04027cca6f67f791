//! The live pipeline behind the app: a thread that owns the acquisition,
//! feeds the analysis thread and hands the UI display points (through a
//! lock-free ring) and messages (through a bounded channel). The UI never
//! waits on it: it drains both once per frame.

use crate::acquisition::{AcqConfig, AcqEvent, Acquisition, Counters, Sample};
use crate::analysis::live::LiveAnalysis;
use crate::analysis::{AnalysisConfig, Gains, Output};
use crate::device::replay::ReplaySource;
use crate::device::serial_link::{SerialConfig, SerialSource};
use crate::device::virtual_sensor::VirtualParams;
use crate::device::virtual_source::{VirtualConfig, VirtualSource};
use crate::device::{DeviceInfo, Source};
use crate::session::meta::SessionStatus;
use crate::session::recorder::{SessionTarget, SessionWriter};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::path::PathBuf;
use std::sync::atomic::{
    AtomicBool, AtomicUsize,
    Ordering::{Relaxed, SeqCst},
};
use std::sync::mpsc::{sync_channel, Receiver, Sender, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Where the live signal comes from.
#[derive(Debug, Clone)]
pub enum SourceChoice {
    Virtual(VirtualConfig),
    Port {
        path: String,
        text_rate: Option<f64>,
    },
    Replay {
        path: PathBuf,
        speed: f64,
    },
}

impl SourceChoice {
    /// Opens the source. Called on the pipeline thread: a replay reads its
    /// file here, so the UI never waits on it. `controls` steers a virtual
    /// sensor (unused by the others).
    pub fn open(&self, controls: Receiver<VirtualParams>) -> Result<Box<dyn Source>, String> {
        Ok(match self {
            SourceChoice::Virtual(cfg) => {
                Box::new(VirtualSource::new(cfg.clone()).with_controls(controls))
            }
            SourceChoice::Port { path, text_rate } => {
                let mut c = SerialConfig::new(path);
                c.text_rate_hz = *text_rate;
                Box::new(SerialSource::new(c))
            }
            SourceChoice::Replay { path, speed } => Box::new(
                ReplaySource::open(path, *speed)
                    .map_err(|e| format!("cannot replay {}: {e}", path.display()))?,
            ),
        })
    }
}

/// Opens a source on the pipeline thread.
pub(crate) type Opener =
    Box<dyn FnOnce(Receiver<VirtualParams>) -> Result<Box<dyn Source>, String> + Send>;

/// Pipeline threads still running, including stopped ones that are still
/// closing their source and session folder.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Counts a pipeline thread from its start to its very end.
struct Running;

impl Running {
    fn new() -> Self {
        RUNNING.fetch_add(1, SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, SeqCst);
    }
}

/// Number of pipeline threads still running (live or finishing).
pub fn running_threads() -> usize {
    RUNNING.load(SeqCst)
}

/// Waits up to `limit` for every pipeline thread to end (so that session
/// folders are closed before the process exits). Never call this on the UI
/// thread while the window is open. True when all ended.
pub fn wait_for_all(limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while running_threads() > 0 {
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// One point of the traces, calibrated units, at about 25 Hz.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DisplayPoint {
    pub t_s: f64,
    pub chest: f64,
    pub belly: f64,
}

/// What the pipeline tells the UI.
#[derive(Debug, Clone)]
pub enum PipeMsg {
    Connected(Box<DeviceInfo>, Gains),
    Analysis(Output),
    LinkLost(String),
    Reconnected,
    Gap {
        time_s: f64,
        lost: u64,
    },
    Warning(String),
    /// A replay reached its end.
    Finished,
    /// The source cannot go on (or could not start).
    Failed(String),
    /// A session folder is being written.
    RecordingStarted(PathBuf),
    /// The session folder was closed (with the first error, if any).
    RecordingEnded {
        dir: PathBuf,
        error: Option<String>,
    },
    /// Recording could not start or had to stop.
    RecordingFailed(String),
    /// The band gains in use changed (after [`PipeCmd::SetGains`]).
    GainsChanged(Gains),
}

/// What the UI asks of the pipeline.
#[derive(Debug, Clone)]
pub enum PipeCmd {
    /// Write everything from now on into a new session folder.
    StartRecording(SessionTarget),
    /// Replace the practice record in `session.json` (written at the next flush).
    SetPractice(serde_json::Value),
    /// Close the session folder.
    StopRecording {
        status: SessionStatus,
        reason: String,
    },
    /// The person's baseline tidal excursion for the over-breathing check.
    SetBaseline(Option<f64>),
    /// New band gains (a calibration): the analysis restarts with them, the
    /// traces use them, and the session records them.
    SetGains(Gains),
}

/// Display rate of the traces, Hz.
pub const DISPLAY_HZ: f64 = 25.0;

/// A running pipeline. Dropping it only asks the thread to stop and never
/// waits: the thread then stops the reader (which may take a serial
/// handshake's time) and closes any session folder on its own. See
/// [`wait_for_all`] for the end of the process.
pub struct Pipeline {
    pub display: HeapCons<DisplayPoint>,
    pub msgs: Receiver<PipeMsg>,
    cmds: Sender<PipeCmd>,
    /// The link counters, once the pipeline thread opened the source.
    counters: Arc<OnceLock<Arc<Counters>>>,
    virtual_controls: Sender<VirtualParams>,
    stop: Arc<AtomicBool>,
}

impl Pipeline {
    /// Starts the pipeline thread, which opens `choice` (failures arrive as
    /// [`PipeMsg::Failed`]). Returns at once. `repaint` is called (at most 15
    /// times a second) when new data is there for the UI.
    pub fn start(
        choice: &SourceChoice,
        gains: Option<Gains>,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let choice = choice.clone();
        Self::start_with(Box::new(move |c| choice.open(c)), gains, repaint)
    }

    /// Like [`Self::start`], with any way to open a source.
    pub(crate) fn start_with(
        open: Opener,
        gains: Option<Gains>,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let (prod, display) = HeapRb::<DisplayPoint>::new(4096).split();
        let (tx, msgs) = sync_channel(1024);
        let (cmds, cmd_rx) = std::sync::mpsc::channel();
        let (virtual_controls, controls_rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(OnceLock::new());
        let (st, cn, fail) = (stop.clone(), counters.clone(), tx.clone());
        let running = Running::new();
        let spawned = std::thread::Builder::new()
            .name("pipeline".into())
            .spawn(move || {
                let _running = running;
                let source = match open(controls_rx) {
                    Ok(s) => s,
                    Err(e) => {
                        send(&tx, PipeMsg::Failed(e));
                        repaint();
                        return;
                    }
                };
                let acq = Acquisition::start(source, AcqConfig::default());
                let _ = cn.set(acq.counters.clone());
                run(acq, prod, tx, cmd_rx, st, gains, repaint)
            });
        if let Err(e) = spawned {
            // The closure (and its `Running`) was dropped with the error.
            send(
                &fail,
                PipeMsg::Failed(format!("cannot start the pipeline thread: {e}")),
            );
        }
        Self {
            display,
            msgs,
            cmds,
            counters,
            virtual_controls,
            stop,
        }
    }

    /// The link counters (`None` until the source is open).
    pub fn counters(&self) -> Option<&Counters> {
        self.counters.get().map(|c| &**c)
    }

    /// Sends a command to the pipeline thread (never blocks).
    pub fn command(&self, c: PipeCmd) {
        let _ = self.cmds.send(c);
    }

    /// Changes the virtual sensor's parameters (no-op for other sources).
    pub fn set_virtual_params(&self, p: VirtualParams) {
        let _ = self.virtual_controls.send(p);
    }
}

impl Drop for Pipeline {
    /// Signals the thread to stop; does not wait for it.
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
    }
}

/// Averages samples into display points.
struct Averager {
    every: u64,
    sum: [f64; 2],
    n: u64,
    gains: [f64; 2],
    rate: f64,
}

impl Averager {
    fn push(&mut self, s: &Sample, prod: &mut HeapProd<DisplayPoint>) -> bool {
        self.sum[0] += s.chest as f64 * self.gains[0];
        self.sum[1] += s.belly as f64 * self.gains[1];
        self.n += 1;
        if self.n < self.every {
            return false;
        }
        let p = DisplayPoint {
            t_s: s.index as f64 / self.rate,
            chest: self.sum[0] / self.n as f64,
            belly: self.sum[1] / self.n as f64,
        };
        self.sum = [0.0; 2];
        self.n = 0;
        // A full ring means the UI is not drawing: the points are not needed.
        let _ = prod.try_push(p);
        true
    }
}

/// The live analysis of the app: a window every 0.5 s, the first after 6 s.
fn spawn_analysis(rate: f64, gains: &Gains) -> LiveAnalysis {
    LiveAnalysis::spawn(
        AnalysisConfig {
            step_s: 0.5,
            min_window_s: 6.0,
            ..Default::default()
        },
        rate,
        gains,
        (rate * 30.0) as usize,
    )
}

fn send(tx: &SyncSender<PipeMsg>, m: PipeMsg) {
    // Analysis output is small and regular; if the UI stalls for long, old
    // messages are not worth blocking the pipeline for.
    if let Err(TrySendError::Full(_)) = tx.try_send(m) {
        tracing::debug!("UI message queue full; dropping a message");
    }
}

fn run(
    mut acq: Acquisition,
    mut display: HeapProd<DisplayPoint>,
    tx: SyncSender<PipeMsg>,
    cmds: Receiver<PipeCmd>,
    stop: Arc<AtomicBool>,
    gains_override: Option<Gains>,
    repaint: impl Fn(),
) {
    let mut analysis: Option<LiveAnalysis> = None;
    let mut avg: Option<Averager> = None;
    let mut buf = vec![Sample::default(); 4096];
    let mut last_repaint = Instant::now();
    let mut rate = 0.0;
    let mut rec = Recording::default();
    while !stop.load(Relaxed) {
        let mut news = false;
        while let Ok(c) = cmds.try_recv() {
            match c {
                PipeCmd::SetGains(g) => {
                    if let Some((_, gains)) = rec.device.as_mut() {
                        // The analysis starts again in the new units.
                        analysis = Some(spawn_analysis(rate, &g));
                        if let Some(av) = avg.as_mut() {
                            av.gains = [g.chest, g.belly];
                        }
                        if let Some(w) = rec.writer.as_mut() {
                            w.set_gains(&g);
                        }
                        *gains = g.clone();
                        send(&tx, PipeMsg::GainsChanged(g));
                    }
                }
                c => command(c, &mut rec, &acq, analysis.as_ref(), &tx),
            }
        }
        while let Ok(ev) = acq.events.try_recv() {
            news = true;
            if let Some(w) = rec.writer.as_mut() {
                w.acq_event(&ev);
            }
            match ev {
                AcqEvent::Connected(info) => {
                    if analysis.is_none() || info.sample_rate_hz != rate {
                        rate = info.sample_rate_hz;
                        let gains = gains_override
                            .clone()
                            .unwrap_or_else(|| Gains::from_device(&info));
                        analysis = Some(spawn_analysis(rate, &gains));
                        avg = Some(Averager {
                            every: (rate / DISPLAY_HZ).round().max(1.0) as u64,
                            sum: [0.0; 2],
                            n: 0,
                            gains: [gains.chest, gains.belly],
                            rate,
                        });
                        rec.device = Some(((*info).clone(), gains.clone()));
                        send(&tx, PipeMsg::Connected(info, gains));
                    }
                }
                AcqEvent::Gap { at_index, lost, .. } => send(
                    &tx,
                    PipeMsg::Gap {
                        time_s: at_index as f64 / rate.max(1.0),
                        lost,
                    },
                ),
                AcqEvent::LinkLost(w) => send(&tx, PipeMsg::LinkLost(w)),
                AcqEvent::Reconnected => send(&tx, PipeMsg::Reconnected),
                AcqEvent::Warning(w) => send(&tx, PipeMsg::Warning(w)),
                AcqEvent::Finished => send(&tx, PipeMsg::Finished),
                AcqEvent::Failed(e) => send(&tx, PipeMsg::Failed(e)),
            }
        }
        loop {
            let n = acq.samples.pop_slice(&mut buf);
            if n == 0 {
                break;
            }
            news = true;
            if let Some(w) = rec.writer.as_mut() {
                w.samples(&buf[..n]);
            }
            if let Some(a) = analysis.as_mut() {
                // A full analysis ring drops samples (counted by the analysis).
                let _ = a.input.push_slice(&buf[..n]);
            }
            if let Some(av) = avg.as_mut() {
                for s in &buf[..n] {
                    av.push(s, &mut display);
                }
            }
        }
        if let Some(a) = &analysis {
            while let Ok(o) = a.output.try_recv() {
                news = true;
                if let Some(w) = rec.writer.as_mut() {
                    w.output(&o);
                }
                send(&tx, PipeMsg::Analysis(o));
            }
        }
        if let Some(w) = rec.writer.as_mut() {
            if let Err(e) = w.flush_if_due(&acq.counters.snapshot()) {
                if let Some(w) = rec.writer.take() {
                    let (dir, _, _) =
                        w.finish(SessionStatus::Failed, e.clone(), &acq.counters.snapshot());
                    send(
                        &tx,
                        PipeMsg::RecordingEnded {
                            dir,
                            error: Some(e),
                        },
                    );
                }
            }
        }
        if news && last_repaint.elapsed() >= Duration::from_millis(66) {
            last_repaint = Instant::now();
            repaint();
        }
        std::thread::sleep(Duration::from_millis(15));
    }
    // Commands sent just before the stop (the last practice record, a
    // close) still count.
    while let Ok(c) = cmds.try_recv() {
        command(c, &mut rec, &acq, analysis.as_ref(), &tx);
    }
    acq.stop();
    // Closed mid-session (disconnect, another source, the app closing):
    // keep what was recorded, marked as such.
    if let Some(w) = rec.writer.take() {
        let (dir, _, error) = w.finish(
            SessionStatus::Complete,
            "source disconnected or app closed".into(),
            &acq.counters.snapshot(),
        );
        send(&tx, PipeMsg::RecordingEnded { dir, error });
    }
}

/// The session being recorded, and the device it would describe.
#[derive(Default)]
struct Recording {
    device: Option<(DeviceInfo, Gains)>,
    writer: Option<SessionWriter>,
}

/// Carries out one command from the UI.
fn command(
    c: PipeCmd,
    rec: &mut Recording,
    acq: &Acquisition,
    analysis: Option<&LiveAnalysis>,
    tx: &SyncSender<PipeMsg>,
) {
    match c {
        PipeCmd::StartRecording(target) => match &rec.device {
            Some((info, gains)) => {
                match SessionWriter::create(&target, info, gains, Duration::from_millis(500)) {
                    Ok(w) => {
                        send(tx, PipeMsg::RecordingStarted(w.dir.clone()));
                        rec.writer = Some(w);
                    }
                    Err(e) => send(tx, PipeMsg::RecordingFailed(e.to_string())),
                }
            }
            None => send(
                tx,
                PipeMsg::RecordingFailed("no sensor connected yet".into()),
            ),
        },
        PipeCmd::SetPractice(v) => {
            if let Some(w) = rec.writer.as_mut() {
                w.meta.practice = Some(v);
            }
        }
        PipeCmd::SetBaseline(b) => {
            if let Some(a) = analysis {
                a.set_baseline(b);
            }
        }
        PipeCmd::StopRecording { status, reason } => {
            if let Some(w) = rec.writer.take() {
                let (dir, _, error) = w.finish(status, reason, &acq.counters.snapshot());
                send(tx, PipeMsg::RecordingEnded { dir, error });
            }
        }
        // Handled by the loop, which owns the analysis and the traces.
        PipeCmd::SetGains(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{BlockSink, SourceError};
    use crate::session::meta::SessionMeta;

    /// A virtual sensor whose stop takes as long as a slow serial handshake.
    struct SlowStop(VirtualSource, Duration);

    impl Source for SlowStop {
        fn poll(&mut self, sink: &mut dyn BlockSink, c: &Counters) -> Result<(), SourceError> {
            self.0.poll(sink, c)
        }
        fn stop(&mut self) {
            std::thread::sleep(self.1);
            self.0.stop();
        }
        fn describe(&self) -> String {
            "slow".into()
        }
    }

    fn wait_msg(p: &Pipeline, what: &str, want: impl Fn(&PipeMsg) -> bool) -> PipeMsg {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(m) = p.msgs.recv_timeout(Duration::from_millis(20)) {
                if want(&m) {
                    return m;
                }
            }
            assert!(Instant::now() < until, "timed out waiting for {what}");
        }
    }

    #[test]
    fn dropping_never_waits_and_the_session_is_still_closed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let stop_takes = Duration::from_millis(1500);
        let p = Pipeline::start_with(
            Box::new(move |_| {
                Ok(Box::new(SlowStop(
                    VirtualSource::new(VirtualConfig::default()),
                    stop_takes,
                )) as Box<dyn Source>)
            }),
            None,
            || {},
        );
        wait_msg(&p, "connected", |m| matches!(m, PipeMsg::Connected(..)));
        assert!(p.counters().is_some());
        p.command(PipeCmd::StartRecording(SessionTarget::Exact(dir.clone())));
        wait_msg(&p, "recording", |m| {
            matches!(m, PipeMsg::RecordingStarted(_))
        });
        std::thread::sleep(Duration::from_millis(700));
        // The last practice record, sent in the same frame as the drop.
        p.command(PipeCmd::SetPractice(serde_json::json!({"slot": "last"})));
        let t = Instant::now();
        drop(p);
        assert!(
            t.elapsed() < Duration::from_millis(50),
            "drop waited {:?}",
            t.elapsed()
        );
        // Still closing in the background ...
        let meta = SessionMeta::read(&dir).unwrap();
        assert_eq!(meta.status, SessionStatus::Recording);
        // ... and closed properly once the slow stop is over.
        let until = Instant::now() + Duration::from_secs(10);
        let meta = loop {
            let m = SessionMeta::read(&dir).unwrap();
            if m.status != SessionStatus::Recording {
                break m;
            }
            assert!(Instant::now() < until, "session never closed");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(t.elapsed() >= stop_takes);
        assert_eq!(meta.status, SessionStatus::Complete);
        assert!(meta.samples_written > 0);
        assert_eq!(meta.practice, Some(serde_json::json!({"slot": "last"})));
    }

    #[test]
    fn a_replay_that_cannot_be_read_fails_on_the_pipeline_thread() {
        let choice = SourceChoice::Replay {
            path: PathBuf::from("/nonexistent/breathband/none.csv"),
            speed: 1.0,
        };
        let t = Instant::now();
        let p = Pipeline::start(&choice, None, || {});
        assert!(t.elapsed() < Duration::from_millis(50));
        let PipeMsg::Failed(e) = wait_msg(&p, "the failure", |m| matches!(m, PipeMsg::Failed(_)))
        else {
            unreachable!()
        };
        assert!(e.contains("cannot replay /nonexistent"), "{e}");
        assert!(p.counters().is_none());
    }

    #[test]
    fn the_source_is_opened_off_the_calling_thread() {
        let caller = std::thread::current().id();
        let (tx, rx) = std::sync::mpsc::channel();
        let p = Pipeline::start_with(
            Box::new(move |_| {
                let _ = tx.send(std::thread::current().id());
                std::thread::sleep(Duration::from_millis(300));
                Err("no".into())
            }),
            None,
            || {},
        );
        let opened_on = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_ne!(opened_on, caller);
        wait_msg(&p, "the failure", |m| matches!(m, PipeMsg::Failed(_)));
    }
}
