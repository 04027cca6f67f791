//! `breathband simulate`: the virtual sensor behind a pseudo-terminal, or
//! written offline to a CSV with its ground truth.

use super::virtual_args::{f64_in, f64_positive, VirtualArgs, MAX_SECONDS};
use crate::device::virtual_sensor::VirtualSensor;
use crate::session::folder::check_output;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// The simulated board's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Board {
    Breathband,
    Bitalino,
}

/// Options of `breathband simulate`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["pty", "out"])))]
pub struct SimulateArgs {
    /// Run a simulated sensor board behind a pseudo-terminal; prints its path.
    #[arg(long)]
    pty: bool,
    /// With --pty: keep a symlink at PATH to the current device (survives --unplug-at).
    #[arg(long, requires = "pty", value_name = "PATH")]
    link: Option<PathBuf>,
    /// Write the signals and their ground truth to this CSV instead.
    #[arg(long, value_name = "FILE.csv")]
    out: Option<PathBuf>,
    /// Length: required with --out; with --pty, exit after this long.
    #[arg(long, value_name = "N", value_parser = f64_positive(MAX_SECONDS))]
    seconds: Option<f64>,
    /// With --pty: print "chest,belly" text lines instead of binary frames.
    #[arg(long, requires = "pty")]
    text: bool,
    /// With --pty: bursts of junk bytes per second between frames.
    #[arg(long, default_value_t = 0.0, requires = "pty", value_parser = f64_in(0.0, 10_000.0))]
    garbage_per_s: f64,
    /// With --pty: fraction of sample frames with a corrupted byte.
    #[arg(long, default_value_t = 0.0, requires = "pty", value_parser = f64_in(0.0, 1.0))]
    corrupt: f64,
    /// With --pty: pull the cable at this time (s)...
    #[arg(long, requires = "pty", value_name = "S", value_parser = f64_in(0.0, MAX_SECONDS))]
    unplug_at: Option<f64>,
    /// ...for this long (s); the board restarts when plugged back.
    #[arg(long, default_value_t = 3.0, value_name = "S", value_parser = f64_in(0.0, 3600.0))]
    unplug_for: f64,
    /// With --pty: the board goes silent at this time (s)...
    #[arg(long, requires = "pty", value_name = "S", value_parser = f64_in(0.0, MAX_SECONDS))]
    silence_at: Option<f64>,
    /// ...for this long (s), without restarting.
    #[arg(long, default_value_t = 3.0, value_name = "S", value_parser = f64_in(0.0, 3600.0))]
    silence_for: f64,
    /// With --pty: the board reboots in place at this time (s): the port
    /// stays open, it sends Info again and streams only after a new Start.
    #[arg(long, requires = "pty", value_name = "S", value_parser = f64_in(0.0, MAX_SECONDS))]
    reset_at: Option<f64>,
    /// With --pty: opening the port resets the board, which then ignores
    /// commands for this long (s) before it boots and sends Info (an
    /// Arduino bootloader).
    #[arg(long, default_value_t = 0.0, requires = "pty", value_name = "S", value_parser = f64_in(0.0, 10.0))]
    boot_delay: f64,
    /// With --pty: which board to be: `breathband` (our protocol) or
    /// `bitalino` (a BITalino (r)evolution, chest on A1, belly on A2,
    /// answering its commands; the host sets its rate).
    #[arg(long, value_enum, default_value_t = Board::Breathband, requires = "pty")]
    board: Board,
    #[command(flatten)]
    sensor: VirtualArgs,
}

pub fn run(a: SimulateArgs) -> anyhow::Result<()> {
    let cfg = a.sensor.config()?;
    if let Some(out) = &a.out {
        let secs = a
            .seconds
            .context("--out needs --seconds N (how much signal to write)")?;
        check_output(out, &[])?;
        return write_csv(out, secs, cfg);
    }
    run_pty(&a, cfg)
}

#[cfg(unix)]
fn run_pty(
    a: &SimulateArgs,
    cfg: crate::device::virtual_source::VirtualConfig,
) -> anyhow::Result<()> {
    use crate::device::pty_sim::{run, PtySimOptions};
    if a.board == Board::Bitalino {
        return run_bitalino(a, cfg);
    }
    let opts = PtySimOptions {
        sensor: cfg,
        link: a.link.clone(),
        text: a.text,
        garbage_per_s: a.garbage_per_s,
        corrupt_fraction: a.corrupt,
        unplug_at: a.unplug_at,
        unplug_for: a.unplug_for,
        silence_at: a.silence_at,
        silence_for: a.silence_for,
        reset_at: a.reset_at,
        boot_delay: a.boot_delay,
        seconds: a.seconds,
    };
    let stop = super::stop_on_signal();
    let stats = run(&opts, &stop, print_path).context("simulated sensor failed")?;
    eprintln!(
        "simulate: sent {} frames, {} samples; {} garbage bytes; {} corrupted frames ({} samples); {} unplugs; {} resets",
        stats.frames_sent,
        stats.samples_sent,
        stats.garbage_bytes,
        stats.corrupted_frames,
        stats.corrupted_samples,
        stats.unplugs,
        stats.resets
    );
    Ok(())
}

/// Prints the board's device path (at start and after each re-plug). A
/// reader that went away must not stop the simulated board.
#[cfg(unix)]
fn print_path(path: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{path}").and_then(|_| out.flush());
}

/// The virtual BITalino behind a pty.
#[cfg(unix)]
fn run_bitalino(
    a: &SimulateArgs,
    cfg: crate::device::virtual_source::VirtualConfig,
) -> anyhow::Result<()> {
    use crate::device::bitalino::virtual_board::{run, BitalinoSimOptions};
    if a.text || a.silence_at.is_some() || a.reset_at.is_some() || a.boot_delay > 0.0 {
        anyhow::bail!(
            "--board bitalino takes --corrupt, --garbage-per-s, --unplug-at/--unplug-for and \
             --seconds; not --text, --silence-at, --reset-at or --boot-delay"
        );
    }
    let opts = BitalinoSimOptions {
        sensor: cfg,
        link: a.link.clone(),
        garbage_per_s: a.garbage_per_s,
        corrupt_fraction: a.corrupt,
        unplug_at: a.unplug_at,
        unplug_for: a.unplug_for,
        seconds: a.seconds,
    };
    let stop = super::stop_on_signal();
    let stats = run(&opts, &stop, print_path).context("virtual BITalino failed")?;
    eprintln!(
        "simulate: sent {} frames; {} garbage bytes; {} corrupted frames; {} unplugs",
        stats.frames_sent, stats.garbage_bytes, stats.corrupted_frames, stats.unplugs
    );
    Ok(())
}

#[cfg(not(unix))]
fn run_pty(
    _: &SimulateArgs,
    _: crate::device::virtual_source::VirtualConfig,
) -> anyhow::Result<()> {
    anyhow::bail!("--pty needs a Unix pseudo-terminal; use --out FILE.csv here")
}

/// Header of the offline simulation CSV: the `time_s`, `sample_index`,
/// `chest` and `belly` columns of samples.csv (no `flags`: nothing is
/// clipped or lost offline), then the ground truth.
pub const SIM_HEADER: &str =
    "time_s,sample_index,chest,belly,true_rate_bpm,true_belly_share,true_phase_deg,true_cycle,true_class\n";

fn write_csv(
    out: &PathBuf,
    secs: f64,
    cfg: crate::device::virtual_source::VirtualConfig,
) -> anyhow::Result<()> {
    let f =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = std::io::BufWriter::new(f);
    let mut s = VirtualSensor::new(cfg.sample_rate_hz, cfg.params, cfg.schedule, cfg.seed);
    let n = (secs * cfg.sample_rate_hz).round() as u64;
    let werr = || format!("cannot write {}", out.display());
    w.write_all(SIM_HEADER.as_bytes()).with_context(werr)?;
    for i in 0..n {
        let v = s.next_sample();
        let t = v.truth;
        writeln!(
            w,
            "{:.6},{i},{},{},{:.4},{:.4},{:.2},{:.5},{}",
            i as f64 / cfg.sample_rate_hz,
            v.chest,
            v.belly,
            t.rate_bpm,
            t.belly_share,
            t.phase_deg,
            t.cycle,
            t.class
        )
        .with_context(werr)?;
    }
    w.flush().with_context(werr)?;
    eprintln!("simulate: wrote {n} samples to {}", out.display());
    Ok(())
}
