# SPDX-License-Identifier: GPL-3.0-or-later
# tests/kill.bash: stopping a copy in its middle, for atomic.bats and
# resume.bats.  The point is polled for, not slept for: zcp's file offset
# in /proc/PID/fdinfo says how far it got.

# zcp_bare ARGS...: execs zcp with no descriptor but 0, 1 and 2 open
# (bats keeps some), so that its source is 3 and the file it writes 4.
zcp_bare()
{
	local f n
	for f in /proc/$BASHPID/fd/*; do
		n=${f##*/}
		if ((n > 2)); then
			eval "exec $n>&-"
		fi
	done
	# With SIGINT as it should be: a shell without job control starts
	# '&' commands with it ignored (so does one whose parent ignored it,
	# as make run from such a shell), and zcp keeps an ignored signal
	# ignored, as nohup asks.
	exec env --default-signal=INT "$ZCP" "$@"
}

# kill_copy SIG NEW DST ZCP-ARGS...: copies NEW to DST with zcp
# ZCP-ARGS, and sends SIG once KILL_AT bytes (default: a random share of
# NEW) are written, as the file offset of zcp's descriptor 4 says (the
# file being written; the source's, 3, goes along).  Waits for zcp; sets
# $status.
kill_copy()
{
	local sig=$1 new=$2 dst=$3 size at pos pid comm
	shift 3
	size=$(stat -c %s "$new")
	at=${KILL_AT:-$(( (RANDOM * 32768 + RANDOM) % size ))}
	(zcp_bare "$@" "$new" "$dst" 2>/dev/null) &
	pid=$!
	register_pid "$pid"
	while running "$pid"; do
		# Until the exec, descriptor 4 may still be one of bats'.
		comm=
		{ read -r comm; } 2>/dev/null < "/proc/$pid/comm" || continue
		[[ $comm != bash ]] || continue
		pos=
		{ read -r _ pos; } 2>/dev/null < "/proc/$pid/fdinfo/4" ||
		    { read -r _ pos; } 2>/dev/null < "/proc/$pid/fdinfo/3" ||
		    continue
		[[ -n $pos ]] && ((pos >= at)) && break
	done
	kill -"$sig" "$pid" 2>/dev/null || true
	status=0
	wait "$pid" || status=$?
}

# build_slow: an LD_PRELOAD shim (in $SLOW, with the sanitizer runtimes
# first) that makes each write(2) wait SLOW_US microseconds (default
# 2000), so that a copy with the rw engine lasts long enough to be
# stopped where a test wants, on a loaded machine too.
build_slow()
{
	need_cmd cc
	cat > "$BATS_TEST_TMPDIR/slow.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t
write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	const char *us = getenv("SLOW_US");

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	if (fd > 2)
		usleep(us != NULL ? (useconds_t)atoi(us) : 2000);
	return real(fd, buf, len);
}
SHIM
	cc -shared -fPIC -O2 -o "$BATS_TEST_TMPDIR/slow.so" \
	    "$BATS_TEST_TMPDIR/slow.c" -ldl ||
	    skip "cannot build the LD_PRELOAD shim"
	rm -f "$BATS_TEST_TMPDIR/slow.c"
	SLOW="$(sanitizer_preload)$BATS_TEST_TMPDIR/slow.so"
}
