//! The pacer and its sound: the pattern from the settings, the visual pacer
//! and the audio thread kept in step.

use super::breathband_app::BreathbandApp;
use super::pacer_run::PacerRun;
use super::panels::pacer_view::PacerDisplay;
use crate::audio::{AudioOutput, Command};
use crate::pacer::Pattern;

impl BreathbandApp {
    /// Starts the audio thread (it opens the device on its own thread).
    pub fn with_audio(mut self) -> Self {
        self.audio = Some(AudioOutput::start());
        self.send_sound_settings();
        self
    }

    fn send_audio(&mut self, cmd: Command) {
        if let Some(a) = self.audio.as_mut() {
            // A full queue only happens if the audio thread is stuck; the
            // next settings change sends everything again.
            let _ = a.send(cmd);
        }
    }

    /// Sends the cue style, volume and mute to the audio thread.
    pub(super) fn send_sound_settings(&mut self) {
        let cue = self.settings.cue;
        let (volume, muted) = (self.settings.volume, self.settings.muted);
        self.send_audio(Command::SetCue(cue));
        self.send_audio(Command::SetVolume(volume));
        self.send_audio(Command::SetMute(muted));
    }

    /// The pattern in the settings; `lengthen` starts near the measured
    /// rate, keeping its target and ramp.
    pub fn pattern(&self) -> Result<Pattern, crate::pacer::PatternError> {
        let p = Pattern::parse(&self.settings.pattern)?;
        Ok(match (p, self.data.window.and_then(|w| w.rate_bpm)) {
            (Pattern::Lengthen(l), Some(r)) => Pattern::Lengthen(l.starting_near(r)),
            (p, _) => p,
        })
    }

    /// Starts the pacer (and its sound) with the pattern in the settings.
    pub fn start_pacer(&mut self) {
        match self.pattern() {
            Ok(p) => {
                let speed = self.link.device_speed;
                self.pacer = Some(PacerRun::start(p, self.data.now_s()).with_device_speed(speed));
                self.send_sound_settings();
                self.send_audio(Command::SetPattern(p));
                self.send_audio(Command::Start { at_s: 0.0 });
                self.last_error = None;
            }
            Err(e) => self.last_error = Some(format!("pacer: {e}")),
        }
    }

    /// Stops the pacer and its sound.
    pub fn stop_pacer(&mut self) {
        self.pacer = None;
        self.send_audio(Command::Stop);
    }

    /// What the pacer shows now.
    pub(super) fn pacer_display(&self) -> Option<PacerDisplay> {
        let p = self.pacer.as_ref()?;
        Some(p.display(p.time_s(self.audio.as_ref()), &self.data))
    }
}
