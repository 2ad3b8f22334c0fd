# SPDX-License-Identifier: GPL-3.0-or-later
# tests/nobody.bash: running as the user nobody, for helpers.bash and
# tree-helpers.bash.
# shellcheck shell=bash

# The user nobody, and what it runs.  A test that runs something as nobody
# must not skip because the build tree is out of its reach (a clone in
# /root, mode 700, as the README's own setup makes): what nobody needs is
# copied where it can reach it.  Its skips say "nobody" in their reason,
# and tests/run-all counts them loudly.
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# need_nobody: skips unless this test can run commands as the user nobody
# (as root, with setpriv); as another user, runs them as that user.
need_nobody()
{
	[[ $EUID -eq 0 ]] || return 0
	command -v setpriv >/dev/null 2>&1 ||
	    skip "as nobody: setpriv is not installed"
	id nobody >/dev/null 2>&1 || skip "as nobody: there is no user nobody"
	"${NOBODY[@]}" true 2>/dev/null ||
	    skip "as nobody: setpriv cannot switch to nobody here"
}

# nobody_copy VAR PATH: sets VAR to PATH if the user nobody can read it
# (and run it, or enter it, if root can), else to a copy of it (a
# directory: the whole tree) in $BATS_FILE_TMPDIR/nobody, which nobody
# can reach: bats makes its run directory 0700, and it gets o+x.  Bats
# removes the copies with its directory.  As another user than root: PATH.
nobody_copy()
{
	local var=$1 path=$2 dir=$BATS_FILE_TMPDIR/nobody mode=-r name

	[[ -d $path || -x $path ]] && mode=-x
	if [[ $EUID -ne 0 ]] || "${NOBODY[@]}" test -r "$path" -a "$mode" \
	    "$path" 2>/dev/null; then
		printf -v "$var" '%s' "$path"
		return 0
	fi
	name=${path##*/}
	if [[ ! -e $dir/$name ]]; then
		mkdir -p "$dir" && cp -R "$path" "$dir/$name" &&
		    chmod -R a+rX "$dir" || return 1
	fi
	chmod o+x "$BATS_RUN_TMPDIR" || return 1
	printf -v "$var" '%s' "$dir/$name"
}

# zcp_for_nobody: sets ZCP_NOBODY to a zcp the user nobody can run (see
# nobody_copy), and ZCP_LOCALEDIR, if set, to catalogs it can read.
zcp_for_nobody()
{
	nobody_copy ZCP_NOBODY "$ZCP" || return 1
	if [[ -n ${ZCP_LOCALEDIR:-} && -d $ZCP_LOCALEDIR ]]; then
		nobody_copy ZCP_LOCALEDIR "$ZCP_LOCALEDIR" || return 1
		export ZCP_LOCALEDIR
	fi
}
