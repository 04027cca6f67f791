//! The audio callback's work without allocation. This test installs a
//! counting `#[global_allocator]`, so it lives alone in its own test binary,
//! where the allocator cannot affect any other test.

mod common;
use breathband::audio::{Command, CueStyle};
use breathband::pacer::Pattern;
use common::audio::settings;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

// ------------------------------------------------ allocation counting

/// Counts allocations on threads that switched counting on, so the test
/// harness's other threads do not disturb the count.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note_alloc() {
    // `try_with`: the thread-local may be gone while a thread exits.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCS.fetch_add(1, Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_alloc();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What the audio callback does (drain the queue, render a buffer) must
/// not allocate, for every cue and kind of pattern, with commands arriving.
#[test]
fn callback_work_does_not_allocate() {
    use breathband::audio::Synth;
    use ringbuf::traits::{Consumer, Producer, Split};
    for cue in [CueStyle::Tone, CueStyle::Chime] {
        for pattern in ["6", "4-7-8", "lengthen:12-6:1"] {
            let (mut prod, mut cons) = ringbuf::HeapRb::<Command>::new(64).split();
            let mut synth = Synth::new(48_000, settings(pattern, cue, 1.0));
            let mut buf = vec![0.0f32; 512];
            let commands = [
                Command::Start { at_s: 0.0 },
                Command::SetVolume(0.3),
                Command::SetMute(true),
                Command::SetMute(false),
                Command::SetPattern(Pattern::parse("box").unwrap()),
                Command::SetCue(CueStyle::Chime),
                Command::SetPattern(Pattern::parse(pattern).unwrap()),
                Command::SetCue(cue),
                Command::Stop,
                Command::Start { at_s: 30.0 },
            ];
            ALLOCS.store(0, Relaxed);
            COUNTING.with(|c| c.set(true));
            let mut energy = 0.0f64;
            for i in 0..(90 * 48_000 / 512) {
                if i % 700 == 0 {
                    let _ = prod.try_push(commands[(i / 700) % commands.len()]);
                }
                while let Some(cmd) = cons.try_pop() {
                    synth.apply(cmd);
                }
                synth.render(&mut buf);
                energy += buf.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();
            }
            COUNTING.with(|c| c.set(false));
            assert_eq!(ALLOCS.load(Relaxed), 0, "{cue} {pattern}");
            assert!(energy > 1.0, "{cue} {pattern}: no sound");
        }
    }
}
