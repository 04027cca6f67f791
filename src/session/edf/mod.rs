//! EDF+ (European Data Format) in and out: a session as an EDF+C file for
//! EDFbrowser and physiology toolboxes, and the two bands of any EDF/EDF+
//! file (a sleep lab's RIP bands) for the analysis. The format itself is
//! the `edf-rs` crate's; this module maps sessions onto it.

pub mod notes;
pub mod read;
pub mod write;

pub use read::{is_edf, read_bands, EdfBands};
pub use write::{write_session, EdfWritten};

/// Label of the rib-cage band in the files written.
pub const CHEST_LABEL: &str = "Resp chest";
/// Label of the abdominal band in the files written.
pub const BELLY_LABEL: &str = "Resp abdomen";

/// Why an EDF file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum EdfError {
    /// The session could not be read.
    #[error("{0}")]
    Input(String),
    #[error("{0}: no samples to export")]
    Empty(String),
    /// Not a readable EDF file.
    #[error("{0}")]
    Format(String),
    #[error("{what}; the file has {labels}: name one with {flag}")]
    NoChannel {
        what: String,
        labels: String,
        flag: String,
    },
    #[error("cannot write the EDF file: {0}")]
    Write(String),
}

impl From<edf_rs::error::edf_error::EDFError> for EdfError {
    fn from(e: edf_rs::error::edf_error::EDFError) -> Self {
        EdfError::Write(describe(&e))
    }
}

/// An `edf-rs` error in words.
pub fn describe(e: &edf_rs::error::edf_error::EDFError) -> String {
    use edf_rs::error::edf_error::EDFError as E;
    match e {
        E::FileReadError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "not a whole EDF file (it ends inside its header)".into()
        }
        E::FileReadError(io) | E::FileWriteError(io) => io.to_string(),
        E::FileAlreadyExists => "the file already exists".into(),
        E::InvalidHeaderSize | E::InvalidSignalCount | E::InvalidASCII => {
            "not an EDF file (its header does not parse)".into()
        }
        E::InvalidStartDate | E::InvalidStartTime => {
            "not an EDF file (no start date and time where EDF has them)".into()
        }
        other => format!("not a valid EDF file ({other:?})"),
    }
}
