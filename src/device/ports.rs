//! Lists serial ports with the USB details the OS gives.

use serde::Serialize;

/// One serial port as shown by `breathband ports` and the app's picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortEntry {
    pub path: String,
    /// `usb`, `pci`, `bluetooth` or `unknown`.
    pub kind: String,
    pub vid: Option<u16>,
    pub pid: Option<u16>,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
}

impl PortEntry {
    /// One line for people: path, then what is known about the device.
    pub fn describe(&self) -> String {
        let mut s = self.path.clone();
        if let (Some(v), Some(p)) = (self.vid, self.pid) {
            s += &format!("  usb {v:04x}:{p:04x}");
        } else {
            s += &format!("  {}", self.kind);
        }
        for (label, v) in [
            ("product", &self.product),
            ("maker", &self.manufacturer),
            ("serial", &self.serial_number),
        ] {
            if let Some(v) = v {
                s += &format!("  {label}: {v}");
            }
        }
        s
    }
}

/// Serial ports present now, sorted by path.
pub fn list_ports() -> Result<Vec<PortEntry>, serialport::Error> {
    use serialport::SerialPortType as T;
    let mut v: Vec<PortEntry> = serialport::available_ports()?
        .into_iter()
        .map(|p| {
            let base = PortEntry {
                path: p.port_name.clone(),
                kind: "unknown".into(),
                vid: None,
                pid: None,
                serial_number: None,
                manufacturer: None,
                product: None,
            };
            match p.port_type {
                T::UsbPort(u) => PortEntry {
                    kind: "usb".into(),
                    vid: Some(u.vid),
                    pid: Some(u.pid),
                    serial_number: u.serial_number,
                    manufacturer: u.manufacturer,
                    product: u.product,
                    ..base
                },
                T::PciPort => PortEntry {
                    kind: "pci".into(),
                    ..base
                },
                T::BluetoothPort => PortEntry {
                    kind: "bluetooth".into(),
                    ..base
                },
                T::Unknown => base,
            }
        })
        .collect();
    v.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(v)
}
