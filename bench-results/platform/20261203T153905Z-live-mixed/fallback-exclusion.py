#!/usr/bin/env python3
"""Per-(gateway, model, cut) prediction error of a live reproduction whose gateways did not yet write
plannedCut (the run of 2026-12-03 15:39 UTC): a task whose offload failed ran on the whole local
model but kept the prediction of its planned cut. The gateway logs each such task ("task 0x...
runs locally: no AP took it"); this leaves out, per algorithm and gateway, every task of a slot
up to the last such line (slot t starts at unix second t on the platform's ledger clock), which
is conservative: it drops every failed offload and possibly some tasks around them.

usage: fallback-exclusion.py OUT/live-tasks.csv DATA_DIR > live-prediction-error-planned.csv
"""
import csv, datetime, glob, os, re, statistics, sys

tasks_csv, data = sys.argv[1], sys.argv[2]
last = {}  # (algorithm, gateway) -> unix second of the last "runs locally" line
for log in glob.glob(os.path.join(data, "*", "logs", "gw*.log")):
    algorithm = log.split(os.sep)[-3]
    gateway = os.path.basename(log)[:-4]
    for line in open(log, errors="replace"):
        if "runs locally: no AP took it" in line:
            t = datetime.datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=datetime.timezone.utc).timestamp()
            last[(algorithm, gateway)] = max(last.get((algorithm, gateway), 0), t + 1)
groups, dropped = {}, {}
for row in csv.DictReader(open(tasks_csv)):
    key = (row["algorithm"], row["gateway"])
    if int(row["slot"]) <= last.get(key, 0):
        dropped[key] = dropped.get(key, 0) + 1
        continue
    for scope in (row["algorithm"], "all"):
        groups.setdefault((scope, row["gateway"], row["model"], int(row["cut"])), []).append(
            (float(row["measuredSeconds"]), float(row["predictedSeconds"])))
print("algorithms,gateway,model,cut,tasks,measuredMedianMs,predictedMedianMs,error")
order = lambda k: (k[0] == "all", k)
for (scope, gateway, model, cut), v in sorted(groups.items(), key=lambda kv: order(kv[0])):
    m = statistics.median(x for x, _ in v)
    p = statistics.median(y for _, y in v)
    print(f"{scope},{gateway},{model},{cut},{len(v)},{m*1000:.3f},{p*1000:.3f},{m/p-1:.4f}")
for (a, g), n in sorted(dropped.items()):
    print(f"# left out: {a} {g}: {n} tasks in slots up to {int(last[(a, g)])}", file=sys.stderr)
