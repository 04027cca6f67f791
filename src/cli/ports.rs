//! `breathband ports`.

use crate::device::ports::list_ports;
use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct PortsArgs {
    /// Print a JSON array instead of lines.
    #[arg(long)]
    json: bool,
}

pub fn run(a: PortsArgs) -> anyhow::Result<()> {
    let ports = list_ports().context("cannot list serial ports")?;
    if a.json {
        super::say(format_args!("{}", serde_json::to_string_pretty(&ports)?));
    } else if ports.is_empty() {
        super::say(format_args!(
            "no serial ports found (plug in the sensor, or try `breathband simulate --pty`)"
        ));
    } else {
        for p in &ports {
            super::say(format_args!("{}", p.describe()));
        }
    }
    Ok(())
}
