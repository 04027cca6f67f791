//! Session folders: where they live, the live CSV writers, the metadata, and
//! the recorder thread that drains acquisition into them.

pub mod band_csv;
pub mod folder;
pub mod meta;
pub mod recorder;
pub mod results_csv;
pub mod row_file;
pub mod samples_csv;
