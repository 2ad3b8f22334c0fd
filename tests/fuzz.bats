#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# fuzz.bats: the hostile-input suite's three generators, in batches sized
# for where they run.
#
#   tests/fuzz-options.py  random argument lists (zcp's and GNU cp's
#                          options, odd values and operands): no signal,
#                          no sanitizer report, no hang, exit 0 or 1.
#   tests/fault-matrix.py  strace faults in every system call of the data
#                          and metadata path, each errno, each -j.
#   tests/fuzz-names.py    names that are not UTF-8 through --json.
#
# A sanitizer build (tests/run-all's asan phase) runs the long batches:
# the fuzzer's fixed-seed 2,000 cases and the whole fault matrix (about a
# minute each on two cores), where a memory error on an error path shows.
# Any other build runs 150 cases and the matrix's quick subset, seconds.
# ZCP_FUZZ_CASES=N and ZCP_FAULT_MATRIX=full|quick override.
#
# Each prints the command line of any failing case; run the scripts by
# hand for more seeds (--seed, --cases) or to replay one case (--replay).

load helpers

setup()
{
	zcp_setup
	need_cmd python3
}

# The scripts' output is shown on failure; their last line (how many
# cases or runs) goes into the TAP log either way.
show()
{
	printf '%s\n' "$output"
	printf '# %s\n' "${lines[${#lines[@]} - 1]}" >&3
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
	[[ -n $(sanitizer_preload) ]] && mode=
	case ${ZCP_FAULT_MATRIX:-} in
	full)	mode= ;;
	quick)	mode=--quick ;;
	esac
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
