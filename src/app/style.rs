//! Colours and words for the breathing classes, shared by the panels.

use crate::analysis::Class;
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

/// Colour of the chest trace.
pub const CHEST: Color32 = Color32::from_rgb(230, 120, 40);
/// Colour of the belly trace.
pub const BELLY: Color32 = Color32::from_rgb(60, 130, 220);
