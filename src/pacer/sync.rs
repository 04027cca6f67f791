//! The person's measured breathing against the pacer: in step, behind or
//! ahead, and by how many seconds.
//!
//! Times are pacer time (seconds since the pacer started). The analysis
//! engine reports device time; subtract the device time at which the pacer
//! started. Inhale starts are the engine's breath starts (`Breath::inhale_start_s`,
//! and `end_s`, which is the next inhale start).

use super::pattern::Pattern;

/// How the measured breathing sits against the pacer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    InStep,
    /// Inhaling later than the pacer, or breathing slower.
    Behind,
    /// Inhaling earlier than the pacer, or breathing faster.
    Ahead,
}

/// Result of [`compare`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncReport {
    pub status: SyncStatus,
    /// Measured inhale start minus the nearest pacer inhale start, s
    /// (positive: later than the pacer), averaged over recent breaths.
    pub offset_s: f64,
    /// Measured rate over pacer rate, when a rate was given.
    pub rate_ratio: Option<f64>,
    /// The measured rate, breaths/min, when given.
    pub measured_bpm: Option<f64>,
    /// The pacer's rate at the last measured inhale, breaths/min.
    pub pacer_bpm: f64,
}

impl SyncReport {
    /// True when the measured rate alone decides (off by more than
    /// [`RATE_TOLERANCE`]): an offset in seconds means nothing then.
    pub fn rate_decides(&self) -> bool {
        self.rate_ratio
            .is_some_and(|q| !(1.0 / RATE_TOLERANCE..=RATE_TOLERANCE).contains(&q))
    }

    /// For the pacer panel: "In step", "Behind by 1.2 s", "Ahead by 0.8 s",
    /// or, when the rate is far off, "Breathing faster than the pacer
    /// (12/min vs 6/min)".
    pub fn label(&self) -> String {
        let bpm = |v: f64| format!("{}", (v * 10.0).round() / 10.0);
        if let (true, Some(m)) = (self.rate_decides(), self.measured_bpm) {
            let how = if m > self.pacer_bpm {
                "faster"
            } else {
                "slower"
            };
            return format!(
                "Breathing {how} than the pacer ({}/min vs {}/min)",
                bpm(m),
                bpm(self.pacer_bpm)
            );
        }
        match self.status {
            SyncStatus::InStep => "In step".to_string(),
            SyncStatus::Behind if self.offset_s > 0.0 => {
                format!("Behind by {:.1} s", self.offset_s)
            }
            SyncStatus::Ahead if self.offset_s < 0.0 => {
                format!("Ahead by {:.1} s", -self.offset_s)
            }
            SyncStatus::Behind => "Behind: breathing slower than the pacer".to_string(),
            SyncStatus::Ahead => "Ahead: breathing faster than the pacer".to_string(),
        }
    }
}

/// In step when the offset is within this share of the cycle ...
pub const IN_STEP_SHARE: f64 = 0.1;
/// ... or within this many seconds, whichever is larger.
pub const IN_STEP_MIN_S: f64 = 0.5;
/// A measured rate off by more than this factor is behind or ahead whatever the timing.
pub const RATE_TOLERANCE: f64 = 1.15;
/// Inhale starts averaged.
const RECENT: usize = 3;
/// No report when the last inhale start is older than this many cycles.
const STALE_CYCLES: f64 = 2.0;

/// Offset of one measured inhale start from the nearest pacer inhale start,
/// and the length of that pacer cycle.
fn inhale_offset(pattern: &Pattern, t: f64) -> (f64, f64) {
    let s = pattern.state_at(t);
    let len = s.cycle_len_s();
    let d0 = t - s.cycle_start_s;
    let d1 = t - (s.cycle_start_s + len);
    if d0.abs() <= d1.abs() {
        (d0, len)
    } else {
        (d1, len)
    }
}

/// Compares measured inhale starts (pacer time, oldest first) and optionally
/// the measured rate with the pacer. `None` when there is nothing recent to
/// compare (no inhale start since the pacer started, or the last one is
/// older than two cycles at `now_s`).
pub fn compare(
    pattern: &Pattern,
    now_s: f64,
    inhale_starts_s: &[f64],
    measured_rate_bpm: Option<f64>,
) -> Option<SyncReport> {
    let recent: Vec<f64> = inhale_starts_s
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t >= 0.0 && *t <= now_s)
        .collect();
    let last = *recent.last()?;
    let now_cycle = pattern.state_at(now_s).cycle_len_s();
    if now_s - last > STALE_CYCLES * now_cycle {
        return None;
    }
    let used = &recent[recent.len().saturating_sub(RECENT)..];
    let offsets: Vec<(f64, f64)> = used
        .iter()
        .filter(|t| last - **t <= STALE_CYCLES * now_cycle)
        .map(|t| inhale_offset(pattern, *t))
        .collect();
    let n = offsets.len() as f64;
    let offset_s = offsets.iter().map(|x| x.0).sum::<f64>() / n;
    let cycle_s = offsets.iter().map(|x| x.1).sum::<f64>() / n;
    let measured_bpm = measured_rate_bpm.filter(|r| r.is_finite() && *r > 0.0);
    let pacer_bpm = pattern.rate_bpm_at(last);
    let rate_ratio = measured_bpm.map(|r| r / pacer_bpm);
    let status = match rate_ratio {
        Some(q) if q > RATE_TOLERANCE => SyncStatus::Ahead,
        Some(q) if q < 1.0 / RATE_TOLERANCE => SyncStatus::Behind,
        _ if offset_s.abs() <= (IN_STEP_SHARE * cycle_s).max(IN_STEP_MIN_S) => SyncStatus::InStep,
        _ if offset_s > 0.0 => SyncStatus::Behind,
        _ => SyncStatus::Ahead,
    };
    Some(SyncReport {
        status,
        offset_s,
        rate_ratio,
        measured_bpm,
        pacer_bpm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(first: f64, every: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| first + i as f64 * every).collect()
    }

    #[test]
    fn in_step_behind_and_ahead() {
        let p = Pattern::default(); // 10 s cycles
        let r = compare(&p, 45.0, &starts(0.2, 10.0, 5), Some(6.0)).unwrap();
        assert_eq!(r.status, SyncStatus::InStep);
        assert!((r.offset_s - 0.2).abs() < 1e-9);
        assert_eq!(r.label(), "In step");

        let r = compare(&p, 45.0, &starts(2.0, 10.0, 5), Some(6.0)).unwrap();
        assert_eq!(r.status, SyncStatus::Behind);
        assert!((r.offset_s - 2.0).abs() < 1e-9);
        assert_eq!(r.label(), "Behind by 2.0 s");

        let r = compare(&p, 45.0, &starts(8.5, 10.0, 4), None).unwrap();
        assert_eq!(r.status, SyncStatus::Ahead);
        assert!((r.offset_s + 1.5).abs() < 1e-9);
        assert_eq!(r.label(), "Ahead by 1.5 s");
    }

    #[test]
    fn rate_far_off_decides() {
        let p = Pattern::default();
        // Breathing at 12/min: inhale starts every 5 s.
        let r = compare(&p, 42.0, &starts(0.0, 5.0, 9), Some(12.0)).unwrap();
        assert_eq!(r.status, SyncStatus::Ahead);
        let r = compare(&p, 42.0, &starts(0.0, 15.0, 3), Some(4.0)).unwrap();
        assert_eq!(r.status, SyncStatus::Behind);
    }

    #[test]
    fn a_far_off_rate_is_said_as_a_rate_not_seconds() {
        let p = Pattern::default(); // 6/min
                                    // Inhales every 5 s, the last one 2.6 s before a pacer inhale.
        let r = compare(&p, 38.0, &starts(2.4, 5.0, 8), Some(12.0)).unwrap();
        assert!(r.rate_decides());
        assert_eq!(r.status, SyncStatus::Ahead);
        let text = r.label();
        assert_eq!(text, "Breathing faster than the pacer (12/min vs 6/min)");
        assert!(!text.contains(" s"), "{text}");
        let r = compare(&p, 42.0, &starts(2.0, 15.0, 3), Some(4.2)).unwrap();
        assert_eq!(
            r.label(),
            "Breathing slower than the pacer (4.2/min vs 6/min)"
        );
        // Within the tolerance the timing decides, in seconds.
        let r = compare(&p, 45.0, &starts(2.0, 10.0, 5), Some(6.5)).unwrap();
        assert!(!r.rate_decides());
        assert_eq!(r.label(), "Behind by 2.0 s");
        // Without a measured rate, the timing is all there is.
        let r = compare(&p, 38.0, &starts(2.4, 5.0, 8), None).unwrap();
        assert!(!r.rate_decides());
    }

    #[test]
    fn nothing_recent_gives_none() {
        let p = Pattern::default();
        assert_eq!(compare(&p, 50.0, &[], None), None);
        assert_eq!(compare(&p, 50.0, &[-3.0], None), None);
        assert_eq!(compare(&p, 50.0, &[10.0], None), None);
    }

    #[test]
    fn follows_the_lengthening_program() {
        let p = Pattern::parse("lengthen").unwrap();
        let on_time: Vec<f64> = p
            .phase_starts(100.0, 200.0)
            .filter(|x| x.1 == crate::pacer::Phase::Inhale)
            .map(|x| x.0 + 0.3)
            .collect();
        let now = on_time.last().unwrap() + 1.0;
        let r = compare(&p, now, &on_time, None).unwrap();
        assert_eq!(r.status, SyncStatus::InStep);
        assert!((r.offset_s - 0.3).abs() < 1e-9);
    }
}
