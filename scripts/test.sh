#!/usr/bin/env bash
# The whole check, as CI runs it: format, lints, build, tests, firmware test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The codec must build without std (it is `no_std` unless the `std` feature
# is on). Built for the host: an embedded target such as thumbv6m-none-eabi
# is used when installed (`rustup target add thumbv6m-none-eabi`).
cargo build -p breathband-protocol --no-default-features --locked
if rustup target list --installed 2>/dev/null | grep -qx thumbv6m-none-eabi; then
    cargo build -p breathband-protocol --no-default-features --locked --target thumbv6m-none-eabi
fi
cargo build --workspace --all-targets --locked
cargo test --workspace --locked
bash firmware-protocol/arduino/test/run.sh
# The Debian package: built (release) and its contents checked.
bash scripts/package.sh
# The real window under a virtual display: a screenshot of the live view.
PROFILE=dev bash scripts/screenshots.sh target/screenshots live practice_summary
