//! Helpers for the pacer and audio tests: render cues through the real
//! binary, read WAV files back, and measure the signal (level, pitch,
//! chime onsets, steepest step).

use breathband::audio::{CueStyle, SynthSettings};
use breathband::pacer::{Pattern, Phase};
use std::path::Path;
use std::process::Command as Process;

pub const SR: u32 = 44_100;

/// Runs `breathband pacer ARGS --wav FILE` and reads channel 0 back.
pub fn render_with_binary(args: &[&str]) -> (hound::WavSpec, Vec<f32>) {
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
pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<f32>) {
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

pub fn settings(pattern: &str, cue: CueStyle, volume: f32) -> SynthSettings {
    SynthSettings {
        pattern: Pattern::parse(pattern).unwrap(),
        cue,
        volume,
        muted: false,
    }
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Frequency of `x` from its rising zero crossings (linearly interpolated).
pub fn zero_crossing_hz(x: &[f32], sr: f64) -> Option<f64> {
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
pub fn onsets(x: &[f32], sr: f64, threshold: f32) -> Vec<usize> {
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
pub fn chime_times(p: &Pattern, until_s: f64) -> Vec<f64> {
    p.phase_starts(0.0, until_s)
        .filter(|(t, ph)| matches!(ph, Phase::Inhale | Phase::Exhale) && *t < until_s)
        .map(|x| x.0)
        .collect()
}

pub fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}
