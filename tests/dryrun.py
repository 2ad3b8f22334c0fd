#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""zcp --dry-run against the real run, on the cases of tests/difftree.py.

Each case (seed, option set, scenario) is built as difftree.py builds it:
sources, a destination that may already hold files, directories,
symbolic links, hard links, backups...  For each of its commands, zcp
runs first with --dry-run -v: nothing in the box may change (every
file's type, content, mode, owner, times, link target, xattrs and the
hard-link structure compared); then for real, with -v.  The two must
print the same lines on stdout (the -v lines) and exit alike.  With -j1
the lines are compared in order, with -j2 sorted.  Standard error is
compared too, except for the scenarios whose errors only a write
reveals (--stderr-all to compare it everywhere).

Usage: dryrun.py [--zcp PATH] [--seeds A-B] [--sets NAME,...]
                 [--tmp DIR] [--keep]
Prints one line per difference and "N of M cases differ"; exits 1 if
any does.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftree  # noqa: E402

# The option sets (difftree.py's), each run with -v: what a dry run
# predicts (overwrite, -u, -n, -i answers, backups, links, -s, -l).
SETS = ["r", "a", "d", "rL", "rf", "rem", "b", "bnum", "bexist", "bsuffix",
        "bi", "l", "fl", "s", "u", "au", "uL", "n", "i", "fi", "in",
        "remi", "T", "parents", "LL", "attr", "strip"]
# (Not "attra", -a --attributes-only: with hard links across operands,
# the real run links a later operand's copy to an earlier one and says
# "removed", which the dry run does not foresee.)
# Scenarios whose messages a dry run cannot all predict: a write that
# fails (read-only places), a source that cannot be read.
WRITE_ONLY = {"readonly"}
TIMEOUT = 20


def run(zcp, opts, inv, box, env, umask):
    cwd = os.path.join(box, inv.cwd)
    args = [b"zcp"] + [o.encode() for o in opts] + inv.argv()
    old = os.umask(umask)
    try:
        p = subprocess.run(args, executable=zcp, cwd=cwd, input=inv.stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", e.stderr or b""
    finally:
        os.umask(old)


def lines(data, box, ordered):
    return difftree.normalise(data, box, b"zcp", ordered)


def one_case(args, seed, name, tmp):
    """The differences of one case, as strings."""
    oset = difftree.OptSet(name)
    scen = difftree.pick_scenarios(seed, name, args)[0]
    box = os.path.join(tmp, b"dry-%d-%s" % (seed, name.encode()))
    case = difftree.build(box, seed, oset, scen, False)
    jobs = "-j1" if seed % 2 else "-j2"
    ordered = jobs == "-j1"
    env = difftree.clean_env(oset)
    opts = oset.opts + ["-v", jobs]
    where = "seed=%d set=%s scenario=%s %s" % (seed, name, scen, jobs)
    problems = []
    for inv in case.invs:
        cmd = difftree.show_cmd("zcp", opts, inv, box)
        before = difftree.snapshot(box, None)
        d = run(args.zcp, opts + ["--dry-run"], inv, box, env, case.umask)
        after = difftree.snapshot(box, None)
        if before != after:
            changed = [difftree.show(k) for k in
                       sorted(set(before[0]) | set(after[0]))
                       if before[0].get(k) != after[0].get(k)]
            problems.append("%s: %s: --dry-run changed %s" % (
                where, cmd, ", ".join(changed[:5]) or "hard links"))
        r = run(args.zcp, opts, inv, box, env, case.umask)
        if d[0] != r[0]:
            problems.append("%s: %s: exit status dry=%s real=%s" % (
                where, cmd, d[0], r[0]))
        streams = [("stdout", 1)]
        # A directory copied into itself stops where the walk meets its
        # copy, by the inode number the copy gets: not known before.
        if b"into itself" in r[2]:
            streams = []
        if args.stderr_all or scen not in WRITE_ONLY:
            streams.append(("stderr", 2))
        for what, i in streams:
            x, y = lines(d[i], box, ordered), lines(r[i], box, ordered)
            if x != y:
                problems += ["%s: %s: %s" % (where, cmd, p.replace(
                    "zcp only", "real only").replace("cp only", "dry only"))
                    for p in difftree.diff_lines(x, y, what)]
    if not args.keep:
        difftree.remove_box(box)
    return problems


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--zcp", default=os.path.join(here, "..", "src", "zcp"))
    ap.add_argument("--seeds", default="1-8")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--stderr-all", action="store_true")
    args = ap.parse_args()
    a, _, b = args.seeds.partition("-")
    args.seed_list = range(int(a), int(b or a) + 1)
    args.set_list = args.sets.split(",")
    # What difftree.pick_scenarios() reads: one scenario per case.
    args.scenario = None
    args.all_scenarios = False
    args.per_set = 1
    args.max_items = 10
    return args


def main():
    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="zcp-dryrun.", dir=args.tmp).encode()
    n = bad = 0
    try:
        for seed in args.seed_list:
            for name in args.set_list:
                n += 1
                problems = one_case(args, seed, name, tmp)
                bad += bool(problems)
                for p in problems:
                    print("DIFF " + p)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d cases differ" % (bad, n))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
