//! Offline rendering of the cues, to memory or to a mono 16-bit WAV file,
//! with the same synth as the live output.

use super::command::Command;
use super::synth::{Synth, SynthSettings, GAIN_RAMP_S};
use std::path::{Path, PathBuf};

/// Why a WAV file could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {}: {reason}", path.display())]
pub struct WavError {
    pub path: PathBuf,
    pub reason: String,
}

/// The message of an I/O error, without the temporary file's path that
/// `tempfile` adds.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" at path ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Renders `samples` samples: the pacer starts at the first, and the sound
/// fades out over the last few so the end does not click.
pub fn render_into(
    settings: SynthSettings,
    sample_rate: u32,
    samples: u64,
    mut sink: impl FnMut(f32),
) {
    let mut synth = Synth::new(sample_rate, settings);
    synth.apply(Command::Start { at_s: 0.0 });
    let tail = (GAIN_RAMP_S * f64::from(sample_rate)).ceil() as u64 + 2;
    for i in 0..samples {
        if i + tail == samples {
            synth.apply(Command::Stop);
        }
        sink(synth.next_sample());
    }
}

/// Renders `seconds` of cues into memory.
pub fn render(settings: SynthSettings, sample_rate: u32, seconds: f64) -> Vec<f32> {
    let n = sample_count(sample_rate, seconds);
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    render_into(settings, sample_rate, n, |x| out.push(x));
    out
}

/// Samples in `seconds` at `sample_rate` (0 for nonsense).
pub fn sample_count(sample_rate: u32, seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 {
        (seconds * f64::from(sample_rate)).round() as u64
    } else {
        0
    }
}

/// Float sample to 16 bits, rounded and clipped.
pub fn to_i16(x: f32) -> i16 {
    (x.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

/// Renders `seconds` of cues to a mono 16-bit WAV file at `path`. The file
/// appears complete or not at all (written beside it, then renamed).
pub fn write_wav(
    path: &Path,
    settings: SynthSettings,
    sample_rate: u32,
    seconds: f64,
) -> Result<u64, WavError> {
    let io = |e: std::io::Error| WavError {
        path: path.to_path_buf(),
        reason: io_reason(&e),
    };
    let wav = |e: hound::Error| WavError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".breathband-pacer").suffix(".wav.tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like any file the user writes, not private like a temporary file.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let n = sample_count(sample_rate, seconds);
    {
        let file = std::io::BufWriter::new(tmp.as_file_mut());
        let mut w = hound::WavWriter::new(file, spec).map_err(wav)?;
        let mut err = None;
        render_into(settings, sample_rate, n, |x| {
            if err.is_none() {
                err = w.write_sample(to_i16(x)).err();
            }
        });
        if let Some(e) = err {
            return Err(wav(e));
        }
        w.finalize().map_err(wav)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(n)
}
