//! The status line in plain words (is the sensor connected, is it the
//! virtual one), its "Details" (port, sample rate, samples lost, corrupt
//! frames, reconnects, the technical reason of a failure), and the banner
//! when the band signal is lost or comes back.

use crate::app::live_data::{LinkState, LiveData};
use egui::{Color32, RichText};

/// The connection in a few plain words, and whether it is a problem.
pub fn plain_state(link: &LinkState) -> (&'static str, bool) {
    match link {
        LinkState::Connecting => ("Connecting to the sensor...", false),
        LinkState::Live => ("Sensor connected", false),
        LinkState::Lost(_) => ("Sensor not answering: reconnecting...", true),
        LinkState::Ended => ("Replay ended", false),
        LinkState::Disconnected => ("Not connected", false),
        LinkState::Failed(_) => ("The sensor stopped", true),
    }
}

/// One line of status in plain words, then the engineering detail folded
/// under "Details".
pub fn status_line(ui: &mut egui::Ui, data: &LiveData) {
    let id = egui::Id::unique("status_details");
    let mut open = ui.data(|d| d.get_temp::<bool>(id).unwrap_or(false));
    ui.horizontal_wrapped(|ui| {
        let (state, problem) = plain_state(&data.link);
        let color = match (&data.link, problem) {
            (_, true) => Color32::from_rgb(210, 60, 60),
            (LinkState::Live, _) => Color32::from_rgb(46, 160, 90),
            _ => Color32::GRAY,
        };
        ui.colored_label(color, state);
        if let Some(i) = &data.info {
            let what = match i.kind.as_str() {
                "virtual" => "VIRTUAL SENSOR (simulated, not a real measurement)",
                "replay" => "replay of a recording",
                _ => "breathing bands",
            };
            ui.separator();
            ui.label(RichText::new(what).strong());
        }
        ui.separator();
        ui.toggle_value(&mut open, "Details")
            .on_hover_text("Port, sample rate, samples lost, the technical reason of a failure");
    });
    ui.data_mut(|d| d.insert_temp(id, open));
    if open {
        details(ui, data);
    }
}

/// The engineering detail: where the data comes from, at what rate, what
/// was lost, and the technical reason of a failure.
fn details(ui: &mut egui::Ui, data: &LiveData) {
    ui.horizontal_wrapped(|ui| {
        if let Some(i) = &data.info {
            let from = match i.kind.as_str() {
                "virtual" => "built-in virtual sensor".to_string(),
                _ => format!(
                    "{}{}",
                    i.path.as_deref().unwrap_or("serial"),
                    i.usb_product
                        .as_deref()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default()
                ),
            };
            ui.label(from);
            ui.separator();
            ui.label(format!(
                "{} Hz{}",
                i.sample_rate_hz,
                if i.rate_estimated { " (estimated)" } else { "" }
            ));
            ui.separator();
        }
        let c = &data.counters;
        ui.label(format!("lost {}", c.samples_lost));
        ui.label(format!("corrupt frames {}", c.crc_errors + c.malformed));
        ui.label(format!("reconnects {}", c.reconnects));
        if let Some(d) = &data.recording {
            ui.separator();
            ui.label(format!("recording to {}", d.display()));
        }
    });
    match &data.link {
        LinkState::Lost(w) => {
            ui.label(format!("link lost: {w}"));
        }
        LinkState::Failed(e) => {
            ui.label(format!("stopped: {e}"));
        }
        _ => {}
    }
}

/// The banner, if one is due: plain words, the technical reason under
/// "Details".
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
                if let Some(d) = &b.detail {
                    egui::CollapsingHeader::new(RichText::new("Details").color(text))
                        .id_salt("banner_details")
                        .show(ui, |ui| ui.label(RichText::new(d).color(text)));
                }
            });
    }
}
