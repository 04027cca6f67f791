# Sourced by bench/neurokit_compare.sh and bench/truth_table.sh: makes sure
# ${CARGO_TARGET_DIR:-target}/neurokit-venv holds NeuroKit2 at the version
# the figures in bench/README.md were taken with, with scipy, pandas and
# numpy (from PyPI, on first use; not part of CI). Sets `venv`; needs
# `root` (the repository) and a `fail` function from the caller.
NEUROKIT_VERSION=0.2.13
venv="${CARGO_TARGET_DIR:-$root/target}/neurokit-venv"
if ! "$venv/bin/python" -c "import neurokit2, scipy, pandas, numpy, sys; sys.exit(neurokit2.__version__ != '$NEUROKIT_VERSION')" \
    2>/dev/null; then
    echo "installing neurokit2 $NEUROKIT_VERSION, scipy, pandas, numpy into $venv..." >&2
    "${PYTHON:-python3}" -m venv "$venv" || fail "cannot create a Python venv at $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "neurokit2==$NEUROKIT_VERSION" scipy pandas numpy >&2 ||
        fail "pip install of neurokit2 $NEUROKIT_VERSION, scipy, pandas, numpy failed (PyPI reachable?)"
    "$venv/bin/python" -c "import neurokit2, scipy, pandas, numpy" 2>/dev/null ||
        fail "the venv at $venv cannot import neurokit2, scipy, pandas and numpy after the install"
fi
