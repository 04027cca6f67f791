//! The chest and belly bands of an EDF or EDF+ file (a sleep lab's
//! thoracic and abdominal RIP bands, or a breathband export), on one clock:
//! a band sampled slower than the other is interpolated to the faster rate.

use super::EdfError;
use edf_rs::file::EDFFile;
use edf_rs::headers::signal_header::SignalHeader;
use edf_rs::record::Samples;
use std::path::Path;

/// Label parts that name a rib-cage band, lowercase.
pub const CHEST_NAMES: [&str; 4] = ["thor", "chest", "rib", "tho"];
/// Label parts that name an abdominal band, lowercase.
pub const BELLY_NAMES: [&str; 3] = ["abd", "belly", "stomach"];

/// A run of samples without a break on the common clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Index of the first sample (time = index / rate from the file start).
    pub start_index: u64,
    pub chest: Vec<f64>,
    pub belly: Vec<f64>,
}

/// The two bands of a file, in its physical units.
#[derive(Debug, Clone, PartialEq)]
pub struct EdfBands {
    pub rate_hz: f64,
    /// The labels of the signals taken, chest then belly.
    pub labels: [String; 2],
    pub units: [String; 2],
    pub segments: Vec<Segment>,
    /// Said when a band was interpolated to the other's rate.
    pub resampled: Option<String>,
    /// Said when the file ends inside a data record (a recording cut
    /// short): the whole records before it are read.
    pub truncated: Option<String>,
}

impl EdfBands {
    /// Samples per band over all segments.
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.chest.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `path` is an EDF file: named `.edf`, or a file starting with
/// EDF's version field.
pub fn is_edf(path: &Path) -> bool {
    if path.is_dir() {
        return false;
    }
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("edf"))
    {
        return true;
    }
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"0       "
}

/// Normalized label: lowercase, single spaces.
fn norm(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The data signal (by its index among all signals) named `want`, or the
/// first whose label holds one of `parts`.
fn pick(
    signals: &[SignalHeader],
    want: Option<&str>,
    parts: &[&str],
    what: &str,
    flag: &str,
) -> Result<usize, EdfError> {
    let data: Vec<(usize, &SignalHeader)> = signals
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_annotation())
        .collect();
    let found = match want {
        Some(w) => data.iter().find(|(_, s)| norm(&s.label) == norm(w)),
        None => data.iter().find(|(_, s)| {
            let l = norm(&s.label);
            l.split(|c: char| !c.is_alphanumeric())
                .any(|word| parts.iter().any(|p| word.starts_with(p)))
        }),
    };
    found.map(|(i, _)| *i).ok_or_else(|| {
        let labels: Vec<String> = data.iter().map(|(_, s)| format!("'{}'", s.label)).collect();
        EdfError::NoChannel {
            what: match want {
                Some(w) => format!("no signal labelled '{w}' for the {what}"),
                None => format!("no {what} signal found by its label"),
            },
            labels: labels.join(", "),
            flag: flag.to_string(),
        }
    })
}

/// Physical values of a data record's digital samples.
fn physical(h: &SignalHeader, s: &Samples) -> Vec<f64> {
    let (dmin, dmax) = (f64::from(h.digital_minimum), f64::from(h.digital_maximum));
    let k = (h.physical_maximum - h.physical_minimum) / (dmax - dmin);
    let f = |d: f64| h.physical_minimum + (d - dmin) * k;
    match s {
        Samples::Values16Bit(v) => v.iter().map(|d| f(f64::from(*d))).collect(),
        Samples::Values24Bit(v) => v.iter().map(|d| f(f64::from(*d))).collect(),
    }
}

/// `v` sampled at `from` Hz, linearly interpolated to `to` Hz, `n` samples.
fn interpolate(v: &[f64], from: f64, to: f64, n: usize) -> Vec<f64> {
    if v.is_empty() {
        return vec![0.0; n];
    }
    (0..n)
        .map(|j| {
            let x = j as f64 * from / to;
            let i = (x.floor() as usize).min(v.len() - 1);
            let next = v[(i + 1).min(v.len() - 1)];
            let frac = (x - i as f64).clamp(0.0, 1.0);
            v[i] + (next - v[i]) * frac
        })
        .collect()
}

/// Reads the chest and belly bands of `path`. `chest` and `belly` name the
/// signals by label (any case); otherwise the first label holding a word
/// that starts like [`CHEST_NAMES`] / [`BELLY_NAMES`] is taken.
pub fn read_bands(
    path: &Path,
    chest: Option<&str>,
    belly: Option<&str>,
) -> Result<EdfBands, EdfError> {
    let shown = path.display().to_string();
    let bad = |what: String| EdfError::Format(format!("{shown}: {what}"));
    let mut edf = EDFFile::open(path).map_err(|e| bad(super::describe(&e)))?;
    let signals = edf.header.get_signals().clone();
    let ci = pick(
        &signals,
        chest,
        &CHEST_NAMES,
        "chest (thorax)",
        "--chest-channel",
    )?;
    let bi = pick(
        &signals,
        belly,
        &BELLY_NAMES,
        "belly (abdomen)",
        "--belly-channel",
    )?;
    if ci == bi {
        return Err(bad(format!(
            "'{}' cannot be both the chest and the belly band",
            signals[ci].label
        )));
    }
    let record_s = edf.header.get_record_duration();
    if !(record_s.is_finite() && record_s > 0.0) {
        return Err(bad(format!("data records of {record_s} s hold no signal")));
    }
    for i in [ci, bi] {
        let h = &signals[i];
        if h.samples_count == 0 || h.digital_maximum <= h.digital_minimum {
            return Err(bad(format!(
                "signal '{}' has {} samples a record and digital range {}..{}",
                h.label, h.samples_count, h.digital_minimum, h.digital_maximum
            )));
        }
    }
    // Position of each among the data signals (records hold only those).
    let data_pos = |i: usize| signals[..i].iter().filter(|s| !s.is_annotation()).count();
    let (cp, bp) = (data_pos(ci), data_pos(bi));
    let (nc, nb) = (signals[ci].samples_count, signals[bi].samples_count);
    let n = nc.max(nb);
    let rate = n as f64 / record_s;
    let plus = edf.header.get_specification() == edf_rs::EDFSpecifications::EDFPlus;

    let mut segments: Vec<Segment> = Vec::new();
    let (mut seg_c, mut seg_b) = (Vec::<f64>::new(), Vec::<f64>::new());
    let mut seg_start = 0.0;
    let mut next_onset = None;
    let mut k = 0usize;
    let close = |c: &mut Vec<f64>, b: &mut Vec<f64>, start_s: f64, out: &mut Vec<Segment>| {
        if c.is_empty() {
            return;
        }
        let len = n * c.len() / nc.max(1);
        let len = len.min(n * b.len() / nb.max(1));
        out.push(Segment {
            start_index: (start_s * rate).round().max(0.0) as u64,
            chest: interpolate(c, nc as f64, n as f64, len),
            belly: interpolate(b, nb as f64, n as f64, len),
        });
        c.clear();
        b.clear();
    };
    let mut truncated = None;
    loop {
        let rec = match edf.read_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) if k > 0 => {
                let why = match &e {
                    edf_rs::error::edf_error::EDFError::FileReadError(_)
                    | edf_rs::error::edf_error::EDFError::InvalidReadRange => String::new(),
                    other => format!(" ({})", super::describe(other)),
                };
                truncated = Some(format!(
                    "the file ends inside data record {}{why}: the {k} whole records before it are read",
                    k + 1
                ));
                break;
            }
            Err(e) => {
                return Err(bad(match e {
                    edf_rs::error::edf_error::EDFError::FileReadError(_)
                    | edf_rs::error::edf_error::EDFError::InvalidReadRange => {
                        "the file ends before its first whole data record".into()
                    }
                    other => format!("data record 1: {}", super::describe(&other)),
                }))
            }
        };
        let onset = if plus {
            rec.get_start_offset()
        } else {
            k as f64 * record_s
        };
        let (Some(c), Some(b)) = (
            rec.raw_signal_samples.get(cp),
            rec.raw_signal_samples.get(bp),
        ) else {
            return Err(bad(format!("data record {} is incomplete", k + 1)));
        };
        // A record that does not follow the one before (EDF+D) starts a
        // segment of its own.
        if next_onset.is_some_and(|t: f64| (onset - t).abs() > 0.5 / rate) {
            close(&mut seg_c, &mut seg_b, seg_start, &mut segments);
        }
        if seg_c.is_empty() {
            seg_start = onset;
        }
        seg_c.extend(physical(&signals[ci], c));
        seg_b.extend(physical(&signals[bi], b));
        next_onset = Some(onset + record_s);
        k += 1;
    }
    close(&mut seg_c, &mut seg_b, seg_start, &mut segments);
    if segments.is_empty() {
        return Err(bad("no data records".into()));
    }
    let resampled = (nc != nb).then(|| {
        let (slow, rate_slow) = if nc < nb {
            (&signals[ci].label, nc as f64 / record_s)
        } else {
            (&signals[bi].label, nb as f64 / record_s)
        };
        format!("'{slow}' interpolated from {rate_slow} Hz to {rate} Hz")
    });
    Ok(EdfBands {
        rate_hz: rate,
        labels: [signals[ci].label.clone(), signals[bi].label.clone()],
        units: [
            signals[ci].physical_dimension.clone(),
            signals[bi].physical_dimension.clone(),
        ],
        segments,
        resampled,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(label: &str) -> SignalHeader {
        let mut h = SignalHeader::new();
        h.with_label(label.to_string());
        h
    }

    #[test]
    fn common_labels_are_found_and_a_named_one_wins() {
        let s: Vec<_> = [
            "EEG C3",
            "Thor",
            "Abdo",
            "RIP Thorax",
            "RIP Abdom",
            "EDF Annotations",
        ]
        .iter()
        .map(|l| header(l))
        .collect();
        assert_eq!(pick(&s, None, &CHEST_NAMES, "", "").unwrap(), 1);
        assert_eq!(pick(&s, None, &BELLY_NAMES, "", "").unwrap(), 2);
        assert_eq!(
            pick(&s, Some("rip  thorax"), &CHEST_NAMES, "", "").unwrap(),
            3
        );
        for labels in [
            ["Effort THO", "Effort ABD"],
            ["Resp chest", "Resp abdomen"],
            ["THOR RES", "ABDO RES"],
        ] {
            let s: Vec<_> = labels.iter().map(|l| header(l)).collect();
            assert_eq!(
                pick(&s, None, &CHEST_NAMES, "", "").unwrap(),
                0,
                "{labels:?}"
            );
            assert_eq!(
                pick(&s, None, &BELLY_NAMES, "", "").unwrap(),
                1,
                "{labels:?}"
            );
        }
        let e = pick(&s, Some("Chest"), &CHEST_NAMES, "chest", "--chest-channel").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("'EEG C3'") && m.contains("--chest-channel"),
            "{m}"
        );
        assert!(!m.contains("EDF Annotations"), "{m}");
        // "Methodical" holds "tho" but no word starts with it.
        let s = [header("Methodical")];
        assert!(pick(&s, None, &CHEST_NAMES, "", "").is_err());
    }

    #[test]
    fn a_slow_band_is_interpolated_to_the_fast_rate() {
        let v = [0.0, 10.0, 20.0];
        assert_eq!(
            interpolate(&v, 10.0, 20.0, 6),
            [0.0, 5.0, 10.0, 15.0, 20.0, 20.0]
        );
        assert_eq!(interpolate(&v, 10.0, 10.0, 3), v);
    }
}
