//! The live cpal audio path through an ALSA file device: chimes reach the
//! device on schedule and without clicks, and a missing device is reported
//! without any panic.
//!
//! The live tests run their body in a child process of this test binary,
//! so that ALSA reads a test-only configuration (`XDG_CONFIG_HOME`) before
//! it initialises.

mod common;
use breathband::audio::voices::CHIME_PEAK;
use breathband::audio::{AudioOutput, AudioStatus, Command, CueStyle, SynthSettings};
use breathband::pacer::Pattern;
use common::audio::*;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};

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
