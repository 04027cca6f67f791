#!/usr/bin/env bash
# Runs the real app window under Xvfb and saves screenshots into DIR
# (default docs/screenshots, the README's pictures). Optional names pick
# some of them (default: all). Fails if the window cannot open or a picture
# is not written. PROFILE=dev uses the debug build (CI: it is already built).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-docs/screenshots}"
shift || true
mkdir -p "$dir"
if [ "${PROFILE:-release}" = dev ]; then
    cargo build --locked --bin breathband
    bin="${CARGO_TARGET_DIR:-target}/debug/breathband"
else
    cargo build --release --locked --bin breathband
    bin="${CARGO_TARGET_DIR:-target}/release/breathband"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A steady belly-breathing recording to replay faster than real time.
"$bin" simulate --out "$work/belly.csv" --seconds 600 --rate-hz 50 --share 0.72 >/dev/null
shoot() { # name, seconds, gui args...
    local name=$1 secs=$2
    shift 2
    rm -f "$dir/$name.png"
    timeout 180 xvfb-run -a -s "-screen 0 1280x900x24" \
        "$bin" --data-dir "$work/data" gui --screenshot "$dir/$name.png" --after-s "$secs" "$@" 2>/dev/null
    test -s "$dir/$name.png" || { echo "screenshots: $dir/$name.png was not written" >&2; exit 1; }
    echo "screenshots: $dir/$name.png"
}
want() { [ $# -eq 0 ] && return 0; for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
names=("$@")
sel() { [ ${#names[@]} -eq 0 ] || want "$1"; }
sel live && shoot live 25 --source virtual --pacer 6
sel chest && shoot chest 25 --source virtual --share 0.25 --breath-rate 16
sel paradoxical && shoot paradoxical 25 --source virtual --share 0.45 --phase 180
auto=(--practice --practice-auto --practice-minutes 3)
sel practice_prepare && shoot practice_prepare 2 --source virtual "${auto[@]}"
sel practice_bandcheck && shoot practice_bandcheck 8 --source virtual "${auto[@]}"
sel practice_baseline && shoot practice_baseline 16 --source virtual "${auto[@]}"
sel practice && shoot practice 25 --source replay --replay "$work/belly.csv" --speed 4 "${auto[@]}" --pacer 6
sel practice_summary && shoot practice_summary 30 --source replay --replay "$work/belly.csv" --speed 10 "${auto[@]}"
sel practice_stopped && shoot practice_stopped 25 --source replay --replay "$work/belly.csv" --speed 4 "${auto[@]}" --practice-stop-at 80
# The session(s) just recorded, in the history.
sel history && shoot history 4 --source virtual --history
exit 0
