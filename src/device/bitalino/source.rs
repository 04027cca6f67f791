//! A BITalino (r)evolution on a serial port (USB-serial, or Bluetooth SPP
//! as `/dev/rfcommN`) as a [`Source`]: idles the board, reads its version,
//! sets the rate, starts the two chosen analog channels (chest, belly),
//! and turns frames into samples. The 4-bit sequence number gives the
//! device index: lost frames are counted like our own board's lost
//! samples, and a silence longer than 15 frames is a gap whose length
//! comes from the host clock, marked as estimated. Reconnects to the same
//! path, with the handshake again.

use super::codec::{self, Decoder, Frame};
use crate::device::serial_link::open_error_message;
use crate::device::{BlockSink, ChannelMeta, Counters, DeviceInfo, Source, SourceError};
use crate::sample::flags;
use serialport::SerialPort;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// Settings of a BITalino source.
#[derive(Debug, Clone)]
pub struct BitalinoConfig {
    pub path: String,
    /// 1, 10, 100 or 1000 Hz (breathband takes 100 or 1000).
    pub rate_hz: u16,
    /// The analog channels of the chest and the belly band, 0-based (0 = A1).
    pub channels: [usize; 2],
    /// How long to wait for the version string after opening.
    pub handshake_timeout: Duration,
    /// No valid frame for this long means the link is lost.
    pub silence_timeout: Duration,
    /// Pause between two commands (the official API waits 100 ms).
    pub command_spacing: Duration,
}

impl BitalinoConfig {
    /// A1 for the chest, A2 for the belly, 100 Hz.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            rate_hz: 100,
            channels: [0, 1],
            handshake_timeout: Duration::from_secs(3),
            silence_timeout: Duration::from_secs(2),
            command_spacing: Duration::from_millis(50),
        }
    }
}

/// Reads "A1,A2" (chest first) into 0-based channels.
pub fn parse_channels(s: &str) -> Result<[usize; 2], String> {
    let one = |p: &str| -> Result<usize, String> {
        let p = p.trim();
        let n = p
            .strip_prefix(['A', 'a'])
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|n| (1..=codec::CHANNELS).contains(n))
            .ok_or_else(|| format!("'{p}' is not a BITalino analog channel (A1 to A6)"))?;
        Ok(n - 1)
    };
    let parts: Vec<&str> = s.split(',').collect();
    let [c, b] = parts.as_slice() else {
        return Err(format!(
            "'{s}': give two channels, chest then belly, e.g. A1,A2"
        ));
    };
    let (c, b) = (one(c)?, one(b)?);
    if c == b {
        return Err(format!(
            "'{s}': the chest and the belly need two different channels"
        ));
    }
    Ok([c, b])
}

/// Device indices from sequence numbers: one per frame, the lost ones
/// included; when the host clock says far more than 15 frames passed, it
/// says how many times the sequence wrapped.
#[derive(Debug, Clone, Default)]
pub struct SeqIndex {
    last: Option<(u8, f64)>,
    next: u32,
}

impl SeqIndex {
    /// The device index of a frame with `seq` arriving at host time `t_s`,
    /// and whether the count of lost frames before it was estimated.
    pub fn place(&mut self, seq: u8, t_s: f64, rate_hz: f64) -> (u32, bool) {
        let (lost, estimated) = match self.last {
            None => (0u32, false),
            Some((last, t0)) => {
                let by_seq = u32::from(codec::frames_lost(last, seq));
                // Frames the clock says were sent meanwhile. Reads deliver
                // frames in bursts, so the clock is trusted only beyond
                // 0.1 s (at least 16 frames) of jitter.
                let by_clock = ((t_s - t0) * rate_hz - 1.0).max(0.0);
                let jitter = (0.1 * rate_hz).max(16.0);
                if by_clock > 15.0 + jitter {
                    // The sequence wrapped at least once: take the count of
                    // lost frames that matches it closest to the clock.
                    let wraps = ((by_clock - by_seq as f64) / 16.0).round().max(0.0) as u32;
                    (by_seq + 16 * wraps, wraps > 0)
                } else {
                    (by_seq, false)
                }
            }
        };
        let index = self.next.wrapping_add(lost);
        self.next = index.wrapping_add(1);
        self.last = Some((seq, t_s));
        (index, estimated)
    }
}

/// A BITalino on a serial port.
pub struct BitalinoSource {
    cfg: BitalinoConfig,
    port: Option<Box<dyn SerialPort>>,
    decoder: Decoder,
    /// Positions of the chest and belly channel among the selected ones.
    order: [usize; 2],
    selected: Vec<usize>,
    version: Option<String>,
    info_sent: bool,
    index: SeqIndex,
    epoch: Instant,
    last_frame: Instant,
    seen: (u64, u64),
    buf: Vec<u8>,
    frames: Vec<Frame>,
    pairs: Vec<[i32; 2]>,
}

impl BitalinoSource {
    /// The source; the port opens on the first poll (on the acquisition
    /// thread).
    pub fn new(cfg: BitalinoConfig) -> Self {
        let mut selected = cfg.channels.to_vec();
        selected.sort_unstable();
        let pos = |c: usize| selected.iter().position(|s| *s == c).unwrap_or(0);
        let order = [pos(cfg.channels[0]), pos(cfg.channels[1])];
        let now = Instant::now();
        Self {
            decoder: Decoder::new(selected.len()),
            order,
            selected,
            cfg,
            port: None,
            version: None,
            info_sent: false,
            index: SeqIndex::default(),
            epoch: now,
            last_frame: now,
            seen: (0, 0),
            buf: vec![0; 4096],
            frames: Vec::with_capacity(256),
            pairs: Vec::with_capacity(256),
        }
    }

    /// What the session records about the board.
    pub fn info(&self) -> DeviceInfo {
        let name = |band: &str, c: usize| ChannelMeta {
            name: format!("{band} (A{})", c + 1),
            unit: "raw".into(),
            scale: 1.0,
            offset: 0.0,
            full_scale: Some(1023),
        };
        DeviceInfo {
            kind: "serial".into(),
            path: Some(self.cfg.path.clone()),
            protocol: "bitalino".into(),
            firmware_version: self.version.clone(),
            device_id: None,
            usb_serial_number: None,
            usb_product: None,
            sample_rate_hz: f64::from(self.cfg.rate_hz),
            rate_estimated: false,
            channels: [
                name("chest", self.cfg.channels[0]),
                name("belly", self.cfg.channels[1]),
            ],
        }
    }

    fn command(&mut self, b: u8) -> std::io::Result<()> {
        let port = self.port.as_mut().ok_or(ErrorKind::NotConnected)?;
        port.write_all(&[b])?;
        port.flush()?;
        std::thread::sleep(self.cfg.command_spacing);
        Ok(())
    }

    /// Opens the port, idles the board, reads its version, sets the rate
    /// and starts the two channels.
    fn connect(&mut self) -> Result<(), String> {
        let path = self.cfg.path.clone();
        let rate = codec::rate_command(self.cfg.rate_hz).ok_or_else(|| {
            format!(
                "a BITalino samples at 1, 10, 100 or 1000 Hz, not {}",
                self.cfg.rate_hz
            )
        })?;
        let start = codec::start_command(&self.selected)
            .ok_or_else(|| "no BITalino channel chosen".to_string())?;
        let port = serialport::new(&path, codec::BAUD)
            .timeout(Duration::from_millis(50))
            .open()
            .map_err(|e| open_error_message(&path, &e))?;
        self.port = Some(port);
        let io = |e: std::io::Error| format!("{path}: {e}");
        // Whatever it was doing (a stream left running): idle.
        self.command(codec::CMD_IDLE).map_err(io)?;
        if let Some(p) = self.port.as_mut() {
            let _ = p.clear(serialport::ClearBuffer::Input);
        }
        self.command(codec::CMD_VERSION).map_err(io)?;
        let deadline = Instant::now() + self.cfg.handshake_timeout;
        let mut answer = Vec::new();
        let version = loop {
            let n = self.read_some().map_err(io)?;
            answer.extend_from_slice(&self.buf[..n]);
            if let Some(v) = codec::parse_version(&answer) {
                break v;
            }
            if Instant::now() > deadline || answer.len() > 4096 {
                return Err(format!(
                    "no BITalino answered on {path}: no version string within {:.0} s \
                     (is it on, paired, and at 115200 baud?)",
                    self.cfg.handshake_timeout.as_secs_f64()
                ));
            }
        };
        self.version = Some(version);
        self.command(rate).map_err(io)?;
        self.command(start).map_err(io)?;
        self.decoder = Decoder::new(self.selected.len());
        self.index = SeqIndex::default();
        self.last_frame = Instant::now();
        self.info_sent = false;
        Ok(())
    }

    /// Reads into `self.buf`; 0 on timeout.
    fn read_some(&mut self) -> std::io::Result<usize> {
        let port = self.port.as_mut().ok_or(ErrorKind::NotConnected)?;
        match port.read(&mut self.buf) {
            Ok(0) => Err(std::io::Error::new(ErrorKind::UnexpectedEof, "port closed")),
            Ok(n) => Ok(n),
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::Interrupted) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Decodes `bytes` and hands the samples to `sink`, one block per run
    /// of frames without a loss between them.
    pub fn ingest(&mut self, bytes: &[u8], sink: &mut dyn BlockSink, counters: &Counters) {
        if !self.info_sent {
            sink.info(self.info());
            self.info_sent = true;
        }
        Counters::add(&counters.bytes, bytes.len() as u64);
        let frames = &mut self.frames;
        self.decoder.push(bytes, |f| frames.push(f));
        let (crc, skipped) = (self.decoder.crc_failures, self.decoder.skipped_bytes);
        Counters::add(&counters.crc_errors, crc - self.seen.0);
        Counters::add(&counters.bytes_dropped, skipped - self.seen.1);
        self.seen = (crc, skipped);
        if self.frames.is_empty() {
            return;
        }
        Counters::add(&counters.frames, self.frames.len() as u64);
        let now = Instant::now();
        self.last_frame = now;
        let t = now.duration_since(self.epoch).as_secs_f64();
        let rate = f64::from(self.cfg.rate_hz);
        let mut first: Option<(u32, u8)> = None;
        let mut expected = 0u32;
        // Frames of one read arrived together: spread their host times
        // back from now at the frame rate.
        let count = self.frames.len();
        for (i, f) in std::mem::take(&mut self.frames).into_iter().enumerate() {
            let t_f = t - (count - 1 - i) as f64 / rate;
            let (index, estimated) = self.index.place(f.seq, t_f, rate);
            if let Some((start, fl)) = first {
                if index != expected {
                    sink.block(Some(start), fl, &self.pairs);
                    self.pairs.clear();
                    first = None;
                }
            }
            if first.is_none() {
                first = Some((index, if estimated { flags::INDEX_ESTIMATED } else { 0 }));
            }
            let v = f.values();
            self.pairs
                .push([i32::from(v[self.order[0]]), i32::from(v[self.order[1]])]);
            expected = index.wrapping_add(1);
        }
        if let Some((start, fl)) = first {
            sink.block(Some(start), fl, &self.pairs);
        }
        self.pairs.clear();
    }
}

impl Source for BitalinoSource {
    fn poll(&mut self, sink: &mut dyn BlockSink, counters: &Counters) -> Result<(), SourceError> {
        if self.port.is_none() {
            self.connect().map_err(SourceError::Fatal)?;
        }
        let n = self
            .read_some()
            .map_err(|e| SourceError::LinkLost(format!("{}: {e}", self.cfg.path)))?;
        let bytes = std::mem::take(&mut self.buf);
        self.ingest(&bytes[..n], sink, counters);
        self.buf = bytes;
        if self.last_frame.elapsed() > self.cfg.silence_timeout {
            return Err(SourceError::LinkLost(format!(
                "no frames from {} for {:.0} s",
                self.cfg.path,
                self.cfg.silence_timeout.as_secs_f64()
            )));
        }
        Ok(())
    }

    fn reconnect(&mut self, _counters: &Counters) -> Result<(), SourceError> {
        self.port = None;
        self.connect().map_err(|e| {
            self.port = None;
            SourceError::LinkLost(e)
        })
    }

    fn stop(&mut self) {
        if self.port.is_some() {
            let _ = self.command(codec::CMD_STOP);
        }
        self.port = None;
    }

    fn describe(&self) -> String {
        self.cfg.path.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_read_chest_first() {
        assert_eq!(parse_channels("A1,A2"), Ok([0, 1]));
        assert_eq!(parse_channels("a3, A1"), Ok([2, 0]));
        assert!(parse_channels("A1").is_err());
        assert!(parse_channels("A1,A1").is_err());
        assert!(parse_channels("A0,A7").is_err());
        assert!(parse_channels("A1,A2,A3").is_err());
    }

    #[test]
    fn indices_follow_the_sequence_and_the_clock_past_a_wrap() {
        let rate = 100.0;
        let mut s = SeqIndex::default();
        assert_eq!(s.place(0, 0.00, rate), (0, false));
        assert_eq!(s.place(1, 0.01, rate), (1, false));
        // Two frames lost: seq 4 after 1.
        assert_eq!(s.place(4, 0.04, rate), (4, false));
        // Silence of 1 s (100 frames) ending at seq (4 + 101) % 16 = 9:
        // 100 lost, 96 of them past wraps the clock told.
        let (i, estimated) = s.place(9, 1.05, rate);
        assert_eq!((i, estimated), (105, true));
        assert_eq!(s.place(10, 1.06, rate), (106, false));
    }
}
