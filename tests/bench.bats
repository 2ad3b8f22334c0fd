#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench.bats: zcp --bench.  The shape of the table, the JSON and the
# CSV (never the timings), the spread and "no clear winner" (with times
# made by strace's delays, not by luck), the system's cp as a contender,
# --to-socket and its reader's check, refused engines, bad input refused
# with one line and exit 1 before anything is written, and no temporary
# file left behind, also after SIGINT.  Small sizes only: --bench-size=4M
# --runs=1.  The JSON is checked against its schema in schema.bats.

load helpers
load poll

setup() {
	zcp_setup
	mkdir out
}

teardown() {
	if [ -n "${MNT:-}" ]; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	fi
	if [ -n "${BG:-}" ]; then
		kill "$BG" 2>/dev/null || true
	fi
}

# The directory holds nothing (no temporary file was left).
empty() {
	[ -z "$(ls -A "$1")" ] || { ls -lA "$1" >&2; return 1; }
}

@test "bench: a table of every engine on a random source" {
	run "$ZCP" --bench --bench-size=4M --runs=1 out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench: a random 4.00 MiB file in 'out' ("*"), Linux "* ]]
	[[ "${lines[1]}" == "1 run of each after a warm-up, interleaved; warm cache; not flushed to disk" ]]
	[[ "$output" =~ engine\ +runs\ +min\ +median\ +max\ +spread\ +rate\ +ratio ]]
	# Every engine has a row: timed (1 run), or refused with a reason.
	for e in clone copy_file_range sendfile splice rw; do
		printf '%s\n' "$output" | grep -qE "^$e +(1 +[0-9.]+ [mu]?s .* - |refused: )"
	done
	printf '%s\n' "$output" | grep -qE '^auto \([a-z_]+\) +1 '
	# And the system's cp, by default, when PATH has one.
	if command -v cp >/dev/null; then
		printf '%s\n' "$output" | grep -qE '^cp +1 '
		printf '%s\n' "$output" | grep -qx "note: cp is $(command -v cp), run as a command: its times include starting and ending a process"
		[[ "${lines[${#lines[@]}-1]}" == "zcp vs cp: "* ]]
	fi
	# The fastest row has the ratio 1.00x.
	printf '%s\n' "$output" | grep -qE ' 1\.00x '
	printf '%s\n' "$output" | grep -qx 'note: one run each measures no spread, so a lead may be noise (--runs=5 or more tells)'
	printf '%s\n' "$output" | grep -qE '^(fastest|no clear winner): '
	empty out
}

@test "bench: SOURCE is copied, never changed, into DIRECTORY" {
	head -c 3000000 /dev/urandom > src
	cp src src.orig
	run "$ZCP" --bench=rw,auto --runs=2 src out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench: 'src' (2.86 MiB, "*") -> 'out' ("*"), Linux "* ]]
	printf '%s\n' "$output" | grep -qE '^rw +2 '
	printf '%s\n' "$output" | grep -qE '^auto \([a-z_]+\) +2 '
	# Only the engines asked for.
	[ "$(printf '%s\n' "$output" | grep -cE '^(rw|auto|clone|copy_file_range|sendfile|splice)[ (]')" -eq 2 ]
	cmp src src.orig
	empty out
}

@test "bench: DIRECTORY defaults to the current directory" {
	cd out
	run "$ZCP" --bench=rw --bench-size=1M --runs=1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench: a random 1.00 MiB file in '.' ("* ]]
	empty .
}

@test "bench: with rw, the last line says how the fastest compares" {
	run "$ZCP" --bench=rw --bench-size=1M --runs=1 out
	[ "$status" -eq 0 ]
	[ "${lines[${#lines[@]}-1]}" = "fastest: rw, the plain read/write loop" ]
	run "$ZCP" --bench=sendfile,rw --bench-size=1M --runs=1 out
	[ "$status" -eq 0 ]
	[[ "${lines[${#lines[@]}-1]}" =~ ^fastest:\ (sendfile,\ [0-9.]+x\ as\ fast\ as\ rw\ \(read/write\)|rw,\ the\ plain\ read/write\ loop)$ ]]
}

@test "bench: --json is one JSON document" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	run "$ZCP" --bench --bench-size=4M --runs=1 --json out
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.json
	[ "$(wc -l < out.json)" -eq 1 ]
	python3 - out.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "bench" and d["source"] is None and d["random_source"]
assert d["bytes"] == 4 << 20 and d["runs"] == 1
assert d["cold"] is False and d["fsync"] is False
assert d["directory"] == "out" and d["kernel"].startswith("Linux ")
assert d["version"] and d["source_fs"] and d["destination_fs"]
assert d["to_socket"] is False
names = [e["engine"] for e in d["engines"]]
want = ["auto", "clone", "copy_file_range", "sendfile", "splice", "rw"]
if d["cp"] is not None:
    want.append("cp")
assert sorted(names) == sorted(want), names
ok = [e for e in d["engines"] if e["status"] == "ok"]
assert ok and d["fastest"] == ok[0]["engine"]
# One run: no spread, so nothing is known of a winner.
assert d["clear_winner"] is None
for e in ok:
    assert len(e["seconds"]) == e["runs"] == 1
    assert e["min_s"] == e["median_s"] == e["max_s"] == e["seconds"][0]
    assert e["spread_percent"] is None
    assert e["ratio_to_fastest"] >= 1.0 and e["bytes_per_second"] > 0
for e in d["engines"]:
    if e["status"] == "refused":
        assert e["errno"].startswith("E") and e["error"]
EOF
	rm out.json
	empty out
}

@test "bench: --csv has a header and one row per engine" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	# Exit 1 where clone is refused: it was asked for.
	status=0
	"$ZCP" --bench=auto,rw,clone --bench-size=1M --runs=1 --csv out \
	    > out.csv || status=$?
	cat out.csv
	[ "$status" -le 1 ]
	python3 - out.csv <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert {r["engine"] for r in rows} == {"auto", "rw", "clone"}, rows
for r in rows:
    assert r["status"] in ("ok", "refused")
    assert r["bytes"] == str(1 << 20)
    assert r["version"] and r["kernel"].startswith("Linux ")
    assert r["to_socket"] == "false"
    if r["status"] == "ok":
        assert int(r["runs"]) == 1 and float(r["median_s"]) > 0
        assert float(r["seconds"]) == float(r["median_s"])
        assert r["within_noise"] in ("true", "false")
    else:
        assert r["error"] and r["errno"].startswith("E")
EOF
	rm out.csv
	empty out
}

@test "bench: an engine asked for and refused is listed, and exit 1" {
	# tmpfs and ext4 cannot clone; where clone works, nothing to check.
	run "$ZCP" --bench=clone --bench-size=1M --runs=1 out
	if [ "$status" -eq 0 ]; then
		skip "this filesystem clones"
	fi
	echo "$output"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -qE '^clone +refused: .+ \(E[A-Z]+\)$'
	printf '%s\n' "$output" | grep -qx 'no engine could copy the source here'
	printf '%s\n' "$output" | grep -q '^zcp: clone: refused by the kernel here: '
	empty out
}

@test "bench: --cold says so, and what the kernel kept in memory" {
	run "$ZCP" --bench=rw --bench-size=1M --runs=1 --cold out
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"; cold cache (the source dropped before each run); "* ]]
	[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no /dev/shm"
	d=$(mktemp -d /dev/shm/zcp-bench.XXXXXX)
	run "$ZCP" --bench=rw --bench-size=1M --runs=1 --cold "$d"
	rmdir "$d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"note: the kernel kept up to 100% of the source in memory"* ]]
}

@test "bench: --fsync is in the header and the JSON" {
	run "$ZCP" --bench=auto --bench-size=1M --runs=1 --fsync out
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"; fsync included" ]]
	run "$ZCP" --bench=auto --bench-size=1M --runs=1 --fsync --json out
	[[ "$output" == *'"fsync":true'* ]]
	empty out
}

@test "bench: --verify times each copy with zcp's check, cp's too; in the header and the JSON" {
	run "$ZCP" --bench=auto,rw,cp --bench-size=1M --runs=1 --verify out
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"; --verify's check included (the copy flushed and read back)" ]]
	run "$ZCP" --bench=rw --bench-size=1M --runs=1 --verify --json out
	[[ "$output" == *'"verify":true'* ]]
	run "$ZCP" --bench=rw --bench-size=1M --runs=1 --json out
	[[ "$output" == *'"verify":false'* ]]
	empty out
}

@test "bench: --verify fails a contender whose copy differs" {
	build_flip
	run env LD_PRELOAD="$FLIP" "$ZCP" \
	    --bench=rw --bench-size=1M --runs=1 --verify out
	[ "$status" -eq 1 ]
	[[ "$output" == *"rw: --verify: the copy differs from "*" at byte 11" ]]
	empty out
}

@test "bench: a sparse source: data only, and the copy checks out" {
	truncate -s 32M sparse
	head -c 1000000 /dev/urandom | dd of=sparse bs=1M seek=10 conv=notrunc status=none
	run "$ZCP" --bench=auto,rw --runs=1 sparse out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"note: the source has holes: the engines copy its data only"* ]]
	empty out
}

@test "bench: bad SOURCE: one line, exit 1, nothing written" {
	: > empty
	mkfifo fifo
	# A directory is a tree to bench (bench-tree.bats).
	run "$ZCP" --bench fifo out
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: --bench needs a regular file or a directory: 'fifo' is a fifo" ]
	run "$ZCP" --bench missing out
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: cannot stat 'missing': No such file or directory" ]
	run "$ZCP" --bench empty out
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: --bench needs data to copy: 'empty' is empty" ]
	empty out
}

@test "bench: bad DIRECTORY: one line, exit 1, nothing written" {
	head -c 1000 /dev/urandom > src
	run "$ZCP" --bench src nodir
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: cannot stat 'nodir': No such file or directory" ]
	run "$ZCP" --bench src src
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: cannot copy into 'src': Not a directory" ]
	run "$ZCP" --bench --bench-size=1E out
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^zcp:\ not\ enough\ free\ space\ in\ \'out\':\ --bench\ needs\ 2\.00\ EiB,\ .+\ available$ ]]
	empty out
}

@test "bench: a DIRECTORY that is not writable: one line, exit 1" {
	head -c 1000 /dev/urandom > src
	chmod 755 .
	chmod 555 out
	if [ "$(id -u)" -ne 0 ]; then
		run "$ZCP" --bench src out
	else
		need_nobody
		zcp_for_nobody
		run "${NOBODY[@]}" "$ZCP_NOBODY" --bench src out
	fi
	chmod 755 out
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: cannot write in 'out': Permission denied" ]
	empty out
}

@test "bench: bad operands and options" {
	run "$ZCP" --bench
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: missing file operand" ]
	run "$ZCP" --bench --bench-size=1M out extra
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: extra operand 'extra'" ]
	run "$ZCP" --bench=nope x
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp: invalid argument "*nope*" for "*--bench* ]]
	run "$ZCP" --bench --runs=0 x
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp: invalid number of runs: "* ]]
	run "$ZCP" --bench --bench-size=lots x
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp: invalid size: "* ]]
	run "$ZCP" --runs=3 a b
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --runs can be used only with --bench" ]
	run "$ZCP" --cold a b
	[ "${lines[0]}" = "zcp: --cold can be used only with --bench" ]
	run "$ZCP" --bench --csv --json x
	[ "${lines[0]}" = "zcp: cannot combine --csv and --json" ]
	run "$ZCP" --bench -r x
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp: --bench cannot be used with -r"* ]]
	run "$ZCP" --bench --engine=rw x
	[[ "${lines[0]}" == "zcp: --bench cannot be used with --engine"* ]]
	run "$ZCP" --bench --atomic x
	[ "${lines[0]}" = "zcp: --bench cannot be used with --atomic or --resume" ]
	run "$ZCP" --bench --resume x
	[ "${lines[0]}" = "zcp: --bench cannot be used with --atomic or --resume" ]
	empty out
}

@test "bench: SIGINT removes the temporary files" {
	# A non-interactive shell starts background jobs with SIGINT ignored,
	# which zcp respects: give it the default disposition back.
	env --default-signal=INT true 2>/dev/null ||
	    skip "env has no --default-signal"
	env --default-signal=INT "$ZCP" --bench --bench-size=64M --runs=1000 \
	    out > bench.out 2> bench.err &
	BG=$!
	# Wait for the source and a copy to exist.
	poll 200 0.05 entries_at_least out 2 || true
	[ "$(ls -A out | wc -l)" -ge 1 ]
	kill -INT "$BG"
	status=0
	wait "$BG" || status=$?
	BG=
	[ "$status" -eq 130 ]
	empty out
}

@test "bench: SIGTERM removes the temporary files" {
	"$ZCP" --bench --bench-size=64M --runs=1000 out > bench.out 2>&1 &
	BG=$!
	poll 200 0.05 entries_at_least out 2 || true
	kill -TERM "$BG"
	status=0
	wait "$BG" || status=$?
	BG=
	[ "$status" -eq 143 ]
	empty out
}

# usr1_term ARGS...: zcp ARGS DIRECTORY out in the background (its
# stderr in bench.err); once it has made its files, SIGUSR1, then SIGTERM;
# its exit status in $status.
usr1_term() {
	"$ZCP" "$@" out > bench.out 2> bench.err &
	BG=$!
	poll 200 0.05 entries_at_least out 2 || true
	sleep 0.2
	kill -USR1 "$BG"
	sleep 0.2
	kill -TERM "$BG"
	status=0
	wait "$BG" || status=$?
	BG=
}

@test "bench: SIGUSR1 prints what is running, and the bench goes on" {
	# Enough runs to last well past the signals, on any machine.
	usr1_term --bench=rw,auto --bench-size=16M --runs=1000
	cat bench.err
	grep -qE '^zcp --bench: (warm-up|run [0-9]+ of 1000), (rw|auto)$' bench.err
	empty out
}

@test "bench: a reflink filesystem: the clone is labelled cloned" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount an XFS image"
	command -v mkfs.xfs >/dev/null || skip "mkfs.xfs is not installed"
	truncate -s 320M xfs.img
	mkfs.xfs -q -m reflink=1 xfs.img 2>/dev/null || skip "mkfs.xfs failed"
	mkdir mnt
	mount -o loop xfs.img mnt 2>/dev/null || skip "cannot mount a loop image"
	MNT=$PWD/mnt
	run "$ZCP" --bench=clone,auto,rw --bench-size=8M --runs=1 mnt
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"in 'mnt' (xfs)"* ]]
	printf '%s\n' "$output" | grep -qE '^clone +1 .* cloned +[0-9.]+x +\(no data copied\)$'
	printf '%s\n' "$output" | grep -qE '^auto \(clone\) +1 .* cloned '
	printf '%s\n' "$output" | grep -qE '^rw +1 .*/s '
	empty mnt
}

# bench_slow_sendfile ARGS...: zcp --bench=sendfile,rw --fsync ARGS under
# strace, each sendfile call 100 ms late, so each sendfile run lasts about
# 200 ms (one call moves the 64 KiB, the next finds the end) while rw
# takes a few ms.  BENCH_STRACE adds -e expressions.
bench_slow_sendfile() {
	strace -f -qq -o /dev/null -e inject=sendfile:delay_enter=100000 \
	    ${BENCH_STRACE:-} "$ZCP" --bench=sendfile,rw --fsync "$@"
}

@test "bench: each engine's spread, and a clear winner named" {
	need_strace
	head -c 65536 /dev/urandom > src
	run bench_slow_sendfile --runs=3 src out
	echo "$output"
	[ "$status" -eq 0 ]
	# The spread column: (max - min) / median, in percent.
	printf '%s\n' "$output" | grep -qE '^sendfile +3 +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9]+% '
	printf '%s\n' "$output" | grep -qE '^rw +3 .* ([0-9]+|>999)% '
	[ "${lines[${#lines[@]}-1]}" = "fastest: rw, the plain read/write loop" ]
	empty out
}

@test "bench: no clear winner when the lead is within the noise" {
	need_strace
	head -c 65536 /dev/urandom > src
	# The fsyncs are sendfile's and rw's in turn (warm-up, then 3
	# rounds): the 8th is rw's last run, made 1 s late.  rw's median
	# stays the fastest, but sendfile's lies within rw's min-max range.
	BENCH_STRACE="-e inject=fsync:delay_enter=1000000:when=8" \
	    run bench_slow_sendfile --runs=3 src out
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qE '^rw +3 .* 1\.00x '
	[ "${lines[${#lines[@]}-1]}" = "no clear winner: rw and sendfile are within each other's noise (a median inside another's min-max range)" ]
	BENCH_STRACE="-e inject=fsync:delay_enter=1000000:when=8" \
	    run bench_slow_sendfile --runs=3 --json src out
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["clear_winner"] is False and d["fastest"] == "rw", d
e = {x["engine"]: x for x in d["engines"]}
assert e["rw"]["within_noise"] and e["sendfile"]["within_noise"]
assert e["rw"]["max_s"] >= 1.0 and e["rw"]["spread_percent"] > 100
assert len(e["rw"]["seconds"]) == 3 and max(e["rw"]["seconds"]) >= 1.0
' "$output"
	empty out
}

@test "bench: the system's cp, alone: the cp found in PATH, timed as a command" {
	head -c 300000 /dev/urandom > src
	mkdir bin
	# A cp that says how it was run, then runs the real one.
	printf '#!/bin/sh\necho "$@" >> %s/calls\nexec %s "$@"\n' \
	    "$PWD" "$(command -v cp)" > bin/cp
	chmod +x bin/cp
	run env PATH="$PWD/bin:$PATH" "$ZCP" --bench=cp --runs=2 src out
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qE '^cp +2 .* 1\.00x '
	printf '%s\n' "$output" | grep -qx "note: cp is $PWD/bin/cp, run as a command: its times include starting and ending a process"
	# The warm-up and two runs, each into a new file in DIRECTORY.
	[ "$(wc -l < calls)" -eq 3 ]
	grep -qxE -- "-- src out/\.zcp-bench\.[0-9]+\.[0-9]+" calls
	[ "$(sort -u calls | wc -l)" -eq 3 ]
	empty out
}

@test "bench: zcp against cp in one command, in the JSON too" {
	command -v cp >/dev/null || skip "no cp in PATH"
	head -c 300000 /dev/urandom > src
	run "$ZCP" --bench=auto,cp --runs=3 src out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[${#lines[@]}-1]}" =~ ^zcp\ vs\ cp:\ (zcp,\ auto\ \([a-z_]+\),\ is\ [0-9.]+x\ as\ fast\ as\ cp|cp\ is\ [0-9.]+x\ as\ fast\ as\ zcp,\ auto\ \([a-z_]+\)|no\ clear\ difference:\ auto\ \([a-z_]+\)\ and\ cp\ are\ within\ each\ other\'s\ noise)$ ]]
	run "$ZCP" --bench=auto,cp --runs=3 --json src out
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
e = {x["engine"]: x for x in d["engines"]}
assert e["cp"]["status"] == "ok" and e["cp"]["used"] is None
assert len(e["cp"]["seconds"]) == 3 and d["cp"].endswith("/cp")
r = e["cp"]["median_s"] / e["auto"]["median_s"]
assert abs(d["auto_speedup_over_cp"] - r) < 1e-6 * r
assert isinstance(d["auto_vs_cp_clear"], bool)
' "$output"
	empty out
}

@test "bench: cp not in PATH: skipped, and said so" {
	head -c 100000 /dev/urandom > src
	# Asked for: exit 1.
	run --separate-stderr env PATH=/nonexistent "$ZCP" --bench=rw,cp --runs=1 src out
	echo "$output"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -qE '^cp +skipped: not found in PATH$'
	printf '%s\n' "$output" | grep -qE '^rw +1 '
	[ "$stderr" = "zcp: cp: not found in PATH" ]
	# In the default set: a row that says so, exit 0.
	run --separate-stderr env PATH=/nonexistent "$ZCP" --bench --runs=1 src out
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qE '^cp +skipped: not found in PATH$'
	[ "$stderr" = "" ]
	run env PATH=/nonexistent "$ZCP" --bench --runs=1 --json src out
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
cp = [x for x in d["engines"] if x["engine"] == "cp"][0]
assert cp["status"] == "skipped" and cp["error"] == "not found in PATH"
assert cp["runs"] == 0 and cp["seconds"] == [] and d["cp"] is None
' "$output"
	empty out
}

@test "bench: a cp that fails or copies wrong: one line, exit 1" {
	head -c 100000 /dev/urandom > src
	mkdir bin
	printf '#!/bin/sh\nexit 3\n' > bin/cp
	chmod +x bin/cp
	run --separate-stderr env PATH=$PWD/bin "$ZCP" --bench=cp src out
	[ "$status" -eq 1 ]
	[ "$stderr" = "zcp: cp: $PWD/bin/cp exited with status 3 copying 'src'" ]
	empty out
	printf '#!/bin/sh\nprintf x > "$3"\n' > bin/cp
	run --separate-stderr env PATH=$PWD/bin "$ZCP" --bench=cp src out
	[ "$status" -eq 1 ]
	[ "$stderr" = "zcp: cp: the copy differs from 'src' at byte 1" ] ||
	    [ "$stderr" = "zcp: cp: the copy differs from 'src' at byte 2" ]
	empty out
}

@test "bench: SIGTERM while cp runs: cp is ended and no file is left" {
	head -c 100000 /dev/urandom > src
	mkdir bin
	# A slow cp: it would create its copy after zcp is gone.
	printf '#!/bin/sh\necho $$ > %s/cp.pid\nsleep 2\nexec %s "$@"\n' \
	    "$PWD" "$(command -v cp)" > bin/cp
	chmod +x bin/cp
	PATH=$PWD/bin:$PATH "$ZCP" --bench=cp src out > bench.out 2>&1 &
	BG=$!
	poll 200 0.05 test -s cp.pid
	kill -TERM "$BG"
	status=0
	wait "$BG" || status=$?
	BG=
	[ "$status" -eq 143 ]
	gone "$(cat cp.pid)"
	sleep 2.5
	empty out
}

@test "bench: --to-socket: every engine that can send into a socket, and auto" {
	run "$ZCP" --bench --to-socket --bench-size=4M --runs=1 out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench: a random 4.00 MiB file in 'out' ("*") -> a loopback TCP connection, Linux "* ]]
	[ "${lines[1]}" = "1 run of each after a warm-up, interleaved; warm cache; each run ends when the reader has received the last byte" ]
	for e in sendfile splice rw; do
		printf '%s\n' "$output" | grep -qE "^$e +1 .*/s "
	done
	printf '%s\n' "$output" | grep -qE '^auto \(sendfile\) +1 '
	run ! grep -qE '^(clone|copy_file_range|cp) ' <<< "$output"
	empty out
}

@test "bench: --to-socket with SOURCE: no DIRECTORY; a file engine is refused" {
	head -c 1000000 /dev/urandom > src
	cp src src.orig
	run --separate-stderr "$ZCP" --bench=copy_file_range,sendfile,rw --to-socket --runs=2 src
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "zcp --bench: 'src' (977 KiB, "*") -> a loopback TCP connection, Linux "* ]]
	printf '%s\n' "$output" | grep -qE '^sendfile +2 '
	printf '%s\n' "$output" | grep -qE '^copy_file_range +refused: Invalid argument \(EINVAL\)$'
	[ "$stderr" = "zcp: copy_file_range: refused by the kernel here: Invalid argument" ]
	cmp src src.orig
	run "$ZCP" --bench=sendfile,rw --to-socket --runs=2 --json src
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["to_socket"] is True and d["directory"] is None
assert d["destination_fs"] is None and d["source"] == "src"
assert [x["status"] for x in d["engines"]] == ["ok", "ok"]
' "$output"
	[ -z "$(ls -A out)" ]
}

@test "bench: --to-socket: the reader checks what it received" {
	need_strace
	head -c 1000000 /dev/urandom > src
	n=$(call_index read src --bench=rw --to-socket --runs=1 src)
	[ -n "$n" ]
	# rw's first read of the source says "end of file": nothing sent.
	run zcp_strace "inject=read:retval=0:when=$n" -- --bench=rw \
	    --to-socket --runs=1 src
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[${#lines[@]}-1]}" = "zcp: rw: the reader received 0 bytes of 'src', not 1000000" ]
	# It says it read 4096 bytes, but read none: stale bytes are sent.
	run zcp_strace "inject=read:retval=4096:when=$n" -- --bench=rw \
	    --to-socket --runs=1 src
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "${lines[${#lines[@]}-1]}" =~ ^zcp:\ rw:\ the\ bytes\ the\ reader\ received\ differ\ from\ \'src\'\ at\ byte\ [0-9]+$ ]]
}

@test "bench: --to-socket refuses --fsync, cp and a DIRECTORY" {
	head -c 1000 /dev/urandom > src
	run "$ZCP" --bench --to-socket --fsync src
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --to-socket cannot be used with --fsync (a socket has nothing to flush)" ]
	run "$ZCP" --bench=cp --to-socket src
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --to-socket cannot be used with --bench=cp (cp cannot write into a socket)" ]
	run "$ZCP" --bench --to-socket --verify src
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --to-socket cannot be used with --verify (a socket cannot be read back)" ]
	run "$ZCP" --bench --to-socket src out
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: extra operand 'out'" ]
	run "$ZCP" --to-socket src out
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --to-socket can be used only with --bench" ]
}

# --sweep.  Tiny sizes and --runs (or a small --sweep-time) only; nothing
# here depends on how fast a copy is, except the slowed engine's test,
# whose shim makes each of its calls 100 ms late.

# pick_py MODULE...: $PY, a python3 that has the modules, or skip.
pick_py() {
	local p m
	for p in /usr/bin/python3 python3; do
		command -v "$p" >/dev/null 2>&1 || continue
		for m; do
			"$p" -c "import $m" 2>/dev/null || continue 2
		done
		PY=$p
		return 0
	done
	skip "needs python3 with $*"
}

@test "bench --sweep: a row for each size, a column for each contender, a verdict" {
	run "$ZCP" --bench=rw,auto,sendfile --sweep=4K,64K --runs=2 out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench --sweep: random files of 4.00 KiB to 64.0 KiB in 'out' ("*"), Linux "* ]]
	[[ "${lines[1]}" == "at each size, a warm-up then 2 runs of each, interleaved; warm cache; not flushed to disk; took "* ]]
	[ "${lines[2]}" = "median throughput in MiB/s" ]
	[[ "${lines[3]}" =~ ^\ +size\ +runs\ +sendfile\ +rw\ +auto\ +fastest$ ]]
	[[ "${lines[4]}" =~ ^\ 4\.00\ KiB\ +2(\ +[0-9.]+){3}\ \ (sendfile|rw|auto|no\ clear\ winner)$ ]]
	[[ "${lines[5]}" =~ ^\ 64\.0\ KiB\ +2(\ +[0-9.]+){3}\ \ (sendfile|rw|auto|no\ clear\ winner)$ ]]
	[ "${#lines[@]}" -eq 6 ]
	empty out
}

@test "bench --sweep: the default contenders; one never accepted is listed under the table" {
	run "$ZCP" --bench --sweep=4K --runs=1 out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench --sweep: a random file of 4.00 KiB in 'out' ("* ]]
	[[ "$output" =~ size\ +runs\ +copy_file_range\ +sendfile\ +splice\ +rw\ +auto\ +cp\ +fastest ]] ||
	    [[ "$output" =~ size\ +runs\ +clone\ +copy_file_range ]]
	if ! [[ "$output" =~ \ clone\  ]]; then
		printf '%s\n' "$output" | grep -qE '^clone: refused: .+ \(E[A-Z]+\)$'
	fi
	printf '%s\n' "$output" | grep -qx "note: cp is $(command -v cp), run as a command: its times include starting and ending a process"
	empty out
}

@test "bench --sweep: --chart draws the curves with characters; not by default when stdout is no terminal" {
	run "$ZCP" --bench=rw,auto --sweep=4K,64K --runs=1 out
	[ "$status" -eq 0 ]
	[[ "$output" != *"median throughput against file size"* ]]
	run env LC_ALL=C "$ZCP" --bench=rw,auto --sweep=4K,64K --runs=1 --chart out
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx 'median throughput against file size, both logarithmic (K, M, G: KiB, MiB, GiB)'
	# Ticks labelled on the throughput axis, the sizes under the x axis,
	# a letter for each contender at each size, the legend.
	printf '%s\n' "$output" | grep -qE '^ *[0-9]+[KMG]/s \+'
	printf '%s\n' "$output" | grep -qE '^ +\+-+$'
	printf '%s\n' "$output" | grep -qE '^ +4K +64K *$'
	printf '%s\n' "$output" | grep -qE '^ +r rw  a auto( \([a-z_]+\))?  *$'
	[ "$(printf '%s\n' "$output" | grep -E '^ *([0-9]+[KMG]/s)? [|+]' | grep -o '[ra]' | wc -l)" -eq 4 ]
	run "$ZCP" --bench=rw --sweep=4K --runs=1 --chart=never out
	[[ "$output" != *"median throughput against file size"* ]]
	empty out
}

@test "bench --sweep --json: every run's times, for every size" {
	pick_py json
	run "$ZCP" --bench=rw,auto --sweep=4K,64K --runs=3 --json out
	[ "$status" -eq 0 ]
	"$PY" - "$output" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["type"] == "sweep" and d["directory"] == "out", d
assert d["budget_s"] is None and d["runs_per_size"] == 3
assert d["left_out"] == [] and d["elapsed_s"] > 0
assert [s["bytes"] for s in d["sizes"]] == [4096, 65536]
for s in d["sizes"]:
    assert s["runs"] == 3 and s["elapsed_s"] > 0
    assert sorted(e["engine"] for e in s["engines"]) == ["auto", "rw"]
    for e in s["engines"]:
        assert e["status"] == "ok" and len(e["seconds"]) == 3
        assert e["min_s"] == min(e["seconds"]) and e["max_s"] == max(e["seconds"])
        r = s["bytes"] / e["median_s"]	# median_s: to the nanosecond
        assert abs(e["bytes_per_second"] - r) <= 1e-3 * r, (e, r)
    assert s["fastest"] == s["engines"][0]["engine"]
    assert isinstance(s["clear_winner"], bool)
EOF
	run "$ZCP" --bench=rw --sweep=4K,16K --sweep-time=1 --json out
	[ "$status" -eq 0 ]
	"$PY" - "$output" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["budget_s"] == 1 and d["runs_per_size"] is None, d
# The budget decides, between the fewest and the most runs.
for s in d["sizes"]:
    assert 3 <= s["runs"] <= 25, s["runs"]
    assert len(s["engines"][0]["seconds"]) == s["runs"]
EOF
	empty out
}

@test "bench --sweep --csv: the columns of --bench --csv, the rows of every size" {
	run "$ZCP" --bench=rw,auto --sweep=4K,64K --runs=1 --csv out
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$("$ZCP" --bench=rw --bench-size=4K --runs=1 --csv out | head -n 1)" ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | grep -c ',false,4096,')" -eq 2 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | grep -c ',false,65536,')" -eq 2 ]
	empty out
}

# sweep_plot ARGS...: a sweep with --plot=plot.svg and --json > sweep.json.
sweep_plot() {
	"$ZCP" --bench=copy_file_range,sendfile,rw,auto,cp --sweep=4K,64K \
	    --runs=2 --plot=plot.svg --json "$@" out > sweep.json
}

@test "bench --sweep --plot: an SVG picture, one series for each contender that ran" {
	pick_py json xml.etree.ElementTree
	sweep_plot
	"$PY" - plot.svg sweep.json "$(uname -r)" <<'EOF'
import json, sys
import xml.etree.ElementTree as ET
N = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
d = json.load(open(sys.argv[2]))
assert root.tag == N + "svg", root.tag
ran = {e["engine"] for s in d["sizes"] for e in s["engines"]
       if e["status"] == "ok"}
assert "cp" in ran or d["cp"] is None
series = {g.get("data-engine"): g for g in root.iter(N + "g")
          if g.get("class") == "series"}
assert set(series) == ran, (set(series), ran)
for name, g in series.items():
    line = g.find(N + "polyline")
    points = line.get("points").split()
    # A point, a marker and a band for each size.
    assert len(points) == len(d["sizes"]), points
    assert len(g.findall(N + "path")) == len(d["sizes"])
    assert g.find(N + "polygon") is not None
    # cp dashed, the others not.
    assert (line.get("stroke-dasharray") is not None) == (name == "cp")
texts = ["".join(t.itertext()) for t in root.iter(N + "text")]
legend = [g for g in root.iter(N + "g") if g.get("id") == "legend"][0]
labels = ["".join(t.itertext()) for t in legend.iter(N + "text")]
for name in ran:
    assert any(l.split(" ")[0] == name for l in labels), (name, labels)
# The title names the kernel, the file systems and the cache.
sub = texts[1]
assert sys.argv[3] in sub and "warm cache" in sub, sub
assert d["source_fs"] in sub and d["destination_fs"] in sub, sub
# Axes: ticks with labels.
assert any(t.endswith("iB/s") for t in texts), texts
assert "4 KiB" in texts and "64 KiB" in texts, texts
assert root.find(N + "rect[@id='plot-area']") is not None
EOF
	empty out
}

@test "bench --sweep --plot: rendered, it shows the legend and a line of each series" {
	need_cmd rsvg-convert
	pick_py PIL xml.etree.ElementTree
	sweep_plot
	rsvg-convert -o plot.png plot.svg
	"$PY" - plot.svg plot.png <<'EOF'
import copy, subprocess, sys
import xml.etree.ElementTree as ET
from PIL import Image
S = "http://www.w3.org/2000/svg"
N = "{%s}" % S
ET.register_namespace("", S)
tree = ET.parse(sys.argv[1])
root = tree.getroot()
def rgb(c):
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
def count(img, box, colour):
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    px = img.crop((x0, y0, x1, y1)).getdata()
    return sum(1 for p in px if p[:3] == colour)
area = root.find(N + "rect[@id='plot-area']")
plot = [float(area.get(k)) for k in ("x", "y", "width", "height")]
plot = (plot[0], plot[1], plot[0] + plot[2], plot[1] + plot[3])
legend = [g for g in root.iter(N + "g") if g.get("id") == "legend"][0]
box = legend.find(N + "rect")
lb = [float(box.get(k)) for k in ("x", "y", "width", "height")]
lb = (lb[0], lb[1], lb[0] + lb[2], lb[1] + lb[3])
# The legend lies beside the plot, not over it.
assert lb[0] >= plot[2], (lb, plot)
series = [g for g in root.iter(N + "g") if g.get("class") == "series"]
colours = {g.get("data-engine"): rgb(g.find(N + "polyline").get("stroke"))
           for g in series}
assert len(set(colours.values())) == len(colours), colours
full = Image.open(sys.argv[2]).convert("RGB")
for name, c in colours.items():
    n = count(full, lb, c)
    print(name, "legend", n)
    assert n >= 20, (name, "not in the legend")
# Each series alone, without its markers: its line, in its colour, in the
# plot.
for g in series:
    t = copy.deepcopy(tree)
    r = t.getroot()
    for other in list(r):
        if other.tag == N + "g" and (other.get("id") == "legend" or
                (other.get("class") == "series" and
                 other.get("data-engine") != g.get("data-engine"))):
            r.remove(other)
        elif other.get("class") == "series":
            for m in other.findall(N + "path"):
                other.remove(m)
    t.write("one.svg")
    subprocess.run(["rsvg-convert", "-o", "one.png", "one.svg"], check=True)
    n = count(Image.open("one.png").convert("RGB"), plot,
              colours[g.get("data-engine")])
    print(g.get("data-engine"), "plot", n)
    assert n >= 60, (g.get("data-engine"), "draws no line", n)
EOF
	empty out
}

# build_slow: an LD_PRELOAD shim (in $SLOW, with the sanitizer runtimes
# first) whose sendfile(2) sleeps 100 ms before each call.
build_slow() {
	need_cmd cc
	cat > "$BATS_TEST_TMPDIR/slow.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

ssize_t
sendfile(int out, int in, off_t *off, size_t n)
{
	static ssize_t (*real)(int, int, off_t *, size_t);
	struct timespec ts = { 0, 100000000 };

	if (real == NULL)
		real = (ssize_t (*)(int, int, off_t *, size_t))dlsym(RTLD_NEXT,
		    "sendfile");
	(void)nanosleep(&ts, NULL);
	return real(out, in, off, n);
}
SHIM
	cc -shared -fPIC -O2 -o "$BATS_TEST_TMPDIR/slow.so" \
	    "$BATS_TEST_TMPDIR/slow.c" -ldl || skip "cannot build a shim"
	SLOW="$(sanitizer_preload)$BATS_TEST_TMPDIR/slow.so"
}

@test "bench --sweep on tmpfs: an engine slowed down is the lowest curve, in the table, the JSON and the plot" {
	[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no /dev/shm"
	pick_py json xml.etree.ElementTree
	build_slow
	d=$(mktemp -d /dev/shm/zcp-sweep.XXXXXX)
	status=0
	env LD_PRELOAD="$SLOW" "$ZCP" --bench=copy_file_range,sendfile,splice,rw,auto \
	    --sweep=4K,64K --runs=2 --plot=plot.svg "$d" > table.txt || status=$?
	env LD_PRELOAD="$SLOW" "$ZCP" --bench=sendfile,rw,auto --sweep=4K,64K \
	    --runs=2 --json "$d" > sweep.json || status=$?
	rmdir "$d"
	cat table.txt
	[ "$status" -eq 0 ]
	# Each row: sendfile's median throughput is the lowest.
	awk '$2 == "KiB" {
		for (i = 4; i <= 8; i++) if (i != 5 && $i + 0 <= $5 + 0) bad = 1
		rows++
	} END { exit bad || rows != 2 }' table.txt
	"$PY" - sweep.json plot.svg <<'EOF'
import json, sys
import xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
for s in d["sizes"]:
    e = {x["engine"]: x["median_s"] for x in s["engines"]}
    assert max(e, key=e.get) == "sendfile", e
    assert s["engines"][-1]["engine"] == "sendfile"
N = "{http://www.w3.org/2000/svg}"
lines = {g.get("data-engine"): [tuple(map(float, p.split(",")))
         for p in g.find(N + "polyline").get("points").split()]
         for g in ET.parse(sys.argv[2]).getroot().iter(N + "g")
         if g.get("class") == "series"}
# SVG's y grows downwards: the lowest curve has the largest y at each x.
for i in range(2):
    ys = {name: pts[i][1] for name, pts in lines.items()}
    assert max(ys, key=ys.get) == "sendfile", ys
EOF
}

@test "bench --sweep: the default sizes that do not fit are left out, and said so" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	mkdir mnt
	mount -t tmpfs -o size=3m tmpfs mnt 2>/dev/null || skip "cannot mount a tmpfs"
	MNT=$PWD/mnt
	run "$ZCP" --bench=rw --sweep --runs=1 mnt
	echo "$output"
	[ "$status" -eq 0 ]
	# 4 KiB to 1 MiB fit (each needs its source and a copy), 4 MiB to
	# 1 GiB do not.
	[[ "${lines[0]}" == "zcp --bench --sweep: random files of 4.00 KiB to 1.00 MiB in 'mnt' (tmpfs), Linux "* ]]
	printf '%s\n' "$output" | grep -qx "note: 4.00 MiB left out: too large for the free space in 'mnt'"
	printf '%s\n' "$output" | grep -qx "note: 1.00 GiB left out: too large for the free space in 'mnt'"
	[ "$(printf '%s\n' "$output" | grep -cE '^ *[0-9.]+ [KM]iB +1 ')" -eq 5 ]
	run "$ZCP" --bench=rw --sweep --runs=1 --json mnt
	[[ "$output" == *'"left_out":[4194304,16777216,67108864,268435456,1073741824]'* ]]
	# Sizes asked for must fit.
	run "$ZCP" --bench=rw --sweep=4K,2M --runs=1 mnt
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^zcp:\ not\ enough\ free\ space\ in\ \'mnt\':\ --sweep\ needs\ 4\.00\ MiB,\ .+\ available$ ]]
	empty mnt
}

@test "bench --sweep --to-socket: each size sent into a loopback connection" {
	run "$ZCP" --bench --to-socket --sweep=4K,64K --runs=1 out
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zcp --bench --sweep: random files of 4.00 KiB to 64.0 KiB in 'out' ("*") -> a loopback TCP connection, Linux "* ]]
	[[ "${lines[1]}" == *"; each run ends when the reader has received the last byte; took "* ]]
	[[ "$output" =~ size\ +runs\ +sendfile\ +splice\ +rw\ +auto\ +fastest ]]
	empty out
}

@test "bench --sweep: SIGUSR1 prints the size and the run; SIGTERM leaves no file" {
	usr1_term --bench=rw --sweep=16M --runs=1000
	cat bench.err
	[ "$status" -eq 143 ]
	grep -qE '^zcp --bench: 16\.0 MiB \(1 of 1\): (warm-up|run [0-9]+ of 1000), rw$' bench.err
	empty out
}

@test "bench --sweep: bad options and operands: one line, exit 1, nothing written" {
	run "$ZCP" --sweep out
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --sweep can be used only with --bench" ]
	run "$ZCP" --bench --plot=p.svg --bench-size=1M out
	[ "${lines[0]}" = "zcp: --plot can be used only with --sweep" ]
	run "$ZCP" --bench --chart --bench-size=1M out
	[ "${lines[0]}" = "zcp: --chart can be used only with --sweep" ]
	run "$ZCP" --bench --sweep-time=5 --bench-size=1M out
	[ "${lines[0]}" = "zcp: --sweep-time can be used only with --sweep" ]
	run "$ZCP" --bench --sweep --bench-size=1M out
	[ "${lines[0]}" = "zcp: --sweep cannot be used with --bench-size (--sweep=SIZES names the sizes)" ]
	run "$ZCP" --bench --sweep --runs=3 --sweep-time=5 out
	[ "${lines[0]}" = "zcp: cannot combine --runs and --sweep-time" ]
	run "$ZCP" --bench --sweep --chart --json out
	[ "${lines[0]}" = "zcp: cannot combine --chart and --json" ]
	run "$ZCP" --bench --sweep=4K,0 out
	[[ "${lines[0]}" == "zcp: invalid size: "*0* ]]
	run "$ZCP" --bench --sweep=4K,lots out
	[[ "${lines[0]}" == "zcp: invalid size: "*lots* ]]
	run "$ZCP" --bench --sweep --sweep-time=0 out
	[[ "${lines[0]}" == "zcp: invalid time: "*0* ]]
	run "$ZCP" --bench --sweep --chart=sometimes out
	[[ "${lines[0]}" == "zcp: invalid argument "*sometimes*" for "*--chart* ]]
	run "$ZCP" --bench --sweep out extra
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: extra operand 'extra'" ]
	run "$ZCP" --bench --sweep=1E out
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^zcp:\ not\ enough\ free\ space\ in\ \'out\':\ --sweep\ needs\ 2\.00\ EiB,\ .+\ available$ ]]
	run "$ZCP" --bench --sweep=4K --plot=nodir/p.svg out
	[ "$status" -eq 1 ]
	[ "$output" = "zcp: cannot write the plot to 'nodir/p.svg': No such file or directory" ]
	run "$ZCP" --bench --sweep=4K --plot=out out
	[ "$output" = "zcp: cannot write the plot to 'out': Is a directory" ]
	run "$ZCP" --bench --sweep=4K nodir
	[ "$output" = "zcp: cannot stat 'nodir': No such file or directory" ]
	empty out
}
