#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# inomap.bats: the (device, inode) map under zcp's tables (src/inomap.c)
# and the tables on it (links.c, inoset.c, created.c, alias.c), driven
# by tests/inomap-test (built by make check): growth, keys that differ
# in the device only, nodes that share a key, a table that cannot grow,
# and each table's answer when memory is refused (ENOMEM, never an exit).

load helpers

INOMAP_TEST="${ZCP_BUILDDIR:-$BATS_TEST_DIRNAME/..}/tests/inomap-test"

setup()
{
	zcp_setup
	[[ -x $INOMAP_TEST ]] || skip "no $INOMAP_TEST (make check builds it)"
}

# build_shim: an LD_PRELOAD shim whose malloc, calloc and realloc fail
# (ENOMEM) for N bytes or more while its inomap_test_fail is N > 0 (the
# test program sets it).
build_shim()
{
	need_cmd cc
	cat > shim.c <<'C'
#include <errno.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

int inomap_test_fail;

static int
fail(size_t n)
{
	if (inomap_test_fail <= 0 || n < (size_t)inomap_test_fail)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n) { return fail(n) ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return fail(a * b) ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return fail(n) ? NULL : __libc_realloc(p, n); }
C
	cc -shared -fPIC -O2 -o shim.so shim.c ||
	    skip "cannot build the allocation-failure shim"
	# A sanitizer's own allocator cannot be replaced.
	LD_PRELOAD=$PWD/shim.so "$INOMAP_TEST" shim ||
	    skip "the shim cannot be preloaded (sanitizer build?)"
}

@test "inomap: 200,000 nodes in, every other one out, the rest found" {
	run "$INOMAP_TEST" grow 200000
	assert_status 0
	# The table grew with the nodes (at most one node a chain).
	[[ $output =~ ^([0-9]+)\ chains$ ]]
	(( BASH_REMATCH[1] >= 200000 ))
}

@test "inomap: one inode on two devices, two nodes under one key, through doublings" {
	run "$INOMAP_TEST" collide
	assert_status 0
	assert_eq "$output" ""
}

@test "inomap: a table that cannot grow for want of memory still finds every node" {
	build_shim
	# The first table (64 chains, 512 bytes) and nothing bigger.
	run env LD_PRELOAD="$PWD/shim.so" "$INOMAP_TEST" grow 20000 1024
	assert_status 0
	assert_eq "$output" "64 chains"
	# Not even that: one chain.
	run env LD_PRELOAD="$PWD/shim.so" "$INOMAP_TEST" grow 3000 1
	assert_status 0
	assert_eq "$output" "0 chains"
}

@test "inomap: links, inoset, created and alias fail an addition with ENOMEM, then work" {
	build_shim
	run env LD_PRELOAD="$PWD/shim.so" "$INOMAP_TEST" enomem
	assert_status 0
	assert_eq "$output" ""
}
