//! Session folders: where they live, the live CSV writers, the metadata, and
//! the recorder thread that drains acquisition into them.

pub mod adherence;
pub mod band_csv;
pub mod csv_records;
pub mod export;
pub mod folder;
pub mod history;
pub mod journal;
pub mod meta;
pub mod practice;
pub mod read_ahead;
pub mod recorder;
pub mod results_csv;
pub mod row_file;
pub mod samples_csv;
