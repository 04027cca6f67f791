#!/usr/bin/env python3
"""Breath count of `breathband analyze --json` against the shirt's own breath
events, on every shared Hexoskin recording (standard library only).

Usage: python3 bench/breath_count.py [--bin target/release/breathband] [--data DIR]
Prints one line per subject and the pooled difference in %.
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
true_all = ours_all = 0
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
    true_all += true
    ours_all += ours
    print(f"subject {sid}: device {true} breaths, breathband {ours} ({100 * (ours - true) / true:+.1f} %)")
print(f"all: device {true_all}, breathband {ours_all} ({100 * (ours_all - true_all) / true_all:+.1f} %)")
