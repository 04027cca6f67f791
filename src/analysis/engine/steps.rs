//! Slots of decimated samples, the step clock, long gaps and
//! windows with no signal to analyse.

use super::*;

impl Core {
    pub(super) fn t_of(&self, n: u64) -> f64 {
        // Centre of slot n on the input's time base.
        let f = self.factor;
        (n as f64 * f + (f - 1.0) / 2.0) / self.sample_rate_hz
    }

    pub(super) fn slot(&mut self, d: Decimated, out: &mut impl FnMut(Output)) {
        let s = match d {
            Decimated::Slot(s) => s,
            Decimated::Reset { lost_slots } => {
                self.long_gap(lost_slots, out);
                return;
            }
        };
        self.last_n = Some(s.n);
        if self.hist.len() == self.hist.capacity() {
            self.hist.pop_front();
        }
        self.hist.push_back(s);
        // Breaths are segmented on chest + belly and on chest - belly at
        // once; a breath counts from whichever of the two moves more over it
        // (the sum when the bands move together, the difference when they move
        // against each other), so a change of pattern needs no re-tuning.
        for (k, sign) in SIGNS.into_iter().enumerate() {
            if let Some((a, c, b)) = self.det[k].push(s.n, s.chest + sign * s.belly) {
                self.breath(k, a, c, b, out);
            }
        }
        let t_end = self.t_end(s.n);
        if self.step_due(t_end) {
            if self.hist.len() >= self.min_n {
                self.recovering = None;
                self.window(t_end, out);
            } else if let Some(reason) = self.recovering {
                self.no_signal_window(t_end, reason, out);
            }
        }
    }

    /// End of slot n on the input's time base, s.
    pub(super) fn t_end(&self, n: u64) -> f64 {
        (n + 1) as f64 * self.factor / self.sample_rate_hz
    }

    /// Whether a slot ending at `t_end` is due for a window (and if so, moves
    /// on to the next step).
    pub(super) fn step_due(&mut self, t_end: f64) -> bool {
        let step = self.cfg.step_s;
        let next = *self
            .next_step
            .get_or_insert(((t_end / step).floor() + 1.0) * step);
        if t_end + 1e-9 >= next {
            self.next_step = Some(((t_end / step + 1e-9).floor() + 1.0) * step);
            true
        } else {
            false
        }
    }

    /// A gap too long to bridge (`lost` slots after the last one): history
    /// no longer connects, so it restarts; every step inside the gap (and
    /// until the new history holds a window) is a `gap` window, and the
    /// safety monitor counts the loss from the gap's start.
    pub(super) fn long_gap(&mut self, lost: u64, out: &mut impl FnMut(Output)) {
        self.hist.clear();
        self.det.iter_mut().for_each(Tracker::reset);
        self.label = Class::NoSignal;
        self.last_evidence = None;
        self.recent.clear();
        let (Some(prev), Some(_)) = (self.last_n, self.next_step) else {
            return;
        };
        self.recovering = Some(NoSignalReason::Gap);
        self.band_off = None;
        self.safety.signal_lost_since(self.t_end(prev));
        let last = prev.saturating_add(lost);
        self.last_n = Some(last);
        let slots_per_s = self.sample_rate_hz / self.factor;
        for _ in 0..MAX_GAP_WINDOWS {
            let Some(next) = self.next_step else { return };
            // The slot whose end first reaches the step, as for real windows.
            let n = ((next * slots_per_s - 1e-9).ceil() as u64).saturating_sub(1);
            if n > last {
                return;
            }
            let t = self.t_end(n);
            if self.step_due(t) {
                self.no_signal_window(t, NoSignalReason::Gap, out);
            }
        }
        // Longer than the cap: skip ahead to the end of the gap.
        self.next_step = None;
        self.step_due(self.t_end(last));
    }

    /// A `no_signal` window for a step with no signal to analyse.
    pub(super) fn no_signal_window(
        &mut self,
        t: f64,
        reason: NoSignalReason,
        out: &mut impl FnMut(Output),
    ) {
        let reason = Some(reason);
        self.safety
            .update(t, None, 0.0, reason, &mut |e| out(Output::Event(e)));
        out(Output::Window(WindowResult::no_signal(t, reason)));
    }
}
