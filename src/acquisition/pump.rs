//! Turns source blocks into session samples and pushes them into the ring.

use super::continuity::Continuity;
use super::reader::{AcqEvent, OverflowPolicy};
use super::sample::{flags, Sample};
use super::Counters;
use crate::device::{BlockSink, DeviceInfo};
use breathband_protocol::SampleFlags;
use ringbuf::traits::Producer;
use ringbuf::HeapProd;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The reader thread's [`BlockSink`]: places blocks on the session index,
/// flags clipping, counts, and pushes samples into the ring.
pub struct Pump {
    pub prod: HeapProd<Sample>,
    pub events: SyncSender<AcqEvent>,
    pub counters: Arc<Counters>,
    pub stop: Arc<AtomicBool>,
    pub policy: OverflowPolicy,
    pub continuity: Option<Continuity>,
    pub info: Option<DeviceInfo>,
    full_scale: [Option<i32>; 2],
    clock: Instant,
    scratch: Vec<Sample>,
}

impl Pump {
    /// A pump into `prod`, reporting to `events` and `counters`.
    pub fn new(
        prod: HeapProd<Sample>,
        events: SyncSender<AcqEvent>,
        counters: Arc<Counters>,
        stop: Arc<AtomicBool>,
        policy: OverflowPolicy,
    ) -> Self {
        Self {
            prod,
            events,
            counters,
            stop,
            policy,
            continuity: None,
            info: None,
            full_scale: [None; 2],
            clock: Instant::now(),
            scratch: Vec::with_capacity(256),
        }
    }

    /// Sends an event (dropped if the consumer's queue is full).
    pub fn event(&self, e: AcqEvent) {
        // Events are rare; if the consumer stopped listening, nothing is lost
        // that the counters and session metadata do not also hold.
        let _ = self.events.try_send(e);
    }

    /// Pushes the scratch block; returns how many samples went into the ring.
    fn push_all(&mut self) -> usize {
        let mut done = self.prod.push_slice(&self.scratch);
        while done < self.scratch.len() {
            match self.policy {
                OverflowPolicy::DropNewest => {
                    let lost = (self.scratch.len() - done) as u64;
                    Counters::add(&self.counters.ring_overflow, lost);
                    break;
                }
                OverflowPolicy::Wait => {
                    if self.stop.load(Relaxed) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                    done += self.prod.push_slice(&self.scratch[done..]);
                }
            }
        }
        done
    }
}

impl BlockSink for Pump {
    fn info(&mut self, info: DeviceInfo) {
        match &self.info {
            None => {
                let trust_index = info.kind == "replay";
                self.continuity =
                    Some(Continuity::new(info.sample_rate_hz).with_trusted_index(trust_index));
            }
            Some(old) if old.sample_rate_hz != info.sample_rate_hz => {
                self.event(AcqEvent::Warning(format!(
                    "device changed its sample rate from {} to {} Hz mid-session; \
                     times after this point are wrong: start a new session",
                    old.sample_rate_hz, info.sample_rate_hz
                )));
            }
            Some(_) => {}
        }
        self.full_scale = [0, 1].map(|k| info.channels[k].full_scale.map(|f| f as i32));
        self.info = Some(info.clone());
        self.event(AcqEvent::Connected(Box::new(info)));
    }

    fn block(&mut self, device_first: Option<u32>, block_flags: u8, pairs: &[[i32; 2]]) {
        let Some(cont) = self.continuity.as_mut() else {
            return;
        };
        let n = pairs.len() as u32;
        let host_s = self.clock.elapsed().as_secs_f64();
        let p = match device_first {
            Some(i) => cont.place(i, n, host_s),
            None => cont.place_unindexed(n, host_s),
        };
        if p.lost > 0 {
            Counters::add(&self.counters.samples_lost, p.lost);
            self.event(AcqEvent::Gap {
                at_index: p.first,
                lost: p.lost,
                estimated: p.first_flags & flags::INDEX_ESTIMATED != 0,
            });
        }
        let device_bits = block_flags
            & (flags::DEVICE_OVERRUN | flags::CHEST_DISCONNECTED | flags::BELLY_DISCONNECTED);
        let clip_bits = [SampleFlags::CHEST_CLIPPED, SampleFlags::BELLY_CLIPPED];
        let fs = self.full_scale;
        self.scratch.clear();
        self.scratch.extend(pairs.iter().enumerate().map(|(k, pr)| {
            let mut f = device_bits;
            for ch in 0..2 {
                let clipped = match fs[ch] {
                    Some(full) => pr[ch] <= 0 || pr[ch] >= full,
                    None => block_flags & clip_bits[ch] != 0,
                };
                if clipped {
                    f |= clip_bits[ch];
                }
            }
            if k == 0 {
                f |= p.first_flags;
            }
            Sample {
                index: p.first + k as u64,
                chest: pr[0],
                belly: pr[1],
                flags: f,
            }
        }));
        // Only samples that reached the ring count as received; the rest are
        // already in `ring_overflow`.
        let pushed = self.push_all();
        Counters::add(&self.counters.samples, pushed as u64);
    }
}
