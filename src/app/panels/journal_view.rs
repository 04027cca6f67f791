//! The quick journal before and after a session: neck pain and tension
//! 0-10, dizziness yes/no, a free note. Every field is optional.

use crate::practice::journal::Journal;

/// Shows the entry; returns true when something changed.
pub fn ui(ui: &mut egui::Ui, id: &str, j: &mut Journal) -> bool {
    let mut changed = false;
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        for (label, v) in [
            ("Neck pain (0-10)", &mut j.neck_pain),
            ("Neck and shoulder tension (0-10)", &mut j.tension),
        ] {
            ui.label(label);
            ui.horizontal(|ui| {
                let mut on = v.is_some();
                if ui
                    .checkbox(&mut on, "")
                    .on_hover_text("Leave unticked to skip")
                    .changed()
                {
                    *v = on.then_some(v.unwrap_or(0));
                    changed = true;
                }
                if let Some(x) = v.as_mut() {
                    changed |= ui.add(egui::Slider::new(x, 0..=10)).changed();
                }
            });
            ui.end_row();
        }
        ui.label("Dizzy or light-headed");
        ui.horizontal(|ui| {
            for (val, text) in [(None, "skip"), (Some(false), "no"), (Some(true), "yes")] {
                if ui.selectable_label(j.dizzy == val, text).clicked() {
                    j.dizzy = val;
                    changed = true;
                }
            }
        });
        ui.end_row();
        let l = ui.label("Note");
        let mut note = j.note.clone().unwrap_or_default();
        if ui
            .text_edit_singleline(&mut note)
            .labelled_by(l.id)
            .changed()
        {
            j.note = (!note.trim().is_empty()).then_some(note);
            changed = true;
        }
        ui.end_row();
    });
    changed
}
