//! Breathing analysis: pure signal logic, no I/O. Imports the sample type
//! only (the `live` thread wrapper included); never device, session or UI.
//!
//! The path of a sample: [`decimate`] (to about 12.5 Hz, gaps filled) ->
//! [`spectrum`] per window (rate, amplitudes, phase, coherence) and
//! [`breaths`] per breath (inhale start = trough) -> [`classify`] (belly,
//! chest, mixed, paradoxical, no signal) and [`safety`] -> [`engine`], which
//! runs them all as one stream. [`offline`] runs the engine over a whole
//! file for `breathband analyze`; [`calibration`] turns raw counts into
//! comparable units.

pub mod breaths;
pub mod calibration;
pub mod checks;
pub mod classify;
pub mod config;
pub mod decimate;
pub mod engine;
pub mod live;
pub mod offline;
pub mod safety;
pub mod spectrum;
pub mod window;

pub use calibration::Gains;
pub use classify::Class;
pub use config::{AnalysisConfig, SafetyLimits, Thresholds};
pub use engine::{Engine, Output};
pub use safety::{EventKind, SafetyEvent};
pub use window::{Breath, NoSignalReason, WindowResult};
