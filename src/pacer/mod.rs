//! Breathing patterns and the pacer schedule (pure logic). A leaf: imports
//! nothing of the crate.
//!
//! - [`pattern`]: the patterns and their notation (`6`, `4-7-8`, `box`, ...)
//! - [`schedule`]: phase, seconds left and fill at any moment
//! - [`sync`]: the measured breathing against the pacer

mod lengthen;
pub mod pattern;
pub mod schedule;
pub mod sync;

pub use pattern::{Cycle, Lengthen, Pattern, PatternError};
pub use schedule::{PacerState, Phase, PhaseStarts};
pub use sync::{compare, SyncReport, SyncStatus};
