#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench-tree.bats: zcp --bench on a directory.  A small tree benched
# in both states (--bench-state=fresh, deleted): the contenders listed
# (the batch executor only when this zcp takes --engine=uring), the JSON,
# the source left as it was and no copy left behind; a failing contender
# reported without a verdict; bad input refused with one line and exit 1
# before anything is written; the copies removed after SIGTERM.  Never
# the timings.  The JSON is checked against its schema in schema.bats.

load helpers
load poll

setup() {
	zcp_setup
	mkdir -p src/a/b src/c out
	local i
	for i in $(seq 1 30); do
		head -c $((i * 97)) /dev/urandom > "src/a/f$i"
	done
	: > src/c/empty
	echo x > src/a/b/x
	ln -s f1 src/a/link
	SUM=$(sums src)
}

teardown() {
	if [ -n "${BG:-}" ]; then
		kill "$BG" 2>/dev/null || true
	fi
	zcp_teardown
	if [ -n "${NDIR:-}" ]; then
		rm -rf "$NDIR"
	fi
}

# sums DIR: every name, type, mode, link target and byte of the tree.
sums() {
	(cd "$1" && find . -printf '%p %y %m %l\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}

# The directory holds nothing (no copy was left).
empty() {
	[ -z "$(ls -A "$1")" ] || { ls -lAR "$1" >&2; return 1; }
}

# The contenders this zcp should list, one a line.
contenders() {
	echo "zcp -r -j1"
	echo "zcp -r"
	if "$ZCP" --engine=uring --version > /dev/null 2>&1; then
		echo "zcp -r --engine=uring"
	fi
	echo cp
}

# A cp that fails, first in PATH.
fake_cp() {
	mkdir -p bin
	printf '#!/bin/sh\necho "cp: %s" >&2\n%s\n' "$1" "$2" > bin/cp
	chmod +x bin/cp
}

@test "bench-tree: fresh: a table of the contenders, the source untouched, no copy left" {
	run "$ZCP" --bench --runs=2 src out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench: 'src' (33 files, 4 directories, "*"B, "*") -> 'out' ("*"), Linux "* ]]
	[[ "${lines[1]}" == "2 runs of each after a warm-up, interleaved; warm cache; not flushed to disk" ]]
	[[ "${lines[2]}" == "state: fresh (each run copies to a new name; the copies are removed at the end)" ]]
	[[ "$output" =~ engine\ +runs\ +min\ +median\ +max\ +spread\ +rate\ +ratio ]]
	while read -r c; do
		printf '%s\n' "$output" | grep -qE "^$c +2 +$T_RE"
	done < <(contenders)
	[ "$(printf '%s\n' "$output" | grep -cE "^(zcp|cp) .* 2 +$T_RE")" -eq "$(contenders | wc -l)" ]
	[[ "$output" =~ (fastest: |no\ clear\ winner: ) ]]
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: deleted: the default DEST_DIR is beside the source, and nothing is left there" {
	mkdir top
	mv src top/
	run "$ZCP" --bench --runs=2 --bench-state=deleted top/src
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" -> 'top' ("* ]]
	[[ "${lines[2]}" == "state: deleted (each run copies to the name of the previous copy, removed and synced just before)" ]]
	while read -r c; do
		printf '%s\n' "$output" | grep -qE "^$c +2 +$T_RE"
	done < <(contenders)
	[ "$(sums top/src)" = "$SUM" ]
	[ "$(ls -A top)" = src ]
}

@test "bench-tree: --json: the state, the tree and each contender, in both states" {
	for state in fresh deleted; do
		"$ZCP" --bench --runs=1 --bench-state=$state --json src out > $state.json
		python3 - "$state" "$(contenders | paste -sd,)" $state.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[3]))
state, want = sys.argv[1], sys.argv[2].split(",")
assert d["type"] == "bench" and d["state"] == state, d
assert d["files"] == 33 and d["directories"] == 4, d
assert d["source"] == "src" and d["directory"] == "out", d
assert sorted(e["engine"] for e in d["engines"]) == sorted(want), d
assert all(e["status"] == "ok" and e["runs"] == 1 for e in d["engines"]), d
assert d["fastest"] in want and d["speedup_over_rw"] is None, d
assert d["auto_speedup_over_cp"] > 0, d
EOF
	done
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: a failing contender is reported, no verdict, exit 1, nothing left" {
	fake_cp "simulated failure" "exit 1"
	run env PATH="$PWD/bin:$PATH" "$ZCP" --bench --runs=2 src out
	echo "$output"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -qx "cp  *failed: exit status 1: cp: simulated failure"
	printf '%s\n' "$output" | grep -qx "no verdict: cp failed"
	printf '%s\n' "$output" | grep -qx "zcp: cp failed: exit status 1: cp: simulated failure"
	[[ ! "$output" =~ (^|$'\n')(fastest|no\ clear\ winner|zcp\ vs\ cp): ]]
	printf '%s\n' "$output" | grep -qE "^zcp -r +2 +$T_RE"
	run env PATH="$PWD/bin:$PATH" "$ZCP" --bench --runs=2 --json src out
	[ "$status" -eq 1 ]
	python3 -c '
import json, sys
d = json.loads(sys.argv[1].split("\nzcp: ")[0])
cp = [e for e in d["engines"] if e["engine"] == "cp"][0]
assert cp["status"] == "failed" and cp["runs"] == 0, cp
assert cp["error"] == "exit status 1: cp: simulated failure", cp
assert d["fastest"] is None and d["clear_winner"] is None, d
assert d["auto_speedup_over_cp"] is None, d
' "$output"
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: an unreadable file fails every contender: no verdict" {
	need_nobody
	zcp_for_nobody
	# Out of bats' directory (0700): a place nobody can reach.
	NDIR=$(mktemp -d /tmp/zcp-bench-tree.XXXXXX)
	chmod 755 "$NDIR"
	cp -a src "$NDIR/src"
	mkdir -m 777 "$NDIR/out"
	chmod 000 "$NDIR/src/a/f3"
	SUM=$(sums "$NDIR/src")
	cd "$NDIR"
	run "${NOBODY[@]}" "$ZCP_NOBODY" --bench --runs=1 src out
	echo "$output"
	[ "$status" -eq 1 ]
	while read -r c; do
		printf '%s\n' "$output" | grep -qE "^$c +failed: exit status 1: ([a-z]+: )?cannot open 'src/a/f3' for reading: Permission denied"
	done < <(contenders)
	[[ "$output" == *$'\n'"no verdict: "*" failed"$'\n'* ]]
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: bad input is refused with one line and exit 1, before anything is written" {
	run "$ZCP" --bench --bench-state=later src out
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "zcp: invalid argument "*later*" for "*--bench-state*" (fresh or deleted)" ]]
	run "$ZCP" --bench --bench-state= src out
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$ZCP" --bench-state=fresh src out
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp: --bench-state can be used only with --bench" ]]
	run "$ZCP" --bench --bench-state=deleted src/a/f1 out
	[ "$status" -eq 1 ]
	[[ "$output" == "zcp: --bench-state can be used only with --bench on a directory" ]]
	run "$ZCP" --bench src src/a
	[ "$status" -eq 1 ]
	[[ "$output" == "zcp: cannot copy 'src' into 'src/a': it is inside the source" ]]
	run "$ZCP" --bench --verify src out
	[ "$status" -eq 1 ]
	[[ "$output" == "zcp: --bench on a directory cannot be used with --verify" ]]
	run "$ZCP" --bench=rw src out
	[ "$status" -eq 1 ]
	[[ "$output" == "zcp: --bench on a directory cannot be used with --bench=ENGINES (a tree's contenders are fixed)" ]]
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: --fsync and --cold are taken, and said" {
	run "$ZCP" --bench --runs=1 --fsync --cold --bench-state=deleted src out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "1 run of each after a warm-up, interleaved; cold cache (the source dropped before each run); fsync included" ]]
	printf '%s\n' "$output" | grep -qx "note: cp is $(command -v cp), run as cp -r, then the file system synced"
	[ "$(sums src)" = "$SUM" ]
	empty out
}

@test "bench-tree: SIGTERM ends the running contender and removes the copies" {
	fake_cp "waiting" "touch '$PWD/cp.started'; exec sleep 987"
	PATH="$PWD/bin:$PATH" "$ZCP" --bench --runs=1000 src out > bench.out 2>&1 &
	BG=$!
	register_pid "$BG"
	poll 600 0.05 test -e cp.started
	kill -TERM "$BG"
	status=0
	wait "$BG" || status=$?
	BG=
	[ "$status" -eq 143 ]
	empty out
	run ! pgrep -x -f 'sleep 987'
	[ "$(sums src)" = "$SUM" ]
}
