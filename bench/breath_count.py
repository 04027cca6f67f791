#!/usr/bin/env python3
"""Breath count of `breathband analyze --json` against the shirt's own breath
events, on every shared Hexoskin recording (standard library only).

Usage: python3 bench/breath_count.py [--bin target/release/breathband] [--data DIR]
Prints one line per subject and the pooled difference in %, and, so that
missed and extra breaths cannot cancel out, the breaths matched one to one:
an inhale start of ours within 0.35 of the device breath's period of a
device turning point (each used once, nearest first). The shirt's raw counts
fall as the bands stretch (in every device inspiration of subject 010's calm
stretch chest + belly falls), so breathband, which takes a rising band for an
inhale, starts its breaths at the shirt's `exhale_start` events: those are
the ones matched.
"""
import argparse
import csv
import json
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=str(here.parent / "target/release/breathband"))
ap.add_argument("--data", default=str(here.parent.parent / "shared/data/hexoskin"))
a = ap.parse_args()
data = pathlib.Path(a.data)
files = sorted(data.glob("subject_*_breaths.csv"))
if not files:
    sys.exit(f"breath_count.py: no subject_NNN_breaths.csv in {data}")
true_all = ours_all = matched_all = 0


def match(dev, ours):
    """One-to-one matches of inhale starts (sorted lists of seconds)."""
    pairs = []
    for i, t in enumerate(dev[:-1]):
        tol = 0.35 * (dev[i + 1] - t)
        pairs += [(abs(o - t), i, j) for j, o in enumerate(ours) if abs(o - t) <= tol]
    pairs.sort()
    used_d, used_o = set(), set()
    for _, i, j in pairs:
        if i not in used_d and j not in used_o:
            used_d.add(i)
            used_o.add(j)
    return len(used_d)


for ev in files:
    sid = ev.name.split("_")[1]
    run = subprocess.run([a.bin, "analyze", str(data / f"subject_{sid}.csv.gz"), "--json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"breath_count.py: analyze failed on subject {sid}: {run.stderr.strip()}")
    report = json.loads(run.stdout)
    inhales = [r for r in csv.DictReader(ev.open()) if r["event"] == "inhale_start"]
    true = len(inhales) - 1  # breaths run from one inhale start to the next
    ours = len(report["breaths"])
    dev = sorted(float(r["time_s"]) for r in csv.DictReader(ev.open()) if r["event"] == "exhale_start")
    # Our breaths that start before the device's last inhale start.
    mine = sorted(b["inhale_start_s"] for b in report["breaths"] if b["inhale_start_s"] < dev[-1])
    m = match(dev, mine)
    true_all += true
    ours_all += ours
    matched_all += m
    print(f"subject {sid}: device {true} breaths, breathband {ours} ({100 * (ours - true) / true:+.1f} %); "
          f"matched {m}: missed {true - m}, extra {len(mine) - m}")
print(f"all: device {true_all}, breathband {ours_all} ({100 * (ours_all - true_all) / true_all:+.1f} %); "
      f"matched {matched_all} ({100 * matched_all / true_all:.1f} % of the device's breaths, "
      f"{100 * matched_all / ours_all:.1f} % of ours)")
