//! The guided session's screens: prepare, band check, calibration (band
//! gains, then the baseline), practice, summary, and the advice after a
//! dizziness stop.

use crate::analysis::WindowResult;
use crate::app::style::{class_color, class_words};
use crate::practice::checks::band_check;
use crate::practice::flow::{
    Calibration, PracticeFlow, Step, BASELINE_S, CALIBRATION_S, DISCONNECTED,
};
use crate::practice::record::Posture;
use egui::RichText;

pub use crate::practice::runner::PracticeAction;

/// The "Stop - I feel dizzy" button (always shown during a session).
pub fn stop_button(ui: &mut egui::Ui) -> bool {
    ui.add(
        egui::Button::new(
            RichText::new("Stop - I feel dizzy / uncomfortable  [Esc]")
                .strong()
                .size(16.0),
        )
        .fill(egui::Color32::from_rgb(150, 40, 40)),
    )
    .clicked()
}

/// Shows the current step. `saved_calibration` describes the calibration
/// from an earlier session that is in use now (e.g. "of 2026-11-30"), if any.
pub fn ui(
    ui: &mut egui::Ui,
    f: &mut PracticeFlow,
    w: Option<&WindowResult>,
    now_s: f64,
    saved_calibration: Option<&str>,
) -> Option<PracticeAction> {
    let mut act = None;
    match f.step {
        Step::Prepare => {
            ui.heading("1. Get ready");
            ui.label(match f.posture {
                Posture::Lying => "Lie on your back with your knees bent and a pillow under your head.",
                Posture::Sitting => {
                    "Sit upright on a chair at your desk, feet flat, shoulders relaxed, hands in your lap."
                }
            });
            ui.label(
                "Put one band around the rib cage, under the armpits, and one around the belly, \
                 over the navel. Snug, not tight: you should be able to slide a finger under them.",
            );
            diagram(ui);
            ui.label("The session must stay pain-free. Stop at once if anything hurts or you feel dizzy.");
            ui.collapsing("Before: how are you? (optional)", |ui| {
                super::journal_view::ui(ui, "journal_before", &mut f.journal_before);
            });
            if ui.button("Ready: check the bands").clicked() {
                act = Some(PracticeAction::Next);
            }
        }
        Step::BandCheck => {
            ui.heading("2. Band check");
            ui.label("Breathe normally for a few breaths.");
            let c = band_check(w);
            let color = if c.ok {
                class_color(crate::analysis::Class::Belly)
            } else {
                ui.visuals().warn_fg_color
            };
            ui.colored_label(color, &c.message);
            if ui
                .add_enabled(c.ok, egui::Button::new("Bands are fine: next"))
                .clicked()
            {
                act = Some(PracticeAction::Next);
            }
        }
        Step::Calibrate => act = calibrate(ui, f, now_s, saved_calibration),
        Step::Baseline => {
            ui.heading("4. Your usual breathing");
            ui.label("Breathe as you usually do, without trying to change anything.");
            let left = (BASELINE_S - (now_s - f.step_started_s)).max(0.0);
            ui.label(RichText::new(format!("{left:.0} s")).size(28.0));
        }
        Step::Practice => {
            ui.heading("5. Practice: let the belly rise, keep the chest still");
            let left = f.left_s();
            ui.label(
                RichText::new(format!(
                    "{}:{:02} left",
                    (left / 60.0) as u32,
                    (left % 60.0) as u32
                ))
                .size(28.0),
            );
            if let Some(s) = &f.slow_down {
                ui.colored_label(ui.visuals().warn_fg_color, RichText::new(s).size(16.0));
            }
            if let Some((text, _)) = &f.feedback {
                ui.label(RichText::new(text).size(18.0));
            }
        }
        Step::Summary => {
            ui.heading("Well done");
            summary(ui, f);
            ui.collapsing("After: how are you now? (optional)", |ui| {
                super::journal_view::ui(ui, "journal_after", &mut f.journal_after);
            });
            if ui.button("Close").clicked() {
                act = Some(PracticeAction::Close);
            }
        }
        Step::Stopped => {
            if f.stopped_early.as_deref() == Some(DISCONNECTED) {
                ui.heading("Session ended early");
                ui.label(
                    "The sensor was disconnected, so the session ended here: a session cannot \
                     go on across a change of sensor.",
                );
            } else {
                ui.heading("Session stopped");
                ui.label(
                    "Lie still and breathe normally, through the nose, without trying to breathe \
                     deeply. Sit up slowly when the dizziness has passed. If it does not pass, or \
                     you feel unwell, get help. Next time, breathe more gently and take breaks.",
                );
            }
            ui.label("What you did so far is saved, marked as stopped early.");
            ui.collapsing("After: how are you now? (optional)", |ui| {
                super::journal_view::ui(ui, "journal_after", &mut f.journal_after);
            });
            if ui.button("Close").clicked() {
                act = Some(PracticeAction::Close);
            }
        }
    }
    act
}

/// The band-gain step: the two bands read the same stretch differently, so
/// the belly share needs them matched once (side by side).
fn calibrate(
    ui: &mut egui::Ui,
    f: &mut PracticeFlow,
    now_s: f64,
    saved: Option<&str>,
) -> Option<PracticeAction> {
    let mut act = None;
    ui.heading("3. Calibration: match the two bands");
    ui.label(
        "The two bands do not read the same stretch quite the same way. To compare chest \
         and belly fairly, both bands measure the same spot once.",
    );
    let how = "Move the chest band down around the belly, just above the belly band. \
               Lie still and breathe quietly for 30 s.";
    match &f.calibration {
        Calibration::Choose => match saved {
            Some(when) => {
                ui.label(format!("Your calibration {when} is in use."));
                if ui.button("Keep my calibration: next").clicked() {
                    act = Some(PracticeAction::KeepSavedGains);
                }
                ui.label(how);
                if ui.button("Measure again (30 s)").clicked() {
                    act = Some(PracticeAction::MeasureGains);
                }
            }
            None => {
                ui.label(how);
                if ui.button("Measure now (30 s)").clicked() {
                    act = Some(PracticeAction::MeasureGains);
                }
                if ui
                    .button("Skip: use the sensor's own scale")
                    .on_hover_text("The belly share may be off if the bands differ")
                    .clicked()
                {
                    act = Some(PracticeAction::SkipCalibration);
                }
            }
        },
        Calibration::Measuring { .. } => {
            ui.label("Both bands around the belly: breathe quietly and lie still.");
            let left = f.calibration_left_s(now_s).unwrap_or(0.0);
            ui.add(
                egui::ProgressBar::new((1.0 - left / CALIBRATION_S).clamp(0.0, 1.0) as f32)
                    .text(format!("{left:.0} s")),
            );
        }
        Calibration::Measured(r) => {
            ui.colored_label(
                class_color(crate::analysis::Class::Belly),
                "Done: the two bands are matched.",
            );
            ui.collapsing("Details", |ui| {
                ui.label(format!(
                    "The belly band reads {:.2} times the chest band for the same stretch \
                     (the bands moved together: r = {:.2}).",
                    r.raw_ratio, r.correlation
                ));
            });
            if let Some(far) = f.far_from_own_scale() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "These gains are {far:.1} times off the sensor's own scale. Were both \
                         bands side by side around the belly while you breathed quietly? Use \
                         them only if so (and move the chest band back up first); otherwise measure \
                         again or skip."
                    ),
                );
                ui.horizontal(|ui| {
                    if ui.button("Measure again").clicked() {
                        act = Some(PracticeAction::MeasureGains);
                    }
                    if ui.button("Use them anyway: next").clicked() {
                        act = Some(PracticeAction::AcceptGains);
                    }
                    if ui.button("Skip: use the sensor's own scale").clicked() {
                        act = Some(PracticeAction::SkipCalibration);
                    }
                });
            } else {
                ui.label("Now move the chest band back up around the rib cage, under the armpits.");
                if ui.button("Chest band is back: next").clicked() {
                    act = Some(PracticeAction::AcceptGains);
                }
            }
        }
        Calibration::Refused(why) => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Not calibrated: {why}."),
            );
            ui.horizontal(|ui| {
                if ui.button("Try again").clicked() {
                    act = Some(PracticeAction::MeasureGains);
                }
                let skip = if saved.is_some() {
                    ("Keep my calibration", PracticeAction::KeepSavedGains)
                } else {
                    (
                        "Skip: use the sensor's own scale",
                        PracticeAction::SkipCalibration,
                    )
                };
                if ui.button(skip.0).clicked() {
                    act = Some(skip.1);
                }
            });
        }
    }
    act
}

fn summary(ui: &mut egui::Ui, f: &PracticeFlow) {
    let s = f.summary();
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{:.0} %", x * 100.0));
    ui.label(format!("Practised {:.1} min", s.minutes));
    ui.label(format!("Median belly share {}", pct(s.belly_share)));
    let course: Vec<String> = s.share_by_minute.iter().map(|m| pct(*m)).collect();
    if !course.is_empty() {
        ui.label(format!("Minute by minute: {}", course.join(", ")));
    }
    ui.label(format!(
        "Belly-dominant breaths {}",
        pct(s.belly_breath_fraction)
    ));
    if let Some(r) = s.rate_bpm {
        ui.label(format!("Rate {r:.1} breaths/min"));
    }
    ui.label(format!("Paradoxical breaths {}", s.paradoxical_breaths));
    let events: u32 = s.events.values().sum();
    ui.label(format!("Safety events {events}"));
    if let Some(c) = s.comparison {
        ui.label(format!(
            "Compared with your last {} session(s): {:?} ({:+.0} points of belly share)",
            c.previous_sessions,
            c.trend,
            c.difference * 100.0
        ));
    }
    let dominant = crate::analysis::Class::ALL
        .into_iter()
        .max_by_key(|c| f.breaths.iter().filter(|b| b.class == *c).count());
    if let Some(c) = dominant.filter(|_| !f.breaths.is_empty()) {
        ui.colored_label(class_color(c), format!("Mostly: {}", class_words(c)));
        ui.label(crate::app::style::class_hint(c));
    }
}

/// A simple drawing: a person lying down with the two bands.
fn diagram(ui: &mut egui::Ui) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(320.0, 90.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    let c = ui.visuals().text_color();
    let y = rect.center().y + 10.0;
    let x0 = rect.left() + 20.0;
    // Head, body, bent knees.
    p.circle_stroke(egui::pos2(x0 + 15.0, y - 5.0), 14.0, (2.0, c));
    p.line_segment(
        [egui::pos2(x0 + 30.0, y), egui::pos2(x0 + 200.0, y)],
        (3.0, c),
    );
    p.line_segment(
        [egui::pos2(x0 + 200.0, y), egui::pos2(x0 + 240.0, y - 35.0)],
        (3.0, c),
    );
    p.line_segment(
        [egui::pos2(x0 + 240.0, y - 35.0), egui::pos2(x0 + 280.0, y)],
        (3.0, c),
    );
    for (x, name, col) in [
        (x0 + 80.0, "chest band", crate::app::style::CHEST),
        (x0 + 150.0, "belly band", crate::app::style::BELLY),
    ] {
        p.line_segment(
            [egui::pos2(x, y - 18.0), egui::pos2(x, y + 18.0)],
            (5.0, col),
        );
        p.text(
            egui::pos2(x, y + 30.0),
            egui::Align2::CENTER_CENTER,
            name,
            egui::FontId::proportional(12.0),
            col,
        );
    }
}
