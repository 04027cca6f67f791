//! The one-time disclaimer, said once and plainly, until acknowledged.

/// Shows the disclaimer over the window while `seen` is false.
pub fn ui(ctx: &egui::Context, seen: &mut bool) {
    if *seen {
        return;
    }
    egui::Modal::new(egui::Id::unique("disclaimer")).show(ctx, |ui| {
        ui.heading("Before you start");
        ui.label(
            "breathband is a training aid, not a medical device. It does not diagnose or \
             treat anything. Practice should stay pain-free: stop at once if it hurts or \
             you feel dizzy, and ask your clinician if unsure.",
        );
        if ui.button("I understand").clicked() {
            *seen = true;
        }
    });
}
