"""Truth table: `breathband analyze --json` scored against simulated signals
with known ground truth, beside NeuroKit2 (rate) and a cross-spectrum
baseline (share, phase, class) on the same signals.

Run through bench/truth_table.sh, which builds breathband (unless --bin) and
installs NeuroKit2 into ${CARGO_TARGET_DIR:-target}/neurokit-venv. What is
scored, and how, is in bench/README.md ("Truth table").
"""

import argparse
import concurrent.futures as cf
import datetime
import hashlib
import json
import math
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.signal as ss

warnings.filterwarnings("ignore")
import neurokit2 as nk  # noqa: E402  (after the warning filter: it warns on import)

NS = "no_signal"
CLASSES = ["belly", "chest", "mixed", "paradoxical", NS]
START_S = 30  # scoring starts here (seconds from the start of the signal)
SETTLE_S = 15  # class/share/phase scored this long after the last change in truth
HOLD_GRACE_S = 13  # a breath hold is no_signal from this long after it began
OFF_GRACE_S = 3  # a band off is no_signal from this long after it began
AFTER_NS_S = 15  # breathing this soon after a no_signal stretch: no false no_signal counted
RUN_S = 5  # a transition is seen when the new class shows this long running
LONG_SEG_S = 15  # truth stretches shorter than this (a cross-fade's middle) are folded into a change
PATTERN_HOLD_LIMIT_S = 10.0  # src/device/virtual_sensor.rs
NK_MAX_FS = 100  # NeuroKit is fed at most this rate (resample_poly)
XS_FS = 10  # the baseline works on the bands resampled to this rate, Hz
XS_WIN_S = 30  # baseline window, s
XS_BAND_HZ = (0.04, 1.0)  # baseline rate search band
XS_TINY_PP = 30.0  # baseline: no_signal when chest + belly p-p at f0 is below this, counts
XS_FLAT_SD = 5.0  # baseline: a band is flat when its detrended SD is below this, counts
GROUPS = {
    "slow": "slow (< 6/min)",
    "mid": "6-20/min",
    "fast": "fast (> 20/min)",
    "holds_pat": "patterns with holds",
    "trans": "transitions",
    "nosig": "holds & band off",
    "life": "real-life artefacts",
}
TOOLS = ["breathband", "neurokit2", "xspectrum"]


# ---------------------------------------------------------------- scenarios

def sc(name, group, fs, secs, seed, rate=12.0, pattern=None, share=0.7, phase=0.0,
       schedule=(), noise=None, drift=None, post=(), quick=False):
    """One scenario. schedule: [(t, {key: value})]; post: post-processing ops
    applied to the simulate CSV (see postprocess)."""
    return dict(name=name, group=group, fs=fs, secs=secs, seed=seed, rate=rate, pattern=pattern,
                share=share, phase=phase, schedule=list(schedule), noise=noise, drift=drift,
                post=list(post), quick=quick)


def fade(t0, a, b, steps=10):
    """A share cross-fade from a to b over `steps` seconds starting at t0."""
    return [(t0 + k, {"share": round(a + (b - a) * k / steps, 3)}) for k in range(1, steps + 1)]


DAY = ("offset", 86400.0)


def scenarios():
    S = []
    # slow (< 6/min): constant rates and the slow rate patterns
    S += [
        sc("rate2.5_s0.75", "slow", 100, 360, 11, rate=2.5, share=0.75, quick=True),
        sc("rate3_s0.2_ph+30", "slow", 25, 300, 12, rate=3, share=0.2, phase=30),
        sc("rate4_s0.75", "slow", 1000, 240, 13, rate=4, share=0.75, quick=True),
        sc("rate4_s0.75_seed2", "slow", 25, 240, 113, rate=4, share=0.75),
        sc("rate5_s0.5_ph-30", "slow", 100, 240, 14, rate=5, share=0.5, phase=-30),
        sc("pat5.5_s0.3_ph+20", "slow", 25, 240, 15, pattern="5.5", share=0.3, phase=20),
        sc("pat3_s0.7_ph-30", "slow", 100, 300, 16, pattern="3", share=0.7, phase=-30, quick=True),
    ]
    # 6-20/min
    S += [
        sc("rate6_s0.8", "mid", 25, 240, 21, rate=6, share=0.8),
        sc("pat6_s0.5_ph+30", "mid", 1000, 240, 22, pattern="6", share=0.5, phase=30),
        sc("rate8_s0.7_ph180", "mid", 100, 240, 23, rate=8, share=0.7, phase=180),
        sc("rate12_s0.2_ph-30", "mid", 100, 240, 24, rate=12, share=0.2, phase=-30, quick=True),
        sc("rate12_s0.5_t86400", "mid", 1000, 240, 25, rate=12, share=0.5, post=[DAY]),
        sc("rate20_s0.7_t86400", "mid", 25, 240, 26, rate=20, share=0.7, post=[DAY]),
        sc("lengthen_s0.7", "mid", 100, 420, 27, pattern="lengthen", share=0.7),
    ]
    # fast (> 20/min)
    S += [
        sc("rate30_s0.3", "fast", 100, 180, 31, rate=30, share=0.3),
        sc("rate45_s0.7_ph+30", "fast", 25, 180, 32, rate=45, share=0.7, phase=30),
        sc("rate60_s0.5_ph-30", "fast", 1000, 180, 33, rate=60, share=0.5, phase=-30, quick=True),
        sc("rate60_s0.75_ph180", "fast", 100, 180, 34, rate=60, share=0.75, phase=180),
    ]
    # pacer patterns with holds (holds of 10 s or less are breathing)
    S += [
        sc("pat4-7-8_s0.7", "holds_pat", 100, 300, 41, pattern="4-7-8", share=0.7, quick=True),
        sc("pat4-7-8_s0.3_ph180", "holds_pat", 25, 300, 141, pattern="4-7-8", share=0.3, phase=180),
        sc("patbox_s0.2_ph+30", "holds_pat", 25, 300, 42, pattern="box", share=0.2, phase=30),
        sc("pat4-10-6_s0.5_ph-30", "holds_pat", 1000, 240, 43, pattern="4-10-6", share=0.5, phase=-30),
        sc("pat2-10-2-10_s0.8_ph180", "holds_pat", 100, 300, 44, pattern="2-10-2-10", share=0.8,
           phase=180, quick=True),
    ]
    # transitions, in every direction, steps and cross-fades
    S += [
        sc("tr_belly-chest-belly-mixed", "trans", 100, 360, 51, rate=12, share=0.75,
           schedule=[(90, {"share": 0.25}), (180, {"share": 0.75}), (270, {"share": 0.5})],
           quick=True),
        sc("tr_paradox_both_ways", "trans", 25, 360, 52, rate=8, share=0.7,
           schedule=[(90, {"phase": 180}), (180, {"phase": 0, "share": 0.3}), (270, {"phase": 180})]),
        sc("tr_slow4_belly-chest-mixed", "trans", 100, 360, 53, rate=4, share=0.75,
           schedule=[(120, {"share": 0.25}), (240, {"share": 0.5})]),
        sc("fade_belly-chest-belly", "trans", 1000, 300, 54, rate=10, share=0.78,
           schedule=fade(100, 0.78, 0.22) + fade(200, 0.22, 0.78), quick=True),
        sc("fade_chest-mixed-belly", "trans", 100, 300, 55, rate=15, share=0.22,
           schedule=fade(100, 0.22, 0.5) + fade(200, 0.5, 0.78)),
        sc("tr_rate12-6-20", "trans", 100, 300, 56, rate=12, share=0.7,
           schedule=[(100, {"rate": 6}), (200, {"rate": 20})]),
    ]
    # breath holds and cables out
    S += [
        sc("hold20_rate12", "nosig", 100, 300, 61, rate=12, share=0.7,
           schedule=[(100, {"hold": 20}), (200, {"hold": 20})], quick=True),
        sc("hold20_rate12_seed2", "nosig", 1000, 240, 161, rate=12, share=0.3,
           schedule=[(120, {"hold": 20})]),
        sc("hold20_rate5", "nosig", 25, 330, 62, rate=5, share=0.75,
           schedule=[(120, {"hold": 20}), (240, {"hold": 20})]),
        sc("off_chest-belly-both", "nosig", 100, 360, 63, rate=12, share=0.5,
           schedule=[(100, {"off": "chest"}), (140, {"off": "none"}), (200, {"off": "belly"}),
                     (240, {"off": "none"}), (290, {"off": "both"}), (320, {"off": "none"})],
           quick=True),
        sc("rail4095_belly-chest", "nosig", 25, 300, 64, rate=10, share=0.7,
           post=[("rail", "belly", 100, 140), ("rail", "chest", 200, 240)], quick=True),
        sc("onlynoise_chest-belly_t86400", "nosig", 100, 300, 65, rate=12, share=0.7,
           post=[("flat", "chest", 100, 140), ("flat", "belly", 200, 240), DAY]),
        sc("pat4-20-4_longhold", "nosig", 25, 300, 66, pattern="4-20-4", share=0.7),
    ]
    # real-life artefacts
    S += [
        sc("heart_rate12", "life", 100, 240, 71, rate=12, share=0.7, post=[("heart",)]),
        sc("heart_rate4_s0.3", "life", 25, 300, 72, rate=4, share=0.3, post=[("heart",)], quick=True),
        sc("drift0.5_rate8", "life", 1000, 240, 73, rate=8, share=0.7, drift=0.5),
        sc("motion_rate12", "life", 100, 300, 74, rate=12, share=0.7,
           post=[("bursts", [(80, 4), (150, 3), (220, 5)])], quick=True),
        sc("mix_rate5_heart_drift_motion_t86400", "life", 100, 300, 75, rate=5, share=0.7,
           drift=0.5, post=[("heart",), ("bursts", [(100, 4), (190, 5)]), DAY]),
        sc("noise0.05_rate15", "life", 25, 240, 76, rate=15, share=0.75, noise=0.05),
    ]
    return S


def parse_pattern(p):
    """(inhale, hold_in, exhale, hold_out) of an IN-[HOLD-]OUT[-HOLD] pattern, else None."""
    if p is None:
        return None
    if p == "box":
        return (4, 4, 4, 4)
    parts = p.split("-")
    if len(parts) == 1:
        return None
    v = [float(x) for x in parts]
    return {2: (v[0], 0, v[1], 0), 3: (v[0], v[1], v[2], 0), 4: tuple(v)}[len(v)]


def sim_args(s):
    a = ["--rate-hz", str(s["fs"]), "--share", str(s["share"]), "--phase", str(s["phase"]),
         "--seed", str(s["seed"])]
    a += ["--pattern", s["pattern"]] if s["pattern"] else ["--breath-rate", str(s["rate"])]
    if s["noise"] is not None:
        a += ["--noise", str(s["noise"])]
    if s["drift"] is not None:
        a += ["--drift", str(s["drift"])]
    if s["schedule"]:
        a += ["--schedule", ";".join(f"{t:g}:" + ",".join(f"{k}={v}" for k, v in kv.items())
                                     for t, kv in s["schedule"])]
    return a


# ---------------------------------------------------------------- signals

def postprocess(s, df, rng):
    """Applies the scenario's post-processing to the simulate CSV (in place).
    Returns (offset_s, off stretches [(a, b)], burst stretches [(a, b)])."""
    fs = s["fs"]
    t = df.time_s.to_numpy()
    offset, offs, bursts = 0.0, [], []
    for op in s["post"]:
        kind = op[0]
        if kind == "rail":  # band at the converter rail: cable out (one form)
            _, band, a, b = op
            m = (t >= a) & (t < b)
            df.loc[m, band] = 4095
            offs.append((a, b))
        elif kind == "flat":  # band constant plus small noise: cable out, "only noise"
            _, band, a, b = op
            m = (t >= a) & (t < b)
            level = float(np.median(df[band].to_numpy()[m]))
            df.loc[m, band] = np.clip(np.round(level + rng.normal(0, 3.0, m.sum())), 0, 4095)
            offs.append((a, b))
        elif kind == "heart":  # cardiogenic oscillation, 1.2 Hz, 30 / 20 counts p-p
            for band, amp, ph in (("chest", 15.0, 0.0), ("belly", 10.0, 0.7)):
                x = df[band].to_numpy() + amp * np.sin(2 * np.pi * 1.2 * t + ph)
                df[band] = np.clip(np.round(x), 0, 4095).astype(int)
        elif kind == "bursts":  # motion: large random walk per band, leaving a step behind
            for a, dur in op[1]:
                m = (t >= a) & (t < a + dur)
                after = t >= a + dur
                n = int(m.sum())
                for band in ("chest", "belly"):
                    walk = np.cumsum(rng.normal(0, 1, n))
                    walk *= rng.uniform(600, 1000) / max(1e-9, np.abs(walk).max())
                    x = df[band].to_numpy().astype(float)
                    x[m] += walk
                    x[after] += walk[-1] * 0.5  # the band slipped
                    df[band] = np.clip(np.round(x), 0, 4095).astype(int)
                bursts.append((a, a + dur))
        elif kind == "offset":  # a start far from 0
            offset = op[1]
    for a, b in offs:
        m = (t >= a) & (t < b)
        df.loc[m, "true_class"] = NS
        df.loc[m, "true_rate_bpm"] = 0.0
    if offset:
        df["time_s"] = df.time_s + offset
        df["sample_index"] = df.sample_index + int(round(offset * fs))
    return offset, offs, bursts


def schedule_spans(s, key):
    """[(start, end)] of schedule holds (key='hold') or band off (key='off')."""
    spans, cur = [], None
    for t, kv in s["schedule"]:
        if key not in kv:
            continue
        if key == "hold":
            spans.append((t, t + kv["hold"]))
        elif kv["off"] != "none" and cur is None:
            cur = t
        elif kv["off"] == "none" and cur is not None:
            spans.append((cur, t))
            cur = None
    if cur is not None:
        spans.append((cur, s["secs"]))
    return spans


def nominal_rate(s, df, n):
    """Per second: the rate the virtual person is set to (pattern: the truth,
    which has no jitter; else --breath-rate and the schedule's rate=)."""
    fs = s["fs"]
    if s["pattern"]:
        r = df.true_rate_bpm.to_numpy()[np.arange(n) * fs].copy()
        # during a no_signal stretch the pattern still runs: hold its rate
        r[r == 0] = np.nan
        return pd.Series(r).ffill().bfill().to_numpy()
    r = np.full(n, float(s["rate"]))
    for t, kv in s["schedule"]:
        if "rate" in kv:
            r[int(math.ceil(t)):] = kv["rate"]
    return r


# ---------------------------------------------------------------- tools

def run_breathband(binary, path):
    t0 = time.perf_counter()
    p = subprocess.run([binary, "analyze", str(path), "--json"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"breathband analyze {path.name} failed: {p.stderr.strip()[:300]}")
    return json.loads(p.stdout), wall


def per_second_breathband(rep, offset, n):
    """What a script reads at each whole second t: the latest window with t_s <= t."""
    w = rep["windows"]
    ts = np.array([x["t_s"] for x in w]) - offset
    out = {k: np.full(n, np.nan) for k in ("rate", "share", "phase")}
    cls = np.array([""] * n, dtype=object)
    idx = np.searchsorted(ts, np.arange(n) + 1e-6, side="right") - 1
    val = lambda v: np.nan if v is None else float(v)
    for sec in range(n):
        i = idx[sec]
        if i < 0:
            continue
        x = w[i]
        out["rate"][sec] = val(x["rate_bpm"])
        out["share"][sec] = val(x["belly_share"])
        out["phase"][sec] = val(x["phase_deg"])
        cls[sec] = x["class"]
    out["class"] = cls
    out["breaths"] = np.array([b["inhale_start_s"] for b in rep["breaths"]]) - offset
    return out


def nk_bands(df):
    """As bench/neurokit_compare.py: where both bands read 0 they hold the nearest value."""
    x = df[["chest", "belly"]].astype(float)
    return x.mask((x.chest == 0) & (x.belly == 0)).ffill().bfill()


def run_neurokit(df, fs, n):
    """rsp_process on chest + belly (each z-scored, summed) as neurokit_compare.py,
    resampled to NK_MAX_FS when faster. Returns (per-second, wall s, error)."""
    t0 = time.perf_counter()
    x = nk_bands(df)
    z = (x - x.mean()) / x.std().replace(0, 1)
    sig = (z.chest + z.belly).to_numpy()
    nfs = fs
    if fs > NK_MAX_FS:
        sig = ss.resample_poly(sig, NK_MAX_FS, fs)
        nfs = NK_MAX_FS
    out = {"rate": np.full(n, np.nan), "share": None, "phase": None, "class": None,
           "breaths": np.array([])}  # NeuroKit gives a rate and breaths only
    err = None
    try:
        signals, _ = nk.rsp_process(sig, sampling_rate=nfs)
        rate = signals.RSP_Rate.to_numpy()
        i = np.minimum(np.arange(n) * nfs, len(rate) - 1)
        out["rate"] = rate[i]
        out["breaths"] = np.flatnonzero(signals.RSP_Troughs.to_numpy() == 1) / nfs
    except Exception as e:  # measured as it is: no rate at all
        err = f"{type(e).__name__}: {e}"[:200]
    return out, time.perf_counter() - t0, err


def run_xspectrum(df, fs, n):
    """Cross-spectrum baseline: per second t, the 30 s of both bands ending at t
    (resampled to 10 Hz, linear detrend, Hann, one Welch segment, 4096-point FFT);
    f0 = peak of Pcc + Pbb in 0.04-1 Hz; share from the amplitudes at f0,
    phase = angle of Pcb(f0) (belly relative to chest, + = belly leads)."""
    t0 = time.perf_counter()
    c = ss.resample_poly(df.chest.to_numpy(float), XS_FS, fs)
    b = ss.resample_poly(df.belly.to_numpy(float), XS_FS, fs)
    L = XS_WIN_S * XS_FS
    secs = np.arange(XS_WIN_S, n)
    ends = np.minimum(secs * XS_FS, len(c))
    C = np.stack([c[e - L:e] for e in ends])
    B = np.stack([b[e - L:e] for e in ends])
    kw = dict(fs=XS_FS, window="hann", nperseg=L, nfft=4096, detrend="linear", scaling="spectrum",
              axis=-1)
    f, Pcc = ss.welch(C, **kw)
    _, Pbb = ss.welch(B, **kw)
    _, Pcb = ss.csd(C, B, **kw)  # conj(FFT chest) * FFT belly: angle = belly - chest
    band = (f >= XS_BAND_HZ[0]) & (f <= XS_BAND_HZ[1])
    k = np.flatnonzero(band)[np.argmax((Pcc + Pbb)[:, band], axis=1)]
    r = np.arange(len(secs))
    ac, ab = np.sqrt(2 * Pcc[r, k]), np.sqrt(2 * Pbb[r, k])  # sinusoid amplitudes at f0
    share = ab / np.maximum(ac + ab, 1e-12)
    phase = np.degrees(np.angle(Pcb[r, k]))
    sd = lambda X: ss.detrend(X, axis=-1).std(axis=-1)
    ns = (2 * (ac + ab) < XS_TINY_PP) | ((sd(C) < XS_FLAT_SD) & (sd(B) < XS_FLAT_SD))
    cls = np.where(np.abs(phase) > 90, "paradoxical",
                   np.where(share >= 0.6, "belly", np.where(share <= 0.4, "chest", "mixed")))
    cls = np.where(ns, NS, cls)
    out = {q: np.full(n, np.nan) for q in ("rate", "share", "phase")}
    out["class"] = np.array([""] * n, dtype=object)
    out["rate"][secs] = np.where(ns, np.nan, 60 * f[k])
    out["share"][secs] = np.where(ns, np.nan, share)
    out["phase"][secs] = np.where(ns, np.nan, phase)
    out["class"][secs] = cls
    out["breaths"] = None
    return out, time.perf_counter() - t0


# ---------------------------------------------------------------- truth & scoring

def truth_of(s, df, offs, bursts):
    fs, n = s["fs"], int(s["secs"])
    rows = np.arange(n) * fs
    T = {
        "class": df.true_class.to_numpy()[rows],
        "rate_row": df.true_rate_bpm.to_numpy()[rows],
        "share": df.true_belly_share.to_numpy()[rows],
        "phase": df.true_phase_deg.to_numpy()[rows],
    }
    ns = T["class"] == NS
    sec = np.arange(n)
    # the kinds of no_signal: breath holds (scheduled, or a pattern hold past
    # 10 s) begin when breathing stops; band off when the band goes
    holds = schedule_spans(s, "hold")
    offs = offs + schedule_spans(s, "off")
    in_span = lambda spans: np.any([(sec >= a) & (sec < b) for a, b in spans], axis=0) \
        if spans else np.zeros(n, bool)
    is_off, is_hold = in_span(offs), in_span(holds)
    hold_starts = [a for a, _ in holds]
    # pattern holds past the limit: no_signal stretches not explained above
    pat = ns & ~is_off & ~is_hold
    for a, b in runs(pat):
        hold_starts.append(a - PATTERN_HOLD_LIMIT_S)
    since = np.full(n, -1.0)  # how long the no_signal cause has lasted
    for a, b in offs:
        m = (sec >= a) & (sec < b)
        since[m] = sec[m] - a
    for h in hold_starts:
        m = ns & ~is_off & (sec >= h) & (sec < h + 3600)
        since[m] = np.where(since[m] < 0, sec[m] - h, np.minimum(since[m], sec[m] - h))
    grace = np.where(is_off, OFF_GRACE_S, HOLD_GRACE_S)
    T["recall_ok"] = ns & (since >= grace)
    near_hold = np.zeros(n, bool)
    for h in hold_starts:
        near_hold |= (sec >= h) & (sec < h + HOLD_GRACE_S)
    # last change in truth (class, share, phase)
    key = list(zip(T["class"], T["share"], T["phase"]))
    last = np.zeros(n)
    for i in range(1, n):
        last[i] = i if key[i] != key[i - 1] else last[i - 1]
    since_change = sec - last
    since_ns_end = np.full(n, np.inf)
    for a, b in runs(ns):
        m = sec >= b
        since_ns_end[m] = sec[m] - b
    burst = in_span(bursts)
    valid = (sec >= START_S) & ~burst
    breathing = ~ns
    T["nominal"] = nominal_rate(s, df, n)
    # rate: constant nominal rate over the lookback L = 2 periods, 30-75 s,
    # no no_signal in it; truth = mean of the per-breath true rate over L
    rr = df.true_rate_bpm.to_numpy(float)
    cs = np.concatenate([[0.0], np.cumsum(rr)])
    L = np.clip(2 * 60 / T["nominal"], 30, 75)
    rate_ok = np.zeros(n, bool)
    rate_true = np.full(n, np.nan)
    cns = np.concatenate([[0], np.cumsum(ns)])
    for i in range(START_S, n):
        lo = max(0, int(math.ceil(i - L[i])))
        nom = T["nominal"][lo:i + 1]
        if cns[i + 1] - cns[lo] == 0 and nom.max() <= 1.1 * nom.min():
            rate_ok[i] = True
            a, b = lo * fs, i * fs + 1
            rate_true[i] = (cs[b] - cs[a]) / (b - a)
    T["rate"] = rate_true
    settled = valid & (since_change >= SETTLE_S) & ~near_hold
    T["masks"] = {
        "rate": valid & breathing & rate_ok,
        "share": settled & breathing,
        "phase": settled & breathing & (T["share"] >= 0.1) & (T["share"] <= 0.9),
        "class": settled,
        "recall": valid & T["recall_ok"],
        "false_ns": valid & breathing & (since_ns_end >= AFTER_NS_S),
    }
    # breath count over breathing seconds from 30 s on (bursts left out)
    cyc = df.true_cycle.to_numpy()
    wraps = (np.flatnonzero(np.diff(cyc) < -0.5) + 1) / fs
    T["count_mask"] = valid & breathing
    # a breath runs from one inhale start to the next: the last one, still
    # going at the end of the signal, is not a breath yet
    T["true_breaths"] = wraps[:-1]
    T["transitions"] = transitions(T["class"], T["nominal"])
    return T


def runs(mask):
    """[(start, end)] of the True runs of a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.flatnonzero(np.diff(m.astype(int)))
    return list(zip(d[::2], d[1::2]))


def transitions(cls, nominal):
    """Changes between truth stretches of at least LONG_SEG_S s (shorter ones, as
    a cross-fade's middle, are folded in), into a breathing class: (change s,
    end of the new stretch, from, to, rate at the change)."""
    segs, start = [], 0
    for i in range(1, len(cls) + 1):
        if i == len(cls) or cls[i] != cls[i - 1]:
            segs.append((start, i, cls[start]))
            start = i
    long = [x for x in segs if x[1] - x[0] >= LONG_SEG_S]
    out = []
    for (a0, a1, ca), (b0, b1, cb) in zip(long, long[1:]):
        if ca != cb and cb != NS and b0 >= START_S:
            out.append((b0, b1, ca, cb, float(nominal[b0])))
    return out


def score(T, P, fs):
    """Per-scenario raw figures of one tool's per-second output P."""
    m = T["masks"]
    R = {}
    br = m["rate"]
    e = np.abs(P["rate"][br] - T["rate"][br])
    R["rate_err"] = np.where(np.isnan(e), np.inf, e)
    e = np.abs(P["rate"][br] - T["rate_row"][br])
    R["rate_row_err"] = np.where(np.isnan(e), np.inf, e)
    if P["share"] is not None:
        e = np.abs(P["share"][m["share"]] - T["share"][m["share"]])
        R["share_err"] = np.where(np.isnan(e), np.inf, e)
    if P["phase"] is not None:
        d = P["phase"][m["phase"]] - T["phase"][m["phase"]]
        e = np.abs((d + 180) % 360 - 180)
        R["phase_err"] = np.where(np.isnan(e), np.inf, e)
    if P["class"] is not None:
        c = P["class"]
        R["class_ok"] = (c[m["class"]] == T["class"][m["class"]])
        R["recall"] = (c[m["recall"]] == NS)
        R["false_ns"] = (c[m["false_ns"]] == NS)
        lat, lat_b, lat_rec, lat_rec_b = [], [], [], []
        for b0, b1, ca, cb, rate in T["transitions"]:
            L = np.inf
            for s in range(b0, b1 - RUN_S + 1):
                if np.all(c[s:s + RUN_S] == cb):
                    L = float(s - b0)
                    break
            (lat_rec if ca == NS else lat).append(L)
            (lat_rec_b if ca == NS else lat_b).append(L * rate / 60)
        R["latency_s"], R["latency_breaths"] = lat, lat_b
        R["recovery_s"], R["recovery_breaths"] = lat_rec, lat_rec_b
    if P.get("breaths") is not None:
        cm = T["count_mask"]
        inside = lambda times: int(sum(1 for x in times if 0 <= x < len(cm) and cm[int(x)]))
        R["count"] = (inside(P["breaths"]), inside(T["true_breaths"]))
    return R


def run_scenario(job):
    s, binary, workdir, keep = job
    path = Path(workdir) / f"{s['name']}.csv"
    rng = np.random.default_rng(s["seed"])
    p = subprocess.run([binary, "simulate", "--out", str(path), "--seconds", str(s["secs"])]
                       + sim_args(s), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"breathband simulate ({s['name']}) failed: {p.stderr.strip()[:300]}")
    df = pd.read_csv(path)
    offset, offs, bursts = 0.0, [], []
    if s["post"]:
        offset, offs, bursts = postprocess(s, df, rng)
        df.to_csv(path, index=False, float_format="%.6f")
    n = int(s["secs"])
    T = truth_of(s, df, offs, bursts)
    rep, t_bb = run_breathband(binary, path)
    out = {"breathband": per_second_breathband(rep, offset, n)}
    out["neurokit2"], t_nk, nk_err = run_neurokit(df, s["fs"], n)
    out["xspectrum"], t_xs = run_xspectrum(df, s["fs"], n)
    if not keep:
        path.unlink()
    res = {tool: score(T, P, s["fs"]) for tool, P in out.items()}
    return dict(name=s["name"], base=s["base"], group=s["group"], fs=s["fs"], secs=s["secs"], seed=s["seed"],
                args=sim_args(s), post=[list(map(str, x)) for x in s["post"]], raw=res,
                wall={"breathband": t_bb, "neurokit2": t_nk, "xspectrum": t_xs}, nk_error=nk_err,
                n_transitions=len([x for x in T["transitions"] if x[2] != NS]))


# ---------------------------------------------------------------- figures

def stats(raws):
    """Pooled figures over a list of per-scenario raw figures of one tool."""
    cat = lambda k: np.concatenate([np.asarray(r[k], float) for r in raws if k in r]) \
        if any(k in r for r in raws) else None
    F = {}
    for k in ("rate_err", "rate_row_err", "share_err", "phase_err"):
        v = cat(k)
        if v is None or len(v) == 0:
            F[k] = None
            continue
        f = v[np.isfinite(v)]
        F[k] = {"median": float(np.median(v)), "p90": float(np.quantile(v, 0.9, method="higher")),
                "null_fraction": float(np.mean(~np.isfinite(v))), "n": int(len(v)),
                "median_given": float(np.median(f)) if len(f) else None,
                "p90_given": float(np.quantile(f, 0.9, method="higher")) if len(f) else None}
    for k in ("class_ok", "recall", "false_ns"):
        v = cat(k)
        F[k] = None if v is None or len(v) == 0 else {"fraction": float(v.mean()), "n": int(len(v))}
    for k in ("latency_s", "latency_breaths", "recovery_s", "recovery_breaths"):
        v = cat(k)
        F[k] = None if v is None or len(v) == 0 else {
            "median": float(np.median(v)), "max": float(v.max()), "never": int(np.sum(~np.isfinite(v))),
            "n": int(len(v))}
    cnt = [r["count"] for r in raws if "count" in r]
    if cnt:
        got, true = sum(c[0] for c in cnt), sum(c[1] for c in cnt)
        F["count"] = {"abs_err_pct": 100 * sum(abs(a - b) for a, b in cnt) / max(1, true),
                      "signed_pct": 100 * (got - true) / max(1, true), "found": got, "true": true}
    else:
        F["count"] = None
    return F


def fnum(x, p=2):
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:.{p}f}"


def cell(F, k, what):
    v = F.get(k)
    if v is None:
        return "-"
    if what == "med/p90":
        return f"{fnum(v['median'])} / {fnum(v['p90'])}"
    if what == "given":
        return f"{fnum(v['median_given'])} / {fnum(v['p90_given'])}"
    if what == "null":
        return f"{100 * v['null_fraction']:.1f} %"
    if what == "frac":
        return f"{100 * v['fraction']:.1f} % ({v['n']} s)"
    if what == "lat":
        nv = f", {v['never']} never" if v["never"] else ""
        return f"{fnum(v['median'], 0)} / {fnum(v['max'], 0)} s ({v['n']}{nv})"
    if what == "latb":
        return f"{fnum(v['median'], 1)} / {fnum(v['max'], 1)}"
    if what == "count":
        return f"{v['abs_err_pct']:.1f} % ({v['signed_pct']:+.1f} %)"
    raise ValueError(what)


ROWS = [
    ("rate: median / p90 abs error, /min (vs mean true rate of the last 30-75 s)", "rate_err", "med/p90"),
    ("rate: null while breathing", "rate_err", "null"),
    ("rate: median / p90 over the seconds with a rate (nulls left out)", "rate_err", "given"),
    ("rate: median / p90 vs the row's own true_rate_bpm (one jittered breath)", "rate_row_err", "med/p90"),
    ("belly share: median / p90 abs error", "share_err", "med/p90"),
    ("belly share: null while breathing", "share_err", "null"),
    ("phase: median / p90 circular abs error, deg (share 0.1-0.9)", "phase_err", "med/p90"),
    ("phase: null while breathing", "phase_err", "null"),
    ("class right, settled seconds", "class_ok", "frac"),
    ("class change latency median / max (breathing -> breathing)", "latency_s", "lat"),
    ("  the same in breaths, median / max", "latency_breaths", "latb"),
    ("class back after no_signal, median / max", "recovery_s", "lat"),
    ("no_signal recall (hold >= 13 s, band off >= 3 s)", "recall", "frac"),
    ("false no_signal (breathing, > 15 s after no_signal)", "false_ns", "frac"),
    ("breath count: abs error (signed), pooled over runs", "count", "count"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="breathband binary")
    ap.add_argument("--rev", default="?", help="what the binary was built from, for the header")
    ap.add_argument("--quick", action="store_true", help="the scenarios marked quick only")
    ap.add_argument("--jobs", type=int, default=2, help="scenarios run at once (default 2)")
    ap.add_argument("--workdir", type=Path, required=True, help="folder for the CSVs")
    ap.add_argument("--json", type=Path, required=True, help="write all figures here")
    ap.add_argument("--seeds", type=int, default=None,
                    help="seeds per scenario (default 2, with --quick 1)")
    ap.add_argument("--only", default=None, help="run the scenarios whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep the CSVs in --workdir")
    a = ap.parse_args()
    binary = str(Path(a.bin).resolve())
    a.workdir.mkdir(parents=True, exist_ok=True)
    seeds = a.seeds or (1 if a.quick else 2)
    S = [dict(s, base=s["name"], seed=s["seed"] + 1000 * k,
              name=s["name"] if k == 0 else f"{s['name']}~seed{s['seed'] + 1000 * k}")
         for s in scenarios() if (s["quick"] or not a.quick) and (a.only is None or a.only in s["name"])
         for k in range(seeds)]
    if not S:
        sys.exit("truth_table: no scenario selected")
    S.sort(key=lambda s: -s["secs"] * (1 + s["fs"] / 200))  # longest first
    t0 = time.perf_counter()
    results = []
    with cf.ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        futs = [ex.submit(run_scenario, (s, binary, a.workdir, a.keep)) for s in S]
        for f in cf.as_completed(futs):
            try:
                r = f.result()
            except Exception as e:
                for g in futs:
                    g.cancel()
                sys.exit(f"truth_table: {e}")
            results.append(r)
            print(f"  {r['name']}: done", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t0
    order = {s["name"]: k for k, s in enumerate(scenarios())}
    results.sort(key=lambda r: (order[r["base"]], r["seed"]))

    overall = {t: stats([r["raw"][t] for r in results]) for t in TOOLS}
    groups = {g: {t: stats([r["raw"][t] for r in results if r["group"] == g]) for t in TOOLS}
              for g in GROUPS if any(r["group"] == g for r in results)}
    walls = {t: sum(r["wall"][t] for r in results) for t in TOOLS}
    sha = hashlib.sha256(Path(binary).read_bytes()).hexdigest()[:12]
    n_sec = sum(int(r["secs"]) for r in results)

    L = []
    L.append(f"truth table: breathband {a.rev} (binary {binary}, sha256 {sha}), neurokit2 {nk.__version__}; "
             f"{len({r['base'] for r in results})} scenarios x {seeds} seed(s) = {len(results)} runs, {n_sec} s of signal{' (--quick)' if a.quick else ''}; "
             f"{datetime.date.today()}")
    L.append("")
    L.append("| metric | breathband | NeuroKit2 | cross-spectrum |")
    L.append("| --- | --- | --- | --- |")
    for label, k, what in ROWS:
        L.append(f"| {label} | " + " | ".join(cell(overall[t], k, what) for t in TOOLS) + " |")
    L.append(f"| wall time, total over the scenarios | analyze {walls['breathband']:.2f} s | "
             f"rsp_process {walls['neurokit2']:.2f} s ({walls['neurokit2'] / max(walls['breathband'], 1e-9):.1f}x) | "
             f"{walls['xspectrum']:.2f} s |")
    L.append("")
    L.append("Per group (breathband / NeuroKit2 / cross-spectrum where both apply):")
    L.append("")
    L.append("| group | runs | rate med / p90 /min: bb | nk | xs | rate null bb / nk | share med bb / xs | "
             "phase med bb / xs | class right bb / xs | latency med / max s bb / xs | "
             "ns recall bb / xs | false ns bb / xs | breath count bb / nk |")
    L.append("| --- " * 13 + "|")

    def g2(F, k, sub, scale=1.0, p=2, pctfmt=False):
        v = F.get(k)
        if v is None:
            return "-"
        x = v[sub] * scale
        return (f"{x:.0f} %" if pctfmt else fnum(x, p))

    for g, F in groups.items():
        runs_n = sum(r["group"] == g for r in results)
        bb, nkF, xs = F["breathband"], F["neurokit2"], F["xspectrum"]
        L.append(
            f"| {GROUPS[g]} | {runs_n} | {cell(bb, 'rate_err', 'med/p90')} | {cell(nkF, 'rate_err', 'med/p90')} | "
            f"{cell(xs, 'rate_err', 'med/p90')} | {g2(bb, 'rate_err', 'null_fraction', 100, pctfmt=True)} / "
            f"{g2(nkF, 'rate_err', 'null_fraction', 100, pctfmt=True)} | "
            f"{g2(bb, 'share_err', 'median')} / {g2(xs, 'share_err', 'median')} | "
            f"{g2(bb, 'phase_err', 'median', p=1)} / {g2(xs, 'phase_err', 'median', p=1)} | "
            f"{g2(bb, 'class_ok', 'fraction', 100, pctfmt=True)} / {g2(xs, 'class_ok', 'fraction', 100, pctfmt=True)} | "
            f"{g2(bb, 'latency_s', 'median', p=0)}/{g2(bb, 'latency_s', 'max', p=0)} / "
            f"{g2(xs, 'latency_s', 'median', p=0)}/{g2(xs, 'latency_s', 'max', p=0)} | "
            f"{g2(bb, 'recall', 'fraction', 100, pctfmt=True)} / {g2(xs, 'recall', 'fraction', 100, pctfmt=True)} | "
            f"{g2(bb, 'false_ns', 'fraction', 100, pctfmt=True)} / {g2(xs, 'false_ns', 'fraction', 100, pctfmt=True)} | "
            f"{g2(bb, 'count', 'abs_err_pct', p=1)} / {g2(nkF, 'count', 'abs_err_pct', p=1)} % |")
    L.append("")
    L.append(f"Per scenario, {seeds} seed(s) pooled (breathband; NeuroKit2 rate; cross-spectrum class):")
    L.append("")
    L.append("| scenario | Hz | s | rate med / p90 (null) | nk rate med / p90 | share med | phase med | "
             "class right | xs class | latency s | ns recall | false ns | breaths |")
    L.append("| --- " * 13 + "|")
    per = {}
    counts = lambda F: "-" if F["count"] is None else f"{F['count']['found']}/{F['count']['true']}"
    bases = []
    for r in results:
        if r["base"] not in bases:
            bases.append(r["base"])
    for base in bases:
        rs = [r for r in results if r["base"] == base]
        bb, nkF, xs = (stats([r["raw"][t] for r in rs]) for t in TOOLS)
        per[base] = {"breathband": bb, "neurokit2": nkF, "xspectrum": xs}
        r = rs[0]
        lat = [x for q in rs for x in q["raw"]["breathband"].get("latency_s", [])]
        L.append(
            f"| {base} | {r['fs']} | {r['secs']} | {cell(bb, 'rate_err', 'med/p90')} "
            f"({g2(bb, 'rate_err', 'null_fraction', 100, pctfmt=True)}) | "
            f"{cell(nkF, 'rate_err', 'med/p90')}{' (error)' if any(q['nk_error'] for q in rs) else ''} | "
            f"{g2(bb, 'share_err', 'median')} | {g2(bb, 'phase_err', 'median', p=1)} | "
            f"{g2(bb, 'class_ok', 'fraction', 100, pctfmt=True)} | {g2(xs, 'class_ok', 'fraction', 100, pctfmt=True)} | "
            f"{', '.join(fnum(x, 0) for x in lat) or '-'} | "
            f"{g2(bb, 'recall', 'fraction', 100, pctfmt=True)} | {g2(bb, 'false_ns', 'fraction', 100, pctfmt=True)} | "
            f"{counts(bb)} |")
    L.append("")
    L.append(f"total wall time {wall:.0f} s with {a.jobs} jobs; analyze {walls['breathband']:.2f} s, "
             f"NeuroKit2 rsp_process {walls['neurokit2']:.2f} s, cross-spectrum {walls['xspectrum']:.2f} s "
             f"(sums over the scenarios, each under the load of {a.jobs} jobs)")
    nk_errs = [f"{r['name']}: {r['nk_error']}" for r in results if r["nk_error"]]
    if nk_errs:
        L.append("NeuroKit2 failed (no rate scored, counted as null) on: " + "; ".join(nk_errs))
    print("\n".join(L))

    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        if isinstance(x, float) and not math.isfinite(x):
            return None if math.isnan(x) else ("inf" if x > 0 else "-inf")
        if isinstance(x, np.generic):
            return clean(x.item())
        return x

    doc = {
        "meta": {"rev": a.rev, "binary": binary, "binary_sha256_12": sha, "neurokit2": nk.__version__,
                 "date": str(datetime.date.today()), "quick": a.quick, "jobs": a.jobs, "seeds": seeds,
                 "wall_s": wall, "tool_wall_s": walls, "scenarios": len(results), "signal_s": n_sec,
                 "inf_means": "a null value while breathing (error counted as infinite)"},
        "overall": overall,
        "groups": {GROUPS[g]: v for g, v in groups.items()},
        "scenarios": {base: {"figures": per[base],
                             "runs": [{k: r[k] for k in ("name", "group", "fs", "secs", "seed", "args", "post",
                                                         "wall", "nk_error")}
                                      | {"figures": {t: stats([r["raw"][t]]) for t in TOOLS}}
                                      for r in results if r["base"] == base]}
                      for base in bases},
    }
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(clean(doc), indent=1))
    print(f"figures written to {a.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
