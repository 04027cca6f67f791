//! The multi-week program: the person's plan, daily check-ins, adherence
//! to the plan, trends and reminders. May use `session` and `practice`.

pub mod adherence;
pub mod checkin;
pub mod plan;
pub mod remind;
pub mod remind_install;
pub mod report_data;
pub mod snapshot;
pub mod store;
pub mod trends;
