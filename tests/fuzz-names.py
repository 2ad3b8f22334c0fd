#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Malformed-name generator for --json: random file names made of every
class of byte sequence that is not UTF-8 (lone continuation bytes,
overlong forms, UTF-16 surrogates, code points above U+10FFFF, F5..FF,
sequences cut short), mixed with control characters, DEL, quotes,
backslashes and valid multibyte characters (U+FFFF, U+2028, an emoji).

For a seed, a tree of such names (files, a directory, a symbolic link) is
copied with zcp -r --json, then copied again onto names that cannot be
made (a missing source per name, and a destination under a regular
file), so that failure records carry the names in their messages too;
then zcp --bench --json runs in a directory with such a name.  Every line
zcp prints on stdout must be valid JSON in strict UTF-8, and the
"source" and "destination" of each record must give back the exact bytes
of the name (os.fsencode of the decoded string: zcp writes a byte that is
not UTF-8 as \\udcXX, Python's surrogateescape).

Usage: fuzz-names.py [--zcp PATH] [--seed N] [--names N] [--tmp DIR]
                     [--no-bench] [--keep]
Exits 1 on the first seed that fails, printing why.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

# Byte sequences that are not UTF-8, by class (table 3-7 of Unicode).
BAD = {
    "continuation": [bytes([b]) for b in range(0x80, 0xc0)],
    "overlong-2": [bytes([0xc0, 0xaf]), bytes([0xc1, 0xbf]), b"\xc0\x80"],
    "overlong-3": [b"\xe0\x80\xaf", b"\xe0\x9f\xbf"],
    "overlong-4": [b"\xf0\x80\x80\xaf", b"\xf0\x8f\xbf\xbf"],
    "surrogate": [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xb2\x80"],
    "above-10ffff": [b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf"],
    "f5-ff": [bytes([b]) for b in range(0xf5, 0x100)],
    "truncated": [b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xe2"],
    "bad-second": [b"\xc3\x28", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28"],
}
GOOD = [b"a", b"Z", b"0", b" ", b"-", b".", b"\xc3\xa9", b"\xe2\x82\xac",
        b"\xef\xbf\xbf", b"\xe2\x80\xa8", b"\xf0\x9f\x98\x80", b"\"", b"\\",
        b"'", b"\n", b"\t", b"\x01", b"\x1f", b"\x7f", b"%", b"{", b"}"]


def random_name(rng):
    """A name of 1 to 255 bytes with at least one sequence that is not
    UTF-8 (or, one time in eight, only odd but valid characters)."""
    parts = []
    only_good = rng.random() < 0.125
    for _ in range(rng.randint(1, 12)):
        if not only_good and rng.random() < 0.5:
            parts.append(rng.choice(BAD[rng.choice(sorted(BAD))]))
        else:
            parts.append(rng.choice(GOOD))
    if not only_good and not any(p in sum(BAD.values(), []) for p in parts):
        parts.append(rng.choice(BAD["f5-ff"]))
    name = b"".join(parts)[:255]
    if name in (b".", b".."):
        name = b"x" + name
    return name


def json_lines(out, what):
    """The records of out (bytes), or raises ValueError saying why."""
    text = out.decode("utf-8")      # strict: a raw bad byte fails here
    if text and not text.endswith("\n"):
        raise ValueError("%s: the last line has no newline" % what)
    recs = []
    for i, line in enumerate(text.split("\n")[:-1]):
        try:
            recs.append(json.loads(line))
        except ValueError as e:
            raise ValueError("%s: line %d is not JSON (%s): %r"
                             % (what, i + 1, e, line[:300]))
    return recs


def check_paths(recs, expect, what):
    """Each file record's source and destination are names of expect
    (a set of bytes paths), byte for byte."""
    for r in recs:
        if r.get("type") != "file":
            continue
        for key in ("source", "destination"):
            b = os.fsencode(r[key])
            if b not in expect:
                raise ValueError("%s: %s %r is none of the names"
                                 % (what, key, b))


def run(zcp, args, cwd, what):
    p = subprocess.run([zcp] + args, cwd=cwd, capture_output=True,
                       timeout=300, env=dict(os.environ, LC_ALL="C.UTF-8"))
    if p.returncode not in (0, 1):
        raise ValueError("%s: exit status %d: %s" % (
            what, p.returncode, p.stderr[-2000:].decode("utf-8", "replace")))
    return p


def one_seed(zcp, seed, count, top, bench):
    rng = random.Random(seed)
    names = set()
    while len(names) < count:
        names.add(random_name(rng))
    names = sorted(names)
    src = os.path.join(os.fsencode(top), b"src")
    os.makedirs(os.path.join(src, b"dir"))
    for i, n in enumerate(names):
        where = src if i % 3 else os.path.join(src, b"dir")
        with open(os.path.join(where, n), "wb") as f:
            f.write(n)
    os.symlink(names[0], os.path.join(src, names[1] + b".link"))
    expect = {b"src", b"out"}
    for dp, dns, fns in os.walk(src):
        for n in dns + fns:
            rel = os.path.relpath(os.path.join(dp, n), os.fsencode(top))
            expect.add(rel)
            expect.add(b"out" + rel[3:])

    # The copy: one record per name.
    p = run(zcp, ["-r", "--json", "src", "out"], top, "copy")
    recs = json_lines(p.stdout, "copy")
    check_paths(recs, expect, "copy")
    if p.returncode != 0 or len(recs) < count + 1:
        raise ValueError("copy: exit %d, %d records for %d names"
                         % (p.returncode, len(recs), count))

    # Failures: missing sources, and destinations under a regular file.
    miss = [b"missing-" + n for n in names[:20]]
    p = run(zcp, ["--json"] + [os.fsdecode(m) for m in miss] + ["out"],
            top, "missing sources")
    recs = json_lines(p.stdout, "missing sources")
    check_paths(recs, expect | set(miss) |
                {b"out/" + m for m in miss}, "missing sources")
    if p.returncode != 1:
        raise ValueError("missing sources: exit %d" % p.returncode)
    blocker = os.path.join(os.fsencode(top), b"file")
    with open(blocker, "wb") as f:
        f.write(b"x")
    bad_dst = [b"file/" + n for n in names[:10]]
    for d in bad_dst:
        p = run(zcp, ["--json", "src/" + os.fsdecode(names[1]),
                      os.fsdecode(d)], top, "destination under a file")
        json_lines(p.stdout, "destination under a file")

    # --bench --json in a directory with such a name.
    if bench:
        bdir = os.path.join(os.fsencode(top), names[-1])
        os.makedirs(bdir, exist_ok=True)
        p = run(zcp, ["--bench=rw", "--bench-size=64K", "--runs=1",
                      "--json", os.fsdecode(bdir)], top, "bench")
        json_lines(p.stdout, "bench")
        if p.returncode != 0:
            raise ValueError("bench: exit %d: %s" % (
                p.returncode, p.stderr.decode("utf-8", "replace")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zcp", default=os.environ.get("ZCP", "src/zcp"))
    ap.add_argument("--seed", default="1")
    ap.add_argument("--names", type=int, default=200)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--no-bench", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    zcp = os.path.abspath(args.zcp)
    lo, _, hi = args.seed.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    for seed in seeds:
        top = tempfile.mkdtemp(prefix="zcp-names-", dir=args.tmp)
        try:
            one_seed(zcp, seed, args.names, top, not args.no_bench)
        except (ValueError, subprocess.TimeoutExpired) as e:
            print("FAIL seed %d: %s" % (seed, e))
            if args.keep:
                print("fuzz-names: kept %s" % top)
            return 1
        finally:
            if not args.keep:
                shutil.rmtree(top, ignore_errors=True)
    print("fuzz-names: seeds %s, %d names each, 0 failed"
          % (args.seed, args.names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
