//! Reads two-band CSV files: `samples.csv` of a session, the output of
//! `simulate --out`, or any CSV (optionally gzip) whose header holds at least
//! `time_s`, `chest` and `belly` in any order. Other columns are ignored.

use super::csv_records::CsvRecords;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Why a band CSV could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BandCsvError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: header has no '{column}' column (need time_s, chest, belly)")]
    MissingColumn { path: PathBuf, column: &'static str },
    #[error(
        "{path}: the columns are separated by ';' (a spreadsheet export with decimal commas?); \
         breathband reads ',' between columns and '.' in numbers: save it again as CSV that way"
    )]
    Semicolons { path: PathBuf },
    #[error("{path}, line {line}: {message}")]
    Malformed {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One row of a band CSV.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRow {
    pub time_s: f64,
    pub chest: f64,
    pub belly: f64,
    /// The `sample_index` column, when present.
    pub sample_index: Option<u64>,
    /// The `flags` column, when present.
    pub flags: u8,
    /// Line number in the file (1 = header).
    pub line: u64,
}

/// Streaming reader of band rows.
pub struct BandCsvReader {
    path: PathBuf,
    recs: CsvRecords,
    cols: [usize; 3],
    index_col: Option<usize>,
    flags_col: Option<usize>,
    last_time: f64,
}

/// The file to read for `path`: a session folder means its `samples.csv`.
pub fn resolve_input(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("samples.csv")
    } else {
        path.to_path_buf()
    }
}

/// A cell for an error message: quoted, and cut after 40 characters (an
/// error must not echo a 10 MB cell).
fn quote_cell(b: &[u8]) -> String {
    const SHOWN: usize = 40;
    let s = String::from_utf8_lossy(b);
    match s.char_indices().nth(SHOWN) {
        None => format!("'{s}'"),
        Some((cut, _)) => format!("'{}...' ({} bytes)", &s[..cut], b.len()),
    }
}

impl BandCsvReader {
    /// Opens a CSV, gzip CSV (by content) or session folder.
    pub fn open(path: &Path) -> Result<Self, BandCsvError> {
        let path = resolve_input(path);
        let open_err = |source| BandCsvError::Open {
            path: path.clone(),
            source,
        };
        let mut f = BufReader::new(File::open(&path).map_err(open_err)?);
        let mut magic = [0u8; 2];
        let gz = {
            use std::io::BufRead;
            let head = f.fill_buf().map_err(open_err)?;
            magic.iter_mut().zip(head).for_each(|(m, h)| *m = *h);
            magic == [0x1f, 0x8b]
        };
        let inner: Box<dyn Read + Send> = if gz {
            Box::new(super::read_ahead::InflateThread::spawn(
                MultiGzDecoder::new(f),
            ))
        } else {
            Box::new(f)
        };
        let mut recs = CsvRecords::new(inner);
        let header = recs.next_record().map_err(|e| BandCsvError::Malformed {
            path: path.clone(),
            line: recs.line() + 1,
            message: e.to_string(),
        })?;
        let headers: Vec<&[u8]> = if header {
            (0..recs.len())
                .filter_map(|i| recs.field(i))
                .map(|h| h.trim_ascii())
                .collect()
        } else {
            Vec::new()
        };
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name.as_bytes()))
        };
        if find("time_s").is_none()
            && headers.len() == 1
            && headers[0].contains(&b';')
            && headers[0]
                .to_ascii_lowercase()
                .windows(6)
                .any(|w| w == b"time_s")
        {
            return Err(BandCsvError::Semicolons { path });
        }
        let need = |column: &'static str| {
            find(column).ok_or(BandCsvError::MissingColumn {
                path: path.clone(),
                column,
            })
        };
        let cols = [need("time_s")?, need("chest")?, need("belly")?];
        let (index_col, flags_col) = (find("sample_index"), find("flags"));
        Ok(Self {
            index_col,
            flags_col,
            path,
            recs,
            cols,
            last_time: f64::NEG_INFINITY,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next row, `Ok(None)` at the end. Errors name the line.
    pub fn next_row(&mut self) -> Result<Option<BandRow>, BandCsvError> {
        let malformed = |line, message: String| BandCsvError::Malformed {
            path: self.path.clone(),
            line,
            message,
        };
        match self.recs.next_record() {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(malformed(self.recs.line() + 1, e.to_string())),
        }
        let line = self.recs.line();
        let num = |i: usize, name: &str| -> Result<f64, BandCsvError> {
            let b = self.recs.field(i).unwrap_or(b"");
            fast_float2::parse::<f64, _>(b.trim_ascii())
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    let cell = quote_cell(b.trim_ascii());
                    malformed(line, format!("{name} value {cell} is not a number"))
                })
        };
        let time_s = num(self.cols[0], "time_s")?;
        let chest = num(self.cols[1], "chest")?;
        let belly = num(self.cols[2], "belly")?;
        if time_s <= self.last_time {
            return Err(malformed(
                line,
                format!(
                    "time_s {time_s} does not increase (previous {})",
                    self.last_time
                ),
            ));
        }
        self.last_time = time_s;
        let sample_index = match self.index_col {
            Some(i) => Some(num(i, "sample_index")? as u64),
            None => None,
        };
        let flags = match self.flags_col {
            Some(i) => num(i, "flags")? as u8,
            None => 0,
        };
        Ok(Some(BandRow {
            time_s,
            chest,
            belly,
            sample_index,
            flags,
            line,
        }))
    }

    /// Reads every remaining row.
    pub fn read_all(mut self) -> Result<Vec<BandRow>, BandCsvError> {
        let mut v = Vec::new();
        while let Some(r) = self.next_row()? {
            v.push(r);
        }
        Ok(v)
    }
}

/// Sample rate of `rows`: from their time span when the steps are regular
/// (times in files are often rounded, e.g. 0.0078 for 1/128 s, so one step
/// alone is not precise), else from the median step.
pub fn infer_rate(path: &Path, rows: &[BandRow]) -> Result<f64, BandCsvError> {
    let mut d: Vec<f64> = rows.windows(2).map(|w| w[1].time_s - w[0].time_s).collect();
    if d.is_empty() {
        return Err(BandCsvError::Invalid {
            path: path.to_path_buf(),
            message: "fewer than two rows: cannot infer the sample rate".into(),
        });
    }
    d.sort_by(f64::total_cmp);
    let median = d[d.len() / 2];
    let largest = d[d.len() - 1];
    let span = rows[rows.len() - 1].time_s - rows[0].time_s;
    let rate = if largest < 1.5 * median && span > 0.0 {
        d.len() as f64 / span
    } else {
        1.0 / median
    };
    if !rate.is_finite() || rate <= 0.0 {
        return Err(BandCsvError::Invalid {
            path: path.to_path_buf(),
            message: "time_s does not advance: cannot infer the sample rate".into(),
        });
    }
    // Round to 1e-3 Hz so that rounding in files does not leak.
    Ok((rate * 1e3).round() / 1e3)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A temporary file holding `text`.
    pub(crate) fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn reads_columns_in_any_order_and_ignores_others() {
        let f = file("belly,extra,time_s,chest\n5,x,0.0,1\n6,y,0.01,2\n");
        let rows = BandCsvReader::open(f.path()).unwrap().read_all().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].time_s, rows[1].chest, rows[1].belly),
            (0.01, 2.0, 6.0)
        );
        assert_eq!(infer_rate(f.path(), &rows).unwrap(), 100.0);
    }

    #[test]
    fn rate_of_rounded_times_comes_from_the_span() {
        let text: String = std::iter::once("time_s,chest,belly\n".to_string())
            .chain((0..1000).map(|i| format!("{:.4},1,2\n", i as f64 / 128.0)))
            .collect();
        let f = file(&text);
        let rows = BandCsvReader::open(f.path()).unwrap().read_all().unwrap();
        assert_eq!(infer_rate(f.path(), &rows).unwrap(), 128.0);
    }

    #[test]
    fn reads_gzip_by_content() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"time_s,chest,belly\n0,1,2\n0.5,3,4\n")
            .unwrap();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&gz.finish().unwrap()).unwrap();
        let rows = BandCsvReader::open(f.path()).unwrap().read_all().unwrap();
        assert_eq!(rows[1].belly, 4.0);
    }

    /// The error reading all of `text` gives.
    fn read_error(text: &str) -> String {
        let f = file(text);
        let e = BandCsvReader::open(f.path())
            .unwrap()
            .read_all()
            .unwrap_err();
        e.to_string()
    }

    #[test]
    fn malformed_value_names_the_line() {
        let msg = read_error("time_s,chest,belly\n0,1,2\n0.1,oops,2\n");
        assert!(msg.contains("line 3") && msg.contains("oops"), "{msg}");
    }

    #[test]
    fn errors_name_the_real_line_after_comments_and_a_long_line_is_refused() {
        let e = read_error("# recorded by hand\ntime_s,chest,belly\n\n# pause\n0,1,2\n0.1,x,2\n");
        assert!(e.contains("line 6"), "{e}");
        let long = format!("time_s,chest,belly\n0,1,2\n0.1,{},2\n", "1".repeat(2 << 20));
        let msg = read_error(&long);
        assert!(
            msg.contains("line 3") && msg.contains("longer than"),
            "{msg}"
        );
    }

    #[test]
    fn a_semicolon_file_and_a_huge_cell_get_a_short_clear_message() {
        let f = file("time_s;chest;belly\n0,01;1,5;2\n");
        let msg = BandCsvReader::open(f.path()).err().unwrap().to_string();
        assert!(msg.contains("separated by ';'"), "{msg}");
        let huge = format!("time_s,chest,belly\n0,{},1\n", "x".repeat(100_000));
        let msg = read_error(&huge);
        assert!(msg.len() < 200, "{} bytes: {}", msg.len(), &msg[..200]);
        assert!(
            msg.contains("chest value 'xxxx") && msg.contains("(100000 bytes)"),
            "{msg}"
        );
    }

    #[test]
    fn missing_column_and_time_going_back_are_errors() {
        let f = file("time_s,chest\n0,1\n");
        assert!(matches!(
            BandCsvReader::open(f.path()),
            Err(BandCsvError::MissingColumn {
                column: "belly",
                ..
            })
        ));
        let e = read_error("time_s,chest,belly\n0,1,2\n0,1,2\n");
        assert!(e.contains("line 3"), "{e}");
    }
}
