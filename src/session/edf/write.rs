//! A session folder as one EDF+C file: the chest and belly bands in their
//! calibrated units, the start time, and annotations (see [`super::notes`]).
//! Written under a temporary name and linked into place whole; an existing
//! file is never replaced.

use super::notes::{session_notes, Note, RowGap};
use super::{EdfError, BELLY_LABEL, CHEST_LABEL};
use crate::device::band_csv::BandCsvReader;
use crate::session::history::read_windows;
use crate::session::meta::SessionMeta;
use chrono::Timelike;
use edf_rs::file::EDFFile;
use edf_rs::headers::annotation_list::AnnotationList;
use edf_rs::headers::patient::PatientId;
use edf_rs::headers::recording::RecordingId;
use edf_rs::headers::signal_header::SignalHeader;
use edf_rs::record::Samples;
use edf_rs::EDFSpecifications;
use std::path::Path;

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct EdfWritten {
    pub records: usize,
    pub record_s: f64,
    pub annotations: usize,
    /// Samples added to fill gaps and to complete the last record.
    pub filled: u64,
    /// Why the class changes are missing, if `windows.csv` was unreadable.
    pub warning: Option<String>,
}

/// How one band's calibrated values map to EDF's 16-bit numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Raw count of digital -32768.
    pub raw_min: f64,
    /// Raw counts per digital step (1 unless the band spans more than 65536).
    pub counts_per_step: f64,
    pub digital_max: i32,
    pub physical_min: f64,
    pub physical_max: f64,
}

impl Scale {
    /// The scale for raw counts in `[lo, hi]` at `gain` units per count.
    pub fn new(lo: f64, hi: f64, gain: f64) -> Self {
        let span = (hi - lo).max(1.0);
        let counts_per_step = (span / 65_535.0).ceil().max(1.0);
        let steps = (span / counts_per_step).ceil();
        let digital_max = -32_768 + steps as i32;
        let raw_min = lo;
        let raw_max = lo + steps * counts_per_step;
        let (a, b) = (raw_min * gain, raw_max * gain);
        // A negative gain gives a physical minimum above the maximum, as
        // EDF allows.
        Self {
            raw_min,
            counts_per_step,
            digital_max,
            physical_min: fit8(a),
            physical_max: fit8(b),
        }
    }

    /// The digital value of a raw count.
    pub fn digital(&self, raw: f64) -> i16 {
        let d = -32_768.0 + ((raw - self.raw_min) / self.counts_per_step).round();
        d.clamp(-32_768.0, f64::from(self.digital_max)) as i16
    }

    /// Physical units per digital step.
    pub fn step(&self) -> f64 {
        (self.physical_max - self.physical_min).abs() / f64::from(self.digital_max + 32_768)
    }
}

/// `x` rounded to what EDF's 8-character number fields hold.
pub fn fit8(x: f64) -> f64 {
    for decimals in (0..=7).rev() {
        let s = format!("{x:.decimals$}");
        let v: f64 = s.parse().unwrap_or(0.0);
        if v.to_string().len() <= 8 {
            return v;
        }
    }
    x.round()
}

/// The record length: the shortest of a few seconds holding a whole number
/// of samples (1 s at 100 or 1000 Hz); 1 s with the rate rounded otherwise.
fn record_layout(rate: f64) -> (f64, usize) {
    for d in [1.0, 2.0, 4.0, 5.0, 10.0] {
        let n = rate * d;
        if (n - n.round()).abs() < 1e-6 && n >= 1.0 {
            return (d, n.round() as usize);
        }
    }
    (1.0, rate.round().max(1.0) as usize)
}

/// Rows of a session as continuous series from its first index to its last;
/// a missing sample holds the value before it.
struct Series {
    first_index: u64,
    chest: Vec<f64>,
    belly: Vec<f64>,
    gaps: Vec<RowGap>,
}

fn read_series(dir: &Path, meta: &SessionMeta) -> Result<Series, EdfError> {
    let rate = meta.sample_rate_hz;
    let mut rdr = BandCsvReader::open(dir).map_err(|e| EdfError::Input(e.to_string()))?;
    let mut s = Series {
        first_index: 0,
        chest: Vec::new(),
        belly: Vec::new(),
        gaps: Vec::new(),
    };
    let mut next: Option<u64> = None;
    while let Some(r) = rdr.next_row().map_err(|e| EdfError::Input(e.to_string()))? {
        let index = r
            .sample_index
            .unwrap_or_else(|| (r.time_s * rate).round().max(0.0) as u64);
        match next {
            None => s.first_index = index,
            Some(n) if index < n => continue,
            Some(n) if index > n => {
                let lost = index - n;
                let estimated = meta.gaps.iter().any(|g| g.index == index && g.estimated);
                s.gaps.push(RowGap {
                    first_lost_s: n as f64 / rate,
                    lost,
                    resume_s: index as f64 / rate,
                    estimated,
                });
                let (c, b) = (s.chest[s.chest.len() - 1], s.belly[s.belly.len() - 1]);
                s.chest.extend(std::iter::repeat_n(c, lost as usize));
                s.belly.extend(std::iter::repeat_n(b, lost as usize));
            }
            Some(_) => {}
        }
        s.chest.push(r.chest);
        s.belly.push(r.belly);
        next = Some(index + 1);
    }
    if s.chest.is_empty() {
        return Err(EdfError::Empty(dir.display().to_string()));
    }
    Ok(s)
}

/// A signal header for a band.
fn band_header(label: &str, transducer: &str, unit: &str, sc: &Scale, n: usize) -> SignalHeader {
    let mut h = SignalHeader::new();
    h.with_label(label.to_string())
        .with_transducer(transducer.to_string())
        .with_physical_dimension(unit.chars().filter(char::is_ascii).take(8).collect())
        .with_physical_range(sc.physical_min, sc.physical_max)
        .with_digital_range(-32_768, sc.digital_max)
        .with_prefilter("none".to_string())
        .with_samples_count(n);
    h
}

/// An annotation's text without the characters TALs use as separators.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Seconds rounded to 0.1 ms (short TAL onsets).
fn tenth_ms(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Writes the session in `dir` to the EDF+ file `out`, which must not exist.
pub fn write_session(dir: &Path, out: &Path) -> Result<EdfWritten, EdfError> {
    let meta = SessionMeta::read(dir).map_err(|e| EdfError::Input(e.to_string()))?;
    let rate = meta.sample_rate_hz;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(EdfError::Input(format!(
            "{}: sample rate {rate} Hz is not usable",
            dir.display()
        )));
    }
    let mut s = read_series(dir, &meta)?;
    let (windows, warning) = match read_windows(&dir.join("windows.csv")) {
        Ok(w) => (w, None),
        Err(e) => (Vec::new(), Some(format!("class changes left out: {e}"))),
    };
    let (record_s, per_record) = record_layout(rate);
    let real = s.chest.len();
    let records = real.div_ceil(per_record);
    let padded = records * per_record;
    let start_s = s.first_index as f64 / rate;
    let end_s = start_s + real as f64 / rate;
    let mut notes = session_notes(&meta, &windows, &s.gaps, start_s, end_s);
    if padded > real {
        notes.push(Note {
            onset_s: end_s,
            duration_s: Some((padded - real) as f64 / rate),
            text: "End of recording: the last record is filled with the last value".into(),
        });
    }
    let filled = s.gaps.iter().map(|g| g.lost).sum::<u64>() + (padded - real) as u64;
    let (c, b) = (s.chest[real - 1], s.belly[real - 1]);
    s.chest.resize(padded, c);
    s.belly.resize(padded, b);

    let gains = meta
        .calibration
        .clone()
        .unwrap_or_else(|| crate::analysis::Gains::from_scales(meta.source.scales()));
    let range = |v: &[f64]| {
        v.iter().fold((f64::MAX, f64::MIN), |(lo, hi), x| {
            (lo.min(x.round()), hi.max(x.round()))
        })
    };
    let (clo, chi) = range(&s.chest);
    let (blo, bhi) = range(&s.belly);
    let cs = Scale::new(clo, chi, gains.chest);
    let bs = Scale::new(blo, bhi, gains.belly);

    // Annotations by record: each in the record its onset falls in.
    let mut by_record: Vec<Vec<AnnotationList>> = (0..records)
        .map(|k| vec![AnnotationList::new_time_keeping(k as f64 * record_s)])
        .collect();
    let mut count = 0;
    for n in &notes {
        let onset = tenth_ms(n.onset_s - start_s);
        let k = ((onset / record_s).floor().max(0.0) as usize).min(records - 1);
        let duration = n.duration_s.map_or(0.0, tenth_ms);
        let Ok(a) = AnnotationList::new(onset, duration, vec![clean(&n.text)]) else {
            continue;
        };
        by_record[k].push(a);
        count += 1;
    }
    let tal_bytes = by_record
        .iter()
        .map(|r| r.iter().map(|a| a.serialize().len()).sum::<usize>())
        .max()
        .unwrap_or(0);

    let unit = gains.unit.clone();
    let (transducer_c, transducer_b) = transducers(&meta);
    let written = (|| -> Result<(), EdfError> {
        let mut edf = EDFFile::new(out)?;
        let start = meta.start_local;
        let start_date = start.date_naive();
        edf.header
            .with_specification(EDFSpecifications::EDFPlus)
            .with_is_continuous(true)
            .with_patient_id(PatientId {
                code: None,
                sex: None,
                date: None,
                name: None,
                additional: Vec::new(),
            })
            .with_recording_id(RecordingId {
                startdate: Some(start_date),
                admin_code: None,
                technician: None,
                equipment: Some(format!("breathband_{}", env!("CARGO_PKG_VERSION"))),
                additional: vec![Some(clean(&meta.source.protocol).replace(' ', "_"))],
            })
            .with_start_date(start_date)
            .with_start_time(
                chrono::NaiveTime::from_hms_opt(start.hour(), start.minute(), start.second())
                    .unwrap_or_default(),
            )
            .with_record_duration(record_s);
        edf.insert_signal(
            0,
            band_header(CHEST_LABEL, &transducer_c, &unit, &cs, per_record),
        )?;
        edf.insert_signal(
            1,
            band_header(BELLY_LABEL, &transducer_b, &unit, &bs, per_record),
        )?;
        let mut annot = SignalHeader::new_annotation(1, EDFSpecifications::EDFPlus);
        // In two-byte samples, with room for the largest record's TALs.
        annot.samples_count = tal_bytes.div_ceil(2).max(30) + 1;
        edf.insert_signal(2, annot)?;
        for (k, tals) in by_record.into_iter().enumerate() {
            let span = k * per_record..(k + 1) * per_record;
            let mut rec = edf.header.create_record();
            rec.raw_signal_samples = vec![
                Samples::Values16Bit(
                    s.chest[span.clone()]
                        .iter()
                        .map(|x| cs.digital(*x))
                        .collect(),
                ),
                Samples::Values16Bit(s.belly[span].iter().map(|x| bs.digital(*x)).collect()),
            ];
            rec.annotations = vec![tals];
            edf.append_record(rec)?;
        }
        edf.save()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    Ok(EdfWritten {
        records,
        record_s,
        annotations: count,
        filled,
        warning,
    })
}

/// The transducer fields: what the bands are, and which channel of the
/// board carried each.
fn transducers(meta: &SessionMeta) -> (String, String) {
    let [c, b] = &meta.source.channels;
    (
        clean(&format!("stretch band, rib cage: {}", c.name)),
        clean(&format!("stretch band, abdomen: {}", b.name)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_numbers_fit_eight_characters() {
        for x in [
            0.0,
            1.0,
            -32768.0,
            123.456789,
            -0.000123456,
            12345678.9,
            0.1 + 0.2,
        ] {
            let v = fit8(x);
            assert!(v.to_string().len() <= 8, "{x} -> {v}");
            assert!(
                (v - x).abs() <= 1e-4_f64.max(x.abs() * 1e-6) + 0.5,
                "{x} -> {v}"
            );
        }
    }

    #[test]
    fn a_band_maps_count_for_count_to_digital_values() {
        let s = Scale::new(400.0, 700.0, 0.5);
        assert_eq!((s.digital(400.0), s.digital(700.0)), (-32768, -32468));
        assert_eq!((s.physical_min, s.physical_max), (200.0, 350.0));
        assert_eq!(s.step(), 0.5);
        // A 24-bit span: 256 counts a step, never out of range.
        let w = Scale::new(0.0, 16_777_215.0, 1.0);
        assert_eq!(w.counts_per_step, 257.0);
        assert_eq!(w.digital(16_777_215.0), w.digital_max as i16);
        assert!(w.digital_max <= 32_767);
    }

    #[test]
    fn record_lengths_hold_whole_samples() {
        assert_eq!(record_layout(100.0), (1.0, 100));
        assert_eq!(record_layout(1000.0), (1.0, 1000));
        assert_eq!(record_layout(12.5), (2.0, 25));
        assert_eq!(record_layout(25.6), (5.0, 128));
    }
}
