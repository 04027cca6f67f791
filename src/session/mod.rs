//! Session folders: where they live, the session writer and its CSV files,
//! the metadata, history and export. Imports acquisition, analysis and
//! device types and the practice record; never the live pipeline, the app
//! or the CLI.

pub mod edf;
pub mod export;
pub mod folder;
pub mod history;
pub mod meta;
pub mod results_csv;
pub mod row_file;
pub mod samples_csv;
pub mod writer;
