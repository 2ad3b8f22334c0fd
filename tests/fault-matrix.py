#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault matrix: every system call zcp makes on the data and metadata
path, each errno it can return, each -j, injected with strace.

A small tree (files with data, an empty one, a sparse one, a subdirectory,
a symbolic link, a hard link, a FIFO) is copied with the options that make
the call (plain -r, -a, --engine=rw, --engine=sendfile, --engine=splice,
--sparse=always, --fsync, -a over an earlier copy with --backup=numbered
or --remove-destination), under

    strace -f -P PATH... -e inject=SYSCALL:error=ERRNO:when=W

(or retval=0 for the kernel engines: a 0 in the middle of a file)
where the -P paths are the tree's (so the loader's and libc's own calls
are left alone, and W counts the tree's calls only; pipe2 and clone3 name
no file and are injected without -P), and W is 1 (the first call), 2 (the
second) or 1+ (every call) at -j1, and 1+ at -j2 and -j8 (which thread
makes the first call is a matter of timing there).  Each run must:

  - exit with 0 or 1, within the timeout, without a sanitizer report;
  - print only "zcp: " lines on stderr, each naming a file ('...'), none
    with "(null)";
  - print JSON Lines on stdout (--json), a summary last; exit 1 if and
    only if a record failed or a message was printed;
  - leave each destination file a prefix of its source, and every file
    whose record says "copied" equal to its source; with exit 0, the
    whole tree copied (contents, link targets, the FIFO).

Usage: fault-matrix.py [--zcp PATH] [--quick] [--jobs 1,2,8] [--workers N]
                       [--only SYSCALL,...] [--timeout S] [--tmp DIR]
                       [--keep] [--verbose]
--quick runs a subset (first calls, -j1 and -j2, a few errnos) that takes
seconds.  Prints each failing run with the command that repeats it, and
exits 1 if any failed.
"""

import argparse
import errno
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

# Scenarios: the options, and whether the destination holds an earlier
# copy (prepared without strace) that the run overwrites.
SCENARIOS = {
    "r": (["-r"], False),
    "a": (["-a"], False),
    "rw": (["-r", "--engine=rw"], False),
    "sendfile": (["-r", "--engine=sendfile"], False),
    "splice": (["-r", "--engine=splice"], False),
    "zeros": (["-r", "--sparse=always"], False),
    "fsync": (["-r", "--fsync"], False),
    "backup": (["-a", "--backup=numbered"], True),
    "remove": (["-a", "--remove-destination"], True),
    "over": (["-r"], True),
    # A file of 17 MiB copied alone: a kernel engine's second call (16
    # MiB chunks; splice: 1 MiB) comes in the middle of it.
    "big": (["-r"], False),
    "big-sendfile": (["-r", "--engine=sendfile"], False),
    "big-splice": (["-r", "--reflink=never", "--engine=splice"], False),
}

# Errnos by kind of call, a few of each class: fatal (EIO, ENOSPC, ...),
# "not supported here" (EINVAL, EPERM, EXDEV, ...), retried (EINTR,
# EAGAIN) and the ones a call means something by (ENOENT, ENODATA, ...).
IO = ["EIO", "ENOSPC", "EDQUOT", "EFBIG", "ENOMEM", "EINTR", "EAGAIN",
      "EINVAL", "EPERM"]
NAMEI = ["EACCES", "ENOENT", "ENOTDIR", "EEXIST", "ELOOP", "ENAMETOOLONG",
         "EROFS", "ENOSPC", "EIO", "EMFILE", "EINTR"]
XATTR = ["EIO", "EOPNOTSUPP", "ENODATA", "ERANGE", "E2BIG", "ENOSPC",
         "EPERM"]
META = ["EIO", "EPERM", "EINVAL", "EROFS", "ENOSPC", "EINTR"]

# System call: (errnos, scenarios that make it).  "0" is a return of 0
# bytes: a kernel engine's 0 before the end of the file must not end the
# copy.
MATRIX = {
    "openat": (NAMEI + ["EISDIR", "ETXTBSY", "EFBIG", "EOVERFLOW", "EAGAIN",
                        "EDQUOT"], ["r", "over"]),
    "read": (IO + ["EISDIR", "EOVERFLOW"], ["rw", "zeros"]),
    "write": (IO + ["EPIPE", "ENXIO"], ["rw", "zeros"]),
    "copy_file_range": (IO + ["EXDEV", "EOPNOTSUPP", "ENOSYS", "EISDIR",
                              "EOVERFLOW", "ETXTBSY", "ENOENT", "0"],
                        ["r"]),
    "sendfile": (IO + ["EOVERFLOW", "ESPIPE", "ENOSYS", "0"], ["sendfile"]),
    "splice": (IO + ["ESPIPE", "ENOSYS", "0"], ["splice"]),
    "ioctl": (["EOPNOTSUPP", "EXDEV", "EINVAL", "EIO", "ENOSPC", "EPERM",
               "ETXTBSY", "ENOTTY"], ["r"]),
    "lseek": (["EIO", "EINVAL", "ENXIO", "EOVERFLOW", "ESPIPE", "EBADF"],
              ["r", "zeros"]),
    "ftruncate": (["EIO", "EFBIG", "ENOSPC", "EPERM", "EINVAL", "EINTR",
                   "EROFS", "ETXTBSY", "EDQUOT"], ["r", "zeros"]),
    "fsync": (["EIO", "ENOSPC", "EDQUOT", "EROFS", "EINVAL", "EBADF",
               "EINTR"], ["fsync"]),
    "newfstatat": (NAMEI + ["EOVERFLOW"], ["r", "over"]),
    "getdents64": (["EIO", "ENOENT", "ENOTDIR", "EINVAL", "ENOMEM"],
                   ["r"]),
    "mkdirat": (NAMEI + ["EDQUOT", "EMLINK"], ["r"]),
    "close": (["EIO", "ENOSPC", "EDQUOT", "EINTR", "EBADF"], ["r", "rw"]),
    "fchmod": (META, ["a"]),
    "fchmodat": (META + ["ENOENT", "EOPNOTSUPP"], ["a"]),
    "fchown": (META, ["a"]),
    "fchownat": (META + ["ENOENT"], ["a"]),
    "utimensat": (META + ["ENOENT", "ESRCH"], ["a"]),
    "flistxattr": (XATTR, ["a"]),
    "fgetxattr": (XATTR, ["a"]),
    "fsetxattr": (XATTR + ["EEXIST"], ["a"]),
    "readlinkat": (NAMEI + ["EINVAL"], ["a"]),
    "symlinkat": (NAMEI + ["EDQUOT"], ["a"]),
    "linkat": (NAMEI + ["EXDEV", "EMLINK", "EDQUOT"], ["a"]),
    "mknodat": (NAMEI + ["EDQUOT"], ["a"]),
    "unlinkat": (NAMEI + ["EBUSY", "EISDIR"], ["remove"]),
    "renameat": (NAMEI + ["EXDEV", "EBUSY", "ENOTEMPTY", "EINVAL"],
                 ["backup"]),
    "fcntl": (["EBADF", "EINVAL", "EMFILE", "EINTR"], ["r"]),
    # No path: injected into every such call, not only the tree's.
    "pipe2": (["EMFILE", "ENFILE", "ENOMEM"], ["splice"]),
    "clone3": (["EAGAIN", "ENOMEM", "EPERM", "ENOSPC"], ["r", "a"]),
}

# A 0 and failures in the middle of a file of several chunks (at -j1 the
# second call is the middle of the file: "when=2").
MID_FILE = {
    "copy_file_range": (["0", "EIO", "EXDEV"], ["big"]),
    "sendfile": (["0", "EIO", "EINVAL"], ["big-sendfile"]),
    "splice": (["0", "EIO", "EINVAL"], ["big-splice"]),
}

# Calls that name no file of the tree: strace's -P would never match.
NO_PATH = {"pipe2", "clone3"}

# Subset for make check: a few calls, a few errnos, first calls only.
QUICK = {
    "openat": ["EACCES", "EMFILE", "ENOMEM"],
    "read": ["EIO"], "write": ["ENOSPC", "EINTR"],
    "copy_file_range": ["EIO", "EXDEV", "0"], "ftruncate": ["EIO"],
    "fsync": ["EIO"], "getdents64": ["EIO"], "mkdirat": ["EACCES"],
    "close": ["EIO"], "fchmod": ["EPERM"], "fsetxattr": ["EOPNOTSUPP"],
    "utimensat": ["EPERM"], "linkat": ["EXDEV"], "splice": ["EIO"],
    "pipe2": ["EMFILE"], "renameat": ["EACCES"], "clone3": ["EAGAIN"],
}

# Known bugs in code outside the hostile-inputs work, reported to the
# lead, and answers that are not faults: (syscall, errno or None for any,
# scenario or None, why).  Runs that match are not made unless
# --no-exclude.
EXCLUDED = [
    ("getdents64", "ENOENT", None,
     "not a fault: glibc's readdir() takes ENOENT (a directory removed "
     "while open) as its end, as POSIX asks, so zcp (and cp) see an "
     "empty directory"),
]

SANITIZER_RE = re.compile(
    r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"SUMMARY: UndefinedBehaviorSanitizer|WARNING: ThreadSanitizer)")


def make_tree(top, big=False):
    """The source tree, and the names (relative to it) of its regular
    files; with big, one of 17 MiB too."""
    rnd = random.Random(11)
    src = os.path.join(top, "src")
    os.makedirs(os.path.join(src, "sub"))

    def put(name, data):
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)

    put("a", rnd.randbytes(300 * 1024))
    put("b", b"small\n")
    put("e", b"")
    put("sub/c", rnd.randbytes(3000))
    put("z", bytes(256 * 1024) + b"tail")
    with open(os.path.join(src, "sp"), "wb") as f:
        f.truncate(1 << 20)
        f.seek(1 << 20)
        f.write(b"data after a hole")
    os.symlink("a", os.path.join(src, "l"))
    os.link(os.path.join(src, "b"), os.path.join(src, "h"))
    os.mkfifo(os.path.join(src, "fifo"))
    try:
        os.setxattr(os.path.join(src, "a"), "user.k", b"v")
    except OSError:
        pass
    names = ["a", "b", "e", "sub/c", "z", "sp", "h"]
    if big:
        put("big", rnd.randbytes(17 << 20))
        names.append("big")
    return names


def trace_paths(top):
    """The -P arguments: every directory and regular file of the source
    and destination trees, absolute (strace resolves relative ones, and
    says so on stderr)."""
    paths = []
    for base in ("src", "dst/src"):
        root = os.path.join(top, base)
        paths.append(root)
        for d in ("sub",):
            paths.append(os.path.join(root, d))
        for f in ("a", "b", "e", "sub/c", "z", "sp", "h", "fifo", "big"):
            paths.append(os.path.join(root, f))
    paths.append(os.path.join(top, "dst"))
    return paths


def tree_state(top):
    """Regular files (name -> bytes), links (name -> target), other names,
    under top/dst/src."""
    root = os.path.join(top, "dst", "src")
    files, links, other = {}, {}, set()
    if not os.path.isdir(root):
        return files, links, other
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            p = os.path.join(dp, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                links[rel] = os.readlink(p)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    files[rel] = f.read()
            else:
                other.add(rel)
    return files, links, other


def check(top, names, p, out, err, was):
    """The problems of one run, as a list of strings."""
    bad = []
    if p is None:
        return ["hang"]
    if p < 0:
        bad.append("killed by signal %d" % -p)
    elif p not in (0, 1):
        bad.append("exit status %d" % p)
    if SANITIZER_RE.search(err):
        bad.append("sanitizer report")
    lines = [x for x in err.split("\n") if x]
    for x in lines:
        if "(null)" in x:
            bad.append("(null) in %r" % x)
        elif not x.startswith("zcp: "):
            bad.append("stderr line not zcp's: %r" % x[:200])
        elif "'" not in x and "\u2018" not in x:
            bad.append("message names no file: %r" % x[:200])
    recs, summary = [], None
    if out and not out.endswith("\n"):
        bad.append("the last line of stdout has no newline")
    for i, line in enumerate(out.split("\n")[:-1]):
        try:
            j = json.loads(line)
        except ValueError:
            bad.append("stdout line %d is not JSON: %r" % (i + 1, line[:200]))
            continue
        if j.get("type") == "summary":
            summary = j
        else:
            recs.append(j)
    if summary is None and p in (0, 1):
        bad.append("no JSON summary")
    failed = [r for r in recs if r.get("status") == "failed"]
    if p == 0 and (failed or lines):
        bad.append("exit 0 with %d failed records, %d messages"
                   % (len(failed), len(lines)))
    if p == 1 and not failed and not lines:
        bad.append("exit 1 without a failed record or a message")
    if p == 1 and failed and not lines:
        bad.append("a failed record but no message")
    files, links, other = tree_state(top)
    src = os.path.join(top, "src")
    for rel, data in files.items():
        m = re.match(r"(.*)\.~[0-9]+~$", rel)
        if m and was.get(m.group(1)) == data:
            continue        # a backup of the earlier copy
        try:
            with open(os.path.join(src, rel), "rb") as f:
                want = f.read()
        except OSError:
            bad.append("dst/src/%s has no source" % rel)
            continue
        if was.get(rel) == data:
            continue        # the earlier copy, left alone
        if not want.startswith(data):
            bad.append("dst/src/%s (%d bytes) is not a prefix of its "
                       "source" % (rel, len(data)))
    for r in recs:
        if r.get("status") != "copied" or r.get("kind") != "file":
            continue
        rel = os.path.relpath(r["destination"], "dst/src")
        if rel in files:
            with open(os.path.join(src, rel), "rb") as f:
                if f.read() != files[rel]:
                    bad.append("%s reported copied, differs" % rel)
    if p == 0:
        whole = "b" in names    # the tree, not the big file alone
        for rel in names:
            with open(os.path.join(src, rel), "rb") as f:
                if files.get(rel) != f.read():
                    bad.append("exit 0, dst/src/%s missing or differs"
                               % rel)
        if whole and links.get("l") != "a":
            bad.append("exit 0, the link l not copied")
        if whole and "fifo" not in other:
            bad.append("exit 0, the FIFO not copied")
    return bad


def run_one(args, sc, err, scen, jobs, when, retry=False):
    """One run; returns None or (description, problems, command)."""
    top = tempfile.mkdtemp(prefix="fm-", dir=args.tmp)
    timeout = args.timeout * (5 if retry else 1)
    try:
        names = make_tree(top, scen.startswith("big"))
        opts, over = SCENARIOS[scen]
        os.makedirs(os.path.join(top, "dst"))
        was = {}
        if over:
            subprocess.run([args.zcp, "-a", "src", "dst"], cwd=top,
                           check=True, capture_output=True)
            # Older than the sources: -u and the like would skip them.
            was = tree_state(top)[0]
        cmd = ["strace", "-f", "-qq", "-o", "/dev/null"]
        for pth in ([] if sc in NO_PATH else trace_paths(top)):
            cmd += ["-P", pth]
        cmd += ["-e", "inject=%s:%s:when=%s" % (sc, fault(err), when)]
        zargs = opts + ["-j%d" % jobs, "--json", "src", "dst"]
        if scen.startswith("big"):
            # The big file alone, so that call 2 is in its middle.
            os.makedirs(os.path.join(top, "dst", "src"))
            zargs[-2:] = ["src/big", "dst/src/"]
            names = ["big"]
        env = dict(os.environ, LC_ALL="C.UTF-8")
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
            ":detect_leaks=0:abort_on_error=0:exitcode=86"
        try:
            p = subprocess.run(cmd + [args.zcp] + zargs, cwd=top, env=env,
                               capture_output=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            rc = p.returncode
            out = p.stdout.decode("utf-8", "replace")
            er = p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            # Under strace on a loaded machine, a slow run is not a hang
            # yet: the caller tries once more with five times the time.
            if not retry:
                return run_one(args, sc, err, scen, jobs, when, True)
            rc, out = None, ""
            er = (e.stderr or b"").decode("utf-8", "replace")
        bad = check(top, names, rc, out, er, was)
        desc = "%s %s when=%s -j%d %s" % (sc, err, when, jobs, scen)
        if args.verbose:
            print("%-50s exit %s  %s" % (desc, rc,
                                         er.splitlines()[0][:70]
                                         if er else ""), flush=True)
        if not bad:
            return None
        repro = "cd DIR && %s %s" % (
            "strace -f -qq -o /dev/null -P ... -e inject=%s:%s:when=%s"
            % (sc, fault(err), when), " ".join(shlex.quote(a) for a in
                                         [args.zcp] + zargs))
        return desc, bad, repro, er
    finally:
        if args.keep:
            print("fault-matrix: kept %s" % top)
        else:
            shutil.rmtree(top, ignore_errors=True)


def excluded(sc, err, scen):
    for s, e, c, _why in EXCLUDED:
        if s == sc and e in (None, err) and c in (None, scen):
            return True
    return False


def fault(err):
    """strace's words for an errno, or for "0": a return of 0 bytes."""
    return "retval=0" if err == "0" else "error=" + err


def whens(args, jobs, err):
    """The calls that fail: the first, the second, or all of them (1+).
    Quick: the first only.  With -j2 and more, all of them: which
    thread makes the first call is a matter of timing.  EINTR and EAGAIN
    ask for the call again: on every call, that would never end, so they
    fail the first two calls (1..2) there."""
    retried = err in ("EINTR", "EAGAIN")
    if args.quick:
        return ["1"]
    if jobs == 1:
        return ["1", "2", "1..2" if retried else "1+"]
    return ["1..2" if retried else "1+"]


def runs(args):
    out = []
    only = set(args.only.split(",")) if args.only else None
    groups = list(MATRIX.items())
    if not args.quick:
        groups += list(MID_FILE.items())
    for sc, (errs, scens) in groups:
        if only and sc not in only:
            continue
        if args.quick:
            if sc not in QUICK:
                continue
            errs = QUICK[sc]
            scens = scens[:1]
        for err in errs:
            if err != "0" and not hasattr(errno, err):
                continue
            for scen in scens:
                if excluded(sc, err, scen) and not args.no_exclude:
                    continue
                for jobs in args.jobs:
                    for when in whens(args, jobs, err):
                        out.append((sc, err, scen, jobs, when))
    return out


def show(desc, bad, repro, er):
    print("FAIL %s" % desc)
    for b in bad[:6]:
        print("  - %s" % b)
    print("  $ %s" % repro)
    for line in er.splitlines()[:4]:
        print("  | %s" % line[:200])
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zcp", default=os.environ.get("ZCP", "src/zcp"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jobs", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", default=None)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-exclude", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.zcp = os.path.abspath(args.zcp)
    args.jobs = [int(j) for j in (args.jobs or (
        "1,2" if args.quick else "1,2,8")).split(",")]
    if shutil.which("strace") is None:
        print("fault-matrix: strace is not installed")
        return 77
    own = args.tmp is None
    args.tmp = tempfile.mkdtemp(prefix="zcp-faults-", dir=args.tmp)
    todo = runs(args)
    fails = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.workers)) as ex:
            for f in ex.map(lambda r: run_one(args, *r), todo):
                if f is not None:
                    fails.append(f)
                    show(*f)
    finally:
        if own and not args.keep:
            shutil.rmtree(args.tmp, ignore_errors=True)
    print("fault-matrix: %d runs, %d failed%s" % (
        len(todo), len(fails), "" if args.no_exclude or not EXCLUDED else
        "; excluded (see EXCLUDED): %d" % len(EXCLUDED)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
