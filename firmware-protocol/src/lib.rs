//! Codec for the breathband sensor wire protocol (see `PROTOCOL.md`).
//!
//! Frames are `COBS(type seq body crc16le) 0x00`, CRC-16/IBM-3740. This crate
//! does no allocation and runs on `no_std`; the `std` feature adds
//! `std::error::Error` impls.
//!
//! ```
//! use breathband_protocol::{Decoder, Message, encode_frame, MAX_FRAME};
//! let mut wire = [0u8; MAX_FRAME];
//! let n = encode_frame(7, &Message::Start, &mut wire).unwrap();
//! let mut dec = Decoder::new();
//! let mut got = None;
//! dec.push(&wire[..n], |r| got = Some(r));
//! assert_eq!(got.unwrap().unwrap().message, Message::Start);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

mod decoder;
mod message;
mod wire;

pub use decoder::{DecodeError, Decoder, DecoderStats};
pub use message::{
    ChannelInfo, Frame, Heartbeat, Info, Label, Message, MsgType, NackCode, SampleFlags, Samples,
    STATUS_STREAMING,
};
pub use wire::{crc16, encode_frame, parse_payload, EncodeError};

/// Protocol version carried in `Info`.
pub const PROTOCOL_VERSION: u8 = 1;
/// Largest decoded payload (type, seq, body, crc) in bytes.
pub const MAX_PAYLOAD: usize = 252;
/// Largest encoded frame on the wire, including the 0x00 delimiter.
pub const MAX_FRAME: usize = 256;
/// Largest number of sample pairs in one `Samples` frame.
pub const MAX_PAIRS: usize = 60;
/// Slowest and fastest sample rates a device may use.
pub const RATE_RANGE_HZ: core::ops::RangeInclusive<u16> = 50..=1000;
