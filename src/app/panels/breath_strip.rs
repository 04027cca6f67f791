//! A strip of the recent breaths: one mark per breath, its class told by
//! colour and by shape, with a legend.

use crate::analysis::{Breath, Class};
use crate::app::style::{class_color, class_mark, class_words, draw_mark};
use egui::{Sense, Vec2};

/// Marks for `breaths`, oldest left, and the legend.
pub fn ui<'a>(ui: &mut egui::Ui, breaths: impl ExactSizeIterator<Item = &'a Breath>) {
    let n = breaths.len();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Recent breaths ({n}):"));
        for c in [Class::Belly, Class::Mixed, Class::Chest, Class::Paradoxical] {
            let (r, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            draw_mark(ui.painter(), r.center(), 6.0, class_mark(c), class_color(c));
            ui.label(class_words(c).trim_end_matches(" breathing"));
        }
    });
    let size = 18.0;
    let width = ui.available_width().max(size);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, size + 4.0), Sense::hover());
    let p = ui.painter_at(rect);
    let per_row = ((width / (size + 4.0)) as usize).max(1);
    let skip = n.saturating_sub(per_row);
    for (k, b) in breaths.skip(skip).enumerate() {
        let c = rect.left_center() + Vec2::new(size / 2.0 + k as f32 * (size + 4.0), 0.0);
        draw_mark(&p, c, size / 2.0, class_mark(b.class), class_color(b.class));
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
