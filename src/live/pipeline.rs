//! The live pipeline behind the app: a thread that owns the acquisition and
//! a [`Fanout`] (session folder, analysis thread, traces), and hands the UI
//! display points (through a lock-free ring) and messages (through a
//! bounded channel, with a backlog so that none is lost). The UI never
//! waits on it: it drains both once per frame.

use super::fanout::{AnalysisPlan, Fanout};
use super::messages::{DisplayPoint, PipeCmd, PipeMsg};
use super::source::{Opener, SourceChoice};
use crate::acquisition::{AcqConfig, AcqEvent, Acquisition, Counters, Sample};
use crate::analysis::{AnalysisConfig, Gains};
use crate::device::virtual_sensor::VirtualParams;
use crate::device::DeviceInfo;
use crate::outbox::Outbox;
use crate::session::meta::SessionStatus;
use crate::session::writer::SessionWriter;
use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::{
    AtomicBool, AtomicUsize,
    Ordering::{Relaxed, SeqCst},
};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Messages to the UI kept back while its queue is full (a UI that has not
/// drawn for minutes); past this the oldest analysis output goes first.
const MSG_BACKLOG: usize = 1 << 14;

/// Commands and virtual-sensor changes that may wait for the pipeline
/// thread (it reads them every 15 ms).
const CMD_QUEUE: usize = 1024;

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

/// A running pipeline. Dropping it only asks the thread to stop and never
/// waits: the thread then stops the reader (which may take a serial
/// handshake's time) and closes any session folder on its own. See
/// [`wait_for_all`] for the end of the process.
pub struct Pipeline {
    pub display: HeapCons<DisplayPoint>,
    pub msgs: Receiver<PipeMsg>,
    cmds: SyncSender<PipeCmd>,
    /// The link counters, once the pipeline thread opened the source.
    counters: Arc<OnceLock<Arc<Counters>>>,
    virtual_controls: SyncSender<VirtualParams>,
    stop: Arc<AtomicBool>,
}

/// Display points the ring to the UI holds: at [`super::DISPLAY_HZ`], over
/// two minutes without a frame before the oldest are dropped.
pub const DISPLAY_RING: usize = 4096;

impl Pipeline {
    /// Starts the pipeline thread, which opens `choice` (failures arrive as
    /// [`PipeMsg::Failed`]). Returns at once. `repaint` is called (at most 15
    /// times a second) when there is news for the UI: an event of the link
    /// (connected, lost, finished...) or messages waiting for room. New
    /// samples and analysis results are not news: while a pipeline runs the
    /// UI draws at its own pace (`app::repaint`) and drains
    /// [`Self::display`] and [`Self::msgs`] then.
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
        let (prod, display) = HeapRb::<DisplayPoint>::new(DISPLAY_RING).split();
        let (tx, msgs) = sync_channel(1024);
        let (cmds, cmd_rx) = sync_channel(CMD_QUEUE);
        let (virtual_controls, controls_rx) = sync_channel(CMD_QUEUE);
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(OnceLock::new());
        let (st, cn, fail) = (stop.clone(), counters.clone(), tx.clone());
        let running = Running::new();
        let spawned = std::thread::Builder::new()
            .name("pipeline".into())
            .spawn(move || {
                let _running = running;
                let mut out = Outbox::new(tx, MSG_BACKLOG, PipeMsg::expendable);
                let source = match open(controls_rx) {
                    Ok(s) => s,
                    Err(e) => {
                        out.send(PipeMsg::Failed(e));
                        repaint();
                        return;
                    }
                };
                let acq = Acquisition::start(source, AcqConfig::default());
                let _ = cn.set(acq.counters.clone());
                run(acq, prod, out, cmd_rx, st, gains, repaint)
            });
        if let Err(e) = spawned {
            // The closure (and its `Running`) was dropped with the error.
            let _ = fail.try_send(PipeMsg::Failed(format!(
                "cannot start the pipeline thread: {e}"
            )));
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

    /// Asks the thread to stop without waiting for it. Its last messages
    /// (the session folder closed) still arrive in `msgs`, which reports
    /// `Disconnected` once the thread has ended.
    pub fn stop(&self) {
        self.stop.store(true, Relaxed);
    }

    /// The link counters (`None` until the source is open).
    pub fn counters(&self) -> Option<&Counters> {
        self.counters.get().map(|c| &**c)
    }

    /// Sends a command to the pipeline thread (never blocks). False when it
    /// could not be queued: the thread has ended, or has not read its
    /// commands for so long that [`CMD_QUEUE`] of them wait.
    pub fn command(&self, c: PipeCmd) -> bool {
        queue(&self.cmds, c, "command")
    }

    /// Changes the virtual sensor's parameters (no-op for other sources).
    pub fn set_virtual_params(&self, p: VirtualParams) -> bool {
        queue(&self.virtual_controls, p, "virtual sensor change")
    }
}

impl Drop for Pipeline {
    /// Signals the thread to stop; does not wait for it.
    fn drop(&mut self) {
        self.stop();
    }
}

/// Queues `m` without blocking; a full queue is logged.
fn queue<T>(tx: &SyncSender<T>, m: T, what: &str) -> bool {
    match tx.try_send(m) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            tracing::error!("pipeline thread not reading: a {what} was not queued");
            false
        }
        Err(TrySendError::Disconnected(_)) => false,
    }
}

/// The live analysis of the app: a window every 0.5 s, the first after 6 s;
/// 30 s of samples may wait for it.
fn app_analysis() -> AnalysisPlan {
    AnalysisPlan {
        config: AnalysisConfig {
            step_s: 0.5,
            min_window_s: 6.0,
            ..Default::default()
        },
        backlog_s: 30.0,
        wait: false,
    }
}

fn run(
    mut acq: Acquisition,
    display: HeapProd<DisplayPoint>,
    mut out: Outbox<PipeMsg>,
    cmds: Receiver<PipeCmd>,
    stop: Arc<AtomicBool>,
    gains_override: Option<Gains>,
    repaint: impl Fn(),
) {
    let mut fan = Fanout::new(app_analysis(), Some(display));
    let mut buf = vec![Sample::default(); 4096];
    let mut last_repaint = Instant::now();
    // News not yet shown: a repaint skipped by the rate limit is owed, or a
    // message after a quiet spell (a lost link sends nothing more) would
    // wait on screen until the mouse moves.
    let mut owed = false;
    // The device, and the gains in use, once connected.
    let mut device: Option<(DeviceInfo, Gains)> = None;
    while !stop.load(Relaxed) {
        let mut news = !out.flush();
        while let Ok(c) = cmds.try_recv() {
            command(c, &mut fan, &mut device, &acq, &mut out);
        }
        while let Ok(ev) = acq.events.try_recv() {
            news = true;
            fan.event(&ev);
            match ev {
                AcqEvent::Connected(info) => {
                    if fan.connected_rate() != Some(info.sample_rate_hz) {
                        let gains = gains_override
                            .clone()
                            .unwrap_or_else(|| Gains::from_scales(info.scales()));
                        fan.connect(info.sample_rate_hz, &gains);
                        device = Some(((*info).clone(), gains.clone()));
                        out.send(PipeMsg::Connected(info, gains));
                    }
                }
                AcqEvent::Gap { at_index, lost, .. } => {
                    let rate = fan.connected_rate().unwrap_or(0.0).max(1.0);
                    out.send(PipeMsg::Gap {
                        time_s: at_index as f64 / rate,
                        lost,
                    })
                }
                AcqEvent::LinkLost(w) => out.send(PipeMsg::LinkLost(w)),
                AcqEvent::Reconnected => out.send(PipeMsg::Reconnected),
                AcqEvent::Warning(w) => out.send(PipeMsg::Warning(w)),
                AcqEvent::Finished => out.send(PipeMsg::Finished),
                AcqEvent::Failed(e) => out.send(PipeMsg::Failed(e)),
            }
        }
        loop {
            let n = acq.samples.pop_slice(&mut buf);
            if n == 0 {
                break;
            }
            // Samples and analysis results are not news: the UI draws
            // them at its own pace (`app::repaint`) while a pipeline runs,
            // and an extra frame per block would multiply its cost.
            fan.samples(&buf[..n]);
        }
        fan.drain_analysis(|o| out.send(PipeMsg::Analysis(o)));
        if let Err(e) = fan.flush_if_due(&acq.counters.snapshot()) {
            let e = e.to_string();
            if let Some((dir, _, _)) =
                fan.stop_recording(SessionStatus::Failed, e.clone(), &acq.counters.snapshot())
            {
                out.send(PipeMsg::RecordingEnded {
                    dir,
                    error: Some(e),
                });
            }
        }
        owed |= news;
        if owed && last_repaint.elapsed() >= Duration::from_millis(66) {
            last_repaint = Instant::now();
            owed = false;
            repaint();
        }
        std::thread::sleep(Duration::from_millis(15));
    }
    // Commands sent just before the stop (the last practice record, a
    // close) still count.
    while let Ok(c) = cmds.try_recv() {
        command(c, &mut fan, &mut device, &acq, &mut out);
    }
    acq.stop();
    // Closed mid-session (disconnect, another source, the app closing):
    // keep what was recorded, marked as such.
    if let Some((dir, _, error)) = fan.stop_recording(
        SessionStatus::Complete,
        "source disconnected or app closed".into(),
        &acq.counters.snapshot(),
    ) {
        out.send(PipeMsg::RecordingEnded { dir, error });
    }
    out.flush();
}

/// Carries out one command from the UI.
fn command(
    c: PipeCmd,
    fan: &mut Fanout,
    device: &mut Option<(DeviceInfo, Gains)>,
    acq: &Acquisition,
    out: &mut Outbox<PipeMsg>,
) {
    match c {
        PipeCmd::StartRecording(target) => match device.as_ref() {
            Some((info, gains)) => {
                match SessionWriter::create(&target, info, gains, Duration::from_millis(500)) {
                    Ok(mut w) => {
                        // Losses and errors of the live view before the
                        // session are not the session's.
                        w.set_counter_baseline(&acq.counters.snapshot());
                        out.send(PipeMsg::RecordingStarted(w.dir.clone()));
                        fan.start_recording(w);
                    }
                    Err(e) => out.send(PipeMsg::RecordingFailed(e.to_string())),
                }
            }
            None => out.send(PipeMsg::RecordingFailed("no sensor connected yet".into())),
        },
        PipeCmd::SetPractice(v) => {
            if let Some(w) = fan.recording() {
                w.meta.practice = Some(*v);
            }
        }
        PipeCmd::SetBaseline(b) => {
            if let Some(a) = fan.analysis() {
                a.set_baseline(b);
            }
        }
        PipeCmd::StopRecording { status, reason } => {
            if let Some((dir, _, error)) =
                fan.stop_recording(status, reason, &acq.counters.snapshot())
            {
                out.send(PipeMsg::RecordingEnded { dir, error });
            }
        }
        PipeCmd::SetGains(g) => {
            if let Some((_, gains)) = device.as_mut() {
                fan.set_gains(&g);
                *gains = g.clone();
                out.send(PipeMsg::GainsChanged(g));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::virtual_source::{VirtualConfig, VirtualSource};
    use crate::device::Source;
    use crate::device::{BlockSink, SourceError};
    use crate::session::meta::SessionMeta;
    use crate::session::writer::SessionTarget;
    use std::path::PathBuf;

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
        let last = crate::practice::record::Practice {
            pattern: Some("last".into()),
            ..Default::default()
        };
        p.command(PipeCmd::SetPractice(Box::new(last.clone())));
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
        assert_eq!(meta.practice, Some(last));
    }

    /// A virtual sensor whose cable is pulled right after the UI was last
    /// asked to repaint, and never comes back.
    struct PulledAfterRepaint {
        inner: VirtualSource,
        repainted: Arc<AtomicBool>,
        pulled_at: Arc<std::sync::Mutex<Option<Instant>>>,
    }

    impl Source for PulledAfterRepaint {
        fn poll(&mut self, sink: &mut dyn BlockSink, c: &Counters) -> Result<(), SourceError> {
            if self.repainted.load(Relaxed) {
                self.pulled_at
                    .lock()
                    .unwrap()
                    .get_or_insert_with(Instant::now);
                return Err(SourceError::LinkLost("pulled".into()));
            }
            self.inner.poll(sink, c)
        }
        fn reconnect(&mut self, _: &Counters) -> Result<(), SourceError> {
            Err(SourceError::LinkLost("still pulled".into()))
        }
        fn describe(&self) -> String {
            "pulled".into()
        }
    }

    #[test]
    fn a_link_lost_just_after_a_repaint_is_still_shown() {
        let repainted = Arc::new(AtomicBool::new(false));
        let pulled_at = Arc::new(std::sync::Mutex::new(None));
        let repaints = Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
        let (r, pa) = (Arc::clone(&repainted), Arc::clone(&pulled_at));
        let (log, flag) = (Arc::clone(&repaints), Arc::clone(&repainted));
        let p = Pipeline::start_with(
            Box::new(move |_| {
                Ok(Box::new(PulledAfterRepaint {
                    inner: VirtualSource::new(VirtualConfig::default()),
                    repainted: r,
                    pulled_at: pa,
                }) as Box<dyn Source>)
            }),
            None,
            move || {
                log.lock().unwrap().push(Instant::now());
                flag.store(true, Relaxed);
            },
        );
        wait_msg(&p, "the lost link", |m| matches!(m, PipeMsg::LinkLost(_)));
        // Nothing else happens from now on: the message must still be shown.
        std::thread::sleep(Duration::from_millis(300));
        let pulled = pulled_at.lock().unwrap().expect("pulled");
        let last = *repaints.lock().unwrap().last().unwrap();
        assert!(last > pulled, "no repaint after the link was lost");
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
