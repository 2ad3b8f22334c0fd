#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# --exclude, --include, --exclude-from, --include-from: each pattern form
# against rsync -rl on the same tree (SRC/ into DST/: the same root for
# anchored patterns), where their rules agree; where they differ, zcp's
# own rule; hostile names; an excluded directory never entered, at -j1
# and -j2 (strace); operands never filtered; --debug, --stats, --json;
# and tests/filtertree.py's generated trees and rules at -j1 and -j2
# (a bigger run by hand: tests/filtertree.py --seeds 1-2000).
bats_require_minimum_version 1.5.0

load helpers

# A tree with a little of everything the patterns look at.
mksrc()
{
	mkdir -p src/a/b/c src/node_modules/pkg src/.git/objects src/b \
	    src/x/a/b src/build
	touch src/a/b/c/f.o src/a/b/y.c src/a/top.o src/node_modules/pkg/i.js \
	    src/.git/HEAD src/.git/objects/1 src/b/f src/x/a/b/g src/x.o \
	    src/y.c src/build/out src/README src/a/build
	ln -s y.c src/link.c
}

# listing DIR: each entry's path and type.
listing()
{
	(cd "$1" && find . -mindepth 1 -printf '%P %y\n' | LC_ALL=C sort)
}

# same_as_rsync RULE...: zcp -r at -j1 and -j2 makes what rsync -rl
# makes with the same rules.
same_as_rsync()
{
	local j

	need_cmd rsync
	rm -rf r z1 z2
	rsync -rl "$@" src/ r/
	for j in 1 2; do
		"$ZCP" -r -j$j "$@" src z$j
		assert_eq "$(listing z$j)" "$(listing r)"
	done
}

@test "filter: a name glob at any depth, as rsync" {
	mksrc
	same_as_rsync --exclude='*.o'
	[ ! -e z1/a/b/c/f.o ]
	[ ! -e z1/x.o ]
	[ -e z1/a/b/y.c ]
}

@test "filter: ? and [...] in a name, as rsync" {
	mksrc
	same_as_rsync --exclude='?.[oc]'
	[ ! -e z2/y.c ]
	[ -e z2/README ]
}

@test "filter: a trailing / matches directories only, as rsync" {
	mksrc
	same_as_rsync --exclude='build/'
	[ ! -e z1/build ]
	[ -f z1/a/build ]
}

@test "filter: a leading / anchors a name at the operand, as rsync's transfer root" {
	mksrc
	same_as_rsync --exclude=/b
	[ ! -e z1/b ]
	[ -d z1/a/b ]
}

@test "filter: a path with / and * parts, anchored, as rsync" {
	mksrc
	same_as_rsync --exclude='/a/*/c'
	[ ! -e z1/a/b/c ]
	[ -e z1/a/b/y.c ]
	[ -d z1/x/a/b ]
}

@test "filter: /DIR/** leaves out all below DIR, DIR itself is copied, as rsync" {
	mksrc
	same_as_rsync --exclude='/node_modules/**'
	[ -d z1/node_modules ]
	[ ! -e z1/node_modules/pkg ]
}

@test "filter: the first rule that matches wins, --include before --exclude, as rsync" {
	mksrc
	same_as_rsync --include='*.c' --include='*/' --exclude='*'
	[ -f z1/a/b/y.c ]
	[ ! -e z1/README ]
	same_as_rsync --exclude='*.c' --include='y.c'
	[ ! -e z1/y.c ]
}

@test "filter: a path with / matches from the operand (rsync: at any depth)" {
	mksrc
	"$ZCP" -r --exclude=a/b src z
	[ ! -e z/a/b ]
	[ -d z/x/a/b ]
	need_cmd rsync
	rsync -rl --exclude=a/b src/ r/
	[ ! -e r/x/a/b ]
}

@test "filter: ** matches across /, and **/ also no directory at all" {
	mksrc
	"$ZCP" -r --exclude='/x/**/b' --exclude='/**/c' src z
	[ ! -e z/x/a/b ]
	[ ! -e z/a/b/c ]
	[ -e z/a/b/y.c ]
	"$ZCP" -r --exclude='/a/**/b' src z2
	[ ! -e z2/a/b ]
	[ -e z2/a/top.o ]
}

@test "filter: a backslash quotes a glob character; names with spaces, a newline, a leading dash" {
	mkdir -p src/sub
	touch 'src/star*' src/starx 'src/with space' $'src/new\nline' \
	    src/-dash 'src/sub/[br]' src/sub/b
	"$ZCP" -r --exclude='star\*' --exclude='with space' \
	    --exclude=$'new\nline' --exclude=-dash --exclude='\[br\]' src z
	assert_eq "$(listing z)" "$(printf '%s\n' 'starx f' 'sub d' 'sub/b f')"
	"$ZCP" -r --exclude='*[*]' --exclude='* *' src z2
	[ ! -e 'z2/star*' ]
	[ ! -e 'z2/with space' ]
	[ -e z2/starx ]
}

@test "filter: an excluded directory is never entered, at -j1 and -j2" {
	need_strace
	mksrc
	mkdir -p src/node_modules/deep/er
	for j in 1 2; do
		rm -rf z
		strace -f -qq -e trace=openat,open,newfstatat,fstatat64,statx \
		    -o trace$j "$ZCP" -r -j$j --exclude=node_modules src z
		[ -d z/a/b/c ]
		[ ! -e z/node_modules ]
		# Stat'ed, never opened, nothing in it looked at.
		grep -q '"node_modules"' trace$j
		run ! grep -E '"node_modules".*O_DIRECTORY|"(pkg|deep)"' trace$j
	done
}

@test "filter: operands are never filtered" {
	mksrc
	mkdir t
	"$ZCP" -r --exclude=src --exclude='x.o' src src/x.o t
	[ -d t/src/a ]
	[ -f t/x.o ]
	[ ! -e t/src/x.o ]
}

@test "filter: --debug names the pattern; --stats and --json count what was left out" {
	mksrc
	printf '# objects\n\n*.o\n' > list
	run "$ZCP" -r --debug --stats --exclude=node_modules \
	    --exclude-from=list src z
	assert_status 0
	assert_match "$output" "excluded 'src/node_modules' by --exclude='node_modules'"
	assert_match "$output" "excluded 'src/x.o' by 'list', line 3: '\\*.o'"
	assert_match "$output" "zcp: stats: excluded: 4"
	run "$ZCP" -r --json --exclude=node_modules --exclude='*.o' src z2
	assert_status 0
	assert_match "$output" '"excluded":4,"dry_run":false'
}

@test "filter: --exclude-from and --include-from: lines, # comments, - for stdin" {
	mksrc
	printf '# keep the C\ny.c\n' > inc
	printf '*.c\r\n*.o\n' > exc
	"$ZCP" -r --include-from=inc --exclude-from=- src z < exc
	[ -f z/y.c ]
	[ -f z/a/b/y.c ]
	[ ! -e z/link.c ]
	[ ! -e z/x.o ]
	[ -f z/README ]
}

@test "filter: an --exclude-from that cannot be read stops zcp before copying" {
	mksrc
	run "$ZCP" -r --exclude-from=nofile src z
	assert_status 1
	assert_eq "$output" "zcp: cannot read 'nofile': No such file or directory"
	[ ! -e z ]
}

@test "filter: a deep tree at -j2 (the pool hands deep levels to the sequential walk)" {
	mkdir -p src
	d=src
	for i in $(seq 1 40); do
		d=$d/d$i
		mkdir "$d"
		touch "$d/keep" "$d/drop.o"
	done
	"$ZCP" -r -j2 --exclude='*.o' src z
	assert_eq "$(find z -name '*.o' | wc -l)" 0
	assert_eq "$(find z -name keep | wc -l)" 40
}

@test "filter: generated trees and rules against rsync at -j1 and -j2 (tests/filtertree.py)" {
	need_cmd rsync
	need_cmd python3
	run python3 "$BATS_TEST_DIRNAME/filtertree.py" --zcp "$ZCP" \
	    --seeds 1-40 --tmp "$BATS_TEST_TMPDIR"
	echo "$output"
	assert_status 0
	assert_match "$output" "0 of 40 cases differ"
}
