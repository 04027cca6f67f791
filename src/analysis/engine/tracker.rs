//! Turning points of one timing signal, paired into breaths.

use super::*;

/// Turning points of one timing signal, paired into breaths.
#[derive(Debug, Clone, Default)]
pub(super) struct Tracker {
    det: TurnDetector,
    trough: Option<u64>,
    crest: Option<u64>,
}

impl Tracker {
    pub(super) fn reset(&mut self) {
        self.det.reset();
        self.trough = None;
        self.crest = None;
    }

    pub(super) fn set_delta(&mut self, d: f64, tol: f64) {
        self.det.set_delta(d, tol);
    }

    /// Returns (inhale start, exhale start, end) when a breath completes.
    pub(super) fn push(&mut self, n: u64, v: f64) -> Option<(u64, u64, u64)> {
        match self.det.push(n, v)? {
            Turn::Trough(t) => {
                let done = match (self.trough, self.crest) {
                    (Some(a), Some(c)) => Some((a, c, t)),
                    _ => None,
                };
                self.trough = Some(t);
                self.crest = None;
                done
            }
            Turn::Crest(c) => {
                if self.trough.is_some() {
                    self.crest = Some(c);
                }
                None
            }
        }
    }
}
