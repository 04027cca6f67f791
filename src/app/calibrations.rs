//! Band gains measured side by side, kept per sensor (its device id or USB
//! serial number) in the settings and reused by later sessions.

use crate::analysis::Gains;
use crate::device::DeviceInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A side-by-side calibration kept for one sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedCalibration {
    pub gains: Gains,
    /// Local date it was measured (`2026-11-30`).
    pub measured_on: String,
}

/// The saved calibrations, by sensor key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Calibrations(pub BTreeMap<String, SavedCalibration>);

/// The key a sensor's calibration is saved under, if it is a real sensor
/// that names itself. The virtual sensor and replays keep none: a
/// calibration measured on a simulation (or on a file) would pin every
/// later reading of it, across restarts.
pub fn sensor_key(info: &DeviceInfo) -> Option<String> {
    if matches!(info.kind.as_str(), "virtual" | "replay") {
        return None;
    }
    info.device_id
        .clone()
        .or_else(|| info.usb_serial_number.clone())
}

impl Calibrations {
    /// Forgets the saved calibration of sensor `info`.
    pub fn forget(&mut self, info: Option<&DeviceInfo>) {
        if let Some(key) = info.and_then(sensor_key) {
            self.0.remove(&key);
        }
    }

    /// The saved calibration of sensor `info`, if any.
    pub fn for_sensor(&self, info: Option<&DeviceInfo>) -> Option<&SavedCalibration> {
        self.0.get(&sensor_key(info?)?)
    }

    /// Keeps `gains`, measured on `measured_on`, for sensor `info` (a
    /// sensor without a key keeps nothing).
    pub fn remember(&mut self, info: Option<&DeviceInfo>, gains: Gains, measured_on: String) {
        if let Some(key) = info.and_then(sensor_key) {
            self.0.insert(key, SavedCalibration { gains, measured_on });
        }
    }

    /// What the calibration step says of the gains `in_use` when they are
    /// the sensor's saved ones ("of 2026-11-30").
    pub fn describe(&self, info: Option<&DeviceInfo>, in_use: &Gains) -> Option<String> {
        let c = self.for_sensor(info)?;
        (*in_use == c.gains).then(|| format!("of {}", c.measured_on))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::ChannelMeta;

    fn info(kind: &str) -> DeviceInfo {
        DeviceInfo {
            kind: kind.into(),
            path: None,
            protocol: "x".into(),
            firmware_version: None,
            device_id: Some("0102".into()),
            usb_serial_number: None,
            usb_product: None,
            sample_rate_hz: 100.0,
            rate_estimated: false,
            channels: [ChannelMeta::raw("chest"), ChannelMeta::raw("belly")],
        }
    }

    #[test]
    fn only_real_sensors_keep_a_calibration() {
        let mut c = Calibrations::default();
        for kind in ["virtual", "replay"] {
            c.remember(Some(&info(kind)), Gains::default(), "today".into());
        }
        assert!(c.0.is_empty());
        c.remember(Some(&info("serial")), Gains::default(), "today".into());
        assert!(c.for_sensor(Some(&info("serial"))).is_some());
        assert!(c.for_sensor(Some(&info("virtual"))).is_none());
        c.forget(Some(&info("serial")));
        assert!(c.0.is_empty());
    }
}
