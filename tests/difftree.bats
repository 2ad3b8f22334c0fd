#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# The differential test (tests/difftree.py): zcp against GNU cp on cases
# built from a seed (several operands into one target, destinations that
# already hold files, links to the source, dangling links, backups,
# read-only destinations, --parents, -i answers...), every option set,
# two scenarios per set and seed, at -j1 and -j2, and as the user nobody
# at -j8 (the threads TSan watches in tests/run-all).  The full run is by
# hand:
#   tests/difftree.py --seeds 1-300 --zcp-arg=-j1 --tmp /dev/shm --summary
bats_require_minimum_version 1.5.0

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
DIFFTREE="$BATS_TEST_DIRNAME/difftree.py"
load nobody

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	command -v python3 >/dev/null || skip "python3 is not installed"
	# A tmpfs when there is one: thousands of small boxes are made and
	# deleted, and rmdir can take milliseconds on a disk file system.
	# Not bats' own directory: the user nobody must reach it.
	BOXES=$(mktemp -d /dev/shm/zcp-difftree.XXXXXX 2>/dev/null ||
	    mktemp -d "${TMPDIR:-/tmp}/zcp-difftree.XXXXXX") || return 1
	chmod 1777 "$BOXES"
}

teardown() {
	if [ -n "${BOXES:-}" ]; then
		chmod -R u+rwx "$BOXES" 2>/dev/null
		rm -rf "$BOXES"
	fi
}

difftree_jobs() {
	run python3 "$DIFFTREE" --zcp "$ZCP" --tmp "$BOXES" --seeds 1-3 \
	    --per-set 2 --zcp-arg="-j$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"0 of "*" runs differ"* ]]
}

@test "difftree: zcp -j1 and cp agree on seeds 1-3, every option set" {
	difftree_jobs 1
}

@test "difftree: zcp -j2 and cp agree on seeds 1-3, every option set" {
	difftree_jobs 2
}

# as_nobody DIFFTREE-ARGS...: runs the differential test as the user
# nobody (skips where that cannot be done) and checks that no run differs.
as_nobody() {
	[ "$(id -u)" -eq 0 ] || skip "as nobody: needs root to switch to nobody"
	need_nobody
	# The system python: nobody cannot use a per-user one.
	local py=/usr/bin/python3 script
	[ -x "$py" ] || skip "as nobody: no /usr/bin/python3"
	# nobody must reach the binary and the script: copies if the build
	# tree is out of its reach.
	zcp_for_nobody
	nobody_copy script "$DIFFTREE"
	run "${NOBODY[@]}" "$py" "$script" --zcp "$ZCP_NOBODY" \
	    --cp "$(command -v cp)" --tmp "$BOXES" "$@"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"0 of "*" runs differ"* ]]
}

@test "difftree: zcp -j8 and cp agree as an unprivileged user, seed 1" {
	as_nobody --seeds 1-1 --per-set 2 --zcp-arg=-j8
}

@test "difftree: as an unprivileged user, -aH onto an existing directory keeps its sticky bit as cp (seed 25)" {
	# An existing directory whose source is read-only: cp sets its
	# extended attributes without making it writable first (it does so
	# for files only), and the mode's rwx bits alone through the ACL,
	# so the destination's sticky bit stays.  zcp lent and took back
	# u+w, and the bit was lost.
	as_nobody --seed 25 --sets aH --scenario pair --zcp-arg=-j1
}

@test "difftree: the generator builds seed 704's cases, and zcp and cp agree on set fi, scenario links" {
	# The links scenario took for a source a name that an earlier hard
	# link had taken in the destination: os.symlink() raised
	# FileExistsError, and the run stopped there.
	run python3 "$DIFFTREE" --zcp "$ZCP" --tmp "$BOXES" --seed 704 \
	    --sets fi --scenario links
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"0 of 1 runs differ"* ]]
	run python3 "$DIFFTREE" --build-only --all-scenarios --seed 704 \
	    --tmp "$BOXES"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 of 952 cases could not be built"* ]]
}

@test "difftree: a case the generator cannot build is a CRASH line, counted, and the run goes on" {
	# A generator that raised on one case ended the whole run with a
	# traceback, hiding every later case.  Here os.symlink() raises
	# once, in the first case built.
	run python3 - "$DIFFTREE" --zcp "$ZCP" --tmp "$BOXES" --seed 1 \
	    --sets r,a --scenario tree <<'PY'
import os, runpy, sys
real, first = os.symlink, [True]
def symlink(*args, **kwargs):
    if first[0]:
        first[0] = False
        raise FileExistsError(17, "injected")
    return real(*args, **kwargs)
os.symlink = symlink
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
PY
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"CRASH seed=1 set=r scenario=tree: the case: FileExistsError: "*"injected"* ]]
	[[ "$output" == *$'\n'"1 of 2 runs differ"* ]]
}
