/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fdpath.h: destinations that name a descriptor zcp already holds
 * (/dev/stdout, /dev/fd/N, /proc/self/fd/N, ...), so that a socket among
 * them, which cannot be opened again by name, is written through the
 * descriptor instead.
 */
#ifndef ZCP_FDPATH_H
#define ZCP_FDPATH_H

#include <sys/stat.h>

/*
 * Returns the descriptor number that name stands for: 0, 1 and 2 for
 * /dev/stdin, /dev/stdout and /dev/stderr, N for /dev/fd/N,
 * /proc/self/fd/N, /proc/thread-self/fd/N and /proc/PID/fd/N with zcp's
 * own PID.  Returns -1 for any other name.
 */
int	 fdpath_number(const char *);

/*
 * If name (relative to dirfd) is one of the names above, and both it and
 * the descriptor it stands for are the same socket, returns a duplicate
 * of that descriptor (close-on-exec; closing it leaves the socket open
 * for the rest of the process) and its stat in *st.  Returns -1 with
 * errno 0 if name is not such a socket, or with errno set if the
 * descriptor could not be duplicated.
 */
int	 fdpath_socket(int, const char *, struct stat *);

#endif
