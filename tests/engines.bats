#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# engines.bats: the data path, once per engine (auto and each forced one):
# small, empty, 1 MiB and 2.5 GiB (sparse) files, /proc and /sys files, a
# file that grows or shrinks while it is copied (zcp stopped mid-copy by
# an injected SIGSTOP, or racing a background writer), and an existing
# longer destination.  Forced clone runs on a loop-mounted XFS/btrfs when the
# test directory cannot clone.

load helpers

# The engine options for ENGINE: none for auto (the default).
eopts()
{
	[[ $1 == auto ]] || echo "--engine=$1"
}

check_small()
{
	engine_dir "$1"
	printf 'hello, world\n' > small
	run --separate-stderr "$ZCP" --debug $(eopts "$1") small out
	assert_status 0
	assert_stderr ""
	cmp small out
	assert_match "$output" "$(vline_re small out "$1" '13 B')"
}

check_empty()
{
	engine_dir "$1"
	: > empty
	run --separate-stderr "$ZCP" --debug $(eopts "$1") empty out
	assert_status 0
	assert_stderr ""
	[[ -f out ]]
	assert_eq "$(fsize out)" 0 "size of the copy"
	assert_match "$output" "$(vline_re empty out "$1" '0 B')"
}

check_random()
{
	engine_dir "$1"
	mkrandom src 1048576
	chmod 640 src
	run --separate-stderr "$ZCP" --debug $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_eq "$(stat -c %a out)" 640 "mode of a new file (umask 022)"
	assert_match "$output" "$(vline_re src out "$1" '1.00 MiB')"
}

# 2.5 GiB, mostly a hole, with data at 0, just past 2 GiB and in the very
# last bytes: every offset past 2^31 and the trailing size must survive.
check_big_sparse()
{
	engine_dir "$1"
	holes_supported || skip "this filesystem does not keep holes"
	truncate -s 2560M big
	printf 'head' | dd of=big conv=notrunc status=none
	printf 'past 2 GiB' | dd of=big bs=1 seek=$((2 * 1024 * 1024 * 1024 + 1)) \
	    conv=notrunc status=none
	printf 'tail' | dd of=big bs=1 seek=$((2560 * 1024 * 1024 - 4)) \
	    conv=notrunc status=none
	run --separate-stderr "$ZCP" --debug $(eopts "$1") big out
	assert_status 0
	assert_stderr ""
	assert_eq "$(fsize out)" "$(fsize big)" "size"
	cmp_sparse big out
	# The holes stayed holes: a few data blocks, not 2.5 GiB of them.
	(( $(blocks out) < 4096 )) || {
		echo "copy takes $(blocks out) blocks"
		return 1
	}
	assert_match "$output" "$(vline_re big out "$1" '2.50 GiB')"
}

# One /proc or /sys file: auto and rw copy it whole; a forced kernel engine
# copies it whole or fails with "zcp: ENGINE 'SRC' -> 'out': ERROR", never
# exits 0 with a short copy.
proc_one()
{
	local e=$1 src=$2 expect=$3

	rm -f out
	run --separate-stderr "$ZCP" $(eopts "$e") "$src" out
	if [[ $e == auto || $e == rw || $status -eq 0 ]]; then
		assert_status 0
		assert_stderr ""
		cmp "$expect" out
	else
		assert_status 1
		assert_match "$stderr" "^zcp: $e '$(re_escape "$src")' -> 'out': [A-Z][a-z].*$" "refusal"
		[[ $(fsize out) -lt $(fsize "$expect") ]]
	fi
}

check_proc()
{
	engine_dir "$1"
	# /proc/version: st_size 0, stable content.
	cat /proc/version > expect.version
	proc_one "$1" /proc/version expect.version
	# /proc/self/cmdline has no splice_read: the kernel engines refuse
	# it.  Its content is zcp's own argument vector.
	if [[ $1 == auto ]]; then
		printf '%s\0' "$ZCP" /proc/self/cmdline out > expect.cmdline
	else
		printf '%s\0' "$ZCP" "--engine=$1" /proc/self/cmdline out \
		    > expect.cmdline
	fi
	proc_one "$1" /proc/self/cmdline expect.cmdline
	# A sysfs attribute: st_size 4096, a few bytes of content; the copy
	# must not be padded to 4096.
	if [[ -r /sys/class/mem/null/dev ]]; then
		cat /sys/class/mem/null/dev > expect.sys
		proc_one "$1" /sys/class/mem/null/dev expect.sys
	fi
}

# Where to stop zcp so that some data has moved and some has not: before
# the engine's second data call (clone moves everything in one call, so it
# stops before it).  auto: whatever engine auto picks here.
stop_point()
{
	local e=$1

	if [[ $e == auto ]]; then
		mkrandom probe 1024
		e=$("$ZCP" --debug probe probe.out | sed -n 's/.*engine: \([a-z_]*\).*/\1/p')
		rm -f probe probe.out
		[[ $e == cloned ]] && e=clone
	fi
	case $e in
	clone)		echo "ioctl:when=1" ;;
	copy_file_range|sendfile) echo "$e:when=2" ;;
	splice)		echo "splice:when=3" ;;	# file -> pipe, pipe -> file
	rw)		echo "write:when=2" ;;
	*)		echo "unknown engine '$e'" >&2; return 1 ;;
	esac
}

# start_stopped ENGINE SRC DST: starts zcp under strace, stopped (SIGSTOP
# injected) at stop_point; sets ZPID (zcp) and SPID (strace).
start_stopped()
{
	local sp
	need_strace
	sp=$(stop_point "$1")
	# Not through the strace() wrapper of helpers.bash: $! must be
	# strace itself, whose child zcp is.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    command strace -f -qq -o /dev/null \
	    -e inject="${sp%%:*}:signal=SIGSTOP:${sp#*:}" \
	    "$ZCP" --debug $(eopts "$1") "$2" "$3" > zcp.out 2> zcp.err &
	SPID=$!
	register_pid "$SPID"
	ZPID=$(zcp_child "$SPID")
	register_pid "$ZPID"
	wait_stopped "$ZPID"
}

# Data appended while zcp is stopped mid-copy is copied too (the engines
# copy to EOF, not to the size seen at the start), and zcp ends.  The
# stop is injected on entry to the engine's second data call; a call
# that does not check for signals (FICLONE) completes before the stop.
check_grow()
{
	engine_dir "$1"
	mkrandom src $((20 * 1024 * 1024))
	start_stopped "$1" src out
	head -c 1048576 /dev/urandom >> src
	wait_exit "$SPID" "$ZPID"
	assert_status 0
	assert_eq "$(cat zcp.err)" "" "stderr"
	if [[ $1 == clone || $(cat zcp.out) == *"[cloned, "* ]]; then
		# One FICLONE shares the file as it is when the call runs,
		# which may be before or after the append.
		assert_prefix src out
		(( $(fsize out) >= 20 * 1024 * 1024 ))
	else
		cmp src out
	fi
}

# A source cut short while zcp is stopped mid-copy: zcp ends (no loop
# "until st_size"), exit 0 as cp, and the copy is a prefix of the old
# content at least as long as the new one.
check_shrink()
{
	engine_dir "$1"
	mkrandom src $((20 * 1024 * 1024))
	cp src orig
	start_stopped "$1" src out
	truncate -s 1M src
	wait_exit "$SPID" "$ZPID"
	assert_status 0
	assert_eq "$(cat zcp.err)" "" "stderr"
	assert_prefix orig out
	(( $(fsize out) >= 1048576 ))
}

# The same without strace: a background writer appends while zcp copies.
# Whatever the interleaving, zcp ends and its copy is a prefix of the
# final file at least as long as the file was when zcp started.
check_append_race()
{
	engine_dir "$1"
	mkrandom src $((8 * 1024 * 1024))
	mkrandom chunk 65536
	( for ((i = 0; i < 100; i++)); do cat chunk >> src; done ) &
	local writer=$!
	register_pid "$writer"
	run --separate-stderr timeout 60 "$ZCP" $(eopts "$1") src out
	wait "$writer"
	assert_status 0
	assert_stderr ""
	assert_prefix src out
	(( $(fsize out) >= 8 * 1024 * 1024 ))
}

# An existing, longer destination: truncated, same inode, mode kept.
check_overwrite()
{
	engine_dir "$1"
	mkrandom src 100000
	mkrandom out 300000
	chmod 600 out
	local ino
	ino=$(stat -c %i out)
	run --separate-stderr "$ZCP" $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_eq "$(stat -c %i out)" "$ino" "inode"
	assert_eq "$(stat -c %a out)" 600 "mode"
}

@test "auto: small file" {
	check_small auto
}

@test "clone: small file" {
	check_small clone
}

@test "copy_file_range: small file" {
	check_small copy_file_range
}

@test "sendfile: small file" {
	check_small sendfile
}

@test "splice: small file" {
	check_small splice
}

@test "rw: small file" {
	check_small rw
}

@test "auto: empty file" {
	check_empty auto
}

@test "clone: empty file" {
	check_empty clone
}

@test "copy_file_range: empty file" {
	check_empty copy_file_range
}

@test "sendfile: empty file" {
	check_empty sendfile
}

@test "splice: empty file" {
	check_empty splice
}

@test "rw: empty file" {
	check_empty rw
}

@test "auto: 1 MiB of random data, new file mode" {
	check_random auto
}

@test "clone: 1 MiB of random data, new file mode" {
	check_random clone
}

@test "copy_file_range: 1 MiB of random data, new file mode" {
	check_random copy_file_range
}

@test "sendfile: 1 MiB of random data, new file mode" {
	check_random sendfile
}

@test "splice: 1 MiB of random data, new file mode" {
	check_random splice
}

@test "rw: 1 MiB of random data, new file mode" {
	check_random rw
}

@test "auto: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse auto
}

@test "clone: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse clone
}

@test "copy_file_range: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse copy_file_range
}

@test "sendfile: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse sendfile
}

@test "splice: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse splice
}

@test "rw: 2.5 GiB sparse file, data past 2 GiB and at the end" {
	check_big_sparse rw
}

@test "auto: /proc and /sys files copy whole or fail clearly" {
	check_proc auto
}

@test "clone: /proc and /sys files copy whole or fail clearly" {
	check_proc clone
}

@test "copy_file_range: /proc and /sys files copy whole or fail clearly" {
	check_proc copy_file_range
}

@test "sendfile: /proc and /sys files copy whole or fail clearly" {
	check_proc sendfile
}

@test "splice: /proc and /sys files copy whole or fail clearly" {
	check_proc splice
}

@test "rw: /proc and /sys files copy whole or fail clearly" {
	check_proc rw
}

@test "auto: file growing during the copy" {
	check_grow auto
}

@test "clone: file growing during the copy" {
	check_grow clone
}

@test "copy_file_range: file growing during the copy" {
	check_grow copy_file_range
}

@test "sendfile: file growing during the copy" {
	check_grow sendfile
}

@test "splice: file growing during the copy" {
	check_grow splice
}

@test "rw: file growing during the copy" {
	check_grow rw
}

@test "auto: file shrinking during the copy ends" {
	check_shrink auto
}

@test "clone: file shrinking during the copy ends" {
	check_shrink clone
}

@test "copy_file_range: file shrinking during the copy ends" {
	check_shrink copy_file_range
}

@test "sendfile: file shrinking during the copy ends" {
	check_shrink sendfile
}

@test "splice: file shrinking during the copy ends" {
	check_shrink splice
}

@test "rw: file shrinking during the copy ends" {
	check_shrink rw
}

@test "auto: existing longer destination is truncated in place" {
	check_overwrite auto
}

@test "clone: existing longer destination is truncated in place" {
	check_overwrite clone
}

@test "copy_file_range: existing longer destination is truncated in place" {
	check_overwrite copy_file_range
}

@test "sendfile: existing longer destination is truncated in place" {
	check_overwrite sendfile
}

@test "splice: existing longer destination is truncated in place" {
	check_overwrite splice
}

@test "rw: existing longer destination is truncated in place" {
	check_overwrite rw
}

@test "auto: file appended to while it is copied (no strace)" {
	check_append_race auto
}

@test "clone: file appended to while it is copied (no strace)" {
	check_append_race clone
}

@test "copy_file_range: file appended to while it is copied (no strace)" {
	check_append_race copy_file_range
}

@test "sendfile: file appended to while it is copied (no strace)" {
	check_append_race sendfile
}

@test "splice: file appended to while it is copied (no strace)" {
	check_append_race splice
}

@test "rw: file appended to while it is copied (no strace)" {
	check_append_race rw
}

# sendfile moves at most 0x7ffff000 bytes a call: a dense 2.5 GiB stream
# (the holes read as zeros under --sparse=never) must be counted whole.
@test "sendfile: 2.5 GiB dense stream to /dev/null is counted whole" {
	holes_supported || skip "this filesystem does not keep holes"
	truncate -s 2560M big
	run --separate-stderr "$ZCP" --debug --sparse=never --engine=sendfile big /dev/null
	assert_status 0
	assert_stderr ""
	assert_match "$output" "$(vline_re big /dev/null sendfile '2.50 GiB')"
}

@test "engines_supported: rw and the kernel engines work here" {
	run engines_supported
	assert_status 0
	assert_match " $output " " rw " "rw always works"
	assert_match " $output " " copy_file_range " "Linux >= 4.5"
}

# refused_on_fifo ZCP-ARGS...: copies the FIFO fifo (a writer feeds it)
# to out with ZCP-ARGS, which a kernel engine refuses.
refused_on_fifo()
{
	rm -f out
	timeout 60 sh -c 'printf hello > fifo' &
	register_pid $!
	run --separate-stderr timeout 60 "$ZCP" --debug "$@" fifo out
	assert_status 1
}

@test "--debug: a forced engine the kernel refuses is said to be unsupported, not used (copy offload, reflink)" {
	# A forced copy_file_range that failed on a FIFO said "copy
	# offload: yes", a refused clone "reflink: yes", as cp 9.x does
	# only for a call that moved data.
	mkfifo fifo
	refused_on_fifo --engine=copy_file_range
	assert_eq "$output" "'fifo' -> 'out'
copy offload: unsupported, reflink: avoided, sparse detection: no, engine: copy_file_range, failed after 0 B"
	assert_match "$stderr" "^zcp: copy_file_range 'fifo' -> 'out': "
	refused_on_fifo --engine=clone
	assert_eq "$output" "'fifo' -> 'out'
copy offload: avoided, reflink: unsupported, sparse detection: no, engine: clone, failed after 0 B"
	refused_on_fifo --reflink=always
	assert_match "$output" $'\ncopy offload: avoided, reflink: unsupported, '
	assert_match "$stderr" "^zcp: failed to clone 'out' from 'fifo': "
}
