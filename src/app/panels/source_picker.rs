//! The source picker: serial ports (with USB product and serial number), the
//! virtual sensor with its controls, or replay of a recorded session.

pub use crate::app::settings::{SourceKind, SourceSettings};
use crate::device::ports::PortEntry;
use crate::device::virtual_sensor::VirtualParams;

/// What the picker asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceCommand {
    Connect,
    Disconnect,
    /// New virtual sensor parameters (applied from the next breath).
    SetVirtual(VirtualParams),
    /// List the serial ports again (the app scans off the UI thread).
    ScanPorts,
}

/// The picker's own state: the port list (the app scans for it).
#[derive(Default)]
pub struct SourcePicker {
    pub ports: Vec<PortEntry>,
    pub port_error: Option<String>,
    /// A scan runs (started by the app on [`SourceCommand::ScanPorts`]).
    scanning: bool,
    /// A scan was started (or a list given): the port tab asks for no more.
    scanned: bool,
}

impl SourcePicker {
    /// Sets the port list (a scan found these).
    pub fn set_ports(&mut self, ports: Vec<PortEntry>) {
        self.ports = ports;
        self.port_error = None;
        self.scanned = true;
        self.scanning = false;
    }

    /// A scan failed.
    pub fn set_scan_error(&mut self, e: String) {
        self.port_error = Some(format!("cannot list ports: {e}"));
        self.scanning = false;
    }

    /// The app started a scan.
    pub fn scan_started(&mut self) {
        self.scanned = true;
        self.scanning = true;
    }

    /// True while a scan runs.
    pub fn scanning(&self) -> bool {
        self.scanning
    }

    /// Shows the picker; returns a command when the person acts.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        s: &mut SourceSettings,
        connected: bool,
    ) -> Option<SourceCommand> {
        let mut cmd = None;
        ui.heading("Source");
        ui.horizontal(|ui| {
            ui.selectable_value(&mut s.kind, SourceKind::Virtual, "Virtual sensor");
            ui.selectable_value(&mut s.kind, SourceKind::Port, "Serial port");
            ui.selectable_value(&mut s.kind, SourceKind::Replay, "Replay");
        });
        match s.kind {
            SourceKind::Virtual => {
                ui.label("A simulated pair of bands, to explore the app without hardware.");
                let p = &mut s.virtual_params;
                let mut changed = false;
                changed |= ui
                    .add(egui::Slider::new(&mut p.rate_bpm, 3.0..=40.0).text("breaths/min"))
                    .changed();
                changed |= ui
                    .add(egui::Slider::new(&mut p.belly_share, 0.0..=1.0).text("belly share"))
                    .changed();
                changed |= ui
                    .add(egui::Slider::new(&mut p.phase_deg, -180.0..=180.0).text("phase (deg)"))
                    .on_hover_text("Belly lead over chest; 180 = paradoxical")
                    .changed();
                changed |= ui
                    .add(egui::Slider::new(&mut p.noise, 0.0..=0.2).text("noise"))
                    .changed();
                if changed && connected {
                    cmd = Some(SourceCommand::SetVirtual(p.clone()));
                }
            }
            SourceKind::Port => {
                // The first time the tab shows, look for ports at once.
                if !self.scanned {
                    cmd = Some(SourceCommand::ScanPorts);
                }
                ui.horizontal(|ui| {
                    if ui.button("Refresh").clicked() {
                        cmd = Some(SourceCommand::ScanPorts);
                    }
                    if self.scanning {
                        ui.spinner();
                        ui.label("Searching for serial ports...");
                    }
                });
                if let Some(e) = &self.port_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if self.ports.is_empty() && !self.scanning {
                    ui.label("No serial ports found. Plug the sensor in and press Refresh.");
                }
                for p in &self.ports {
                    ui.radio_value(&mut s.port, p.path.clone(), p.describe());
                }
                // A port the scan does not list (a Bluetooth rfcomm device,
                // a symlink from a udev rule) can be typed.
                ui.horizontal(|ui| {
                    let l = ui.label("Port path");
                    ui.add(
                        egui::TextEdit::singleline(&mut s.port)
                            .hint_text("/dev/ttyACM0")
                            .desired_width(160.0),
                    )
                    .labelled_by(l.id);
                });
                ui.horizontal(|ui| {
                    ui.label("Board");
                    ui.radio_value(&mut s.bitalino, false, "breathband");
                    ui.radio_value(&mut s.bitalino, true, "BITalino");
                });
                if s.bitalino {
                    // One row per band: the PZT sensors' analog inputs.
                    for (i, band) in ["chest", "belly"].into_iter().enumerate() {
                        let c = &mut s.bitalino_channels[i];
                        egui::ComboBox::from_label(format!("{band} band"))
                            .width(60.0)
                            .selected_text(format!("A{}", *c + 1))
                            .show_ui(ui, |ui| {
                                for k in 0..crate::device::bitalino::codec::CHANNELS {
                                    ui.selectable_value(c, k, format!("A{}", k + 1));
                                }
                            });
                    }
                    if s.bitalino_channels[0] == s.bitalino_channels[1] {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            "Choose two different channels.",
                        );
                    }
                }
            }
            SourceKind::Replay => {
                ui.horizontal(|ui| {
                    let l = ui.label("Session folder or CSV");
                    ui.text_edit_singleline(&mut s.replay_path)
                        .labelled_by(l.id);
                });
                ui.add(egui::Slider::new(&mut s.replay_speed, 0.5..=20.0).text("speed"));
            }
        }
        ui.horizontal(|ui| {
            if connected {
                if ui.button("Disconnect").clicked() {
                    cmd = Some(SourceCommand::Disconnect);
                }
                if ui.button("Reconnect with these settings").clicked() {
                    cmd = Some(SourceCommand::Connect);
                }
            } else if ui.button("Connect").clicked() {
                cmd = Some(SourceCommand::Connect);
            }
        });
        cmd
    }
}
