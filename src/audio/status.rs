//! What the audio thread shares with the UI: the output status and the
//! clocks, in atomics the UI can poll every frame.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

/// State of the audio output, for the notice in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioStatus {
    /// The audio thread is still opening the device.
    Opening,
    /// A stream is open (silent while the pacer is stopped).
    Playing,
    /// No usable output device: the app carries on silent.
    NoDevice(String),
    /// The device went away while playing: the app carries on silent.
    DeviceLost(String),
    /// The output was closed.
    Closed,
}

impl AudioStatus {
    /// A notice for the UI, or `None` when all is well.
    pub fn notice(&self) -> Option<String> {
        match self {
            AudioStatus::NoDevice(r) => Some(format!("No sound: {r}")),
            AudioStatus::DeviceLost(r) => Some(format!("Sound stopped: {r}")),
            _ => None,
        }
    }

    fn code(&self) -> u8 {
        match self {
            AudioStatus::Opening => 0,
            AudioStatus::Playing => 1,
            AudioStatus::NoDevice(_) => 2,
            AudioStatus::DeviceLost(_) => 3,
            AudioStatus::Closed => 4,
        }
    }
}

/// Shared between the UI, the audio thread and the callback. The callback
/// touches only the atomics; the reason text is for the two others.
#[derive(Debug)]
pub(crate) struct Shared {
    status: AtomicU8,
    reason: Mutex<String>,
    /// Frames rendered by the current stream.
    pub frames: AtomicU64,
    /// Sample rate of the current stream, 0 when none.
    pub sample_rate: AtomicU32,
    /// Pacer time of the next frame (f64 bits), NaN when stopped.
    pub pacer_time: AtomicU64,
    pub shutdown: AtomicBool,
    pub reopen: AtomicBool,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            status: AtomicU8::new(0),
            reason: Mutex::new(String::new()),
            frames: AtomicU64::new(0),
            sample_rate: AtomicU32::new(0),
            pacer_time: AtomicU64::new(f64::NAN.to_bits()),
            shutdown: AtomicBool::new(false),
            reopen: AtomicBool::new(false),
        }
    }
}

impl Shared {
    pub fn set_status(&self, s: AudioStatus) {
        if let AudioStatus::NoDevice(r) | AudioStatus::DeviceLost(r) = &s {
            let mut reason = self.reason.lock().unwrap_or_else(|e| e.into_inner());
            reason.clone_from(r);
        }
        if !matches!(s, AudioStatus::Playing) {
            self.sample_rate.store(0, Ordering::Relaxed);
            self.pacer_time.store(f64::NAN.to_bits(), Ordering::Relaxed);
        }
        self.status.store(s.code(), Ordering::Release);
    }

    pub fn status(&self) -> AudioStatus {
        let code = self.status.load(Ordering::Acquire);
        let reason = || {
            self.reason
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        };
        match code {
            0 => AudioStatus::Opening,
            1 => AudioStatus::Playing,
            2 => AudioStatus::NoDevice(reason()),
            3 => AudioStatus::DeviceLost(reason()),
            _ => AudioStatus::Closed,
        }
    }
}
