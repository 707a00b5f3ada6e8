#!/usr/bin/env python3
"""Per (gateway, model, cut) median prediction error of a live run's tasks.

Usage: per-cut.py live-tasks.csv [--markdown]
Reads every task `./bdt reproduce --live` read back from the twins, keeps those that ran at their
planned cut (cut == plannedCut: a failed offload runs the whole model but keeps its planned
prediction), and prints per gateway, model and cut, pooled over the algorithms and per algorithm:
tasks, measured median, predicted median (ms), error = measured median / predicted median - 1.
"""
import csv, statistics, sys
from collections import defaultdict

rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["cut"] == r.get("plannedCut", r["cut"])]
md = "--markdown" in sys.argv
pooled, per = defaultdict(list), defaultdict(list)
for r in rows:
    key = (r["gateway"], r["model"], int(r["cut"]))
    pooled[key].append(r)
    per[key + (r["algorithm"],)].append(r)

def stats(rs):
    m = statistics.median(float(r["measuredSeconds"]) for r in rs) * 1e3
    p = statistics.median(float(r["predictedSeconds"]) for r in rs) * 1e3
    return len(rs), m, p, (m / p - 1) if p > 0 else float("nan")

if md:
    print("| gateway, model | cut | tasks | measured median (ms) | predicted median (ms) | error | per algorithm: error (tasks) |")
    print("|---|---:|---:|---:|---:|---:|---|")
else:
    print("scope,gateway,model,cut,tasks,measuredMedianMs,predictedMedianMs,error")
for key in sorted(pooled):
    n, m, p, e = stats(pooled[key])
    algs = sorted(a for (g, mo, c, a) in per if (g, mo, c) == key)
    if md:
        parts = []
        for a in algs:
            an, _, _, ae = stats(per[key + (a,)])
            parts.append(f"{a} {ae*100:+.0f} % ({an})")
        print(f"| {key[0]}, {key[1]} | {key[2]} | {n} | {m:.2f} | {p:.2f} | {e*100:+.0f} % | {'; '.join(parts)} |")
    else:
        print(f"all,{key[0]},{key[1]},{key[2]},{n},{m:.3f},{p:.3f},{e:.4f}")
        for a in algs:
            an, am, ap, ae = stats(per[key + (a,)])
            print(f"{a},{key[0]},{key[1]},{key[2]},{an},{am:.3f},{ap:.3f},{ae:.4f}")
