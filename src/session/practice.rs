//! The guided practice record kept in `session.json` (`practice`): slot,
//! plan, journal, why it stopped, and a summary computed from the engine's
//! windows and breaths, with a comparison against earlier sessions. Pure: no
//! I/O, no clock.

use super::journal::Journal;
use super::meta::SessionMeta;
use crate::analysis::checks::median;
use crate::analysis::{Breath, Class, EventKind, SafetyEvent, WindowResult};
use chrono::{DateTime, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Local hour from which a session counts as the evening one.
pub const EVENING_FROM_HOUR: u32 = 14;
/// How many earlier sessions a summary is compared with.
pub const COMPARE_LAST: usize = 5;
/// A change of median belly share smaller than this is "same" (the
/// calibration error alone moves a share by about 0.02).
pub const SAME_WITHIN: f64 = 0.03;

/// Which of the day's two practice times a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Started before 14:00 local time.
    Morning,
    /// Started at 14:00 local time or later (up to midnight).
    Evening,
    /// Set explicitly for an extra session that should not fill a slot.
    Other,
}

impl Slot {
    /// The slot of a session started at `start_local` (its own local time):
    /// before 14:00 morning, else evening. Never `Other`.
    pub fn of(start_local: &DateTime<FixedOffset>) -> Slot {
        if start_local.hour() < EVENING_FROM_HOUR {
            Slot::Morning
        } else {
            Slot::Evening
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Slot::Morning => "morning",
            Slot::Evening => "evening",
            Slot::Other => "other",
        }
    }
}

/// Relaxed breathing measured before the practice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Tidal excursion, chest + belly, calibrated units.
    pub tidal: f64,
    pub rate_bpm: f64,
}

/// The `practice` object of `session.json`. Every field is optional when
/// read, so records written by older versions (or half-way) still load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Practice {
    pub slot: Option<Slot>,
    pub planned_min: Option<f64>,
    /// Pacer pattern in the `pacer` notation (`6`, `4-7-8`, ...).
    pub pattern: Option<String>,
    /// Why the person stopped before the planned time (`dizzy`), if they did.
    pub stopped_early: Option<String>,
    pub journal_before: Option<Journal>,
    pub journal_after: Option<Journal>,
    pub baseline: Option<Baseline>,
    /// How the band gains of this session were set (the calibration step).
    pub calibration: Option<CalibrationStep>,
    /// Device time (s, the `time_s` of the session's CSVs) when the practice
    /// step began; lets an interrupted session be summarized from its files.
    pub practice_start_s: Option<f64>,
    /// Written as the practice runs (every few seconds) and when it ends
    /// (also when stopped early); none if it never reached the practice.
    pub summary: Option<Summary>,
}

/// Where the band gains of a guided session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationSource {
    /// Measured in this session (side by side, both bands on the belly).
    Measured,
    /// Measured in an earlier session with the same sensor, and reused.
    Saved,
    /// Skipped: the device's stated scale (or raw counts).
    Skipped,
}

/// The calibration step of a guided session (the gains themselves are in
/// `session.json`'s `calibration`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationStep {
    pub source: CalibrationSource,
    /// Correlation of the bands during a side-by-side measurement.
    pub correlation: Option<f64>,
    /// Raw excursion ratio belly/chest during a side-by-side measurement.
    pub raw_ratio: Option<f64>,
}

impl Practice {
    /// A new record for a session started at `start_local`.
    pub fn new(start_local: &DateTime<FixedOffset>, planned_min: f64, pattern: &str) -> Self {
        Practice {
            slot: Some(Slot::of(start_local)),
            planned_min: Some(planned_min),
            pattern: Some(pattern.to_string()),
            ..Default::default()
        }
    }

    /// The JSON value to put in `SessionMeta::practice`.
    pub fn to_value(&self) -> serde_json::Value {
        // A struct of plain fields and string-keyed maps always serializes.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The record of a session: `Ok(None)` when it has none, an error
    /// message when it is there but invalid (e.g. a pain score of 12).
    pub fn from_meta(meta: &SessionMeta) -> Result<Option<Practice>, String> {
        match &meta.practice {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => Practice::deserialize(v)
                .map(Some)
                .map_err(|e| format!("practice record: {e}")),
        }
    }
}

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

/// Better, same or worse than before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Better,
    Same,
    Worse,
}

/// This session's median belly share against the mean of the medians of
/// the last [`COMPARE_LAST`] sessions before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub trend: Trend,
    /// This median minus the earlier mean (positive = more belly).
    pub difference: f64,
    pub previous_mean: f64,
    /// How many earlier sessions the mean is over (1 to 5).
    pub previous_sessions: u32,
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

/// Compares `current` with the earlier sessions' median shares (oldest
/// first; the last [`COMPARE_LAST`] are used). None without both.
pub fn compare(current: Option<f64>, previous: &[f64]) -> Option<Comparison> {
    let current = current?;
    let last = &previous[previous.len().saturating_sub(COMPARE_LAST)..];
    if last.is_empty() {
        return None;
    }
    let mean = last.iter().sum::<f64>() / last.len() as f64;
    let difference = current - mean;
    let trend = if difference >= SAME_WITHIN {
        Trend::Better
    } else if difference <= -SAME_WITHIN {
        Trend::Worse
    } else {
        Trend::Same
    };
    Some(Comparison {
        trend,
        difference,
        previous_mean: mean,
        previous_sessions: last.len() as u32,
    })
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

    #[test]
    fn comparison_uses_the_last_five_sessions() {
        let prev = [0.1, 0.5, 0.5, 0.6, 0.6, 0.7];
        let c = compare(Some(0.68), &prev).unwrap();
        assert_eq!(c.previous_sessions, 5);
        assert!((c.previous_mean - 0.58).abs() < 1e-9);
        assert_eq!(c.trend, Trend::Better);
        assert_eq!(compare(Some(0.57), &prev).unwrap().trend, Trend::Same);
        assert_eq!(compare(Some(0.50), &prev).unwrap().trend, Trend::Worse);
        assert!(compare(Some(0.5), &[]).is_none() && compare(None, &prev).is_none());
    }

    #[test]
    fn slot_follows_the_local_start_hour() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        assert_eq!(Slot::of(&t("2026-03-10T13:59:59+02:00")), Slot::Morning);
        assert_eq!(Slot::of(&t("2026-03-10T14:00:00+02:00")), Slot::Evening);
        // Its own offset decides, not UTC (11:30 UTC is evening here).
        assert_eq!(Slot::of(&t("2026-03-10T23:30:00+12:00")), Slot::Evening);
    }

    #[test]
    fn record_round_trips_and_loads_partial_records() {
        let start = DateTime::parse_from_rfc3339("2026-03-10T07:30:00+01:00").unwrap();
        let mut p = Practice::new(&start, 5.0, "4-6");
        p.stopped_early = Some("dizzy".into());
        p.journal_before = Some(Journal::new(Some(4), Some(6), Some(false), None).unwrap());
        p.summary = Some(summarize(
            &[window(10.0, Some(0.6), 6.0)],
            &[],
            &[],
            0.0,
            60.0,
        ));
        let v = p.to_value();
        assert_eq!(v["slot"], "morning");
        assert_eq!(serde_json::from_value::<Practice>(v).unwrap(), p);
        // What the app wrote before this record existed still loads.
        let old = serde_json::json!({"planned_min": 5.0, "practised_min": 2.0, "pattern": "6",
                                     "stopped_early": null, "paradoxical_breaths": 3});
        let o: Practice = serde_json::from_value(old).unwrap();
        assert_eq!((o.planned_min, o.summary), (Some(5.0), None));
        // An out-of-range journal is refused, with the reason.
        let bad = serde_json::json!({"journal_after": {"neck_pain": 12}});
        assert!(serde_json::from_value::<Practice>(bad).is_err());
    }
}
