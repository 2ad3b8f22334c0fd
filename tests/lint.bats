#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/lint.bats: no assertion in the tests that cannot fail.  bats runs
# a test under set -e, which ignores a command negated with `!` and every
# command of an `&&` list but the last, unless the statement is the
# test's last: `! grep -q x out` or `[ -d a ] && [ -d b ]` in mid-test
# check nothing, or only their last part.  tests/lint-tests finds both
# kinds in tests/*.bats and tests/*.bash (none may be there), and
# shellcheck's SC2314 the first kind in mid-test (where installed).
# The checker itself: a sample of each bad kind is rejected, with its
# line; the forms that do count, and deliberate branches, are accepted;
# a file it cannot read is an error, not a pass.
#
# Environment: ZCP_SRCDIR (the source tree).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
LINT=$SRC/tests/lint-tests

setup()
{
	zcp_setup
	need_cmd python3
}

# at_test FILE: the samples below say %test for @test, which bats would
# take for tests of this file (its preprocessor reads here-documents too).
at_test()
{
	sed -i 's/^%test /@test /' "$1"
}

@test "tests/lint-tests finds no assertion that cannot fail in tests/" {
	run python3 "$LINT" "$SRC"/tests/*.bats "$SRC"/tests/*.bash
	assert_status 0
	assert_eq "$output" ""
}

@test "shellcheck (SC2314) finds no mid-test ! in tests/*.bats" {
	need_cmd shellcheck
	run shellcheck -S error -i SC2314 "$SRC"/tests/*.bats
	assert_status 0
}

@test "lint-tests rejects a mid-test ! cmd, and one in a loop, a group, a helper" {
	cat > bad.bats <<'EOF'
%test "a" {
	run true
	! grep -q x out
	true
}
%test "in a loop, even at its end" {
	for f in a b; do
		! cmp -s "$f" out
	done
}
%test "in a group, an if branch, a case arm" {
	{ ! grep -q x out; }
	if true; then
		! grep -q y out
	fi
	case x in
	x)	! grep -q z out ;;
	esac
	true
}
%test "after ||" {
	true || ! grep -q x out
	true
}
helper() {
	! grep -q x "$1"
	echo done
}
EOF
	at_test bad.bats
	run python3 "$LINT" bad.bats
	assert_status 1
	assert_eq "$(cut -d: -f1-3 <<< "$output")" "bad.bats:3: ! cmd
bad.bats:8: ! cmd
bad.bats:12: ! cmd
bad.bats:14: ! cmd
bad.bats:17: ! cmd
bad.bats:22: ! cmd
bad.bats:26: ! cmd"
}

@test "lint-tests rejects a mid-test && list, and one in a loop, a subshell, a helper" {
	cat > bad.bats <<'EOF'
%test "a" {
	[ -d a ] && [ -d b ]
	rm -rf a d && setup_bk
	[ -f a ] &&
	    [ ! -L a ]
	true || false && true
	true
}
%test "in a loop, even at its end" {
	while read -r f; do
		[ -f "$f" ] && [ ! -s "$f" ]
	done < list
}
%test "in a subshell, a group, an if branch, a case arm" {
	(cd a && ls; true)
	{ [ -d a ] && [ -d b ]; }
	if true; then
		[ -d a ] && [ -d b ]
	fi
	case x in
	x)	[ -d a ] && [ -d b ] ;;
	esac
	true
}
helper() {
	[ -d "$1" ] && [ -d "$2" ]
	echo done
}
EOF
	at_test bad.bats
	run python3 "$LINT" bad.bats
	assert_status 1
	assert_eq "$(cut -d: -f1-3 <<< "$output")" "bad.bats:2: && list
bad.bats:3: && list
bad.bats:4: && list
bad.bats:6: && list
bad.bats:11: && list
bad.bats:15: && list
bad.bats:16: && list
bad.bats:18: && list
bad.bats:21: && list
bad.bats:26: && list"
	# The same in a helper file, and each file is named.
	sed -n '/^helper/,$p' bad.bats > bad.bash
	run python3 "$LINT" bad.bats bad.bash
	assert_status 1
	assert_eq "$(tail -n 1 <<< "$output" | cut -d: -f1-3)" \
	    "bad.bash:2: && list"
}

@test "lint-tests accepts what counts: [[ && ]], run !, the last statement, conditions" {
	cat > good.bats <<'EOF'
%test "a" {
	[[ -d a && -d b ]]
	run ! grep -q x out
	(cd a && ls)
	(true; cd a && ls)
	x=$(cd a && ls)
	assert_eq "$(cd a && ls)" "$(cd b && ls)"
	if [ -d a ] && ! [ -d b ]; then
		echo x
	elif grep -q x out && true; then
		:
	fi
	while [ -d a ] && ! true; do
		:
	done
	[ -d a ] && [ -d b ] || skip "no a or b"
	grep -c x out | grep -q 1
	bash -c 'true && false; ! true'
	awk '/a/ && /b/ { print }' out
	cat <<-EOS
	! grep && true
	EOS
	: "[ -d a ] && [ -d b ]" '! grep'
	[ -d a ] && [ -d b ]
}
%test "a last list in the last case's arm" {
	case x in
	x)	[ -d a ] && [ -d b ] ;;
	esac
}
%test "a last ! and a last list in the branches of the last if" {
	if true; then
		! grep -q x out
	else
		[ -d a ] && [ -d b ]
	fi
}
helper() {
	[ -d "$1" ] && [ -d "$2" ]
}
negated() {
	echo x
	! grep -q x "$1"
}
EOF
	at_test good.bats
	run python3 "$LINT" good.bats
	assert_status 0
	assert_eq "$output" ""
}

@test "lint-tests accepts a deliberate branch: break, return, skip, an assignment, '# control flow'" {
	cat > good.bash <<'EOF'
wait_for() {
	local i
	for ((i = 0; i < 10; i++)); do
		[[ -e $1 ]] && break
		[[ -e $1.tmp ]] && continue
		[[ -e $1.err ]] && return 1
		[[ $i -eq 5 ]] && want=sendfile e=2
		[[ $i -eq 6 ]] && arr+=(x)
		running "$2" && { kill "$2"; false; }
		[ -f x ] && { echo "x is there"; return 1; }
		[ -f y ] && skip "y"
		[ -f z ] && rm z	# control flow
		[ -f w ] &&	# control flow
		    rm w
		sleep 0.1
	done
	echo done
}
EOF
	run python3 "$LINT" good.bash
	assert_status 0
	assert_eq "$output" ""
	# Without the marker, or with a command after the assignment, it
	# is an assertion.
	sed -i 's/\t# control flow$//; s/want=sendfile e=2/want=sendfile cmd/' \
	    good.bash
	run python3 "$LINT" good.bash
	assert_status 1
	assert_eq "$(cut -d: -f1-2 <<< "$output")" "good.bash:7
good.bash:12
good.bash:13"
}

@test "lint-tests rejects kill -0 as a test of a running process, except in poll.bash or on purpose" {
	# CI failed on parallel.bats 10: after poll ... gone, the zombie
	# that gone rightly took for ended made kill -0 true, and the test
	# killed it and failed.
	cat > zombie.bats <<'EOF'
f() {
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; false; }
	until [ -e f ]; do kill -0 "$p" || return 1; done
	run ! kill -0 "$p"
	kill -0 "$p"		# kill -0 on purpose
	running "$p"
}
EOF
	run python3 "$LINT" zombie.bats
	assert_status 1
	assert_eq "$(cut -d: -f1-2 <<< "$output")" "zombie.bats:2
zombie.bats:3
zombie.bats:4"
	assert_match "$output" 'kill -0 is true of a zombie'
	cp zombie.bats poll.bash
	run python3 "$LINT" poll.bash
	assert_status 0
}

@test "lint-tests: a file it cannot parse or read is an error (2), not a pass" {
	printf '@test "x" {\n\tif true; then\n\t\t! false\n}\n' > broken.bats
	run python3 "$LINT" broken.bats
	assert_status 2
	assert_match "$output" '^broken\.bats: cannot check: '
	printf 'f() {\n\tcat <<EOF\nno end\n}\n' > heredoc.bash
	run python3 "$LINT" heredoc.bash
	assert_status 2
	run python3 "$LINT" missing.bats
	assert_status 2
	assert_match "$output" '^missing\.bats: cannot check: '
}

@test "running: a process that has exited and is not yet waited for is not running, though kill -0 says it is" {
	# What made a copy killed at a random point hang CI: zcp finished
	# before the point, and kill_copy's loop on kill -0 spun for ever on
	# the zombie that the test's shell did not reap.  A parent that
	# never waits makes one for sure.
	need_cmd python3
	local zpid
	python3 -c 'import os, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
print(pid, flush=True)
time.sleep(60)' > zpid &
	register_pid "$!"
	poll 200 0.05 test -s zpid
	read -r zpid < zpid
	poll 200 0.05 grep -q ') Z ' "/proc/$zpid/stat"
	kill -0 "$zpid"		# kill -0 on purpose
	run ! running "$zpid"
	gone "$zpid"
}
