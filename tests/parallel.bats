#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
# The parallel tree copy (-j): the same result as the sequential one,
# hard links kept across threads, failures reported once, bounded fds,
# engines a file system lacks asked for once, and Ctrl-C ending it all.
bats_require_minimum_version 1.5.0

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
load poll
load nobody

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# A tree of n directories with files, hard links across directories and
# symbolic links; deterministic.
make_linked_tree() {
	local n=$1 i j
	mkdir src
	for i in $(seq 1 "$n"); do
		mkdir "src/d$i"
		for j in $(seq 1 20); do
			printf 'file %d %d\n' "$i" "$j" > "src/d$i/f$j"
		done
		ln "src/d$i/f1" "src/d$(( (i % n) + 1 ))-link$i" 2>/dev/null ||
		    ln "src/d$i/f1" "src/link$i"
		ln -s "d$i/f2" "src/sym$i"
	done
	# One inode with many names in many directories.
	for i in $(seq 1 "$n"); do
		ln src/d1/f3 "src/d$i/many"
	done
}

# files_at_least DIR N: N regular files or more under DIR.
files_at_least() {
	[ "$(find "$1" -type f 2>/dev/null | wc -l)" -ge "$2" ]
}

# Prints "path inode-group" lines so two trees' link structure compare.
link_structure() {
	(cd "$1" && find . -type f -printf '%i %p\n' | sort -k2 |
	    awk '{ if (!($1 in g)) g[$1] = ++n; print $2, g[$1] }')
}

@test "-j8 copies a linked tree like -j1, many times" {
	make_linked_tree 40
	"$ZCP" -a -j1 src ref
	local want
	want=$(link_structure ref)
	for i in $(seq 1 15); do
		rm -rf out
		run "$ZCP" -a -j8 src out
		echo "run $i: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		diff -r ref out
		[ "$(link_structure out)" = "$want" ]
	done
	# Hard links across directories really are links.
	[ "$(stat -c %h out/d1/many)" -eq 41 ]
}

@test "-j4 keeps directory modes and times set after their contents" {
	mkdir -p src/a/b
	echo x > src/a/b/f
	chmod 555 src/a/b src/a
	touch -d '2001-02-03 04:05:06.123456789' src/a/b src/a
	run "$ZCP" -a -j4 src out
	[ "$status" -eq 0 ]
	[ "$(stat -c '%a %y' out/a)" = "$(stat -c '%a %y' src/a)" ]
	[ "$(stat -c '%a %y' out/a/b)" = "$(stat -c '%a %y' src/a/b)" ]
	chmod -R u+w src out
}

@test "-j4: an unreadable file is reported once, the rest is copied" {
	mkdir -p src/d1 src/d2
	for i in 1 2 3 4 5 6 7 8; do echo $i > src/d1/f$i; echo $i > src/d2/f$i; done
	chmod 000 src/d2/f5
	chmod -R a+rX src/d1
	chmod a+rx src src/d2
	chmod 1777 .
	local run_as=() zcp=$ZCP
	if [ "$(id -u)" -eq 0 ]; then
		need_nobody
		zcp_for_nobody
		run_as=("${NOBODY[@]}") zcp=$ZCP_NOBODY
	fi
	run --separate-stderr "${run_as[@]}" "$zcp" -r -j4 src out
	[ "$status" -eq 1 ]
	[ "$stderr" = "zcp: cannot open 'src/d2/f5' for reading: Permission denied" ]
	[ "$(find out -type f | wc -l)" -eq 15 ]
}

@test "-j: a wide tree does not run out of file descriptors" {
	mkdir src
	for i in $(seq 1 300); do mkdir "src/d$i"; echo $i > "src/d$i/f"; done
	run bash -c "ulimit -n 64 && '$ZCP' -r -j4 src out"
	[ "$status" -eq 0 ]
	[ "$(find out -type f | wc -l)" -eq 300 ]
}

@test "-j: a bad number of jobs is refused" {
	run --separate-stderr "$ZCP" -j0 a b
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "zcp: invalid number of jobs: '0'" ]
	run --separate-stderr "$ZCP" --jobs=x a b
	[ "$status" -eq 1 ]
}

@test "-j2 -v prints one whole line per file" {
	mkdir -p src/a src/b
	for i in $(seq 1 50); do echo $i > src/a/f$i; echo $i > src/b/f$i; done
	run --separate-stderr "$ZCP" -rv -j2 src out
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c "^'src/[ab]/f[0-9]*' -> 'out/[ab]/f[0-9]*'$")" -eq 100 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 103 ]
	# --debug: each file's two lines stay together.
	rm -rf out
	run --separate-stderr "$ZCP" -r --debug -j2 src out
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -A1 "^'src/[ab]/f[0-9]*' -> 'out/[ab]/f[0-9]*'$" | grep -c '^copy offload: ')" -eq 100 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 203 ]
}

# strace runs zcp; LeakSanitizer cannot run under ptrace.
strace_zcp() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -o /dev/null "$@"
}

make_two_dirs() {
	mkdir -p src/a src/b
	for i in $(seq 1 20); do
		printf 'a%d\n' "$i" > "src/a/f$i"
		printf 'b%d\n' "$i" > "src/b/f$i"
	done
}

# Checks a faulty run: each stderr line is one failure matching $1 and
# naming a distinct path; every file not under a named path arrived whole.
check_failures() {
	local re=$1 line f n skip named=()
	printf 'stderr: %s\n' "${stderr_lines[@]}"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -ge 1 ]
	for line in "${stderr_lines[@]}"; do
		[[ "$line" =~ $re ]]
		# The first quoted name in the line, without src/ or out/.
		n=$(printf '%s' "$line" | cut -d"'" -f2)
		n=${n#src}
		n=${n#out}
		named+=("${n#/}")
	done
	# Each failure is reported once.
	[ "$(printf '%s\n' "${named[@]}" | sort | uniq -d)" = "" ]
	for f in $(cd src && find . -type f | sed 's|^\./||'); do
		skip=0
		for n in "${named[@]}"; do
			[[ -z $n || $f == "$n" || $f == "$n"/* ]] && skip=1
		done
		[ "$skip" -eq 1 ] || cmp "src/$f" "out/$f"
	done
}

# strace's when= counts per thread: each worker fails its 8th call and
# every 7th after it (how many calls a worker makes depends on the load).
@test "-j4: openat failing in workers is reported with its path, the rest copied" {
	command -v strace >/dev/null || skip "strace is not installed"
	make_two_dirs
	# (A forced engine: auto would copy these small files in io_uring
	# batches, whose opens strace cannot fail; uring.bats has those.)
	run --separate-stderr strace_zcp -e inject=openat:error=EIO:when=8+7 \
	    "$ZCP" -r -j4 --engine=copy_file_range src out
	check_failures "^zcp: (cannot open '(src|out)[^']*' for reading|cannot create regular file '(src|out)[^']*'|cannot access '(src|out)[^']*'|cannot (open|create) directory '(src|out)[^']*'): Input/output error$"
}

@test "-j4: copy_file_range failing in workers fails those files only" {
	command -v strace >/dev/null || skip "strace is not installed"
	make_two_dirs
	run --separate-stderr strace_zcp \
	    -e inject=copy_file_range:error=EIO:when=7 "$ZCP" -r -j4 \
	    --engine=copy_file_range src out
	check_failures "^zcp: copy_file_range 'src/[ab]/f[0-9]+' -> 'out/[ab]/f[0-9]+': Input/output error$"
	[ "$(find out -type f | wc -l)" -eq 40 ]
}

# The kernel's "not on this file system" is remembered per pair of file
# systems (and per thread), so a tree does not ask again for every file;
# -v still names the engine refused and why.
@test "-r asks for an engine the file system lacks once per thread, not per file" {
	command -v strace >/dev/null || skip "strace is not installed"
	make_two_dirs
	run "$ZCP" --debug src/a/f1 probe
	[ "$status" -eq 0 ]
	[[ $output == *"after clone: "* ]] || skip "this file system can clone"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=ioctl -o trace1 "$ZCP" -r -j1 src out1
	[ "$(grep -c FICLONE trace1)" -eq 1 ]
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=ioctl -o trace2 "$ZCP" -r -j2 src out2
	[ "$(grep -c FICLONE trace2)" -ge 1 ]
	[ "$(grep -c FICLONE trace2)" -le 2 ]
	run "$ZCP" -r -j1 --debug src out3
	[ "$status" -eq 0 ]
	[ "$(grep -c "^copy offload: yes, reflink: unsupported, .*, engine: copy_file_range after clone: " <<< "$output")" -eq 40 ]
	diff -r src out1
	diff -r src out2
	# Files given on the command line, into a directory: the same.
	mkdir into
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=ioctl -o trace3 "$ZCP" src/a/* into
	[ "$(grep -c FICLONE trace3)" -eq 1 ]
	diff -r src/a into
}

# A worker stays blocked reading a FIFO (--copy-contents) while the others
# finish; Ctrl-C must still end the whole copy at once, as it ends cp.
@test "-j4: SIGINT ends the copy at once, with a worker blocked in a read" {
	env --default-signal=INT true 2>/dev/null ||
	    skip "env has no --default-signal"
	make_two_dirs
	mkdir src/c
	mkfifo src/c/fifo
	# A non-interactive shell starts background jobs with SIGINT ignored.
	env --default-signal=INT "$ZCP" -r -j4 --copy-contents src out &
	pid=$!
	poll 200 0.05 files_at_least out 40 || true
	[ "$(find out -type f | wc -l)" -ge 40 ]
	running "$pid"		# still waiting for the FIFO's writer
	kill -INT "$pid"
	poll 100 0.05 gone "$pid" || true
	status=0
	running "$pid" && { kill -KILL "$pid"; false; }
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
}

# setup_shared N [ln -s|ln]: src/dI/f for I in 1..N, each with its own
# content and length, and dst/dI/f a symbolic (or hard) link to one file
# outside, out/s.
setup_shared() {
	local i
	mkdir -p out
	echo original > out/s
	for ((i = 1; i <= $1; i++)); do
		mkdir -p src/d$i dst/d$i
		head -c $((i * 37)) /dev/zero | tr '\0' "$((i % 10))" > src/d$i/f
		if [[ ${2:-} == hard ]]; then
			ln out/s dst/d$i/f
		else
			ln -s ../../out/s dst/d$i/f
		fi
	done
}

# last_shared DIR: the source that cp reaches last in DIR/src: the one in
# the directory with the highest inode number (cp walks in inode order).
last_shared() {
	echo "$(stat -c '%i %n' "$1"/src/d* | sort -n | tail -1 | cut -d' ' -f2)/f"
}

@test "-jN: a file written through several destination links ends as with cp, whole" {
	# cp writes out/s once per link, in its walk's order (inode order):
	# the last source it reaches is what out/s holds.  Threads reach
	# them in any order, and two at once would mix their data.  (Two
	# trees have their own inode numbers: each is checked against its
	# own order, cp's result too, to check the rule.)
	local j r want how
	for how in soft hard; do
		rm -rf gnu
		mkdir gnu
		(cd gnu && setup_shared 40 $how && cp -r src/. dst)
		cmp gnu/out/s "$(last_shared gnu)"
		for j in 2 4 8; do
			for r in 1 2 3; do
				rm -rf z
				mkdir z
				(cd z && setup_shared 40 $how)
				(cd z && "$ZCP" -j"$j" -r src/. dst)
				want=$(md5sum < "$(last_shared z)")
				[[ $(md5sum < z/out/s) == "$want" ]] || {
					echo "$how, -j$j run $r: $(head -c 60 z/out/s)"
					return 1
				}
			done
		done
	done
}

@test "-jN: a shared file keeps what an earlier write alone left, as with cp (a set-ID bit)" {
	# cp -a writes s through the link of the first directory (a set-user-
	# ID empty file, its mode set with chmod), then through the second's
	# (a plain file, its mode set as an ACL, rwx bits only): the bit
	# stays.  The threads may write the second first; the first must
	# then be followed by the second again.
	local j r want got
	mkdir -p src dst out
	mkdir src/t1 src/t2
	set -- $(stat -c '%i %n' src/t? | sort -n | cut -d' ' -f2)
	mv "$1" src/a
	mv "$2" src/b
	: > src/a/f
	chmod 4755 src/a/f
	printf 'the later file\n' > src/b/f
	mkdir dst/a dst/b
	ln -s ../../out/s dst/a/f
	ln -s ../../out/s dst/b/f
	printf 'old\n' > out/s
	cp -p out/s out/s.orig
	cp -a src/. dst
	want="$(stat -c %a out/s) $(cat out/s)"
	[[ $want == "4644 the later file" ]] || { echo "cp: $want"; return 1; }
	for j in 2 4; do
		for r in 1 2 3 4 5; do
			rm -f out/s
			cp -p out/s.orig out/s
			rm -rf dst/a/f dst/b/f
			ln -s ../../out/s dst/a/f
			ln -s ../../out/s dst/b/f
			"$ZCP" -j"$j" -a src/. dst
			got="$(stat -c %a out/s) $(cat out/s)"
			[[ $got == "$want" ]] || { echo "-j$j run $r: $got"; return 1; }
		done
	done
}

# setup_group_dst: for I in 1..20, dst/pI/f a symbolic link to out/sI,
# which holds "old I" (the sources are made by the test).
setup_group_dst() {
	local i
	rm -rf dst out
	mkdir -p dst out
	for ((i = 1; i <= 20; i++)); do
		mkdir dst/p$i
		echo "old $i" > out/s$i
		ln -s ../../out/s$i dst/p$i/f
	done
}

# group_state: what each group's destinations became.
group_state() {
	local i
	for ((i = 1; i <= 20; i++)); do
		echo "$i: $(stat -c '%F %h' dst/p$i/f dst/q$i/f 2>&1 | xargs) $(cat out/s$i)"
	done
}

@test "-jN --preserve=links: the first name of a hard-linked file is cp's first, into an existing destination" {
	# src/pI/f and src/qI/f are one file.  cp -a copies whichever it
	# reaches first (inode order) and links the other to it: pI first,
	# it writes through dst/pI/f into out/sI; qI first, dst/pI/f is
	# removed and linked to dst/qI/f, and out/sI keeps "old I".  The
	# threads reach them in any order.
	local i j r want got
	mkdir src
	for ((i = 1; i <= 20; i++)); do
		mkdir src/p$i src/q$i
		echo "data $i" > src/p$i/f
		ln src/p$i/f src/q$i/f
	done
	setup_group_dst
	cp -a src/. dst
	want=$(group_state)
	for j in 2 4; do
		for r in 1 2 3; do
			setup_group_dst
			"$ZCP" -j"$j" -a src/. dst
			got=$(group_state)
			[[ $got == "$want" ]] || {
				diff <(echo "$want") <(echo "$got")
				echo "-j$j run $r"
				return 1
			}
		done
	done
}
