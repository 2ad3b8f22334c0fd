#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/progress.bats: zcp --progress as a person sees it.  In a real
# terminal (tmux, read back with capture-pane): the bar moves inside one
# file; at 132, 80, 50 and 40 columns the figures come in their order and
# the bar, of one width, goes first; a narrowing resize leaves no stale
# row; -v lines do not hide the line; the end leaves one clean summary
# line, and Ctrl-C a clean line.  Off a terminal: plain lines.  SIGUSR1
# prints one status line with or without --progress.  "flushing" while
# close() or fsync() waits.  Copies are slowed down with strace's delay
# injection (or fed from a FIFO) so there is time to look.

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
load poll

bats_require_minimum_version 1.5.0	# run !

setup() {
	case $ZCP in /*) ;; *) ZCP=$PWD/$ZCP ;; esac
	cd "$BATS_TEST_TMPDIR" || return 1
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
}

teardown() {
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	if [ -n "${BG:-}" ]; then
		kill "$BG" 2>/dev/null || true
	fi
	if [ -n "${FEED:-}" ]; then
		kill "$FEED" 2>/dev/null || true
	fi
}

need_tmux() {
	command -v tmux >/dev/null || skip "tmux is not installed"
}

need_strace() {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -o /dev/null -e inject=write:delay_exit=1 true 2>/dev/null ||
	    skip "strace cannot inject delays here"
}

# LeakSanitizer cannot work under ptrace: off for zcp under strace (when
# zcp is built with AddressSanitizer; harmless otherwise).
NOLEAK="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# A copy that takes about a second per 2 MiB: the rw engine with every
# write(2) delayed by 60 ms (writes are 128 KiB to 1 MiB).
# -f: in a tree the writes are made by the worker threads too.
SLOW="$NOLEAK strace -f -o /dev/null -e trace=write -e inject=write:delay_exit=60000"

# term_at NAME COLS CMD: runs CMD in a detached tmux terminal COLS wide,
# the session NAME; its exit status goes to rc-NAME.
term_at() {
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s "$1" -x "$2" \
	    -y 12 "LC_ALL=${TEST_LOCALE:-C.UTF-8} $3; echo rc=\$? > rc-$1; sleep 600"
}

# term COLS CMD: the same in the session "z".
term() {
	term_at z "$@"
}

# screen_at NAME: the non-empty rows of NAME's terminal (SCREEN_J=-J:
# its lines, the rows of each joined).
screen_at() {
	tmux -S "$TMUX_SOCK" capture-pane -p ${SCREEN_J:-} -t "$1" |
	    sed -e 's/ *$//' -e '/^$/d'
}

screen() {
	screen_at z
}

on_screen_at() {
	screen_at "$1" | grep -qE -- "$2"
}

# wait_for_at NAME REGEX: polls NAME's screen until a line matches (10 s
# at most).
wait_for_at() {
	poll 100 0.1 on_screen_at "$1" "$2" && return 0
	screen_at "$1" >&2
	return 1
}

wait_for() {
	wait_for_at z "$1"
}

# cols STRING: its width in characters (the lines are ASCII or UTF-8).
cols() {
	local LC_ALL=C.UTF-8

	echo "${#1}"
}

# bar_cells LINE: the cells between the bar's brackets.
bar_cells() {
	local b=${1#*[}

	cols "${b%%]*}"
}

wait_rc() {
	poll 300 0.1 test -s rc-"${1:-z}"
}

# size_at_least FILE N: FILE holds N bytes or more.
size_at_least() {
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

@test "progress: a bar that moves inside one large file, then one clean line" {
	need_tmux
	need_strace
	head -c 6M /dev/urandom > big
	term 100 "$SLOW $ZCP -g --engine=rw big copy"
	wait_for '^ +[0-9]+% \[.*\] +[0-9.]+/6\.00 MiB +[0-9.]+ [KM]iB/s +ETA [0-9]+:[0-9][0-9] +1/1 file big$'
	first=$(screen | grep -oE '^ +[0-9]+%' | tr -d ' %')
	# Unicode blocks in a UTF-8 locale.
	screen | grep -q $'\u2588\\|\u258f\\|\u258e\\|\u258d\\|\u258c\\|\u258b\\|\u258a\\|\u2589'
	sleep 1.5
	second=$(screen | grep -oE '^ +[0-9]+%' | tr -d ' %')
	[ "$second" -gt "$first" ]
	wait_rc
	screen
	[ "$(cat rc-z)" = "rc=0" ]
	# One line is left: the summary, and nothing of the bar.
	[ "$(screen | wc -l)" -eq 1 ]
	[[ "$(screen)" =~ ^zcp:\ copied\ 6\.00\ MiB\ \(1\ file\)\ in\ [0-9.]+\ s,\ [0-9.]+\ [KM]iB/s$ ]]
	cmp big copy
}

@test "progress: at 132, 80, 50 and 40 columns the figures come in order, the bar of one width goes first" {
	need_tmux
	need_strace
	src=long-directory-name/big-file-name.bin
	mkdir long-directory-name
	head -c 6M /dev/urandom > $src
	# Four terminals at once; 80 columns in the C locale (ASCII).
	for c in 132 80 50 40; do
		TEST_LOCALE=C.UTF-8
		[ $c -ne 80 ] || TEST_LOCALE=C
		term_at w$c $c "$SLOW $ZCP -g --engine=rw $src copy$c"
	done
	fig='[0-9.]+/6\.00 MiB +[0-9.]+ [KM]iB/s +ETA [0-9]+:[0-9]{2}'
	wait_for_at w132 "^ +[0-9]+% \[[^]]+\] $fig +1/1 file $src\$"
	wait_for_at w80 "^ +[0-9]+% \[[=> ]+\] $fig +1/1 file \.\.\.[a-z-]*-name\.bin\$"
	wait_for_at w50 "^[0-9]+% $fig +1/1 file\$"
	wait_for_at w40 "^[0-9]+% $fig\$"
	# Through the copy: one row, within the width, one bar width.
	for i in 1 2 3 4 5 6 7 8; do
		for c in 132 80 50 40; do
			line=$(screen_at w$c)
			case $line in
			*%*) ;;
			*) continue ;;	# the summary: the copy is over
			esac
			[ "$(echo "$line" | wc -l)" -eq 1 ]
			[ "$(cols "$line")" -le $((c - 1)) ]
			[ $c -le 50 ] || bar_cells "$line" >> bars$c
		done
		sleep 0.2
	done
	sort -u bars132
	sort -u bars80
	[ "$(sort -u bars132 | wc -l)" -eq 1 ]
	[ "$(sort -u bars80 | wc -l)" -eq 1 ]
	# The summary alone is left (on more than one row when narrow).
	for c in 132 80 50 40; do
		wait_rc w$c
		[ "$(cat rc-w$c)" = "rc=0" ]
		[[ "$(SCREEN_J=-J screen_at w$c)" =~ ^zcp:\ copied\ 6\.00\ MiB\ \(1\ file\)\ in\ [0-9.]+\ s,\ [0-9.]+\ [KM]iB/s$ ]]
		cmp $src copy$c
	done
}

@test "progress: a narrowing resize (SIGWINCH) leaves no stale row" {
	need_tmux
	need_strace
	head -c 6M /dev/urandom > big
	# The C locale: one byte a column.  Three rows above the line.
	TEST_LOCALE=C term 120 "printf 'm1\\nm2\\nm3\\n'; $SLOW $ZCP -g --engine=rw big copy"
	wait_for '% \[.*1/1 file big$'
	tmux -S "$TMUX_SOCK" resize-window -t z -x 50 -y 12 2>/dev/null ||
	    skip "this tmux cannot resize a window"
	# The old line, rewrapped on two rows, is replaced by one.
	wait_for '^[0-9]+% [0-9.]+/6\.00 MiB .* 1/1 file$'
	sleep 0.3
	screen
	[ "$(screen | grep -vc '^m[123]$')" -eq 1 ]
	[ "$(screen | awk '{ print length($0) }' | sort -n | tail -n 1)" -le 49 ]
	wait_rc
	[ "$(screen | grep -vc '^m[123]$')" -eq 1 ]
}

@test "progress: Ctrl-C leaves a clean line" {
	need_tmux
	need_strace
	head -c 8M /dev/urandom > big
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s z -x 100 -y 12 \
	    "env -i PATH=\"$PATH\" LC_ALL=C.UTF-8 PS1='prompt\$ ' bash --norc --noprofile"
	tmux -S "$TMUX_SOCK" send-keys -t z "$SLOW $ZCP -g --engine=rw big copy" Enter
	wait_for '% \['
	tmux -S "$TMUX_SOCK" send-keys -t z C-c
	wait_for '^prompt\$$'
	screen
	# The command line and the new prompt; the bar is gone.
	! screen | grep -q -e '%' -e 'ETA' -e 'zcp:'
}

@test "progress: a tree is counted first, then the file being copied of the total" {
	need_tmux
	need_strace
	mkdir -p tree/a tree/b
	for i in 1 2 3; do head -c 1M /dev/urandom > tree/a/f$i; done
	for i in 1 2; do head -c 1M /dev/urandom > tree/b/g$i; done
	ln -s a tree/link
	term 100 "$SLOW $ZCP -g -r --engine=rw tree copy"
	wait_for '/5\.00 MiB .* [1-6]/6 files '
	wait_rc
	[[ "$(screen)" =~ ^zcp:\ copied\ 5\.00\ MiB\ \(6\ files\)\ in ]]
	diff -r tree copy
}

@test "progress: \"counting...\" while the scan runs" {
	need_tmux
	need_strace
	mkdir -p tree/a tree/b
	for i in 1 2 3; do head -c 100K /dev/urandom > tree/a/f$i; done
	# Every getdents64, the scan's and the copy's, takes 0.3 s.
	term 100 "$NOLEAK strace -f -o /dev/null -e trace=getdents64 -e inject=getdents64:delay_exit=300000 $ZCP -g -r tree copy"
	wait_for '^ +\[counting\.\.\. +\] '
	wait_rc
	[[ "$(screen)" =~ ^zcp:\ copied\ 300\ KiB\ \(3\ files\)\ in ]]
	diff -r tree copy
}

@test "progress: with -v the line is drawn again right after each -v line" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	mkdir tree
	for i in 1 2 3 4 5 6; do echo "$i" > tree/f$i; done
	# script gives zcp a terminal and keeps what it wrote.
	script -qec "stty cols 100 rows 20; $ZCP -rvg tree copy" /dev/null > out
	diff -r tree copy
	# The rows zcp wrote, each ended by \n: the -v lines, the summary.
	tr -d '\r' < out | grep -c -- "-> 'copy/f" | grep -qx 6
	# After each -v line, the status line comes back at once: \r, then
	# the line (the files of 6, or so far while counting), its clearing.
	n=$(grep -cE $'^\r.* [0-9](/6)? files?( tree/f[1-6])?\e\\[J\r' <(
	    sed -e $'s/\r$//' out | awk "p { print } { p = /-> 'copy\\/f[1-6]'/ }") || true)
	echo "status lines after -v lines: $n"
	[ "$n" -eq 6 ]
}

@test "progress: off a terminal, plain lines every few seconds" {
	need_strace
	head -c 14M /dev/urandom > big
	$SLOW "$ZCP" -g --engine=rw big copy 2> err
	cat err
	# The file being copied counts: file 1 of 1.
	grep -qE '^zcp: [0-9.]+ [KM]iB of 14\.0 MiB \([0-9]+%\), file 1 of 1, 0:0[5-9] elapsed, [0-9.]+ [KM]iB/s, ETA [0-9]+:[0-9]{2}, copying big$' err
	tail -n 1 err | grep -qE '^zcp: copied 14\.0 MiB \(1 file\) in [0-9.]+ s, '
	# No terminal escapes.
	run ! grep -q $'\e' err
	run ! grep -q $'\r' err
	cmp big copy
}

@test "progress: a quick copy prints only the summary line" {
	head -c 100000 /dev/urandom > small
	run "$ZCP" -g small copy
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^zcp:\ copied\ 97\.7\ KiB\ \(1\ file\)\ in\ [0-9.]+\ s,\ .+/s$ ]]
}

@test "progress: SIGUSR1 prints a status line without --progress" {
	mkfifo fifo
	# The feeder writes 1 MiB, then keeps the FIFO open (until killed:
	# exec, so that $FEED is the sleep).
	(head -c 1M /dev/urandom; exec sleep 30) > fifo &
	FEED=$!
	"$ZCP" fifo copy 2> err &
	BG=$!
	poll 100 0.05 size_at_least copy 1048576 || true
	kill -USR1 "$BG"
	poll 100 0.05 test -s err || true
	kill "$FEED"
	FEED=
	wait "$BG"
	BG=
	cat err
	[ "$(wc -l < err)" -eq 1 ]
	grep -qE '^zcp: 1\.00 MiB, file 1, 0:[0-9]{2} elapsed, [0-9.]+ [KMG]?i?B/s, copying fifo$' err
}

@test "progress: SIGUSR1 with --progress off a terminal" {
	need_strace
	command -v pgrep >/dev/null || skip "pgrep is not installed (procps)"
	head -c 6M /dev/urandom > big
	$SLOW "$ZCP" -g --engine=rw big copy 2> err &
	BG=$!
	sleep 1
	# strace runs zcp as its child.
	pid=$(pgrep -P "$BG" | head -n 1)
	[ -n "$pid" ]
	kill -USR1 "$pid"
	wait "$BG"
	BG=
	cat err
	grep -qE '^zcp: [0-9.]+ [KM]iB of 6\.00 MiB \([0-9]+%\), file 1 of 1, .* copying big$' err
	tail -n 1 err | grep -q '^zcp: copied 6\.00 MiB (1 file)'
}

# usr1_says PID WORD: sends SIGUSR1 to PID; then true if err has WORD.
usr1_says() {
	kill -USR1 "$1"
	sleep 0.1
	grep -q "$2" err
}

# secs TEXT: "7.9 s" or "1:02" in seconds.
secs() {
	case $1 in
	*:*) echo $(( ${1%%:*} * 60 + 10#${1#*:} )) ;;
	*) echo "${1% s}" ;;
	esac
}

# final_figures: from the summary line on the screen of z, sets total
# (seconds), flushing (seconds) and rate (MiB/s).
final_figures() {
	local re='in ([0-9.:]+( s)?) \(([0-9.:]+( s)?) flushing\), ([0-9.]+) ([KMG]iB)/s$'

	[[ "$1" =~ $re ]]
	total=$(secs "${BASH_REMATCH[1]}")
	flushing=$(secs "${BASH_REMATCH[3]}")
	rate=${BASH_REMATCH[5]}
	case ${BASH_REMATCH[6]} in
	KiB) rate=$(awk "BEGIN { print $rate / 1024 }") ;;
	GiB) rate=$(awk "BEGIN { print $rate * 1024 }") ;;
	esac
}

@test "progress: \"flushing\" while close() waits for the disk, not counted in the rate" {
	need_tmux
	need_strace
	head -c 6M /dev/urandom > big
	# The close() of the copy waits 3 s, as on a slow USB stick mounted
	# with "flush"; the data itself is written at full speed.
	term 100 "$NOLEAK strace -f -o /dev/null -P $PWD/copy -e trace=close -e inject=close:delay_enter=3000000 $ZCP -g big copy"
	wait_for '^100% \[.*\] 6\.00/6\.00 MiB flushing( [0-9.]+ [KMGT]?i?B)?\.\.\. +1/1 file big$'
	wait_rc
	screen
	[ "$(cat rc-z)" = "rc=0" ]
	final_figures "$(screen)"
	# The 3 s are said, and left out of the rate: 6 MiB in the time
	# before them.
	awk "BEGIN { exit !($flushing >= 2.5 && $flushing <= $total) }"
	awk "BEGIN { exit !($rate > 6 / ($total - $flushing + 0.1) * 0.5) }"
	awk "BEGIN { exit !($rate > 2 * 6 / $total) }"
	cmp big copy
}

@test "progress: with --fsync the time fsync() waits counts in the rate; SIGUSR1 says \"flushing\"" {
	need_strace
	head -c 6M /dev/urandom > big
	$NOLEAK strace -f -o /dev/null -P "$PWD/copy" -e trace=fsync \
	    -e inject=fsync:delay_enter=3000000 "$ZCP" -g --fsync big copy \
	    2> err &
	BG=$!
	# Once all is written, fsync() waits: ask for the status line then,
	# until it says so.
	poll 100 0.05 size_at_least copy 6291456
	pid=$(pgrep -P "$BG" | head -n 1)
	[ -n "$pid" ]
	poll 25 0.1 usr1_says "$pid" flushing || true
	wait "$BG"
	BG=
	cat err
	grep -qE '^zcp: 6\.00 MiB of 6\.00 MiB \(100%\), file 1 of 1, 0:0[0-9] elapsed, flushing( [0-9.]+ [KMGT]?i?B)?\.\.\., copying big$' err
	final_figures "$(tail -n 1 err)"
	awk "BEGIN { exit !($flushing >= 2.5 && $flushing <= $total) }"
	# 6 MiB over the whole time, the 3 s included.
	awk "BEGIN { exit !($rate < 6 / ($total - 0.1) * 1.2) }"
	cmp big copy
}

@test "progress: --fsync on a tree: the final flush (syncfs) says \"syncing\", and counts as flushing" {
	need_strace
	command -v pgrep >/dev/null || skip "pgrep is not installed (procps)"
	mkdir tree
	head -c 1M /dev/urandom > tree/a
	head -c 1M /dev/urandom > tree/b
	$NOLEAK strace -f -o /dev/null -P "$PWD/copy" -e trace=syncfs \
	    -e inject=syncfs:delay_enter=3000000 "$ZCP" -g -r --fsync tree \
	    copy 2> err &
	BG=$!
	poll 100 0.05 size_at_least copy/b 1048576
	pid=$(pgrep -P "$BG" | head -n 1)
	[ -n "$pid" ]
	poll 25 0.1 usr1_says "$pid" syncing || true
	wait "$BG"
	BG=
	cat err
	grep -qE '^zcp: 2\.00 MiB of 2\.00 MiB \(100%\), .*syncing( [0-9.]+ [KMGT]?i?B)?\.\.\.' err
	final_figures "$(tail -n 1 err)"
	awk "BEGIN { exit !($flushing >= 2.5 && $flushing <= $total) }"
	cmp tree/a copy/a
}
