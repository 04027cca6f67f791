//! CSV records a line at a time, with the `csv` crate's meaning and a fast
//! path for the lines that make up nearly every band file.
//!
//! Plain lines (no quote, no carriage return but one that ends the line)
//! are split at their commas in place, without copying. At the first line
//! that is not plain (quoted fields, which may span lines, or a lone `\r`),
//! the rest of the input goes to a `csv::Reader`. Either way the records
//! are what a `csv::Reader` built with `comment(Some(b'#'))` and
//! `flexible(true)` gives: empty lines and `#` lines skipped, fields as
//! written (untrimmed), each with the line it starts on. No line may be
//! longer than [`MAX_LINE`]: a longer one is an error that names it, never
//! a buffer that grows without end.

use std::io::{Cursor, Read};

/// Longest line read, bytes (band rows are under 100).
pub const MAX_LINE: usize = 1 << 20;

/// Why no record could be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("line is longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("{0}")]
    Csv(#[from] csv::Error),
}

/// Input handed to `csv` after the fast path: the unread bytes, then the
/// rest of the source.
type Rest = std::io::Chain<Cursor<Vec<u8>>, LineLimit<Box<dyn Read + Send>>>;

/// Streaming record reader. After [`Self::next_record`] returns `true`,
/// [`Self::field`] and [`Self::line`] describe that record.
pub struct CsvRecords {
    src: Option<Box<dyn Read + Send>>,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    /// Lines consumed by the fast path.
    lines: u64,
    /// Field spans of the current plain line in `buf`.
    spans: Vec<(usize, usize)>,
    /// After the first line that is not plain: `csv` reads the rest.
    slow: Option<(csv::Reader<Rest>, csv::ByteRecord)>,
    line: u64,
}

impl CsvRecords {
    /// Records of `src`.
    pub fn new(src: Box<dyn Read + Send>) -> Self {
        Self {
            src: Some(src),
            buf: vec![0; 1 << 16],
            pos: 0,
            end: 0,
            eof: false,
            lines: 0,
            spans: Vec::with_capacity(16),
            slow: None,
            line: 0,
        }
    }

    /// Line (1-based) on which the current record starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Field `i` of the current record.
    pub fn field(&self, i: usize) -> Option<&[u8]> {
        match &self.slow {
            Some((_, r)) => r.get(i),
            None => self.spans.get(i).map(|&(a, b)| &self.buf[a..b]),
        }
    }

    /// Fields in the current record.
    pub fn len(&self) -> usize {
        match &self.slow {
            Some((_, r)) => r.len(),
            None => self.spans.len(),
        }
    }

    /// Whether the current record has no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves to the next record; `false` at the end.
    pub fn next_record(&mut self) -> Result<bool, RecordError> {
        if let Some((rdr, rec)) = &mut self.slow {
            if !rdr.read_byte_record(rec)? {
                return Ok(false);
            }
            self.line = self.lines + rec.position().map_or(1, |p| p.line());
            return Ok(true);
        }
        loop {
            let Some((a, b)) = self.next_line()? else {
                return Ok(false);
            };
            let bytes = &self.buf[a..b];
            if bytes.is_empty() || bytes[0] == b'#' {
                continue;
            }
            // One pass over the line (short: a call to memchr per field
            // costs more than it saves).
            self.spans.clear();
            let mut start = a;
            let mut plain = true;
            for (i, &c) in bytes.iter().enumerate() {
                match c {
                    b',' => {
                        self.spans.push((start, a + i));
                        start = a + i + 1;
                    }
                    b'"' | b'\r' => {
                        plain = false;
                        break;
                    }
                    _ => {}
                }
            }
            if !plain {
                self.lines -= 1;
                return self.hand_to_csv(a);
            }
            self.spans.push((start, b));
            self.line = self.lines;
            return Ok(true);
        }
    }

    /// Hands the input from `from` in `buf` on to `csv`.
    fn hand_to_csv(&mut self, from: usize) -> Result<bool, RecordError> {
        // `from` is past a byte order mark already.
        let head = self.buf[from..self.end].to_vec();
        let src = self
            .src
            .take()
            .unwrap_or_else(|| Box::new(std::io::empty()));
        let rest = Cursor::new(head).chain(LineLimit::new(src));
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(rest);
        self.slow = Some((rdr, csv::ByteRecord::new()));
        self.next_record()
    }

    /// The next line's span in `buf`, without its `\n` (and a `\r` before
    /// it, and a UTF-8 byte order mark at the start of the input); `None`
    /// at the end.
    fn next_line(&mut self) -> Result<Option<(usize, usize)>, RecordError> {
        let mut searched = 0;
        loop {
            let hay = &self.buf[self.pos + searched..self.end];
            if let Some(i) = memchr::memchr(b'\n', hay) {
                let (a, nl) = (self.pos, self.pos + searched + i);
                self.pos = nl + 1;
                return Ok(Some(self.finish_line(a, nl)));
            }
            searched = self.end - self.pos;
            if self.eof {
                if self.pos == self.end {
                    return Ok(None);
                }
                let (a, b) = (self.pos, self.end);
                self.pos = self.end;
                return Ok(Some(self.finish_line(a, b)));
            }
            if searched > MAX_LINE {
                return Err(RecordError::TooLong);
            }
            self.fill()?;
        }
    }

    fn finish_line(&mut self, mut a: usize, mut b: usize) -> (usize, usize) {
        if self.lines == 0 && self.buf[a..b].starts_with(b"\xef\xbb\xbf") {
            a += 3;
        }
        self.lines += 1;
        if b > a && self.buf[b - 1] == b'\r' {
            b -= 1;
        }
        (a, b)
    }

    /// Reads more input after the unread bytes (moved to the front).
    fn fill(&mut self) -> Result<(), RecordError> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(MAX_LINE + 2);
            if grown <= self.buf.len() {
                return Err(RecordError::TooLong);
            }
            self.buf.resize(grown, 0);
        }
        let Some(src) = &mut self.src else {
            self.eof = true;
            return Ok(());
        };
        loop {
            match src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// A reader that fails once a line runs past [`MAX_LINE`] bytes, so that
/// `csv`, which grows its buffers to fit a record, stays bounded too.
pub struct LineLimit<R> {
    inner: R,
    run: usize,
    /// The line being read (1-based), when the input starts at line 1.
    line: Option<u64>,
}

impl<R: Read> LineLimit<R> {
    /// A limit on a reader that starts mid-input (the error has no line).
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            run: 0,
            line: None,
        }
    }

    /// A limit on a whole file: the error names the line that is too long.
    pub fn numbered(inner: R) -> Self {
        Self {
            line: Some(1),
            ..Self::new(inner)
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        for &c in &out[..n] {
            if c == b'\n' {
                self.run = 0;
                self.line = self.line.map(|l| l + 1);
            } else {
                self.run += 1;
                if self.run > MAX_LINE {
                    let which = self.line.map_or(String::new(), |l| format!(" {l}"));
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("line{which} is longer than {MAX_LINE} bytes"),
                    ));
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record's fields.
    type Fields = Vec<Vec<u8>>;

    /// Every record as (line, fields), by this reader.
    fn ours(text: &[u8], chunk: usize) -> Result<Vec<(u64, Fields)>, String> {
        /// Hands out at most `.2` bytes per read.
        struct Trickle(Vec<u8>, usize, usize);
        impl Read for Trickle {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let rest = &self.0[self.1..];
                let n = rest.len().min(out.len()).min(self.2);
                out[..n].copy_from_slice(&rest[..n]);
                self.1 += n;
                Ok(n)
            }
        }
        let mut r = CsvRecords::new(Box::new(Trickle(text.to_vec(), 0, chunk)));
        let mut v = Vec::new();
        while r.next_record().map_err(|e| e.to_string())? {
            let f = (0..r.len()).map(|i| r.field(i).unwrap().to_vec()).collect();
            v.push((r.line(), f));
        }
        Ok(v)
    }

    /// The fields of every record by `csv` alone, as the band reader used
    /// to read. (Its record positions count skipped lines oddly: a record
    /// after a comment line is put on the line before.)
    fn reference(text: &[u8]) -> Vec<Fields> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text);
        let mut v = Vec::new();
        for r in rdr.byte_records() {
            v.push(r.unwrap().iter().map(|f| f.to_vec()).collect());
        }
        v
    }

    fn fields(v: Vec<(u64, Fields)>) -> Vec<Fields> {
        v.into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn plain_quoted_commented_and_crlf_lines_read_as_csv_reads_them() {
        let text = b"\xef\xbb\xbftime_s,chest,belly\r\n# a note\n\n0,1,2\n0.1, 3 ,\"4\"\n\
            \"0.2\",\"a,b\",\"x\ny\"\n0.3,5\n0.4,6,7,8\r\n0.5,\r,9\n0.6,1,2";
        let want = reference(&text[3..]);
        for chunk in [1, 2, 7, 4096] {
            let got = ours(text, chunk).unwrap();
            let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
            assert_eq!(lines, [1, 4, 5, 6, 8, 9, 9, 10, 11], "{chunk}");
            assert_eq!(fields(got), want, "read {chunk} bytes at a time");
        }
        assert_eq!(want[0][0], b"time_s");
    }

    #[test]
    fn a_line_too_long_is_an_error_not_a_growing_buffer() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b'1', MAX_LINE + 10));
        text.extend(b"\n1,2\n");
        let e = ours(&text, 1 << 16).unwrap_err();
        assert!(e.contains("longer than"), "{e}");
        let mut quoted = b"a,b\n\"".to_vec();
        quoted.extend(std::iter::repeat_n(b'1', MAX_LINE + 10));
        quoted.extend(b"\"\n1,2\n");
        let e = ours(&quoted, 1 << 16).unwrap_err();
        assert!(e.contains("longer than"), "{e}");
        // A whole file's limit names the line.
        let mut r = LineLimit::numbered(Cursor::new(text));
        let e = std::io::copy(&mut r, &mut std::io::sink()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("line 2 is longer than {MAX_LINE} bytes")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_text_of_csv_bytes_reads_as_csv_reads_it(
            text in proptest::collection::vec(
                proptest::sample::select(b"01.,\"\r\n# x".to_vec()), 0..200),
            chunk in 1usize..50,
        ) {
            // `csv` gives a record of one empty field for an empty input or
            // a comment on the last line without a line end: left out.
            let quirk = |v: Vec<Fields>| -> Vec<Fields> {
                v.into_iter().filter(|r| r != &[Vec::<u8>::new()]).collect()
            };
            prop_assert_eq!(quirk(fields(ours(&text, chunk).unwrap())), quirk(reference(&text)));
        }
    }
}
