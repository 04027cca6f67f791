//! The cue synth: the pacer schedule and a sample clock in, mono samples
//! out. The live callback and the WAV renderer both run this code. After
//! construction it never allocates, locks or blocks.

use super::command::{Command, CueStyle};
use super::voices::{chime_pitch, Chimes, Tone};
use crate::pacer::{Pattern, Phase};

/// Time for the output gain to ramp over its full range, s (no clicks at
/// start, stop, mute or volume changes).
pub const GAIN_RAMP_S: f64 = 0.015;
/// A pacer started this close after a phase start still chimes for it, s.
const ONSET_GRACE_S: f64 = 0.05;

/// What the synth plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthSettings {
    pub pattern: Pattern,
    pub cue: CueStyle,
    /// 0..1, linear amplitude.
    pub volume: f32,
    pub muted: bool,
}

impl Default for SynthSettings {
    fn default() -> Self {
        Self {
            pattern: Pattern::default(),
            cue: CueStyle::Tone,
            volume: 0.5,
            muted: false,
        }
    }
}

/// Pacer time `origin_s` at sample `origin_clock`.
#[derive(Debug, Clone, Copy)]
struct Run {
    origin_clock: u64,
    origin_s: f64,
}

/// Changes that wait until the output has faded to silence.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    pattern: Option<Pattern>,
    cue: Option<CueStyle>,
    /// Pacer time and the sample clock when the start was asked for.
    start: Option<(f64, u64)>,
    stop: bool,
}

impl Pending {
    fn any(&self) -> bool {
        self.pattern.is_some() || self.cue.is_some() || self.start.is_some() || self.stop
    }
}

/// Renders the cues of a pattern, one sample at a time.
#[derive(Debug, Clone)]
pub struct Synth {
    rate: f64,
    settings: SynthSettings,
    clock: u64,
    run: Option<Run>,
    pending: Pending,
    gain: f64,
    gain_step: f64,
    tone: Tone,
    chimes: Chimes,
    last_phase: Option<(u64, Phase)>,
}

fn clean_volume(v: f32) -> f32 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl Synth {
    /// A stopped synth at `sample_rate` Hz (at least 1).
    pub fn new(sample_rate: u32, settings: SynthSettings) -> Self {
        let rate = f64::from(sample_rate.max(1));
        let pattern = if settings.pattern.validate().is_ok() {
            settings.pattern
        } else {
            Pattern::default()
        };
        Self {
            rate,
            settings: SynthSettings {
                pattern,
                volume: clean_volume(settings.volume),
                ..settings
            },
            clock: 0,
            run: None,
            pending: Pending::default(),
            gain: 0.0,
            gain_step: 1.0 / (GAIN_RAMP_S * rate),
            tone: Tone::default(),
            chimes: Chimes::default(),
            last_phase: None,
        }
    }

    pub fn sample_rate(&self) -> u32 {
        self.rate as u32
    }

    /// Samples rendered so far.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// The settings in effect (pending changes not yet applied).
    pub fn settings(&self) -> SynthSettings {
        self.settings
    }

    /// Pacer time of the next sample, when running.
    pub fn pacer_time_s(&self) -> Option<f64> {
        self.run
            .map(|r| r.origin_s + (self.clock - r.origin_clock) as f64 / self.rate)
    }

    /// Takes a command (from the queue or directly).
    pub fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::SetVolume(v) => self.settings.volume = clean_volume(v),
            Command::SetMute(m) => self.settings.muted = m,
            Command::SetPattern(p) if p.validate().is_ok() => self.pending.pattern = Some(p),
            Command::SetPattern(_) => {}
            Command::SetCue(c) => self.pending.cue = Some(c),
            Command::Start { at_s } => {
                let at = if at_s.is_finite() { at_s.max(0.0) } else { 0.0 };
                self.pending.start = Some((at, self.clock));
                self.pending.stop = false;
            }
            Command::Stop => {
                self.pending.start = None;
                self.pending.stop = true;
            }
        }
    }

    /// Applies pending changes; only called while the output is silent.
    fn apply_pending(&mut self) {
        let p = std::mem::take(&mut self.pending);
        if let Some(pattern) = p.pattern {
            self.settings.pattern = pattern;
        }
        if let Some(cue) = p.cue {
            self.settings.cue = cue;
        }
        if p.stop {
            self.run = None;
        }
        if let Some((at_s, asked)) = p.start {
            // Count the fade-out wait, so the pacer stays on the asker's clock.
            self.run = Some(Run {
                origin_clock: self.clock,
                origin_s: at_s + (self.clock - asked) as f64 / self.rate,
            });
        }
        self.last_phase = None;
        self.chimes.clear();
    }

    /// Renders the next sample.
    pub fn next_sample(&mut self) -> f32 {
        let busy = self.pending.any();
        let target = if self.run.is_some() && !busy && !self.settings.muted {
            f64::from(self.settings.volume)
        } else {
            0.0
        };
        if self.gain < target {
            self.gain = (self.gain + self.gain_step).min(target);
        } else if self.gain > target {
            self.gain = (self.gain - self.gain_step).max(target);
        }
        if busy && self.gain <= 0.0 {
            self.apply_pending();
        }
        let y = match self.pacer_time_s() {
            Some(t) => self.cue_sample(t),
            None => 0.0,
        };
        self.clock += 1;
        (y * self.gain) as f32
    }

    fn cue_sample(&mut self, t: f64) -> f64 {
        let st = self.settings.pattern.state_at(t);
        match self.settings.cue {
            CueStyle::Tone => self.tone.next(&st, self.rate),
            CueStyle::Chime => {
                let key = (st.cycle_index, st.phase);
                if self.last_phase != Some(key) {
                    let fresh = self.last_phase.is_some() || t - st.phase_start_s < ONSET_GRACE_S;
                    if let (true, Some(f)) = (fresh, chime_pitch(st.phase)) {
                        self.chimes.trigger(f);
                    }
                    self.last_phase = Some(key);
                }
                self.chimes.next(self.rate)
            }
        }
    }

    /// Fills `out` with the next samples.
    pub fn render(&mut self, out: &mut [f32]) {
        for x in out {
            *x = self.next_sample();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(cue: CueStyle, pattern: &str) -> Synth {
        let mut s = Synth::new(
            8000,
            SynthSettings {
                pattern: Pattern::parse(pattern).unwrap(),
                cue,
                volume: 1.0,
                muted: false,
            },
        );
        s.apply(Command::Start { at_s: 0.0 });
        s
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn silent_until_started() {
        let mut s = Synth::new(8000, SynthSettings::default());
        let mut buf = vec![1.0; 800];
        s.render(&mut buf);
        assert!(buf.iter().all(|x| *x == 0.0));
        assert_eq!(s.pacer_time_s(), None);
    }

    #[test]
    fn stop_fades_out_and_stays_silent() {
        let mut s = running(CueStyle::Tone, "6");
        let mut buf = vec![0.0; 8000];
        s.render(&mut buf);
        assert!(rms(&buf) > 0.1);
        s.apply(Command::Stop);
        s.render(&mut buf);
        let ramp = (GAIN_RAMP_S * 8000.0) as usize + 2;
        assert!(buf[ramp..].iter().all(|x| *x == 0.0));
        assert!(buf[..ramp].iter().any(|x| *x != 0.0));
        assert_eq!(s.pacer_time_s(), None);
    }

    #[test]
    fn restart_keeps_the_askers_clock() {
        let mut s = running(CueStyle::Tone, "6");
        let mut buf = vec![0.0; 4000];
        s.render(&mut buf);
        s.apply(Command::Start { at_s: 20.0 });
        s.render(&mut buf);
        // The restart waited for a fade, but pacer time counts from the ask.
        let t = s.pacer_time_s().unwrap();
        assert!((t - 20.5).abs() < 1e-9, "{t}");
    }

    #[test]
    fn mute_and_volume_ramp() {
        let mut s = running(CueStyle::Tone, "6");
        let mut buf = vec![0.0; 4000];
        s.render(&mut buf);
        let loud = rms(&buf[2000..]);
        s.apply(Command::SetVolume(0.25));
        s.render(&mut buf);
        let soft = rms(&buf[2000..]);
        assert!((soft / loud - 0.25).abs() < 0.03, "{loud} {soft}");
        s.apply(Command::SetMute(true));
        s.render(&mut buf);
        assert!(buf[200..].iter().all(|x| *x == 0.0));
        // Still running: unmuting brings the sound back.
        s.apply(Command::SetMute(false));
        s.render(&mut buf);
        assert!(rms(&buf[200..]) > 0.01);
    }

    #[test]
    fn chimes_once_per_inhale_and_exhale() {
        let mut s = running(CueStyle::Chime, "1-1.5");
        let mut buf = vec![0.0; 8000 * 5];
        s.render(&mut buf);
        // Onsets: samples above a threshold after 0.3 s below it.
        let mut onsets = vec![];
        let mut quiet = usize::MAX / 2;
        for (i, x) in buf.iter().enumerate() {
            if x.abs() > 0.02 {
                if quiet > 2400 {
                    onsets.push(i);
                }
                quiet = 0;
            } else {
                quiet += 1;
            }
        }
        assert_eq!(onsets.len(), 4, "{onsets:?}");
        for (got, want) in onsets.iter().zip([0.0, 1.0, 2.5, 3.5]) {
            assert!((*got as f64 / 8000.0 - want).abs() < 0.005, "{onsets:?}");
        }
    }

    #[test]
    fn invalid_pattern_is_ignored() {
        let mut s = running(CueStyle::Tone, "6");
        s.apply(Command::SetPattern(Pattern::Rate(0.0)));
        let mut buf = vec![0.0; 100];
        s.render(&mut buf);
        assert_eq!(s.settings().pattern, Pattern::Rate(6.0));
    }
}
