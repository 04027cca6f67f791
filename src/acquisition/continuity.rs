//! Maps device sample indices (u32, wrapping, restarting at 0 when the board
//! resets) onto one continuous session index, and says how many samples a gap
//! lost. Pure: host time is passed in, so it is tested without a device.

use crate::sample::flags;

/// Where a block of samples lands in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Session index of the block's first sample.
    pub first: u64,
    /// Samples missing right before the block (0 = contiguous).
    pub lost: u64,
    /// Flags for the block's first sample (gap, reconnect, estimated index).
    pub first_flags: u8,
}

/// Tracks one session's continuity across blocks and reconnects.
#[derive(Debug, Clone)]
pub struct Continuity {
    rate_hz: f64,
    /// Session index the next contiguous sample gets.
    next_session: u64,
    /// Device index expected next, once a block has been seen on this link.
    expected_device: Option<u32>,
    /// Host time (s) when the last block arrived.
    last_host_s: Option<f64>,
    reconnected: bool,
    /// Indices come from a file, not a device that may restart: any forward
    /// jump is a gap, whatever the host clock says.
    trust_index: bool,
}

impl Continuity {
    pub fn new(rate_hz: f64) -> Self {
        Self {
            rate_hz,
            next_session: 0,
            expected_device: None,
            last_host_s: None,
            reconnected: false,
            trust_index: false,
        }
    }

    /// Trusts forward index jumps without checking them against host time
    /// (replayed files, whose clock is not the host's).
    pub fn with_trusted_index(mut self, trust: bool) -> Self {
        self.trust_index = trust;
        self
    }

    /// Session index the next contiguous sample would get.
    pub fn next_index(&self) -> u64 {
        self.next_session
    }

    /// True when a block starting at device index `device_first` breaks
    /// the index sequence of this link (a gap, a reset, or a stray frame):
    /// the caller waits for the next block before placing it.
    pub fn breaks_sequence(&self, device_first: u32) -> bool {
        !self.trust_index
            && !self.reconnected
            && self.expected_device.is_some_and(|e| e != device_first)
    }

    /// True when a block starting at `device_first` continues the sequence.
    pub fn continues(&self, device_first: u32) -> bool {
        self.expected_device == Some(device_first)
    }

    /// The link was lost and re-established; the next block decides whether
    /// the device kept counting (gap known exactly) or restarted (gap estimated).
    pub fn reconnected(&mut self) {
        self.reconnected = true;
    }

    /// Samples the host clock says passed between the last block and a block
    /// of `n` samples arriving at `host_s`.
    fn host_gap(&self, n: u32, host_s: f64) -> u64 {
        match self.last_host_s {
            Some(t) => ((host_s - t) * self.rate_hz - n as f64).round().max(0.0) as u64,
            None => 0,
        }
    }

    /// Places a block of `n` samples whose first device index is `device_first`.
    pub fn place(&mut self, device_first: u32, n: u32, host_s: f64) -> Placement {
        let p = match self.expected_device {
            None if self.next_session == 0 && !self.reconnected => Placement {
                first: 0,
                lost: 0,
                first_flags: 0,
            },
            None => self.estimated(n, host_s),
            Some(expected) => {
                let delta = device_first.wrapping_sub(expected) as i32;
                let host_gap = self.host_gap(n, host_s);
                // A forward jump no larger than the host clock allows (plus
                // slack for buffering) means the device kept counting.
                let slack = (self.rate_hz * 2.0) as u64 + host_gap / 2;
                if delta >= 0 && (self.trust_index || (delta as u64) <= host_gap + slack) {
                    let lost = delta as u64;
                    let mut f = if lost > 0 { flags::GAP_BEFORE } else { 0 };
                    if self.reconnected {
                        f |= flags::RECONNECTED;
                    }
                    Placement {
                        first: self.next_session + lost,
                        lost,
                        first_flags: f,
                    }
                } else {
                    // Index went backwards or jumped implausibly: the board restarted.
                    self.estimated(n, host_s)
                }
            }
        };
        self.reconnected = false;
        self.expected_device = Some(device_first.wrapping_add(n));
        self.last_host_s = Some(host_s);
        self.next_session = p.first + n as u64;
        p
    }

    /// Places a block with no device index (text mode): contiguous on one link,
    /// estimated from the host clock across a reconnect.
    pub fn place_unindexed(&mut self, n: u32, host_s: f64) -> Placement {
        let p = if self.reconnected {
            self.estimated(n, host_s)
        } else {
            Placement {
                first: self.next_session,
                lost: 0,
                first_flags: 0,
            }
        };
        self.reconnected = false;
        self.expected_device = None;
        self.last_host_s = Some(host_s);
        self.next_session = p.first + n as u64;
        p
    }

    fn estimated(&self, n: u32, host_s: f64) -> Placement {
        let lost = self.host_gap(n, host_s);
        Placement {
            first: self.next_session + lost,
            lost,
            first_flags: flags::GAP_BEFORE | flags::RECONNECTED | flags::INDEX_ESTIMATED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_blocks_get_contiguous_session_indices_from_zero() {
        let mut c = Continuity::new(100.0);
        let a = c.place(5000, 10, 0.0);
        let b = c.place(5010, 10, 0.1);
        assert_eq!((a.first, a.lost, b.first, b.lost), (0, 0, 10, 0));
        assert_eq!(b.first_flags, 0);
    }

    #[test]
    fn forward_jump_counts_exact_loss() {
        let mut c = Continuity::new(100.0);
        c.place(0, 10, 0.0);
        let p = c.place(25, 10, 0.35);
        assert_eq!((p.first, p.lost), (25, 15));
        assert_eq!(p.first_flags, flags::GAP_BEFORE);
    }

    #[test]
    fn device_index_wraps_without_a_gap() {
        let mut c = Continuity::new(1000.0);
        c.place(u32::MAX - 4, 5, 0.0);
        let p = c.place(0, 5, 0.005);
        assert_eq!((p.first, p.lost), (5, 0));
    }

    #[test]
    fn reconnect_to_a_device_that_kept_counting_uses_its_index() {
        let mut c = Continuity::new(100.0);
        c.place(0, 100, 1.0);
        c.reconnected();
        // 3 s of silence: device index moved on by 300 + this block.
        let p = c.place(400, 10, 4.1);
        assert_eq!((p.first, p.lost), (400, 300));
        assert_eq!(p.first_flags, flags::GAP_BEFORE | flags::RECONNECTED);
    }

    #[test]
    fn reconnect_to_a_reset_device_estimates_the_gap_from_host_time() {
        let mut c = Continuity::new(100.0);
        c.place(1000, 100, 10.0);
        c.reconnected();
        // Board restarted: index back near zero, 5 s later.
        let p = c.place(20, 10, 15.0);
        assert_eq!(p.lost, 490);
        assert_eq!(p.first, 100 + 490);
        assert!(p.first_flags & flags::INDEX_ESTIMATED != 0);
        // Then contiguous again on the new link.
        let q = c.place(30, 10, 15.1);
        assert_eq!((q.first, q.lost), (p.first + 10, 0));
    }

    #[test]
    fn index_going_backwards_without_reconnect_is_treated_as_a_reset() {
        let mut c = Continuity::new(100.0);
        c.place(1000, 10, 0.0);
        let p = c.place(0, 10, 0.2);
        assert_eq!(p.first, 10 + 10);
        assert!(p.first_flags & flags::INDEX_ESTIMATED != 0);
    }

    #[test]
    fn text_mode_is_contiguous_and_estimates_across_reconnects() {
        let mut c = Continuity::new(50.0);
        assert_eq!(c.place_unindexed(1, 0.0).first, 0);
        assert_eq!(c.place_unindexed(1, 0.02).first, 1);
        c.reconnected();
        let p = c.place_unindexed(1, 2.02);
        assert_eq!(p.lost, 99);
        assert_eq!(p.first, 2 + 99);
    }
}
