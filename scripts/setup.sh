#!/usr/bin/env bash
# Installs what building and testing breathband needs on Debian/Ubuntu
# (Rust itself is assumed: https://rustup.rs). Safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# pkg-config + libudev-dev: serial port enumeration with USB details.
# libasound2-dev: audio cues (cpal on ALSA).
# libwayland-dev: the screen-reader bridge (accesskit's winit adapter) links it.
# g++: the reference firmware's host test.
# The window (eframe, OpenGL via Mesa on X11) loads these at run time;
# xvfb + xauth run it without a display (CI screenshots); xdotool and
# openbox (a window manager, to minimise) for bench/app_idle_cpu.sh.
# dpkg-dev (dpkg-shlibdeps) and desktop-file-utils: the .deb package and
# the check of its desktop entry (scripts/package.sh).
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config libudev-dev libasound2-dev libwayland-dev g++ ca-certificates \
    libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 \
    xvfb xauth xdotool openbox dpkg-dev desktop-file-utils >/dev/null
for comp in rustfmt clippy; do
    if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$comp"
    fi
done
# cargo-deb builds the .deb (scripts/package.sh).
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked --quiet
fi
# pyedflib (EDFlib's Python binding): the independent reader and writer
# the EDF+ tests check breathband's files against (tests/edf_roundtrip.rs).
# python3-venv: Debian's python3 needs it for `-m venv`.
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v python3 >/dev/null || ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
fi
if ! "$ROOT/.venv/bin/python" -c "import pyedflib" >/dev/null 2>&1; then
    python3 -m venv "$ROOT/.venv"
    "$ROOT/.venv/bin/pip" install --quiet --disable-pip-version-check "pyedflib==0.1.42"
fi
echo "setup: system packages, Rust components, cargo-deb and pyedflib are in place"
