//! Analysis settings: window, step and classification thresholds.

use serde::{Deserialize, Serialize};

/// Thresholds of the breathing-pattern classes (see [`super::classify`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Belly share at or above which breathing is belly-dominant.
    pub belly_share: f64,
    /// Belly share at or below which breathing is chest-dominant.
    pub chest_share: f64,
    /// |phase| above which (both bands moving) breathing is paradoxical, degrees.
    pub paradox_deg: f64,
    /// How far the share must move back past a threshold before the live label
    /// leaves a class (hysteresis), in share units.
    pub share_hysteresis: f64,
    /// The same for the phase, degrees.
    pub phase_hysteresis_deg: f64,
    /// Windows below this quality are `no_signal`.
    pub min_quality: f64,
    /// Least coherence for a phase to be reported.
    pub min_coherence: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            belly_share: 0.60,
            chest_share: 0.40,
            paradox_deg: 90.0,
            share_hysteresis: 0.03,
            phase_hysteresis_deg: 15.0,
            min_quality: 0.25,
            min_coherence: 0.5,
        }
    }
}

/// Safety limits for practice (over-breathing, breath hold).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyLimits {
    /// Rate above which breathing counts as fast, breaths/min.
    pub max_rate_bpm: f64,
    /// Tidal excursion above this multiple of the baseline counts as deep.
    pub max_depth_ratio: f64,
    /// Fast or deep breathing must last this long to be flagged, s.
    pub sustain_s: f64,
    /// No breathing movement for this long is a breath hold, s.
    pub hold_s: f64,
}

impl Default for SafetyLimits {
    fn default() -> Self {
        Self {
            max_rate_bpm: 20.0,
            max_depth_ratio: 2.0,
            sustain_s: 30.0,
            hold_s: 10.0,
        }
    }
}

/// Everything the engine needs besides the signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisConfig {
    /// Length of the spectral window, s: the shortest, used from about
    /// 6 breaths/min up.
    pub window_s: f64,
    /// Longest spectral window, s. Slower breathing lengthens the window to
    /// hold three breaths (72 s at 2.5/min), up to this.
    pub max_window_s: f64,
    /// Time between window results, s.
    pub step_s: f64,
    /// A window is computed once this much signal is at hand, s.
    pub min_window_s: f64,
    /// Slowest and fastest breathing searched, breaths/min.
    pub min_rate_bpm: f64,
    pub max_rate_bpm: f64,
    pub thresholds: Thresholds,
    pub safety: SafetyLimits,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            window_s: 30.0,
            max_window_s: 75.0,
            step_s: 1.0,
            min_window_s: 10.0,
            min_rate_bpm: 2.5,
            max_rate_bpm: 60.0,
            thresholds: Thresholds::default(),
            safety: SafetyLimits::default(),
        }
    }
}

impl AnalysisConfig {
    /// Checks ranges; the message says which setting is wrong.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        let t = &self.thresholds;
        if !(self.window_s >= 8.0 && self.window_s <= 600.0) {
            return Err(InvalidConfig(format!(
                "window {} s: use 8 to 600 s",
                self.window_s
            )));
        }
        if !(self.max_window_s >= self.window_s && self.max_window_s <= 600.0) {
            return Err(InvalidConfig(format!(
                "longest window {} s: use the window length ({} s) up to 600 s",
                self.max_window_s, self.window_s
            )));
        }
        if !(self.step_s >= 0.05 && self.step_s <= self.window_s) {
            return Err(InvalidConfig(format!(
                "step {} s: use 0.05 s up to the window length",
                self.step_s
            )));
        }
        if !(self.min_window_s > 0.0 && self.min_window_s <= self.window_s) {
            return Err(InvalidConfig(
                "min_window_s must be in (0, window_s]".into(),
            ));
        }
        if !(self.min_rate_bpm >= 1.0 && self.min_rate_bpm < self.max_rate_bpm) {
            return Err(InvalidConfig(
                "rate range must satisfy 1 <= min < max".into(),
            ));
        }
        if !(0.0 < t.chest_share && t.chest_share <= t.belly_share && t.belly_share < 1.0) {
            return Err(InvalidConfig(
                "thresholds must satisfy 0 < chest_share <= belly_share < 1".into(),
            ));
        }
        if !(0.0..=180.0).contains(&t.paradox_deg) {
            return Err(InvalidConfig("paradox_deg must be in 0..=180".into()));
        }
        Ok(())
    }
}

/// An analysis setting out of range; the message says which and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidConfig(pub String);
