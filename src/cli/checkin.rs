//! `breathband checkin`: today's neck pain and tension, dizziness and a
//! note, with or without a session; appended to `checkins.csv`.

use super::sessions::parse_now;
use crate::program::checkin::CheckIn;
use crate::program::store;
use crate::session::folder::data_dir;
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct CheckinArgs {
    /// Neck pain now, 0 (none) to 10 (worst imaginable).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=10))]
    pain: u8,
    /// Neck and shoulder tension now, 0 to 10.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=10))]
    tension: u8,
    /// Dizzy today: yes or no.
    #[arg(long, value_name = "yes|no", value_parser = parse_yes_no)]
    dizzy: Option<bool>,
    /// A note (what you did, what helped, what hurt).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Print the stored check-in as one JSON object.
    #[arg(long)]
    json: bool,
    /// Take this as the current time (RFC 3339), instead of the clock.
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("'{s}': say yes or no")),
    }
}

pub fn run(a: CheckinArgs, explicit_dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = data_dir(explicit_dir)?;
    let now = a.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let c = CheckIn::new(
        now,
        a.pain,
        a.tension,
        a.dizzy,
        a.note.as_deref().unwrap_or(""),
    )?;
    store::append_checkin(&dir, &c).context("cannot save the check-in")?;
    if a.json {
        super::say(format_args!("{}", serde_json::to_string(&c)?));
    } else {
        super::say(format_args!(
            "Saved: pain {}, tension {}{} on {}.",
            c.pain,
            c.tension,
            match c.dizzy {
                Some(true) => ", dizzy",
                Some(false) => ", not dizzy",
                None => "",
            },
            c.date()
        ));
        if c.dizzy == Some(true) {
            super::say(format_args!(
                "If the dizziness comes with the breathing practice, breathe more gently \
                 and take breaks; if it does not pass, get help."
            ));
        }
    }
    Ok(())
}
