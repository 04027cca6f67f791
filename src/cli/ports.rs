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
        println!("{}", serde_json::to_string_pretty(&ports)?);
    } else if ports.is_empty() {
        println!("no serial ports found (plug in the sensor, or try `breathband simulate --pty`)");
    } else {
        for p in &ports {
            println!("{}", p.describe());
        }
    }
    Ok(())
}
