#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# limits.bats: trees at the limits of the machine.  A tree deeper than a
# recursive walk's C stack (a chain of 20,000 directories: zcp used to
# die of SIGSEGV at about 7,000), and a low descriptor limit (GNU cp
# copies a tree at ulimit -n 20: zcp takes fewer threads and fewer open
# levels rather than fail files).

load helpers

# mkchain DIR N: DIR/d/d/.../d, N levels, with a file at the bottom and
# one every 1,000 levels (python3: no PATH_MAX on the way down).
mkchain()
{
	python3 - "$1" "$2" <<'PY'
import os, sys
os.mkdir(sys.argv[1])
os.chdir(sys.argv[1])
for i in range(int(sys.argv[2])):
    os.mkdir("d")
    os.chdir("d")
    if i % 1000 == 999:
        open("f", "w").write("%d\n" % i)
open("leaf", "w").write("leaf\n")
PY
}

# chain_ok COPY N: the copy has N levels, the files and the leaf.
chain_ok()
{
	python3 - "$1" "$2" <<'PY'
import os, sys
os.chdir(sys.argv[1])
n = 0
while os.path.isdir("d"):
    os.chdir("d")
    n += 1
    if n % 1000 == 0:
        assert open("f").read() == "%d\n" % (n - 1), n
assert n == int(sys.argv[2]), n
assert open("leaf").read() == "leaf\n"
PY
}

@test "a chain of 20,000 directories copies with -j1" {
	need_cmd python3
	mkchain s 20000
	run --separate-stderr "$ZCP" -r -j1 s c
	assert_status 0
	assert_stderr ""
	chain_ok c 20000
}

@test "a chain of 20,000 directories copies with -j4" {
	need_cmd python3
	mkchain s 20000
	run --separate-stderr "$ZCP" -r -j4 s c
	assert_status 0
	assert_stderr ""
	chain_ok c 20000
}

@test "a chain of 20,000 directories under a low descriptor limit" {
	need_cmd python3
	mkchain s 20000
	run --separate-stderr bash -c 'ulimit -n 24 && exec "$@"' sh "$ZCP" -r -j2 s c
	assert_status 0
	assert_stderr ""
	chain_ok c 20000
}

# a wide and deep tree: 5 directories of 5 files and a subtree each.
mktree()
{
	local d f
	for d in a b c d e; do
		mkdir -p "$1/$d/x/y"
		for f in 1 2 3 4 5; do
			echo "$d$f" > "$1/$d/f$f"
			echo "$d$f" > "$1/$d/x/y/g$f"
		done
	done
}

@test "ulimit -n 20: the tree copies with -j1, -j2 and -j8, as GNU cp" {
	mktree t
	for j in 1 2 8; do
		run --separate-stderr bash -c 'ulimit -n 20 && exec "$@"' sh "$ZCP" -r -j$j t o$j
		assert_status 0
		assert_stderr ""
		diff -r t o$j
	done
}

@test "ulimit -n 12: copies where GNU cp does (one thread, one open level)" {
	mktree t
	bash -c 'ulimit -n 12 && exec cp -r t g' 2>/dev/null ||
	    skip "GNU cp cannot copy the tree at ulimit -n 12 here"
	run --separate-stderr bash -c 'ulimit -n 12 && exec "$@"' sh "$ZCP" -r t o
	assert_status 0
	assert_stderr ""
	diff -r t o
}

@test "entries are copied in inode order, as GNU cp (-v order with -j1)" {
	local f
	mkdir s
	for f in m c x a q b z; do
		echo $f > s/$f
	done
	rm s/c
	echo c > s/c
	run --separate-stderr "$ZCP" -rv -j1 s d
	assert_status 0
	assert_eq "$output" "$(cp -rv s g | sed 's/ -> .g/ -> '\''d/')"
}

# build_allocfail: an LD_PRELOAD shim whose malloc, calloc and realloc
# fail (ENOMEM) at the Nth call of the run, N from $ZCP_FAIL_ALLOC, and
# that writes the number of calls to $ZCP_COUNT_ALLOC at exit.
build_allocfail()
{
	need_cmd cc
	cat > allocfail.c <<'C'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static long fail_at = -2, calls;

static int
fail(void)
{
	long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);

	if (fail_at == -2) {
		const char *e = getenv("ZCP_FAIL_ALLOC");
		fail_at = e != NULL ? atol(e) : -1;
	}
	if (n != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n) { return fail() ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return fail() ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return fail() ? NULL : __libc_realloc(p, n); }

__attribute__((destructor)) static void
count(void)
{
	const char *f = getenv("ZCP_COUNT_ALLOC");
	char buf[32];
	int fd, len;

	if (f == NULL || (fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%ld\n", calls);
	(void)!write(fd, buf, (size_t)len);
	close(fd);
}
C
	cc -shared -fPIC -O2 -o allocfail.so allocfail.c ||
	    skip "cannot build the allocation-failure shim"
	# A sanitizer's own allocator cannot be replaced.
	LD_PRELOAD=$PWD/allocfail.so "$ZCP" --version > /dev/null 2>&1 ||
	    skip "the shim cannot be preloaded into this zcp (sanitizer build?)"
}

# rest_copied ERR: each line of ERR names a file (quoted, under s/ or
# c/) and every file of s/ outside the named ones reached c/ whole.
rest_copied()
{
	python3 - "$1" <<'PY'
import filecmp, os, re, sys
named = []
said = False
for line in open(sys.argv[1], errors="replace"):
    if re.match(r"^('.*' -> '.*'|removed '.*')$", line):
        continue		# -v lines (on stderr with --json)
    said = True
    if line.startswith("zcp: cannot report the summary: "):
        continue
    m = re.search(r"'([sc])((?:/[^']*)?)'", line)
    if not line.startswith("zcp: ") or m is None:
        sys.exit("a message naming no file: " + line.strip())
    named.append(m.group(2).lstrip("/"))
if not said:
    sys.exit("exit 1 without a message")
for top, dirs, files in os.walk("s"):
    for f in files:
        rel = os.path.relpath(os.path.join(top, f), "s")
        if any(n == "" or rel == n or rel.startswith(n + "/") for n in named):
            continue
        c = os.path.join("c", rel)
        if os.path.islink(os.path.join("s", rel)):
            ok = os.path.islink(c)
        else:
            ok = os.path.isfile(c) and filecmp.cmp(os.path.join("s", rel), c, shallow=False)
        if not ok:
            sys.exit("%s not named and not copied" % rel)
PY
}

# Every allocation of a run fails in turn: zcp never crashes, says
# "(null)" or exits with another status than 0 or 1; a run that says it
# succeeded made the whole tree; one that failed before the first copy
# made nothing and said so in one line; else each failure names its
# file and the rest was copied.
@test "a failed allocation fails a file (or nothing), never the run" {
	local n total j out
	need_cmd python3
	build_allocfail
	mkdir -p s/a/b
	for n in 1 2 3; do echo "$n" > "s/a/f$n"; done
	ln s/a/f1 s/a/b/hard
	ln -s f2 s/a/sym
	for j in 1 2 "1 --json -v"; do
		ZCP_COUNT_ALLOC=$PWD/count LD_PRELOAD=$PWD/allocfail.so \
		    "$ZCP" -a -j$j s c > out
		diff -r s c
		rm -rf c
		total=$(cat count)
		(( total > 10 ))
		for ((n = 1; n <= total; n++)); do
			out=0
			ZCP_FAIL_ALLOC=$n LD_PRELOAD=$PWD/allocfail.so \
			    "$ZCP" -a -j$j s c > out 2> err || out=$?
			if (( out > 1 )) || grep -q '(null)' err; then
				echo "-j$j, allocation $n of $total: exit $out"
				cat err
				return 1
			fi
			if (( out == 0 )); then
				diff -r s c || { echo "-j$j, allocation $n: exit 0, tree differs"; return 1; }
			elif [[ ! -e c && $(wc -l < err) -eq 1 ]]; then
				:	# before the first copy: the run cannot start
			else
				rest_copied err || { echo "-j$j, allocation $n of $total"; cat err; return 1; }
			fi
			rm -rf c
		done
	done
}
