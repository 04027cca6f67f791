//! A strip of the recent breaths: one mark per breath, coloured by its class.

use crate::analysis::Breath;
use crate::app::style::{class_color, class_words};
use egui::{Sense, Vec2};

/// Marks for `breaths`, oldest left.
pub fn ui<'a>(ui: &mut egui::Ui, breaths: impl ExactSizeIterator<Item = &'a Breath>) {
    let n = breaths.len();
    ui.label(format!("Recent breaths ({n})"));
    let size = 18.0;
    let width = ui.available_width().max(size);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, size + 4.0), Sense::hover());
    let p = ui.painter_at(rect);
    let per_row = ((width / (size + 4.0)) as usize).max(1);
    let skip = n.saturating_sub(per_row);
    for (k, b) in breaths.skip(skip).enumerate() {
        let c = rect.left_center() + Vec2::new(size / 2.0 + k as f32 * (size + 4.0), 0.0);
        p.circle_filled(c, size / 2.0, class_color(b.class));
        let r = egui::Rect::from_center_size(c, Vec2::splat(size));
        ui.interact(r, ui.scope_id().with(("breath", k)), Sense::hover())
            .on_hover_text(format!(
                "{}: share {:.0} %, {:.1}/min",
                class_words(b.class),
                b.belly_share * 100.0,
                b.rate_bpm
            ));
    }
}
