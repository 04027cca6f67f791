//! Plain-text fallback: lines of `chest,belly` from a simple sketch.
//!
//! Pure logic: [`sniff`] decides from the first bytes whether a device speaks
//! the binary protocol or text; [`LineSplitter`] turns bytes into parsed lines.

/// What the first bytes from a device look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    /// A frame passed its CRC, or several 0x00-delimited frames came: the
    /// binary protocol.
    Binary,
    /// Several lines of two numbers, read at `scale` counts per unit
    /// (see [`text_scale`]).
    Text { scale: TextScale },
    /// Not enough bytes yet.
    Undecided,
    /// Enough bytes, but neither frames nor number lines.
    Unknown,
}

/// How text values become integer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextScale {
    /// 1000 counts per unit: three decimals kept, values up to
    /// [`MILLI_LIMIT`] in magnitude.
    Milli,
    /// One count per unit: large whole numbers (a 24-bit converter's raw
    /// counts), where a decimal would be below one part in 200,000.
    Whole,
}

impl TextScale {
    /// Counts per text unit.
    pub fn counts_per_unit(self) -> f64 {
        match self {
            TextScale::Milli => 1000.0,
            TextScale::Whole => 1.0,
        }
    }
}

/// Largest magnitude read at [`TextScale::Milli`] in the first lines: a
/// tenth of what fits a count at 1000 per unit, headroom for a signal that
/// grows after the first lines.
pub const MILLI_LIMIT: f64 = i32::MAX as f64 / 1000.0 / 10.0;

/// The scale for a stream whose first lines are `lines`: milli-units, so
/// that decimals arriving later are kept, unless those lines hold whole
/// numbers too large for it.
pub fn text_scale(lines: &[[f64; 2]]) -> TextScale {
    let largest = lines.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    let whole = lines.iter().flatten().all(|v| v.fract() == 0.0);
    if whole && largest > MILLI_LIMIT {
        TextScale::Whole
    } else {
        TextScale::Milli
    }
}

/// Bytes after which an undecided stream is declared unknown.
pub const SNIFF_LIMIT: usize = 1024;
/// The same for a stream of printable text lines: room for a boot banner
/// of a few dozen lines before the numbers start.
pub const TEXT_SNIFF_LIMIT: usize = 4096;

/// Non-empty 0x00-delimited runs that mean "binary" even if none passed its
/// CRC (wrong firmware version, noisy line): a text board sends no 0x00, and
/// a USB bridge sends at most a stray one or two at reset.
pub const BINARY_DELIMITERS: usize = 3;

/// Looks at the first bytes received from a device.
///
/// A lone 0x00 does not make a stream binary: USB serial bridges emit one
/// when the board resets. Binary needs a frame that passes its CRC, or
/// [`BINARY_DELIMITERS`] delimited runs; text ignores 0x00 bytes.
pub fn sniff(bytes: &[u8]) -> Sniff {
    if bytes.contains(&0) {
        let mut dec = breathband_protocol::Decoder::new();
        let mut good = false;
        dec.push(bytes, |r| good |= r.is_ok());
        let runs = bytes
            .split(|&b| b == 0)
            .filter(|run| !run.is_empty())
            .count()
            - usize::from(bytes.last() != Some(&0));
        if good || runs >= BINARY_DELIMITERS {
            return Sniff::Binary;
        }
    }
    let text: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).collect();
    // Skip the first (possibly partial) line, judge complete lines after it.
    let mut lines = text.split(|&b| b == b'\n').skip(1).collect::<Vec<_>>();
    lines.pop(); // the last piece is incomplete
    let parsed: Vec<_> = lines.iter().map(|l| parse_line(l)).collect();
    let good = parsed.iter().filter(|p| p.is_some()).count();
    let values = |from: usize| {
        let v: Vec<[f64; 2]> = parsed[from..].iter().flatten().copied().collect();
        Sniff::Text {
            scale: text_scale(&v),
        }
    };
    if good >= 3 && good * 3 >= parsed.len() * 2 {
        return values(0);
    }
    // A boot banner, then numbers: the last lines decide.
    let tail = parsed.iter().rev().take_while(|p| p.is_some()).count();
    if tail >= 3 {
        return values(parsed.len() - tail);
    }
    let printable = !lines.is_empty()
        && text
            .iter()
            .all(|&b| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    let limit = if printable {
        TEXT_SNIFF_LIMIT
    } else {
        SNIFF_LIMIT
    };
    if bytes.len() >= limit {
        Sniff::Unknown
    } else {
        Sniff::Undecided
    }
}

/// Parses one line of two numbers separated by `,` `;` tab or spaces.
pub fn parse_line(line: &[u8]) -> Option<[f64; 2]> {
    let s = std::str::from_utf8(line).ok()?.trim();
    let mut it = s.split([',', ';', '\t', ' ']).filter(|f| !f.is_empty());
    let a = it.next()?.parse::<f64>().ok()?;
    let b = it.next()?.parse::<f64>().ok()?;
    if it.next().is_some() || !a.is_finite() || !b.is_finite() {
        return None;
    }
    Some([a, b])
}

/// Splits a byte stream into lines of bounded length.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
    overlong: bool,
}

/// Longest accepted line; longer ones are rejected whole.
pub const MAX_LINE: usize = 80;

impl LineSplitter {
    /// Feeds bytes; calls `on_line` with each complete line's parse result.
    /// 0x00 bytes (stray bytes of a USB bridge at reset) are skipped.
    pub fn push(&mut self, bytes: &[u8], mut on_line: impl FnMut(Option<[f64; 2]>)) {
        for &b in bytes {
            if b == 0 {
                continue;
            } else if b == b'\n' {
                if self.overlong {
                    on_line(None);
                } else if !self.buf.iter().all(|c| c.is_ascii_whitespace()) {
                    on_line(parse_line(&self.buf));
                }
                self.buf.clear();
                self.overlong = false;
            } else if self.buf.len() < MAX_LINE {
                self.buf.push(b);
            } else {
                self.overlong = true;
            }
        }
    }

    /// Forgets a partial line (after a reconnect).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.overlong = false;
    }
}

/// Snaps an estimated rate to a common converter rate when within 3 %.
pub fn snap_rate(estimate: f64) -> f64 {
    const COMMON: [f64; 12] = [
        25.0, 50.0, 60.0, 100.0, 120.0, 125.0, 128.0, 200.0, 250.0, 256.0, 500.0, 1000.0,
    ];
    let rel = |c: &f64| ((estimate - c) / c).abs();
    COMMON
        .iter()
        .copied()
        .filter(|c| rel(c) <= 0.03)
        .min_by(|a, b| rel(a).total_cmp(&rel(b)))
        .unwrap_or((estimate * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_tells_binary_text_and_junk_apart() {
        assert_eq!(sniff(b"\x05\x82\x02\xb7\x40\x00"), Sniff::Binary);
        assert_eq!(
            sniff(b"12,3\n512,498\n513,497\n514,490\n5"),
            Sniff::Text {
                scale: TextScale::Milli
            }
        );
        assert_eq!(
            sniff(b"x\n1.5;2.25\n1.5 2\n1\t2\n"),
            Sniff::Text {
                scale: TextScale::Milli
            }
        );
        // A 24-bit converter's raw counts stay whole.
        assert_eq!(
            sniff(b"1\n8388000,-8000000\n8388001,-8000001\n8388002,-8000002\n"),
            Sniff::Text {
                scale: TextScale::Whole
            }
        );
        assert_eq!(sniff(b"512,4"), Sniff::Undecided);
        assert_eq!(sniff(&[b'A'; SNIFF_LIMIT]), Sniff::Unknown);
    }

    #[test]
    fn the_scale_keeps_decimals_unless_the_numbers_are_huge() {
        assert_eq!(text_scale(&[[512.0, 498.0]]), TextScale::Milli);
        assert_eq!(text_scale(&[[214_000.0, 3.0]]), TextScale::Milli);
        assert_eq!(text_scale(&[[215_000.0, 3.0]]), TextScale::Whole);
        // A fraction anywhere keeps them: better to reject what overflows.
        assert_eq!(text_scale(&[[215_000.5, 3.0]]), TextScale::Milli);
        assert_eq!(text_scale(&[]), TextScale::Milli);
    }

    #[test]
    fn a_boot_banner_before_the_numbers_is_text() {
        let mut b = String::new();
        for k in 0..30 {
            b.push_str(&format!("boot: checking module {k}... ok (v1.{k})\n"));
        }
        assert_eq!(sniff(b.as_bytes()), Sniff::Undecided, "{} bytes", b.len());
        b.push_str("512,300\n513,301\n514,302\n515,");
        assert_eq!(
            sniff(b.as_bytes()),
            Sniff::Text {
                scale: TextScale::Milli
            }
        );
        // Printable text that never turns into numbers is given up on.
        let words = "hello there\n".repeat(400);
        assert_eq!(sniff(words.as_bytes()), Sniff::Unknown);
        // Binary junk still within 1 KiB.
        assert_eq!(sniff(&[0xff; 1100]), Sniff::Unknown);
    }

    #[test]
    fn a_stray_zero_before_text_lines_is_still_text() {
        let lines = b"512,498\r\n513,497\r\n514,490\r\n515,489\r\n";
        for prefix in [&b"\0"[..], b"\0\0", b"\x00\xff\x00"] {
            let mut bytes = prefix.to_vec();
            bytes.extend_from_slice(lines);
            assert_eq!(
                sniff(&bytes),
                Sniff::Text {
                    scale: TextScale::Milli
                },
                "{prefix:?}"
            );
        }
        // ...and the splitter reads its first line despite the 0x00.
        let mut got = Vec::new();
        LineSplitter::default().push(b"\n\x00512,498\r\n", |l| got.push(l));
        assert_eq!(got, vec![Some([512.0, 498.0])]);
    }

    #[test]
    fn one_zero_is_undecided_and_a_good_frame_or_three_runs_are_binary() {
        assert_eq!(sniff(b"\0"), Sniff::Undecided);
        assert_eq!(
            sniff(b"\x05\x82\x02\xb7\x41\x00"),
            Sniff::Undecided,
            "bad CRC"
        );
        assert_eq!(sniff(b"\x01\x00\x02\x00"), Sniff::Undecided, "two runs");
        assert_eq!(
            sniff(b"\x01\x00\x02\x00\x03\x00"),
            Sniff::Binary,
            "three runs"
        );
        // Three runs and a fourth still arriving.
        assert_eq!(sniff(b"\x01\x00\x02\x00\x03\x00\x04"), Sniff::Binary);
    }

    #[test]
    fn parses_common_separators_and_rejects_others() {
        assert_eq!(parse_line(b"512,498\r"), Some([512.0, 498.0]));
        assert_eq!(parse_line(b" -3 ; 4.5 "), Some([-3.0, 4.5]));
        assert_eq!(parse_line(b"1\t2"), Some([1.0, 2.0]));
        for bad in [&b"1,2,3"[..], b"hello", b"1,", b"nan,2", b"\xff,1"] {
            assert_eq!(parse_line(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn splitter_handles_any_chunking_and_overlong_lines() {
        let text = b"1,2\r\n3,4\n\nbad\n5,6\n".repeat(3);
        let mut out = Vec::new();
        let mut s = LineSplitter::default();
        for chunk in text.chunks(3) {
            s.push(chunk, |l| out.push(l));
        }
        assert_eq!(out.len(), 12);
        assert_eq!(out.iter().filter(|l| l.is_none()).count(), 3);
        let mut s = LineSplitter::default();
        let mut long = vec![b'1'; 200];
        long.extend_from_slice(b"\n7,8\n");
        let mut got = Vec::new();
        s.push(&long, |l| got.push(l));
        assert_eq!(got, vec![None, Some([7.0, 8.0])]);
    }

    #[test]
    fn snaps_near_common_rates() {
        assert_eq!(snap_rate(98.7), 100.0);
        assert_eq!(snap_rate(127.0), 128.0);
        assert_eq!(snap_rate(77.77), 77.8);
    }
}
