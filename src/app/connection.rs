//! The app's link to the live pipeline: the running one, and those stopped
//! (disconnect, another source) that are still closing their session folder
//! on their own threads, whose last messages are still read.

use super::live_data::LiveData;
use crate::live::{PipeCmd, PipeMsg, Pipeline, SourceChoice};
use crate::session::meta::SessionMeta;
use std::sync::mpsc::TryRecvError;

/// The running pipeline and the closing ones.
#[derive(Default)]
pub struct Connection {
    pub pipeline: Option<Pipeline>,
    closing: Vec<Pipeline>,
    /// Device seconds per real second of the source (a replay's speed).
    pub device_speed: f64,
}

impl Connection {
    /// Opens `choice` (the current pipeline closes first). Never waits: the
    /// new pipeline opens its source on its own thread; `repaint` is called
    /// whenever it has something new.
    pub fn open(&mut self, choice: &SourceChoice, repaint: Option<egui::Context>) {
        self.close();
        self.device_speed = match choice {
            SourceChoice::Replay { speed, .. } => *speed,
            _ => 1.0,
        };
        // A replayed session reads with the gains it was recorded with.
        let gains = match choice {
            SourceChoice::Replay { path, .. } => SessionMeta::gains_of(path),
            _ => None,
        };
        self.pipeline = Some(Pipeline::start(choice, gains, move || {
            if let Some(c) = &repaint {
                c.request_repaint();
            }
        }));
    }

    /// Stops the pipeline; it goes on closing its session folder, and the
    /// message that it did still reaches [`Self::drain_closing`].
    pub fn close(&mut self) {
        if let Some(p) = self.pipeline.take() {
            p.stop();
            self.closing.push(p);
        }
    }

    /// True while a pipeline runs.
    pub fn is_open(&self) -> bool {
        self.pipeline.is_some()
    }

    /// Sends a command to the running pipeline, if any.
    pub fn command(&self, cmd: PipeCmd) {
        if let Some(p) = &self.pipeline {
            p.command(cmd);
        }
    }

    /// Reads the last messages of stopped pipelines (a session folder
    /// closed, or failing to) into `data`; drops each once its thread has
    /// ended. True if a session folder was closed.
    pub fn drain_closing(&mut self, data: &mut LiveData) -> bool {
        let mut ended = false;
        self.closing.retain(|p| loop {
            match p.msgs.try_recv() {
                Ok(m @ (PipeMsg::RecordingEnded { .. } | PipeMsg::RecordingFailed(_))) => {
                    ended |= matches!(m, PipeMsg::RecordingEnded { .. });
                    data.apply(m);
                }
                Ok(_) => {}
                Err(TryRecvError::Empty) => break true,
                Err(TryRecvError::Disconnected) => break false,
            }
        });
        ended
    }
}
