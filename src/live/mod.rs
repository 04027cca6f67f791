//! The live path, one for `breathband record` and the app: a source opened
//! on its own thread, every sample fanned out to the session writer, the
//! live analysis and the display, and the messages back to the UI.
//! Imports acquisition, analysis, device and session; never app or cli.

mod averager;
pub mod fanout;
pub mod messages;
pub mod pipeline;
pub mod record;
pub mod source;

pub use fanout::Fanout;
pub use messages::{DisplayPoint, PipeCmd, PipeMsg, DISPLAY_HZ};
pub use pipeline::{running_threads, wait_for_all, Pipeline, DISPLAY_RING};
pub use record::{record, RecordError, RecordOptions, RecordOutcome};
pub use source::SourceChoice;
