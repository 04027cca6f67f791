//! Session folders: where they live, the live CSV writer, the metadata, and
//! the recorder thread that drains acquisition into them.

pub mod band_csv;
pub mod folder;
pub mod meta;
pub mod recorder;
pub mod samples_csv;
