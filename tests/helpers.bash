# SPDX-License-Identifier: GPL-3.0-or-later
# helpers.bash: what every zcp test file loads.
#
# Each test runs in its own $BATS_TEST_TMPDIR (setup cd's there), never in
# the source tree.  Mounts and background processes a test starts are
# registered here and undone in teardown, whatever the test's outcome.
#
# Note for writers: GNU `cmp -s` compares st_size first, so it calls a
# /proc file (st_size 0) different from its copy.  Use plain `cmp`.

bats_require_minimum_version 1.5.0

# shellcheck source=tests/nobody.bash
source "${BASH_SOURCE[0]%/*}/nobody.bash"
# running, poll, gone: waiting for what a background process does.
source "${BASH_SOURCE[0]%/*}/poll.bash"

ZCP="${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}"
[[ $ZCP == /* ]] || ZCP=$PWD/$ZCP

# The forced engines, in chain order.
ENGINES="clone copy_file_range sendfile splice rw"

# What -v prints for a duration and a rate.
T_RE='([0-9]+ us|[0-9.]+ ms|[0-9.]+ s)'
R_RE='([0-9.]+ (B|KiB|MiB|GiB|TiB|PiB|EiB)/s|- B/s)'

# A file that needs more in its setup defines setup() to call zcp_setup.
setup()
{
	zcp_setup
}

zcp_setup()
{
	_MOUNTS=()
	_PIDS=()
	cd "$BATS_TEST_TMPDIR" || return 1
	umask 022
}

teardown()
{
	zcp_teardown
}

# zcp_teardown: what teardown does, for a file that defines its own.
zcp_teardown()
{
	local p m i

	# Children first: a tracee left behind by a killed strace stays
	# stopped, and holds its files (and mounts) open.
	for p in "${_PIDS[@]}"; do
		_kill_tree "$p"
	done
	cd "$BATS_TEST_TMPDIR" || cd /
	for ((i = ${#_MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${_MOUNTS[i]}
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	return 0
}

# _kill_tree PID: kills PID and its descendants.
_kill_tree()
{
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		_kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null
	kill -CONT "$1" 2>/dev/null
}

# Remembers a process this test started, killed in teardown if alive.
register_pid()
{
	_PIDS+=("$1")
}

need_root()
{
	[[ $EUID -eq 0 ]] || skip "needs root"
}

need_cmd()
{
	local c

	for c; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# strace, and the right to ptrace (some containers forbid it).
need_strace()
{
	need_cmd strace
	strace -f -qq -o /dev/null true 2>/dev/null ||
	    skip "strace cannot trace here"
}

# mkfs_tmpfs_small DIR SIZE: mounts a tmpfs of SIZE (mount(8) syntax) on
# DIR, unmounted in teardown.
mkfs_tmpfs_small()
{
	need_root
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" zcp-test "$1" ||
	    skip "cannot mount a tmpfs here"
	_MOUNTS+=("$(cd "$1" && pwd)")
}

# True if FICLONE works in the current directory.
clone_works_here()
{
	printf 'probe\n' > .clone-probe
	cp --reflink=always .clone-probe .clone-probe2 2>/dev/null
	local rc=$?
	rm -f .clone-probe .clone-probe2
	return $rc
}

# mount_reflink DIR: mounts a small loop XFS (reflink=1) or btrfs image,
# kept under $BATS_TEST_TMPDIR, on DIR; unmounted in teardown.
mount_reflink()
{
	local dir=$1 img=$BATS_TEST_TMPDIR/reflink.img

	need_root
	mkdir -p "$dir"
	rm -f "$img"
	# The image is sparse: only the metadata mkfs writes takes room.
	if command -v mkfs.xfs >/dev/null 2>&1 &&
	    truncate -s 320M "$img" &&
	    mkfs.xfs -q -f -m reflink=1 "$img" >/dev/null 2>&1 &&
	    mount -o loop "$img" "$dir" 2>/dev/null; then
		_MOUNTS+=("$(cd "$dir" && pwd)")
		return 0
	fi
	rm -f "$img"
	if command -v mkfs.btrfs >/dev/null 2>&1 &&
	    truncate -s 160M "$img" &&
	    mkfs.btrfs -q -f "$img" >/dev/null 2>&1 &&
	    mount -o loop "$img" "$dir" 2>/dev/null; then
		_MOUNTS+=("$(cd "$dir" && pwd)")
		return 0
	fi
	skip "no reflink filesystem: needs mkfs.xfs or mkfs.btrfs and loop devices"
}

# engine_dir ENGINE: moves to a directory where ENGINE can copy regular
# files: for clone, a reflink filesystem (mounted if this one has none).
engine_dir()
{
	[[ $1 == clone ]] || return 0
	clone_works_here && return 0
	mount_reflink "$BATS_TEST_TMPDIR/rfs"
	cd "$BATS_TEST_TMPDIR/rfs" || return 1
}

# Prints the forced engines that copy a regular file here.
engines_supported()
{
	local e ok=

	printf 'probe data\n' > .engine-probe
	for e in $ENGINES; do
		rm -f .engine-probe.out
		"$ZCP" --engine="$e" .engine-probe .engine-probe.out \
		    >/dev/null 2>&1 && ok="$ok $e"
	done
	rm -f .engine-probe .engine-probe.out
	echo $ok
}

# mkrandom FILE BYTES: random data, no holes.
mkrandom()
{
	head -c "$2" /dev/urandom > "$1"
}

# Sparse files of 1 MiB (the "middle" one: 1 MiB + 64 KiB).
mkhole_leading()  { truncate -s 1M "$1"; printf 'data at the end' >> "$1"; }
mkhole_trailing() { mkrandom "$1" 65536; truncate -s 1M "$1"; }
mkhole_only()     { rm -f "$1"; truncate -s 1M "$1"; }
mkhole_middle()
{
	mkrandom "$1" 65536
	truncate -s 1M "$1"
	head -c 65536 /dev/urandom >> "$1"
}

# blocks FILE: st_blocks.
blocks()
{
	stat -c %b "$1"
}

# fsize FILE: st_size.
fsize()
{
	stat -c %s "$1"
}

# True if this filesystem keeps holes (a 1 MiB hole takes no blocks).
holes_supported()
{
	truncate -s 1M .hole-probe
	local b
	b=$(blocks .hole-probe)
	rm -f .hole-probe
	[[ $b -eq 0 ]]
}

# cmp_sparse A B: like cmp A B, but reads only the data extents of either
# file (SEEK_DATA/SEEK_HOLE): where both have a hole, both read zeros.
# A cmp of 2.5 GiB of holes reads 2.5 GiB of zeros, seconds per test.
cmp_sparse()
{
	command -v python3 >/dev/null 2>&1 || { cmp "$1" "$2"; return; }
	python3 - "$1" "$2" <<'EOF'
import os, sys

def extents(fd, size):
    out, pos = [], 0
    while pos < size:
        try:
            d = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError:
            break
        h = os.lseek(fd, d, os.SEEK_HOLE)
        out.append((d, h))
        pos = h
    return out

a, b = (os.open(p, os.O_RDONLY) for p in sys.argv[1:3])
sa, sb = os.fstat(a).st_size, os.fstat(b).st_size
if sa != sb:
    sys.exit("%s: size %d, %s: size %d" % (sys.argv[1], sa, sys.argv[2], sb))
for start, end in sorted(extents(a, sa) + extents(b, sb)):
    pos = start
    while pos < end:
        n = min(end - pos, 1 << 20)
        x, y = os.pread(a, n, pos), os.pread(b, n, pos)
        if x != y:
            sys.exit("%s %s differ in [%d, %d)" % (sys.argv[1], sys.argv[2],
                     pos, pos + n))
        pos += n
EOF
}

# assert_prefix WHOLE PART: PART is non-empty... or empty, and equal to
# the first bytes of WHOLE.
assert_prefix()
{
	local n
	n=$(fsize "$2")
	if ((n > $(fsize "$1"))); then
		echo "'$2' ($n bytes) is longer than '$1'"
		return 1
	fi
	cmp -n "$n" "$1" "$2"
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq()
{
	if [[ "$1" != "$2" ]]; then
		printf '%s\n  expected: %q\n  actual:   %q\n' "${3:-mismatch}" \
		    "$2" "$1"
		return 1
	fi
}

# assert_match ACTUAL REGEX [WHAT]
assert_match()
{
	if ! [[ "$1" =~ $2 ]]; then
		printf '%s\n  regex:  %s\n  actual: %q\n' "${3:-no match}" \
		    "$2" "$1"
		return 1
	fi
}

# assert_status N: after run.
assert_status()
{
	if [[ $status -ne $1 ]]; then
		printf 'exit status %s, expected %s\nstdout: %s\nstderr: %s\n' \
		    "$status" "$1" "$output" "${stderr-}"
		return 1
	fi
}

assert_stderr()
{
	assert_eq "${stderr-}" "$1" "stderr"
}

assert_stdout()
{
	assert_eq "$output" "$1" "stdout"
}

# Escapes a string for use in an extended regular expression.
re_escape()
{
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# What --debug prints after the -v line of a file, up to the engine.
DBG_RE=$'\n''copy offload: [a-z]+, reflink: [a-z]+, sparse detection: (no|zeros|SEEK_HOLE|SEEK_HOLE \+ zeros), engine: '

# vline_re SRC DST ENGINE SIZE: the two lines --debug prints for a file
# copied by ENGINE (auto: any engine, with any fallbacks), as a regex.  A
# trailing ", sparse" or ", synced" is allowed.
vline_re()
{
	local head size tail
	head="^'$(re_escape "$1")' -> '$(re_escape "$2")'${DBG_RE}"
	size=$(re_escape "$4")
	tail='(, sparse)?(, synced)?$'
	case $3 in
	clone)
		echo "${head}cloned, $size in $T_RE$tail" ;;
	auto)
		echo "${head}(cloned, $size in $T_RE|[a-z_]+( after [^]]*)?, $size in $T_RE, $R_RE)$tail" ;;
	*)
		echo "${head}$3, $size in $T_RE, $R_RE$tail" ;;
	esac
}

# zcp_strace SPEC... -- ZCP-ARGS...: runs zcp under strace with each SPEC
# as an -e inject= (or any -e) expression.  strace exits with zcp's status.
zcp_strace()
{
	local args=()

	while [[ $# -gt 0 && $1 != -- ]]; do
		args+=(-e "$1")
		shift
	done
	shift
	strace -f -qq -o /dev/null "${args[@]}" "$ZCP" "$@"
}

# call_index SYSCALL PATH ZCP-ARGS...: the 1-based index, among all
# SYSCALL calls zcp makes, of the first one on a descriptor open on PATH
# (a path relative to the current directory).  Library and locale reads
# come first, and how many there are depends on the environment, so
# injections into read count from here.
call_index()
{
	local sc=$1 path
	path=$(realpath "$2")
	shift 2
	strace -f -qq -y -o "$BATS_TEST_TMPDIR/.calls" -e trace="$sc" \
	    "$ZCP" "$@" >/dev/null 2>&1
	awk -v p="<$path>" -v sc="$sc(" '
	    { sub(/^[0-9]+ +/, "") }
	    index($0, sc) == 1 {
		n++
		if (index($0, p) > 0) { print n; exit }
	    }' "$BATS_TEST_TMPDIR/.calls"
}

# wait_stopped PID: waits (at most ~20 s) until PID is stopped.
wait_stopped()
{
	local i st
	for ((i = 0; i < 400; i++)); do
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
		[[ $st == [tT] ]] && return 0
		sleep 0.05
	done
	echo "process $1 never stopped"
	return 1
}

# wait_exit PID [STOPPED]: waits (at most ~60 s) for a child; sets $status.
# With STOPPED, sends it SIGCONT on every turn: a stop injected by strace
# may come after a first SIGCONT (wait_stopped cannot tell it from a
# tracing stop).
wait_exit()
{
	local i
	for ((i = 0; i < 1200; i++)); do
		if [[ -n ${2:-} ]]; then
			kill -CONT "$2" 2>/dev/null || true
		fi
		if ! running "$1"; then
			wait "$1"
			status=$?
			return 0
		fi
		sleep 0.05
	done
	echo "process $1 did not terminate: endless copy?"
	return 1
}

# zcp_child PID: the child of PID (strace) that runs zcp.  strace forks
# short-lived children of its own first, so the first child will not do.
zcp_child()
{
	local i c comm want
	want=$(basename "$ZCP")
	want=${want:0:15}
	for ((i = 0; i < 200; i++)); do
		for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
			comm=$(cat "/proc/$c/comm" 2>/dev/null)
			[[ $comm == "$want" ]] && { echo "$c"; return 0; }
		done
		sleep 0.05
	done
	echo "no zcp under process $1" >&2
	return 1
}

# unprivileged CMD...: runs CMD as root without the capabilities that
# bypass file permissions, so permission checks apply as for any user.
# (setpriv --reuid=nobody would also need every directory above
# $BATS_TEST_TMPDIR to be searchable by nobody, which bats' are not.)
unprivileged()
{
	local caps=-dac_override,-dac_read_search,-fowner
	[[ $EUID -eq 0 ]] || { "$@"; return; }
	setpriv --inh-caps="$caps" --bounding-set="$caps" "$@"
}

need_unprivileged()
{
	if [[ $EUID -ne 0 ]]; then
		return 0
	fi
	need_cmd setpriv
	unprivileged true 2>/dev/null ||
	    skip "setpriv cannot drop capabilities here"
}

# build_shim: compiles the short-count LD_PRELOAD shim (see shim.c below)
# into $BATS_TEST_TMPDIR/shim.so.  strace's retval= cannot fake a short
# count: it skips the real call, so nothing moves and the file offsets
# stay put.  The shim makes the real call with a smaller length, which is
# exactly a kernel short count.  SHORT_CALL names the function, SHORT_LEN
# the most bytes one call may move.
build_shim()
{
	need_cmd cc
	cat > "$BATS_TEST_TMPDIR/shim.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/types.h>
#include <unistd.h>

static size_t
cap(const char *name, size_t len)
{
	const char *w = getenv("SHORT_CALL"), *m = getenv("SHORT_LEN");
	size_t max;

	if (w == NULL || m == NULL || strcmp(w, name) != 0)
		return len;
	max = strtoul(m, NULL, 0);
	return len > max ? max : len;
}

#define REAL(name) static __typeof__(name) *real; \
	if (real == NULL) real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
copy_file_range(int i, off_t *io, int o, off_t *oo, size_t len, unsigned f)
{
	REAL(copy_file_range);
	return real(i, io, o, oo, cap("copy_file_range", len), f);
}

ssize_t
sendfile(int o, int i, off_t *off, size_t len)
{
	REAL(sendfile);
	return real(o, i, off, cap("sendfile", len));
}

ssize_t
splice(int i, loff_t *io, int o, loff_t *oo, size_t len, unsigned f)
{
	REAL(splice);
	return real(i, io, o, oo, cap("splice", len), f);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	REAL(read);
	return real(fd, buf, cap("read", len));
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(write);
	return real(fd, buf, cap("write", len));
}
EOF
	cc -shared -fPIC -O2 -o "$BATS_TEST_TMPDIR/shim.so" \
	    "$BATS_TEST_TMPDIR/shim.c" -ldl ||
	    skip "cannot build the LD_PRELOAD shim"
}

# LeakSanitizer cannot run under ptrace: in a sanitizer build (tests/run-all)
# a zcp traced by strace would abort.  Every strace the tests start, also
# through timeout(1) or in the background, is this wrapper, which turns it
# off for the traced run only and execs the real strace (same pid).
strace_wrapper()
{
	local real dir=${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/wrap
	real=$(PATH=${PATH#"$dir:"} command -v strace) || return 0
	mkdir -p "$dir"
	printf '#!/bin/sh\nASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec %s "$@"\n' \
	    "$real" > "$dir/strace"
	chmod +x "$dir/strace"
	case ":$PATH:" in
	*":$dir:"*) ;;
	*) PATH=$dir:$PATH ;;
	esac
}
strace_wrapper

# sanitizer_preload: the sanitizer runtimes zcp is linked with, which an
# LD_PRELOAD list must name first.
sanitizer_preload()
{
	ldd "$ZCP" 2>/dev/null | awk '/lib(a|t|ub)san/ { printf "%s ", $3 }'
}

# build_flip: an LD_PRELOAD shim (in $FLIP, with the sanitizer runtimes
# first) whose fdatasync(2) flips one bit of byte 10 of the file first:
# a copy that differs from its source by the time --verify reads it back.
build_flip()
{
	need_cmd cc
	cat > "$BATS_TEST_TMPDIR/flip.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <unistd.h>

int
fdatasync(int fd)
{
	static int (*real)(int);
	unsigned char c = 0;

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	if (pread(fd, &c, 1, 10) == 1) {
		c ^= 1;
		(void)pwrite(fd, &c, 1, 10);
	}
	return real(fd);
}
SHIM
	cc -shared -fPIC -O2 -o "$BATS_TEST_TMPDIR/flip.so" \
	    "$BATS_TEST_TMPDIR/flip.c" -ldl || skip "cannot build a shim"
	FLIP="$(sanitizer_preload)$BATS_TEST_TMPDIR/flip.so"
}
