//! The binary protocol side of the serial source: frames decoded and
//! counted, `Info` and refusals acted on, the board kept streaming.

use super::*;

impl SerialSource {
    /// Decodes frames into `self.frames`, with the decoder's counters.
    pub(super) fn absorb_binary(&mut self, bytes: &[u8], counters: &Counters) {
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
        // Overlong runs are counted as malformed (see PROTOCOL.md).
        counters
            .malformed
            .store(b.malformed + s.malformed + s.overlong, Relaxed);
        counters
            .bytes_dropped
            .store(b.bytes_dropped + s.bytes_dropped, Relaxed);
        // Info and refusals are taken out at once so that the
        // handshake sees them.
        let mut i = 0;
        while i < self.frames.len() {
            match self.frames[i].message {
                Message::Info(info) => {
                    self.frames.remove(i);
                    self.on_info(info);
                    if self.refused.is_some() {
                        // What follows a refused Info is not at the
                        // session's rate (or not understood): keep only
                        // the frames before it.
                        self.frames.truncate(i);
                        break;
                    }
                }
                Message::Nack { command, code } if command == MsgType::SetRate as u8 => {
                    self.frames.remove(i);
                    self.rate_refused = Some(code);
                }
                _ => i += 1,
            }
        }
    }

    /// Takes in an `Info`, or refuses the device (reported as fatal by the
    /// handshake or the next poll): another protocol version, a sample
    /// rate outside the protocol's range, or, unless `--rate-hz` asks the
    /// board for its rate again, a rate that changed since it was announced.
    pub(super) fn on_info(&mut self, i: Info) {
        if i.protocol_version != PROTOCOL_VERSION {
            self.info = None;
            self.raw_info = None;
            self.frames.clear();
            self.pending_info = false;
            self.mode = None;
            self.refused = Some(self.unsupported_message(i.protocol_version));
            return;
        }
        let (lo, hi) = (RATE_RANGE_HZ.start(), RATE_RANGE_HZ.end());
        if !RATE_RANGE_HZ.contains(&i.sample_rate_hz) {
            self.refused = Some(format!(
                "the device at {} announced a sample rate of {} Hz; breathband accepts \
                 {lo} to {hi} Hz: check the board's firmware",
                self.cfg.path, i.sample_rate_hz
            ));
            return;
        }
        if let Some(old) = &self.info {
            let new = f64::from(i.sample_rate_hz);
            if self.cfg.rate_hz.is_none() && old.sample_rate_hz != new {
                self.refused = Some(format!(
                    "the device at {} changed its sample rate from {} to {new} Hz \
                     mid-session; the session ends here: start a new one",
                    self.cfg.path, old.sample_rate_hz
                ));
                return;
            }
        }
        self.raw_info = Some(i);
    }

    /// Acts on the newest `Info`: asks for the configured rate if the device
    /// has another one, else publishes it, and asks for `Start` again if the
    /// board says it is not streaming although it should (it reset in
    /// place). True when an `Info` was published.
    pub(super) fn handle_info(&mut self) -> std::io::Result<bool> {
        let Some(i) = self.raw_info.take() else {
            return Ok(false);
        };
        if let Some(want) = self.cfg.rate_hz {
            if i.sample_rate_hz != want {
                if self
                    .rate_asked
                    .is_none_or(|t| t.elapsed() > Duration::from_secs(1))
                {
                    // SetRate is refused while streaming: Stop first.
                    self.send(&Message::Stop)?;
                    self.send(&Message::SetRate { rate_hz: want })?;
                    self.rate_asked = Some(Instant::now());
                    self.streaming = false;
                }
                return Ok(false);
            }
        }
        // After a SetRate the board is stopped; so is a board that reset in
        // place while it should be streaming.
        let rate_was_set = self.rate_asked.take().is_some();
        self.publish(&i);
        if (self.streaming || rate_was_set) && !i.is_streaming() {
            tracing::info!("{}: board is not streaming; sending Start", self.cfg.path);
            self.need_start = true;
        }
        Ok(true)
    }

    pub(super) fn publish(&mut self, i: &Info) {
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
            usb_serial_number: self.identity.usb_serial.clone(),
            usb_product: self.usb_product.clone(),
            sample_rate_hz: i.sample_rate_hz as f64,
            rate_estimated: false,
            channels: [ch(&i.channels[0]), ch(&i.channels[1])],
        });
        self.pending_info = true;
    }

    pub(super) fn refused_rate_message(&self, code: NackCode) -> String {
        format!(
            "the device at {} refused --rate-hz {} ({code:?}); it accepts 50 to 1000 Hz \
             if its firmware supports SetRate",
            self.cfg.path,
            self.cfg.rate_hz.unwrap_or_default()
        )
    }

    /// Keeps a binary board streaming: `Start` again when it said it is not
    /// streaming, or when heartbeats come but samples do not.
    pub(super) fn keep_streaming(&mut self) -> std::io::Result<()> {
        if !matches!(self.mode, Some(Mode::Binary)) || self.info.is_none() {
            return Ok(());
        }
        if self.streaming
            && self.last_sample.elapsed() > self.cfg.restart_after
            && self.last_start.elapsed() > self.cfg.restart_after
        {
            tracing::info!(
                "{}: heartbeats but no samples; sending Start",
                self.cfg.path
            );
            self.need_start = true;
        }
        if self.need_start
            && self.rate_asked.is_none()
            && self.last_start.elapsed() >= START_SPACING
        {
            self.send_start()?;
        }
        Ok(())
    }

    pub(super) fn unsupported_message(&self, v: u8) -> String {
        format!(
            "device at {} speaks protocol version {v}; this breathband speaks version \
             {PROTOCOL_VERSION}: update the firmware or the app",
            self.cfg.path
        )
    }
}
