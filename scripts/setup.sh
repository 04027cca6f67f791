#!/usr/bin/env bash
# Installs what building and testing breathband needs on Debian/Ubuntu
# (Rust itself is assumed: https://rustup.rs). Safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# pkg-config + libudev-dev: serial port enumeration with USB details.
# g++: the reference firmware's host test.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config libudev-dev g++ ca-certificates >/dev/null
for comp in rustfmt clippy; do
    if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$comp"
    fi
done
echo "setup: system packages and Rust components are in place"
