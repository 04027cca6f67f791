//! The adherence calendar: the last weeks, one column per weekday, each
//! day a band per planned slot; every state has a mark beside its colour.

use crate::program::adherence::{Calendar, SlotState};
use chrono::Datelike;
use egui::{Color32, Sense, Vec2};

pub fn slot_color(s: SlotState) -> Color32 {
    match s {
        SlotState::Done => Color32::from_rgb(0, 158, 115),
        SlotState::Partial => Color32::from_rgb(240, 228, 66),
        SlotState::Open => Color32::from_rgb(90, 90, 90),
        SlotState::Missed => Color32::from_rgb(160, 70, 20),
        SlotState::BeforeStart => Color32::from_rgb(45, 45, 45),
    }
}

/// A mark drawn on a slot beside its colour, so that no state is told by
/// colour alone: a tick (done), a dash (partial), a cross (missed), a ring
/// (open), nothing (before the first day of use).
fn slot_mark(p: &egui::Painter, r: egui::Rect, s: SlotState, ink: Color32) {
    // Dark ink on the light yellow of "partial".
    let ink = if s == SlotState::Partial {
        Color32::from_gray(20)
    } else {
        ink
    };
    let c = r.center();
    let h = (r.height().min(r.width()) * 0.32).max(2.0);
    let stroke = egui::Stroke::new(1.6, ink);
    match s {
        SlotState::Done => {
            p.line(
                vec![
                    c + Vec2::new(-h, 0.0),
                    c + Vec2::new(-h * 0.3, h * 0.7),
                    c + Vec2::new(h, -h * 0.7),
                ],
                stroke,
            );
        }
        SlotState::Partial => {
            p.line_segment([c + Vec2::new(-h, 0.0), c + Vec2::new(h, 0.0)], stroke);
        }
        SlotState::Missed => {
            p.line_segment([c + Vec2::new(-h, -h), c + Vec2::new(h, h)], stroke);
            p.line_segment([c + Vec2::new(-h, h), c + Vec2::new(h, -h)], stroke);
        }
        SlotState::Open => {
            p.circle_stroke(c, h, stroke);
        }
        SlotState::BeforeStart => {}
    }
}

/// The last weeks, one column per weekday (Monday first), each day split
/// into its morning (top) and evening (bottom) slot, with its day of month.
pub fn ui(ui: &mut egui::Ui, c: &Calendar) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Calendar: each day's planned sessions from top (morning) to bottom (evening).");
        for (s, name) in [
            (SlotState::Done, "done"),
            (SlotState::Partial, "partial"),
            (SlotState::Missed, "missed"),
            (SlotState::Open, "still open"),
            (SlotState::BeforeStart, "before you started"),
        ] {
            let (r, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            ui.painter().rect_filled(r, 2.0, slot_color(s));
            slot_mark(ui.painter(), r, s, Color32::WHITE);
            ui.label(name);
        }
    });
    let Some(first) = c.days.first() else {
        return;
    };
    let (cell, gap, head) = (36.0_f32, 4.0_f32, 16.0_f32);
    let lead = first.date.weekday().num_days_from_monday() as usize;
    let rows = (lead + c.days.len()).div_ceil(7).max(1);
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(7.0 * (cell + gap), head + rows as f32 * (cell + gap)),
        Sense::hover(),
    );
    let p = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    for (k, name) in ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        .iter()
        .enumerate()
    {
        p.text(
            rect.min + Vec2::new(k as f32 * (cell + gap) + cell / 2.0, head / 2.0),
            egui::Align2::CENTER_CENTER,
            name,
            egui::FontId::proportional(11.0),
            text,
        );
    }
    for (k, d) in c.days.iter().enumerate() {
        let at = lead + k;
        let (col, row) = ((at % 7) as f32, (at / 7) as f32);
        let min = rect.min + Vec2::new(col * (cell + gap), head + row * (cell + gap));
        // The day of month on the left third, one band per slot beside it.
        let n = d.slots.len().max(1) as f32;
        let band_h = cell / n;
        let left = cell * 0.4;
        p.rect_filled(
            egui::Rect::from_min_size(min, Vec2::new(left, cell)),
            2.0,
            Color32::from_gray(60),
        );
        for (i, (_, s)) in d.slots.iter().enumerate() {
            let r = egui::Rect::from_min_size(
                min + Vec2::new(left, i as f32 * band_h),
                Vec2::new(cell - left, band_h - 1.0),
            );
            p.rect_filled(r, 1.0, slot_color(*s));
            slot_mark(&p, r, *s, Color32::WHITE);
        }
        if d.date == c.today.date {
            p.rect_stroke(
                egui::Rect::from_min_size(min, Vec2::splat(cell)),
                2.0,
                (2.0, text),
                egui::StrokeKind::Outside,
            );
        }
        p.text(
            min + Vec2::new(left / 2.0, cell / 2.0),
            egui::Align2::CENTER_CENTER,
            d.date.day().to_string(),
            egui::FontId::proportional(11.0),
            Color32::WHITE,
        );
    }
}
