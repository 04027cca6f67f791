//! The `breathband` binary: see `breathband --help`.

fn main() -> std::process::ExitCode {
    match breathband::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: what failed, on what, and what to try.
            eprintln!("breathband: error: {}", one_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each cause once: many messages
/// already quote their cause, which `{:#}` would print a second time.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !line.contains(&c) {
            line.push_str(": ");
            line.push_str(&c);
        }
    }
    line
}
