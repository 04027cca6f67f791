//! Settings that persist between runs (eframe storage, RON).

use crate::audio::CueStyle;
use crate::device::virtual_sensor::VirtualParams;
use crate::device::virtual_source::VirtualConfig;
use crate::live::SourceChoice;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Key of the settings in eframe's storage.
pub const KEY: &str = "breathband-settings";

/// Everything the app remembers. Unknown or missing fields fall back to
/// defaults, so old settings always load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: SourceSettings,
    pub traces: TracesView,
    /// Pacer pattern in the `pacer` notation (`6`, `4-7-8`, `4-4-4-4`, ...).
    pub pattern: String,
    /// How the cues sound (stored as `tone` or `chime`; an unknown name
    /// reads as the default).
    #[serde(deserialize_with = "lenient_cue")]
    pub cue: CueStyle,
    /// 0..1.
    pub volume: f32,
    pub muted: bool,
    /// The one-time disclaimer was acknowledged.
    pub disclaimer_seen: bool,
    /// Length of a guided practice, minutes (3 to 10).
    pub practice_minutes: f64,
    /// Band gains measured side by side, by sensor (its device id), reused
    /// by later sessions with the same sensor.
    pub calibrations: super::calibrations::Calibrations,
    /// Size of everything on screen, 0.8 to 2 (1 = normal).
    pub text_scale: f32,
    /// Light or dark.
    pub theme: Theme,
}

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// Allowed sizes of [`Settings::text_scale`].
pub const TEXT_SCALE_RANGE: (f32, f32) = (0.8, 2.0);

impl Default for Settings {
    fn default() -> Self {
        Self {
            source: SourceSettings::default(),
            traces: TracesView::default(),
            pattern: "6".into(),
            cue: CueStyle::Tone,
            volume: 0.5,
            muted: false,
            disclaimer_seen: false,
            practice_minutes: 5.0,
            calibrations: Default::default(),
            text_scale: 1.0,
            theme: Theme::Dark,
        }
    }
}

/// Which kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceKind {
    Virtual,
    Port,
    Replay,
}

/// Source settings (persisted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceSettings {
    pub kind: SourceKind,
    pub port: String,
    /// The port has a BITalino (r)evolution, not a breathband board.
    pub bitalino: bool,
    /// The BITalino's analog channels of the chest and the belly (0 = A1).
    pub bitalino_channels: [usize; 2],
    pub replay_path: String,
    pub replay_speed: f64,
    pub virtual_rate_hz: f64,
    pub virtual_params: VirtualParams,
    /// Scheduled changes and seed of the virtual sensor (from the command
    /// line; not persisted).
    #[serde(skip)]
    pub virtual_schedule: crate::device::schedule::Schedule,
    #[serde(skip)]
    pub virtual_seed: u64,
}

impl Default for SourceSettings {
    fn default() -> Self {
        Self {
            kind: SourceKind::Virtual,
            port: String::new(),
            bitalino: false,
            bitalino_channels: [0, 1],
            replay_path: String::new(),
            replay_speed: 1.0,
            virtual_rate_hz: 100.0,
            virtual_params: VirtualParams::default(),
            virtual_schedule: Default::default(),
            virtual_seed: 1,
        }
    }
}

/// Source settings that do not yet name a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SourceIncomplete {
    #[error("choose a serial port first")]
    NoPort,
    #[error("the chest and the belly need two different BITalino channels")]
    SameChannel,
    #[error("enter the path of a session folder or CSV to replay")]
    NoReplayPath,
}

impl SourceSettings {
    /// The source these settings describe.
    pub fn choice(&self) -> Result<SourceChoice, SourceIncomplete> {
        match self.kind {
            SourceKind::Virtual => Ok(SourceChoice::Virtual(VirtualConfig {
                sample_rate_hz: self.virtual_rate_hz,
                params: self.virtual_params.clone(),
                schedule: self.virtual_schedule.clone(),
                seed: self.virtual_seed,
            })),
            SourceKind::Port if self.port.trim().is_empty() => Err(SourceIncomplete::NoPort),
            SourceKind::Port
                if self.bitalino && self.bitalino_channels[0] == self.bitalino_channels[1] =>
            {
                Err(SourceIncomplete::SameChannel)
            }
            SourceKind::Port => Ok(SourceChoice::Port {
                path: self.port.clone(),
                text_rate: None,
                bitalino: self.bitalino.then_some(self.bitalino_channels),
            }),
            SourceKind::Replay if self.replay_path.trim().is_empty() => {
                Err(SourceIncomplete::NoReplayPath)
            }
            SourceKind::Replay => Ok(SourceChoice::Replay {
                path: PathBuf::from(self.replay_path.trim()),
                speed: self.replay_speed,
            }),
        }
    }
}

/// What the traces show when paused: the newest time and each band's
/// offset, as they were at the pause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frozen {
    pub now_s: f64,
    pub chest_mean: f64,
    pub belly_mean: f64,
}

/// Settings of the traces view (persisted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TracesView {
    /// Visible span, s (10, 30 or 60).
    pub span_s: f64,
    /// Frozen for scroll-back.
    #[serde(skip)]
    pub paused: bool,
    /// The view at the moment of the pause (set while paused).
    #[serde(skip)]
    pub frozen: Option<Frozen>,
    /// Height the plot (with its axes and legend) last took, points.
    #[serde(skip)]
    pub shown_height: f32,
}

impl Default for TracesView {
    fn default() -> Self {
        Self {
            span_s: 30.0,
            paused: false,
            frozen: None,
            shown_height: 0.0,
        }
    }
}

/// A cue style, or the default for a name this version does not know.
fn lenient_cue<'de, D: serde::Deserializer<'de>>(d: D) -> Result<CueStyle, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.parse().unwrap_or_default())
}

#[cfg(test)]
mod cue_tests {
    use super::*;

    #[test]
    fn the_cue_is_stored_by_name_and_an_unknown_one_falls_back() {
        let s = Settings {
            cue: CueStyle::Chime,
            ..Default::default()
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["cue"], "chime");
        let back: Settings = serde_json::from_value(v).unwrap();
        assert_eq!(back.cue, CueStyle::Chime);
        let old = serde_json::json!({"cue": "bogus", "volume": 0.25});
        let s: Settings = serde_json::from_value(old).unwrap();
        assert_eq!((s.cue, s.volume), (CueStyle::Tone, 0.25));
    }
}
