#!/usr/bin/env bash
# Runs the real app window under Xvfb on the virtual sensor and saves
# screenshots into DIR (default docs/screenshots, the README's pictures).
# Fails if the window cannot open or a picture is not written.
# PROFILE=dev uses the debug build (CI: it is already built).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-docs/screenshots}"
mkdir -p "$dir"
if [ "${PROFILE:-release}" = dev ]; then
    cargo build --locked --bin breathband
    bin=target/debug/breathband
else
    cargo build --release --locked --bin breathband
    bin=target/release/breathband
fi
shoot() { # name, seconds, extra args...
    local name=$1 secs=$2
    shift 2
    rm -f "$dir/$name.png"
    timeout 120 xvfb-run -a -s "-screen 0 1280x860x24" \
        "$bin" gui --source virtual --screenshot "$dir/$name.png" --after-s "$secs" "$@" 2>/dev/null
    test -s "$dir/$name.png" || { echo "screenshots: $dir/$name.png was not written" >&2; exit 1; }
    echo "screenshots: $dir/$name.png"
}
shoot live 25 --pacer 6
shoot chest 25 --share 0.25 --breath-rate 16
shoot paradoxical 25 --share 0.45 --phase 180
