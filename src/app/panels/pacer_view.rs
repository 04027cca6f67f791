//! The visual pacer: a bar that fills on the inhale and empties on the
//! exhale, with the phase name, seconds left, and how the person's measured
//! breathing sits against it.

use egui::{Color32, RichText, Sense, Vec2};

/// What the pacer shows this frame (computed from the pacer schedule).
#[derive(Debug, Clone, PartialEq)]
pub struct PacerDisplay {
    /// "Breathe in", "Hold", "Breathe out".
    pub phase: String,
    /// How full the lungs should be, 0..1.
    pub fill: f32,
    pub seconds_left: f64,
    /// Pattern in words, e.g. "6 breaths/min (4 s in, 6 s out)".
    pub pattern: String,
    /// "In step", "Behind by 1.2 s", ... when the person is breathing.
    pub sync: Option<String>,
}

/// What the person did with the pacer controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacerAction {
    Start,
    Stop,
}

/// Shows the pacer (`None` when it is stopped).
pub fn ui(ui: &mut egui::Ui, d: Option<&PacerDisplay>) -> Option<PacerAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Pacer");
        let label = if d.is_some() {
            "Stop pacer"
        } else {
            "Start pacer"
        };
        if ui.button(label).clicked() {
            action = Some(if d.is_some() {
                PacerAction::Stop
            } else {
                PacerAction::Start
            });
        }
    });
    let Some(d) = d else {
        ui.label("Start the pacer to breathe along with it, by eye or by ear.");
        return action;
    };
    ui.label(&d.pattern);
    let width = ui.available_width().clamp(120.0, 600.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 36.0), Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 6.0, ui.visuals().extreme_bg_color);
    let mut fill = rect;
    fill.set_right(rect.left() + rect.width() * d.fill.clamp(0.0, 1.0));
    p.rect_filled(fill, 6.0, Color32::from_rgb(60, 130, 220));
    ui.horizontal(|ui| {
        ui.label(RichText::new(&d.phase).size(22.0).strong());
        ui.label(RichText::new(format!("{:.0} s", d.seconds_left.ceil())).size(22.0));
        if let Some(s) = &d.sync {
            ui.separator();
            ui.label(s);
        }
    });
    action
}
