//! What the live pipeline and the UI tell each other.

use crate::analysis::{Gains, Output};
use crate::device::DeviceInfo;
use crate::session::meta::SessionStatus;
use crate::session::writer::SessionTarget;
use std::path::PathBuf;

/// Display rate of the traces, Hz.
pub const DISPLAY_HZ: f64 = 25.0;

/// One point of the traces, calibrated units, at about 25 Hz.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DisplayPoint {
    pub t_s: f64,
    pub chest: f64,
    pub belly: f64,
}

/// What the pipeline tells the UI.
#[derive(Debug, Clone)]
pub enum PipeMsg {
    Connected(Box<DeviceInfo>, Gains),
    Analysis(Output),
    LinkLost(String),
    Reconnected,
    Gap {
        time_s: f64,
        lost: u64,
    },
    Warning(String),
    /// A replay reached its end.
    Finished,
    /// The source cannot go on (or could not start).
    Failed(String),
    /// A session folder is being written.
    RecordingStarted(PathBuf),
    /// The session folder was closed (with the first error, if any).
    RecordingEnded {
        dir: PathBuf,
        error: Option<String>,
    },
    /// Recording could not start or had to stop.
    RecordingFailed(String),
    /// The band gains in use changed (after [`PipeCmd::SetGains`]).
    GainsChanged(Gains),
}

impl PipeMsg {
    /// Analysis output may be dropped when the UI has not read for
    /// minutes (it is recorded in the session anyway); nothing else may.
    pub fn expendable(&self) -> bool {
        matches!(self, PipeMsg::Analysis(_))
    }
}

/// What the UI asks of the pipeline.
#[derive(Debug, Clone)]
pub enum PipeCmd {
    /// Write everything from now on into a new session folder.
    StartRecording(SessionTarget),
    /// Replace the practice record in `session.json` (written at the next flush).
    SetPractice(Box<crate::practice::record::Practice>),
    /// Close the session folder.
    StopRecording {
        status: SessionStatus,
        reason: String,
    },
    /// The person's baseline tidal excursion for the over-breathing check.
    SetBaseline(Option<f64>),
    /// New band gains (a calibration): the analysis restarts with them, the
    /// traces use them, and the session records them.
    SetGains(Gains),
}
