//! Decoder and encoder throughput on a realistic device stream.
//!
//! The stream is what a 1 kHz board sends: `Samples` frames of 10 pairs
//! (one every 10 ms), with a `Heartbeat` after every 100 of them (1 Hz),
//! about 1 MB in all. It is fed to [`Decoder::push`] in chunks of 64 bytes
//! (small reads, as from a USB serial port at this rate) and of 4096 bytes
//! (the host's read buffer), and once more with 1 % of the bytes being
//! garbage bursts between frames (as `simulate --garbage-per-s` sends).
//!
//! Run: `cargo bench -p breathband-protocol --bench decoder`

use breathband_protocol::{
    encode_frame, Decoder, Heartbeat, Message, SampleFlags, Samples, MAX_FRAME,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

/// Target size of the generated stream.
const STREAM_BYTES: usize = 1 << 20;
/// Pairs per `Samples` frame at 1 kHz (PROTOCOL.md: 50 to 100 frames/s).
const PAIRS_PER_FRAME: usize = 10;
/// A heartbeat after this many `Samples` frames (1 Hz at 1 kHz).
const HEARTBEAT_EVERY: usize = 100;
const RATE_HZ: f64 = 1000.0;

/// Small deterministic generator (no dependency on `rand` in this crate).
struct Lcg(u64);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.next_u32() as f64 / (1u64 << 31) as f64
    }
}

/// Breathing-like 12-bit counts: 12 breaths/min, belly leading, some noise.
fn pair_at(i: u32, rng: &mut Lcg) -> [u16; 2] {
    let t = i as f64 / RATE_HZ;
    let phase = 2.0 * std::f64::consts::PI * 0.2 * t;
    let noise = |rng: &mut Lcg| (rng.unit() - 0.5) * 6.0;
    let chest = 1800.0 + 180.0 * phase.sin() + noise(rng);
    let belly = 2100.0 + 420.0 * (phase + 0.3).sin() + noise(rng);
    [
        chest.round().clamp(0.0, 4095.0) as u16,
        belly.round().clamp(0.0, 4095.0) as u16,
    ]
}

/// A device stream of about `target` bytes. With `garbage_fraction > 0`,
/// bursts of 1 to 39 random non-zero bytes, each ended by 0x00, are put
/// between frames so that about that fraction of all bytes is garbage.
/// Returns the stream, the samples in it and the garbage bytes in it.
fn device_stream(target: usize, garbage_fraction: f64) -> (Vec<u8>, u64, usize) {
    let mut rng = Lcg(0x5eed_b4ea_7b4d);
    let mut out = Vec::with_capacity(target + MAX_FRAME);
    let mut frame = [0u8; MAX_FRAME];
    let mut index: u32 = 0;
    let mut seq: u8 = 0;
    let mut frames = 0usize;
    let mut samples = 0u64;
    let mut garbage = 0usize;
    let mut send = |out: &mut Vec<u8>, seq: &mut u8, m: &Message| {
        let n = encode_frame(*seq, m, &mut frame).expect("frame fits");
        *seq = seq.wrapping_add(1);
        out.extend_from_slice(&frame[..n]);
    };
    while out.len() < target {
        let pairs: Vec<[u16; 2]> = (0..PAIRS_PER_FRAME as u32)
            .map(|k| pair_at(index + k, &mut rng))
            .collect();
        let s = Samples::new(index, SampleFlags(0), &pairs).expect("1..=MAX_PAIRS pairs");
        index = index.wrapping_add(PAIRS_PER_FRAME as u32);
        samples += PAIRS_PER_FRAME as u64;
        send(&mut out, &mut seq, &Message::Samples(s));
        frames += 1;
        if frames.is_multiple_of(HEARTBEAT_EVERY) {
            let hb = Heartbeat {
                uptime_ms: (index as f64 / RATE_HZ * 1000.0) as u32,
                next_index: index,
                status: 1,
                overruns: 0,
            };
            send(&mut out, &mut seq, &Message::Heartbeat(hb));
        }
        // Keep the garbage share of all bytes so far at `garbage_fraction`.
        while garbage_fraction > 0.0 && (garbage as f64) < garbage_fraction * out.len() as f64 {
            let len = 1 + (rng.next_u32() % 39) as usize;
            out.extend((0..len).map(|_| 1 + (rng.next_u32() % 255) as u8));
            out.push(0);
            garbage += len + 1;
        }
    }
    (out, samples, garbage)
}

/// Decodes `stream` in chunks of `chunk` bytes; returns samples decoded.
fn decode(stream: &[u8], chunk: usize) -> u64 {
    let mut dec = Decoder::new();
    let mut samples = 0u64;
    for c in stream.chunks(chunk) {
        dec.push(c, |r| {
            if let Ok(f) = r {
                if let Message::Samples(s) = f.message {
                    samples += s.pairs().len() as u64;
                }
            }
        });
    }
    samples
}

fn bench_decode(c: &mut Criterion) {
    let (clean, clean_samples, _) = device_stream(STREAM_BYTES, 0.0);
    let (dirty, dirty_samples, garbage) = device_stream(STREAM_BYTES, 0.01);
    // The streams must decode to what was put in them (garbage costs no samples).
    assert_eq!(decode(&clean, 64), clean_samples);
    assert_eq!(decode(&dirty, 4096), dirty_samples);
    eprintln!(
        "decoder bench: clean stream {} bytes, {} samples; garbage stream {} bytes, \
         {} garbage ({:.2} %)",
        clean.len(),
        clean_samples,
        dirty.len(),
        garbage,
        100.0 * garbage as f64 / dirty.len() as f64
    );

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(clean.len() as u64));
    for chunk in [64usize, 4096] {
        g.bench_with_input(BenchmarkId::new("clean", chunk), &chunk, |b, &chunk| {
            b.iter(|| black_box(decode(black_box(&clean), chunk)))
        });
    }
    g.throughput(Throughput::Bytes(dirty.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("garbage_1pct", 4096),
        &4096usize,
        |b, &chunk| b.iter(|| black_box(decode(black_box(&dirty), chunk))),
    );
    g.finish();
}

fn bench_encode(c: &mut Criterion) {
    let mut rng = Lcg(7);
    let pairs: Vec<[u16; 2]> = (0..PAIRS_PER_FRAME as u32)
        .map(|i| pair_at(123_450 + i, &mut rng))
        .collect();
    let msg = Message::Samples(Samples::new(123_450, SampleFlags(0), &pairs).expect("pairs"));
    let mut out = [0u8; MAX_FRAME];
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("samples_frame", PAIRS_PER_FRAME), |b| {
        b.iter(|| {
            let n = encode_frame(black_box(42), black_box(&msg), &mut out).expect("fits");
            black_box(&out[..n]);
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench_decode, bench_encode);
criterion_main!(benches);
