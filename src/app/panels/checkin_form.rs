//! "How is your neck today?": the daily check-in (pain and tension 0-10,
//! dizziness, a note), with or without a session. The draft lives in
//! egui's memory; the app writes the check-in.

use crate::program::checkin::CheckIn;

/// What the person entered.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckInEntry {
    pub pain: u8,
    pub tension: u8,
    pub dizzy: Option<bool>,
    pub note: String,
}

#[derive(Debug, Clone, Default)]
struct Draft {
    pain: u8,
    tension: u8,
    dizzy: Option<bool>,
    note: String,
}

/// Words for a 0-10 score.
pub fn score_words(v: u8) -> &'static str {
    match v {
        0 => "none",
        1..=3 => "mild",
        4..=6 => "moderate",
        7..=9 => "severe",
        _ => "worst imaginable",
    }
}

/// Shows the form; returns the entry when the person saves it. `last`
/// is today's last check-in, if any.
pub fn ui(ui: &mut egui::Ui, last: Option<&CheckIn>) -> Option<CheckInEntry> {
    let id = egui::Id::unique("checkin_draft");
    let mut d: Draft = ui.data_mut(|m| m.get_temp(id)).unwrap_or_default();
    let mut out = None;
    let head = match last {
        Some(c) => format!(
            "Today's check-in: done at {} (pain {}, tension {})",
            c.time_local.format("%H:%M"),
            c.pain,
            c.tension
        ),
        None => "Today's check-in: how is your neck today?".to_string(),
    };
    egui::CollapsingHeader::new(head)
        .id_salt("checkin_form")
        .show(ui, |ui| {
            for (label, v) in [("Neck pain", &mut d.pain), ("Tension", &mut d.tension)] {
                ui.horizontal(|ui| {
                    let l = ui.label(label);
                    ui.add(egui::Slider::new(v, 0..=10)).labelled_by(l.id);
                    ui.label(score_words(*v));
                });
            }
            ui.horizontal(|ui| {
                ui.label("Dizzy today");
                ui.radio_value(&mut d.dizzy, Some(false), "no");
                ui.radio_value(&mut d.dizzy, Some(true), "yes");
                ui.radio_value(&mut d.dizzy, None, "not said");
            });
            ui.horizontal(|ui| {
                let l = ui.label("Check-in note");
                ui.add(
                    egui::TextEdit::singleline(&mut d.note)
                        .desired_width(360.0)
                        .char_limit(crate::program::checkin::NOTE_MAX_CHARS)
                        .hint_text("what you did, what helped, what hurt"),
                )
                .labelled_by(l.id);
            });
            if ui.button("Save check-in").clicked() {
                out = Some(CheckInEntry {
                    pain: d.pain,
                    tension: d.tension,
                    dizzy: d.dizzy,
                    note: d.note.clone(),
                });
                d.note.clear();
            }
        });
    ui.data_mut(|m| m.insert_temp(id, d));
    out
}
