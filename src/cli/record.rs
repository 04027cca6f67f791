//! `breathband record`: a headless session from a port, the virtual sensor
//! or a replayed file.

use super::virtual_args::{f64_in, f64_positive, VirtualArgs, MAX_SECONDS};
use crate::acquisition::{AcqConfig, Acquisition, OverflowPolicy};
use crate::device::bitalino::source::{BitalinoConfig, BitalinoSource};
use crate::device::replay::ReplaySource;
use crate::device::serial_link::{SerialConfig, SerialSource};
use crate::device::virtual_source::VirtualSource;
use crate::device::Source;
use crate::live::{record, RecordOptions};
use crate::session::folder::check_output;
use crate::session::folder::data_dir;
use crate::session::writer::SessionTarget;
use std::path::{Path, PathBuf};

/// Options of `breathband record`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["port", "virtual_sensor", "replay"])))]
pub struct RecordArgs {
    /// Serial port of the sensor (see `breathband ports`).
    #[arg(long, value_name = "PATH")]
    port: Option<String>,
    /// Use the built-in virtual sensor.
    #[arg(long = "virtual", id = "virtual_sensor")]
    virtual_sensor: bool,
    /// Replay a recorded CSV or session folder.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Replay speed (1 = real time, 0 = as fast as possible).
    #[arg(long, default_value_t = 1.0, requires = "replay", value_parser = f64_in(0.0, 1000.0))]
    speed: f64,
    /// Stop after N seconds of signal (device clock); default: until Ctrl-C.
    #[arg(long, value_name = "N", value_parser = f64_positive(MAX_SECONDS))]
    seconds: Option<f64>,
    /// With no samples for this long (s; a cable that stays out, a board
    /// that sends only junk) the session ends as failed, `link_lost`;
    /// 0 waits for ever.
    #[arg(long, value_name = "S", default_value_t = 60.0, value_parser = f64_in(0.0, MAX_SECONDS))]
    give_up_after: f64,
    /// Write into exactly this session folder (created; must be empty).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Sample rate of a device printing text lines (default: estimated).
    #[arg(long, value_name = "HZ", requires = "port", value_parser = f64_in(1.0, 10_000.0))]
    text_rate: Option<f64>,
    /// What is on the port: `auto` (a breathband board or text lines) or
    /// `bitalino` (a BITalino (r)evolution, USB-serial or Bluetooth).
    #[arg(long, value_enum, default_value_t = Device::Auto, requires = "port")]
    device: Device,
    /// With --device bitalino: the analog channels of the chest and the
    /// belly band, in that order.
    #[arg(long, value_name = "A1,A2", default_value = "A1,A2", value_parser = crate::device::bitalino::source::parse_channels)]
    channels: [usize; 2],
    #[command(flatten)]
    sensor: VirtualArgs,
}

/// The kind of device on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Device {
    /// A breathband board (its binary protocol) or a board printing text.
    Auto,
    /// A BITalino (r)evolution.
    Bitalino,
}

/// Records one session; errors are one line for `main` to print.
pub fn run(a: RecordArgs, data_dir_arg: Option<&Path>) -> anyhow::Result<()> {
    let target = match &a.out {
        Some(dir) => {
            let inputs: Vec<&Path> = a.replay.as_deref().into_iter().collect();
            check_output(dir, &inputs)?;
            SessionTarget::Exact(dir.clone())
        }
        None => SessionTarget::Under(data_dir(data_dir_arg)?.join("sessions")),
    };
    let mut cfg = AcqConfig::default();
    let source: Box<dyn Source> = if let (Some(port), Device::Bitalino) = (&a.port, a.device) {
        let mut c = BitalinoConfig::new(port);
        c.channels = a.channels;
        if let Some(hz) = a.sensor.rate_hz {
            c.rate_hz = bitalino_rate(hz)?;
        }
        Box::new(BitalinoSource::new(c))
    } else if let Some(port) = &a.port {
        let mut c = SerialConfig::new(port);
        c.text_rate_hz = a.text_rate;
        c.rate_hz = a.sensor.rate_hz.map(board_rate).transpose()?;
        Box::new(SerialSource::new(c))
    } else if let Some(file) = &a.replay {
        if a.speed == 0.0 {
            cfg.overflow = OverflowPolicy::Wait;
        }
        Box::new(ReplaySource::open(file, a.speed)?)
    } else {
        Box::new(VirtualSource::new(a.sensor.config()?))
    };
    let describe = source.describe();
    let stop = super::stop_on_signal();
    let mut acq = Acquisition::start(source, cfg);
    let mut opts = RecordOptions::new(target);
    opts.max_seconds = a.seconds;
    // A replayed file plays its own gaps: only a live link gives up.
    opts.give_up_after = (a.give_up_after > 0.0 && a.replay.is_none())
        .then(|| std::time::Duration::from_secs_f64(a.give_up_after));
    let outcome = record(&mut acq, &opts, &stop, |dir, info| {
        super::say(format_args!("session: {}", dir.display()));
        eprintln!(
            "recording from {describe} ({} Hz{}, {}); Ctrl-C stops",
            info.sample_rate_hz,
            if info.rate_estimated {
                ", estimated"
            } else {
                ""
            },
            info.protocol
        );
    })
    .map_err(|e| anyhow::anyhow!("cannot record from {describe}: {e}"))?;
    let m = &outcome.meta;
    let c = &m.counters;
    super::say(format_args!(
        "samples: {}  duration_s: {:.3}  lost: {}  reconnects: {}  crc_errors: {}  malformed: {}  bytes_dropped: {}  ring_overflow: {}",
        m.samples_written,
        m.duration_s,
        c.samples_lost,
        c.reconnects,
        c.crc_errors,
        c.malformed,
        c.bytes_dropped,
        c.ring_overflow
    ));
    match outcome.error {
        Some(e) if !outcome.dir.exists() => Err(anyhow::anyhow!("{e}, so the folder was removed")),
        Some(e) => Err(anyhow::anyhow!(
            "{e} (session so far kept in {})",
            outcome.dir.display()
        )),
        None => Ok(()),
    }
}

/// `--rate-hz` for a board: a whole number of Hz the protocol allows.
/// A rate a BITalino offers that breathband can use: 100 or 1000 Hz.
fn bitalino_rate(hz: f64) -> anyhow::Result<u16> {
    match hz {
        100.0 => Ok(100),
        1000.0 => Ok(1000),
        _ => anyhow::bail!(
            "--rate-hz {hz}: a BITalino samples at 1, 10, 100 or 1000 Hz; breathband needs 100 or 1000"
        ),
    }
}

fn board_rate(hz: f64) -> anyhow::Result<u16> {
    let r = breathband_protocol::RATE_RANGE_HZ;
    if hz.fract() != 0.0 || !(*r.start() as f64..=*r.end() as f64).contains(&hz) {
        anyhow::bail!(
            "--rate-hz {hz}: a board samples at a whole number of Hz from {} to {}",
            r.start(),
            r.end()
        );
    }
    Ok(hz as u16)
}
