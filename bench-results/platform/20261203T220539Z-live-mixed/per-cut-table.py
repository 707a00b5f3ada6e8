#!/usr/bin/env python3
"""Markdown per-cut table of a live run's pooled ('all') rows of live-prediction-error.csv,
with the error of an earlier run's CSV beside it.

usage: per-cut-table.py NEW/live-prediction-error.csv [OLD/live-prediction-error.csv]
"""
import csv, sys

MODEL = {"vibration": "vibration", "mobilenetv2": "MobileNetV2"}
CLASS = {"gw1": "1", "gw2": "1", "gw3": "0.25"}


def rows(path):
    out = {}
    with open(path) as f:
        for r in csv.reader(f):
            if r[0] == "all":
                out[(r[1], int(r[3]))] = r
    return out


def pct(x):
    x = float(x)
    return "-" if x != x else f"{x * 100:+.0f} %"


new = rows(sys.argv[1])
old = rows(sys.argv[2]) if len(sys.argv) > 2 else {}
print("| gateway, model (class) | cut | tasks | measured median (ms) | predicted median (ms) | error "
      "| cold starts: tasks, measured median (ms), error | before (18:33 run) |")
print("|---|---:|---:|---:|---:|---:|---|---:|")
met = total = 0
for (gw, cut), r in sorted(new.items()):
    tasks = int(r[4])
    err = float(r[7])
    cold = int(r[8]) if len(r) > 8 else 0
    if tasks > 0:
        total += 1
        met += abs(err) <= 0.20
    coldtxt = f"{cold}, {float(r[9]):.2f}, {pct(r[11])}" if cold else "-"
    before = pct(old[(gw, cut)][7]) if (gw, cut) in old else "-"
    err_txt = pct(err) if tasks else "-"
    if tasks and abs(err) > 0.20:
        err_txt = f"**{err_txt}**"
    print(f"| {gw}, {MODEL.get(r[2], r[2])} ({CLASS.get(gw, '?')}) | {cut} | {tasks} | "
          + (f"{float(r[5]):.2f} | {float(r[6]):.2f}" if tasks else "- | -")
          + f" | {err_txt} | {coldtxt} | {before} |")
print(f"\nwithin +-20 %: {met} of {total} pairs with warm tasks")
