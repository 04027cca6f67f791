//! The dominance gauge: belly share with the target zone, the class in words
//! and colour, rate, phase and quality.

use crate::analysis::{Class, Thresholds, WindowResult};
use crate::app::style::{class_color, class_hint, class_words};
use egui::{Align2, FontId, Rect, RichText, Sense, Stroke, Vec2};

/// Shows the gauge for the latest window and the live label.
pub fn ui(ui: &mut egui::Ui, window: Option<&WindowResult>, label: Class) {
    let t = Thresholds::default();
    ui.label(
        RichText::new(class_words(label))
            .size(26.0)
            .strong()
            .color(class_color(label)),
    );
    ui.label(class_hint(label));
    ui.add_space(6.0);

    let share = window
        .and_then(|w| w.belly_share)
        .filter(|_| label != Class::NoSignal);
    let width = ui.available_width().clamp(160.0, 420.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 28.0), Sense::hover());
    let p = ui.painter_at(rect.expand(2.0));
    let x = |s: f64| rect.left() + rect.width() * s as f32;
    p.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    // Target zone: belly share at or above the belly threshold.
    let zone = Rect::from_min_max(
        egui::pos2(x(t.belly_share), rect.top()),
        rect.right_bottom(),
    );
    p.rect_filled(zone, 4.0, class_color(Class::Belly).gamma_multiply(0.35));
    let chest_zone =
        Rect::from_min_max(rect.left_top(), egui::pos2(x(t.chest_share), rect.bottom()));
    p.rect_filled(
        chest_zone,
        4.0,
        class_color(Class::Chest).gamma_multiply(0.25),
    );
    if let Some(s) = share {
        let xs = x(s.clamp(0.0, 1.0));
        p.line_segment(
            [
                egui::pos2(xs, rect.top() - 2.0),
                egui::pos2(xs, rect.bottom() + 2.0),
            ],
            Stroke::new(4.0, class_color(label)),
        );
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
    ui.label(match share {
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
                v.map_or("-".into(), |x| format!("{x:.p$}{unit}"))
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
