#!/usr/bin/env bash
# CPU and memory of the real app over a long run: the window under Xvfb on
# the virtual sensor (1 kHz), closed by its own screenshot after N seconds.
# Prints CPU time as % of one core and the peak resident memory.
# Usage: bash bench/app_long_run.sh [SECONDS=600] [extra gui args...]
# Note: Xvfb renders with Mesa's software rasteriser (llvmpipe), which the
# process itself pays for; with a GPU the drawing share is much smaller.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
shift || true
cargo build --release --locked --bin breathband >/dev/null
out=$(mktemp -d)
/usr/bin/time -v -o "$out/time.txt" timeout $((secs + 120)) xvfb-run -a -s "-screen 0 1280x860x24" \
    target/release/breathband gui --source virtual --rate-hz 1000 \
    --screenshot "$out/end.png" --after-s "$secs" "$@" 2>/dev/null
cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$out/time.txt")
rss=$(awk -F': ' '/Maximum resident/ {printf "%.1f MiB", $2/1024}' "$out/time.txt")
echo "app_long_run: ${secs} s on the virtual sensor at 1 kHz: CPU ${cpu} of one core (incl. xvfb-run wrapper and software rendering), peak RSS ${rss}"
rm -rf "$out"
