#!/usr/bin/env bash
# Live ingest cost of the real recorder: a simulated 1 kHz board behind a
# pseudo-terminal (`breathband simulate --pty`) and `breathband record` from
# it for 60 s of signal, under GNU time. Prints `name: value unit` lines:
# samples written and lost, the recorder's CPU time and CPU % of one core,
# its peak RSS. See bench/README.md.
#
# Usage: bash bench/ingest_live.sh   (from any directory)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

RATE_HZ=1000
RECORD_S=60
SIM_S=70 # longer than the recording plus the handshake

TIME=/usr/bin/time
if ! [[ -x $TIME ]] || ! "$TIME" -v true >/dev/null 2>&1; then
    echo "ingest_live.sh: GNU time not found at $TIME; install it: sudo apt-get install time" >&2
    exit 1
fi

echo "building (cargo build --release --locked)..." >&2
cargo build --release --locked >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/breathband"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/breathband-live.XXXXXX")"
sim_pid=""
rec_pid=""
# Stops what this script started (by pid), then removes the temp dir.
cleanup() {
    if [[ -n $rec_pid ]] && kill -0 "$rec_pid" 2>/dev/null; then
        # $rec_pid is GNU time; stop the recorder it runs (SIGTERM: clean stop).
        local kids
        kids=$(ps -o pid= --ppid "$rec_pid" 2>/dev/null || true)
        for k in $kids; do kill "$k" 2>/dev/null || true; done
        wait "$rec_pid" 2>/dev/null || true
    fi
    if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" simulate --pty --link "$tmp/dev" --rate-hz "$RATE_HZ" --seconds "$SIM_S" \
    >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!

# Wait for the simulated board's device link.
for _ in $(seq 100); do
    [[ -e $tmp/dev ]] && break
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "ingest_live.sh: the simulator exited early:" >&2
        cat "$tmp/sim.err" >&2
        exit 1
    fi
    sleep 0.1
done
if ! [[ -e $tmp/dev ]]; then
    echo "ingest_live.sh: no device at $tmp/dev after 10 s" >&2
    exit 1
fi

echo "recording ${RECORD_S} s at ${RATE_HZ} Hz from the simulated board..." >&2
# In the background and waited for, so that a signal runs the trap at once.
"$TIME" -v -o "$tmp/time.txt" \
    "$bin" record --port "$tmp/dev" --seconds "$RECORD_S" --out "$tmp/s" \
    >"$tmp/rec.out" 2>"$tmp/rec.err" &
rec_pid=$!
if ! wait "$rec_pid"; then
    echo "ingest_live.sh: breathband record failed:" >&2
    cat "$tmp/rec.err" "$tmp/rec.out" >&2
    exit 1
fi

# `record` ends with: samples: N  duration_s: X  lost: N  reconnects: N  crc_errors: N ...
field() {
    awk -v k="$1:" '/^samples:/ { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' \
        "$tmp/rec.out"
}
# GNU time -v lines look like "	User time (seconds): 0.52".
timed() {
    awk -F': ' -v k="$1" 'index($0, k) { print $NF; exit }' "$tmp/time.txt"
}

samples=$(field samples)
lost=$(field lost)
if [[ -z $samples || -z $lost ]]; then
    echo "ingest_live.sh: no summary line from breathband record:" >&2
    cat "$tmp/rec.out" "$tmp/rec.err" >&2
    exit 1
fi
user=$(timed "User time (seconds)")
sys=$(timed "System time (seconds)")
wall=$(timed "Elapsed (wall clock) time")
rss_kb=$(timed "Maximum resident set size (kbytes)")

# Wall clock is [h:]m:ss.ss.
wall_s=$(awk -v w="$wall" 'BEGIN { n = split(w, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')

awk -v samples="$samples" -v lost="$lost" -v user="$user" -v sys="$sys" \
    -v wall="$wall_s" -v rss="$rss_kb" -v secs="$RECORD_S" -v rate="$RATE_HZ" \
    -v crc="$(field crc_errors)" -v malformed="$(field malformed)" \
    -v dropped="$(field bytes_dropped)" -v overflow="$(field ring_overflow)" 'BEGIN {
    cpu = user + sys
    printf "rate: %d Hz\n", rate
    printf "recorded: %d s\n", secs
    printf "samples_written: %d samples\n", samples
    printf "samples_lost: %d samples\n", lost
    printf "crc_errors: %d frames\n", crc
    printf "malformed: %d frames\n", malformed
    printf "bytes_dropped: %d bytes\n", dropped
    printf "ring_overflow: %d samples\n", overflow
    printf "recorder_wall_time: %.2f s\n", wall
    printf "recorder_cpu_user: %.2f s\n", user
    printf "recorder_cpu_sys: %.2f s\n", sys
    printf "recorder_cpu_time: %.2f s\n", cpu
    printf "recorder_cpu: %.2f %% of one core\n", (wall > 0 ? 100 * cpu / wall : 0)
    printf "recorder_cpu_per_data_second: %.2f ms\n", 1000 * cpu / secs
    printf "recorder_max_rss: %.1f MiB\n", rss / 1024
}'
