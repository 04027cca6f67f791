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
type ShortCheck = (NoSignalReason, [Option<f64>; 2]);

/// Hysteresis of the turning points, as a share of the timing signal's
/// range over the last breath and a half (at least 5 noise SD); and how
/// close to its extreme a flat pause stays, also a share of the range (at
/// least a quarter noise SD), so the inhale starts where the rise starts
/// whatever the hysteresis.
const TURN_HYSTERESIS: f64 = 0.2;
const TURN_TOL: f64 = 0.015;

/// Timing signals: chest + SIGNS[k] * belly.
const SIGNS: [f64; 2] = [1.0, -1.0];

/// Turning points of one timing signal, paired into breaths.
#[derive(Debug, Clone, Default)]
struct Tracker {
    det: TurnDetector,
    trough: Option<u64>,
    crest: Option<u64>,
}

impl Tracker {
    fn reset(&mut self) {
        self.det.reset();
        self.trough = None;
        self.crest = None;
    }

    fn set_delta(&mut self, d: f64, tol: f64) {
        self.det.set_delta(d, tol);
    }

    /// Returns (inhale start, exhale start, end) when a breath completes.
    fn push(&mut self, n: u64, v: f64) -> Option<(u64, u64, u64)> {
        match self.det.push(n, v)? {
            Turn::Trough(t) => {
                let done = match (self.trough, self.crest) {
                    (Some(a), Some(c)) => Some((a, c, t)),
                    _ => None,
                };
                self.trough = Some(t);
                self.crest = None;
                done
            }
            Turn::Crest(c) => {
                if self.trough.is_some() {
                    self.crest = Some(c);
                }
                None
            }
        }
    }
}

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

impl Core {
    fn t_of(&self, n: u64) -> f64 {
        // Centre of slot n on the input's time base.
        let f = self.factor;
        (n as f64 * f + (f - 1.0) / 2.0) / self.sample_rate_hz
    }

    fn slot(&mut self, d: Decimated, out: &mut impl FnMut(Output)) {
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
    fn t_end(&self, n: u64) -> f64 {
        (n + 1) as f64 * self.factor / self.sample_rate_hz
    }

    /// Whether a slot ending at `t_end` is due for a window (and if so, moves
    /// on to the next step).
    fn step_due(&mut self, t_end: f64) -> bool {
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
    fn long_gap(&mut self, lost: u64, out: &mut impl FnMut(Output)) {
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
    fn no_signal_window(&mut self, t: f64, reason: NoSignalReason, out: &mut impl FnMut(Output)) {
        let reason = Some(reason);
        self.safety
            .update(t, None, 0.0, reason, &mut |e| out(Output::Event(e)));
        out(Output::Window(WindowResult {
            t_s: t,
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
        }));
    }

    fn breath(&mut self, k: usize, a: u64, c: u64, b: u64, out: &mut impl FnMut(Output)) {
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
    fn shape_stats(&mut self, range: impl std::ops::RangeBounds<usize>) -> ([f64; 2], f64) {
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
    fn breath_period(&self, now: u64) -> Option<f64> {
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
    fn period(&self, now: u64) -> Option<f64> {
        self.breath_period(now)
            .or_else(|| self.last_f0.map(|f| self.rate / f))
    }

    /// Excursion and phase over the last breath period (one full cycle, so
    /// neither depends on where in the breath it starts): the evidence the
    /// live class follows, updated at every step.
    fn evidence(&mut self, now: u64, noise: [f64; 2]) -> Option<(f64, Option<f64>)> {
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

    fn window(&mut self, t_end: f64, out: &mut impl FnMut(Output)) {
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
        }));
    }

    /// The spectral rate, or, when at least three whole breaths in a row lie
    /// in the window and agree with it within 15 %, their mean rate (breaths
    /// over their span): exact for fast breathing whose rate jitters, where
    /// the spectral peak wanders.
    fn refine_rate(&self, spectral: f64, n: usize, hint: Option<f64>) -> f64 {
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
    fn breath_rate_now(&self, now: u64) -> Option<f64> {
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
    fn dead_band(&mut self) -> bool {
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
    fn band_still(&self, k: usize, m: usize, other_fraction: f64, detrend: bool) -> (bool, bool) {
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
    fn short_checks(&self) -> Option<ShortCheck> {
        let len = self.hist.len();
        let short = self.short_n.min(len);
        let recent = || self.hist.range(len - short..);
        if recent().filter(|s| s.gap).count() * 2 > short {
            return Some((NoSignalReason::Gap, [None; 2]));
        }
        let mut off = None;
        let mut level = [None; 2];
        for (k, level) in level.iter_mut().enumerate() {
            let clip: f64 = recent().map(|s| s.clipped[k] as f64).sum();
            if clip * 2.0 > short as f64 {
                off = off.or(Some(NoSignalReason::BandOff));
                continue;
            }
            let (lo, hi) = min_max(recent().map(|s| s.band(k)));
            if hi - lo <= 1e-9 * (1.0 + hi.abs()) {
                off = off.or(Some(NoSignalReason::Flat));
                *level = Some(hi);
            }
        }
        off.map(|r| (r, level))
    }

    /// Drops the history up to the last slot of the band being off (a
    /// clipped or lost slot, or a band still at the level it sat at), and
    /// the breaths in progress: a band that comes back starts afresh.
    fn restart_after_band_off(&mut self) {
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
    fn no_signal_reason(
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
            Some((NoSignalReason::Gap, _)) | None => None,
            Some((_, level)) => Some(level),
        };
        if let Some((reason, _)) = short {
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
