//! One timestamped sample pair as it travels from a source to consumers.
//! A leaf: imports nothing of the crate.

/// Bits of [`Sample::flags`] (the `flags` column of `samples.csv`).
pub mod flags {
    /// Chest count at a converter rail (0 or full scale).
    pub const CHEST_CLIPPED: u8 = 1 << 0;
    /// Belly count at a converter rail.
    pub const BELLY_CLIPPED: u8 = 1 << 1;
    /// The device reported a buffer overrun before this sample.
    pub const DEVICE_OVERRUN: u8 = 1 << 2;
    /// The device reported the chest band disconnected.
    pub const CHEST_DISCONNECTED: u8 = 1 << 3;
    /// The device reported the belly band disconnected.
    pub const BELLY_DISCONNECTED: u8 = 1 << 4;
    /// Samples were lost right before this one (see the session's gaps).
    pub const GAP_BEFORE: u8 = 1 << 5;
    /// First sample after the link was re-established.
    pub const RECONNECTED: u8 = 1 << 6;
    /// Index estimated from the host clock (device reset, or text mode).
    pub const INDEX_ESTIMATED: u8 = 1 << 7;
}

/// A sample pair with its session sample index (device clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sample {
    /// Running index in the session; `time_s = index / sample_rate_hz`.
    pub index: u64,
    /// Raw chest band count.
    pub chest: i32,
    /// Raw belly band count.
    pub belly: i32,
    /// See [`flags`].
    pub flags: u8,
}
