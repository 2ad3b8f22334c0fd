#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# Options for trees: recursion, destinations and slashes, -t/-T, symbolic
# link policy (-P/-L/-H/-d), -l/-s, metadata (-p, --preserve,
# --no-preserve, --attributes-only), backups, -u/-n, --parents, -x,
# special files, -v, --stats and --json.  GNU cp (installed as cp) is the
# reference: where it helps, a test runs cp on an identical setup and
# compares, and it always checks concrete values too.
bats_require_minimum_version 1.5.0

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
[[ $ZCP == /* ]] || ZCP=$PWD/$ZCP
load tree-helpers

# A duration and a rate as -v prints them.
T_RE='([0-9]+ us|[0-9.]+ ms|[0-9.]+ s)'
R_RE='([0-9.]+ (B|KiB|MiB|GiB|TiB)/s|- B/s)'

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	umask 022
	MOUNTS=()
	PIDS=()
	USERDIR=
}

teardown() {
	local p i
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	cd / || true
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
	done
	user_dir_remove
	return 0
}

# listing DIR: path, type, mode, size and link target of each entry.
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %l\n' | LC_ALL=C sort)
}

# vsort TEXT: -v lines, sorted (-j copies in any order).
vsort() {
	printf '%s\n' "$1" | LC_ALL=C sort
}

# vline_re SRC DST SIZE: the -v line of a regular file, as a regex.
vline_re() {
	local s d
	s=$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	d=$(printf '%s' "$2" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	echo "^'$s' -> '$d'${DBG_RE}(cloned, $3 in $T_RE|[a-z_]+( after [^]]*)?, $3 in $T_RE, $R_RE)(, sparse)?\$"
}

# A small tree: files (one empty, one larger), nested and empty dirs.
mktree() {
	mkdir -p src/sub/deeper src/empty src/sub/empty2
	printf 'top\n' > src/f
	: > src/zero
	head -c 100000 /dev/urandom > src/sub/big
	printf 'deep\n' > src/sub/deeper/g
}

# --------------------------------------------------------------------
# Recursion, destinations, slashes, -t/-T

@test "-r, -R and --recursive copy files, subdirectories and empty directories" {
	mktree
	for opt in -r -R --recursive; do
		rm -rf dst
		run --separate-stderr "$ZCP" $opt src dst
		assert_status 0
		assert_eq "$output" "" stdout
		assert_eq "$stderr" "" stderr
		diff -r src dst
		assert_eq "$(listing dst)" "$(listing src)" "$opt listing"
		[[ -d dst/empty && -d dst/sub/empty2 ]]
		[[ -f dst/zero && ! -s dst/zero ]]
		cmp src/sub/big dst/sub/big
	done
}

# The walk makes a new directory's subdirectories before its files (for
# ext4's inode allocator, bench/RESULTS.md); one whose source is gone by
# its turn must not stay behind, as cp, which never made it.  zcp waits
# on a FIFO (--copy-contents) that comes before the subdirectories in
# cp's order (inode order), while they are removed from the source.
@test "-r -j1: a subdirectory made ahead whose source is gone by its turn is not left, as with cp" {
	load poll
	local d later=()
	mkdir src
	mkfifo src/fifo
	mkdir src/z1 src/z2 src/z3
	for d in z1 z2 z3; do
		[ "$(stat -c %i src/$d)" -gt "$(stat -c %i src/fifo)" ] &&
		    later+=("$d")
	done
	[ ${#later[@]} -gt 0 ] || skip "no directory after the FIFO in inode order"
	"$ZCP" -r -j1 --copy-contents src dst 2> err &
	PIDS+=($!)
	poll 200 0.05 test -d "dst/${later[0]}" || true
	[ -d "dst/${later[0]}" ]	# made ahead, while zcp waits
	running "${PIDS[0]}"
	for d in "${later[@]}"; do
		rmdir "src/$d"
	done
	echo data > src/fifo
	status=0
	wait "${PIDS[0]}" || status=$?
	assert_status 1
	for d in "${later[@]}"; do
		[ ! -e "dst/$d" ]
		grep -qxF "zcp: cannot stat 'src/$d': No such file or directory" err
	done
	assert_eq "$(wc -l < err)" "${#later[@]}"
	assert_eq "$(cat dst/fifo)" data
}

@test "a directory without -r is omitted with cp's message" {
	mktree
	run --separate-stderr "$ZCP" src dst
	assert_status 1
	assert_eq "$stderr" "zcp: -r not specified; omitting directory 'src'"
	[ ! -e dst ]
}

@test "DIR onto a new DEST makes DEST; into an existing DEST makes DEST/DIR" {
	mktree
	run --separate-stderr "$ZCP" -r src dst
	assert_status 0
	diff -r src dst
	[ ! -e dst/src ]
	# dst exists now: the same command copies into it.
	run --separate-stderr "$ZCP" -r src dst
	assert_status 0
	assert_eq "$stderr" ""
	diff -r src dst/src
	[ ! -e dst/src/src ]
	mkdir d2
	run --separate-stderr "$ZCP" -r src/sub src/empty d2
	assert_status 0
	diff -r src/sub d2/sub
	[ -d d2/empty ]
}

setup_slashes() {
	mkdir -p a/b d
	printf 'x\n' > a/f
	printf 'z\n' > file
}

@test "trailing slashes: src/ new, src d/, src/ d/ and src new/ as cp" {
	local args
	for args in "a/ new" "a d/" "a/ d/" "a new/"; do
		rm -rf gnu zcp
		# shellcheck disable=SC2086
		both setup_slashes -rv $args
		assert_status 0
		assert_eq "$gnu_status" 0 "cp's status"
		assert_eq "$stderr" ""
		assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")" "-v for $args"
		assert_eq "$(listing zcp)" "$(listing gnu)" "tree for $args"
	done
	# Concrete: 'a/ d/' lands in d/a, 'a/ new' is new itself.
	[[ -f zcp/new/f && ! -e zcp/new/a ]]
	rm -rf gnu zcp
	both setup_slashes -rv a/ d/
	cmp zcp/a/f zcp/d/a/f
	assert_eq "$(vsort "$output" | head -1)" "'a/' -> 'd/a'"
}

@test "-v names children of a source with several trailing slashes as cp" {
	both setup_slashes -rv a// d
	assert_status 0
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
	assert_eq "$(vsort "$output")" "'a//' -> 'd/a'
'a/b' -> 'd/a/b'
'a/f' -> 'd/a/f'"
}

@test "-r DIR onto an existing FILE/ fails like cp: cannot stat 'file/'" {
	both setup_slashes -rv a file/
	assert_eq "$gnu_err" "zcp: cannot stat 'file/': Not a directory"
	assert_status 1
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$output" ""
	assert_eq "$(cat zcp/file)" "z"
}

@test "FILE onto a missing NEW/ fails like cp: Not a directory" {
	both setup_slashes file new/
	assert_eq "$gnu_err" "zcp: cannot create regular file 'new/': Not a directory"
	assert_status 1
	assert_eq "$stderr" "$gnu_err"
	[ ! -e zcp/new ]
}

setup_strip() {
	mkdir -p a/b d
	printf 'x\n' > a/f
	ln -s a la
}

@test "--strip-trailing-slashes: link/ into a directory copies the link" {
	both setup_strip -r --strip-trailing-slashes la/ d
	assert_status 0
	assert_eq "$stderr" ""
	[ -L zcp/d/la ]
	assert_eq "$(readlink zcp/d/la)" "a"
	assert_eq "$(listing zcp)" "$(listing gnu)"
	# Without the option the slash resolves the link: a directory.
	rm -rf gnu zcp
	both setup_strip -r la/ d
	assert_status 0
	[[ -d zcp/d/la && ! -L zcp/d/la ]]
	cmp zcp/a/f zcp/d/la/f
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

@test "--strip-trailing-slashes with SOURCE DEST does what cp 9 does" {
	# cp strips only the sources it copies into a target directory; with
	# two operands 'la/' still names the directory.
	both setup_strip -rv --strip-trailing-slashes la/ new
	assert_eq "$gnu_status" 0
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(listing zcp)" "$(listing gnu)"
	[[ -d zcp/new && ! -L zcp/new ]]
	cmp zcp/a/f zcp/new/f
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
}

setup_td() {
	mkdir -p a/x b d/keep
	printf '1\n' > a/f
	printf '2\n' > b/g
	printf 'z\n' > file
}

@test "-t DIR copies each source directory into DIR" {
	both setup_td -rv -t d a b
	assert_status 0
	assert_eq "$stderr" ""
	diff -r zcp/a zcp/d/a
	diff -r zcp/b zcp/d/b
	[ -d zcp/d/keep ]
	assert_eq "$(listing zcp)" "$(listing gnu)"
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
	rm -rf gnu zcp
	both setup_td -r -t file a
	assert_status 1
	assert_eq "$stderr" "zcp: target directory 'file': Not a directory"
	assert_eq "$stderr" "$gnu_err"
	rm -rf gnu zcp
	both setup_td -r -t new a
	assert_status 1
	assert_eq "$stderr" "zcp: target directory 'new': No such file or directory"
	assert_eq "$stderr" "$gnu_err"
	[ ! -e zcp/new ]
}

@test "-T copies DIR onto DEST itself, merging into an existing directory" {
	both setup_td -rT a d
	assert_status 0
	assert_eq "$stderr" ""
	cmp zcp/a/f zcp/d/f
	[[ -d zcp/d/x && -d zcp/d/keep && ! -e zcp/d/a ]]
	assert_eq "$(listing zcp)" "$(listing gnu)"
	rm -rf gnu zcp
	both setup_td -rT a new
	assert_status 0
	diff -r zcp/a zcp/new
	rm -rf gnu zcp
	both setup_td -rT a file
	assert_status 1
	assert_eq "$stderr" "zcp: cannot overwrite non-directory 'file' with directory 'a'"
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/file)" z
	rm -rf gnu zcp
	both setup_td -rT a b d
	assert_status 1
	assert_eq "$stderr" "$gnu_err"
	assert_eq "${stderr_lines[0]}" "zcp: extra operand 'd'"
}

@test "-t with -T is refused with cp's message alone" {
	both setup_td -r -t d -T a
	assert_status 1
	assert_eq "$gnu_status" 1
	assert_eq "$stderr" "zcp: cannot combine --target-directory (-t) and --no-target-directory (-T)"
	assert_eq "$stderr" "$gnu_err"
	[ ! -e zcp/d/a ]
}

@test "several sources onto a missing or non-directory target" {
	both setup_td -r a b new
	assert_status 1
	assert_eq "$stderr" "zcp: target 'new': No such file or directory"
	assert_eq "$stderr" "$gnu_err"
	rm -rf gnu zcp
	both setup_td -r a b file
	assert_status 1
	assert_eq "$stderr" "zcp: target 'file': Not a directory"
	assert_eq "$stderr" "$gnu_err"
}

# --------------------------------------------------------------------
# -a and metadata

@test "-a keeps modes, nanosecond times, symlinks, hard links, xattrs, owners" {
	need_root
	need_cmd setfattr getfattr
	mkdir -p src/d
	printf 'data\n' > src/f
	chmod 640 src/f
	chmod 2750 src/d
	ln src/f src/d/hl
	ln -s f src/sl
	ln -s /nonexistent src/dangling
	setfattr -n user.x -v 1 src/f ||
	    skip "this filesystem has no user xattrs"
	chown 1234:5678 src/f src/d
	chown -h 4321:8765 src/sl
	touch -h -d '2001-02-03 04:05:06.123456789' src/sl
	touch -d '2001-02-03 04:05:06.123456789' src/f
	touch -d '1999-12-31 23:59:59.987654321' src/d src
	run --separate-stderr "$ZCP" -a src dst
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$output" ""
	diff -r --no-dereference src dst
	assert_eq "$(stat -c '%a %u:%g %y' dst/f)" \
	    "640 1234:5678 2001-02-03 04:05:06.123456789 +0000"
	assert_eq "$(stat -c '%a %u:%g %y' dst/d)" \
	    "2750 1234:5678 1999-12-31 23:59:59.987654321 +0000"
	assert_eq "$(stat -c '%y' dst)" "1999-12-31 23:59:59.987654321 +0000"
	[[ -L dst/sl && -L dst/dangling ]]
	assert_eq "$(readlink dst/sl)" f
	assert_eq "$(readlink dst/dangling)" /nonexistent
	assert_eq "$(stat -c '%u:%g %y' dst/sl)" \
	    "4321:8765 2001-02-03 04:05:06.123456789 +0000"
	assert_eq "$(stat -c %i dst/f)" "$(stat -c %i dst/d/hl)"
	assert_eq "$(stat -c %h dst/f)" 2
	[ "$(stat -c %i dst/f)" != "$(stat -c %i src/f)" ]
	assert_eq "$(getfattr --only-values -n user.x dst/f)" 1
	# The same as cp -a, entry by entry.
	cp -a src gnu
	assert_eq "$(cd dst && find . -printf '%p %y %m %U:%G %T@ %n %l\n' | sort)" \
	    "$(cd gnu && find . -printf '%p %y %m %U:%G %T@ %n %l\n' | sort)"
}

@test "-p as an unprivileged user keeps mode and times, skips ownership silently" {
	user_dir
	mkdir src
	printf 'data\n' > src/f
	chmod 640 src/f
	chmod 755 src
	if [[ $EUID -eq 0 ]]; then
		chown 1234:5678 src/f
	fi
	chmod 644 src/f
	touch -d '2001-02-03 04:05:06.123456789' src/f
	run --separate-stderr as_user "$ZCP" -rp src dst
	assert_status 0
	assert_eq "$stderr" ""
	cmp src/f dst/f
	assert_eq "$(stat -c '%a %U %y' dst/f)" \
	    "644 $(as_user id -un) 2001-02-03 04:05:06.123456789 +0000"
}

setup_pres() {
	mkdir -p a/b
	printf 'xyz\n' > a/f
	chmod 640 a/f
	chmod 750 a/b
	ln a/f a/hl
	chown 1234:5678 a/f a/b
	setfattr -n user.x -v 1 a/f
	touch -d '2001-02-03 04:05:06.123456789' a/f a/b a
}

# meta DIR: mode, owner, mtime, link count of each entry, and user.x of f.
meta() {
	(
		cd "$1" || exit 1
		find . -printf '%p %m %U:%G %TY-%Tm-%Td_%TT %n\n' | sort
		getfattr --absolute-names --only-values -n user.x f 2>/dev/null
		echo
	)
}

@test "-p and --preserve=LIST keep what they name and nothing else" {
	need_root
	need_cmd setfattr getfattr
	mkdir probe && setfattr -n user.x -v 1 probe 2>/dev/null ||
	    skip "this filesystem has no user xattrs"
	local o when='2001-02-03_04:05:06.1234567890'
	for o in -p --preserve=mode --preserve=timestamps \
	    --preserve=links --preserve=xattr --preserve=all \
	    --preserve=mode,ownership,timestamps --preserve; do
		rm -rf gnu zcp gnu.* 
		both setup_pres -r "$o" a new
		assert_status 0
		assert_eq "$stderr" "" "$o: stderr"
		diff -r zcp/a zcp/new
		# Times are only comparable where they are preserved.
		case $o in
		*timestamps*|-p|--preserve=all|--preserve)
			assert_eq "$(meta zcp/new)" "$(meta gnu/new)" "$o"
			[[ $(meta zcp/new) == *"./f 640 "*" $when "* ]] ;;
		*)
			assert_eq "$(meta zcp/new | cut -d' ' -f1-3,5)" \
			    "$(meta gnu/new | cut -d' ' -f1-3,5)" "$o"
			[[ $(meta zcp/new) != *" $when "* ]] ;;
		esac
	done
	rm -rf gnu zcp
	both setup_pres -r --preserve=links a new
	assert_eq "$(stat -c %i zcp/new/f)" "$(stat -c %i zcp/new/hl)"
}

@test "--preserve=ownership alone keeps owners and the usual modes" {
	need_root
	setup_own() {
		mkdir -p a/d
		printf 'x\n' > a/f
		printf 'y\n' > a/g
		chmod 644 a/f
		chmod 640 a/g
		chmod 750 a/d
		chown 1234:5678 a/f a/g a/d
		touch -d 2001-02-03 a/f
	}
	both setup_own -r --preserve=ownership a new
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(stat -c '%n %a %u:%g' gnu/new/f gnu/new/g gnu/new/d | xargs)" \
	    "gnu/new/f 644 1234:5678 gnu/new/g 640 1234:5678 gnu/new/d 750 1234:5678" "cp"
	assert_eq "$(stat -c '%n %a %u:%g' zcp/new/f zcp/new/g zcp/new/d | xargs)" \
	    "zcp/new/f 644 1234:5678 zcp/new/g 640 1234:5678 zcp/new/d 750 1234:5678"
	[ "$(stat -c %Y zcp/new/f)" != "$(stat -c %Y zcp/a/f)" ]
}

@test "-a --no-preserve=mode gives new files and directories default modes" {
	setup_nm() {
		mkdir -p a/b
		printf 'x\n' > a/f
		printf 'y\n' > a/b/g
		chmod 600 a/f
		chmod 4755 a/b/g
		chmod 700 a/b
		touch -d '2001-02-03 04:05:06.5' a/f
	}
	both setup_nm -a --no-preserve=mode a new
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(stat -c '%a' gnu/new/f gnu/new/b gnu/new/b/g | xargs)" \
	    "644 755 644" "cp"
	assert_eq "$(stat -c '%a' zcp/new/f zcp/new/b zcp/new/b/g | xargs)" \
	    "644 755 644"
	# Everything else -a keeps is still kept.
	assert_eq "$(stat -c '%y' zcp/new/f)" "2001-02-03 04:05:06.500000000 +0000"
	rm -rf gnu zcp
	both setup_nm -a --no-preserve=all a new
	assert_status 0
	assert_eq "$(stat -c '%a' zcp/new/f zcp/new/b zcp/new/b/g | xargs)" \
	    "$(stat -c '%a' gnu/new/f gnu/new/b gnu/new/b/g | xargs)"
}

@test "--attributes-only copies no data: existing files keep bytes, new are empty" {
	mkdir -p a/b new/b
	printf 'source data\n' > a/f
	printf 'ggg\n' > a/b/g
	chmod 640 a/f
	touch -d '2001-02-03 04:05:06.123456789' a/f a/b/g
	printf 'old data here\n' > new/f
	chmod 600 new/f
	cp -a new gnu
	cp -r --attributes-only --preserve=all a/. gnu
	run --separate-stderr "$ZCP" -r --attributes-only --preserve=all a/. new
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(cat new/f)" "old data here"
	assert_eq "$(stat -c '%a %y' new/f)" "640 2001-02-03 04:05:06.123456789 +0000"
	[[ -f new/b/g && ! -s new/b/g ]]
	assert_eq "$(stat -c '%a %y' new/b/g)" "644 2001-02-03 04:05:06.123456789 +0000"
	assert_eq "$(listing new)" "$(listing gnu)"
	# A new tree: every file empty.
	run --separate-stderr "$ZCP" -a --attributes-only a fresh
	assert_status 0
	[[ ! -s fresh/f && ! -s fresh/b/g ]]
	assert_eq "$(stat -c '%a %y' fresh/f)" "640 2001-02-03 04:05:06.123456789 +0000"
}

@test "directory modes and times are set after their contents (0555 tree, -a)" {
	mkdir -p src/b
	printf 'x\n' > src/b/f
	chmod 555 src/b src
	touch -d '2001-02-03 04:05:06.123456789' src/b src
	run --separate-stderr "$ZCP" -a src dst
	assert_status 0
	assert_eq "$stderr" ""
	cmp src/b/f dst/b/f
	assert_eq "$(stat -c '%a %y' dst dst/b | xargs)" \
	    "555 2001-02-03 04:05:06.123456789 +0000 555 2001-02-03 04:05:06.123456789 +0000"
	chmod -R u+w src dst
}

@test "a read-only 0555 tree copies with -a as an unprivileged user" {
	user_dir
	as_user mkdir -p src/b src/c
	as_user sh -c 'printf "x\n" > src/b/f; printf "y\n" > src/c/g'
	as_user chmod 555 src/b src/c src
	as_user touch -d '2001-02-03 04:05:06.123456789' src/b src
	run --separate-stderr as_user "$ZCP" -a src dst
	assert_status 0
	assert_eq "$stderr" ""
	cmp src/b/f dst/b/f
	cmp src/c/g dst/c/g
	assert_eq "$(stat -c '%a %y' dst dst/b | xargs)" \
	    "555 2001-02-03 04:05:06.123456789 +0000 555 2001-02-03 04:05:06.123456789 +0000"
	assert_eq "$(stat -c %a dst/c)" 555
}

# --------------------------------------------------------------------
# Symbolic links

setup_links() {
	mkdir -p a/b d
	printf 'x\n' > a/f
	ln -s f a/sl
	ln -s b a/dl
	ln -s a la
	ln -s f2 a/dangling
}

@test "-P is the default with -r: links in the tree and on the command line stay links" {
	local o
	for o in -r -rP; do
		rm -rf gnu zcp
		both setup_links $o la a d
		assert_status 0
		assert_eq "$stderr" ""
		[[ -L zcp/d/la && -L zcp/d/a/sl && -L zcp/d/a/dl ]]
		[ -L zcp/d/a/dangling ]
		assert_eq "$(readlink zcp/d/la)" a
		assert_eq "$(readlink zcp/d/a/dl)" b
		assert_eq "$(readlink zcp/d/a/dangling)" f2
		assert_eq "$(listing zcp)" "$(listing gnu)" "$o"
	done
}

@test "-L follows every link; -H only those on the command line" {
	mkdir -p a/b d
	printf 'x\n' > a/f
	printf 'y\n' > a/b/g
	ln -s f a/sl
	ln -s b a/dl
	ln -s a la
	run --separate-stderr "$ZCP" -rL la l
	assert_status 0
	assert_eq "$stderr" ""
	[[ -d l && ! -L l && -f l/sl && ! -L l/sl ]]
	[[ -d l/dl && ! -L l/dl ]]
	cmp a/f l/sl
	cmp a/b/g l/dl/g
	run --separate-stderr "$ZCP" -rH la h
	assert_status 0
	[[ -d h && ! -L h ]]
	[[ -L h/sl && -L h/dl ]]
	assert_eq "$(readlink h/dl)" b
	cp -rL la gl
	cp -rH la gh
	assert_eq "$(listing l)" "$(listing gl)"
	assert_eq "$(listing h)" "$(listing gh)"
}

@test "-d keeps links as links and hard links as hard links, not times" {
	mkdir a
	printf 'x\n' > a/f
	ln a/f a/hl
	ln -s f a/sl
	touch -d '2001-02-03' a/f
	run --separate-stderr "$ZCP" -d -r a new
	assert_status 0
	[ -L new/sl ]
	assert_eq "$(stat -c %i new/f)" "$(stat -c %i new/hl)"
	[ "$(stat -c %Y new/f)" != "$(stat -c %Y a/f)" ]
	# -d alone, on a link: the link.
	run --separate-stderr "$ZCP" -d a/sl sl2
	assert_status 0
	[ -L sl2 ]
	assert_eq "$(readlink sl2)" f
}

@test "the last of -H, -L and -P wins" {
	local o want
	for o in -HP:link -PL:dir -LH:top -LP:link -PH:top -HL:dir -PLH:top; do
		want=${o#*:}
		o=${o%:*}
		rm -rf gnu zcp
		both setup_links -r "$o" la new
		assert_status "$gnu_status"
		assert_eq "$stderr" "$gnu_err" "$o"
		assert_eq "$(listing zcp)" "$(listing gnu)" "$o"
		case $want in
		link)	[ -L zcp/new ] ;;
		top)	[[ -d zcp/new && ! -L zcp/new && -L zcp/new/sl ]] ;;
		dir)	[[ -d zcp/new && ! -L zcp/new/sl && -f zcp/new/sl ]] ;;
		esac
	done
}

@test "dangling links: copied as links with -r, 'cannot stat' with -rL" {
	mkdir a
	printf 'x\n' > a/f
	ln -s nowhere a/dangling
	run --separate-stderr "$ZCP" -r a r
	assert_status 0
	assert_eq "$stderr" ""
	[ -L r/dangling ]
	assert_eq "$(readlink r/dangling)" nowhere
	run --separate-stderr "$ZCP" -rL a l
	assert_status 1
	assert_eq "$stderr" "zcp: cannot stat 'a/dangling': No such file or directory"
	cmp a/f l/f
	[[ ! -e l/dangling && ! -L l/dangling ]]
	run --separate-stderr cp -rL a gl
	assert_eq "${stderr/#cp:/zcp:}" "zcp: cannot stat 'a/dangling': No such file or directory"
}

@test "a link to a directory in the tree: a link with -r, the directory with -rL" {
	mkdir -p a/real
	printf 'x\n' > a/real/f
	ln -s real a/dirlink
	ln -s "$PWD/a/real" a/abslink
	run --separate-stderr "$ZCP" -r a r
	assert_status 0
	[[ -L r/dirlink && -L r/abslink ]]
	assert_eq "$(readlink r/abslink)" "$PWD/a/real"
	run --separate-stderr "$ZCP" -rL a l
	assert_status 0
	assert_eq "$stderr" ""
	[[ -d l/dirlink && ! -L l/dirlink && -d l/abslink && ! -L l/abslink ]]
	cmp a/real/f l/dirlink/f
	cmp a/real/f l/abslink/f
}

@test "-L on a link to an ancestor: cannot copy cyclic symbolic link" {
	setup_cyc() {
		mkdir -p a/b
		printf 'x\n' > a/f
		ln -s .. a/b/up
	}
	both setup_cyc -rL a new
	assert_eq "$gnu_err" "zcp: cannot copy cyclic symbolic link 'a/b/up'"
	assert_status 1
	assert_eq "$stderr" "zcp: cannot copy cyclic symbolic link 'a/b/up'"
	cmp zcp/a/f zcp/new/f
	[[ -d zcp/new/b && ! -e zcp/new/b/up/b ]]
	assert_eq "$(listing zcp)" "$(listing gnu)"
}

@test "-L on a self-loop link: Too many levels of symbolic links (ELOOP)" {
	setup_loop() {
		mkdir a
		printf 'x\n' > a/f
		ln -s self a/self
		ln -s x2 a/x1
		ln -s x1 a/x2
	}
	both setup_loop -rL a new
	assert_status 1
	assert_eq "$gnu_status" 1
	assert_eq "$(printf '%s\n' "$stderr" | sort)" "zcp: cannot stat 'a/self': Too many levels of symbolic links
zcp: cannot stat 'a/x1': Too many levels of symbolic links
zcp: cannot stat 'a/x2': Too many levels of symbolic links"
	assert_eq "$(printf '%s\n' "$stderr" | sort)" "$(printf '%s\n' "$gnu_err" | sort)"
	cmp zcp/a/f zcp/new/f
	rm -rf gnu zcp
	both setup_loop -L a/self out
	assert_status 1
	assert_eq "$stderr" "zcp: cannot stat 'a/self': Too many levels of symbolic links"
	assert_eq "$stderr" "$gnu_err"
}

# --------------------------------------------------------------------
# -l and -s

@test "-l hard links every file of the tree and makes the directories" {
	mkdir -p a/b/empty
	printf 'x\n' > a/f
	printf 'y\n' > a/b/g
	run --separate-stderr "$ZCP" -rl a new
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(stat -c %i new/f)" "$(stat -c %i a/f)"
	assert_eq "$(stat -c %i new/b/g)" "$(stat -c %i a/b/g)"
	assert_eq "$(stat -c %h a/f)" 2
	[ -d new/b/empty ]
	[ "$(stat -c %i new/b)" != "$(stat -c %i a/b)" ]
	run --separate-stderr "$ZCP" -r --link a new2
	assert_status 0
	assert_eq "$(stat -c %h a/f)" 3
}

@test "-s: an absolute source makes a link anywhere" {
	mkdir sd
	printf 'x\n' > x
	run --separate-stderr "$ZCP" -s "$PWD/x" sd/x
	assert_status 0
	assert_eq "$stderr" ""
	[ -L sd/x ]
	assert_eq "$(readlink sd/x)" "$PWD/x"
	run --separate-stderr "$ZCP" --symbolic-link "$PWD/x" sd/
	assert_status 1
	assert_eq "$stderr" "zcp: cannot create symbolic link 'sd/x' to '$PWD/x': File exists"
	assert_eq "$stderr" "$(cp -s "$PWD/x" sd/ 2>&1 | sed 's/^cp:/zcp:/')"
	rm sd/x
	run --separate-stderr "$ZCP" --symbolic-link "$PWD/x" sd/
	assert_status 0
	assert_eq "$(readlink sd/x)" "$PWD/x"
	run --separate-stderr "$ZCP" -s "$PWD/x" ln-here
	assert_status 0
	assert_eq "$(readlink ln-here)" "$PWD/x"
	# A tree given by an absolute name: links to each file.
	mkdir -p a/b
	printf 'y\n' > a/b/g
	run --separate-stderr "$ZCP" -rs "$PWD/a" sd/tree
	assert_status 0
	assert_eq "$stderr" ""
	[[ -d sd/tree/b && -L sd/tree/b/g ]]
	assert_eq "$(readlink sd/tree/b/g)" "$PWD/a/b/g"
}

@test "-s: relative sources only in the current directory" {
	mkdir sd
	printf 'x\n' > x
	run --separate-stderr "$ZCP" -s x y
	assert_status 0
	assert_eq "$(readlink y)" x
	run --separate-stderr "$ZCP" -s x sd/x
	assert_status 1
	assert_eq "$stderr" "zcp: sd/x: can make relative symbolic links only in current directory"
	[[ ! -e sd/x && ! -L sd/x ]]
	run --separate-stderr cp -s x sd/x
	assert_eq "${stderr/#cp:/zcp:}" "zcp: sd/x: can make relative symbolic links only in current directory"
	# In a tree given by a relative name: refused for each file.
	mkdir -p a/b
	printf 'y\n' > a/b/g
	run --separate-stderr "$ZCP" -rs a new
	assert_status 1
	assert_eq "$stderr" "zcp: new/b/g: can make relative symbolic links only in current directory"
	[ -d new/b ] && [ ! -e new/b/g ]
}

# --------------------------------------------------------------------
# Backups

setup_bk() {
	mkdir -p a d/a
	printf 'new\n' > a/f
	printf 'old\n' > d/a/f
	printf 'new2\n' > a/g
	printf 'old2\n' > d/a/g
	printf 'older2\n' > d/a/g.~1~
}

# bk_check CONTROL F-BACKUP G-BACKUP: after a copy of setup_bk with
# CONTROL, d/a/f~-style names hold the old contents.
bk_check() {
	assert_eq "$(cat d/a/f)" new "$1: f"
	assert_eq "$(cat d/a/g)" new2 "$1: g"
	if [[ $2 == - ]]; then
		assert_eq "$(ls d/a | xargs)" "f g g.~1~" "$1: no backups"
		return
	fi
	assert_eq "$(cat "d/a/$2")" old "$1: backup of f"
	assert_eq "$(cat "d/a/$3")" old2 "$1: backup of g"
	assert_eq "$(cat d/a/g.~1~)" older2 "$1: the old numbered backup"
	assert_eq "$(cat a/f)" new "$1: the source"
	[ ! -e a/f~ ] && [ ! -e a/g~ ]
}

@test "backups: -b, --backup and every CONTROL name" {
	local spec c f g
	for spec in "-b f~ g.~2~" "--backup f~ g.~2~" "--backup=existing f~ g.~2~" \
	    "--backup=nil f~ g.~2~" "--backup=numbered f.~1~ g.~2~" \
	    "--backup=t f.~1~ g.~2~" "--backup=simple f~ g~" \
	    "--backup=never f~ g~" "--backup=none - -" "--backup=off - -" \
	    "--backup=nu f.~1~ g.~2~"; do
		read -r c f g <<< "$spec"
		rm -rf w
		mkdir w
		cd w
		setup_bk
		run --separate-stderr "$ZCP" -r "$c" a d
		assert_status 0
		assert_eq "$stderr" "" "$c: stderr"
		bk_check "$c" "$f" "$g"
		cd ..
	done
}

@test "backups: -S and SIMPLE_BACKUP_SUFFIX, VERSION_CONTROL" {
	setup_bk
	run --separate-stderr "$ZCP" -r -b -S .bak a d
	assert_status 0
	bk_check -S f.bak g.~2~
	rm -rf a d
	setup_bk
	run --separate-stderr "$ZCP" -r --suffix=.s --backup=simple a d
	assert_status 0
	bk_check --suffix f.s g.s
	rm -rf a d
	setup_bk
	SIMPLE_BACKUP_SUFFIX=.env run --separate-stderr "$ZCP" -r -b a d
	assert_status 0
	bk_check SIMPLE_BACKUP_SUFFIX f.env g.~2~
	rm -rf a d
	setup_bk
	SIMPLE_BACKUP_SUFFIX=.env run --separate-stderr "$ZCP" -r -b -S .opt a d
	bk_check "-S over the environment" f.opt g.~2~
	rm -rf a d
	setup_bk
	VERSION_CONTROL=numbered run --separate-stderr "$ZCP" -r --backup a d
	assert_status 0
	bk_check VERSION_CONTROL=numbered f.~1~ g.~2~
	rm -rf a d
	setup_bk
	VERSION_CONTROL=simple run --separate-stderr "$ZCP" -r -b a d
	assert_status 0
	bk_check "VERSION_CONTROL with -b" f~ g~
	rm -rf a d
	setup_bk
	VERSION_CONTROL=simple run --separate-stderr "$ZCP" -r --backup=t a d
	bk_check "--backup=t over VERSION_CONTROL" f.~1~ g.~2~
	rm -rf a d
	setup_bk
	VERSION_CONTROL=off run --separate-stderr "$ZCP" -r --backup a d
	bk_check VERSION_CONTROL=off - -
}

@test "backups: -v shows (backup: NAME) as cp" {
	both setup_bk -rv --backup=numbered a d
	assert_status 0
	assert_eq "$(vsort "$output")" "'a/f' -> 'd/a/f' (backup: 'd/a/f.~1~')
'a/g' -> 'd/a/g' (backup: 'd/a/g.~2~')"
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
}

@test "backups: an invalid or ambiguous CONTROL is refused as cp does" {
	local locale_ok
	locale_ok=$(locale charmap 2>/dev/null)
	[[ $locale_ok == UTF-8 ]] || skip "needs a UTF-8 locale (charmap: $locale_ok)"
	both setup_bk -r --backup=x a d
	assert_status 1
	assert_eq "$stderr" "zcp: invalid argument ‘x’ for ‘backup type’
Valid arguments are:
  - ‘none’, ‘off’
  - ‘simple’, ‘never’
  - ‘existing’, ‘nil’
  - ‘numbered’, ‘t’
Try 'zcp --help' for more information."
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/d/a/f)" old
	rm -rf gnu zcp
	both setup_bk -r --backup=n a d
	assert_status 1
	assert_eq "${stderr_lines[0]}" "zcp: ambiguous argument ‘n’ for ‘backup type’"
	assert_eq "$stderr" "$gnu_err"
	rm -rf gnu zcp
	VERSION_CONTROL=bogus both setup_bk -r -b a d
	assert_status 1
	assert_eq "$gnu_status" 1
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$(cat zcp/d/a/f)" old
}

@test "backups: -n with -b is refused" {
	local o
	for o in "-n -b" "-b -n" "--backup=numbered --no-clobber"; do
		rm -rf gnu zcp
		# shellcheck disable=SC2086
		both setup_bk -r $o a d
		assert_status 1
		assert_eq "${stderr_lines[0]}" \
		    "zcp: options --backup and --no-clobber are mutually exclusive"
		assert_eq "$stderr" "$gnu_err"
		assert_eq "$(cat zcp/d/a/f)" old
	done
}

# --------------------------------------------------------------------
# -u, --update=WHEN, -n

setup_up() {
	mkdir -p a/b d/a/b
	printf 'new\n' > a/f		# newer than its destination
	printf 'newer\n' > a/b/g	# older than its destination
	printf 'NEW\n' > a/h		# no destination yet
	printf 'old\n' > d/a/f
	printf 'oldg\n' > d/a/b/g
	touch -d 2000-01-01 d/a/f a/b/g
	touch -d 2030-01-01 d/a/b/g
}

# up_check F G H: contents of d/a/f, d/a/b/g, d/a/h.
up_check() {
	assert_eq "$(cat d/a/f) $(cat d/a/b/g) $(cat d/a/h 2>/dev/null)" "$*"
}

@test "-u and --update replace only older destination files in a tree" {
	local o
	for o in -u --update --update=older; do
		rm -rf w
		mkdir w
		cd w
		setup_up
		run --separate-stderr "$ZCP" -rv "$o" a d
		assert_status 0
		assert_eq "$stderr" "" "$o"
		up_check new oldg NEW
		assert_eq "$(vsort "$output")" "'a/f' -> 'd/a/f'
'a/h' -> 'd/a/h'" "$o -v"
		cd ..
	done
	both setup_up -rv -u a d
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
}

@test "--update=all replaces every file, --update=none none" {
	setup_up
	run --separate-stderr "$ZCP" -r --update=all a d
	assert_status 0
	up_check new newer NEW
	rm -rf a d
	setup_up
	run --separate-stderr "$ZCP" -r --update=none a d
	assert_status 0
	assert_eq "$stderr" ""
	up_check old oldg NEW
	run --separate-stderr "$ZCP" -r --update=bogus a d
	assert_status 1
	assert_eq "$stderr" "zcp: invalid argument ‘bogus’ for ‘--update’
Valid arguments are:
  - ‘all’
  - ‘none’
  - ‘none-fail’
  - ‘older’
Try 'zcp --help' for more information."
}

@test "-n keeps every existing file of a tree and copies the new ones" {
	local o
	for o in -n --no-clobber "-u -n"; do
		rm -rf gnu zcp
		# shellcheck disable=SC2086
		both setup_up -rv $o a d
		assert_status 0
		assert_eq "$gnu_status" 0
		assert_eq "$stderr" ""
		(cd zcp && up_check old oldg NEW)
		assert_eq "$(vsort "$output")" "'a/h' -> 'd/a/h'"
		assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
	done
}

# --------------------------------------------------------------------
# --parents

setup_par() {
	mkdir -p a/b/c dir
	printf 'x\n' > a/b/c/f
	printf 'z\n' > file
	chmod 750 a/b
	chmod 711 a
	touch -d '2001-01-01 00:00:00.5' a/b/c a/b a
}

@test "--parents a/b/c dir makes dir/a/b/c; -v prints a -> dir/a unquoted" {
	both setup_par -rv --parents a/b/c dir
	assert_status 0
	assert_eq "$stderr" ""
	cmp zcp/a/b/c/f zcp/dir/a/b/c/f
	assert_eq "$(listing zcp/dir)" "$(listing gnu/dir)"
	assert_eq "$(printf '%s\n' "$output" | sed -E 's/ \[[^]]*\]$//')" "a -> dir/a
a/b -> dir/a/b
'a/b/c' -> 'dir/a/b/c'
'a/b/c/f' -> 'dir/a/b/c/f'"
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
	# Modes of the made directories follow the sources, as in cp.
	assert_eq "$(stat -c %a zcp/dir/a zcp/dir/a/b | xargs)" "711 750"
	rm -rf gnu zcp
	both setup_par -v --parents a/b/c/f ./dir/
	assert_status 0
	assert_eq "$(vsort "$output")" "$(vsort "$gnu_out")"
	assert_eq "$(vsort "$output" | head -1)" "'a/b/c/f' -> './dir/a/b/c/f'"
}

@test "--parents without -r omits a directory (and says nothing else)" {
	both setup_par -v --parents a/b/c dir
	assert_status 1
	assert_eq "$stderr" "zcp: -r not specified; omitting directory 'a/b/c'"
	assert_eq "$stderr" "$gnu_err"
	assert_eq "$output" "$gnu_out"
}

@test "--parents -p keeps the times of the directories it makes" {
	both setup_par --parents -p a/b/c/f dir
	assert_status 0
	assert_eq "$(stat -c '%a %y' gnu/dir/a gnu/dir/a/b | xargs)" \
	    "711 2001-01-01 00:00:00.500000000 +0000 750 2001-01-01 00:00:00.500000000 +0000" "cp"
	assert_eq "$(stat -c '%a %y' zcp/dir/a zcp/dir/a/b zcp/dir/a/b/c | xargs)" \
	    "$(stat -c '%a %y' gnu/dir/a gnu/dir/a/b gnu/dir/a/b/c | xargs)"
}

@test "--parents needs a directory target" {
	local t
	for t in file newdir; do
		rm -rf gnu zcp
		both setup_par --parents a/b/c/f "$t"
		assert_status 1
		assert_eq "$stderr" "zcp: with --parents, the destination must be a directory
Try 'zcp --help' for more information."
		assert_eq "$stderr" "$gnu_err"
		[ ! -e zcp/newdir ]
	done
}

# --------------------------------------------------------------------
# -x

@test "-x makes the mount point directory but copies nothing below it" {
	need_root
	mkdir -p src/m src/sub
	printf 'x\n' > src/f
	printf 'y\n' > src/sub/g
	mount -t tmpfs -o size=1m zcp-test src/m || skip "cannot mount a tmpfs"
	MOUNTS+=("$PWD/src/m")
	printf 'inner\n' > src/m/inner
	mkdir src/m/dir
	chmod 710 src/m
	run --separate-stderr "$ZCP" -rx src dst
	assert_status 0
	assert_eq "$stderr" ""
	cmp src/f dst/f
	cmp src/sub/g dst/sub/g
	[ -d dst/m ]
	assert_eq "$(ls -A dst/m)" ""
	run --separate-stderr "$ZCP" -a --one-file-system src dst2
	assert_status 0
	assert_eq "$(ls -A dst2/m)" ""
	assert_eq "$(stat -c %a dst2/m)" 710
	cp -ax src gnu
	assert_eq "$(listing dst2)" "$(listing gnu)"
	# Without -x the mounted tree is copied.
	run --separate-stderr "$ZCP" -r src dst3
	assert_status 0
	cmp src/m/inner dst3/m/inner
}

# --------------------------------------------------------------------
# Special files

@test "-R recreates a FIFO as a FIFO and never opens it" {
	mkdir a
	mkfifo a/fifo
	chmod 640 a/fifo
	printf 'x\n' > a/f
	# Opening the FIFO for reading would block: no writer ever comes.
	run --separate-stderr timeout 10 "$ZCP" -R a new
	assert_status 0
	assert_eq "$stderr" ""
	[ -p new/fifo ]
	assert_eq "$(stat -c %a new/fifo)" 640
	cmp a/f new/f
	run --separate-stderr timeout 10 "$ZCP" -a a new2
	assert_status 0
	[ -p new2/fifo ]
}

@test "-R recreates a character device (as root)" {
	need_root
	mkdir a
	mknod a/null c 1 3 || skip "cannot mknod here"
	chmod 640 a/null
	run --separate-stderr timeout 10 "$ZCP" -R a new
	assert_status 0
	assert_eq "$stderr" ""
	[ -c new/null ]
	assert_eq "$(stat -c '%t:%T %a' new/null)" "1:3 640"
	run --separate-stderr "$ZCP" -a a new2
	assert_status 0
	assert_eq "$(stat -c '%t:%T %a' new2/null)" "1:3 640"
}

@test "-R recreates a UNIX socket" {
	need_cmd python3
	mkdir a
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' a/sock
	[ -S a/sock ]
	run --separate-stderr timeout 10 "$ZCP" -R a new
	assert_status 0
	assert_eq "$stderr" ""
	[ -S new/sock ]
	cp -R a gnu
	assert_eq "$(listing new)" "$(listing gnu)"
}

@test "--copy-contents reads a FIFO as a file" {
	mkdir a
	mkfifo a/fifo
	printf 'x\n' > a/f
	(printf 'hello fifo\n' > a/fifo) &
	PIDS+=($!)
	run --separate-stderr timeout 10 "$ZCP" -R --copy-contents a new
	assert_status 0
	assert_eq "$stderr" ""
	[[ -f new/fifo && ! -p new/fifo ]]
	assert_eq "$(cat new/fifo)" "hello fifo"
	cmp a/f new/f
}

# --------------------------------------------------------------------
# Reporting

@test "-v prints GNU's line per directory, link and file; --debug adds the engine of files" {
	mkdir -p a/b/c
	printf 'hello\n' > a/f
	printf '12345678\n' > a/b/g
	ln -s f a/sl
	mkfifo a/p
	run --separate-stderr "$ZCP" -rv a o
	assert_status 0
	assert_eq "$stderr" ""
	assert_eq "$(printf '%s\n' "$output" | wc -l)" 7
	assert_eq "${lines[0]}" "'a' -> 'o'"
	assert_eq "$(vsort "$output")" "'a' -> 'o'
'a/b' -> 'o/b'
'a/b/c' -> 'o/b/c'
'a/b/g' -> 'o/b/g'
'a/f' -> 'o/f'
'a/p' -> 'o/p'
'a/sl' -> 'o/sl'"
	cp -rv a gnu > gnu.out
	assert_eq "$(vsort "$output")" "$(vsort "$(sed 's/gnu/o/g' gnu.out)")"
	rm -rf o
	run --separate-stderr "$ZCP" -r --debug a o
	assert_status 0
	assert_match "$(printf '%s\n' "$output" | grep -A1 "^'a/f'")" "$(vline_re a/f o/f '6 B')"
	assert_match "$(printf '%s\n' "$output" | grep -A1 "^'a/b/g'")" "$(vline_re a/b/g o/b/g '9 B')"
	# Directories, links and specials carry no engine report.
	assert_eq "$(printf '%s\n' "$output" | grep -c '^copy offload: ')" 2
	# -j1: parents come before their contents, in one line each.
	rm -rf o
	run --separate-stderr "$ZCP" -rv -j1 a o
	assert_status 0
	local n_a n_b n_g
	n_a=$(printf '%s\n' "$output" | grep -n "^'a' ->" | cut -d: -f1)
	n_b=$(printf '%s\n' "$output" | grep -n "^'a/b' ->" | cut -d: -f1)
	n_g=$(printf '%s\n' "$output" | grep -n "^'a/b/g' ->" | cut -d: -f1)
	[ "$n_a" -lt "$n_b" ] && [ "$n_b" -lt "$n_g" ]
}

setup_rep() {
	mkdir -p a/b/c
	printf 'hello\n' > a/f
	printf '12345678\n' > a/b/g
	ln -s f a/sl
	ln -s nowhere a/dang
	mkfifo a/p
}

@test "--stats counts directories, files, symlinks, specials and failures" {
	setup_rep
	run --separate-stderr "$ZCP" -r --stats a o
	assert_status 0
	assert_eq "$output" ""
	assert_eq "${stderr_lines[0]}" \
	    "zcp: stats: 2 files, 3 directories, 2 symlinks, 1 special file; 0 skipped, 0 failed"
	assert_match "${stderr_lines[1]}" "^zcp: stats: 15 B in $T_RE, $R_RE\$"
	run --separate-stderr "$ZCP" -rL --stats a o2
	assert_status 1
	assert_eq "$(printf '%s\n' "$stderr" | grep -v '^zcp: stats: ' )" \
	    "zcp: cannot stat 'a/dang': No such file or directory"
	assert_eq "$(printf '%s\n' "$stderr" | grep -m1 '^zcp: stats: ')" \
	    "zcp: stats: 3 files, 3 directories, 0 symlinks, 1 special file; 0 skipped, 1 failed"
	# Everything exists: -n skips the 2 files, 2 links and the FIFO.
	run --separate-stderr "$ZCP" -rnT --stats a o
	assert_status 0
	assert_match "$(printf '%s\n' "$stderr" | grep -m1 '^zcp: stats: ')" \
	    "^zcp: stats: 0 files, [0-9]+ director(y|ies), 0 symlinks, 0 special files; 5 skipped, 0 failed\$"
}

@test "--json: one record per entry and a summary with the tree's counts" {
	need_cmd python3
	setup_rep
	run --separate-stderr "$ZCP" -rL --json a o
	assert_status 1
	assert_eq "$stderr" "zcp: cannot stat 'a/dang': No such file or directory"
	printf '%s\n' "$output" > out.json
	run python3 - out.json <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
summ = [r for r in recs if r["type"] == "summary"]
files = [r for r in recs if r["type"] == "file"]
assert len(summ) == 1 and recs[-1] is summ[0], "one summary, last"
s = summ[0]
for k, v in {"files": 3, "directories": 3, "symlinks": 0, "specials": 1,
             "failed": 1, "skipped": 0, "bytes": 21}.items():
    assert s[k] == v, (k, s[k], v)
by = {r["source"]: r for r in files}
assert sorted(by) == ["a", "a/b", "a/b/c", "a/b/g", "a/dang", "a/f", "a/p", "a/sl"], sorted(by)
assert by["a/dang"]["status"] == "failed", by["a/dang"]
assert by["a/dang"]["errno"] == "ENOENT", by["a/dang"]
assert by["a/dang"]["error"] == "cannot stat 'a/dang': No such file or directory"
assert by["a/b"]["kind"] == "directory" and by["a/p"]["kind"] == "special"
assert by["a/b/g"]["bytes"] == 9 and by["a/b/g"]["destination"] == "o/b/g"
assert all(by[k]["status"] == "copied" for k in by if k != "a/dang")
EOF
	assert_status 0
	run --separate-stderr "$ZCP" -r --json a o2
	assert_status 0
	assert_eq "$stderr" ""
	printf '%s\n' "$output" | tail -1 > sum.json
	run python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["files"], s["directories"], s["symlinks"], s["specials"], s["failed"], s["bytes"])' sum.json
	assert_eq "$output" "2 3 2 1 0 15"
}
