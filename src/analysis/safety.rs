//! Safety signals for practice: over-breathing, breath hold, signal loss.

use super::config::SafetyLimits;
use super::window::NoSignalReason;
use serde::{Deserialize, Serialize};

/// What a safety event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Rate above the limit for the sustain time.
    OverBreathingFast,
    /// Tidal excursion above the limit times the baseline for the sustain time.
    OverBreathingDeep,
    /// No breathing movement for longer than the hold limit.
    BreathHold,
    /// A band off, a gap, or no breathing found, for 5 s or more.
    SignalLost,
}

impl EventKind {
    /// A calm sentence for the person.
    pub fn advice(self) -> &'static str {
        match self {
            EventKind::OverBreathingFast => {
                "You are breathing fast. Slow down, breathe out longer, or take a break."
            }
            EventKind::OverBreathingDeep => {
                "Your breaths are much deeper than usual. Breathe smaller and softer; stop if you feel dizzy."
            }
            EventKind::BreathHold => "No breathing seen for a while. Breathe gently; do not hold your breath.",
            EventKind::SignalLost => "The bands lost the signal. Check that both bands are on and snug.",
        }
    }
}

/// A safety event: sent once when it starts (`end_s` None) and once when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SafetyEvent {
    pub kind: EventKind,
    pub start_s: f64,
    pub end_s: Option<f64>,
    /// Rate (fast), depth ratio (deep), or duration so far (hold, loss).
    pub value: f64,
}

/// Adds `e` to a list of events, an end replacing its start, so each event
/// appears once.
pub fn merge_event(list: &mut Vec<SafetyEvent>, e: SafetyEvent) {
    if e.end_s.is_some() {
        if let Some(s) = list
            .iter_mut()
            .rev()
            .find(|s| s.kind == e.kind && s.end_s.is_none())
        {
            *s = e;
            return;
        }
    }
    list.push(e);
}

#[derive(Debug, Clone, Copy, Default)]
struct Track {
    since: Option<f64>,
    active: bool,
    peak: f64,
}

impl Track {
    /// Feeds one window; returns an event on start or end.
    fn step(
        &mut self,
        kind: EventKind,
        t: f64,
        on: bool,
        value: f64,
        sustain: f64,
    ) -> Option<SafetyEvent> {
        if on {
            let since = *self.since.get_or_insert(t);
            self.peak = if self.active {
                self.peak.max(value)
            } else {
                value
            };
            if !self.active && t - since >= sustain {
                self.active = true;
                return Some(SafetyEvent {
                    kind,
                    start_s: since,
                    end_s: None,
                    value,
                });
            }
            None
        } else {
            let ev = match (self.active, self.since) {
                (true, Some(s)) => Some(SafetyEvent {
                    kind,
                    start_s: s,
                    end_s: Some(t),
                    value: self.peak,
                }),
                _ => None,
            };
            *self = Self::default();
            ev
        }
    }
}

/// Watches window results for safety events.
#[derive(Debug, Clone, Default)]
pub struct SafetyMonitor {
    limits: SafetyLimits,
    baseline: Option<f64>,
    auto_sum: f64,
    auto_n: u32,
    auto_since: Option<f64>,
    fast: Track,
    deep: Track,
    hold: Track,
    lost: Track,
}

/// Seconds of valid breathing averaged for an automatic depth baseline.
const AUTO_BASELINE_S: f64 = 60.0;
/// Signal loss must last this long to be an event.
const LOSS_S: f64 = 5.0;

impl SafetyMonitor {
    pub fn new(limits: SafetyLimits) -> Self {
        Self {
            limits,
            ..Default::default()
        }
    }

    /// Sets the person's baseline tidal excursion (chest + belly, calibrated).
    /// Without one, the mean over the first minute of valid breathing is used.
    pub fn set_baseline(&mut self, tidal: Option<f64>) {
        self.baseline = tidal.filter(|t| t.is_finite() && *t > 0.0);
    }

    /// The baseline in use, if any yet.
    pub fn baseline(&self) -> Option<f64> {
        self.baseline
    }

    /// Signal loss known to have begun at `t` (a long gap in the samples,
    /// seen only when they resume): the loss counts from there, not from the
    /// first window that reports it. No effect while a loss is already timed.
    pub fn signal_lost_since(&mut self, t: f64) {
        self.lost.since.get_or_insert(t);
    }

    /// Feeds one window.
    pub fn update(
        &mut self,
        t: f64,
        rate_bpm: Option<f64>,
        tidal: f64,
        reason: Option<NoSignalReason>,
        out: &mut impl FnMut(SafetyEvent),
    ) {
        let l = self.limits;
        let valid = reason.is_none() && rate_bpm.is_some();
        if valid && self.baseline.is_none() {
            let since = *self.auto_since.get_or_insert(t);
            self.auto_sum += tidal;
            self.auto_n += 1;
            if t - since >= AUTO_BASELINE_S {
                self.baseline = Some(self.auto_sum / self.auto_n as f64);
            }
        }
        let rate = rate_bpm.unwrap_or(0.0);
        let ratio = self.baseline.map_or(0.0, |b| tidal / b);
        let events = [
            self.fast.step(
                EventKind::OverBreathingFast,
                t,
                valid && rate > l.max_rate_bpm,
                rate,
                l.sustain_s,
            ),
            self.deep.step(
                EventKind::OverBreathingDeep,
                t,
                valid && ratio > l.max_depth_ratio,
                ratio,
                l.sustain_s,
            ),
            {
                let on = reason == Some(NoSignalReason::BreathHold);
                let d = self.hold.since.map_or(0.0, |s| t - s);
                self.hold.step(EventKind::BreathHold, t, on, d, 0.0)
            },
            {
                let on = matches!(
                    reason,
                    Some(NoSignalReason::BandOff | NoSignalReason::Gap | NoSignalReason::Flat)
                );
                let d = self.lost.since.map_or(0.0, |s| t - s);
                self.lost.step(EventKind::SignalLost, t, on, d, LOSS_S)
            },
        ];
        for e in events.into_iter().flatten() {
            out(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        m: &mut SafetyMonitor,
        from: f64,
        to: f64,
        rate: f64,
        tidal: f64,
        reason: Option<NoSignalReason>,
    ) -> Vec<SafetyEvent> {
        let mut v = Vec::new();
        let mut t = from;
        while t < to {
            m.update(t, Some(rate), tidal, reason, &mut |e| v.push(e));
            t += 1.0;
        }
        v
    }

    #[test]
    fn fast_breathing_is_flagged_after_30_s_and_ends() {
        let mut m = SafetyMonitor::new(SafetyLimits::default());
        assert!(run(&mut m, 0.0, 60.0, 12.0, 1.0, None).is_empty());
        assert!(run(&mut m, 60.0, 89.0, 25.0, 1.0, None).is_empty());
        let v = run(&mut m, 89.0, 100.0, 25.0, 1.0, None);
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].kind, v[0].start_s, v[0].end_s),
            (EventKind::OverBreathingFast, 60.0, None)
        );
        let v = run(&mut m, 100.0, 101.0, 12.0, 1.0, None);
        assert_eq!(v[0].end_s, Some(100.0));
    }

    #[test]
    fn deep_breathing_against_the_baseline() {
        let mut m = SafetyMonitor::new(SafetyLimits::default());
        m.set_baseline(Some(100.0));
        assert!(run(&mut m, 0.0, 40.0, 8.0, 190.0, None).is_empty());
        let v = run(&mut m, 40.0, 80.0, 8.0, 250.0, None);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, EventKind::OverBreathingDeep);
        // A short burst is not flagged.
        let mut m = SafetyMonitor::new(SafetyLimits::default());
        m.set_baseline(Some(100.0));
        assert!(run(&mut m, 0.0, 20.0, 8.0, 300.0, None).is_empty());
        assert!(run(&mut m, 20.0, 21.0, 8.0, 100.0, None).is_empty());
    }

    #[test]
    fn hold_at_once_and_signal_loss_after_5_s() {
        let mut m = SafetyMonitor::new(SafetyLimits::default());
        let v = run(&mut m, 0.0, 1.0, 0.0, 0.0, Some(NoSignalReason::BreathHold));
        assert_eq!(v[0].kind, EventKind::BreathHold);
        let v = run(&mut m, 1.0, 10.0, 0.0, 0.0, Some(NoSignalReason::BandOff));
        let kinds: Vec<_> = v.iter().map(|e| (e.kind, e.end_s.is_some())).collect();
        assert_eq!(
            kinds,
            [
                (EventKind::BreathHold, true),
                (EventKind::SignalLost, false)
            ]
        );
    }
}
