//! What the panels ask the app to do: one enum, carried out by the app
//! after the frame is laid out. Panels never start threads themselves.

use super::panels::history_view::HistoryAction;
use super::panels::pacer_controls::PacerSetting;
use super::panels::pacer_view::PacerAction;
use super::panels::source_picker::SourceCommand;
use crate::practice::runner::PracticeAction;

/// A request from a panel.
#[derive(Debug, Clone, PartialEq)]
pub enum AppCommand {
    Source(SourceCommand),
    Pacer(PacerAction),
    PacerSetting(PacerSetting),
    Practice(PracticeAction),
    History(HistoryAction),
    StartPractice,
    /// "Stop - I feel dizzy" (the button or Esc).
    StopDizzy,
    /// The journal of the guided session was edited.
    JournalEdited,
    /// Back to the sensor's own scale; the saved calibration is forgotten.
    ResetCalibration,
}
