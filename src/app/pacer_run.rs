//! A running pacer: its pattern, its clock (the audio clock when sound is
//! playing, so eyes and ears agree; the wall clock otherwise), and what the
//! pacer panel shows, including the person's breathing against it.

use super::live_data::LiveData;
use super::panels::pacer_view::PacerDisplay;
use crate::audio::AudioOutput;
use crate::pacer::{compare, Pattern};
use std::time::Instant;

/// The pacer while it runs.
#[derive(Debug, Clone)]
pub struct PacerRun {
    pub pattern: Pattern,
    started: Instant,
    /// Device time (trace clock) when the pacer started, s.
    pub device_t0: f64,
}

impl PacerRun {
    /// Starts `pattern` now; `device_now` is the newest trace time.
    pub fn start(pattern: Pattern, device_now: f64) -> Self {
        Self {
            pattern,
            started: Instant::now(),
            device_t0: device_now,
        }
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

    /// What the pacer panel shows at pacer time `t`.
    pub fn display(&self, t: f64, data: &LiveData) -> PacerDisplay {
        let s = self.pattern.state_at(t);
        // The person's inhale starts, on the pacer's clock.
        let starts: Vec<f64> = data
            .breaths
            .iter()
            .map(|b| b.inhale_start_s - self.device_t0)
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
