//! The reader thread: owns a [`Source`](crate::device::Source), places its
//! samples on one continuous session index, keeps counters, reconnects, and
//! hands samples to one consumer through a bounded lock-free SPSC ring.
//! Imports the device layer and the sample type; nothing above.

pub mod continuity;
pub mod events;
pub mod pump;
pub mod reader;

pub use crate::device::{CounterSnapshot, Counters};
pub use crate::sample::{flags, Sample};
pub use events::{AcqEvent, OverflowPolicy};
pub use reader::{AcqConfig, Acquisition};
