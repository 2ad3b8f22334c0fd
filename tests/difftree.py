#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential test: zcp against GNU cp on generated trees.

For each seed, a tree is generated twice, identically, in two sandboxes
(one for cp, one for zcp): nested directories, files of random sizes
(0 included, some with holes), symbolic links (absolute, relative,
dangling, to directories), hard links, FIFOs, odd names (spaces, newlines,
non-UTF-8 bytes, quotes, a leading dash), modes with setuid/setgid/sticky
bits and unreadable files, timestamps in the past and the future with
nanoseconds, and user xattrs.  Each option set is run with cp and with
zcp from inside its sandbox, so the messages name the same paths; the
results are compared: type, content, mode, owner, timestamps where they
are preserved, link targets, the hard-link structure, xattrs, the
messages on stderr and the exit status.

Usage: difftree.py [--zcp PATH] [--cp PATH] [--seeds A-B | --seed N]
                   [--sets NAME,...] [--zcp-arg ARG ...] [--keep]
Prints one line per failure with the seed and option set, and exits 1 if
any differs.
"""

import argparse
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

# Option sets: name -> (options, prepare). prepare says what the
# destination looks like before the run: "none" (absent), "copy" (an
# earlier plain copy of the tree, then changed, for -u/-n/-b), "dir" (an
# existing empty directory, for --parents).
OPTION_SETS = {
    "r": (["-r"], "none"),
    "a": (["-a"], "none"),
    "rL": (["-rL"], "none"),
    "rH": (["-rH"], "none"),
    "d": (["-d"], "none"),
    "dr": (["-dr"], "none"),
    "rp": (["-rp"], "none"),
    "parents": (["-r", "--parents"], "dir"),
    "l": (["-rl"], "none"),
    "s": (["-rs"], "none"),
    "u": (["-ru"], "copy"),
    "n": (["-rn"], "copy"),
    "b": (["-rb"], "copy"),
    "a-into": (["-a"], "copy"),
    "rT": (["-rT"], "copy"),
}

ODD_NAMES = [
    b"plain", b"with space", b"new\nline", b"caf\xc3\xa9", b"bad\xff\xfe",
    b"it's", b'dq"x', b"-dash", b"star*", b"tab\tname", b"$dollar",
    b"back\\slash", b"#hash", b"~tilde", b"semi;colon", b".hidden",
]


def rand_name(rng, used):
    while True:
        if rng.random() < 0.35:
            base = rng.choice(ODD_NAMES)
        else:
            base = "".join(rng.choice("abcdefghijklmnop") for _ in
                           range(rng.randint(1, 8))).encode()
        name = base + (b"" if rng.random() < 0.5 else
                       b"_%d" % rng.randint(0, 999))
        if name not in used:
            used.add(name)
            return name


def rand_time(rng):
    # Past (1990s), recent, or future (2040s), always with nanoseconds.
    sec = rng.choice([rng.randint(631152000, 946684800),
                      rng.randint(1600000000, 1700000000),
                      rng.randint(2200000000, 2400000000)])
    return sec * 10**9 + rng.randint(0, 999999999)


def write_file(rng, path):
    kind = rng.random()
    with open(path, "wb") as f:
        if kind < 0.15:
            return  # empty
        if kind < 0.30:
            # Sparse: data, a hole, maybe data at the end.
            f.write(rng.randbytes(rng.randint(1, 8192)))
            f.seek(rng.randint(1, 8) * 65536, 1)
            if rng.random() < 0.5:
                f.write(rng.randbytes(rng.randint(1, 4096)))
            else:
                f.truncate()
            return
        size = rng.choice([1, 17, 4096, 65535, 65536, 131073,
                           rng.randint(0, 300000)])
        f.write(rng.randbytes(size))


def gen_tree(root, seed, xattrs):
    """Makes the tree for seed under root (bytes).  Deterministic."""
    rng = random.Random(seed)
    os.mkdir(root)
    dirs = [root]
    files = []
    used = {}
    later = []  # (path, mode, times) applied bottom-up at the end
    for _ in range(rng.randint(3, 9)):
        parent = rng.choice(dirs)
        if parent.count(b"/") - root.count(b"/") >= 4:
            continue
        d = os.path.join(parent, rand_name(rng, used.setdefault(parent,
                                                                  set())))
        os.mkdir(d)
        dirs.append(d)
    for _ in range(rng.randint(5, 25)):
        parent = rng.choice(dirs)
        p = os.path.join(parent, rand_name(rng, used.setdefault(parent,
                                                                  set())))
        write_file(rng, p)
        files.append(p)
    for _ in range(rng.randint(0, 4)):
        src = rng.choice(files)
        parent = rng.choice(dirs)
        p = os.path.join(parent, rand_name(rng, used.setdefault(parent,
                                                                  set())))
        os.link(src, p)
    for _ in range(rng.randint(0, 6)):
        parent = rng.choice(dirs)
        p = os.path.join(parent, rand_name(rng, used.setdefault(parent,
                                                                  set())))
        kind = rng.random()
        if kind < 0.3:
            target = os.path.relpath(rng.choice(files), parent)
        elif kind < 0.5:
            target = os.path.abspath(rng.choice(files))
        elif kind < 0.7:
            target = b"does-not-exist"
        elif kind < 0.85:
            # A link to a directory that is not an ancestor (no cycles).
            cands = [d for d in dirs if not parent.startswith(d)]
            target = os.path.relpath(rng.choice(cands), parent) \
                if cands else b"."
            if target == b".":
                target = b"nowhere"
        else:
            target = b"../" * rng.randint(0, 2) + b"x y"
        os.symlink(target, p)
    for _ in range(rng.randint(0, 2)):
        parent = rng.choice(dirs)
        p = os.path.join(parent, rand_name(rng, used.setdefault(parent,
                                                                  set())))
        os.mkfifo(p)
        files.append(p)
    for p in files:
        if xattrs and rng.random() < 0.3 and stat.S_ISREG(os.lstat(p).st_mode):
            os.setxattr(p, b"user.zcp", rng.randbytes(rng.randint(0, 64)))
        mode = rng.choice([0o644, 0o600, 0o755, 0o4755, 0o2755, 0o1755,
                           0o444, 0o640, 0o000 if rng.random() < 0.2
                           else 0o664])
        later.append((p, mode, (rand_time(rng), rand_time(rng))))
    for d in dirs[1:]:
        mode = rng.choice([0o755, 0o700, 0o775, 0o1777, 0o2755, 0o555])
        later.append((d, mode, (rand_time(rng), rand_time(rng))))
    later.append((root, 0o755, (rand_time(rng), rand_time(rng))))
    for p, mode, times in later:
        os.chmod(p, mode)
    # Times last, deepest first, so later changes do not touch them.
    for p, mode, times in sorted(later, key=lambda t: -t[0].count(b"/")):
        os.utime(p, ns=times, follow_symlinks=False)
    return dirs


def snapshot(root, times, atimes, box=None):
    """Describes a tree: {relpath: tuple}, plus the hard-link groups.
    Absolute link targets inside box are shown relative to BOX, so that
    the two sandboxes compare equal."""
    out = {}
    inodes = {}
    if not os.path.lexists(root):
        return out, []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [b""] if dirpath == root else []:
            pass
        names = dirnames + filenames
        for name in [None] + names:
            p = dirpath if name is None else os.path.join(dirpath, name)
            if name is None and dirpath != root:
                continue
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            entry = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode),
                     st.st_uid, st.st_gid]
            if stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                try:
                    with open(p, "rb") as f:
                        h.update(f.read())
                    entry.append(h.hexdigest())
                except PermissionError:
                    entry.append("unreadable")
                entry.append(st.st_size)
                inodes.setdefault(st.st_ino, []).append(rel)
            elif stat.S_ISLNK(st.st_mode):
                target = os.readlink(p)
                if box is not None and target.startswith(box + b"/"):
                    target = b"BOX" + target[len(box):]
                entry.append(target)
                entry[1] = None  # symlink modes mean nothing on Linux
            if times and not stat.S_ISLNK(st.st_mode) and rel != b".":
                entry.append(st.st_mtime_ns)
                if atimes and stat.S_ISREG(st.st_mode):
                    entry.append(st.st_atime_ns)
            try:
                xa = sorted((n, os.getxattr(p, n, follow_symlinks=False))
                            for n in os.listxattr(p, follow_symlinks=False)
                            if not n.startswith("security."))
            except OSError:
                xa = []
            entry.append(tuple(xa))
            out[rel] = tuple(entry)
    groups = sorted(sorted(g) for g in inodes.values() if len(g) > 1)
    return out, groups


def prepare(box, how, seed, xattrs, cp):
    if how == "dir":
        os.mkdir(os.path.join(box, b"dst"))
    elif how == "copy":
        # An earlier copy of the tree, then some of it made newer/older.
        subprocess.run([cp, "-a", "src", "dst"], cwd=box,
                       stderr=subprocess.DEVNULL, check=False)
        rng = random.Random(seed + 7)
        for dirpath, dirnames, filenames in os.walk(os.path.join(box,
                                                                 b"dst")):
            for f in sorted(filenames):
                p = os.path.join(dirpath, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                r = rng.random()
                if r < 0.3:
                    os.utime(p, ns=(10**18, 10**18))  # newer than src
                elif r < 0.6:
                    os.utime(p, ns=(10**9, 10**9))  # older than src


def run_one(tool, opts, box, how):
    if how == "dir":
        args = [tool] + opts + ["src", "dst"]
        if "--parents" in opts:
            args = [tool] + opts + [b"src/" + n for n in
                                    sorted(os.listdir(os.path.join(box,
                                                                   b"src")))
                                    ] + [b"dst"]
    else:
        args = [tool] + opts + ["src", "dst"]
    p = subprocess.run(args, cwd=box, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def normalise_messages(err, path):
    """Sorted stderr lines with the program name (as invoked, or its
    basename) replaced by PROG."""
    names = [os.fsencode(path), os.path.basename(os.fsencode(path))]
    out = []
    for l in err.split(b"\n"):
        for prog in names:
            if l.startswith(prog + b": "):
                l = b"PROG: " + l[len(prog) + 2:]
                break
        out.append(l)
    return sorted(out)


def compare(seed, name, args, tmp, xattrs, keep):
    opts, how = OPTION_SETS[name]
    boxes = {}
    results = {}
    for tool, path in (("cp", args.cp), ("zcp", args.zcp)):
        box = os.path.join(tmp, b"%s-%d-%s" % (tool.encode(), seed,
                                              name.encode()))
        os.mkdir(box)
        gen_tree(os.path.join(box, b"src"), seed, xattrs)
        prepare(box, how, seed, xattrs, args.cp)
        before, _ = snapshot(os.path.join(box, b"src"), True, False)
        extra = args.zcp_arg if tool == "zcp" else []
        rc, out, err = run_one(path, opts + extra, box, how)
        after, _ = snapshot(os.path.join(box, b"src"), True, False)
        times = any(o in opts for o in ("-a", "-rp"))
        dst, groups = snapshot(os.path.join(box, b"dst"), times, False,
                               os.path.abspath(box))
        results[tool] = (rc, normalise_messages(err, path), dst, groups,
                         before == after)
        boxes[tool] = box
    a, b = results["cp"], results["zcp"]
    problems = []
    if not b[4]:
        problems.append("zcp modified its source tree")
    if a[0] != b[0]:
        problems.append("exit status cp=%d zcp=%d" % (a[0], b[0]))
    if a[1] != b[1]:
        problems.append("messages differ:\n    cp:  %r\n    zcp: %r" %
                        (a[1], b[1]))
    if a[2] != b[2]:
        keys = sorted(set(a[2]) | set(b[2]))
        for k in keys:
            if a[2].get(k) != b[2].get(k):
                problems.append("%r: cp=%r zcp=%r" % (k, a[2].get(k),
                                                       b[2].get(k)))
                if len(problems) > 8:
                    break
    if a[3] != b[3]:
        problems.append("hard links cp=%r zcp=%r" % (a[3], b[3]))
    if not keep:
        for box in boxes.values():
            subprocess.run(["chmod", "-R", "u+rwx", box],
                           stderr=subprocess.DEVNULL)
            shutil.rmtree(box, ignore_errors=True)
    return problems


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


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--zcp", default=os.environ.get(
        "ZCP", os.path.join(here, "..", "src", "zcp")))
    ap.add_argument("--cp", default=shutil.which("cp") or "/bin/cp")
    ap.add_argument("--seeds", default="1-5")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--sets", default=",".join(OPTION_SETS))
    ap.add_argument("--zcp-arg", action="append", default=[])
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    args.zcp = os.path.abspath(args.zcp)
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
    tmp = tempfile.mkdtemp(prefix="zcp-diff-", dir=args.tmp).encode()
    os.umask(0o022)
    xattrs = xattrs_supported(tmp)
    failures = 0
    runs = 0
    for seed in seeds:
        for name in sets:
            runs += 1
            problems = compare(seed, name, args, tmp, xattrs, args.keep)
            if problems:
                failures += 1
                print("FAIL seed %d set %s (%s):" %
                      (seed, name, " ".join(OPTION_SETS[name][0] +
                                            args.zcp_arg)))
                for p in problems:
                    print("  " + p)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d runs differ" % (failures, runs))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
