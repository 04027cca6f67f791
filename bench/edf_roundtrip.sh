#!/usr/bin/env bash
# EDF+ round trip on a long real recording: a shared Hexoskin recording
# (default subject_012, 48 min at 128 Hz) replayed into a session, exported
# with `export --format edf`, then analysed from the EDF file and from the
# session. Prints `name: value unit` lines: export and analyze wall time and
# peak RSS, the file size, and the two analyses' summaries side by side.
# See bench/README.md.
#
# Usage: bash bench/edf_roundtrip.sh [SUBJECT]   (from any directory)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

subject="${1:-012}"
input="$root/../shared/data/hexoskin/subject_${subject}.csv.gz"
if ! [[ -f $input ]]; then
    echo "edf_roundtrip.sh: $input not found (the shared recordings sit beside the project)" >&2
    exit 1
fi
TIME=/usr/bin/time
if ! [[ -x $TIME ]] || ! "$TIME" -v true >/dev/null 2>&1; then
    echo "edf_roundtrip.sh: GNU time not found at $TIME; install it: sudo apt-get install time" >&2
    exit 1
fi

echo "building (cargo build --release --locked)..." >&2
cargo build --release --locked >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/breathband"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/breathband-edf.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

"$bin" record --replay "$input" --speed 0 --out "$tmp/s" >/dev/null 2>&1

# `name: value unit` lines of one command's wall time and peak RSS.
measure() {
    local name="$1"
    shift
    "$TIME" -v -o "$tmp/time.txt" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
    awk -v n="$name" -F': ' '
        /Elapsed \(wall clock\)/ { split($2, t, ":"); s = t[1] * 60 + t[2]; printf "%s_wall_time: %.3f s\n", n, s }
        /Maximum resident set size/ { printf "%s_peak_rss: %.1f MiB\n", n, $2 / 1024 }
    ' "$tmp/time.txt"
}

measure export "$bin" export "$tmp/s" --format edf --out "$tmp/edf"
edf="$tmp/edf/s.edf"
echo "edf_file_size: $(awk -v b="$(stat -c %s "$edf")" 'BEGIN { printf "%.2f", b / 1048576 }') MiB"
echo "samples_csv_size: $(awk -v b="$(stat -c %s "$tmp/s/samples.csv")" 'BEGIN { printf "%.2f", b / 1048576 }') MiB"
measure analyze_edf "$bin" analyze "$edf" --json
cp "$tmp/out.txt" "$tmp/edf.json"
"$bin" analyze "$tmp/s" --json >"$tmp/session.json"
python3 - "$tmp/session.json" "$tmp/edf.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("rate_bpm", "belly_share", "phase_deg"):
    print(f"{k}: session {a['summary'][k]:.4f} edf {b['summary'][k]:.4f}")
same = sum(x["class"] == y["class"] for x, y in zip(a["windows"], b["windows"]))
print(f"windows_same_class: {same} of {min(len(a['windows']), len(b['windows']))}")
print(f"duration_s: session {a['duration_s']:.2f} edf {b['duration_s']:.2f}")
PY
