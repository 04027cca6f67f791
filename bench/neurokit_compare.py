"""breathband analyze vs NeuroKit2 rsp_process on the shared Hexoskin recordings.

Run through bench/neurokit_compare.sh, which builds breathband and installs
NeuroKit2 into target/neurokit-venv. See bench/README.md for what is measured.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import neurokit2 as nk

FS = 128  # Hz, all Hexoskin recordings
WINDOW_S = 30.0
RUNS = 3  # timings are the best of RUNS
BIG_ERROR_BPM = 5.0  # ranges where breathband is off by more are listed
CALM = {"010": (1450, 1510), "009": (700, 760), "003": (2345, 2405)}  # shared README


def best_of(f):
    """(best wall time in s over RUNS calls, result of the last call)."""
    best = float("inf")
    for _ in range(RUNS):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bands(df):
    """Chest and belly as floats; where both read 0 (shirt starting or
    stopping) they hold the nearest value."""
    x = df[["chest", "belly"]].astype(float)
    return x.mask((x.chest == 0) & (x.belly == 0)).ffill().bfill()


def zsum(x):
    """The single respiration signal timed: chest + belly, each z-scored."""
    z = (x - x.mean()) / x.std()
    return (z.chest + z.belly).to_numpy()


def neurokit(path):
    """What is timed as NeuroKit's whole job: read, make the signal, process."""
    df = pd.read_csv(path)
    signals, _ = nk.rsp_process(zsum(bands(df)), sampling_rate=FS)
    return df, signals


def reference_rate(inhales, t):
    """Breaths/min from the device's inhale starts inside [t - 30 s, t]."""
    i = inhales[(inhales >= t - WINDOW_S) & (inhales <= t)]
    return 60 * (len(i) - 1) / (i[-1] - i[0]) if len(i) >= 2 else np.nan


def window_mean(time_s, values, t):
    """Mean of a per-sample series over [t - 30 s, t]."""
    lo, hi = np.searchsorted(time_s, [t - WINDOW_S, t], side="right")
    v = values[lo:hi]
    v = v[np.isfinite(v)]
    return v.mean() if len(v) else np.nan


def median_abs(err):
    """'1.23 (456)': median |error| in breaths/min (number of windows)."""
    err = err[np.isfinite(err)]
    return f"{np.median(np.abs(err)):.2f} ({len(err)})" if len(err) else "- (0)"


def error_table(errs, columns):
    """Lines of median |rate - ref| per tool (errs: name -> errors) and per
    column (name -> window mask)."""
    lines = ["  median |rate - ref|, breaths/min (windows):",
             f"    {'':<22}" + " | ".join(f"{c:<13}" for c in columns)]
    for name, e in errs.items():
        cells = (median_abs(e[m]).ljust(max(13, len(c))) for c, m in columns.items())
        lines.append(f"    {name:<22}" + " | ".join(cells).rstrip())
    return lines


def big_error_ranges(t, err, top=3):
    """The longest runs of consecutive windows with |err| > BIG_ERROR_BPM."""
    bad = np.abs(err) > BIG_ERROR_BPM  # NaN compares False
    runs, start = [], None
    for k, b in enumerate(np.append(bad, False)):
        if b and start is None:
            start = k
        elif not b and start is not None:
            runs.append((start, k))
            start = None
    runs.sort(key=lambda r: r[1] - r[0], reverse=True)
    return runs[:top]


def compare(bin_path, path):
    name = re.sub(r"\.csv(\.gz)?$", "", path.name)
    subject = name.removeprefix("subject_")
    events = pd.read_csv(path.with_name(f"{name}_breaths.csv"))
    inhales = np.sort(events.time_s[events.event == "inhale_start"].to_numpy())

    cmd = [str(bin_path), "analyze", str(path), "--json"]
    t_bb, proc = best_of(lambda: subprocess.run(cmd, capture_output=True, text=True))
    if proc.returncode != 0:
        sys.exit(f"neurokit_compare: {' '.join(cmd)} failed:\n{proc.stderr}")
    report = json.loads(proc.stdout)

    t_nk_all, (df, signals) = best_of(lambda: neurokit(path))
    x = bands(df)
    sig = zsum(x)
    t_nk, _ = best_of(lambda: nk.rsp_process(sig, sampling_rate=FS))
    chest, _ = nk.rsp_process(x.chest.to_numpy(), sampling_rate=FS)

    # Same windows for all: breathband's window ends, full 30 s windows only.
    w = [r for r in report["windows"] if r["t_s"] >= WINDOW_S]
    t = np.array([r["t_s"] for r in w])
    ref = np.array([reference_rate(inhales, u) for u in t])
    time_s = df.time_s.to_numpy()
    nk_rate = lambda sg: np.array([window_mean(time_s, sg.RSP_Rate.to_numpy(), u) for u in t])
    rates = {
        "breathband": np.array([np.nan if r["rate_bpm"] is None else r["rate_bpm"] for r in w]),
        "neurokit2 chest+belly": nk_rate(signals),
        "neurokit2 chest": nk_rate(chest),
    }
    errs = {k: v - ref for k, v in rates.items()}
    bb = rates["breathband"]
    has_ref = np.isfinite(ref)
    columns = {"all with ref": has_ref, "breathband-rated": np.isfinite(bb)}
    if subject in CALM:
        a, b = CALM[subject]
        columns[f"calm {a}-{b} s"] = (t - WINDOW_S >= a) & (t <= b)
    min_rate = report["config"]["min_rate_bpm"]

    out = [
        f"subject {subject}: {report['duration_s']:.0f} s, {len(t)} windows of 30 s every 1 s, "
        f"{has_ref.sum()} with a device reference rate; breathband gives a rate in "
        f"{np.isfinite(bb[has_ref]).sum()} of these ({np.isfinite(bb[has_ref]).mean():.0%})",
        *error_table(errs, columns),
        f"  breathband rate below its min_rate_bpm {min_rate:g}: {(bb < min_rate).sum()} windows",
    ]
    for lo, hi in big_error_ranges(t, errs["breathband"]):
        m = {k: np.nanmedian(v[lo:hi]) for k, v in rates.items()}
        out.append(
            f"  breathband off by > {BIG_ERROR_BPM:g}: windows ending {t[lo]:.0f}-{t[hi - 1]:.0f} s, "
            f"median rate: breathband {m['breathband']:.1f}, ref {np.nanmedian(ref[lo:hi]):.1f}, "
            f"neurokit2 chest+belly {m['neurokit2 chest+belly']:.1f}, "
            f"chest {m['neurokit2 chest']:.1f}")
    out += [
        f"  time breathband analyze --json, whole command (start, gzip + CSV parse, "
        f"analysis, JSON out): {t_bb:.3f} s",
        f"  time neurokit2 read_csv + chest+belly signal + rsp_process: {t_nk_all:.3f} s; "
        f"rsp_process alone: {t_nk:.3f} s",
        f"  speed ratio neurokit2 / breathband: {t_nk_all / t_bb:.1f}x (read + process), "
        f"{t_nk / t_bb:.1f}x (rsp_process alone)",
    ]
    print("\n".join(out), flush=True)
    return dict(errs=errs, rated=np.isfinite(bb), has_ref=has_ref, low=(bb < min_rate).sum(),
                t_bb=t_bb, t_nk_all=t_nk_all, t_nk=t_nk)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", nargs="?", default="012",
                   help="subject id (012 or 12) or a subject_NNN.csv.gz path; default 012")
    p.add_argument("--all", action="store_true", help="every subject_NNN.csv.gz in the data folder")
    p.add_argument("--data", type=Path, required=True, help="folder of the Hexoskin recordings")
    p.add_argument("--bin", type=Path, required=True, help="release breathband binary")
    p.add_argument("--rev", default="?", help="source revision of the binary, for the header")
    a = p.parse_args()

    if a.all:
        paths = sorted(a.data.glob("subject_[0-9]*.csv.gz"))
        if not paths:
            sys.exit(f"neurokit_compare: no subject_NNN.csv.gz in {a.data}")
    elif a.what.endswith((".csv", ".csv.gz")):
        paths = [Path(a.what)]
    elif a.what.isdigit():
        paths = [a.data / f"subject_{int(a.what):03d}.csv.gz"]
    else:
        sys.exit(f"neurokit_compare: {a.what!r} is neither a subject id nor a .csv(.gz) file")
    for q in paths:
        if not q.is_file() or not q.with_name(re.sub(r"\.csv(\.gz)?$", "_breaths.csv", q.name)).is_file():
            sys.exit(f"neurokit_compare: no recording or no breaths file for {q}")

    print(f"breathband {a.rev}, neurokit2 {nk.__version__}, window 30 s, step 1 s, timings best of {RUNS}")
    res = [compare(a.bin, q) for q in paths]
    if len(res) > 1:
        cat = lambda f: np.concatenate([f(r) for r in res])
        errs = {k: cat(lambda r: r["errs"][k]) for k in res[0]["errs"]}
        columns = {"all with ref": cat(lambda r: r["has_ref"]),
                   "breathband-rated": cat(lambda r: r["rated"])}
        tot = lambda k: sum(r[k] for r in res)
        print(f"all {len(res)} subjects, windows pooled:", *error_table(errs, columns),
              f"  breathband rate below its min_rate_bpm: {tot('low')} windows",
              f"  total time breathband {tot('t_bb'):.2f} s, neurokit2 read + process "
              f"{tot('t_nk_all'):.2f} s, rsp_process alone {tot('t_nk'):.2f} s",
              f"  speed ratio neurokit2 / breathband: {tot('t_nk_all') / tot('t_bb'):.1f}x "
              f"(read + process), {tot('t_nk') / tot('t_bb'):.1f}x (rsp_process alone)", sep="\n")


if __name__ == "__main__":
    main()
