#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""zcp --exclude/--include against rsync's, on generated trees and rules.

Each case (a seed) builds a tree of files, directories and symbolic
links, some with odd names (spaces, a newline, a leading dash, glob
characters), and a list of rules of the forms whose meaning zcp and
rsync share: a name glob (* ? [...]) at any depth, the same for
directories only (a trailing /), a path anchored at the operand (a
leading /), with * for a part and a trailing /** for all below a
directory, and --include rules before --exclude ones (first match
wins).  Then `zcp -r -jN --RULES... SRC DST` must make the same tree as
`rsync -rl --RULES... SRC/ DST/`: the same names, each of the same type.

Usage: filtertree.py [--zcp PATH] [--rsync PATH] [--seeds A-B]
                     [--jobs N] [--tmp DIR] [--keep]
Prints one line per differing case, with its rules, and "N of M cases
differ"; exits 1 if any does.
"""

import argparse
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

PLAIN = ["a", "b", "c", "ab", "node_modules", ".git", "build", "x.o",
         "y.c", "z.h", "lib.so", "README", "data.txt", "t1", "t22"]
ODD = ["with space", "new\nline", "-dash", "star*", "q?mark", "[br]",
       ".hidden", "caf\u00e9", "tab\tname", "back\\slash"]
GLOB = set("*?[\\")


def gen_tree(rng, root):
    """A tree under root; returns its entries as relative paths, with
    their kinds ('f', 'd', 'l')."""
    entries = []

    def fill(rel, depth):
        n = rng.randint(1, 7 if depth == 0 else 5)
        used = set()
        for _ in range(n):
            name = rng.choice(ODD if rng.random() < 0.2 else PLAIN)
            if rng.random() < 0.2:
                name += rng.choice([".o", ".c", "_1", ".tmp"])
            if name in used:
                continue
            used.add(name)
            p = os.path.join(rel, name) if rel else name
            full = os.path.join(root, p)
            r = rng.random()
            if r < 0.35 and depth < 4:
                os.mkdir(full)
                entries.append((p, "d"))
                fill(p, depth + 1)
            elif r < 0.45:
                os.symlink(rng.choice(["x.o", "../a", "nowhere"]), full)
                entries.append((p, "l"))
            else:
                with open(full, "w") as f:
                    f.write(p)
                entries.append((p, "f"))

    fill("", 0)
    return entries


def plain(s):
    return not (GLOB & set(s))


def name_glob(rng, name):
    """A glob matching name (or not: it is a rule all the same).  Not
    made of a name's glob characters: rsync reads a backslash only in a
    pattern with a wildcard, and an unterminated '[' differently."""
    if not plain(name):
        return rng.choice(["*", "?*", "*" + name[-1:] if name[-1:].isalnum()
                           else "*"])
    forms = [name, "*", "?" + name[1:], name[:1] + "*", "*" + name[-2:],
             "[" + name[:1] + "x]" + name[1:]]
    if "." in name:
        forms.append("*" + name[name.rindex("."):])
    return rng.choice([f for f in forms if f])


def gen_rule(rng, entries):
    """One pattern."""
    path, kind = rng.choice(entries)
    parts = path.split("/")
    r = rng.random()
    if r < 0.45:
        pat = name_glob(rng, parts[-1])
    elif r < 0.8:
        # Anchored: some parts turned into globs.
        ps = [p if rng.random() < 0.7 and plain(p) else "*" for p in parts]
        pat = "/" + "/".join(ps)
    elif kind == "d":
        ps = [p if plain(p) else "*" for p in parts]
        pat = "/" + "/".join(ps) + "/**"
    else:
        pat = rng.choice(["*.o", "*.c", "*", ".*", "?", "*_1", "t*"])
    if kind == "d" and rng.random() < 0.3 and not pat.endswith("**"):
        pat += "/"
    return pat


def gen_rules(rng, entries):
    rules = []
    for _ in range(rng.randint(1, 5)):
        rules.append(("exclude", gen_rule(rng, entries)))
    for _ in range(rng.randint(0, 2)):
        rules.insert(rng.randint(0, len(rules)),
                     ("include", gen_rule(rng, entries)))
    if rng.random() < 0.15:
        # rsync's "only these": directories, some files, nothing else.
        rules = [("include", "*/"), ("include", rng.choice(["*.c", "*.o",
                                                            "a*"])),
                 ("exclude", "*")]
    return rules


def listing(root):
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            kind = "d" if stat.S_ISDIR(st.st_mode) else \
                "l" if stat.S_ISLNK(st.st_mode) else "f"
            out.add((os.path.relpath(p, root), kind))
    return out


def one_case(args, seed, tmp):
    rng = random.Random("filtertree/%d" % seed)
    box = os.path.join(tmp, "case-%d" % seed)
    src = os.path.join(box, "src")
    os.makedirs(src)
    entries = gen_tree(rng, src)
    if not entries:
        return []
    rules = gen_rules(rng, entries)
    opts = ["--%s=%s" % r for r in rules]
    subprocess.run([args.rsync, "-rl"] + opts + [src + "/", box + "/r/"],
                   check=True, stdout=subprocess.DEVNULL)
    problems = []
    for j in args.jobs:
        dst = os.path.join(box, "z%d" % j)
        p = subprocess.run([args.zcp, "-r", "-j%d" % j] + opts +
                           ["--", src, dst], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            problems.append("seed=%d -j%d: exit %d: %s" % (
                seed, j, p.returncode, p.stderr.decode(errors="replace")))
            continue
        a, b = listing(os.path.join(box, "r")), listing(dst)
        if a != b:
            problems.append("seed=%d -j%d rules %r: rsync only %s; zcp "
                            "only %s" % (seed, j, opts, sorted(a - b),
                                         sorted(b - a)))
    if not args.keep:
        shutil.rmtree(box)
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zcp", default=os.path.join(here, "..", "src", "zcp"))
    ap.add_argument("--rsync", default="rsync")
    ap.add_argument("--seeds", default="1-50")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    args.jobs = [int(j) for j in args.jobs.split(",")]
    a, _, b = args.seeds.partition("-")
    seeds = range(int(a), int(b or a) + 1)
    tmp = tempfile.mkdtemp(prefix="zcp-filtertree.", dir=args.tmp)
    bad = 0
    try:
        for seed in seeds:
            problems = one_case(args, seed, tmp)
            bad += bool(problems)
            for p in problems:
                print("DIFF " + p)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d cases differ" % (bad, len(seeds)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
