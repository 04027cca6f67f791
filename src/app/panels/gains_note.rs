//! Which band gains the readings use, when they are not the sensor's own
//! scale, with a way back to it outside a guided session.

use crate::analysis::Gains;
use crate::app::command::AppCommand;

/// Says which gains are applied if they are a calibration (measured side
/// by side, or given explicitly); offers "Reset calibration" when
/// `can_reset` (no guided session running).
pub fn ui(ui: &mut egui::Ui, gains: &Gains, can_reset: bool) -> Option<AppCommand> {
    let what = match gains.method.as_str() {
        "side_by_side" => "measured side by side",
        "explicit" => "set by hand",
        _ => return None,
    };
    let mut cmd = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "Calibration applied ({what}): belly readings scaled x{:.2} against the chest's",
            gains.belly / gains.chest
        ));
        let reset = ui
            .add_enabled(can_reset, egui::Button::new("Reset calibration"))
            .on_hover_text("Go back to the sensor's own scale and forget the saved calibration")
            .on_disabled_hover_text("Not during a guided session");
        if reset.clicked() {
            cmd = Some(AppCommand::ResetCalibration);
        }
    });
    cmd
}
