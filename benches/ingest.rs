//! End-to-end host ingest cost, without real time.
//!
//! 60 s of the virtual sensor at 1 kHz are generated and encoded once, as the
//! board sends them (`pty_sim`): an `Info` frame, then `Samples` frames of 10
//! pairs, a `Heartbeat` after every 100 of them. The timed routine then does,
//! on one thread, what the reader thread and the recorder thread do between
//! them for those 60 s:
//!
//! - the real `SerialSource::ingest` (src/device/serial_link/mod.rs, what
//!   `poll` does after its read): one read per device write (a frame, about
//!   52 bytes: at 1 kHz the port hands over about one frame per read), byte
//!   counter, `Decoder::push` into a `Vec<Frame>`, decoder stats copied into
//!   the `Counters`, `Info` acted on, `Samples` widened to `[i32; 2]` pairs
//!   and delivered, the silence check;
//! - the real `Pump::block` (src/acquisition/pump.rs): `Continuity::place` with the
//!   host clock, clip flags against the converter's full scale, `Sample`s built
//!   in a scratch `Vec`, `push_slice` into a 65536-sample `HeapRb` (drop-newest
//!   on overflow);
//! - `record` (src/live/record.rs): every 20 ms of device time the ring
//!   is drained with `pop_slice` into an 8192-sample buffer, cut at the
//!   `--seconds` limit, appended to `SamplesCsvWriter`; every 0.5 s it is
//!   flushed; a last flush at the end.
//!
//! Two variants:
//! - `ingest/flush_false`: `flush(false)` (no fsync) per 0.5 s: the CPU cost.
//! - `ingest/recorder_durable`: what `SessionWriter::flush` really does per 0.5 s:
//!   `flush(true)` (fsync of samples.csv) and `session.json` rewritten
//!   atomically (temp file, fsync, rename). Dominated by the disk.
//!
//! Not modelled: the threads themselves (wake-ups, the 20 ms sleep, cache
//! traffic between cores), the pty/serial read syscalls, `AcqEvent`s (none on
//! a clean stream), the one-time `DeviceInfo`/`Connected` handling.
//! `bench/ingest_live.sh` measures the real thing.
//!
//! Throughput is in samples (one `Sample` = one chest+belly pair); real time
//! at 1 kHz needs 1000 samples/s.
//!
//! Run: `cargo bench --bench ingest`

use breathband::acquisition::pump::Pump;
use breathband::acquisition::{AcqEvent, Counters, OverflowPolicy, Sample};
use breathband::device::schedule::Schedule;
use breathband::device::serial_link::{SerialConfig, SerialSource};
use breathband::device::virtual_sensor::{VirtualParams, VirtualSensor};
use breathband::device::{ChannelMeta, DeviceInfo};
use breathband::session::meta::SessionMeta;
use breathband::session::samples_csv::SamplesCsvWriter;
use breathband_protocol::{
    encode_frame, ChannelInfo, Heartbeat, Info, Label, Message, SampleFlags, Samples, MAX_FRAME,
    PROTOCOL_VERSION,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ringbuf::{traits::*, HeapCons, HeapProd, HeapRb};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RATE_HZ: u16 = 1000;
const SECONDS: u32 = 60;
/// `pty_sim`: `rate / 100` pairs per frame.
const PAIRS_PER_FRAME: usize = RATE_HZ as usize / 100;
/// `pty_sim` sends a heartbeat once a second.
const HEARTBEAT_EVERY_FRAMES: usize = 100;
/// `AcqConfig::default().ring_capacity`.
const RING_CAPACITY: usize = 1 << 16;
/// `record`: buffer it pops the ring into.
const RECORDER_BUF: usize = 8192;
/// `record`: sleeps 20 ms when the ring is empty, so it drains about this often.
const DRAIN_EVERY_S: f64 = 0.020;
/// `RecordOptions::flush_every`.
const FLUSH_EVERY_S: f64 = 0.5;

/// The wire bytes and, per device write, its byte range and device time (s).
struct Wire {
    bytes: Vec<u8>,
    writes: Vec<(Range<usize>, f64)>,
    samples: u64,
}

/// What the simulated board sends in `SECONDS` seconds at `RATE_HZ`.
fn generate() -> Wire {
    let params = VirtualParams::default();
    let full_scale = params.full_scale;
    let mut sensor = VirtualSensor::new(RATE_HZ as f64, params, Schedule::default(), 1);
    let mut bytes = Vec::new();
    let mut writes = Vec::new();
    let mut out = [0u8; MAX_FRAME];
    let mut seq: u8 = 0;
    let mut send = |bytes: &mut Vec<u8>, writes: &mut Vec<_>, m: &Message, t: f64| {
        let n = encode_frame(seq, m, &mut out).expect("frame fits");
        seq = seq.wrapping_add(1);
        let start = bytes.len();
        bytes.extend_from_slice(&out[..n]);
        writes.push((start..bytes.len(), t));
    };
    let ch = |name| ChannelInfo {
        name: Label::new(name).expect("ascii"),
        unit: Label::new("raw").expect("ascii"),
        scale: 1.0,
        offset: 0.0,
        full_scale,
    };
    let info = Message::Info(Info {
        protocol_version: PROTOCOL_VERSION,
        firmware_version: [0, 1, 0],
        sample_rate_hz: RATE_HZ,
        status: 1,
        device_id: 1u64.to_le_bytes(),
        channels: [ch("chest"), ch("belly")],
    });
    send(&mut bytes, &mut writes, &info, 0.0);
    let total = SECONDS * RATE_HZ as u32;
    let mut index: u32 = 0;
    let mut frames = 0usize;
    let mut pairs = Vec::with_capacity(PAIRS_PER_FRAME);
    while index < total {
        pairs.clear();
        pairs.extend((0..PAIRS_PER_FRAME).map(|_| {
            let s = sensor.next_sample();
            [s.chest, s.belly]
        }));
        let msg = Samples::new(index, SampleFlags(0), &pairs).expect("pairs");
        index += PAIRS_PER_FRAME as u32;
        let t = index as f64 / RATE_HZ as f64;
        send(&mut bytes, &mut writes, &Message::Samples(msg), t);
        frames += 1;
        if frames.is_multiple_of(HEARTBEAT_EVERY_FRAMES) {
            let hb = Heartbeat {
                uptime_ms: (t * 1000.0) as u32,
                next_index: index,
                status: 1,
                overruns: 0,
            };
            send(&mut bytes, &mut writes, &Message::Heartbeat(hb), t);
        }
    }
    Wire {
        bytes,
        writes,
        samples: index as u64,
    }
}

fn device_info() -> DeviceInfo {
    DeviceInfo {
        kind: "serial".into(),
        path: Some("/dev/ttyACM0".into()),
        protocol: format!("breathband-v{PROTOCOL_VERSION}"),
        firmware_version: Some("0.1.0".into()),
        device_id: Some("0100000000000000".into()),
        usb_serial_number: None,
        usb_product: None,
        sample_rate_hz: RATE_HZ as f64,
        rate_estimated: false,
        channels: [ChannelMeta::raw("chest"), ChannelMeta::raw("belly")],
    }
}

/// Reader side: the real `SerialSource::ingest` (what `poll` does after
/// its read) feeding the real `Pump`.
struct Reader {
    src: SerialSource,
    counters: Arc<Counters>,
    pump: Pump,
    _events: Receiver<AcqEvent>,
}

impl Reader {
    fn new(prod: HeapProd<Sample>) -> Self {
        let counters = Arc::new(Counters::default());
        let (tx, rx) = sync_channel(64);
        let pump = Pump::new(
            prod,
            tx,
            counters.clone(),
            Arc::new(AtomicBool::new(false)),
            OverflowPolicy::DropNewest,
        );
        Self {
            src: SerialSource::binary_without_port(SerialConfig::new("/dev/ttyACM0")),
            counters,
            pump,
            _events: rx,
        }
    }

    /// `SerialSource::poll` for one read of `bytes`.
    fn poll(&mut self, bytes: &[u8]) {
        self.src
            .ingest(bytes, &mut self.pump, &self.counters)
            .expect("a clean stream");
    }
}

/// Recorder side: the drain loop of `record` and its periodic flush.
struct Recorder {
    cons: HeapCons<Sample>,
    buf: Vec<Sample>,
    csv: SamplesCsvWriter,
    limit: Option<u64>,
    last_index: Option<u64>,
    /// `Some` for the durable variant: session.json as `SessionWriter::flush` writes it.
    meta: Option<SessionMeta>,
}

impl Recorder {
    fn drain(&mut self) {
        loop {
            let n = self.cons.pop_slice(&mut self.buf);
            if n == 0 {
                break;
            }
            let mut take = n;
            if let Some(l) = self.limit {
                take = self.buf[..n].iter().take_while(|s| s.index < l).count();
            }
            self.csv.append(&self.buf[..take]);
            if let Some(s) = self.buf[..take].last() {
                self.last_index = Some(s.index);
            }
            if take < n {
                break;
            }
        }
    }

    fn flush(&mut self, dir: &Path, counters: &Counters) {
        match &mut self.meta {
            None => self.csv.flush(false).expect("write samples.csv"),
            Some(meta) => {
                self.csv.flush(true).expect("write samples.csv");
                meta.updated_utc = chrono::Utc::now();
                meta.counters = counters.snapshot();
                meta.samples_written = self.csv.rows_written();
                meta.duration_s = self
                    .last_index
                    .map_or(0.0, |i| (i + 1) as f64 / meta.sample_rate_hz);
                meta.write_atomic(dir).expect("write session.json");
            }
        }
    }
}

/// Sets up a fresh session in `dir`, then times the ingest of `wire`.
/// Returns the time and the rows written.
fn run_once(wire: &Wire, dir: &Path, durable: bool) -> (Duration, u64, Arc<Counters>) {
    let (prod, cons) = HeapRb::<Sample>::new(RING_CAPACITY).split();
    let csv = SamplesCsvWriter::create(&dir.join("samples.csv"), RATE_HZ as f64)
        .expect("create samples.csv");
    let meta = durable.then(|| {
        let m = SessionMeta::new(device_info(), chrono::Utc::now());
        m.write_atomic(dir).expect("write session.json");
        m
    });
    let mut reader = Reader::new(prod);
    let mut rec = Recorder {
        cons,
        buf: vec![Sample::default(); RECORDER_BUF],
        csv,
        limit: Some(SECONDS as u64 * RATE_HZ as u64),
        last_index: None,
        meta,
    };

    let start = Instant::now();
    let mut next_drain = DRAIN_EVERY_S;
    let mut next_flush = FLUSH_EVERY_S;
    for (range, t) in &wire.writes {
        reader.poll(&wire.bytes[range.clone()]);
        if *t >= next_drain {
            next_drain += DRAIN_EVERY_S;
            rec.drain();
            if *t >= next_flush {
                next_flush += FLUSH_EVERY_S;
                rec.flush(dir, &reader.counters);
            }
        }
    }
    // The session ends: last drain and flush.
    rec.drain();
    rec.flush(dir, &reader.counters);
    let elapsed = start.elapsed();

    let rows = rec.csv.rows_written();
    (elapsed, rows, reader.counters)
}

fn bench_ingest(c: &mut Criterion) {
    let wire = generate();
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut session = 0u64;
    let mut fresh_dir = || {
        session += 1;
        let d = tmp.path().join(format!("s{session}"));
        std::fs::create_dir(&d).expect("session dir");
        d
    };

    // Check the model once: every sample written, nothing lost.
    let d = fresh_dir();
    let (_, rows, counters) = run_once(&wire, &d, false);
    let snap = counters.snapshot();
    assert_eq!(rows, wire.samples, "rows written");
    assert!(snap.is_clean(), "{snap:?}");
    let csv_bytes = std::fs::metadata(d.join("samples.csv")).map_or(0, |m| m.len());
    eprintln!(
        "ingest bench: {} s at {} Hz: {} samples, {} wire bytes in {} reads, {} frames; \
         samples.csv {} bytes",
        SECONDS,
        RATE_HZ,
        wire.samples,
        wire.bytes.len(),
        wire.writes.len(),
        snap.frames,
        csv_bytes
    );
    std::fs::remove_dir_all(&d).expect("clean up");

    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(wire.samples));
    for (name, durable) in [("flush_false", false), ("recorder_durable", true)] {
        if durable {
            // fsync-bound: a few samples are enough.
            g.sample_size(10);
        }
        g.bench_function(
            BenchmarkId::new(name, format!("{SECONDS}s_{RATE_HZ}Hz")),
            |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let d = fresh_dir();
                        let (t, rows, _) = run_once(&wire, &d, durable);
                        assert_eq!(rows, wire.samples);
                        total += t;
                        std::fs::remove_dir_all(&d).expect("clean up");
                    }
                    total
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_ingest);
criterion_main!(benches);
