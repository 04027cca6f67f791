#!/usr/bin/env bash
# Builds and runs the host test of bb_protocol.{h,cpp} against the golden
# vectors. Runs from any directory: paths are relative to this script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sketch="$here/../breathband_sensor"
vectors="$here/../../vectors/frames.tsv"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

CXX="${CXX:-g++}"
# The protocol code must also build as firmware code: no exceptions, no RTTI.
"$CXX" -std=c++11 -Wall -Wextra -Werror -O1 -fno-exceptions -fno-rtti \
  -c "$sketch/bb_protocol.cpp" -o "$out/bb_protocol_noexcept.o"
"$CXX" -std=c++11 -Wall -Wextra -Werror -O1 -I"$sketch" \
  "$here/test_vectors.cpp" "$sketch/bb_protocol.cpp" -o "$out/test_vectors"
"$out/test_vectors" "$vectors"
