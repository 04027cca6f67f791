//! Cost of the breathing analysis engine (src/analysis/), live and offline.
//!
//! `live/update_1khz/step_{1s,0.2s}`: one live update at 1 kHz with the
//! default 30 s window, both bands: pushing one step's worth of samples
//! (1000 or 200) into a warmed-up `Engine`, including the window computation
//! (spectrum, classes, safety) that the step triggers. The virtual sensor
//! makes 180 s at 1 kHz once; the engine is warmed up on the first 60 s, then
//! the timed routine plays the other 120 s forward, backward, forward...
//! (the signal stays continuous at the turns) with sample indices that keep
//! increasing, so every iteration is the same steady state: a full 30 s
//! window, breaths being detected. At 1 kHz the decimator makes slots of 80
//! samples, so a step ends a window on average once per iteration (windows
//! are emitted at slot ends). Time per iteration = time per live update. Before
//! criterion runs, a plain pass prints the median, 99th percentile and maximum
//! of the update time and the longest single `push` (the one that computes a
//! window).
//!
//! `offline/subject_012`: a whole `breathband analyze` pass over
//! `../shared/data/hexoskin/subject_012.csv.gz` (48 min at 128 Hz, the longest
//! real recording): gzip CSV read, rate inference, `Collector` over every
//! row, `finish` (summary). `analyze_file` is private to the CLI, so its steps
//! are repeated here: keep the two in step. `offline/subject_012_engine` is
//! the `Collector` alone on rows read beforehand. If the file is absent a
//! message says so and a synthetic 48 min 128 Hz recording of the virtual
//! sensor is written to a temporary gzip CSV and used instead
//! (`offline/synthetic_48min`, `offline/synthetic_48min_engine`). The
//! environment variable `BREATHBAND_BENCH_RECORDING` names another file (the
//! id stays `subject_012`).
//! Throughput is in samples (rows).
//!
//! Run: `cargo bench --bench analysis`

use breathband::analysis::offline::Collector;
use breathband::analysis::{AnalysisConfig, Engine, Gains, Output};
use breathband::device::band_csv::{infer_rate, BandCsvReader, BandRow};
use breathband::device::schedule::Schedule;
use breathband::device::virtual_sensor::{VirtualParams, VirtualSensor};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIVE_RATE_HZ: f64 = 1000.0;
const LIVE_WARM_S: f64 = 60.0;
const LIVE_TOTAL_S: f64 = 180.0;
/// `analyze_file`: rows read to infer the sample rate.
const RATE_ROWS: usize = 4096;

/// Chest, belly counts of the virtual sensor.
fn virtual_signal(rate_hz: f64, seconds: f64, seed: u64) -> Vec<(f64, f64)> {
    let mut vs = VirtualSensor::new(rate_hz, VirtualParams::default(), Schedule::default(), seed);
    (0..(seconds * rate_hz) as usize)
        .map(|_| {
            let s = vs.next_sample();
            (s.chest as f64, s.belly as f64)
        })
        .collect()
}

/// A warmed-up engine fed from a pre-generated signal, played back and forth.
struct Live {
    engine: Engine,
    /// The part played in the timed routine.
    cycle: Vec<(f64, f64)>,
    /// Position in forward + backward (0 .. 2 * cycle.len()).
    pos: usize,
    next_index: u64,
    windows: u64,
    breaths: u64,
}

impl Live {
    fn new(step_s: f64, signal: &[(f64, f64)]) -> Self {
        let cfg = AnalysisConfig {
            step_s,
            ..AnalysisConfig::default()
        };
        cfg.validate().expect("config");
        let warm = (LIVE_WARM_S * LIVE_RATE_HZ) as usize;
        let mut live = Self {
            engine: Engine::new(cfg, LIVE_RATE_HZ, &Gains::default()),
            cycle: signal[warm..].to_vec(),
            pos: 0,
            next_index: 0,
            windows: 0,
            breaths: 0,
        };
        let (w, b) = (&mut live.windows, &mut live.breaths);
        for &(c, bl) in &signal[..warm] {
            live.engine
                .push(live.next_index, c, bl, 0, &mut |o| count(o, w, b));
            live.next_index += 1;
        }
        live
    }

    /// Pushes `n` samples; returns the windows emitted.
    #[inline]
    fn update(&mut self, n: usize) -> u64 {
        let before = self.windows;
        let m = self.cycle.len();
        let (w, b) = (&mut self.windows, &mut self.breaths);
        for _ in 0..n {
            let k = if self.pos < m {
                self.pos
            } else {
                2 * m - 1 - self.pos
            };
            let (c, bl) = self.cycle[k];
            self.engine
                .push(self.next_index, c, bl, 0, &mut |o| count(o, w, b));
            self.next_index += 1;
            self.pos = (self.pos + 1) % (2 * m);
        }
        self.windows - before
    }
}

#[inline]
fn count(o: Output, windows: &mut u64, breaths: &mut u64) {
    match o {
        Output::Window(w) => {
            *windows += 1;
            black_box(w);
        }
        Output::Breath(_) => *breaths += 1,
        Output::Event(e) => {
            black_box(e);
        }
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A plain pass: distribution of the update time and the longest push.
fn live_report(step_s: f64, signal: &[(f64, f64)]) {
    let n = (step_s * LIVE_RATE_HZ).round() as usize;
    let updates = (300.0 / step_s) as usize; // 300 s of signal
    let mut live = Live::new(step_s, signal);
    let b0 = live.breaths;
    let mut t: Vec<Duration> = Vec::with_capacity(updates);
    let mut windows = 0;
    for _ in 0..updates {
        let s = Instant::now();
        windows += live.update(n);
        t.push(s.elapsed());
    }
    t.sort();
    // Longest single push: time each push on its own.
    let mut longest = Duration::ZERO;
    let (w, b) = (&mut live.windows, &mut live.breaths);
    for _ in 0..(60.0 * LIVE_RATE_HZ) as usize {
        let m = live.cycle.len();
        let k = if live.pos < m {
            live.pos
        } else {
            2 * m - 1 - live.pos
        };
        let (c, bl) = live.cycle[k];
        let s = Instant::now();
        live.engine
            .push(live.next_index, c, bl, 0, &mut |o| count(o, w, b));
        longest = longest.max(s.elapsed());
        live.next_index += 1;
        live.pos = (live.pos + 1) % (2 * m);
    }
    let q = |p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
    eprintln!(
        "live step {step_s} s ({n} samples/update at {LIVE_RATE_HZ} Hz, 30 s window): \
         {updates} updates, {windows} windows, {} breaths; update median {:.1} us, \
         p99 {:.1} us, max {:.1} us; longest single push {:.1} us",
        live.breaths - b0,
        us(q(0.5)),
        us(q(0.99)),
        us(t[t.len() - 1]),
        us(longest),
    );
    assert!(windows as usize + 2 >= updates && windows as usize <= updates + 2);
    assert!(live.breaths - b0 >= (300.0 / 6.0) as u64, "breaths found");
}

fn bench_live(c: &mut Criterion) {
    let signal = virtual_signal(LIVE_RATE_HZ, LIVE_TOTAL_S, 7);
    let mut g = c.benchmark_group("live/update_1khz");
    for (name, step_s) in [("step_1s", 1.0), ("step_0.2s", 0.2)] {
        live_report(step_s, &signal);
        let n = (step_s * LIVE_RATE_HZ).round() as usize;
        g.throughput(Throughput::Elements(n as u64));
        let mut live = Live::new(step_s, &signal);
        g.bench_function(name, |b| b.iter(|| black_box(live.update(n))));
    }
    g.finish();
}

/// What `analyze_file` does (src/cli/analyze.rs), without the output.
fn analyze(path: &Path, cfg: AnalysisConfig) -> (usize, usize) {
    let mut rdr = BandCsvReader::open(path).expect("open");
    let mut head: Vec<BandRow> = Vec::with_capacity(RATE_ROWS);
    while head.len() < RATE_ROWS {
        match rdr.next_row().expect("row") {
            Some(r) => head.push(r),
            None => break,
        }
    }
    let fs = infer_rate(path, &head).expect("rate");
    assert!((1.0..=100_000.0).contains(&fs));
    let mut c = Collector::new(cfg, fs, Gains::default());
    let mut rows = 0usize;
    let mut feed = |r: &BandRow| {
        let index = r
            .sample_index
            .unwrap_or_else(|| (r.time_s * fs).round().max(0.0) as u64);
        c.push(index, r.chest, r.belly, r.flags);
        rows += 1;
    };
    head.iter().for_each(&mut feed);
    while let Some(r) = rdr.next_row().expect("row") {
        feed(&r);
    }
    let report = c.finish();
    (rows, black_box(report).windows.len())
}

/// The `Collector` alone over rows already read.
fn collect(rows: &[BandRow], fs: f64, cfg: AnalysisConfig) -> usize {
    let mut c = Collector::new(cfg, fs, Gains::default());
    for r in rows {
        let index = r
            .sample_index
            .unwrap_or_else(|| (r.time_s * fs).round().max(0.0) as u64);
        c.push(index, r.chest, r.belly, r.flags);
    }
    black_box(c.finish()).windows.len()
}

/// 48 min of the virtual sensor at 128 Hz as a gzip CSV like the real files.
fn synthetic_file(dir: &Path) -> PathBuf {
    let rate = 128.0;
    let path = dir.join("synthetic_48min.csv.gz");
    let f = std::fs::File::create(&path).expect("create");
    let mut gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(f), flate2::Compression::default());
    writeln!(gz, "time_s,chest,belly").expect("write");
    for (i, (c, b)) in virtual_signal(rate, 48.0 * 60.0, 12)
        .into_iter()
        .enumerate()
    {
        writeln!(gz, "{:.4},{c},{b}", i as f64 / rate).expect("write");
    }
    gz.finish().expect("gzip").flush().expect("flush");
    path
}

fn bench_offline(c: &mut Criterion) {
    let real = std::env::var_os("BREATHBAND_BENCH_RECORDING").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/hexoskin/subject_012.csv.gz"),
        PathBuf::from,
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let (name, path) = if real.is_file() {
        ("subject_012", real)
    } else {
        eprintln!(
            "offline bench: {} not found, SKIPPING the real recording; \
             timing a synthetic 48 min 128 Hz recording instead",
            real.display()
        );
        ("synthetic_48min", synthetic_file(tmp.path()))
    };
    let cfg = AnalysisConfig::default();
    let rows = BandCsvReader::open(&path)
        .expect("open")
        .read_all()
        .expect("read");
    let fs = infer_rate(&path, &rows[..rows.len().min(RATE_ROWS)]).expect("rate");
    let s = Instant::now();
    let (n, windows) = analyze(&path, cfg);
    let once = s.elapsed();
    assert_eq!(n, rows.len());
    eprintln!(
        "offline {name}: {n} rows at {fs} Hz ({:.1} min), {windows} windows; \
         one pass {:.1} ms ({:.2} M samples/s)",
        n as f64 / fs / 60.0,
        once.as_secs_f64() * 1e3,
        n as f64 / once.as_secs_f64() / 1e6
    );

    let mut g = c.benchmark_group("offline");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::from_parameter(name), |b| {
        b.iter(|| analyze(&path, cfg))
    });
    g.bench_function(BenchmarkId::from_parameter(format!("{name}_engine")), |b| {
        b.iter(|| collect(&rows, fs, cfg))
    });
    g.finish();
}

criterion_group!(benches, bench_live, bench_offline);
criterion_main!(benches);
