//! What the engine reports: window results and breaths.

use super::classify::Class;
use serde::Serialize;

/// Why a window is `no_signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoSignalReason {
    /// Most of the recent signal was lost (gaps in the sample index).
    Gap,
    /// A band sits at a converter rail: unplugged or far overstretched.
    BandOff,
    /// A band shows no breathing: it does not move at all (disconnected
    /// input), or for 3 s only its noise, far below its normal excursion,
    /// while the other band breathes (a dead band).
    Flat,
    /// No breathing movement for longer than the hold limit.
    BreathHold,
    /// Breathing cannot be told from noise or motion.
    LowQuality,
}

impl NoSignalReason {
    /// The reason of a [`Self::name`], if it is one.
    pub fn from_name(s: &str) -> Option<Self> {
        [
            Self::Gap,
            Self::BandOff,
            Self::Flat,
            Self::BreathHold,
            Self::LowQuality,
        ]
        .into_iter()
        .find(|r| r.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            NoSignalReason::Gap => "gap",
            NoSignalReason::BandOff => "band_off",
            NoSignalReason::Flat => "flat",
            NoSignalReason::BreathHold => "breath_hold",
            NoSignalReason::LowQuality => "low_quality",
        }
    }
}

/// One window's result (the live update, and one row of `analyze`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WindowResult {
    /// Time of the window's end, s (device clock).
    pub t_s: f64,
    /// Breathing rate from the spectrum, breaths/min.
    pub rate_bpm: Option<f64>,
    /// Tidal excursion per band, calibrated units (peak-to-peak of a sinusoid
    /// with the band's breathing power).
    pub chest_amp: f64,
    pub belly_amp: f64,
    /// belly / (chest + belly).
    pub belly_share: Option<f64>,
    /// Phase of belly relative to chest at the breathing rate, degrees in
    /// (-180, 180], positive = belly leads.
    pub phase_deg: Option<f64>,
    /// Coherence of the two bands at the breathing rate, 0..1.
    pub coherence: f64,
    /// Signal quality 0..1.
    pub quality: f64,
    /// What the app shows now: the class of the last breath period
    /// (updated every step, with hysteresis), `no_signal` when there is no
    /// breathing to read.
    pub class: Class,
    /// The same as `class` (kept for scripts written before they were one).
    pub label: Class,
    /// Class of this window's spectral estimates (share and phase over the
    /// whole window): slower to follow a change.
    pub spectral_class: Class,
    /// Why the window is `no_signal`, if it is.
    pub reason: Option<NoSignalReason>,
    /// Breathing is fast or deep right now (not yet sustained).
    pub over_breathing: bool,
    /// Which band (chest, belly) is off, flat or shows only noise, when
    /// `reason` is `band_off` or `flat`; written only when one is.
    #[serde(skip_serializing_if = "none_off")]
    pub bands_off: [bool; 2],
}

fn none_off(b: &[bool; 2]) -> bool {
    !b[0] && !b[1]
}

impl WindowResult {
    /// A `no_signal` window at `t_s`: no rate, share or phase, for `reason`.
    pub fn no_signal(t_s: f64, reason: Option<NoSignalReason>) -> Self {
        Self {
            t_s,
            rate_bpm: None,
            chest_amp: 0.0,
            belly_amp: 0.0,
            belly_share: None,
            phase_deg: None,
            coherence: 0.0,
            quality: 0.0,
            class: Class::NoSignal,
            label: Class::NoSignal,
            spectral_class: Class::NoSignal,
            reason,
            over_breathing: false,
            bands_off: [false; 2],
        }
    }
}

/// One breath, inhale start to next inhale start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breath {
    pub inhale_start_s: f64,
    pub exhale_start_s: f64,
    pub end_s: f64,
    /// Peak-to-peak excursion within the breath, calibrated units.
    pub chest_amp: f64,
    pub belly_amp: f64,
    pub belly_share: f64,
    /// Phase of belly relative to chest over this breath, degrees, when both
    /// bands move above noise.
    pub phase_deg: Option<f64>,
    pub rate_bpm: f64,
    pub class: Class,
}
