#!/usr/bin/env bash
# breathband analyze vs NeuroKit2's rsp_process on the shared Hexoskin
# recordings: rate error of each against the device's breath events, and the
# speed ratio. Builds the release binary and installs NeuroKit2 into
# target/neurokit-venv on first use (PyPI; not needed for CI). See bench/README.md.
#
# Usage: bash bench/neurokit_compare.sh [SUBJECT_ID | FILE.csv.gz | --all]
#   default subject 012; data folder: $HEXOSKIN_DIR, else ../shared/data/hexoskin
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

data="${HEXOSKIN_DIR:-$root/../shared/data/hexoskin}"

fail() { echo "neurokit_compare.sh: $*" >&2; exit 1; }

if ! [[ ${1:-} == *.csv || ${1:-} == *.csv.gz ]] && ! [[ -d $data ]]; then
    fail "data folder not found: $data (set HEXOSKIN_DIR to the folder of subject_NNN.csv.gz)"
fi

# shellcheck source=bench/neurokit_venv.sh
source "$here/neurokit_venv.sh"

echo "building (cargo build --release)..." >&2
cargo build --release --manifest-path "$root/Cargo.toml" >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/breathband"
rev="$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"

exec "$venv/bin/python" "$here/neurokit_compare.py" --data "$data" --bin "$bin" --rev "$rev" "$@"
