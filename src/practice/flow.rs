//! The guided practice session as a state machine driven by the device
//! clock (the trace time), so a test can replay five minutes in seconds:
//! prepare -> band check -> calibration (band gains, then baseline) ->
//! practice -> summary, with a "stop, I feel dizzy" exit from any step.

use super::checks::{advice_for, FEEDBACK_EVERY_BREATHS};
use super::journal::Journal;
use super::record::{Baseline, CalibrationSource, CalibrationStep, Posture, Practice, Slot};
use super::summary::{summarize, Summary};

/// `stopped_early` of a session stopped with the dizziness button.
pub const DIZZY: &str = "dizzy";
/// `stopped_early` of a session whose source was disconnected or changed.
pub const DISCONNECTED: &str = "disconnected";
use super::trends::compare;
use crate::analysis::calibration::{side_by_side, SideBySide};
use crate::analysis::{Breath, Class, EventKind, Gains, SafetyEvent, WindowResult};
use chrono::{DateTime, FixedOffset};

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Position and how to fit the bands.
    Prepare,
    /// Both bands must show breathing with enough quality.
    BandCheck,
    /// Band gains: measured side by side, reused from an earlier session,
    /// or skipped (see [`Calibration`]).
    Calibrate,
    /// 30 s of relaxed breathing: the baseline for the over-breathing check.
    Baseline,
    /// The timed practice with pacer and feedback.
    Practice,
    /// Results (and the journal after).
    Summary,
    /// Stopped early because of dizziness or discomfort: advice.
    Stopped,
}

/// Length of the baseline step, s of signal.
pub const BASELINE_S: f64 = 30.0;
/// Length of the side-by-side gain measurement, s of signal (the engine
/// refuses less than 20 s).
pub const CALIBRATION_S: f64 = 30.0;

/// Where the calibration step is.
#[derive(Debug, Clone, PartialEq)]
pub enum Calibration {
    /// Choosing: measure now, reuse saved gains, or skip.
    Choose,
    /// Both bands around the belly, one above the other, since `since_s`:
    /// raw counts (display points divided by the gains in use).
    Measuring {
        since_s: f64,
        times: Vec<f64>,
        chest: Vec<f64>,
        belly: Vec<f64>,
    },
    /// Measured; the person now moves the chest band back up.
    Measured(SideBySide),
    /// The engine refused the measurement (why, and what to do).
    Refused(String),
}
/// A guided session in progress.
#[derive(Debug, Clone)]
pub struct PracticeFlow {
    pub step: Step,
    /// Planned practice length, s (3 to 10 minutes).
    pub planned_s: f64,
    /// Device time when the current step started.
    pub step_started_s: f64,
    /// The calibration step's progress, and how the gains were set.
    pub calibration: Calibration,
    pub calibration_step: Option<CalibrationStep>,
    /// Baseline tidal excursion and rate, once measured.
    pub baseline: Option<(f64, f64)>,
    baseline_sum: (f64, f64, u32),
    /// Windows and breaths of the practice step.
    pub windows: Vec<WindowResult>,
    pub breaths: Vec<Breath>,
    pub events: Vec<SafetyEvent>,
    /// The current feedback line and the breath count when it was given.
    pub feedback: Option<(String, usize)>,
    /// A gentle prompt after over-breathing signs.
    pub slow_down: Option<String>,
    /// Why it ended early (`dizzy`), if it did.
    pub stopped_early: Option<String>,
    /// Practice seconds done (device clock).
    pub practised_s: f64,
    /// Device time when the practice step began.
    pub practice_start_s: Option<f64>,
    /// Wall-clock start (local time with its offset), for the slot.
    pub start_local: DateTime<FixedOffset>,
    /// The planned slot this session fills (else by the hour, 14:00 split).
    pub slot: Option<Slot>,
    /// Lying or sitting, from the plan.
    pub posture: Posture,
    pub journal_before: Journal,
    pub journal_after: Journal,
    /// Median belly shares of earlier sessions (oldest first), for the comparison.
    pub previous_shares: Vec<f64>,
    /// The sensor's own scale, to judge a measured calibration against.
    pub own_gains: Option<Gains>,
}

/// A measured belly/chest gain ratio this many times off the sensor's own
/// (either way) is used only once the person confirms it: a chest band
/// left around the rib cage, or bands that slipped, give such a ratio.
pub const FAR_FACTOR: f64 = 3.0;

impl PracticeFlow {
    /// A new session at device time `now_s`, planned for `minutes`,
    /// started at wall-clock `start_local`.
    pub fn new(now_s: f64, minutes: f64, start_local: DateTime<FixedOffset>) -> Self {
        Self {
            step: Step::Prepare,
            planned_s: minutes.clamp(3.0, 10.0) * 60.0,
            step_started_s: now_s,
            calibration: Calibration::Choose,
            calibration_step: None,
            baseline: None,
            baseline_sum: (0.0, 0.0, 0),
            windows: Vec::new(),
            breaths: Vec::new(),
            events: Vec::new(),
            feedback: None,
            slow_down: None,
            stopped_early: None,
            practised_s: 0.0,
            practice_start_s: None,
            start_local,
            slot: None,
            posture: Posture::default(),
            journal_before: Journal::default(),
            journal_after: Journal::default(),
            own_gains: None,
            previous_shares: Vec::new(),
        }
    }

    /// What the practice step achieved so far, compared with earlier sessions.
    pub fn summary(&self) -> Summary {
        let start = self.practice_start_s.unwrap_or(self.step_started_s);
        let mut s = summarize(
            &self.windows,
            &self.breaths,
            &self.events,
            start,
            start + self.practised_s,
        );
        s.comparison = compare(s.belly_share, &self.previous_shares);
        s
    }

    /// The `practice` record of `session.json`.
    pub fn record(&self, pattern: &str) -> Practice {
        let nonempty = |j: &Journal| (!j.is_empty()).then(|| j.clone());
        Practice {
            stopped_early: self.stopped_early.clone(),
            journal_before: nonempty(&self.journal_before),
            journal_after: nonempty(&self.journal_after),
            baseline: self
                .baseline
                .map(|(tidal, rate_bpm)| Baseline { tidal, rate_bpm }),
            calibration: self.calibration_step,
            practice_start_s: self.practice_start_s,
            summary: self.practice_start_s.map(|_| self.summary()),
            slot: self.slot.or(Some(Slot::of(&self.start_local))),
            posture: Some(self.posture),
            ..Practice::new(&self.start_local, self.planned_s / 60.0, pattern)
        }
    }

    /// Goes to `step` at device time `now_s`.
    pub fn go(&mut self, step: Step, now_s: f64) {
        self.step = step;
        self.step_started_s = now_s;
        if step == Step::Practice {
            self.practice_start_s = Some(now_s);
        }
    }

    /// Starts (or restarts) the side-by-side gain measurement at `now_s`.
    pub fn measure_gains(&mut self, now_s: f64) {
        self.calibration = Calibration::Measuring {
            since_s: now_s,
            times: Vec::new(),
            chest: Vec::new(),
            belly: Vec::new(),
        };
    }

    /// Takes one display point (`chest`, `belly` in the units of `gains`,
    /// the gains the pipeline uses now) while the gains are measured; after
    /// [`CALIBRATION_S`] runs the engine's side-by-side calibration.
    pub fn display_point(&mut self, t_s: f64, chest: f64, belly: f64, gains: &Gains) {
        let Calibration::Measuring {
            since_s,
            times,
            chest: c,
            belly: b,
        } = &mut self.calibration
        else {
            return;
        };
        if t_s < *since_s {
            return;
        }
        times.push(t_s);
        c.push(chest / gains.chest);
        b.push(belly / gains.belly);
        let span = t_s - times[0];
        if span < CALIBRATION_S {
            return;
        }
        let rate_hz = (times.len() - 1) as f64 / span;
        self.calibration = match side_by_side(c, b, rate_hz, gains) {
            Ok(r) => Calibration::Measured(r),
            Err(e) => Calibration::Refused(e.to_string()),
        };
    }

    /// Seconds of the gain measurement still to go.
    pub fn calibration_left_s(&self, now_s: f64) -> Option<f64> {
        match &self.calibration {
            Calibration::Measuring { since_s, .. } => {
                Some((CALIBRATION_S - (now_s - since_s)).max(0.0))
            }
            _ => None,
        }
    }

    /// How many times (1 or more) the measured belly/chest gain ratio is
    /// off the sensor's own, when it is more than [`FAR_FACTOR`] either way.
    pub fn far_from_own_scale(&self) -> Option<f64> {
        let Calibration::Measured(r) = &self.calibration else {
            return None;
        };
        let own = self.own_gains.as_ref()?;
        let f = (r.gains.belly / r.gains.chest) / (own.belly / own.chest);
        let off = f.max(1.0 / f);
        (off.is_finite() && off > FAR_FACTOR).then_some(off)
    }

    /// Takes the measured gains and goes on to the baseline; returns the
    /// gains for the pipeline (None if nothing was measured).
    pub fn accept_gains(&mut self, now_s: f64) -> Option<Gains> {
        let Calibration::Measured(r) = &self.calibration else {
            return None;
        };
        let gains = r.gains.clone();
        self.calibration_step = Some(CalibrationStep {
            source: CalibrationSource::Measured,
            correlation: Some(r.correlation),
            raw_ratio: Some(r.raw_ratio),
        });
        self.go(Step::Baseline, now_s);
        Some(gains)
    }

    /// Goes on to the baseline with gains set elsewhere: `Saved` (an
    /// earlier session's, already applied) or `Skipped` (the device's).
    pub fn keep_gains(&mut self, source: CalibrationSource, now_s: f64) {
        self.calibration_step = Some(CalibrationStep {
            source,
            correlation: None,
            raw_ratio: None,
        });
        self.go(Step::Baseline, now_s);
    }

    /// Seconds left in the practice step.
    pub fn left_s(&self) -> f64 {
        (self.planned_s - self.practised_s).max(0.0)
    }

    /// Takes a new window (device time `w.t_s`).
    pub fn window(&mut self, w: &WindowResult) {
        match self.step {
            Step::Baseline => {
                if w.reason.is_none() {
                    if let Some(r) = w.rate_bpm {
                        let s = &mut self.baseline_sum;
                        *s = (s.0 + w.chest_amp + w.belly_amp, s.1 + r, s.2 + 1);
                    }
                }
                if w.t_s - self.step_started_s >= BASELINE_S {
                    let (a, r, n) = self.baseline_sum;
                    self.baseline = (n > 0).then(|| (a / n as f64, r / n as f64));
                    self.go(Step::Practice, w.t_s);
                }
            }
            Step::Practice => {
                self.windows.push(*w);
                self.practised_s = w.t_s - self.step_started_s;
                if self.practised_s >= self.planned_s {
                    self.go(Step::Summary, w.t_s);
                }
            }
            _ => {}
        }
    }

    /// Takes a new breath.
    pub fn breath(&mut self, b: &Breath) {
        if self.step != Step::Practice || b.inhale_start_s < self.step_started_s {
            return;
        }
        self.breaths.push(*b);
        let n = self.breaths.len();
        let due = self
            .feedback
            .as_ref()
            .is_none_or(|(_, at)| n >= at + FEEDBACK_EVERY_BREATHS);
        if due {
            if let Some(a) = advice_for(&self.breaths) {
                self.feedback = Some((a.to_string(), n));
            }
        }
    }

    /// Takes a safety event; over-breathing prompts a gentle slow-down.
    pub fn event(&mut self, e: &SafetyEvent) {
        if !matches!(self.step, Step::Practice | Step::Baseline) {
            return;
        }
        crate::analysis::safety::merge_event(&mut self.events, *e);
        if e.end_s.is_none()
            && matches!(
                e.kind,
                EventKind::OverBreathingFast | EventKind::OverBreathingDeep
            )
        {
            let a = e.kind.advice();
            self.slow_down = Some(if a.contains("break") {
                a.to_string()
            } else {
                format!("{a} Take a break if you need one.")
            });
        } else if e.end_s.is_some() {
            // The prompt goes when no over-breathing sign is open any more.
            let open = self.events.iter().any(|x| {
                x.end_s.is_none()
                    && matches!(
                        x.kind,
                        EventKind::OverBreathingFast | EventKind::OverBreathingDeep
                    )
            });
            if !open {
                self.slow_down = None;
            }
        }
    }

    /// Stops at once because the person feels dizzy or uncomfortable.
    pub fn stop_dizzy(&mut self, now_s: f64) {
        self.stop_early(DIZZY, now_s);
    }

    /// Ends the session early for `why` (`dizzy`, `disconnected`, ...).
    pub fn stop_early(&mut self, why: &str, now_s: f64) {
        self.stopped_early = Some(why.into());
        self.go(Step::Stopped, now_s);
    }

    /// Share of practice breaths that were belly-dominant.
    pub fn belly_fraction(&self) -> Option<f64> {
        (!self.breaths.is_empty()).then(|| {
            self.breaths
                .iter()
                .filter(|b| b.class == Class::Belly)
                .count() as f64
                / self.breaths.len() as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breath(c: Class, t: f64) -> Breath {
        Breath {
            inhale_start_s: t,
            exhale_start_s: t + 2.0,
            end_s: t + 5.0,
            chest_amp: 1.0,
            belly_amp: 2.0,
            belly_share: 0.66,
            phase_deg: Some(0.0),
            rate_bpm: 12.0,
            class: c,
        }
    }

    #[test]
    fn feedback_at_most_every_three_breaths_and_says_what_to_change() {
        let mut f = PracticeFlow::new(0.0, 5.0, chrono::Local::now().fixed_offset());
        f.go(Step::Practice, 0.0);
        for k in 0..2 {
            f.breath(&breath(Class::Chest, k as f64 * 5.0));
        }
        assert!(f.feedback.is_none());
        f.breath(&breath(Class::Chest, 10.0));
        assert!(f
            .feedback
            .as_ref()
            .unwrap()
            .0
            .contains("let the belly lead"));
        f.breath(&breath(Class::Paradoxical, 15.0));
        f.breath(&breath(Class::Paradoxical, 20.0));
        assert!(
            f.feedback.as_ref().unwrap().0.contains("chest"),
            "not yet: {:?}",
            f.feedback
        );
        f.breath(&breath(Class::Paradoxical, 25.0));
        assert!(f.feedback.as_ref().unwrap().0.starts_with("Paradoxical"));
    }

    #[test]
    fn slow_down_prompt_stays_until_every_over_breathing_sign_ends() {
        let mut f = PracticeFlow::new(0.0, 5.0, chrono::Local::now().fixed_offset());
        f.go(Step::Practice, 0.0);
        let ev = |kind, start_s, end_s| SafetyEvent {
            kind,
            start_s,
            end_s,
            value: 1.0,
        };
        f.event(&ev(EventKind::OverBreathingFast, 40.0, None));
        let prompt = f.slow_down.clone().unwrap();
        assert_eq!(prompt.matches("break").count(), 1, "{prompt}");
        f.event(&ev(EventKind::OverBreathingDeep, 50.0, None));
        assert!(f.slow_down.as_ref().unwrap().contains("Take a break"));
        // A breath hold ending says nothing about over-breathing.
        f.event(&ev(EventKind::BreathHold, 55.0, None));
        f.event(&ev(EventKind::BreathHold, 55.0, Some(66.0)));
        assert!(f.slow_down.is_some());
        f.event(&ev(EventKind::OverBreathingFast, 40.0, Some(70.0)));
        assert!(f.slow_down.is_some(), "the deep one is still open");
        f.event(&ev(EventKind::OverBreathingDeep, 50.0, Some(80.0)));
        assert!(f.slow_down.is_none());
    }

    #[test]
    fn calibration_measures_30_s_side_by_side_then_goes_to_the_baseline() {
        use crate::device::schedule::Schedule;
        use crate::device::virtual_sensor::{VirtualParams, VirtualSensor};
        let p = VirtualParams {
            belly_share: 0.5,
            belly_gain: 3.0,
            belly_offset: 600.0,
            ..Default::default()
        };
        let mut v = VirtualSensor::new(25.0, p, Schedule::default(), 3);
        let mut f = PracticeFlow::new(0.0, 5.0, chrono::Local::now().fixed_offset());
        f.go(Step::Calibrate, 10.0);
        assert_eq!(f.accept_gains(10.0), None, "nothing measured yet");
        f.measure_gains(10.0);
        // The display points arrive in the units of the gains in use.
        let in_use = Gains {
            chest: 2.0,
            belly: 2.0,
            method: "device".into(),
            unit: "mm".into(),
        };
        for k in 0..25 * 45 {
            let s = v.next_sample();
            let t = k as f64 / 25.0;
            f.display_point(t, s.chest as f64 * 2.0, s.belly as f64 * 2.0, &in_use);
            if t < 39.9 {
                assert!(
                    matches!(f.calibration, Calibration::Measuring { .. }),
                    "{t}"
                );
            }
        }
        let g = f.accept_gains(45.0).expect("measured");
        assert_eq!(
            (g.chest, g.method.as_str(), g.unit.as_str()),
            (2.0, "side_by_side", "mm")
        );
        assert!((g.belly - 2.0 / 3.0).abs() < 0.05, "{g:?}");
        assert_eq!(f.step, Step::Baseline);
        let rec = f.record("6");
        let c = rec.calibration.unwrap();
        assert_eq!(c.source, CalibrationSource::Measured);
        assert!(c.correlation.unwrap() > 0.9);
    }
}
