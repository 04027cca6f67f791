//! The program's files in the data dir: `plan.json` (the plan book,
//! rewritten atomically) and `checkins.csv` (one row per check-in,
//! appended and synced). Bad rows are skipped with a warning naming the
//! line; nothing else is lost.

use super::checkin::CheckIn;
use super::plan::PlanBook;
use chrono::NaiveDate;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest `plan.json` read.
pub const MAX_PLAN_BYTES: u64 = 1 << 20;
/// Largest `checkins.csv` read (about 100,000 check-ins).
pub const MAX_CHECKINS_BYTES: u64 = 64 << 20;
/// Header of `checkins.csv`.
pub const CHECKINS_HEADER: &str = "time_local,pain,tension,dizzy,note";

/// A program file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a plan file: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{} is larger than {limit} bytes: not read", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
}

pub fn plan_path(data_dir: &Path) -> PathBuf {
    data_dir.join("plan.json")
}

pub fn checkins_path(data_dir: &Path) -> PathBuf {
    data_dir.join("checkins.csv")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_bounded(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, StoreError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    let mut bytes = Vec::new();
    Read::by_ref(&mut f)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io(path))?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::TooLarge {
            path: path.into(),
            limit,
        });
    }
    Ok(Some(bytes))
}

/// The stored plan book, or `None` when there is none yet.
pub fn load_plan(data_dir: &Path) -> Result<Option<PlanBook>, StoreError> {
    let path = plan_path(data_dir);
    let Some(bytes) = read_bounded(&path, MAX_PLAN_BYTES)? else {
        return Ok(None);
    };
    let book: PlanBook = serde_json::from_slice(&bytes).map_err(|source| StoreError::Json {
        path: path.clone(),
        source,
    })?;
    if book.versions.is_empty() {
        return Ok(None);
    }
    Ok(Some(book))
}

/// Writes the plan book atomically (temp file, fsync, rename).
pub fn save_plan(data_dir: &Path, book: &PlanBook) -> Result<(), StoreError> {
    let path = plan_path(data_dir);
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(data_dir).map_err(io(&path))?;
    let mut bytes = serde_json::to_vec_pretty(book).map_err(|source| StoreError::Json {
        path: path.clone(),
        source,
    })?;
    bytes.push(b'\n');
    tmp.write_all(&bytes).map_err(io(&path))?;
    tmp.as_file().sync_data().map_err(io(&path))?;
    tmp.persist(&path).map_err(|e| io(&path)(e.error))?;
    Ok(())
}

/// The plan book with its first day of use moved back to the earliest
/// of `used` (dates of sessions and check-ins); a new one from the
/// earliest of them, or `today`, when none is stored. Not saved.
pub fn plan_or_default(
    stored: Option<PlanBook>,
    used: impl IntoIterator<Item = NaiveDate>,
    today: NaiveDate,
) -> PlanBook {
    let used: Vec<NaiveDate> = used.into_iter().collect();
    let first = used.iter().copied().min().unwrap_or(today).min(today);
    let mut book = stored.unwrap_or_else(|| PlanBook::new(first));
    for d in used {
        book.note_use(d);
    }
    book
}

/// Appends one check-in (the header first in a new file) and syncs it.
pub fn append_checkin(data_dir: &Path, c: &CheckIn) -> Result<(), StoreError> {
    let path = checkins_path(data_dir);
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io(&path))?;
    let new = f.metadata().map_err(io(&path))?.len() == 0;
    let mut w = csv::WriterBuilder::new()
        .has_headers(new)
        .from_writer(Vec::new());
    w.serialize(c).map_err(|source| StoreError::Csv {
        path: path.clone(),
        source,
    })?;
    let bytes = w.into_inner().map_err(|e| io(&path)(e.into_error()))?;
    f.write_all(&bytes).map_err(io(&path))?;
    f.sync_data().map_err(io(&path))?;
    Ok(())
}

/// Every readable check-in, oldest first as written, and one warning per
/// skipped row ("checkins.csv line 7: ...").
pub fn read_checkins(data_dir: &Path) -> Result<(Vec<CheckIn>, Vec<String>), StoreError> {
    let path = checkins_path(data_dir);
    let Some(bytes) = read_bounded(&path, MAX_CHECKINS_BYTES)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (i, row) in r.deserialize::<CheckIn>().enumerate() {
        let line = i + 2;
        match row.map_err(|e| e.to_string()).and_then(|c| {
            c.is_valid().map_err(|e| e.to_string())?;
            Ok(c)
        }) {
            Ok(c) => out.push(c),
            Err(e) => warnings.push(format!("checkins.csv line {line}: {e}; row skipped")),
        }
    }
    Ok((out, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::plan::Plan;
    use chrono::DateTime;

    #[test]
    fn checkins_round_trip_with_any_note_and_bad_rows_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let t = DateTime::parse_from_rfc3339("2026-03-10T21:30:00+01:00").unwrap();
        let a = CheckIn::new(t, 4, 6, Some(true), "Nacken steif, \"zäh\", 1,5 h Büro").unwrap();
        let b = CheckIn::new(t, 2, 3, None, "").unwrap();
        append_checkin(dir.path(), &a).unwrap();
        append_checkin(dir.path(), &b).unwrap();
        let text = std::fs::read_to_string(checkins_path(dir.path())).unwrap();
        assert!(text.starts_with(&format!("{CHECKINS_HEADER}\n")), "{text}");
        assert_eq!(text.lines().count(), 3);
        // A row cut by a crash and one with pain 12, then a good one.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(checkins_path(dir.path()))
            .unwrap();
        f.write_all(b"2026-03-11T08:00:00+01:00,3\n2026-03-11T09:00:00+01:00,12,1,no,\n")
            .unwrap();
        append_checkin(dir.path(), &b).unwrap();
        let (got, warnings) = read_checkins(dir.path()).unwrap();
        assert_eq!(got, vec![a, b.clone(), b]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("checkins.csv line 4:"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("line 5") && warnings[1].contains("pain must be 0 to 10"));
        assert!(read_checkins(&dir.path().join("none"))
            .unwrap()
            .0
            .is_empty());
    }

    #[test]
    fn the_plan_is_saved_and_the_first_use_follows_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(load_plan(dir.path()).unwrap(), None);
        let book = plan_or_default(None, [d("2026-03-05"), d("2026-03-03")], d("2026-03-10"));
        assert_eq!(book.first_use, d("2026-03-03"));
        assert_eq!(
            plan_or_default(None, [], d("2026-03-10")).first_use,
            d("2026-03-10")
        );
        let mut book = book;
        book.set(Plan::with_sessions(3), d("2026-03-10"));
        save_plan(dir.path(), &book).unwrap();
        assert_eq!(load_plan(dir.path()).unwrap(), Some(book.clone()));
        let again = plan_or_default(Some(book), [d("2026-03-01")], d("2026-03-10"));
        assert_eq!(again.first_use, d("2026-03-01"));
        std::fs::write(plan_path(dir.path()), "{not json").unwrap();
        let e = load_plan(dir.path()).unwrap_err().to_string();
        assert!(e.contains("plan.json is not a plan file"), "{e}");
    }
}
