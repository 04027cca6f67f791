//! The analysis engine must not allocate once it is built and warmed up
//! (issue target: "free of allocation in steady state").
//!
//! A counting global allocator wraps `System` and counts `alloc`,
//! `alloc_zeroed` and `realloc` calls, but only on a thread that has switched
//! counting on (a thread-local flag), so the test harness's own threads do not
//! disturb the count. Each test builds an engine, warms it up on 60 s of the
//! 1 kHz virtual sensor, then pushes the rest of a pre-generated buffer with
//! counting on and asserts zero allocations. Windows, breaths and events are
//! counted in plain integers inside the callback, so the test cannot pass
//! without the engine doing its work.
//!
//! To find the place that allocates, run with `BREATHBAND_ALLOC_BACKTRACE=1`:
//! the first counted allocation prints a backtrace on stderr
//! (`cargo test --test engine_no_alloc -- --nocapture`).
//!
//! Run: `cargo test --test engine_no_alloc` (also in release: `--release`).

use breathband::acquisition::flags;
use breathband::analysis::{AnalysisConfig, Engine, Gains, Output};
use breathband::device::schedule::Schedule;
use breathband::device::virtual_sensor::{VirtualParams, VirtualSensor};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BACKTRACE: AtomicBool = AtomicBool::new(false);
static BACKTRACE_DONE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Counting is on for this thread.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

impl Counting {
    fn note(&self) {
        // `try_with`: the thread-local may be gone while a thread exits.
        if COUNTING.try_with(Cell::get).unwrap_or(false) {
            ALLOCS.fetch_add(1, Relaxed);
            if BACKTRACE.load(Relaxed) && !BACKTRACE_DONE.swap(true, Relaxed) {
                // Capturing and printing allocate: stop counting meanwhile.
                COUNTING.with(|c| c.set(false));
                eprintln!(
                    "engine_no_alloc: first allocation while counting:\n{}",
                    std::backtrace::Backtrace::force_capture()
                );
                COUNTING.with(|c| c.set(true));
            }
        }
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.note();
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.note();
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        self.note();
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made on this thread by `f`.
fn count_allocs(f: impl FnOnce()) -> usize {
    BACKTRACE.store(
        std::env::var_os("BREATHBAND_ALLOC_BACKTRACE").is_some_and(|v| v != "0"),
        Relaxed,
    );
    let before = ALLOCS.load(Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCS.load(Relaxed) - before
}

const RATE_HZ: f64 = 1000.0;
const FULL_SCALE: u16 = 4095;

/// One input sample: index, chest, belly, flags.
type In = (u64, f64, f64, u8);

/// `seconds` of the virtual sensor at 1 kHz, with clip flags as the pump sets
/// them (count at 0 or full scale); samples whose time falls in one of `drop`
/// (s, half-open) are left out, so the engine sees gaps in the index.
fn generate(seconds: f64, schedule: &str, drop: &[(f64, f64)]) -> Vec<In> {
    let schedule: Schedule = schedule.parse().expect("schedule");
    let params = VirtualParams {
        full_scale: FULL_SCALE,
        ..VirtualParams::default()
    };
    let mut vs = VirtualSensor::new(RATE_HZ, params, schedule, 12);
    let n = (seconds * RATE_HZ) as u64;
    let mut v = Vec::with_capacity(n as usize);
    for i in 0..n {
        let s = vs.next_sample();
        let t = i as f64 / RATE_HZ;
        if drop.iter().any(|&(a, b)| t >= a && t < b) {
            continue;
        }
        let clip = |c: u16| c == 0 || c >= FULL_SCALE;
        let mut f = 0;
        if clip(s.chest) {
            f |= flags::CHEST_CLIPPED;
        }
        if clip(s.belly) {
            f |= flags::BELLY_CLIPPED;
        }
        v.push((i, s.chest as f64, s.belly as f64, f));
    }
    v
}

#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    windows: u64,
    breaths: u64,
    events: u64,
    /// Windows with a rate (breathing found).
    rated: u64,
}

fn feed(engine: &mut Engine, samples: &[In], seen: &mut Seen) {
    let mut out = |o: Output| match o {
        Output::Window(w) => {
            seen.windows += 1;
            seen.rated += w.rate_bpm.is_some() as u64;
        }
        Output::Breath(_) => seen.breaths += 1,
        Output::Event(_) => seen.events += 1,
    };
    for &(i, c, b, f) in samples {
        engine.push(i, c, b, f, &mut out);
    }
}

/// Warms an engine on the samples before `warm_s`, then counts the
/// allocations of pushing the rest. Returns them with what was seen.
fn run(cfg: AnalysisConfig, samples: &[In], warm_s: f64) -> (usize, Seen, Seen) {
    let split = samples.partition_point(|s| (s.0 as f64) < warm_s * RATE_HZ);
    let mut engine = Engine::new(cfg, RATE_HZ, &Gains::default());
    let mut warm = Seen::default();
    feed(&mut engine, &samples[..split], &mut warm);
    let mut seen = Seen::default();
    let n = count_allocs(|| feed(&mut engine, &samples[split..], &mut seen));
    (n, warm, seen)
}

#[test]
fn steady_state_default_config_does_not_allocate() {
    let samples = generate(120.0, "", &[]);
    let (allocs, warm, seen) = run(AnalysisConfig::default(), &samples, 60.0);
    eprintln!("default: warm-up {warm:?}, measured {seen:?}, allocations {allocs}");
    // 1 s step: one window per second of signal; 12 breaths/min.
    assert!(warm.windows >= 40, "warm-up made too few windows: {warm:?}");
    assert!(seen.windows >= 59, "too few windows: {seen:?}");
    assert!(seen.rated >= 50, "breathing not found: {seen:?}");
    assert!(seen.breaths >= 8, "too few breaths: {seen:?}");
    assert_eq!(
        allocs, 0,
        "the engine allocated {allocs} times in steady state"
    );
}

#[test]
fn steady_state_short_step_does_not_allocate() {
    let cfg = AnalysisConfig {
        step_s: 0.2,
        ..AnalysisConfig::default()
    };
    let samples = generate(120.0, "", &[]);
    let (allocs, _, seen) = run(cfg, &samples, 60.0);
    eprintln!("step 0.2 s: measured {seen:?}, allocations {allocs}");
    assert!(seen.windows >= 295, "too few windows: {seen:?}");
    assert!(seen.breaths >= 8, "too few breaths: {seen:?}");
    assert_eq!(
        allocs, 0,
        "the engine allocated {allocs} times in steady state"
    );
}

/// After warm-up: paradoxical breathing (the timing signal flips), fast
/// breathing long enough for an over-breathing event, a breath hold, a band
/// off, a short gap (filled) and a long one (decimator reset).
#[test]
fn events_gaps_and_resets_do_not_allocate() {
    let schedule = "60:phase=180;90:phase=0,rate=30;140:rate=12;150:hold=15;\
                    175:off=chest;185:off=none";
    let samples = generate(240.0, schedule, &[(195.0, 197.0), (205.0, 215.0)]);
    let (allocs, _, seen) = run(AnalysisConfig::default(), &samples, 60.0);
    eprintln!("events: measured {seen:?}, allocations {allocs}");
    assert!(seen.windows >= 150, "too few windows: {seen:?}");
    assert!(seen.breaths >= 30, "too few breaths: {seen:?}");
    assert!(seen.events >= 2, "no safety events: {seen:?}");
    assert_eq!(allocs, 0, "the engine allocated {allocs} times");
}

/// The counter itself works (else the tests above would pass vacuously).
#[test]
fn counter_sees_allocations() {
    let n = count_allocs(|| {
        let v: Vec<u64> = std::hint::black_box(Vec::with_capacity(16));
        std::hint::black_box(&v);
    });
    assert_eq!(n, 1);
}
