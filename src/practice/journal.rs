//! The journal a person fills in before and after a session: neck pain,
//! shoulder/neck tension, dizziness and a note. Every answer is optional;
//! scores are validated (0-10), so an out-of-range value is an error, never
//! stored and never a panic.

use serde::{Deserialize, Serialize};

/// Highest pain or tension score.
pub const SCORE_MAX: u8 = 10;
/// Longest note kept, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// Why a journal entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    #[error("{field} must be a whole number from 0 to {SCORE_MAX}, not {value}")]
    Score { field: &'static str, value: String },
    #[error("the note is longer than {NOTE_MAX_CHARS} characters")]
    NoteTooLong,
}

/// One journal entry (before or after a session). Serialized as
/// `{"neck_pain": 0-10|null, "tension": 0-10|null, "dizzy": bool|null, "note": str|null}`;
/// deserializing refuses scores out of range (and cuts a note to
/// [`NOTE_MAX_CHARS`]), so an entry read back is always valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawJournal")]
pub struct Journal {
    /// Neck pain, 0 (none) to 10 (worst imaginable).
    pub neck_pain: Option<u8>,
    /// Shoulder and neck muscle tension, 0 (relaxed) to 10.
    pub tension: Option<u8>,
    /// Dizzy or light-headed: yes / no.
    pub dizzy: Option<bool>,
    /// Free text.
    pub note: Option<String>,
}

/// What the file may hold, before validation.
#[derive(Deserialize)]
struct RawJournal {
    #[serde(default)]
    neck_pain: Option<serde_json::Number>,
    #[serde(default)]
    tension: Option<serde_json::Number>,
    #[serde(default)]
    dizzy: Option<bool>,
    #[serde(default)]
    note: Option<String>,
}

impl TryFrom<RawJournal> for Journal {
    type Error = JournalError;
    fn try_from(r: RawJournal) -> Result<Self, JournalError> {
        let score = |field, n: Option<serde_json::Number>| {
            n.map(|n| check_score(field, n.as_u64().unwrap_or(u64::MAX), &n.to_string()))
                .transpose()
        };
        let j = Journal {
            neck_pain: score("neck pain", r.neck_pain)?,
            tension: score("tension", r.tension)?,
            dizzy: r.dizzy,
            // An over-long note loses its tail rather than the whole record.
            note: r.note.map(|n| n.chars().take(NOTE_MAX_CHARS).collect()),
        };
        j.validate()?;
        Ok(j)
    }
}

impl Journal {
    /// A validated entry; an empty or blank note counts as none.
    pub fn new(
        neck_pain: Option<u8>,
        tension: Option<u8>,
        dizzy: Option<bool>,
        note: Option<&str>,
    ) -> Result<Self, JournalError> {
        let note = note.map(str::trim).filter(|s| !s.is_empty());
        let j = Journal {
            neck_pain,
            tension,
            dizzy,
            note: note.map(str::to_string),
        };
        j.validate()?;
        Ok(j)
    }

    /// Checks the ranges (scores 0-10, note length).
    pub fn validate(&self) -> Result<(), JournalError> {
        for (field, v) in [("neck pain", self.neck_pain), ("tension", self.tension)] {
            if let Some(v) = v {
                check_score(field, u64::from(v), &v.to_string())?;
            }
        }
        match &self.note {
            Some(n) if n.chars().count() > NOTE_MAX_CHARS => Err(JournalError::NoteTooLong),
            _ => Ok(()),
        }
    }

    /// True when nothing was answered.
    pub fn is_empty(&self) -> bool {
        self.neck_pain.is_none()
            && self.tension.is_none()
            && self.dizzy.is_none()
            && self.note.is_none()
    }
}

/// Parses a score typed by a person (`"3"`, `" 7 "`); empty means no answer.
pub fn parse_score(field: &'static str, text: &str) -> Result<Option<u8>, JournalError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let v = t.parse::<u64>().unwrap_or(u64::MAX);
    check_score(field, v, t).map(Some)
}

fn check_score(field: &'static str, v: u64, shown: &str) -> Result<u8, JournalError> {
    match u8::try_from(v) {
        Ok(s) if s <= SCORE_MAX => Ok(s),
        _ => Err(JournalError::Score {
            field,
            value: shown.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let j = Journal::new(Some(3), Some(0), Some(false), Some("  stiff after work ")).unwrap();
        assert_eq!(j.note.as_deref(), Some("stiff after work"));
        let text = serde_json::to_string(&j).unwrap();
        assert_eq!(serde_json::from_str::<Journal>(&text).unwrap(), j);
        let empty: Journal = serde_json::from_str("{}").unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn out_of_range_scores_are_errors() {
        assert!(matches!(
            Journal::new(Some(11), None, None, None),
            Err(JournalError::Score {
                field: "neck pain",
                ..
            })
        ));
        for bad in [
            r#"{"neck_pain": 11}"#,
            r#"{"tension": -1}"#,
            r#"{"tension": 2.5}"#,
            r#"{"neck_pain": 1e30}"#,
            r#"{"dizzy": "yes"}"#,
        ] {
            assert!(serde_json::from_str::<Journal>(bad).is_err(), "{bad}");
        }
        let long = "x".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(
            Journal::new(None, None, None, Some(&long)),
            Err(JournalError::NoteTooLong)
        );
        let read: Journal = serde_json::from_value(serde_json::json!({ "note": long })).unwrap();
        assert_eq!(read.note.unwrap().chars().count(), NOTE_MAX_CHARS);
    }

    #[test]
    fn typed_scores_parse_or_say_why() {
        assert_eq!(parse_score("neck pain", " 7 "), Ok(Some(7)));
        assert_eq!(parse_score("neck pain", ""), Ok(None));
        let e = parse_score("tension", "12").unwrap_err().to_string();
        assert_eq!(e, "tension must be a whole number from 0 to 10, not 12");
        assert!(parse_score("tension", "abc").is_err());
        assert!(parse_score("tension", "-3").is_err());
    }
}
