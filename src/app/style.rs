//! Colours and words for the breathing classes, shared by the panels.

use crate::analysis::{Class, NoSignalReason};
use egui::Color32;

/// Colour of a class: green for the target (belly), warm for chest, red for
/// paradoxical, grey for no signal.
pub fn class_color(c: Class) -> Color32 {
    match c {
        Class::Belly => Color32::from_rgb(46, 160, 90),
        Class::Mixed => Color32::from_rgb(214, 170, 40),
        Class::Chest => Color32::from_rgb(230, 120, 40),
        Class::Paradoxical => Color32::from_rgb(210, 60, 60),
        Class::NoSignal => Color32::from_rgb(130, 130, 130),
    }
}

/// The class in words, for the person.
pub fn class_words(c: Class) -> &'static str {
    match c {
        Class::Belly => "Belly breathing",
        Class::Mixed => "Mixed breathing",
        Class::Chest => "Chest breathing",
        Class::Paradoxical => "Paradoxical breathing",
        Class::NoSignal => "No signal",
    }
}

/// A short hint for the class.
pub fn class_hint(c: Class) -> &'static str {
    match c {
        Class::Belly => "Good: the belly leads, the chest stays quiet.",
        Class::Mixed => "Let the belly rise a little more; keep the chest soft.",
        Class::Chest => "The chest is moving: let the belly lead.",
        Class::Paradoxical => "The belly goes in as you breathe in: let it rise instead.",
        Class::NoSignal => "No breathing seen: check the bands, breathe gently.",
    }
}

/// The hint for a window's class, in words that say what to do: for
/// `no_signal`, by its reason (a band that just came back, or the first
/// seconds, read `low_quality`: the person need only keep breathing).
pub fn window_hint(c: Class, reason: Option<NoSignalReason>) -> &'static str {
    match (c, reason) {
        (Class::NoSignal, Some(NoSignalReason::BandOff | NoSignalReason::Flat)) => {
            "A band shows no signal: check that both bands are on and snug."
        }
        (Class::NoSignal, Some(NoSignalReason::Gap)) => {
            "The signal is lost: check the cable or the connection."
        }
        (Class::NoSignal, Some(NoSignalReason::BreathHold)) => {
            "No breathing seen for a while: breathe gently, do not hold your breath."
        }
        (Class::NoSignal, Some(NoSignalReason::LowQuality)) => {
            "Reading your breathing: keep breathing gently."
        }
        _ => class_hint(c),
    }
}

/// Colour of the chest trace.
pub const CHEST: Color32 = Color32::from_rgb(230, 120, 40);
/// Colour of the belly trace.
pub const BELLY: Color32 = Color32::from_rgb(60, 130, 220);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_signal_hints_say_what_to_do_by_reason() {
        let h = |r| window_hint(Class::NoSignal, Some(r));
        assert!(h(NoSignalReason::Flat).contains("bands are on"));
        assert!(h(NoSignalReason::BandOff).contains("bands are on"));
        assert!(h(NoSignalReason::Gap).contains("connection"));
        assert!(h(NoSignalReason::BreathHold).contains("do not hold"));
        assert!(h(NoSignalReason::LowQuality).contains("keep breathing"));
        assert_eq!(
            window_hint(Class::NoSignal, None),
            class_hint(Class::NoSignal)
        );
        assert_eq!(window_hint(Class::Belly, None), class_hint(Class::Belly));
    }
}
