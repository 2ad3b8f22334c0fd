/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-cfr.c: the copy_file_range(2) engine.
 *
 * An in-kernel copy: page cache to page cache, and on some filesystems a
 * reflink or a server-side copy.  Since Linux 5.19 it works across
 * filesystems only between ones of the same type that support it (EXDEV
 * or EOPNOTSUPP otherwise); before 5.10 it returned 0 bytes on /proc and
 * /sys files, which the chain handles (see engine.c).
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "engine-job.h"

/*
 * glibc 2.41 and 2.42 mishandled requests above 2 GiB: never ask for more
 * than 1 GiB in one call.
 */
#define CFR_MAX	((size_t)1 << 30)

ssize_t
engine_cfr_step(struct engine_io *io, size_t len)
{
#if HAVE_COPY_FILE_RANGE
	ssize_t n;

	if (len > CFR_MAX)
		len = CFR_MAX;
	do
		n = copy_file_range(io->job->src, NULL, io->job->dst, NULL,
		    len, 0);
	while (n == -1 && errno == EINTR);
	return n;
#else
	(void)io;
	(void)len;
	errno = ENOSYS;
	return -1;
#endif
}
