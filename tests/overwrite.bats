#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# overwrite.bats: an existing destination and the metadata of the copy.
# Same-file detection; -f, -i, -n, -u, --remove-destination and which of
# -f/-i/-n wins; a plain copy keeps the destination's inode and mode; new
# files get the source's mode less the umask; -p and --preserve.

load helpers

# run_i INPUT ARGS...: runs zcp ARGS with INPUT on stdin; sets status,
# output and PROMPT, all of stderr, kept whole (bats trims the trailing
# space of a prompt from $stderr).
run_i()
{
	local in=$1
	shift
	status=0
	output=$(printf '%s' "$in" | "$ZCP" "$@" 2> err) || status=$?
	PROMPT=$(cat err; echo .)
	PROMPT=${PROMPT%.}
}

# snapshot FILE: inode, size, mode and mtime, to show FILE was not touched.
snapshot()
{
	stat -c '%i %s %a %y' "$1"
}

setup_same()
{
	printf 'the source\n' > a
	touch -d '2001-01-01 00:00:00.5' a
	SNAP=$(snapshot a)
}

check_same_untouched()
{
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_eq "$(snapshot a)" "$SNAP" "the source"
	assert_eq "$(cat a)" "the source" "the source's bytes"
}

@test "same file: zcp a a" {
	setup_same
	run --separate-stderr "$ZCP" a a
	assert_stderr "zcp: 'a' and 'a' are the same file"
	check_same_untouched
}

@test "same file: zcp a ./a" {
	setup_same
	run --separate-stderr "$ZCP" a ./a
	assert_stderr "zcp: 'a' and './a' are the same file"
	check_same_untouched
}

@test "same file: a hard link as destination" {
	setup_same
	ln a hl
	run --separate-stderr "$ZCP" a hl
	assert_stderr "zcp: 'a' and 'hl' are the same file"
	check_same_untouched
}

@test "same file: a symbolic link to the source as destination" {
	setup_same
	ln -s a sl
	run --separate-stderr "$ZCP" a sl
	assert_stderr "zcp: 'a' and 'sl' are the same file"
	check_same_untouched
	[[ -L sl ]]
}

@test "same file: a symbolic link to the destination as source" {
	setup_same
	ln -s a sl
	run --separate-stderr "$ZCP" sl a
	assert_stderr "zcp: 'sl' and 'a' are the same file"
	check_same_untouched
}

@test "same file: -f does not make it a copy" {
	setup_same
	run --separate-stderr "$ZCP" -f a a
	assert_stderr "zcp: 'a' and 'a' are the same file"
	check_same_untouched
}

@test "same file: into the directory that holds it" {
	setup_same
	run --separate-stderr "$ZCP" a .
	assert_stderr "zcp: 'a' and './a' are the same file"
	check_same_untouched
}

@test "same file: the other sources are still copied" {
	setup_same
	printf 'b\n' > b
	mkdir d
	ln a d/a
	run --separate-stderr "$ZCP" a b d
	assert_stderr "zcp: 'a' and 'd/a' are the same file"
	check_same_untouched
	cmp b d/b
}

# cp 9.1 removes a hard-linked destination under --remove-destination and
# copies (exit 0): the source keeps its bytes, the name gets a new inode.
@test "--remove-destination onto a hard link of the source copies as cp" {
	setup_same
	ln a hl
	run --separate-stderr "$ZCP" --remove-destination a hl
	assert_status 0
	assert_stderr ""
	assert_eq "$(snapshot a | cut -d' ' -f1-3)" "$(echo "$SNAP" | cut -d' ' -f1-3)" "the source"
	cmp a hl
	[[ $(stat -c %i hl) != $(stat -c %i a) ]]
}

@test "an unwritable destination: refused without -f" {
	need_unprivileged
	printf 'new\n' > a
	printf 'old\n' > b
	chmod 444 b
	local snap
	snap=$(snapshot b)
	run --separate-stderr unprivileged "$ZCP" a b
	assert_status 1
	assert_stderr "zcp: cannot create regular file 'b': Permission denied"
	assert_eq "$(snapshot b)" "$snap" "b"
	assert_eq "$(cat b)" old
}

@test "-f: an unwritable destination is removed and made again" {
	need_unprivileged
	printf 'new\n' > a
	printf 'old\n' > b
	chmod 444 b
	# A second link keeps the old inode (and its number) alive.
	ln b b.keep
	run --separate-stderr unprivileged "$ZCP" -f a b
	assert_status 0
	assert_stderr ""
	cmp a b
	[[ $(stat -c %i b) != $(stat -c %i b.keep) ]]
	assert_eq "$(cat b.keep)" old "the old file"
	assert_eq "$(stat -c %a b)" 644 "mode of the new file"
}

@test "-f: a writable destination keeps its inode" {
	printf 'new\n' > a
	printf 'old old old\n' > b
	local ino
	ino=$(stat -c %i b)
	run --separate-stderr "$ZCP" -f a b
	assert_status 0
	cmp a b
	assert_eq "$(stat -c %i b)" "$ino" "inode"
}

@test "-i: 'y' overwrites, the prompt is cp's" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'y\n' -i a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	assert_eq "$output" "" "stdout"
	cmp a b
}

@test "-i: 'yes' overwrites" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'yes\n' -i a b
	assert_status 0
	cmp a b
}

@test "-i: 'n' keeps the destination, exit 0" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'n\n' -i a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	assert_eq "$(cat b)" old
}

@test "-i: end of input keeps the destination" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i "" -i a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	assert_eq "$(cat b)" old
}

@test "-i: one answer per file, names quoted as cp" {
	printf 'new\n' > a
	printf 'new\n' > "x y"
	mkdir d
	printf 'old\n' > d/a
	printf 'old\n' > "d/x y"
	run_i $'n\ny\n' -i a "x y" d
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'd/a'? zcp: overwrite 'd/x y'? " "prompt"
	assert_eq "$(cat d/a)" old
	assert_eq "$(cat "d/x y")" new
}

@test "-i: no question for a missing destination" {
	printf 'new\n' > a
	run_i "" -i a b
	assert_status 0
	assert_eq "$PROMPT" "" "stderr"
	cmp a b
}

@test "-n: the destination is kept, exit 0, nothing said" {
	printf 'new\n' > a
	printf 'old\n' > b
	local snap
	snap=$(snapshot b)
	run --separate-stderr "$ZCP" -n a b
	assert_status 0
	assert_stderr ""
	assert_eq "$output" "" "stdout"
	assert_eq "$(snapshot b)" "$snap" "b"
}

@test "-n: a missing destination is copied" {
	printf 'new\n' > a
	run --separate-stderr "$ZCP" -n a b
	assert_status 0
	cmp a b
}

@test "-u: an older destination is replaced" {
	printf 'new\n' > a
	printf 'old\n' > b
	touch -d '2020-01-01 00:00:00' a
	touch -d '2019-01-01 00:00:00' b
	run --separate-stderr "$ZCP" -u a b
	assert_status 0
	assert_stderr ""
	cmp a b
}

@test "-u: a newer destination is kept" {
	printf 'new\n' > a
	printf 'old\n' > b
	touch -d '2019-01-01 00:00:00' a
	touch -d '2020-01-01 00:00:00' b
	run --separate-stderr "$ZCP" -u a b
	assert_status 0
	assert_stderr ""
	assert_eq "$(cat b)" old
}

@test "-u: a destination of the same time is kept" {
	printf 'new\n' > a
	printf 'old\n' > b
	touch -d '2020-01-01 00:00:00.25' a b
	run --separate-stderr "$ZCP" -u a b
	assert_status 0
	assert_eq "$(cat b)" old
}

@test "-u: one nanosecond older is older" {
	printf 'new\n' > a
	printf 'old\n' > b
	touch -d '2020-01-01 00:00:00.000000002' a
	touch -d '2020-01-01 00:00:00.000000001' b
	[[ $(stat -c %y b) == *.000000001* ]] || skip "no nanosecond timestamps here"
	run --separate-stderr "$ZCP" -u a b
	assert_status 0
	cmp a b
}

@test "-u: a missing destination is copied" {
	printf 'new\n' > a
	run --separate-stderr "$ZCP" -u a b
	assert_status 0
	cmp a b
}

@test "--remove-destination: a new inode with the source's mode" {
	printf 'new\n' > a
	chmod 640 a
	printf 'old\n' > b
	chmod 606 b
	ln b b.keep
	run --separate-stderr "$ZCP" --remove-destination a b
	assert_status 0
	assert_stderr ""
	cmp a b
	[[ $(stat -c %i b) != $(stat -c %i b.keep) ]]
	assert_eq "$(stat -c %a b)" 640 "mode"
	assert_eq "$(cat b.keep)" old "the other link to the old file"
}

@test "--remove-destination: a symbolic link is replaced, not followed" {
	printf 'new\n' > a
	printf 'target\n' > t
	ln -s t b
	run --separate-stderr "$ZCP" --remove-destination a b
	assert_status 0
	[[ -f b && ! -L b ]]
	cmp a b
	assert_eq "$(cat t)" target
}

@test "a plain copy over a file keeps its inode and mode, truncates it" {
	mkrandom a 1000
	chmod 644 a
	mkrandom b 5000
	chmod 600 b
	local ino
	ino=$(stat -c %i b)
	run --separate-stderr "$ZCP" a b
	assert_status 0
	assert_stderr ""
	cmp a b
	assert_eq "$(stat -c %i b)" "$ino" "inode"
	assert_eq "$(stat -c %a b)" 600 "mode"
}

@test "a plain copy writes through a symbolic link to a file" {
	printf 'new\n' > a
	printf 'old\n' > t
	ln -s t b
	run --separate-stderr "$ZCP" a b
	assert_status 0
	[[ -L b ]]
	cmp a t
}

@test "a dangling symbolic link as destination: cp's refusal" {
	printf 'new\n' > a
	ln -s nowhere b
	run --separate-stderr "$ZCP" a b
	assert_status 1
	assert_stderr "zcp: not writing through dangling symlink 'b'"
	[[ ! -e nowhere ]]
}

# The last of -f, -i and -n wins.

@test "-n -i: -i wins, the question is asked" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'y\n' -n -i a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	cmp a b
}

@test "-i -n: -n wins, no question" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'y\n' -i -n a b
	assert_status 0
	assert_eq "$PROMPT" "" "stderr"
	assert_eq "$(cat b)" old
}

# GNU cp 9.1: -f only allows removing a destination that cannot be
# opened; it cancels neither -i nor -n.
@test "-i -f: -i still asks (GNU cp 9.1)" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'n\n' -i -f a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	assert_eq "$(cat b)" old
}

@test "-f -i: -i wins" {
	printf 'new\n' > a
	printf 'old\n' > b
	run_i $'n\n' -f -i a b
	assert_status 0
	assert_eq "$PROMPT" "zcp: overwrite 'b'? " "prompt"
	assert_eq "$(cat b)" old
}

@test "-f -n: -n wins" {
	printf 'new\n' > a
	printf 'old\n' > b
	run --separate-stderr "$ZCP" -f -n a b
	assert_status 0
	assert_eq "$(cat b)" old
}

@test "-n -f: -n still skips (GNU cp 9.1)" {
	printf 'new\n' > a
	printf 'old\n' > b
	run --separate-stderr "$ZCP" -n -f a b
	assert_status 0
	assert_eq "$(cat b)" old
}

# Modes and times.

@test "a new file: the source's mode less the umask, special bits dropped" {
	printf 'x\n' > a
	chmod 6777 a
	run --separate-stderr bash -c 'umask 027; exec "$@"' sh "$ZCP" a b
	assert_status 0
	assert_stderr ""
	assert_eq "$(stat -c %a b)" 750 "mode under umask 027"
}

@test "a new file: umask 022 on mode 4755 gives 755" {
	printf 'x\n' > a
	chmod 4755 a
	run --separate-stderr "$ZCP" a b
	assert_status 0
	assert_eq "$(stat -c %a b)" 755 "mode"
}

@test "-p: mode with special bits, nanosecond times" {
	printf 'x\n' > a
	chmod 4751 a
	touch -d '2001-02-03 04:05:06.123456789' a
	touch -a -d '2002-03-04 05:06:07.987654321' a
	local mtime atime
	mtime=$(stat -c %y a)
	atime=$(stat -c %x a)
	run --separate-stderr bash -c 'umask 077; exec "$@"' sh "$ZCP" -p a b
	assert_status 0
	assert_stderr ""
	assert_eq "$(stat -c %a b)" 4751 "mode"
	assert_eq "$(stat -c %y b)" "$mtime" "mtime"
	assert_eq "$(stat -c %x b)" "$atime" "atime"
}

@test "-p: ownership (root)" {
	need_root
	printf 'x\n' > a
	chown nobody:nogroup a
	run --separate-stderr "$ZCP" -p a b
	assert_status 0
	assert_eq "$(stat -c '%U:%G' b)" nobody:nogroup "owner"
}

@test "-p: an existing destination gets the source's mode and times" {
	printf 'x\n' > a
	chmod 640 a
	touch -d '2001-02-03 04:05:06.5' a
	printf 'old\n' > b
	chmod 606 b
	run --separate-stderr "$ZCP" -p a b
	assert_status 0
	assert_eq "$(stat -c %a b)" 640 "mode"
	assert_eq "$(stat -c %y b)" "$(stat -c %y a)" "mtime"
}

@test "--preserve=timestamps: times only, the mode from the umask" {
	printf 'x\n' > a
	chmod 4755 a
	touch -d '2001-02-03 04:05:06.123456789' a
	run --separate-stderr "$ZCP" --preserve=timestamps a b
	assert_status 0
	assert_eq "$(stat -c %y b)" "$(stat -c %y a)" "mtime"
	assert_eq "$(stat -c %a b)" 755 "mode"
}

@test "--preserve=mode: mode only, a new mtime" {
	printf 'x\n' > a
	chmod 4755 a
	touch -d '2001-02-03 04:05:06' a
	run --separate-stderr "$ZCP" --preserve=mode a b
	assert_status 0
	assert_eq "$(stat -c %a b)" 4755 "mode"
	[[ $(stat -c %Y b) -gt $(stat -c %Y a) ]]
}

@test "without -p the copy gets a new mtime" {
	printf 'x\n' > a
	touch -d '2001-02-03 04:05:06' a
	run --separate-stderr "$ZCP" a b
	assert_status 0
	[[ $(stat -c %Y b) -gt $(stat -c %Y a) ]]
}
