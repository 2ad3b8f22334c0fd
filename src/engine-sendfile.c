/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-sendfile.c: the sendfile(2) engine.
 *
 * File to file since Linux 2.6.33, to pipes and sockets always.  Since
 * Linux 5.10 it gives EINVAL for sources without splice_read (some /proc
 * and /sys files), which makes the chain fall back.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#if HAVE_SENDFILE
#include <sys/sendfile.h>
#endif

#include "engine-job.h"

/* The kernel moves at most this much per call, on 32- and 64-bit. */
#define SENDFILE_MAX	((size_t)0x7ffff000)

ssize_t
engine_sendfile_step(struct engine_io *io, size_t len)
{
#if HAVE_SENDFILE
	ssize_t n;

	if (len > SENDFILE_MAX)
		len = SENDFILE_MAX;
	/* A NULL offset reads from, and advances, the source's offset. */
	do
		n = sendfile(io->job->dst, io->job->src, NULL, len);
	while (n == -1 && errno == EINTR);
	return n;
#else
	(void)io;
	(void)len;
	errno = ENOSYS;
	return -1;
#endif
}
