//! Pacing cues: the synth (pure) and the cpal output thread. Imports the
//! pacer only.
//!
//! - [`command`]: cue styles and the commands the UI sends
//! - [`voices`], [`synth`]: the cue sounds and the synth that plays a pattern
//! - [`wav`]: offline rendering to a WAV file (`breathband pacer`)
//! - [`output`]: the audio thread that owns the cpal stream

pub mod command;
pub mod output;
mod status;
mod stream;
pub mod synth;
pub mod voices;
pub mod wav;

pub use command::{Command, CueStyle};
pub use output::{AudioOutput, QueueFull};
pub use status::AudioStatus;
pub use synth::{Synth, SynthSettings};
