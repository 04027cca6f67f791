//! `breathband analyze`: rate, amplitudes, phase, quality and classes of a
//! recorded file, with the same engine as the live view.

use crate::analysis::offline::{Collector, Report};
use crate::analysis::{AnalysisConfig, Gains};
use crate::device::band_csv::{infer_rate, resolve_input, BandCsvReader, BandRow};
use crate::device::read_ahead::RowThread;
use crate::session::edf::{is_edf, read_bands, EdfBands};
use crate::session::folder::check_output;
use crate::session::meta::SessionMeta;
use crate::session::results_csv::{window_row, windows_header};
use crate::session::row_file::RowFile;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// CSV or gzip CSV with time_s, chest, belly columns, a session folder,
    /// or an EDF/EDF+ file.
    input: PathBuf,
    /// EDF: label of the rib-cage band (default: the first label with a
    /// word starting "thor", "tho", "chest" or "rib").
    #[arg(long, value_name = "NAME")]
    chest_channel: Option<String>,
    /// EDF: label of the abdominal band (default: the first label with a
    /// word starting "abd", "belly" or "stomach").
    #[arg(long, value_name = "NAME")]
    belly_channel: Option<String>,
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// Spectral window length, s.
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    window_s: f64,
    /// Time between windows, s.
    #[arg(long, value_name = "S", default_value_t = 1.0)]
    step_s: f64,
    /// Chest gain, calibrated units per raw count (default: session calibration or device scale).
    #[arg(long, value_name = "G")]
    chest_gain: Option<f64>,
    /// Belly gain, calibrated units per raw count.
    #[arg(long, value_name = "G")]
    belly_gain: Option<f64>,
    /// Also write the windows as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// Rows read to infer the sample rate before streaming the rest.
const RATE_ROWS: usize = 4096;

pub fn run(a: AnalyzeArgs) -> anyhow::Result<()> {
    let cfg = AnalysisConfig {
        window_s: a.window_s,
        max_window_s: AnalysisConfig::default().max_window_s.max(a.window_s),
        step_s: a.step_s,
        min_window_s: AnalysisConfig::default().min_window_s.min(a.window_s),
        ..Default::default()
    };
    cfg.validate()
        .map_err(|e| anyhow::anyhow!("bad analysis settings: {e}"))?;
    if let Some(out) = &a.csv {
        check_output(out, &[&a.input, &resolve_input(&a.input)])?;
    }
    let edf = is_edf(&a.input);
    if !edf && (a.chest_channel.is_some() || a.belly_channel.is_some()) {
        bail!(
            "--chest-channel and --belly-channel name the signals of an EDF file; {} is not one",
            a.input.display()
        );
    }
    let report = if edf {
        let bands = read_bands(
            &a.input,
            a.chest_channel.as_deref(),
            a.belly_channel.as_deref(),
        )?;
        eprintln!(
            "{}: chest '{}', belly '{}' at {} Hz{}",
            a.input.display(),
            bands.labels[0],
            bands.labels[1],
            bands.rate_hz,
            bands
                .resampled
                .as_ref()
                .map_or(String::new(), |r| format!(" ({r})"))
        );
        if let Some(t) = &bands.truncated {
            eprintln!("{}: warning: {t}", a.input.display());
        }
        let gains = Gains::explicit(edf_gains(&bands), a.chest_gain, a.belly_gain)?;
        analyze_bands(&bands, cfg, gains)
    } else {
        let base = SessionMeta::gains_of(&a.input).unwrap_or_default();
        let gains = Gains::explicit(base, a.chest_gain, a.belly_gain)?;
        analyze_file(&a.input, cfg, gains)?
    };
    if let Some(p) = &a.csv {
        write_windows_csv(p, &report).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if a.json {
        let s = serde_json::to_string(&report)?;
        super::say(format_args!("{s}"));
    } else {
        print_summary(&a.input, &report);
    }
    Ok(())
}

/// Runs the engine over a whole file.
pub fn analyze_file(input: &Path, cfg: AnalysisConfig, gains: Gains) -> anyhow::Result<Report> {
    let path = resolve_input(input);
    let mut rdr = BandCsvReader::open(&path)?;
    let mut head: Vec<BandRow> = Vec::with_capacity(RATE_ROWS);
    while head.len() < RATE_ROWS {
        match rdr.next_row()? {
            Some(r) => {
                check_time(&path, &r)?;
                head.push(r)
            }
            None => break,
        }
    }
    let fs = infer_rate(&path, &head)?;
    if !(1.0..=100_000.0).contains(&fs) {
        bail!(
            "{}: inferred sample rate {fs} Hz is not plausible",
            path.display()
        );
    }
    let mut c = Collector::new(cfg, fs, gains);
    let mut feed = |r: &BandRow| -> anyhow::Result<()> {
        check_time(&path, r)?;
        let index = r
            .sample_index
            .unwrap_or_else(|| (r.time_s * fs).round() as u64);
        c.push(index, r.chest, r.belly, r.flags);
        Ok(())
    };
    for r in &head {
        feed(r)?;
    }
    // The rest is parsed ahead on a thread of its own.
    let mut rows = RowThread::spawn(rdr)?;
    while let Some(r) = rows.next_row()? {
        feed(&r)?;
    }
    Ok(c.finish())
}

/// EDF values are physical already: unit gains, in the file's unit when
/// both bands share one.
fn edf_gains(b: &EdfBands) -> Gains {
    let [c, bu] = &b.units;
    Gains {
        chest: 1.0,
        belly: 1.0,
        method: "edf".into(),
        unit: if c == bu && !c.is_empty() {
            c.clone()
        } else {
            "a.u.".into()
        },
    }
}

/// Runs the engine over the bands of an EDF file.
pub fn analyze_bands(b: &EdfBands, cfg: AnalysisConfig, gains: Gains) -> Report {
    let mut c = Collector::new(cfg, b.rate_hz, gains);
    for s in &b.segments {
        for (j, (x, y)) in s.chest.iter().zip(&s.belly).enumerate() {
            c.push(s.start_index + j as u64, *x, *y, 0);
        }
    }
    c.finish()
}

/// A negative (or NaN) time is malformed: it has no place on the sample
/// clock, and dropping the row silently would hide a broken file.
fn check_time(path: &Path, r: &BandRow) -> anyhow::Result<()> {
    if r.time_s >= 0.0 {
        return Ok(());
    }
    bail!(
        "{}, line {}: time_s {} is negative",
        path.display(),
        r.line,
        r.time_s
    )
}

fn write_windows_csv(path: &Path, r: &Report) -> anyhow::Result<()> {
    // A derived file: replace it if it is there.
    if path.is_file() {
        std::fs::remove_file(path)?;
    }
    let mut f = RowFile::create(path, &windows_header())?;
    for w in &r.windows {
        f.push_row(|b| window_row(b, w));
    }
    f.flush(false)?;
    Ok(())
}

fn print_summary(input: &Path, r: &Report) {
    let s = &r.summary;
    let f = |v: Option<f64>, unit: &str, p: usize| {
        v.map_or("-".to_string(), |x| format!("{x:.p$}{unit}"))
    };
    super::say(format_args!(
        "{}: {:.1} s at {} Hz, {} windows, {} breaths",
        input.display(),
        r.duration_s,
        r.sample_rate_hz,
        r.windows.len(),
        s.breaths
    ));
    super::say(format_args!(
        "rate         {}",
        f(s.rate_bpm, " breaths/min", 1)
    ));
    super::say(format_args!("belly share  {}", f(s.belly_share, "", 2)));
    super::say(format_args!(
        "phase        {}",
        f(s.phase_deg, " deg (+ = belly leads)", 0)
    ));
    super::say(format_args!("quality      {}", f(s.quality, "", 2)));
    let classes: Vec<String> = crate::analysis::Class::ALL
        .iter()
        .map(|c| {
            format!(
                "{} {:.0}%",
                c.name(),
                100.0 * s.class_fraction.get(c.name()).copied().unwrap_or(0.0)
            )
        })
        .collect();
    super::say(format_args!("windows      {}", classes.join(", ")));
    for e in &r.events {
        super::say(format_args!(
            "event        {:?} from {:.0} s{}",
            e.kind,
            e.start_s,
            e.end_s.map_or(String::new(), |t| format!(" to {t:.0} s"))
        ));
    }
}
