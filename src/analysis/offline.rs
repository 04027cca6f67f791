//! Whole-file analysis for `breathband analyze`: runs the streaming engine
//! over every sample and gathers its output into one report.

use super::checks::median;
use super::classify::Class;
use super::engine::{Engine, Output};
use super::safety::SafetyEvent;
use super::window::{Breath, WindowResult};
use super::{AnalysisConfig, Gains};
use serde::Serialize;
use std::collections::BTreeMap;

/// Summary over the whole input (the `summary` object of `analyze --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Median of the window rates, breaths/min.
    pub rate_bpm: Option<f64>,
    /// Median belly share of the windows with breathing.
    pub belly_share: Option<f64>,
    /// Circular mean of the window phases, degrees.
    pub phase_deg: Option<f64>,
    pub breaths: u64,
    /// Fraction of windows per class.
    pub class_fraction: BTreeMap<&'static str, f64>,
    /// Fraction of breaths per class.
    pub breath_class_fraction: BTreeMap<&'static str, f64>,
    /// Median of the window qualities.
    pub quality: Option<f64>,
}

/// Everything `analyze` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub sample_rate_hz: f64,
    pub duration_s: f64,
    pub windows: Vec<WindowResult>,
    pub breaths: Vec<Breath>,
    pub summary: Summary,
    /// Safety events, each once with its start and (if it ended) end.
    pub events: Vec<SafetyEvent>,
    pub config: AnalysisConfig,
    pub gains: Gains,
}

/// Collects the engine's output into a [`Report`].
#[derive(Debug)]
pub struct Collector {
    engine: Engine,
    windows: Vec<WindowResult>,
    breaths: Vec<Breath>,
    events: Vec<SafetyEvent>,
    first_t: Option<f64>,
    last_t: f64,
    gains: Gains,
}

impl Collector {
    pub fn new(cfg: AnalysisConfig, sample_rate_hz: f64, gains: Gains) -> Self {
        Self {
            engine: Engine::new(cfg, sample_rate_hz, &gains),
            windows: Vec::new(),
            breaths: Vec::new(),
            events: Vec::new(),
            first_t: None,
            last_t: 0.0,
            gains,
        }
    }

    /// Feeds one sample (see [`Engine::push`]).
    pub fn push(&mut self, index: u64, chest: f64, belly: f64, flags: u8) {
        let t = index as f64 / self.engine.sample_rate_hz();
        self.first_t.get_or_insert(t);
        self.last_t = t;
        let (w, b, e) = (&mut self.windows, &mut self.breaths, &mut self.events);
        self.engine
            .push(index, chest, belly, flags, &mut |o| match o {
                Output::Window(x) => w.push(x),
                Output::Breath(x) => b.push(x),
                Output::Event(x) => super::safety::merge_event(e, x),
            });
    }

    /// The report.
    pub fn finish(self) -> Report {
        let fs = self.engine.sample_rate_hz();
        let duration_s = match self.first_t {
            Some(f) => self.last_t - f + 1.0 / fs,
            None => 0.0,
        };
        let summary = summarize(&self.windows, &self.breaths);
        Report {
            sample_rate_hz: fs,
            duration_s,
            summary,
            windows: self.windows,
            breaths: self.breaths,
            events: self.events,
            config: *self.engine.config(),
            gains: self.gains,
        }
    }
}

fn fractions(classes: impl Iterator<Item = Class>) -> BTreeMap<&'static str, f64> {
    let mut n = 0usize;
    let mut counts: BTreeMap<&'static str, f64> =
        Class::ALL.iter().map(|c| (c.name(), 0.0)).collect();
    for c in classes {
        n += 1;
        *counts.entry(c.name()).or_default() += 1.0;
    }
    if n > 0 {
        counts.values_mut().for_each(|v| *v /= n as f64);
    }
    counts
}

/// Summary statistics of windows and breaths.
pub fn summarize(windows: &[WindowResult], breaths: &[Breath]) -> Summary {
    let phases: Vec<f64> = windows.iter().filter_map(|w| w.phase_deg).collect();
    let phase_deg = (!phases.is_empty()).then(|| {
        let (s, c) = phases.iter().fold((0.0, 0.0), |(s, c), p| {
            (s + p.to_radians().sin(), c + p.to_radians().cos())
        });
        super::spectrum::wrap_deg(s.atan2(c).to_degrees())
    });
    Summary {
        rate_bpm: median(windows.iter().filter_map(|w| w.rate_bpm).collect()),
        belly_share: median(windows.iter().filter_map(|w| w.belly_share).collect()),
        phase_deg,
        breaths: breaths.len() as u64,
        class_fraction: fractions(windows.iter().map(|w| w.class)),
        breath_class_fraction: fractions(breaths.iter().map(|b| b.class)),
        quality: median(windows.iter().map(|w| w.quality).collect()),
    }
}
