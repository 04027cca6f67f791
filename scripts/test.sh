#!/usr/bin/env bash
# The whole check, as CI runs it: format, lints, build, tests, firmware test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --all-targets --locked
cargo test --workspace --locked
bash firmware-protocol/arduino/test/run.sh
# The real window under a virtual display: a screenshot of the live view.
PROFILE=dev bash scripts/screenshots.sh target/screenshots live practice_summary
