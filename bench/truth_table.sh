#!/usr/bin/env bash
# Truth table: breathband analyze --json scored each second against simulated
# signals with known truth (rates 2.5-60/min, every pacer pattern, shares,
# phases, transitions, holds, cables out, artefacts, 25-1000 Hz), beside
# NeuroKit2 (rate) and a cross-spectrum baseline (share, phase, class).
# Builds the release binary unless --bin is given; installs NeuroKit2 into
# ${CARGO_TARGET_DIR:-target}/neurokit-venv on first use (PyPI; not part of CI).
# See bench/README.md ("Truth table").
#
# Usage: bash bench/truth_table.sh [--quick] [--bin PATH] [--jobs N] [--only NAME] [--keep] [--json FILE]
#   --quick  a dozen scenarios (about 1 min instead of about 3-5)
#   --bin    score this binary (default: build and use the release build)
#   --json   where the figures go (default ${CARGO_TARGET_DIR:-target}/truth-table/truth_table.json)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

fail() { echo "truth_table.sh: $*" >&2; exit 1; }

bin=""
pass=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --bin) [[ $# -ge 2 ]] || fail "--bin needs a path"; bin="$2"; shift 2 ;;
    --bin=*) bin="${1#--bin=}"; shift ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) pass+=("$1"); shift ;;
    esac
done

# shellcheck source=bench/neurokit_venv.sh
source "$here/neurokit_venv.sh"

if [[ -z $bin ]]; then
    echo "building (cargo build --release --locked)..." >&2
    cargo build --release --locked --manifest-path "$root/Cargo.toml" >&2 || fail "cargo build --release failed"
    bin="$target/release/breathband"
    # the source the binary is built from: the last commit outside bench/
    rev="$(git -C "$root" log -1 --format=%h -- . ':!bench' 2>/dev/null || echo unknown)"
    [[ -z "$(git -C "$root" status --porcelain -- . ':!bench' 2>/dev/null)" ]] || rev="$rev+uncommitted"
else
    rev="given with --bin"
fi
[[ -x $bin ]] || fail "binary not found or not executable: $bin"
"$bin" analyze --help >/dev/null 2>&1 || fail "binary does not run 'analyze --help': $bin"
"$bin" simulate --help >/dev/null 2>&1 || fail "binary does not run 'simulate --help': $bin"

work="$target/truth-table"
mkdir -p "$work" || fail "cannot create $work"
has_json=0
for x in "${pass[@]+"${pass[@]}"}"; do [[ $x == --json || $x == --json=* ]] && has_json=1; done
extra=()
[[ $has_json == 1 ]] || extra=(--json "$work/truth_table.json")

start=$SECONDS
"$venv/bin/python" "$here/truth_table.py" --bin "$bin" --rev "$rev" --workdir "$work" \
    "${extra[@]+"${extra[@]}"}" "${pass[@]+"${pass[@]}"}"
echo "truth_table.sh: $((SECONDS - start)) s" >&2
