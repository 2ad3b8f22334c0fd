#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/build.bats: the build and the tarball.  zcp --version in GNU's
# form with the engines of this build (a second build, configured with
# --disable-splice --disable-clone --disable-nls --without-liburing and
# without bats, is
# made once for the file: it must leave them out, speak English, and make
# check must skip with the reason); configure's summary shows directories
# expanded; the package's bug-report address is its own; everything
# README.md names is in the source tree (under make distcheck: in the
# tarball); automake's warnings stay warnings and its TAP driver is
# requested, not copied.
#
# Environment: ZCP, ZCP_SRCDIR (the source tree), ZCP_BUILDDIR (the build
# tree, with config.h).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
BUILD=${ZCP_BUILDDIR:-$(dirname "$ZCP")/..}

# The second build, in $BATS_FILE_TMPDIR/lean: a copy of the source files
# (timestamps kept, so that nothing is regenerated), configured without
# two engines and messages catalogs, and with a bats that does not exist.  Not in a sanitizer
# build's run: the plain and distcheck runs make it already.
setup_file()
{
	local d=$BATS_FILE_TMPDIR/lean f

	[[ -z $(sanitizer_preload) ]] || return 0
	mkdir -p "$d"
	for f in configure configure.ac Makefile.am Makefile.in config.h.in \
	    aclocal.m4 build-aux m4 src man completion tests doc po; do
		if [[ -e $SRC/$f ]]; then
			cp -pR "$SRC/$f" "$d/"
		fi
	done
	rm -rf "$d"/src/*.o "$d"/src/zcp "$d"/src/.deps "$d"/src/.dirstamp
	(
		cd "$d" &&
		unset MAKEFLAGS MFLAGS MAKELEVEL &&
		./configure --disable-splice --disable-clone --disable-nls \
		    --without-liburing \
		    BATS=/nonexistent/bats CFLAGS=-O0 > configure.out 2>&1 &&
		make -j2 src/zcp > make.out 2>&1 &&
		make check TESTS=tests/build.bats > check.out 2>&1
	) || echo "the lean build failed: see $d" > "$d/failed"
}

need_lean()
{
	[[ -z $(sanitizer_preload) ]] ||
	    skip "not in a sanitizer build (the plain build runs it)"
	LEAN=$BATS_FILE_TMPDIR/lean
	if [[ -e $LEAN/failed ]]; then
		tail -n 20 "$LEAN"/*.out
		return 1
	fi
}

@test "--version: GNU's form, then the engines" {
	local v
	v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$BUILD/config.h")
	[[ -n $v ]]
	run --separate-stderr "$ZCP" --version
	assert_status 0
	assert_stderr ""
	assert_eq "${lines[0]}" "zcp $v"
	assert_match "${lines[1]}" '^Copyright \(C\) 20[0-9]{2} the zcp authors\.$'
	assert_eq "${lines[2]}" "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>."
	assert_eq "${lines[3]}" "This is free software: you are free to change and redistribute it."
	assert_eq "${lines[4]}" "There is NO WARRANTY, to the extent permitted by law."
	assert_match "${lines[5]}" '^engines: ([a-z_]+ )*rw$'
	assert_eq "${#lines[@]}" 6 "lines (bats drops the blank one)"
}

@test "--version: the engines this build was configured with" {
	local want
	want=$(sed -n 's/^#define ZCP_ENGINES "\(.*\)"$/\1/p' "$BUILD/config.h")
	run "$ZCP" --version
	assert_eq "${lines[5]}" "engines: $want"
}

@test "--disable-splice --disable-clone: --version lists neither" {
	need_lean
	run "$LEAN/src/zcp" --version
	assert_status 0
	assert_eq "${lines[5]}" "engines: copy_file_range sendfile rw"
	grep -q '^  zcp --version engines: *copy_file_range sendfile rw$' \
	    "$LEAN/configure.out"
	grep -q '^  engine splice: *no$' "$LEAN/configure.out"
	grep -q '^  engine clone (FICLONE): *no$' "$LEAN/configure.out"
}

@test "--without-liburing: configure says so, --engine=uring is refused in one line" {
	need_lean
	grep -q '^  executor uring (liburing): *no$' "$LEAN/configure.out"
	mkdir src
	: > src/f
	run --separate-stderr "$LEAN/src/zcp" -r --engine=uring src dst
	assert_status 1
	assert_eq "$stderr" "zcp: --engine=uring is not available: zcp was built without liburing"
	assert_eq "$output" ""
	[[ ! -e dst ]]
}

@test "--disable-nls: configure says so, zcp speaks English (and libc's strerror)" {
	need_lean
	grep -q '^  messages (NLS): *no$' "$LEAN/configure.out"
	if grep '^#define ENABLE_NLS' "$LEAN/config.h"; then
		return 1
	fi
	locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8' ||
	    skip "locale de_DE.UTF-8 is not generated (build-aux/install-deps generates it)"
	run --separate-stderr env LC_ALL=de_DE.UTF-8 "$LEAN/src/zcp" nosuch x
	assert_status 1
	assert_match "$stderr" "^zcp: cannot stat 'nosuch': "
}

# The summary names the directories things go to, not "${datadir}/...".
@test "configure's summary shows the completion directories expanded" {
	need_lean
	local summary
	summary=$(sed -n '/^zcp .* configured:$/,$p' "$LEAN/configure.out")
	[[ -n $summary ]]
	grep -q '^  bash completion: */.*/bash-completion/completions$' \
	    <<< "$summary"
	grep -q '^  zsh completion: */.*/zsh/site-functions$' <<< "$summary"
	if grep -F '${' <<< "$summary"; then
		return 1
	fi
}

@test "without bats: configure says so, make check skips with the reason" {
	need_lean
	grep -q '^  bats (make check): *no (make check will skip every test)$' \
	    "$LEAN/configure.out"
	grep -q '^SKIP: tests/build.bats - bats is not installed' \
	    "$LEAN/check.out"
	grep -q '^# SKIP: *1$' "$LEAN/check.out"
}

@test "the bug-report address and home page are zcp's own" {
	local bug url
	bug=$(sed -n 's/^#define PACKAGE_BUGREPORT "\(.*\)"$/\1/p' \
	    "$BUILD/config.h")
	url=$(sed -n 's/^#define PACKAGE_URL "\(.*\)"$/\1/p' "$BUILD/config.h")
	assert_match "$bug" 'zcp' "PACKAGE_BUGREPORT"
	assert_match "$url" 'zcp' "PACKAGE_URL"
	[[ $bug$url != *gnu.org* ]]
	# The manual says where to report bugs.
	grep -qF "$bug" "$SRC/man/zcp.1"
}

# The files README.md and bench/README.md name, and the pictures the
# Markdown files show.  Under make distcheck $SRC is the unpacked tarball.
@test "every file the READMEs name is in the source tree (the tarball)" {
	local f missing=
	{
		grep -oE '`[^` ]+`' "$SRC/README.md" | tr -d '`' |
		    grep -E '^\.?[A-Za-z0-9_-]+(/[A-Za-z0-9._-]+)+$'
		grep -oE '`[^` ]+`' "$SRC/bench/README.md" | tr -d '`' |
		    grep -E '^(bench/)?[A-Za-z0-9_-]+\.(md|csv|png|txt)$' |
		    sed 's,^\(bench/\)*,bench/,'
		grep -ohE '\]\([^):]+\)' "$SRC/bench/"*.md | sed 's/^](/bench\//; s/)$//'
	} | sort -u > named.txt
	# Built, or the kernel's: not ours to ship.
	grep -vxE 'src/zcp|po/zcp\.pot|fs/ext4/ialloc\.c' named.txt > ship.txt || true
	[[ $(wc -l < ship.txt) -ge 10 ]]
	while read -r f; do
		[[ -e $SRC/$f ]] || missing="$missing $f"
	done < ship.txt
	[[ -z $missing ]] || { echo "not in $SRC:$missing"; return 1; }
}

@test "automake warnings are not errors; its TAP driver is requested" {
	local init
	init=$(grep '^AM_INIT_AUTOMAKE' "$SRC/configure.ac")
	assert_match "$init" '-Wall' "AM_INIT_AUTOMAKE"
	[[ $init != *-Werror* ]] || { echo "$init"; return 1; }
	grep -qxF 'AC_REQUIRE_AUX_FILE([tap-driver.sh])' "$SRC/configure.ac"
	[[ -f $SRC/build-aux/tap-driver.sh ]]
	if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
		assert_eq "$(git -C "$SRC" ls-files build-aux/tap-driver.sh)" "" \
		    "tap-driver.sh is in git"
	fi
}
