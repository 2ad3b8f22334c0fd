#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# resume.bats: --resume.  A destination shorter than its source is
# continued, not copied again, once zcp is sure it is the start of this
# source: a partial file zcp left (it carries the source's identity in
# user.zcp.source) has its last MiB checked, any other file is compared
# byte for byte first.  A mismatch, or a destination longer than the
# source, and the whole file is copied again.  The bytes the engines move
# (--json's moved) show what was copied.  Copies are interrupted for real
# (SIGKILL, SIGINT) in their middle.

load helpers
load kill

setup()
{
	zcp_setup
	need_cmd python3
}

MIB=$((1024 * 1024))

# json FIELD: FIELD of the file record in $output (--json), as JSON.
json()
{
	printf '%s\n' "$output" | python3 -c 'import json, sys
d = json.loads(sys.stdin.readline())
print(json.dumps(d[sys.argv[1]]))' "$1"
}

# moved: the bytes all engines moved, from $output (--json).
moved()
{
	printf '%s\n' "$output" | python3 -c 'import json, sys
print(sum(json.loads(sys.stdin.readline())["moved"].values()))'
}

# settle FILE: waits until FILE's last change lies on an earlier tick of
# the kernel's clock than now.  zcp marks its partial copy with the
# source's identity only then: a change made within the same tick could
# keep the change time (resume.c).  The clock's ticks are 10 ms at most.
settle()
{
	local c
	c=$(stat -c %.9Z "$1")
	c=${c/./}
	while (( $(date +%s%N) < 10#$c + 30000000 )); do
		sleep 0.01
	done
}

# identity FILE: what zcp records of FILE in user.zcp.source, as the
# manual gives it: DEV:INO:SIZE:MTIME:CTIME:BTIME:GEN, "-" for a birth
# time or a generation number the file system does not give.
identity()
{
	local b g
	b=$(stat -c %W "$1")
	[[ $b != 0 ]] && b=$(stat -c %.9W "$1") || b=-
	g=$(lsattr -vd "$1" 2>/dev/null | cut -d' ' -f1)
	[[ $g =~ ^[0-9]+$ ]] || g=-
	printf '%s:%s:%s\n' "$(stat -c '%d:%i:%s:%.9Y:%.9Z' "$1")" "$b" "$g"
}

# partial_copy SRC DST ARGS...: a copy of SRC to DST with zcp ARGS,
# killed once half of it is written (the rw engine, slowed down by
# build_slow's shim so that it cannot end first).
partial_copy()
{
	local src=$1 dst=$2 half
	shift 2
	settle "$src"
	half=$(( $(fsize "$src") / 2 ))
	KILL_AT=$half slow_kill KILL "$src" "$dst" --engine=rw "$@"
}

# slow_kill ARGS...: kill_copy ARGS with zcp slowed down.
slow_kill()
{
	[[ -n ${SLOW:-} ]] || build_slow
	# 10 ms a write: 1.6 s for 20 MiB (160 writes of the rw engine), so
	# that the poll finds the point on a loaded machine (at 2 ms a copy
	# once ended first, and exited 0).
	SLOW_US=${SLOW_US:-10000} LD_PRELOAD=$SLOW kill_copy "$@"
}

@test "--resume continues a destination that is the start of the source: only the rest is moved" {
	mkrandom src $((10 * MIB))
	head -c $((6 * MIB)) src > dst
	run --separate-stderr "$ZCP" --debug --resume src dst
	assert_status 0
	assert_stderr ""
	cmp src dst
	assert_match "$output" "4\\.00 MiB in $T_RE, $R_RE, resumed at 6\\.00 MiB \\(compared byte for byte first: 6\\.00 MiB\\)$"
	head -c $((6 * MIB)) src > dst2
	run "$ZCP" --json --resume src dst2
	assert_status 0
	assert_eq "$(json resumed)" $((6 * MIB))
	assert_eq "$(moved)" $((4 * MIB))
	assert_eq "$(json bytes)" $((4 * MIB))
}

@test "--resume: a destination that is not a prefix is copied in full" {
	mkrandom src $((4 * MIB))
	head -c $((3 * MIB)) src > dst
	printf 'X' | dd of=dst bs=1 seek=4096 conv=notrunc status=none
	run --separate-stderr "$ZCP" --json --debug --resume src dst
	assert_status 0
	cmp src dst
	assert_match "$stderr" "not resumed: the destination differs from the source at byte 4097"
	assert_eq "$(json resumed)" 0
	assert_eq "$(moved)" $((4 * MIB))
}

@test "--resume: a destination longer than the source is copied in full" {
	mkrandom src $((2 * MIB))
	cat src src > dst
	run --separate-stderr "$ZCP" --json --debug --resume src dst
	assert_status 0
	cmp src dst
	assert_match "$stderr" "not resumed: the destination is longer than the source"
	assert_eq "$(moved)" $((2 * MIB))
}

@test "--resume: a destination as long as the source is copied in full (only a shorter one is continued)" {
	mkrandom src $((2 * MIB))
	mkrandom dst $((2 * MIB))
	run "$ZCP" --json --resume src dst
	assert_status 0
	cmp src dst
	assert_eq "$(json resumed)" 0
	assert_eq "$(moved)" $((2 * MIB))
}

@test "--resume continues with every engine but clone, which cannot: it copies in full" {
	local e
	for e in $(engines_supported); do
		engine_dir "$e"
		mkrandom src $((5 * MIB))
		head -c $((3 * MIB + 100)) src > "dst.$e"
		run "$ZCP" --json --resume --engine="$e" src "dst.$e"
		assert_status 0
		cmp src "dst.$e"
		if [[ $e == clone ]]; then
			assert_eq "$(json resumed)" 0
		else
			assert_eq "$(json resumed)" $((3 * MIB + 100))
			assert_eq "$(json moved)" "{\"$e\": $((2 * MIB - 100))}"
		fi
		cd "$BATS_TEST_TMPDIR"
	done
}

@test "--atomic --resume: an interrupted copy keeps .NAME.zcp-partial, marked with the source's identity" {
	need_cmd getfattr
	mkrandom src $((20 * MIB))
	mkdir d
	printf 'old\n' > d/f
	partial_copy src d/f --atomic --resume
	assert_eq "$status" 137
	assert_eq "$(cat d/f)" old
	[ -f d/.f.zcp-partial ]
	n=$(fsize d/.f.zcp-partial)
	((n >= 10 * MIB && n < 20 * MIB))
	assert_prefix src d/.f.zcp-partial
	assert_eq "$(getfattr --only-values -n user.zcp.source d/.f.zcp-partial)" \
	    "$(identity src)"
	# The next run checks its last MiB, moves the rest, renames it.
	run --separate-stderr "$ZCP" --json --debug --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_match "$stderr" ", atomic, resumed at [0-9.]+ MiB \\(zcp's partial copy of this source: its last 1\\.00 MiB checked\\)$"
	assert_eq "$(json resumed)" "$n"
	assert_eq "$(moved)" $((20 * MIB - n))
	assert_eq "$(ls -A d | xargs)" f
	# The mark is gone from the finished file.
	run getfattr -n user.zcp.source d/f
	assert_status 1
}

@test "--atomic --resume: SIGINT keeps the partial file as well" {
	mkrandom src $((20 * MIB))
	mkdir d
	KILL_AT=$((8 * MIB)) slow_kill INT src d/f --engine=rw --atomic --resume
	assert_eq "$status" 130
	[ -f d/.f.zcp-partial ]
	[ ! -e d/f ]
	run "$ZCP" --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_eq "$(ls -A d | xargs)" f
}

@test "--resume: zeros at the end of a marked partial file (a torn write) are found: copied in full" {
	mkrandom src $((20 * MIB))
	mkdir d
	partial_copy src d/f --atomic --resume
	n=$(fsize d/.f.zcp-partial)
	dd if=/dev/zero of=d/.f.zcp-partial bs=4096 count=1 seek=$((n / 4096 - 1)) \
	    conv=notrunc status=none
	run --separate-stderr "$ZCP" --json --debug --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_match "$stderr" "not resumed: the destination differs from the source at byte $((n - 4096 + 1))"
	assert_eq "$(moved)" $((20 * MIB))
}

@test "--resume: a partial file of a source that changed since is compared byte for byte" {
	mkrandom src $((20 * MIB))
	mkdir d
	partial_copy src d/f --atomic --resume
	n=$(fsize d/.f.zcp-partial)
	touch -d '2020-02-02' src
	run --separate-stderr "$ZCP" --json --debug --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_match "$stderr" "resumed at [0-9.]+ MiB \\(compared byte for byte first: [0-9.]+ MiB\\)$"
	assert_eq "$(json resumed)" "$n"
}

@test "--resume without --atomic: the interrupted destination carries the mark until it is complete" {
	need_cmd getfattr
	mkrandom src $((20 * MIB))
	partial_copy src dst --resume
	n=$(fsize dst)
	((n > 0 && n < 20 * MIB))
	getfattr -n user.zcp.source dst > /dev/null
	run --separate-stderr "$ZCP" --json --debug --resume src dst
	assert_status 0
	cmp src dst
	assert_match "$stderr" "zcp's partial copy of this source: its last 1\\.00 MiB checked"
	assert_eq "$(moved)" $((20 * MIB - n))
	run getfattr -n user.zcp.source dst
	assert_status 1
}

@test "--resume where extended attributes are refused (ramfs): compared byte for byte" {
	need_root
	mkdir r
	mount -t ramfs zcp-test r 2>/dev/null || skip "cannot mount a ramfs here"
	_MOUNTS+=("$BATS_TEST_TMPDIR/r")
	mkrandom r/src $((20 * MIB))
	partial_copy r/src r/f --atomic --resume
	[ -f r/.f.zcp-partial ]
	run --separate-stderr "$ZCP" --debug --atomic --resume r/src r/f
	assert_status 0
	cmp r/src r/f
	assert_match "$output" "compared byte for byte first"
}

@test "--resume of a sparse source keeps its holes" {
	holes_supported || skip "this file system keeps no holes"
	mkhole_middle src
	truncate -s $((64 * MIB)) src
	printf 'end' >> src
	head -c $((MIB / 2)) src > dst
	run --separate-stderr "$ZCP" --json --resume src dst
	assert_status 0
	cmp_sparse src dst
	assert_eq "$(json resumed)" $((MIB / 2))
	(( $(blocks dst) < 2 * 1024 * 2 ))
}

@test "--resume -r: the short files of a tree are continued, --stats counts them" {
	local i
	mkdir src
	for i in 1 2 3 4; do
		mkrandom "src/f$i" $((2 * MIB))
	done
	mkdir dst
	head -c $MIB src/f1 > dst/f1
	head -c 1000 src/f3 > dst/f3
	run --separate-stderr "$ZCP" -r -j2 --resume --stats src/. dst
	assert_status 0
	diff -r src dst
	assert_match "$stderr" "zcp: stats: resumed: 2 files, 1\\.00 MiB kept"
	assert_match "$stderr" "zcp: stats: 8 files|zcp: stats: 4 files"
}

@test "-g --resume: the kept part counts as done; the rate is of the bytes copied" {
	mkrandom src $((10 * MIB))
	head -c $((8 * MIB)) src > dst
	run --separate-stderr "$ZCP" -g --resume src dst
	assert_status 0
	cmp src dst
	assert_match "$stderr" "^zcp: copied 10\\.0 MiB \\(1 file\\) in [0-9.]+ s, $R_RE \\(8\\.00 MiB kept by --resume\\)$"
}

# mark_of SRC: the mark zcp gives a partial copy of SRC as it is now (read
# from one it leaves), whatever the mark's format.
mark_of()
{
	partial_copy "$1" .mark --resume > /dev/null
	getfattr --only-values -n user.zcp.source .mark
	rm -f .mark
}

# private_ext4 DIR: mounts a small ext4 of the test's own on DIR
# (unmounted in teardown).  Returns 1 where it cannot (not root, no
# mkfs.ext4 or loop device).
private_ext4()
{
	[[ $EUID -eq 0 ]] && command -v mkfs.ext4 > /dev/null || return 1
	truncate -s 256M ext4.img &&
	    mkfs.ext4 -q -F ext4.img > /dev/null 2>&1 &&
	    mkdir -p "$1" &&
	    mount -o loop ext4.img "$1" 2>/dev/null || return 1
	_MOUNTS+=("$BATS_TEST_TMPDIR/$1")
}

# resume_twice ARGS...: the partial file d/.f.zcp-partial continued into
# d/f by zcp --atomic --resume ARGS src d/f, then again from the same
# partial file with --verify added.  Both must end with the source's
# bytes and exit 0.  $output is the first run's (--debug).
resume_twice()
{
	local first
	cp --preserve=mode,xattr d/.f.zcp-partial keep
	run --separate-stderr "$ZCP" --debug --atomic --resume "$@" src d/f
	assert_status 0
	cmp src d/f
	first=$output
	rm d/f
	cp --preserve=mode,xattr keep d/.f.zcp-partial
	run --separate-stderr "$ZCP" --verify --atomic --resume "$@" src d/f
	assert_status 0
	cmp src d/f
	output=$first
}

@test "--resume: a source changed inside the part kept, its mtime put back (touch -d), is not taken for the same: the copy is right" {
	need_cmd getfattr
	mkrandom src $((20 * MIB))
	mkdir d
	partial_copy src d/f --atomic --resume
	n=$(fsize d/.f.zcp-partial)
	((n > 8192))
	getfattr -n user.zcp.source d/.f.zcp-partial > /dev/null
	mt=$(stat -c %.9Y src)
	dd if=/dev/zero of=src bs=4096 count=1 seek=1 conv=notrunc status=none
	touch -d "@$mt" src
	assert_eq "$(stat -c %.9Y:%s src)" "$mt:$((20 * MIB))"
	resume_twice
	assert_match "$output" "not resumed: the destination differs from the source at byte (409[7-9]|4[1-9][0-9][0-9]|[5-8][0-9][0-9][0-9])$"
}

@test "--resume: a source made anew with the same inode number, size and mtime is not taken for the same: the copy is right" {
	local ino mt i
	need_cmd getfattr
	# On an ext4 of its own where one can be had: there no other process
	# takes the inode number that the test frees.
	if private_ext4 e; then
		cd e
	fi
	mkrandom src $((20 * MIB))
	# The new source differs from the old one near its start only.
	cp src new
	dd if=/dev/zero of=new bs=4096 count=1 seek=1 conv=notrunc status=none
	mkdir d
	partial_copy src d/f --atomic --resume
	getfattr -n user.zcp.source d/.f.zcp-partial > /dev/null
	ino=$(stat -c %i src)
	mt=$(stat -c %.9Y src)
	# A file made at once after one is deleted often gets its inode
	# number (ext4 gives the lowest free one in a group it chooses).
	# Made empty, so that no block taken moves it to another group; a
	# number that is not the one sought is kept taken.
	rm src
	for i in $(seq 20); do
		: > src
		[[ $(stat -c %i src) != "$ino" ]] || break
		mv src "taken.$i"
		sleep 0.05
	done
	[[ $(stat -c %i src) == "$ino" ]] ||
	    skip "the file system gave the new source another inode number 20 times"
	cat new > src
	touch -d "@$mt" src
	assert_eq "$(stat -c %i:%.9Y:%s src)" "$ino:$mt:$((20 * MIB))"
	resume_twice
	assert_match "$output" "not resumed: the destination differs from the source at byte (409[7-9]|4[1-9][0-9][0-9]|[5-8][0-9][0-9][0-9])$"
}

@test "--resume: a destination as long as the source is copied in full, also one that carries the mark of this source" {
	need_cmd getfattr setfattr
	mkrandom src $((8 * MIB))
	cp src dst
	dd if=/dev/zero of=dst bs=4096 count=1 seek=1 conv=notrunc status=none
	setfattr -n user.zcp.source -v "$(mark_of src)" dst
	run --separate-stderr "$ZCP" --json --debug --resume src dst
	assert_status 0
	cmp src dst
	assert_eq "$(json resumed)" 0
	assert_eq "$(moved)" $((8 * MIB))
	# A longer one too, and with --verify.
	cat src src > dst
	setfattr -n user.zcp.source -v "$(mark_of src)" dst
	run --separate-stderr "$ZCP" --verify --json --resume src dst
	assert_status 0
	cmp src dst
	assert_eq "$(moved)" $((8 * MIB))
}

@test "--resume --verify: bytes kept on the word of a mark that lies (what the fast path cannot see) fail the check" {
	need_cmd getfattr setfattr
	mkrandom src $((20 * MIB))
	mkdir d
	partial_copy src d/f --atomic --resume
	dd if=/dev/zero of=src bs=4096 count=1 seek=1 conv=notrunc status=none
	# As if the change had kept the source's identity (a raw write to
	# the disk under the file system, the clock set back by root).
	setfattr -n user.zcp.source -v "$(mark_of src)" d/.f.zcp-partial
	run --separate-stderr "$ZCP" --debug --verify --atomic --resume src d/f
	assert_status 1
	assert_match "$output" "zcp's partial copy of this source: its last 1\\.00 MiB checked"
	assert_match "$stderr" "zcp: verification failed: 'd/f' differs from 'src' at byte [0-9]+"
	assert_eq "$(ls -A d | xargs)" ""
}

@test "--resume after an interrupted copy still takes the fast path: the last MiB checked, only the rest moved" {
	mkrandom src $((20 * MIB))
	partial_copy src dst --resume
	n=$(fsize dst)
	# Reading the source, as the copy did, changes none of its times
	# that the mark holds (atime is not in it).
	cat src > /dev/null
	run --separate-stderr "$ZCP" --json --debug --resume -p src dst
	assert_status 0
	cmp src dst
	assert_match "$stderr" "zcp's partial copy of this source: its last 1\\.00 MiB checked"
	assert_eq "$(json resumed)" "$n"
	assert_eq "$(moved)" $((20 * MIB - n))
}
