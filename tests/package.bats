#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/package.bats: the Debian package.  dpkg-buildpackage -us -uc -b
# builds it from a copy of the source tree, with a bats that does not
# exist (the build must not need it: make check skips every file, and
# configure says so); the .deb holds zcp, its manual, both completions
# and its German catalog; unpacked in a scratch root (dpkg -x) the binary runs and
# copies, the manual renders and bash-completion loads the completion;
# lintian reports no error.
#
# About a minute on 2 cores (most of it the build), so not part of make
# check: run it with "make check-package", or "bats tests/package.bats".
# Skips without dpkg-buildpackage and debhelper; tests/fresh-debian does
# the same on a new Debian 12 chroot.
#
# Environment: ZCP_SRCDIR (the source tree; default: this file's parent).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
SRC=$(cd "$SRC" && pwd)
OUT=$BATS_FILE_TMPDIR/pkg

have_tools()
{
	command -v dpkg-buildpackage >/dev/null &&
	    command -v dh >/dev/null && [[ -f $SRC/debian/control ]]
}

need_tools()
{
	command -v dpkg-buildpackage >/dev/null ||
	    skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev)"
	command -v dh >/dev/null ||
	    skip "debhelper is not installed (apt-get install debhelper)"
	[[ -f $SRC/debian/control ]] || skip "no debian/ in $SRC"
}

# The source files: what git knows of (tracked and untracked, not
# ignored) in a checkout, else the whole tree (an unpacked tarball).
copy_source()
{
	local dst=$1
	mkdir -p "$dst"
	if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$SRC" ls-files -z --cached --others --exclude-standard |
		    (cd "$SRC" && while IFS= read -r -d '' f; do
			[[ -e $f ]] && printf '%s\0' "$f"
		    done | tar --null -T - -cf -) | tar -xf - -C "$dst"
	else
		cp -pR "$SRC"/. "$dst"/
	fi
}

setup_file()
{
	have_tools || return 0
	mkdir -p "$OUT"
	copy_source "$OUT/zcp" || return 1
	(
		cd "$OUT/zcp" &&
		unset MAKEFLAGS MFLAGS MAKELEVEL DEB_BUILD_OPTIONS &&
		BATS=/nonexistent/bats dpkg-buildpackage -us -uc -b
	) > "$OUT/build.log" 2>&1
	echo $? > "$OUT/status"
	DEB=$(ls "$OUT"/zcp_*.deb 2>/dev/null | head -n 1)
	if [[ -n $DEB ]]; then
		dpkg -x "$DEB" "$OUT/root"
	fi
}

need_deb()
{
	need_tools
	if [[ $(cat "$OUT/status") -ne 0 ]]; then
		tail -n 30 "$OUT/build.log"
		return 1
	fi
	DEB=$(ls "$OUT"/zcp_*.deb | head -n 1)
	ROOT=$OUT/root
}

@test "dpkg-buildpackage -us -uc -b builds zcp's .deb" {
	need_deb
	[[ -f $DEB ]]
	assert_eq "$(dpkg-deb -f "$DEB" Package)" "zcp"
	assert_eq "$(dpkg-deb -f "$DEB" Version)" \
	    "$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)"
}

@test "the build needs no bats: configure says so, make check skips" {
	need_deb
	grep -q '^  bats (make check): *no (make check will skip every test)$' \
	    "$OUT/build.log"
	grep -q '^SKIP: tests/cli.bats - bats is not installed' "$OUT/build.log"
	! grep -qE '^(FAIL|ERROR|PASS): ' "$OUT/build.log"
}

@test "the .deb holds zcp, its manual, the completions and its German" {
	need_deb
	dpkg -c "$DEB" | awk '{ print $NF }' > files.txt
	local f
	for f in ./usr/bin/zcp ./usr/share/man/man1/zcp.1.gz \
	    ./usr/share/bash-completion/completions/zcp \
	    ./usr/share/zsh/vendor-completions/_zcp \
	    ./usr/share/locale/de/LC_MESSAGES/zcp.mo \
	    ./usr/share/doc/zcp/copyright; do
		grep -qxF "$f" files.txt || { echo "no $f"; return 1; }
	done
}

@test "unpacked in a scratch root: the binary runs and copies" {
	need_deb
	run "$ROOT/usr/bin/zcp" --version
	assert_status 0
	assert_match "${lines[0]}" '^zcp [0-9]'
	assert_match "${lines[5]}" '^engines: .*rw$'
	printf 'from the package\n' > a
	run "$ROOT/usr/bin/zcp" -v a b
	assert_status 0
	cmp a b
}

@test "unpacked in a scratch root: the manual renders, the completion loads" {
	need_deb
	if command -v mandoc >/dev/null; then
		mandoc -Tascii "$ROOT/usr/share/man/man1/zcp.1.gz" |
		    sed 's/.\x08//g' | grep -q '^NAME'
	else
		zcat "$ROOT/usr/share/man/man1/zcp.1.gz" | grep -q '^\.Sh NAME'
	fi
	[[ -r /usr/share/bash-completion/bash_completion ]] ||
	    skip "bash-completion is not installed"
	run bash --norc --noprofile -c '
		BASH_COMPLETION_USER_DIR=$1
		. /usr/share/bash-completion/bash_completion
		__load_completion zcp && complete -p zcp' sh \
	    "$ROOT/usr/share/bash-completion"
	assert_status 0
	assert_eq "$output" "complete -F _zcp zcp"
}

@test "lintian reports no error" {
	need_deb
	command -v lintian >/dev/null || skip "lintian is not installed"
	run lintian "$OUT"/zcp_*.changes
	printf '%s\n' "$output" > "$OUT/lintian.txt"
	printf 'lintian: %s\n' "$output"
	! grep -q '^E: ' "$OUT/lintian.txt"
}
