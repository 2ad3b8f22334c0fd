#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Option fuzzer: random argument lists for zcp, run in throwaway dirs.

Each case is a random argument list built from zcp's options (read from
`zcp --help` at run time, so new options are fuzzed as soon as they are
listed), GNU cp's (from `cp --help` when cp is GNU's, and a built-in list
of the newer ones), abbreviations, clusters of short options and junk,
with valid, invalid, empty, huge and odd values, and operands that name
the prepared files, directories, links and odd names of a fresh scratch
directory.  zcp runs there under a timeout, with stdin from a random
answer, RLIMIT_FSIZE of 64 MiB (SIGXFSZ ignored) and RLIMIT_CORE of 0.

A case fails on: a signal, an exit status other than 0 and 1, a hang
(the timeout), a sanitizer report on stderr, "(null)" in a message,
--json output that is not JSON Lines, or a file written outside its case
directory.  Each failure is printed with its case number, the reason and
the command line; --replay N runs one case again and --keep keeps its
directory.

Safety: operands and values are relative names; a case runs eight levels
below its own directory (cwd = CASE/1/2/3/4/5/6/7/w) and no generated
string has more than two "..", so nothing it names is outside CASE (a
case that made anything beside CASE/1 fails).  No absolute
path is ever generated, and the prepared links point inside.  Run as
root, the worst a case can do is to its own directory.

Cases that hit known bugs in code this test does not fix are not drawn
(see EXCLUDED below: each entry says why); --no-exclude draws them too.

Usage: fuzz-options.py [--zcp PATH] [--cp PATH] [--seed N] [--cases N]
                       [--first N] [--timeout S] [--workers N] [--tmp DIR]
                       [--replay N] [--keep] [--no-exclude] [--verbose]
Exits 1 if any case failed.
"""

import argparse
import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

# GNU cp options newer than some cp --help (9.2 to 9.5), and the ones zcp
# is adding; zcp's own list comes from zcp --help.
GNU_EXTRA = [
    ("debug", None, "none"), ("keep-directory-symlink", None, "none"),
    ("context", "Z", "optional"), ("update", "u", "optional"),
    ("atomic", None, "none"), ("verify", None, "none"),
    ("resume", None, "none"), ("no-clobber", "n", "none"),
]

# Values by option (long name) or by metavar.
ENGINES = ["auto", "clone", "copy_file_range", "cfr", "sendfile", "splice",
           "rw"]
ATTRS = ["mode", "timestamps", "ownership", "links", "context", "xattr",
         "all"]
VALUES = {
    "backup": ["none", "off", "simple", "never", "existing", "nil",
               "numbered", "t", "nu", "s", "e", "n"],
    "reflink": ["auto", "always", "never", "a", "n"],
    "sparse": ["auto", "always", "never", "al", "n"],
    "update": ["all", "none", "older", "none-fail", "o", "none-"],
    "engine": ENGINES + ["c", "s", "r"],
    "bench": ENGINES,
    "jobs": ["1", "2", "3", "8", "16", "64", "256"],
    "runs": ["1", "2"],
    "bench-size": ["1", "4K", "1M", "1.5K", "0.5M", ".5K", "4096B", "1KiB"],
    "context": ["", "system_u:object_r:tmp_t:s0"],
    # --bench --sweep: small sizes only (the default ones reach 1 GiB and
    # take a minute), a short budget.
    "sweep": ["4K", "1K,4K", "1", "64K,4K"],
    "sweep-time": ["1", "0.5"],
    "chart": ["auto", "never", "always", "a"],
}
BAD_NUMBERS = ["0", "-1", "257", "10001", "99999999999999999999", "1e3",
               "0x10", "nan", "inf", "-inf", " 1", "1 ", "+1", "1.5", "",
               "9223372036854775807", "18446744073709551616", "8E", "8EiB",
               "16E", "1E", "7E", "1Q", "K", ".", "4M4"]
JUNK = ["", ",", ",,", "x", "=", "--", "-", "-x", "a,b", "all,", ",mode",
        "mode,,links", "\x01", "\x7f", "caf\u00e9", "\ufffd", "%s%n%x",
        "A" * 5000, "\\", "'", "\"", "*", "?", "\n", " ", "..", "../..",
        "x/../..", ".//.", "a\tb"]
SUFFIXES = ["~", ".bak", "", "/", "/x", "/../x", "..", ".~1~", "~~", "\n",
            "\xff", "A" * 300, "%s", ".-", "-"]

# Prepared operands (relative to the case's cwd).  The links point inside.
OPERANDS = ["f", "big", "empty", "sparse", "ro", "d", "d/a", "d/sub",
            "d/sub/b", "e", "dst", "dst/f", "ln", "dln", "dang", "loop",
            "hl", "with space", "new\nline", "-dash", "bad\udcff",
            "caf\u00e9", "nul", "missing", "missing/x", "f/", "d/", "d/.",
            "d/..", ".", "..", "./f", "d//a", "", "out", "out/", "new/x",
            "f/x", "dln/", "dln/a", "ln/", "../w/f", "d/cyc", "d/cyc/a",
            "dst/d", "ronly", "ronly/x", "noexec/f"]
SANE_SOURCES = ["f", "big", "empty", "sparse", "d", "ln", "dln", "hl",
                "with space", "new\nline", "bad\udcff", "caf\u00e9", "e",
                "ro", "nul", "dang"]
TARGETS = ["dst", "out", "e", "d", "ln", "dln", "dang", "f", "missing",
           "new/", ".", "..", "ronly", "noexec", "d/sub", "dst/d"]

# Known bugs in code outside the hostile-inputs work, reported to the lead:
# (name, predicate on the argument list, why).  Empty when none is known.
EXCLUDED = []

# The cwd of a case, below the case's directory: generated names have at
# most two "..", and --parents or a target can add up two of them; none
# reaches above the top.
NEST = ["1", "2", "3", "4", "5", "6", "7", "w"]

SANITIZER_RE = re.compile(
    rb"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    rb"SUMMARY: UndefinedBehaviorSanitizer|WARNING: ThreadSanitizer|"
    rb"ERROR: ThreadSanitizer)")

OPT_RE = re.compile(r"^\s+(-[^ ].*?)(?:\s{2,}|$)")
LONG_RE = re.compile(r"--([a-z][a-z0-9-]*)(\[?=([A-Z_]+)\]?)?")
SHORT_RE = re.compile(r"(?:^|[ ,])-([A-Za-z])\b(?!-)")


def parse_help(text):
    """The options of a --help text: [(long, short, argmode, metavar)].

    argmode is "none", "required" or "optional".  A short option on a line
    with a long one takes the long one's argument; alone, none ("-b").
    """
    opts = []
    for line in text.splitlines():
        m = OPT_RE.match(line)
        if not m:
            continue
        spec = m.group(1)
        shorts = SHORT_RE.findall(spec)
        longs = LONG_RE.findall(spec)
        if longs:
            for name, argpart, meta in longs:
                mode = "none"
                if argpart.startswith("[="):
                    mode = "optional"
                elif argpart.startswith("="):
                    mode = "required"
                opts.append((name, shorts[0] if shorts else None, mode,
                             meta or None))
                for s in shorts[1:]:
                    opts.append((name, s, mode, meta or None))
        else:
            m2 = re.match(r"\s*-([A-Za-z])(?:\s+([A-Z_]+))?", spec)
            if m2:
                opts.append((None, m2.group(1),
                             "required" if m2.group(2) else "none",
                             m2.group(2)))
    return opts


def gnu_cp_help(cp):
    try:
        v = subprocess.run([cp, "--version"], capture_output=True,
                           timeout=10).stdout
        if b"GNU coreutils" not in v:
            return ""
        return subprocess.run([cp, "--help"], capture_output=True,
                              timeout=10, env=dict(os.environ, LC_ALL="C")
                              ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return ""


class Options:
    """zcp's options, GNU cp's, and how each takes its argument."""

    def __init__(self, zcp, cp):
        out = subprocess.run([zcp, "--help"], capture_output=True,
                             timeout=30, env=dict(os.environ, LC_ALL="C"))
        if out.returncode != 0 or not out.stdout:
            sys.exit("fuzz-options: %s --help failed" % zcp)
        self.zcp = parse_help(out.stdout.decode("utf-8", "replace"))
        if len(self.zcp) < 20:
            sys.exit("fuzz-options: only %d options in zcp --help"
                     % len(self.zcp))
        self.gnu = parse_help(gnu_cp_help(cp))
        self.gnu += [(l, s, "optional" if m == "optional" else m, None)
                     for l, s, m in GNU_EXTRA]
        self.longs = sorted({o[0] for o in self.zcp + self.gnu if o[0]})
        self.shorts = sorted({o[1] for o in self.zcp + self.gnu if o[1]})
        self.by_long = {}
        self.by_short = {}
        for o in self.zcp + self.gnu:
            if o[0] and o[0] not in self.by_long:
                self.by_long[o[0]] = o
            if o[1] and o[1] not in self.by_short:
                self.by_short[o[1]] = o


def value(rng, name, meta, sane=False):
    """A value for option name (long) with metavar meta; with sane, one
    that the option takes (when this knows one)."""
    r = rng.random() * (0.5 if sane else 1)
    key = name if name in VALUES else None
    if key is None and meta in ("N",):
        key = "jobs"
    if name == "suffix" or meta == "SUFFIX":
        return rng.choice(SUFFIXES) if r < 0.8 else rng.choice(JUNK)
    if name in ("target-directory",) or meta == "DIRECTORY":
        return rng.choice(TARGETS) if r < 0.85 else rng.choice(JUNK)
    if name in ("preserve", "no-preserve") or meta == "ATTR_LIST":
        if r < 0.6:
            k = rng.randint(1, 3)
            return ",".join(rng.choice(ATTRS) for _ in range(k))
        if r < 0.85:
            parts = [rng.choice(ATTRS + ["", "mod", "t", "x", "nope"])
                     for _ in range(rng.randint(1, 4))]
            return ",".join(parts)
        return rng.choice(JUNK)
    if name == "bench" and r < 0.5:
        return ",".join(rng.sample(ENGINES, rng.randint(1, 3)))
    if key is not None and r < 0.6:
        return rng.choice(VALUES[key])
    if key in ("jobs", "runs") or name == "bench-size" or meta in (
            "N", "SIZE"):
        return rng.choice(BAD_NUMBERS)
    if r < 0.9 and key is not None:
        return rng.choice(JUNK + BAD_NUMBERS[:6])
    return rng.choice(JUNK + ["auto", "never", "always", "all", "none"])


def one_option(rng, opts, sane=False):
    """One option as argv words, and its canonical name.  With sane, one
    of zcp's, spelled in full, with a value it takes."""
    r = rng.random()
    if r < 0.08 and not sane:
        return [rng.choice(["--", "-", "--nope", "-Q", "-", "---x", "--=",
                            "-j", "--jobs", "--bench-size", "-S", "-t"])], \
            "junk"
    pool = opts.zcp if r < 0.8 or sane else opts.gnu
    lng, sht, mode, meta = rng.choice(pool)
    name = lng or sht
    want_val = mode == "required" or (mode == "optional" and
                                      (rng.random() < 0.6 or lng == "sweep"))
    val = value(rng, lng or "", meta, sane) if want_val else None
    form = rng.random()
    if sht and (form < 0.35 or not lng):
        if val is None:
            if mode == "required" and (sane or rng.random() < 0.9):
                return ["-" + sht, value(rng, lng or "", meta, sane)], name
            return ["-" + sht], name
        if mode == "optional":
            return ["-" + sht], name    # a short option's optional arg
        return (["-" + sht + val] if rng.random() < 0.5 else
                ["-" + sht, val]), name
    if not lng:
        return ["-" + sht], name
    # An unambiguous prefix now and then, as getopt_long accepts.
    spelled = lng
    if rng.random() < 0.15 and not sane:
        spelled = lng[:rng.randint(1, len(lng))]
    if val is None:
        return ["--" + spelled], name
    if mode == "required" and rng.random() < 0.3:
        return ["--" + spelled, val], name
    return ["--%s=%s" % (spelled, val)], name


def cluster(rng, opts):
    """A cluster of short flags, "-rfv", maybe ending with one taking a
    value ("-rS.bak")."""
    flags = [s for s in opts.shorts
             if opts.by_short[s][2] == "none"]
    word = "-" + "".join(rng.choice(flags) for _ in range(rng.randint(2, 5)))
    if rng.random() < 0.3:
        s = rng.choice(["j", "S", "t"])
        word += s + value(rng, {"j": "jobs", "S": "suffix",
                                "t": "target-directory"}[s], None)
    return [word]


def make_case(seed, n, opts, exclude=True):
    """Case n of a seed: (argv after zcp, env changes, stdin bytes)."""
    rng = random.Random(seed * 1000003 + n)
    for _ in range(100):
        # Four cases in ten are sane: zcp's options with values they
        # take, sources that exist, and a destination, so that the copy
        # itself runs and not only the option parser.
        sane = rng.random() < 0.4
        words, names = [], []
        if sane and rng.random() < 0.6:
            words.append("-r")
            names.append("recursive")
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 7])):
            if rng.random() < 0.1 and not sane:
                words += cluster(rng, opts)
                names.append("cluster")
            else:
                w, name = one_option(rng, opts, sane)
                words += w
                names.append(name)
        if sane:
            operands = rng.sample(SANE_SOURCES, rng.choice([1, 1, 2, 3]))
            operands.append(rng.choice(["out", "out", "dst", "e", "new"]))
        else:
            operands = [rng.choice(OPERANDS)
                        for _ in range(rng.choice([0, 1, 2, 2, 2, 3, 4]))]
            if operands and rng.random() < 0.5:
                operands[-1] = rng.choice(TARGETS)
            if rng.random() < 0.1:
                operands.insert(rng.randint(0, len(operands)), "--")
        argv = words + operands
        if rng.random() < 0.3 and not sane:
            rng.shuffle(argv)
        env = {}
        if rng.random() < 0.1:
            env["VERSION_CONTROL"] = rng.choice(
                VALUES["backup"] + ["", "bogus", "\xff"])
        if rng.random() < 0.1:
            env["SIMPLE_BACKUP_SUFFIX"] = rng.choice(SUFFIXES)
        env["LC_ALL"] = rng.choice(["C", "C.UTF-8", "C.UTF-8", "POSIX"])
        stdin = rng.choice([b"", b"y\n", b"n\n", b"y\ny\ny\ny\n" * 50])
        why = excluded(argv) if exclude else None
        if why is None:
            return argv, env, stdin, names
    sys.exit("fuzz-options: case %d: every draw was excluded" % n)


def excluded(argv):
    for name, pred, _why in EXCLUDED:
        if pred(argv):
            return name
    return None


def prepare(case):
    """The scratch tree of one case; returns the cwd to run in."""
    w = os.path.join(case, *NEST)
    os.makedirs(w)
    rnd = random.Random(7)

    def put(name, data, mode=0o644):
        p = os.path.join(w, name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)

    put("f", b"hello\n")
    put("big", rnd.randbytes(300 * 1024))
    put("empty", b"")
    with open(os.path.join(w, "sparse"), "wb") as f:
        f.truncate(1 << 20)
        f.seek(1 << 20)
        f.write(b"end")
    put("ro", b"read only\n", 0o400)
    for d in ("d/sub", "e", "dst/d", "ronly", "noexec"):
        os.makedirs(os.path.join(w, d))
    put("d/a", b"a\n")
    put("d/sub/b", rnd.randbytes(5000))
    put("dst/f", b"old\n")
    put("noexec/f", b"x\n")
    put(os.fsdecode(b"with space"), b"s\n")
    put("new\nline", b"n\n")
    put("-dash", b"-\n")
    put(os.fsdecode(b"bad\xff"), b"b\n")
    put("caf\u00e9", b"c\n")
    os.symlink("f", os.path.join(w, "ln"))
    os.symlink("d", os.path.join(w, "dln"))
    os.symlink("nowhere", os.path.join(w, "dang"))
    os.symlink("loop", os.path.join(w, "loop"))
    os.symlink("..", os.path.join(w, "d", "cyc"))
    os.link(os.path.join(w, "f"), os.path.join(w, "hl"))
    try:
        os.mknod(os.path.join(w, "nul"), 0o666 | 0o020000, os.makedev(1, 3))
    except OSError:
        put("nul", b"")
    os.chmod(os.path.join(w, "ronly"), 0o555)
    os.chmod(os.path.join(w, "noexec"), 0o644)
    return w


def outside(case):
    """What the case made beside the top of its line of parents: a name
    that escaped (through at least len(NEST) - 1 "..")."""
    return [e for e in os.listdir(case) if e != NEST[0]]


def limits():
    """For the fuzzer and the cases it starts (inherited: subprocess runs
    them with restore_signals=False): no core files, at most 64 MiB per
    file written, and EFBIG rather than SIGXFSZ past that."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    lim = 64 << 20
    if hard != resource.RLIM_INFINITY and hard < lim:
        lim = hard
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim, hard))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def json_ok(out):
    """None if out is JSON Lines in strict UTF-8, else what is wrong."""
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        return "stdout is not UTF-8: %s" % e
    if not text.endswith("\n"):
        return "the last line of stdout has no newline"
    for i, line in enumerate(text.split("\n")[:-1]):
        try:
            json.loads(line)
        except ValueError as e:
            return "line %d is not JSON: %s: %r" % (i + 1, e, line[:200])
    return None


def wants_json(names):
    """--json took effect: no --help/--version, no --csv (refused)."""
    return "json" in names and not ({"help", "version", "csv"} & set(names))


def json_taken(argv, opts):
    """Whether getopt_long gives --json to zcp in argv: a shuffled case can
    put it where an option that takes a value eats it (--include --json:
    the pattern "--json")."""
    zl, zs = {}, {}
    for o in opts.zcp:      # the first line that names it: its own
        if o[0]:
            zl.setdefault(o[0], o)
        if o[1]:
            zs.setdefault(o[1], o)
    i, found = 0, False
    while i < len(argv):
        w = argv[i]
        i += 1
        if w == "--":
            break
        if w.startswith("--"):
            name = w[2:].split("=", 1)[0]
            hits = [name] if name in zl else \
                [l for l in zl if l.startswith(name)] if name else []
            if len(hits) != 1:
                continue
            found = found or hits[0] == "json"
            if zl[hits[0]][2] == "required" and "=" not in w:
                i += 1
        elif w.startswith("-") and len(w) > 1:
            for k, c in enumerate(w[1:]):
                if c in zs and zs[c][2] == "required":
                    i += 0 if w[k + 2:] else 1
                    break
    return found


def run_case(args, opts, n, keep=False):
    """Runs case n; returns its exit status (0 or 1) if it passed, else
    (n, reason, argv, env, stderr)."""
    argv, envd, stdin, names = make_case(args.seed, n, opts,
                                         not args.no_exclude)
    case = tempfile.mkdtemp(prefix="c%d-" % n, dir=args.tmp)
    try:
        cwd = prepare(case)
        env = dict(os.environ)
        env.update(envd)
        env.setdefault("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] += ":abort_on_error=0:exitcode=86"
        env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=86:print_stacktrace=1"
        p = None
        # A loaded machine can stall a case: a second try, in a fresh
        # tree, with five times the time, before it is called a hang.
        for tries in (1, 5):
            try:
                p = subprocess.run([args.zcp] + argv, cwd=cwd, env=env,
                                   input=stdin, capture_output=True,
                                   timeout=args.timeout * tries,
                                   restore_signals=False,
                                   start_new_session=True)
                break
            except subprocess.TimeoutExpired as e:
                err = e.stderr or b""
                # A fresh tree: the old one may hold what the copy made
                # read-only (-a), which rmtree cannot always remove.
                remove(case)
                case = tempfile.mkdtemp(prefix="c%d-" % n, dir=args.tmp)
                cwd = prepare(case)
        if p is None:
            return (n, "hang (no exit in %ss, twice)" % (args.timeout * 5),
                    argv, envd, err)
        reason = None
        if p.returncode < 0:
            reason = "killed by signal %d" % -p.returncode
        elif SANITIZER_RE.search(p.stderr):
            reason = "sanitizer report"
        elif p.returncode not in (0, 1):
            reason = "exit status %d" % p.returncode
        elif b"(null)" in p.stderr or b"(null)" in p.stdout:
            reason = "(null) in the output"
        elif wants_json(names) and json_taken(argv, opts) and p.stdout:
            reason = json_ok(p.stdout)
        if reason is None:
            bad = outside(case)
            if bad:
                reason = "wrote outside its directory: %r" % bad[:5]
        if reason is None:
            return p.returncode
        return (n, reason, argv, envd, p.stderr)
    finally:
        if keep:
            print("fuzz-options: case %d kept in %s" % (n, case))
        else:
            remove(case)


def remove(top):
    """Removes the tree top, however deep or read-only (a case may copy
    a tree into itself, or -a may make directories read-only)."""
    subprocess.run(["chmod", "-R", "u+rwx", top], stderr=subprocess.DEVNULL)
    subprocess.run(["rm", "-rf", top], stderr=subprocess.DEVNULL)


def show(fail, zcp):
    n, reason, argv, envd, err = fail
    envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in
                    sorted(envd.items()))
    print("FAIL case %d: %s" % (n, reason))
    print("  %s%s %s" % (envs + " " if envs else "", zcp,
                         " ".join(shlex.quote(a) for a in argv)))
    for line in err.decode("utf-8", "replace").splitlines()[:12]:
        print("  | " + line[:300])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zcp", default=os.environ.get("ZCP", "src/zcp"))
    ap.add_argument("--cp", default="cp")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--replay", type=int, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-exclude", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.zcp = os.path.abspath(args.zcp)
    own_tmp = args.tmp is None
    args.tmp = tempfile.mkdtemp(prefix="zcp-fuzz-", dir=args.tmp)
    limits()
    opts = Options(args.zcp, args.cp)
    if args.verbose:
        print("fuzz-options: %d zcp options, %d GNU cp options"
              % (len(opts.zcp), len(opts.gnu)))
    cases = ([args.replay] if args.replay is not None else
             range(args.first, args.first + args.cases))
    fails = []
    status = [0, 0]
    lock = threading.Lock()

    def one(n):
        f = run_case(args, opts, n, args.keep)
        if args.verbose:
            with lock:
                print("case %d: %s" % (n, "exit %d" % f if isinstance(
                    f, int) else f[1]), flush=True)
        return f

    try:
        with ThreadPoolExecutor(max_workers=max(1, args.workers)) as ex:
            for f in ex.map(one, cases):
                if isinstance(f, int):
                    status[f] += 1
                else:
                    fails.append(f)
    finally:
        if own_tmp and not args.keep:
            shutil.rmtree(args.tmp, ignore_errors=True)
    for f in fails:
        show(f, args.zcp)
    print("fuzz-options: seed %d, %d cases (%d exited 0, %d exited 1), "
          "%d failed%s" % (
              args.seed, len(cases), status[0], status[1], len(fails),
              "" if args.no_exclude or not EXCLUDED else
              "; known bugs not drawn: " +
              ", ".join(e[0] for e in EXCLUDED)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
