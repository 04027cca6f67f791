//! pyedflib (EDFlib's Python binding), the independent EDF reader and
//! writer of the tests, in `.venv` from scripts/setup.sh.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python with pyedflib: `BREATHBAND_TEST_PYTHON`, else `.venv`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("BREATHBAND_TEST_PYTHON") {
        return p.into();
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run `bash scripts/setup.sh` (it installs pyedflib)",
        p.display()
    );
    p
}

pub fn pyedf(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edf/pyedf.py");
    let out = Command::new(python())
        .arg(script)
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pyedf.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What pyedflib reads from `file`.
pub fn dump(file: &Path) -> Value {
    serde_json::from_str(&pyedf(&["dump", file.to_str().unwrap()])).unwrap()
}
