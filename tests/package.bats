#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/package.bats: the Debian package.  dpkg-buildpackage -us -uc -b
# builds it from a copy of the source tree twice: with a bats that does
# not exist (the build must not need it: make check skips every file,
# and configure says so), and, where bats is installed, with it (then
# dh_auto_test runs the whole of make check, which must pass: a test
# that holds in a developer's tree and not in the package's build, as
# the zsh completion's directory did, fails the build).  The .deb holds
# zcp, its manual, both completions and its German catalog, the same
# files either way;
# unpacked in a scratch root (dpkg -x) the binary runs and copies, the
# manual renders and bash-completion loads the completion; lintian
# reports no error.
#
# About a minute on 2 cores without bats, and ten more for the build
# that runs make check, so not part of make check: run it with "make
# check-package", or "bats tests/package.bats".  Skips without
# dpkg-buildpackage and debhelper; tests/fresh-debian does the first
# build on a new Debian 12 chroot.
#
# Environment: ZCP_SRCDIR (the source tree; default: this file's parent).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
SRC=$(cd "$SRC" && pwd)
OUT=$BATS_FILE_TMPDIR/pkg
# The build with bats, where it is installed.
WITH=$BATS_FILE_TMPDIR/with-bats

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

# build_deb DIR [VAR=VALUE...]: dpkg-buildpackage -us -uc -b of a copy of
# the source in DIR/zcp, with the variables given; its output in
# DIR/build.log, its status in DIR/status, the .deb in DIR.
build_deb()
{
	local dir=$1 rc=0
	shift
	mkdir -p "$dir"
	copy_source "$dir/zcp" || return 1
	(
		cd "$dir/zcp" || exit 1
		unset MAKEFLAGS MFLAGS MAKELEVEL DEB_BUILD_OPTIONS BATS
		env "$@" dpkg-buildpackage -us -uc -b
	) > "$dir/build.log" 2>&1 || rc=$?
	echo $rc > "$dir/status"
}

setup_file()
{
	have_tools || return 0
	build_deb "$OUT" BATS=/nonexistent/bats || return 1
	DEB=$(ls "$OUT"/zcp_*.deb 2>/dev/null | head -n 1)
	if [[ -n $DEB ]]; then
		dpkg -x "$DEB" "$OUT/root"
	fi
	if command -v bats >/dev/null; then
		build_deb "$WITH" || return 1
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

@test "with bats installed, the build runs make check and every test passes" {
	need_tools
	command -v bats >/dev/null ||
	    skip "bats is not installed: the build that runs make check"
	if [[ $(cat "$WITH/status") -ne 0 ]]; then
		grep -E '^(FAIL|ERROR): ' "$WITH/build.log"
		tail -n 30 "$WITH/build.log"
		return 1
	fi
	grep -q "^  bats (make check): *$(command -v bats)\$" "$WITH/build.log"
	grep -q '^# FAIL: *0$' "$WITH/build.log"
	grep -q '^# ERROR: *0$' "$WITH/build.log"
	local pass
	pass=$(sed -n 's/^# PASS: *//p' "$WITH/build.log" | head -n 1)
	[[ $pass -ge 600 ]]
	# The test that failed there: the zsh completion where debian/rules
	# puts it.
	grep -q '^PASS: tests/completion.bats [0-9]* make install: ' \
	    "$WITH/build.log"
	# The same package.
	dpkg -c "$(ls "$WITH"/zcp_*.deb | head -n 1)" | awk '{ print $NF }' \
	    > with.txt
	dpkg -c "$(ls "$OUT"/zcp_*.deb | head -n 1)" | awk '{ print $NF }' \
	    > without.txt
	diff without.txt with.txt
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
