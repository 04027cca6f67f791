//! Virtual sensor options shared by `simulate` and `record --virtual`.

use crate::device::schedule::Schedule;
use crate::device::virtual_sensor::VirtualParams;
use crate::device::virtual_source::VirtualConfig;

#[derive(Debug, Clone, clap::Args)]
pub struct VirtualArgs {
    /// Sample rate of the virtual sensor (Hz).
    #[arg(long, default_value_t = 100.0, value_name = "HZ")]
    pub rate_hz: f64,
    /// Breaths per minute.
    #[arg(long, default_value_t = 12.0, value_name = "BPM")]
    pub breath_rate: f64,
    /// Belly share of the excursion, 0..1 (0.7 = belly breathing).
    #[arg(long, default_value_t = 0.7, value_name = "S")]
    pub share: f64,
    /// Degrees the belly leads the chest (180 = paradoxical).
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "DEG",
        allow_hyphen_values = true
    )]
    pub phase: f64,
    /// Noise, as a fraction of the breath depth.
    #[arg(long, default_value_t = 0.005)]
    pub noise: f64,
    /// Baseline drift, as a fraction of the breath depth.
    #[arg(long, default_value_t = 0.15)]
    pub drift: f64,
    /// Changes over time, e.g. "60:share=0.3;120:phase=180;180:hold=15".
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<Schedule>,
    /// Random seed (same seed, same signal).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl VirtualArgs {
    pub fn config(&self) -> anyhow::Result<VirtualConfig> {
        if !(self.rate_hz.is_finite() && (10.0..=10_000.0).contains(&self.rate_hz)) {
            anyhow::bail!("--rate-hz {} is out of range (10 to 10000)", self.rate_hz);
        }
        if !(0.0..=1.0).contains(&self.share) {
            anyhow::bail!("--share {} must be between 0 and 1", self.share);
        }
        if !(1.0..=90.0).contains(&self.breath_rate) {
            anyhow::bail!(
                "--breath-rate {} must be 1 to 90 per minute",
                self.breath_rate
            );
        }
        Ok(VirtualConfig {
            sample_rate_hz: self.rate_hz,
            params: VirtualParams {
                rate_bpm: self.breath_rate,
                belly_share: self.share,
                phase_deg: self.phase,
                noise: self.noise.max(0.0),
                drift: self.drift.max(0.0),
                ..Default::default()
            },
            schedule: self.schedule.clone().unwrap_or_default(),
            seed: self.seed,
        })
    }
}
