#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential test: zcp against GNU cp on generated cases.

A case is (seed, option set, scenario).  The scenario builds, from the
seed alone, a box: sources, a destination that may already hold things,
and sentinel files outside both (out/); then it says which commands to
run (operands, target, the answers fed on stdin).  The box is built
twice, identically, once for cp and once for zcp; each tool runs the
same commands from inside its own box, so the messages name the same
paths.  Compared afterwards: every file of the box (type, content, mode,
owner, mtime, link target, xattrs, the hard-link structure), inside and
outside the destination; and for each command its stdout, its stderr
(prompts included) and its exit status.

Scenarios (--list shows them with the option sets):
  tree       a generated tree (odd names, holes, links, FIFOs, set-ID
             bits, old and future times, xattrs) into an absent, empty
             or earlier-copied destination
  multi      several operands, some nested or missing, into one target
  existing   a destination that already holds files, directories,
             symbolic links, FIFOs, hard links from outside
  dup        duplicate and overlapping operands (the same file twice,
             spelled differently, a directory and its child)
  collide    operands whose names collide in the target
  samefile   SOURCE DEST pairs that are one file (GNU's same-file matrix:
             foo symlink, symlink foo, foo foo, sl1 sl2, foo hardlink,
             hlsl sl2, a directory into itself)
  links      destinations that are hard or symbolic links to the
             sources; sources that are symbolic links to the destination
  dangling   destinations that are dangling or looping symbolic links
  outside    destinations that are symbolic links to files outside;
             destinations with hard links outside
  backups    destinations with existing backup files; backups that
             would be the source
  readonly   read-only destinations, unreadable sources
  parents    --parents edge cases (existing parents, a component that is
             not a directory, a symbolic link component)
  pair       SOURCE DEST with every kind of DEST
  hardlinks  hard links across operands, with symbolic links to them

Each (seed, set) meets --per-set scenarios chosen from the seed (all of
them with --all-scenarios; the ones named with --scenario).

Usage: difftree.py [--zcp PATH] [--cp PATH] [--seeds A-B | --seed N]
                   [--sets NAME,...] [--scenario NAME,...] [--per-set N]
                   [--all-scenarios] [--zcp-arg ARG ...] [--ordered]
                   [--summary] [--keep] [--tmp DIR] [--list]
                   [--build-only]

Prints one line per differing item ("DIFF seed=N set=S scenario=X: ..."),
then a line to reproduce the case ("REPRO ..."), and exits 1 if any case
differs.  --keep keeps the boxes (TMP/cp-..., TMP/zcp-..., and
TMP/orig-... as built) and writes TMP/SEED-SET-SCENARIO.sh with the
commands.  --summary ends with the distinct differences (messages with
their names as 'X', which fields of which files), counted, each with the
option sets and scenarios it shows in.  --ordered also compares the order
of the output lines (GNU cp walks a directory in inode order; meaningful
with --zcp-arg=-j1).  GNU cp against itself (--zcp /bin/cp) must show no
difference: that checks the test.  A case that cannot be built or run
(the generator raised) is a "CRASH seed=N set=S scenario=X: ..." line
with the traceback, counted as differing, and the run goes on.
--build-only builds each case once and runs no tool: a quick check of
the generator over seeds it has never seen, ending with "N of M cases
could not be built".

The full run (about half an hour per job count on a tmpfs; --tmp /dev/shm,
as the test makes and deletes thousands of small trees):
    tests/difftree.py --seeds 1-300 --zcp-arg=-j1 --tmp /dev/shm --summary
    tests/difftree.py --seeds 1-300 --zcp-arg=-j2 --tmp /dev/shm --summary
and as an unprivileged user (the build tree must be readable by nobody):
    setpriv --reuid=nobody --regid=nogroup --clear-groups \\
        /usr/bin/python3 tests/difftree.py --seeds 1-50 \\
        --tmp /dev/shm/nobody --summary
"""

import argparse
import collections
import hashlib
import os
import queue
import random
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

# Option sets: name -> (options, extra environment).
OPTION_SETS = {
    "plain": ([], {}),
    "r": (["-r"], {}),
    "rv": (["-rv"], {}),
    "a": (["-a"], {}),
    "av": (["-av"], {}),
    "rp": (["-rp"], {}),
    "d": (["-d"], {}),
    "dr": (["-dr"], {}),
    "rL": (["-rL"], {}),
    "rH": (["-rH"], {}),
    "aL": (["-aL"], {}),
    "aH": (["-aH"], {}),
    "LL": (["-rL", "--preserve=links"], {}),
    "HL": (["-rH", "--preserve=links"], {}),
    "f": (["-f"], {}),
    "df": (["-df"], {}),
    "rf": (["-rfv"], {}),
    "rem": (["-r", "--remove-destination"], {}),
    "remv": (["-dv", "--remove-destination"], {}),
    "b": (["-rb"], {}),
    "bv": (["-bv"], {}),
    "bd": (["-bd"], {}),
    "bf": (["-bf"], {}),
    "bdf": (["-bdfv"], {}),
    "bnum": (["-r", "--backup=numbered"], {}),
    "bexist": (["-rv", "--backup=existing"], {}),
    "bsuffix": (["-rb", "-S", ".bak"], {}),
    "benv": (["-rb"], {"VERSION_CONTROL": "numbered"}),
    "bi": (["-rbi"], {}),
    "l": (["-rl"], {}),
    "lv": (["-lv"], {}),
    "dl": (["-dl"], {}),
    "fl": (["-flv"], {}),
    "dfl": (["-dfl"], {}),
    "bl": (["-bl"], {}),
    "bdl": (["-bdl"], {}),
    "bfl": (["-bfl"], {}),
    "bdfl": (["-bdfl"], {}),
    "rlL": (["-rlL"], {}),
    "s": (["-rs"], {}),
    "sf": (["-sfv"], {}),
    "u": (["-ru"], {}),
    "uv": (["-ruv"], {}),
    "au": (["-au"], {}),
    "uL": (["-ruL", "--preserve=links"], {}),
    "n": (["-rn"], {}),
    "nv": (["-rnv"], {}),
    "i": (["-ri"], {}),
    "iv": (["-iv"], {}),
    "if": (["-rif"], {}),
    "fi": (["-rfiv"], {}),
    "in": (["-rin"], {}),
    "ni": (["-rni"], {}),
    "fn": (["-rfn"], {}),
    "nf": (["-rnf"], {}),
    "remi": (["-ri", "--remove-destination"], {}),
    "T": (["-rT"], {}),
    "Tv": (["-aTv"], {}),
    "attr": (["-r", "--attributes-only"], {}),
    "attra": (["-a", "--attributes-only"], {}),
    "posix": (["-rv"], {"POSIXLY_CORRECT": "1"}),
    "posixf": (["-f"], {"POSIXLY_CORRECT": "1"}),
    "parents": (["-r", "--parents"], {}),
    "parentsv": (["-rv", "--parents"], {}),
    "parentsp": (["-rp", "--parents"], {}),
    "parentsnm": (["-r", "--parents", "--no-preserve=mode"], {}),
    "parentsa": (["-av", "--parents"], {}),
    "strip": (["-r", "--strip-trailing-slashes"], {}),
}

# Variables of the caller's environment that change cp's behaviour.
CP_ENV = ("POSIXLY_CORRECT", "VERSION_CONTROL", "SIMPLE_BACKUP_SUFFIX")

ODD_NAMES = [
    b"plain", b"with space", b"new\nline", b"caf\xc3\xa9", b"bad\xff\xfe",
    b"it's", b'dq"x', b"-dash", b"star*", b"tab\tname", b"$dollar",
    b"back\\slash", b"#hash", b"~tilde", b"semi;colon", b".hidden",
]

TIMEOUT = 10


class OptSet:
    """An option set and what its options mean for the scenarios."""

    def __init__(self, name):
        self.name = name
        self.opts, self.env = OPTION_SETS[name]
        flags = set()
        for o in self.opts:
            if o.startswith("--"):
                flags.add(o)
            elif o.startswith("-") and o != "-S":
                flags.update("-" + c for c in o[1:])
        self.recursive = bool(flags & {"-r", "-R", "-a"})
        self.parents = "--parents" in flags
        self.notarget = "-T" in flags
        self.symlink = "-s" in flags
        self.interactive = "-i" in flags
        self.preserve = bool(flags & {"-p", "-a"}) or any(
            o.startswith("--preserve") for o in self.opts)


# ---------------------------------------------------------------------------
# Building a box.


def rand_time(rng):
    """Past (1990s), recent (2020-2023) or future (2040s), with
    nanoseconds: never near the time of the run."""
    sec = rng.choice([rng.randint(631152000, 946684800),
                      rng.randint(1600000000, 1700000000),
                      rng.randint(2200000000, 2400000000)])
    return sec * 10**9 + rng.randint(0, 999999999)


def rand_times(rng):
    return (rand_time(rng), rand_time(rng))


PAST = (700000000 * 10**9, 700000000 * 10**9)
FUTURE = (2300000000 * 10**9 + 5, 2300000000 * 10**9 + 5)


def jn(*parts):
    return b"/".join(p for p in parts if p)


def dirname(p):
    return os.path.dirname(p)


class Tree:
    """Builds one box.  Every entry is recorded with the owner, times and
    mode it gets at the end (finish()), so that one seed gives the same
    state in every box, and no time in it is near the time of the run."""

    def __init__(self, box, rng, xattrs):
        self.box = box
        self.rng = rng
        self.xattrs = xattrs
        self.root = os.geteuid() == 0
        self.order = []
        self.times = {}
        self.modes = {}
        self.owners = {}
        self.used = {}

    def path(self, p):
        return os.path.join(self.box, p) if p else self.box

    def abs(self, p):
        return self.path(p)

    def _made(self, p, times, mode):
        if p not in self.times:
            self.order.append(p)
        self.times[p] = times if times is not None else \
            rand_times(self.rng)
        if mode is not None:
            self.modes[p] = mode
        if self.root and self.rng.random() < 0.1:
            self.owners[p] = self.rng.choice([(65534, 65534), (1000, 100),
                                              (0, 65534), (1, 1)])

    def name(self, d, odd=0.25, also=()):
        """A new name in directory d (bytes), and new in the directories
        also (where the caller claims it too)."""
        used = self.used.setdefault(d, set())
        taken = [self.used.setdefault(a, set()) for a in also]
        while True:
            if self.rng.random() < odd:
                base = self.rng.choice(ODD_NAMES)
            else:
                base = "".join(self.rng.choice("abcdefghijklmnop") for _ in
                               range(self.rng.randint(1, 6))).encode()
            if self.rng.random() < 0.3:
                base += b"_%d" % self.rng.randint(0, 99)
            if base not in used and not any(base in u for u in taken):
                used.add(base)
                return base

    def claim(self, d, name):
        self.used.setdefault(d, set()).add(name)
        return name

    def mkdir(self, p, mode=None, times=None):
        os.mkdir(self.path(p))
        self.claim(dirname(p), os.path.basename(p))
        self._made(p, times, mode)
        return p

    def file(self, p, size=None, mode=None, times=None, data=None,
             sparse=False):
        rng = self.rng
        with open(self.path(p), "wb") as f:
            if data is not None:
                f.write(data)
            elif sparse:
                f.write(rng.randbytes(rng.randint(1, 8192)))
                f.seek(rng.randint(1, 8) * 65536, 1)
                if rng.random() < 0.5:
                    f.write(rng.randbytes(rng.randint(1, 4096)))
                else:
                    f.truncate()
            else:
                if size is None:
                    size = rng.choice([0, 1, 17, 100, 4096, 5000,
                                       rng.randint(0, 70000)])
                f.write(rng.randbytes(size))
        self.claim(dirname(p), os.path.basename(p))
        if self.xattrs and rng.random() < 0.2:
            os.setxattr(self.path(p), b"user.zcp",
                        rng.randbytes(rng.randint(0, 32)))
        self._made(p, times, mode)
        return p

    def symlink(self, target, p, times=None):
        os.symlink(target, self.path(p))
        self.claim(dirname(p), os.path.basename(p))
        self._made(p, times, None)
        return p

    def symlink_to(self, target, p, absolute=False):
        """A symbolic link at p to the box path target."""
        if absolute:
            return self.symlink(self.abs(target), p)
        return self.symlink(os.path.relpath(target, dirname(p) or b"."), p)

    def link(self, existing, p):
        os.link(self.path(existing), self.path(p), follow_symlinks=False)
        self.claim(dirname(p), os.path.basename(p))
        if p not in self.times:
            self.order.append(p)
        self.times[p] = self.times[existing]
        return p

    def fifo(self, p, mode=None):
        os.mkfifo(self.path(p))
        self.claim(dirname(p), os.path.basename(p))
        self._made(p, None, mode)
        return p

    def set_mode(self, p, mode):
        self.modes[p] = mode

    def set_times(self, p, times):
        self.times[p] = times

    def finish(self):
        """Owners, then times and modes, deepest first (a directory may
        lose its x bit only after its contents are done)."""
        deep = sorted(self.order, key=lambda p: -p.count(b"/"))
        for p in self.order:
            if p in self.owners:
                os.lchown(self.path(p), *self.owners[p])
        for p in deep:
            os.utime(self.path(p), ns=self.times[p], follow_symlinks=False)
        for p in deep:
            if p in self.modes and not os.path.islink(self.path(p)):
                os.chmod(self.path(p), self.modes[p])
        os.utime(self.box, ns=PAST)

    def sentinels(self):
        """out/: files and a directory outside every source and
        destination; links from inside point at them."""
        self.mkdir(b"out")
        for i in range(3):
            self.file(b"out/s%d" % i, size=self.rng.randint(1, 300))
        self.mkdir(b"out/sd")
        self.file(b"out/sd/inner", size=50)
        self.file(b"out/sd/x", size=10)


class Inv:
    """One command of a case: operands and target as passed (relative
    to cwd, or absolute), the answers on stdin."""

    def __init__(self, cwd, operands, target, use_t, stdin):
        self.cwd = cwd
        self.operands = operands
        self.target = target
        self.use_t = use_t
        self.stdin = stdin

    def argv(self):
        if self.target is None:
            return list(self.operands)
        if self.use_t:
            return [b"-t", self.target] + list(self.operands)
        return list(self.operands) + [self.target]


class Case:
    """What a scenario builds with: the tree, the option set, the
    commands."""

    def __init__(self, tree, oset, scenario):
        self.t = tree
        self.rng = tree.rng
        self.set = oset
        self.scenario = scenario
        self.invs = []
        self.ndirs = 0

    def newdir(self):
        d = self.t.mkdir(b"c%d" % self.ndirs)
        self.ndirs += 1
        return d

    def op(self, p, cwd):
        """Box path p as an operand run from cwd: relative, or (often
        with -s, which needs it, else seldom) absolute."""
        absolute = self.rng.random() < (0.7 if self.set.symlink else 0.1)
        # GNU 9.1 fails --parents -p with an absolute source: it looks
        # the parents up relative to the working directory (re_protect).
        if absolute and not (self.set.parents and self.set.preserve):
            return self.t.abs(p)
        return os.path.relpath(p, cwd)

    def answers(self, order_safe):
        """The lines fed on stdin.  Mixed answers only where the order
        of the questions is the order of the operands."""
        r = self.rng.random()
        if r < 0.35:
            return b"y\n" * 64
        if r < 0.6:
            return b"n\n" * 64
        if r < 0.7:
            return b""
        if not order_safe:
            return b"y\n" * 64
        words = [b"y", b"n", b"Y", b"yes", b"no", b"", b"nope"]
        n = self.rng.randint(1, 12)
        return b"".join(self.rng.choice(words) + b"\n" for _ in range(n))

    def run(self, cwd, sources, target, order_safe=False, dirform=True):
        """Adds a command: sources (box paths) into target (a box
        path).  dirform: SOURCE... DIRECTORY (or -t); else SOURCE DEST.
        With -T only the first source goes, as SOURCE DEST."""
        ops = [self.op(s, cwd) for s in sources]
        tgt = self.op(target, cwd)
        use_t = False
        if self.set.notarget:
            ops = ops[:1]
        elif dirform and not self.set.parents and \
                self.rng.random() < 0.2:
            use_t = True
        self.invs.append(Inv(cwd, ops, tgt, use_t,
                             self.answers(order_safe or len(ops) == 1)))

    def raw(self, cwd, args, order_safe=True):
        """Adds a command with operands exactly as given."""
        self.invs.append(Inv(cwd, args, None, False,
                             self.answers(order_safe)))


# Kinds of source entries and of what a destination already holds.
SRC_KINDS = ["file"] * 5 + ["dir"] * 3 + ["symfile", "symdir", "dangling",
                                         "fifo", "hardlink", "symout",
                                         "empty"]
DST_KINDS = ["file", "newer", "older", "same", "symsrc", "symsrc-abs", "dir",
             "fulldir", "dangling", "danglingout", "loop", "loop2", "fifo",
             "symout", "symoutdir", "outlink", "ro", "zero", "symdir"]


def src_kinds(case):
    """Without -r a FIFO operand would be read forever: leave it out."""
    if case.set.recursive:
        return SRC_KINDS
    return [k for k in SRC_KINDS if k != "fifo"]


def make_src(case, p, kind, pool):
    """A source entry of kind at p; pool: regular files to link to.
    Returns the names of a directory's entries."""
    t, rng = case.t, case.rng
    d = dirname(p)
    if kind in ("symfile", "hardlink") and not pool:
        kind = "file"
    if kind == "symdir" and not any(os.path.isdir(t.path(jn(d, n)))
                                    for n in sorted(t.used.get(d, ()))):
        kind = "dir"
    if kind in ("file", "empty"):
        t.file(p, size=0 if kind == "empty" else None,
               mode=rng.choice([None, 0o644, 0o600, 0o755, 0o4755, 0o444]),
               sparse=rng.random() < 0.1)
        pool.append(p)
    elif kind == "dir":
        t.mkdir(p, mode=rng.choice([None, None, 0o755, 0o700, 0o555]))
        names = []
        for _ in range(rng.randint(0, 3)):
            c = jn(p, t.name(p))
            if rng.random() < 0.2:
                t.mkdir(c)
                t.file(jn(c, t.name(c)))
            else:
                t.file(c)
                pool.append(c)
            names.append(os.path.basename(c))
        return names
    elif kind == "symfile":
        t.symlink_to(rng.choice(pool), p, absolute=rng.random() < 0.3)
    elif kind == "symdir":
        dirs = [jn(d, n) for n in sorted(t.used.get(d, ()))
                if os.path.isdir(t.path(jn(d, n))) and
                not os.path.islink(t.path(jn(d, n)))]
        t.symlink_to(rng.choice(dirs), p)
    elif kind == "dangling":
        t.symlink(b"missing-" + os.path.basename(p), p)
    elif kind == "fifo":
        t.fifo(p)
    elif kind == "hardlink":
        t.link(rng.choice(pool), p)
    elif kind == "symout":
        t.symlink_to(b"out/s%d" % rng.randint(0, 2), p,
                     absolute=rng.random() < 0.5)
    return []


def make_dst(case, p, kind, srcp, children=()):
    """What the destination p already holds, of kind; srcp: the source
    that will be copied onto it."""
    t, rng = case.t, case.rng
    if os.path.lexists(t.path(p)):
        return      # taken by an earlier entry (the other link of a loop)
    src_isdir = os.path.isdir(t.path(srcp)) and \
        not os.path.islink(t.path(srcp))
    if kind == "same" and (src_isdir or not os.path.lexists(t.path(srcp))):
        kind = "symsrc"
    if kind == "fifo" and not (src_isdir or stat.S_ISFIFO(
            os.lstat(t.path(srcp)).st_mode if os.path.lexists(t.path(srcp))
            else 0)):
        # Both tools would open it for writing and wait for a reader.
        kind = "file"
    if kind in ("file", "newer", "older"):
        t.file(p, times={"newer": FUTURE, "older": PAST}.get(kind))
    elif kind == "same":
        t.link(srcp, p)
    elif kind == "symsrc":
        t.symlink_to(srcp, p)
    elif kind == "symsrc-abs":
        t.symlink_to(srcp, p, absolute=True)
    elif kind == "dir":
        t.mkdir(p, mode=rng.choice([None, 0o700, 0o555, 0o1777]))
    elif kind == "fulldir":
        t.mkdir(p)
        for n in list(children)[:3] + [t.name(p)]:
            t.claim(p, n)
            sub = rng.choice(["file", "file", "dir", "dangling", "ro"])
            make_dst(case, jn(p, n), sub, jn(srcp, n))
    elif kind == "dangling":
        t.symlink(b"missing-" + os.path.basename(p), p)
    elif kind == "danglingout":
        t.symlink_to(b"out/new-%d" % rng.randint(0, 999), p,
                     absolute=rng.random() < 0.3)
    elif kind == "loop":
        t.symlink(os.path.basename(p), p)
    elif kind == "loop2":
        other = t.name(dirname(p))
        t.symlink(other, p)
        t.symlink(os.path.basename(p), jn(dirname(p), other))
    elif kind == "fifo":
        t.fifo(p)
    elif kind == "symout":
        t.symlink_to(b"out/s%d" % rng.randint(0, 2), p,
                     absolute=rng.random() < 0.3)
    elif kind == "symoutdir":
        t.symlink_to(b"out/sd", p)
    elif kind == "outlink":
        t.file(p)
        t.link(p, jn(b"out", t.name(b"out", odd=0)))
    elif kind == "ro":
        t.file(p, mode=0o444)
    elif kind == "zero":
        t.file(p, mode=0)
    elif kind == "symdir":
        t.mkdir(jn(dirname(p), b"realdir-" + os.path.basename(p)))
        t.symlink(b"realdir-" + os.path.basename(p), p)


def some_sources(case, src, n, kinds=None):
    """n entries of random kinds in src; returns their paths and the
    names inside each directory."""
    pool, out, children = [], [], {}
    for _ in range(n):
        p = jn(src, case.t.name(src))
        kind = case.rng.choice(kinds or src_kinds(case))
        children[p] = make_src(case, p, kind, pool)
        out.append(p)
    return out, children


# ---------------------------------------------------------------------------
# Scenarios.  Each builds under a fresh directory cN of the box and adds
# the commands to run there.


def gen_tree(case, root):
    """The generated tree of the original test, smaller files."""
    t, rng = case.t, case.rng
    t.mkdir(root, mode=0o755)
    dirs = [root]
    files = []
    for _ in range(rng.randint(3, 9)):
        parent = rng.choice(dirs)
        if parent.count(b"/") - root.count(b"/") >= 4:
            continue
        d = t.mkdir(jn(parent, t.name(parent, 0.35)),
                    mode=rng.choice([0o755, 0o700, 0o775, 0o1777, 0o2755,
                                     0o555]))
        dirs.append(d)
    for _ in range(rng.randint(5, 25)):
        parent = rng.choice(dirs)
        p = t.file(jn(parent, t.name(parent, 0.35)),
                   sparse=rng.random() < 0.15,
                   mode=rng.choice([0o644, 0o600, 0o755, 0o4755, 0o2755,
                                    0o1755, 0o444, 0o640,
                                    0o000 if rng.random() < 0.2 else 0o664]))
        files.append(p)
    for _ in range(rng.randint(0, 4)):
        parent = rng.choice(dirs)
        t.link(rng.choice(files), jn(parent, t.name(parent, 0.35)))
    for _ in range(rng.randint(0, 6)):
        parent = rng.choice(dirs)
        p = jn(parent, t.name(parent, 0.35))
        kind = rng.random()
        if kind < 0.3:
            t.symlink_to(rng.choice(files), p)
        elif kind < 0.5:
            t.symlink_to(rng.choice(files), p, absolute=True)
        elif kind < 0.7:
            t.symlink(b"does-not-exist", p)
        elif kind < 0.85:
            cands = [d for d in dirs if not parent.startswith(d)]
            if cands:
                t.symlink_to(rng.choice(cands), p)
            else:
                t.symlink(b"nowhere", p)
        else:
            t.symlink(b"../" * rng.randint(0, 2) + b"x y", p)
    if case.set.recursive:
        for _ in range(rng.randint(0, 2)):
            parent = rng.choice(dirs)
            t.fifo(jn(parent, t.name(parent, 0.35)),
                   mode=rng.choice([0o644, 0o600]))
    return dirs, files


def copy_tree(case, src, dst):
    """dst: a copy of the recorded tree src (same times and modes)."""
    t = case.t
    inodes = {}
    for p in list(t.order):
        if p != src and not p.startswith(src + b"/"):
            continue
        q = dst + p[len(src):]
        st = os.lstat(t.path(p))
        if (st.st_ino in inodes and not stat.S_ISDIR(st.st_mode)):
            t.link(inodes[st.st_ino], q)
            continue
        inodes[st.st_ino] = q
        if stat.S_ISDIR(st.st_mode):
            t.mkdir(q, mode=t.modes.get(p), times=t.times[p])
        elif stat.S_ISLNK(st.st_mode):
            t.symlink(os.readlink(t.path(p)), q, times=t.times[p])
        elif stat.S_ISFIFO(st.st_mode):
            t.fifo(q, mode=t.modes.get(p))
        else:
            mode = t.modes.get(p)
            if mode is not None:
                os.chmod(t.path(p), mode | 0o400)
            with open(t.path(p), "rb") as f:
                data = f.read()
            t.file(q, data=data, mode=mode, times=t.times[p])


def mutate(case, root):
    """Changes an earlier copy: newer and older files, other contents,
    other types, read-only files, removed entries."""
    t, rng = case.t, case.rng
    for p in list(t.order):
        if not p.startswith(root + b"/") or not os.path.lexists(t.path(p)):
            continue
        st = os.lstat(t.path(p))
        if not stat.S_ISREG(st.st_mode):
            continue
        r = rng.random()
        if r < 0.25:
            t.set_times(p, FUTURE)
        elif r < 0.5:
            t.set_times(p, PAST)
        elif r < 0.6:
            os.chmod(t.path(p), 0o600)
            t.file(p, times=rand_times(rng))
        elif r < 0.65:
            os.unlink(t.path(p))
            t.mkdir(p)
        elif r < 0.7:
            os.unlink(t.path(p))
            t.symlink_to(b"out/s0", p)
        elif r < 0.75:
            t.set_mode(p, rng.choice([0o444, 0]))


def scen_tree(case):
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    gen_tree(case, src)
    r = case.rng.random()
    if case.set.parents:
        case.t.mkdir(dst)
        tops = sorted(n for n in case.t.used.get(src, ()))
        case.run(cd, [jn(src, n) for n in tops], dst)
        return
    if r < 0.4 or case.set.notarget:
        copy_tree(case, src, dst)
        mutate(case, dst)
    elif r < 0.55:
        case.t.mkdir(dst)
    case.run(cd, [src], dst, dirform=False)


def scen_multi(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    tops, children = some_sources(case, src, rng.randint(2, 5))
    ops = list(tops)
    for p in tops:
        for n in children[p]:
            if rng.random() < 0.4:
                ops.append(jn(p, n))
    if rng.random() < 0.3:
        ops.append(jn(src, b"no-such-file"))
    rng.shuffle(ops)
    if rng.random() < 0.85:
        t.mkdir(dst)
        for p in ops:
            if rng.random() < 0.2:
                n = os.path.basename(p)
                if n not in t.used.get(dst, ()):
                    t.claim(dst, n)
                    make_dst(case, jn(dst, n), rng.choice(DST_KINDS), p)
    case.run(cd, ops, dst)


def scen_existing(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    tops, children = some_sources(case, src, rng.randint(2, 6))
    for p in tops:
        n = os.path.basename(p)
        t.claim(dst, n)
        if rng.random() < 0.85:
            make_dst(case, jn(dst, n), rng.choice(DST_KINDS), p,
                     children[p])
    for _ in range(rng.randint(0, 2)):
        t.file(jn(dst, t.name(dst)))
    rng.shuffle(tops)
    if case.set.recursive and not case.set.parents and rng.random() < 0.3:
        # cp -r src/. dst: the contents of src into dst itself.
        case.run(cd, [jn(src, b".")], dst)
    else:
        case.run(cd, tops, dst)


def scen_dup(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    tops, children = some_sources(case, src, rng.randint(1, 4),
                                  ["file", "file", "dir", "dir", "symfile",
                                   "hardlink"])
    # Operands relative to cd, spelled in several ways.
    ops = []
    for p in tops:
        n = os.path.basename(p)
        ops.append(b"src/" + n)
        for _ in range(rng.randint(0, 2)):
            ops.append(rng.choice([b"src/", b"./src/", b"src//",
                                   b"src/../src/"]) + n +
                       (b"/" if rng.random() < 0.2 else b""))
        for c in children[p]:
            if rng.random() < 0.5:
                ops.append(b"src/" + n + b"/" + c)
    if case.set.recursive and rng.random() < 0.2:
        ops.append(b"src")
    absolute = not (case.set.parents and case.set.preserve)  # see op()
    ops = [o if rng.random() < 0.9 or not absolute else jn(t.abs(cd), o)
           for o in ops]
    rng.shuffle(ops)
    t.mkdir(dst)
    for p in tops:
        if rng.random() < 0.3:
            n = os.path.basename(p)
            t.claim(dst, n)
            make_dst(case, jn(dst, n), rng.choice(["file", "older", "dir"]),
                     p)
    if case.set.notarget:
        ops = ops[:1]
    case.invs.append(Inv(cd, ops, b"dst", False, case.answers(False)))


def scen_collide(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    parts = [t.mkdir(jn(src, t.name(src, 0))) for _ in
             range(rng.randint(2, 3))]
    pool = []
    ops = []
    for _ in range(rng.randint(1, 3)):
        n = t.name(src, also=parts)
        for d in parts:
            t.claim(d, n)
            p = jn(d, n)
            kind = rng.choice(src_kinds(case) + ["file", "hardlink",
                                                "symfile"])
            if kind == "symdir":
                kind = "dangling"
            make_src(case, p, kind, pool)
            ops.append(p)
    if case.set.recursive and rng.random() < 0.3:
        ops += parts
    rng.shuffle(ops)
    t.mkdir(dst)
    if rng.random() < 0.3:
        n = os.path.basename(rng.choice(ops))
        if n not in t.used.get(dst, ()):
            t.claim(dst, n)
            make_dst(case, jn(dst, n), rng.choice(DST_KINDS), ops[0])
    case.run(cd, ops, dst)


def samefile_form(case, form):
    """One of GNU's same-file situations in a fresh directory; returns
    the command's operands (relative to that directory)."""
    t, rng = case.t, case.rng
    cd = case.newdir()

    def at(n):
        return jn(cd, n)
    t.file(at(b"foo"), size=rng.choice([4, 5000]))
    if form == "foo symlink":
        t.symlink(b"foo", at(b"symlink"))
        return cd, [b"foo", b"symlink"]
    if form == "symlink foo":
        t.symlink(b"foo", at(b"symlink"))
        return cd, [b"symlink", b"foo"]
    if form == "foo foo":
        return cd, [b"foo", b"foo"]
    if form == "foo ./foo":
        return cd, [b"foo", b"./foo"]
    if form == "sl1 sl2":
        t.symlink(b"foo", at(b"sl1"))
        t.symlink(b"foo", at(b"sl2"))
        return cd, [b"sl1", b"sl2"]
    if form == "foo hardlink":
        t.link(at(b"foo"), at(b"hardlink"))
        return cd, [b"foo", b"hardlink"]
    if form == "hlsl sl2":
        t.symlink(b"foo", at(b"sl2"))
        t.link(at(b"sl2"), at(b"hlsl"))
        return cd, [b"hlsl", b"sl2"]
    if form == "foo dir":
        # foo into a directory whose foo is foo itself.
        t.mkdir(at(b"dir"))
        t.link(at(b"foo"), at(b"dir/foo"))
        return cd, [b"foo", b"dir"]
    if form == "foo .":
        return cd, [b"foo", b"."]
    if form == "dir dir":
        t.mkdir(at(b"d"))
        t.file(at(b"d/x"))
        return cd, [b"d", b"d"]
    if form == "dir dir/sub":
        t.mkdir(at(b"d"))
        t.mkdir(at(b"d/sub"))
        t.file(at(b"d/x"))
        return cd, [b"d", b"d/sub"]
    if form == "dir .":
        t.mkdir(at(b"d"))
        t.file(at(b"d/x"))
        return cd, [b"d", b"."]
    if form == "dir dirlink":
        t.mkdir(at(b"d"))
        t.file(at(b"d/x"))
        t.symlink(b"d", at(b"dirlink"))
        return cd, [b"d", b"dirlink"]
    if form == "foo~ foo":
        t.file(at(b"foo~"))
        return cd, [b"foo~", b"foo"]
    if form == "foo foo.~1~":
        t.file(at(b"foo.~1~"))
        return cd, [b"foo.~1~", b"foo"]
    if form == "sl1 foo":
        # A source symlink resolving to the destination.
        t.symlink(b"./foo", at(b"sl1"))
        return cd, [b"sl1", b"foo"]
    if form == "foo sl2 dangling":
        t.symlink(b"foo", at(b"sl1"))
        t.link(at(b"sl1"), at(b"sl2"))
        return cd, [b"foo", b"sl2"]
    raise ValueError(form)


SAMEFILE_FORMS = ["foo symlink", "symlink foo", "foo foo", "sl1 sl2",
                  "foo hardlink", "hlsl sl2", "foo ./foo", "foo dir",
                  "foo .", "dir dir", "dir dir/sub", "dir .", "dir dirlink",
                  "foo~ foo", "foo foo.~1~", "sl1 foo", "foo sl2 dangling"]


def scen_samefile(case):
    for form in case.rng.sample(SAMEFILE_FORMS, case.rng.randint(2, 4)):
        cd, args = samefile_form(case, form)
        if case.set.parents and not os.path.isdir(case.t.path(jn(cd,
                                                                 args[-1]))):
            args = args[:-1] + [b"."]
        case.raw(cd, args)


def scen_links(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    ops = []
    pool = []
    for _ in range(rng.randint(2, 5)):
        # Not a name an earlier hard link took in dst (seed 704, fi).
        n = t.name(src, also=(dst,))
        t.claim(dst, n)
        p, q = jn(src, n), jn(dst, n)
        r = rng.random()
        if r < 0.5:
            make_src(case, p, "file", pool)
            make_dst(case, q, rng.choice(["same", "symsrc", "symsrc-abs"]),
                     p)
        elif r < 0.7:
            # A source symlink that resolves to the destination.
            t.file(q)
            t.symlink_to(q, p, absolute=rng.random() < 0.3)
        elif r < 0.85 and case.set.recursive:
            make_src(case, p, "dir", pool)
            t.symlink_to(p, q)
        else:
            make_src(case, p, "file", pool)
            other = jn(dst, t.name(dst))
            t.link(p, other)
        ops.append(p)
    rng.shuffle(ops)
    if rng.random() < 0.25:
        # SOURCE DEST, DEST a link to SOURCE.
        p = ops[0]
        case.run(cd, [p], jn(dst, os.path.basename(p)), order_safe=True,
                 dirform=False)
    else:
        case.run(cd, ops, dst)


def scen_dangling(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    tops, children = some_sources(case, src, rng.randint(1, 4))
    for p in tops:
        n = os.path.basename(p)
        t.claim(dst, n)
        make_dst(case, jn(dst, n), rng.choice(["dangling", "danglingout",
                                               "loop", "loop2"]), p)
    case.run(cd, tops, dst)
    # SOURCE DEST with DEST itself dangling or a loop.
    cd = case.newdir()
    for n in (b"f", b"g", b"d"):
        t.claim(cd, n)
    s = jn(cd, b"f")
    make_src(case, s, rng.choice(["file", "file", "dir", "symfile"]),
             [t.file(jn(cd, b"g"))])
    kind = rng.choice(["dangling", "danglingout", "loop", "loop2"])
    make_dst(case, jn(cd, b"d"), kind, s)
    case.run(cd, [s], jn(cd, b"d"), order_safe=True, dirform=False)


def scen_outside(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    tops, children = some_sources(case, src, rng.randint(2, 5),
                                  ["file", "file", "dir", "symout",
                                   "symfile"])
    for p in tops:
        n = os.path.basename(p)
        t.claim(dst, n)
        if rng.random() < 0.9:
            isdir = os.path.isdir(t.path(p)) and \
                not os.path.islink(t.path(p))
            kind = rng.choice(["symoutdir", "symout"] if isdir else
                              ["symout", "outlink", "symoutdir",
                               "danglingout"])
            make_dst(case, jn(dst, n), kind, p)
    rng.shuffle(tops)
    if rng.random() < 0.3:
        case.run(cd, tops[:1], jn(dst, os.path.basename(tops[0])),
                 order_safe=True, dirform=False)
    else:
        case.run(cd, tops, dst)


def scen_backups(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    tops, _ = some_sources(case, src, rng.randint(1, 4),
                           ["file", "file", "dir", "symfile", "dangling"])
    for p in tops:
        n = os.path.basename(p)
        t.claim(dst, n)
        if rng.random() < 0.8:
            make_dst(case, jn(dst, n), rng.choice(["file", "file", "dir",
                                                   "symsrc", "dangling"]),
                     p)
        for suf in (b"~", b".~1~", b".~2~", b".~4~", b".bak", b".~x~"):
            if rng.random() < 0.35:
                b = jn(dst, t.claim(dst, n + suf))
                k = rng.random()
                if k < 0.7:
                    t.file(b)
                elif k < 0.85:
                    t.mkdir(b)
                    t.file(jn(b, b"in"))
                else:
                    t.symlink(b"missing", b)
    case.run(cd, tops, dst)
    if rng.random() < 0.5:
        # Backing up the destination would destroy the source.
        cd = case.newdir()
        t.file(jn(cd, b"a"))
        suf = rng.choice([b"~", b".~1~", b".bak"])
        t.file(jn(cd, b"a" + suf))
        case.raw(cd, [b"a" + suf, b"a"])


def scen_readonly(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    t.mkdir(dst)
    pool = []
    ops = []
    for _ in range(rng.randint(2, 5)):
        n = t.name(src)
        p = jn(src, n)
        r = rng.random()
        if r < 0.5:
            t.file(p, mode=rng.choice([0o644, 0o000, 0o200, 0o444]))
            pool.append(p)
        elif case.set.recursive:
            t.mkdir(p, mode=rng.choice([0o755, 0o300, 0o600, 0o000,
                                        0o555]))
            for _ in range(rng.randint(1, 2)):
                t.file(jn(p, t.name(p)), mode=rng.choice([0o644, 0o000]))
        else:
            t.file(p, mode=0o000)
        ops.append(p)
        if rng.random() < 0.7:
            t.claim(dst, n)
            make_dst(case, jn(dst, n), rng.choice(["ro", "zero", "ro",
                                                   "file", "dir",
                                                   "outlink"]), p)
    sub = None
    if rng.random() < 0.3:
        sub = t.mkdir(jn(dst, t.name(dst)), mode=rng.choice([0o555, 0o500]))
        t.file(jn(sub, t.name(sub)), mode=0o444)
    if rng.random() < 0.25:
        t.set_mode(dst, 0o555)
    rng.shuffle(ops)
    case.run(cd, ops, sub if sub is not None and rng.random() < 0.5
             else dst)


def scen_parents(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src, mode=rng.choice([0o755, 0o700, 0o2775]))
    t.claim(src, b"f")
    a = t.mkdir(jn(src, b"a"), mode=rng.choice([0o755, 0o711, 0o1777]))
    t.claim(a, b"l")
    ab = t.mkdir(jn(a, b"b"), mode=rng.choice([0o755, 0o750]))
    files = []
    for _ in range(rng.randint(1, 3)):
        make_src(case, jn(ab, t.name(ab)), "file", files)
    files.append(t.file(jn(a, t.name(a))))
    t.symlink(b"b", jn(a, b"l"))
    f = t.file(jn(src, b"f"))
    ops = [rng.choice(files)]
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.3:
            ops.append(rng.choice(files))
        elif r < 0.45:
            ops.append(jn(a, b"l", os.path.basename(files[0])))
        elif r < 0.6:
            ops.append(jn(f, b"x"))       # a component is not a directory
        elif r < 0.75:
            ops.append(ab if case.set.recursive else files[0])
        elif r < 0.85:
            ops.append(jn(a, b"l"))
        else:
            ops.append(a + b"/")
    t.mkdir(dst)
    r = rng.random()
    ds = jn(dst, b"src")
    if r < 0.3:
        t.mkdir(ds, mode=rng.choice([0o700, 0o755, 0o555]))
        t.mkdir(jn(ds, b"a"), mode=rng.choice([0o700, 0o777]))
    elif r < 0.45:
        t.mkdir(ds)
        t.file(jn(ds, b"a"))               # a parent that is a file
    elif r < 0.55:
        t.mkdir(ds)
        t.symlink_to(b"out/sd", jn(ds, b"a"))
    elif r < 0.65:
        t.file(ds)
    rng.shuffle(ops)
    case.run(cd, ops, dst)


PAIR_DESTS = ["absent", "file", "newer", "dir", "fulldir", "symfile",
              "symdir", "dangling", "loop", "slash", "slash-file",
              "nodir", "ro", "same"]


def scen_pair(case):
    t, rng = case.t, case.rng
    for _ in range(rng.randint(1, 3)):
        cd = case.newdir()
        for n in (b"d", b"other", b"realdir", b"missing", b"nodir"):
            t.claim(cd, n)
        s = jn(cd, t.name(cd))
        kinds = ["file", "file", "dir", "symfile", "dangling", "empty"]
        if case.set.recursive:
            kinds.append("fifo")
        pool = [t.file(jn(cd, b"other"))]
        make_src(case, s, rng.choice(kinds), pool)
        if rng.random() < 0.1:
            s = jn(cd, b"missing")
        kind = rng.choice(PAIR_DESTS)
        d = jn(cd, b"d")
        target = d
        if kind == "file":
            t.file(d)
        elif kind == "newer":
            t.file(d, times=FUTURE)
        elif kind == "dir":
            t.mkdir(d)
        elif kind == "fulldir":
            t.mkdir(d)
            make_dst(case, jn(d, os.path.basename(s)),
                     rng.choice(["file", "dir", "dangling", "ro"]), s)
        elif kind == "symfile":
            t.symlink(b"other", d)
        elif kind == "symdir":
            t.mkdir(jn(cd, b"realdir"))
            t.symlink(b"realdir", d)
        elif kind == "dangling":
            t.symlink(b"nowhere", d)
        elif kind == "loop":
            t.symlink(b"d", d)
        elif kind == "slash":
            target = d + b"/"
        elif kind == "slash-file":
            t.file(d)
            target = d + b"/"
        elif kind == "nodir":
            target = jn(cd, b"nodir", b"d")
        elif kind == "ro":
            t.file(d, mode=0o444)
        elif kind == "same":
            if os.path.isfile(t.path(s)) and not os.path.islink(t.path(s)):
                t.link(s, d)
            else:
                t.symlink(os.path.basename(s), d)
        ops = [os.path.relpath(s, cd)]
        tgt = os.path.relpath(target, cd) + (b"/" if target.endswith(b"/")
                                            else b"")
        case.raw(cd, ops + [tgt])


def scen_hardlinks(case):
    t, rng = case.t, case.rng
    cd = case.newdir()
    src, dst = jn(cd, b"src"), jn(cd, b"dst")
    t.mkdir(src)
    dirs = [t.mkdir(jn(src, t.name(src, 0))) for _ in range(3)]
    groups = []
    for _ in range(rng.randint(1, 2)):
        first = t.file(jn(rng.choice(dirs), t.name(src)))
        g = [first]
        for _ in range(rng.randint(1, 3)):
            d = rng.choice(dirs)
            g.append(t.link(first, jn(d, t.name(d))))
        groups.append(g)
    syms = []
    for _ in range(rng.randint(1, 3)):
        target = rng.choice(rng.choice(groups))
        syms.append(t.symlink_to(target, jn(src, t.name(src))))
    ops = []
    if case.set.recursive and rng.random() < 0.5:
        ops = list(dirs) + syms
    else:
        for g in groups:
            ops += rng.sample(g, rng.randint(1, len(g)))
        ops += syms
    rng.shuffle(ops)
    t.mkdir(dst)
    for p in ops:
        if rng.random() < 0.25:
            n = os.path.basename(p)
            if n not in t.used.get(dst, ()):
                t.claim(dst, n)
                make_dst(case, jn(dst, n), rng.choice(["file", "newer",
                                                       "older", "same"]), p)
    case.run(cd, ops, dst)


SCENARIOS = {
    "tree": scen_tree,
    "multi": scen_multi,
    "existing": scen_existing,
    "dup": scen_dup,
    "collide": scen_collide,
    "samefile": scen_samefile,
    "links": scen_links,
    "dangling": scen_dangling,
    "outside": scen_outside,
    "backups": scen_backups,
    "readonly": scen_readonly,
    "parents": scen_parents,
    "pair": scen_pair,
    "hardlinks": scen_hardlinks,
}


def build(box, seed, oset, scenario, xattrs):
    """Builds the case in box (which must not exist); returns the Case.
    The same arguments build the same state (bar the box's name)."""
    rng = random.Random("%d/%s/%s" % (seed, oset.name, scenario))
    os.mkdir(box)
    t = Tree(box, rng, xattrs)
    case = Case(t, oset, scenario)
    case.umask = rng.choice([0o022, 0o022, 0o022, 0o077, 0o002, 0o027])
    t.sentinels()
    SCENARIOS[scenario](case)
    t.finish()
    return case


# ---------------------------------------------------------------------------
# Running and comparing.


def snapshot(box, window):
    """{relpath: entry} for everything in box, and the hard-link groups.
    Times inside window (the run) show as NOW; link targets into the box
    as BOX/..."""
    out = {}
    inodes = {}

    def when(ns):
        if window and window[0] <= ns <= window[1]:
            return "NOW"
        return ns

    def visit(rel):
        p = os.path.join(box, rel) if rel != b"." else box
        try:
            st = os.lstat(p)
        except OSError as e:
            out[rel] = ("lstat-error", e.errno)
            return
        fmt = stat.S_IFMT(st.st_mode)
        entry = [{stat.S_IFREG: "file", stat.S_IFDIR: "dir",
                  stat.S_IFLNK: "symlink", stat.S_IFIFO: "fifo"}.get(fmt,
                                                                   fmt),
                 None if stat.S_ISLNK(st.st_mode) else
                 "%04o" % stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid]
        if stat.S_ISREG(st.st_mode):
            try:
                with open(p, "rb") as f:
                    entry.append(hashlib.sha256(f.read()).hexdigest()[:16])
            except OSError:
                entry.append("unreadable")
            entry.append(st.st_size)
        elif stat.S_ISLNK(st.st_mode):
            target = os.readlink(p)
            entry.append(target.replace(box[1:], b"BOX"))
        if not stat.S_ISDIR(st.st_mode):
            inodes.setdefault(st.st_ino, []).append(rel)
        entry.append(when(st.st_mtime_ns))
        try:
            xa = tuple(sorted((n, os.getxattr(p, n, follow_symlinks=False))
                              for n in os.listxattr(p, follow_symlinks=False)
                              if not n.startswith("security.")))
        except OSError:
            xa = ()
        entry.append(xa)
        if stat.S_ISDIR(st.st_mode):
            try:
                names = sorted(os.listdir(p))
            except OSError:
                entry.append("unlistable")
                names = []
            out[rel] = tuple(entry)
            for n in names:
                visit(n if rel == b"." else os.path.join(rel, n))
        else:
            out[rel] = tuple(entry)

    visit(b".")
    out = {k.replace(box[1:], b"BOX"): v for k, v in out.items()}
    groups = sorted(sorted(r.replace(box[1:], b"BOX") for r in g)
                    for g in inodes.values() if len(g) > 1)
    return out, groups


def normalise(data, box, prog, ordered):
    """The lines of an output, program name as PROG, box as BOX, each
    prompt on its own line; sorted unless ordered."""
    data = data.replace(box[1:], b"BOX")
    data = data.replace(dirname(box)[1:], b"TMP")
    pat = re.compile(rb"(?<=\? )(?=" + re.escape(prog) + rb": )")
    out = []
    for line in data.split(b"\n"):
        for part in pat.split(line):
            if part.startswith(prog + b": "):
                part = b"PROG: " + part[len(prog) + 2:]
            part = part.replace(b"'" + prog + b" --help'", b"'PROG --help'")
            out.append(part)
    if out and out[-1] == b"":
        out.pop()
    return out if ordered else sorted(out)


def clean_env(oset):
    env = {k: v for k, v in os.environ.items() if k not in CP_ENV}
    env.update(oset.env)
    return env


def run_inv(prog, path, opts, inv, box, env):
    cwd = os.path.join(box, inv.cwd)
    args = [prog] + [o.encode() for o in opts] + inv.argv()
    try:
        p = subprocess.run(args, executable=path, cwd=cwd, input=inv.stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", e.stderr or b""


def show(b):
    """bytes (or anything) for a one-line report: printable ASCII as is,
    the rest escaped."""
    if not isinstance(b, bytes):
        return str(b)
    return "".join(chr(c) if 32 <= c < 127 and c != 92 else
                   "\\\\" if c == 92 else "\\x%02x" % c for c in b)


def show_cmd(prog, opts, inv, box):
    words = [prog.encode()] + [o.encode() for o in opts] + \
        [a.replace(box[1:], b"BOX") for a in inv.argv()]
    s = " ".join(shlex.quote(w) for w in
                 (show(w) for w in words))
    return "(cd %s && %s)" % (show(inv.cwd), s)


def inside(rel, dests):
    return any(rel == d or rel.startswith(d + b"/") or
               (rel.startswith(d) and d != b".") for d in dests)


def run_tool(tool, path, oset, extra, box, case, ordered):
    env = clean_env(oset)
    old = os.umask(case.umask)
    before, _ = snapshot(box, None)
    t0 = time.time_ns()
    outs = []
    try:
        for inv in case.invs:
            rc, out, err = run_inv(tool.encode(), path, oset.opts + extra,
                                   inv, box, env)
            outs.append((rc, normalise(out, box, tool.encode(), ordered),
                         normalise(err, box, tool.encode(), ordered)))
    finally:
        os.umask(old)
    t1 = time.time_ns()
    after, groups = snapshot(box, (t0 - 10**9, t1 + 10**9))
    return outs, before, after, groups


def dest_paths(case):
    """The destination of each command, as box paths."""
    dests = []
    for inv in case.invs:
        argv = inv.argv()
        tgt = inv.target if inv.target is not None else argv[-1]
        if tgt.startswith(case.t.box):
            tgt = os.path.relpath(tgt, case.t.box)
        else:
            tgt = os.path.normpath(os.path.join(inv.cwd, tgt))
        dests.append(tgt)
    return dests


def diff_lines(a, b, what):
    """'cp only'/'zcp only' lines of two line lists."""
    ca, cb = collections.Counter(a), collections.Counter(b)
    only_a = list((ca - cb).elements())
    only_b = list((cb - ca).elements())
    if not only_a and not only_b:
        return ["%s in another order: cp [%s] zcp [%s]" %
                (what, " | ".join(show(x) for x in a),
                 " | ".join(show(x) for x in b))]
    return ["%s: cp only [%s]; zcp only [%s]" %
            (what, " | ".join(show(x) for x in only_a),
             " | ".join(show(x) for x in only_b))]


def consequential(k, a, b, keys):
    """True if k is a directory that differs only in its mtime while an
    entry directly in it differs: the mtime says nothing new."""
    ea, eb = a.get(k), b.get(k)
    if ea is None or eb is None or ea[0] != "dir" or eb[0] != "dir":
        return False
    if ea[:4] != eb[:4] or ea[5:] != eb[5:]:
        return False
    pre = b"" if k == b"." else k + b"/"
    return any(x.startswith(pre) and b"/" not in x[len(pre):]
               for x in keys if x != k)


def compare_case(args, seed, oset, scenario, tmp, xattrs):
    res = {}
    cases = {}
    for tool, path, extra in (("cp", args.cp, []),
                              ("zcp", args.zcp, args.zcp_arg)):
        box = os.path.join(tmp, b"%s-%d-%s-%s" % (
            tool.encode(), seed, oset.name.encode(), scenario.encode()))
        case = build(box, seed, oset, scenario, xattrs)
        cases[tool] = case
        res[tool] = run_tool(tool, path, oset, extra, box, case,
                             args.ordered)
    case = cases["cp"]
    dests = dest_paths(case)
    problems, sigs = [], set()
    ca, za = res["cp"], res["zcp"]
    for i, inv in enumerate(case.invs):
        cmd = show_cmd("cp", oset.opts, inv, case.t.box)
        (rc1, out1, err1), (rc2, out2, err2) = ca[0][i], za[0][i]
        if rc1 != rc2:
            problems.append("%s: exit status cp=%s zcp=%s" % (cmd, rc1, rc2))
            sigs.add("exit status cp=%s zcp=%s" % (rc1, rc2))
        for what, x, y in (("stdout", out1, out2), ("stderr", err1, err2)):
            if x != y:
                problems += ["%s: %s" % (cmd, d) for d in
                             diff_lines(x, y, what)]
                sigs |= line_sigs(x, y, what)
    a, b = ca[2], za[2]
    keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    keys = [k for k in keys if not consequential(k, a, b, keys)]
    for k in keys[:args.max_items]:
        where = "" if inside(k, dests) else " [outside the destination]"
        problems.append("%s%s: cp=%s zcp=%s" % (
            show(k), where, show_entry(a.get(k)), show_entry(b.get(k))))
    for k in keys:
        sigs.add("file%s: %s" % ("" if inside(k, dests) else
                                 " outside the destination",
                                 entry_sig(a.get(k), b.get(k))))
    if len(keys) > args.max_items:
        problems.append("... and %d more differing files" %
                        (len(keys) - args.max_items))
    ga = set(tuple(g) for g in ca[3])
    gb = set(tuple(g) for g in za[3])
    if ga != gb:
        problems.append("hard links: cp only %s; zcp only %s" % (
            [" = ".join(show(x) for x in g) for g in sorted(ga - gb)],
            [" = ".join(show(x) for x in g) for g in sorted(gb - ga)]))
        sigs.add("hard links differ")
    outside = changed_outside(res["cp"], dests)
    return problems, sigs, cases, outside


QUOTED = re.compile(rb"(?:'[^']*'|\"[^\"]*\"|\$'[^']*'|\\'|"
                    rb"\xe2\x80\x98.*?\xe2\x80\x99)+")


def template(line):
    """A message with its quoted names as 'X': what a rule says, not
    which file it says it of."""
    return show(QUOTED.sub(b"'X'", line))


def line_sigs(a, b, what):
    ca, cb = collections.Counter(a), collections.Counter(b)
    out = set()
    for who, lines in (("cp", ca - cb), ("zcp", cb - ca)):
        for line in lines:
            out.add("%s %s only: %s" % (what, who, template(line)))
    if not out:
        out.add("%s in another order" % what)
    return out


FIELDS = ["type", "mode", "uid", "gid"]


def entry_sig(x, y):
    """Which fields of two snapshot entries differ."""
    if x is None or y is None:
        e = x or y
        return "only %s has a %s" % ("cp" if y is None else "zcp", e[0])
    if x[0] != y[0]:
        return "a %s for cp, a %s for zcp" % (x[0], y[0])
    names = FIELDS + {"file": ["content", "size"],
                      "symlink": ["target"]}.get(x[0], []) + \
        ["mtime", "xattrs", "listing"]
    diff = [names[i] if i < len(names) else "field %d" % i
            for i in range(max(len(x), len(y)))
            if (x[i] if i < len(x) else None) !=
            (y[i] if i < len(y) else None)]
    if "mtime" in diff:
        i = names.index("mtime")
        diff[diff.index("mtime")] = "mtime (cp %s, zcp %s)" % (
            "now" if x[i] == "NOW" else "kept/set",
            "now" if y[i] == "NOW" else "kept/set")
    return "%s %s differ" % (x[0], ", ".join(diff))


def changed_outside(r, dests):
    before, after = r[1], r[2]
    return sorted(k for k in set(before) | set(after)
                  if not inside(k, dests) and k != b"." and
                  before.get(k) != after.get(k))


def show_entry(e):
    if e is None:
        return "absent"
    return "(" + ",".join(show(x) for x in e) + ")"


def write_repro(tmp, seed, oset, scenario, case, args, xattrs):
    """--keep: a pristine box and a script with the commands."""
    tag = b"%d-%s-%s" % (seed, oset.name.encode(), scenario.encode())
    orig = os.path.join(tmp, b"orig-" + tag)
    build(orig, seed, oset, scenario, xattrs)
    lines = ["#!/bin/sh",
             "# seed %d, set %s, scenario %s: the commands, to run in a"
             " fresh copy:" % (seed, oset.name, scenario),
             "#   %s" % os.fsdecode(orig),
             "# (rebuild it with --keep; absolute links point into it)",
             "umask %03o" % case.umask]
    for k, v in oset.env.items():
        lines.append("export %s=%s" % (k, v))
    lines.append('CP=${CP:-%s}' % shlex.quote(args.cp))
    for inv in case.invs:
        words = [os.fsdecode(a).replace(os.fsdecode(case.t.box),
                                        os.fsdecode(orig))
                 for a in inv.argv()]
        lines.append("(cd %s && printf %%s %s | \"$CP\" %s %s); echo "
                     "\"exit $?\"" % (
                         shlex.quote(os.fsdecode(os.path.join(orig,
                                                              inv.cwd))),
                         shlex.quote(os.fsdecode(inv.stdin)),
                         " ".join(shlex.quote(o) for o in oset.opts),
                         " ".join(shlex.quote(w) for w in words)))
    path = os.path.join(tmp, tag + b".sh")
    with open(path, "w", errors="surrogateescape") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(path, 0o755)


def remove_box(box):
    """Deletes box, whatever its modes."""
    for dirpath, dirnames, _ in os.walk(box):
        for d in dirnames:
            q = os.path.join(dirpath, d)
            try:
                if not os.path.islink(q):
                    os.chmod(q, 0o700)
            except OSError:
                pass
    shutil.rmtree(box, ignore_errors=True)


class Remover:
    """Deletes finished boxes in a thread: on some file systems rmdir
    takes milliseconds, and this overlaps it with the next case."""

    def __init__(self):
        self.q = queue.Queue()
        self.th = threading.Thread(target=self._work, daemon=True)
        self.th.start()

    def _work(self):
        while True:
            box = self.q.get()
            if box is None:
                return
            remove_box(box)

    def add(self, box):
        self.q.put(box)

    def close(self):
        self.q.put(None)
        self.th.join()


def xattrs_supported(tmp):
    p = os.path.join(tmp, b"xattr-probe")
    open(p, "wb").close()
    try:
        os.setxattr(p, b"user.probe", b"1")
        return True
    except OSError:
        return False
    finally:
        os.unlink(p)


def pick_scenarios(seed, name, args):
    if args.scenario:
        return args.scenario
    names = list(SCENARIOS)
    if args.all_scenarios:
        return names
    rng = random.Random("%d/%s/pick" % (seed, name))
    return rng.sample(names, min(args.per_set, len(names)))


def print_summary(summary, args):
    """The distinct differences, most frequent first, with the option
    sets they show in and a case to reproduce one."""
    print("SUMMARY: %d distinct differences" % len(summary))
    for sig, where in sorted(summary.items(), key=lambda kv: -len(kv[1])):
        sets = sorted(set(w[1] for w in where))
        scens = sorted(set(w[2] for w in where))
        seed, name, scen = where[0]
        print("%5d  %s" % (len(where), sig))
        print("       sets: %s; scenarios: %s; e.g. --seed %d --sets %s "
              "--scenario %s" % (",".join(sets), ",".join(scens), seed,
                                 name, scen))


def parse_args():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--zcp", default=os.environ.get(
        "ZCP", os.path.join(here, "..", "src", "zcp")))
    ap.add_argument("--cp", default=shutil.which("cp") or "/bin/cp")
    ap.add_argument("--seeds", default="1-3", help="A-B (default 1-3)")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--sets", default=",".join(OPTION_SETS))
    ap.add_argument("--scenario", type=lambda s: s.split(","),
                    help="only these scenarios, for every seed and set")
    ap.add_argument("--per-set", type=int, default=3,
                    help="scenarios per seed and set (default 3)")
    ap.add_argument("--all-scenarios", action="store_true")
    ap.add_argument("--zcp-arg", action="append", default=[])
    ap.add_argument("--ordered", action="store_true",
                    help="compare the order of the output lines too")
    ap.add_argument("--max-items", type=int, default=12,
                    help="differing files shown per case")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--summary", action="store_true",
                    help="end with the distinct differences, counted")
    ap.add_argument("--list", action="store_true",
                    help="list the option sets and scenarios")
    ap.add_argument("--build-only", action="store_true",
                    help="only build each case (once), to check the "
                    "generator; run no tool")
    args = ap.parse_args()
    args.zcp = os.path.abspath(args.zcp)
    return args


def print_case(args, seed, name, scen, problems):
    for p in problems:
        print("DIFF seed=%d set=%s scenario=%s: %s" % (seed, name, scen, p))
    print("REPRO %s --seed %d --sets %s --scenario %s%s --keep" % (
        sys.argv[0], seed, name, scen,
        "".join(" --zcp-arg=" + a for a in args.zcp_arg)))
    sys.stdout.flush()


def print_crash(what, seed, name, scen):
    """Says that building or comparing a case raised, with the traceback:
    a case that cannot be built hides what it would have found."""
    exc = sys.exc_info()[1]
    print("CRASH seed=%d set=%s scenario=%s: %s: %s: %s" % (
        seed, name, scen, what, type(exc).__name__, exc))
    traceback.print_exc(file=sys.stdout)
    sys.stdout.flush()
    return "%s raised %s" % (what, type(exc).__name__)


def build_cases(args, seeds, sets, tmp, xattrs):
    """--build-only: builds every case once, runs nothing; returns
    (cases that could not be built, cases, {signature: [cases]})."""
    failures = runs = 0
    summary = {}
    remover = Remover()
    try:
        for seed in seeds:
            for name in sets:
                oset = OptSet(name)
                for scen in pick_scenarios(seed, name, args):
                    runs += 1
                    box = os.path.join(tmp, b"build-%d-%s-%s" % (
                        seed, name.encode(), scen.encode()))
                    try:
                        build(box, seed, oset, scen, xattrs)
                    except Exception:
                        failures += 1
                        sig = print_crash("the generator", seed, name, scen)
                        summary.setdefault(sig, []).append((seed, name,
                                                            scen))
                    if not args.keep:
                        remover.add(box)
    finally:
        remover.close()
    return failures, runs, summary


def run_cases(args, seeds, sets, tmp, xattrs):
    """Runs every case; returns (cases that differ or could not be run,
    cases, cases where cp wrote outside the destination, {signature:
    [(seed, set, scenario)]})."""
    failures = runs = outside_runs = 0
    summary = {}
    remover = Remover()
    try:
        for seed in seeds:
            for name in sets:
                oset = OptSet(name)
                for scen in pick_scenarios(seed, name, args):
                    runs += 1
                    t0 = time.time()
                    try:
                        problems, sigs, cases, outside = compare_case(
                            args, seed, oset, scen, tmp, xattrs)
                    except Exception:
                        # Counted, and on to the next case.
                        failures += 1
                        sig = print_crash("the case", seed, name, scen)
                        summary.setdefault(sig, []).append((seed, name,
                                                            scen))
                        continue
                    for sig in sigs:
                        summary.setdefault(sig, []).append((seed, name,
                                                            scen))
                    if time.time() - t0 > 5:     # a tool waited: say so
                        print("SLOW seed=%d set=%s scenario=%s: %.1f s" %
                              (seed, name, scen, time.time() - t0))
                    outside_runs += bool(outside)
                    if problems:
                        failures += 1
                        print_case(args, seed, name, scen, problems)
                    if args.keep:
                        write_repro(tmp, seed, oset, scen, cases["cp"],
                                    args, xattrs)
                    else:
                        for c in cases.values():
                            remover.add(c.t.box)
    finally:
        remover.close()
    return failures, runs, outside_runs, summary


def main():
    # On SIGTERM unwind like on ^C: subprocess.run() then kills the tool
    # it waits for (one blocked on a FIFO would outlive us otherwise).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    if args.list:
        for name, (opts, env) in OPTION_SETS.items():
            print("set %-10s %s%s" % (name, " ".join(
                "%s=%s" % kv for kv in env.items()) + (" " if env else ""),
                " ".join(opts)))
        for name in SCENARIOS:
            print("scenario %s" % name)
        return
    if args.seed is not None:
        seeds = [args.seed]
    else:
        lo, _, hi = args.seeds.partition("-")
        seeds = range(int(lo), int(hi or lo) + 1)
    sets = args.sets.split(",")
    for s in sets:
        if s not in OPTION_SETS:
            sys.exit("unknown option set %r (known: %s)" %
                     (s, ", ".join(OPTION_SETS)))
    for s in args.scenario or []:
        if s not in SCENARIOS:
            sys.exit("unknown scenario %r (known: %s)" %
                     (s, ", ".join(SCENARIOS)))
    os.umask(0o022)
    if args.tmp:
        os.makedirs(args.tmp, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="zcp-diff-", dir=args.tmp).encode()
    os.chmod(tmp, 0o755)
    try:
        if args.build_only:
            failures, runs, summary = build_cases(
                args, seeds, sets, tmp, xattrs_supported(tmp))
        else:
            failures, runs, outside_runs, summary = run_cases(
                args, seeds, sets, tmp, xattrs_supported(tmp))
    finally:
        if args.keep:
            print("boxes kept in %s" % os.fsdecode(tmp))
        else:
            remove_box(tmp)
    if args.summary:
        print_summary(summary, args)
    if args.build_only:
        print("%d of %d cases could not be built" % (failures, runs))
        sys.exit(1 if failures else 0)
    print("cp changed files outside the destination in %d runs "
          "(writing through links)" % outside_runs)
    print("%d of %d runs differ" % (failures, runs))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
