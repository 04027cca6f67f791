//! The analysis engine: one streaming pass that serves the live app and the
//! offline command alike.
//!
//! Samples go in (raw counts, any rate from 25 to 1000 Hz, with their sample
//! index so gaps are known); out come, through a callback, a
//! [`WindowResult`] every `step_s` of device time, each [`Breath`] when it
//! ends, and [`SafetyEvent`]s. Results depend only on the samples, never on
//! how the caller splits them into calls, so `analyze` on a file gives
//! exactly what the live view showed. After construction the engine does not
//! allocate.

//!
//! Split by concern: [`tracker`] (turning points paired into breaths),
//! [`steps`] (decimated slots, the step clock, long gaps),
//! [`breath_evidence`] (each breath, and the evidence and rates of the
//! recent ones), [`analyse_window`] (one window), [`no_signal`] (band off,
//! dead band, holds).

mod analyse_window;
mod breath_evidence;
mod no_signal;
mod steps;
mod tracker;

use super::breaths::{breath_shape_stats, Turn, TurnDetector};
use super::calibration::Gains;
use super::checks::{min_max, residual_range, rms_noise_sd};
use super::classify::{classify, classify_from, Class};
use super::config::AnalysisConfig;
use super::decimate::{Decimated, Decimator, Slot};
use super::safety::{SafetyEvent, SafetyMonitor};
use super::spectrum::{SpectralEstimate, Spectrum};
use super::window::{Breath, NoSignalReason, WindowResult};
use crate::sample::flags;
use std::collections::VecDeque;
use tracker::Tracker;

/// Something the engine reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Output {
    Window(WindowResult),
    Breath(Breath),
    Event(SafetyEvent),
}

/// Gaps up to this long are bridged by interpolation, s.
const MAX_FILL_S: f64 = 5.0;
/// Span of the band-off and flat checks, s (reported within 3 s).
const SHORT_S: f64 = 2.0;
/// Shortest and longest breath accepted, s (100 and 2 breaths/min): room
/// for the natural breath-to-breath spread at 60/min, the fastest rate read.
const BREATH_S: (f64, f64) = (0.6, 30.0);
/// The spectral window holds this many breaths when breathing is slow.
const WINDOW_BREATHS: f64 = 3.0;
/// A breath hold is still for this much longer than the hold limit, s: a
/// pacer hold of exactly the limit, with its eased start and end, is not one.
const HOLD_MARGIN_S: f64 = 2.0;
/// Movement over the hold span below this fraction of the band's tidal
/// excursion counts as still.
const HOLD_STILL: f64 = 0.08;
/// How long the excursion before a hold stays its reference, s.
const HOLD_REF_S: f64 = 60.0;
/// Evidence of the live class over the last period needs at least this
/// fraction of the normal tidal excursion.
const EVIDENCE_MIN_TIDAL: f64 = 0.25;
/// Breaths kept for the time-domain rate (60/min over a 60 s window).
const RECENT_BREATHS: usize = 64;
/// The live class follows the last evidence while it is this recent, s
/// (or 1.5 breath periods, if longer).
const BREATH_FRESH_S: f64 = 15.0;
/// Breaths averaged for the over-breathing rate (fast to react, unlike the
/// 30 s spectral window), and how recent the last of them must be, s.
const SAFETY_BREATHS: usize = 3;
const SAFETY_FRESH_S: f64 = 10.0;
/// A band that over `DEAD_S` moves less than this many noise SD (about
/// the range of pure noise over that many slots) and less than this
/// fraction of its normal excursion shows no breathing. Long enough to see
/// most of a slow breath, and strict, so that a chest held nearly still
/// (the goal of the practice) is never taken for a band that fell off.
const DEAD_S: f64 = 8.0;
const DEAD_NOISE_SD: f64 = 6.5;
const DEAD_FRACTION: f64 = 0.1;
/// ... while the other band moves at least this fraction of its normal
/// excursion in each half of that span.
const DEAD_OTHER: f64 = 1.0 / 3.0;
/// The fast check of a dead band: the same over this span, s, while the
/// other band moves this fraction of its own excursion over it (a breath's
/// turn at 12/min moves about a third of it over 2 s), and only while
/// breaths last at most `DEAD_FAST_MAX_PERIOD_S` (10/min: no pacer holds;
/// the crest of such a breath moves a third of its excursion over the span).
const DEAD_FAST_S: f64 = 2.0;
const DEAD_FAST_OTHER: f64 = 0.2;
const DEAD_FAST_MAX_PERIOD_S: f64 = 6.0;
/// At most this many `gap` windows are reported for one gap (1 h at a 1 s
/// step); a longer jump of the sample index skips ahead.
const MAX_GAP_WINDOWS: u64 = 3600;

/// What the short checks found: the reason, and per band the level it sits
/// at when it does not move at all.
/// A short-term no-signal finding: the reason, the level each flat band
/// sits at, and which bands are off (clipped or flat).
type ShortCheck = (NoSignalReason, [Option<f64>; 2], [bool; 2]);

/// Hysteresis of the turning points, as a share of the timing signal's
/// range over the last breath and a half (at least 5 noise SD); and how
/// close to its extreme a flat pause stays, also a share of the range (at
/// least a quarter noise SD), so the inhale starts where the rise starts
/// whatever the hysteresis.
const TURN_HYSTERESIS: f64 = 0.2;
const TURN_TOL: f64 = 0.015;

/// Timing signals: chest + SIGNS[k] * belly.
const SIGNS: [f64; 2] = [1.0, -1.0];

/// Streaming breathing analysis of one two-band signal.
pub struct Engine {
    gains: [f64; 2],
    dec: Decimator,
    core: Core,
}

/// Everything after decimation (apart so the decimator can call into it).
struct Core {
    cfg: AnalysisConfig,
    sample_rate_hz: f64,
    factor: f64,
    rate: f64,
    hist: VecDeque<Slot>,
    /// Shortest and longest spectral window, slots.
    win_n: usize,
    max_win_n: usize,
    min_n: usize,
    short_n: usize,
    /// Slots of the dead-band check.
    dead_n: usize,
    dead_fast_n: usize,
    hold_n: usize,
    spec: Spectrum,
    /// Turning points of chest + belly and of chest - belly.
    det: [Tracker; 2],
    /// End of the last breath reported (slot).
    last_end: u64,
    /// Recent breaths (inhale start, end), slots.
    recent: VecDeque<(u64, u64)>,
    next_step: Option<f64>,
    noise: [f64; 2],
    good_amp: [f64; 2],
    label: Class,
    /// Slot of the last valid evidence of the live class.
    last_evidence: Option<u64>,
    /// Breathing frequency of the last valid window, Hz.
    last_f0: Option<f64>,
    /// Last slot handed on by the decimator (real or filled).
    last_n: Option<u64>,
    /// History restarted (after a long gap, or a band that came back) and
    /// is not yet long enough for a window: steps are reported as
    /// `no_signal` windows with this reason meanwhile.
    recovering: Option<NoSignalReason>,
    /// The last window found a band off (at a rail, or not moving at all):
    /// per band, the level it sat at when it was flat.
    band_off: Option<[Option<f64>; 2]>,
    /// Each band found dead (noise only) at the last window.
    dead: [bool; 2],
    /// Slot at which the breath hold still going on at the last window began.
    holding: Option<u64>,
    /// Excursion of the last breath, per band.
    breath_amp: [f64; 2],
    safety: SafetyMonitor,
    buf: [Vec<f64>; 2],
    breaths: u64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("sample_rate_hz", &self.core.sample_rate_hz)
            .field("analysis_rate_hz", &self.core.rate)
            .finish()
    }
}

impl Engine {
    /// An engine for a signal at `sample_rate_hz` with the given band gains.
    /// `cfg` must pass [`AnalysisConfig::validate`].
    pub fn new(cfg: AnalysisConfig, sample_rate_hz: f64, gains: &Gains) -> Self {
        let dec = Decimator::new(sample_rate_hz, MAX_FILL_S);
        let rate = sample_rate_hz / dec.factor() as f64;
        let slots = |s: f64| (s * rate).round().max(1.0) as usize;
        let win_n = slots(cfg.window_s);
        let max_win_n = slots(cfg.max_window_s).max(win_n);
        let hold_n = slots(cfg.safety.hold_s + HOLD_MARGIN_S);
        let cap = max_win_n.max(hold_n) + 1;
        let core = Core {
            sample_rate_hz,
            factor: dec.factor() as f64,
            rate,
            hist: VecDeque::with_capacity(cap),
            win_n,
            max_win_n,
            min_n: slots(cfg.min_window_s).min(win_n),
            short_n: slots(SHORT_S),
            dead_n: slots(DEAD_S),
            dead_fast_n: slots(DEAD_FAST_S),
            hold_n,
            spec: Spectrum::new(rate, max_win_n),
            det: Default::default(),
            last_end: 0,
            recent: VecDeque::with_capacity(RECENT_BREATHS),
            next_step: None,
            noise: [0.0; 2],
            good_amp: [0.0; 2],
            label: Class::NoSignal,
            last_evidence: None,
            last_f0: None,
            last_n: None,
            recovering: None,
            band_off: None,
            dead: [false; 2],
            holding: None,
            breath_amp: [0.0; 2],
            safety: SafetyMonitor::new(cfg.safety),
            buf: [Vec::with_capacity(cap), Vec::with_capacity(cap)],
            breaths: 0,
            cfg,
        };
        Self {
            gains: [gains.chest, gains.belly],
            dec,
            core,
        }
    }

    /// Sample rate of the input, Hz.
    pub fn sample_rate_hz(&self) -> f64 {
        self.core.sample_rate_hz
    }

    /// The configuration in use.
    pub fn config(&self) -> &AnalysisConfig {
        &self.core.cfg
    }

    /// Breaths reported so far.
    pub fn breath_count(&self) -> u64 {
        self.core.breaths
    }

    /// Sets the person's baseline tidal excursion (chest + belly amplitude,
    /// calibrated units) for the over-breathing check.
    pub fn set_baseline(&mut self, tidal: Option<f64>) {
        self.core.safety.set_baseline(tidal);
    }

    /// The baseline tidal excursion in use (set or measured), if any yet.
    pub fn baseline(&self) -> Option<f64> {
        self.core.safety.baseline()
    }

    /// Feeds one sample: its session index, raw counts and `flags` bits
    /// (clipping, see [`crate::sample::flags`]).
    pub fn push(
        &mut self,
        index: u64,
        chest: f64,
        belly: f64,
        sample_flags: u8,
        out: &mut impl FnMut(Output),
    ) {
        let clipped = [
            sample_flags & (flags::CHEST_CLIPPED | flags::CHEST_DISCONNECTED) != 0,
            sample_flags & (flags::BELLY_CLIPPED | flags::BELLY_DISCONNECTED) != 0,
        ];
        let (gc, gb) = (self.gains[0], self.gains[1]);
        let core = &mut self.core;
        self.dec
            .push(index, chest * gc, belly * gb, clipped, &mut |d| {
                core.slot(d, out)
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_min_window_is_safe() {
        // validate() allows any min_window_s > 0; the hysteresis span used
        // to clamp with a lower bound above the history length and panic.
        let cfg = AnalysisConfig {
            min_window_s: 0.5,
            step_s: 0.1,
            ..Default::default()
        };
        assert!(cfg.validate().is_ok());
        let mut e = Engine::new(cfg, 50.0, &Gains::default());
        let mut windows = 0;
        for i in 0..1500u64 {
            let v = (2.0 * std::f64::consts::PI * 0.25 * i as f64 / 50.0).sin();
            e.push(i, 100.0 * v, 50.0 * v, 0, &mut |o| {
                windows += matches!(o, Output::Window(_)) as usize;
            });
        }
        // From 0.5 s to 30 s every 0.1 s.
        assert!((290..=297).contains(&windows), "{windows}");
    }
}
