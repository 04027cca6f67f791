//! Typed messages of protocol version 1 (no allocation: fixed-size fields).

use crate::MAX_PAIRS;

/// Message type byte. Bit 7 set marks a host-to-device command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum MsgType {
    Info = 0x01,
    Samples = 0x02,
    Heartbeat = 0x03,
    Ack = 0x04,
    Nack = 0x05,
    GetInfo = 0x81,
    Start = 0x82,
    Stop = 0x83,
    SetRate = 0x84,
    Ping = 0x85,
}

impl MsgType {
    /// The type for a wire byte, if known.
    pub fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0x01 => Self::Info,
            0x02 => Self::Samples,
            0x03 => Self::Heartbeat,
            0x04 => Self::Ack,
            0x05 => Self::Nack,
            0x81 => Self::GetInfo,
            0x82 => Self::Start,
            0x83 => Self::Stop,
            0x84 => Self::SetRate,
            0x85 => Self::Ping,
            _ => return None,
        })
    }
}

/// Why a device refused a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NackCode {
    UnknownCommand,
    BadArgument,
    Busy,
    MalformedCommand,
    /// A code this version does not know (kept, not rejected).
    Other(u8),
}

impl NackCode {
    pub fn from_u8(b: u8) -> Self {
        match b {
            1 => Self::UnknownCommand,
            2 => Self::BadArgument,
            3 => Self::Busy,
            4 => Self::MalformedCommand,
            x => Self::Other(x),
        }
    }
    pub fn to_u8(self) -> u8 {
        match self {
            Self::UnknownCommand => 1,
            Self::BadArgument => 2,
            Self::Busy => 3,
            Self::MalformedCommand => 4,
            Self::Other(x) => x,
        }
    }
}

/// A short ASCII text of at most `N` bytes (channel names and units).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Label<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> Label<N> {
    /// `None` if `s` is longer than `N` bytes or not printable ASCII.
    pub fn new(s: &str) -> Option<Self> {
        Self::from_bytes(s.as_bytes())
    }
    pub(crate) fn from_bytes(b: &[u8]) -> Option<Self> {
        if b.len() > N || !b.iter().all(|c| (0x20..0x7f).contains(c)) {
            return None;
        }
        let mut bytes = [0u8; N];
        bytes[..b.len()].copy_from_slice(b);
        Some(Self {
            len: b.len() as u8,
            bytes,
        })
    }
    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored, so this cannot fail.
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl<const N: usize> core::fmt::Debug for Label<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// How one band's counts map to its physical unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelInfo {
    pub name: Label<16>,
    pub unit: Label<8>,
    /// Units per count: `value = count * scale + offset`.
    pub scale: f32,
    pub offset: f32,
    /// Largest count the converter produces; 0 and this count as clipped.
    pub full_scale: u16,
}

/// Device description, sent at boot and on `GetInfo`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Info {
    pub protocol_version: u8,
    pub firmware_version: [u8; 3],
    pub sample_rate_hz: u16,
    /// Bit 0: streaming ([`STATUS_STREAMING`]).
    pub status: u8,
    pub device_id: [u8; 8],
    /// Channel 0 is the chest band, channel 1 the belly band.
    pub channels: [ChannelInfo; 2],
}

/// Flags about the samples of one `Samples` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleFlags(pub u8);

impl SampleFlags {
    pub const CHEST_CLIPPED: u8 = 1 << 0;
    pub const BELLY_CLIPPED: u8 = 1 << 1;
    pub const DEVICE_OVERRUN: u8 = 1 << 2;
    pub const CHEST_DISCONNECTED: u8 = 1 << 3;
    pub const BELLY_DISCONNECTED: u8 = 1 << 4;
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// A block of consecutive sample pairs `[chest, belly]`.
#[derive(Clone, Copy)]
pub struct Samples {
    pub first_index: u32,
    pub flags: SampleFlags,
    count: u8,
    pairs: [[u16; 2]; MAX_PAIRS],
}

impl Samples {
    /// `None` if `pairs` is empty or longer than [`MAX_PAIRS`].
    pub fn new(first_index: u32, flags: SampleFlags, pairs: &[[u16; 2]]) -> Option<Self> {
        if pairs.is_empty() || pairs.len() > MAX_PAIRS {
            return None;
        }
        let mut buf = [[0u16; 2]; MAX_PAIRS];
        buf[..pairs.len()].copy_from_slice(pairs);
        Some(Self {
            first_index,
            flags,
            count: pairs.len() as u8,
            pairs: buf,
        })
    }
    /// The pairs `[chest, belly]` of this block, in order.
    pub fn pairs(&self) -> &[[u16; 2]] {
        &self.pairs[..self.count as usize]
    }
}

impl PartialEq for Samples {
    fn eq(&self, o: &Self) -> bool {
        self.first_index == o.first_index && self.flags == o.flags && self.pairs() == o.pairs()
    }
}

impl core::fmt::Debug for Samples {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Samples")
            .field("first_index", &self.first_index)
            .field("flags", &self.flags)
            .field("pairs", &self.pairs())
            .finish()
    }
}

/// Periodic liveness message (about 1 Hz).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    pub uptime_ms: u32,
    pub next_index: u32,
    /// Bit 0: streaming ([`STATUS_STREAMING`]).
    pub status: u8,
    pub overruns: u16,
}

/// The `status` bit of [`Info`] and [`Heartbeat`] set while the board streams.
pub const STATUS_STREAMING: u8 = 1 << 0;

impl Info {
    /// The board says it is streaming.
    pub fn is_streaming(&self) -> bool {
        self.status & STATUS_STREAMING != 0
    }
}

impl Heartbeat {
    /// The board says it is streaming.
    pub fn is_streaming(&self) -> bool {
        self.status & STATUS_STREAMING != 0
    }
}

/// Every message of protocol version 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Message {
    Info(Info),
    Samples(Samples),
    Heartbeat(Heartbeat),
    Ack { command: u8 },
    Nack { command: u8, code: NackCode },
    GetInfo,
    Start,
    Stop,
    SetRate { rate_hz: u16 },
    Ping { nonce: u32 },
}

impl Message {
    pub fn msg_type(&self) -> MsgType {
        match self {
            Self::Info(_) => MsgType::Info,
            Self::Samples(_) => MsgType::Samples,
            Self::Heartbeat(_) => MsgType::Heartbeat,
            Self::Ack { .. } => MsgType::Ack,
            Self::Nack { .. } => MsgType::Nack,
            Self::GetInfo => MsgType::GetInfo,
            Self::Start => MsgType::Start,
            Self::Stop => MsgType::Stop,
            Self::SetRate { .. } => MsgType::SetRate,
            Self::Ping { .. } => MsgType::Ping,
        }
    }
}

/// A decoded frame: the sender's sequence number and the message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub seq: u8,
    pub message: Message,
}
