//! Connecting: open the port, tell binary frames from text lines, wait for
//! `Info` through the board's reset (asking again with `GetInfo`), set the
//! requested rate, and send `Start`. Timing as in `PROTOCOL.md`.

use super::{Mode, SerialSource};
use crate::device::text_lines::{self, Sniff};
use crate::device::Counters;
use crate::device::SourceError;
use breathband_protocol::Message;
use std::io::Write;
use std::time::Instant;

/// Why a connection attempt failed.
#[derive(Debug, thiserror::Error)]
pub(super) enum ConnectError {
    /// Worth trying again later (port absent, device silent).
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help (wrong protocol version, rate refused).
    #[error("{0}")]
    Fatal(String),
}

impl ConnectError {
    pub(super) fn into_source_error(self) -> SourceError {
        match self {
            Self::Transient(m) => SourceError::LinkLost(m),
            Self::Fatal(m) => SourceError::Fatal(m),
        }
    }
}

impl SerialSource {
    /// Opens the port (by path, else by USB serial number) and waits for the
    /// device to speak. Text mode is detected here too.
    pub(super) fn connect(&mut self, counters: &Counters) -> Result<(), ConnectError> {
        self.open_port().map_err(ConnectError::Transient)?;
        let path = self.cfg.path.clone();
        let io = |e: std::io::Error| ConnectError::Transient(format!("{path}: {e}"));
        self.decoder.reset();
        self.lines.reset();
        self.rate_refused = None;
        let deadline = Instant::now() + self.cfg.handshake_timeout;
        let mut next_ask = Instant::now();
        let mut seen: Vec<u8> = Vec::new();
        while Instant::now() < deadline {
            let binary_or_unknown = !matches!(self.mode, Some(Mode::Text { .. }));
            if binary_or_unknown && next_ask <= Instant::now() {
                // 0x00 flushes a half-received frame in the device's decoder.
                if let Some(p) = self.port.as_mut() {
                    let _ = p.write_all(&[0]);
                }
                self.send(&Message::GetInfo).map_err(io)?;
                next_ask = Instant::now() + self.cfg.info_retry;
            }
            let n = self.read_some().map_err(io)?;
            if n == 0 {
                continue;
            }
            Counters::add(&counters.bytes, n as u64);
            if self.mode.is_none() {
                seen.extend_from_slice(&self.buf[..n]);
                match text_lines::sniff(&seen) {
                    Sniff::Binary => self.mode = Some(Mode::Binary),
                    Sniff::Text { scale } => {
                        let scale = scale.counts_per_unit();
                        self.mode = Some(Mode::Text { scale });
                    }
                    Sniff::Undecided => continue,
                    Sniff::Unknown => {
                        return Err(ConnectError::Transient(format!(
                            "{path} sends neither breathband frames nor 'chest,belly' text lines; \
                             check the baud rate ({}) and the firmware",
                            self.cfg.baud
                        )))
                    }
                }
                let bytes = std::mem::take(&mut seen);
                self.absorb(&bytes, counters);
            } else {
                self.buf_absorb(n, counters);
            }
            if let Some(why) = &self.refused {
                return Err(ConnectError::Fatal(why.clone()));
            }
            if let Some(code) = self.rate_refused {
                return Err(ConnectError::Fatal(self.refused_rate_message(code)));
            }
            let ready = match self.mode {
                Some(Mode::Binary) => self.handle_info().map_err(io)?,
                Some(Mode::Text { .. }) => true,
                None => false,
            };
            if ready {
                if matches!(self.mode, Some(Mode::Binary)) {
                    self.send_start().map_err(io)?;
                }
                self.last_valid = Instant::now();
                return Ok(());
            }
        }
        let what = match (&self.mode, self.rate_asked) {
            (_, Some(_)) => "Info at the requested rate",
            (Some(_), None) => "device info",
            (None, None) => "data",
        };
        Err(ConnectError::Transient(format!(
            "no {what} from {path} within {:.1} s: is the sensor plugged in and running the \
             breathband firmware (or printing 'chest,belly' lines)?",
            self.cfg.handshake_timeout.as_secs_f64()
        )))
    }
}
