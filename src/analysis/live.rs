//! The analysis thread: runs the [`Engine`] on samples handed over through a
//! lock-free ring and sends its output back through a bounded channel.

use super::engine::{Engine, Output};
use super::{AnalysisConfig, Gains};
use crate::acquisition::Sample;
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
        let engine = Engine::new(cfg, sample_rate_hz, gains);
        let (st, dr) = (stop.clone(), dropped.clone());
        let thread = std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || run(engine, cons, tx, st, dr))
            .ok();
        Self {
            input,
            output,
            dropped,
            stop,
            thread,
        }
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
) {
    let mut buf = vec![Sample::default(); 4096];
    loop {
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
