//! One analysis window: spectrum, quality, rate, share, phase,
//! the live class with hysteresis, safety, and the window row.

use super::*;

impl Core {
    pub(super) fn window(&mut self, t_end: f64, out: &mut impl FnMut(Output)) {
        let short = self.short_checks();
        if self.band_off.is_some() && short.is_none() {
            // A band came back: what came before (the band at 0 or at the
            // rail, and the step back) is no breathing to analyse.
            self.restart_after_band_off();
            if self.hist.len() < self.min_n {
                self.recovering = Some(NoSignalReason::LowQuality);
                self.no_signal_window(t_end, NoSignalReason::LowQuality, out);
                return;
            }
        }
        let now_n = self.hist.back().map_or(0, |s| s.n);
        let period = self.period(now_n);
        // Slow breathing lengthens the window to hold three breaths.
        let want = period.map_or(self.win_n, |p| {
            ((WINDOW_BREATHS * p).ceil() as usize).clamp(self.win_n, self.max_win_n)
        });
        let n = self.hist.len().min(want);
        let skip = self.hist.len() - n;
        for k in 0..2 {
            self.buf[k].clear();
        }
        let (mut gaps, mut clip) = (0usize, [0.0f64; 2]);
        for s in self.hist.range(skip..) {
            self.buf[0].push(s.chest);
            self.buf[1].push(s.belly);
            gaps += s.gap as usize;
            clip[0] += s.clipped[0] as f64;
            clip[1] += s.clipped[1] as f64;
        }
        let th = self.cfg.thresholds;
        let hint = self.breath_period(now_n).map(|p| 60.0 * self.rate / p);
        let est = self.spec.analyse_near(
            &self.buf[0],
            &self.buf[1],
            self.cfg.min_rate_bpm,
            self.cfg.max_rate_bpm,
            hint,
        );
        self.noise = est.noise_sd;
        let gap_frac = gaps as f64 / n as f64;
        let clip_frac = clip[0].max(clip[1]) / n as f64;
        let moving = |k: usize| est.amp[k] > 4.0 * est.noise_sd[k] && est.amp[k] > 1e-9;
        let both = moving(0) && moving(1);

        let q_prom = ((est.prominence - 0.15) / 0.45).clamp(0.0, 1.0);
        let q_coh = if both { 0.6 + 0.4 * est.coherence } else { 1.0 };
        let q_hf = 1.0 / (1.0 + 2.0 * est.hf_ratio);
        let quality = (q_prom
            * q_coh
            * q_hf
            * (1.0 - 2.0 * clip_frac).max(0.0)
            * (1.0 - 2.0 * gap_frac).max(0.0))
        .clamp(0.0, 1.0);

        let short_off = short.map_or([false; 2], |s| s.2);
        let mut reason = self.no_signal_reason(short, &est, quality, moving(0) || moving(1));
        let evidence = match reason {
            None | Some(NoSignalReason::LowQuality) => self.evidence(now_n, est.noise_sd),
            _ => None,
        };
        if evidence.is_some() {
            self.last_evidence = Some(now_n);
        }
        // Breaths plainly there (recent, and evidence over the last one)
        // outweigh a spectrum of low quality (say, a window that still holds
        // a past breath hold, or a rate just changed).
        if reason == Some(NoSignalReason::LowQuality)
            && evidence.is_some()
            && hint.is_some()
            && est.f0_hz.is_some()
        {
            reason = None;
        }
        let rate_bpm = est
            .f0_hz
            .map(|f| self.refine_rate(f * 60.0, n, hint))
            .filter(|_| reason.is_none());
        let total = est.amp[0] + est.amp[1];
        let share = (reason.is_none() && total > 0.0).then(|| est.amp[1] / total);
        let phase = if reason.is_some() {
            None
        } else if both && est.coherence >= th.min_coherence {
            Some(est.phase_deg)
        } else {
            evidence.and_then(|(_, p)| p)
        };
        let spectral_class = match share {
            Some(sh) => classify(sh, phase, &th),
            None => Class::NoSignal,
        };
        if reason.is_none() {
            self.good_amp = est.amp;
            self.last_f0 = est.f0_hz;
        }

        // Hysteresis of each timing signal (`TURN_HYSTERESIS`).
        let period_n = period
            .or_else(|| est.f0_hz.map(|f| self.rate / f))
            .map_or(self.win_n, |p| (1.5 * p) as usize);
        let len = self.hist.len();
        let span = period_n.clamp(((2.0 * self.rate) as usize).min(len), len);
        let noise_v = est.noise_sd[0].hypot(est.noise_sd[1]);
        for (det, sign) in self.det.iter_mut().zip(SIGNS) {
            let (lo, hi) = min_max(
                self.hist
                    .range(len - span..)
                    .map(|s| s.chest + sign * s.belly),
            );
            let range = hi - lo;
            det.set_delta(
                (TURN_HYSTERESIS * range).max(5.0 * noise_v),
                (TURN_TOL * range).max(0.25 * noise_v),
            );
        }

        // The live class: from the evidence of the last breath period at
        // every step, with hysteresis; while there is none (inside a pacer
        // hold, say) the last class stays as long as it is recent.
        let fresh = (BREATH_FRESH_S * self.rate).max(1.5 * period.unwrap_or(0.0)) as u64;
        let recent = self
            .last_evidence
            .is_some_and(|e| now_n.saturating_sub(e) <= fresh);
        let prev = (self.label != Class::NoSignal).then_some(self.label);
        self.label = match (reason, evidence) {
            (Some(NoSignalReason::LowQuality) | None, Some((sh, ph))) => {
                classify_from(sh, ph, &th, prev)
            }
            (None, None) if recent && prev.is_some() => self.label,
            (None, None) => match share {
                Some(sh) => classify_from(sh, phase, &th, prev),
                None => Class::NoSignal,
            },
            _ => Class::NoSignal,
        };

        let lim = self.cfg.safety;
        let safety_rate = rate_bpm.map(|r| self.breath_rate_now(now_n).unwrap_or(r));
        let over = safety_rate.is_some_and(|r| r > lim.max_rate_bpm)
            || self
                .safety
                .baseline()
                .is_some_and(|b| total > lim.max_depth_ratio * b && reason.is_none());
        self.safety
            .update(t_end, safety_rate, total, reason, &mut |e| {
                out(Output::Event(e))
            });
        let bands_off = match reason {
            Some(NoSignalReason::BandOff | NoSignalReason::Flat) => {
                [0, 1].map(|k| short_off[k] || self.dead[k])
            }
            _ => [false; 2],
        };
        out(Output::Window(WindowResult {
            t_s: t_end,
            rate_bpm,
            chest_amp: est.amp[0],
            belly_amp: est.amp[1],
            belly_share: share,
            phase_deg: phase,
            coherence: est.coherence,
            quality,
            class: self.label,
            label: self.label,
            spectral_class,
            reason,
            over_breathing: over,
            bands_off,
        }));
    }
}
