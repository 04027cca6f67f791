//! Breathing-pattern classes and the hysteresis of the live label.

use super::config::Thresholds;
use serde::{Deserialize, Serialize};

/// How a window or a breath is breathed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Belly (diaphragm) leads: belly share at or above the belly threshold.
    Belly,
    /// Chest leads: belly share at or below the chest threshold.
    Chest,
    /// In between.
    Mixed,
    /// Belly moves against the chest (|phase| above the paradox threshold).
    Paradoxical,
    /// No breathing found, a band off, a breath hold, or too poor a signal.
    NoSignal,
}

impl Class {
    /// All classes, in report order.
    pub const ALL: [Class; 5] = [
        Class::Belly,
        Class::Chest,
        Class::Mixed,
        Class::Paradoxical,
        Class::NoSignal,
    ];

    /// The name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Class::Belly => "belly",
            Class::Chest => "chest",
            Class::Mixed => "mixed",
            Class::Paradoxical => "paradoxical",
            Class::NoSignal => "no_signal",
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Class of a share and phase (`None` when either band is below noise or the
/// phase is not coherent enough to be trusted), without hysteresis.
pub fn classify(share: f64, phase_deg: Option<f64>, t: &Thresholds) -> Class {
    classify_from(share, phase_deg, t, None)
}

/// As [`classify`], but a class held before (`prev`) is only left once the
/// value is past its threshold by the hysteresis margin.
pub fn classify_from(
    share: f64,
    phase_deg: Option<f64>,
    t: &Thresholds,
    prev: Option<Class>,
) -> Class {
    let hs = t.share_hysteresis;
    let hp = t.phase_hysteresis_deg;
    let para_limit = if prev == Some(Class::Paradoxical) {
        t.paradox_deg - hp
    } else {
        t.paradox_deg
    };
    if phase_deg.is_some_and(|p| p.abs() > para_limit) {
        return Class::Paradoxical;
    }
    let (belly, chest) = match prev {
        Some(Class::Belly) => (t.belly_share - hs, t.chest_share),
        Some(Class::Chest) => (t.belly_share, t.chest_share + hs),
        Some(Class::Mixed) => (t.belly_share + hs, t.chest_share - hs),
        _ => (t.belly_share, t.chest_share),
    };
    if share >= belly {
        Class::Belly
    } else if share <= chest {
        Class::Chest
    } else {
        Class::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_of_the_issue() {
        let t = Thresholds::default();
        assert_eq!(classify(0.60, Some(0.0), &t), Class::Belly);
        assert_eq!(classify(0.59, Some(0.0), &t), Class::Mixed);
        assert_eq!(classify(0.40, Some(0.0), &t), Class::Chest);
        assert_eq!(classify(0.7, Some(91.0), &t), Class::Paradoxical);
        assert_eq!(classify(0.7, Some(-170.0), &t), Class::Paradoxical);
        assert_eq!(classify(0.7, Some(90.0), &t), Class::Belly);
        assert_eq!(classify(0.2, None, &t), Class::Chest);
    }

    #[test]
    fn hysteresis_holds_a_class_near_its_threshold() {
        let t = Thresholds::default();
        assert_eq!(
            classify_from(0.58, Some(0.0), &t, Some(Class::Belly)),
            Class::Belly
        );
        assert_eq!(
            classify_from(0.56, Some(0.0), &t, Some(Class::Belly)),
            Class::Mixed
        );
        assert_eq!(
            classify_from(0.61, Some(0.0), &t, Some(Class::Mixed)),
            Class::Mixed
        );
        assert_eq!(
            classify_from(0.64, Some(0.0), &t, Some(Class::Mixed)),
            Class::Belly
        );
        assert_eq!(
            classify_from(0.42, Some(0.0), &t, Some(Class::Chest)),
            Class::Chest
        );
        assert_eq!(
            classify_from(0.7, Some(80.0), &t, Some(Class::Paradoxical)),
            Class::Paradoxical
        );
        assert_eq!(
            classify_from(0.7, Some(70.0), &t, Some(Class::Paradoxical)),
            Class::Belly
        );
    }
}
