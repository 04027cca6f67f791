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
        let mut rounded = false;
        self.lines
            .push(bytes, |l| match l.and_then(|v| counts(v, scale)) {
                Some((p, r)) => {
                    rounded |= r;
                    if estimating {
                        pending.push((now, p));
                    } else {
                        pairs.push(p);
                    }
                }
                None => rejected += 1,
            });
        Counters::add(&counters.text_lines_rejected, rejected);
        if rounded && !self.text_rounding_said {
            self.text_rounding_said = true;
            tracing::warn!(
                "{}: the first lines had whole numbers above 214748, later ones have \
                 decimals: they are rounded to whole numbers",
                self.cfg.path
            );
        }
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

/// Scales one line's values to counts, or `None` when a value is not finite
/// or does not fit a count (it would saturate at 2147483647): such lines are
/// rejected and counted. The flag says a decimal was rounded away (a stream
/// of huge whole numbers, read at one count per unit).
fn counts(v: [f64; 2], scale: f64) -> Option<([i32; 2], bool)> {
    let mut out = [0i32; 2];
    let mut rounded = false;
    for (o, x) in out.iter_mut().zip(v) {
        let c = (x * scale).round();
        if !c.is_finite() || c.abs() > f64::from(i32::MAX) {
            return None;
        }
        rounded |= c != x * scale;
        *o = c as i32;
    }
    Some((out, rounded))
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn huge_values_are_refused_and_rounding_is_flagged() {
        assert_eq!(counts([1.5, 2.25], 1000.0), Some(([1500, 2250], false)));
        assert_eq!(counts([512.0, 300.0], 1.0), Some(([512, 300], false)));
        assert_eq!(counts([1.5, 2.5], 1.0).map(|c| c.1), Some(true));
        assert_eq!(counts([3e9, 1.0], 1.0), None);
        assert_eq!(counts([1.0, -2.2e6], 1000.0), None);
        assert_eq!(counts([f64::NAN, 1.0], 1000.0), None);
        assert_eq!(counts([1.0, f64::INFINITY], 1.0), None);
    }
}
