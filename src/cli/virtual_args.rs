//! Virtual sensor options shared by `simulate`, `record --virtual` and `gui`,
//! and the range-checked number parsers every command uses.

use crate::device::schedule::Schedule;
use crate::device::virtual_sensor::VirtualParams;
use crate::device::virtual_source::VirtualConfig;

/// Sample rate of the virtual sensor when `--rate-hz` is not given.
pub const DEFAULT_RATE_HZ: f64 = 100.0;

/// A clap value parser: a finite number in `min..=max` (NaN, infinities
/// and anything outside are a usage error, exit code 2).
pub fn f64_in(
    min: f64,
    max: f64,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |s| {
        let v: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("'{s}' is not a number"))?;
        if v.is_finite() && (min..=max).contains(&v) {
            Ok(v)
        } else {
            Err(format!("{s} is out of range: use {min} to {max}"))
        }
    }
}

/// A clap value parser: a finite number above 0, at most `max`.
pub fn f64_positive(
    max: f64,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    let inner = f64_in(0.0, max);
    move |s| match inner(s)? {
        v if v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s} is out of range: use more than 0, at most {max}"
        )),
    }
}

/// Longest time any option accepts, s (about 115 days).
pub const MAX_SECONDS: f64 = 1e7;

#[derive(Debug, Clone, clap::Args)]
pub struct VirtualArgs {
    /// Sample rate in Hz: of the virtual sensor (default 100), or with
    /// `record --port`, the rate to set on the board (50 to 1000).
    #[arg(long, value_name = "HZ", value_parser = f64_in(10.0, 10_000.0))]
    pub rate_hz: Option<f64>,
    /// Breaths per minute.
    #[arg(long, default_value_t = 12.0, value_name = "BPM", value_parser = f64_in(1.0, 90.0))]
    pub breath_rate: f64,
    /// Belly share of the excursion, 0..1 (0.7 = belly breathing).
    #[arg(long, default_value_t = 0.7, value_name = "S", value_parser = f64_in(0.0, 1.0))]
    pub share: f64,
    /// Degrees the belly leads the chest (180 = paradoxical).
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "DEG",
        allow_hyphen_values = true,
        value_parser = f64_in(-3600.0, 3600.0)
    )]
    pub phase: f64,
    /// Noise, as a fraction of the breath depth.
    #[arg(long, default_value_t = 0.005, value_parser = f64_in(0.0, 10.0))]
    pub noise: f64,
    /// Baseline drift, as a fraction of the breath depth.
    #[arg(long, default_value_t = 0.15, value_parser = f64_in(0.0, 10.0))]
    pub drift: f64,
    /// Changes over time, e.g. "60:share=0.3;120:phase=180;180:hold=15".
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<Schedule>,
    /// Follow a pacer pattern instead of --breath-rate, as a person
    /// following the pacer would: 6, 5.5, 4-7-8, box, lengthen, IN-OUT...
    #[arg(long, value_name = "PATTERN")]
    pub pattern: Option<crate::pacer::Pattern>,
    /// Random seed (same seed, same signal).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl VirtualArgs {
    /// The virtual sensor these options describe.
    pub fn config(&self) -> anyhow::Result<VirtualConfig> {
        Ok(VirtualConfig {
            sample_rate_hz: self.rate_hz.unwrap_or(DEFAULT_RATE_HZ),
            params: VirtualParams {
                rate_bpm: self.breath_rate,
                belly_share: self.share,
                phase_deg: self.phase,
                noise: self.noise,
                drift: self.drift,
                pattern: self.pattern,
                ..Default::default()
            },
            schedule: self.schedule.clone().unwrap_or_default(),
            seed: self.seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_reject_nan_infinity_and_out_of_range() {
        let p = f64_in(0.0, 10.0);
        assert_eq!(p("2.5"), Ok(2.5));
        assert_eq!(p("0"), Ok(0.0));
        for bad in ["nan", "inf", "-inf", "1e20", "-1", "x", ""] {
            assert!(p(bad).is_err(), "{bad}");
        }
        let q = f64_positive(5.0);
        assert!(q("0").is_err() && q("-0").is_err() && q("5.1").is_err());
        assert_eq!(q("0.1"), Ok(0.1));
    }
}
