//! Opening the port: by path, else by USB serial number, with error messages
//! that say what to do.

use super::SerialSource;
use crate::device::port_match::{self, PortIdentity};
use crate::device::ports::{list_ports, PortEntry};
use std::time::Duration;

/// One line for a port that cannot be opened: what failed and what to do.
pub fn open_error_message(path: &str, e: &serialport::Error) -> String {
    use serialport::ErrorKind as K;
    match e.kind() {
        K::Io(std::io::ErrorKind::PermissionDenied) => format!(
            "cannot open {path}: permission denied; add your user to the dialout group \
             (`sudo usermod -aG dialout $USER`, then log out and in again)"
        ),
        K::NoDevice => {
            format!("cannot open {path}: {e}; is another program using it? see `breathband ports`")
        }
        _ => format!("cannot open {path}: {e}; see `breathband ports` for the ports present"),
    }
}

impl SerialSource {
    fn open_path(&mut self, path: &str) -> Result<(), serialport::Error> {
        let port = serialport::new(path, self.cfg.baud)
            .timeout(Duration::from_millis(50))
            .open()?;
        self.port = Some(port);
        Ok(())
    }

    /// Opens the remembered path, else a port with the remembered USB serial
    /// number (the device moved), and learns the USB details of the port.
    pub(super) fn open_port(&mut self) -> Result<(), String> {
        // Enumeration can fail (no udev); the path alone still works then.
        let ports = list_ports().unwrap_or_default();
        if self.identity.canonical.is_none() {
            self.identity.canonical = std::fs::canonicalize(&self.identity.path)
                .ok()
                .map(|p| p.display().to_string());
        }
        let mut first_error = None;
        for path in port_match::candidates(&self.identity, &ports) {
            match self.open_path(&path) {
                Ok(()) => {
                    self.learn_usb_details(&path, &ports);
                    return Ok(());
                }
                Err(e) => {
                    first_error.get_or_insert_with(|| open_error_message(&path, &e));
                }
            }
        }
        Err(first_error.unwrap_or_else(|| format!("cannot open {}", self.identity.path)))
    }

    fn learn_usb_details(&mut self, opened: &str, ports: &[PortEntry]) {
        if self.identity.usb_serial.is_some() {
            return;
        }
        let here = PortIdentity {
            path: opened.to_string(),
            canonical: std::fs::canonicalize(opened)
                .ok()
                .map(|p| p.display().to_string()),
            usb_serial: None,
        };
        if let Some(p) = port_match::entry_for(&here, ports) {
            self.identity.usb_serial = p.serial_number.clone();
            self.usb_product = p.product.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_denied_says_to_join_dialout() {
        let e = serialport::Error::new(
            serialport::ErrorKind::Io(std::io::ErrorKind::PermissionDenied),
            "Permission denied",
        );
        let m = open_error_message("/dev/ttyACM0", &e);
        assert!(
            m.contains("/dev/ttyACM0") && m.contains("dialout group"),
            "{m}"
        );
    }

    #[test]
    fn other_errors_point_to_the_port_list() {
        for kind in [
            serialport::ErrorKind::Io(std::io::ErrorKind::NotFound),
            serialport::ErrorKind::NoDevice,
            serialport::ErrorKind::Unknown,
        ] {
            let m = open_error_message("/dev/x", &serialport::Error::new(kind, "boom"));
            assert!(
                m.contains("see `breathband ports`") && m.contains("boom"),
                "{m}"
            );
        }
    }
}
