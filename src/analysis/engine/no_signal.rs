//! Whether there is breathing to analyse: a band off (0, rail,
//! flat), a dead band (only noise), a breath hold, a band back.

use super::*;

impl Core {
    /// A band that shows only noise while the other breathes: over a span
    /// of the last slots its movement stays within a few noise SD (measured
    /// over the same slots) and far below its own normal excursion, while
    /// the other band moves (see [`Self::band_still`]). Two spans: `DEAD_S`
    /// always, and `DEAD_FAST_S` while breaths are quick, so that a band
    /// that shows only noise is reported within 3 s at 10/min and faster
    /// (slower, within `DEAD_S`: a pacer pattern may hold one band still for
    /// seconds while the other moves). Needs a normal excursion from an
    /// earlier valid window. Once dead, a band stays so until it moves
    /// again, whatever the other.
    pub(super) fn dead_band(&mut self) -> bool {
        let len = self.hist.len();
        // The long span with drift (a line) taken out; the short one only
        // while breaths are quick (in slow patterns a band may rest for
        // seconds at a time while the other moves).
        let now = self.hist.back().map_or(0, |s| s.n);
        let quick = self
            .breath_period(now)
            .is_some_and(|p| p <= DEAD_FAST_MAX_PERIOD_S * self.rate);
        let fast_n = if quick { self.dead_fast_n } else { 0 };
        let tiers = [
            (self.dead_n, DEAD_OTHER, true),
            (fast_n, DEAD_FAST_OTHER, false),
        ];
        let dead = [0, 1].map(|k| {
            let (mut still, mut other_breathes) = (false, false);
            for &(m, other, detrend) in &tiers {
                let (s, o) = self.band_still(k, m.min(len), other, detrend);
                still |= s;
                other_breathes |= s && o;
            }
            still && (self.dead[k] || other_breathes)
        });
        self.dead = dead;
        dead[0] || dead[1]
    }

    /// Whether band `k` moved only like noise over the last `m` slots (within
    /// `DEAD_NOISE_SD` and under `DEAD_FRACTION` of its normal excursion),
    /// and whether the other band moved meanwhile by `other_fraction` of its
    /// own. Movement is the range after removing a line if `detrend` (drift
    /// over a long span), else the plain range (over a short one the steep
    /// part of a breath is nearly a line itself).
    pub(super) fn band_still(
        &self,
        k: usize,
        m: usize,
        other_fraction: f64,
        detrend: bool,
    ) -> (bool, bool) {
        let len = self.hist.len();
        let normal = self.good_amp[k];
        if m < 8 || len < m || normal <= 0.0 {
            return (false, false);
        }
        let band = |k: usize, from: usize, n: usize| {
            self.hist.range(from..from + n).map(move |s| s.band(k))
        };
        let range = |k: usize, from: usize, n: usize| {
            if detrend {
                residual_range(band(k, from, n), n)
            } else {
                let (lo, hi) = min_max(band(k, from, n));
                hi - lo
            }
        };
        let start = len - m;
        let moved = range(k, start, m);
        let still = moved < DEAD_NOISE_SD * rms_noise_sd(band(k, start, m))
            && moved < DEAD_FRACTION * normal;
        if !still {
            return (false, false);
        }
        // The other band: in each half of a long span (a hold's end, where
        // one band starts a little earlier, is not a dead band); over the
        // whole of a short one (breaths are quick, no holds then, but a
        // breath's turn lasts about half of it).
        let other = if detrend {
            let h = m / 2;
            range(1 - k, start, h).min(range(1 - k, start + h, m - h))
        } else {
            range(1 - k, start, m)
        };
        (true, other > other_fraction * self.good_amp[1 - k])
    }

    /// Over the last `SHORT_S`: most slots lost, a band at a rail, or a band
    /// that does not move at all (with the level it sits at).
    pub(super) fn short_checks(&self) -> Option<ShortCheck> {
        let len = self.hist.len();
        let short = self.short_n.min(len);
        let recent = || self.hist.range(len - short..);
        if recent().filter(|s| s.gap).count() * 2 > short {
            return Some((NoSignalReason::Gap, [None; 2], [false; 2]));
        }
        let mut off = None;
        let mut level = [None; 2];
        let mut which = [false; 2];
        for (k, level) in level.iter_mut().enumerate() {
            let clip: f64 = recent().map(|s| s.clipped[k] as f64).sum();
            if clip * 2.0 > short as f64 {
                off = off.or(Some(NoSignalReason::BandOff));
                which[k] = true;
                continue;
            }
            let (lo, hi) = min_max(recent().map(|s| s.band(k)));
            if hi - lo <= 1e-9 * (1.0 + hi.abs()) {
                off = off.or(Some(NoSignalReason::Flat));
                *level = Some(hi);
                which[k] = true;
            }
        }
        off.map(|r| (r, level, which))
    }

    /// Drops the history up to the last slot of the band being off (a
    /// clipped or lost slot, or a band still at the level it sat at), and
    /// the breaths in progress: a band that comes back starts afresh.
    pub(super) fn restart_after_band_off(&mut self) {
        let Some(level) = self.band_off.take() else {
            return;
        };
        let at =
            |v: f64, l: Option<f64>| l.is_some_and(|l| (v - l).abs() <= 1e-9 * (1.0 + l.abs()));
        let last_off = self.hist.iter().rposition(|s| {
            s.gap
                || s.clipped.iter().any(|&c| c > 0.0)
                || at(s.chest, level[0])
                || at(s.belly, level[1])
        });
        if let Some(i) = last_off {
            self.hist.drain(..=i);
        }
        self.det.iter_mut().for_each(Tracker::reset);
        self.recent.clear();
        self.last_evidence = None;
        self.holding = None;
    }

    /// Short-term checks first (they must react within seconds), then quality.
    /// `short` is this window's [`Self::short_checks`].
    pub(super) fn no_signal_reason(
        &mut self,
        short: Option<ShortCheck>,
        est: &SpectralEstimate,
        quality: f64,
        any_moving: bool,
    ) -> Option<NoSignalReason> {
        let len = self.hist.len();
        let dead = self.dead_band();
        let recent = |m: usize| self.hist.range(len - m.min(len)..);
        self.band_off = match short {
            Some((NoSignalReason::Gap, ..)) | None => None,
            Some((_, level, _)) => Some(level),
        };
        if let Some((reason, ..)) = short {
            return Some(reason);
        }
        if dead {
            return Some(NoSignalReason::Flat);
        }
        let hold_since = self.holding.take();
        let now = self.hist.back().map_or(0, |s| s.n);
        // Past a minute, the excursion before the hold is no longer a
        // reference (it may have been an artefact): what moves now is.
        let stale =
            hold_since.is_some_and(|h| now.saturating_sub(h) as f64 > HOLD_REF_S * self.rate);
        if len >= self.hold_n {
            // Breath hold: neither band moves beyond a fraction of the tidal
            // excursion of the last breaths (after removing a straight-line
            // drift); once in a hold, twice that ends it.
            let limit = HOLD_STILL * if hold_since.is_some() { 2.0 } else { 1.0 };
            let still = (0..2).all(|k| {
                let r = residual_range(recent(self.hold_n).map(|s| s.band(k)), self.hold_n);
                let reference = if stale {
                    est.amp[k]
                } else {
                    est.amp[k].max(self.good_amp[k]).max(self.breath_amp[k])
                };
                r < (limit * reference).max(8.0 * est.noise_sd[k])
            });
            if still {
                self.holding = Some(hold_since.unwrap_or(now));
                return Some(NoSignalReason::BreathHold);
            }
        }
        if !any_moving || est.f0_hz.is_none() || quality < self.cfg.thresholds.min_quality {
            return Some(NoSignalReason::LowQuality);
        }
        None
    }
}
