#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# --dry-run: the same -v lines, messages and exit status as the real
# run, and nothing changed: no file, directory, link or attribute made
# or modified (a snapshot of the tree before and after; strace: no
# writing call at all).  tests/dryrun.py runs the dry run, then the real
# one, on 216 of tests/difftree.py's generated cases (destinations that
# hold files, symbolic links, hard links, backups; -u, -n, -i, -b, -l,
# -s, --parents...), at -j1 and -j2; a bigger run by hand:
#   tests/dryrun.py --seeds 1-100 --tmp /dev/shm
bats_require_minimum_version 1.5.0

load helpers

# state DIR: everything about each entry of DIR that a write changes.
state()
{
	(cd "$1" && find . -printf '%P %y %m %u %g %s %i %n %T@ %C@ %l\n' |
	    LC_ALL=C sort)
}

# A source tree, and a destination that holds some of it already: an
# older file, a newer one, a symbolic link, hard links, a directory.
mkboth()
{
	mkdir -p src/a/b src/new/deep/er dst/src/a
	echo one > src/f
	echo two > src/a/g
	echo three > src/a/b/h
	echo four > src/new/deep/er/i
	ln src/f src/f2
	ln -s f src/lnk
	mkfifo src/fifo
	echo old > dst/src/f
	touch -d 2001-01-01 dst/src/f
	echo newer > dst/src/a/g
	touch -d 2099-01-01 dst/src/a/g
	ln dst/src/f dst/src/f2
	ln -s elsewhere dst/src/lnk
}

# The calls that change a file system (or a file's data: a write to a
# descriptor other than stdout and stderr).
CALLS='mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat|renameat2|link'
CALLS+='|linkat|symlink|symlinkat|mknod|mknodat|chmod|fchmod|fchmodat|chown'
CALLS+='|fchown|fchownat|lchown|utimensat|utimes|futimesat|setxattr'
CALLS+='|lsetxattr|fsetxattr|removexattr|lremovexattr|fremovexattr|truncate'
CALLS+='|ftruncate|fallocate|copy_file_range|sendfile|splice|pwrite64'
CALLS+='|pwritev|pwritev2'

# writes TRACE: the writing calls in strace's output TRACE (none: empty).
writes()
{
	grep -E "O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_TMPFILE|FICLONE|(^|[0-9] +)($CALLS)\\(|writev?\\(([03-9]|[0-9]{2,})," "$1" || true
}

@test "dry run: generated cases: the real run's lines, nothing changed (tests/dryrun.py)" {
	need_cmd python3
	run python3 "$BATS_TEST_DIRNAME/dryrun.py" --zcp "$ZCP" --seeds 1-8 \
	    --tmp "$BATS_TEST_TMPDIR"
	echo "$output"
	assert_status 0
	assert_match "$output" "0 of 216 cases differ"
}

@test "dry run: strace sees no writing call, whatever the options, at -j1 and -j2" {
	need_strace
	local o j
	for o in -a -r -ru -rn -rb --backup=numbered -rf \
	    --remove-destination -rl -rs --atomic --attributes-only \
	    --parents -rL; do
		for j in 1 2; do
			rm -rf src dst s.trace
			mkboth
			before=$(state dst)
			strace -f -qq -o s.trace "$ZCP" -r -j$j -v "$o" --dry-run \
			    src "$PWD/dst" > out 2>&1 || true
			assert_eq "$(writes s.trace)" ""
			assert_eq "$(state dst)" "$before"
			grep -q . out
		done
	done
}

@test "dry run: the writes check sees the real run's writes (the test can fail)" {
	need_strace
	mkboth
	strace -f -qq -o s.trace "$ZCP" -a -j1 src dst
	writes s.trace > w
	grep -q mkdirat w
	grep -q O_CREAT w
	grep -q utimensat w
}

@test "dry run: below a directory it would make, the walk goes on (-v as the real run)" {
	mkboth
	run "$ZCP" -a -j1 -v --dry-run src dst
	assert_status 0
	dry=$output
	[ ! -e dst/src/new ]
	run "$ZCP" -a -j1 -v src dst
	assert_eq "$output" "$dry"
	assert_match "$output" "'src/new/deep/er/i' -> 'dst/src/new/deep/er/i'"
}

@test "dry run: existing files: -u, -n, --backup, hard links, as the real run" {
	local o
	for o in -u -n --backup=numbered -b --remove-destination; do
		rm -rf src dst
		mkboth
		run "$ZCP" -a -j1 -v "$o" --dry-run src dst
		dry=$output
		drc=$status
		run "$ZCP" -a -j1 -v "$o" src dst
		assert_eq "$output" "$dry"
		assert_eq "$status" "$drc"
	done
}

@test "dry run: -i asks the same questions, and takes the answers" {
	mkboth
	run "$ZCP" -ri -j1 -v --dry-run src dst <<< $'n\ny\ny\ny\n'
	dry=$output
	assert_match "$output" "overwrite 'dst/src/f'\\?"
	run "$ZCP" -ri -j1 -v src dst <<< $'n\ny\ny\ny\n'
	assert_eq "$output" "$dry"
}

@test "dry run: 'will not overwrite just-created' and 'into itself', as the real run" {
	mkdir -p a b d/sub t
	echo 1 > a/x
	echo 2 > b/x
	echo 3 > d/y
	run "$ZCP" -v --dry-run a/x b/x t
	assert_status 1
	assert_match "$output" "will not overwrite just-created 't/x' with 'b/x'"
	[ ! -e t/x ]
	run "$ZCP" -r -v --dry-run d d/sub
	assert_status 1
	assert_match "$output" "cannot copy a directory, 'd', into itself, 'd/sub/d'"
	[ ! -e d/sub/d ]
}

@test "dry run: a dangling link and a missing directory, as the real run" {
	mkdir dst
	echo x > f
	ln -s nowhere dst/f
	run "$ZCP" -v --dry-run f dst/f
	assert_status 1
	assert_match "$output" "not writing through dangling symlink 'dst/f'"
	run "$ZCP" -v --dry-run f nodir/f
	assert_status 1
	assert_match "$output" "cannot create regular file 'nodir/f': No such file or directory"
}

@test "dry run: --json says dry_run true; --stats counts what would be done" {
	mkboth
	run "$ZCP" -a --dry-run --json --stats --exclude=new src dst
	assert_status 0
	assert_match "$output" '"type":"summary"'
	assert_match "$output" '"excluded":1,"dry_run":true'
	assert_match "$output" '"bytes":0'
	[ ! -e dst/src/a/b ]
}

@test "dry run: with --exclude, what would be left out is said by --debug" {
	mkboth
	run "$ZCP" -r --debug --dry-run --exclude='*.o' --exclude=b src dst
	assert_status 0
	assert_match "$output" "excluded 'src/a/b' by --exclude='b'"
	[ ! -e dst/src/a/b ]
}

@test "dry run: --parents -a sets nothing on the parents that are there" {
	need_strace
	mkdir -p s/a/b d/s/a
	echo x > s/a/b/f
	touch -d 2001-01-01 s/a
	chmod 700 s/a
	before=$(state d)
	strace -f -qq -o s.trace "$ZCP" -a --parents --dry-run s/a/b/f d
	assert_eq "$(writes s.trace)" ""
	assert_eq "$(state d)" "$before"
}

@test "dry run: numbered backups of one name twice, a directory whose parent is missing, as the real run" {
	mkdir -p a b dst
	echo 1 > a/x
	echo 2 > b/x
	echo 0 > dst/x
	run "$ZCP" -v --backup=numbered --dry-run a/x b/x dst
	dry=$output
	assert_match "$output" "'b/x' -> 'dst/x' \\(backup: 'dst/x.~2~'\\)"
	run "$ZCP" -v --backup=numbered a/x b/x dst
	assert_eq "$output" "$dry"
	mkdir -p d
	echo 1 > d/f
	run "$ZCP" -r -v --dry-run d nodir/d
	assert_status 1
	assert_eq "$output" "zcp: cannot create directory 'nodir/d': No such file or directory"
}
