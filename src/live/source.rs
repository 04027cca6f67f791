//! Which source the live pipeline reads, opened on the pipeline thread.

use crate::device::bitalino::source::{BitalinoConfig, BitalinoSource};
use crate::device::replay::ReplaySource;
use crate::device::serial_link::{SerialConfig, SerialSource};
use crate::device::virtual_sensor::VirtualParams;
use crate::device::virtual_source::{VirtualConfig, VirtualSource};
use crate::device::Source;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

/// Where the live signal comes from.
#[derive(Debug, Clone)]
pub enum SourceChoice {
    Virtual(VirtualConfig),
    Port {
        path: String,
        text_rate: Option<f64>,
        /// A BITalino, with the analog channels of the chest and the belly
        /// (0 = A1); None: our board or text lines.
        bitalino: Option<[usize; 2]>,
    },
    Replay {
        path: PathBuf,
        speed: f64,
    },
}

impl SourceChoice {
    /// Opens the source. Called on the pipeline thread: a replay reads its
    /// file here, so the UI never waits on it. `controls` steers a virtual
    /// sensor (unused by the others).
    pub fn open(&self, controls: Receiver<VirtualParams>) -> Result<Box<dyn Source>, String> {
        Ok(match self {
            SourceChoice::Virtual(cfg) => {
                Box::new(VirtualSource::new(cfg.clone()).with_controls(controls))
            }
            SourceChoice::Port {
                path,
                bitalino: Some(channels),
                ..
            } => {
                let mut c = BitalinoConfig::new(path);
                c.channels = *channels;
                Box::new(BitalinoSource::new(c))
            }
            SourceChoice::Port {
                path, text_rate, ..
            } => {
                let mut c = SerialConfig::new(path);
                c.text_rate_hz = *text_rate;
                Box::new(SerialSource::new(c))
            }
            SourceChoice::Replay { path, speed } => Box::new(
                ReplaySource::open(path, *speed)
                    .map_err(|e| format!("cannot replay {}: {e}", path.display()))?,
            ),
        })
    }
}

/// Opens a source on the pipeline thread.
pub(crate) type Opener =
    Box<dyn FnOnce(Receiver<VirtualParams>) -> Result<Box<dyn Source>, String> + Send>;
