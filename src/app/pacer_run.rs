//! A running pacer: its pattern, its clock (the audio clock when sound is
//! playing, so eyes and ears agree; the wall clock otherwise), and what the
//! pacer panel shows, including the person's breathing against it.

use super::live_data::LiveData;
use super::panels::pacer_view::PacerDisplay;
use super::repaint::PacerMotion;
use crate::audio::AudioOutput;
use crate::pacer::{compare, Pattern};
use std::time::Instant;

/// The pacer while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PacerRun {
    pub pattern: Pattern,
    started: Instant,
    /// Device time (trace clock) when the pacer started, s.
    pub device_t0: f64,
    /// Device seconds per pacer second: 1 for a live sensor, the speed of
    /// a replay (a replay at 4x runs its recording clock four times faster).
    pub device_speed: f64,
}

impl PacerRun {
    /// Starts `pattern` now; `device_now` is the newest trace time.
    pub fn start(pattern: Pattern, device_now: f64) -> Self {
        Self {
            pattern,
            started: Instant::now(),
            device_t0: device_now,
            device_speed: 1.0,
        }
    }

    /// Sets how fast the device clock runs against the pacer's (replays).
    pub fn with_device_speed(mut self, speed: f64) -> Self {
        if speed.is_finite() && speed > 0.0 {
            self.device_speed = speed;
        }
        self
    }

    /// A device (trace) time on the pacer's clock, s (real-time sources).
    pub fn pacer_time_of(&self, device_s: f64) -> f64 {
        device_s - self.device_t0
    }

    /// Pacer time, s: the audio's own clock while it sounds, else the wall
    /// clock. An audio clock more than half a second off the wall clock (a
    /// device without a real clock, or one that stalled) is not trusted.
    pub fn time_s(&self, audio: Option<&AudioOutput>) -> f64 {
        let wall = self.started.elapsed().as_secs_f64();
        audio
            .and_then(|a| a.pacer_time_s())
            .filter(|t| (t - wall).abs() < 0.5)
            .unwrap_or(wall)
    }

    /// Whether the bar moves at pacer time `t` (how often to draw it).
    pub fn motion(&self, t: f64) -> PacerMotion {
        let s = self.pattern.state_at(t);
        if s.phase.is_hold() {
            PacerMotion::Hold {
                seconds_left: s.seconds_left(),
            }
        } else {
            PacerMotion::Moving
        }
    }

    /// What the pacer panel shows at pacer time `t`.
    pub fn display(&self, t: f64, data: &LiveData) -> PacerDisplay {
        let s = self.pattern.state_at(t);
        // A replay faster or slower than real time is not someone breathing
        // along now: its breaths are not compared with the pacer.
        if (self.device_speed - 1.0).abs() > 1e-6 {
            return PacerDisplay {
                phase: s.phase.label().to_string(),
                fill: s.fill() as f32,
                seconds_left: s.seconds_left(),
                pattern: self.pattern.describe(),
                sync: Some(format!(
                    "Replay at {}x: not compared with the pacer",
                    (self.device_speed * 10.0).round() / 10.0
                )),
            };
        }
        // The person's inhale starts, on the pacer's clock.
        let starts: Vec<f64> = data
            .breaths
            .iter()
            .map(|b| self.pacer_time_of(b.inhale_start_s))
            .filter(|t| *t >= 0.0)
            .collect();
        let rate = data.window.and_then(|w| w.rate_bpm);
        PacerDisplay {
            phase: s.phase.label().to_string(),
            fill: s.fill() as f32,
            seconds_left: s.seconds_left(),
            pattern: self.pattern.describe(),
            sync: compare(&self.pattern, t, &starts, rate).map(|r| r.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Breath, Class, Output, WindowResult};
    use crate::live::PipeMsg;

    /// A recording breathing in step with a 6/min pacer, every inhale on
    /// the pacer's, at `speed` times real time.
    fn data(speed: f64, t0: f64) -> LiveData {
        let mut d = LiveData::default();
        for k in 0..5 {
            let t = t0 + 10.0 * speed * k as f64;
            d.apply(PipeMsg::Analysis(Output::Breath(Breath {
                inhale_start_s: t,
                exhale_start_s: t + 4.0 * speed,
                end_s: t + 10.0 * speed,
                chest_amp: 1.0,
                belly_amp: 2.0,
                belly_share: 0.66,
                phase_deg: Some(0.0),
                rate_bpm: 6.0 / speed,
                class: Class::Belly,
            })));
        }
        d.apply(PipeMsg::Analysis(Output::Window(WindowResult {
            t_s: t0 + 45.0 * speed,
            rate_bpm: Some(6.0 / speed),
            chest_amp: 1.0,
            belly_amp: 2.0,
            belly_share: Some(0.66),
            phase_deg: Some(0.0),
            coherence: 1.0,
            quality: 1.0,
            class: Class::Belly,
            label: Class::Belly,
            spectral_class: Class::Belly,
            reason: None,
            over_breathing: false,
            bands_off: [false; 2],
        })));
        d
    }

    #[test]
    fn a_fast_replay_is_not_compared_with_the_pacer() {
        // Recording-clock breath times against the pacer's wall clock would
        // be nonsense at 4x ("46/min vs 6/min"): the panel says so instead.
        let t0 = 100.0;
        let run = PacerRun::start(Pattern::default(), t0).with_device_speed(4.0);
        let d = data(4.0, t0);
        let shown = run.display(45.2, &d);
        assert_eq!(
            shown.sync.as_deref(),
            Some("Replay at 4x: not compared with the pacer")
        );
        assert_eq!(shown.phase, "Breathe out");
        // A replay at real time is compared like a live sensor.
        let d = data(1.0, t0 + 0.2);
        let run = PacerRun::start(Pattern::default(), t0).with_device_speed(1.0);
        assert_eq!(run.display(45.0, &d).sync.as_deref(), Some("In step"));
    }

    #[test]
    fn live_breathing_in_step() {
        let run = PacerRun::start(Pattern::default(), 20.0);
        let d = data(1.0, 20.3);
        assert_eq!(run.display(45.0, &d).sync.as_deref(), Some("In step"));
    }
}
