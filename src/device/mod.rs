//! Where samples come from: the serial sensor, the built-in virtual sensor, or
//! a replayed recording. All three implement [`Source`], which the
//! acquisition thread polls. Also the link counters and the band CSV input
//! format (replay, `analyze`). Imports the sample type, the pacer's
//! patterns (virtual sensor) and the protocol crate; nothing above.

pub mod band_csv;
pub mod bitalino;
pub mod counters;
pub mod csv_records;
pub mod port_match;
pub mod ports;
#[cfg(unix)]
pub mod pty_sim;
pub mod read_ahead;
pub mod replay;
pub mod schedule;
pub mod serial_link;
#[cfg(unix)]
mod sim_board;
pub mod text_lines;
pub mod virtual_sensor;
pub mod virtual_source;

pub use counters::{CounterSnapshot, Counters};
use serde::{Deserialize, Serialize};

/// How one band's raw counts map to a physical unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelMeta {
    pub name: String,
    pub unit: String,
    /// `value = count * scale + offset`.
    pub scale: f64,
    pub offset: f64,
    /// Largest count of the converter, if known (0 and this are clipped).
    pub full_scale: Option<u32>,
}

impl ChannelMeta {
    /// A raw channel with unit "raw" and no known converter range.
    pub fn raw(name: &str) -> Self {
        Self {
            name: name.into(),
            unit: "raw".into(),
            scale: 1.0,
            offset: 0.0,
            full_scale: None,
        }
    }
}

/// What the app knows about the device behind a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// `serial`, `virtual` or `replay`.
    pub kind: String,
    /// Port path or replayed file, if any.
    pub path: Option<String>,
    /// `breathband-v1`, `text`, `virtual` or `replay`.
    pub protocol: String,
    pub firmware_version: Option<String>,
    /// Device unique id (hex), if the device has one.
    pub device_id: Option<String>,
    pub usb_serial_number: Option<String>,
    pub usb_product: Option<String>,
    pub sample_rate_hz: f64,
    /// True when the rate was estimated from arrival times (text mode).
    pub rate_estimated: bool,
    /// Chest band, then belly band.
    pub channels: [ChannelMeta; 2],
}

impl DeviceInfo {
    /// (scale, unit) of the chest and belly channels.
    pub fn scales(&self) -> [(f64, &str); 2] {
        self.channels.each_ref().map(|c| (c.scale, c.unit.as_str()))
    }
}

/// Why a source could not deliver.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The link is gone or silent; the reader may reconnect.
    #[error("link lost: {0}")]
    LinkLost(String),
    /// A replay reached its end.
    #[error("end of recording")]
    Ended,
    /// Cannot continue (wrong protocol version, unreadable file, ...).
    #[error("{0}")]
    Fatal(String),
}

/// Receives what a source produces; implemented by the acquisition thread.
pub trait BlockSink {
    /// The device (re)described itself. Always called before the first block.
    fn info(&mut self, info: DeviceInfo);
    /// Consecutive sample pairs `[chest, belly]`. `device_first` is the
    /// device's index of the first pair when the source has one.
    fn block(&mut self, device_first: Option<u32>, flags: u8, pairs: &[[i32; 2]]);
}

/// A stream of samples, polled by the acquisition thread.
pub trait Source: Send {
    /// Waits briefly (tens of ms at most) for data and hands it to `sink`.
    fn poll(&mut self, sink: &mut dyn BlockSink, counters: &Counters) -> Result<(), SourceError>;
    /// Tries once to re-establish a lost link. `Ok` when connected again.
    fn reconnect(&mut self, _counters: &Counters) -> Result<(), SourceError> {
        Err(SourceError::Fatal("this source cannot reconnect".into()))
    }
    /// Asks the device to stop streaming (best effort, on shutdown).
    fn stop(&mut self) {}
    /// A short description for messages, e.g. the port path.
    fn describe(&self) -> String;
}
