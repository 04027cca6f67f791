//! The two cue sounds, sample by sample: the breathing tone and the chimes.
//! Pure functions of the pacer state and sample clock; no allocation.

use crate::pacer::{PacerState, Phase};
use std::f64::consts::{PI, TAU};

/// Tone pitch with empty lungs and with full lungs, Hz.
pub const TONE_LOW_HZ: f64 = 220.0;
pub const TONE_HIGH_HZ: f64 = 330.0;
/// Peak amplitude of the tone at volume 1.
pub const TONE_PEAK: f64 = 0.35;
/// Fade of the tone into and out of a hold, s.
pub const TONE_FADE_S: f64 = 0.08;

/// Chime pitch at the start of the inhale and of the exhale, Hz.
pub const CHIME_INHALE_HZ: f64 = 880.0;
pub const CHIME_EXHALE_HZ: f64 = 659.26;
/// Peak amplitude of a chime at volume 1 (upper bound).
pub const CHIME_PEAK: f64 = 0.5;
/// Length of a chime, its attack and its final release, s.
pub const CHIME_S: f64 = 0.9;
const CHIME_ATTACK_S: f64 = 0.004;
const CHIME_RELEASE_S: f64 = 0.15;
/// Partials: (multiple of the fundamental, amplitude, decay time s).
const PARTIALS: [(f64, f64, f64); 3] = [(1.0, 1.0, 0.22), (2.0, 0.4, 0.1), (3.0, 0.15, 0.06)];
const PARTIALS_SUM: f64 = 1.55;

/// Raised-cosine rise from 0 (x <= 0) to 1 (x >= 1).
fn rise(x: f64) -> f64 {
    if x >= 1.0 {
        1.0
    } else if x <= 0.0 {
        0.0
    } else {
        0.5 - 0.5 * (PI * x).cos()
    }
}

/// The continuous tone: a phase-continuous sine whose pitch follows the
/// pacer's fill, faded into and out of holds.
#[derive(Debug, Clone, Default)]
pub struct Tone {
    /// Oscillator phase, cycles (0..1).
    phase: f64,
}

impl Tone {
    /// Pitch for a lung fill of 0..1, Hz (geometric between low and high).
    pub fn pitch_hz(fill: f64) -> f64 {
        TONE_LOW_HZ * (TONE_HIGH_HZ / TONE_LOW_HZ).powf(fill.clamp(0.0, 1.0))
    }

    /// Envelope 0..1 at this state: zero in holds, faded next to them.
    pub fn envelope(st: &PacerState) -> f64 {
        if st.phase.is_hold() {
            return 0.0;
        }
        let mut e: f64 = 1.0;
        if st.prev_phase().is_hold() {
            e = e.min(rise((st.t_s - st.phase_start_s) / TONE_FADE_S));
        }
        if st.next_phase().is_hold() {
            e = e.min(rise((st.phase_end_s - st.t_s) / TONE_FADE_S));
        }
        e
    }

    /// Next sample (unscaled by volume).
    pub fn next(&mut self, st: &PacerState, sample_rate: f64) -> f64 {
        let env = Self::envelope(st);
        if env <= 0.0 {
            // Start the next tone from a zero crossing.
            self.phase = 0.0;
            return 0.0;
        }
        let y = TONE_PEAK * env * (TAU * self.phase).sin();
        self.phase = (self.phase + Self::pitch_hz(st.fill()) / sample_rate).fract();
        y
    }
}

/// One chime, as a function of its age.
pub fn chime_wave(freq_hz: f64, age_s: f64) -> f64 {
    if !(0.0..CHIME_S).contains(&age_s) {
        return 0.0;
    }
    let env = rise(age_s / CHIME_ATTACK_S) * rise((CHIME_S - age_s) / CHIME_RELEASE_S);
    let w = TAU * freq_hz * age_s;
    let x: f64 = PARTIALS
        .iter()
        .map(|(m, a, tau)| a * (-age_s / tau).exp() * (m * w).sin())
        .sum();
    CHIME_PEAK / PARTIALS_SUM * env * x
}

/// Chime pitch for a phase that starts with a chime.
pub fn chime_pitch(phase: Phase) -> Option<f64> {
    match phase {
        Phase::Inhale => Some(CHIME_INHALE_HZ),
        Phase::Exhale => Some(CHIME_EXHALE_HZ),
        Phase::HoldIn | Phase::HoldOut => None,
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Voice {
    freq_hz: f64,
    /// Samples since the chime started; `None` when silent.
    age: Option<u32>,
}

/// Up to four chimes ringing at once (phases are at least 0.5 s, a chime
/// 0.9 s, so at most two overlap).
#[derive(Debug, Clone, Default)]
pub struct Chimes {
    voices: [Voice; 4],
}

impl Chimes {
    /// Starts a chime, taking a free voice or the oldest.
    pub fn trigger(&mut self, freq_hz: f64) {
        let slot = self
            .voices
            .iter()
            .position(|v| v.age.is_none())
            .unwrap_or_else(|| {
                (0..self.voices.len())
                    .max_by_key(|i| self.voices[*i].age)
                    .unwrap_or(0)
            });
        self.voices[slot] = Voice {
            freq_hz,
            age: Some(0),
        };
    }

    /// Silences every voice at once (only while the output gain is zero).
    pub fn clear(&mut self) {
        self.voices = Default::default();
    }

    /// Next sample (unscaled by volume).
    pub fn next(&mut self, sample_rate: f64) -> f64 {
        let mut y = 0.0;
        for v in &mut self.voices {
            let Some(age) = v.age else { continue };
            let t = age as f64 / sample_rate;
            if t >= CHIME_S {
                v.age = None;
                continue;
            }
            y += chime_wave(v.freq_hz, t);
            v.age = Some(age.saturating_add(1));
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_starts_and_ends_at_zero_and_stays_under_its_peak() {
        assert_eq!(chime_wave(880.0, 0.0), 0.0);
        assert!(chime_wave(880.0, CHIME_S - 1e-6).abs() < 1e-6);
        let peak = (0..48_000)
            .map(|i| chime_wave(880.0, i as f64 / 48_000.0).abs())
            .fold(0.0, f64::max);
        assert!(peak > 0.3 && peak <= CHIME_PEAK, "{peak}");
    }

    #[test]
    fn pitch_spans_low_to_high() {
        assert_eq!(Tone::pitch_hz(0.0), TONE_LOW_HZ);
        assert!((Tone::pitch_hz(1.0) - TONE_HIGH_HZ).abs() < 1e-9);
    }
}
