//! A schedule of changes for the virtual sensor, parsed from text such as
//! `"60:share=0.3;120:phase=180,rate=8;180:hold=15;200:off=chest;210:off=none"`.
//!
//! Each `;`-separated entry is `SECONDS:key=value[,key=value...]`. Keys:
//! `rate` (breaths/min), `share` (belly share 0..1), `phase` (degrees),
//! `depth` (units), `noise` (fraction of depth), `hold` (breath hold for N s),
//! `off` (`chest`, `belly`, `both` or `none`: band disconnected).

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Which band reads as disconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BandOff {
    #[default]
    None,
    Chest,
    Belly,
    Both,
}

/// One parameter change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Change {
    Rate(f64),
    Share(f64),
    Phase(f64),
    Depth(f64),
    Noise(f64),
    Hold(f64),
    Off(BandOff),
}

/// Changes that take effect at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedChanges {
    pub at_s: f64,
    pub changes: Vec<Change>,
}

/// Changes sorted by time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schedule(Vec<TimedChanges>);

impl Schedule {
    pub fn changes(&self) -> &[TimedChanges] {
        &self.0
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for entry in s.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (t, kvs) = entry
                .split_once(':')
                .ok_or_else(|| format!("schedule entry '{entry}' needs SECONDS:key=value"))?;
            let at_s: f64 = t
                .trim()
                .parse()
                .map_err(|_| format!("schedule time '{t}' is not a number"))?;
            if !at_s.is_finite() || at_s < 0.0 {
                return Err(format!("schedule time '{t}' must be 0 or more"));
            }
            let mut changes = Vec::new();
            for kv in kvs.split(',').map(str::trim) {
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| format!("schedule change '{kv}' needs key=value"))?;
                let num = || -> Result<f64, String> {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| format!("schedule value '{v}' for '{k}' is not a number"))
                };
                changes.push(match k.trim() {
                    "rate" => Change::Rate(num()?.clamp(1.0, 90.0)),
                    "share" => Change::Share(num()?.clamp(0.0, 1.0)),
                    "phase" => Change::Phase(num()?),
                    "depth" => Change::Depth(num()?.max(0.0)),
                    "noise" => Change::Noise(num()?.max(0.0)),
                    "hold" => Change::Hold(num()?.max(0.0)),
                    "off" => Change::Off(match v.trim() {
                        "chest" => BandOff::Chest,
                        "belly" => BandOff::Belly,
                        "both" => BandOff::Both,
                        "none" => BandOff::None,
                        o => return Err(format!("off={o}: use chest, belly, both or none")),
                    }),
                    o => {
                        return Err(format!(
                        "unknown schedule key '{o}' (rate, share, phase, depth, noise, hold, off)"
                    ))
                    }
                });
            }
            out.push(TimedChanges { at_s, changes });
        }
        out.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        Ok(Schedule(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_sorts_entries() {
        let s: Schedule = "120:phase=180,rate=8; 60:share=0.3;200:off=chest"
            .parse()
            .unwrap();
        let c = s.changes();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].at_s, 60.0);
        assert_eq!(c[1].changes, vec![Change::Phase(180.0), Change::Rate(8.0)]);
        assert_eq!(c[2].changes, vec![Change::Off(BandOff::Chest)]);
    }

    #[test]
    fn rejects_bad_entries_with_a_reason() {
        for bad in [
            "60",
            "x:rate=1",
            "5:speed=2",
            "5:rate=fast",
            "5:off=left",
            "-1:rate=3",
        ] {
            let e = bad.parse::<Schedule>().unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
    }
}
