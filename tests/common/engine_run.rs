//! Runs the analysis engine on the virtual sensor and keeps the sensor's
//! ground truth beside what the engine reported, for the accuracy tests
//! (`accuracy_*.rs`).

use breathband::analysis::{
    AnalysisConfig, Breath, Engine, EventKind, Gains, Output, SafetyEvent, WindowResult,
};
use breathband::device::schedule::Schedule;
use breathband::device::virtual_sensor::{VirtualParams, VirtualSensor};

/// Truth at one sample.
pub struct T {
    pub cycles: f64,
    pub share: f64,
    pub phase: f64,
    pub class: &'static str,
}

pub struct Run {
    pub fs: f64,
    pub truth: Vec<T>,
    pub windows: Vec<WindowResult>,
    pub breaths: Vec<Breath>,
    /// Safety events, each with the index in `windows` of the window it was
    /// reported with.
    pub events: Vec<(SafetyEvent, usize)>,
}

/// What the test does to one sample before the engine sees it: `t` s,
/// (chest, belly) counts, which it may change; returns false to drop it.
pub type Hook<'a> = &'a mut dyn FnMut(f64, &mut f64, &mut f64) -> bool;

impl Run {
    pub fn new(fs: f64, secs: f64, p: VirtualParams, sched: &str, seed: u64) -> Self {
        Self::with(fs, secs, p, sched, seed, &mut |_, _, _| true)
    }

    pub fn with(fs: f64, secs: f64, p: VirtualParams, sched: &str, seed: u64, hook: Hook) -> Self {
        let gains = Gains {
            chest: 1.0 / p.chest_gain,
            belly: 1.0 / p.belly_gain,
            method: "explicit".into(),
            unit: "units".into(),
        };
        let mut v = VirtualSensor::new(fs, p, sched.parse::<Schedule>().unwrap(), seed);
        let mut e = Engine::new(AnalysisConfig::default(), fs, &gains);
        let (mut windows, mut breaths, mut truth) = (Vec::new(), Vec::new(), Vec::new());
        let mut events = Vec::new();
        let mut cycles = 0.0;
        let mut last = 0.0;
        for i in 0..(secs * fs) as u64 {
            let s = v.next_sample();
            let c = s.truth.cycle;
            cycles += if c < last { c + 1.0 - last } else { c - last };
            last = c;
            truth.push(T {
                cycles,
                share: s.truth.belly_share,
                phase: s.truth.phase_deg,
                class: s.truth.class,
            });
            let fl = if s.chest == 0 || s.chest == 4095 {
                1
            } else {
                0
            } | if s.belly == 0 || s.belly == 4095 {
                2
            } else {
                0
            };
            let (mut c, mut b) = (s.chest as f64, s.belly as f64);
            if !hook(i as f64 / fs, &mut c, &mut b) {
                continue;
            }
            e.push(i, c, b, fl, &mut |o| match o {
                Output::Window(w) => windows.push(w),
                Output::Breath(b) => breaths.push(b),
                Output::Event(x) => events.push((x, windows.len())),
            });
        }
        Run {
            fs,
            truth,
            windows,
            breaths,
            events,
        }
    }

    pub fn at(&self, t: f64) -> &T {
        &self.truth[((t * self.fs) as usize).min(self.truth.len() - 1)]
    }

    /// Mean true rate over (t - span, t], breaths/min.
    pub fn true_rate(&self, t: f64, span: f64) -> f64 {
        (self.at(t).cycles - self.at(t - span).cycles) / span * 60.0
    }

    /// Whether the truth is the same over (t - span, t].
    pub fn steady(&self, t: f64, span: f64) -> bool {
        let a = self.at(t - span);
        let b = self.at(t);
        let (i0, i1) = (((t - span) * self.fs) as usize, (t * self.fs) as usize);
        a.class == b.class
            && self.truth[i0..i1.min(self.truth.len())]
                .iter()
                .all(|x| x.share == a.share && x.phase == a.phase && x.class == a.class)
    }

    /// The start events of `kind`: (event, time of the window it came with).
    pub fn starts(&self, kind: EventKind) -> Vec<(SafetyEvent, f64)> {
        self.events
            .iter()
            .filter(|(e, _)| e.kind == kind && e.end_s.is_none())
            .map(|&(e, i)| (e, self.windows.get(i).map_or(f64::INFINITY, |w| w.t_s)))
            .collect()
    }

    /// The first breath boundary at or after `from` s: where a scheduled
    /// change of rate or depth takes effect.
    pub fn onset(&self, from: f64) -> f64 {
        let i0 = (from * self.fs) as usize;
        self.truth[i0..]
            .windows(2)
            .position(|w| w[1].cycles.fract() < w[0].cycles.fract())
            .map_or(f64::INFINITY, |k| (i0 + k + 1) as f64 / self.fs)
    }

    /// Full-length windows whose whole span has steady truth.
    pub fn steady_windows(&self) -> impl Iterator<Item = &WindowResult> {
        self.windows
            .iter()
            .filter(|w| w.t_s >= 30.0 && self.steady(w.t_s, 30.0))
    }
}

pub fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn realistic() -> VirtualParams {
    VirtualParams {
        noise: 0.01,
        drift: 0.2,
        rate_jitter: 0.05,
        depth_jitter: 0.1,
        chest_gain: 1.3,
        belly_gain: 0.7,
        ..Default::default()
    }
}

pub fn wrap(a: f64) -> f64 {
    (a + 180.0).rem_euclid(360.0) - 180.0
}

/// Drops the samples in [from, from + secs): a jump in the sample index.
pub fn dropout(from: f64, secs: f64) -> impl FnMut(f64, &mut f64, &mut f64) -> bool {
    move |t, _, _| !(from..from + secs).contains(&t)
}
