//! The reader thread: owns a [`Source`](crate::device::Source), places its
//! samples on one continuous session index, keeps counters, reconnects, and
//! hands samples to one consumer through a bounded lock-free SPSC ring.

pub mod continuity;
pub mod counters;
pub mod pump;
pub mod reader;
pub mod sample;

pub use counters::{CounterSnapshot, Counters};
pub use reader::{AcqConfig, AcqEvent, Acquisition, OverflowPolicy};
pub use sample::{flags, Sample};
