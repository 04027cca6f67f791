//! The acquisition thread and its handle.

use super::events::{AcqEvent, OverflowPolicy};
use super::pump::Pump;
use crate::device::Counters;
use crate::device::{Source, SourceError};
use crate::sample::Sample;
use ringbuf::traits::Split;
use ringbuf::{HeapCons, HeapRb};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Settings of the acquisition thread.
#[derive(Debug, Clone)]
pub struct AcqConfig {
    /// Ring capacity in samples.
    pub ring_capacity: usize,
    pub overflow: OverflowPolicy,
    /// Pause between reconnect attempts.
    pub retry_every: Duration,
}

impl Default for AcqConfig {
    fn default() -> Self {
        Self {
            ring_capacity: 1 << 16, // 65 s at 1 kHz
            overflow: OverflowPolicy::DropNewest,
            retry_every: Duration::from_millis(500),
        }
    }
}

/// A running acquisition: samples arrive in `samples`, events in `events`.
pub struct Acquisition {
    pub samples: HeapCons<Sample>,
    pub events: Receiver<AcqEvent>,
    pub counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Acquisition {
    /// Starts the reader thread on `source`.
    pub fn start(source: Box<dyn Source>, cfg: AcqConfig) -> Self {
        let (prod, cons) = HeapRb::<Sample>::new(cfg.ring_capacity).split();
        let (tx, rx) = sync_channel(256);
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let pump = Pump::new(prod, tx, counters.clone(), stop.clone(), cfg.overflow);
        let retry = cfg.retry_every;
        let thread = std::thread::Builder::new()
            .name("breathband-reader".into())
            .spawn(move || run(source, pump, retry))
            .ok();
        let acq = Self {
            samples: cons,
            events: rx,
            counters,
            stop,
            thread,
        };
        if acq.thread.is_none() {
            tracing::error!("could not start the reader thread");
        }
        acq
    }

    /// A flag that stops the reader when set.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Stops the reader thread and waits for it.
    pub fn stop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// True while the reader thread runs.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for Acquisition {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(mut source: Box<dyn Source>, mut pump: Pump, retry: Duration) {
    let stop = pump.stop.clone();
    let counters = pump.counters.clone();
    'outer: while !stop.load(Relaxed) {
        let polled = source.poll(&mut pump, &counters);
        if polled.is_err() {
            pump.release_held();
        }
        pump.flush_events();
        match polled {
            Ok(()) => {}
            Err(SourceError::LinkLost(why)) => {
                tracing::warn!("{why}; reconnecting");
                pump.event(AcqEvent::LinkLost(why));
                loop {
                    if stop.load(Relaxed) {
                        break 'outer;
                    }
                    std::thread::sleep(retry);
                    match source.reconnect(&counters) {
                        Ok(()) => {
                            Counters::add(&counters.reconnects, 1);
                            if let Some(c) = pump.continuity.as_mut() {
                                c.reconnected();
                            }
                            pump.event(AcqEvent::Reconnected);
                            break;
                        }
                        Err(SourceError::LinkLost(_)) => continue,
                        Err(e) => {
                            pump.event(AcqEvent::Failed(e.to_string()));
                            break 'outer;
                        }
                    }
                }
            }
            Err(SourceError::Ended) => {
                pump.event(AcqEvent::Finished);
                break;
            }
            Err(SourceError::Fatal(e)) => {
                pump.event(AcqEvent::Failed(e));
                break;
            }
        }
    }
    pump.release_held();
    source.stop();
    // The last events (Finished, Failed) must reach the consumer too.
    pump.drain_events();
}
