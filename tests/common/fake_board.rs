//! A fake board behind a pseudo-terminal, scripted frame by frame: it
//! answers the host's commands as the firmware does (Ack, `Info` on
//! `GetInfo`) and, once started, plays its script in real time.

use breathband_protocol::{
    encode_frame, ChannelInfo, Decoder, Info, Label, Message, SampleFlags, Samples, MAX_FRAME,
    PROTOCOL_VERSION,
};
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One step of the script, played once the host has sent `Start`.
#[derive(Debug, Clone)]
pub enum Act {
    /// `n` samples from index `first`, in frames of 10, paced at the
    /// board's rate; the values are a 12/min breath.
    Samples { first: u32, n: u32 },
    /// One message (an `Info` also changes what `GetInfo` answers).
    Send(Box<Message>),
    /// Raw bytes on the line.
    Bytes(Vec<u8>),
    /// Nothing for this long.
    Pause(Duration),
}

/// An `Info` as our firmware sends it, at `rate_hz`.
pub fn info(rate_hz: u16) -> Info {
    let ch = |name| ChannelInfo {
        name: Label::new(name).unwrap(),
        unit: Label::new("raw").unwrap(),
        scale: 1.0,
        offset: 0.0,
        full_scale: 4095,
    };
    Info {
        protocol_version: PROTOCOL_VERSION,
        firmware_version: [0, 9, 0],
        sample_rate_hz: rate_hz,
        status: 0,
        device_id: *b"fakebord",
        channels: [ch("chest"), ch("belly")],
    }
}

/// The running fake board; stopped (and its pty closed) on drop.
pub struct FakeBoard {
    /// A stable link to the pty, to pass as `--port`.
    pub path: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for FakeBoard {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl FakeBoard {
    /// Starts a board that announces `first` and then plays `script`.
    pub fn start(dir: &Path, first: Info, script: Vec<Act>) -> Self {
        let (mut master, path) = pty(dir, "fake-board");
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let thread = std::thread::spawn(move || play(&mut master, first, script, &s));
        Self {
            path,
            stop,
            thread: Some(thread),
        }
    }
}

impl FakeBoard {
    /// A text-only board: it ignores commands and prints `lines` (each
    /// ended by LF) at `rate_hz`, then stays silent.
    pub fn text(dir: &Path, lines: Vec<String>, rate_hz: f64) -> Self {
        let (mut master, path) = pty(dir, "text-board");
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            for (k, l) in lines.iter().enumerate() {
                if s.load(Relaxed) {
                    return;
                }
                let _ = master.write_all(format!("{l}\n").as_bytes());
                let due = start + Duration::from_secs_f64((k + 1) as f64 / rate_hz);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
            }
            while !s.load(Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Self {
            path,
            stop,
            thread: Some(thread),
        }
    }
}

/// A pty pair whose board end times out after 5 ms, and a stable link
/// `dir/link` to the host end.
fn pty(dir: &Path, link: &str) -> (TTYPort, PathBuf) {
    let (mut master, slave) = TTYPort::pair().expect("pty");
    let name = slave.name().expect("pty name");
    drop(slave);
    master.set_timeout(Duration::from_millis(5)).unwrap();
    let path = dir.join(link);
    std::os::unix::fs::symlink(&name, &path).unwrap();
    (master, path)
}

fn play(port: &mut TTYPort, mut info: Info, script: Vec<Act>, stop: &AtomicBool) {
    let mut dec = Decoder::new();
    let mut seq = 0u8;
    let mut streaming = false;
    let mut script = script.into_iter();
    let mut buf = [0u8; 256];
    let mut send = |port: &mut TTYPort, m: &Message| {
        let mut out = [0u8; MAX_FRAME];
        let n = encode_frame(seq, m, &mut out).unwrap();
        seq = seq.wrapping_add(1);
        let _ = port.write_all(&out[..n]);
    };
    while !stop.load(Relaxed) {
        let n = port.read(&mut buf).unwrap_or(0);
        let mut cmds = Vec::new();
        dec.push(&buf[..n], |r| {
            if let Ok(f) = r {
                cmds.push(f.message);
            }
        });
        for c in cmds {
            let ack = Message::Ack {
                command: c.msg_type() as u8,
            };
            match c {
                Message::GetInfo => {
                    send(port, &ack);
                    info.status = streaming as u8;
                    send(port, &Message::Info(info));
                }
                Message::Start => {
                    streaming = true;
                    send(port, &ack);
                }
                Message::Stop => {
                    streaming = false;
                    send(port, &ack);
                }
                Message::Ping { .. } => send(port, &ack),
                _ => {}
            }
        }
        if !streaming {
            continue;
        }
        match script.next() {
            Some(Act::Samples { first, n }) => {
                let start = Instant::now();
                let rate = f64::from(info.sample_rate_hz.max(1));
                for k in (0..n).step_by(10) {
                    if stop.load(Relaxed) {
                        return;
                    }
                    let pairs: Vec<[u16; 2]> = (k..(k + 10).min(n))
                        .map(|j| {
                            let t = f64::from(first + j) / rate;
                            let v = (t * std::f64::consts::TAU * 0.2).sin();
                            [(2048.0 + 300.0 * v) as u16, (2048.0 + 600.0 * v) as u16]
                        })
                        .collect();
                    let s = Samples::new(first + k, SampleFlags(0), &pairs).unwrap();
                    send(port, &Message::Samples(s));
                    let due = start + Duration::from_secs_f64(f64::from(k + 10) / rate);
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                }
            }
            Some(Act::Send(m)) => {
                if let Message::Info(i) = *m {
                    info = i;
                }
                send(port, &m);
            }
            Some(Act::Bytes(b)) => {
                let _ = port.write_all(&b);
            }
            Some(Act::Pause(d)) => std::thread::sleep(d),
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}
