//! The app's panels: each a small piece of UI that reads state and returns
//! what the person asked for (an [`crate::app::command::AppCommand`] or a
//! panel action); none starts a thread. Import app state types, analysis and
//! practice types; never the pipeline.

pub mod appearance;
pub mod breath_strip;
pub mod calendar_view;
pub mod calm_practice;
pub mod checkin_form;
pub mod disclaimer;
pub mod gains_note;
pub mod gauge;
pub mod history_view;
pub mod journal_view;
pub mod loop_view;
pub mod pacer_controls;
pub mod pacer_view;
pub mod plan_editor;
pub mod practice_view;
pub mod source_picker;
pub mod status;
pub mod top_bar;
pub mod traces;
pub mod trends_view;
