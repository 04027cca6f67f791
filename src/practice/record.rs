//! The guided practice record kept in `session.json` (`practice`): slot,
//! plan, journal, baseline, calibration step, why it stopped and the
//! summary. Every field is optional when read. Pure: no I/O, no clock.

use super::journal::Journal;
use super::summary::Summary;
use chrono::{DateTime, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

/// Local hour from which a session counts as the evening one.
pub const EVENING_FROM_HOUR: u32 = 14;

/// Which of the day's two practice times a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Started before 14:00 local time.
    Morning,
    /// The middle one of a three-a-day plan (never from [`Slot::of`]).
    Midday,
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
            Slot::Midday => "midday",
            Slot::Evening => "evening",
            Slot::Other => "other",
        }
    }
}

/// How the person practises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Posture {
    /// On the back, knees bent, a pillow under the head (the start).
    #[default]
    Lying,
    /// Upright at a desk (later, once lying is easy).
    Sitting,
}

impl std::str::FromStr for Posture {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "lying" => Ok(Posture::Lying),
            "sitting" => Ok(Posture::Sitting),
            _ => Err(format!("'{s}' is not a posture: lying or sitting")),
        }
    }
}

impl Posture {
    /// "lying on the back" / "sitting upright".
    pub fn words(self) -> &'static str {
        match self {
            Posture::Lying => "lying on the back",
            Posture::Sitting => "sitting upright",
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
    /// Lying or sitting, from the plan.
    pub posture: Option<Posture>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
        p.summary = Some(Summary {
            minutes: 1.0,
            belly_share: Some(0.6),
            share_by_minute: vec![Some(0.6)],
            rate_bpm: Some(6.0),
            ..Default::default()
        });
        let v = serde_json::to_value(&p).unwrap();
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
