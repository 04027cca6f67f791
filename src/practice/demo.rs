//! A guided session that runs itself (demos, screenshots, `gui --practice
//! auto`): it starts once the sensor is connected, steps through prepare and
//! band check, skips or shows the calibration, and may press the dizziness
//! stop at a chosen device time. Pure.

use super::checks::band_check;
use super::flow::Step;
use super::record::CalibrationSource;
use super::runner::PracticeRunner;
use crate::analysis::WindowResult;

/// Seconds each self-running step is shown before moving on.
pub const STEP_SHOWN_S: f64 = 4.0;

/// What the demo asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAct {
    /// Start a guided session (the sensor is connected).
    StartPractice,
    /// Press "Stop - I feel dizzy".
    StopDizzy,
}

/// The demo flags, in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoScript {
    /// Start a guided session as soon as the sensor is connected.
    pub start_when_connected: bool,
    /// Step through prepare and band check without clicks.
    pub auto: bool,
    /// Press the dizziness stop at this device time.
    pub stop_at: Option<f64>,
    /// The self-running session stays on the calibration step.
    pub show_calibration: bool,
}

impl DemoScript {
    /// Moves a self-running session on at device time `now_s`; returns what
    /// the app must do, if anything.
    pub fn drive(
        &mut self,
        runner: &mut PracticeRunner,
        connected: bool,
        window: Option<&WindowResult>,
        now_s: f64,
    ) -> Option<DemoAct> {
        if self.start_when_connected && connected {
            self.start_when_connected = false;
            return Some(DemoAct::StartPractice);
        }
        if !self.auto {
            return None;
        }
        let f = runner.flow_mut()?;
        if f.step != Step::Stopped && self.stop_at.is_some_and(|t| now_s >= t) {
            self.stop_at = None;
            return Some(DemoAct::StopDizzy);
        }
        let shown = now_s - f.step_started_s >= STEP_SHOWN_S;
        match f.step {
            Step::Prepare if shown => f.go(Step::BandCheck, now_s),
            Step::BandCheck if shown && band_check(window).ok => f.go(Step::Calibrate, now_s),
            Step::Calibrate if !self.show_calibration => {
                f.keep_gains(CalibrationSource::Skipped, now_s)
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::flow::PracticeFlow;

    #[test]
    fn starts_when_connected_steps_on_and_stops_at_the_chosen_time() {
        let mut d = DemoScript {
            start_when_connected: true,
            auto: true,
            stop_at: Some(20.0),
            show_calibration: false,
        };
        let mut r = PracticeRunner::default();
        assert_eq!(d.drive(&mut r, false, None, 0.0), None, "not connected");
        assert_eq!(
            d.drive(&mut r, true, None, 1.0),
            Some(DemoAct::StartPractice)
        );
        r.start(PracticeFlow::new(
            1.0,
            3.0,
            chrono::Local::now().fixed_offset(),
        ));
        assert_eq!(d.drive(&mut r, true, None, 2.0), None);
        assert_eq!(r.flow().unwrap().step, Step::Prepare, "shown 4 s first");
        d.drive(&mut r, true, None, 5.0);
        assert_eq!(r.flow().unwrap().step, Step::BandCheck);
        d.drive(&mut r, true, None, 12.0);
        assert_eq!(r.flow().unwrap().step, Step::BandCheck, "no signal: waits");
        assert_eq!(d.drive(&mut r, true, None, 20.0), Some(DemoAct::StopDizzy));
        assert_eq!(d.stop_at, None, "pressed once");
    }
}
