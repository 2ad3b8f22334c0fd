#!/usr/bin/env python3
"""bench/trees.py: turns bench/trees' runs (trees.csv, trees-fs.csv) into
trees.md, and puts that between the trees markers of RESULTS.md (after
its end when it has none; bench/summarize.py keeps it when it rewrites
RESULTS.md).  Usage: bench/trees.py [DIR] (default: bench/)."""

import csv
import os
import statistics
import sys

BEGIN = "<!-- bench/trees begin -->"
END = "<!-- bench/trees end -->"
TOOLS = ["cp -r", "zcp -r", "zcp -r -j1", "zcp -r --engine=uring",
         "zcp -a", "rsync -a", "uutils cp -r", "tar | tar"]
FS = ["root", "ext4-journal", "xfs"]
TREES = {"20k": "20,000 files of 0-64 KiB (625 MiB)",
         "100k": "100,000 files of 4 KiB"}


def load(d):
    runs = {}
    with open(os.path.join(d, "trees.csv")) as f:
        for fs, tree, state, _r, tool, real, user, sys_, load in \
                csv.reader(f):
            runs.setdefault((fs, tree, state), []).append(
                (tool, float(real), float(sys_), float(load)))
    fsinfo = {}
    with open(os.path.join(d, "trees-fs.csv")) as f:
        for line in f:
            p = line.rstrip("\n").split("|")
            fsinfo[p[0]] = p
    return runs, fsinfo


def cell(med, ref):
    return "%.2f s (%.2fx)" % (med, ref / med)


def fsname(fsinfo, fs):
    p = fsinfo.get(fs)
    if p is None:
        return fs
    return "%s (%s, %s)" % (fs, p[1], "journal" if p[2] == "yes" else
                            "**no journal**")


def table(runs, fsinfo, tree, kind):
    tools = [t for t in TOOLS if any(r[0] == t for k, v in runs.items()
                                     if k[1] == tree for r in v)]
    w = ["| file system | state | rounds | load | " +
         " | ".join(t.replace("tar | tar", "tar pipe") for t in tools)
         + " |", "|---|---|---:|---|" + "---:|" * len(tools)]
    for fs in FS:
        for st in ("fresh", "deleted"):
            v = runs.get((fs, tree, st))
            if not v:
                continue
            col = {t: sorted(r[1 if kind != "sys" else 2] for r in v
                             if r[0] == t) for t in tools}
            loads = [r[3] for r in v]
            ref = statistics.median(col["cp -r"]) if col["cp -r"] else 0
            row = [fsname(fsinfo, fs), st, str(len(col["cp -r"])),
                   "%.1f-%.1f" % (min(loads), max(loads))]
            for t in tools:
                c = col[t]
                if not c:
                    row.append("-")
                elif kind == "wall":
                    row.append(cell(statistics.median(c), ref))
                elif kind == "range":
                    row.append("%.2f-%.2f" % (c[0], c[-1]))
                else:
                    row.append("%.2f" % statistics.median(c))
            w.append("| " + " | ".join(row) + " |")
    return w


INTRO = """## Trees: peers, states and file systems (bench/trees)

Written by `bench/trees` (issue 17).  Each tool copies the tree once per
round, round-robin in a new random order each round, on the file system
named (the source lives there too, read once before the rounds: warm
cache), each run after a `sync`.  **fresh**: every run copies into a new
name (on the root file system the copies stay until the scenario ends;
on the loop images, until the round ends, for space).  **deleted**: the
previous run's copy is removed (`rm -rf`) and synced right before each
run, into the same name.  Figures: the median wall time of the rounds,
and in brackets the ratio to `cp -r` in the same scenario (cp's median
divided by the tool's: above 1.00 is faster than cp).  `rsync -a` is to
be compared with `zcp -a` (both keep modes, times and owners); the
others copy as `cp -r`.  uutils cp is Debian's rust-coreutils; `tar |
tar` is `tar -C src -cf - . | tar -C dst -xf -`.  The root file system
is ext4 **without a journal** (there the allocator skips inodes deleted
in the last minute: the deleted state); ext4-journal and xfs are loop
images in /dev/shm (RAM), mounted with discard as the root is.  The
machine (2 cores) is shared with 5 other engineers' jobs: "load" is the
1-minute load average seen at the start of the runs (min-max); with
loads above 2 the figures are noisy, and ratios between close tools
(within about 15%) should not be read as a ranking.
"""


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    runs, fsinfo = load(d)
    w = [INTRO]
    for fs in FS:
        if fs in fsinfo:
            p = fsinfo[fs]
            w.append("- %s: %s on %s, journal: %s, mounted %s; features: %s"
                     % (fs, p[1], p[3], p[2], p[4], p[5]))
    for tree, title in TREES.items():
        if not any(k[1] == tree for k in runs):
            continue
        w.append("\n### %s: median wall time (ratio to cp -r)\n" % title)
        w += table(runs, fsinfo, tree, "wall")
        w.append("\n### %s: wall time, fastest-slowest run (s)\n" % title)
        w += table(runs, fsinfo, tree, "range")
        w.append("\n### %s: median system time (s, all processes)\n"
                 % title)
        w += table(runs, fsinfo, tree, "sys")
    md = "\n".join(w) + "\n"
    with open(os.path.join(d, "trees.md"), "w") as f:
        f.write(md)
    res = os.path.join(d, "RESULTS.md")
    old = open(res).read() if os.path.exists(res) else ""
    block = BEGIN + "\n" + md + END + "\n"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + \
            old[old.index(END) + len(END) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    with open(res, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
