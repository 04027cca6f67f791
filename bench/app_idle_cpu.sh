#!/usr/bin/env bash
# CPU of the app (all its threads, from /proc/PID/stat) in the states it is
# left in: live view, pacer, guided session (the steps before the practice,
# then the calm practice screen), minimised, hidden. Under Xvfb
# at 1280x800 with a small window manager (openbox: minimising needs one),
# the virtual sensor at 1 kHz, sessions in a temp dir.
# Usage: bash bench/app_idle_cpu.sh [SECONDS=30]
#   BIN=path/to/breathband  use this binary (no build)
#   SETTLE=10               seconds after start-up or a state change
# Xvfb has no GPU: Mesa's llvmpipe renders in the app process, so the
# figures include software rendering that a GPU would take over.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
settle="${SETTLE:-10}"
if [ -z "${BIN:-}" ]; then
    cargo build --release --locked --bin breathband >/dev/null 2>&1
    BIN="${CARGO_TARGET_DIR:-target}/release/breathband"
fi
for t in Xvfb xdotool openbox; do
    command -v "$t" >/dev/null || { echo "app_idle_cpu: $t missing (bash scripts/setup.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
# A free display number.
d=90
while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ]; do d=$((d + 1)); done
export DISPLAY=":$d"
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
openbox >/dev/null 2>&1 &
pids+=($!)
sleep 1
# Settings, window geometry and sessions of this run stay in the temp dir.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "app_idle_cpu: $(basename "$BIN") $(git rev-parse --short HEAD 2>/dev/null || true), ${secs} s per state, Xvfb 1280x800, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# measure NAME PID: CPU % of one core over $secs.
measure() {
    local a0 a1 l0
    l0=$(cut -d' ' -f1 /proc/loadavg)
    a0=$(ticks "$2")
    sleep "$secs"
    a1=$(ticks "$2")
    printf 'app_idle_cpu: %-22s %5.1f %% of one core  (load average %s -> %s)\n' \
        "$1" "$(awk -v t="$((a1 - a0))" -v hz="$hz" -v s="$secs" 'BEGIN {print t * 100 / hz / s}')" \
        "$l0" "$(cut -d' ' -f1 /proc/loadavg)"
}
# start ARGS...: starts the app with these gui arguments; sets $app, $win.
start() {
    # --screenshot makes the run exit by itself; it is far beyond the run.
    "$BIN" --data-dir "$tmp/sessions" gui --source virtual --rate-hz 1000 \
        --screenshot "$tmp/shot.png" --after-s 3600 "$@" >"$tmp/app.log" 2>&1 &
    app=$!
    pids+=("$app")
    win=""
    for _ in $(seq 100); do
        win=$(xdotool search --onlyvisible --pid "$app" 2>/dev/null | head -1 || true)
        [ -n "$win" ] && break
        sleep 0.2
    done
    [ -n "$win" ] || { echo "app_idle_cpu: no window; log:" >&2; cat "$tmp/app.log" >&2; exit 1; }
    sleep "$settle"
}
stop() {
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
}

start
measure "live view" "$app"
xdotool windowminimize "$win"
sleep "$settle"
measure "live, minimised" "$app"
xdotool windowmap "$win" windowactivate "$win" 2>/dev/null || xdotool windowmap "$win"
sleep "$settle"
xdotool windowunmap "$win"
sleep "$settle"
measure "live, unmapped" "$app"
stop

start --pacer 6
measure "pacer 6" "$app"
xdotool windowminimize "$win"
sleep "$settle"
measure "pacer 6, minimised" "$app"
stop

start --practice --practice-auto --practice-minutes 5
measure "guided session" "$app"
# Past the 30 s baseline: the calm practice screen with its pacer shape.
sleep 15
measure "calm practice" "$app"
stop
