#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# atomic.bats: --atomic.  A regular file is made where no one sees it
# (O_TMPFILE, or a hidden temporary name where the file system refuses
# one) and put at its name in one step, so that whatever goes wrong the
# destination holds its complete old content, or the complete new one,
# and nothing else is left in its directory: a full file system (a small
# tmpfs), EIO injected on the source's reads (strace), SIGINT, SIGTERM
# and SIGKILL at random points of the copy.  GNU cp's rules still apply
# (-n, -u, backups, symbolic links), with every engine and -r -j.
#
# The signal tests repeat ZCP_ATOMIC_RUNS times (default 20) with a file
# of ZCP_ATOMIC_MIB MiB (default 32); the full-size run of the issue is
#     ZCP_ATOMIC_RUNS=20 ZCP_ATOMIC_MIB=256 make check TESTS=tests/atomic.bats
# Each kill comes once zcp has written a random share of the file (read
# from its destination's file offset in /proc/PID/fdinfo: polled, not
# slept for), so that most land in the middle of the data.

load helpers
load kill

RUNS=${ZCP_ATOMIC_RUNS:-20}
MIB=${ZCP_ATOMIC_MIB:-32}

# What a directory holds, hidden names too, one line (but the file that
# bats' run --separate-stderr keeps in the test's directory).
entries()
{
	(cd "$1" && ls -A | grep -v '^separate-stderr-' | xargs)
}

# The engines that copy a regular file on this file system, but clone.
data_engines()
{
	local e
	for e in $(engines_supported); do
		[[ $e == clone ]] || printf '%s ' "$e"
	done
}

@test "--atomic makes a new file: complete, with its mode, nothing else in the directory" {
	mkrandom src 300000
	chmod 640 src
	mkdir d
	run --separate-stderr "$ZCP" --debug --atomic src d/f
	assert_status 0
	assert_stderr ""
	cmp src d/f
	assert_eq "$(stat -c %a d/f)" 640
	assert_eq "$(entries d)" "f"
	assert_match "$output" ", atomic$"
}

@test "--atomic: the new file never has a name before it is complete (O_TMPFILE, then linkat)" {
	need_strace
	mkrandom src 300000
	run strace -f -qq -e trace=openat,linkat,rename,renameat,renameat2 \
	    -o trace "$ZCP" --atomic src new
	assert_status 0
	cmp src new
	grep -q 'O_TMPFILE' trace
	grep -qE 'linkat\([0-9]+, "", AT_FDCWD, "new", AT_EMPTY_PATH\) = 0' trace
	# Nothing was opened or created at the name itself.
	! grep -qE 'openat\(AT_FDCWD, "new"' trace
}

@test "--atomic replaces a file in one rename: a new inode; other hard links keep the old data" {
	need_strace
	mkrandom src 300000
	printf 'old\n' > dst
	ln dst other
	ino=$(stat -c %i dst)
	run strace -f -qq -e trace=openat,linkat,renameat,renameat2,unlinkat \
	    -o trace "$ZCP" --atomic src dst
	assert_status 0
	cmp src dst
	assert_eq "$(cat other)" "old"
	[ "$(stat -c %i dst)" != "$ino" ]
	assert_eq "$(entries .)" "dst other src trace"
	# Linked under a hidden name, then renamed over dst: dst never gone.
	grep -qE 'linkat\([0-9]+, "", AT_FDCWD, "\.dst\.zcp-tmp", AT_EMPTY_PATH\) = 0' trace
	grep -qE 'renameat2?\(AT_FDCWD, "\.dst\.zcp-tmp", AT_FDCWD, "dst"' trace
	run ! grep -qE 'unlinkat\(AT_FDCWD, "dst"' trace
	! grep -qE 'openat\(AT_FDCWD, "dst"' trace
}

@test "--atomic keeps an existing file's mode and owner, as cp (which writes into it) does" {
	need_root
	mkrandom src 1000
	chmod 644 src
	printf 'old\n' > dst
	chmod 600 dst
	chown 1234:5678 dst
	run "$ZCP" --atomic src dst
	assert_status 0
	cmp src dst
	assert_eq "$(stat -c '%a %u %g' dst)" "600 1234 5678"
	# -p takes them from the source instead.
	printf 'old\n' > dst2
	chmod 600 dst2
	run "$ZCP" --atomic -p src dst2
	assert_status 0
	assert_eq "$(stat -c '%a %u %g' dst2)" "644 $(stat -c '%u %g' src)"
}

@test "--atomic with --backup: the old file becomes the backup, the name is never empty" {
	need_strace
	printf 'new\n' > src
	printf 'old\n' > dst
	ino=$(stat -c %i dst)
	run strace -f -qq -e trace=linkat,rename,renameat,renameat2,unlinkat \
	    -o trace "$ZCP" -v --atomic --backup=simple src dst
	assert_status 0
	assert_eq "$output" "'src' -> 'dst' (backup: 'dst~')"
	assert_eq "$(cat dst)" "new"
	assert_eq "$(cat dst~)" "old"
	assert_eq "$(stat -c %i dst~)" "$ino"
	# The backup is a second name, made before the new file replaces dst.
	grep -qE 'linkat\(AT_FDCWD, "dst", AT_FDCWD, "dst~", 0\) = 0' trace
	run ! grep -qE 'rename[a-z0-9]*\(AT_FDCWD, "dst",' trace
	# Numbered backups too, one per run.
	run "$ZCP" --atomic --backup=numbered src dst
	assert_status 0
	assert_eq "$(cat dst.~1~)" "new"
	assert_eq "$(entries .)" "dst dst.~1~ dst~ src trace"
}

@test "--atomic keeps GNU's rules: -n, -u and the same file leave the destination alone" {
	printf 'new\n' > src
	printf 'old\n' > dst
	run "$ZCP" --atomic -n src dst
	assert_status 0
	assert_eq "$(cat dst)" "old"
	touch -d '2001-01-01' src
	run "$ZCP" --atomic -u src dst
	assert_status 0
	assert_eq "$(cat dst)" "old"
	run --separate-stderr "$ZCP" --atomic src src
	assert_status 1
	assert_stderr "zcp: 'src' and 'src' are the same file"
	assert_eq "$(entries .)" "dst src"
}

# gnu_and_atomic SETUP ARGS...: runs SETUP in two new directories, then
# GNU cp ARGS in one and zcp --atomic ARGS in the other; the exit status
# and messages must be the same, and so must the files' contents.
gnu_and_atomic()
{
	local setup=$1 g z
	shift
	rm -rf g z
	mkdir g z
	(cd g && eval "$setup")
	(cd z && eval "$setup")
	g=0
	(cd g && cp "$@" > ../g.out 2> ../g.err) || g=$?
	z=0
	(cd z && "$ZCP" --atomic "$@" > ../z.out 2> ../z.err) || z=$?
	sed -i 's/^cp: /zcp: /' g.err
	assert_eq "$z" "$g" "exit status of $*"
	assert_eq "$(cat z.err)" "$(cat g.err)" "stderr of $*"
	assert_eq "$(cat z.out)" "$(cat g.out)" "stdout of $*"
	assert_eq "$(cd z && find . -type f -exec md5sum {} + | sort)" \
	    "$(cd g && find . -type f -exec md5sum {} + | sort)" "files"
}

@test "--atomic keeps GNU's other rules: just-created, a source named twice, a backup that would destroy the source, a directory in the way" {
	[[ $(cp --version 2>/dev/null | head -1) == *"GNU coreutils"* ]] ||
	    skip "needs GNU cp to compare with"
	gnu_and_atomic 'mkdir a b d; echo 1 > a/f; echo 2 > b/f' a/f b/f d
	gnu_and_atomic 'mkdir d; echo 1 > f' f f d
	gnu_and_atomic 'echo a > a; echo t > a~' --backup=simple a~ a
	gnu_and_atomic 'echo a > a; mkdir b' -T a b
	gnu_and_atomic 'echo a > a; echo b > b' -v -b a b
	gnu_and_atomic 'echo a > a; echo b > b; touch -d 2030-01-01 b' -u a b
	gnu_and_atomic 'echo a > a; echo b > b' -n a b
	gnu_and_atomic 'echo a > a; ln -s a l' a l
	gnu_and_atomic 'mkdir d; echo a > a; ln -s ../a d/a' a d
}

@test "--atomic replaces a file the user may not write only with -f, as cp" {
	need_unprivileged
	printf 'new\n' > src
	printf 'old\n' > dst
	chmod 444 dst
	run --separate-stderr unprivileged "$ZCP" --atomic src dst
	assert_status 1
	assert_stderr "zcp: cannot create regular file 'dst': Permission denied"
	assert_eq "$(cat dst)" old
	run --separate-stderr unprivileged cp src dst
	assert_status 1
	run --separate-stderr unprivileged "$ZCP" --atomic -f src dst
	assert_status 0
	assert_eq "$(cat dst)" new
}

@test "--atomic writes through a symbolic link at the destination, as without it" {
	printf 'new\n' > src
	printf 'old\n' > target
	ln -s target link
	run "$ZCP" --atomic src link
	assert_status 0
	[ -L link ]
	assert_eq "$(cat target)" "new"
	# A dangling one is refused, as GNU cp refuses it.
	ln -s nowhere dangling
	run --separate-stderr "$ZCP" --atomic src dangling
	assert_status 1
	assert_stderr "zcp: not writing through dangling symlink 'dangling'"
	assert_eq "$(entries .)" "dangling link src target"
}

@test "--atomic: a destination that is not a regular file is written as without --atomic" {
	printf 'new\n' > src
	run "$ZCP" --atomic src /dev/null
	assert_status 0
	mkfifo fifo
	( cat fifo > got ) &
	register_pid $!
	run "$ZCP" --atomic src fifo
	assert_status 0
	wait
	assert_eq "$(cat got)" "new"
	[ -p fifo ]
}

@test "--atomic --attributes-only keeps the existing file (no data is written)" {
	printf 'new\n' > src
	printf 'old\n' > dst
	ino=$(stat -c %i dst)
	run "$ZCP" --atomic --attributes-only src dst
	assert_status 0
	assert_eq "$(cat dst)" "old"
	assert_eq "$(stat -c %i dst)" "$ino"
}

@test "--atomic with every engine, over an existing file" {
	local e
	mkrandom src $((3 * 1024 * 1024))
	for e in $(engines_supported); do
		engine_dir "$e"
		mkrandom src $((3 * 1024 * 1024))
		printf 'old\n' > "dst.$e"
		run --separate-stderr "$ZCP" --debug --atomic --engine="$e" src "dst.$e"
		assert_status 0
		cmp src "dst.$e"
		assert_match "$output" ", atomic$"
		cd "$BATS_TEST_TMPDIR"
	done
	[[ -z $(ls -A | grep zcp-) ]]
}

@test "--atomic -r -j4 and --parents: every file, no temporary name left" {
	local i
	mkdir -p tree/a tree/b
	for i in $(seq 1 40); do
		mkrandom "tree/a/f$i" $((i * 1000))
		mkrandom "tree/b/g$i" $((i * 700))
	done
	mkdir out
	cp -r tree out/tree
	run "$ZCP" -r -j4 --atomic tree out
	assert_status 0
	diff -r tree out/tree
	run "$ZCP" -r -j4 --atomic tree fresh
	assert_status 0
	diff -r tree fresh
	mkdir par
	run "$ZCP" --atomic --parents tree/a/f3 tree/b/g7 par
	assert_status 0
	cmp tree/a/f3 par/tree/a/f3
	cmp tree/b/g7 par/tree/b/g7
	[[ -z $(find out fresh par -name '*.zcp-*') ]]
}

@test "--atomic --fsync flushes the file before the rename and the directory after it" {
	need_strace
	mkrandom src 300000
	printf 'old\n' > dst
	run strace -f -qq -y -e trace=fsync,fdatasync,renameat,renameat2 \
	    -o trace "$ZCP" --atomic --fsync src dst
	assert_status 0
	cmp src dst
	# fsync of the file, the rename, then fsync of the directory.
	run awk '/^[0-9]+ +fsync\(/ && /#|deleted/ { print "file" }
	    /rename/ { print "rename" }
	    /^[0-9]+ +fsync\(/ && !/#|deleted/ { print "dir" }' trace
	assert_eq "$(echo $output)" "file rename dir"
}

@test "--atomic: a temporary name left by a zcp killed before its rename is removed by the next copy; one in use is not" {
	need_cmd flock
	printf 'new\n' > src
	mkdir d
	printf 'old\n' > d/f
	printf 'half\n' > d/.f.zcp-tmp
	run "$ZCP" --atomic src d/f
	assert_status 0
	assert_eq "$(cat d/f)" new
	assert_eq "$(entries d)" "f"
	# In use by another zcp (locked): left alone, a random name taken.
	printf 'busy\n' > d/.f.zcp-tmp
	flock d/.f.zcp-tmp sleep 30 &
	register_pid $!
	for ((i = 0; i < 100; i++)); do
		flock -n d/.f.zcp-tmp true || break
		sleep 0.05
	done
	printf 'newer\n' > src
	run "$ZCP" --atomic src d/f
	assert_status 0
	assert_eq "$(cat d/f)" newer
	assert_eq "$(cat d/.f.zcp-tmp)" busy
}

@test "--atomic: without CAP_DAC_READ_SEARCH (linkat AT_EMPTY_PATH refused), /proc's name of the file is linked" {
	need_strace
	mkrandom src 300000
	run strace -f -qq -e inject=linkat:error=ENOENT:when=1 \
	    -e trace=linkat -o trace "$ZCP" --atomic src new
	assert_status 0
	cmp src new
	grep -qE 'linkat\(AT_FDCWD, "/proc/self/fd/[0-9]+", AT_FDCWD, "new", AT_SYMLINK_FOLLOW\) = 0' trace
}

# A full file system: the copy fails; the destination keeps its old data.
@test "--atomic on a full file system (ENOSPC): the old file is intact, no other entry; without --atomic it is lost" {
	local e
	# 12 MiB: the source (7), the old file (3), not the copy's 7 more.
	mkfs_tmpfs_small small 12m
	mkdir small/d
	mkrandom small/src $((7 * 1024 * 1024))
	mkrandom old $((3 * 1024 * 1024))
	for e in $(data_engines); do
		cp old small/d/dst
		run --separate-stderr "$ZCP" --atomic --engine="$e" small/src \
		    small/d/dst
		assert_status 1
		assert_stderr "zcp: error writing 'small/d/dst': No space left on device"
		cmp old small/d/dst
		assert_eq "$(entries small/d)" "dst"
	done
	# What --atomic prevents: cp's way truncates, then runs out.
	run "$ZCP" small/src small/d/dst
	assert_status 1
	! cmp -s old small/d/dst
}

# A failed copy puts back what a backup moved aside, as cp ('(unbackup)');
# under --atomic the backup is a second name of the old file, which kept
# its own: rename() between two names of one file does nothing, so the
# backup name must be removed instead.
@test "--atomic --backup on a full file system: the old file keeps its name, the backup name is gone, as cp leaves it" {
	local b
	mkfs_tmpfs_small small 12m
	mkdir small/d
	mkrandom small/src $((7 * 1024 * 1024))
	mkrandom old $((3 * 1024 * 1024))
	for b in simple numbered; do
		cp old small/d/dst
		run --separate-stderr "$ZCP" --atomic --backup="$b" -v \
		    small/src small/d/dst
		assert_status 1
		assert_stderr "zcp: error writing 'small/d/dst': No space left on device"
		cmp old small/d/dst
		assert_eq "$(entries small/d)" "dst"
		[[ "$output" == *"(unbackup)"* ]]
	done
}

# EIO on the source, after some data was written.
@test "--atomic: EIO on the source's reads leaves the old file, with every engine" {
	need_strace
	local e when sc
	mkrandom src $((20 * 1024 * 1024))
	mkrandom old 100000
	for e in copy_file_range sendfile splice rw; do
		case $e in
		copy_file_range) sc=copy_file_range when=2 ;;
		sendfile) sc='/^sendfile(64)?$' when=2 ;;
		splice) sc=splice when=3 ;;
		rw) sc=read
		    when=$(( $(call_index read src --engine=rw src probe) + 1 ))
		    rm -f probe ;;
		esac
		mkdir -p d
		cp old d/dst
		run --separate-stderr zcp_strace "inject=$sc:error=EIO:when=$when" \
		    -- --atomic --engine="$e" src d/dst
		assert_status 1
		assert_match "$stderr" "Input/output error"
		cmp old d/dst
		assert_eq "$(entries d)" "dst"
	done
}

# signal_runs SIG ZCP-ARGS...: RUNS copies over one destination, each one
# killed with SIG at a random point: the destination always holds one of
# the two files whole, and nothing else is in its directory.
signal_runs()
{
	local sig=$1 i cur=a new eng engines mid=0 left=0
	shift
	need_cmd flock
	mkrandom a $((MIB * 1024 * 1024))
	mkrandom b $((MIB * 1024 * 1024))
	mkdir d
	cp a d/f
	read -ra engines <<< "auto $(data_engines)"
	for ((i = 0; i < RUNS; i++)); do
		new=$([[ $cur == a ]] && echo b || echo a)
		eng=${engines[i % ${#engines[@]}]}
		kill_copy "$sig" "$new" d/f --atomic --engine="$eng" "$@"
		if cmp -s "$cur" d/f; then
			mid=$((mid + 1))
		elif cmp -s "$new" d/f; then
			cur=$new
		else
			echo "run $i ($eng, exit $status): d/f is neither file whole"
			return 1
		fi
		# SIGKILL between the link and the rename (two system calls)
		# leaves the temporary name, complete and unlocked: the next
		# run removes it.
		if [[ $sig == KILL && $(entries d) == ".f.zcp-tmp f" ]]; then
			cmp -s "$new" d/.f.zcp-tmp && flock -n d/.f.zcp-tmp true ||
			    { echo "run $i: a temporary name in use or incomplete"; return 1; }
			left=$((left + 1))
			continue
		fi
		assert_eq "$(entries d)" "f" "entries after run $i ($eng, exit $status)"
	done
	# A last copy, not stopped, leaves nothing else either.
	new=$([[ $cur == a ]] && echo b || echo a)
	run "$ZCP" --atomic "$new" d/f
	assert_status 0
	cmp "$new" d/f
	assert_eq "$(entries d)" "f" "entries after a last run"
	echo "# $sig: $RUNS runs, $mid stopped before the rename, $left left the temporary name for the next" >&3
}

@test "--atomic: SIGINT at random points: the old or the new file, whole; nothing else" {
	signal_runs INT
}

@test "--atomic: SIGTERM at random points: the old or the new file, whole; nothing else" {
	signal_runs TERM
}

@test "--atomic: SIGKILL at random points: the old or the new file, whole; nothing else" {
	signal_runs KILL
}

@test "the signal harness stops copies midway: without --atomic the destination is left partial" {
	local i partial=0
	build_slow
	mkrandom a $((MIB * 1024 * 1024))
	mkdir d
	# Slowed down, so that the poll sees a quarter written on a loaded
	# machine too; then, without --atomic, the copy is cut in two.
	for ((i = 0; i < 3; i++)); do
		printf 'old\n' > d/f
		LD_PRELOAD=$SLOW KILL_AT=$((MIB * 1024 * 256)) kill_copy KILL \
		    a d/f --engine=rw
		cmp -s a d/f || partial=$((partial + 1))
	done
	assert_eq "$partial" 3 "copies left partial"
}

# Where the file system refuses O_TMPFILE, a hidden temporary name: an
# LD_PRELOAD shim refuses it here (open and openat with O_TMPFILE fail
# with EOPNOTSUPP, as on vfat).
build_notmpfile()
{
	need_cmd cc
	cat > notmp.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define REAL(name) static __typeof__(name) *real; \
	if (real == NULL) real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static int
shim(int dirfd, const char *path, int flags, mode_t mode)
{
	REAL(openat);
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return real(dirfd, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return shim(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return shim(dirfd, path, flags, mode);
}
EOF
	cc -shared -fPIC -O2 -o notmp.so notmp.c -ldl ||
	    skip "cannot build the LD_PRELOAD shim"
	NOTMP="$(sanitizer_preload)$BATS_TEST_TMPDIR/notmp.so"
	rm -f notmp.c
}

@test "--atomic without O_TMPFILE: a hidden name, renamed over the destination" {
	need_strace
	build_notmpfile
	mkrandom src 300000
	printf 'old\n' > dst
	run env LD_PRELOAD="$NOTMP" strace -f -qq -e trace=openat,renameat \
	    -o trace "$ZCP" --atomic src dst
	assert_status 0
	cmp src dst
	grep -qE 'openat\(AT_FDCWD, "\.dst\.zcp-tmp", O_RDWR\|O_CREAT\|O_EXCL' trace
	grep -qE 'renameat\(AT_FDCWD, "\.dst\.zcp-tmp", AT_FDCWD, "dst"\) = 0' trace
	assert_eq "$(entries .)" "dst notmp.so src trace"
}

@test "--atomic without O_TMPFILE: the hidden file is removed on ENOSPC, SIGINT, SIGTERM and SIGHUP" {
	local sig i
	build_notmpfile
	mkfs_tmpfs_small small 12m
	mkrandom src $((7 * 1024 * 1024))
	mkrandom old $((3 * 1024 * 1024))
	mkdir small/d
	mv src small/src
	cp old small/d/dst
	run env LD_PRELOAD="$NOTMP" "$ZCP" --atomic small/src small/d/dst
	assert_status 1
	cmp old small/d/dst
	assert_eq "$(entries small/d)" "dst"
	mkrandom big $((MIB * 1024 * 1024))
	mkdir d
	for sig in INT TERM HUP; do
		for ((i = 0; i < 3; i++)); do
			cp old d/dst
			LD_PRELOAD="$NOTMP" kill_copy "$sig" big d/dst \
			    --atomic --engine=rw
			cmp -s big d/dst || cmp -s old d/dst ||
			    { echo "$sig: d/dst is neither file"; return 1; }
			assert_eq "$(entries d)" "dst" "after $sig"
		done
	done
}

# The user who plants files in the tests of a shared directory.
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# sticky_dir: $ST, a new directory like /tmp (mode 1777) that the user
# nobody can reach (bats' own is not searchable by others), removed in
# teardown.  Needs root, to be another user than nobody.
sticky_dir()
{
	need_root
	need_cmd setpriv
	"${NOBODY[@]}" true 2>/dev/null || skip "setpriv cannot switch to nobody"
	ST=$(mktemp -d /tmp/zcp-sticky.XXXXXX)
	chmod 1777 "$ST"
}

# The helpers' teardown, after removing a test's sticky directory.
eval "helpers_$(declare -f teardown)"
teardown()
{
	[[ -z ${ST:-} ]] || rm -rf "$ST"
	helpers_teardown
}

# hold_open FILE GO: as nobody, in the background, opens FILE for
# writing, and once GO exists writes "HIJACKED" through that descriptor
# (at offset 0) and exits.  Returns once FILE is open; $HOLDER is the pid.
hold_open()
{
	"${NOBODY[@]}" sh -c 'exec 3<> "$1" || exit 1
	    while [ ! -e "$2" ]; do sleep 0.02; done
	    printf HIJACKED >&3' sh "$1" "$2" 3>&- &
	HOLDER=$!
	register_pid "$HOLDER"
	until [[ $(readlink "/proc/$HOLDER/fd/3" 2>/dev/null) == "$1" ]]; do
		running "$HOLDER" || return 1
		sleep 0.02
	done
}

@test "--atomic --resume: a partial file another user planted in a sticky directory is never adopted: the copy is made afresh, as the user's own" {
	sticky_dir
	printf 'TOP SECRET\n' > secret
	chmod 600 secret
	"${NOBODY[@]}" sh -c 'umask 0; : > "$1"' sh "$ST/.out.zcp-partial"
	run --separate-stderr "$ZCP" --debug --atomic --resume secret "$ST/out"
	assert_status 0
	cmp secret "$ST/out"
	assert_eq "$(stat -c '%U %a %h' "$ST/out")" "root 600 1"
	assert_match "$output" ", not resumed: the partial file is not one zcp left: another user owns it; left as it is$"
	# Never written into, never removed.
	assert_eq "$(stat -c '%U %a %s' "$ST/.out.zcp-partial")" "nobody 666 0"
	run "${NOBODY[@]}" cat "$ST/out"
	assert_status 1
}

@test "--atomic --resume -p --verify: a descriptor another user holds on a planted partial file cannot write into the copy" {
	sticky_dir
	mkrandom secret 300000
	chmod 600 secret
	"${NOBODY[@]}" sh -c 'umask 0; : > "$1"' sh "$ST/.out.zcp-partial"
	hold_open "$ST/.out.zcp-partial" "$ST/go"
	run "$ZCP" -p --verify --atomic --resume secret "$ST/out"
	assert_status 0
	touch "$ST/go"
	wait "$HOLDER"
	cmp secret "$ST/out"
	assert_eq "$(stat -c '%U %a' "$ST/out")" "root 600"
	assert_eq "$(cat "$ST/.out.zcp-partial")" HIJACKED
}

@test "--atomic --resume: a partial file others may write is not adopted, even the user's own: removed, and a descriptor held on it writes elsewhere" {
	sticky_dir
	mkrandom src 300000
	# A good start of the source, but open to all (umask 0).
	(umask 0 && head -c 100000 src > "$ST/.out.zcp-partial")
	chmod 666 "$ST/.out.zcp-partial"
	hold_open "$ST/.out.zcp-partial" "$ST/go"
	run --separate-stderr "$ZCP" --debug --json --atomic --resume src "$ST/out"
	assert_status 0
	assert_match "$stderr" ", not resumed: the partial file is not one zcp left: other users may write to it; removed$"
	assert_match "$output" '"resumed":0,'
	touch "$ST/go"
	wait "$HOLDER"
	cmp src "$ST/out"
	assert_eq "$(stat -c '%U %a' "$ST/out")" "root 644"
	assert_eq "$(ls -A "$ST" | xargs)" "go out"
}

@test "--atomic --resume: a symbolic link at the partial file's name is not followed nor removed, and the copy is made" {
	sticky_dir
	printf 'precious\n' > "$ST/victim"
	"${NOBODY[@]}" ln -s "$ST/victim" "$ST/.out.zcp-partial"
	mkrandom src 300000
	run --separate-stderr "$ZCP" --debug --atomic --resume src "$ST/out"
	assert_status 0
	cmp src "$ST/out"
	assert_match "$output" ", not resumed: the partial file is not one zcp left: it is a symbolic link; left as it is$"
	assert_eq "$(cat "$ST/victim")" precious
	[[ -L $ST/.out.zcp-partial && $(stat -c %U "$ST/out") == root ]]
}

@test "--atomic --resume: a partial file with another hard link is not written into; the user's own name is removed, the data stays at the other" {
	mkdir d
	mkrandom src 300000
	head -c 100000 src > other
	ln other d/.f.zcp-partial
	cp other before
	run --separate-stderr "$ZCP" --debug --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_match "$output" ", not resumed: the partial file is not one zcp left: it has other hard links; removed$"
	cmp before other
	assert_eq "$(stat -c %h other):$(entries d)" "1:f"
}

@test "--atomic --resume: the file that lands has the mode a copy without --resume gives; the partial file is never open to others" {
	mkrandom src $((20 * 1024 * 1024))
	chmod 666 src
	mkdir d d2
	# zcp's own partial file, made (umask 0) for a 0666 source.
	umask 0
	build_slow
	KILL_AT=$((8 * 1024 * 1024)) SLOW_US=10000 LD_PRELOAD=$SLOW \
	    kill_copy KILL src d/f --engine=rw --atomic --resume
	assert_eq "$status" 137
	assert_eq "$(stat -c '%U %a' d/.f.zcp-partial)" "root 644"
	run --separate-stderr "$ZCP" --debug --atomic --resume src d/f
	assert_status 0
	cmp src d/f
	assert_match "$output" ", atomic, resumed at "
	"$ZCP" --atomic src d2/f
	assert_eq "$(stat -c '%a %U %G' d/f)" "$(stat -c '%a %U %G' d2/f)"
	assert_eq "$(stat -c %a d/f)" 666
	# A partial file of the user's own, with a narrower mode: adopted,
	# and given the mode of a new file when it lands.
	umask 022
	chmod 644 src
	head -c 100000 src > d/.g.zcp-partial
	chmod 600 d/.g.zcp-partial
	run --separate-stderr "$ZCP" --debug --atomic --resume src d/g
	assert_status 0
	cmp src d/g
	assert_match "$output" ", atomic, resumed at "
	assert_eq "$(stat -c %a d/g)" 644
}

@test "--resume without --atomic writes into the destination the user named: its owner and mode are those a copy without --resume leaves" {
	need_root
	mkrandom src 300000
	chmod 600 src
	for f in a b; do
		head -c 100000 src > "$f"
		chown nobody:nogroup "$f"
		chmod 664 "$f"
	done
	run "$ZCP" --resume src a
	assert_status 0
	run "$ZCP" src b
	assert_status 0
	cmp src a
	assert_eq "$(stat -c '%U %G %a' a)" "$(stat -c '%U %G %a' b)"
	assert_eq "$(stat -c '%U %G %a' a)" "nobody nogroup 664"
}

@test "--atomic --resume: a partial file another zcp is writing (its lock held) is neither adopted nor removed" {
	need_cmd flock
	mkdir d
	mkrandom src 300000
	head -c 100000 src > d/.f.zcp-partial
	cp d/.f.zcp-partial before
	flock d/.f.zcp-partial sh -c 'while [ ! -e go ]; do sleep 0.02; done' &
	register_pid "$!"
	while flock -n d/.f.zcp-partial true; do
		sleep 0.02
	done
	run --separate-stderr "$ZCP" --debug --atomic --resume src d/f
	touch go
	wait
	assert_status 0
	cmp src d/f
	cmp before d/.f.zcp-partial
	assert_match "$output" ", not resumed: the partial file is not one zcp left: another zcp is writing it; left as it is$"
}

# over_set_id DIR OWNER:GROUP MODE RUN...: makes DIR/dst (old content,
# that owner and mode), copies DIR/src over it with the command RUN...,
# and prints the mode it is left with.
over_set_id()
{
	local dir=$1 who=$2 mode=$3
	shift 3
	rm -f "$dir/dst"
	printf 'old\n' > "$dir/dst"
	chown "$who" "$dir/dst"
	chmod "$mode" "$dir/dst"
	"$@" "$dir/src" "$dir/dst" || return 1
	stat -c %a "$dir/dst"
}

# set_id_like_cp DIR OWNER:GROUP WANT RUN...: over a destination of each
# set-ID mode (owner and group as given), cp and zcp --atomic run as
# RUN... must leave the same mode, and cp's modes must be WANT.
set_id_like_cp()
{
	local dir=$1 who=$2 want=$3 m cpm zm got=
	shift 3
	for m in 4755 2755 2745 6745; do
		cpm=$(over_set_id "$dir" "$who" "$m" "$@" cp) || return 1
		zm=$(over_set_id "$dir" "$who" "$m" "$@" "$ZCP" --atomic) ||
		    return 1
		assert_eq "$zm" "$cpm" "zcp --atomic over $who $m" || return 1
		got+="$cpm "
	done
	assert_eq "$got" "$want" "cp's modes over $who"
}

@test "--atomic over a set-ID file: the new file keeps the bits a write keeps (as root, and as root without CAP_FSETID)" {
	# cp writes into the file: the kernel clears set-user-ID, and
	# set-group-ID where the group may execute or the writer is not in
	# the file's group, unless the writer has CAP_FSETID.  zcp --atomic
	# gave the new file the old mode with every bit.
	need_cmd setpriv
	local nofsetid=(setpriv --inh-caps=-fsetid --bounding-set=-fsetid
	    --clear-groups)
	[[ $EUID -eq 0 ]] || skip "needs root"
	"${nofsetid[@]}" true 2>/dev/null ||
	    skip "setpriv cannot drop CAP_FSETID here"
	printf 'new\n' > src
	set_id_like_cp . root:root "4755 2755 2745 6745 "
	set_id_like_cp . root:root "755 755 2745 2745 " "${nofsetid[@]}"
	set_id_like_cp . root:daemon "755 755 745 745 " "${nofsetid[@]}"
	: > src
	set_id_like_cp . root:root "755 755 2745 2745 " "${nofsetid[@]}"
}

@test "--atomic over a set-ID file: as an unprivileged user, the bits a write clears are cleared" {
	[[ $EUID -eq 0 ]] || skip "needs root to switch to nobody"
	need_cmd setpriv
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	local nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	"${nobody[@]}" test -x "$ZCP" || skip "nobody cannot run $ZCP"
	# Not bats' directory: nobody must reach it.
	local d
	d=$(mktemp -d /dev/shm/zcp-atomic.XXXXXX 2>/dev/null ||
	    mktemp -d /tmp/zcp-atomic.XXXXXX)
	chmod 1777 "$d"
	printf 'new\n' > "$d/src"
	local rc=0
	set_id_like_cp "$d" nobody:nogroup "755 755 2745 2745 " \
	    "${nobody[@]}" || rc=1
	((rc)) || set_id_like_cp "$d" nobody:daemon "755 755 745 745 " \
	    "${nobody[@]}" || rc=1
	rm -rf "$d"
	[ "$rc" -eq 0 ]
}
