//! A simulated sensor board behind a pseudo-terminal: the virtual sensor
//! speaking the real wire protocol (or the text fallback), so the whole serial
//! path runs without hardware. It can misbehave on request: garbage between
//! frames, corrupted frames, a pulled cable (the pty vanishes and comes back,
//! the board restarts) and a silent stall (the board stops sending).

use super::virtual_sensor::VirtualSensor;
use super::virtual_source::VirtualConfig;
use breathband_protocol::{
    encode_frame, ChannelInfo, DecodeError, Decoder, Heartbeat, Info, Label, Message, NackCode,
    SampleFlags, Samples, MAX_FRAME, MAX_PAIRS, PROTOCOL_VERSION, RATE_RANGE_HZ,
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
    /// Exit after this many seconds.
    pub seconds: Option<f64>,
}

/// What the simulator did, for tests to compare with what the host saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PtySimStats {
    pub frames_sent: u64,
    pub samples_sent: u64,
    pub garbage_bytes: u64,
    pub corrupted_frames: u64,
    pub corrupted_samples: u64,
    pub unplugs: u64,
}

struct Board {
    boot: Instant,
    rate_hz: u16,
    index: u32,
    streaming: bool,
    seq: u8,
    overruns: u16,
    last_heartbeat: Instant,
    pending: Vec<[u16; 2]>,
    flags: u8,
}

impl Board {
    fn new(rate_hz: u16) -> Self {
        Self {
            boot: Instant::now(),
            rate_hz,
            index: 0,
            streaming: false,
            seq: 0,
            overruns: 0,
            last_heartbeat: Instant::now(),
            pending: Vec::new(),
            flags: 0,
        }
    }

    fn info(&self, sensor: &VirtualConfig) -> Message {
        let ch = |name| ChannelInfo {
            name: Label::new(name).unwrap_or(Label::new("?").expect("ascii")),
            unit: Label::new("raw").expect("ascii"),
            scale: 1.0,
            offset: 0.0,
            full_scale: sensor.params.full_scale,
        };
        let seed = sensor.seed.to_le_bytes();
        Message::Info(Info {
            protocol_version: PROTOCOL_VERSION,
            firmware_version: [0, 1, 0],
            sample_rate_hz: self.rate_hz,
            status: self.streaming as u8,
            device_id: seed,
            channels: [ch("chest"), ch("belly")],
        })
    }
}

fn new_pty(link: Option<&Path>) -> std::io::Result<(TTYPort, String)> {
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
    let mut sensor = VirtualSensor::new(
        rate as f64,
        opts.sensor.params.clone(),
        opts.sensor.schedule.clone(),
        opts.sensor.seed,
    );
    let mut rng = ChaCha8Rng::seed_from_u64(opts.sensor.seed ^ 0x5eed);
    let mut stats = PtySimStats::default();
    let (mut master, name) = new_pty(opts.link.as_deref())?;
    let shown = |name: &str| {
        opts.link
            .as_ref()
            .map_or(name.to_string(), |l| l.display().to_string())
    };
    on_ready(&shown(&name));
    let start = Instant::now();
    let mut board = Board::new(rate);
    let mut decoder = Decoder::new();
    let mut rx = [0u8; 512];
    let mut unplugged = false;
    let per_frame = (rate as usize / 100).clamp(1, MAX_PAIRS);
    let mut garbage_due = 0.0f64;
    let mut out = [0u8; MAX_FRAME];
    let mut last_loop = Instant::now();
    if opts.text {
        board.streaming = true;
    } else {
        let info = board.info(&opts.sensor);
        let _ = send(&mut master, &mut board, &info, &mut out);
    }
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
                board = Board::new(rate);
                if opts.text {
                    board.streaming = true;
                } else {
                    let info = board.info(&opts.sensor);
                    let _ = send(&mut master, &mut board, &info, &mut out);
                }
                decoder = Decoder::new();
                on_ready(&shown(&name));
                continue;
            }
        }
        let silent = opts
            .silence_at
            .is_some_and(|at| t >= at && t < at + opts.silence_for);

        // Commands from the host.
        match master.read(&mut rx) {
            Ok(n) if n > 0 && !silent && !opts.text => {
                let mut cmds = Vec::new();
                let mut nacks = Vec::new();
                decoder.push(&rx[..n], |r| match r {
                    Ok(f) => cmds.push(f),
                    // Like the firmware: a command (type >= 0x80) that passed
                    // its CRC but is unknown or malformed gets a Nack; anything
                    // else is dropped. The decoder does not report the seq of
                    // a bad frame, so these Nacks carry seq 0.
                    Err(DecodeError::UnknownType { msg_type, .. }) if msg_type & 0x80 != 0 => {
                        nacks.push((msg_type, NackCode::UnknownCommand))
                    }
                    Err(DecodeError::BadBody { msg_type, .. }) if msg_type & 0x80 != 0 => {
                        nacks.push((msg_type, NackCode::MalformedCommand))
                    }
                    Err(_) => {}
                });
                for (command, code) in nacks {
                    let _ = send_seq(&mut master, 0, &Message::Nack { command, code }, &mut out);
                }
                for c in cmds {
                    let reply = answer(&mut board, c.message, &opts.sensor);
                    for (i, m) in reply.iter().enumerate() {
                        // Ack/Nack carry the command's seq and leave the
                        // board's own seq alone; anything after uses it.
                        let _ = if i == 0 {
                            send_seq(&mut master, c.seq, m, &mut out)
                        } else {
                            send(&mut master, &mut board, m, &mut out)
                        };
                    }
                }
            }
            Ok(_) => {}
            // EIO / hang-up: no host has the port open. Like a board whose
            // USB host is gone, keep sampling into the void.
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }

        // Sampling, paced by the board's clock since boot.
        let due = (board.boot.elapsed().as_secs_f64() * rate as f64) as u32;
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
                let seq = board.seq;
                board.seq = board.seq.wrapping_add(1);
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
                    uptime_ms: board.boot.elapsed().as_millis() as u32,
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

/// The board's answer to one command: Ack/Nack first, then any extra message.
fn answer(board: &mut Board, cmd: Message, sensor: &VirtualConfig) -> Vec<Message> {
    let ack = |c: Message| Message::Ack {
        command: c.msg_type() as u8,
    };
    match cmd {
        Message::GetInfo => vec![ack(cmd), board.info(sensor)],
        Message::Start => {
            board.streaming = true;
            vec![ack(cmd)]
        }
        Message::Stop => {
            board.streaming = false;
            board.pending.clear();
            vec![ack(cmd)]
        }
        Message::Ping { .. } => vec![ack(cmd)],
        Message::SetRate { rate_hz } => {
            if rate_hz == board.rate_hz {
                vec![ack(cmd), board.info(sensor)]
            } else {
                // The simulated board keeps its configured rate.
                vec![Message::Nack {
                    command: cmd.msg_type() as u8,
                    code: NackCode::Busy,
                }]
            }
        }
        // Device-to-host messages sent to the board are ignored, as the
        // firmware does.
        _ => Vec::new(),
    }
}

fn send(port: &mut TTYPort, board: &mut Board, m: &Message, out: &mut [u8]) -> std::io::Result<()> {
    let seq = board.seq;
    board.seq = board.seq.wrapping_add(1);
    send_seq(port, seq, m, out)
}

fn send_seq(port: &mut TTYPort, seq: u8, m: &Message, out: &mut [u8]) -> std::io::Result<()> {
    let n = encode_frame(seq, m, out).map_err(std::io::Error::other)?;
    port.write_all(&out[..n])
}
