//! The text fallback of the serial source: "chest,belly" lines, their
//! rate estimated from arrival times unless given.

use super::*;

impl SerialSource {
    /// Splits lines into `self.pairs` (or, while the rate is being
    /// estimated, `self.text_pending`), scaled to counts.
    pub(super) fn absorb_text(&mut self, bytes: &[u8], scale: f64, counters: &Counters) {
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

    pub(super) fn text_info(&self, rate: f64, estimated: bool, scale: f64) -> DeviceInfo {
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
            usb_serial_number: self.identity.usb_serial.clone(),
            usb_product: self.usb_product.clone(),
            sample_rate_hz: rate,
            rate_estimated: estimated,
            channels: [ch("chest"), ch("belly")],
        }
    }

    /// In text mode without a given rate: estimate it once enough lines came.
    pub(super) fn settle_text_rate(&mut self, scale: f64) {
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
}
