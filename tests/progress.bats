#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/progress.bats: zcp --progress as a person sees it.  In a real
# terminal (tmux, read back with capture-pane): the bar moves inside one
# file, fits the width, ends with one clean summary line, and Ctrl-C
# leaves a clean line.  Off a terminal: plain lines.  SIGUSR1 prints one
# status line with or without --progress.  Copies are slowed down with
# strace's delay injection (or fed from a FIFO) so there is time to look.

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
load poll

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

# term COLS CMD: runs CMD in a detached tmux terminal COLS wide.
term() {
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x "$1" -y 12 \
	    "LC_ALL=${TEST_LOCALE:-C.UTF-8} $2; echo rc=\$? > rc; sleep 600"
}

screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p | sed -e 's/ *$//' -e '/^$/d'
}

on_screen() {
	screen | grep -qE -- "$1"
}

# wait_for REGEX: polls the screen until a line matches (10 s at most).
wait_for() {
	poll 100 0.1 on_screen "$1" && return 0
	screen >&2
	return 1
}

wait_rc() {
	poll 300 0.1 test -s rc
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
	wait_for '^ +[0-9]+% \[.*\] [0-9.]+ [KM]iB/6\.00 MiB [0-9.]+ [KM]iB/s .*ETA [0-9]+:[0-9][0-9] 0/1 file big$'
	first=$(screen | grep -oE '^ +[0-9]+%' | tr -d ' %')
	# Unicode blocks in a UTF-8 locale.
	screen | grep -q $'\u2588\\|\u258f\\|\u258e\\|\u258d\\|\u258c\\|\u258b\\|\u258a\\|\u2589'
	sleep 1.5
	second=$(screen | grep -oE '^ +[0-9]+%' | tr -d ' %')
	[ "$second" -gt "$first" ]
	wait_rc
	screen
	[ "$(cat rc)" = "rc=0" ]
	# One line is left: the summary, and nothing of the bar.
	[ "$(screen | wc -l)" -eq 1 ]
	[[ "$(screen)" =~ ^zcp:\ copied\ 6\.00\ MiB\ \(1\ file\)\ in\ [0-9.]+\ s,\ [0-9.]+\ [KM]iB/s$ ]]
	cmp big copy
}

@test "progress: a long name is shortened in the middle to fit" {
	need_tmux
	need_strace
	n=a-file-with-a-rather-long-name-that-cannot-fit-in-the-line.bin
	head -c 4M /dev/urandom > $n
	TEST_LOCALE=C term 80 "$SLOW $ZCP -g --engine=rw $n copy"
	wait_for '% \[[=> ]+\] .* a-f.*\.\.\..*\.bin$'
	screen
	[ "$(screen | wc -l)" -eq 1 ]
	[ "$(screen | awk '{ print length($0) }')" -le 79 ]
	wait_rc
	cmp $n copy
}

@test "progress: the line fits a narrow terminal; ASCII bar in the C locale" {
	need_tmux
	need_strace
	head -c 4M /dev/urandom > big
	TEST_LOCALE=C term 40 "$SLOW $ZCP -g --engine=rw big copy"
	wait_for '^ +[0-9]+% \[[=> ]+\] '
	screen
	[ "$(screen | wc -l)" -eq 1 ]
	[ "$(screen | awk '{ print length($0) }')" -le 39 ]
	wait_rc
	cmp big copy
}

@test "progress: the width is read again on SIGWINCH" {
	need_tmux
	need_strace
	head -c 6M /dev/urandom > big
	# The C locale: one byte a column, for awk's length().
	TEST_LOCALE=C term 120 "$SLOW $ZCP -g --engine=rw big copy"
	wait_for '% \['
	tmux -S "$TMUX_SOCK" resize-window -x 50 -y 12 2>/dev/null ||
	    skip "this tmux cannot resize a window"
	sleep 0.5
	screen
	[ "$(screen | wc -l)" -eq 1 ]
	[ "$(screen | awk '{ print length($0) }')" -le 49 ]
	wait_rc
}

@test "progress: Ctrl-C leaves a clean line" {
	need_tmux
	need_strace
	head -c 8M /dev/urandom > big
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 12 \
	    "env -i PATH=\"$PATH\" LC_ALL=C.UTF-8 PS1='prompt\$ ' bash --norc --noprofile"
	tmux -S "$TMUX_SOCK" send-keys "$SLOW $ZCP -g --engine=rw big copy" Enter
	wait_for '% \['
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_for '^prompt\$$'
	screen
	# The command line and the new prompt; the bar is gone.
	! screen | grep -q -e '%' -e 'ETA' -e 'zcp:'
}

@test "progress: a tree is counted first, then files done of total" {
	need_tmux
	need_strace
	mkdir -p tree/a tree/b
	for i in 1 2 3; do head -c 1M /dev/urandom > tree/a/f$i; done
	for i in 1 2; do head -c 1M /dev/urandom > tree/b/g$i; done
	ln -s a tree/link
	term 100 "$SLOW $ZCP -g -r --engine=rw tree copy"
	wait_for '5\.00 MiB .* [0-9]/6 files '
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

@test "progress: off a terminal, plain lines every few seconds" {
	need_strace
	head -c 14M /dev/urandom > big
	$SLOW "$ZCP" -g --engine=rw big copy 2> err
	cat err
	grep -qE '^zcp: [0-9.]+ [KM]iB of 14\.0 MiB \([0-9]+%\), 0 of 1 files, 0:0[5-9] elapsed, [0-9.]+ [KM]iB/s, ETA [0-9]+:[0-9]{2}, copying big$' err
	tail -n 1 err | grep -qE '^zcp: copied 14\.0 MiB \(1 file\) in [0-9.]+ s, '
	# No terminal escapes.
	! grep -q $'\e' err
	! grep -q $'\r' err
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
	# The feeder writes 1 MiB, then keeps the FIFO open.
	(head -c 1M /dev/urandom; sleep 30) > fifo &
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
	grep -qE '^zcp: 1\.00 MiB, 0 files, 0:[0-9]{2} elapsed, [0-9.]+ [KMG]?i?B/s, copying fifo$' err
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
	grep -qE '^zcp: [0-9.]+ [KM]iB of 6\.00 MiB \([0-9]+%\), 0 of 1 files, .* copying big$' err
	tail -n 1 err | grep -q '^zcp: copied 6\.00 MiB (1 file)'
}
