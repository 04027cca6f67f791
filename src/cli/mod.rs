//! The command line: one binary, subcommands for headless use and tests.
//! The top layer: imports anything, is imported by nothing but `main`.

mod analyze;
mod checkin;
mod export;
mod gui;
mod pacer;
mod plan;
mod ports;
mod record;
mod remind;
mod report;
mod sessions;
mod simulate;
mod virtual_args;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// breathband: breathing-pattern trainer for two stretch bands (chest, belly).
/// A training aid, not a medical device.
#[derive(Debug, Parser)]
#[command(name = "breathband", version, about, long_about = None)]
pub struct Cli {
    /// Folder that holds sessions (default: the OS data directory).
    #[arg(long, global = true, env = crate::session::folder::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do; without one, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop app (the default without a subcommand).
    Gui(gui::GuiArgs),
    /// List serial ports, with USB vendor/product, serial number and name.
    Ports(ports::PortsArgs),
    /// Run the virtual sensor behind a pseudo-terminal, or write its signals to a CSV.
    Simulate(simulate::SimulateArgs),
    /// Record a session headless from a port, the virtual sensor or a replay.
    Record(record::RecordArgs),
    /// Analyse a recorded CSV or session: rate, band amplitudes, phase, classes.
    Analyze(analyze::AnalyzeArgs),
    /// Render the pacing cues of a breathing pattern to a WAV file.
    Pacer(pacer::PacerArgs),
    /// List sessions with their summaries.
    Sessions(sessions::SessionsArgs),
    /// Export a session's CSVs, or all, plus a history CSV.
    Export(export::ExportArgs),
    /// Show or set the practice plan: sessions a day, times, minutes, posture.
    Plan(plan::PlanArgs),
    /// Record today's neck pain and tension, dizziness and a note.
    Checkin(checkin::CheckinArgs),
    /// Notify when a planned session is due; --install/--uninstall the timer.
    Remind(remind::RemindArgs),
    /// Write a PDF report for the therapist: plan, practice, symptoms, notes.
    Report(report::ReportArgs),
}

/// Parses arguments and runs; errors come back for `main` to print.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("BREATHBAND_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli
        .command
        .unwrap_or(Command::Gui(gui::GuiArgs::defaults()))
    {
        Command::Gui(a) => gui::run(a, cli.data_dir.as_deref()),
        Command::Ports(a) => ports::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Record(a) => record::run(a, cli.data_dir.as_deref()),
        Command::Analyze(a) => analyze::run(a),
        Command::Pacer(a) => pacer::run(a),
        Command::Sessions(a) => sessions::run(a, cli.data_dir.as_deref()),
        Command::Plan(a) => plan::run(a, cli.data_dir.as_deref()),
        Command::Checkin(a) => checkin::run(a, cli.data_dir.as_deref()),
        Command::Remind(a) => remind::run(a, cli.data_dir.as_deref()),
        Command::Report(a) => report::run(a, cli.data_dir.as_deref()),
        Command::Export(a) => export::run(a, cli.data_dir.as_deref()),
    }
}

/// A flag set by Ctrl-C, SIGTERM or SIGHUP (the terminal closed), for
/// commands that run until stopped: the session is then closed properly.
pub(crate) fn stop_on_signal() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        if let Err(e) = signal_hook::flag::register(sig, flag.clone()) {
            tracing::warn!("cannot catch signal {sig}: {e}");
        }
    }
    flag
}

/// Prints a line on stdout; a closed pipe (`| head`) must not end a recording.
pub(crate) fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_fmt(line)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
}
