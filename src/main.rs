//! The `breathband` binary: see `breathband --help`.

fn main() -> std::process::ExitCode {
    match breathband::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: what failed, on what, and what to try.
            eprintln!("breathband: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
