//! Short-term signal checks of the engine: movement after removing a line,
//! and a noise floor measured over the same few seconds; and the median the
//! summaries use.

/// Range of `y` (length `n`) after removing its least-squares line.
pub fn residual_range(y: impl Iterator<Item = f64> + Clone, n: usize) -> f64 {
    let m = n as f64;
    let tm = (m - 1.0) / 2.0;
    let ym = y.clone().sum::<f64>() / m;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, v) in y.clone().enumerate() {
        sxy += (i as f64 - tm) * (v - ym);
        sxx += (i as f64 - tm).powi(2);
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let (lo, hi) = y
        .enumerate()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (i, v)| {
            let r = v - ym - slope * (i as f64 - tm);
            (a.min(r), b.max(r))
        });
    hi - lo
}

/// Median of `v` (mean of the middle two when even), `None` when empty.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    })
}

/// Smallest and largest of `y` ((inf, -inf) when empty).
pub fn min_max(y: impl Iterator<Item = f64>) -> (f64, f64) {
    y.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// White-noise SD of `y` from the RMS of its second differences (a sinusoid
/// well below the sample rate adds little): the floor a band without
/// breathing still shows.
pub fn rms_noise_sd(y: impl Iterator<Item = f64>) -> f64 {
    let (mut a, mut b, mut sum, mut n) = (None::<f64>, None::<f64>, 0.0, 0usize);
    for v in y {
        if let (Some(x0), Some(x1)) = (a, b) {
            let d = x0 - 2.0 * x1 + v;
            sum += d * d;
            n += 1;
        }
        a = b;
        b = Some(v);
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64 / 6.0).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn noise_floor_of_white_noise_and_range_without_the_line() {
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let n = Normal::new(0.0, 2.0).unwrap();
        let y: Vec<f64> = (0..4000)
            .map(|i| 0.5 * i as f64 + n.sample(&mut r))
            .collect();
        let sd = rms_noise_sd(y.iter().copied());
        assert!((sd - 2.0).abs() < 0.1, "{sd}");
        let line: Vec<f64> = (0..50).map(|i| 3.0 * i as f64 - 7.0).collect();
        assert!(residual_range(line.iter().copied(), 50) < 1e-9);
        let tri: Vec<f64> = (0..50).map(|i| if i == 25 { 1.0 } else { 0.0 }).collect();
        assert!((residual_range(tri.iter().copied(), 50) - 1.0).abs() < 0.05);
    }
}
