//! Pacer settings: pattern (name or phase lengths), cue style, volume, mute.

use crate::app::settings::Settings;
use crate::audio::CueStyle;
use crate::pacer::pattern::NAMED;
use crate::pacer::Pattern;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacerSetting {
    Pattern,
    Sound,
    RetrySound,
}

/// Shows the controls; `sound_notice` is the no-audio notice, if any.
pub fn ui(ui: &mut egui::Ui, s: &mut Settings, sound_notice: Option<&str>) -> Option<PacerSetting> {
    let mut changed = None;
    ui.heading("Pacer and sound");
    ui.horizontal_wrapped(|ui| {
        for (name, help) in NAMED {
            if ui
                .selectable_label(s.pattern == name, name)
                .on_hover_text(help)
                .clicked()
            {
                s.pattern = name.to_string();
                changed = Some(PacerSetting::Pattern);
            }
        }
    });
    ui.horizontal(|ui| {
        let l = ui.label("Custom");
        let r = ui
            .text_edit_singleline(&mut s.pattern)
            .labelled_by(l.id)
            .on_hover_text("Phase lengths in seconds: IN-OUT (4-6), IN-HOLD-OUT (4-7-8) or IN-HOLD-OUT-HOLD (4-4-4-4)");
        // Leaving the field restarts the pacer only if the text was edited.
        let edited = r.id.with("edited");
        if r.changed() {
            ui.data_mut(|d| d.insert_temp(edited, true));
        }
        if r.lost_focus() && ui.data_mut(|d| d.remove_temp::<bool>(edited)).unwrap_or(false) {
            changed = Some(PacerSetting::Pattern);
        }
    });
    match Pattern::parse(&s.pattern) {
        Ok(p) => ui.label(p.describe()),
        Err(e) => ui.colored_label(ui.visuals().error_fg_color, e.to_string()),
    };
    ui.horizontal(|ui| {
        ui.label("Cue");
        for (v, label) in [(CueStyle::Tone, "Tone"), (CueStyle::Chime, "Chimes")] {
            if ui.selectable_label(s.cue == v, label).clicked() {
                s.cue = v;
                changed = Some(PacerSetting::Sound);
            }
        }
    });
    if ui
        .add(egui::Slider::new(&mut s.volume, 0.0..=1.0).text("volume"))
        .changed()
    {
        changed = Some(PacerSetting::Sound);
    }
    if ui.checkbox(&mut s.muted, "Mute").changed() {
        changed = Some(PacerSetting::Sound);
    }
    if let Some(n) = sound_notice {
        ui.colored_label(ui.visuals().warn_fg_color, n);
        if ui.button("Retry sound").clicked() {
            changed = Some(PacerSetting::RetrySound);
        }
    }
    changed
}
