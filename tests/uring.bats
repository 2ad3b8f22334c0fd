#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# uring.bats: --engine=uring, the io_uring batch executor
# (src/exec-uring.c).  A tree copied by it is cp's copy (contents, modes,
# -p times); --debug, --json and --stats name it per file; what a batch
# cannot do goes to the per-file path (an existing destination, big
# files); where the kernel refuses io_uring (io_uring_setup failing with
# ENOSYS or EPERM, injected with strace; /proc/sys/kernel/io_uring_disabled
# set to 2, restored in teardown) every file is copied by the per-file
# path and --debug says why.  A build without liburing is build.bats's.

load helpers

setup()
{
	zcp_setup
	DISABLED=
}

teardown()
{
	if [[ -n $DISABLED ]]; then
		echo "$DISABLED" > /proc/sys/kernel/io_uring_disabled
	fi
	zcp_teardown
}

# need_uring: this zcp has --engine=uring and the kernel lets it work.
need_uring()
{
	mkdir probe
	printf x > probe/x
	run "$ZCP" -r -j2 --engine=uring --debug probe probe.out
	[[ $status -eq 0 ]] ||
	    skip "zcp --engine=uring: ${lines[0]}"
	[[ $output != *"not uring"* ]] || skip "the kernel refuses io_uring"
	rm -rf probe probe.out
}

# mktree DIR: 3 directories of small files of several sizes and modes,
# an empty one, a big one, a symbolic link.
mktree()
{
	local d i

	for d in a a/b c; do
		mkdir -p "$1/$d"
		for ((i = 0; i < 40; i++)); do
			head -c $(( (i * 1637) % 65536 )) /dev/urandom \
			    > "$1/$d/f$i"
		done
	done
	chmod 600 "$1/a/f1"
	chmod 755 "$1/a/b/f2"
	chmod 444 "$1/c/f3"
	: > "$1/c/empty"
	head -c 300000 /dev/urandom > "$1/big"
	ln -s a/f1 "$1/link"
	touch -d '2001-02-03 04:05:06.123456789' "$1/a/f4" "$1/c/f5"
}

# debug_line SRC DST: the --debug line of SRC's copy in $output.
debug_line()
{
	grep -A1 -xF "'$1' -> '$2'" <<< "$output" | sed -n 2p
}

# attrs DIR: each entry's type, mode and modification time, by name.
attrs()
{
	(cd "$1" && find . -printf '%P %y %m %T@\n' | sort)
}

@test "uring: a tree copied by --engine=uring is cp's copy, modes and -p times too" {
	need_uring
	mktree src
	/bin/cp -r src cp.r
	/bin/cp -rp src cp.p
	run "$ZCP" -r --engine=uring src z.r
	assert_status 0
	run "$ZCP" -rp --engine=uring src z.p
	assert_status 0
	diff -r cp.r z.r
	diff -r cp.p z.p
	assert_eq "$(attrs z.r | cut -d' ' -f1-3)" \
	    "$(attrs cp.r | cut -d' ' -f1-3)" "modes"
	assert_eq "$(attrs z.p)" "$(attrs cp.p)" "modes and times (-p)"
}

@test "uring: --debug, --json and --stats name the engine uring per file" {
	need_uring
	need_cmd jq
	mktree src
	run --separate-stderr "$ZCP" -r --engine=uring --debug src d
	assert_status 0
	assert_match "$(debug_line src/a/f7 d/a/f7)" "engine: uring, "
	# The big file is the chain's.
	assert_match "$(debug_line src/big d/big)" "engine: copy_file_range"
	run --separate-stderr "$ZCP" -r --engine=uring --json --stats src j
	assert_status 0
	assert_eq "$(jq -r 'select(.destination == "j/c/f9") |
	    .engine + " " + (.moved.uring | tostring)' <<< "$output")" \
	    "uring $(stat -c %s src/c/f9)" "f9's engine and bytes"
	(( $(jq -r 'select(.type == "summary") | .engines.uring.files' \
	    <<< "$output") > 100 ))
	assert_match "$stderr" "zcp: stats: uring: [0-9]+ files, "
}

@test "uring: four submissions copy a batch of small files" {
	need_uring
	need_strace
	local i enter

	mkdir src
	# Each thread's first file goes to the per-file path (it tells
	# whether the file system's sizes are true); the reading thread may
	# hand the last batch to the other one.
	for ((i = 0; i < 33; i++)); do
		printf 'file %d\n' "$i" > "src/f$i"
	done
	run strace -f -qq -c -o trace "$ZCP" -r -j2 --engine=uring src dst
	assert_status 0
	diff -r src dst
	enter=$(awk '$NF == "io_uring_enter" { print $4 }' trace)
	[[ $enter == 4 || $enter == 8 ]]
	(( $(awk '$NF == "copy_file_range" { print $4 }' trace) <= 2 ))
	run ! grep -qw 'write$' trace
}

@test "uring: an existing destination goes to the per-file path (-n keeps it)" {
	need_uring
	mktree src
	"$ZCP" -r src dst
	echo old > dst/a/f9
	run "$ZCP" -rnT --engine=uring --debug src dst
	assert_status 0
	assert_eq "$(cat dst/a/f9)" "old" "-n kept it"
	[[ $output != *"engine: uring"* ]]
	run "$ZCP" -rT --engine=uring --debug src dst
	assert_status 0
	cmp src/a/f9 dst/a/f9
	[[ $output != *"engine: uring"* ]]
}

# refused ERRNO: io_uring_setup fails with ERRNO: every file is copied by
# the per-file path, and --debug says why.
refused()
{
	need_strace
	mktree src
	run strace -f -qq -o /dev/null -e inject=io_uring_setup:error="$1" \
	    "$ZCP" -r -j2 --engine=uring --debug src dst
	assert_status 0
	diff -r src dst
	[[ $output != *"engine: uring"* ]]
	assert_match "$(debug_line src/a/f7 dst/a/f7)" \
	    "engine: [a-z_]+ \(not uring: the kernel refused io_uring: $2\)"
}

@test "uring: io_uring_setup fails with ENOSYS: the per-file path, --debug says why" {
	refused ENOSYS "Function not implemented"
}

@test "uring: io_uring_setup fails with EPERM (seccomp): the per-file path, --debug says why" {
	refused EPERM "Operation not permitted"
}

@test "uring: io_uring_disabled=2: the per-file path, --debug says why" {
	local f=/proc/sys/kernel/io_uring_disabled

	[[ -w $f ]] || skip "no writable $f"
	DISABLED=$(cat "$f")
	echo 2 > "$f"
	mktree src
	run "$ZCP" -r -j2 --engine=uring --debug src dst
	assert_status 0
	diff -r src dst
	[[ $output != *"engine: uring"* ]]
	assert_match "$(debug_line src/a/f7 dst/a/f7)" \
	    "engine: [a-z_]+ \(not uring: the kernel refused io_uring: Operation not permitted\)"
}

@test "uring: auto copies 8 or more small new files of a batch on io_uring where a clone cannot work" {
	need_uring
	mktree src
	run "$ZCP" -r -j2 --debug src dst
	assert_status 0
	diff -r src dst
	# (Unless the test directory clones: then the chain clones.)
	if [[ $(debug_line src/big dst/big) == *"reflink: yes"* ]]; then
		[[ $output != *"engine: uring"* ]]
	else
		assert_match "$(debug_line src/a/f7 dst/a/f7)" "engine: uring, "
	fi
}

@test "uring: auto leaves fewer than 8, a forced engine and a refused io_uring to the chain, silently" {
	need_uring
	need_strace
	local i

	mkdir -p few many
	for ((i = 0; i < 7; i++)); do
		printf 'few %d\n' "$i" > "few/f$i"
	done
	for ((i = 0; i < 40; i++)); do
		printf 'many %d\n' "$i" > "many/f$i"
	done
	run "$ZCP" -r -j2 --debug few few.out
	assert_status 0
	diff -r few few.out
	[[ $output != *uring* ]]
	run "$ZCP" -r -j2 --debug --engine=copy_file_range many forced
	assert_status 0
	diff -r many forced
	[[ $output != *uring* ]]
	run strace -f -qq -o /dev/null -e inject=io_uring_setup:error=EPERM \
	    "$ZCP" -r -j2 --debug many refused
	assert_status 0
	diff -r many refused
	[[ $output != *uring* ]]
}

@test "uring: a full file system: the files whose batch step failed are the per-file path's, in cp's words" {
	need_uring
	local f line named=()

	mkfs_tmpfs_small small 1M
	mkdir -p src/a src/b
	for ((f = 0; f < 40; f++)); do
		head -c 20000 /dev/urandom > "src/a/f$f"
		head -c 20000 /dev/urandom > "src/b/f$f"
	done
	run --separate-stderr "$ZCP" -r -j2 --engine=uring src small/dst
	assert_status 1
	[[ ${#stderr_lines[@]} -ge 1 ]]
	for line in "${stderr_lines[@]}"; do
		assert_match "$line" "^zcp: (error writing|cannot create regular file) 'small/dst/[ab]/f[0-9]+': No space left on device$"
		named+=("$(cut -d"'" -f2 <<< "$line")")
	done
	# Each failure said once; every other file whole.
	assert_eq "$(printf '%s\n' "${named[@]}" | sort | uniq -d)" "" "repeated"
	for f in src/[ab]/f*; do
		[[ " ${named[*]} " == *" small/dst/${f#src/} "* ]] ||
		    cmp "$f" "small/dst/${f#src/}"
	done
}
