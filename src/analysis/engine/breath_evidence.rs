//! Each breath as it completes, and what the recent breaths say:
//! their period, their share and phase (the evidence), their rate.

use super::*;

impl Core {
    pub(super) fn breath(
        &mut self,
        k: usize,
        a: u64,
        c: u64,
        b: u64,
        out: &mut impl FnMut(Output),
    ) {
        let dur = (b - a) as f64 / self.rate;
        let Some(first) = self.hist.front().map(|s| s.n) else {
            return;
        };
        // Overlap with the breath already reported (from the other signal)
        // of up to a quarter breath is tolerated.
        let overlap = self.last_end.saturating_sub(a) as f64 / self.rate;
        if !(BREATH_S.0..=BREATH_S.1).contains(&dur)
            || a < first
            || !(a < c && c < b)
            || overlap > dur / 4.0
        {
            return;
        }
        let (i0, i1) = ((a - first) as usize, (b - first) as usize);
        if i1 >= self.hist.len() {
            return;
        }
        let range = |sign: f64| {
            let (lo, hi) = min_max(self.hist.range(i0..=i1).map(|s| s.chest + sign * s.belly));
            hi - lo
        };
        if range(SIGNS[k]) < range(SIGNS[1 - k]) {
            return;
        }
        let (amp, phase) = self.shape_stats(i0..=i1);
        let total = amp[0] + amp[1];
        if total <= 0.0 {
            return;
        }
        let share = amp[1] / total;
        let moving = |k: usize| amp[k] > 6.0 * self.noise[k] && amp[k] > 1e-9;
        let phase = (moving(0) && moving(1)).then_some(phase);
        let class = classify(share, phase, &self.cfg.thresholds);
        self.breaths += 1;
        self.last_end = b;
        if self.recent.len() == RECENT_BREATHS {
            self.recent.pop_front();
        }
        self.recent.push_back((a, b));
        self.breath_amp = amp;
        out(Output::Breath(Breath {
            inhale_start_s: self.t_of(a),
            exhale_start_s: self.t_of(c),
            end_s: self.t_of(b),
            chest_amp: amp[0],
            belly_amp: amp[1],
            belly_share: share,
            phase_deg: phase,
            rate_bpm: 60.0 / dur,
            class,
        }));
    }

    /// Excursion per band and phase of belly relative to chest over the
    /// history slots `range` (see [`breath_shape_stats`]).
    pub(super) fn shape_stats(
        &mut self,
        range: impl std::ops::RangeBounds<usize>,
    ) -> ([f64; 2], f64) {
        for b in &mut self.buf {
            b.clear();
        }
        for s in self.hist.range(range) {
            self.buf[0].push(s.chest);
            self.buf[1].push(s.belly);
        }
        breath_shape_stats(&self.buf[0], &self.buf[1])
    }

    /// Median length of the last three breaths, slots, while the last one
    /// is recent (within two of its own lengths, at least 10 s).
    pub(super) fn breath_period(&self, now: u64) -> Option<f64> {
        let k = self.recent.len();
        let &(_, last) = self.recent.back()?;
        if k < 2 {
            return None;
        }
        let mut d = [0u64; 3];
        let m = k.min(3);
        for (i, &(a, b)) in self.recent.iter().skip(k - m).enumerate() {
            d[i] = b - a;
        }
        d[..m].sort_unstable();
        let med = if m == 2 {
            (d[0] + d[1]) as f64 / 2.0
        } else {
            d[1] as f64
        };
        let fresh = (now.saturating_sub(last) as f64) <= (2.0 * med).max(10.0 * self.rate);
        fresh.then_some(med)
    }

    /// The breathing period the engine goes by, slots: the breaths' own,
    /// else the last valid window's.
    pub(super) fn period(&self, now: u64) -> Option<f64> {
        self.breath_period(now)
            .or_else(|| self.last_f0.map(|f| self.rate / f))
    }

    /// Excursion and phase over the last breath period (one full cycle, so
    /// neither depends on where in the breath it starts): the evidence the
    /// live class follows, updated at every step.
    pub(super) fn evidence(&mut self, now: u64, noise: [f64; 2]) -> Option<(f64, Option<f64>)> {
        let m = self.period(now)?.round() as usize;
        let len = self.hist.len();
        if m < 8 || m >= len {
            return None;
        }
        let (amp, phase) = self.shape_stats(len - m - 1..len);
        let total = amp[0] + amp[1];
        let normal = self.good_amp[0] + self.good_amp[1];
        let floor = 6.0 * noise[0].hypot(noise[1]);
        if !(total > floor && total >= EVIDENCE_MIN_TIDAL * normal && total > 1e-9) {
            return None;
        }
        let moving = |k: usize| amp[k] > 6.0 * noise[k] && amp[k] > 0.03 * total;
        Some((amp[1] / total, (moving(0) && moving(1)).then_some(phase)))
    }

    /// The spectral rate, or, when at least three whole breaths in a row lie
    /// in the window and agree with it within 15 %, their mean rate (breaths
    /// over their span): exact for fast breathing whose rate jitters, where
    /// the spectral peak wanders.
    pub(super) fn refine_rate(&self, spectral: f64, n: usize, hint: Option<f64>) -> f64 {
        let now = self.hist.back().map_or(0, |s| s.n);
        let start = now.saturating_sub(n as u64);
        let (mut k, mut first, mut last, mut covered) = (0u64, u64::MAX, 0u64, 0u64);
        for &(a, b) in self.recent.iter().filter(|&&(a, b)| a >= start && b <= now) {
            k += 1;
            first = first.min(a);
            last = last.max(b);
            covered += b - a;
        }
        if k < 3 || last <= first {
            // Slow breathing: under three breaths in the window; the
            // breaths' own rate when the spectrum agrees with it.
            return match hint {
                Some(h) if ((h - spectral) / spectral).abs() < 0.1 => 0.5 * (h + spectral),
                _ => spectral,
            };
        }
        let span = (last - first) as f64;
        let td = 60.0 * k as f64 / (span / self.rate);
        let contiguous = covered as f64 >= 0.95 * span;
        if contiguous && ((td - spectral) / spectral).abs() < 0.15 {
            td
        } else {
            spectral
        }
    }

    /// Rate of the last few breaths (their count over their span), when the
    /// last ended recently: what the over-breathing check follows, since it
    /// reacts within a few breaths where the 30 s window lags by half of it.
    pub(super) fn breath_rate_now(&self, now: u64) -> Option<f64> {
        let k = self.recent.len();
        if k < SAFETY_BREATHS {
            return None;
        }
        let (first, _) = self.recent[k - SAFETY_BREATHS];
        let (_, last) = self.recent[k - 1];
        let fresh = now.saturating_sub(last) as f64 <= SAFETY_FRESH_S * self.rate;
        (fresh && last > first)
            .then(|| 60.0 * SAFETY_BREATHS as f64 / ((last - first) as f64 / self.rate))
    }
}
