//! `breathband export`: copies of sessions and a `history.csv` for a
//! spreadsheet. Refuses to overwrite anything.

use crate::session::export::{export, resolve_session, HISTORY_CSV};
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
    /// Folder to export into (created if missing; an existing history.csv
    /// or session folder in it is never overwritten).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
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
