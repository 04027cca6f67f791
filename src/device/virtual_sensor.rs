//! The built-in virtual sensor: realistic two-band breathing with known truth.
//!
//! Each breath has a fast inhale, a slower exhale and an end-expiratory pause
//! (I:E about 1:1.5). Rate and depth jitter from breath to breath; the belly
//! band leads the chest band by `phase_deg` (180 = paradoxical); baseline
//! drifts (posture, band slip); white noise is added; counts are clipped to
//! the converter range. Parameters change at breath boundaries, on a
//! [`Schedule`]. The same seed gives the same signal.
//!
//! With a pacer [`Pattern`] set, the virtual person follows the pacer
//! instead: lungs filled as the visual pacer shows (eased inhale, holds,
//! eased exhale), so 4-7-8, box and the lengthening ramp have a signal with
//! known truth. Holds up to [`PATTERN_HOLD_LIMIT_S`] inside a pattern are
//! breathing; the rest of a longer hold is a breath hold (`no_signal`).

use super::schedule::{BandOff, Change, Schedule};
use crate::pacer::Pattern;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Breathing and sensor parameters of the virtual sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualParams {
    /// Breaths per minute (mean).
    pub rate_bpm: f64,
    /// Belly excursion / (chest + belly), in calibrated units.
    pub belly_share: f64,
    /// Belly leads chest by this many degrees at the breathing frequency.
    pub phase_deg: f64,
    /// Chest + belly tidal excursion in calibrated units (mean).
    pub depth: f64,
    /// Noise standard deviation as a fraction of `depth`.
    pub noise: f64,
    /// Baseline drift amplitude as a fraction of `depth`.
    pub drift: f64,
    /// Breath-to-breath standard deviation of rate, as a fraction.
    pub rate_jitter: f64,
    /// Breath-to-breath standard deviation of depth, as a fraction.
    pub depth_jitter: f64,
    /// Counts per calibrated unit, chest band.
    pub chest_gain: f64,
    /// Counts per calibrated unit, belly band.
    pub belly_gain: f64,
    /// Resting counts of each band.
    pub chest_offset: f64,
    pub belly_offset: f64,
    /// Largest converter count (0 and this are rails).
    pub full_scale: u16,
    /// Follow this pacer pattern instead of `rate_bpm` (no rate jitter).
    #[serde(skip)]
    pub pattern: Option<Pattern>,
}

/// A hold inside a pattern longer than this is, from here on, a breath hold, s.
pub const PATTERN_HOLD_LIMIT_S: f64 = 10.0;

impl Default for VirtualParams {
    fn default() -> Self {
        Self {
            rate_bpm: 12.0,
            belly_share: 0.7,
            phase_deg: 0.0,
            depth: 600.0,
            noise: 0.005,
            drift: 0.15,
            rate_jitter: 0.05,
            depth_jitter: 0.08,
            chest_gain: 1.0,
            belly_gain: 1.0,
            chest_offset: 1800.0,
            belly_offset: 2100.0,
            full_scale: 4095,
            pattern: None,
        }
    }
}

/// What the virtual sensor knows to be true at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truth {
    /// Rate of the breath in progress (0 during a hold).
    pub rate_bpm: f64,
    pub belly_share: f64,
    pub phase_deg: f64,
    /// Position in the chest's breath cycle, 0 at inhale start, in [0, 1).
    pub cycle: f64,
    /// True class: belly, chest, mixed, paradoxical or no_signal.
    pub class: &'static str,
}

/// One generated sample: raw counts and the truth behind them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VirtualSample {
    pub chest: u16,
    pub belly: u16,
    pub truth: Truth,
}

/// Shape of one breath cycle at position `u` in [0, 1): 0 at rest, 1 at full inhale.
pub fn breath_shape(u: f64) -> f64 {
    const INHALE: f64 = 0.4; // I:E = 1:1.5
    const EXHALE_ACTIVE: f64 = 0.45; // then an end-expiratory pause
    let u = u.rem_euclid(1.0);
    if u < INHALE {
        0.5 - 0.5 * (PI * u / INHALE).cos()
    } else if u < INHALE + EXHALE_ACTIVE {
        0.5 + 0.5 * (PI * (u - INHALE) / EXHALE_ACTIVE).cos()
    } else {
        0.0
    }
}

/// Truth class from share and phase, with the engine's default thresholds.
pub fn class_of(share: f64, phase_deg: f64) -> &'static str {
    if phase_deg.abs() > 90.0 {
        "paradoxical"
    } else if share >= 0.6 {
        "belly"
    } else if share <= 0.4 {
        "chest"
    } else {
        "mixed"
    }
}

/// Deterministic generator of virtual sensor samples.
#[derive(Debug, Clone)]
pub struct VirtualSensor {
    rate_hz: f64,
    params: VirtualParams,
    schedule: Schedule,
    next_change: usize,
    rng: ChaCha8Rng,
    index: u64,
    /// Cycle position of the chest band.
    cycle: f64,
    breath_rate: f64,
    breath_depth: f64,
    hold_until_s: f64,
    off: BandOff,
    drift_phase: f64,
    walk: [f64; 2],
    /// Time on the pattern's clock (stands still during scheduled holds), s.
    pattern_t: f64,
    /// Cycle of the pattern the current depth was drawn for.
    pattern_cycle: u64,
}

impl VirtualSensor {
    pub fn new(rate_hz: f64, params: VirtualParams, schedule: Schedule, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let drift_phase = rng.random::<f64>() * 2.0 * PI;
        let mut s = Self {
            rate_hz,
            breath_rate: params.rate_bpm,
            breath_depth: params.depth,
            params,
            schedule,
            next_change: 0,
            rng,
            index: 0,
            cycle: 0.0,
            hold_until_s: 0.0,
            off: BandOff::None,
            drift_phase,
            walk: [0.0; 2],
            pattern_t: 0.0,
            pattern_cycle: 0,
        };
        s.apply_due_changes();
        s.start_breath();
        s
    }

    pub fn sample_rate_hz(&self) -> f64 {
        self.rate_hz
    }
    pub fn params(&self) -> &VirtualParams {
        &self.params
    }
    /// Replaces the parameters from the next breath on (live controls).
    pub fn set_params(&mut self, p: VirtualParams) {
        self.params = p;
    }
    /// Index of the next sample.
    pub fn index(&self) -> u64 {
        self.index
    }

    fn t(&self) -> f64 {
        self.index as f64 / self.rate_hz
    }

    fn apply_due_changes(&mut self) {
        let t = self.t();
        while let Some(ch) = self.schedule.changes().get(self.next_change) {
            if ch.at_s > t {
                break;
            }
            for c in &ch.changes {
                match *c {
                    Change::Rate(v) => self.params.rate_bpm = v,
                    Change::Share(v) => self.params.belly_share = v,
                    Change::Phase(v) => self.params.phase_deg = v,
                    Change::Depth(v) => self.params.depth = v,
                    Change::Noise(v) => self.params.noise = v,
                    Change::Hold(s) => self.hold_until_s = ch.at_s + s,
                    Change::Off(b) => self.off = b,
                }
            }
            self.next_change += 1;
        }
    }

    fn start_breath(&mut self) {
        let p = &self.params;
        let jr = Normal::new(0.0, p.rate_jitter.max(0.0)).map_or(0.0, |n| n.sample(&mut self.rng));
        let jd = Normal::new(0.0, p.depth_jitter.max(0.0)).map_or(0.0, |n| n.sample(&mut self.rng));
        self.breath_rate = (p.rate_bpm * (1.0 + jr.clamp(-0.3, 0.3))).max(1.0);
        self.breath_depth = p.depth * (1.0 + jd.clamp(-0.5, 0.5)).max(0.0);
    }

    /// Generates the next sample.
    pub fn next_sample(&mut self) -> VirtualSample {
        let t = self.t();
        let dt = 1.0 / self.rate_hz;
        let holding = t < self.hold_until_s;
        let p = &self.params;
        let share = p.belly_share.clamp(0.0, 1.0);
        let mut pattern_truth = None;
        let (chest_u, belly_u) = if holding {
            (0.0, 0.0)
        } else if let Some(pat) = p.pattern {
            let st = pat.state_at(self.pattern_t);
            let len = st.cycle_len_s();
            let mut tb = self.pattern_t + p.phase_deg / 360.0 * len;
            while tb < 0.0 {
                tb += len;
            }
            let fb = pat.state_at(tb).fill();
            let long_hold =
                st.phase.is_hold() && self.pattern_t - st.phase_start_s >= PATTERN_HOLD_LIMIT_S;
            pattern_truth = Some((
                st.rate_bpm(),
                ((self.pattern_t - st.cycle_start_s) / len).clamp(0.0, 1.0 - 1e-12),
                long_hold,
            ));
            (
                st.fill() * self.breath_depth * (1.0 - share),
                fb * self.breath_depth * share,
            )
        } else {
            let c = breath_shape(self.cycle) * self.breath_depth * (1.0 - share);
            let b = breath_shape(self.cycle + p.phase_deg / 360.0) * self.breath_depth * share;
            (c, b)
        };
        // Drift: a slow posture sway plus a random walk, per band.
        let sway = p.drift * p.depth * (2.0 * PI * t / 90.0 + self.drift_phase).sin();
        let step = p.drift * p.depth * 0.02 * dt.sqrt();
        let noise_sd = (p.noise * p.depth).max(0.0);
        let mut noise = [0.0; 2];
        for (k, w) in self.walk.iter_mut().enumerate() {
            let z: f64 = Normal::new(0.0, 1.0).map_or(0.0, |n| n.sample(&mut self.rng));
            *w = (*w + step * z) * (1.0 - 0.01 * dt); // leaky, stays bounded
            noise[k] = Normal::new(0.0, 1.0).map_or(0.0, |n| n.sample(&mut self.rng)) * noise_sd;
        }
        let counts = |units: f64, gain: f64, offset: f64, k: usize| -> f64 {
            offset + gain * (units + sway * 0.5 + self.walk[k]) + noise[k]
        };
        let mut chest = counts(chest_u, p.chest_gain, p.chest_offset, 0);
        let mut belly = counts(belly_u, p.belly_gain, p.belly_offset, 1);
        if matches!(self.off, BandOff::Chest | BandOff::Both) {
            chest = 0.0;
        }
        if matches!(self.off, BandOff::Belly | BandOff::Both) {
            belly = 0.0;
        }
        let fs = p.full_scale as f64;
        let (rate, cycle, long_hold) =
            pattern_truth.unwrap_or((self.breath_rate, self.cycle, false));
        let no_signal = holding || long_hold || self.off != BandOff::None;
        let truth = Truth {
            rate_bpm: if no_signal { 0.0 } else { rate },
            belly_share: share,
            phase_deg: p.phase_deg,
            cycle,
            class: if no_signal {
                "no_signal"
            } else {
                class_of(share, p.phase_deg)
            },
        };
        let out = VirtualSample {
            chest: chest.round().clamp(0.0, fs) as u16,
            belly: belly.round().clamp(0.0, fs) as u16,
            truth,
        };
        // Advance.
        self.index += 1;
        if let Some(pat) = self.params.pattern {
            if !holding {
                self.pattern_t += dt;
            }
            self.apply_due_changes();
            let k = pat.state_at(self.pattern_t).cycle_index;
            if k != self.pattern_cycle {
                self.pattern_cycle = k;
                self.start_breath();
            }
            return out;
        }
        if !holding {
            self.cycle += self.breath_rate / 60.0 * dt;
        }
        self.apply_due_changes();
        if self.cycle >= 1.0 {
            self.cycle -= 1.0;
            self.start_breath();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(params: VirtualParams, secs: f64, rate: f64) -> Vec<VirtualSample> {
        let mut v = VirtualSensor::new(rate, params, Schedule::default(), 7);
        (0..(secs * rate) as usize)
            .map(|_| v.next_sample())
            .collect()
    }

    #[test]
    fn breath_shape_rises_on_inhale_and_rests_at_zero() {
        assert_eq!(breath_shape(0.0), 0.0);
        assert!((breath_shape(0.4) - 1.0).abs() < 1e-12);
        assert!(breath_shape(0.2) > 0.4 && breath_shape(0.2) < 0.6);
        assert_eq!(breath_shape(0.9), 0.0);
    }

    #[test]
    fn same_seed_gives_same_signal_and_other_seed_differs() {
        let a = run(VirtualParams::default(), 5.0, 100.0);
        let b = run(VirtualParams::default(), 5.0, 100.0);
        assert_eq!(a, b);
        let mut v = VirtualSensor::new(100.0, VirtualParams::default(), Schedule::default(), 8);
        let c: Vec<_> = (0..500).map(|_| v.next_sample()).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn breath_count_matches_rate() {
        let p = VirtualParams {
            rate_jitter: 0.0,
            ..Default::default()
        };
        let s = run(p, 60.0, 50.0);
        let starts = s
            .windows(2)
            .filter(|w| w[1].truth.cycle < w[0].truth.cycle)
            .count();
        assert_eq!(
            starts, 11,
            "12/min for 60 s: 11 inhale starts after the first"
        );
    }

    #[test]
    fn belly_share_sets_band_excursions_in_counts() {
        let p = VirtualParams {
            noise: 0.0,
            drift: 0.0,
            depth_jitter: 0.0,
            belly_share: 0.75,
            belly_gain: 2.0,
            ..Default::default()
        };
        let s = run(p, 30.0, 100.0);
        let range = |f: fn(&VirtualSample) -> u16| {
            let it = s.iter().map(f);
            it.clone().max().unwrap() as f64 - it.min().unwrap() as f64
        };
        let chest = range(|x| x.chest);
        let belly = range(|x| x.belly);
        // chest 150 units x gain 1, belly 450 units x gain 2
        assert!((chest - 150.0).abs() <= 2.0, "{chest}");
        assert!((belly - 900.0).abs() <= 2.0, "{belly}");
    }

    #[test]
    fn schedule_switches_to_paradoxical_and_hold() {
        let sched: Schedule = "10:phase=180;20:hold=5".parse().unwrap();
        let mut v = VirtualSensor::new(50.0, VirtualParams::default(), sched, 1);
        let s: Vec<_> = (0..50 * 30).map(|_| v.next_sample()).collect();
        assert_eq!(s[5 * 50].truth.class, "belly");
        assert_eq!(s[15 * 50].truth.class, "paradoxical");
        assert_eq!(s[22 * 50].truth.class, "no_signal");
        assert_eq!(s[27 * 50].truth.class, "paradoxical");
    }

    #[test]
    fn a_pattern_is_followed_with_its_holds() {
        let p = VirtualParams {
            pattern: Some(Pattern::parse("4-7-8").unwrap()),
            noise: 0.0,
            drift: 0.0,
            depth_jitter: 0.0,
            belly_share: 0.5,
            ..Default::default()
        };
        let s = run(p, 38.0, 100.0);
        let at = |t: f64| s[(t * 100.0) as usize];
        // Full after the 4 s inhale, still through the 7 s hold, empty after
        // the 8 s exhale; the cycle is 19 s (3.16/min).
        let (low, high) = (at(0.0).chest, at(4.0).chest);
        assert!(high as f64 - low as f64 > 290.0, "{low} {high}");
        assert_eq!(at(6.0).chest, high);
        assert_eq!(at(10.9).chest, high);
        assert!(at(15.0).chest < high && at(15.0).chest > low);
        assert!(at(19.0).chest.abs_diff(low) <= 1);
        assert!((at(20.0).truth.rate_bpm - 60.0 / 19.0).abs() < 1e-9);
        assert!(s.iter().all(|x| x.truth.class == "mixed"));
        // A hold longer than 10 s is a breath hold from the 10 s mark.
        let p = VirtualParams {
            pattern: Some(Pattern::parse("4-14-4").unwrap()),
            ..Default::default()
        };
        let s = run(p, 22.0, 100.0);
        assert_eq!(s[1350].truth.class, "belly");
        assert_eq!(s[1450].truth.class, "no_signal");
    }

    #[test]
    fn counts_are_clipped_to_the_converter_range() {
        let p = VirtualParams {
            depth: 10_000.0,
            ..Default::default()
        };
        let s = run(p, 10.0, 50.0);
        assert!(s.iter().any(|x| x.chest == 4095 || x.belly == 4095));
        assert!(s.iter().all(|x| x.chest <= 4095 && x.belly <= 4095));
    }
}
