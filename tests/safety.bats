#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# The safety rules for trees: no copy into itself or onto the source, no
# directory/non-directory overwrites, no writes through dangling or
# misplaced destination symlinks, exclusive creation with no more
# permission than the final mode, failures reported per file while the
# rest is copied, and trees deeper than PATH_MAX.  GNU cp is the
# reference for messages and results.
bats_require_minimum_version 1.5.0

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
[[ $ZCP == /* ]] || ZCP=$PWD/$ZCP
load tree-helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	umask 022
	USERDIR=
	SCRATCH=
}

teardown() {
	cd / || true
	if [[ -n $SCRATCH ]]; then
		umount "$SCRATCH" 2>/dev/null || umount -l "$SCRATCH"
	fi
	user_dir_remove
	return 0
}

# listing DIR: path, type, mode, size and link target of each entry
# (absolute targets into gnu/ or zcp/ made the same).
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %l\n' | LC_ALL=C sort) |
	    sed -E 's,/(gnu|zcp)/,/TOP/,'
}

# --------------------------------------------------------------------
# Into itself, onto itself

setup_self() {
	mkdir -p a/b
	printf 'x\n' > a/f
	printf 'y\n' > a/b/g
}

@test "a directory into its own subdirectory is refused: -r a a/b" {
	both setup_self -r a a/b
	assert_eq "$gnu_err" "zcp: cannot copy a directory, 'a', into itself, 'a/b/a'"
	assert_status 1
	assert_eq "$stderr" "zcp: cannot copy a directory, 'a', into itself, 'a/b/a'"
	assert_eq "$output" ""
	# No runaway copy of the copy.
	[ ! -e zcp/a/b/a/b/a ]
	assert_eq "$(cat zcp/a/f zcp/a/b/g | xargs)" "x y"
}

@test "a directory into itself in other spellings: a a, a/ a/b/, through a link" {
	local spec
	for spec in "a a:'a', into itself, 'a/a'" \
	    "a/ a/b/:'a/', into itself, 'a/b/a'" \
	    "a/b a/b/c:'a/b', into itself, 'a/b/c'" \
	    "a l/b:'a', into itself, 'l/b/a'"; do
		setup_link() { setup_self; ln -s a l; }
		rm -rf gnu zcp
		# shellcheck disable=SC2086
		both setup_link -r ${spec%%:*}
		assert_eq "$gnu_err" "zcp: cannot copy a directory, ${spec#*:}" "cp: $spec"
		assert_status 1
		assert_eq "$stderr" "zcp: cannot copy a directory, ${spec#*:}" "$spec"
		[[ ! -e zcp/a/a/a && ! -e zcp/a/b/a/b/a && ! -e zcp/a/b/c/c ]]
	done
}

# The copy is not inside the source, but a link the copy follows (-L) leads
# from the source to the destination's directory: cp stops at the first
# directory it made ("into itself").  The threads of -jN have no "first":
# every directory they make is kept out of the source.  The old code walked
# dst/d/cyc/dst/d/cyc/... until it ran out of descriptors.
setup_follow() {
	mkdir -p w/d/sub w/dst/d
	printf 'a\n' > w/d/a
	printf 'b\n' > w/d/sub/b
	ln -s .. w/d/cyc
	printf 'old\n' > w/dst/f
}

@test "-rL: a followed link that leads into the destination stops the copy there, with every -j" {
	local j n
	for j in 1 2 4 8; do
		rm -rf gnu zcp
		both setup_follow -rL -j"$j" w/d w/dst
		assert_status 1
		[[ $stderr == *"zcp: cannot copy a directory, 'w/d', into itself, 'w/dst/d'"* ]]
		n=$(find zcp/w/dst | wc -l)
		(( n < 40 )) || { echo "-j$j: $n entries under dst"; return 1; }
		# Which of d's other entries are copied depends on the order
		# they are read and on the threads (cp too stops reading the
		# directory at this error): those that are, are whole.
		if [[ -e zcp/w/dst/d/a ]]; then
			assert_eq "$(cat zcp/w/dst/d/a)" a
		fi
		if [[ -e zcp/w/dst/d/sub/b ]]; then
			assert_eq "$(cat zcp/w/dst/d/sub/b)" b
		fi
	done
}

# setup_order: w/d/x and w/d/y, two directories of which x has the lower
# inode number (cp, and zcp, walk a directory in inode order), so that
# x's copy is the first directory the copy of w/d makes; w/dst/d is there.
setup_order() {
	local t
	mkdir -p w/d w/dst/d
	mkdir w/d/t1 w/d/t2 w/d/t3 w/d/t4
	set -- $(stat -c '%i %n' w/d/t? | sort -n | cut -d' ' -f2)
	mv "$1" w/d/x
	mv "$2" w/d/y
	rmdir w/d/t?
	printf 'x\n' > w/d/x/f
}

@test "-rL -j1: a link into a copy made later than the first stops there, where cp never ends" {
	# y/l leads to y's own copy, w/dst/d/y: copying it puts w/dst/d/y/l
	# inside what is being copied, and so on, each level new.  cp 9.1
	# remembers only the first directory it made (x's copy) and goes on
	# until names or descriptors run out.
	local j n
	setup_order
	ln -s ../../dst/d/y w/d/y/l
	for j in 1 2 4; do
		rm -rf w/dst/d/*
		run --separate-stderr timeout 60 "$ZCP" -j"$j" -rL w/d w/dst
		assert_status 1
		[[ $stderr == "zcp: cannot copy a directory, 'w/d', into itself, 'w/dst/d'" ]] ||
		    { echo "-j$j: ${stderr:0:300}"; return 1; }
		n=$(find w/dst | wc -l)
		(( n < 20 )) || { echo "-j$j: $n entries under dst"; return 1; }
		# (Threads stop what they have not done yet.)
		if [[ $j == 1 || -e w/dst/d/x/f ]]; then
			assert_eq "$(cat w/dst/d/x/f)" x
		fi
	done
}

@test "-rL -j1: a link to the first directory the copy made, from outside it, copies it as cp" {
	# cp stops at the first directory it made only when it meets that
	# entry (w/d/y/l is another name of it): it copies it.
	local gs=0 zs=0
	mkdir gnu zcp
	(cd gnu && setup_order && ln -s ../../dst/d/x w/d/y/l)
	(cd zcp && setup_order && ln -s ../../dst/d/x w/d/y/l)
	(cd gnu && cp -rL w/d w/dst 2> ../gnu.err) || gs=$?
	(cd zcp && "$ZCP" -j1 -rL w/d w/dst 2> ../zcp.err) || zs=$?
	assert_eq "$zs" "$gs" "exit status"
	assert_eq "$(sed 's/^zcp:/cp:/' zcp.err)" "$(cat gnu.err)"
	assert_eq "$(listing zcp)" "$(listing gnu)"
	assert_eq "$zs" 0
	assert_eq "$(cat zcp/w/dst/d/y/l/f)" x
}

@test "-r -jN: a bind mount of the destination inside the source stops the copy there" {
	# (No link is followed: only the inodes tell.)
	local j n
	need_root
	mkdir -p src/sub dst/out
	printf 'f\n' > src/f
	printf 'g\n' > src/sub/g
	mkdir src/mnt
	mount --bind dst src/mnt || skip "cannot bind-mount here"
	SCRATCH=$PWD/src/mnt
	for j in 2 8; do
		# An existing destination: the operand makes nothing itself.
		rm -rf dst/out/*
		mkdir dst/out/src
		run --separate-stderr timeout 60 "$ZCP" -r -j"$j" src dst/out
		assert_status 1
		[[ $stderr == *"zcp: cannot copy a directory, 'src', into itself, 'dst/out/src'"* ]]
		n=$(find dst/out | wc -l)
		(( n < 40 )) || { echo "-j$j: $n entries under dst/out"; return 1; }
	done
}

setup_same() {
	mkdir -p a/b/c
	printf 'precious\n' > f
	ln f hl
	ln -s f sl
	ln -s "$PWD/f" abs
}

@test "a file onto itself: ./f, a hard link, a symlink to it: are the same file" {
	local spec
	for spec in "f ./f" "f hl" "f sl" "sl f" "f abs" "f a/b/../../f" "-a f hl" \
	    "-p f sl" "-r hl f"; do
		rm -rf gnu zcp
		# shellcheck disable=SC2086
		both setup_same $spec
		assert_status 1
		assert_eq "$gnu_status" 1
		set -- $spec
		assert_eq "$stderr" "zcp: '${*: -2:1}' and '${*: -1}' are the same file" "$spec"
		assert_eq "$stderr" "$gnu_err" "$spec"
		assert_eq "$(cat zcp/f)" precious
		assert_eq "$(listing zcp)" "$(listing gnu)"
	done
}

@test "a symlink onto the file it points to (-r, -P, -d, -a) keeps the file" {
	local o
	for o in -r -P -d -a; do
		rm -rf gnu zcp
		both setup_same "$o" sl f
		assert_eq "$gnu_status" 1
		assert_status 1
		assert_eq "$stderr" "zcp: 'sl' and 'f' are the same file" "$o"
		[[ -f zcp/f && ! -L zcp/f ]]
		assert_eq "$(cat zcp/f)" precious "$o"
		assert_eq "$(listing zcp)" "$(listing gnu)" "$o"
	done
	# The same inside a tree: t/a/x is a link to t/a/y, copied onto y.
	setup_in_tree() {
		mkdir -p t
		printf 'precious\n' > t/y
		ln -s y t/x
	}
	rm -rf gnu zcp
	both setup_in_tree -a t/x t/y
	assert_status 1
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/t/y)" precious
}

@test "a directory onto itself: -r a/b/c a/b is the same file" {
	both setup_same -r a/b/c a/b
	assert_eq "$gnu_err" "zcp: 'a/b/c' and 'a/b/c' are the same file"
	assert_status 1
	assert_eq "$stderr" "zcp: 'a/b/c' and 'a/b/c' are the same file"
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

@test "-v prints nothing for a copy refused as the same file" {
	both setup_same -v f hl
	assert_status 1
	assert_eq "$gnu_out" ""
	assert_eq "$output" ""
	rm -rf gnu zcp
	both setup_same -av f ./f
	assert_status 1
	assert_eq "$output" ""
}

@test "--remove-destination and -b onto a hard link of the source replace it as cp" {
	both setup_same --remove-destination f hl
	assert_eq "$gnu_status" 0
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(cat zcp/hl)" precious
	[ "$(stat -c %i zcp/hl)" != "$(stat -c %i zcp/f)" ]
	rm -rf gnu zcp
	both setup_same -b f hl
	assert_eq "$gnu_status" 0
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(cat zcp/hl~)" precious
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

# --------------------------------------------------------------------
# Directory against non-directory

setup_kinds() {
	mkdir -p d/x t/f u/a/x a
	printf 'file\n' > t/d
	printf 'data\n' > f
	printf 'in a\n' > a/x
	printf 'keep\n' > plain
}

@test "cannot overwrite non-directory 'f' with directory 'd'" {
	both setup_kinds -r d t
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite non-directory 't/d' with directory 'd'"
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/t/d)" file
	rm -rf gnu zcp
	both setup_kinds -rv d plain
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite non-directory 'plain' with directory 'd'"
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/plain)" keep
}

@test "-v prints nothing when a directory cannot overwrite a non-directory" {
	both setup_kinds -rv d plain
	assert_status 1
	assert_eq "$gnu_out" ""
	assert_eq "$output" ""
}

@test "cannot overwrite directory 'd' with non-directory" {
	both setup_kinds -r f t
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite directory 't/f' with non-directory"
	assert_eq "$stderr" "$gnu_err"
	[ -d zcp/t/f ]
	# In a tree: a/x is a file, u/a/x a directory; the rest is copied.
	rm -rf gnu zcp
	setup_kinds2() { setup_kinds; printf 'more\n' > a/y; }
	both setup_kinds2 -r a u
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite directory 'u/a/x' with non-directory"
	assert_eq "$stderr" "$gnu_err"
	[ -d zcp/u/a/x ]
	assert_eq "$(cat zcp/u/a/y)" more
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

# --------------------------------------------------------------------
# Destination symlinks

setup_dlink() {
	mkdir -p a t/a
	printf 'new\n' > a/l
	printf 'new\n' > f
	ln -s nowhere l
	ln -s nowhere t/a/l
}

@test "not writing through a dangling destination symlink" {
	both setup_dlink f l
	assert_status 1
	assert_eq "$stderr" "zcp: not writing through dangling symlink 'l'"
	assert_eq "$stderr" "$gnu_err"
	[[ ! -e zcp/nowhere && -L zcp/l ]]
	rm -rf gnu zcp
	both setup_dlink -r a t
	assert_status 1
	assert_eq "$stderr" "zcp: not writing through dangling symlink 't/a/l'"
	assert_eq "$stderr" "$gnu_err"
	[[ ! -e zcp/t/a/nowhere && -L zcp/t/a/l ]]
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

setup_rmdest() {
	mkdir -p a t/a
	printf 'new\n' > a/l
	printf 'new\n' > f
	printf 'target\n' > target
	ln -s target l
	ln -s nowhere dl
	ln -s ../../target t/a/l
}

@test "--remove-destination onto a symlink replaces the link, not its target" {
	local dst
	for dst in l dl; do
		rm -rf gnu zcp
		both setup_rmdest --remove-destination f "$dst"
		assert_status 0
		assert_eq "$stderr" ""
		[[ -f "zcp/$dst" && ! -L "zcp/$dst" ]]
		assert_eq "$(cat "zcp/$dst")" new
		assert_eq "$(cat zcp/target)" target
		[ ! -e zcp/nowhere ]
		assert_eq "$(listing zcp)" "$(listing gnu)"
	done
	rm -rf gnu zcp
	both setup_rmdest -r --remove-destination a t
	assert_status 0
	[[ -f zcp/t/a/l && ! -L zcp/t/a/l ]]
	assert_eq "$(cat zcp/target)" target
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

@test "--remove-destination -v says removed 'l' as cp" {
	both setup_rmdest -v --remove-destination f l
	assert_status 0
	assert_eq "$gnu_out" "removed 'l'
'f' -> 'l'"
	assert_eq "$(printf '%s\n' "$output" | sed -E 's/ \[[^]]*\]$//')" "$gnu_out"
}

setup_outside() {
	mkdir -p tree/a dst/a out
	printf 'new\n' > tree/a/f
	printf 'outside\n' > out/victim
	ln -s ../../out/victim dst/a/f
}

@test "a destination symlink to a file outside the tree is written through, as cp" {
	local o
	for o in -r -a; do
		rm -rf gnu zcp
		both setup_outside "$o" tree/a dst
		assert_eq "$gnu_status" 0
		assert_status 0
		assert_eq "$stderr" "$gnu_err"
		assert_eq "$(cat gnu/out/victim)" new "cp $o"
		assert_eq "$(cat zcp/out/victim)" new "$o"
		[ -L zcp/dst/a/f ]
		assert_eq "$(listing zcp)" "$(listing gnu)" "$o"
	done
}

setup_dirlink() {
	mkdir -p a/d outside t/a
	printf 'x\n' > a/d/x
	ln -s ../../outside t/a/d
	mkdir -p u
	ln -s ../outside u/a
}

@test "a destination symlink where a directory goes is refused (nested)" {
	both setup_dirlink -r a t
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite non-directory 't/a/d' with directory 'a/d'"
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(ls -A zcp/outside)" ""
	[ -L zcp/t/a/d ]
}

@test "a destination symlink where a directory goes is refused (top level)" {
	both setup_dirlink -r a u
	assert_eq "$gnu_err" "zcp: cannot overwrite non-directory 'u/a' with directory 'a'"
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite non-directory 'u/a' with directory 'a'"
	assert_eq "$(ls -A zcp/outside)" ""
	[ -L zcp/u/a ]
}

# --------------------------------------------------------------------
# Creation: O_EXCL, never more permission than the final mode

# creates TRACE: "mode path" for each O_CREAT openat and each mkdirat of
# the trace file (strace -f -e trace=openat,mkdirat output).
creates() {
	awk '
	    /O_CREAT/ && /= [0-9]+$/ {
		if ($0 !~ /O_EXCL/) { print "NO-O_EXCL", $0; next }
		match($0, /, 0[0-7]+\) +=/)
		m = substr($0, RSTART + 2, RLENGTH - 2)
		sub(/\).*/, "", m)
		match($0, /"[^"]*"/); p = substr($0, RSTART + 1, RLENGTH - 2)
		print m, p
	    }
	    /mkdirat\(/ && /= 0$/ {
		match($0, /, 0[0-7]+\) +=/)
		m = substr($0, RSTART + 2, RLENGTH - 2)
		sub(/\).*/, "", m)
		match($0, /"[^"]*"/); p = substr($0, RSTART + 1, RLENGTH - 2)
		print m, p
	    }' "$1"
}

@test "new files are created with O_EXCL and never more permission than the final mode" {
	need_cmd strace
	mkdir -p src/d
	printf 'secret\n' > src/f
	printf 'x\n' > src/d/g
	printf 'y\n' > src/setuid
	chmod 640 src/f
	chmod 600 src/d/g
	chmod 4755 src/setuid
	chmod 750 src/d
	if [[ $EUID -eq 0 ]]; then
		chown 1234:5678 src/f src/d
	fi
	local o line mode path final
	for o in -rp -a "-r --preserve=mode" -r; do
		rm -rf dst trace
		# -j1: one thread, so strace prints each call on one line.
		run strace -f -qq -o trace -e trace=openat,mkdirat "$ZCP" -j1 $o src dst
		assert_status 0
		cmp src/f dst/f
		run creates trace
		[[ $output != *NO-O_EXCL* ]] || { echo "$o: $output"; false; }
		assert_eq "$(printf '%s\n' "$output" | wc -l)" 5 "$o: creates"
		while read -r mode path; do
			case $path in
			dst)	final=$(stat -c %a dst) ;;
			g)	final=$(stat -c %a dst/d/g) ;;
			*)	final=$(stat -c %a "dst/$path") ;;
			esac
			# Created with no bit the final mode lacks...
			(( (8#$mode & ~8#$final & 8#7777) == 0 )) ||
			    { echo "$o: $path created $mode, final $final"; false; }
			# ...and, where the owner changes after the data is
			# written (-p, -a), no bit for group or others.
			if [[ $o == -rp || $o == -a ]] && [[ $path != dst && $path != d ]]; then
				(( (8#$mode & 8#077) == 0 )) ||
				    { echo "$o: $path created $mode"; false; }
			fi
		done <<< "$output"
		assert_eq "$(stat -c %a dst/f)" 640 "$o"
	done
	assert_eq "$(stat -c %a dst/setuid)" 755
	rm -rf dst
	"$ZCP" -a src dst
	assert_eq "$(stat -c %a dst/setuid dst/d | xargs)" "4755 750"
}

@test "an existing destination file is never opened with O_CREAT|O_EXCL or replaced" {
	need_cmd strace
	mkdir -p src dst
	printf 'new\n' > src/f
	printf 'old old\n' > dst/f
	ln dst/f keep-inode
	run strace -f -qq -o trace -e trace=openat "$ZCP" -r src/. dst
	assert_status 0
	assert_eq "$(cat dst/f)" new
	# Overwritten in place, as cp: the same inode.
	assert_eq "$(stat -c %i dst/f)" "$(stat -c %i keep-inode)"
	! grep -q '"f", O_WRONLY|O_CREAT|O_EXCL' trace
}

# --------------------------------------------------------------------
# One failure, the rest of the tree

setup_user_tree() {
	as_user mkdir -p s/d1 s/d2
	for i in 1 2 3 4 5 6; do
		as_user sh -c "echo $i > s/d1/f$i; echo $i > s/d2/f$i"
	done
	as_user chmod 000 s/d2/f4
}

@test "an unreadable file is reported with its path and reason, the rest copied (nobody)" {
	user_dir
	setup_user_tree
	local j
	for j in -j1 -j4; do
		rm -rf o
		run --separate-stderr as_user "$ZCP" -r "$j" s o
		assert_status 1
		assert_eq "$stderr" "zcp: cannot open 's/d2/f4' for reading: Permission denied" "$j"
		assert_eq "$output" ""
		assert_eq "$(find o -type f | wc -l)" 11 "$j"
		diff -r s/d1 o/d1
		cmp s/d2/f5 o/d2/f5
	done
	run --separate-stderr as_user cp -r s gnu
	assert_eq "${stderr/#cp:/zcp:}" "zcp: cannot open 's/d2/f4' for reading: Permission denied"
}

@test "an unreadable directory is reported, made as cp makes it, the rest copied (nobody)" {
	user_dir
	setup_user_tree
	as_user chmod 644 s/d2/f4
	as_user chmod 000 s/d2
	run --separate-stderr as_user "$ZCP" -r s o
	assert_status 1
	assert_eq "$stderr" "zcp: cannot access 's/d2': Permission denied"
	diff -r s/d1 o/d1
	run --separate-stderr as_user cp -r s gnu
	assert_eq "${stderr/#cp:/zcp:}" "zcp: cannot access 's/d2': Permission denied"
	assert_eq "$(listing o)" "$(listing gnu)"
}

@test "a file that vanishes during the walk is reported, the rest copied" {
	need_cmd strace
	mkdir -p s/d
	printf '1\n' > s/a
	printf '2\n' > s/d/vanish
	printf '3\n' > s/d/z
	# The index of the openat that opens s/d/vanish for reading, in a
	# sequential run: a failing ENOENT there is the file removed between
	# readdir and open.
	strace -f -qq -y -o calls -e trace=openat "$ZCP" -r -j1 s probe
	local n
	n=$(awk '{ sub(/^[0-9]+ +/, "") }
	    /^openat\(/ { n++; if (index($0, "\"vanish\", O_RDONLY")) { print n; exit } }' calls)
	[[ -n $n ]]
	run --separate-stderr strace -f -qq -o /dev/null -e trace=openat \
	    -e inject=openat:error=ENOENT:when="$n" "$ZCP" -r -j1 s o
	assert_status 1
	assert_eq "$stderr" "zcp: cannot open 's/d/vanish' for reading: No such file or directory"
	cmp s/a o/a
	cmp s/d/z o/d/z
	[ ! -e o/d/vanish ]
}

@test "a dangling entry under -L is reported, the rest copied, exit 1" {
	mkdir -p s/d
	printf '1\n' > s/a
	printf '3\n' > s/d/z
	ln -s gone s/d/gone-link
	run --separate-stderr "$ZCP" -rL -j4 s o
	assert_status 1
	assert_eq "$stderr" "zcp: cannot stat 's/d/gone-link': No such file or directory"
	cmp s/a o/a
	cmp s/d/z o/d/z
}

# --------------------------------------------------------------------
# Size

# scratch: as root, moves to a tmpfs unmounted in teardown (thousands of
# directories are made and removed in no time there); elsewhere stays.
scratch() {
	[[ $EUID -eq 0 ]] || return 0
	mkdir -p scratch
	mount -t tmpfs -o size=256m zcp-scratch scratch 2>/dev/null || return 0
	SCRATCH=$PWD/scratch
	cd scratch || return 1
}

# A chain of N directories named 60 x 'd' under src, a 'leaf' file at
# the bottom: about 61 * N bytes of path, built fd-relative.
mkdeep() {
	python3 - "$1" <<'EOF'
import os, sys
n, name = int(sys.argv[1]), "d" * 60
os.mkdir("src")
fd = os.open("src", os.O_RDONLY | os.O_DIRECTORY)
for _ in range(n):
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
f = os.open("leaf", os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=fd)
os.write(f, b"leaf data\n")
os.close(f)
EOF
}

# chkdeep DIR N: prints the depth, the path length and the leaf's mode
# and contents if DIR is the same chain.
chkdeep() {
	python3 - "$1" "$2" <<'EOF'
import os, stat, sys
top, n, name = sys.argv[1], int(sys.argv[2]), "d" * 60
fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
depth = 0
while True:
    ents = sorted(os.listdir(fd))
    if ents != [name]:
        break
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
    depth += 1
assert ents == ["leaf"], (depth, ents)
st = os.stat("leaf", dir_fd=fd)
f = os.open("leaf", os.O_RDONLY, dir_fd=fd)
print(depth, oct(stat.S_IMODE(st.st_mode)),
      os.read(f, 100).decode().strip())
EOF
}

@test "a tree 5000 directories deep (300 KB of path) copies with -j1 and -j4" {
	need_cmd python3
	scratch
	mkdeep 5000
	local j
	for j in -j1 -j4; do
		run --separate-stderr "$ZCP" -r "$j" src "dst$j"
		assert_status 0
		assert_eq "$stderr" "" "$j"
		run chkdeep "dst$j" 5000
		assert_status 0
		assert_eq "$output" "5000 0o640 leaf data" "$j"
	done
}

@test "many small files in one directory, -j4: all copied" {
	need_cmd python3
	scratch
	python3 - <<'EOF'
import os
os.mkdir("src")
for i in range(3000):
    with open("src/f%05d" % i, "w") as f:
        f.write("file %d\n" % i * (i % 7))
EOF
	run --separate-stderr "$ZCP" -r -j4 --stats src dst
	assert_status 0
	assert_eq "${stderr_lines[0]}" \
	    "zcp: stats: 3000 files, 1 directory, 0 symlinks, 0 special files; 0 skipped, 0 failed"
	assert_eq "$(find dst -type f | wc -l)" 3000
	diff -r src dst
}
