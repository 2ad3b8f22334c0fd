#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# rules.bats: GNU cp's rules for existing destinations, same files and
# what one run created, one test per rule.  Each test builds the same
# situation twice, runs GNU cp (/bin/cp, 9.1 on Debian 12) in one and
# zcp in the other, and compares the exit status, stdout, stderr and
# every file of the box afterwards, including files outside the
# destination (nothing outside may change).  The data-loss cases also
# assert GNU's outcome explicitly, so they fail on a zcp that loses data
# even where no GNU cp is at hand.

load helpers
load tree-helpers

setup()
{
	zcp_setup
	USERDIR=
	[[ $(cp --version 2>/dev/null | head -1) == *"GNU coreutils"* ]] ||
	    skip "needs GNU cp to compare with"
}

# The tests that run as nobody work in a directory of /tmp (user_dir).
teardown()
{
	zcp_teardown
	user_dir_remove
}

# snap DIR: every entry under DIR: name, type, mode, size, link target,
# content hash, and which earlier entry it is a hard link of.
snap()
{
	(cd "$1" && find . -mindepth 1 -printf '%P\037%y\037%m\037%s\037%l\037%i\n' |
	    LC_ALL=C sort | while IFS=$'\037' read -r n y m s l i; do
		h=-
		[[ $y == f && -r $n ]] && h=$(md5sum < "$n" | cut -c1-12)
		printf '%s %s %s %s %s %s %s\n' "$n" "$y" "$m" "$s" "${l:--}" \
		    "$h" "$i"
	done | awk '{ if (!($7 in g)) g[$7] = $1; $7 = g[$7]; print }')
}

# same_as_gnu SETUP [ARGS...]: runs the shell code SETUP in gnu/box and
# zcp/box, then cp ARGS in one and zcp ARGS in the other (with $INPUT
# on standard input, if set) and compares everything.  Leaves zcp's
# results in status, output and stderr (run as from the box).
same_as_gnu()
{
	local setup=$1 in=${INPUT:-/dev/null} gs zs
	shift
	rm -rf gnu zcp
	mkdir -p gnu/box zcp/box
	(cd gnu/box && eval "$setup") || return 1
	(cd zcp/box && eval "$setup") || return 1
	gs=0
	(cd gnu/box && cp "$@" < "$in" > ../out 2> ../err) || gs=$?
	zs=0
	(cd zcp/box && "$ZCP" "$@" < "$in" > ../out 2> ../err) || zs=$?
	# The program's name, at the start of a line or after a prompt.
	sed -i 's/^cp: /zcp: /; s/? cp: /? zcp: /g; s/Try .cp --help/Try '\''zcp --help/' gnu/err
	status=$zs
	output=$(< zcp/out)
	stderr=$(< zcp/err)
	assert_eq "$zs" "$gs" "exit status (stderr: $stderr)"
	assert_eq "$output" "$(< gnu/out)" "stdout"
	assert_eq "$stderr" "$(< gnu/err)" "stderr"
	assert_eq "$(snap zcp/box)" "$(snap gnu/box)" "files after the copy"
}

# --------------------------------------------------------------------
# The three data-loss cases of the issue, asserted outright, then
# against GNU.

@test "a simple backup that would rename the source is refused" {
	echo a > a
	echo t > a~
	run --separate-stderr "$ZCP" --backup=simple a~ a
	assert_status 1
	assert_stderr "zcp: backing up 'a' might destroy source;  'a~' not copied"
	assert_eq "$(cat a)" a "a unchanged"
	assert_eq "$(cat a~)" t "a~ (the source) unchanged"
	rm a a~
	same_as_gnu 'echo a > a; echo t > a~' --backup=simple a~ a
}

@test "a symbolic link onto its own target is the same file (--remove-destination, -b, -bl)" {
	local o
	for o in --remove-destination -b -bl; do
		rm -rf gnu zcp foo s
		echo data > foo
		ln -s foo s
		run --separate-stderr "$ZCP" $o s foo
		[[ $o == -bl ]] || {
			assert_status 1
			assert_stderr "zcp: 's' and 'foo' are the same file"
		}
		assert_eq "$(cat foo)" data "foo kept with $o"
		rm foo s
		same_as_gnu 'echo data > foo; ln -s foo s' $o s foo
	done
}

@test "a symbolic link an earlier operand made is never written through" {
	local setup='mkdir a b c; ln -s ../t a/1; echo payload > b/1; echo i > t'
	eval "$setup"
	run --separate-stderr "$ZCP" -dR a/1 b/1 c
	assert_status 1
	assert_stderr "zcp: will not copy 'b/1' through just-created symlink 'c/1'"
	assert_eq "$(cat t)" i "t, outside the destination, unchanged"
	rm -rf a b c t
	same_as_gnu "$setup" -dR a/1 b/1 c
}

@test "-a onto a destination with other hard links makes it anew (an older snapshot keeps its data)" {
	local setup='mkdir data; echo v1 > data/file; cp -a data backup.0; cp -al backup.0 backup.1; echo v2 > data/file; touch -d "+1 min" data/file'
	eval "$setup"
	run --separate-stderr "$ZCP" -av data/. backup.0/
	assert_status 0
	assert_eq "$(cat backup.1/file)" v1 "the snapshot kept v1"
	assert_eq "$(cat backup.0/file)" v2 "the copy has v2"
	assert_match "$output" "removed 'backup.0/./file'"
	rm -rf data backup.0 backup.1
	same_as_gnu "$setup" -av data/. backup.0/
}

@test "-a does not write through a hard link planted in the destination" {
	local setup='mkdir -p src dst outside; echo new > src/f; echo victim > outside/v; ln outside/v dst/f'
	same_as_gnu "$setup" -a src/. dst
	assert_eq "$(cat zcp/box/outside/v)" victim "the file outside kept"
}

# --------------------------------------------------------------------
# What this run created

@test "will not overwrite a file an earlier operand made" {
	same_as_gnu 'mkdir a b c; echo 1 > a/f; echo 2 > b/f' a/f b/f c
	assert_stderr "zcp: will not overwrite just-created 'c/f' with 'b/f'"
	assert_eq "$(cat zcp/box/c/f)" 1
}

@test "... but numbered backups may replace it" {
	same_as_gnu 'mkdir a b c; echo 1 > a/f; echo 2 > b/f' --backup=numbered a/f b/f c
	assert_status 0
}

@test "a source named twice is copied once, with a warning" {
	same_as_gnu 'echo a > a; mkdir d' a a d/
	assert_stderr "zcp: warning: source file 'a' specified more than once"
	same_as_gnu 'echo a > a; mkdir d' -v a ./a d/
}

@test "a source named twice with --backup is refused the second time" {
	same_as_gnu 'echo a > a; mkdir d' --backup a a d/
	assert_status 1
}

@test "a directory named twice is copied once, with a warning" {
	same_as_gnu 'mkdir -p a b; echo 1 > a/x' -rv a a b/
	assert_stderr "zcp: warning: source directory 'a' specified more than once"
}

@test "a directory is remembered under the first name it was copied to (-H: no warning for a later pair)" {
	# cp keeps one destination per directory, the first: s/l (-H: s/b)
	# went to d/l, so neither s/b is "specified more than once".
	same_as_gnu 'mkdir -p s/b d; echo 1 > s/b/f; ln -s b s/l' -rH s/l s/b s/b d
	assert_stderr ""
	same_as_gnu 'mkdir -p s/b d; echo 1 > s/b/f; ln -s b s/l' -rH s/b s/l s/b d
	assert_stderr "zcp: warning: source directory 's/b' specified more than once"
}

@test "one operand: nothing is remembered (a second run overwrites)" {
	same_as_gnu 'mkdir a c; echo 1 > a/f' a/f c
	same_as_gnu 'mkdir a c; echo 1 > a/f; echo 0 > c/f' a/f c
}

# --------------------------------------------------------------------
# The same file

@test "same file: cp -l f f does nothing and succeeds" {
	same_as_gnu 'echo foo > foo' -l foo foo
	assert_status 0
}

@test "same file: cp -bf f f copies to the backup name" {
	same_as_gnu 'echo foo > foo' -bfv foo foo
	assert_eq "$output" "'foo' -> 'foo~'"
	same_as_gnu 'echo foo > foo' --backup=numbered -f foo foo
}

@test "same file: -d on two hard links of one symbolic link succeeds" {
	same_as_gnu 'echo x > f; ln -s f l1; ln l1 l2' -d l1 l2
	assert_status 0
}

@test "same file: a file onto itself, a hard link of itself, through a link" {
	same_as_gnu 'echo x > f' f f
	same_as_gnu 'echo x > f; ln f g' f g
	same_as_gnu 'echo x > f; ln f g' --remove-destination f g
	same_as_gnu 'echo x > f; ln -s f l' f l
	same_as_gnu 'echo x > f; ln -s f l' -P l f
	same_as_gnu 'echo x > f; ln -s f l' -b f l
	same_as_gnu 'echo x > f; ln -s f l; ln -s f m' -P l m
	same_as_gnu 'echo x > f; ln -s f l; ln -s f m' l m
}

# --------------------------------------------------------------------
# Symbolic links at the destination

@test "a destination symlink loop: cannot stat; replaced under -f or --remove-destination" {
	same_as_gnu 'echo x > f; ln -s loop loop' f loop
	assert_stderr "zcp: cannot stat 'loop': Too many levels of symbolic links"
	same_as_gnu 'echo x > f; ln -s loop loop' -f f loop
	assert_status 0
	same_as_gnu 'echo x > f; ln -s loop loop' --remove-destination f loop
}

@test "a dangling destination symlink is refused, followed under POSIXLY_CORRECT" {
	same_as_gnu 'echo x > f; ln -s nowhere dang' f dang
	assert_stderr "zcp: not writing through dangling symlink 'dang'"
	POSIXLY_CORRECT=1 same_as_gnu 'echo x > f; ln -s nowhere dang' f dang
	assert_eq "$(cat zcp/box/nowhere)" x
}

@test "an existing destination symlink is written through" {
	same_as_gnu 'echo x > f; echo old > t; ln -s t l' f l
	assert_eq "$(cat zcp/box/t)" x
}

# --------------------------------------------------------------------
# -f, -i, -n, -u

@test "-f cancels neither -n nor -i" {
	same_as_gnu 'echo a > a; echo b > b' -n -f a b
	assert_eq "$(cat zcp/box/b)" b
	INPUT=$PWD/no.txt
	printf 'n\n' > no.txt
	same_as_gnu 'echo a > a; echo b > b' -i -f a b
	assert_eq "$(cat zcp/box/b)" b
}

@test "-i asks before a directory in the way is reported; -u skips before it" {
	printf 'y\n' > yes.txt
	INPUT=$PWD/yes.txt same_as_gnu 'echo a > f; mkdir d' -iT f d
	INPUT=$PWD/yes.txt same_as_gnu 'echo a > f; mkdir d; touch -d "+1 day" d' -uT f d
	assert_status 0
	printf 'n\n' > no.txt
	INPUT=$PWD/no.txt same_as_gnu 'echo a > f; mkdir d' -iT f d
}

# The questions come in the order of the source directory's entries
# (inode order, as cp): both tools copy one source tree, so that the
# answers go to the same files.
@test "-i: answers from stdin, yes and no, several files" {
	local f
	printf 'y\nn\nyes\n' > answers
	mkdir s g z
	for f in a b c; do
		echo "$f" > "s/$f"
		echo old > "g/$f"
		echo old > "z/$f"
	done
	cp -ri s/. g < answers > g.out 2> g.err || true
	"$ZCP" -ri s/. z < answers > z.out 2> z.err
	sed -i 's/^cp: /zcp: /; s/? cp: /? zcp: /g; s/ '\''g/ '\''z/g' g.err
	cmp g.err z.err
	for f in a b c; do
		assert_eq "$(cat "z/$f")" "$(cat "g/$f")" "$f"
	done
}

@test "-i: an unwritable destination is asked about with its mode" {
	user_dir
	printf 'n\n' > no.txt
	chmod 644 no.txt
	local setup='echo a > f; echo b > g; chmod 0 g'
	mkdir -p gnu/box zcp/box
	chmod -R 777 gnu zcp
	(cd gnu/box && as_user sh -c "$setup")
	(cd zcp/box && as_user sh -c "$setup")
	(cd gnu/box && as_user cp -if f g < ../../no.txt 2> ../err) || true
	(cd zcp/box && as_user "$ZCP" -if f g < ../../no.txt 2> ../err) || true
	assert_eq "$(cat zcp/err)" "zcp: replace 'g', overriding mode 0000 (---------)? "
	assert_eq "$(sed 's/^cp:/zcp:/' gnu/err)" "$(cat zcp/err)"
	(cd zcp/box && as_user "$ZCP" -i f g < ../../no.txt 2> ../err) || true
	assert_eq "$(cat zcp/err)" "zcp: unwritable 'g' (mode 0000, ---------); try anyway? "
}

@test "--update=none-fail refuses an existing file and fails" {
	echo a > a
	echo b > b
	run --separate-stderr "$ZCP" --update=none-fail a b
	assert_status 1
	assert_stderr "zcp: not replacing 'b'"
	assert_eq "$(cat b)" b
	run --separate-stderr "$ZCP" --update=none-fail a c
	assert_status 0
	cmp a c
}

@test "-u: a hard-link group whose first member was skipped stays linked" {
	same_as_gnu 'echo 1 > a; ln a b; mkdir o; echo 2 > o/a; echo 3 > o/b; touch -d "+1 day" o/a o/b' -u a b o
	same_as_gnu 'mkdir s; echo 1 > s/a; ln s/a s/b; mkdir o; echo 2 > o/a; touch -d "+1 day" o/a' -ru --preserve=links s/. o
}

# --------------------------------------------------------------------
# --parents

@test "--parents: a component that is not a directory fails as GNU" {
	same_as_gnu 'mkdir a d; touch a/f' --parents a/f/x d
	assert_stderr "zcp: failed to get attributes of 'a/f': Not a directory"
	same_as_gnu 'mkdir d' --parents nope/x d
	same_as_gnu 'mkdir -p s/t d; touch d/s' --parents s/t d
}

@test "--parents: new parents get default modes under --no-preserve=mode" {
	same_as_gnu 'mkdir -p d s/t/u; chmod 700 s; chmod 750 s/t; echo x > s/t/u/f' --parents --no-preserve=mode s/t/u/f d
	same_as_gnu 'mkdir -p d s/t/u; chmod 700 s; chmod 500 s/t/u; echo x > s/t/u/f' --parents s/t/u/f d
}

@test "--parents -p: once a parent is made, the existing ones get their attributes too" {
	local s='mkdir -p s/t/u; chmod 700 s; chmod 750 s/t; echo x > s/t/u/f; touch -d 2001-01-01 s s/t s/t/u'
	same_as_gnu "$s; mkdir -p d/s; chmod 777 d/s" -p --parents s/t/u/f d
	same_as_gnu "$s; mkdir -p d/s/t/u; chmod 777 d/s d/s/t d/s/t/u" -p --parents s/t/u/f d
}

@test "--parents -p: an operand that fails in its parents leaves the ones it made as made" {
	# cp's re_protect() runs only after the copy: s/f/x fails at s/f,
	# d/s stays as mkdir made it, and s/a then goes into a directory
	# that is not set-group-ID.
	same_as_gnu 'mkdir -p s/a d; chmod 2775 s; echo x > s/f; echo y > s/a/g' -a --parents s/f/x s/a d
	assert_status 1
	assert_eq "$(stat -c %a zcp/box/d/s zcp/box/d/s/a)" "700
755"
	# Without -p, as mkdir made them: the source's mode less the umask.
	(umask 002 && same_as_gnu 'mkdir -p s/a/b d; chmod 2775 s; chmod 1777 s/a; echo x > s/f; echo y > s/a/b/g' -r --parents s/f/x s/a/b/g d)
	assert_eq "$(stat -c %a zcp/box/d/s)" 775
}

@test "--parents -p: a parent that is a symlink in the destination gets its owner, not the file it points to" {
	# cp's re_protect() sets times and mode through the path and the
	# owner with lchown(): out/sd keeps its group, the link gets s/a's.
	need_root
	local s='mkdir -p s/a/b out/sd d/s; chgrp nogroup s/a; echo x > s/a/b/f; ln -s ../../out/sd d/s/a'
	same_as_gnu "$s" -p --parents s/a/b/f d
	assert_eq "$(stat -c %G zcp/box/out/sd)" root "the group of the directory outside"
	assert_eq "$(stat -c %G zcp/box/d/s/a)" nogroup "the group of the link"
}

# --------------------------------------------------------------------
# Directories while they fill

@test "a new directory never has group or other write permission before its mode is set" {
	need_cmd strace
	mkdir -p s/sub
	chmod 777 s s/sub
	echo x > s/sub/f
	umask 000
	strace -f -qq -o trace -e trace=mkdir,mkdirat "$ZCP" -r s d
	umask 022
	run grep -oE ' 0[0-7]+\) ' trace
	[[ -n $output ]]
	for m in $output; do
		m=${m%)}
		(( (8#$m & 8#022) == 0 )) || { cat trace; return 1; }
	done
	assert_eq "$(stat -c %a d d/sub)" "777
777" "final modes"
}

@test "under --preserve=ownership a new directory has no group or other bit before its mode is set" {
	need_cmd strace
	mkdir -p s
	chmod 755 s
	echo x > s/f
	strace -f -qq -o trace -e trace=mkdir,mkdirat "$ZCP" -r --preserve=ownership s d
	run grep -oE ' 0[0-7]+\) ' trace
	[[ -n $output ]]
	for m in $output; do
		m=${m%)}
		(( (8#$m & 8#077) == 0 )) || { cat trace; return 1; }
	done
	assert_eq "$(stat -c %a d)" 755 "final mode"
}

# --------------------------------------------------------------------
# Hard links reached through -L and -H

@test "--preserve=links: operands reached through -H that are one file are linked" {
	same_as_gnu 'echo x > f; ln -s f l1; ln -s f l2; mkdir d' -H --preserve=links l1 l2 d
	[[ $(stat -c %i zcp/box/d/l1) == $(stat -c %i zcp/box/d/l2) ]]
}

@test "--preserve=links: files reached through -L that are one file are linked" {
	same_as_gnu 'mkdir s; echo x > f; ln -s ../f s/l1; ln -s ../f s/l2' -rL --preserve=links s d
	[[ $(stat -c %i zcp/box/d/l1) == $(stat -c %i zcp/box/d/l2) ]]
}

# --------------------------------------------------------------------
# --attributes-only

@test "--attributes-only never replaces an existing destination with a symlink" {
	same_as_gnu 'echo x > f; ln -s f l; echo old > d' -P --attributes-only l d
	assert_eq "$(cat zcp/box/d)" old
	same_as_gnu 'echo x > f; ln -s f l; echo old > d' -Pf --attributes-only l d
}

# --------------------------------------------------------------------
# -v, byte for byte

@test "-v: GNU's lines, with removed and backup lines" {
	same_as_gnu 'echo a > a; echo b > b' -v --remove-destination a b
	assert_eq "$output" "removed 'b'
'a' -> 'b'"
	same_as_gnu 'echo a > a; echo b > b' -v -b a b
	same_as_gnu 'echo a > a; echo b > b; ln -s a l' -v -sf a b
	same_as_gnu 'mkdir -p s/x; echo 1 > s/x/f; ln s/x/f s/x/g' -av s d
}

# --------------------------------------------------------------------
# GNU's option spelling

@test "GNU's abbreviations keep their meaning (--b, --f, --st, --pr)" {
	same_as_gnu 'echo a > a; echo b > b' --b=simple a b
	assert_eq "$(cat zcp/box/b~)" b
	same_as_gnu 'echo a > a; chmod 0 a 2>/dev/null; echo b > b' --f a b
	same_as_gnu 'mkdir d; echo a > a' --st a/ d
	same_as_gnu 'echo a > a' --pr=mode a b
	same_as_gnu 'echo a > a' --no-p=mode a b
}

@test "-Z is ignored and --context=CTX warns without SELinux, as GNU cp" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "SELinux is enabled here"
	same_as_gnu 'echo a > a' -Z a b
	same_as_gnu 'echo a > a' --context=system_u:object_r:tmp_t:s0 a b
	assert_stderr "zcp: warning: ignoring --context; it requires an SELinux-enabled kernel"
}

@test "--keep-directory-symlink copies into an existing link to a directory" {
	mkdir -p s/x real d
	echo 1 > s/x/f
	ln -s ../real d/x
	run --separate-stderr "$ZCP" -r s/x d/
	assert_status 1
	assert_stderr "zcp: cannot overwrite non-directory 'd/x' with directory 's/x'"
	run --separate-stderr "$ZCP" -r --keep-directory-symlink s/x d/
	assert_status 0
	[[ -L d/x ]]
	cmp s/x/f real/f
}

# --------------------------------------------------------------------
# Found by the differential test (tests/difftree.py)

@test "a name that is not UTF-8 keeps its error (quoting it does not change errno)" {
	same_as_gnu "mkdir dst; echo 1 > \$'b\\xff'; echo 2 > dst/\$'b\\xff'" -l $'b\xff' dst
	assert_stderr "zcp: cannot create hard link 'dst/b'\$'\\377' to 'b'\$'\\377': File exists"
}

@test "a copy that fails after the backup puts the backup back (unbackup)" {
	same_as_gnu 'mkdir src dst; echo 1 > src/a; echo 2 > dst/a; mkfifo src/p; echo 3 > dst/p; ln -s ../nowhere/x dst/l' -bvR src/p dst/l dst
	# A source that cannot be read, as an unprivileged user.
	user_dir
	mkdir -p gnu/box zcp/box
	chmod -R 777 gnu zcp
	for t in gnu zcp; do
		(cd $t/box && as_user sh -c 'mkdir src dst; echo 1 > src/a; chmod 0 src/a; echo 2 > dst/a')
	done
	(cd gnu/box && as_user cp -bv src/a dst > ../out 2>&1) || true
	(cd zcp/box && as_user "$ZCP" -bv src/a dst > ../out 2>&1) || true
	assert_eq "$(cat zcp/out)" "'src/a' -> 'dst/a' (backup: 'dst/a~')
zcp: cannot open 'src/a' for reading: Permission denied
'dst/a~' -> 'dst/a' (unbackup)"
	assert_eq "$(cat zcp/box/dst/a)" 2 "the old file back"
	[[ ! -e zcp/box/dst/a~ ]]
}

@test "--no-preserve=mode keeps a directory's sticky bit and a FIFO's set-ID bits, as cp" {
	same_as_gnu 'umask 022; mkdir -p src/d; chmod 1700 src/d; mkfifo src/d/p; chmod 2770 src/d/p' -r --no-preserve=mode src/d dst
	assert_eq "$(stat -c %a zcp/box/dst zcp/box/dst/p)" "1755
2644"
}

@test "-p onto an existing directory with a sticky bit keeps it, as cp" {
	same_as_gnu 'mkdir -p src/d dst/d; chmod 1700 dst/d' -rp src/d dst
	assert_eq "$(stat -c %a zcp/box/dst/d)" 1755
}

@test "--parents: once a parent was made, a later operand is taken as new (GNU 9.1)" {
	same_as_gnu 'mkdir src dst; echo 1 > src/f; echo g > g; echo old > dst/g' -v --parents src/f g dst
	assert_status 1
	same_as_gnu 'mkdir src dst; echo 1 > src/f' -rv --parents src/f src dst
	assert_stderr "zcp: cannot create directory 'dst/src': File exists"
}

@test "-a onto a hard link of the source, unprivileged: no chown that clears set-user-ID (the source keeps it)" {
	user_dir
	mkdir -p gnu/box zcp/box
	chmod -R 777 gnu zcp
	local t setup='mkdir -p src/ka src/b dst; echo x > src/ka/f; chmod 4755 src/ka/f; ln src/ka/f dst/f; echo y > src/b/f; chmod 755 src/b/f'
	for t in gnu zcp; do
		(cd $t/box && as_user sh -c "$setup")
	done
	(cd gnu/box && as_user cp -a --attributes-only src/ka/f src/b/f dst > ../out 2>&1) || true
	(cd zcp/box && as_user "$ZCP" -a --attributes-only src/ka/f src/b/f dst > ../out 2>&1) || true
	assert_eq "$(stat -c %a zcp/box/src/ka/f)" "$(stat -c %a gnu/box/src/ka/f)" "the source's mode"
	assert_eq "$(stat -c %a zcp/box/src/ka/f)" 4755
	assert_eq "$(sed 's/^cp:/zcp:/' gnu/out)" "$(cat zcp/out)"
}

# The tests above that run as nobody (user_dir) work in directories
# outside bats' own: teardown removes them, whether the test passed or
# failed.  A bats of their own runs them again, with those directories
# made in a scratch one that must be empty after: as they are, and made
# to fail right after user_dir.
@test "the tests that run as nobody leave no directory behind, passed or failed" {
	[[ -z ${ZCP_USER_TMPDIR:-} ]] || skip "inside its own check"
	local bats=${BATS_ROOT:+$BATS_ROOT/bin/bats} names filter n then
	[[ -x $bats ]] || bats=$(command -v bats) || skip "no bats to run"
	names=$(awk '/^@test "/ { t = $0; sub(/^@test "/, "", t)
	    sub(/" \{$/, "", t) } /^\tuser_dir$/ { print t }' \
	    "$BATS_TEST_DIRNAME/rules.bats")
	n=$(wc -l <<< "$names")
	[[ $n -ge 3 ]]
	filter=$(sed 's/[][\.*^$+?(){}|/]/\\&/g; s/.*/^&$/' <<< "$names" |
	    paste -sd '|')
	# Copies of the files, this one with user_dir logged and followed
	# by $ZCP_CHECK_THEN.
	mkdir t
	cp "$BATS_TEST_DIRNAME"/rules.bats "$BATS_TEST_DIRNAME"/*.bash t/
	cat >> t/rules.bats <<'EOF'
eval "zcp_check_$(declare -f user_dir)"
user_dir() {
	zcp_check_user_dir
	echo "$USERDIR" >> "$ZCP_CHECK_LOG"
	$ZCP_CHECK_THEN
}
EOF
	# Searchable by nobody, and removed by teardown.
	USERDIR=$(mktemp -d /tmp/zcp-check-XXXX)
	chmod 755 "$USERDIR"
	for then in true false; do
		: > made
		run env ZCP_USER_TMPDIR="$USERDIR" ZCP_CHECK_LOG="$PWD/made" \
		    ZCP_CHECK_THEN=$then "$bats" --tap -f "$filter" t/rules.bats
		printf '%s\n' "$output"
		if [[ $then == true ]]; then
			assert_status 0
			[[ $(grep -c '^ok ' <<< "$output") -eq $n ]]
		else
			assert_status 1
			[[ $(grep -c '^not ok ' <<< "$output") -eq $n ]]
		fi
		[[ $(wc -l < made) -eq $n ]]
		assert_eq "$(ls -A "$USERDIR")" "" "left in $USERDIR ($then)"
	done
}

@test "-b, the copy fails where the destination and its backup are one file: both names stay (cp's rename between them does nothing)" {
	# difftree seed 341, set bd, scenario collide: the backup rename of
	# f onto f~, two names of one file, does nothing; the symbolic link
	# then finds f there, and the backup's rename back does nothing
	# either.  zcp took f~ for a backup made as a link and removed it.
	same_as_gnu 'mkdir dst; echo x > dst/f; ln dst/f dst/f~; ln -s missing l' -bd l dst/f
	assert_status 1
	assert_stderr "zcp: cannot create symbolic link 'dst/f': File exists"
	[ -f zcp/box/dst/f~ ]
	same_as_gnu 'mkdir dst; echo x > dst/f; ln dst/f dst/f~; ln -s missing l' -bdv l dst/f
}

@test "a directory operand whose copy could not be made is forgotten, as cp: named again, it is tried again (not 'specified more than once')" {
	# cp forgets the operand's directory when it fails to make its
	# copy; zcp kept it, and a second operand reaching the same place
	# was skipped with the warning.  Difftree seed 86, set parentsa,
	# scenario dup, as nobody.
	user_dir
	mkdir -p gnu/box zcp/box
	chmod -R 777 gnu zcp
	local t args
	for args in "-r d d ro" "-r --parents s/g/b s dst" \
	    "-r --parents s/g/b s/g dst"; do
		for t in gnu zcp; do
			rm -rf $t/box/*
			(cd $t/box && as_user sh -c 'mkdir -p d ro s/g/b dst/s/g; chmod 555 ro dst/s/g')
		done
		# shellcheck disable=SC2086
		(cd gnu/box && as_user cp $args > ../out 2> ../err) || true
		# shellcheck disable=SC2086
		(cd zcp/box && as_user "$ZCP" -j1 $args > ../out 2> ../err) || true
		assert_eq "$(cat zcp/err)" "$(sed 's/^cp:/zcp:/' gnu/err)" "$args"
		assert_eq "$(grep -c "cannot create directory" zcp/err)" 2 "$args"
	done
}
