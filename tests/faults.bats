#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# faults.bats: every fallback and error path, with faults injected by
# strace (-e inject=SYSCALL:error=ERRNO:when=N).  Per engine: errnos that
# mean "not supported here" fall back to the next engine, on the first
# call and after some bytes (resuming at the offset reached); EINTR and
# EAGAIN are retried; EIO, ENOSPC, EDQUOT, EFBIG, ENOMEM fail the file; a
# forced engine never falls back; short counts are continued; a 0 return
# on the first call is checked with read(2).
#
# Not injectable with strace: a short count.  retval=N replaces the call,
# so nothing moves and the offsets stay put; an LD_PRELOAD shim (helpers'
# build_shim) shortens the real calls instead.  EFBIG after a real short
# write comes from RLIMIT_FSIZE (ulimit -f), without strace.
#
# Chunks: kernel engines ask for 16 MiB a call, splice 1 MiB through its
# pipe (two calls a chunk: file -> pipe, pipe -> file), rw 128 KiB or more.
# A 20 MiB file therefore has a second call after some bytes have moved.

load helpers

setup()
{
	zcp_setup
	need_strace
	need_cmd python3
}

# The syscall strace injects into for ENGINE.
sc()
{
	case $1 in
	clone)		echo ioctl ;;
	sendfile)	echo '/^sendfile(64)?$' ;;
	*)		echo "$1" ;;
	esac
}

strerr()
{
	python3 -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$1"
}

# chain ENGINE: sets OPTS (zcp options) and PRE (strace expressions) so
# that the auto chain reaches ENGINE first and can fall back after it;
# NEXT, the engine after it; BEFORE, a regex of the fallbacks listed
# before ENGINE's.
chain()
{
	OPTS=()
	PRE=()
	BEFORE=
	case $1 in
	clone)
		engine_dir clone
		NEXT=copy_file_range ;;
	copy_file_range)
		# Where clone works, make it fail so that the chain goes on.
		clone_works_here && PRE=(inject=ioctl:error=EOPNOTSUPP:when=1)
		BEFORE='clone: [^;]*; '
		NEXT=sendfile ;;
	sendfile)
		OPTS=(--reflink=never)
		NEXT=splice ;;
	splice)
		OPTS=(--reflink=never)
		PRE=("inject=$(sc sendfile):error=EINVAL")
		BEFORE='sendfile: Invalid argument; '
		NEXT=rw ;;
	esac
}

# zcpi SPEC... -- ARGS...: zcp_strace with PRE first, under run.
zcpi()
{
	run --separate-stderr zcp_strace "${PRE[@]}" "$@"
}

# The ERRNO on ENGINE's first call: the next engine copies it all.
fallback_first()
{
	local e=$1 err=$2
	chain "$e"
	mkrandom src 100000
	zcpi "inject=$(sc "$e"):error=$err:when=1" -- --debug "${OPTS[@]}" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}$NEXT after ${BEFORE}$e: $(strerr "$err"), 97\\.7 KiB in $T_RE, $R_RE$"
}

# The ERRNO on ENGINE's second call, after a chunk was copied: the next
# engine resumes at that offset ("at SIZE"), and the copy is identical.
fallback_mid()
{
	local e=$1 err=$2 when=2 at='16\.0 MiB'
	[[ $e != clone ]] || skip "FICLONE is one call for the whole file: no byte moves before it fails"
	[[ $e != splice ]] || { when=3; at='1\.00 MiB'; }
	chain "$e"
	mkrandom src $((20 * 1024 * 1024))
	zcpi "inject=$(sc "$e"):error=$err:when=$when" -- --debug "${OPTS[@]}" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}$NEXT after ${BEFORE}$e: $(strerr "$err") at $at, 20\\.0 MiB in $T_RE, $R_RE$"
}

# The message of a failure of ENGINE with ERRNO.
fail_msg()
{
	case $2 in
	ENOSPC|EDQUOT|EFBIG)
		echo "zcp: error writing 'out': $(strerr "$2")" ;;
	*)
		echo "zcp: $1 'src' -> 'out': $(strerr "$2")" ;;
	esac
}

# ERRNO on the first call fails the file: no fallback, exit 1, the
# message, an empty destination left behind.
fatal_first()
{
	local e=$1 err=$2
	chain "$e"
	mkrandom src 100000
	zcpi "inject=$(sc "$e"):error=$err:when=1" -- --debug "${OPTS[@]}" src out
	assert_status 1
	assert_stderr "$(fail_msg "$e" "$err")"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}$e( after ${BEFORE%; })?, failed after 0 B$"
	assert_eq "$(fsize out)" 0 "size of the destination"
}

# ERRNO after a chunk: the file fails; what was copied stays (as cp): a
# prefix of the source of one chunk.
fatal_mid()
{
	local e=$1 err=$2 when=2 size=16777216 at='16\.0 MiB'
	[[ $e != clone ]] || skip "FICLONE is one call for the whole file: no byte moves before it fails"
	[[ $e != splice ]] || { when=3; size=1048576; at='1\.00 MiB'; }
	chain "$e"
	mkrandom src $((20 * 1024 * 1024))
	zcpi "inject=$(sc "$e"):error=$err:when=$when" -- --debug "${OPTS[@]}" src out
	assert_status 1
	assert_stderr "$(fail_msg "$e" "$err")"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}$e( after ${BEFORE%; })?, failed after $at$"
	assert_eq "$(fsize out)" "$size" "size of the partial destination"
	assert_prefix src out
}

# A forced engine never falls back, even on an errno that would: it fails
# with the errno, on the first call and after a chunk.
forced_refusal()
{
	local e=$1 err=$2 when=${3:-1}
	engine_dir "$e"
	mkrandom src $((20 * 1024 * 1024))
	run --separate-stderr zcp_strace "inject=$(sc "$e"):error=$err:when=$when" -- --debug --engine="$e" src out
	assert_status 1
	assert_stderr "zcp: $e 'src' -> 'out': $(strerr "$err")"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}$e, failed after [0-9.]+ (B|MiB)$"
	assert_prefix src out
}

# EINTR and EAGAIN: the same call again; no fallback, nothing lost.
retried()
{
	local e=$1 err=$2 re
	engine_dir "$e"
	mkrandom src $((20 * 1024 * 1024))
	run --separate-stderr zcp_strace "inject=$(sc "$e"):error=$err:when=1" -- --debug --engine="$e" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "$(vline_re src out "$e" '20.0 MiB')"
}

# Short counts: the shim lets each call move at most 12345 bytes.
short_counts()
{
	local e=$1 fn=$2
	build_shim
	mkrandom src 1000000
	# Only zcp gets the shim (and, in a sanitizer build, the runtimes
	# it must come after), not the commands of bats' own run.
	run --separate-stderr env SHORT_CALL="$fn" SHORT_LEN=12345 \
	    LD_PRELOAD="$(sanitizer_preload)$BATS_TEST_TMPDIR/shim.so" \
	    "$ZCP" --debug --engine="$e" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "$(vline_re src out "$e" '977 KiB')"
}

# A kernel engine that returns 0 on its first call, as copy_file_range did
# on /proc files (Linux 5.3-5.9): read(2) decides.  strace's retval=0 skips
# the real call, exactly such a 0.  auto goes on with rw and names the
# engine that gave up; a forced engine fails with ENODATA.
zero_first_auto()
{
	local e=$1
	chain "$e"
	mkrandom src 100000
	zcpi "inject=$(sc "$e"):retval=0:when=1" -- --debug "${OPTS[@]}" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw after ${BEFORE}$e: No data available, 97\\.7 KiB in $T_RE, $R_RE$"
}

zero_first_forced()
{
	local e=$1
	mkrandom src 100000
	run --separate-stderr zcp_strace "inject=$(sc "$e"):retval=0:when=1" -- --engine="$e" src out
	assert_status 1
	assert_stderr "zcp: $e 'src' -> 'out': No data available"
}

# A real short write and EFBIG, without strace: RLIMIT_FSIZE of 1 MiB
# (SIGXFSZ ignored, as a shell may leave it).
fsize_limit()
{
	local e=$1
	engine_dir "$e"
	mkrandom src 3000000
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 1024; exec "$@"' \
	    sh "$ZCP" --debug ${e:+--engine=$e} src out
	assert_status 1
	assert_stderr "zcp: error writing 'out': File too large"
	assert_eq "$(fsize out)" 1048576 "size of the partial destination"
	assert_prefix src out
}

@test "clone: EXDEV on the first call falls back" {
	fallback_first clone EXDEV
}

@test "clone: EINVAL on the first call falls back" {
	fallback_first clone EINVAL
}

@test "clone: ENOSYS on the first call falls back" {
	fallback_first clone ENOSYS
}

@test "clone: EOPNOTSUPP on the first call falls back" {
	fallback_first clone EOPNOTSUPP
}

@test "copy_file_range: EXDEV on the first call falls back" {
	fallback_first copy_file_range EXDEV
}

@test "copy_file_range: EINVAL on the first call falls back" {
	fallback_first copy_file_range EINVAL
}

@test "copy_file_range: ENOSYS on the first call falls back" {
	fallback_first copy_file_range ENOSYS
}

@test "copy_file_range: EOPNOTSUPP on the first call falls back" {
	fallback_first copy_file_range EOPNOTSUPP
}

@test "sendfile: EXDEV on the first call falls back" {
	fallback_first sendfile EXDEV
}

@test "sendfile: EINVAL on the first call falls back" {
	fallback_first sendfile EINVAL
}

@test "sendfile: ENOSYS on the first call falls back" {
	fallback_first sendfile ENOSYS
}

@test "sendfile: EOPNOTSUPP on the first call falls back" {
	fallback_first sendfile EOPNOTSUPP
}

@test "splice: EXDEV on the first call falls back" {
	fallback_first splice EXDEV
}

@test "splice: EINVAL on the first call falls back" {
	fallback_first splice EINVAL
}

@test "splice: ENOSYS on the first call falls back" {
	fallback_first splice ENOSYS
}

@test "splice: EOPNOTSUPP on the first call falls back" {
	fallback_first splice EOPNOTSUPP
}

@test "copy_file_range: ENOTTY on the first call falls back" {
	fallback_first copy_file_range ENOTTY
}

@test "copy_file_range: EBADF on the first call falls back" {
	fallback_first copy_file_range EBADF
}

@test "copy_file_range: ETXTBSY on the first call falls back" {
	fallback_first copy_file_range ETXTBSY
}

@test "copy_file_range: EPERM on the first call falls back" {
	fallback_first copy_file_range EPERM
}

@test "copy_file_range: EACCES on the first call falls back" {
	fallback_first copy_file_range EACCES
}

@test "copy_file_range: ENOENT on the first call falls back" {
	fallback_first copy_file_range ENOENT
}

@test "clone: EXDEV after a chunk resumes with the next engine at the offset" {
	fallback_mid clone EXDEV
}

@test "clone: EINVAL after a chunk resumes with the next engine at the offset" {
	fallback_mid clone EINVAL
}

@test "copy_file_range: EXDEV after a chunk resumes with the next engine at the offset" {
	fallback_mid copy_file_range EXDEV
}

@test "copy_file_range: EINVAL after a chunk resumes with the next engine at the offset" {
	fallback_mid copy_file_range EINVAL
}

@test "sendfile: EXDEV after a chunk resumes with the next engine at the offset" {
	fallback_mid sendfile EXDEV
}

@test "sendfile: EINVAL after a chunk resumes with the next engine at the offset" {
	fallback_mid sendfile EINVAL
}

@test "splice: EXDEV after a chunk resumes with the next engine at the offset" {
	fallback_mid splice EXDEV
}

@test "splice: EINVAL after a chunk resumes with the next engine at the offset" {
	fallback_mid splice EINVAL
}

@test "clone: EIO on the first call fails the file" {
	fatal_first clone EIO
}

@test "clone: ENOSPC on the first call fails the file" {
	fatal_first clone ENOSPC
}

@test "copy_file_range: EIO on the first call fails the file" {
	fatal_first copy_file_range EIO
}

@test "copy_file_range: ENOSPC on the first call fails the file" {
	fatal_first copy_file_range ENOSPC
}

@test "sendfile: EIO on the first call fails the file" {
	fatal_first sendfile EIO
}

@test "sendfile: ENOSPC on the first call fails the file" {
	fatal_first sendfile ENOSPC
}

@test "splice: EIO on the first call fails the file" {
	fatal_first splice EIO
}

@test "splice: ENOSPC on the first call fails the file" {
	fatal_first splice ENOSPC
}

@test "copy_file_range: EDQUOT on the first call fails the file" {
	fatal_first copy_file_range EDQUOT
}

@test "copy_file_range: EFBIG on the first call fails the file" {
	fatal_first copy_file_range EFBIG
}

@test "copy_file_range: ENOMEM on the first call fails the file" {
	fatal_first copy_file_range ENOMEM
}

@test "copy_file_range: EIO after a chunk fails the file, partial copy left" {
	fatal_mid copy_file_range EIO
}

@test "copy_file_range: ENOSPC after a chunk fails the file, partial copy left" {
	fatal_mid copy_file_range ENOSPC
}

@test "sendfile: EIO after a chunk fails the file, partial copy left" {
	fatal_mid sendfile EIO
}

@test "sendfile: ENOSPC after a chunk fails the file, partial copy left" {
	fatal_mid sendfile ENOSPC
}

@test "splice: EIO after a chunk fails the file, partial copy left" {
	fatal_mid splice EIO
}

@test "splice: ENOSPC after a chunk fails the file, partial copy left" {
	fatal_mid splice ENOSPC
}

@test "clone forced: EXDEV on the first call fails, no fallback" {
	forced_refusal clone EXDEV 1
}

@test "copy_file_range forced: EXDEV on the first call fails, no fallback" {
	forced_refusal copy_file_range EXDEV 1
}

@test "sendfile forced: EXDEV on the first call fails, no fallback" {
	forced_refusal sendfile EXDEV 1
}

@test "splice forced: EXDEV on the first call fails, no fallback" {
	forced_refusal splice EXDEV 1
}

@test "copy_file_range forced: EINVAL after a chunk fails, no fallback" {
	forced_refusal copy_file_range EINVAL 2
}

@test "sendfile forced: EINVAL after a chunk fails, no fallback" {
	forced_refusal sendfile EINVAL 2
}

@test "splice forced: EINVAL after a chunk fails, no fallback" {
	forced_refusal splice EINVAL 3
}

@test "clone: EINTR is retried" {
	retried clone EINTR
}

@test "copy_file_range: EINTR is retried" {
	retried copy_file_range EINTR
}

@test "sendfile: EINTR is retried" {
	retried sendfile EINTR
}

@test "splice: EINTR is retried" {
	retried splice EINTR
}

@test "copy_file_range: EAGAIN waits and retries" {
	retried copy_file_range EAGAIN
}

@test "sendfile: EAGAIN waits and retries" {
	retried sendfile EAGAIN
}

@test "splice: EAGAIN waits and retries" {
	retried splice EAGAIN
}

@test "copy_file_range: short counts are continued" {
	short_counts copy_file_range copy_file_range
}

@test "sendfile: short counts are continued" {
	short_counts sendfile sendfile
}

@test "splice: short counts are continued" {
	short_counts splice splice
}

@test "rw: short reads are continued" {
	short_counts rw read
}

@test "rw: short writes are continued" {
	short_counts rw write
}

@test "copy_file_range: 0 bytes on the first call, auto reads the rest" {
	zero_first_auto copy_file_range
}

@test "copy_file_range forced: 0 bytes on the first call of a non-empty file fails with ENODATA" {
	zero_first_forced copy_file_range
}

@test "sendfile: 0 bytes on the first call, auto reads the rest" {
	zero_first_auto sendfile
}

@test "sendfile forced: 0 bytes on the first call of a non-empty file fails with ENODATA" {
	zero_first_forced sendfile
}

@test "splice: 0 bytes on the first call, auto reads the rest" {
	zero_first_auto splice
}

@test "splice forced: 0 bytes on the first call of a non-empty file fails with ENODATA" {
	zero_first_forced splice
}

@test "auto: RLIMIT_FSIZE: short write then EFBIG fails the file" {
	fsize_limit ""
}

@test "copy_file_range: RLIMIT_FSIZE: short write then EFBIG fails the file" {
	fsize_limit "copy_file_range"
}

@test "sendfile: RLIMIT_FSIZE: short write then EFBIG fails the file" {
	fsize_limit "sendfile"
}

@test "splice: RLIMIT_FSIZE: short write then EFBIG fails the file" {
	fsize_limit "splice"
}

@test "rw: RLIMIT_FSIZE: short write then EFBIG fails the file" {
	fsize_limit "rw"
}

# rw: the last engine.  Its reads come after the loader's and the
# locale's, so the index of its first read of the source is measured.

@test "rw: EIO on the first read fails with 'error reading'" {
	mkrandom src 100000
	local n
	n=$(call_index read src --engine=rw src probe)
	[[ -n $n ]]
	run --separate-stderr zcp_strace "inject=read:error=EIO:when=$n" -- --debug --engine=rw src out
	assert_status 1
	assert_stderr "zcp: error reading 'src': Input/output error"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw, failed after 0 B$"
	assert_eq "$(fsize out)" 0 "size"
}

@test "rw: EIO on a later read fails, the chunks before it are kept" {
	mkrandom src 3000000
	local n
	n=$(call_index read src --engine=rw src probe)
	[[ -n $n ]]
	run --separate-stderr zcp_strace "inject=read:error=EIO:when=$((n + 1))" -- --debug --engine=rw src out
	assert_status 1
	assert_stderr "zcp: error reading 'src': Input/output error"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw, failed after [0-9.]+ KiB$"
	(( $(fsize out) > 0 && $(fsize out) < 3000000 ))
	assert_prefix src out
}

@test "rw: EINTR and EAGAIN on read are retried" {
	mkrandom src 3000000
	local n
	n=$(call_index read src --engine=rw src probe)
	[[ -n $n ]]
	run --separate-stderr zcp_strace "inject=read:error=EINTR:when=$n" \
	    "inject=read:error=EAGAIN:when=$((n + 2))" -- --debug --engine=rw src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "$(vline_re src out rw '2.86 MiB')"
}

@test "rw: EINTR and EAGAIN on write are retried" {
	mkrandom src 3000000
	run --separate-stderr zcp_strace "inject=write:error=EINTR:when=1" \
	    "inject=write:error=EAGAIN:when=3" -- --debug --engine=rw src out
	assert_status 0
	assert_stderr ""
	cmp src out
}

@test "rw: ENOSPC on the first write fails with 'error writing'" {
	mkrandom src 100000
	run --separate-stderr zcp_strace "inject=write:error=ENOSPC:when=1" -- --debug --engine=rw src out
	assert_status 1
	assert_stderr "zcp: error writing 'out': No space left on device"
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw, failed after 0 B$"
}

@test "rw: EIO on a later write fails, the chunks before it are kept" {
	mkrandom src 3000000
	run --separate-stderr zcp_strace "inject=write:error=EIO:when=2" -- --debug --engine=rw src out
	assert_status 1
	assert_stderr "zcp: error writing 'out': Input/output error"
	(( $(fsize out) > 0 && $(fsize out) < 3000000 ))
	assert_prefix src out
}

# splice moves file -> pipe -> file.  When the second half fails with an
# errno that allows a fallback, the bytes already in the pipe must reach
# the destination before the next engine resumes, or they are lost.

# The source is rewound by what was stuck in the pipe, so rw resumes at
# the first byte not written (here: the start, nothing was written).
@test "splice: the pipe -> file half refused: the source is rewound, rw resumes" {
	chain splice
	mkrandom src 3000000
	zcpi "inject=splice:error=EINVAL:when=2" -- --debug "${OPTS[@]}" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw after sendfile: Invalid argument; splice: Invalid argument, 2\\.86 MiB in $T_RE, $R_RE$"
}

@test "splice: the pipe -> file half refused later: rw resumes where splice stopped" {
	chain splice
	mkrandom src 3000000
	zcpi "inject=splice:error=EINVAL:when=4" -- --debug "${OPTS[@]}" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw after sendfile: Invalid argument; splice: Invalid argument at 1\\.00 MiB, 2\\.86 MiB in $T_RE, $R_RE$"
}

@test "splice: pipe -> file refused and the drain cannot write: the file fails" {
	chain splice
	mkrandom src 3000000
	zcpi "inject=splice:error=EINVAL:when=2" "inject=write:error=ENOSPC:when=1" -- --debug "${OPTS[@]}" src out
	# Whatever the message, the bytes stuck in the pipe are gone: the
	# copy must not be reported a success.
	if [[ $status -eq 0 ]]; then
		cmp src out
	fi
	assert_status 1
	assert_stderr "zcp: error writing 'out': No space left on device"
}

# The chain's shape, seen with strace -e trace.

# trace_calls SYSCALLS ARGS...: the names of the calls zcp made, one a line.
trace_calls()
{
	local set=$1
	shift
	strace -f -qq -o "$BATS_TEST_TMPDIR/.trace" -e trace="$set" "$ZCP" "$@" >/dev/null 2>&1
	sed -E 's/^[0-9]+ +//; s/\(.*//' "$BATS_TEST_TMPDIR/.trace" | sort -u
}

@test "--reflink=never calls neither FICLONE nor copy_file_range" {
	mkrandom src 100000
	run trace_calls ioctl,copy_file_range,sendfile,splice,read --reflink=never src out
	cmp src out
	[[ $output != *ioctl* && $output != *copy_file_range* ]]
}

# GNU cp 9.2's fix: a clone or copy_file_range may keep holes (or share
# extents), so --sparse=never, which promises every byte written, uses
# neither.
@test "--sparse=never calls neither FICLONE nor copy_file_range" {
	mkrandom src 100000
	truncate -s 1M src
	run trace_calls ioctl,copy_file_range,sendfile,splice,read --sparse=never src out
	cmp src out
	[[ $output != *ioctl* && $output != *copy_file_range* ]]
	assert_eq "$(stat -c %b out)" "$(( $(stat -c %s out) / 512 ))" "every block written"
}

@test "--reflink=never on a reflink filesystem shares no extent" {
	need_cmd filefrag
	engine_dir clone
	mkrandom src 1000000
	run --separate-stderr "$ZCP" --debug --reflink=never src out
	assert_status 0
	cmp src out
	[[ $output != *cloned* && $output != *copy_file_range* ]]
	sync
	run filefrag -v out
	[[ $output != *shared* ]]
}

@test "reflink filesystem: auto clones, and the copy shares its extents" {
	need_cmd filefrag
	engine_dir clone
	mkrandom src 1000000
	run --separate-stderr "$ZCP" --debug src out
	assert_status 0
	cmp src out
	assert_match "$output" "$(vline_re src out clone '977 KiB')"
	sync
	run filefrag -v out
	[[ $output == *shared* ]]
}

@test "--sparse=always: auto tries clone, then rw only" {
	mkrandom src 100000
	run trace_calls ioctl,copy_file_range,sendfile,splice --sparse=always src out
	cmp src out
	[[ $output != *copy_file_range* && $output != *sendfile* && $output != *splice* ]]
}

@test "a FIFO destination: clone and copy_file_range are skipped silently" {
	mkrandom src 100000
	mkfifo fifo
	timeout 60 cat fifo > got &
	register_pid $!
	run --separate-stderr timeout 60 strace -f -qq -o "$BATS_TEST_TMPDIR/.trace" \
	    -e trace=ioctl,copy_file_range "$ZCP" --debug src fifo
	assert_status 0
	wait
	cmp src got
	[[ $output != *clone* && $output != *copy_file_range* ]]
	! grep -q -e FICLONE -e copy_file_range "$BATS_TEST_TMPDIR/.trace"
}

@test "--reflink=always: a refused clone fails, nothing else is tried" {
	engine_dir clone
	mkrandom src 100000
	run --separate-stderr zcp_strace "inject=ioctl:error=EXDEV:when=1" -- --reflink=always src out
	assert_status 1
	assert_stderr "zcp: failed to clone 'out' from 'src': Invalid cross-device link"
	assert_eq "$(fsize out)" 0 "size"
}

@test "--reflink=always where clones are not supported" {
	clone_works_here && skip "this filesystem clones"
	mkrandom src 100000
	run --separate-stderr "$ZCP" --reflink=always src out
	assert_status 1
	assert_match "$stderr" "^zcp: failed to clone 'out' from 'src': (Operation not supported|Invalid argument|Invalid cross-device link|Inappropriate ioctl for device)$"
}
