//! A simulated sensor board behind a pseudo-terminal: the virtual sensor
//! speaking the real wire protocol (or the text fallback), so the whole serial
//! path runs without hardware. It can misbehave on request: garbage between
//! frames, corrupted frames, a pulled cable (the pty vanishes and comes back,
//! the board restarts), a silent stall (the board stops sending), a reset in
//! place (the port stays open, the board reboots and stops streaming), and
//! an Arduino-style reset when the host opens the port (a bootloader that
//! ignores commands for a while).

use super::sim_board::{answer, Board};
use super::virtual_sensor::VirtualSensor;
use super::virtual_source::VirtualConfig;
use breathband_protocol::{
    encode_frame, DecodeError, Decoder, Heartbeat, Message, NackCode, SampleFlags, Samples,
    MAX_FRAME, RATE_RANGE_HZ,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serialport::TTYPort;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// How the simulated board behaves.
#[derive(Debug, Clone)]
pub struct PtySimOptions {
    pub sensor: VirtualConfig,
    /// Keep a symlink here pointing at the current pty (stable across unplugs).
    pub link: Option<PathBuf>,
    /// Print `chest,belly` lines instead of binary frames.
    pub text: bool,
    /// Bursts of junk bytes (each ended by 0x00) per second, between frames.
    pub garbage_per_s: f64,
    /// Fraction of `Samples` frames with one byte corrupted.
    pub corrupt_fraction: f64,
    /// Pull the cable at this time (s) for `unplug_for` seconds.
    pub unplug_at: Option<f64>,
    pub unplug_for: f64,
    /// Stop sending at this time (s) for `silence_for` seconds.
    pub silence_at: Option<f64>,
    pub silence_for: f64,
    /// Reboot in place at this time (s): the port stays open, the board is
    /// down for [`RESET_DOWN_S`] (or `boot_delay`, if longer), then sends
    /// `Info` and does not stream until it gets `Start`.
    pub reset_at: Option<f64>,
    /// Reset whenever the host opens the port, then ignore everything for
    /// this long (s) before the sketch boots and sends `Info`, as an Arduino
    /// bootloader does. 0: no reset on open.
    pub boot_delay: f64,
    /// Exit after this many seconds.
    pub seconds: Option<f64>,
}

/// How long a board that reset in place is down, at least (s).
pub const RESET_DOWN_S: f64 = 0.5;

/// What the simulator did, for tests to compare with what the host saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PtySimStats {
    pub frames_sent: u64,
    pub samples_sent: u64,
    pub garbage_bytes: u64,
    pub corrupted_frames: u64,
    pub corrupted_samples: u64,
    pub unplugs: u64,
    /// Reboots: in place (`reset_at`) and on open (`boot_delay`).
    pub resets: u64,
}

/// A new pty (its master, and the slave's path), with `link` pointing at it.
pub(crate) fn new_pty(link: Option<&Path>) -> std::io::Result<(TTYPort, String)> {
    let (mut master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
    let name = serialport::SerialPort::name(&slave)
        .ok_or_else(|| std::io::Error::other("pty has no name"))?;
    // The host opens the slave by path; not holding it lets its exclusive
    // lock clear when the host closes it, as with a real USB port.
    drop(slave);
    serialport::SerialPort::set_timeout(&mut master, Duration::from_millis(5))
        .map_err(std::io::Error::other)?;
    if let Some(link) = link {
        let tmp = link.with_extension("tmp-link");
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(&name, &tmp)?;
        std::fs::rename(&tmp, link)?;
    }
    Ok((master, name))
}

/// The path a host opens: the stable link if there is one, else the pty.
pub(crate) fn shown_path(link: Option<&Path>, pty: &str) -> String {
    link.map_or(pty.to_string(), |l| l.display().to_string())
}

/// Runs the simulated board until `stop` is set or `seconds` pass. Calls
/// `on_ready` with the device path (the link if given) once it can be opened,
/// and again after each re-plug.
pub fn run(
    opts: &PtySimOptions,
    stop: &AtomicBool,
    mut on_ready: impl FnMut(&str),
) -> std::io::Result<PtySimStats> {
    let rate = opts.sensor.sample_rate_hz.round() as u16;
    if !RATE_RANGE_HZ.contains(&rate) {
        return Err(std::io::Error::other(format!(
            "the simulated board samples at 50 to 1000 Hz, not {rate}"
        )));
    }
    let new_sensor = |rate_hz: u16| {
        VirtualSensor::new(
            rate_hz as f64,
            opts.sensor.params.clone(),
            opts.sensor.schedule.clone(),
            opts.sensor.seed,
        )
    };
    let mut sensor = new_sensor(rate);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.sensor.seed ^ 0x5eed);
    let mut stats = PtySimStats::default();
    let (mut master, name) = new_pty(opts.link.as_deref())?;
    let shown = |name: &str| shown_path(opts.link.as_deref(), name);
    on_ready(&shown(&name));
    let start = Instant::now();
    let boot_delay = Duration::from_secs_f64(opts.boot_delay);
    let mut board = Board::new(rate, Duration::ZERO);
    // A board that resets on open sent its power-up Info to nobody.
    board.announced = opts.text || !boot_delay.is_zero();
    board.streaming = opts.text;
    let mut decoder = Decoder::new();
    let mut rx = [0u8; 512];
    let mut unplugged = false;
    let mut reset_done = false;
    let mut host_open = false;
    let mut garbage_due = 0.0f64;
    let mut out = [0u8; MAX_FRAME];
    let mut last_loop = Instant::now();
    loop {
        let t = start.elapsed().as_secs_f64();
        if stop.load(Relaxed) || opts.seconds.is_some_and(|s| t >= s) {
            break;
        }
        // Cable pulled: the pty disappears, then a new one appears and the
        // board boots again (index from 0, not streaming, Info sent).
        if let Some(at) = opts.unplug_at {
            if !unplugged && t >= at {
                unplugged = true;
                stats.unplugs += 1;
                if let Some(l) = &opts.link {
                    let _ = std::fs::remove_file(l);
                }
                drop(std::mem::replace(&mut master, new_pty(None)?.0));
                std::thread::sleep(Duration::from_secs_f64(opts.unplug_for));
                let (m, name) = new_pty(opts.link.as_deref())?;
                master = m;
                board = Board::new(rate, Duration::ZERO);
                board.streaming = opts.text;
                board.announced = opts.text;
                host_open = false;
                decoder = Decoder::new();
                on_ready(&shown(&name));
                continue;
            }
        }
        // Reset in place (watchdog, brown-out): the port stays open.
        if let Some(at) = opts.reset_at {
            if !reset_done && t >= at {
                reset_done = true;
                stats.resets += 1;
                let down = Duration::from_secs_f64(RESET_DOWN_S).max(boot_delay);
                board = Board::new(rate, down);
                board.streaming = opts.text;
                board.announced = opts.text;
                decoder = Decoder::new();
            }
        }
        let silent = opts
            .silence_at
            .is_some_and(|at| t >= at && t < at + opts.silence_for);

        // Commands from the host. A timeout means the host has the port open
        // and sent nothing; other errors (hang-up) that no host has it open.
        let got = match master.read(&mut rx) {
            Ok(n) => Some(n),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => Some(0),
            Err(_) => None,
        };
        match got {
            Some(_) if !host_open => {
                host_open = true;
                if opts.text {
                    // A USB serial bridge emits a stray 0x00 at reset.
                    let _ = master.write_all(&[0]);
                } else if !boot_delay.is_zero() {
                    // Opening the port resets the board (Arduino auto-reset).
                    stats.resets += 1;
                    board = Board::new(rate, boot_delay);
                    decoder = Decoder::new();
                }
            }
            Some(_) => {}
            None => {
                host_open = false;
                // Like a board whose USB host is gone: keep sampling.
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        if !board.is_up() {
            // The bootloader: commands are lost, nothing is sent.
            last_loop = Instant::now();
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        if !board.announced {
            board.announced = true;
            let info = board.info(&opts.sensor);
            let _ = send(&mut master, &mut board, &info, &mut out);
        }
        if let Some(n) = got.filter(|&n| n > 0 && !silent && !opts.text) {
            for (seq, m) in commands(&mut decoder, &rx[..n], &mut board, &opts.sensor) {
                let _ = match seq {
                    Some(seq) => send_seq(&mut master, seq, &m, &mut out),
                    None => send(&mut master, &mut board, &m, &mut out),
                };
            }
        }
        if sensor.sample_rate_hz() != board.rate_hz as f64 {
            // SetRate: the board now samples at another rate.
            sensor = new_sensor(board.rate_hz);
        }

        // Sampling, paced by the board's clock since boot.
        let due = board.due_index();
        let per_frame = board.per_frame();
        while board.index < due {
            let s = sensor.next_sample();
            if board.streaming {
                board.pending.push([s.chest, s.belly]);
            }
            board.index = board.index.wrapping_add(1);
            let first = board.index.wrapping_sub(board.pending.len() as u32);
            if board.pending.len() >= per_frame {
                if silent {
                    board.pending.clear();
                    continue;
                }
                if opts.text {
                    let mut lines = String::new();
                    for p in &board.pending {
                        lines += &format!("{},{}\r\n", p[0], p[1]);
                    }
                    let _ = master.write_all(lines.as_bytes());
                    stats.samples_sent += board.pending.len() as u64;
                    board.pending.clear();
                    continue;
                }
                let flags = SampleFlags(board.flags);
                let Some(msg) = Samples::new(first, flags, &board.pending) else {
                    board.pending.clear();
                    continue;
                };
                let n_pairs = board.pending.len() as u64;
                board.pending.clear();
                let seq = board.next_seq();
                let Ok(n) = encode_frame(seq, &Message::Samples(msg), &mut out) else {
                    continue;
                };
                if opts.corrupt_fraction > 0.0 && rng.random::<f64>() < opts.corrupt_fraction {
                    let k = rng.random_range(0..n - 1);
                    out[k] ^= 1 << rng.random_range(0..8);
                    if out[k] == 0 {
                        out[k] = 0x55;
                    }
                    stats.corrupted_frames += 1;
                    stats.corrupted_samples += n_pairs;
                }
                match master.write_all(&out[..n]) {
                    Ok(()) => {
                        board.flags = 0;
                        stats.frames_sent += 1;
                        stats.samples_sent += n_pairs;
                    }
                    Err(_) => {
                        // Host not reading: the board's buffer overruns. A
                        // delimiter ends any partly written frame so the
                        // host resyncs at once when it reads again.
                        let _ = master.write_all(&[0]);
                        board.overruns = board.overruns.saturating_add(n_pairs as u16);
                        board.flags |= SampleFlags::DEVICE_OVERRUN;
                    }
                }
            }
        }

        if !silent && !opts.text {
            let dt = last_loop.elapsed().as_secs_f64();
            garbage_due += opts.garbage_per_s * dt;
            while garbage_due >= 1.0 {
                garbage_due -= 1.0;
                let len = rng.random_range(1..40);
                let mut junk: Vec<u8> = (0..len).map(|_| rng.random_range(1..=255u8)).collect();
                junk.push(0);
                if master.write_all(&junk).is_ok() {
                    stats.garbage_bytes += junk.len() as u64;
                }
            }
            if board.last_heartbeat.elapsed() >= Duration::from_secs(1) {
                board.last_heartbeat = Instant::now();
                let hb = Message::Heartbeat(Heartbeat {
                    uptime_ms: board.uptime_ms(),
                    next_index: board.index,
                    status: board.streaming as u8,
                    overruns: board.overruns,
                });
                let _ = send(&mut master, &mut board, &hb, &mut out);
            }
        }
        last_loop = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
    }
    if let Some(l) = &opts.link {
        let _ = std::fs::remove_file(l);
    }
    Ok(stats)
}

/// Decodes command bytes and returns the replies to send: with `Some(seq)`
/// (an Ack/Nack carrying the command's seq, not advancing the board's own)
/// or `None` (the board's next seq).
fn commands(
    decoder: &mut Decoder,
    bytes: &[u8],
    board: &mut Board,
    sensor: &VirtualConfig,
) -> Vec<(Option<u8>, Message)> {
    let mut cmds = Vec::new();
    let mut out = Vec::new();
    decoder.push(bytes, |r| match r {
        Ok(f) => cmds.push(f),
        // Like the firmware: a command (type >= 0x80) that passed its CRC
        // but is unknown or malformed gets a Nack; anything else is dropped.
        // The decoder does not report the seq of a bad frame, so these Nacks
        // carry seq 0.
        Err(DecodeError::UnknownType { msg_type, .. }) if msg_type & 0x80 != 0 => out.push((
            Some(0),
            Message::Nack {
                command: msg_type,
                code: NackCode::UnknownCommand,
            },
        )),
        Err(DecodeError::BadBody { msg_type, .. }) if msg_type & 0x80 != 0 => out.push((
            Some(0),
            Message::Nack {
                command: msg_type,
                code: NackCode::MalformedCommand,
            },
        )),
        Err(_) => {}
    });
    for c in cmds {
        for (i, m) in answer(board, c.message, sensor).into_iter().enumerate() {
            out.push(((i == 0).then_some(c.seq), m));
        }
    }
    out
}

fn send(port: &mut TTYPort, board: &mut Board, m: &Message, out: &mut [u8]) -> std::io::Result<()> {
    let seq = board.next_seq();
    send_seq(port, seq, m, out)
}

fn send_seq(port: &mut TTYPort, seq: u8, m: &Message, out: &mut [u8]) -> std::io::Result<()> {
    let n = encode_frame(seq, m, out).map_err(std::io::Error::other)?;
    port.write_all(&out[..n])
}
