//! The pacer schedule: where a pattern is at any moment. A pure function of
//! the time since the pacer started, so the visual pacer, the audio cues and
//! the in-step comparison all read the same clock.

use super::pattern::{rate_cycle, Cycle, Pattern};

/// One phase of a breath.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Inhale,
    /// Hold with the lungs full.
    HoldIn,
    Exhale,
    /// Hold with the lungs empty.
    HoldOut,
}

impl Phase {
    /// What the pacer says: "Breathe in", "Hold", "Breathe out".
    pub fn label(self) -> &'static str {
        match self {
            Phase::Inhale => "Breathe in",
            Phase::HoldIn | Phase::HoldOut => "Hold",
            Phase::Exhale => "Breathe out",
        }
    }

    pub fn is_hold(self) -> bool {
        matches!(self, Phase::HoldIn | Phase::HoldOut)
    }
}

/// The phases of a cycle in order with their lengths (zero-length ones included).
fn slots(c: &Cycle) -> [(Phase, f64); 4] {
    [
        (Phase::Inhale, c.inhale_s),
        (Phase::HoldIn, c.hold_in_s),
        (Phase::Exhale, c.exhale_s),
        (Phase::HoldOut, c.hold_out_s),
    ]
}

/// Where the pacer is at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacerState {
    /// Pacer time this state is for, s since start.
    pub t_s: f64,
    pub phase: Phase,
    /// Breath cycles completed before this one.
    pub cycle_index: u64,
    pub cycle_start_s: f64,
    /// Phase lengths of the current cycle.
    pub cycle: Cycle,
    pub phase_start_s: f64,
    pub phase_end_s: f64,
}

impl PacerState {
    /// Seconds until the phase ends.
    pub fn seconds_left(&self) -> f64 {
        (self.phase_end_s - self.t_s).max(0.0)
    }

    /// How far through the phase, 0..1.
    pub fn progress(&self) -> f64 {
        let d = self.phase_end_s - self.phase_start_s;
        if d > 0.0 {
            ((self.t_s - self.phase_start_s) / d).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// How full the lungs should be, 0..1: eased up through the inhale,
    /// down through the exhale. The visual pacer and the tone pitch follow it.
    pub fn fill(&self) -> f64 {
        let ease = |p: f64| 0.5 - 0.5 * (std::f64::consts::PI * p).cos();
        match self.phase {
            Phase::Inhale => ease(self.progress()),
            Phase::HoldIn => 1.0,
            Phase::Exhale => 1.0 - ease(self.progress()),
            Phase::HoldOut => 0.0,
        }
    }

    pub fn cycle_len_s(&self) -> f64 {
        self.cycle.len_s()
    }

    /// Rate of the current cycle, breaths/min.
    pub fn rate_bpm(&self) -> f64 {
        self.cycle.rate_bpm()
    }

    /// The phase that comes next (zero-length holds skipped).
    pub fn next_phase(&self) -> Phase {
        let s = slots(&self.cycle);
        let i = s.iter().position(|x| x.0 == self.phase).unwrap_or(0);
        s[i + 1..]
            .iter()
            .find(|x| x.1 > 0.0)
            .map_or(Phase::Inhale, |x| x.0)
    }

    /// The phase that came before (zero-length holds skipped).
    pub fn prev_phase(&self) -> Phase {
        let s = slots(&self.cycle);
        let i = s.iter().position(|x| x.0 == self.phase).unwrap_or(0);
        s[..i]
            .iter()
            .rev()
            .chain(s.iter().rev())
            .find(|x| x.1 > 0.0 && x.0 != self.phase)
            .map_or(self.phase, |x| x.0)
    }
}

impl Pattern {
    /// Start time and phase lengths of cycle `k` (0 is the first).
    pub fn cycle(&self, k: u64) -> (f64, Cycle) {
        match self {
            Pattern::Rate(bpm) => {
                let c = rate_cycle(*bpm);
                (k as f64 * c.len_s(), c)
            }
            Pattern::Phases(c) => (k as f64 * c.len_s(), *c),
            Pattern::Lengthen(l) => l.cycle(k),
        }
    }

    /// Rate at time `t_s`, breaths/min.
    pub fn rate_bpm_at(&self, t_s: f64) -> f64 {
        match self {
            Pattern::Lengthen(l) => l.rate_bpm_at(t_s),
            _ => self.cycle(0).1.rate_bpm(),
        }
    }

    /// The cycle that holds time `t`, up to rounding.
    fn approx_cycle_index(&self, t: f64) -> u64 {
        let k = match self {
            Pattern::Lengthen(l) => l.breaths_at(t),
            _ => t / self.cycle(0).1.len_s(),
        };
        // Saturating float-to-int conversion; NaN becomes 0.
        k.floor() as u64
    }

    /// Where the pacer is `t_s` seconds after it started (before 0 counts as 0).
    pub fn state_at(&self, t_s: f64) -> PacerState {
        let t = if t_s.is_finite() { t_s.max(0.0) } else { 0.0 };
        let mut k = self.approx_cycle_index(t);
        let (mut start, mut c) = self.cycle(k);
        // Rounding may put t just outside cycle k.
        if t < start && k > 0 {
            k -= 1;
            (start, c) = self.cycle(k);
        } else if t >= start + c.len_s() {
            k += 1;
            (start, c) = self.cycle(k);
        }
        let pos = (t - start).max(0.0);
        let mut acc = 0.0;
        let mut found = (Phase::Exhale, start + c.inhale_s + c.hold_in_s, c.exhale_s);
        for (phase, d) in slots(&c) {
            if d > 0.0 && pos < acc + d {
                found = (phase, start + acc, d);
                break;
            }
            acc += d;
        }
        let (phase, phase_start_s, d) = found;
        PacerState {
            t_s: t,
            phase,
            cycle_index: k,
            cycle_start_s: start,
            cycle: c,
            phase_start_s,
            phase_end_s: phase_start_s + d,
        }
    }

    /// The phase starts in `[from_s, to_s]`, in order.
    pub fn phase_starts(&self, from_s: f64, to_s: f64) -> PhaseStarts {
        let from = from_s.max(0.0);
        PhaseStarts {
            pattern: *self,
            k: self.approx_cycle_index(from).saturating_sub(1),
            slot: 0,
            from_s: from,
            to_s,
        }
    }
}

/// Iterator over phase starts: `(time s, phase)`.
#[derive(Debug, Clone)]
pub struct PhaseStarts {
    pattern: Pattern,
    k: u64,
    slot: usize,
    from_s: f64,
    to_s: f64,
}

impl Iterator for PhaseStarts {
    type Item = (f64, Phase);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.slot >= 4 {
                self.k += 1;
                self.slot = 0;
            }
            let (start, c) = self.pattern.cycle(self.k);
            let s = slots(&c);
            let offset: f64 = s[..self.slot].iter().map(|x| x.1).sum();
            let (phase, d) = s[self.slot];
            self.slot += 1;
            let t = start + offset;
            if t.is_nan() || t > self.to_s {
                return None;
            }
            if d > 0.0 && t >= self.from_s {
                return Some((t, phase));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pacer::Lengthen;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).unwrap()
    }

    #[test]
    fn phase_and_seconds_left_of_4_7_8() {
        let pat = p("4-7-8");
        let s = pat.state_at(1.0);
        assert_eq!((s.phase, s.seconds_left()), (Phase::Inhale, 3.0));
        let s = pat.state_at(5.0);
        assert_eq!((s.phase, s.seconds_left()), (Phase::HoldIn, 6.0));
        let s = pat.state_at(12.0);
        assert_eq!((s.phase, s.seconds_left()), (Phase::Exhale, 7.0));
        assert_eq!(s.cycle_len_s(), 19.0);
        let s = pat.state_at(19.0 * 3.0 + 0.5);
        assert_eq!((s.phase, s.cycle_index), (Phase::Inhale, 3));
        assert_eq!(s.prev_phase(), Phase::Exhale);
        assert_eq!(s.next_phase(), Phase::HoldIn);
    }

    #[test]
    fn fill_rises_on_inhale_and_falls_on_exhale() {
        let pat = Pattern::default();
        assert_eq!(pat.state_at(0.0).fill(), 0.0);
        assert!((pat.state_at(2.0).fill() - 0.5).abs() < 1e-12);
        assert!((pat.state_at(4.0).fill() - 1.0).abs() < 1e-12);
        assert!((pat.state_at(7.0).fill() - 0.5).abs() < 1e-12);
        let mut last = 0.0;
        for i in 1..40 {
            let f = pat.state_at(i as f64 * 0.1).fill();
            assert!(f > last);
            last = f;
        }
    }

    #[test]
    fn box_cycles_through_four_phases() {
        let got: Vec<_> = p("box").phase_starts(0.0, 16.0).collect();
        assert_eq!(
            got,
            vec![
                (0.0, Phase::Inhale),
                (4.0, Phase::HoldIn),
                (8.0, Phase::Exhale),
                (12.0, Phase::HoldOut),
                (16.0, Phase::Inhale)
            ]
        );
        let s = p("box").state_at(13.0);
        assert_eq!(
            (s.prev_phase(), s.next_phase()),
            (Phase::Exhale, Phase::Inhale)
        );
        assert_eq!(p("box").state_at(1.0).prev_phase(), Phase::HoldOut);
    }

    #[test]
    fn phase_starts_agree_with_state_at() {
        for pat in [p("5.5"), p("4-7-8"), p("lengthen"), p("2-0-3-1.5")] {
            for (t, phase) in pat.phase_starts(3.0, 900.0) {
                let s = pat.state_at(t + 1e-6);
                assert_eq!(s.phase, phase, "{pat} at {t}");
                assert!((s.phase_start_s - t).abs() < 1e-9);
                let before = pat.state_at(t - 1e-6);
                assert_ne!(before.phase, phase, "{pat} at {t}");
            }
        }
    }

    #[test]
    fn lengthening_program_reaches_its_target() {
        let pat = Pattern::Lengthen(Lengthen::default());
        let first = pat.state_at(0.0);
        assert!((first.cycle_len_s() - 5.0).abs() < 0.1, "{first:?}");
        assert!((first.cycle.inhale_s - first.cycle.exhale_s).abs() < 0.1);
        // Cycles lengthen, the exhale more than the inhale.
        let starts: Vec<f64> = pat
            .phase_starts(0.0, 400.0)
            .filter(|x| x.1 == Phase::Inhale)
            .map(|x| x.0)
            .collect();
        for w in starts.windows(3) {
            assert!(w[2] - w[1] >= w[1] - w[0] - 1e-9);
        }
        let late = pat.state_at(600.0);
        assert!((late.cycle_len_s() - 10.0).abs() < 1e-9, "{late:?}");
        assert!((late.cycle.inhale_s - 4.0).abs() < 1e-9);
        assert!((late.cycle.exhale_s - 6.0).abs() < 1e-9);
        assert!((pat.rate_bpm_at(150.0) - 9.0).abs() < 1e-9);
    }

    #[test]
    fn odd_times_are_safe() {
        let pat = Pattern::default();
        for t in [-5.0, f64::NAN, f64::INFINITY, 1e12] {
            let s = pat.state_at(t);
            assert!(s.seconds_left() <= 6.0);
        }
    }
}
