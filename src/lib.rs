//! breathband: a breathing-pattern trainer for two stretch bands (chest and
//! belly). The data path follows the folder layout:
//!
//! - [`device`]: where samples come from (serial sensor, virtual sensor, replay)
//! - [`acquisition`]: the reader thread, continuity, counters, ring buffer
//! - [`live`]: the one live pipeline: samples to the session, the analysis and the display
//! - [`session`]: the session folder, live CSV writer, metadata
//! - [`cli`]: the command line
//! - [`report`]: the therapist report PDF
//!
//! breathband is a training aid, not a medical device.

pub mod acquisition;
pub mod analysis;
pub mod app;
pub mod audio;
pub mod cli;
pub mod device;
pub mod live;
pub mod outbox;
pub mod pacer;
pub mod practice;
pub mod program;
pub mod report;
pub mod sample;
pub mod session;
