//! Cost of the cue synth (src/audio/synth.rs): what the audio callback does
//! per buffer.
//!
//! `callback/{tone,chime}/{6,lengthen}`: one 512-frame mono buffer rendered
//! by a running `Synth` at 48 kHz (about 10.7 ms of sound), the pacer
//! schedule evaluated for every sample. The synth keeps running across
//! iterations, so phase boundaries, chimes and (for `lengthen`) the slowing
//! rate all come by. Throughput is in samples: anything above 48 kS/s per
//! channel is faster than real time; the margin is what is left for the
//! rest of the system. `wav/tone_6_60s`: a whole `breathband pacer` render
//! of 60 s at 44.1 kHz into memory.
//!
//! Run: `cargo bench --bench synth` (needs `[[bench]] name = "synth"`,
//! `harness = false` in Cargo.toml).

use breathband::audio::wav::render;
use breathband::audio::{Command, CueStyle, Synth, SynthSettings};
use breathband::pacer::Pattern;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

const RATE: u32 = 48_000;
const BUFFER: usize = 512;

fn settings(pattern: &str, cue: CueStyle) -> SynthSettings {
    SynthSettings {
        pattern: Pattern::parse(pattern).expect("bench pattern"),
        cue,
        volume: 0.8,
        muted: false,
    }
}

fn callback(c: &mut Criterion) {
    let mut g = c.benchmark_group("callback");
    g.throughput(Throughput::Elements(BUFFER as u64));
    for (cue, cue_name) in [(CueStyle::Tone, "tone"), (CueStyle::Chime, "chime")] {
        for pattern in ["6", "lengthen"] {
            let mut synth = Synth::new(RATE, settings(pattern, cue));
            synth.apply(Command::Start { at_s: 0.0 });
            let mut buf = vec![0.0f32; BUFFER];
            g.bench_function(BenchmarkId::new(cue_name, pattern), |b| {
                b.iter(|| {
                    synth.render(&mut buf);
                    black_box(&buf);
                })
            });
        }
    }
    g.finish();
}

fn wav(c: &mut Criterion) {
    let mut g = c.benchmark_group("wav");
    g.sample_size(10);
    g.throughput(Throughput::Elements(60 * 44_100));
    g.bench_function("tone_6_60s", |b| {
        b.iter(|| black_box(render(settings("6", CueStyle::Tone), 44_100, 60.0)))
    });
    g.finish();
}

criterion_group!(benches, callback, wav);
criterion_main!(benches);
