//! Streaming decimation to the analysis rate (about 12.5 Hz), with gap fill.
//!
//! Breathing lives below 1 Hz (60 breaths/min) with harmonics up to about
//! 3 Hz, so the engine works at about 12.5 Hz whatever the device rate: each
//! output slot is the mean of `factor` input samples (a boxcar, which also
//! averages white noise down by `sqrt(factor)`). Lost samples (a jump in the
//! sample index) become slots marked as gap, filled by a straight line from
//! the last slot to the next sample; gaps longer than `max_fill_s` reset the
//! analysis instead.

/// Target analysis rate, Hz.
pub const TARGET_RATE_HZ: f64 = 12.5;

/// One decimated slot, in calibrated units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Slot {
    /// Slot number (`index / factor`).
    pub n: u64,
    pub chest: f64,
    pub belly: f64,
    /// Fraction of the slot's input samples that were clipped, per band.
    pub clipped: [f32; 2],
    /// No input sample fell in this slot: the values are interpolated.
    pub gap: bool,
}

impl Slot {
    /// Band `k`: 0 chest, 1 belly.
    pub fn band(&self, k: usize) -> f64 {
        if k == 0 {
            self.chest
        } else {
            self.belly
        }
    }
}

/// What the decimator hands on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decimated {
    Slot(Slot),
    /// A gap too long to fill: history before it no longer connects.
    Reset {
        lost_slots: u64,
    },
}

/// Boxcar decimator keyed by the sample index.
#[derive(Debug, Clone)]
pub struct Decimator {
    factor: u64,
    max_fill_slots: u64,
    cur: Option<u64>,
    sum: [f64; 2],
    count: u32,
    clip: [u32; 2],
    last: Option<Slot>,
    last_index: Option<u64>,
}

impl Decimator {
    /// A decimator for input at `sample_rate_hz`.
    pub fn new(sample_rate_hz: f64, max_fill_s: f64) -> Self {
        let factor = (sample_rate_hz / TARGET_RATE_HZ).round().max(1.0) as u64;
        let out_rate = sample_rate_hz / factor as f64;
        Self {
            factor,
            max_fill_slots: (max_fill_s * out_rate).round().max(1.0) as u64,
            cur: None,
            sum: [0.0; 2],
            count: 0,
            clip: [0; 2],
            last: None,
            last_index: None,
        }
    }

    /// Input samples per slot.
    pub fn factor(&self) -> u64 {
        self.factor
    }

    /// Takes one input sample (calibrated values; `clipped` per band).
    /// Samples whose index does not advance are ignored.
    pub fn push(
        &mut self,
        index: u64,
        chest: f64,
        belly: f64,
        clipped: [bool; 2],
        out: &mut impl FnMut(Decimated),
    ) {
        if self.last_index.is_some_and(|l| index <= l) || !chest.is_finite() || !belly.is_finite() {
            return;
        }
        self.last_index = Some(index);
        let slot = index / self.factor;
        if let Some(cur) = self.cur {
            if slot != cur {
                let done = self.finish(cur);
                out(Decimated::Slot(done));
                let missing = slot - cur - 1;
                if missing > self.max_fill_slots {
                    out(Decimated::Reset {
                        lost_slots: missing,
                    });
                    self.last = None;
                } else {
                    for k in 1..=missing {
                        let a = k as f64 / (missing + 1) as f64;
                        out(Decimated::Slot(Slot {
                            n: cur + k,
                            chest: done.chest + a * (chest - done.chest),
                            belly: done.belly + a * (belly - done.belly),
                            clipped: [0.0; 2],
                            gap: true,
                        }));
                    }
                }
            }
        }
        self.cur = Some(slot);
        self.sum[0] += chest;
        self.sum[1] += belly;
        self.count += 1;
        for (c, &x) in self.clip.iter_mut().zip(&clipped) {
            *c += x as u32;
        }
    }

    fn finish(&mut self, n: u64) -> Slot {
        let c = self.count.max(1) as f64;
        let s = Slot {
            n,
            chest: self.sum[0] / c,
            belly: self.sum[1] / c,
            clipped: [
                self.clip[0] as f32 / c as f32,
                self.clip[1] as f32 / c as f32,
            ],
            gap: false,
        };
        self.sum = [0.0; 2];
        self.count = 0;
        self.clip = [0; 2];
        self.last = Some(s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(d: &mut Decimator, idx: impl Iterator<Item = u64>) -> Vec<Decimated> {
        let mut v = Vec::new();
        for i in idx {
            d.push(i, i as f64, -(i as f64), [false, i % 2 == 0], &mut |x| {
                v.push(x)
            });
        }
        v
    }

    #[test]
    fn averages_factor_samples_per_slot() {
        let mut d = Decimator::new(1000.0, 2.0);
        assert_eq!(d.factor(), 80);
        let v = run(&mut d, 0..161);
        assert_eq!(v.len(), 2);
        let Decimated::Slot(s) = v[1] else { panic!() };
        assert_eq!(s.n, 1);
        assert!((s.chest - 119.5).abs() < 1e-9 && (s.belly + 119.5).abs() < 1e-9);
        assert!((s.clipped[1] - 0.5).abs() < 1e-6 && s.clipped[0] == 0.0);
    }

    #[test]
    fn short_gaps_are_filled_and_marked_long_gaps_reset() {
        let mut d = Decimator::new(25.0, 1.0); // factor 2, fill up to 12 slots
        let v = run(&mut d, (0..10).chain(20..24));
        let slots: Vec<_> = v
            .iter()
            .map(|x| match x {
                Decimated::Slot(s) => (s.n, s.gap),
                Decimated::Reset { .. } => (u64::MAX, true),
            })
            .collect();
        assert_eq!(
            &slots[..5],
            &[(0, false), (1, false), (2, false), (3, false), (4, false)]
        );
        assert!(slots[5..10].iter().all(|&(_, g)| g), "{slots:?}");
        assert_eq!(slots[10], (10, false));
        let mut d = Decimator::new(25.0, 1.0);
        let v = run(&mut d, (0..10).chain(1000..1004));
        assert!(v.iter().any(|x| matches!(x, Decimated::Reset { .. })));
    }

    #[test]
    fn repeated_or_backward_index_is_ignored() {
        let mut d = Decimator::new(25.0, 1.0);
        let v = run(&mut d, [0, 1, 1, 0, 2, 3, 4].into_iter());
        assert_eq!(v.len(), 2);
    }
}
