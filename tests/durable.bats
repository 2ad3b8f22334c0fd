#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# durable.bats: --fsync on a tree (durable.c).  "When zcp exits 0, every
# byte and every name is on disk", for the price of one sync: no file is
# flushed on its own (fsync/fdatasync), each file system written into is
# flushed once at the end (syncfs), under --atomic no file gets its name
# before its data is flushed, a failed final flush is said with the
# destination's name and exit 1, and where syncfs cannot be had each file
# and directory is flushed on its own.  Checked with strace, -j1 and -j4.

load helpers

# A tree of 3 directories and 12 files.
mktree()
{
	local d i

	for d in t t/a t/a/b; do
		mkdir -p "$d"
		for i in 1 2 3 4; do
			mkrandom "$d/f$i" $((i * 3000))
		done
	done
}

# syscalls TRACE NAME: the lines of TRACE (strace -f -y) that call NAME,
# on anything but a pipe (zcp's probe of syncfs).
syscalls()
{
	grep -E "^[0-9]+ +(<\.\.\. )?$2[( ]" "$1" | grep -v '<pipe:' |
	    grep -v 'resumed>' || true
}

# nsyscalls TRACE NAME: how many.
nsyscalls()
{
	syscalls "$@" | wc -l
}

trace_copy()
{
	strace -f -qq -y -o trace -e trace=fsync,fdatasync,syncfs,linkat,renameat,renameat2 \
	    "$ZCP" "$@"
}

@test "--fsync -r: no file is flushed on its own; one syncfs, of the destination's file system (-j1, -j4)" {
	need_strace
	local j
	mktree
	for j in 1 4; do
		rm -rf "c$j"
		run trace_copy -r --fsync -j"$j" t "c$j"
		assert_status 0
		diff -r t "c$j"
		assert_eq "$(nsyscalls trace fsync)" 0 "-j$j: fsync"
		assert_eq "$(nsyscalls trace fdatasync)" 0 "-j$j: fdatasync"
		assert_eq "$(nsyscalls trace syncfs)" 1 "-j$j: syncfs"
		assert_match "$(syscalls trace syncfs)" "syncfs\([0-9]+<$(re_escape "$PWD")/c$j(/[^>]*)?>\) += 0"
	done
}

@test "--fsync -r: a file of 1 MiB or more has its writeback started as soon as it is written, a small one does not" {
	need_strace
	mkdir t
	mkrandom t/big $((2 * 1024 * 1024))
	mkrandom t/small 4096
	run strace -f -qq -y -o trace -e trace=sync_file_range,syncfs \
	    "$ZCP" -r --fsync t c
	assert_status 0
	diff -r t c
	assert_eq "$(nsyscalls trace sync_file_range)" 1
	assert_match "$(syscalls trace sync_file_range)" "sync_file_range\([0-9]+<$(re_escape "$PWD")/c/big>, 0, 0, SYNC_FILE_RANGE_WRITE\)"
}

@test "--fsync -r into two file systems: one syncfs for each (-j1, -j4)" {
	need_strace
	need_root
	local j
	mktree
	for j in 1 4; do
		rm -rf "c$j"
		mkdir -p "c$j/a"
		mkfs_tmpfs_small "c$j/a" 16m
		run trace_copy -r --fsync -j"$j" -T t "c$j"
		assert_status 0
		diff -r t "c$j"
		assert_eq "$(nsyscalls trace syncfs)" 2 "-j$j: syncfs"
		# One on each: the tmpfs (c/a or below), the disk (c, not c/a).
		assert_eq "$(syscalls trace syncfs | grep -c "/c$j/a[/>]")" 1
		assert_eq "$(syscalls trace syncfs | grep -vc "/c$j/a[/>]")" 1
		assert_eq "$(nsyscalls trace fsync)" 0 "-j$j: fsync"
	done
}

# named_after_flush TRACE: true if every file given its name (linkat of
# an unnamed file, or a rename of a temporary name) had its data flushed
# (fdatasync or fsync of the same file) before; prints the offenders.
named_after_flush()
{
	awk '
	# The path in <...> after the first argument, "(deleted)" left out.
	function fdpath(s) {
		sub(/^[^<]*</, "", s)
		sub(/>.*$/, "", s)
		sub(/ \(deleted\)$/, "", s)
		return s
	}
	/ (fdatasync|fsync)\(/ && !/resumed>/ {
		s = $0; sub(/^.*sync\(/, "", s); flushed[fdpath(s)] = 1
	}
	/ linkat\(/ && /AT_EMPTY_PATH/ {
		s = $0; sub(/^.*linkat\(/, "", s)
		if (!(fdpath(s) in flushed)) { print "linked: " $0; bad = 1 }
		# The name it gets is flushed too (a temporary one, renamed).
		t = s; sub(/^[^>]*>[^,]*, "", /, "", t)
		name = t; sub(/^[^"]*"/, "", name); sub(/".*$/, "", name)
		if (fdpath(s) in flushed) flushed[fdpath(t) "/" name] = 1
	}
	/ renameat2?\(/ {
		s = $0; sub(/^.*renameat2?\(/, "", s)
		dir = fdpath(s)
		name = s; sub(/^[^"]*"/, "", name); sub(/".*$/, "", name)
		if (!((dir "/" name) in flushed)) { print "renamed: " $0; bad = 1 }
	}
	END { exit bad }' "$1"
}

@test "--atomic --fsync -r: no file is named before its data is flushed, the directories are flushed once at the end (-j1, -j4)" {
	need_strace
	local j
	mktree
	for j in 1 4; do
		rm -rf "c$j"
		# New names (an unnamed file linked), then over the old files
		# (a temporary name renamed).
		for pass in new replace; do
			run trace_copy -r --atomic --fsync -j"$j" -T t "c$j"
			assert_status 0
			diff -r t "c$j"
			run named_after_flush trace
			assert_status 0
			# Something was named, and each file flushed once.
			[[ $(grep -cE ' (linkat|renameat2?)\(' trace) -ge 12 ]]
			assert_eq "$(nsyscalls trace fdatasync)" 12 "-j$j $pass"
			# No directory flushed for each file: one syncfs.
			assert_eq "$(nsyscalls trace fsync)" 0 "-j$j $pass: fsync"
			assert_eq "$(nsyscalls trace syncfs)" 1 "-j$j $pass: syncfs"
		done
	done
}

@test "--fsync -r: a failed final flush names the destination, exit 1 (-j1, -j4)" {
	need_strace
	local j
	mktree
	for j in 1 4; do
		rm -rf "c$j"
		run --separate-stderr strace -f -qq -o /dev/null -P "$PWD/c$j" \
		    -e trace=syncfs -e inject=syncfs:error=EIO \
		    "$ZCP" -r --fsync -j"$j" t "c$j"
		assert_status 1
		assert_stderr "zcp: error syncing 'c$j': Input/output error"
		diff -r t "c$j"
	done
	rm -rf c1
	run --separate-stderr strace -f -qq -o /dev/null -P "$PWD/c1" \
	    -e trace=syncfs -e inject=syncfs:error=EIO \
	    "$ZCP" -r --fsync --json t c1
	assert_status 1
	assert_match "${lines[${#lines[@]}-1]}" '"failed":1,.*"sync":\{"method":"syncfs","file_systems":1,"failed":1,"seconds":[0-9.]+\}\}$'
}

@test "--fsync -r without syncfs: each file fdatasync'd, each directory fsync'd, and --debug says why (-j1, -j4)" {
	need_strace
	local j
	mktree
	for j in 1 4; do
		rm -rf "c$j"
		run strace -f -qq -y -o trace -e trace=fsync,fdatasync,syncfs \
		    -e inject=syncfs:error=ENOSYS \
		    "$ZCP" -r --fsync --debug -j"$j" t "c$j"
		assert_status 0
		diff -r t "c$j"
		assert_eq "$(nsyscalls trace fdatasync)" 12 "-j$j: fdatasync"
		# The 3 directories, and the one that holds the copy.
		assert_eq "$(nsyscalls trace fsync)" 4 "-j$j: fsync"
		assert_eq "$(syscalls trace fsync | grep -c "<$(re_escape "$PWD")>")" 1
		assert_match "$output" "final flush: none: each file flushed with fdatasync\(2\), each directory with fsync\(2\) \(syncfs\(2\) failed: Function not implemented\)"
	done
	# A flush that fails fails its file.
	rm -rf c1
	run --separate-stderr strace -f -qq -o /dev/null -e inject=syncfs:error=ENOSYS \
	    -e inject=fdatasync:error=EIO:when=3 "$ZCP" -r --fsync -j1 t c1
	assert_status 1
	assert_match "$stderr" "^zcp: error syncing 'c1/[^']*': Input/output error$"
}

@test "--fsync -r: --stats and --json tell the final flush" {
	mktree
	run --separate-stderr "$ZCP" -r --fsync --stats t c1
	assert_status 0
	assert_match "$stderr" $'\n'"zcp: stats: synced: 1 file system in $T_RE, 0 failed"$'\n'
	run --separate-stderr "$ZCP" -r --fsync --json t c2
	assert_status 0
	assert_match "${lines[${#lines[@]}-1]}" '"sync":\{"method":"syncfs","file_systems":1,"failed":0,"seconds":[0-9.]+\}\}$'
	# Without --fsync, or on one file: null.
	run --separate-stderr "$ZCP" -r --json t c3
	assert_match "${lines[${#lines[@]}-1]}" '"sync":null\}$'
	run --separate-stderr "$ZCP" --fsync --json t/f1 one
	assert_match "${lines[${#lines[@]}-1]}" '"sync":null\}$'
}

@test "--fsync on one file: the file is flushed in its own time, no syncfs; with --atomic, its directory after the rename" {
	need_strace
	mkrandom src 100000
	run trace_copy --fsync src dst
	assert_status 0
	cmp src dst
	assert_eq "$(nsyscalls trace fsync)" 1
	assert_eq "$(nsyscalls trace syncfs)" 0
	run trace_copy --fsync --atomic src dst
	assert_status 0
	run named_after_flush trace
	assert_status 0
	assert_eq "$(nsyscalls trace fsync)" 2
	assert_eq "$(nsyscalls trace syncfs)" 0
}
