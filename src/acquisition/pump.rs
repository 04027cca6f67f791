//! Turns source blocks into session samples and pushes them into the ring.

use super::continuity::Continuity;
use super::events::{AcqEvent, OverflowPolicy};
use crate::device::Counters;
use crate::device::{BlockSink, DeviceInfo};
use crate::outbox::Outbox;
use crate::sample::{flags, Sample};
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
    /// Events for the consumer, through a backlog when its queue is full.
    pub events: Outbox<AcqEvent>,
    pub counters: Arc<Counters>,
    pub stop: Arc<AtomicBool>,
    pub policy: OverflowPolicy,
    pub continuity: Option<Continuity>,
    pub info: Option<DeviceInfo>,
    full_scale: [Option<i32>; 2],
    clock: Instant,
    scratch: Vec<Sample>,
    /// A block that broke the index sequence, waiting for the next one to
    /// say whether the jump was real.
    held: Option<Held>,
}

/// A block held back until the next one confirms its index.
#[derive(Debug)]
struct Held {
    device_first: u32,
    flags: u8,
    host_s: f64,
    pairs: Vec<[i32; 2]>,
}

/// Events kept while the consumer's queue is full (a gap or link event every
/// few ms for minutes); beyond this the oldest are dropped with a log line.
pub const EVENT_BACKLOG: usize = 1 << 16;

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
            events: Outbox::new(events, EVENT_BACKLOG, |_| true),
            counters,
            stop,
            policy,
            continuity: None,
            info: None,
            full_scale: [None; 2],
            clock: Instant::now(),
            scratch: Vec::with_capacity(256),
            held: None,
        }
    }

    /// Queues an event for the consumer. Never blocks and never loses one
    /// while the consumer keeps reading: what its queue has no room for
    /// waits in a backlog, sent first at the next event, block or poll.
    pub fn event(&mut self, e: AcqEvent) {
        self.events.send(e);
    }

    /// Sends what waits in the backlog, as far as the queue has room. True
    /// when nothing is left (or the consumer is gone: nobody to tell).
    pub fn flush_events(&mut self) -> bool {
        self.events.flush()
    }

    /// At the end: waits (in short sleeps) until the backlog is sent, or
    /// `stop` is set (the consumer then no longer reads).
    pub fn drain_events(&mut self) {
        while !self.flush_events() && !self.stop.load(Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
        }
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
        match self.info.take() {
            None => {
                let trust_index = info.kind == "replay";
                self.continuity =
                    Some(Continuity::new(info.sample_rate_hz).with_trusted_index(trust_index));
            }
            Some(old) => {
                for w in changed_device(&old, &info) {
                    self.event(AcqEvent::Warning(w));
                }
            }
        }
        self.full_scale = [0, 1].map(|k| info.channels[k].full_scale.map(|f| f as i32));
        self.info = Some(info.clone());
        self.event(AcqEvent::Connected(Box::new(info)));
    }

    fn block(&mut self, device_first: Option<u32>, block_flags: u8, pairs: &[[i32; 2]]) {
        if self.events.waiting() > 0 {
            self.flush_events();
        }
        if self.continuity.is_none() {
            return;
        }
        let host_s = self.clock.elapsed().as_secs_f64();
        let Some(i) = device_first else {
            self.place(None, block_flags, pairs, host_s);
            return;
        };
        if let Some(h) = self.held.take() {
            let after_held = h.device_first.wrapping_add(h.pairs.len() as u32);
            if i != after_held && self.continuity.as_ref().is_some_and(|c| c.continues(i)) {
                // The stream goes on where it was: the held frame was stray.
                Counters::add(&self.counters.stray_frames, 1);
                tracing::debug!("stray frame at device index {} dropped", h.device_first);
            } else {
                self.place(Some(h.device_first), h.flags, &h.pairs, h.host_s);
            }
        }
        if self
            .continuity
            .as_ref()
            .is_some_and(|c| c.breaks_sequence(i))
        {
            self.held = Some(Held {
                device_first: i,
                flags: block_flags,
                host_s,
                pairs: pairs.to_vec(),
            });
            return;
        }
        self.place(Some(i), block_flags, pairs, host_s);
    }
}

impl Pump {
    /// Places a held block as it came (its jump unconfirmed): called when
    /// the link is lost or the source ends, so no sample is kept back.
    pub fn release_held(&mut self) {
        if let Some(h) = self.held.take() {
            self.place(Some(h.device_first), h.flags, &h.pairs, h.host_s);
        }
    }

    /// Puts a block on the session index, flags it and pushes it.
    fn place(
        &mut self,
        device_first: Option<u32>,
        block_flags: u8,
        pairs: &[[i32; 2]],
        host_s: f64,
    ) {
        let Some(cont) = self.continuity.as_mut() else {
            return;
        };
        let n = pairs.len() as u32;
        let mut p = match device_first {
            Some(i) => cont.place(i, n, host_s),
            None => cont.place_unindexed(n, host_s),
        };
        // The source itself took the jump's length from the host clock (a
        // BITalino's 4-bit sequence wrapped during a silence).
        if p.lost > 0 && block_flags & flags::INDEX_ESTIMATED != 0 {
            p.first_flags |= flags::INDEX_ESTIMATED;
        }
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

/// Warnings when a device describes itself again differently mid-session:
/// another sample rate, or another board (device id) answering on the port.
pub fn changed_device(old: &DeviceInfo, new: &DeviceInfo) -> Vec<String> {
    let mut out = Vec::new();
    if old.device_id != new.device_id {
        let show = |id: &Option<String>| id.clone().unwrap_or_else(|| "none".into());
        out.push(format!(
            "a different board answered: device id {} instead of {}; \
             the samples after this point come from it",
            show(&new.device_id),
            show(&old.device_id)
        ));
    }
    if old.sample_rate_hz != new.sample_rate_hz {
        out.push(format!(
            "device changed its sample rate from {} to {} Hz mid-session; \
             times after this point are wrong: start a new session",
            old.sample_rate_hz, new.sample_rate_hz
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::ChannelMeta;
    use ringbuf::traits::Split;
    use ringbuf::HeapRb;
    use std::sync::mpsc::{sync_channel, Receiver};

    fn info(id: Option<&str>, rate: f64) -> DeviceInfo {
        DeviceInfo {
            kind: "serial".into(),
            path: Some("/dev/ttyACM0".into()),
            protocol: "breathband-v1".into(),
            firmware_version: None,
            device_id: id.map(Into::into),
            usb_serial_number: None,
            usb_product: None,
            sample_rate_hz: rate,
            rate_estimated: false,
            channels: [ChannelMeta::raw("chest"), ChannelMeta::raw("belly")],
        }
    }

    fn pump(queue: usize) -> (Pump, Receiver<AcqEvent>, ringbuf::HeapCons<Sample>) {
        let (prod, cons) = HeapRb::<Sample>::new(4096).split();
        let (tx, rx) = sync_channel(queue);
        let stop = Arc::new(AtomicBool::new(false));
        let p = Pump::new(
            prod,
            tx,
            Arc::new(Counters::default()),
            stop,
            OverflowPolicy::DropNewest,
        );
        (p, rx, cons)
    }

    fn gaps(rx: &Receiver<AcqEvent>) -> Vec<u64> {
        rx.try_iter()
            .filter_map(|e| match e {
                AcqEvent::Gap { lost, .. } => Some(lost),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn gaps_are_not_lost_when_the_event_queue_is_full() {
        let (mut p, rx, _cons) = pump(2);
        p.info(info(Some("01"), 100.0));
        // Ten gaps of 1..=10 samples while nobody reads the 2-slot queue.
        let mut next = 0u32;
        for k in 1..=10u32 {
            p.block(Some(next), 0, &[[1, 2]]);
            next += 1 + k;
        }
        p.block(Some(next), 0, &[[1, 2]]);
        // The last jump waits for a frame to confirm it; the end releases it.
        p.release_held();
        let mut got = Vec::new();
        for _ in 0..20 {
            got.extend(gaps(&rx));
            p.flush_events();
        }
        assert_eq!(got, (1..=10).collect::<Vec<u64>>());
        assert_eq!(p.counters.samples_lost.load(Relaxed), 55);
    }

    fn indices(cons: &mut ringbuf::HeapCons<Sample>) -> Vec<u64> {
        use ringbuf::traits::Consumer;
        cons.pop_iter().map(|s| s.index).collect()
    }

    #[test]
    fn a_stray_frame_ahead_is_dropped_and_counted_not_taken_for_a_gap() {
        let (mut p, rx, mut cons) = pump(16);
        p.info(info(Some("01"), 100.0));
        let ten = [[1, 2]; 10];
        for k in 0..30 {
            p.block(Some(k * 10), 0, &ten);
        }
        // One frame with a valid CRC 150 samples ahead, then the stream
        // goes on where it was.
        p.block(Some(450), 0, &ten);
        for k in 30..60 {
            p.block(Some(k * 10), 0, &ten);
        }
        assert_eq!(indices(&mut cons), (0..600).collect::<Vec<u64>>());
        assert_eq!(gaps(&rx), Vec::<u64>::new());
        assert_eq!(p.counters.stray_frames.load(Relaxed), 1);
        assert_eq!(p.counters.samples_lost.load(Relaxed), 0);
        // A real jump is confirmed by the frame after it and kept exact.
        p.block(Some(750), 0, &ten);
        assert_eq!(
            indices(&mut cons),
            Vec::<u64>::new(),
            "held until confirmed"
        );
        p.block(Some(760), 0, &ten);
        assert_eq!(indices(&mut cons), (750..770).collect::<Vec<u64>>());
        assert_eq!(gaps(&rx), vec![150]);
        // A board that reset to 0 is confirmed the same way.
        p.block(Some(0), 0, &ten);
        p.block(Some(10), 0, &ten);
        assert_eq!(indices(&mut cons).len(), 20);
        assert_eq!(p.counters.stray_frames.load(Relaxed), 1);
    }

    #[test]
    fn a_jump_the_source_estimated_is_marked_estimated() {
        let (mut p, _rx, mut cons) = pump(16);
        p.info(info(Some("01"), 100.0));
        let one = [[1, 2]; 1];
        for k in 0..20 {
            p.block(Some(k), 0, &one);
        }
        std::thread::sleep(std::time::Duration::from_millis(1100));
        p.block(Some(120), flags::INDEX_ESTIMATED, &one);
        p.block(Some(121), 0, &one);
        use ringbuf::traits::Consumer;
        let got: Vec<_> = cons.pop_iter().collect();
        let after = got
            .iter()
            .find(|s| s.index == 120)
            .expect("the sample after the gap");
        assert_ne!(after.flags & flags::INDEX_ESTIMATED, 0);
        assert_ne!(after.flags & flags::GAP_BEFORE, 0);
        assert_eq!(got.last().unwrap().flags & flags::INDEX_ESTIMATED, 0);
        assert_eq!(p.counters.samples_lost.load(Relaxed), 100);
    }

    #[test]
    fn a_different_board_or_rate_is_a_warning() {
        let (mut p, rx, _cons) = pump(16);
        p.info(info(Some("0102030405060708"), 100.0));
        p.info(info(Some("0102030405060708"), 100.0));
        p.info(info(Some("ffff000000000000"), 200.0));
        let warnings: Vec<String> = rx
            .try_iter()
            .filter_map(|e| match e {
                AcqEvent::Warning(w) => Some(w),
                _ => None,
            })
            .collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("different board") && warnings[0].contains("ffff"));
        assert!(warnings[1].contains("100 to 200 Hz"));
    }
}
