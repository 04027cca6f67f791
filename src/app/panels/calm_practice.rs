//! The calm practice screen: during a guided session's practice the
//! window holds only a large breathing shape that grows on the inhale and
//! shrinks on the exhale, the phase and its seconds, one line of feedback,
//! the belly-share gauge, the time left and the Stop button. Traces and the
//! loop wait behind "Details".

use egui::{Color32, RichText, Sense, Vec2};

/// What the calm screen shows this frame.
#[derive(Debug, Clone, PartialEq)]
pub struct CalmView {
    /// "Breathe in", "Hold", "Breathe out"; none without a pacer.
    pub phase: Option<String>,
    /// How full the lungs should be, 0..1 (the shape's size).
    pub fill: f32,
    pub phase_left_s: f64,
    /// The one line of feedback (or the slow-down warning).
    pub feedback: Option<String>,
    /// True when the feedback is a warning (breathing too fast or deep).
    pub warning: bool,
    /// Practice time left, s.
    pub left_s: f64,
    /// Belly share of the last window, 0..1, when the bands read a breath.
    pub belly_share: Option<f64>,
}

/// "3:05".
pub fn clock(s: f64) -> String {
    let s = s.max(0.0).round() as u32;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Shows the calm screen; true when Stop was pressed.
pub fn ui(ui: &mut egui::Ui, v: &CalmView, shape: Color32) -> bool {
    let mut stop = false;
    ui.vertical_centered(|ui| {
        ui.label(RichText::new("Let the belly rise, keep the chest still").size(22.0));
        ui.label(RichText::new(format!("{} left", clock(v.left_s))).size(18.0));
        let side = (ui.available_height() - 230.0)
            .min(ui.available_width())
            .clamp(160.0, 420.0);
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
        let p = ui.painter_at(rect);
        let r_max = side / 2.0 - 4.0;
        // From 35 % (empty) to 100 % (full) of the space: always visible.
        let r = r_max * (0.35 + 0.65 * v.fill.clamp(0.0, 1.0));
        p.circle_stroke(rect.center(), r_max, (1.0, ui.visuals().weak_text_color()));
        p.circle_filled(rect.center(), r, shape.gamma_multiply(0.85));
        match &v.phase {
            Some(phase) => {
                ui.label(RichText::new(phase).size(34.0).strong());
                ui.label(RichText::new(format!("{:.0} s", v.phase_left_s.ceil())).size(26.0));
            }
            None => {
                ui.label(RichText::new("Breathe slowly, at your own pace").size(26.0));
            }
        }
        let line = v
            .feedback
            .clone()
            .unwrap_or_else(|| "Breathe gently through the nose.".into());
        let text = RichText::new(line).size(20.0);
        if v.warning {
            ui.colored_label(ui.visuals().warn_fg_color, text);
        } else {
            ui.label(text);
        }
        share_gauge(ui, v.belly_share);
        ui.add_space(8.0);
        let stop_btn = egui::Button::new(
            RichText::new("Stop - I feel dizzy / uncomfortable  [Esc]")
                .size(20.0)
                .color(Color32::WHITE),
        )
        .fill(Color32::from_rgb(160, 40, 40));
        if ui.add(stop_btn).clicked() {
            stop = true;
        }
    });
    stop
}

/// A bar from chest (left) to belly (right) with the share as a marker and
/// in words, so it reads without colour.
fn share_gauge(ui: &mut egui::Ui, share: Option<f64>) {
    let width = ui.available_width().clamp(200.0, 420.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 18.0), Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let ink = ui.visuals().text_color();
    if let Some(s) = share {
        let x = rect.left() + rect.width() * s.clamp(0.0, 1.0) as f32;
        p.rect_filled(
            egui::Rect::from_center_size(egui::pos2(x, rect.center().y), Vec2::new(6.0, 18.0)),
            2.0,
            ink,
        );
    }
    let target = rect.left() + rect.width() * 0.6;
    p.line_segment(
        [
            egui::pos2(target, rect.top()),
            egui::pos2(target, rect.bottom()),
        ],
        (1.0, ui.visuals().weak_text_color()),
    );
    ui.label(match share {
        Some(s) => format!(
            "chest ... belly: {:.0} % belly (aim for 60 % or more)",
            s * 100.0
        ),
        None => "chest ... belly: no breath read yet".into(),
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_reads_minutes_and_seconds() {
        assert_eq!(super::clock(185.2), "3:05");
        assert_eq!(super::clock(-3.0), "0:00");
        assert_eq!(super::clock(59.6), "1:00");
    }
}
