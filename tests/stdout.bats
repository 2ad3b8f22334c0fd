#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/stdout.bats: a write error on standard output is an error, on
# every path that writes there: --help, --version, -v lines, --json
# records and summary, zcp --bench's table, JSON and CSV.  GNU's message,
# once ("zcp: write error: No space left on device"), and exit status 1;
# the copy itself is done.  A stdout closed before zcp starts is an error
# only when zcp has something to write there, as with cp.

load helpers

WRITE_ERROR="zcp: write error: No space left on device"

# full ARGS...: runs zcp with stdout on /dev/full; sets status, and err
# to what it wrote on stderr.
full()
{
	[[ -c /dev/full ]] || skip "no /dev/full"
	status=0
	"$ZCP" "$@" > /dev/full 2> stderr.txt || status=$?
	err=$(cat stderr.txt)
}

# closed ARGS...: the same with stdout closed.
closed()
{
	status=0
	"$ZCP" "$@" >&- 2> stderr.txt || status=$?
	err=$(cat stderr.txt)
}

@test "--help on a full stdout: write error, exit 1" {
	full --help
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
}

@test "--version on a full stdout: write error, exit 1" {
	full --version
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
}

@test "--version on a closed stdout: Bad file descriptor, exit 1" {
	closed --version
	assert_status 1
	assert_eq "$err" "zcp: write error: Bad file descriptor" "stderr"
}

@test "a silent copy with stdout closed or full: exit 0, no message" {
	printf 'data\n' > a
	closed a b
	assert_status 0
	assert_eq "$err" "" "stderr"
	cmp a b
	full a c
	assert_status 0
	assert_eq "$err" "" "stderr"
	cmp a c
}

@test "-v on a full stdout: the copy is made, write error, exit 1" {
	printf 'data\n' > a
	full -v a b
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
	cmp a b
}

@test "--json on a full stdout: the copy is made, write error, exit 1" {
	printf 'data\n' > a
	full --json a b
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
	cmp a b
}

# Records larger than stdout's buffer: stdio fails in the middle of the
# copy too, and the message is still printed once.
@test "--json of a tree on a full stdout: one write error, exit 1" {
	local i
	mkdir t
	for ((i = 0; i < 400; i++)); do
		printf '%d\n' "$i" > "t/file-with-a-long-name-$i"
	done
	full -r --json -j2 t u
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
	diff -r t u
	# The records would not fit in one buffer: the test means something.
	"$ZCP" -r --json -j2 t w > out.json
	(($(fsize out.json) > 65536))
}

@test "--json with -v on a full stdout: -v on stderr, one write error" {
	printf 'data\n' > a
	full --json -v a b
	assert_status 1
	assert_match "$err" "^'a' -> 'b'
$WRITE_ERROR\$" "stderr"
}

@test "--bench on a full stdout: write error, exit 1, nothing left behind" {
	mkdir out
	full --bench=rw --bench-size=1M --runs=1 out
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
	assert_eq "$(ls -A out)" "" "files left in out"
}

@test "--bench --json and --csv on a full stdout: write error, exit 1" {
	mkdir out
	full --bench=rw --bench-size=1M --runs=1 --json out
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
	full --bench=rw --bench-size=1M --runs=1 --csv out
	assert_status 1
	assert_eq "$err" "$WRITE_ERROR" "stderr"
}
