//! The serial sensor as a [`Source`]: opens the port, survives the board reset
//! that opening causes, detects binary frames or text lines, decodes, keeps
//! the board streaming (Start again after a reset in place), and reconnects
//! to the same device (same path or same USB serial number).

mod binary;
mod handshake;
mod open;
mod text;

use super::port_match::PortIdentity;
use super::text_lines::{self, LineSplitter};
use super::{BlockSink, ChannelMeta, DeviceInfo, Source, SourceError};
use crate::device::Counters;
use breathband_protocol::{
    encode_frame, Decoder, DecoderStats, Frame, Info, Message, MsgType, NackCode, MAX_FRAME,
    PROTOCOL_VERSION, RATE_RANGE_HZ,
};
use serialport::SerialPort;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

pub use open::open_error_message;

/// Settings of a serial source.
#[derive(Debug, Clone)]
pub struct SerialConfig {
    /// Port path, e.g. `/dev/ttyACM0`.
    pub path: String,
    /// Baud rate (irrelevant for native USB boards).
    pub baud: u32,
    /// Sample rate of a text-mode device; estimated from arrival times if `None`.
    pub text_rate_hz: Option<f64>,
    /// Sample rate to set on a binary device (`Stop`, `SetRate`, `Start`);
    /// `None` keeps the device's own rate.
    pub rate_hz: Option<u16>,
    /// How long to wait for `Info` after opening (board reset, bootloader).
    pub handshake_timeout: Duration,
    /// How often `GetInfo` is sent again while waiting for `Info`.
    pub info_retry: Duration,
    /// No valid frame or line for this long means the link is lost.
    pub silence_timeout: Duration,
    /// Heartbeats but no samples for this long while streaming: send `Start`
    /// again (the board reset in place, or `Start` was lost).
    pub restart_after: Duration,
}

impl SerialConfig {
    /// Defaults for the port at `path` (see `PROTOCOL.md`, Physical link).
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            baud: 115_200,
            text_rate_hz: None,
            rate_hz: None,
            handshake_timeout: Duration::from_secs(4),
            info_retry: Duration::from_millis(500),
            silence_timeout: Duration::from_secs(2),
            restart_after: Duration::from_secs(2),
        }
    }
}

/// Seconds of text lines used to estimate a text device's rate.
const TEXT_RATE_WINDOW_S: f64 = 2.0;
/// Least time between two `Start` commands.
const START_SPACING: Duration = Duration::from_millis(500);
/// Heartbeats sent before the board saw our `Start` may still say "stopped".
const START_GRACE: Duration = Duration::from_millis(300);

enum Mode {
    Binary,
    Text { scale: f64 },
}

/// A serial port speaking the breathband protocol or the text fallback.
pub struct SerialSource {
    cfg: SerialConfig,
    port: Option<Box<dyn SerialPort>>,
    identity: PortIdentity,
    usb_product: Option<String>,
    mode: Option<Mode>,
    decoder: Decoder,
    stats_base: DecoderStats,
    lines: LineSplitter,
    info: Option<DeviceInfo>,
    pending_info: bool,
    /// The newest `Info` from the device, not yet acted on.
    raw_info: Option<Info>,
    /// Why this device is refused (a protocol version this host cannot
    /// speak, a sample rate outside the protocol's range, a rate changed
    /// mid-session): ends the connection as a fatal error.
    refused: Option<String>,
    /// Decimals were rounded on an integer text stream (said once).
    text_rounding_said: bool,
    /// `SetRate` sent at this time, waiting for the new `Info`.
    rate_asked: Option<Instant>,
    /// The device refused `SetRate` with this code.
    rate_refused: Option<NackCode>,
    /// `Start` was sent on this link: the board should be streaming.
    streaming: bool,
    need_start: bool,
    last_start: Instant,
    last_sample: Instant,
    last_valid: Instant,
    seq: u8,
    buf: Vec<u8>,
    frames: Vec<Frame>,
    pairs: Vec<[i32; 2]>,
    /// Text lines waiting for a rate estimate: (host time, pair).
    text_pending: Vec<(Instant, [i32; 2])>,
}

impl SerialSource {
    /// Creates the source; the port is opened on the first poll (on the
    /// acquisition thread, so no caller waits for the handshake).
    pub fn new(cfg: SerialConfig) -> Self {
        let now = Instant::now();
        Self {
            identity: PortIdentity {
                path: cfg.path.clone(),
                ..PortIdentity::default()
            },
            cfg,
            port: None,
            usb_product: None,
            mode: None,
            decoder: Decoder::new(),
            stats_base: DecoderStats::default(),
            lines: LineSplitter::default(),
            info: None,
            pending_info: false,
            raw_info: None,
            refused: None,
            text_rounding_said: false,
            rate_asked: None,
            rate_refused: None,
            streaming: false,
            need_start: false,
            last_start: now,
            last_sample: now,
            last_valid: now,
            seq: 0,
            buf: vec![0; 4096],
            frames: Vec::with_capacity(32),
            pairs: Vec::with_capacity(64),
            text_pending: Vec::new(),
        }
    }

    pub(super) fn send(&mut self, msg: &Message) -> std::io::Result<()> {
        let mut out = [0u8; MAX_FRAME];
        let n = encode_frame(self.seq, msg, &mut out)
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e.to_string()))?;
        self.seq = self.seq.wrapping_add(1);
        match self.port.as_mut() {
            Some(p) => p.write_all(&out[..n]),
            None => Err(ErrorKind::NotConnected.into()),
        }
    }

    /// Sends `Start` and notes that the board should now stream.
    pub(super) fn send_start(&mut self) -> std::io::Result<()> {
        self.send(&Message::Start)?;
        let now = Instant::now();
        self.streaming = true;
        self.need_start = false;
        self.last_start = now;
        self.last_sample = now;
        Ok(())
    }

    /// Reads into `self.buf`; 0 on timeout.
    fn read_some(&mut self) -> std::io::Result<usize> {
        let port = self
            .port
            .as_mut()
            .ok_or_else(|| std::io::Error::from(ErrorKind::NotConnected))?;
        match port.read(&mut self.buf) {
            Ok(0) => Err(std::io::Error::new(ErrorKind::UnexpectedEof, "port closed")),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                Ok(0)
            }
            Err(e) => Err(e),
        }
    }

    /// Runs `f` on the first `n` bytes read into `self.buf`.
    fn with_read<R>(&mut self, n: usize, f: impl FnOnce(&mut Self, &[u8]) -> R) -> R {
        let bytes = std::mem::take(&mut self.buf);
        let r = f(self, &bytes[..n]);
        self.buf = bytes;
        r
    }

    /// Absorbs the first `n` bytes of `self.buf` (the handshake's reads).
    pub(super) fn buf_absorb(&mut self, n: usize, counters: &Counters) {
        self.with_read(n, |s, b| s.absorb(b, counters));
    }

    /// Decodes bytes into `self.frames` / `self.pairs` (not yet delivered).
    fn absorb(&mut self, bytes: &[u8], counters: &Counters) {
        match self.mode {
            Some(Mode::Binary) => self.absorb_binary(bytes, counters),
            Some(Mode::Text { scale }) => self.absorb_text(bytes, scale, counters),
            None => {}
        }
    }

    fn deliver(&mut self, sink: &mut dyn BlockSink) {
        if self.pending_info {
            if let Some(i) = &self.info {
                sink.info(i.clone());
                self.pending_info = false;
            }
        }
        if self.info.is_none() {
            self.frames.clear();
            return;
        }
        for f in self.frames.drain(..) {
            match f.message {
                Message::Samples(s) => {
                    self.pairs.clear();
                    self.pairs
                        .extend(s.pairs().iter().map(|p| [p[0] as i32, p[1] as i32]));
                    sink.block(Some(s.first_index), s.flags.0, &self.pairs);
                    self.last_valid = Instant::now();
                    self.last_sample = self.last_valid;
                }
                Message::Heartbeat(hb) => {
                    self.last_valid = Instant::now();
                    if self.streaming
                        && !hb.is_streaming()
                        && self.last_start.elapsed() > START_GRACE
                    {
                        self.need_start = true;
                    }
                }
                Message::Ack { .. } => self.last_valid = Instant::now(),
                Message::Nack { command, code } => {
                    tracing::warn!("device refused command {command:#04x}: {code:?}");
                }
                _ => {}
            }
        }
        if matches!(self.mode, Some(Mode::Text { .. })) && !self.pairs.is_empty() {
            sink.block(None, 0, &self.pairs);
            self.pairs.clear();
            self.last_valid = Instant::now();
        }
    }

    pub(super) fn close(&mut self) {
        self.port = None;
        self.frames.clear();
        self.pairs.clear();
        self.raw_info = None;
        self.streaming = false;
        self.need_start = false;
        self.rate_asked = None;
    }
}

impl SerialSource {
    /// What a poll does with the bytes of one read: count, decode, act on
    /// `Info`, deliver blocks to `sink`, keep the board streaming, and tell
    /// a silent link. Public so that the ingest benchmark drives the real
    /// code (see [`Self::binary_without_port`]).
    pub fn ingest(
        &mut self,
        bytes: &[u8],
        sink: &mut dyn BlockSink,
        counters: &Counters,
    ) -> Result<(), SourceError> {
        let lost = |e: std::io::Error, path: &str| SourceError::LinkLost(format!("{path}: {e}"));
        if !bytes.is_empty() {
            Counters::add(&counters.bytes, bytes.len() as u64);
            self.absorb(bytes, counters);
        }
        match self.mode {
            Some(Mode::Text { scale }) if self.info.is_none() => self.settle_text_rate(scale),
            Some(Mode::Binary) => {
                self.handle_info().map_err(|e| lost(e, &self.cfg.path))?;
            }
            _ => {}
        }
        if let Some(code) = self.rate_refused {
            return Err(SourceError::Fatal(self.refused_rate_message(code)));
        }
        self.deliver(sink);
        if let Some(why) = &self.refused {
            return Err(SourceError::Fatal(why.clone()));
        }
        self.keep_streaming().map_err(|e| lost(e, &self.cfg.path))?;
        let waiting_for_rate = self.info.is_none() && !self.text_pending.is_empty();
        if !waiting_for_rate && self.last_valid.elapsed() > self.cfg.silence_timeout {
            return Err(SourceError::LinkLost(format!(
                "no data from {} for {:.0} s",
                self.cfg.path,
                self.cfg.silence_timeout.as_secs_f64()
            )));
        }
        Ok(())
    }

    /// A source past the handshake of a binary board, with no port: bytes
    /// go in through [`Self::ingest`] (benchmarks, tests).
    pub fn binary_without_port(cfg: SerialConfig) -> Self {
        let mut s = Self::new(cfg);
        s.mode = Some(Mode::Binary);
        s
    }
}

impl Source for SerialSource {
    fn poll(&mut self, sink: &mut dyn BlockSink, counters: &Counters) -> Result<(), SourceError> {
        if self.port.is_none() {
            // First connection: failure is final (wrong path, not a sensor).
            self.connect(counters)
                .map_err(|e| SourceError::Fatal(e.to_string()))?;
        }
        let n = self
            .read_some()
            .map_err(|e| SourceError::LinkLost(format!("{}: {e}", self.cfg.path)))?;
        self.with_read(n, |s, b| s.ingest(b, sink, counters))
    }

    fn reconnect(&mut self, counters: &Counters) -> Result<(), SourceError> {
        self.close();
        self.stats_base = DecoderStats {
            frames: counters.frames.load(Relaxed),
            crc_errors: counters.crc_errors.load(Relaxed),
            malformed: counters.malformed.load(Relaxed),
            overlong: 0,
            bytes_dropped: counters.bytes_dropped.load(Relaxed),
        };
        self.decoder = Decoder::new();
        let keep_mode = self.mode.take();
        let text_scale = match keep_mode {
            Some(Mode::Text { scale }) => Some(scale),
            _ => None,
        };
        match self.connect(counters) {
            Ok(()) => {
                if let (Some(scale), Some(old)) = (text_scale, &self.info) {
                    // Same text device: keep its rate.
                    let (rate, est) = (old.sample_rate_hz, old.rate_estimated);
                    self.info = Some(self.text_info(rate, est, scale));
                }
                Ok(())
            }
            Err(e) => {
                self.close();
                Err(e.into_source_error())
            }
        }
    }

    fn stop(&mut self) {
        if matches!(self.mode, Some(Mode::Binary)) && self.port.is_some() {
            let _ = self.send(&Message::Stop);
        }
        self.close();
    }

    fn describe(&self) -> String {
        self.cfg.path.clone()
    }
}
