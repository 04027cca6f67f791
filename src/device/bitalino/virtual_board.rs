//! A virtual BITalino (r)evolution behind a pseudo-terminal: the virtual
//! sensor's chest and belly on A1 and A2 (the other channels rest at
//! mid-scale), answering the board's commands (version, state, rate,
//! start with a channel mask, stop, idle) and streaming frames at the rate
//! set. It can corrupt frames, send junk and have its cable pulled, as the
//! simulated breathband board can (`device::pty_sim`).

use super::codec::{self, Command};
use crate::device::pty_sim::{new_pty, shown_path, PtySimStats};
use crate::device::virtual_sensor::VirtualSensor;
use crate::device::virtual_source::VirtualConfig;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// The version string the virtual board answers.
pub const VERSION: &str = "BITalino_v5.2";

/// How the virtual BITalino behaves.
#[derive(Debug, Clone)]
pub struct BitalinoSimOptions {
    /// The signals (its sample rate is ignored: the host sets the rate).
    pub sensor: VirtualConfig,
    /// Keep a symlink here pointing at the current pty.
    pub link: Option<PathBuf>,
    /// Bursts of junk bytes per second, between frames.
    pub garbage_per_s: f64,
    /// Fraction of frames with one bit flipped.
    pub corrupt_fraction: f64,
    /// Pull the cable at this time (s) for `unplug_for` seconds.
    pub unplug_at: Option<f64>,
    pub unplug_for: f64,
    /// Exit after this many seconds.
    pub seconds: Option<f64>,
}

/// The board's state between commands.
struct Board {
    rate_hz: u16,
    /// Selected channels (bit 0 = A1), while streaming.
    mask: Option<u8>,
    seq: u8,
    started: Instant,
    sent: u64,
}

impl Board {
    fn new() -> Self {
        Self {
            rate_hz: 1000,
            mask: None,
            seq: 0,
            started: Instant::now(),
            sent: 0,
        }
    }
}

/// Scales a virtual-sensor count (0..=full_scale) to 10 bits.
fn ten_bits(v: u16, full_scale: u16) -> u16 {
    (u32::from(v) * 1023 / u32::from(full_scale.max(1))).min(1023) as u16
}

/// The answer to [`codec::CMD_STATE`]: A1-A6, battery, threshold, and the
/// digital ports with the CRC, 16 bytes.
fn state_frame(a1: u16, a2: u16) -> Vec<u8> {
    let mut f = Vec::with_capacity(codec::STATE_LEN);
    for v in [a1, a2, 512, 512, 512, 512, 800] {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.push(30);
    f.push(0);
    let crc = codec::crc4(&f);
    if let Some(last) = f.last_mut() {
        *last |= crc;
    }
    f
}

/// Runs the virtual board until `stop` is set or `seconds` pass; calls
/// `on_ready` with the device path once it can be opened, and after each
/// re-plug.
pub fn run(
    opts: &BitalinoSimOptions,
    stop: &AtomicBool,
    mut on_ready: impl FnMut(&str),
) -> std::io::Result<PtySimStats> {
    let new_sensor = |rate_hz: u16| {
        VirtualSensor::new(
            f64::from(rate_hz),
            opts.sensor.params.clone(),
            opts.sensor.schedule.clone(),
            opts.sensor.seed,
        )
    };
    let full_scale = opts.sensor.params.full_scale;
    let mut board = Board::new();
    let mut sensor = new_sensor(board.rate_hz);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.sensor.seed ^ 0xb17a);
    let mut stats = PtySimStats::default();
    let (mut master, name) = new_pty(opts.link.as_deref())?;
    let shown = |name: &str| shown_path(opts.link.as_deref(), name);
    on_ready(&shown(&name));
    let start = Instant::now();
    let mut rx = [0u8; 256];
    let mut unplugged = false;
    let mut garbage_due = 0.0f64;
    let mut last_loop = Instant::now();
    let mut out = Vec::with_capacity(4096);
    loop {
        let t = start.elapsed().as_secs_f64();
        if stop.load(Relaxed) || opts.seconds.is_some_and(|s| t >= s) {
            break;
        }
        if opts.unplug_at.is_some_and(|at| !unplugged && t >= at) {
            unplugged = true;
            stats.unplugs += 1;
            if let Some(l) = &opts.link {
                let _ = std::fs::remove_file(l);
            }
            drop(std::mem::replace(&mut master, new_pty(None)?.0));
            std::thread::sleep(Duration::from_secs_f64(opts.unplug_for));
            let (m, name) = new_pty(opts.link.as_deref())?;
            master = m;
            board = Board::new();
            sensor = new_sensor(board.rate_hz);
            on_ready(&shown(&name));
            continue;
        }
        let got = match master.read(&mut rx) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => 0,
            Err(_) => {
                // No host has the port open.
                std::thread::sleep(Duration::from_millis(5));
                0
            }
        };
        for &b in &rx[..got] {
            let idle = board.mask.is_none();
            match codec::parse_command(b) {
                Command::Version if idle => {
                    let _ = master.write_all(format!("{VERSION}\n").as_bytes());
                }
                Command::State if idle => {
                    let _ = master.write_all(&state_frame(512, 512));
                }
                Command::Stop => board.mask = None,
                Command::Rate(hz) if idle => {
                    board.rate_hz = hz;
                    sensor = new_sensor(hz);
                }
                Command::Start { mask, .. } if idle && mask & 0x3F != 0 => {
                    board.mask = Some(mask & 0x3F);
                    board.seq = 0;
                    board.started = Instant::now();
                    board.sent = 0;
                }
                _ => {}
            }
        }
        if let Some(mask) = board.mask {
            let due = (board.started.elapsed().as_secs_f64() * f64::from(board.rate_hz)) as u64;
            out.clear();
            while board.sent < due {
                let s = sensor.next_sample();
                let values: Vec<u16> = (0..codec::CHANNELS)
                    .filter(|c| mask & (1 << c) != 0)
                    .map(|c| match c {
                        0 => ten_bits(s.chest, full_scale),
                        1 => ten_bits(s.belly, full_scale),
                        _ => 512,
                    })
                    .collect();
                let mut f = codec::encode(board.seq, [false; 4], &values);
                board.seq = (board.seq + 1) & 0x0F;
                board.sent += 1;
                if opts.corrupt_fraction > 0.0 && rng.random::<f64>() < opts.corrupt_fraction {
                    let k = rng.random_range(0..f.len());
                    f[k] ^= 1 << rng.random_range(0..8);
                    stats.corrupted_frames += 1;
                    stats.corrupted_samples += 1;
                }
                out.extend_from_slice(&f);
                stats.frames_sent += 1;
                stats.samples_sent += 1;
            }
            let dt = last_loop.elapsed().as_secs_f64();
            garbage_due += opts.garbage_per_s * dt;
            while garbage_due >= 1.0 {
                garbage_due -= 1.0;
                let len = rng.random_range(1..20);
                out.extend((0..len).map(|_| rng.random::<u8>()));
                stats.garbage_bytes += len as u64;
            }
            if !out.is_empty() && master.write_all(&out).is_err() {
                // Host not reading: the board's buffer overruns.
                std::thread::sleep(Duration::from_millis(5));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_frame_carries_a_valid_crc() {
        let f = state_frame(100, 900);
        assert_eq!(f.len(), codec::STATE_LEN);
        assert_eq!(f[15] & 0x0F, codec::crc4(&f));
        assert_eq!(u16::from_le_bytes([f[2], f[3]]), 900);
    }

    #[test]
    fn counts_scale_to_ten_bits() {
        assert_eq!(ten_bits(4095, 4095), 1023);
        assert_eq!(ten_bits(0, 4095), 0);
        assert_eq!(ten_bits(2048, 4095), 511);
    }
}
