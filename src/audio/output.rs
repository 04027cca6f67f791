//! The live cue output: a thread of its own owns the cpal stream, the UI
//! talks to it through a lock-free queue and reads its status and clocks
//! from atomics. Opening happens on that thread, so `start` returns at once
//! and a missing or vanishing device never blocks or panics the UI.

use super::command::Command;
use super::status::{self, AudioStatus, Shared};
use super::stream::{self, Live, OpenError};
use super::synth::{Synth, SynthSettings};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Commands waiting for the audio thread.
const QUEUE: usize = 64;
/// Status changes that may wait for the UI to read them (a handful a session).
const STATUS_QUEUE: usize = 16;
/// The audio thread looks for stream errors at least this often.
const POLL: Duration = Duration::from_millis(200);
/// How long dropping an `AudioOutput` waits for the thread to close the device.
const DROP_WAIT: Duration = Duration::from_secs(1);
/// A stream whose callback has not run for this long counts as lost.
const STALL: Duration = Duration::from_secs(3);
/// How long closing waits for the sound to fade out.
const CLOSE_FADE_WAIT: Duration = Duration::from_millis(200);

/// The command queue was full; the command was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("audio command queue full")]
pub struct QueueFull;

/// Handle to the audio thread, owned by the UI.
pub struct AudioOutput {
    commands: HeapProd<Command>,
    shared: Arc<Shared>,
    /// Statuses from the audio thread, and the newest one read.
    statuses: HeapCons<AudioStatus>,
    last: AudioStatus,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AudioOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioOutput")
            .field(
                "status",
                &status::current(self.shared.status_code(), &self.last),
            )
            .finish()
    }
}

impl AudioOutput {
    /// Spawns the audio thread with default settings and returns at once;
    /// poll [`Self::status`] for the outcome.
    pub fn start() -> Self {
        Self::start_with(SynthSettings::default())
    }

    /// Like [`Self::start`], with the first pattern, cue and volume.
    pub fn start_with(settings: SynthSettings) -> Self {
        let open = |shared: &Arc<Shared>, make: &dyn Fn(u32) -> Synth| stream::open(shared, make);
        Self::spawn(settings, Box::new(open), STALL)
    }

    /// An output whose device never opens: the audio thread runs and
    /// reports [`AudioStatus::NoDevice`] with `reason`, as it does when the
    /// machine has no usable device (for tests, and for running silent).
    pub fn without_device(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let open = move |_: &Arc<Shared>, _: &dyn Fn(u32) -> Synth| {
            Err(OpenError::Unavailable(reason.clone()))
        };
        Self::spawn(SynthSettings::default(), Box::new(open), STALL)
    }

    /// Starts the audio thread with a way to open streams.
    pub(crate) fn spawn(settings: SynthSettings, open_fn: Box<OpenFn>, stall: Duration) -> Self {
        let (commands, ui) = HeapRb::<Command>::new(QUEUE).split();
        let (status_tx, statuses) = HeapRb::<AudioStatus>::new(STATUS_QUEUE).split();
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("breathband-audio".into())
            .spawn(move || {
                // Built here: the stream it will hold stays on this thread.
                AudioThread {
                    shared: s,
                    statuses: status_tx,
                    ui,
                    mirror: Mirror {
                        settings,
                        started: None,
                    },
                    open_fn,
                    live: None,
                    progress: (0, Instant::now()),
                    stall,
                }
                .run()
            });
        let mut last = AudioStatus::Opening;
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                last = AudioStatus::NoDevice(format!("cannot start the audio thread: {e}"));
                shared.set_status(&last);
                None
            }
        };
        Self {
            commands,
            shared,
            statuses,
            last,
            thread,
        }
    }

    /// Queues a command for the synth; never blocks.
    pub fn send(&mut self, cmd: Command) -> Result<(), QueueFull> {
        self.commands.try_push(cmd).map_err(|_| QueueFull)?;
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
        Ok(())
    }

    /// State of the output; [`AudioStatus::notice`] gives the text to show.
    /// Never blocks: reads what the audio thread sent since the last call.
    pub fn status(&mut self) -> AudioStatus {
        while let Some(s) = self.statuses.try_pop() {
            self.last = s;
        }
        status::current(self.shared.status_code(), &self.last)
    }

    /// Frames rendered by the current stream (the played-sample clock; the
    /// sound leaves the speaker one device buffer later).
    pub fn played_frames(&self) -> u64 {
        self.shared.frames.load(Ordering::Relaxed)
    }

    /// Sample rate of the open stream.
    pub fn sample_rate(&self) -> Option<u32> {
        Some(self.shared.sample_rate.load(Ordering::Relaxed)).filter(|r| *r > 0)
    }

    /// Pacer time of the audio, s, while the pacer is running and sounding
    /// through a device: lets the visual pacer follow the audio clock.
    pub fn pacer_time_s(&self) -> Option<f64> {
        Some(f64::from_bits(
            self.shared.pacer_time.load(Ordering::Relaxed),
        ))
        .filter(|t| !t.is_nan())
    }

    /// Asks the audio thread to open the default device again (after
    /// `NoDevice` or `DeviceLost`, e.g. from a "Retry sound" button).
    pub fn reopen(&self) {
        self.shared.reopen.store(true, Ordering::Relaxed);
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
    }

    /// Closes the device and waits for the audio thread to end.
    pub fn close(mut self) {
        self.shared.shutdown.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for AudioOutput {
    /// Asks the thread to close the device; waits up to a second for it.
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Relaxed);
        let Some(t) = self.thread.take() else { return };
        t.thread().unpark();
        let until = Instant::now() + DROP_WAIT;
        while !t.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if t.is_finished() {
            let _ = t.join();
        }
    }
}

/// What the audio thread knows of the UI's wishes, to rebuild the synth
/// when it opens a device.
struct Mirror {
    settings: SynthSettings,
    /// Pacer time asked for, and when.
    started: Option<(f64, Instant)>,
}

impl Mirror {
    fn apply(&mut self, cmd: Command) {
        let s = &mut self.settings;
        match cmd {
            Command::SetPattern(p) if p.validate().is_ok() => s.pattern = p,
            Command::SetPattern(_) => {}
            Command::SetCue(c) => s.cue = c,
            Command::SetVolume(v) => s.volume = v,
            Command::SetMute(m) => s.muted = m,
            Command::Start { at_s } => self.started = Some((at_s, Instant::now())),
            Command::Stop => self.started = None,
        }
    }

    fn synth(&self, sample_rate: u32) -> Synth {
        let mut synth = Synth::new(sample_rate, self.settings);
        if let Some((at_s, when)) = self.started {
            synth.apply(Command::Start {
                at_s: at_s + when.elapsed().as_secs_f64(),
            });
        }
        synth
    }
}

/// Opens a stream playing the synth made for its sample rate
/// ([`stream::open`] outside tests).
pub(crate) type OpenFn =
    dyn FnMut(&Arc<Shared>, &dyn Fn(u32) -> Synth) -> Result<Live, OpenError> + Send;

/// The audio thread's state.
struct AudioThread {
    shared: Arc<Shared>,
    statuses: HeapProd<AudioStatus>,
    ui: HeapCons<Command>,
    mirror: Mirror,
    open_fn: Box<OpenFn>,
    live: Option<Live>,
    /// Frames rendered when last seen to change, and when.
    progress: (u64, Instant),
    /// A stream that renders nothing for this long counts as lost.
    stall: Duration,
}

impl AudioThread {
    /// Publishes a new status: its code at once, the whole of it (with the
    /// reason) through the ring to the UI.
    fn report(&mut self, s: AudioStatus) {
        self.shared.set_status(&s);
        let _ = self.statuses.try_push(s);
    }

    /// Closes any stream and opens the default device.
    fn open(&mut self) -> Result<(), OpenError> {
        drop(self.live.take());
        let mirror = &self.mirror;
        let live = (self.open_fn)(&self.shared, &|rate| mirror.synth(rate))?;
        self.shared
            .sample_rate
            .store(live.sample_rate, Ordering::Relaxed);
        self.report(AudioStatus::Playing);
        self.progress = (self.shared.frames.load(Ordering::Relaxed), Instant::now());
        self.live = Some(live);
        Ok(())
    }

    /// Why the open stream is dead: a fatal stream error, or no callback
    /// for `stall`.
    fn lost(&mut self) -> Option<String> {
        let l = self.live.as_ref()?;
        let fatal = l.errors.try_iter().find_map(|e| {
            if stream::is_fatal(e.kind()) {
                Some(e.to_string())
            } else {
                tracing::debug!("audio output: {e}");
                None
            }
        });
        if fatal.is_some() {
            return fatal;
        }
        let frames = self.shared.frames.load(Ordering::Relaxed);
        if frames != self.progress.0 {
            self.progress = (frames, Instant::now());
        } else if self.progress.1.elapsed() > self.stall {
            return Some("the audio device stopped taking sound".into());
        }
        None
    }

    /// Opens the device, forwards commands, watches for a lost device,
    /// closes on shutdown.
    fn run(mut self) {
        if let Err(reason) = self.open() {
            tracing::warn!("{reason}; the pacer carries on without sound");
            self.report(AudioStatus::NoDevice(reason.to_string()));
        }
        while !self.shared.shutdown.load(Ordering::Relaxed) {
            if self.shared.reopen.swap(false, Ordering::Relaxed) {
                if let Err(reason) = self.open() {
                    self.report(AudioStatus::NoDevice(reason.to_string()));
                }
            }
            forward(&mut self.ui, &mut self.mirror, self.live.as_mut());
            if let Some(reason) = self.lost() {
                // Close the dead stream, then try the default device once more.
                if let Err(again) = self.open() {
                    tracing::warn!("audio output lost: {reason} ({again})");
                    self.report(AudioStatus::DeviceLost(reason));
                }
            }
            std::thread::park_timeout(POLL);
        }
        // Fade out before closing, so the sound does not stop with a click.
        forward(&mut self.ui, &mut self.mirror, self.live.as_mut());
        if let Some(l) = &mut self.live {
            if l.commands.try_push(Command::Stop).is_ok() {
                let until = Instant::now() + CLOSE_FADE_WAIT;
                let playing =
                    || !f64::from_bits(self.shared.pacer_time.load(Ordering::Relaxed)).is_nan();
                while playing() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        }
        drop(self.live.take());
        self.report(AudioStatus::Closed);
    }
}

/// Passes the UI's commands on to the callback, remembering them for a
/// rebuild.
fn forward(ui: &mut HeapCons<Command>, mirror: &mut Mirror, mut live: Option<&mut Live>) {
    while let Some(cmd) = ui.try_pop() {
        mirror.apply(cmd);
        if let Some(l) = live.as_deref_mut() {
            if l.commands.try_push(cmd).is_err() {
                tracing::warn!("audio callback is not taking commands; dropped {cmd:?}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{mpsc, Mutex};

    /// A scripted device: each open succeeds or fails in turn; the test
    /// holds the error channel of the open stream. It never calls back, so
    /// its frame clock stands still.
    struct Fake {
        script: Mutex<VecDeque<bool>>,
        errors: Mutex<Option<mpsc::Sender<cpal::Error>>>,
        opens: AtomicUsize,
    }

    fn fake(script: &[bool], stall: Duration) -> (AudioOutput, Arc<Fake>) {
        let f = Arc::new(Fake {
            script: Mutex::new(script.iter().copied().collect()),
            errors: Mutex::new(None),
            opens: AtomicUsize::new(0),
        });
        let f2 = Arc::clone(&f);
        let open = move |_: &Arc<Shared>, make: &dyn Fn(u32) -> Synth| {
            f2.opens.fetch_add(1, Ordering::SeqCst);
            if !f2.script.lock().unwrap().pop_front().unwrap_or(false) {
                return Err(OpenError::Unavailable("unplugged".to_string()));
            }
            let synth = make(48_000);
            let (commands, cons) = HeapRb::<Command>::new(8).split();
            let (tx, errors) = mpsc::channel();
            *f2.errors.lock().unwrap() = Some(tx);
            Ok(Live {
                _stream: Box::new((synth, cons)),
                commands,
                errors,
                sample_rate: 48_000,
            })
        };
        let out = AudioOutput::spawn(SynthSettings::default(), Box::new(open), stall);
        (out, f)
    }

    fn wait_until(out: &mut AudioOutput, want: impl Fn(&AudioStatus) -> bool) -> AudioStatus {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let s = out.status();
            if want(&s) || Instant::now() > until {
                return s;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn lost_device_is_reported_and_reopen_recovers() {
        let (mut out, f) = fake(&[true, false, true], Duration::from_secs(60));
        assert_eq!(
            wait_until(&mut out, |s| *s == AudioStatus::Playing),
            AudioStatus::Playing
        );
        assert_eq!(out.sample_rate(), Some(48_000));
        // A glitch is not a loss.
        let tx = f.errors.lock().unwrap().clone().unwrap();
        tx.send(cpal::ErrorKind::Xrun.into()).unwrap();
        std::thread::sleep(POLL * 2);
        assert_eq!(out.status(), AudioStatus::Playing);
        // The device goes; opening it again fails.
        tx.send(cpal::Error::with_message(
            cpal::ErrorKind::DeviceNotAvailable,
            "USB headset unplugged",
        ))
        .unwrap();
        let s = wait_until(&mut out, |s| matches!(s, AudioStatus::DeviceLost(_)));
        assert_eq!(s, AudioStatus::DeviceLost("USB headset unplugged".into()));
        assert!(s.notice().unwrap().contains("unplugged"));
        assert_eq!(out.sample_rate(), None);
        assert_eq!(f.opens.load(Ordering::SeqCst), 2);
        // Plugged back: a retry brings the sound back.
        out.reopen();
        assert_eq!(
            wait_until(&mut out, |s| *s == AudioStatus::Playing),
            AudioStatus::Playing
        );
        out.close();
        assert_eq!(f.opens.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_stream_that_stops_calling_back_counts_as_lost() {
        let (mut out, _f) = fake(&[true, false], Duration::from_millis(300));
        assert_eq!(
            wait_until(&mut out, |s| *s == AudioStatus::Playing),
            AudioStatus::Playing
        );
        let s = wait_until(&mut out, |s| matches!(s, AudioStatus::DeviceLost(_)));
        assert_eq!(
            s,
            AudioStatus::DeviceLost("the audio device stopped taking sound".into())
        );
    }

    #[test]
    fn no_device_at_start_and_commands_still_taken() {
        let (mut out, _f) = fake(&[false], Duration::from_secs(60));
        let s = wait_until(&mut out, |s| matches!(s, AudioStatus::NoDevice(_)));
        assert_eq!(s, AudioStatus::NoDevice("unplugged".into()));
        for i in 0..1000 {
            // The thread drains the queue; a full queue is an error, not a block.
            let _ = out.send(Command::SetVolume(i as f32 / 1000.0));
        }
        out.send(Command::Start { at_s: 0.0 }).ok();
        drop(out);
    }
}
