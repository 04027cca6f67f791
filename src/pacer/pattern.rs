//! Breathing patterns and their text notation.
//!
//! The notation, shared by `breathband pacer --pattern` and the app:
//!
//! - `6`, `5.5`, any single number `N`: N breaths per minute, 2 parts
//!   inhale to 3 parts exhale (`6` is 4 s in, 6 s out);
//! - `IN-OUT`, `IN-HOLD-OUT`, `IN-HOLD-OUT-HOLD`: phase lengths in seconds
//!   (`4-6`, `4-7-8`, `4-4-4-4`); `box` is `4-4-4-4`;
//! - `lengthen`: a lengthening-exhale program from 12 to 6 breaths/min over
//!   5 minutes; `lengthen:FROM-TO:MINUTES` sets the rates and the ramp
//!   (`lengthen:10-6:8`).

use std::fmt;
use std::str::FromStr;

/// Shortest inhale or exhale, s.
pub const MIN_BREATH_PHASE_S: f64 = 0.5;
/// Longest phase of any kind, s.
pub const MAX_PHASE_S: f64 = 60.0;
/// Slowest and fastest rate, breaths/min.
pub const RATE_RANGE_BPM: (f64, f64) = (1.0, 30.0);
/// Longest lengthening ramp, minutes.
pub const MAX_RAMP_MIN: f64 = 120.0;
/// Share of a breath spent inhaling in the rate patterns (`6` = 4 s in, 6 s out).
pub const INHALE_SHARE: f64 = 0.4;

/// The phase lengths of one breath cycle, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cycle {
    pub inhale_s: f64,
    /// Hold after the inhale (lungs full).
    pub hold_in_s: f64,
    pub exhale_s: f64,
    /// Hold after the exhale (lungs empty).
    pub hold_out_s: f64,
}

impl Cycle {
    /// A cycle without holds.
    pub const fn in_out(inhale_s: f64, exhale_s: f64) -> Self {
        Self {
            inhale_s,
            hold_in_s: 0.0,
            exhale_s,
            hold_out_s: 0.0,
        }
    }

    /// Length of the whole cycle, s.
    pub fn len_s(&self) -> f64 {
        self.inhale_s + self.hold_in_s + self.exhale_s + self.hold_out_s
    }

    /// Breaths per minute.
    pub fn rate_bpm(&self) -> f64 {
        60.0 / self.len_s()
    }

    /// Checks every length against the limits.
    fn validate(&self) -> Result<(), PatternError> {
        let check = |what: &'static str, v: f64, min: f64| {
            if v.is_finite() && (min..=MAX_PHASE_S).contains(&v) {
                Ok(())
            } else {
                Err(PatternError::PhaseOutOfRange {
                    what,
                    value: v,
                    min,
                })
            }
        };
        check("inhale", self.inhale_s, MIN_BREATH_PHASE_S)?;
        check("hold", self.hold_in_s, 0.0)?;
        check("exhale", self.exhale_s, MIN_BREATH_PHASE_S)?;
        check("hold", self.hold_out_s, 0.0)
    }
}

/// A lengthening-exhale program: the rate goes linearly from `from_bpm` to
/// `to_bpm` over `ramp_min` minutes, then stays. The inhale grows to 40 % of
/// the target cycle (4 s at 6/min) but never passes half the cycle, so the
/// exhale lengthens from equal to the inhale up to 1.5 times it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lengthen {
    pub from_bpm: f64,
    pub to_bpm: f64,
    pub ramp_min: f64,
}

impl Default for Lengthen {
    fn default() -> Self {
        Self {
            from_bpm: 12.0,
            to_bpm: 6.0,
            ramp_min: 5.0,
        }
    }
}

impl Lengthen {
    /// Starts near a measured rate (rounded to 0.5/min, between the target
    /// and 20/min) and ramps to the default target of 6/min.
    pub fn from_measured(measured_bpm: f64) -> Self {
        Self::default().starting_near(measured_bpm)
    }

    /// This program with its start moved near a measured rate (rounded to
    /// 0.5/min, between the target and 20/min); the target and the ramp stay.
    pub fn starting_near(self, measured_bpm: f64) -> Self {
        let from = if measured_bpm.is_finite() {
            ((measured_bpm * 2.0).round() / 2.0).clamp(self.to_bpm, 20.0_f64.max(self.to_bpm))
        } else {
            self.from_bpm
        };
        Self {
            from_bpm: from,
            ..self
        }
    }

    fn validate(&self) -> Result<(), PatternError> {
        for v in [self.from_bpm, self.to_bpm] {
            check_rate(v)?;
        }
        if self.from_bpm < self.to_bpm {
            return Err(PatternError::LengthenUpward {
                from: self.from_bpm,
                to: self.to_bpm,
            });
        }
        if !(self.ramp_min.is_finite() && (0.0..=MAX_RAMP_MIN).contains(&self.ramp_min)) {
            return Err(PatternError::RampOutOfRange(self.ramp_min));
        }
        Ok(())
    }
}

/// A breathing pattern. Small and `Copy`, so it travels to the audio thread
/// as it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pattern {
    /// Breaths per minute, 40 % inhale and 60 % exhale.
    Rate(f64),
    /// Fixed phase lengths.
    Phases(Cycle),
    /// Rate slowing over time, exhale lengthening.
    Lengthen(Lengthen),
}

impl Default for Pattern {
    /// 6 breaths/min: 4 s in, 6 s out.
    fn default() -> Self {
        Pattern::Rate(6.0)
    }
}

/// The named patterns with what they mean, for `--help` and pickers.
pub const NAMED: [(&str, &str); 5] = [
    ("6", "6 breaths/min: 4 s in, 6 s out (default)"),
    ("5.5", "5.5 breaths/min: 4.4 s in, 6.5 s out"),
    ("4-7-8", "4 s in, 7 s hold, 8 s out"),
    ("box", "box breathing: 4 s in, 4 s hold, 4 s out, 4 s hold"),
    (
        "lengthen",
        "lengthening exhale: from 12 to 6 breaths/min over 5 minutes",
    ),
];

/// What is wrong with a pattern.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    #[error("empty pattern: use a name (6, 5.5, 4-7-8, box, lengthen) or phase lengths like 4-6")]
    Empty,
    #[error("pattern `{0}` has an empty part between dashes")]
    EmptyPart(String),
    #[error("`{part}` in pattern `{text}` is not a number of seconds")]
    NotANumber { text: String, part: String },
    #[error(
        "pattern `{text}` has {count} parts: use IN-OUT, IN-HOLD-OUT or IN-HOLD-OUT-HOLD seconds"
    )]
    PartCount { text: String, count: usize },
    #[error("unknown pattern `{0}`: use 6, 5.5, 4-7-8, box, lengthen, a rate like 7, or phase lengths like 4-6")]
    Unknown(String),
    #[error("{what} of {value} s is out of range ({min} to 60 s)")]
    PhaseOutOfRange {
        what: &'static str,
        value: f64,
        min: f64,
    },
    #[error("rate of {0} breaths/min is out of range (1 to 30)")]
    RateOutOfRange(f64),
    #[error(
        "lengthen goes from a faster to a slower rate, not from {from} up to {to} breaths/min"
    )]
    LengthenUpward { from: f64, to: f64 },
    #[error("lengthening ramp of {0} minutes is out of range (0 to 120)")]
    RampOutOfRange(f64),
    #[error("`{0}` is not `lengthen:FROM-TO:MINUTES` (e.g. lengthen:12-6:5)")]
    LengthenSyntax(String),
}

fn check_rate(bpm: f64) -> Result<(), PatternError> {
    if bpm.is_finite() && (RATE_RANGE_BPM.0..=RATE_RANGE_BPM.1).contains(&bpm) {
        Ok(())
    } else {
        Err(PatternError::RateOutOfRange(bpm))
    }
}

fn number(text: &str, part: &str) -> Result<f64, PatternError> {
    let p = part.trim();
    if p.is_empty() {
        return Err(PatternError::EmptyPart(text.to_string()));
    }
    // Only plain decimals: no `inf`, `nan`, exponents or signs.
    let plain =
        p.chars().all(|c| c.is_ascii_digit() || c == '.') && p.chars().any(|c| c.is_ascii_digit());
    match p.parse::<f64>() {
        Ok(v) if plain => Ok(v),
        _ => Err(PatternError::NotANumber {
            text: text.to_string(),
            part: part.to_string(),
        }),
    }
}

fn parse_lengthen(text: &str, args: &str) -> Result<Lengthen, PatternError> {
    let bad = || PatternError::LengthenSyntax(text.to_string());
    let (rates, ramp) = args.split_once(':').ok_or_else(bad)?;
    let (from, to) = rates.split_once('-').ok_or_else(bad)?;
    let l = Lengthen {
        from_bpm: number(text, from)?,
        to_bpm: number(text, to)?,
        ramp_min: number(text, ramp)?,
    };
    l.validate()?;
    Ok(l)
}

impl Pattern {
    /// Parses the notation described in the module docs.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(PatternError::Empty);
        }
        let lower = t.to_ascii_lowercase();
        if lower == "box" {
            return Ok(Pattern::Phases(Cycle {
                inhale_s: 4.0,
                hold_in_s: 4.0,
                exhale_s: 4.0,
                hold_out_s: 4.0,
            }));
        }
        if lower == "lengthen" {
            return Ok(Pattern::Lengthen(Lengthen::default()));
        }
        if let Some(args) = lower.strip_prefix("lengthen:") {
            return parse_lengthen(t, args).map(Pattern::Lengthen);
        }
        if !t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return Err(PatternError::Unknown(t.to_string()));
        }
        let parts: Vec<&str> = t.split('-').collect();
        let nums = parts
            .iter()
            .map(|p| number(t, p))
            .collect::<Result<Vec<f64>, _>>()?;
        let p = match nums[..] {
            [bpm] => {
                check_rate(bpm)?;
                Pattern::Rate(bpm)
            }
            [i, o] => Pattern::Phases(Cycle::in_out(i, o)),
            [i, h, o] => Pattern::Phases(Cycle {
                inhale_s: i,
                hold_in_s: h,
                exhale_s: o,
                hold_out_s: 0.0,
            }),
            [i, h, o, h2] => Pattern::Phases(Cycle {
                inhale_s: i,
                hold_in_s: h,
                exhale_s: o,
                hold_out_s: h2,
            }),
            _ => {
                return Err(PatternError::PartCount {
                    text: t.to_string(),
                    count: nums.len(),
                })
            }
        };
        p.validate()?;
        Ok(p)
    }

    /// Checks the values against the limits (parsing already does).
    pub fn validate(&self) -> Result<(), PatternError> {
        match self {
            Pattern::Rate(bpm) => check_rate(*bpm),
            Pattern::Phases(c) => c.validate(),
            Pattern::Lengthen(l) => l.validate(),
        }
    }

    /// The pattern in words, e.g. "6 breaths/min (4 s in, 6 s out)".
    pub fn describe(&self) -> String {
        let s = |v: f64| format!("{}", (v * 10.0).round() / 10.0);
        match self {
            Pattern::Rate(bpm) => {
                let c = rate_cycle(*bpm);
                format!(
                    "{} breaths/min ({} s in, {} s out)",
                    s(*bpm),
                    s(c.inhale_s),
                    s(c.exhale_s)
                )
            }
            Pattern::Phases(c) => {
                let mut parts = vec![format!("{} s in", s(c.inhale_s))];
                if c.hold_in_s > 0.0 {
                    parts.push(format!("{} s hold", s(c.hold_in_s)));
                }
                parts.push(format!("{} s out", s(c.exhale_s)));
                if c.hold_out_s > 0.0 {
                    parts.push(format!("{} s hold", s(c.hold_out_s)));
                }
                format!("{} ({} breaths/min)", parts.join(", "), s(c.rate_bpm()))
            }
            Pattern::Lengthen(l) => format!(
                "Lengthening exhale: {} to {} breaths/min over {} min",
                s(l.from_bpm),
                s(l.to_bpm),
                s(l.ramp_min)
            ),
        }
    }
}

/// The cycle of a rate pattern.
pub(crate) fn rate_cycle(bpm: f64) -> Cycle {
    let len = 60.0 / bpm;
    Cycle::in_out(INHALE_SHARE * len, (1.0 - INHALE_SHARE) * len)
}

impl FromStr for Pattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pattern::parse(s)
    }
}

/// The canonical notation; parsing it gives the same pattern back.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Rate(bpm) => write!(f, "{bpm}"),
            Pattern::Phases(c) => {
                write!(f, "{}", c.inhale_s)?;
                if c.hold_in_s > 0.0 || c.hold_out_s > 0.0 {
                    write!(f, "-{}", c.hold_in_s)?;
                }
                write!(f, "-{}", c.exhale_s)?;
                if c.hold_out_s > 0.0 {
                    write!(f, "-{}", c.hold_out_s)?;
                }
                Ok(())
            }
            Pattern::Lengthen(l) if *l == Lengthen::default() => write!(f, "lengthen"),
            Pattern::Lengthen(l) => {
                write!(f, "lengthen:{}-{}:{}", l.from_bpm, l.to_bpm, l.ramp_min)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_to_their_cycles() {
        assert_eq!(Pattern::parse("6").unwrap(), Pattern::Rate(6.0));
        assert_eq!(rate_cycle(6.0), Cycle::in_out(4.0, 6.0));
        let c = Pattern::parse("4-7-8").unwrap();
        assert_eq!(
            c,
            Pattern::Phases(Cycle {
                inhale_s: 4.0,
                hold_in_s: 7.0,
                exhale_s: 8.0,
                hold_out_s: 0.0
            })
        );
        assert_eq!(Pattern::parse("BOX").unwrap().to_string(), "4-4-4-4");
        assert_eq!(
            Pattern::parse(" lengthen ").unwrap().to_string(),
            "lengthen"
        );
        assert_eq!(
            Pattern::parse("lengthen:10-6:8").unwrap(),
            Pattern::Lengthen(Lengthen {
                from_bpm: 10.0,
                to_bpm: 6.0,
                ramp_min: 8.0
            })
        );
        for (name, _) in NAMED {
            assert!(Pattern::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn bad_patterns_say_what_is_wrong() {
        let e = Pattern::parse("4-x").unwrap_err().to_string();
        assert!(e.contains("`x`") && e.contains("4-x"), "{e}");
        let e = Pattern::parse("1-2-3-4-5").unwrap_err().to_string();
        assert!(e.contains("5 parts"), "{e}");
        let e = Pattern::parse("0-6").unwrap_err().to_string();
        assert!(e.contains("inhale"), "{e}");
        let e = Pattern::parse("lengthen:6-12:5").unwrap_err().to_string();
        assert!(e.contains("faster"), "{e}");
        for bad in [
            "", "fast", "4--6", "-4-6", "4-6-", "inf", "1e1", "45", "4-6-nan",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lengthen_from_measured_rounds_and_clamps() {
        assert_eq!(Lengthen::from_measured(13.3).from_bpm, 13.5);
        assert_eq!(Lengthen::from_measured(4.0).from_bpm, 6.0);
        assert_eq!(Lengthen::from_measured(40.0).from_bpm, 20.0);
        assert_eq!(Lengthen::from_measured(f64::NAN).from_bpm, 12.0);
    }

    #[test]
    fn starting_near_keeps_the_target_and_the_ramp() {
        let Ok(Pattern::Lengthen(l)) = Pattern::parse("lengthen:10-5:8") else {
            panic!("lengthen:10-5:8 does not parse");
        };
        let m = l.starting_near(14.2);
        assert_eq!((m.from_bpm, m.to_bpm, m.ramp_min), (14.0, 5.0, 8.0));
        // Never below the target.
        assert_eq!(l.starting_near(3.0).from_bpm, 5.0);
        assert_eq!(l.starting_near(f64::NAN), l);
    }

    #[test]
    fn describe_reads_well() {
        assert_eq!(
            Pattern::default().describe(),
            "6 breaths/min (4 s in, 6 s out)"
        );
        assert_eq!(
            Pattern::parse("4-7-8").unwrap().describe(),
            "4 s in, 7 s hold, 8 s out (3.2 breaths/min)"
        );
    }
}
