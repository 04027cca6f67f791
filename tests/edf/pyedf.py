"""EDF files read and written by pyedflib (EDFlib), the independent side of
the EDF+ tests (tests/edf_roundtrip.rs).

    pyedf.py dump FILE.edf          -> JSON on stdout: header, signals, samples, annotations
    pyedf.py write FILE.edf SPEC    -> writes the bands SPEC (JSON) describes
"""

import json
import math
import sys

import numpy as np
import pyedflib


def dump(path):
    f = pyedflib.EdfReader(path)
    try:
        with open(path, "rb") as raw:
            head = raw.read(256).decode("ascii", "replace")
        signals = []
        for i in range(f.signals_in_file):
            h = f.getSignalHeader(i)
            h["n_samples"] = int(f.getNSamples()[i])
            h["physical"] = f.readSignal(i).tolist()
            h["digital"] = f.readSignal(i, digital=True).tolist()
            signals.append(h)
        onsets, durations, texts = f.readAnnotations()
        out = {
            "reserved": head[192:236].strip(),
            "filetype": f.filetype,
            "start": f.getStartdatetime().isoformat(),
            "record_s": f.datarecord_duration,
            "records": f.datarecords_in_file,
            "equipment": f.getEquipment(),
            "signals": signals,
            "annotations": [
                {"onset": float(o), "duration": float(d), "text": str(t)}
                for o, d, t in zip(onsets, durations, texts)
            ],
        }
    finally:
        f.close()
    json.dump(out, sys.stdout)


def write(path, spec):
    """SPEC: {"seconds", "rate_bpm", "signals": [{"label", "rate_hz",
    "amplitude", "phase_deg", "unit"}], "annotations": [[onset, text]]}."""
    sigs = spec["signals"]
    f = pyedflib.EdfWriter(path, len(sigs), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        headers, data = [], []
        for s in sigs:
            fs = s["rate_hz"]
            t = np.arange(int(spec["seconds"] * fs)) / fs
            w = 2 * math.pi * spec["rate_bpm"] / 60.0
            x = s["amplitude"] * np.sin(w * t + math.radians(s["phase_deg"]))
            x = x + 0.02 * s["amplitude"] * np.sin(2 * math.pi * 1.1 * t)
            headers.append(
                {
                    "label": s["label"],
                    "dimension": s["unit"],
                    "sample_frequency": fs,
                    "physical_min": -2.0 * s["amplitude"],
                    "physical_max": 2.0 * s["amplitude"],
                    "digital_min": -32768,
                    "digital_max": 32767,
                    "transducer": "RIP belt",
                    "prefilter": "",
                }
            )
            data.append(x)
        f.setSignalHeaders(headers)
        for onset, text in spec.get("annotations", []):
            f.writeAnnotation(onset, -1, text)
        f.writeSamples(data)
    finally:
        f.close()


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif sys.argv[1] == "write":
        write(sys.argv[2], json.loads(sys.argv[3]))
    else:
        sys.exit("usage: pyedf.py dump FILE | write FILE SPEC")
