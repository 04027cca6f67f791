#!/usr/bin/env bash
# CPU of the app process alone (all its threads) and of the X server, over
# a steady stretch, with the window under Xvfb on the virtual sensor (1 kHz).
# Usage: bash bench/app_cpu.sh [SECONDS=60] [extra gui args, e.g. --pacer 6]
#   BIN=path/to/breathband  use this binary (no build)
# For the states the app is left in (pacer, minimised, hidden...):
# bench/app_idle_cpu.sh.
# Xvfb has no GPU: Mesa's llvmpipe renders in the app process, so the app's
# figure includes software rendering that a GPU would take over.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
if [ -n "${BIN:-}" ]; then
    bin="$BIN"
else
    cargo build --release --locked --bin breathband >/dev/null 2>&1
    bin="${CARGO_TARGET_DIR:-target}/release/breathband"
fi
xvfb-run -a -s "-screen 0 1280x860x24" "$bin" gui --source virtual \
    --rate-hz 1000 --screenshot /dev/null --after-s $((secs + 20)) "$@" >/dev/null 2>&1 &
wrapper=$!
sleep 10 # start-up and the first windows
# This run's app and X server (children of its xvfb-run), not another
# breathband that happens to run on the machine.
app=$(pgrep -n -x breathband -P "$wrapper")
xs=$(pgrep -n -x Xvfb -P "$wrapper")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
a0=$(ticks "$app"); x0=$(ticks "$xs")
sleep "$secs"
a1=$(ticks "$app"); x1=$(ticks "$xs")
hz=$(getconf CLK_TCK)
rss=$(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$app/status")
echo "app_cpu: ${secs} s steady state $*: app $(( (a1 - a0) * 100 / hz / secs ))% of one core, Xvfb $(( (x1 - x0) * 100 / hz / secs ))%, app peak RSS ${rss}"
echo "app_cpu: per thread (CPU seconds since start):"
for t in /proc/"$app"/task/*; do
    printf '  %-16s %s\n' "$(cat "$t/comm")" "$(awk -v hz="$hz" '{printf "%.2f", ($14 + $15) / hz}' "$t/stat")"
done | sort -k2 -n -r | head -8
kill "$app" 2>/dev/null || true
