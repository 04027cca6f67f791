//! The pacer and its audio cues: pattern notation, the offline WAV render
//! (through the real binary and the library), the callback's work without
//! allocation, and the live cpal path through an ALSA file device.
//!
//! The live tests run their body in a child process of this test binary,
//! so that ALSA reads a test-only configuration (`XDG_CONFIG_HOME`) before
//! it initialises.

use breathband::audio::voices::{Tone, CHIME_PEAK, TONE_HIGH_HZ, TONE_PEAK};
use breathband::audio::wav::render;
use breathband::audio::{AudioOutput, AudioStatus, Command, CueStyle, SynthSettings};
use breathband::pacer::{Cycle, Lengthen, Pattern, Phase};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

const SR: u32 = 44_100;

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

// ---------------------------------------------------------------- helpers

/// Runs `breathband pacer ARGS --wav FILE` and reads channel 0 back.
fn render_with_binary(args: &[&str]) -> (hound::WavSpec, Vec<f32>) {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("cues.wav");
    let out = Process::new(env!("CARGO_BIN_EXE_breathband"))
        .arg("pacer")
        .args(args)
        .arg("--wav")
        .arg(&wav)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pacer {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_wav(&wav)
}

/// Channel 0 of a WAV file as floats in -1..1, any integer or float format.
fn read_wav(path: &Path) -> (hound::WavSpec, Vec<f32>) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let ch = usize::from(spec.channels.max(1));
    let all: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().map(|s| s.unwrap()).collect(),
        hound::SampleFormat::Int => {
            let full = (1i64 << (spec.bits_per_sample - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.unwrap() as f32 / full)
                .collect()
        }
    };
    (spec, all.into_iter().step_by(ch).collect())
}

fn settings(pattern: &str, cue: CueStyle, volume: f32) -> SynthSettings {
    SynthSettings {
        pattern: Pattern::parse(pattern).unwrap(),
        cue,
        volume,
        muted: false,
    }
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Frequency of `x` from its rising zero crossings (linearly interpolated).
fn zero_crossing_hz(x: &[f32], sr: f64) -> Option<f64> {
    let mut crossings = vec![];
    for i in 1..x.len() {
        let (a, b) = (f64::from(x[i - 1]), f64::from(x[i]));
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    let (first, last) = (crossings.first()?, crossings.last()?);
    (crossings.len() >= 3).then(|| (crossings.len() - 1) as f64 / (last - first) * sr)
}

/// Chime onsets, in samples: the first sample above `threshold` after at
/// least 50 ms below it (chimes die away before the next one).
fn onsets(x: &[f32], sr: f64, threshold: f32) -> Vec<usize> {
    let quiet_needed = (0.05 * sr) as usize;
    let mut quiet = quiet_needed;
    let mut out = vec![];
    for (i, v) in x.iter().enumerate() {
        if v.abs() > threshold {
            if quiet >= quiet_needed {
                out.push(i);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

/// Scheduled chime times (inhale and exhale starts) in `[0, until_s)`.
fn chime_times(p: &Pattern, until_s: f64) -> Vec<f64> {
    p.phase_starts(0.0, until_s)
        .filter(|(t, ph)| matches!(ph, Phase::Inhale | Phase::Exhale) && *t < until_s)
        .map(|x| x.0)
        .collect()
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

// ------------------------------------------------------------ WAV renders

#[test]
fn tone_pitch_rises_on_inhale_and_falls_on_exhale() {
    let (spec, x) = render_with_binary(&["--pattern", "6", "--cue", "tone", "--seconds", "30"]);
    assert_eq!(
        (spec.channels, spec.bits_per_sample, spec.sample_rate),
        (1, 16, SR)
    );
    assert_eq!(x.len(), 30 * SR as usize);
    let sr = f64::from(SR);
    let pattern = Pattern::default();
    let frame = (0.05 * sr) as usize;
    let mut worst_rel = 0.0f64;
    let (mut inhale_pts, mut exhale_pts) = (vec![], vec![]);
    for (k, f) in x.chunks_exact(frame).enumerate() {
        let mid = (k as f64 + 0.5) * frame as f64 / sr;
        let st = pattern.state_at(mid);
        if !(0.1..=29.9).contains(&mid) {
            continue;
        }
        let hz = zero_crossing_hz(f, sr).expect("tone audible");
        let want = Tone::pitch_hz(st.fill());
        worst_rel = worst_rel.max((hz / want - 1.0).abs());
        let pos = mid - st.phase_start_s;
        match st.phase {
            Phase::Inhale => inhale_pts.push((st.cycle_index, pos, hz)),
            Phase::Exhale => exhale_pts.push((st.cycle_index, pos, hz)),
            _ => unreachable!(),
        }
    }
    // Frame by frame: up through each inhale, down through each exhale
    // (away from the turning points, where the pitch is flat).
    let mut checked = 0;
    for pts in [&inhale_pts, &exhale_pts] {
        for w in pts.windows(2) {
            let ((c0, p0, f0), (c1, p1, f1)) = (w[0], w[1]);
            let len = if std::ptr::eq(pts, &inhale_pts) {
                4.0
            } else {
                6.0
            };
            if c0 != c1 || p0 < 0.3 || p1 > len - 0.3 {
                continue;
            }
            if std::ptr::eq(pts, &inhale_pts) {
                assert!(
                    f1 > f0,
                    "inhale pitch fell at {p1:.2} s: {f0:.1} -> {f1:.1}"
                );
            } else {
                assert!(
                    f1 < f0,
                    "exhale pitch rose at {p1:.2} s: {f0:.1} -> {f1:.1}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked}");
    assert!(
        worst_rel < 0.01,
        "pitch off the schedule by {:.2} %",
        worst_rel * 100.0
    );
    // Slopes by a straight-line fit over the middle half of each phase.
    let slope = |pts: &[(u64, f64, f64)], len: f64| {
        let mid: Vec<(f64, f64)> = pts
            .iter()
            .filter(|p| p.1 > len * 0.25 && p.1 < len * 0.75)
            .map(|p| (p.1, p.2))
            .collect();
        let n = mid.len() as f64;
        let (mx, my) = (
            mid.iter().map(|p| p.0).sum::<f64>() / n,
            mid.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let sxy: f64 = mid.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = mid.iter().map(|p| (p.0 - mx).powi(2)).sum();
        sxy / sxx
    };
    let (up, down) = (slope(&inhale_pts, 4.0), slope(&exhale_pts, 6.0));
    eprintln!(
        "tone pitch: mid-inhale slope {up:+.1} Hz/s, mid-exhale slope {down:+.1} Hz/s, \
         worst deviation from schedule {:.3} %",
        worst_rel * 100.0
    );
    assert!(up > 30.0 && down < -20.0, "{up} {down}");
}

#[test]
fn chime_onsets_follow_the_schedule_within_10_ms() {
    let mut worst_ms = 0.0f64;
    for (pattern, secs) in [
        ("6", 40.0),
        ("4-7-8", 40.0),
        ("box", 33.0),
        ("lengthen:12-6:1", 90.0),
    ] {
        let (spec, x) = render_with_binary(&[
            "--pattern",
            pattern,
            "--cue",
            "chime",
            "--seconds",
            &secs.to_string(),
            "--volume",
            "0.8",
        ]);
        let sr = f64::from(spec.sample_rate);
        let want = chime_times(&Pattern::parse(pattern).unwrap(), secs - 0.5);
        let got: Vec<usize> = onsets(&x, sr, 0.02)
            .into_iter()
            .filter(|i| (*i as f64) < (secs - 0.5) * sr)
            .collect();
        assert_eq!(got.len(), want.len(), "{pattern}: {got:?} vs {want:?}");
        for (g, w) in got.iter().zip(&want) {
            let err_ms = (*g as f64 / sr - w) * 1000.0;
            assert!(
                err_ms.abs() < 10.0,
                "{pattern}: onset at {w} s off by {err_ms:.2} ms"
            );
            worst_ms = worst_ms.max(err_ms.abs());
        }
        // The two chimes differ in pitch: inhale higher than exhale.
        let inhale = zero_crossing_hz(&x[got[0] + 200..got[0] + 2400], sr).unwrap();
        let exhale = zero_crossing_hz(&x[got[1] + 200..got[1] + 2400], sr).unwrap();
        assert!(inhale > exhale * 1.2, "{pattern}: {inhale} vs {exhale}");
    }
    eprintln!("chime onsets: worst error {worst_ms:.2} ms against the schedule");
}

#[test]
fn tone_is_silent_during_holds_of_4_7_8() {
    let (_, x) = render_with_binary(&["--pattern", "4-7-8", "--seconds", "40", "--volume", "1"]);
    let s = |t: f64| (t * f64::from(SR)) as usize;
    for cycle in 0..2 {
        let c0 = 19.0 * f64::from(cycle);
        // The hold after the inhale: exact digital silence.
        let hold = &x[s(c0 + 4.0)..s(c0 + 11.0)];
        assert!(
            hold.iter().all(|v| *v == 0.0),
            "sound in hold of cycle {cycle}"
        );
        // Inhale and exhale sound, apart from the fades next to the hold.
        assert!(rms(&x[s(c0 + 0.5)..s(c0 + 3.5)]) > 0.15);
        assert!(rms(&x[s(c0 + 11.5)..s(c0 + 18.5)]) > 0.15);
    }
}

/// Box breathing (4-4-4-4) has a hold after the exhale too: silent, for
/// the tone and, apart from the decaying exhale chime, for the chimes.
#[test]
fn box_is_silent_in_the_hold_after_the_exhale() {
    let (_, x) = render_with_binary(&["--pattern", "box", "--seconds", "48", "--volume", "1"]);
    let s = |t: f64| (t * f64::from(SR)) as usize;
    for cycle in 0..3 {
        let c0 = 16.0 * f64::from(cycle);
        for (what, from, to) in [
            ("after the inhale", 4.0, 8.0),
            ("after the exhale", 12.0, 16.0),
        ] {
            let hold = &x[s(c0 + from)..s(c0 + to)];
            assert!(
                hold.iter().all(|v| *v == 0.0),
                "tone: sound in the hold {what}, cycle {cycle}"
            );
        }
        // The exhale before that hold sounds (away from its fades).
        assert!(rms(&x[s(c0 + 8.5)..s(c0 + 11.5)]) > 0.15, "cycle {cycle}");
    }
    // Chimes: one at the start of the inhale and of the exhale; nothing
    // new starts in either hold, and the exhale chime has died away before
    // the inhale chime of the next cycle.
    let sr = f64::from(SR);
    let c = render(settings("box", CueStyle::Chime, 1.0), SR, 48.0);
    let got = onsets(&c, sr, 0.02);
    let want = chime_times(&Pattern::parse("box").unwrap(), 48.0);
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for cycle in 0..3 {
        let c0 = 16.0 * f64::from(cycle);
        let tail = &c[s(c0 + 15.0)..s(c0 + 16.0)];
        let loudest = tail.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(
            loudest < 0.01,
            "chime still sounding late in the hold: {loudest}"
        );
    }
}

#[test]
fn no_clicks_at_start_stop_and_phase_boundaries() {
    let sr = f64::from(SR);
    for pattern in ["6", "box", "4-7-8", "2-0-3-1"] {
        let x = render(settings(pattern, CueStyle::Tone, 1.0), SR, 25.0);
        // A click is a step the sound itself cannot make: the steepest step
        // of a full-level sine at the highest pitch, with 5 % margin.
        let bound = (std::f64::consts::TAU * TONE_HIGH_HZ / sr * TONE_PEAK * 1.05) as f32;
        let step = max_step(&x);
        assert!(step <= bound, "{pattern}: step {step} > {bound}");
        assert!(x[0].abs() < 1e-3 && x[x.len() - 1].abs() < 1e-3);
        let p = Pattern::parse(pattern).unwrap();
        for (t, _) in p.phase_starts(0.1, 24.0) {
            let i = (t * sr) as usize;
            let around = max_step(&x[i - 50..i + 50]);
            assert!(around <= bound, "{pattern} at {t} s: {around}");
        }
    }
    // Chimes: bounded by the steepest step of their partials.
    let x = render(settings("1-1.5", CueStyle::Chime, 1.0), SR, 10.0);
    let partials = 1.0 * 1.0 + 2.0 * 0.4 + 3.0 * 0.15;
    let bound = (std::f64::consts::TAU * 880.0 * partials / sr * CHIME_PEAK / 1.55 * 1.05) as f32;
    assert!(max_step(&x) <= bound, "{} > {bound}", max_step(&x));
    assert!(x[0].abs() < 1e-3 && x[x.len() - 1].abs() < 1e-3);
}

#[test]
fn live_commands_fade_without_clicks() {
    use breathband::audio::Synth;
    let mut s = Synth::new(SR, settings("6", CueStyle::Tone, 1.0));
    let mut x = vec![];
    let mut run = |s: &mut Synth, secs: f64| {
        for _ in 0..(secs * f64::from(SR)) as usize {
            x.push(s.next_sample());
        }
    };
    s.apply(Command::Start { at_s: 1.3 });
    run(&mut s, 1.0);
    s.apply(Command::SetVolume(0.2));
    run(&mut s, 0.5);
    s.apply(Command::SetMute(true));
    run(&mut s, 0.5);
    s.apply(Command::SetMute(false));
    run(&mut s, 0.5);
    s.apply(Command::SetPattern(Pattern::parse("box").unwrap()));
    s.apply(Command::Start { at_s: 0.0 });
    run(&mut s, 1.0);
    s.apply(Command::SetCue(CueStyle::Chime));
    run(&mut s, 1.0);
    s.apply(Command::Stop);
    run(&mut s, 0.5);
    let bound =
        (std::f64::consts::TAU * 880.0 * 2.25 / f64::from(SR) * CHIME_PEAK / 1.55 * 1.05) as f32;
    let tone_part = &x[..(4.5 * f64::from(SR)) as usize];
    let tone_bound =
        (std::f64::consts::TAU * TONE_HIGH_HZ / f64::from(SR) * TONE_PEAK * 1.05) as f32;
    assert!(max_step(tone_part) <= tone_bound, "{}", max_step(tone_part));
    assert!(max_step(&x) <= bound);
    assert!(x[x.len() - 1000..].iter().all(|v| *v == 0.0));
}

#[test]
fn volume_scales_and_mute_is_silent() {
    let level = |v: &str| {
        let (_, x) = render_with_binary(&["--pattern", "6", "--seconds", "10", "--volume", v]);
        rms(&x)
    };
    let (full, half, quarter) = (level("1"), level("0.5"), level("0.25"));
    eprintln!("tone rms: volume 1 {full:.4}, 0.5 {half:.4}, 0.25 {quarter:.4}");
    assert!((half / full - 0.5).abs() < 0.01, "{half} / {full}");
    assert!((quarter / full - 0.25).abs() < 0.01, "{quarter} / {full}");
    let (_, muted) = render_with_binary(&[
        "--pattern",
        "6",
        "--seconds",
        "5",
        "--mute",
        "--cue",
        "chime",
    ]);
    assert_eq!(muted.len(), 5 * SR as usize);
    assert!(muted.iter().all(|v| *v == 0.0));
}

#[test]
fn sample_rate_option_sets_the_file_rate() {
    let (spec, x) = render_with_binary(&["--seconds", "2", "--sample-rate", "48000"]);
    assert_eq!(spec.sample_rate, 48_000);
    assert_eq!(x.len(), 96_000);
}

#[test]
fn bad_arguments_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ok_path = dir.path().join("x.wav");
    let cases: [(&[&str], &str); 6] = [
        (&["--pattern", "4-x"], "`x` in pattern `4-x`"),
        (&["--pattern", "4-6-8-2-1"], "5 parts"),
        (&["--pattern", "sideways"], "unknown pattern `sideways`"),
        (&["--seconds", "-3"], "--seconds"),
        (&["--volume", "1.5"], "--volume"),
        (&["--sample-rate", "100"], "--sample-rate"),
    ];
    for (args, want) in cases {
        let out = Process::new(env!("CARGO_BIN_EXE_breathband"))
            .arg("pacer")
            .args(args)
            .arg("--wav")
            .arg(&ok_path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("breathband: error: ") && err.contains(want),
            "{err}"
        );
        assert!(!err.contains("panicked"));
    }
    assert!(!ok_path.exists());
    // Unwritable place.
    let out = Process::new(env!("CARGO_BIN_EXE_breathband"))
        .args(["pacer", "--seconds", "1", "--wav"])
        .arg(dir.path().join("missing").join("x.wav"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot write") && err.contains("missing"),
        "{err}"
    );
    // Nothing left behind in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// ------------------------------------------------------ pattern notation

fn seconds(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    // Tenths, hundredths and arbitrary values alike.
    prop_oneof![
        (lo * 10.0..=hi * 10.0).prop_map(|v: f64| v.round() / 10.0),
        lo..=hi,
    ]
    .prop_filter("in range", move |v| (lo..=hi).contains(v))
}

fn hold() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), seconds(0.0, 60.0)]
}

fn valid_pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        seconds(1.0, 30.0).prop_map(Pattern::Rate),
        (seconds(0.5, 60.0), hold(), seconds(0.5, 60.0), hold()).prop_map(|(i, h, o, h2)| {
            Pattern::Phases(Cycle {
                inhale_s: i,
                hold_in_s: h,
                exhale_s: o,
                hold_out_s: h2,
            })
        }),
        (seconds(1.0, 30.0), seconds(1.0, 30.0), seconds(0.0, 120.0)).prop_map(|(a, b, m)| {
            Pattern::Lengthen(Lengthen {
                from_bpm: a.max(b),
                to_bpm: a.min(b),
                ramp_min: m,
            })
        }),
    ]
}

proptest! {
    #[test]
    fn valid_notations_round_trip(p in valid_pattern()) {
        let text = p.to_string();
        prop_assert_eq!(Pattern::parse(&text), Ok(p), "{}", text);
    }

    #[test]
    fn phase_notation_parses_to_its_lengths(i in 5u32..600, h in 0u32..600, o in 5u32..600) {
        let (i, h, o) = (f64::from(i) / 10.0, f64::from(h) / 10.0, f64::from(o) / 10.0);
        let text = format!("{i}-{h}-{o}");
        let p = Pattern::parse(&text).unwrap();
        let st = p.state_at(i + h * 0.5);
        prop_assert_eq!(p.cycle(0).1.len_s(), i + h + o);
        prop_assert_eq!(st.phase, if h > 0.0 { Phase::HoldIn } else { Phase::Exhale });
    }

    #[test]
    fn garbage_in_a_part_is_an_error(
        good in proptest::collection::vec(1u32..100, 1..4),
        at in 0usize..4,
        bad in "[a-z]{1,3}|-|[0-9]+\\.[0-9]+\\.[0-9]+|",
    ) {
        let mut parts: Vec<String> = good.iter().map(|v| v.to_string()).collect();
        let at = at.min(parts.len());
        parts.insert(at, bad.clone());
        let text = parts.join("-");
        prop_assert!(Pattern::parse(&text).is_err(), "{} parsed", text);
    }

    #[test]
    fn too_many_parts_or_out_of_range_is_an_error(n in 5usize..9, big in 60.01f64..1e6) {
        let text = vec!["4"; n].join("-");
        prop_assert!(Pattern::parse(&text).is_err());
        let long_phase = format!("4-{big}");
        let fast_rate = (big.min(1e3) + 30.01).to_string();
        prop_assert!(Pattern::parse(&long_phase).is_err());
        prop_assert!(Pattern::parse(&fast_rate).is_err());
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,24}") {
        let _ = Pattern::parse(&s);
    }
}

// ---------------------------------------------------------- live (cpal)

/// Set in the child process to the name of the test it runs.
const CHILD: &str = "BREATHBAND_TEST_CHILD";
/// The WAV the ALSA file device writes, passed to the child.
const CHILD_WAV: &str = "BREATHBAND_TEST_ALSA_WAV";

/// ALSA configuration (../shared/alsa/asoundrc, with its own file path):
/// the default device writes what is played into `wav`. One change: the
/// plug converts to 16-bit for the file, because alsa-lib's file plugin
/// (1.2.8) labels float data as 32-bit integer PCM in the WAV header.
fn file_device_asoundrc(wav: &Path) -> String {
    format!(
        r#"pcm.!default {{
    type plug
    slave {{
        pcm "breathband_wav"
        format S16_LE
    }}
}}
pcm.breathband_wav {{
    type file
    slave.pcm "null"
    file "{}"
    format "wav"
}}
ctl.!default {{
    type hw
    card 0
}}
"#,
        wav.display()
    )
}

/// ALSA configuration whose default device does not exist.
const NO_DEVICE_ASOUNDRC: &str = r#"pcm.!default {
    type hw
    card 97
}
ctl.!default {
    type hw
    card 97
}
"#;

/// Where the live tests can run: Linux with alsa-lib's configuration.
fn alsa_missing() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("not Linux: no ALSA".into());
    }
    let dirs = [
        std::env::var("ALSA_CONFIG_DIR").unwrap_or_default(),
        "/usr/share/alsa".into(),
    ];
    if dirs.iter().any(|d| Path::new(d).join("alsa.conf").exists()) {
        None
    } else {
        Some("alsa-lib configuration (alsa.conf) not found".into())
    }
}

/// In the parent: runs test `name` again in a child process with ALSA
/// reading `asoundrc`, and returns false. In the child: returns true (run
/// the body).
fn run_in_child(name: &str, asoundrc: &str, wav: Option<&Path>) -> bool {
    if std::env::var(CHILD).as_deref() == Ok(name) {
        return true;
    }
    if let Some(why) = alsa_missing() {
        // The CI machine has alsa-lib and ../shared/alsa: a skip there would
        // hide a broken live path.
        assert!(
            std::env::var_os("CI").is_none(),
            "{name}: {why}, and CI is set: the live ALSA test must run in CI"
        );
        println!("SKIPPED {name}: {why}");
        return false;
    }
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("alsa")).unwrap();
    std::fs::write(home.path().join("alsa").join("asoundrc"), asoundrc).unwrap();
    let mut cmd = Process::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .env("XDG_CONFIG_HOME", home.path())
        // Keep a personal ~/.asoundrc out of it.
        .env("HOME", home.path());
    if let Some(w) = wav {
        cmd.env(CHILD_WAV, w);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(out.status.success(), "child {name} failed");
    assert!(stdout.contains("1 passed"), "child {name} did not run");
    false
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn live_chimes_reach_the_alsa_file_device_on_schedule() {
    const NAME: &str = "live_chimes_reach_the_alsa_file_device_on_schedule";
    let dir = tempfile::tempdir().unwrap();
    let wav: PathBuf = std::env::var_os(CHILD_WAV)
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("alsa.wav"));
    if !run_in_child(NAME, &file_device_asoundrc(&wav), Some(&wav)) {
        if std::env::var(CHILD).is_err() && alsa_missing().is_none() {
            check_alsa_wav(&wav);
        }
        return;
    }
    // Child: play chimes through cpal into the file device.
    let pattern = Pattern::parse("1-1.5").unwrap();
    let mut out = AudioOutput::start_with(SynthSettings {
        pattern,
        cue: CueStyle::Chime,
        volume: 0.8,
        muted: false,
    });
    wait_for("the device to open", Duration::from_secs(10), || {
        out.status() != AudioStatus::Opening
    });
    assert_eq!(out.status(), AudioStatus::Playing);
    let rate = out.sample_rate().unwrap();
    println!("live: opened at {rate} Hz");
    out.send(Command::Start { at_s: 0.0 }).unwrap();
    // The null device has no clock: wait on the audio clock, not the wall.
    wait_for("12 s of pacer time", Duration::from_secs(60), || {
        out.pacer_time_s().is_some_and(|t| t > 12.2)
    });
    assert!(out.played_frames() > 12 * u64::from(rate));
    // Closing fades out by itself: no Stop needed for a click-free end.
    out.close();
    println!("live: closed");
}

/// Checks what the ALSA file device recorded: silence until the pacer
/// started, then chimes whose onsets follow the schedule in sample counts.
fn check_alsa_wav(wav: &Path) {
    let (spec, x) = read_wav(wav);
    let sr = f64::from(spec.sample_rate);
    println!(
        "alsa wav: {} Hz, {} channels, {} bits {:?}, {:.2} s",
        spec.sample_rate,
        spec.channels,
        spec.bits_per_sample,
        spec.sample_format,
        x.len() as f64 / sr
    );
    assert!(rms(&x) > 0.01, "the file device got silence");
    let got = onsets(&x, sr, 0.02);
    let want = chime_times(&Pattern::parse("1-1.5").unwrap(), 12.01);
    assert!(got.len() >= want.len(), "{got:?} vs {want:?}");
    let first = got[0];
    // Silence until the pacer started (the chime attack takes 4 ms; the
    // start may land in the stream's first buffer).
    let pre = first.saturating_sub((0.005 * sr) as usize);
    let loudest_before = x[..pre].iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(
        loudest_before < 1e-3,
        "first onset {first}, before it {loudest_before}"
    );
    // The pacer started at an unknown frame: anchor the schedule on the
    // median onset offset, then every onset must sit on it.
    let mut offsets: Vec<f64> = got
        .iter()
        .zip(&want)
        .map(|(g, w)| *g as f64 - w * sr)
        .collect();
    offsets.sort_by(f64::total_cmp);
    let anchor = offsets[offsets.len() / 2];
    let mut worst = 0.0f64;
    for (g, w) in got.iter().zip(&want) {
        let err = *g as f64 - w * sr - anchor;
        worst = worst.max(err.abs());
        assert!(
            err.abs() <= 0.01 * sr,
            "onset at {w} s off by {err} samples"
        );
    }
    // No clicks at the start, the phase boundaries or the close.
    let partials = 1.0 * 1.0 + 2.0 * 0.4 + 3.0 * 0.15;
    let bound = (std::f64::consts::TAU * 880.0 * partials / sr * CHIME_PEAK / 1.55 * 1.05) as f32;
    assert!(max_step(&x) <= bound, "step {} > {bound}", max_step(&x));
    assert!(
        x[x.len() - 100..].iter().all(|v| v.abs() < 1e-3),
        "ends with sound"
    );
    println!(
        "alsa wav: {} onsets, worst {worst} samples ({:.3} ms) from the schedule",
        want.len(),
        worst / sr * 1000.0
    );
}

#[test]
fn no_device_is_reported_and_nothing_panics() {
    const NAME: &str = "no_device_is_reported_and_nothing_panics";
    if !run_in_child(NAME, NO_DEVICE_ASOUNDRC, None) {
        return;
    }
    let started = Instant::now();
    let mut out = AudioOutput::start();
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "start blocked"
    );
    // The UI keeps sending; nothing fails loudly.
    out.send(Command::SetCue(CueStyle::Chime)).unwrap();
    out.send(Command::Start { at_s: 0.0 }).unwrap();
    wait_for("the open attempt", Duration::from_secs(10), || {
        out.status() != AudioStatus::Opening
    });
    let status = out.status();
    println!("no device: {status:?}");
    assert!(matches!(status, AudioStatus::NoDevice(_)), "{status:?}");
    assert!(status.notice().is_some());
    assert_eq!(out.sample_rate(), None);
    assert_eq!(out.pacer_time_s(), None);
    for v in 0..100 {
        let _ = out.send(Command::SetVolume(v as f32 / 100.0));
    }
    out.reopen();
    std::thread::sleep(Duration::from_millis(300));
    assert!(matches!(out.status(), AudioStatus::NoDevice(_)));
    drop(out);
}
