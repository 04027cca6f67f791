//! What the guided session tells the person about the bands and their
//! breaths: the band check and the feedback line. Pure.

use crate::analysis::{Breath, Class, NoSignalReason, WindowResult};

/// Feedback is given at most once per this many breaths.
pub const FEEDBACK_EVERY_BREATHS: usize = 3;
/// Least quality for the band check to pass.
pub const CHECK_QUALITY: f64 = 0.5;

/// Result of the band check.
#[derive(Debug, Clone, PartialEq)]
pub struct BandCheck {
    pub ok: bool,
    pub message: String,
}

/// Checks that both bands show breathing, or says which band and what to try.
pub fn band_check(w: Option<&WindowResult>) -> BandCheck {
    let bad = |m: &str| BandCheck {
        ok: false,
        message: m.to_string(),
    };
    let Some(w) = w else {
        return bad("Waiting for the first seconds of signal...");
    };
    match w.reason {
        Some(NoSignalReason::BandOff | NoSignalReason::Flat) => {
            let which = match w.bands_off {
                [true, true] => {
                    return bad(
                        "Neither band shows a signal: check that both are plugged in and snug.",
                    )
                }
                [true, false] => "chest",
                [false, true] => "belly",
                // Not said (an older window): the band that moves least.
                [false, false] if w.chest_amp <= w.belly_amp => "chest",
                [false, false] => "belly",
            };
            return bad(&format!(
                "The {which} band shows no signal: check that it is plugged in and snug, not twisted."
            ));
        }
        Some(NoSignalReason::Gap) => return bad("Samples are missing: check the cable."),
        Some(NoSignalReason::BreathHold) => {
            return bad("No breathing seen: breathe gently and normally.")
        }
        _ => {}
    }
    if w.quality < CHECK_QUALITY || w.rate_bpm.is_none() {
        return bad("The signal is unclear: lie still, and tighten the bands a little.");
    }
    let total = w.chest_amp + w.belly_amp;
    for (name, amp) in [("chest", w.chest_amp), ("belly", w.belly_amp)] {
        if amp < 0.05 * total {
            return bad(&format!(
                "The {name} band hardly moves: move it to the widest part of the {}, and snug it.",
                if name == "chest" {
                    "rib cage, under the armpits"
                } else {
                    "belly, over the navel"
                }
            ));
        }
    }
    BandCheck {
        ok: true,
        message: "Both bands show your breathing.".into(),
    }
}

/// What to tell the person about their recent breaths, if anything.
pub fn advice_for(breaths: &[Breath]) -> Option<&'static str> {
    let recent = &breaths[breaths.len().saturating_sub(FEEDBACK_EVERY_BREATHS)..];
    if recent.len() < FEEDBACK_EVERY_BREATHS {
        return None;
    }
    let count = |c: Class| recent.iter().filter(|b| b.class == c).count();
    if count(Class::Paradoxical) >= 2 {
        Some("Paradoxical: your belly goes in as you breathe in. Let it rise instead.")
    } else if count(Class::Chest) >= 2 {
        Some("Your chest is moving: let the belly lead, keep the chest soft.")
    } else if count(Class::Mixed) >= 2 {
        Some("Nearly there: let the belly rise a little more.")
    } else if count(Class::Belly) == recent.len() {
        Some("Good: the belly leads. Keep it easy.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_check_names_the_band() {
        let mut w = WindowResult {
            t_s: 10.0,
            rate_bpm: Some(12.0),
            chest_amp: 0.1,
            belly_amp: 10.0,
            belly_share: Some(0.99),
            phase_deg: None,
            coherence: 0.2,
            quality: 0.9,
            class: Class::Belly,
            label: Class::Belly,
            spectral_class: Class::Belly,
            reason: None,
            over_breathing: false,
            bands_off: [false; 2],
        };
        let c = band_check(Some(&w));
        assert!(!c.ok && c.message.contains("chest band"), "{c:?}");
        w.chest_amp = 4.0;
        assert!(band_check(Some(&w)).ok);
        w.reason = Some(NoSignalReason::BandOff);
        w.belly_amp = 0.0;
        assert!(band_check(Some(&w)).message.contains("belly band"));
        // The engine's word wins over the amplitudes: a chest band that fell
        // to the rail has a large excursion (the step) in its window.
        w.chest_amp = 50.0;
        w.bands_off = [true, false];
        assert!(band_check(Some(&w)).message.contains("chest band"));
        w.bands_off = [true, true];
        assert!(band_check(Some(&w)).message.contains("Neither band"));
    }
}
