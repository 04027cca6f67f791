//! The dominance gauge: belly share with the target zone, the class in words
//! and colour, rate, phase and quality.

use crate::analysis::{Class, Thresholds, WindowResult};
use crate::app::style::{class_color, class_words, window_hint};
use egui::accesskit::Role;
use egui::{Align2, FontId, Rect, RichText, Sense, Stroke, Vec2, WidgetInfo};

/// Where the gauge's zones and marker sit, as belly shares (0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaugeMarks {
    /// The target zone runs from here to 1 (all belly).
    pub target_from: f64,
    /// The chest zone runs from 0 to here.
    pub chest_to: f64,
    /// The marker: the measured share, clamped to the bar (none without signal).
    pub marker: Option<f64>,
    /// The measured share as reported.
    pub share: Option<f64>,
}

/// The gauge's marks for a window and the live label.
pub fn marks(window: Option<&WindowResult>, label: Class) -> GaugeMarks {
    let t = Thresholds::default();
    let share = window
        .and_then(|w| w.belly_share)
        .filter(|s| s.is_finite() && label != Class::NoSignal);
    GaugeMarks {
        target_from: t.belly_share,
        chest_to: t.chest_share,
        marker: share.map(|s| s.clamp(0.0, 1.0)),
        share,
    }
}

/// Shows the gauge for the latest window and the live label; `link_note`
/// (the link is lost, ended or disconnected) replaces the breathing hint.
pub fn ui(ui: &mut egui::Ui, window: Option<&WindowResult>, label: Class, link_note: Option<&str>) {
    let t = Thresholds::default();
    ui.label(
        RichText::new(class_words(label))
            .size(26.0)
            .strong()
            .color(class_color(label)),
    );
    match link_note {
        None => ui.label(window_hint(label, window.and_then(|w| w.reason))),
        Some(note) => ui.label(note),
    };
    ui.add_space(6.0);

    let m = marks(window, label);
    let width = ui.available_width().clamp(160.0, 420.0);
    let (rect, bar) = ui.allocate_exact_size(Vec2::new(width, 28.0), Sense::hover());
    let p = ui.painter_at(rect.expand(2.0));
    let x = |s: f64| rect.left() + rect.width() * s as f32;
    p.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    // Target zone: belly share at or above the belly threshold.
    let zone = Rect::from_min_max(
        egui::pos2(x(m.target_from), rect.top()),
        rect.right_bottom(),
    );
    p.rect_filled(zone, 4.0, class_color(Class::Belly).gamma_multiply(0.35));
    let chest_zone = Rect::from_min_max(rect.left_top(), egui::pos2(x(m.chest_to), rect.bottom()));
    p.rect_filled(
        chest_zone,
        4.0,
        class_color(Class::Chest).gamma_multiply(0.25),
    );
    // The gauge, its zone and its marker are also described for screen
    // readers (and tests), with their places on screen.
    let pct = |v: f64| format!("{:.0}", v * 100.0);
    bar.widget_info(|| WidgetInfo {
        value: m.marker.map(|s| s * 100.0),
        ..WidgetInfo::labeled(Role::Meter, true, "Belly share gauge")
    });
    let zone_label = format!("Target zone {} to 100 %", pct(m.target_from));
    ui.interact(zone, bar.id.with("zone"), Sense::hover())
        .widget_info(|| WidgetInfo::labeled(Role::Meter, true, &zone_label));
    if let Some(s) = m.marker {
        let xs = x(s);
        p.line_segment(
            [
                egui::pos2(xs, rect.top() - 2.0),
                egui::pos2(xs, rect.bottom() + 2.0),
            ],
            Stroke::new(4.0, class_color(label)),
        );
        let r = Rect::from_center_size(egui::pos2(xs, rect.center().y), Vec2::new(4.0, 32.0));
        let marker_label = format!("Belly share marker at {} %", pct(s));
        ui.interact(r, bar.id.with("marker"), Sense::hover())
            .widget_info(|| WidgetInfo::labeled(Role::Meter, true, &marker_label));
    }
    let small = FontId::proportional(12.0);
    let text = ui.visuals().text_color();
    p.text(
        rect.left_center() + Vec2::new(4.0, 0.0),
        Align2::LEFT_CENTER,
        "chest",
        small.clone(),
        text,
    );
    p.text(
        rect.right_center() - Vec2::new(4.0, 0.0),
        Align2::RIGHT_CENTER,
        "belly",
        small,
        text,
    );
    ui.label(match m.share {
        Some(s) => format!(
            "Belly share {:.0} % (target {:.0} % or more)",
            s * 100.0,
            t.belly_share * 100.0
        ),
        None => "Belly share -".to_string(),
    });

    ui.add_space(6.0);
    egui::Grid::new("gauge_numbers")
        .num_columns(2)
        .show(ui, |ui| {
            let f = |v: Option<f64>, unit: &str, p: usize| {
                v.map_or("-".into(), |x| format!("{}{unit}", fixed(x, p)))
            };
            ui.label("Rate");
            ui.label(f(window.and_then(|w| w.rate_bpm), " breaths/min", 1));
            ui.end_row();
            ui.label("Phase");
            ui.label(f(window.and_then(|w| w.phase_deg), " deg", 0))
                .on_hover_text(
                    "Belly relative to chest; positive = belly leads, beyond +-90 = paradoxical",
                );
            ui.end_row();
            ui.label("Quality");
            ui.label(f(window.map(|w| w.quality * 100.0), " %", 0));
            ui.end_row();
        });
}

/// `x` with `p` decimals, without a minus sign on a value that rounds to
/// zero ("0 deg", not "-0 deg").
pub fn fixed(x: f64, p: usize) -> String {
    let s = format!("{x:.p$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn no_negative_zero() {
        assert_eq!(fixed(-0.3, 0), "0");
        assert_eq!(fixed(-0.0, 0), "0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.6, 0), "-1");
        assert_eq!(fixed(12.25, 1), "12.2");
    }
}
