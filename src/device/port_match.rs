//! Which port to (re)open for a remembered device. Pure: the list of ports is
//! passed in (from [`list_ports`](super::ports::list_ports) in the app, made up
//! in tests), so the choice is tested without hardware.

use super::ports::PortEntry;

/// What the host remembers about the device it was talking to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortIdentity {
    /// The path the user gave (may be a symlink such as `/dev/serial/by-id/...`).
    pub path: String,
    /// The same path with symlinks resolved, if it could be resolved.
    pub canonical: Option<String>,
    /// USB serial number of the device, once known.
    pub usb_serial: Option<String>,
}

impl PortIdentity {
    /// True when a listed port name is the remembered path.
    fn is_path(&self, name: &str) -> bool {
        name == self.path || self.canonical.as_deref() == Some(name)
    }
}

/// Paths to try, best first, to reach the remembered device again.
///
/// - Ports with the remembered USB serial number come first when the
///   remembered path now belongs to a device with a *different* serial
///   number (another board took the path; ours moved).
/// - Otherwise the remembered path comes first, even when it is not listed
///   (pseudo-terminals and some adapters are not enumerated), followed by
///   any other port with the remembered serial number (the device moved).
/// - Without a remembered serial number only the path is tried.
pub fn candidates(id: &PortIdentity, ports: &[PortEntry]) -> Vec<String> {
    let Some(serial) = id.usb_serial.as_deref() else {
        return vec![id.path.clone()];
    };
    let by_serial: Vec<String> = ports
        .iter()
        .filter(|p| p.serial_number.as_deref() == Some(serial) && !id.is_path(&p.path))
        .map(|p| p.path.clone())
        .collect();
    let path_taken_by_other = ports.iter().any(|p| {
        id.is_path(&p.path)
            && p.serial_number
                .as_deref()
                .is_some_and(|other| other != serial)
    });
    let mut out = Vec::with_capacity(by_serial.len() + 1);
    if path_taken_by_other && !by_serial.is_empty() {
        out.extend(by_serial);
        out.push(id.path.clone());
    } else {
        out.push(id.path.clone());
        out.extend(by_serial);
    }
    out
}

/// The listed entry of the remembered path, if the OS enumerates it.
pub fn entry_for<'a>(id: &PortIdentity, ports: &'a [PortEntry]) -> Option<&'a PortEntry> {
    ports.iter().find(|p| id.is_path(&p.path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usb(path: &str, serial: Option<&str>) -> PortEntry {
        PortEntry {
            path: path.into(),
            kind: "usb".into(),
            vid: Some(0x2341),
            pid: Some(0x0043),
            serial_number: serial.map(Into::into),
            manufacturer: None,
            product: Some("Arduino Uno".into()),
        }
    }

    fn id(path: &str, serial: Option<&str>) -> PortIdentity {
        PortIdentity {
            path: path.into(),
            canonical: None,
            usb_serial: serial.map(Into::into),
        }
    }

    #[test]
    fn same_path_first_when_the_device_is_still_there() {
        let ports = [
            usb("/dev/ttyACM0", Some("A1")),
            usb("/dev/ttyACM1", Some("B2")),
        ];
        assert_eq!(
            candidates(&id("/dev/ttyACM0", Some("A1")), &ports),
            ["/dev/ttyACM0"]
        );
    }

    #[test]
    fn a_device_that_moved_is_found_by_its_serial_number() {
        // Re-plugged: it came back as ttyACM1, ttyACM0 is gone.
        let ports = [
            usb("/dev/ttyACM1", Some("A1")),
            usb("/dev/ttyUSB0", Some("Z9")),
        ];
        assert_eq!(
            candidates(&id("/dev/ttyACM0", Some("A1")), &ports),
            ["/dev/ttyACM0", "/dev/ttyACM1"]
        );
    }

    #[test]
    fn another_board_on_the_old_path_loses_to_the_serial_number() {
        let ports = [
            usb("/dev/ttyACM0", Some("B2")),
            usb("/dev/ttyACM1", Some("A1")),
        ];
        assert_eq!(
            candidates(&id("/dev/ttyACM0", Some("A1")), &ports),
            ["/dev/ttyACM1", "/dev/ttyACM0"]
        );
    }

    #[test]
    fn symlinked_path_matches_its_canonical_port() {
        let mut who = id("/dev/serial/by-id/usb-Arduino_A1-if00", Some("A1"));
        who.canonical = Some("/dev/ttyACM0".into());
        let ports = [usb("/dev/ttyACM0", Some("A1"))];
        assert_eq!(
            candidates(&who, &ports),
            ["/dev/serial/by-id/usb-Arduino_A1-if00"]
        );
    }

    #[test]
    fn entry_for_finds_the_path_or_its_canonical_name() {
        let ports = [usb("/dev/ttyACM0", Some("A1"))];
        let mut who = id("/dev/serial/by-id/x", None);
        assert_eq!(entry_for(&who, &ports), None);
        who.canonical = Some("/dev/ttyACM0".into());
        assert_eq!(entry_for(&who, &ports), Some(&ports[0]));
    }

    #[test]
    fn without_a_serial_number_only_the_path_is_tried() {
        let ports = [usb("/dev/ttyACM1", Some("A1"))];
        assert_eq!(candidates(&id("/dev/pts/7", None), &ports), ["/dev/pts/7"]);
        assert_eq!(
            candidates(&id("/dev/pts/7", Some("A1")), &[]),
            ["/dev/pts/7"]
        );
    }
}
