//! What the UI can ask of the cue synth: small `Copy` values that travel
//! through a lock-free queue to the audio callback.

use crate::pacer::Pattern;
use std::fmt;
use std::str::FromStr;

/// How the cues sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CueStyle {
    /// A soft continuous tone: pitch rises through the inhale, falls through
    /// the exhale, silent during holds.
    #[default]
    Tone,
    /// A short chime at the start of each inhale (higher) and exhale (lower),
    /// for practice with the eyes closed.
    Chime,
}

/// Stored by name (`tone`, `chime`), as the settings always were.
impl serde::Serialize for CueStyle {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CueStyle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for CueStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tone" => Ok(CueStyle::Tone),
            "chime" => Ok(CueStyle::Chime),
            other => Err(format!("unknown cue style `{other}`: use tone or chime")),
        }
    }
}

impl fmt::Display for CueStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CueStyle::Tone => "tone",
            CueStyle::Chime => "chime",
        })
    }
}

/// A command to the synth. Changes that would jump the sound (pattern, cue,
/// start, stop) wait for a short fade to silence; volume and mute ramp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Command {
    /// Use this pattern (invalid patterns are ignored).
    SetPattern(Pattern),
    /// Start (or restart) the pacer at pacer time `at_s`, as of when the
    /// command is taken.
    Start {
        at_s: f64,
    },
    /// Fade out and stop.
    Stop,
    /// Volume 0..1 (amplitude, linear).
    SetVolume(f32),
    SetMute(bool),
    SetCue(CueStyle),
}
