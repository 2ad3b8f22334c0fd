#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# The differential test (tests/difftree.py): zcp against GNU cp on
# generated trees, a few seeds per run; run more by hand with
#   tests/difftree.py --seeds 1-200
bats_require_minimum_version 1.5.0

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
DIFFTREE="$BATS_TEST_DIRNAME/difftree.py"

teardown() {
	if [ -n "${NOBODY_TMP:-}" ]; then
		chmod -R u+rwx "$NOBODY_TMP" 2>/dev/null
		rm -rf "$NOBODY_TMP"
	fi
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	command -v python3 >/dev/null || skip "python3 is not installed"
}

difftree_jobs() {
	run python3 "$DIFFTREE" --zcp "$ZCP" --tmp "$BATS_TEST_TMPDIR" \
	    --seeds 1-3 --zcp-arg="-j$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 of 45 runs differ"* ]]
}

@test "difftree: zcp -j1 and cp agree on seeds 1-3, every option set" {
	difftree_jobs 1
}

@test "difftree: zcp -j2 and cp agree on seeds 1-3, every option set" {
	difftree_jobs 2
}

@test "difftree: zcp -j8 and cp agree on seeds 1-3, every option set" {
	difftree_jobs 8
}

@test "difftree: zcp and cp agree as an unprivileged user" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# The system python: nobody cannot use a per-user one.
	local py=/usr/bin/python3
	[ -x "$py" ] || skip "no /usr/bin/python3"
	# nobody must reach the binary and the script.
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    test -x "$ZCP" -a -r "$DIFFTREE" ||
	    skip "the build tree is not readable by nobody"
	# bats' own temporary directory is private to root.
	NOBODY_TMP=$(mktemp -d /tmp/zcp-nobody.XXXXXX)
	chmod 1777 "$NOBODY_TMP"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$py" "$DIFFTREE" --zcp "$ZCP" --tmp "$NOBODY_TMP" --seeds 4-5
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 of "*" runs differ"* ]]
}
