//! `breathband export`: copies of sessions and a `history.csv` for a
//! spreadsheet. Refuses to overwrite anything.

use crate::session::export::{export, export_edf, resolve_session, HISTORY_CSV};
use crate::session::folder::check_output;
use crate::session::folder::data_dir;
use crate::session::history::{self, sessions_dir};
use anyhow::bail;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Session folder, or session id (folder name) under DATA_DIR/sessions.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    session: Option<String>,
    /// Export every session.
    #[arg(long)]
    all: bool,
    /// Folder to export into (created if missing; an existing history.csv,
    /// session folder or EDF file in it is never overwritten).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// `csv`: the session folders and history.csv; `edf`: one EDF+C file
    /// per session (`ID.edf`).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Edf,
}

pub fn run(a: ExportArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    let now = chrono::Utc::now();
    let entries = match &a.session {
        Some(s) => vec![history::read_session(&resolve_session(s, &dir)?, now)],
        None => history::list_sessions(&dir, now)?,
    };
    if entries.is_empty() {
        bail!(
            "no sessions in {}: nothing to export",
            sessions_dir(&dir).display()
        );
    }
    check_output(&a.out, &[])?;
    if a.format == Format::Edf {
        return run_edf(&entries, &a.out);
    }
    let written = export(&entries, &a.out)?;
    for (e, p) in entries.iter().zip(&written) {
        match &e.error {
            Some(err) => super::say(format_args!(
                "{} -> {} (unreadable, files copied as they are: {err})",
                e.id,
                p.display()
            )),
            None => super::say(format_args!("{} -> {}", e.id, p.display())),
        }
    }
    super::say(format_args!(
        "exported {} session{} and {}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        a.out.join(HISTORY_CSV).display()
    ));
    Ok(())
}

/// `--format edf`: one file per session; a session that cannot be written
/// is named with the reason, and the others are still written.
fn run_edf(entries: &[history::SessionEntry], out: &Path) -> anyhow::Result<()> {
    let outcomes = export_edf(entries, out)?;
    let mut failed = 0;
    for (e, o) in entries.iter().zip(&outcomes) {
        match o {
            Ok((path, w)) => {
                super::say(format_args!(
                    "{} -> {} ({} records of {} s, {} annotations{})",
                    e.id,
                    path.display(),
                    w.records,
                    w.record_s,
                    w.annotations,
                    if w.filled > 0 {
                        format!(", {} samples filled", w.filled)
                    } else {
                        String::new()
                    }
                ));
                if let Some(warn) = &w.warning {
                    tracing::warn!("{}: {warn}", e.id);
                }
            }
            Err(why) => {
                failed += 1;
                eprintln!("{}: not exported: {why}", e.id);
            }
        }
    }
    let done = outcomes.len() - failed;
    if done == 0 {
        bail!("no session could be exported as EDF");
    }
    super::say(format_args!(
        "exported {done} session{} as EDF+ into {}",
        if done == 1 { "" } else { "s" },
        out.display()
    ));
    if failed > 0 {
        bail!(
            "{failed} of {} sessions could not be exported (see above)",
            outcomes.len()
        );
    }
    Ok(())
}
