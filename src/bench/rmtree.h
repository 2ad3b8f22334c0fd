/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/rmtree.h: removing a tree that zcp --bench made, also from a
 * signal handler.
 */
#ifndef ZCP_BENCH_RMTREE_H
#define ZCP_BENCH_RMTREE_H

/*
 * Removes name in the directory dirfd (AT_FDCWD: the working one) and,
 * if it is a directory, all it holds, as rm -rf does; never follows a
 * symbolic link.  Async-signal-safe: no memory is allocated.  Returns 0
 * (also if name did not exist), or -1 with errno from the call that
 * failed (EMFILE when the tree is deeper than the fds left).
 */
int	 bench_rmtree(int, const char *);

#endif
