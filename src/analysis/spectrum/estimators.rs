//! Small estimators behind the window spectrum: Welch coherence at one
//! frequency, peak picking, quadratic detrend, white-noise SD, angle wrap.

use rustfft::num_complex::Complex;

/// Magnitude-squared coherence of the two series at `f` cycles per sample,
/// Welch style: the cross- and auto-spectra at `f` are averaged over
/// overlapping (50 %) Hann-windowed sub-segments of an eighth of the window
/// but at least one period (whose first Hann null falls on the second
/// harmonic), each with its mean removed. One zero-padded window holds
/// only 2-4 independent bins near the peak, so its coherence is near 1 for
/// any narrowband pair; averaged over 11-15 segments (30 s window, 12 to
/// 60 breaths/min; 4 at 5/min), two independent noises give about 0.1 and
/// a coherent pair stays near 1.
pub(super) fn welch_coherence(x: &[(f64, f64)], f: f64, kernel: &mut Vec<Complex<f64>>) -> f64 {
    let n = x.len();
    if n < 16 || f.is_nan() || f <= 0.0 {
        return 0.0;
    }
    let len = ((n / 8) as f64).max(1.0 / f).min(n as f64) as usize;
    let hop = (len / 2).max(1);
    // Every segment has the same Hann window and DFT phases (each starts
    // at phase 0): one kernel for all, and its sum to take out the
    // segment's mean afterwards (sum k (x - m) = sum k x - m sum k).
    kernel.clear();
    let step = Complex::from_polar(1.0, -2.0 * std::f64::consts::PI * f);
    let hann_step = Complex::from_polar(1.0, 2.0 * std::f64::consts::PI / (len - 1).max(1) as f64);
    let (mut rot, mut hann) = (Complex::new(1.0, 0.0), Complex::new(1.0, 0.0));
    for _ in 0..len {
        kernel.push(rot * (0.5 - 0.5 * hann.re));
        rot *= step;
        hann *= hann_step;
    }
    let ksum: Complex<f64> = kernel.iter().sum();
    let (mut sxy, mut sxx, mut syy) = (Complex::new(0.0, 0.0), 0.0, 0.0);
    let mut start = 0;
    while start + len <= n {
        let (mut xc, mut xb) = (Complex::new(0.0, 0.0), Complex::new(0.0, 0.0));
        let (mut mc, mut mb) = (0.0, 0.0);
        for (k, &(c, b)) in kernel.iter().zip(&x[start..start + len]) {
            xc += k * c;
            xb += k * b;
            mc += c;
            mb += b;
        }
        xc -= ksum * (mc / len as f64);
        xb -= ksum * (mb / len as f64);
        sxy += xb * xc.conj();
        sxx += xc.norm_sqr();
        syy += xb.norm_sqr();
        start += hop;
    }
    if sxx > 0.0 && syy > 0.0 {
        (sxy.norm_sqr() / (sxx * syy)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Highest local maximum of `v` in `lo..=hi` (1 <= lo, hi < len - 1).
pub(super) fn argmax_peak(v: &[f64], lo: usize, hi: usize) -> Option<usize> {
    if lo == 0 || lo > hi || hi + 1 >= v.len() {
        return None;
    }
    (lo..=hi)
        .filter(|&k| v[k] >= v[k - 1] && v[k] >= v[k + 1] && v[k] > 0.0)
        .max_by(|&a, &b| v[a].total_cmp(&v[b]))
}

/// Wraps an angle to (-180, 180] degrees.
pub fn wrap_deg(a: f64) -> f64 {
    let r = (a + 180.0).rem_euclid(360.0) - 180.0;
    if r == -180.0 {
        180.0
    } else {
        r
    }
}

/// Least-squares quadratics `a + b x + c x^2` over `x` in [-1, 1] of two
/// series of one length (one pass for both).
pub(super) fn quad_trends(c: &[f64], b: &[f64]) -> [[f64; 3]; 2] {
    let n = c.len().min(b.len());
    let (mut s0, mut s2, mut s4) = (0.0, 0.0, 0.0);
    let mut sums = [[0.0f64; 3]; 2];
    for (i, (&u, &v)) in c.iter().zip(b).enumerate() {
        let x = 2.0 * i as f64 / (n - 1).max(1) as f64 - 1.0;
        let x2 = x * x;
        s0 += 1.0;
        s2 += x2;
        s4 += x2 * x2;
        for (s, y) in sums.iter_mut().zip([u, v]) {
            s[0] += y;
            s[1] += x * y;
            s[2] += x2 * y;
        }
    }
    sums.map(|[sy, sxy, sx2y]| {
        let b = if s2 > 0.0 { sxy / s2 } else { 0.0 };
        let det = s0 * s4 - s2 * s2;
        if det.abs() < 1e-12 {
            return [sy / s0.max(1.0), b, 0.0];
        }
        let a = (sy * s4 - s2 * sx2y) / det;
        let c = (s0 * sx2y - s2 * sy) / det;
        [a, b, c]
    })
}

/// Robust white-noise SD from second differences (MAD), using `tmp` as scratch.
pub fn noise_sd(y: &[f64], tmp: &mut Vec<u64>) -> f64 {
    if y.len() < 5 {
        return 0.0;
    }
    // Magnitudes are never negative, so their bit patterns sort as the
    // values do: the median by integer selection (no float comparisons).
    tmp.clear();
    tmp.extend(
        y.windows(3)
            .map(|w| (w[0] - 2.0 * w[1] + w[2]).abs().to_bits()),
    );
    let mid = tmp.len() / 2;
    let (_, m, _) = tmp.select_nth_unstable(mid);
    1.4826 * f64::from_bits(*m) / 6f64.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_is_half_open() {
        assert_eq!(wrap_deg(-180.0), 180.0);
        assert_eq!(wrap_deg(190.0), -170.0);
        assert_eq!(wrap_deg(360.0), 0.0);
    }
}
