//! The analysis thread: runs the [`Engine`] on samples handed over through a
//! lock-free ring and sends its output back through a bounded channel.

use super::engine::{Engine, Output};
use super::{AnalysisConfig, Gains};
use crate::sample::Sample;
use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Handle of a running analysis thread.
pub struct LiveAnalysis {
    /// Feed samples here (from the thread that drains acquisition).
    pub input: HeapProd<Sample>,
    /// Engine output, in order.
    pub output: Receiver<Output>,
    /// Outputs dropped because nobody drained `output` in time.
    pub dropped: Arc<AtomicU64>,
    /// Baseline tidal excursion for the over-breathing check (f64 bits;
    /// NaN = none): see [`Self::set_baseline`].
    baseline: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LiveAnalysis {
    /// Starts the thread. `capacity` samples can wait in the input ring.
    pub fn spawn(cfg: AnalysisConfig, sample_rate_hz: f64, gains: &Gains, capacity: usize) -> Self {
        let (input, cons) = HeapRb::<Sample>::new(capacity.max(1)).split();
        let (tx, output) = sync_channel(4096);
        let stop = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicU64::new(0));
        let baseline = Arc::new(AtomicU64::new(f64::NAN.to_bits()));
        let engine = Engine::new(cfg, sample_rate_hz, gains);
        let (st, dr, bl) = (stop.clone(), dropped.clone(), baseline.clone());
        let thread = std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || run(engine, cons, tx, st, dr, bl))
            .ok();
        Self {
            input,
            output,
            dropped,
            baseline,
            stop,
            thread,
        }
    }

    /// Sets the person's baseline tidal excursion (chest + belly, calibrated
    /// units) for the over-breathing check; the engine takes it within 10 ms.
    pub fn set_baseline(&self, tidal: Option<f64>) {
        self.baseline
            .store(tidal.unwrap_or(f64::NAN).to_bits(), Relaxed);
    }

    /// True while the thread runs (it takes input).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Processes what is still in the input ring, then ends the thread.
    /// Outputs stay in `output` for the caller to drain.
    pub fn finish(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for LiveAnalysis {
    fn drop(&mut self) {
        self.finish();
    }
}

fn run(
    mut engine: Engine,
    mut cons: HeapCons<Sample>,
    tx: std::sync::mpsc::SyncSender<Output>,
    stop: Arc<AtomicBool>,
    dropped: Arc<AtomicU64>,
    baseline: Arc<AtomicU64>,
) {
    let mut buf = vec![Sample::default(); 4096];
    let mut applied = f64::NAN.to_bits();
    loop {
        let b = baseline.load(Relaxed);
        if b != applied {
            applied = b;
            let v = f64::from_bits(b);
            engine.set_baseline((!v.is_nan()).then_some(v));
        }
        // Read the flag before draining so that nothing pushed before
        // `finish` is left behind.
        let stopping = stop.load(Relaxed);
        let n = cons.pop_slice(&mut buf);
        for s in &buf[..n] {
            engine.push(s.index, s.chest as f64, s.belly as f64, s.flags, &mut |o| {
                if tx.try_send(o).is_err() {
                    dropped.fetch_add(1, Relaxed);
                }
            });
        }
        if n == 0 {
            if stopping {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{EventKind, Output};
    use crate::device::schedule::Schedule;
    use crate::device::virtual_sensor::{VirtualParams, VirtualSensor};
    use ringbuf::traits::Producer;

    #[test]
    fn a_baseline_set_from_outside_reaches_the_engine() {
        let mut a =
            LiveAnalysis::spawn(AnalysisConfig::default(), 50.0, &Gains::default(), 50 * 120);
        // Breathing of depth 600 against a baseline of 100: far too deep.
        a.set_baseline(Some(100.0));
        std::thread::sleep(Duration::from_millis(50));
        let mut v = VirtualSensor::new(50.0, VirtualParams::default(), Schedule::default(), 3);
        let samples: Vec<Sample> = (0..50 * 80)
            .map(|i| {
                let s = v.next_sample();
                Sample {
                    index: i,
                    chest: s.chest as i32,
                    belly: s.belly as i32,
                    flags: 0,
                }
            })
            .collect();
        assert_eq!(a.input.push_slice(&samples), samples.len());
        a.finish();
        let deep = a
            .output
            .try_iter()
            .any(|o| matches!(o, Output::Event(e) if e.kind == EventKind::OverBreathingDeep));
        assert!(
            deep,
            "no over-breathing (deep) event with a baseline 6x smaller"
        );
    }
}
