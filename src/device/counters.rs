//! Link counters shared lock-free between the reader thread and everyone else.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Live counters, updated by the reader thread with relaxed atomics.
#[derive(Debug, Default)]
pub struct Counters {
    pub frames: AtomicU64,
    pub bytes: AtomicU64,
    pub bytes_dropped: AtomicU64,
    pub crc_errors: AtomicU64,
    pub malformed: AtomicU64,
    pub samples: AtomicU64,
    pub samples_lost: AtomicU64,
    pub reconnects: AtomicU64,
    pub ring_overflow: AtomicU64,
    pub text_lines_rejected: AtomicU64,
    pub stray_frames: AtomicU64,
}

/// A plain copy of [`Counters`] at one moment (what `session.json` stores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CounterSnapshot {
    /// Frames that passed their CRC (or text lines accepted).
    pub frames: u64,
    /// Bytes received from the link.
    pub bytes: u64,
    /// Bytes that were not part of a good frame.
    pub bytes_dropped: u64,
    pub crc_errors: u64,
    /// Frames with bad COBS, unknown type or bad body.
    pub malformed: u64,
    /// Samples delivered.
    pub samples: u64,
    /// Samples missing from the device's index sequence (or estimated over a gap).
    pub samples_lost: u64,
    pub reconnects: u64,
    /// Samples dropped because the consumer fell behind (ring full).
    pub ring_overflow: u64,
    /// Text-mode lines that were not two numbers.
    pub text_lines_rejected: u64,
    /// Frames with a valid CRC whose index jumped away from the stream
    /// and back at once: dropped, not taken for a gap.
    pub stray_frames: u64,
}

impl Counters {
    pub fn add(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Relaxed);
    }
    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            frames: self.frames.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            bytes_dropped: self.bytes_dropped.load(Relaxed),
            crc_errors: self.crc_errors.load(Relaxed),
            malformed: self.malformed.load(Relaxed),
            samples: self.samples.load(Relaxed),
            samples_lost: self.samples_lost.load(Relaxed),
            reconnects: self.reconnects.load(Relaxed),
            ring_overflow: self.ring_overflow.load(Relaxed),
            text_lines_rejected: self.text_lines_rejected.load(Relaxed),
            stray_frames: self.stray_frames.load(Relaxed),
        }
    }
}

impl CounterSnapshot {
    /// True when nothing was lost or corrupted.
    pub fn is_clean(&self) -> bool {
        self.bytes_dropped == 0
            && self.crc_errors == 0
            && self.malformed == 0
            && self.samples_lost == 0
            && self.reconnects == 0
            && self.ring_overflow == 0
            && self.text_lines_rejected == 0
            && self.stray_frames == 0
    }
}
