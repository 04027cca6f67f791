//! Opening the default cpal output and the real-time callback. Runs on the
//! audio thread only; the callback itself drains a lock-free queue and runs
//! the synth, with no allocation, lock or log.

use super::command::Command;
use super::status::Shared;
use super::synth::Synth;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Commands waiting for the callback.
const QUEUE: usize = 256;
/// How long the backend may take to set up a stream.
const OPEN_TIMEOUT: Duration = Duration::from_secs(3);

/// Stream errors kept until the audio thread looks (more are dropped: the
/// first fatal one is what matters).
const ERRORS: usize = 16;

/// Why no output stream could be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    #[error("no default audio output on {0}")]
    NoDevice(&'static str),
    #[error("default audio output unusable: {0}")]
    Config(#[from] cpal::Error),
    #[error("audio output wants {0} samples, which breathband cannot make")]
    Format(SampleFormat),
    #[error("cannot open the audio output: {0}")]
    Build(cpal::Error),
    #[error("cannot start the audio output: {0}")]
    Play(cpal::Error),
    /// No device by design (running silent, tests).
    #[error("{0}")]
    Unavailable(String),
}

/// An open output stream and its ends of the queues.
pub(crate) struct Live {
    /// The stream; dropping it closes the device.
    pub _stream: Box<dyn std::any::Any>,
    /// Commands to the callback.
    pub commands: HeapProd<Command>,
    /// Stream errors reported by the backend.
    pub errors: mpsc::Receiver<cpal::Error>,
    pub sample_rate: u32,
}

/// Whether a stream error means the device is gone (the stream is rebuilt
/// or reported lost) or is a passing glitch.
pub(crate) fn is_fatal(kind: cpal::ErrorKind) -> bool {
    use cpal::ErrorKind as K;
    !matches!(
        kind,
        K::Xrun | K::DeviceChanged | K::RealtimeDenied | K::DeviceBusy
    )
}

/// Opens the default output device and starts a stream playing `synth`,
/// built for the device's sample rate by `make_synth`.
pub(crate) fn open(
    shared: &Arc<Shared>,
    make_synth: impl FnOnce(u32) -> Synth,
) -> Result<Live, OpenError> {
    let host = cpal::default_host();
    let device = host
        .default_output_device()
        .ok_or_else(|| OpenError::NoDevice(host.id().name()))?;
    let supported = device.default_output_config()?;
    let config = supported.config();
    let synth = make_synth(config.sample_rate);
    let (commands, cons) = HeapRb::<Command>::new(QUEUE).split();
    let (tx, errors) = mpsc::sync_channel(ERRORS);
    let waker = std::thread::current();
    let on_error = move |e: cpal::Error| {
        let _ = tx.try_send(e);
        waker.unpark();
    };
    let s = Arc::clone(shared);
    macro_rules! build {
        ($t:ty) => {
            build::<$t>(&device, config, synth, cons, s, on_error)
        };
    }
    let stream = match supported.sample_format() {
        SampleFormat::F32 => build!(f32),
        SampleFormat::F64 => build!(f64),
        SampleFormat::I8 => build!(i8),
        SampleFormat::I16 => build!(i16),
        SampleFormat::I24 => build!(cpal::I24),
        SampleFormat::I32 => build!(i32),
        SampleFormat::I64 => build!(i64),
        SampleFormat::U8 => build!(u8),
        SampleFormat::U16 => build!(u16),
        SampleFormat::U24 => build!(cpal::U24),
        SampleFormat::U32 => build!(u32),
        SampleFormat::U64 => build!(u64),
        other => return Err(OpenError::Format(other)),
    }
    .map_err(OpenError::Build)?;
    stream.play().map_err(OpenError::Play)?;
    tracing::info!(
        "audio output: {} at {} Hz, {} channels, {}",
        device,
        config.sample_rate,
        config.channels,
        supported.sample_format()
    );
    Ok(Live {
        _stream: Box::new(stream),
        commands,
        errors,
        sample_rate: config.sample_rate,
    })
}

fn build<T>(
    device: &cpal::Device,
    config: StreamConfig,
    mut synth: Synth,
    mut cons: HeapCons<Command>,
    shared: Arc<Shared>,
    on_error: impl FnMut(cpal::Error) + Send + 'static,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    shared.frames.store(0, Ordering::Relaxed);
    let callback = move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
        while let Some(cmd) = cons.try_pop() {
            synth.apply(cmd);
        }
        for frame in data.chunks_mut(channels) {
            let v = T::from_sample(synth.next_sample());
            frame.fill(v);
        }
        shared.frames.store(synth.clock(), Ordering::Relaxed);
        let t = synth.pacer_time_s().unwrap_or(f64::NAN);
        shared.pacer_time.store(t.to_bits(), Ordering::Relaxed);
    };
    device.build_output_stream(config, callback, on_error, Some(OPEN_TIMEOUT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glitches_are_not_fatal_but_losses_are() {
        use cpal::ErrorKind as K;
        assert!(!is_fatal(K::Xrun));
        assert!(!is_fatal(K::DeviceChanged));
        assert!(is_fatal(K::DeviceNotAvailable));
        assert!(is_fatal(K::StreamInvalidated));
        assert!(is_fatal(K::BackendError));
    }
}
