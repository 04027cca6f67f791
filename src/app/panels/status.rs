//! The status line (source, rate, samples lost, corrupt frames, reconnects)
//! and the banner when the band signal is lost or comes back.

use crate::app::live_data::{LinkState, LiveData};
use egui::{Color32, RichText};

/// One line of status.
pub fn status_line(ui: &mut egui::Ui, data: &LiveData) {
    ui.horizontal_wrapped(|ui| {
        let (state, color) = match &data.link {
            LinkState::Connecting => ("connecting...".to_string(), Color32::GRAY),
            LinkState::Live => ("live".to_string(), Color32::from_rgb(46, 160, 90)),
            LinkState::Lost(w) => (format!("link lost: {w}"), Color32::from_rgb(210, 60, 60)),
            LinkState::Ended => ("replay ended".to_string(), Color32::GRAY),
            LinkState::Disconnected => ("disconnected".to_string(), Color32::GRAY),
            LinkState::Failed(e) => (format!("stopped: {e}"), Color32::from_rgb(210, 60, 60)),
        };
        ui.colored_label(color, state);
        if let Some(i) = &data.info {
            let what = match i.kind.as_str() {
                "virtual" => "VIRTUAL SENSOR (simulated, not a real measurement)".to_string(),
                "replay" => format!("replay of {}", i.path.as_deref().unwrap_or("?")),
                _ => format!(
                    "{}{}",
                    i.path.as_deref().unwrap_or("serial"),
                    i.usb_product
                        .as_deref()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default()
                ),
            };
            ui.separator();
            ui.label(RichText::new(what).strong());
            ui.separator();
            ui.label(format!(
                "{} Hz{}",
                i.sample_rate_hz,
                if i.rate_estimated { " (estimated)" } else { "" }
            ));
        }
        let c = &data.counters;
        ui.separator();
        ui.label(format!("lost {}", c.samples_lost));
        ui.label(format!("corrupt frames {}", c.crc_errors + c.malformed));
        ui.label(format!("reconnects {}", c.reconnects));
    });
}

/// The banner, if one is due.
pub fn banner(ui: &mut egui::Ui, data: &LiveData) {
    if let Some(b) = data.banner_now() {
        let (fill, text) = if b.alarm {
            (Color32::from_rgb(120, 30, 30), Color32::WHITE)
        } else {
            (Color32::from_rgb(30, 100, 60), Color32::WHITE)
        };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(8.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.label(RichText::new(&b.text).color(text).size(16.0).strong());
            });
    }
}
