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
