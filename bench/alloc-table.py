#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/alloc-table.py: bench/alloc's CSV lines as Markdown tables.

    bench/alloc-table.py CSV...

One table per file system and state: each tool's median wall and system
time over the rounds (with the range of the system time), and its wall
time as a ratio to cp's median (cp / tool: above 1 is faster than cp).
Tools named NAME:before and NAME:after (two builds of zcp measured in the
same rounds) also get the after/before ratio of their medians.
"""
import csv
import statistics
import sys
from collections import OrderedDict

FS = {"root": "root ext4, no journal", "ext4j": "ext4 with a journal "
      "(loop image in /dev/shm)", "ext4nj": "ext4 without a journal (loop "
      "image in /dev/shm)", "xfs": "XFS (loop image in /dev/shm)"}


def load(paths):
    runs = OrderedDict()
    for p in paths:
        with open(p) as f:
            for row in csv.reader(f):
                if len(row) != 7:
                    continue
                fs, state, rnd, tool, wall, sys_s, user = row
                key = (fs, state)
                runs.setdefault(key, OrderedDict()).setdefault(
                    tool, []).append((float(wall), float(sys_s)))
    return runs


def table(fs, state, tools):
    med = {t: (statistics.median(w for w, _ in r),
               statistics.median(s for _, s in r)) for t, r in tools.items()}
    cp = med.get("cp", (None,))[0]
    out = ["### %s, %s" % (FS.get(fs, fs), state), "",
           "| tool | runs | wall (median) | system (median) | system "
           "(min-max) | cp / tool (wall) | after / before (wall, system) |",
           "|---|---|---|---|---|---|---|"]
    for t, r in tools.items():
        w, s = med[t]
        sys_all = [x for _, x in r]
        ratio = "%.2fx" % (cp / w) if cp and w > 0 else "-"
        ab = "-"
        if t.endswith(":after"):
            b = med.get(t[:-len(":after")] + ":before")
            if b and b[0] > 0 and b[1] > 0:
                ab = "%.2f, %.2f" % (w / b[0], s / b[1])
        out.append("| %s | %d | %.2f s | %.2f s | %.2f-%.2f s | %s | %s |" %
                   (t, len(r), w, s, min(sys_all), max(sys_all), ratio, ab))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for (fs, state), tools in load(sys.argv[1:]).items():
        print(table(fs, state, tools))
    return 0


if __name__ == "__main__":
    sys.exit(main())
