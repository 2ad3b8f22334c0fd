#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/summarize.py: turns bench/run's raw times into bench/RESULTS.md,
bench/results.csv and, when gnuplot is installed, bench/results.png.

A run's figures (raw.csv, extra.csv, order.csv, meta.csv, machine.txt in
the --new directory) are first folded into the accumulated ones in --out:
the scenarios the run measured replace their old rows, the others stay,
so that a run of some scenarios (bench/run --only, --many) does not lose
the rest.

Each scenario's figures are the median, min and max of its runs, and each
tool's ratio to the reference tool's median (GNU cp) in the same scenario.
The targets of the suite are checked from those figures.
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict

# The scenarios where zcp (auto) must be no slower than GNU cp.
BIG = ["big-ext4-warm", "big-ext4-cold", "big-tmpfs-warm",
       "huge-ext4-warm", "huge-ext4-cold", "huge-tmpfs-warm"]


def fmt_time(s):
    """Seconds for people: 812 us, 1.30 ms, 412 ms, 1.23 s."""
    if s >= 0.995:
        v, u = s, "s"
    elif s >= 0.000995:
        v, u = s * 1e3, "ms"
    else:
        return "%.0f us" % (s * 1e6)
    return ("%.2f %s" if v < 9.995 else "%.1f %s" if v < 99.95
            else "%.0f %s") % (v, u)


def fmt_kib(k):
    if k >= 1024 * 1024:
        return "%.2f GiB" % (k / 1048576)
    if k >= 1024:
        return "%.1f MiB" % (k / 1024)
    return "%d KiB" % k


ACCUMULATED = ("raw.csv", "extra.csv", "order.csv")


def owner(scen):
    """The scenario whose run writes the rows of scen."""
    if scen == "rss-big":
        return "big-ext4-warm"
    return scen[4:] if scen.startswith("rss-") else scen


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line for line in f.read().split("\n") if line]


def write_lines(path, rows):
    with open(path, "w") as f:
        f.write("".join(r + "\n" for r in rows))


def merge(new, out, walls):
    """Folds the run in new into the accumulated figures in out."""
    new_meta = lines(os.path.join(new, "meta.csv"))
    ran = [m.split("|", 1)[0] for m in new_meta]
    for name in ACCUMULATED:
        keep = [r for r in lines(os.path.join(out, name))
                if owner(r.split(",", 1)[0]) not in ran]
        write_lines(os.path.join(out, name),
                    keep + lines(os.path.join(new, name)))
    meta = OrderedDict((m.split("|", 1)[0], m)
                       for m in lines(os.path.join(out, "meta.csv")))
    for m in new_meta:
        meta[m.split("|", 1)[0]] = m
    write_lines(os.path.join(out, "meta.csv"), list(meta.values()))
    shutil.copy(os.path.join(new, "machine.txt"),
                os.path.join(out, "machine.txt"))
    info = dict(m.split("|", 1)
                for m in lines(os.path.join(new, "machine.txt")))
    date = info.get("date", "")
    # The whole sets' times stay; an --only run's, until the next run.
    wl = OrderedDict((w.split("\t")[0], w)
                     for w in lines(os.path.join(out, "walls.csv"))
                     if not w.startswith("only "))
    for w in walls:
        name, secs = w.rsplit("=", 1)
        wl[name] = "%s\t%s\t%s" % (name, secs, date)
    write_lines(os.path.join(out, "walls.csv"), list(wl.values()))


def load(out):
    class Paths:
        raw = os.path.join(out, "raw.csv")
        meta = os.path.join(out, "meta.csv")
        extra = os.path.join(out, "extra.csv")
        order = os.path.join(out, "order.csv")
        machine = os.path.join(out, "machine.txt")
    args = Paths
    times = defaultdict(list)       # (scenario, tool) -> [seconds]
    order = defaultdict(list)       # scenario -> tools, in bench/run's order
    if os.path.exists(args.order):
        with open(args.order) as f:
            for scen, tool in csv.reader(f):
                if tool not in order[scen]:
                    order[scen].append(tool)
    with open(args.raw) as f:
        for row in csv.reader(f):
            scen, tool, _rnd, us = row
            times[scen, tool].append(int(us) / 1e6)
            if tool not in order[scen]:
                order[scen].append(tool)
    meta = OrderedDict()
    with open(args.meta) as f:
        for line in f:
            sid, title, ref, note = line.rstrip("\n").split("|", 3)
            meta[sid] = (title, ref, note)
    extra = defaultdict(dict)       # (scenario, tool) -> {key: value}
    with open(args.extra) as f:
        for row in csv.reader(f):
            v = float(row[3])
            extra[row[0], row[1]][row[2]] = int(v) if v.is_integer() else v
    machine = OrderedDict()
    with open(args.machine) as f:
        for line in f:
            k, v = line.rstrip("\n").split("|", 1)
            machine[k] = v
    for w in lines(os.path.join(out, "walls.csv")):
        name, secs, date = w.split("\t", 2)
        machine["wall " + name] = "%s\t%s" % (secs, date)
    return times, order, meta, extra, machine


def stats(times, scen, tools):
    out = OrderedDict()
    for t in tools:
        v = times[scen, t]
        out[t] = (len(v), statistics.median(v), min(v), max(v))
    return out


MANY_FAST = ("tree", "many-ext4", "many-4k-ext4")  # zcp -r >= 1.7x cp -r
MANY = ("tree", "many-ext4", "many-4k-ext4", "flat-ext4", "many-tmpfs",
        "many-4k-tmpfs")


def many_targets(res, extra, ratio):
    """The parallel tree copy's targets, each as (met, text)."""
    out = []
    for scen in MANY:
        r = ratio(scen, "cp -r", "zcp -r")
        if r is None:
            continue
        want = 1.7 if scen in MANY_FAST else 1.0
        out.append((r >= want, "%s: zcp -r is %.2fx as fast as cp -r "
                    "(target %.1fx)" % (scen, r, want)))
        others = [(t, ratio(scen, t, "zcp -r")) for t in
                  ("rsync -a", "tar | tar", "busybox cp -r")]
        others = [(t, x) for t, x in others if x is not None]
        if others:
            out.append((all(x > 1.0 for t, x in others), "%s: zcp -r is "
                        "faster than %s" % (scen, ", ".join(
                            "%s (%.2fx)" % (t, x) for t, x in others))))
        r = ratio(scen, "zcp -r -j1", "cp -r")
        if r is not None:
            out.append((r <= 1.0, "%s: zcp -r -j1 is no slower than cp -r "
                        "(median ratio %.2f)" % (scen, r)))
    k = extra.get(("rss-many-4k-ext4", "zcp -r"), {}).get("rss_kib")
    if k is not None:
        out.append((k < 64 * 1024, "peak memory for the 100,000-file tree "
                    "is under 64 MiB: %s" % fmt_kib(k)))
    return out


def fmt_bytes(n):
    return fmt_kib(n / 1024) if n >= 1024 else "%d B" % n


def trust_targets(res, extra, ratio):
    """The targets of --atomic, --verify and --resume (bench/run --trust),
    each as (met, text)."""
    out = []
    for scen, a, b, most, what in (
            ("atomic-big", "zcp --atomic", "zcp", 1.03, "the big file"),
            ("atomic-tree", "zcp -r --atomic", "zcp -r", 1.10, "the tree")):
        r = ratio(scen, a, b)
        if r is not None:
            out.append((r <= most, "--atomic costs under %d%% on %s: "
                        "%s vs %s, %+.1f%%" % (round((most - 1) * 100),
                                               what, a, b, (r - 1) * 100)))
    s = res.get("verify", {})
    v = s.get("zcp --verify")
    if v is not None and "cp && cmp" in s:
        c = s["cp && cmp"][1]
        out.append((v[1] < c, "zcp --verify beats cp && cmp (which compares "
                    "the page cache, not the disk): %s vs %s" %
                    (fmt_time(v[1]), fmt_time(c))))
    if v is not None and "cp + flush + cmp from disk" in s:
        c = s["cp + flush + cmp from disk"][1]
        out.append((v[1] < c, "zcp --verify beats the same check made with "
                    "cp, a flush and cmp from the disk: %s vs %s" %
                    (fmt_time(v[1]), fmt_time(c))))
    if v is not None and "zcp --fsync" in s and "read both" in s:
        extra_t = v[1] - s["zcp --fsync"][1]
        rb = s["read both"][1]
        out.append((extra_t <= rb * 1.1, "after the flush, --verify costs "
                    "at most one more read of each side (10%% slack): zcp "
                    "--verify - zcp --fsync = %s, reading both = %s" %
                    (fmt_time(extra_t), fmt_time(rb))))
    mv = extra.get(("resume", "zcp --resume (marked)"), {}).get("moved_bytes")
    full = extra.get(("resume", "zcp"), {}).get("moved_bytes")
    if mv is not None and full:
        out.append((mv <= full // 10 + 4096, "--resume of a copy interrupted "
                    "at 90%% moves only the missing 10%%: the engines moved "
                    "%s of %s" % (fmt_bytes(mv), fmt_bytes(full))))
    r = ratio("resume", "zcp --resume (marked)", "zcp")
    r2 = ratio("resume", "zcp --resume (unmarked)", "zcp")
    if r is not None:
        out.append((r < 0.25, "--resume with zcp's identity takes under 25%% "
                    "of a full copy's time: %.0f%%%s" % (r * 100, (
                        "; compared byte for byte instead: %.0f%%" %
                        (r2 * 100)) if r2 is not None else "")))
    return out


def targets(res, extra, machine):
    """The issue's targets, each as (met, text)."""
    out = []

    def ratio(scen, tool, ref):
        s = res.get(scen, {})
        if tool in s and ref in s:
            return s[tool][1] / s[ref][1]
        return None

    bad, seen = [], []
    for scen in BIG:
        r = ratio(scen, "zcp", "cp")
        if r is not None:
            seen.append("%s %.2f" % (scen, r))
            if r > 1.0:
                bad.append(scen)
    if seen:
        out.append((not bad, "zcp (auto) is no slower than GNU cp in every "
                    "big-file scenario (median ratio <= 1.00): " +
                    ", ".join(seen)))
    r = ratio("big-fsync", "cp; sync", "zcp --fsync")
    if r is not None:
        out.append((r >= 1.3, "zcp --fsync of a warm file is at least 1.3x "
                    "as fast as cp followed by sync: %.2fx" % r))
    for scen, z, c, what in (("rss-big", "zcp", "cp", "the big file"),
                             ("rss-tree", "zcp -r", "cp -r", "the tree")):
        zk = extra.get((scen, z), {}).get("rss_kib")
        ck = extra.get((scen, c), {}).get("rss_kib")
        if zk is not None and ck is not None:
            out.append((zk <= ck, "zcp uses no more peak memory than GNU cp "
                        "for %s: %s vs %s" % (what, fmt_kib(zk),
                                              fmt_kib(ck))))
    s = res.get("1byte", {})
    if "zcp" in s and "cp" in s:
        out.append((s["zcp"][1] <= s["cp"][1], "zcp copies a 1-byte file at "
                    "least as fast as GNU cp: %s vs %s" %
                    (fmt_time(s["zcp"][1]), fmt_time(s["cp"][1]))))
    s = res.get("sparse", {})
    if "zcp" in s and "cp" in s:
        zd = extra.get(("sparse", "zcp"), {}).get("du_kib", 0)
        cd = extra.get(("sparse", "cp"), {}).get("du_kib", 0)
        out.append((s["zcp"][1] <= s["cp"][1] and zd <= cd,
                    "the sparse copy takes no longer and uses no more disk "
                    "than cp's: %s and %s vs %s and %s" %
                    (fmt_time(s["zcp"][1]), fmt_kib(zd),
                     fmt_time(s["cp"][1]), fmt_kib(cd))))
    for scen, a, b in (("progress", "zcp -g", "zcp"),
                       ("progress", "zcp -g (pty)", "zcp (pty)"),
                       ("tree", "zcp -r -g", "zcp -r")):
        r = ratio(scen, a, b)
        if r is not None:
            out.append((r <= 1.02, "--progress costs less than 2%% "
                        "(%s): %s vs %s, %+.1f%%" %
                        (scen, a, b, (r - 1) * 100)))
    out.extend(many_targets(res, extra, ratio))
    out.extend(trust_targets(res, extra, ratio))
    if "wall default" in machine:
        w = int(machine["wall default"].split("\t")[0])
        out.append((w < 900, "the suite (bench/run without --many) takes "
                    "under 15 minutes: %d min %02d s" % (w // 60, w % 60)))
    return out


def write_md(path, times, order, meta, extra, machine, res):
    w = []
    w.append("# zcp benchmark results\n")
    w.append("Written by `bench/run` (`make bench`); see `bench/README.md` "
             "for how the figures are taken and how to run the suite on "
             "another machine.  Every tool runs once per round, in a new "
             "random order each round, into a fresh destination; "
             "each figure is the median (min - max) of the rounds, and "
             "\"vs ref\" is the tool's median divided by the reference "
             "tool's median measured in the same scenario (below 1.00: "
             "faster).\n")
    w.append("| machine | |\n|---|---|")
    for k, v in machine.items():
        if not k.startswith("wall "):
            w.append("| %s | %s |" % (k, v.replace("|", "/")))
    for k, v in machine.items():
        if k.startswith("wall "):
            secs, date = v.split("\t", 1)
            w.append("| wall time of bench/run%s | %d min %02d s (%s) |" % (
                {"wall default": "", "wall many": " --many (its part)",
                 "wall trust": " --trust (its part)"}.get(
                    k, " --" + k[5:].replace("|", "/")), int(secs) // 60,
                int(secs) % 60, date))
    w.append("\n## Targets\n")
    for met, text in targets(res, extra, machine):
        w.append("- %s %s" % ("**met**:" if met else "**NOT met**:", text))
    for sid, (title, ref, note) in meta.items():
        if sid not in res:
            continue
        w.append("\n## %s%s\n" % (title[0].upper(), title[1:]))
        if note:
            w.append(note + "\n")
        show_du = sid == "sparse"
        show_sh = sid == "reflink"
        show_mv = sid == "resume"
        w.append("| tool | runs | median | min | max | vs %s |%s" %
                 (ref, " disk use |" if show_du else
                  " shares the source's blocks |" if show_sh else
                  " bytes moved (kept) |" if show_mv else ""))
        w.append("|---|---:|---:|---:|---:|---:|%s" %
                 ("---:|" if show_du or show_sh or show_mv else ""))
        refm = res[sid].get(ref, (0, 0))[1]
        for t, (n, med, lo, hi) in res[sid].items():
            line = "| %s | %d | %s | %s | %s | %s |" % (
                t.replace("|", "/"), n, fmt_time(med), fmt_time(lo),
                fmt_time(hi), "%.2f" % (med / refm) if refm else "-")
            if show_du:
                line += " %s |" % fmt_kib(extra[sid, t].get("du_kib", 0))
            if show_sh:
                sh = extra.get((sid, t), {}).get("shared")
                line += " %s |" % ("-" if sh is None else
                                   "yes" if sh else "no")
            if show_mv:
                e = extra.get((sid, t), {})
                line += " %s |" % ("-" if "moved_bytes" not in e else
                                   "%s (%s)" % (fmt_bytes(e["moved_bytes"]),
                                                fmt_bytes(e["kept_bytes"])))
            w.append(line)
    rss = [(t, extra[s, t]["rss_kib"]) for (s, t) in extra
           if s in ("rss-big", "rss-tree") and "rss_kib" in extra[s, t]]
    if rss:
        w.append("\n## Peak memory (max RSS, /usr/bin/time -f %M)\n")
        w.append("| tool | big file | tree |\n|---|---:|---:|")
        names = []
        for t, _ in rss:
            base = t[:-3] if t.endswith(" -r") else t
            if base not in names:
                names.append(base)
        for b in names:
            big = extra.get(("rss-big", b), {}).get("rss_kib")
            tree = extra.get(("rss-tree", b + " -r"), {}).get("rss_kib")
            w.append("| %s | %s | %s |" % (
                b, fmt_kib(big) if big is not None else "-",
                fmt_kib(tree) if tree is not None else "-"))
    many = sorted(s for s in {s for (s, t) in extra}
                  if s.startswith("rss-") and s not in ("rss-big",
                                                        "rss-tree"))
    if many:
        w.append("\n## Peak memory of the many-files scenarios\n")
        w.append("| scenario | tool | max RSS |\n|---|---|---:|")
        for s in many:
            for (s2, t), v in extra.items():
                if s2 == s and "rss_kib" in v:
                    w.append("| %s | %s | %s |" % (
                        s[4:], t.replace("|", "/"), fmt_kib(v["rss_kib"])))
    sc = [(t, v["calls_per_file"]) for (s, t), v in extra.items()
          if s == "syscalls" and "calls_per_file" in v]
    if sc:
        w.append("\n## System calls per file\n")
        w.append(meta.get("syscalls", ("", "", ""))[2] + "\n")
        w.append("| tool | calls per file |\n|---|---:|")
        for t, v in sc:
            w.append("| %s | %s |" % (t, v))
    w.append("\n![median time of each tool per scenario](results.png)\n")
    # bench/trees' section (bench/trees.py writes it) and the sections
    # written by hand after it (durable trees, creating after a delete,
    # io_uring batches) stay as they are.
    old = open(path).read() if os.path.exists(path) else ""
    b, e = "<!-- bench/trees begin -->", "<!-- bench/trees end -->"
    if b in old and e in old:
        w.append(old[old.index(b):].rstrip("\n") + "\n")
    with open(path, "w") as f:
        f.write("\n".join(w))


def write_csv(path, meta, res, extra):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["scenario", "title", "tool", "runs", "median_s",
                      "min_s", "max_s", "reference", "ratio_to_reference",
                      "du_kib", "rss_kib"])
        for sid, (title, ref, _note) in meta.items():
            for t, (n, med, lo, hi) in res.get(sid, {}).items():
                refm = res[sid].get(ref, (0, 0))[1]
                rss = extra.get(("rss-big", t), {}).get("rss_kib", "") \
                    if sid == "big-ext4-warm" else ""
                out.writerow([sid, title, t, n, "%.6f" % med, "%.6f" % lo,
                              "%.6f" % hi, ref,
                              "%.4f" % (med / refm) if refm else "",
                              extra.get((sid, t), {}).get("du_kib", ""),
                              rss])


def plot(path, meta, res):
    """Horizontal bars of each tool's median, one panel per scenario."""
    gp = shutil.which("gnuplot")
    if gp is None:
        return False
    sids = [s for s in meta if s in res]
    cols = 3
    rows = (len(sids) + cols - 1) // cols
    tmp = tempfile.mkdtemp(prefix="zcp-plot.")
    script = ["set terminal pngcairo size %d,%d font ',9'" %
              (1500, 330 * rows),
              "set output '%s'" % path,
              "set multiplot layout %d,%d title 'zcp benchmark: median "
              "times (shorter is faster; zcp in blue, GNU cp in red)'" %
              (rows, cols),
              "set style fill solid 0.8 noborder",
              "unset key", "set grid xtics", "set xrange [0:*]",
              "set offsets 0,graph 0.12,0,0", "set ytics nomirror",
              "set termoption noenhanced"]
    for i, sid in enumerate(sids):
        title, ref, _ = meta[sid]
        top = max(v[1] for v in res[sid].values())
        scale, unit = (1, "s") if top >= 1 else (1e3, "ms") \
            if top >= 1e-3 else (1e6, "us")
        dat = os.path.join(tmp, "%d.dat" % i)
        with open(dat, "w") as f:
            for k, (t, (_n, med, _lo, _hi)) in enumerate(res[sid].items()):
                color = 1 if t.startswith("zcp") else 2 if t == ref else 3
                f.write('%d "%s" %.6f %d\n' % (k, t.replace('"', "'"),
                                               med * scale, color))
        script += ["set title '%s' noenhanced" % title.replace("'", "''"),
                   "set xlabel 'median, %s'" % unit,
                   "set palette defined (1 '#2166ac', 2 '#b2182b', "
                   "3 '#999999')", "unset colorbox", "set cbrange [1:3]",
                   "set yrange [%f:-0.6]" % (len(res[sid]) - 0.4),
                   "plot '%s' using ($3/2):1:($3/2):(0.38):4:ytic(2) "
                   "with boxxyerror fc palette notitle" % dat]
    script.append("unset multiplot")
    gpf = os.path.join(tmp, "plot.gp")
    with open(gpf, "w") as f:
        f.write("\n".join(script) + "\n")
    rc = subprocess.call([gp, gpf])
    shutil.rmtree(tmp)
    return rc == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", help="this run's files, to fold in first")
    ap.add_argument("--wall", action="append", default=[],
                    help="SET=SECONDS: this run's wall time")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.new:
        merge(args.new, args.out, args.wall)
    times, order, meta, extra, machine = load(args.out)
    res = OrderedDict()
    for sid in meta:
        if order.get(sid):
            res[sid] = stats(times, sid, order[sid])
    write_md(os.path.join(args.out, "RESULTS.md"), times, order, meta,
             extra, machine, res)
    write_csv(os.path.join(args.out, "results.csv"), meta, res, extra)
    if not plot(os.path.join(args.out, "results.png"), meta, res):
        print("summarize: no gnuplot, or it failed: no results.png",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
