//! Text size and theme: a visible setting, applied to the whole window.

use crate::app::settings::{Settings, Theme, TEXT_SCALE_RANGE};

/// The size slider and the theme choice.
pub fn ui(ui: &mut egui::Ui, s: &mut Settings) {
    ui.heading("Display");
    ui.horizontal(|ui| {
        let l = ui.label("Text size");
        ui.add(
            egui::Slider::new(&mut s.text_scale, TEXT_SCALE_RANGE.0..=TEXT_SCALE_RANGE.1)
                .step_by(0.1)
                .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
        )
        .labelled_by(l.id);
    });
    ui.horizontal(|ui| {
        ui.label("Theme");
        ui.radio_value(&mut s.theme, Theme::Dark, "dark");
        ui.radio_value(&mut s.theme, Theme::Light, "light");
    });
}

/// Applies the size and the theme (cheap when nothing changed).
pub fn apply(ctx: &egui::Context, s: &Settings) {
    let scale = s.text_scale.clamp(TEXT_SCALE_RANGE.0, TEXT_SCALE_RANGE.1);
    if (ctx.zoom_factor() - scale).abs() > 1e-3 {
        ctx.set_zoom_factor(scale);
    }
    let theme = match s.theme {
        Theme::Dark => egui::Theme::Dark,
        Theme::Light => egui::Theme::Light,
    };
    if ctx.theme() != theme {
        ctx.set_theme(theme);
    }
}
