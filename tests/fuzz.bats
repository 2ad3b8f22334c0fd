#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# fuzz.bats: the hostile-input suite's three generators, in batches sized
# for where they run.
#
#   tests/fuzz-options.py  random argument lists (zcp's and GNU cp's
#                          options, odd values and operands): no signal,
#                          no sanitizer report, no hang, exit 0 or 1.  A
#                          sanitizer build (tests/run-all's asan phase)
#                          runs the fixed-seed batch of 2,000 cases; any
#                          other build 150 (ZCP_FUZZ_CASES overrides).
#   tests/fault-matrix.py  strace faults in every system call of the data
#                          and metadata path, each errno, each -j.  The
#                          quick subset here; the whole matrix when
#                          ZCP_FAULT_MATRIX=full (tests/run-all's check
#                          phase sets it).
#   tests/fuzz-names.py    names that are not UTF-8 through --json.
#
# Each prints the command line of any failing case; run the scripts by
# hand for more seeds (--seed, --cases) or to replay one case (--replay).

load helpers

setup()
{
	zcp_setup
	need_cmd python3
}

# The scripts' output is shown on failure.
show()
{
	printf '%s\n' "$output"
}

@test "option fuzzer: a fixed-seed batch, no crash, hang or sanitizer report" {
	local n=150
	[[ -n $(sanitizer_preload) ]] && n=2000
	n=${ZCP_FUZZ_CASES:-$n}
	run python3 "$BATS_TEST_DIRNAME/fuzz-options.py" --zcp "$ZCP" \
	    --seed 1 --cases "$n" --tmp "$BATS_TEST_TMPDIR" --workers 2
	show
	assert_status 0
	assert_match "$output" "fuzz-options: seed 1, $n cases \\([0-9]+ exited 0, [0-9]+ exited 1\\), 0 failed"
}

@test "fault matrix: every injected fault gives exit 0 or 1, a message, JSON and a prefix" {
	need_strace
	local mode=--quick
	[[ ${ZCP_FAULT_MATRIX:-} == full ]] && mode=
	run python3 "$BATS_TEST_DIRNAME/fault-matrix.py" --zcp "$ZCP" $mode \
	    --tmp "$BATS_TEST_TMPDIR" --workers 2
	show
	assert_status 0
	assert_match "$output" "fault-matrix: [0-9]+ runs, 0 failed"
}

@test "malformed names: every --json line is strict UTF-8 JSON and gives the bytes back" {
	run python3 "$BATS_TEST_DIRNAME/fuzz-names.py" --zcp "$ZCP" \
	    --seed 1-3 --names 200 --tmp "$BATS_TEST_TMPDIR"
	show
	assert_status 0
	assert_match "$output" "fuzz-names: seeds 1-3, 200 names each, 0 failed"
}
