//! `breathband pacer`: renders the pacing cues of a pattern to a WAV file,
//! with the same synth as the app's live sound.

use crate::audio::wav::write_wav;
use crate::audio::{CueStyle, SynthSettings};
use crate::pacer::Pattern;
use crate::session::folder::check_output;
use anyhow::{bail, Context};
use std::path::PathBuf;

const PATTERNS_HELP: &str = "\
Patterns (--pattern):
  6          6 breaths/min: 4 s in, 6 s out (default)
  5.5        5.5 breaths/min: 4.4 s in, 6.5 s out
  N          any rate from 1 to 30 breaths/min, 2 parts in to 3 parts out
  4-7-8      4 s in, 7 s hold, 8 s out
  box        4 s in, 4 s hold, 4 s out, 4 s hold (same as 4-4-4-4)
  IN-OUT, IN-HOLD-OUT, IN-HOLD-OUT-HOLD
             your own phase lengths in seconds, e.g. 4-6, 3-1-5, 4-2-6-2
             (inhale and exhale 0.5 to 60 s, holds 0 to 60 s)
  lengthen   lengthening exhale: from 12 to 6 breaths/min over 5 minutes,
             the exhale growing from equal to the inhale to 1.5 times it
  lengthen:FROM-TO:MINUTES
             the same with your own rates and ramp, e.g. lengthen:10-6:8

Cues (--cue):
  tone       a soft tone that rises in pitch through the inhale and falls
             through the exhale, silent during holds
  chime      a short chime when the inhale starts (higher) and when the
             exhale starts (lower), for practice with the eyes closed";

/// Cue style on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cue {
    Tone,
    Chime,
}

impl From<Cue> for CueStyle {
    fn from(c: Cue) -> Self {
        match c {
            Cue::Tone => CueStyle::Tone,
            Cue::Chime => CueStyle::Chime,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = PATTERNS_HELP)]
pub struct PacerArgs {
    /// Breathing pattern: a name or phase lengths in seconds (list below).
    #[arg(long, short, default_value = "6", value_name = "P")]
    pattern: String,
    /// How the cues sound.
    #[arg(long, value_enum, default_value_t = Cue::Tone)]
    cue: Cue,
    /// Length of the recording, s (up to 4 hours).
    #[arg(
        long,
        default_value_t = 60.0,
        value_name = "N",
        allow_negative_numbers = true
    )]
    seconds: f64,
    /// WAV file to write: mono, 16-bit.
    #[arg(long, value_name = "FILE")]
    wav: PathBuf,
    /// Volume, 0 to 1.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "V",
        allow_negative_numbers = true
    )]
    volume: f32,
    /// Write silence of the same length (as the app does when muted).
    #[arg(long)]
    mute: bool,
    /// Sample rate of the WAV file, Hz (8000 to 192000).
    #[arg(long, default_value_t = 44_100, value_name = "HZ")]
    sample_rate: u32,
}

pub fn run(a: PacerArgs) -> anyhow::Result<()> {
    let pattern = Pattern::parse(&a.pattern).context("--pattern")?;
    if !(a.seconds.is_finite() && a.seconds > 0.0 && a.seconds <= 4.0 * 3600.0) {
        bail!(
            "--seconds {} is out of range (more than 0, up to 14400)",
            a.seconds
        );
    }
    if !(a.volume.is_finite() && (0.0..=1.0).contains(&a.volume)) {
        bail!("--volume {} is out of range (0 to 1)", a.volume);
    }
    if !(8_000..=192_000).contains(&a.sample_rate) {
        bail!(
            "--sample-rate {} is out of range (8000 to 192000 Hz)",
            a.sample_rate
        );
    }
    let settings = SynthSettings {
        pattern,
        cue: a.cue.into(),
        volume: a.volume,
        muted: a.mute,
    };
    check_output(&a.wav, &[])?;
    let n = write_wav(&a.wav, settings, a.sample_rate, a.seconds)?;
    super::say(format_args!(
        "wrote {}: {:.1} s of {} cues at {} Hz, {}",
        a.wav.display(),
        n as f64 / f64::from(a.sample_rate),
        settings.cue,
        a.sample_rate,
        pattern.describe()
    ));
    Ok(())
}
