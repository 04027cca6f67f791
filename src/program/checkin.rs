//! The daily check-in: neck pain and tension (0-10), dizziness and a note,
//! with or without a session. Pure: the record and its checks.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

/// Longest note kept, characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// One check-in, as a row of `checkins.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    /// When it was given, local time with its offset (RFC 3339).
    pub time_local: DateTime<FixedOffset>,
    /// Neck pain, 0 (none) to 10 (worst imaginable).
    pub pain: u8,
    /// Neck and shoulder tension, 0 to 10.
    pub tension: u8,
    /// Dizzy today: `yes`, `no`, or empty when not said.
    #[serde(with = "yes_no")]
    pub dizzy: Option<bool>,
    /// Free text, empty for none.
    #[serde(default)]
    pub note: String,
}

/// Why a check-in is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckInError {
    #[error("{0} must be 0 to 10, not {1}")]
    OutOfRange(&'static str, u8),
    #[error("the note is {0} characters; at most {NOTE_MAX_CHARS} are kept")]
    NoteTooLong(usize),
}

impl CheckIn {
    /// A checked check-in; the note's line breaks and control characters
    /// become spaces (one row per check-in in any spreadsheet).
    pub fn new(
        time_local: DateTime<FixedOffset>,
        pain: u8,
        tension: u8,
        dizzy: Option<bool>,
        note: &str,
    ) -> Result<Self, CheckInError> {
        for (name, v) in [("pain", pain), ("tension", tension)] {
            if v > 10 {
                return Err(CheckInError::OutOfRange(name, v));
            }
        }
        let chars = note.chars().count();
        if chars > NOTE_MAX_CHARS {
            return Err(CheckInError::NoteTooLong(chars));
        }
        let note: String = note
            .trim()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Ok(CheckIn {
            time_local: time_local.with_nanosecond(0).unwrap_or(time_local),
            pain,
            tension,
            dizzy,
            note,
        })
    }

    /// The local date as the person lived it.
    pub fn date(&self) -> NaiveDate {
        self.time_local.date_naive()
    }

    /// Checks a row read back from the file.
    pub fn is_valid(&self) -> Result<(), CheckInError> {
        Self::new(
            self.time_local,
            self.pain,
            self.tension,
            self.dizzy,
            &self.note,
        )
        .map(|_| ())
    }
}

mod yes_no {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match String::deserialize(d)?.as_str() {
            "yes" => Ok(Some(true)),
            "no" => Ok(Some(false)),
            "" => Ok(None),
            other => Err(serde::de::Error::custom(format!(
                "dizzy is 'yes', 'no' or empty, not '{other}'"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn values_are_checked_and_notes_made_one_line() {
        let now = t("2026-03-10T21:30:00+01:00");
        let c = CheckIn::new(now, 4, 6, Some(false), "  stiff\nafter work\t ").unwrap();
        assert_eq!(c.note, "stiff after work");
        assert_eq!(c.date(), "2026-03-10".parse::<NaiveDate>().unwrap());
        assert_eq!(
            CheckIn::new(now, 11, 0, None, ""),
            Err(CheckInError::OutOfRange("pain", 11))
        );
        assert_eq!(
            CheckIn::new(now, 0, 12, None, ""),
            Err(CheckInError::OutOfRange("tension", 12))
        );
        assert!(matches!(
            CheckIn::new(now, 0, 0, None, &"é".repeat(2001)),
            Err(CheckInError::NoteTooLong(2001))
        ));
    }
}
