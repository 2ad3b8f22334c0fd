#!/usr/bin/env python3
# bench/durable-summary.py CSV...: the table of bench/durable's runs
# (fs,round,tool,seconds) for bench/RESULTS.md: per file system and tool
# the median (min - max) and the ratios the targets of issue 17 name.
import csv
import statistics
import sys

TOOLS = ["cp+sync", "zcp-fsync", "zcp-atomic-fsync", "zcp+sync",
         "old-zcp-fsync"]
NAMES = {"cp+sync": "`cp -r && sync`", "zcp-fsync": "`zcp -r --fsync`",
         "zcp-atomic-fsync": "`zcp -r --atomic --fsync`",
         "zcp+sync": "`zcp -r && sync`",
         "old-zcp-fsync": "`zcp -r --fsync` before (ba25354)"}

runs, cpu = {}, {}
for path in sys.argv[1:]:
    with open(path) as f:
        for row in csv.reader(f):
            fs, rnd, tool, secs = row[:4]
            runs.setdefault(fs, {}).setdefault(tool, []).append(float(secs))
            if len(row) > 4:
                cpu.setdefault(fs, {}).setdefault(tool, []).append(
                    float(row[4]))

for fs, tools in runs.items():
    med = {t: statistics.median(v) for t, v in tools.items()}
    print("| %s | median (min - max), s | runs | vs `cp -r && sync` | "
          "CPU s (user + sys), median |" % fs)
    print("|---|---|---|---|---|")
    for t in TOOLS:
        if t not in tools:
            continue
        v = tools[t]
        c = cpu.get(fs, {}).get(t)
        print("| %s | %.2f (%.2f - %.2f) | %d | %.2f | %s |" % (
            NAMES[t], med[t], min(v), max(v), len(v),
            med[t] / med["cp+sync"],
            "%.2f" % statistics.median(c) if c else "-"))
    if "zcp-fsync" in med and "zcp-atomic-fsync" in med:
        print()
        print("`zcp -r --fsync` / `cp -r && sync`: %.2f (target <= 0.80); "
              "`--atomic --fsync` / `--fsync`: %.2f (target <= 1.50)"
              % (med["zcp-fsync"] / med["cp+sync"],
                 med["zcp-atomic-fsync"] / med["zcp-fsync"]))
    print()
