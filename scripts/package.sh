#!/usr/bin/env bash
# Builds the Debian package (cargo-deb, release build) and checks it: the
# binary, the desktop entry (desktop-file-validate), the icons, the
# declared dependencies, and that the packaged binary runs `--version`.
# Prints the package path. Needs scripts/setup.sh (cargo-deb, dpkg-dev,
# desktop-file-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
# The release profile keeps line tables (backtraces); the package does not.
deb=$(cargo deb --locked --quiet --strip 2>&1 | tail -1)
[ -f "$deb" ] || { echo "package: cargo deb did not say where the package is: $deb" >&2; exit 1; }
fail() { echo "package: $deb: $*" >&2; exit 1; }
list=$(dpkg-deb -c "$deb")
for f in ./usr/bin/breathband ./usr/share/applications/breathband.desktop \
    ./usr/share/icons/hicolor/128x128/apps/breathband.png \
    ./usr/share/icons/hicolor/scalable/apps/breathband.svg; do
    grep -q " $f\$" <<<"$list" || fail "has no $f"
done
size=$(grep ' ./usr/bin/breathband$' <<<"$list" | awk '{print $3}')
[ "$size" -lt 80000000 ] || fail "its binary is $size bytes: not stripped?"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libasound2 libudev1 libc6; do
    grep -q "$lib" <<<"$depends" || fail "does not depend on $lib (Depends: $depends)"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work"
desktop-file-validate "$work/usr/share/applications/breathband.desktop" \
    || fail "its desktop entry is not valid"
grep -qx "Exec=breathband gui" "$work/usr/share/applications/breathband.desktop" \
    || fail "its desktop entry does not start the app"
version=$("$work/usr/bin/breathband" --version)
[ "$version" = "breathband $(dpkg-deb -f "$deb" Version | cut -d- -f1)" ] \
    || fail "the packaged binary says '$version'"
echo "package: $deb ($(du -h "$deb" | cut -f1); Depends: $depends)"
