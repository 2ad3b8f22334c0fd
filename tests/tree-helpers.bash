# SPDX-License-Identifier: GPL-3.0-or-later
# tests/tree-helpers.bash: what tree.bats and safety.bats share: running
# as an unprivileged user, and the assertions.
# shellcheck shell=bash

# What --debug prints after the -v line of a file, up to the engine.
DBG_RE=$'\n''copy offload: [a-z]+, reflink: [a-z]+, sparse detection: (no|zeros|SEEK_HOLE|SEEK_HOLE \+ zeros), engine: '

# shellcheck source=tests/nobody.bash
source "${BASH_SOURCE[0]%/*}/nobody.bash"

# LeakSanitizer cannot run under ptrace: turn it off for traced runs of a
# sanitizer build (tests/run-all), keep it for the others.
strace()
{
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    command strace "$@"
}

need_root() {
	[[ $EUID -eq 0 ]] || skip "needs root"
}

need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# user_dir: moves to a fresh directory an unprivileged user can reach
# (bats' own tmpdir is not searchable by nobody), in $ZCP_USER_TMPDIR
# (default /tmp), which teardown must remove (user_dir_remove).
user_dir() {
	if [[ $EUID -eq 0 ]]; then
		need_cmd setpriv
		"${NOBODY[@]}" true 2>/dev/null || skip "setpriv cannot switch to nobody"
	fi
	USERDIR=$(mktemp -d "${ZCP_USER_TMPDIR:-/tmp}/zcp-XXXX")
	chmod 1777 "$USERDIR"
	cd "$USERDIR" || return 1
}

# user_dir_remove: for teardown, whatever the test's outcome: removes the
# directory user_dir made, if any, with what nobody left in it.
user_dir_remove() {
	[[ -n ${USERDIR:-} ]] || return 0
	chmod -R u+rwx "$USERDIR" 2>/dev/null || true
	rm -rf "$USERDIR"
	USERDIR=
}

# as_user CMD...: CMD as nobody when root, as is otherwise.  "$ZCP" as
# CMD runs a zcp nobody can reach (nobody.bash's zcp_for_nobody).
as_user() {
	if [[ $EUID -eq 0 ]]; then
		if [[ $1 == "$ZCP" ]]; then
			zcp_for_nobody || return 1
			set -- "$ZCP_NOBODY" "${@:2}"
		fi
		"${NOBODY[@]}" "$@"
	else
		"$@"
	fi
}

# both SETUP ARGS...: runs the function SETUP in gnu/ and in zcp/, then
# GNU cp with ARGS in gnu/ (gnu_status, gnu_out, gnu_err with cp: made
# zcp:) and zcp with ARGS in zcp/ (status, output, stderr, as run).
both() {
	local setup=$1 rc=0
	shift
	mkdir gnu zcp
	(cd gnu && "$setup") || return 1
	(cd zcp && "$setup") || return 1
	(cd gnu && cp "$@" > ../gnu.out 2> ../gnu.err) || rc=$?
	gnu_status=$rc
	gnu_out=$(< gnu.out)
	gnu_err=$(sed 's/^cp:/zcp:/; s/^Try .cp --help/Try '\''zcp --help/' gnu.err)
	cd zcp
	run --separate-stderr "$ZCP" "$@"
	cd ..
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	if [[ "$1" != "$2" ]]; then
		printf '%s\n  expected: %q\n  actual:   %q\n' "${3:-mismatch}" \
		    "$2" "$1"
		return 1
	fi
}

# assert_status N: after run.
assert_status() {
	if [[ $status -ne $1 ]]; then
		printf 'exit status %s, expected %s\nstdout: %s\nstderr: %s\n' \
		    "$status" "$1" "$output" "${stderr-}"
		return 1
	fi
}

# assert_match ACTUAL REGEX [WHAT]
assert_match() {
	if ! [[ "$1" =~ $2 ]]; then
		printf '%s\n  regex:  %s\n  actual: %q\n' "${3:-no match}" "$2" "$1"
		return 1
	fi
}
