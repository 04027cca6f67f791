//! Colours and words for the breathing classes, shared by the panels.

use crate::analysis::{Class, NoSignalReason};
use egui::Color32;

/// Colour of a class, from the Okabe-Ito palette (told apart with any
/// common colour-vision deficiency, and always shown with words or a
/// shape as well), readable on a light and a dark theme: bluish green for
/// the target (belly), reddish purple for mixed,
/// orange for chest, vermilion for paradoxical, grey for no signal.
pub fn class_color(c: Class) -> Color32 {
    match c {
        Class::Belly => Color32::from_rgb(0, 158, 115),
        Class::Mixed => Color32::from_rgb(204, 121, 167),
        Class::Chest => Color32::from_rgb(230, 159, 0),
        Class::Paradoxical => Color32::from_rgb(213, 94, 0),
        Class::NoSignal => Color32::from_rgb(130, 130, 130),
    }
}

/// The shape that marks a class beside its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Circle,
    Diamond,
    Square,
    Triangle,
    Ring,
}

/// Belly a circle, mixed a diamond, chest a square, paradoxical a
/// downward triangle (the belly going the wrong way), no signal a ring.
pub fn class_mark(c: Class) -> Mark {
    match c {
        Class::Belly => Mark::Circle,
        Class::Mixed => Mark::Diamond,
        Class::Chest => Mark::Square,
        Class::Paradoxical => Mark::Triangle,
        Class::NoSignal => Mark::Ring,
    }
}

/// Draws `mark` of radius `r` at `c`.
pub fn draw_mark(p: &egui::Painter, c: egui::Pos2, r: f32, mark: Mark, color: Color32) {
    use egui::{epaint::PathShape, vec2, Stroke};
    let poly = |pts: Vec<egui::Pos2>| PathShape::convex_polygon(pts, color, Stroke::NONE);
    match mark {
        Mark::Circle => {
            p.circle_filled(c, r, color);
        }
        Mark::Ring => {
            p.circle_stroke(c, r * 0.8, Stroke::new(2.0, color));
        }
        Mark::Square => {
            p.rect_filled(
                egui::Rect::from_center_size(c, vec2(1.6 * r, 1.6 * r)),
                1.0,
                color,
            );
        }
        Mark::Diamond => {
            p.add(poly(vec![
                c + vec2(0.0, -r),
                c + vec2(r, 0.0),
                c + vec2(0.0, r),
                c + vec2(-r, 0.0),
            ]));
        }
        Mark::Triangle => {
            p.add(poly(vec![
                c + vec2(-r, -0.8 * r),
                c + vec2(r, -0.8 * r),
                c + vec2(0.0, r),
            ]));
        }
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
