//! What the audio thread shares with the UI: the output status (a code in
//! an atomic; the full status, with its reason, through a small ring to
//! the UI) and the clocks, in atomics the UI can poll every frame.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};

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

    pub(crate) fn code(&self) -> u8 {
        match self {
            AudioStatus::Opening => 0,
            AudioStatus::Playing => 1,
            AudioStatus::NoDevice(_) => 2,
            AudioStatus::DeviceLost(_) => 3,
            AudioStatus::Closed => 4,
        }
    }
}

/// Shared between the UI, the audio thread and the callback (atomics only).
#[derive(Debug)]
pub(crate) struct Shared {
    status: AtomicU8,
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
            frames: AtomicU64::new(0),
            sample_rate: AtomicU32::new(0),
            pacer_time: AtomicU64::new(f64::NAN.to_bits()),
            shutdown: AtomicBool::new(false),
            reopen: AtomicBool::new(false),
        }
    }
}

impl Shared {
    /// Publishes the code of `s` (and clears the clocks unless playing).
    pub fn set_status(&self, s: &AudioStatus) {
        if !matches!(s, AudioStatus::Playing) {
            self.sample_rate.store(0, Ordering::Relaxed);
            self.pacer_time.store(f64::NAN.to_bits(), Ordering::Relaxed);
        }
        self.status.store(s.code(), Ordering::Release);
    }

    /// The status code last published.
    pub fn status_code(&self) -> u8 {
        self.status.load(Ordering::Acquire)
    }
}

/// The UI's view of the status: the statuses the audio thread sent, the
/// newest kept. Should the ring have overflowed (a UI that has not polled
/// through many changes), the published code still wins, with a generic
/// reason.
pub(crate) fn current(code: u8, last: &AudioStatus) -> AudioStatus {
    if last.code() == code {
        return last.clone();
    }
    let why = || "the audio output is unusable (see the log)".to_string();
    match code {
        0 => AudioStatus::Opening,
        1 => AudioStatus::Playing,
        2 => AudioStatus::NoDevice(why()),
        3 => AudioStatus::DeviceLost(why()),
        _ => AudioStatus::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_status_read_is_shown_and_the_published_code_wins() {
        let lost = AudioStatus::DeviceLost("USB headset unplugged".into());
        assert_eq!(current(lost.code(), &lost), lost);
        // The ring overflowed: the code says playing again.
        assert_eq!(current(1, &lost), AudioStatus::Playing);
        // ... or no device, whose reason did not arrive.
        let s = current(2, &AudioStatus::Playing);
        assert!(
            matches!(&s, AudioStatus::NoDevice(r) if r.contains("see the log")),
            "{s:?}"
        );
    }
}
