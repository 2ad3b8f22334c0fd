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

# partial_copy SRC DST ARGS...: a copy of SRC to DST with zcp ARGS,
# killed once half of it is written (the rw engine, slowed down by
# build_slow's shim so that it cannot end first).
partial_copy()
{
	local src=$1 dst=$2 half
	shift 2
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
	    "$(stat -c '%d:%i:%s:' src)$(stat -c '%.9Y' src)"
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
