#!/usr/bin/env bash
# Runs the real app window under Xvfb and saves screenshots into DIR
# (default docs/screenshots, the README's pictures). Optional names pick
# some of them (default: all). Fails if the window cannot open or a picture
# is not a real PNG of the window's size (the app's output is shown then).
# PROFILE=dev uses the debug build (CI: it is already built).
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
# A real PNG of a sensible size: the signature, an IHDR of at least
# 800x500 (the window is 1200x800) and more than a blank frame's bytes.
check_png() { # file
    local f=$1 sig w h size
    sig=$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')
    [ "$sig" = 89504e470d0a1a0a ] || { echo "not a PNG (signature $sig)"; return 1; }
    [ "$(head -c 16 "$f" | tail -c 4)" = IHDR ] || { echo "no IHDR chunk"; return 1; }
    w=$(od -An -tu1 -j16 -N4 "$f" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
    h=$(od -An -tu1 -j20 -N4 "$f" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
    size=$(wc -c <"$f")
    [ "$w" -ge 800 ] && [ "$h" -ge 500 ] || { echo "${w}x${h} is too small"; return 1; }
    [ "$size" -ge 20000 ] || { echo "only $size bytes: a blank window?"; return 1; }
    echo "${w}x${h}, $size bytes"
}
shoot() { # name, seconds, gui args...
    local name=$1 secs=$2 log what
    shift 2
    log="$work/$name.log"
    rm -f "$dir/$name.png"
    if ! timeout 180 xvfb-run -a -s "-screen 0 1280x900x24" \
        "$bin" --data-dir "$work/data" gui --screenshot "$dir/$name.png" --after-s "$secs" "$@" \
        >"$log" 2>&1; then
        echo "screenshots: $name: the app failed; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    if ! what=$(check_png "$dir/$name.png" 2>&1); then
        echo "screenshots: $dir/$name.png is not a usable picture ($what); the app's output:" >&2
        cat "$log" >&2
        exit 1
    fi
    echo "screenshots: $dir/$name.png ($what)"
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
sel practice_calibration && shoot practice_calibration 14 --source virtual "${auto[@]}" --practice-show-calibration
sel practice_baseline && shoot practice_baseline 16 --source virtual "${auto[@]}"
sel practice && shoot practice 25 --source replay --replay "$work/belly.csv" --speed 4 "${auto[@]}" --pacer 6
sel practice_summary && shoot practice_summary 30 --source replay --replay "$work/belly.csv" --speed 10 "${auto[@]}"
sel practice_stopped && shoot practice_stopped 25 --source replay --replay "$work/belly.csv" --speed 4 "${auto[@]}" --practice-stop-at 80
# The history: the session(s) just recorded, beside a three-a-day plan
# begun five days ago and a check-in on each of those days.
if sel history || sel report; then
    "$bin" --data-dir "$work/data" plan --sessions-per-day 3 --times 08:00,13:00,21:00 --minutes 5 \
        --now "$(date -d '5 days ago' +%Y-%m-%dT07:00:00%:z)" >/dev/null
    for ago in 5 4 3 2 1 0; do
        "$bin" --data-dir "$work/data" checkin --pain $((3 + ago / 2)) --tension $((2 + ago / 2)) --dizzy no \
            --note "day -$ago: neck stiff after work" --now "$(date -d "$ago days ago" +%Y-%m-%dT07:30:00%:z)" >/dev/null
    done
fi
sel history && shoot history 4 --source virtual --history
# The therapist's report, page 1 as a picture (needs pdftoppm, poppler-utils).
if sel report; then
    "$bin" --data-dir "$work/data" report --out "$work/report.pdf" --days 14 >/dev/null
    if command -v pdftoppm >/dev/null; then
        pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/report.pdf" "$dir/report"
        echo "screenshots: $dir/report.png (page 1 of the report)"
    else
        echo "screenshots: report: pdftoppm missing (poppler-utils), no picture" >&2
    fi
fi
exit 0
