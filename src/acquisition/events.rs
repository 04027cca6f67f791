//! What the reader thread tells its consumer besides samples, and what it
//! does when the consumer falls behind.

use crate::device::DeviceInfo;

/// What happens when the consumer falls behind and the ring is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowPolicy {
    /// Live sources: drop the newest samples and count them (never block).
    DropNewest,
    /// Unpaced replay: wait for room (nothing is real-time).
    Wait,
}

/// Things the consumer should know about, besides samples.
#[derive(Debug, Clone, PartialEq)]
pub enum AcqEvent {
    /// The device described itself (first connection, or again after a reset).
    Connected(Box<DeviceInfo>),
    /// Samples were lost before session index `at_index`.
    Gap {
        at_index: u64,
        lost: u64,
        /// The count comes from the host clock (device restarted).
        estimated: bool,
    },
    /// The link dropped; reconnect attempts follow.
    LinkLost(String),
    /// The link is back.
    Reconnected,
    /// Something odd but not fatal.
    Warning(String),
    /// A replay ended.
    Finished,
    /// The source cannot go on.
    Failed(String),
}
