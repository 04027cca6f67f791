//! The serial sensor as a [`Source`]: opens the port, survives the board reset
//! that opening causes, detects binary frames or text lines, decodes, and
//! reconnects to the same device (same path or same USB serial number).

use super::text_lines::{self, LineSplitter, Sniff};
use super::{BlockSink, ChannelMeta, DeviceInfo, Source, SourceError};
use crate::acquisition::Counters;
use breathband_protocol::{
    encode_frame, Decoder, DecoderStats, Frame, Info, Message, MAX_FRAME, PROTOCOL_VERSION,
};
use serialport::SerialPort;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// Settings of a serial source.
#[derive(Debug, Clone)]
pub struct SerialConfig {
    pub path: String,
    pub baud: u32,
    /// Sample rate of a text-mode device; estimated from arrival times if `None`.
    pub text_rate_hz: Option<f64>,
    /// How long to wait for the first bytes after opening (board reset).
    pub handshake_timeout: Duration,
    /// No valid frame or line for this long means the link is lost.
    pub silence_timeout: Duration,
}

impl SerialConfig {
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            baud: 115_200,
            text_rate_hz: None,
            handshake_timeout: Duration::from_millis(2500),
            silence_timeout: Duration::from_secs(2),
        }
    }
}

/// Seconds of text lines used to estimate a text device's rate.
const TEXT_RATE_WINDOW_S: f64 = 2.0;

enum Mode {
    Binary,
    Text { scale: f64 },
}

/// A serial port speaking the breathband protocol or the text fallback.
pub struct SerialSource {
    cfg: SerialConfig,
    port: Option<Box<dyn SerialPort>>,
    usb_serial: Option<String>,
    usb_product: Option<String>,
    mode: Option<Mode>,
    decoder: Decoder,
    stats_base: DecoderStats,
    lines: LineSplitter,
    info: Option<DeviceInfo>,
    pending_info: bool,
    /// Protocol version of a device this host cannot speak to.
    unsupported: Option<u8>,
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
        Self {
            cfg,
            port: None,
            usb_serial: None,
            usb_product: None,
            mode: None,
            decoder: Decoder::new(),
            stats_base: DecoderStats::default(),
            lines: LineSplitter::default(),
            info: None,
            pending_info: false,
            unsupported: None,
            last_valid: Instant::now(),
            seq: 0,
            buf: vec![0; 4096],
            frames: Vec::with_capacity(32),
            pairs: Vec::with_capacity(64),
            text_pending: Vec::new(),
        }
    }

    fn send(&mut self, msg: &Message) -> std::io::Result<()> {
        let mut out = [0u8; MAX_FRAME];
        let n = encode_frame(self.seq, msg, &mut out)
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e.to_string()))?;
        self.seq = self.seq.wrapping_add(1);
        match self.port.as_mut() {
            Some(p) => p.write_all(&out[..n]),
            None => Err(ErrorKind::NotConnected.into()),
        }
    }

    fn open_port(&mut self, path: &str) -> Result<(), String> {
        let port = serialport::new(path, self.cfg.baud)
            .timeout(Duration::from_millis(50))
            .open()
            .map_err(|e| format!("cannot open {path}: {e}"))?;
        if self.usb_serial.is_none() {
            if let Some((sn, product)) = usb_details(path) {
                self.usb_serial = sn;
                self.usb_product = product;
            }
        }
        self.port = Some(port);
        Ok(())
    }

    /// Opens the port (by path, else by USB serial number) and waits for the
    /// device to speak. Text mode is detected here too.
    fn connect(&mut self, counters: &Counters) -> Result<(), String> {
        let path = self.cfg.path.clone();
        if let Err(e) = self.open_port(&path) {
            let alt = self.usb_serial.as_deref().and_then(find_by_serial);
            match alt {
                Some(p) if p != path => self.open_port(&p)?,
                _ => return Err(e),
            }
        }
        self.decoder.reset();
        self.lines.reset();
        let deadline = Instant::now() + self.cfg.handshake_timeout;
        let mut next_ask = Instant::now();
        let mut seen: Vec<u8> = Vec::new();
        while Instant::now() < deadline {
            if next_ask <= Instant::now() && !matches!(self.mode, Some(Mode::Text { .. })) {
                // 0x00 flushes a half-received frame in the device's decoder.
                if let Some(p) = self.port.as_mut() {
                    let _ = p.write_all(&[0]);
                }
                self.send(&Message::GetInfo)
                    .map_err(|e| format!("cannot write to {path}: {e}"))?;
                next_ask = Instant::now() + Duration::from_millis(800);
            }
            let n = self.read_some().map_err(|e| format!("{path}: {e}"))?;
            if n == 0 {
                continue;
            }
            Counters::add(&counters.bytes, n as u64);
            if self.mode.is_none() {
                seen.extend_from_slice(&self.buf[..n]);
                match text_lines::sniff(&seen) {
                    Sniff::Binary => self.mode = Some(Mode::Binary),
                    Sniff::Text { decimals } => {
                        let scale = if decimals { 1000.0 } else { 1.0 };
                        self.mode = Some(Mode::Text { scale });
                    }
                    Sniff::Undecided => continue,
                    Sniff::Unknown => {
                        return Err(format!(
                            "{path} sends neither breathband frames nor 'chest,belly' text lines; \
                             check the baud rate ({}) and the firmware",
                            self.cfg.baud
                        ))
                    }
                }
                let bytes = std::mem::take(&mut seen);
                self.absorb(&bytes, counters);
            } else {
                self.buf_absorb(n, counters);
            }
            match self.mode {
                Some(Mode::Binary) if self.info.is_some() && self.pending_info => {
                    self.send(&Message::Start)
                        .map_err(|e| format!("cannot write to {path}: {e}"))?;
                    self.last_valid = Instant::now();
                    return Ok(());
                }
                Some(Mode::Text { .. }) => {
                    self.last_valid = Instant::now();
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(format!(
            "no {} from {path} within {:.1} s: is the sensor plugged in and running the \
             breathband firmware (or printing 'chest,belly' lines)?",
            if self.mode.is_some() {
                "device info"
            } else {
                "data"
            },
            self.cfg.handshake_timeout.as_secs_f64()
        ))
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

    fn buf_absorb(&mut self, n: usize, counters: &Counters) {
        let bytes = std::mem::take(&mut self.buf);
        self.absorb(&bytes[..n], counters);
        self.buf = bytes;
    }

    /// Decodes bytes into `self.frames` / `self.pairs` (not yet delivered).
    fn absorb(&mut self, bytes: &[u8], counters: &Counters) {
        match self.mode {
            Some(Mode::Binary) => {
                let frames = &mut self.frames;
                self.decoder.push(bytes, |r| {
                    if let Ok(f) = r {
                        frames.push(f);
                    }
                });
                let s = self.decoder.stats();
                let b = self.stats_base;
                counters.frames.store(b.frames + s.frames, Relaxed);
                counters
                    .crc_errors
                    .store(b.crc_errors + s.crc_errors, Relaxed);
                counters
                    .malformed
                    .store(b.malformed + s.malformed + s.overlong, Relaxed);
                counters
                    .bytes_dropped
                    .store(b.bytes_dropped + s.bytes_dropped, Relaxed);
                // Info is handled at once so that the handshake sees it.
                let mut i = 0;
                while i < self.frames.len() {
                    if let Message::Info(info) = self.frames[i].message {
                        self.frames.remove(i);
                        self.on_info(&info);
                    } else {
                        i += 1;
                    }
                }
            }
            Some(Mode::Text { scale }) => {
                let now = Instant::now();
                let (pairs, pending) = (&mut self.pairs, &mut self.text_pending);
                let estimating = self.info.is_none();
                let mut rejected = 0;
                self.lines.push(bytes, |l| match l {
                    Some([a, b]) => {
                        let p = [(a * scale).round() as i32, (b * scale).round() as i32];
                        if estimating {
                            pending.push((now, p));
                        } else {
                            pairs.push(p);
                        }
                    }
                    None => rejected += 1,
                });
                Counters::add(&counters.text_lines_rejected, rejected);
            }
            None => {}
        }
    }

    fn on_info(&mut self, i: &Info) {
        if i.protocol_version != PROTOCOL_VERSION {
            // Reported as fatal by the next poll.
            self.info = None;
            self.frames.clear();
            self.pending_info = false;
            self.mode = None;
            self.unsupported = Some(i.protocol_version);
            return;
        }
        let ch = |c: &breathband_protocol::ChannelInfo| ChannelMeta {
            name: c.name.as_str().into(),
            unit: c.unit.as_str().into(),
            scale: c.scale as f64,
            offset: c.offset as f64,
            full_scale: Some(c.full_scale as u32),
        };
        let id = i.device_id;
        let fw = i.firmware_version;
        self.info = Some(DeviceInfo {
            kind: "serial".into(),
            path: Some(self.cfg.path.clone()),
            protocol: format!("breathband-v{}", i.protocol_version),
            firmware_version: Some(format!("{}.{}.{}", fw[0], fw[1], fw[2])),
            device_id: (id != [0; 8]).then(|| id.iter().map(|b| format!("{b:02x}")).collect()),
            usb_serial_number: self.usb_serial.clone(),
            usb_product: self.usb_product.clone(),
            sample_rate_hz: i.sample_rate_hz as f64,
            rate_estimated: false,
            channels: [ch(&i.channels[0]), ch(&i.channels[1])],
        });
        self.pending_info = true;
    }
}

impl SerialSource {
    fn text_info(&self, rate: f64, estimated: bool, scale: f64) -> DeviceInfo {
        let ch = |name: &str| ChannelMeta {
            scale: 1.0 / scale,
            unit: if scale == 1.0 { "raw" } else { "text" }.into(),
            ..ChannelMeta::raw(name)
        };
        DeviceInfo {
            kind: "serial".into(),
            path: Some(self.cfg.path.clone()),
            protocol: "text".into(),
            firmware_version: None,
            device_id: None,
            usb_serial_number: self.usb_serial.clone(),
            usb_product: self.usb_product.clone(),
            sample_rate_hz: rate,
            rate_estimated: estimated,
            channels: [ch("chest"), ch("belly")],
        }
    }

    /// In text mode without a given rate: estimate it once enough lines came.
    fn settle_text_rate(&mut self, scale: f64) {
        let (Some(first), Some(last)) = (self.text_pending.first(), self.text_pending.last())
        else {
            return;
        };
        let span = last.0.duration_since(first.0).as_secs_f64();
        if let Some(rate) = self.cfg.text_rate_hz {
            self.info = Some(self.text_info(rate, false, scale));
        } else if span >= TEXT_RATE_WINDOW_S && self.text_pending.len() >= 10 {
            let rate = text_lines::snap_rate((self.text_pending.len() - 1) as f64 / span);
            self.info = Some(self.text_info(rate, true, scale));
        } else {
            return;
        }
        self.pending_info = true;
        self.pairs
            .extend(self.text_pending.drain(..).map(|(_, p)| p));
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
                }
                Message::Heartbeat(_) | Message::Ack { .. } => self.last_valid = Instant::now(),
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
}

impl Source for SerialSource {
    fn poll(&mut self, sink: &mut dyn BlockSink, counters: &Counters) -> Result<(), SourceError> {
        if self.port.is_none() {
            // First connection: failure is final (wrong path, not a sensor).
            self.connect(counters).map_err(SourceError::Fatal)?;
        }
        let n = self
            .read_some()
            .map_err(|e| SourceError::LinkLost(format!("{}: {e}", self.cfg.path)))?;
        if n > 0 {
            Counters::add(&counters.bytes, n as u64);
            self.buf_absorb(n, counters);
        }
        if let Some(Mode::Text { scale }) = self.mode {
            if self.info.is_none() {
                self.settle_text_rate(scale);
            }
        }
        self.deliver(sink);
        if let Some(v) = self.unsupported {
            return Err(SourceError::Fatal(format!(
                "device at {} speaks protocol version {v}; this breathband speaks version \
                 {PROTOCOL_VERSION}: update the firmware or the app",
                self.cfg.path
            )));
        }
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
                Err(SourceError::LinkLost(e))
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

impl SerialSource {
    fn close(&mut self) {
        self.port = None;
        self.frames.clear();
        self.pairs.clear();
    }
}

/// USB serial number and product of the port at `path`, if the OS knows them.
fn usb_details(path: &str) -> Option<(Option<String>, Option<String>)> {
    let canon = std::fs::canonicalize(path).ok();
    serialport::available_ports()
        .ok()?
        .into_iter()
        .find_map(|p| {
            let same = p.port_name == path
                || canon
                    .as_ref()
                    .is_some_and(|c| std::fs::canonicalize(&p.port_name).ok().as_ref() == Some(c));
            match (same, p.port_type) {
                (true, serialport::SerialPortType::UsbPort(u)) => {
                    Some((u.serial_number, u.product))
                }
                _ => None,
            }
        })
}

/// Path of a port whose USB serial number is `serial` (the device moved).
fn find_by_serial(serial: &str) -> Option<String> {
    serialport::available_ports()
        .ok()?
        .into_iter()
        .find_map(|p| match p.port_type {
            serialport::SerialPortType::UsbPort(u)
                if u.serial_number.as_deref() == Some(serial) =>
            {
                Some(p.port_name)
            }
            _ => None,
        })
}
