#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# hostile.bats: what a hostile user found, one test per hole.  Sizes that
# overflow (--bench-size=8E, nan, 2^63) are refused before a byte is
# written; a kernel engine's 0 in the middle of a file is checked with
# read(2), so no short copy passes for a whole one; a failure names the
# operation that failed (ftruncate, lseek, fsync, a buffer, a pipe), in
# GNU cp's words where it has them; --preserve= refuses empty items as
# GNU does; short of memory, the rw engine copies with a smaller buffer.
#
# The option fuzzer, the fault matrix and the malformed-name generator
# that found these are run by fuzz.bats.

load helpers

strerr()
{
	python3 -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$1"
}

# nothing_written DIR: DIR holds no file.
nothing_written()
{
	local left
	left=$(find "$1" -mindepth 1 | head -3)
	assert_eq "$left" "" "files left in $1"
}

# bench_size SIZE: zcp --bench --bench-size=SIZE out, in a shell that
# cannot write more than 1 MiB (a zcp that took the size would be stopped
# by SIGXFSZ, not fill the filesystem), bounded in time.
bench_size()
{
	mkdir -p out
	run --separate-stderr timeout 60 bash -c 'ulimit -f 1024; exec "$@"' \
	    sh "$ZCP" --bench --bench-size="$1" --runs=1 out
}

@test "--bench-size: sizes that overflow, NaN, infinities are refused" {
	local s
	for s in 8E 8EiB 8e 16E 9223372036854775808 18446744073709551615 \
	    18446744073709551616 99999999999999999999999 nan NaN inf \
	    -inf infinity 1e30 1e3 0x10 -1 +1 ' 1' 1.5.5 . K 1KK 1Q '1 ' '1 K' $'1\t' ''; do
		bench_size "$s"
		assert_status 1
		assert_match "$stderr" "^zcp: invalid size: .*$(re_escape "$s").*"$'\n'"Try 'zcp --help' for more information\.$" "--bench-size=$s"
		nothing_written out
	done
}

@test "--bench-size: the largest sizes parse, and are refused for want of space" {
	local s
	for s in 9223372036854775807 7E 7.99999999999999999999E 1E; do
		bench_size "$s"
		assert_status 1
		assert_match "$stderr" "^zcp: not enough free space in 'out': --bench needs [0-9.]+ EiB, .+ available$" "--bench-size=$s"
		nothing_written out
	done
}

@test "--bench-size: fractions and suffixes" {
	# A size that parses reaches the directory check: 'nodir' is absent.
	local s
	for s in 1.5K .5K 1. 1Ki 1KiB 1kb 1MB 10 4M 0.5G; do
		run --separate-stderr "$ZCP" --bench --bench-size="$s" nodir
		assert_status 1
		assert_stderr "zcp: cannot stat 'nodir': No such file or directory"
	done
}

@test "--bench-size: a size the filesystem cannot hold is refused before writing" {
	mkfs_tmpfs_small small 8M
	run --separate-stderr "$ZCP" --bench --bench-size=5M --runs=1 small
	assert_status 1
	assert_match "$stderr" "^zcp: not enough free space in 'small': --bench needs 10\\.0 MiB, [0-9.]+ MiB available$"
	nothing_written small
}

# zero_mid ENGINE OPTS...: a 20 MiB file, the engine's call after the
# first chunk returns 0 (strace's retval=0 skips the real call: exactly a
# filesystem's short 0).  The chain checks with read(2) and rw copies the
# rest; --debug names the engine that stopped and where.
zero_mid()
{
	local e=$1 when=$2 at=$3
	shift 3
	mkrandom src $((20 * 1024 * 1024))
	run --separate-stderr zcp_strace "$@" "inject=$(sc "$e"):retval=0:when=$when" \
	    -- --debug $OPTS src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "rw after ([a-z_]+: [^;]*; )*$e: No data available at $at, 20\\.0 MiB in $T_RE, $R_RE$"
}

sc()
{
	case $1 in
	sendfile)	echo '/^sendfile(64)?$' ;;
	*)		echo "$1" ;;
	esac
}

@test "copy_file_range: a 0 in the middle of the file is not its end" {
	need_strace
	OPTS=
	if clone_works_here; then
		zero_mid copy_file_range 2 '16\.0 MiB' inject=ioctl:error=EOPNOTSUPP:when=1
	else
		zero_mid copy_file_range 2 '16\.0 MiB'
	fi
}

@test "sendfile: a 0 in the middle of the file is not its end" {
	need_strace
	OPTS=--reflink=never
	zero_mid sendfile 2 '16\.0 MiB'
}

@test "splice: a 0 in the middle of the file is not its end" {
	need_strace
	# Calls 1 and 2 move the first MiB through the pipe; 3 is the next.
	OPTS=--reflink=never
	zero_mid splice 3 '1\.00 MiB' "inject=$(sc sendfile):error=EINVAL"
}

@test "forced engines: a 0 in the middle of the file fails it, a prefix left" {
	need_strace
	local e when size
	for e in copy_file_range sendfile splice; do
		when=2 size=16777216
		[[ $e == splice ]] && when=3 size=1048576
		mkrandom src $((20 * 1024 * 1024))
		rm -f out
		run --separate-stderr zcp_strace "inject=$(sc "$e"):retval=0:when=$when" \
		    -- --engine="$e" src out
		assert_status 1
		assert_stderr "zcp: $e 'src' -> 'out': No data available"
		assert_eq "$(fsize out)" "$size" "size of the partial copy ($e)"
		assert_prefix src out
	done
}

@test "a 0 at the real end of a file costs one read(2), and the copy is whole" {
	need_strace
	# Copied in two calls (16 MiB a call): it may have grown meanwhile,
	# so the copy goes on to a 0.
	mkrandom src $((17 * 1024 * 1024))
	strace -f -qq -y -o calls -e trace=read,copy_file_range,sendfile \
	    "$ZCP" --reflink=never src out
	cmp src out
	# After the engine's 0, one read of the source, which returns 0.
	assert_match "$(grep -c "^[0-9]* *read([0-9]*<$(realpath src)>" calls)" '^1$' "reads of the source"
	# Copied by one call, on a file system whose sizes are true: no 0
	# to check (syscalls.bats).
	case $(stat -f -c %T .) in
	ext2/ext3 | xfs | btrfs | tmpfs)
		mkrandom small 300000
		strace -f -qq -y -o calls2 -e trace=read,copy_file_range,sendfile \
		    "$ZCP" --reflink=never small out2
		cmp small out2
		assert_eq "$(grep -c "<$(realpath small)>" calls2)" 1 "data calls"
		;;
	esac
}

# sparse_src: 1 MiB of hole, a byte, 1 MiB of hole: ftruncate sets the
# final size.
sparse_src()
{
	holes_supported || skip "this filesystem does not keep holes"
	truncate -s 1M src
	printf x >> src
	truncate -s 2M src
}

@test "a failed ftruncate says 'failed to extend', as cp" {
	need_strace
	sparse_src
	run zcp_strace inject=ftruncate:error=EIO -- --json src out
	assert_status 1
	assert_match "$output" '"status":"failed",.*"errno":"EIO","error":"failed to extend '"'out'"': Input/output error"'
	run --separate-stderr zcp_strace inject=ftruncate:error=ENOSPC -- src out
	assert_status 1
	assert_stderr "zcp: failed to extend 'out': $(strerr ENOSPC)"
}

@test "a failed lseek to a data extent says 'cannot lseek', as cp" {
	need_strace
	sparse_src
	run --separate-stderr zcp_strace inject=lseek:error=EIO:when=1 -- src out
	assert_status 1
	assert_stderr "zcp: cannot lseek 'src': Input/output error"
}

@test "SEEK_DATA that finds no data in a file with blocks is not believed" {
	need_strace
	sparse_src
	# ENXIO from the first SEEK_DATA: "nothing but a hole", which the
	# blocks of the source contradict.  The copy must not be zeros.
	run --separate-stderr zcp_strace inject=lseek:error=ENXIO:when=1 -- src out
	assert_status 0
	assert_stderr ""
	cmp src out
}

@test "--sparse=always: a failed lseek over zeros says 'cannot lseek'" {
	need_strace
	mkrandom src 10000
	head -c 100000 /dev/zero >> src
	mkrandom tail 10000
	cat tail >> src
	run --separate-stderr zcp_strace inject=lseek:error=EIO:when=1 -- \
	    --sparse=always src out
	assert_status 1
	assert_stderr "zcp: cannot lseek 'out': Input/output error"
	assert_prefix src out
}

@test "--fsync: a failed fsync says 'error syncing', not the engine" {
	need_strace
	local e
	mkrandom src 100000
	for e in auto rw sendfile; do
		rm -f out
		run --separate-stderr zcp_strace inject=fsync:error=EIO -- \
		    --fsync --engine="$e" src out
		assert_status 1
		assert_stderr "zcp: error syncing 'out': Input/output error"
		cmp src out
	done
	run --separate-stderr zcp_strace inject=fsync:error=EIO -- --fsync --json src out2
	assert_match "${lines[0]}" '"status":"failed",.*"synced":false,.*"errno":"EIO","error":"error syncing '"'out2'"': Input/output error"\}$'
}

@test "--preserve and --no-preserve: empty items are ambiguous, as cp's" {
	local a exp
	touch a
	for a in --preserve=mode, --no-preserve=, --preserve= --preserve=,mode \
	    --preserve=mode,,links --no-preserve=all,; do
		run --separate-stderr "$ZCP" "$a" a b
		assert_status 1
		exp=${a%%=*}
		assert_eq "${stderr%%$'\n'*}" "zcp: ambiguous argument ‘’ for ‘$exp’" "$a"
		assert_match "$stderr" "Valid arguments are:"$'\n'"  - ‘mode’"$'\n'
		[[ ! -e b ]]
	done
	# GNU's own words, where /bin/cp is GNU's.
	if cp --version 2>/dev/null | grep -q GNU; then
		run --separate-stderr cp --preserve=mode, a b
		local gnu=${stderr//cp: /zcp: }
		gnu=${gnu//\'cp --help\'/\'zcp --help\'}
		run --separate-stderr "$ZCP" --preserve=mode, a b
		assert_stderr "$gnu"
	fi
	run "$ZCP" --preserve=mode,links --no-preserve=links a b
	assert_status 0
}

# A shim that makes posix_memalign(3) fail above MEMALIGN_MAX bytes (the rw
# engine's buffer is its only caller).  A sanitizer's allocator replaces
# posix_memalign and never calls the shim: such a build skips.
build_memshim()
{
	need_cmd cc
	[[ -z $(sanitizer_preload) ]] ||
	    skip "a sanitizer's allocator does not call an LD_PRELOAD posix_memalign"
	cat > memshim.c <<'EOF'
#include <errno.h>
#include <stdlib.h>

extern void *__libc_memalign(size_t, size_t);

int
posix_memalign(void **p, size_t align, size_t len)
{
	const char *m = getenv("MEMALIGN_MAX");

	if (m != NULL && len > strtoul(m, NULL, 0))
		return ENOMEM;
	*p = __libc_memalign(align, len);
	return *p == NULL ? ENOMEM : 0;
}
EOF
	cc -shared -fPIC -O2 -o memshim.so memshim.c ||
	    skip "cannot build the posix_memalign shim"
}

@test "short of memory, rw copies with a smaller buffer" {
	build_memshim
	mkrandom src 3000000
	run --separate-stderr env MEMALIGN_MAX=65536 LD_PRELOAD=$PWD/memshim.so \
	    "$ZCP" --engine=rw src out
	assert_status 0
	assert_stderr ""
	cmp src out
}

@test "no memory at all for the rw buffer fails that file, with its name" {
	build_memshim
	mkdir -p tree/a
	mkrandom tree/a/f1 1000
	mkrandom tree/f2 1000
	run --separate-stderr env MEMALIGN_MAX=0 LD_PRELOAD=$PWD/memshim.so \
	    "$ZCP" -r -j1 --engine=rw --json tree copy
	assert_status 1
	assert_match "$stderr" "^zcp: cannot allocate a buffer to copy 'tree/(a/f1|f2)': Cannot allocate memory"$'\n'"zcp: cannot allocate a buffer to copy 'tree/(a/f1|f2)': Cannot allocate memory$"
	assert_match "$output" '"failed":2'
	[[ -d copy/a ]]
}

@test "splice without a pipe (EMFILE) falls back to rw; forced, it says why" {
	need_strace
	mkrandom src 3000000
	run --separate-stderr zcp_strace "inject=$(sc sendfile):error=EINVAL" \
	    inject=pipe2:error=EMFILE -- --debug --reflink=never src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "rw after sendfile: Invalid argument; splice: Too many open files, 2\\.86 MiB"
	rm -f out
	run --separate-stderr zcp_strace inject=pipe2:error=EMFILE -- \
	    --engine=splice src out
	assert_status 1
	assert_stderr "zcp: cannot create a pipe to copy 'src': Too many open files"
}
