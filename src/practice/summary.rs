//! What a practice achieved: medians over the engine's windows, breath
//! and event counts, per minute. Pure.

use super::trends::Comparison;
use crate::analysis::checks::median;
use crate::analysis::{Breath, Class, EventKind, SafetyEvent, WindowResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a session achieved. Medians are over windows, like `analyze`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Minutes of practice (the span summarized).
    pub minutes: f64,
    /// Median belly share of the windows.
    pub belly_share: Option<f64>,
    /// Median belly share per minute (minute 1 first); null for a minute
    /// without a share (no signal).
    pub share_by_minute: Vec<Option<f64>>,
    /// Median window rate, breaths/min.
    pub rate_bpm: Option<f64>,
    pub breaths: u32,
    /// Fraction of breaths classed `belly`.
    pub belly_breath_fraction: Option<f64>,
    pub paradoxical_breaths: u32,
    /// Safety events that started in the span, counted by kind
    /// (`over_breathing_fast`, `over_breathing_deep`, `breath_hold`, `signal_lost`).
    pub events: BTreeMap<String, u32>,
    /// Against the person's earlier sessions, when there are any.
    pub comparison: Option<Comparison>,
}

/// Summarizes the windows (by end time), breaths (by inhale start) and
/// safety events (by start) that fall in `[start_s, end_s]` of the device
/// clock: the practice step for the app, the whole recording otherwise.
pub fn summarize(
    windows: &[WindowResult],
    breaths: &[Breath],
    events: &[SafetyEvent],
    start_s: f64,
    end_s: f64,
) -> Summary {
    let span = (end_s - start_s).max(0.0);
    let inside = |t: f64| t >= start_s && t <= end_s;
    let windows: Vec<&WindowResult> = windows.iter().filter(|w| inside(w.t_s)).collect();
    let breaths: Vec<&Breath> = breaths
        .iter()
        .filter(|b| inside(b.inhale_start_s))
        .collect();
    let n_minutes = (span / 60.0).ceil().max(1.0) as usize;
    let mut per_minute = vec![Vec::new(); n_minutes];
    for w in &windows {
        if let Some(s) = w.belly_share {
            let k = (((w.t_s - start_s) / 60.0) as usize).min(n_minutes - 1);
            per_minute[k].push(s);
        }
    }
    let count = |c: Class| breaths.iter().filter(|b| b.class == c).count() as u32;
    let n_breaths = breaths.len() as u32;
    Summary {
        minutes: span / 60.0,
        belly_share: median(windows.iter().filter_map(|w| w.belly_share).collect()),
        share_by_minute: if windows.is_empty() {
            Vec::new()
        } else {
            per_minute.into_iter().map(median).collect()
        },
        rate_bpm: median(windows.iter().filter_map(|w| w.rate_bpm).collect()),
        breaths: n_breaths,
        belly_breath_fraction: (n_breaths > 0)
            .then(|| f64::from(count(Class::Belly)) / f64::from(n_breaths)),
        paradoxical_breaths: count(Class::Paradoxical),
        events: count_events(events.iter().filter(|e| inside(e.start_s))),
        comparison: None,
    }
}

/// Counts events by kind name.
pub fn count_events<'a>(events: impl Iterator<Item = &'a SafetyEvent>) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for e in events {
        *m.entry(event_name(e.kind).to_string()).or_insert(0) += 1;
    }
    m
}

/// The name of an event kind, as in `session.json` and `analyze --json`.
pub fn event_name(k: EventKind) -> &'static str {
    match k {
        EventKind::OverBreathingFast => "over_breathing_fast",
        EventKind::OverBreathingDeep => "over_breathing_deep",
        EventKind::BreathHold => "breath_hold",
        EventKind::SignalLost => "signal_lost",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::NoSignalReason;

    fn window(t_s: f64, share: Option<f64>, rate: f64) -> WindowResult {
        WindowResult {
            t_s,
            rate_bpm: Some(rate),
            chest_amp: 1.0,
            belly_amp: 1.0,
            belly_share: share,
            phase_deg: Some(0.0),
            coherence: 0.9,
            quality: 0.9,
            class: Class::Belly,
            label: Class::Belly,
            spectral_class: Class::Belly,
            reason: share.is_none().then_some(NoSignalReason::Flat),
            over_breathing: false,
            bands_off: [false; 2],
        }
    }

    fn breath(t: f64, class: Class) -> Breath {
        Breath {
            inhale_start_s: t,
            exhale_start_s: t + 2.0,
            end_s: t + 6.0,
            chest_amp: 1.0,
            belly_amp: 2.0,
            belly_share: 0.66,
            phase_deg: None,
            rate_bpm: 10.0,
            class,
        }
    }

    #[test]
    fn summary_gives_medians_per_minute_and_counts() {
        // Practice from 100 s to 250 s: minutes 1 and 2 whole, minute 3 half.
        let mut ws: Vec<WindowResult> = (0..=150)
            .map(|k| {
                let t = 100.0 + k as f64;
                let share = if t < 160.0 { 0.5 } else { 0.7 };
                window(t, Some(share), 6.0)
            })
            .collect();
        ws.push(window(50.0, Some(0.1), 20.0)); // before the practice: ignored
        ws.push(window(230.0, None, 6.0));
        let bs = [
            breath(90.0, Class::Paradoxical), // before: ignored
            breath(110.0, Class::Belly),
            breath(120.0, Class::Paradoxical),
            breath(130.0, Class::Belly),
            breath(140.0, Class::Chest),
        ];
        let ev = |kind, start_s| SafetyEvent {
            kind,
            start_s,
            end_s: None,
            value: 1.0,
        };
        let events = [
            ev(EventKind::BreathHold, 120.0),
            ev(EventKind::BreathHold, 200.0),
            ev(EventKind::SignalLost, 10.0),
        ];
        let s = summarize(&ws, &bs, &events, 100.0, 250.0);
        assert!((s.minutes - 2.5).abs() < 1e-9);
        assert_eq!(s.share_by_minute, vec![Some(0.5), Some(0.7), Some(0.7)]);
        assert_eq!(s.belly_share, Some(0.7));
        assert_eq!(s.rate_bpm, Some(6.0));
        assert_eq!((s.breaths, s.paradoxical_breaths), (4, 1));
        assert_eq!(s.belly_breath_fraction, Some(0.5));
        assert_eq!(s.events.get("breath_hold"), Some(&2));
        assert!(!s.events.contains_key("signal_lost"));
    }

    #[test]
    fn empty_practice_has_no_numbers() {
        let s = summarize(&[], &[], &[], 0.0, 30.0);
        assert_eq!((s.belly_share, s.rate_bpm, s.breaths), (None, None, 0));
        assert!(s.share_by_minute.is_empty() && s.belly_breath_fraction.is_none());
    }
}
