//! What can go wrong when rendering a report.

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The embedded font could not be read.
    #[error("report font could not be parsed: {0}")]
    Font(String),
    /// A chart could not be drawn.
    #[error("report chart could not be drawn: {0}")]
    Chart(String),
    /// The PDF writer failed.
    #[error("report PDF could not be written: {0}")]
    Pdf(String),
}
