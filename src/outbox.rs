//! A sender for a bounded channel that never blocks and never loses a
//! message while the receiver keeps reading: what the channel has no room
//! for waits in a backlog and goes first at the next send or flush.
//!
//! A leaf: used by the reader thread (acquisition events) and the live
//! pipeline (messages to the UI); imports nothing of the crate.

use std::collections::VecDeque;
use std::sync::mpsc::{SyncSender, TrySendError};

/// A bounded channel's sender with a backlog of at most `cap` messages.
/// Past that (a receiver stalled for long), the oldest message that
/// `expendable` allows is dropped (the oldest of all if none), and counted.
#[derive(Debug)]
pub struct Outbox<T> {
    tx: SyncSender<T>,
    backlog: VecDeque<T>,
    cap: usize,
    expendable: fn(&T) -> bool,
    dropped: u64,
}

impl<T> Outbox<T> {
    /// An outbox into `tx` keeping up to `cap` messages back.
    pub fn new(tx: SyncSender<T>, cap: usize, expendable: fn(&T) -> bool) -> Self {
        Self {
            tx,
            backlog: VecDeque::new(),
            cap: cap.max(1),
            expendable,
            dropped: 0,
        }
    }

    /// Queues `m` after everything still waiting, then sends what fits.
    pub fn send(&mut self, m: T) {
        if self.backlog.len() >= self.cap {
            let i = self
                .backlog
                .iter()
                .position(|x| (self.expendable)(x))
                .unwrap_or(0);
            self.backlog.remove(i);
            self.dropped += 1;
            tracing::warn!("message queue full for long: an old message was dropped");
        }
        self.backlog.push_back(m);
        self.flush();
    }

    /// Sends what waits, as far as the channel has room. True when nothing
    /// is left (or the receiver is gone: nobody to tell).
    pub fn flush(&mut self) -> bool {
        while let Some(m) = self.backlog.pop_front() {
            match self.tx.try_send(m) {
                Ok(()) => {}
                Err(TrySendError::Full(m)) => {
                    self.backlog.push_front(m);
                    return false;
                }
                Err(TrySendError::Disconnected(_)) => {
                    self.backlog.clear();
                    return true;
                }
            }
        }
        true
    }

    /// Messages waiting for room in the channel.
    pub fn waiting(&self) -> usize {
        self.backlog.len()
    }

    /// Messages dropped because the backlog was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::sync_channel;

    #[test]
    fn a_full_channel_delays_messages_in_order_and_loses_none() {
        let (tx, rx) = sync_channel(2);
        let mut o = Outbox::new(tx, 100, |_: &u32| true);
        for i in 0..10 {
            o.send(i);
        }
        assert_eq!(o.waiting(), 8);
        let mut got = Vec::new();
        while got.len() < 10 {
            got.extend(rx.try_iter());
            o.flush();
        }
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert!(o.flush());
        assert_eq!(o.dropped(), 0);
    }

    #[test]
    fn past_the_cap_the_oldest_expendable_message_goes() {
        let (tx, rx) = sync_channel(1);
        // Odd numbers matter; even ones may go.
        let mut o = Outbox::new(tx, 3, |m: &u32| m.is_multiple_of(2));
        for m in [1, 2, 3, 4, 5, 7] {
            o.send(m);
        }
        // 1 went through; 2 and then 4 were dropped to make room.
        assert_eq!(o.dropped(), 2);
        let mut got = vec![rx.recv().unwrap()];
        while !o.flush() || got.len() < 4 {
            got.extend(rx.try_iter());
        }
        assert_eq!(got, vec![1, 3, 5, 7]);
    }

    #[test]
    fn a_gone_receiver_empties_the_backlog() {
        let (tx, rx) = sync_channel(1);
        let mut o = Outbox::new(tx, 10, |_: &u8| false);
        o.send(1);
        o.send(2);
        drop(rx);
        assert!(o.flush());
        assert_eq!(o.waiting(), 0);
    }
}
