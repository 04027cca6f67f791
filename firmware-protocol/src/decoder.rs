//! Incremental frame decoder: takes bytes in any chunking, yields frames and
//! errors, resynchronises at every 0x00 delimiter.

use crate::message::Frame;
use crate::wire::parse_payload;
use crate::MAX_FRAME;

/// Why a frame was dropped. Every variant says how many wire bytes it cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// COBS structure invalid (e.g. a code byte pointing past the delimiter).
    Cobs { bytes: usize },
    /// CRC mismatch.
    Crc {
        expected: u16,
        found: u16,
        bytes: usize,
    },
    /// A type byte this protocol version does not know.
    UnknownType { msg_type: u8, bytes: usize },
    /// Body length or contents wrong for the type.
    BadBody { msg_type: u8, bytes: usize },
    /// More than `MAX_FRAME - 1` bytes without a delimiter; skipped to the next 0x00.
    Overlong { bytes: usize },
}

impl DecodeError {
    /// Wire bytes lost with this frame.
    pub fn bytes(&self) -> usize {
        match *self {
            Self::Cobs { bytes }
            | Self::Crc { bytes, .. }
            | Self::UnknownType { bytes, .. }
            | Self::BadBody { bytes, .. }
            | Self::Overlong { bytes } => bytes,
        }
    }
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Cobs { bytes } => write!(f, "invalid COBS frame ({bytes} bytes)"),
            Self::Crc {
                expected, found, ..
            } => write!(
                f,
                "CRC mismatch: computed {expected:#06x}, frame says {found:#06x}"
            ),
            Self::UnknownType { msg_type, .. } => write!(f, "unknown message type {msg_type:#04x}"),
            Self::BadBody { msg_type, .. } => {
                write!(f, "body malformed for message type {msg_type:#04x}")
            }
            Self::Overlong { bytes } => write!(f, "{bytes} bytes without a frame delimiter"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// Running totals kept by a [`Decoder`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecoderStats {
    /// Frames that decoded and passed their CRC.
    pub frames: u64,
    pub crc_errors: u64,
    /// Invalid COBS, unknown type or bad body.
    pub malformed: u64,
    pub overlong: u64,
    /// Wire bytes that were not part of a good frame.
    pub bytes_dropped: u64,
}

/// Incremental decoder with a fixed buffer of one frame.
#[derive(Clone)]
pub struct Decoder {
    buf: [u8; MAX_FRAME],
    len: usize,
    /// Bytes skipped since the buffer overflowed (0 = not skipping).
    skipping: usize,
    stats: DecoderStats,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    pub const fn new() -> Self {
        Self {
            buf: [0; MAX_FRAME],
            len: 0,
            skipping: 0,
            stats: DecoderStats {
                frames: 0,
                crc_errors: 0,
                malformed: 0,
                overlong: 0,
                bytes_dropped: 0,
            },
        }
    }

    /// Totals since creation.
    pub fn stats(&self) -> DecoderStats {
        self.stats
    }

    /// Bytes buffered toward an incomplete frame.
    pub fn pending(&self) -> usize {
        self.len + self.skipping
    }

    /// Forgets a partial frame (e.g. after a reconnect) and counts it as dropped.
    pub fn reset(&mut self) {
        self.stats.bytes_dropped += self.pending() as u64;
        self.len = 0;
        self.skipping = 0;
    }

    /// Feeds `bytes`; calls `on_frame` once per complete frame (good or bad).
    pub fn push(&mut self, bytes: &[u8], mut on_frame: impl FnMut(Result<Frame, DecodeError>)) {
        let mut rest = bytes;
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == 0) {
                None => {
                    self.absorb(rest);
                    return;
                }
                Some(end) => {
                    self.absorb(&rest[..end]);
                    if let Some(r) = self.finish_frame() {
                        on_frame(r);
                    }
                    rest = &rest[end + 1..];
                }
            }
        }
    }

    /// Feeds one byte; returns a frame result when it completes one.
    pub fn feed(&mut self, byte: u8) -> Option<Result<Frame, DecodeError>> {
        if byte == 0 {
            self.finish_frame()
        } else {
            self.absorb(&[byte]);
            None
        }
    }

    fn absorb(&mut self, chunk: &[u8]) {
        if self.skipping > 0 {
            self.skipping += chunk.len();
            return;
        }
        let room = MAX_FRAME - 1 - self.len;
        if chunk.len() > room {
            self.skipping = self.len + chunk.len();
            self.len = 0;
        } else {
            self.buf[self.len..self.len + chunk.len()].copy_from_slice(chunk);
            self.len += chunk.len();
        }
    }

    fn finish_frame(&mut self) -> Option<Result<Frame, DecodeError>> {
        let wire_bytes = self.len + 1;
        if self.skipping > 0 {
            let bytes = self.skipping + 1;
            self.skipping = 0;
            self.stats.overlong += 1;
            self.stats.bytes_dropped += bytes as u64;
            return Some(Err(DecodeError::Overlong { bytes }));
        }
        if self.len == 0 {
            return None; // empty frame: padding
        }
        let n = self.len;
        self.len = 0;
        let result = match cobs::decode_in_place(&mut self.buf[..n]) {
            Ok(m) => parse_payload(&self.buf[..m]),
            Err(_) => Err(DecodeError::Cobs { bytes: wire_bytes }),
        };
        match &result {
            Ok(_) => self.stats.frames += 1,
            Err(e) => {
                match e {
                    DecodeError::Crc { .. } => self.stats.crc_errors += 1,
                    _ => self.stats.malformed += 1,
                }
                self.stats.bytes_dropped += wire_bytes as u64;
            }
        }
        // Report wire bytes, not payload bytes, for every error.
        Some(result.map_err(|e| with_wire_bytes(e, wire_bytes)))
    }
}

fn with_wire_bytes(e: DecodeError, n: usize) -> DecodeError {
    match e {
        DecodeError::Cobs { .. } => DecodeError::Cobs { bytes: n },
        DecodeError::Crc {
            expected, found, ..
        } => DecodeError::Crc {
            expected,
            found,
            bytes: n,
        },
        DecodeError::UnknownType { msg_type, .. } => {
            DecodeError::UnknownType { msg_type, bytes: n }
        }
        DecodeError::BadBody { msg_type, .. } => DecodeError::BadBody { msg_type, bytes: n },
        DecodeError::Overlong { .. } => DecodeError::Overlong { bytes: n },
    }
}
