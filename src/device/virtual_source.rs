//! The virtual sensor as a real-time [`Source`] (paced by the host clock,
//! indexed by its own sample counter, like a device).

use super::schedule::Schedule;
use super::virtual_sensor::{VirtualParams, VirtualSensor};
use super::{BlockSink, ChannelMeta, DeviceInfo, Source, SourceError};
use crate::device::Counters;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// Settings of a virtual sensor source.
#[derive(Debug, Clone, PartialEq)]
pub struct VirtualConfig {
    pub sample_rate_hz: f64,
    pub params: VirtualParams,
    pub schedule: Schedule,
    pub seed: u64,
}

impl Default for VirtualConfig {
    fn default() -> Self {
        Self {
            sample_rate_hz: 100.0,
            params: VirtualParams::default(),
            schedule: Schedule::default(),
            seed: 1,
        }
    }
}

/// Device info the virtual sensor reports.
pub fn virtual_info(cfg: &VirtualConfig) -> DeviceInfo {
    let ch = |name: &str| ChannelMeta {
        full_scale: Some(cfg.params.full_scale as u32),
        ..ChannelMeta::raw(name)
    };
    DeviceInfo {
        kind: "virtual".into(),
        path: None,
        protocol: "virtual".into(),
        firmware_version: Some(env!("CARGO_PKG_VERSION").into()),
        device_id: Some(format!("virtual-seed-{}", cfg.seed)),
        usb_serial_number: None,
        usb_product: None,
        sample_rate_hz: cfg.sample_rate_hz,
        rate_estimated: false,
        channels: [ch("chest"), ch("belly")],
    }
}

/// Real-time virtual sensor. Parameter changes can arrive on a channel.
pub struct VirtualSource {
    cfg: VirtualConfig,
    sensor: VirtualSensor,
    start: Option<Instant>,
    controls: Option<Receiver<VirtualParams>>,
    pairs: Vec<[i32; 2]>,
}

impl VirtualSource {
    pub fn new(cfg: VirtualConfig) -> Self {
        let sensor = VirtualSensor::new(
            cfg.sample_rate_hz,
            cfg.params.clone(),
            cfg.schedule.clone(),
            cfg.seed,
        );
        Self {
            cfg,
            sensor,
            start: None,
            controls: None,
            pairs: Vec::new(),
        }
    }

    /// Live parameter changes (applied from the next breath).
    pub fn with_controls(mut self, rx: Receiver<VirtualParams>) -> Self {
        self.controls = Some(rx);
        self
    }
}

impl Source for VirtualSource {
    fn poll(&mut self, sink: &mut dyn BlockSink, _c: &Counters) -> Result<(), SourceError> {
        let start = match self.start {
            Some(s) => s,
            None => {
                sink.info(virtual_info(&self.cfg));
                *self.start.insert(Instant::now())
            }
        };
        if let Some(rx) = &self.controls {
            while let Ok(p) = rx.try_recv() {
                self.sensor.set_params(p);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
        let due = (start.elapsed().as_secs_f64() * self.cfg.sample_rate_hz) as u64;
        self.pairs.clear();
        let first = self.sensor.index();
        while self.sensor.index() < due {
            let s = self.sensor.next_sample();
            self.pairs.push([s.chest as i32, s.belly as i32]);
        }
        if !self.pairs.is_empty() {
            sink.block(Some(first as u32), 0, &self.pairs);
        }
        Ok(())
    }

    fn describe(&self) -> String {
        "virtual sensor".into()
    }
}
