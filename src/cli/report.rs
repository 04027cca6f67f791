//! `breathband report --out FILE.pdf [--days N]`: the report for the
//! therapist (plan and adherence, belly share and rate per session, pain and
//! tension by day, safety events and early stops, the notes, the disclaimer).

use super::sessions::parse_now;
use crate::program::report_data::write_report;
use crate::session::folder::{check_output, data_dir};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Days covered, ending today (7 to 365).
    #[arg(long, value_name = "N", default_value_t = 28,
          value_parser = clap::value_parser!(u32).range(7..=365))]
    days: u32,
    /// Take this as the current time (RFC 3339), instead of the clock.
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
}

pub fn run(a: ReportArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    check_output(&a.out, &[])?;
    let now = a.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let n = write_report(&dir, &a.out, a.days, now)?;
    super::say(format_args!(
        "Report of the last {} days written to {} ({} kB).",
        a.days,
        a.out.display(),
        n.div_ceil(1024)
    ));
    Ok(())
}
