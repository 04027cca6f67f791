//! Spectral estimates of one window of both bands: rate, amplitudes, phase,
//! coherence, and what the quality score needs.
//!
//! Each band is detrended (least-squares quadratic: posture drift and band
//! slip), Hann-windowed and zero-padded to `nfft` points; both real signals go
//! through one complex FFT (chest as the real part, belly as the imaginary
//! part) and are separated by symmetry. The rate is the peak of the summed
//! power spectrum in the search range, refined by a parabola through the log
//! power of the three bins around it, so slow breathing is not quantised by
//! the window. The phase of belly relative to chest is the angle of the
//! cross-spectrum summed over the fundamental's band (positive = belly
//! leads), with the frequency-smoothed magnitude-squared coherence.

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

mod estimators;

use estimators::{argmax_peak, quad_trends, welch_coherence};
pub use estimators::{noise_sd, wrap_deg};

/// What one window's spectrum says.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpectralEstimate {
    /// Breathing frequency, Hz (`None` when no peak lies in the search range).
    pub f0_hz: Option<f64>,
    /// Peak-to-peak excursion of a sinusoid with the power of the band's
    /// breathing fundamental, calibrated units, per band (chest, belly).
    pub amp: [f64; 2],
    /// Phase of belly relative to chest at `f0`, degrees in (-180, 180].
    pub phase_deg: f64,
    /// Magnitude-squared coherence at `f0`, 0..1.
    pub coherence: f64,
    /// Share of the breathing-range power in the fundamental's band, 0..1.
    pub prominence: f64,
    /// Power above the breathing band relative to the breathing power.
    pub hf_ratio: f64,
    /// Standard deviation of the white noise of each band (from second
    /// differences), calibrated units.
    pub noise_sd: [f64; 2],
}

/// Reusable FFT plans and buffers: no allocation per window.
pub struct Spectrum {
    rate_hz: f64,
    /// FFT length of the window being analysed.
    nfft: usize,
    /// Plans by length (powers of two up to the longest window's).
    plans: Vec<Arc<dyn Fft<f64>>>,
    buf: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    /// Power spectra (chest, belly, sum) and cross-spectrum of the window
    /// being analysed: `ps` over bins 0..=nfft/2; `pc`, `pb` and `cross`
    /// only up to the fastest rate's band (`kfull` in `analyse_near`).
    pc: Vec<f64>,
    pb: Vec<f64>,
    ps: Vec<f64>,
    cross: Vec<Complex<f64>>,
    tmp: Vec<u64>,
    /// The detrended window (chest, belly), for the Welch coherence.
    det: Vec<(f64, f64)>,
    /// The Welch segments' Hann-weighted DFT kernel at the rate.
    kernel: Vec<Complex<f64>>,
}

impl std::fmt::Debug for Spectrum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spectrum")
            .field("max_nfft", &self.buf.len())
            .finish()
    }
}

impl Spectrum {
    /// Buffers for windows of up to `max_len` samples at `rate_hz`.
    pub fn new(rate_hz: f64, max_len: usize) -> Self {
        let top = fft_len(max_len);
        let mut planner = FftPlanner::new();
        let plans: Vec<Arc<dyn Fft<f64>>> = (0..)
            .map(|k| MIN_NFFT << k)
            .take_while(|&n| n <= top)
            .map(|n| planner.plan_fft_forward(n))
            .collect();
        let scratch_len = plans
            .iter()
            .map(|p| p.get_inplace_scratch_len())
            .max()
            .unwrap_or(0);
        let half = top / 2 + 1;
        Self {
            rate_hz,
            nfft: top,
            scratch: vec![Complex::default(); scratch_len],
            plans,
            buf: vec![Complex::default(); top],
            pc: vec![0.0; half],
            pb: vec![0.0; half],
            ps: vec![0.0; half],
            cross: vec![Complex::default(); half],
            tmp: Vec::with_capacity(max_len),
            det: Vec::with_capacity(max_len),
            kernel: Vec::with_capacity(max_len),
        }
    }

    /// Frequency of bin `k`, Hz.
    fn freq(&self, k: f64) -> f64 {
        k * self.rate_hz / self.nfft as f64
    }
    fn bin(&self, f: f64) -> f64 {
        f * self.nfft as f64 / self.rate_hz
    }

    /// Analyses one window (`chest.len() == belly.len()`, at most `max_len`),
    /// searching breathing between `min_bpm` and `max_bpm`.
    pub fn analyse(
        &mut self,
        chest: &[f64],
        belly: &[f64],
        min_bpm: f64,
        max_bpm: f64,
    ) -> SpectralEstimate {
        self.analyse_near(chest, belly, min_bpm, max_bpm, None)
    }

    /// As [`Self::analyse`], with the rate the breaths themselves show
    /// (`hint_bpm`): the breathing peak is then the spectral peak that
    /// agrees with it (within 25 %), so a harmonic of a breath with long
    /// holds, a sub-harmonic of alternating breaths, or slow drift is not
    /// taken for the rate.
    pub fn analyse_near(
        &mut self,
        chest: &[f64],
        belly: &[f64],
        min_bpm: f64,
        max_bpm: f64,
        hint_bpm: Option<f64>,
    ) -> SpectralEstimate {
        let n = chest.len().min(belly.len()).min(self.buf.len());
        let mut est = SpectralEstimate {
            noise_sd: [
                noise_sd(&chest[..n], &mut self.tmp),
                noise_sd(&belly[..n], &mut self.tmp),
            ],
            ..Default::default()
        };
        if n < 8 {
            return est;
        }
        let [tc, tb] = quad_trends(&chest[..n], &belly[..n]);
        self.nfft = fft_len(n).min(self.buf.len());
        let plan = self.plans[(self.nfft / MIN_NFFT).trailing_zeros() as usize].clone();
        let mut wsum2 = 0.0;
        self.det.clear();
        // The Hann window by rotation (no cosine per sample).
        let step = Complex::from_polar(1.0, 2.0 * std::f64::consts::PI / (n - 1) as f64);
        let mut rot = Complex::new(1.0, 0.0);
        for i in 0..n {
            let w = 0.5 - 0.5 * rot.re;
            rot *= step;
            wsum2 += w * w;
            let x = 2.0 * i as f64 / (n - 1) as f64 - 1.0;
            let c = chest[i] - (tc[0] + tc[1] * x + tc[2] * x * x);
            let b = belly[i] - (tb[0] + tb[1] * x + tb[2] * x * x);
            self.buf[i] = Complex::new(c * w, b * w);
            self.det.push((c, b));
        }
        let nf = self.nfft;
        self.buf[n..nf].fill(Complex::default());
        plan.process_with_scratch(&mut self.buf[..nf], &mut self.scratch);
        // Separate the two real spectra (X[k] = (Z[k] + conj Z[N-k]) / 2,
        // Y[k] = (Z[k] - conj Z[N-k]) / 2i). Amplitudes and phase are read at
        // the fundamental only, so the per-band spectra and the cross-spectrum
        // are kept up to a little above the fastest rate's band; beyond it the
        // summed power alone, (|Z[k]|^2 + |Z[N-k]|^2) / 2.
        let nyq = nf / 2;
        let f_top = 1.3 * TOP_MARGIN * max_bpm / 60.0 + 2.0 * self.rate_hz / n as f64;
        let kfull = ((self.bin(f_top).ceil() as usize) + 2).min(nyq);
        let (head, tail) = self.buf[..nf].split_at(1);
        let z0 = head[0];
        self.pc[0] = z0.re * z0.re;
        self.pb[0] = z0.im * z0.im;
        self.ps[0] = self.pc[0] + self.pb[0];
        self.cross[0] = Complex::new(z0.re * z0.im, 0.0);
        // tail[k - 1] = Z[k], tail[nf - 1 - k] = Z[nf - k] for 1 <= k < nf.
        for k in 1..=kfull {
            let z = tail[k - 1];
            let zc = tail[nf - 1 - k].conj();
            let c = (z + zc) * 0.5;
            let b = (z - zc) * Complex::new(0.0, -0.5);
            let (p_c, p_b) = (c.norm_sqr(), b.norm_sqr());
            self.pc[k] = p_c;
            self.pb[k] = p_b;
            self.ps[k] = p_c + p_b;
            self.cross[k] = b * c.conj();
        }
        for k in kfull + 1..=nyq {
            self.ps[k] = 0.5 * (tail[k - 1].norm_sqr() + tail[nf - 1 - k].norm_sqr());
        }

        // Rate: the summed spectrum's highest peak in the search range,
        // from a little below the slowest rate to a little above the fastest,
        // so a peak right at either end is a local maximum (breathing at
        // 60/min, whose rate spreads a few percent each way, is read there
        // and not at a lesser peak below).
        let lo = (self.bin(0.85 * min_bpm / 60.0).ceil() as usize).max(1);
        let hi = (self.bin(TOP_MARGIN * max_bpm / 60.0).floor() as usize).min(nyq - 1);
        // Only a true local maximum counts: power still rising towards the
        // edge of the range (slow drift, motion) is not breathing.
        let Some(mut k) = argmax_peak(&self.ps[..=nyq], lo, hi) else {
            return est;
        };
        let hinted = hint_bpm.and_then(|h| {
            let c = self.bin(h / 60.0);
            let a = ((c * 0.75).floor() as usize).max(lo);
            let b = ((c * 1.25).ceil() as usize).min(hi);
            argmax_peak(&self.ps[..=nyq], a, b).filter(|&j| self.ps[j] >= 0.05 * self.ps[k])
        });
        if let Some(j) = hinted {
            k = j;
        } else if (k as f64 / 2.0) >= lo as f64 {
            // A breath shape with a long pause has strong harmonics: prefer
            // a clear peak at half the frequency when there is one.
            let half = k as f64 / 2.0;
            let a = (half * 0.9).floor() as usize;
            let b = ((half * 1.1).ceil() as usize).min(k - 1);
            if let Some(k2) = argmax_peak(&self.ps, a.max(lo), b) {
                if self.ps[k2] >= 0.35 * self.ps[k] {
                    k = k2;
                }
            }
        }
        if self.ps[k] <= 0.0 {
            return est;
        }
        let (l1, l2, l3) = (
            self.ps[k - 1].max(1e-300).ln(),
            self.ps[k].ln(),
            self.ps[k + 1].max(1e-300).ln(),
        );
        let den = l1 - 2.0 * l2 + l3;
        let delta = if den < 0.0 {
            (0.5 * (l1 - l3) / den).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        let f0 = self.freq(k as f64 + delta);
        // The search starts a little below the slowest rate; a peak that
        // stays below it is not breathing the engine claims to read.
        if f0 * 60.0 < 0.95 * min_bpm {
            return est;
        }
        est.f0_hz = Some(f0);

        // Bands around the fundamental and its harmonics.
        let top = self.rate_hz / 2.0 * 0.95;
        // The fundamental's band: +-30 %, and at least the Hann main lobe
        // (+-2 bins of the unpadded window) so slow breathing keeps its power.
        let hw = (0.3 * f0).max(2.0 * self.rate_hz / n as f64);
        let fund = self.range(f0 - hw, f0 + hw);
        debug_assert!(
            fund.1 <= kfull,
            "band spectra end at {kfull}, fundamental at {fund:?}"
        );
        let breath = self.range(0.6 * f0, (3.5 * f0).min(top));
        let all = self.range(
            (0.5 * min_bpm / 60.0).min(0.6 * f0),
            2.5f64.max(3.5 * f0).min(top),
        );
        let high = self.range((3.5 * f0).max(2.0).min(top), top);
        let sum = |v: &[f64], r: (usize, usize)| v[r.0..=r.1].iter().sum::<f64>();
        // Parseval with the Hann window: one-sided power to RMS^2.
        let norm = 2.0 / (nf as f64 * wsum2);
        for (band, p) in [(0, &self.pc), (1, &self.pb)] {
            let rms = (sum(p, fund) * norm).sqrt();
            est.amp[band] = 2.0 * std::f64::consts::SQRT_2 * rms;
        }
        let s: Complex<f64> = self.cross[fund.0..=fund.1].iter().sum();
        est.phase_deg = wrap_deg(s.arg().to_degrees());
        est.coherence = welch_coherence(&self.det, f0 / self.rate_hz, &mut self.kernel);
        let p_all = sum(&self.ps, all);
        est.prominence = if p_all > 0.0 {
            sum(&self.ps, fund) / p_all
        } else {
            0.0
        };
        let p_breath = sum(&self.ps, breath);
        est.hf_ratio = if p_breath > 0.0 && high.1 > high.0 {
            sum(&self.ps, high) / p_breath
        } else {
            0.0
        };
        est
    }

    /// Inclusive bin range for `[f_lo, f_hi]` Hz, within 1..nfft/2.
    fn range(&self, f_lo: f64, f_hi: f64) -> (usize, usize) {
        let nyq = self.nfft / 2;
        let a = (self.bin(f_lo).round() as usize).clamp(1, nyq);
        let b = (self.bin(f_hi).round() as usize).clamp(a, nyq);
        (a, b)
    }
}

/// The rate search reaches this factor above the fastest rate.
const TOP_MARGIN: f64 = 1.15;

/// Shortest FFT.
const MIN_NFFT: usize = 512;

/// FFT length for a window of `n` samples: zero-padded at least 2x (the
/// parabola through the log power of the Hann main lobe then places the
/// peak within a few hundredths of a bin).
fn fft_len(n: usize) -> usize {
    (n * 2).next_power_of_two().max(MIN_NFFT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn sines(fs: f64, n: usize, f: f64, ac: f64, ab: f64, phase_deg: f64) -> (Vec<f64>, Vec<f64>) {
        let c = (0..n)
            .map(|i| ac / 2.0 * (2.0 * PI * f * i as f64 / fs).sin() + 3.0 + 0.01 * i as f64)
            .collect();
        let b = (0..n)
            .map(|i| ab / 2.0 * (2.0 * PI * f * i as f64 / fs + phase_deg.to_radians()).sin() - 1.0)
            .collect();
        (c, b)
    }

    #[test]
    fn slow_sinusoid_rate_amp_phase() {
        let fs = 12.5;
        let n = 375;
        let mut s = Spectrum::new(fs, n);
        for (bpm, ph) in [(5.5, 30.0), (6.0, -45.0), (12.0, 180.0), (40.0, 0.0)] {
            let (c, b) = sines(fs, n, bpm / 60.0, 2.0, 6.0, ph);
            let e = s.analyse(&c, &b, 4.0, 60.0);
            let got = e.f0_hz.unwrap() * 60.0;
            assert!((got - bpm).abs() < 0.1, "{bpm}: {got}");
            assert!((e.amp[0] - 2.0).abs() < 0.1, "{bpm}: {:?}", e.amp);
            assert!((e.amp[1] - 6.0).abs() < 0.3, "{bpm}: {:?}", e.amp);
            assert!(
                (wrap_deg(e.phase_deg - ph)).abs() < 2.0,
                "{bpm}: {}",
                e.phase_deg
            );
            assert!(e.coherence > 0.95 && e.prominence > 0.6, "{e:?}");
        }
    }

    #[test]
    fn noise_alone_is_not_coherent_and_has_no_prominent_peak() {
        use rand::{Rng, SeedableRng};
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let c: Vec<f64> = (0..375).map(|_| r.random::<f64>() - 0.5).collect();
        let b: Vec<f64> = (0..375).map(|_| r.random::<f64>() - 0.5).collect();
        let e = Spectrum::new(12.5, 375).analyse(&c, &b, 4.0, 60.0);
        assert!(e.f0_hz.is_some(), "a peak to measure coherence at: {e:?}");
        assert!(e.coherence < 0.5, "{e:?}");
        assert!(e.prominence < 0.3, "{e:?}");
        assert!(e.hf_ratio > 0.5, "{e:?}");
        let sd = e.noise_sd[0];
        assert!((sd - (1.0f64 / 12.0).sqrt()).abs() < 0.05, "{sd}");
    }

    #[test]
    fn coherence_tells_independent_noise_from_a_coherent_pair() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        let (fs, n) = (12.5, 375);
        let mut s = Spectrum::new(fs, n);
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let z = Normal::new(0.0, 1.0).unwrap();
        let (mut noise, mut found) = (Vec::new(), 0);
        for _ in 0..40 {
            let c: Vec<f64> = (0..n).map(|_| z.sample(&mut r)).collect();
            let b: Vec<f64> = (0..n).map(|_| z.sample(&mut r)).collect();
            let e = s.analyse(&c, &b, 4.0, 60.0);
            found += e.f0_hz.is_some() as usize;
            noise.push(e.coherence);
        }
        assert!(found >= 35, "{found}");
        let mean = noise.iter().sum::<f64>() / noise.len() as f64;
        let high = noise.iter().filter(|&&c| c >= 0.5).count();
        assert!(mean < 0.35 && high <= 4, "noise coherence {noise:.2?}");
        // Breathing seen by both bands (other gain, phase, own noise, drift).
        for (bpm, ph, sd) in [(5.0, 20.0, 0.1), (12.0, 180.0, 0.2), (30.0, -60.0, 0.2)] {
            let (mut c, mut b) = sines(fs, n, bpm / 60.0, 2.0, 5.0, ph);
            c.iter_mut().for_each(|v| *v += sd * z.sample(&mut r));
            b.iter_mut().for_each(|v| *v += sd * z.sample(&mut r));
            let e = s.analyse(&c, &b, 4.0, 60.0);
            assert!(e.coherence > 0.9, "{bpm}/min: {e:?}");
        }
    }
}
