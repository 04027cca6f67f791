//! Averages samples into display points for the traces.

use super::messages::{DisplayPoint, DISPLAY_HZ};
use crate::analysis::Gains;
use crate::sample::Sample;
use ringbuf::traits::Producer;
use ringbuf::HeapProd;

/// Block means of `every` samples, in calibrated units.
pub(crate) struct Averager {
    every: u64,
    sum: [f64; 2],
    n: u64,
    gains: [f64; 2],
    rate: f64,
}

impl Averager {
    /// Points at about [`DISPLAY_HZ`] from samples at `rate` Hz.
    pub(crate) fn new(rate: f64, gains: &Gains) -> Self {
        Self {
            every: (rate / DISPLAY_HZ).round().max(1.0) as u64,
            sum: [0.0; 2],
            n: 0,
            gains: [gains.chest, gains.belly],
            rate,
        }
    }

    /// Later points in these units.
    pub(crate) fn set_gains(&mut self, gains: &Gains) {
        self.gains = [gains.chest, gains.belly];
    }

    /// Adds a sample; pushes a point when a block is complete.
    pub(crate) fn push(&mut self, s: &Sample, prod: &mut HeapProd<DisplayPoint>) {
        self.sum[0] += s.chest as f64 * self.gains[0];
        self.sum[1] += s.belly as f64 * self.gains[1];
        self.n += 1;
        if self.n < self.every {
            return;
        }
        let p = DisplayPoint {
            t_s: s.index as f64 / self.rate,
            chest: self.sum[0] / self.n as f64,
            belly: self.sum[1] / self.n as f64,
        };
        self.sum = [0.0; 2];
        self.n = 0;
        // A full ring means the UI is not drawing: the points are not needed.
        let _ = prod.try_push(p);
    }
}
