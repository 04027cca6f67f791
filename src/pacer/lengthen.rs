//! Timing of the lengthening-exhale program, in closed form.
//!
//! The rate r(t) falls linearly from `from` to `to` over the ramp and then
//! stays; the breaths elapsed, phi(t), is its integral. Cycle k runs from
//! phi = k to phi = k + 1, and its inhale ends at phi = k + f_k where f_k is
//! the inhale share for the rate at the start of the cycle. Inverting phi
//! gives every boundary without stepping through earlier cycles, so the
//! audio callback can ask for any moment at constant cost.

use super::pattern::{rate_cycle, Cycle, Lengthen, INHALE_SHARE};

impl Lengthen {
    /// Rates in breaths per second and the ramp in seconds.
    fn params(&self) -> (f64, f64, f64) {
        (
            self.from_bpm / 60.0,
            self.to_bpm / 60.0,
            self.ramp_min * 60.0,
        )
    }

    /// Breaths per minute at time `t_s`.
    pub fn rate_bpm_at(&self, t_s: f64) -> f64 {
        let (r0, r1, ramp) = self.params();
        if t_s >= ramp || ramp <= 0.0 {
            return self.to_bpm;
        }
        60.0 * (r0 + (r1 - r0) * t_s.max(0.0) / ramp)
    }

    /// Breaths elapsed (fractional) at time `t_s`.
    pub(crate) fn breaths_at(&self, t_s: f64) -> f64 {
        let (r0, r1, ramp) = self.params();
        let t = t_s.max(0.0);
        if t <= ramp && ramp > 0.0 {
            let a = (r1 - r0) / ramp;
            r0 * t + 0.5 * a * t * t
        } else {
            0.5 * (r0 + r1) * ramp + r1 * (t - ramp)
        }
    }

    /// The time at which `breaths` breaths have elapsed (inverse of
    /// [`Self::breaths_at`]).
    pub(crate) fn time_of(&self, breaths: f64) -> f64 {
        let (r0, r1, ramp) = self.params();
        let c = breaths.max(0.0);
        let at_ramp_end = 0.5 * (r0 + r1) * ramp;
        if c <= at_ramp_end && ramp > 0.0 {
            // a t^2 / 2 + r0 t - c = 0, in the form that stays exact as a -> 0.
            let a = (r1 - r0) / ramp;
            2.0 * c / (r0 + (r0 * r0 + 2.0 * a * c).max(0.0).sqrt())
        } else {
            ramp + (c - at_ramp_end) / r1
        }
    }

    /// Start time and phase lengths of cycle `k`.
    pub(crate) fn cycle(&self, k: u64) -> (f64, Cycle) {
        let start = self.time_of(k as f64);
        let rate = self.rate_bpm_at(start);
        let nominal = rate_cycle(rate);
        // The inhale grows toward its length at the target, capped at half.
        let target_inhale = INHALE_SHARE * 60.0 / self.to_bpm;
        let inhale_share = target_inhale.min(0.5 * nominal.len_s()) / nominal.len_s();
        let exhale_start = self.time_of(k as f64 + inhale_share);
        let end = self.time_of(k as f64 + 1.0);
        (
            start,
            Cycle::in_out(exhale_start - start, end - exhale_start),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_inverts_breaths_at() {
        let l = Lengthen::default();
        for i in 0..2000 {
            let t = i as f64 * 0.37;
            let back = l.time_of(l.breaths_at(t));
            assert!((back - t).abs() < 1e-9, "{t} -> {back}");
        }
    }

    #[test]
    fn constant_program_is_a_plain_rate() {
        let l = Lengthen {
            from_bpm: 6.0,
            to_bpm: 6.0,
            ramp_min: 0.0,
        };
        let (start, c) = l.cycle(3);
        assert!((start - 30.0).abs() < 1e-9);
        assert!((c.inhale_s - 4.0).abs() < 1e-9 && (c.exhale_s - 6.0).abs() < 1e-9);
    }
}
