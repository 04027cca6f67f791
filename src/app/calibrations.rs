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

/// The key a sensor's calibration is saved under, if it names itself.
pub fn sensor_key(info: &DeviceInfo) -> Option<String> {
    info.device_id
        .clone()
        .or_else(|| info.usb_serial_number.clone())
}

impl Calibrations {
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
