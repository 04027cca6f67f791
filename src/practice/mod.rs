//! The guided practice, pure: its steps (flow), what it tells the person
//! (checks), the record kept in `session.json`, its summary, the trend
//! against earlier sessions and the journal. Imports analysis and sample
//! only: no I/O, no clock, no threads.

pub mod checks;
pub mod demo;
pub mod flow;
pub mod journal;
pub mod record;
pub mod runner;
pub mod summary;
pub mod trends;
