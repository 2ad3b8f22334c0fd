#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# syscalls.bats: what a small file costs in kernel calls, counted with
# strace (counts, never times).  A regular file on a file system whose
# sizes are true (ext4, XFS, Btrfs, tmpfs, ...) copied by one call ends
# there: no second copy_file_range and no read(2) that return 0.  Files
# whose st_size says nothing (/proc) are still read to a 0.

load helpers

# The test directory's file system must be one zcp trusts for sizes.
need_exact_fs()
{
	case $(stat -f -c %T .) in
	ext2/ext3 | xfs | btrfs | tmpfs) ;;
	*) skip "the test directory's file system is $(stat -f -c %T .)" ;;
	esac
}

# mktree DIR N: N files of 2000 bytes and one empty file in DIR.
mktree()
{
	local i

	mkdir "$1"
	head -c 2000 /dev/urandom > "$1/f0"
	for ((i = 1; i < $2; i++)); do
		cp "$1/f0" "$1/f$i"
	done
	: > "$1/empty"
}

# calls OUT ARGS...: the number of system calls zcp ARGS... makes, all
# threads (strace -c's total), written to OUT.
calls()
{
	local out=$1

	shift
	strace -f -qq -c -o "$out.trace" "$ZCP" "$@"
	awk '$NF == "total" { print $4 }' "$out.trace" > "$out"
}

@test "syscalls: a 2 KB file at -j1 costs 7 calls, not 9" {
	need_strace
	need_exact_fs
	mktree a 20
	mktree b 40
	calls na -r -j1 a ca
	calls nb -r -j1 b cb
	diff -r a ca
	diff -r b cb
	# 20 more files: stat, open, fstat, create, copy_file_range, two
	# closes each.
	assert_eq $(( ($(cat nb) - $(cat na)) / 20 )) 7 "calls per file"
}

@test "syscalls: one copy_file_range and no read per small file, -j1 and in the pool" {
	need_strace
	need_exact_fs
	local j eng

	mktree src 30
	for j in 1 2; do
		# (In the pool, auto would copy most of them on io_uring:
		# uring.bats counts that.)
		eng=()
		((j == 1)) || eng=(--engine=copy_file_range)
		run strace -f -qq -y -e trace=copy_file_range,read,sendfile,splice \
		    "$ZCP" -r -j"$j" "${eng[@]}" src "out$j"
		assert_status 0
		diff -r src "out$j"
		assert_eq "$(grep -c '^\(\[pid *[0-9]*\] \)\?copy_file_range(' \
		    <<< "$output")" 30 "copy_file_range calls, -j$j"
		assert_eq "$(grep -c "read([0-9]*<$PWD/src/" <<< "$output")" 0 \
		    "reads of the sources, -j$j"
	done
}

@test "syscalls: an empty file costs no data call" {
	need_strace
	need_exact_fs
	: > empty
	run strace -f -qq -y -e trace=copy_file_range,read,sendfile,splice \
	    "$ZCP" --reflink=never empty out
	assert_status 0
	[[ -f out && ! -s out ]]
	assert_eq "$(grep -c "<$PWD/empty>" <<< "$output")" 0 "data calls"
}

@test "syscalls: a /proc file (st_size 0) is still read to its end" {
	need_strace
	[[ -r /proc/version ]] || skip "no /proc/version"
	run strace -f -qq -y -e trace=read,copy_file_range,sendfile,splice \
	    "$ZCP" /proc/version out
	assert_status 0
	cmp /proc/version out
	# Its last data call is the one that found the end.
	assert_match "$(grep '/proc/version>' <<< "$output" | tail -1)" \
	    ' = 0$'
}
