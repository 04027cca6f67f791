//! "Your plan": shows the plan in one line and, opened, edits it: two or
//! three sessions a day at the person's times, length, posture. The draft
//! lives in egui's memory until saved; the app writes the file.

use crate::program::plan::{hhmm, parse_hhmm, Plan, PlanError, Posture, MINUTES_RANGE};

/// The plan being edited.
#[derive(Debug, Clone, Default)]
struct Draft {
    /// The plan the draft started from (a new stored plan resets it).
    from: Option<Plan>,
    count: usize,
    /// By slot, whatever the count: morning, midday, evening (switching
    /// between two and three sessions keeps the morning and evening).
    times: [String; 3],
    minutes: f64,
    posture: Posture,
    error: Option<String>,
}

impl Draft {
    fn of(p: &Plan) -> Self {
        let three = Plan::with_sessions(3).times;
        let at = |i: usize| hhmm(p.times.get(i).copied().unwrap_or(three[i.min(2)]));
        let times = match p.times.len() {
            3 => [at(0), at(1), at(2)],
            _ => [at(0), hhmm(three[1]), at(1)],
        };
        Draft {
            from: Some(p.clone()),
            count: p.times.len(),
            times,
            minutes: p.minutes,
            posture: p.posture,
            error: None,
        }
    }

    /// The slots shown: morning and evening, or all three.
    fn shown(&self) -> &'static [usize] {
        if self.count == 3 {
            &[0, 1, 2]
        } else {
            &[0, 2]
        }
    }

    fn plan(&self) -> Result<Plan, PlanError> {
        let times = self
            .shown()
            .iter()
            .map(|&i| parse_hhmm(&self.times[i]))
            .collect::<Result<_, _>>()?;
        let p = Plan {
            times,
            minutes: self.minutes,
            posture: self.posture,
        };
        p.validate()?;
        Ok(p)
    }
}

/// Shows the plan; returns a plan to save when the person saves one.
pub fn ui(ui: &mut egui::Ui, current: &Plan, stored: bool) -> Option<Plan> {
    let id = egui::Id::unique("plan_draft");
    let mut d: Draft = ui.data_mut(|m| m.get_temp(id)).unwrap_or_default();
    if d.from.as_ref() != Some(current) {
        d = Draft::of(current);
    }
    let mut save = None;
    let head = format!(
        "Your plan: {}{}",
        current.describe(),
        if stored { "" } else { " (the default)" }
    );
    egui::CollapsingHeader::new(head)
        .id_salt("plan_editor")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label("Sessions a day");
                ui.radio_value(&mut d.count, 2, "2 (morning, evening)");
                ui.radio_value(&mut d.count, 3, "3 (morning, midday, evening)");
            });
            ui.horizontal(|ui| {
                ui.label("At");
                let names = ["morning", "midday", "evening"];
                for &i in d.shown() {
                    let name = names[i];
                    let l = ui.label(name);
                    ui.add(
                        egui::TextEdit::singleline(&mut d.times[i])
                            .desired_width(48.0)
                            .hint_text("HH:MM"),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(format!("The {name} session, local time (HH:MM)"));
                }
            });
            ui.horizontal(|ui| {
                let l = ui.label("Minutes each");
                ui.add(
                    egui::Slider::new(&mut d.minutes, MINUTES_RANGE.0..=MINUTES_RANGE.1)
                        .step_by(0.5),
                )
                .labelled_by(l.id);
            });
            ui.horizontal(|ui| {
                ui.label("Posture");
                ui.radio_value(&mut d.posture, Posture::Lying, "lying on the back");
                ui.radio_value(&mut d.posture, Posture::Sitting, "sitting upright");
            });
            ui.label("Start lying down. Move to sitting at a desk once belly breathing is easy lying down.");
            ui.horizontal(|ui| {
                if ui.button("Save plan").clicked() {
                    match d.plan() {
                        Ok(p) => {
                            d.error = None;
                            save = Some(p);
                        }
                        Err(e) => d.error = Some(e.to_string()),
                    }
                }
                if let Some(e) = &d.error {
                    ui.colored_label(ui.visuals().warn_fg_color, e);
                }
            });
        });
    ui.data_mut(|m| m.insert_temp(id, d));
    save
}
