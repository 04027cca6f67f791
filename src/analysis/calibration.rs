//! Band gains: raw counts to comparable ("calibrated") units.
//!
//! Belly share compares the two bands, so both must be in the same units.
//! Three sources of gains, in order of preference:
//!
//! 1. **Side-by-side calibration** (the app's guided step, [`side_by_side`]):
//!    both bands are worn around the belly, one just above the other, for
//!    about 30 s of quiet breathing. Both then see the same stretch, so the
//!    ratio of their excursions is the ratio of their gains. The chest band
//!    keeps its own scale and the belly band is scaled to match, so one
//!    calibrated unit means the same circumference change on both bands.
//!    Why this method: it needs no spirometer and no manoeuvre the person
//!    cannot do yet (isovolume shifts or "chest only" breathing), and it
//!    measures exactly what the share compares: band stretch. Known error:
//!    the two bands never sit on exactly the same circumference, and band
//!    tension differs; expect the gain ratio within about 5-10 %, which moves
//!    a share of 0.5 by about 0.015-0.025. It calibrates stretch, not lung
//!    volume (as RIP's qualitative diagnostic calibration would); for the
//!    trainer, stretch is the quantity the person controls and sees.
//! 2. **Explicit gains** (`--chest-gain`, `--belly-gain`, units per count).
//! 3. **The device's stated scale** when both channels share a unit (from
//!    `Info`), else 1 (raw counts).

use serde::{Deserialize, Serialize};

/// Units per raw count for each band, and where they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gains {
    pub chest: f64,
    pub belly: f64,
    /// `raw`, `device`, `explicit` or `side_by_side`.
    pub method: String,
    /// Unit of calibrated values (`counts` when raw).
    pub unit: String,
}

impl Default for Gains {
    fn default() -> Self {
        Self {
            chest: 1.0,
            belly: 1.0,
            method: "raw".into(),
            unit: "counts".into(),
        }
    }
}

impl Gains {
    /// Gains from a device's stated (scale, unit) of the chest and belly
    /// channels, when both use the same unit; raw counts otherwise.
    pub fn from_scales([(cs, cu), (bs, bu)]: [(f64, &str); 2]) -> Self {
        let usable = |s: f64| s.is_finite() && s > 0.0;
        if cu == bu && usable(cs) && usable(bs) && cu != "raw" {
            Self {
                chest: cs,
                belly: bs,
                method: "device".into(),
                unit: cu.into(),
            }
        } else {
            Self::default()
        }
    }

    /// Explicit gains; either may be left to `base`.
    pub fn explicit(base: Self, chest: Option<f64>, belly: Option<f64>) -> Result<Self, BadGain> {
        if chest.is_none() && belly.is_none() {
            return Ok(base);
        }
        let check = |band: &'static str, g: Option<f64>, d: f64| match g {
            Some(g) if g.is_finite() && g > 0.0 => Ok(g),
            Some(value) => Err(BadGain { band, value }),
            None => Ok(d),
        };
        Ok(Self {
            chest: check("chest", chest, base.chest)?,
            belly: check("belly", belly, base.belly)?,
            method: "explicit".into(),
            unit: if base.method == "raw" {
                "units".into()
            } else {
                base.unit
            },
        })
    }
}

/// An explicit gain that is not a positive number.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("{band} gain {value}: must be a positive number")]
pub struct BadGain {
    pub band: &'static str,
    pub value: f64,
}

/// Result of the side-by-side step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideBySide {
    pub gains: Gains,
    /// Correlation of the two bands during the step (near 1 when both sit on
    /// the belly and move together).
    pub correlation: f64,
    /// Raw excursion ratio belly/chest.
    pub raw_ratio: f64,
}

/// Why a side-by-side calibration was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("too short: {have_s:.0} s of signal, need at least {need_s:.0} s")]
    TooShort { have_s: f64, need_s: f64 },
    #[error("a band does not move: check that both bands are on and breathe a little deeper")]
    Flat,
    #[error(
        "the bands do not move together (correlation {0:.2}): put both bands around the belly, \
         one just above the other, and lie still"
    )]
    NotTogether(f64),
}

/// Side-by-side calibration from raw counts at `rate_hz` (both bands around
/// the belly), keeping `base`'s chest gain (device scale or 1).
pub fn side_by_side(
    chest: &[f64],
    belly: &[f64],
    rate_hz: f64,
    base: &Gains,
) -> Result<SideBySide, CalibrationError> {
    const NEED_S: f64 = 20.0;
    let n = chest.len().min(belly.len());
    let have_s = n as f64 / rate_hz;
    if have_s < NEED_S {
        return Err(CalibrationError::TooShort {
            have_s,
            need_s: NEED_S,
        });
    }
    // Remove the mean and linear drift of each band, then use the
    // standard-deviation ratio (geometric-mean regression: symmetric, no
    // attenuation from noise on one side as ordinary least squares has).
    let detrend = |y: &[f64]| -> Vec<f64> {
        let m = n as f64;
        let tm = (m - 1.0) / 2.0;
        let ym = y[..n].iter().sum::<f64>() / m;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (i, &v) in y[..n].iter().enumerate() {
            sxy += (i as f64 - tm) * (v - ym);
            sxx += (i as f64 - tm).powi(2);
        }
        let slope = sxy / sxx.max(1e-12);
        y[..n]
            .iter()
            .enumerate()
            .map(|(i, &v)| v - ym - slope * (i as f64 - tm))
            .collect()
    };
    let (c, b) = (detrend(chest), detrend(belly));
    let sd = |v: &[f64]| (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
    let (sc, sb) = (sd(&c), sd(&b));
    if sc <= 1e-9 || sb <= 1e-9 {
        return Err(CalibrationError::Flat);
    }
    let r = c.iter().zip(&b).map(|(x, y)| x * y).sum::<f64>() / (n as f64 * sc * sb);
    if r < 0.9 {
        return Err(CalibrationError::NotTogether(r));
    }
    let raw_ratio = sb / sc;
    Ok(SideBySide {
        gains: Gains {
            chest: base.chest,
            belly: base.chest / raw_ratio,
            method: "side_by_side".into(),
            unit: base.unit.clone(),
        },
        correlation: r,
        raw_ratio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::schedule::Schedule;
    use crate::device::virtual_sensor::{VirtualParams, VirtualSensor};

    #[test]
    fn side_by_side_recovers_the_gain_ratio_from_the_virtual_sensor() {
        // Both bands on the belly: same excursion (share 0.5), different gains.
        let p = VirtualParams {
            belly_share: 0.5,
            chest_gain: 1.0,
            belly_gain: 2.5,
            ..Default::default()
        };
        let mut v = VirtualSensor::new(50.0, p, Schedule::default(), 11);
        let s: Vec<_> = (0..50 * 30).map(|_| v.next_sample()).collect();
        let c: Vec<f64> = s.iter().map(|x| x.chest as f64).collect();
        let b: Vec<f64> = s.iter().map(|x| x.belly as f64).collect();
        let r = side_by_side(&c, &b, 50.0, &Gains::default()).unwrap();
        // Drift is independent per band, so allow the method's known error.
        assert!((r.raw_ratio - 2.5).abs() / 2.5 < 0.05, "{r:?}");
        assert!((r.gains.belly - 0.4).abs() < 0.02, "{r:?}");
    }

    #[test]
    fn side_by_side_refuses_bands_that_do_not_move_together() {
        let p = VirtualParams {
            belly_share: 0.5,
            phase_deg: 180.0,
            ..Default::default()
        };
        let mut v = VirtualSensor::new(50.0, p, Schedule::default(), 1);
        let s: Vec<_> = (0..50 * 30).map(|_| v.next_sample()).collect();
        let c: Vec<f64> = s.iter().map(|x| x.chest as f64).collect();
        let b: Vec<f64> = s.iter().map(|x| x.belly as f64).collect();
        assert!(matches!(
            side_by_side(&c, &b, 50.0, &Gains::default()),
            Err(CalibrationError::NotTogether(_))
        ));
        assert!(matches!(
            side_by_side(&c[..100], &b[..100], 50.0, &Gains::default()),
            Err(CalibrationError::TooShort { .. })
        ));
        let flat = vec![5.0; 1500];
        assert_eq!(
            side_by_side(&flat, &b, 50.0, &Gains::default()),
            Err(CalibrationError::Flat)
        );
    }

    #[test]
    fn explicit_gains_are_checked() {
        assert!(Gains::explicit(Gains::default(), Some(-1.0), None).is_err());
        let g = Gains::explicit(Gains::default(), None, Some(0.5)).unwrap();
        assert_eq!(
            (g.chest, g.belly, g.method.as_str()),
            (1.0, 0.5, "explicit")
        );
    }
}
