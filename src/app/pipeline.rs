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
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, Sender, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
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
    /// Opens the source (files are opened here; ports by the reader thread).
    pub fn open(&self) -> Result<OpenedSource, String> {
        Ok(match self {
            SourceChoice::Virtual(cfg) => {
                let (tx, rx) = std::sync::mpsc::channel();
                (
                    Box::new(VirtualSource::new(cfg.clone()).with_controls(rx)),
                    Some(tx),
                )
            }
            SourceChoice::Port { path, text_rate } => {
                let mut c = SerialConfig::new(path);
                c.text_rate_hz = *text_rate;
                (Box::new(SerialSource::new(c)), None)
            }
            SourceChoice::Replay { path, speed } => (
                Box::new(ReplaySource::open(path, *speed).map_err(|e| e.to_string())?),
                None,
            ),
        })
    }
}

/// An opened source, and the control channel of a virtual sensor.
pub type OpenedSource = (Box<dyn Source>, Option<Sender<VirtualParams>>);

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

/// A running pipeline; stops when dropped.
pub struct Pipeline {
    pub display: HeapCons<DisplayPoint>,
    pub msgs: Receiver<PipeMsg>,
    cmds: Sender<PipeCmd>,
    pub counters: Option<Arc<Counters>>,
    virtual_controls: Option<Sender<VirtualParams>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Pipeline {
    /// Starts the pipeline thread. `repaint` is called (at most 15 times a
    /// second) when new data is there for the UI.
    pub fn start(
        choice: &SourceChoice,
        gains: Option<Gains>,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let (prod, display) = HeapRb::<DisplayPoint>::new(4096).split();
        let (tx, msgs) = sync_channel(1024);
        let (cmds, cmd_rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (source, virtual_controls) = match choice.open() {
            Ok(s) => (Some(s.0), s.1),
            Err(e) => {
                let _ = tx.try_send(PipeMsg::Failed(e));
                (None, None)
            }
        };
        let mut counters = None;
        let thread = source.map(|source| {
            let acq = Acquisition::start(source, AcqConfig::default());
            counters = Some(acq.counters.clone());
            let st = stop.clone();
            std::thread::Builder::new()
                .name("pipeline".into())
                .spawn(move || run(acq, prod, tx, cmd_rx, st, gains, repaint))
                .ok()
        });
        Self {
            display,
            msgs,
            cmds,
            counters,
            virtual_controls,
            stop,
            thread: thread.flatten(),
        }
    }

    /// Sends a command to the pipeline thread (never blocks).
    pub fn command(&self, c: PipeCmd) {
        let _ = self.cmds.send(c);
    }

    /// Changes the virtual sensor's parameters (no-op for other sources).
    pub fn set_virtual_params(&self, p: VirtualParams) {
        if let Some(tx) = &self.virtual_controls {
            let _ = tx.send(p);
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
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
    let mut device: Option<(DeviceInfo, Gains)> = None;
    let mut writer: Option<SessionWriter> = None;
    while !stop.load(Relaxed) {
        let mut news = false;
        while let Ok(c) = cmds.try_recv() {
            match c {
                PipeCmd::StartRecording(target) => match &device {
                    Some((info, gains)) => {
                        match SessionWriter::create(
                            &target,
                            info,
                            gains,
                            Duration::from_millis(500),
                        ) {
                            Ok(w) => {
                                send(&tx, PipeMsg::RecordingStarted(w.dir.clone()));
                                writer = Some(w);
                            }
                            Err(e) => send(&tx, PipeMsg::RecordingFailed(e.to_string())),
                        }
                    }
                    None => send(
                        &tx,
                        PipeMsg::RecordingFailed("no sensor connected yet".into()),
                    ),
                },
                PipeCmd::SetPractice(v) => {
                    if let Some(w) = writer.as_mut() {
                        w.meta.practice = Some(v);
                    }
                }
                PipeCmd::SetBaseline(b) => {
                    if let Some(a) = &analysis {
                        a.set_baseline(b);
                    }
                }
                PipeCmd::SetGains(g) => {
                    if let Some((_, gains)) = device.as_mut() {
                        analysis = Some(spawn_analysis(rate, &g));
                        if let Some(av) = avg.as_mut() {
                            av.gains = [g.chest, g.belly];
                        }
                        if let Some(w) = writer.as_mut() {
                            w.set_gains(&g);
                        }
                        *gains = g.clone();
                        send(&tx, PipeMsg::GainsChanged(g));
                    }
                }
                PipeCmd::StopRecording { status, reason } => {
                    if let Some(w) = writer.take() {
                        let (dir, _, error) = w.finish(status, reason, &acq.counters.snapshot());
                        send(&tx, PipeMsg::RecordingEnded { dir, error });
                    }
                }
            }
        }
        while let Ok(ev) = acq.events.try_recv() {
            news = true;
            if let Some(w) = writer.as_mut() {
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
                        device = Some(((*info).clone(), gains.clone()));
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
            if let Some(w) = writer.as_mut() {
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
                if let Some(w) = writer.as_mut() {
                    w.output(&o);
                }
                send(&tx, PipeMsg::Analysis(o));
            }
        }
        if let Some(w) = writer.as_mut() {
            if let Err(e) = w.flush_if_due(&acq.counters.snapshot()) {
                if let Some(w) = writer.take() {
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
    acq.stop();
    // The app closed mid-session: keep what was recorded, marked as such,
    // with the last practice record the UI sent on its way out.
    if let Some(mut w) = writer.take() {
        while let Ok(c) = cmds.try_recv() {
            if let PipeCmd::SetPractice(v) = c {
                w.meta.practice = Some(v);
            }
        }
        let _ = w.finish(
            SessionStatus::Complete,
            "app closed".into(),
            &acq.counters.snapshot(),
        );
    }
}
