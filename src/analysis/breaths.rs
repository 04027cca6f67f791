//! Breath-by-breath segmentation in the time domain.
//!
//! A breath runs from one inhale start to the next. The inhale start is the
//! trough of the band signal (the end of the expiratory pause, just before
//! the band starts to stretch); the exhale start is the crest at the end of
//! the inhale. Both are found on a lightly smoothed timing signal
//! (chest + belly, or chest - belly when they move against each other) by
//! turning points with hysteresis: a trough is confirmed once the signal has
//! risen `delta` above it, a crest once it has fallen `delta` below it. On a
//! flat pause the turning point is the last slot within `tol` of the
//! extreme, so that the inhale starts where the rise starts.

/// A turning point of the timing signal, by slot number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Inhale start.
    Trough(u64),
    /// Exhale start.
    Crest(u64),
}

const TAPS: [f64; 5] = [1.0 / 9.0, 2.0 / 9.0, 3.0 / 9.0, 2.0 / 9.0, 1.0 / 9.0];
/// Delay of the smoothing filter, slots.
const DELAY: u64 = 2;

/// Streaming turning-point detector.
#[derive(Debug, Clone, Default)]
pub struct TurnDetector {
    hist: [f64; 5],
    filled: usize,
    seeking_crest: bool,
    ext: Option<(f64, u64)>,
    /// Latest slot within tolerance of the extreme.
    cand: u64,
    delta: f64,
    tol: f64,
}

impl TurnDetector {
    /// Sets the hysteresis (0 disables detection) and how close to the
    /// extreme a slot must stay to be the turning point of a flat pause.
    pub fn set_delta(&mut self, delta: f64, tol: f64) {
        let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
        self.delta = clean(delta);
        self.tol = clean(tol);
    }

    /// Forgets all state but the hysteresis (after a gap or a sign change).
    pub fn reset(&mut self) {
        *self = Self {
            delta: self.delta,
            tol: self.tol,
            ..Default::default()
        };
    }

    /// Takes the timing signal at slot `n`; returns a confirmed turning point.
    pub fn push(&mut self, n: u64, v: f64) -> Option<Turn> {
        self.hist.rotate_left(1);
        self.hist[4] = v;
        self.filled = (self.filled + 1).min(5);
        if self.filled < 5 || self.delta <= 0.0 || n < DELAY {
            return None;
        }
        let y: f64 = self.hist.iter().zip(TAPS).map(|(a, b)| a * b).sum();
        let at = n - DELAY;
        let tol = self.tol;
        let Some((ev, _)) = self.ext else {
            self.ext = Some((y, at));
            self.cand = at;
            return None;
        };
        if self.seeking_crest {
            if y > ev {
                self.ext = Some((y, at));
            }
            let ev = self.ext.map_or(y, |e| e.0);
            if y >= ev - tol {
                self.cand = at;
            }
            if y < ev - self.delta {
                let t = Turn::Crest(self.cand);
                self.seeking_crest = false;
                self.ext = Some((y, at));
                self.cand = at;
                return Some(t);
            }
        } else {
            if y < ev {
                self.ext = Some((y, at));
            }
            let ev = self.ext.map_or(y, |e| e.0);
            if y <= ev + tol {
                self.cand = at;
            }
            if y > ev + self.delta {
                let t = Turn::Trough(self.cand);
                self.seeking_crest = true;
                self.ext = Some((y, at));
                self.cand = at;
                return Some(t);
            }
        }
        None
    }
}

/// Per-band excursion of one breath and the phase of belly relative to chest,
/// degrees. After removing the straight line between the breath's first and
/// last value (drift), one DFT bin at the breath's own frequency gives each
/// band's fundamental; the excursion is its peak-to-peak (twice its
/// amplitude), which, unlike the raw peak-to-peak, does not grow with noise
/// and matches the windows' spectral amplitudes.
pub fn breath_shape_stats(chest: &[f64], belly: &[f64]) -> ([f64; 2], f64) {
    let n = chest.len().min(belly.len());
    if n < 3 {
        return ([0.0; 2], 0.0);
    }
    let mut amp = [0.0; 2];
    let mut bins = [rustfft::num_complex::Complex::<f64>::default(); 2];
    // One full cycle over the n-1 steps of the breath, the kernel by
    // rotation (no sine or cosine per sample).
    let step = rustfft::num_complex::Complex::from_polar(
        1.0,
        -2.0 * std::f64::consts::PI / (n - 1) as f64,
    );
    for (k, y) in [chest, belly].into_iter().enumerate() {
        let (y0, y1) = (y[0], y[n - 1]);
        let mut rot = rustfft::num_complex::Complex::new(1.0, 0.0);
        for (i, &v) in y[..n - 1].iter().enumerate() {
            let a = i as f64 / (n - 1) as f64;
            let r = v - (y0 + a * (y1 - y0));
            bins[k] += rot * r;
            rot *= step;
        }
        amp[k] = 4.0 * bins[k].norm() / (n - 1) as f64;
    }
    let phase = (bins[1] * bins[0].conj()).arg().to_degrees();
    (amp, super::spectrum::wrap_deg(phase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::virtual_sensor::breath_shape;

    #[test]
    fn finds_inhale_start_at_end_of_pause_and_crest_at_top() {
        // 12/min at 12.5 Hz: 62.5 slots per breath; inhale starts at cycle 0.
        let mut d = TurnDetector::default();
        d.set_delta(0.3, 0.015);
        let mut turns = Vec::new();
        for n in 0..600u64 {
            let u = n as f64 / 62.5;
            if let Some(t) = d.push(n, breath_shape(u)) {
                turns.push(t);
            }
        }
        let troughs: Vec<u64> = turns
            .iter()
            .filter_map(|t| match t {
                Turn::Trough(n) => Some(*n),
                _ => None,
            })
            .collect();
        let crests: Vec<u64> = turns
            .iter()
            .filter_map(|t| match t {
                Turn::Crest(n) => Some(*n),
                _ => None,
            })
            .collect();
        assert!(troughs.len() >= 8, "{turns:?}");
        // The very start is not a breath boundary the detector can know.
        for &t in troughs.iter().filter(|&&t| t > 10) {
            // Nearest true inhale start (multiple of 62.5), within 2 slots.
            let k = (t as f64 / 62.5).round() * 62.5;
            assert!((t as f64 - k).abs() <= 3.0, "trough at {t}, true {k}");
        }
        for &c in &crests {
            // Crest at cycle 0.4 (end of inhale), within 2 slots.
            let k = ((c as f64 / 62.5 - 0.4).round() + 0.4) * 62.5;
            assert!((c as f64 - k).abs() <= 2.0, "crest at {c}, true {k}");
        }
    }

    #[test]
    fn no_turns_without_hysteresis_or_on_small_ripple() {
        let mut d = TurnDetector::default();
        assert!((0..200).all(|n| d.push(n, (n as f64 * 0.3).sin()).is_none()));
        d.set_delta(5.0, 0.25);
        assert!((0..200).all(|n| d.push(n, (n as f64 * 0.3).sin()).is_none()));
    }

    #[test]
    fn breath_stats_remove_drift_and_measure_phase() {
        let n = 101;
        let c: Vec<f64> = (0..n)
            .map(|i| 2.0 * breath_shape(i as f64 / 100.0) + 0.01 * i as f64)
            .collect();
        let b: Vec<f64> = (0..n)
            .map(|i| 5.0 * breath_shape(i as f64 / 100.0 + 0.5))
            .collect();
        let (amp, ph) = breath_shape_stats(&c, &b);
        // Same shape: the fundamentals keep the 2:5 ratio.
        assert!((amp[1] / amp[0] - 2.5).abs() < 0.02, "{amp:?}");
        let sine: Vec<f64> = (0..n)
            .map(|i| 3.0 * (2.0 * std::f64::consts::PI * i as f64 / 100.0).cos())
            .collect();
        let (amp2, _) = breath_shape_stats(&sine, &sine);
        assert!((amp2[0] - 6.0).abs() < 0.01, "{amp2:?}");
        assert!((ph.abs() - 180.0).abs() < 4.0, "{ph}");
    }
}
