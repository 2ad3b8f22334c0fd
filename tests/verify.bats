#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# verify.bats: --verify.  After a file is copied, zcp reads the copy back
# from the file system (flushed, then read with O_DIRECT or out of a
# dropped page cache) and compares it with the source.  A copy that
# differs fails with exit 1, one line naming it and "verified":false in
# --json.  The differences are made honestly by an LD_PRELOAD shim, for
# every engine: one byte flipped on the write path (in the file, before
# zcp flushes it: what a faulty disk or file system would do; or in the
# rw engine's write()), or on the verifying read of the copy.  Without
# corruption --verify passes on ext4, tmpfs, XFS with reflink and sparse
# files; a /proc source cannot be read again identically, and zcp says
# it did not verify it rather than claim it did.

load helpers

setup()
{
	zcp_setup
	need_cmd python3
}

# The shim.  ZCP_CORRUPT says where it flips the byte at offset
# ZCP_CORRUPT_AT (default 1000) of any regular file but ZCP_SOURCE:
#   read   in what pread() returns (zcp's reads of the copy)
#   sync   in the file, just before fsync() or fdatasync() flush it
#   write  in what write() writes (the rw engine)
build_corrupt()
{
	need_cmd cc
	cat > corrupt.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define REAL(name) static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* True if mode is ZCP_CORRUPT and fd a regular file not the source. */
static int
target(int fd, const char *mode)
{
	const char *m = getenv("ZCP_CORRUPT"), *src = getenv("ZCP_SOURCE");
	struct stat a, b;

	if (m == NULL || strcmp(m, mode) != 0 || fstat(fd, &a) != 0 ||
	    !S_ISREG(a.st_mode))
		return 0;
	return src == NULL || stat(src, &b) != 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev;
}

static off_t
at(void)
{
	const char *s = getenv("ZCP_CORRUPT_AT");

	return s != NULL ? (off_t)strtoll(s, NULL, 0) : 1000;
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	REAL(pread64);
	ssize_t n = real_pread64(fd, buf, len, off);

	if (n > 0 && at() >= off && at() < off + n && target(fd, "read"))
		((unsigned char *)buf)[at() - off] ^= 0x5a;
	return n;
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	return pread64(fd, buf, len, off);
}

/*
 * Through a descriptor of its own: without --verify zcp opens the copy
 * write-only, and pread() on that one fails (EBADF).
 */
static void
flip(int fd)
{
	REAL(pread64);
	char path[64];
	unsigned char c;
	int rw;

	if (!target(fd, "sync"))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((rw = open(path, O_RDWR)) == -1)
		return;
	if (real_pread64(rw, &c, 1, at()) == 1) {
		c ^= 0x5a;
		(void)pwrite(rw, &c, 1, at());
	}
	close(rw);
}

int
fsync(int fd)
{
	REAL(fsync);
	flip(fd);
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);
	flip(fd);
	return real_fdatasync(fd);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(write);
	off_t off;
	char *copy;
	ssize_t n;

	if (len == 0 || !target(fd, "write") ||
	    (off = lseek(fd, 0, SEEK_CUR)) < 0 || at() < off ||
	    at() >= off + (off_t)len || (copy = malloc(len)) == NULL)
		return real_write(fd, buf, len);
	memcpy(copy, buf, len);
	copy[at() - off] ^= 0x5a;
	n = real_write(fd, copy, len);
	free(copy);
	return n;
}
EOF
	cc -shared -fPIC -O2 -o corrupt.so corrupt.c -ldl ||
	    skip "cannot build the LD_PRELOAD shim"
	rm -f corrupt.c
	SHIM="$(sanitizer_preload)$BATS_TEST_TMPDIR/corrupt.so"
}

# zcp_corrupt MODE ZCP-ARGS...: zcp under the shim, with run.
zcp_corrupt()
{
	local mode=$1
	shift
	run --separate-stderr env ZCP_CORRUPT="$mode" \
	    ZCP_SOURCE="$BATS_TEST_TMPDIR/src" LD_PRELOAD="$SHIM" "$ZCP" "$@"
}

# json_field FILE FIELD: FIELD of the first record of --json output FILE.
json_field()
{
	python3 -c 'import json, sys
d = json.loads(open(sys.argv[1]).readline())
print(json.dumps(d[sys.argv[2]]))' "$1" "$2"
}

@test "--verify: a good copy passes with every engine (ext4 here), and --debug says how long it took" {
	local e
	for e in $(engines_supported); do
		engine_dir "$e"
		mkrandom src $((5 * 1024 * 1024 + 123))
		run --separate-stderr "$ZCP" --debug --verify --engine="$e" src "out.$e"
		assert_status 0
		assert_stderr ""
		cmp src "out.$e"
		assert_match "$output" ", verified in $T_RE( \(.*\))?$"
		cd "$BATS_TEST_TMPDIR"
	done
}

@test "--verify on tmpfs says the copy was read from the page cache" {
	mkfs_tmpfs_small t 64m
	mkrandom t/src 3000000
	run --separate-stderr "$ZCP" --debug --verify t/src t/out
	assert_status 0
	assert_stderr ""
	assert_match "$output" ", verified in $T_RE \(read from the page cache: its file system keeps files in memory\)$"
	run "$ZCP" --json --verify t/src t/out2
	assert_status 0
	assert_match "$output" '"verified":true,"verify_seconds":[0-9.]+,"verify_note":"its file system keeps files in memory"'
}

@test "--verify of a clone (XFS or btrfs): the shared blocks are equal without reading them" {
	mount_reflink rfs
	mkrandom rfs/src $((4 * 1024 * 1024))
	run --separate-stderr "$ZCP" --debug --verify rfs/src rfs/out
	assert_status 0
	assert_stderr ""
	assert_match "$output" "engine: cloned, 4\\.00 MiB in $T_RE, verified in $T_RE \\(4\\.00 MiB as the source's own blocks\\)$"
	# A real copy next to it is read and compared.
	run "$ZCP" --debug --verify --reflink=never rfs/src rfs/out2
	assert_status 0
	assert_match "$output" ", verified in $T_RE$"
}

@test "--verify of a sparse file: holes compare as zeros" {
	holes_supported || skip "this file system keeps no holes"
	mkhole_middle src
	truncate -s 200M src
	run --separate-stderr "$ZCP" --debug --verify src out
	assert_status 0
	assert_stderr ""
	cmp_sparse src out
	assert_match "$output" ", sparse, verified in $T_RE$"
	run "$ZCP" --debug --verify --sparse=never src out2
	assert_status 0
	assert_match "$output" ", verified in $T_RE$"
}

@test "--verify does not claim a /proc file: 'not verified', exit 0, verified null in --json" {
	run --separate-stderr "$ZCP" --verify /proc/self/maps maps
	assert_status 0
	assert_stderr "zcp: warning: 'maps' not verified: its file system, procfs, makes it anew at each read"
	run --separate-stderr "$ZCP" --json --verify /proc/self/status st
	assert_status 0
	echo "$output" | head -n 1 > rec
	assert_eq "$(json_field rec verified)" null
	assert_eq "$(json_field rec verify_seconds)" null
	assert_eq "$(json_field rec verify_note)" '"its file system, procfs, makes it anew at each read"'
	assert_match "$(echo "$output" | tail -n 1)" '"verified":0,"unverified":1,'
}

@test "--verify of a pipe: not verified, it cannot be read again" {
	run --separate-stderr sh -c 'printf data | "$1" --verify /dev/stdin out' sh "$ZCP"
	assert_status 0
	assert_stderr "zcp: warning: 'out' not verified: the source is not a regular file: it cannot be read again"
	assert_eq "$(cat out)" data
}

@test "--verify catches a byte corrupted on the verifying read, with every engine: exit 1, the file named, verified false" {
	local e
	build_corrupt
	for e in $(engines_supported); do
		engine_dir "$e"
		mkrandom src $((2 * 1024 * 1024))
		zcp_corrupt read --verify --engine="$e" src out
		assert_status 1
		assert_stderr "zcp: verification failed: 'out' differs from 'src' at byte 1001"
		zcp_corrupt read --json --verify --engine="$e" src out2
		assert_status 1
		echo "$output" | head -n 1 > rec
		assert_eq "$(json_field rec verified)" false
		assert_eq "$(json_field rec status)" '"failed"'
		cd "$BATS_TEST_TMPDIR"
	done
}

@test "--verify catches a byte corrupted in the file before it is flushed (the write path), with every engine" {
	local e
	build_corrupt
	for e in $(engines_supported); do
		engine_dir "$e"
		mkrandom src $((2 * 1024 * 1024))
		zcp_corrupt sync --verify --engine="$e" src out
		assert_status 1
		assert_stderr "zcp: verification failed: 'out' differs from 'src' at byte 1001"
		# Flushed inside the clock (--fsync): caught all the same.
		zcp_corrupt sync --verify --fsync --engine="$e" src out
		assert_status 1
		assert_stderr "zcp: verification failed: 'out' differs from 'src' at byte 1001"
		# Without --verify the bad copy goes unnoticed: the test's
		# corruption is real.
		zcp_corrupt sync --fsync --engine="$e" src out
		assert_status 0
		run ! cmp -s src out
		cd "$BATS_TEST_TMPDIR"
	done
}

@test "--verify catches a byte corrupted by the rw engine's write(), at any offset" {
	build_corrupt
	mkrandom src $((3 * 1024 * 1024))
	for at in 0 1000 2097152 $((3 * 1024 * 1024 - 1)); do
		ZCP_CORRUPT_AT=$at zcp_corrupt write --verify --engine=rw src out
		assert_status 1
		assert_stderr "zcp: verification failed: 'out' differs from 'src' at byte $((at + 1))"
	done
	zcp_corrupt write --engine=rw src out
	assert_status 0
	run ! cmp -s src out
	# Uncorrupted, under the same shim: it passes.
	zcp_corrupt none --verify --engine=rw src out
	assert_status 0
	cmp src out
}

@test "--atomic --verify: a copy that fails the check never replaces the destination" {
	build_corrupt
	mkrandom src $((2 * 1024 * 1024))
	mkdir d
	printf 'old\n' > d/dst
	zcp_corrupt sync --atomic --verify src d/dst
	assert_status 1
	assert_stderr "zcp: verification failed: 'd/dst' differs from 'src' at byte 1001"
	assert_eq "$(cat d/dst)" old
	assert_eq "$(ls -A d | xargs)" dst
}

@test "--verify with -r -j4: every file checked, --stats and the --json summary count them" {
	local i
	mkdir -p tree/a tree/b
	for i in $(seq 1 30); do
		mkrandom "tree/a/f$i" $((i * 3000))
		mkrandom "tree/b/g$i" $((i * 1000))
	done
	run --separate-stderr "$ZCP" -r -j4 --verify --stats tree out
	assert_status 0
	diff -r tree out
	assert_match "$stderr" "zcp: stats: verified: 60 files, [0-9.]+ (KiB|MiB) in $T_RE; 0 not verified"
	run --separate-stderr "$ZCP" -r -j4 --verify --json tree out2
	assert_status 0
	assert_match "$(echo "$output" | tail -n 1)" '"verified":60,"unverified":0,"verify_seconds":[0-9.]+,'
}

@test "--verify flushes the copy, then reads it with O_DIRECT: the disk's bytes, not the pages zcp wrote" {
	need_strace
	mkrandom src $((3 * 1024 * 1024))
	run strace -f -qq -e trace=fdatasync,openat,fadvise64 -o trace \
	    "$ZCP" --verify src out
	assert_status 0
	run awk '/fdatasync\(/ { print "flush" } /O_DIRECT/ { print "direct" }' trace
	assert_eq "$(echo $output)" "flush direct"
}

@test "--verify where O_DIRECT is refused: the copy is dropped from the page cache, and mincore says it was" {
	need_strace
	local n
	mkrandom src $((3 * 1024 * 1024))
	# The index of the O_DIRECT openat among all of zcp's openat calls.
	strace -f -qq -e trace=openat -o trace "$ZCP" --verify src probe
	n=$(awk '{ n++ } /O_DIRECT/ { print n; exit }' trace)
	[[ -n $n ]]
	run strace -f -qq -e trace=openat,fadvise64,mincore \
	    -e inject=openat:error=EINVAL:when="$n" -o trace2 \
	    "$ZCP" --debug --verify src out
	assert_status 0
	cmp src out
	assert_match "$output" ", verified in $T_RE$"
	grep -q 'POSIX_FADV_DONTNEED' trace2
	grep -q 'mincore(' trace2
}

@test "--verify of a file over 64 MiB (the copy read ahead by a thread): passes, and catches a byte near its end" {
	build_corrupt
	mkrandom src $((70 * 1024 * 1024 + 5))
	run --separate-stderr "$ZCP" --debug --verify src out
	assert_status 0
	assert_stderr ""
	cmp src out
	at=$((70 * 1024 * 1024 - 3))
	ZCP_CORRUPT_AT=$at zcp_corrupt read --verify src out2
	assert_status 1
	assert_stderr "zcp: verification failed: 'out2' differs from 'src' at byte $((at + 1))"
	ZCP_CORRUPT_AT=$at zcp_corrupt sync --verify src out3
	assert_status 1
	assert_stderr "zcp: verification failed: 'out3' differs from 'src' at byte $((at + 1))"
}

@test "-g says 'verifying...' while --verify checks a copy, not 'flushing'" {
	need_cmd cc
	cat > slowsync.c <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <unistd.h>

int
fdatasync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	sleep(3);
	return real(fd);
}
SHIM
	cc -shared -fPIC -O2 -o slowsync.so slowsync.c -ldl ||
	    skip "cannot build a shim"
	mkrandom src $((8 * 1024 * 1024))
	LD_PRELOAD="$(sanitizer_preload)$PWD/slowsync.so" "$ZCP" -g --verify \
	    src out 2> err &
	pid=$!
	register_pid "$pid"
	# Its handler is there once the copy has begun (out exists).
	for ((i = 0; i < 400; i++)); do
		[[ -e out ]] && break
		sleep 0.05
	done
	# SIGUSR1 asks for the status line; poll until it says what happens.
	for ((i = 0; i < 200; i++)); do
		kill -USR1 "$pid" 2>/dev/null || break
		grep -q 'verifying\.\.\.' err && break
		sleep 0.05
	done
	wait "$pid"
	cmp src out
	grep -q 'verifying\.\.\.' err
	! grep -q 'flushing' err
}

@test "--verify: a failed flush of the copy is named as the flush (error syncing), as --fsync's" {
	# The fdatasync() before the check read failed with "error
	# writing", as if a write() had.
	need_strace
	mkrandom src 300000
	run --separate-stderr zcp_strace inject=fdatasync:error=EIO -- \
	    --verify src out
	assert_status 1
	assert_stderr "zcp: error syncing 'out': Input/output error"
	printf 'old\n' > old
	cp old dst
	run --separate-stderr zcp_strace inject=fdatasync:error=EIO -- \
	    --atomic --verify src dst
	assert_status 1
	assert_stderr "zcp: error syncing 'dst': Input/output error"
	cmp old dst
}
