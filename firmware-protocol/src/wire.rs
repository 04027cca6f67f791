//! Payload layout, CRC and COBS framing.

use crate::message::{
    ChannelInfo, Frame, Heartbeat, Info, Label, Message, MsgType, NackCode, SampleFlags, Samples,
};
use crate::{DecodeError, MAX_FRAME, MAX_PAIRS, MAX_PAYLOAD};

const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

/// CRC-16/IBM-3740 (CCITT-FALSE) of `bytes`.
pub fn crc16(bytes: &[u8]) -> u16 {
    CRC.checksum(bytes)
}

/// Why a message could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// The output buffer is smaller than the encoded frame.
    BufferTooSmall,
}

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("output buffer too small for the encoded frame")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EncodeError {}

/// Little-endian writer into a fixed buffer (payload is bounded by design).
struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
    fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }
    fn label<const N: usize>(&mut self, l: &Label<N>) {
        self.u8(l.as_str().len() as u8);
        self.put(l.as_str().as_bytes());
    }
}

fn write_body(msg: &Message, o: &mut Out<'_>) {
    match msg {
        Message::Info(i) => {
            o.u8(i.protocol_version);
            o.put(&i.firmware_version);
            o.put(&i.sample_rate_hz.to_le_bytes());
            o.u8(i.status);
            o.put(&i.device_id);
            o.u8(2);
            for c in &i.channels {
                o.label(&c.name);
                o.label(&c.unit);
                o.put(&c.scale.to_le_bytes());
                o.put(&c.offset.to_le_bytes());
                o.put(&c.full_scale.to_le_bytes());
            }
        }
        Message::Samples(s) => {
            o.put(&s.first_index.to_le_bytes());
            o.u8(s.flags.0);
            o.u8(s.pairs().len() as u8);
            for p in s.pairs() {
                o.put(&p[0].to_le_bytes());
                o.put(&p[1].to_le_bytes());
            }
        }
        Message::Heartbeat(h) => {
            o.put(&h.uptime_ms.to_le_bytes());
            o.put(&h.next_index.to_le_bytes());
            o.u8(h.status);
            o.put(&h.overruns.to_le_bytes());
        }
        Message::Ack { command } => o.u8(*command),
        Message::Nack { command, code } => {
            o.u8(*command);
            o.u8(code.to_u8());
        }
        Message::GetInfo | Message::Start | Message::Stop => {}
        Message::SetRate { rate_hz } => o.put(&rate_hz.to_le_bytes()),
        Message::Ping { nonce } => o.put(&nonce.to_le_bytes()),
    }
}

/// Encodes `msg` with sequence number `seq` into `out` as a complete wire
/// frame (COBS, then the 0x00 delimiter). Returns the number of bytes written,
/// at most [`MAX_FRAME`].
pub fn encode_frame(seq: u8, msg: &Message, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut payload = [0u8; MAX_PAYLOAD];
    let mut o = Out {
        buf: &mut payload,
        len: 0,
    };
    o.u8(msg.msg_type() as u8);
    o.u8(seq);
    write_body(msg, &mut o);
    let n = o.len;
    let crc = crc16(&payload[..n]);
    payload[n..n + 2].copy_from_slice(&crc.to_le_bytes());
    let n = n + 2;
    let enc = cobs::try_encode(&payload[..n], out).map_err(|_| EncodeError::BufferTooSmall)?;
    *out.get_mut(enc).ok_or(EncodeError::BufferTooSmall)? = 0;
    debug_assert!(enc < MAX_FRAME);
    Ok(enc + 1)
}

/// Bounds-checked little-endian reader over a body.
struct In<'a> {
    b: &'a [u8],
}

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32(&mut self) -> Option<f32> {
        self.u32().map(f32::from_bits)
    }
    fn label<const N: usize>(&mut self) -> Option<Label<N>> {
        let n = self.u8()? as usize;
        Label::from_bytes(self.take(n)?)
    }
    fn channel(&mut self) -> Option<ChannelInfo> {
        Some(ChannelInfo {
            name: self.label()?,
            unit: self.label()?,
            scale: self.f32()?,
            offset: self.f32()?,
            full_scale: self.u16()?,
        })
    }
}

/// Checks the CRC of a COBS-decoded payload and parses the message in it.
/// Error byte counts are payload bytes here; the [`Decoder`](crate::Decoder)
/// reports wire bytes.
pub fn parse_payload(p: &[u8]) -> Result<Frame, DecodeError> {
    let bytes = p.len();
    if p.len() < 4 {
        // Too short to hold type, seq and crc.
        return Err(DecodeError::BadBody {
            msg_type: p.first().copied().unwrap_or(0),
            bytes,
        });
    }
    let (data, crc_bytes) = p.split_at(p.len() - 2);
    let found = u16::from_le_bytes([crc_bytes[0], crc_bytes[1]]);
    let expected = crc16(data);
    if expected != found {
        return Err(DecodeError::Crc {
            expected,
            found,
            bytes,
        });
    }
    let t = MsgType::from_u8(data[0]).ok_or(DecodeError::UnknownType {
        msg_type: data[0],
        bytes,
    })?;
    let bad = DecodeError::BadBody {
        msg_type: data[0],
        bytes,
    };
    let mut r = In { b: &data[2..] };
    let message = parse_body(t, &mut r).ok_or(bad)?;
    if !r.b.is_empty() {
        return Err(bad);
    }
    Ok(Frame {
        seq: data[1],
        message,
    })
}

fn parse_body(t: MsgType, r: &mut In<'_>) -> Option<Message> {
    Some(match t {
        MsgType::Info => {
            let protocol_version = r.u8()?;
            let fw = r.take(3)?;
            let sample_rate_hz = r.u16()?;
            let status = r.u8()?;
            let mut device_id = [0u8; 8];
            device_id.copy_from_slice(r.take(8)?);
            if r.u8()? != 2 {
                return None;
            }
            let channels = [r.channel()?, r.channel()?];
            Message::Info(Info {
                protocol_version,
                firmware_version: [fw[0], fw[1], fw[2]],
                sample_rate_hz,
                status,
                device_id,
                channels,
            })
        }
        MsgType::Samples => {
            let first_index = r.u32()?;
            let flags = SampleFlags(r.u8()?);
            let count = r.u8()? as usize;
            if count == 0 || count > MAX_PAIRS {
                return None;
            }
            let mut pairs = [[0u16; 2]; MAX_PAIRS];
            for p in pairs.iter_mut().take(count) {
                *p = [r.u16()?, r.u16()?];
            }
            Message::Samples(Samples::new(first_index, flags, &pairs[..count])?)
        }
        MsgType::Heartbeat => Message::Heartbeat(Heartbeat {
            uptime_ms: r.u32()?,
            next_index: r.u32()?,
            status: r.u8()?,
            overruns: r.u16()?,
        }),
        MsgType::Ack => Message::Ack { command: r.u8()? },
        MsgType::Nack => Message::Nack {
            command: r.u8()?,
            code: NackCode::from_u8(r.u8()?),
        },
        MsgType::GetInfo => Message::GetInfo,
        MsgType::Start => Message::Start,
        MsgType::Stop => Message::Stop,
        MsgType::SetRate => Message::SetRate { rate_hz: r.u16()? },
        MsgType::Ping => Message::Ping { nonce: r.u32()? },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_catalogue_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn largest_samples_frame_fits_max_frame() {
        let s = Samples::new(u32::MAX, SampleFlags(0xff), &[[0xffff, 0]; MAX_PAIRS]).unwrap();
        let mut out = [0u8; MAX_FRAME];
        let n = encode_frame(255, &Message::Samples(s), &mut out).unwrap();
        assert!(n <= MAX_FRAME);
        assert_eq!(out[n - 1], 0);
        assert!(!out[..n - 1].contains(&0));
    }
}
