//! A session against the person's earlier ones: better, same or worse
//! belly share. Pure.

use serde::{Deserialize, Serialize};

/// How many earlier sessions a summary is compared with.
pub const COMPARE_LAST: usize = 5;
/// A change of median belly share smaller than this is "same" (the
/// calibration error alone moves a share by about 0.02).
pub const SAME_WITHIN: f64 = 0.03;

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
}
