/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-rw.c: the read(2)/write(2) engine.
 *
 * Always works, for every file type; the only engine that can turn runs
 * of zeros into holes (--sparse=always).  The buffer is page-aligned and
 * sized from the destination's st_blksize, between 128 KiB and 1 MiB
 * (smaller when memory is short): single writes of 2 MiB or more to ext4
 * were 3-10x slower on the machines this was tuned on.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-job.h"

#define RW_MIN	((size_t)128 * 1024)
#define RW_MAX	((size_t)1024 * 1024)

/* Waits until fd can take more (a non-blocking pipe said EAGAIN). */
static void
rw_wait(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	(void)poll(&p, 1, -1);
}

int
engine_write_all(int fd, const char *p, size_t len)
{
	size_t done;

	return engine_write_some(fd, p, len, &done);
}

int
engine_write_some(int fd, const char *p, size_t len, size_t *done)
{
	ssize_t n;

	*done = 0;
	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				rw_wait(fd, POLLOUT);
				continue;
			}
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		*done += (size_t)n;
	}
	return 0;
}

/*
 * Returns the job's buffer, allocated or grown to fit, or NULL with errno
 * ENOMEM.  No larger than len needs (a read that only looks for the end
 * of a file needs a page, not the 128 KiB every thread would then keep).
 * Short of memory (ulimit -v), a smaller buffer, down to one page, is
 * better than a failed file: the one it has, or a new one.
 */
static struct engine_buf *
rw_buffer(const struct engine_job *job, size_t len)
{
	struct engine_buf *b = job->buf;
	size_t want = job->blksize;
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096;
	void *p;

	if (want < RW_MIN)
		want = RW_MIN;
	if (want > RW_MAX)
		want = RW_MAX;
	if (want > len)
		want = len;
	want = (want + page - 1) & ~(page - 1);
	for (; want >= page; want /= 2) {
		if (b->data != NULL && b->size >= want)
			return b;
		if (posix_memalign(&p, page, want) == 0) {
			free(b->data);
			b->data = p;
			b->size = want;
			return b;
		}
	}
	errno = ENOMEM;
	return NULL;
}

static bool
rw_is_zero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/*
 * Writes buf, seeking over blocks of zeros instead of writing them.  On
 * failure *done says how much of buf is in place.
 */
static int
rw_write_sparse(struct engine_io *io, const char *p, size_t len,
    size_t *done)
{
	const struct engine_job *job = io->job;
	size_t blk = job->blksize ? job->blksize : 4096;
	size_t i, n, run, w;

	*done = 0;
	for (i = 0; i < len; i += n) {
		n = len - i < blk ? len - i : blk;
		if (rw_is_zero(p + i, n)) {
			if (lseek(job->dst, (off_t)n, SEEK_CUR) == -1) {
				io->op = ENGINE_OP_SEEK;
				return -1;
			}
			io->holes = true;
			*done += n;
			continue;
		}
		/* Write the whole run of non-zero blocks in one call. */
		for (run = n; i + run < len; run += n) {
			n = len - i - run < blk ? len - i - run : blk;
			if (rw_is_zero(p + i + run, n))
				break;
		}
		if (engine_write_some(job->dst, p + i, run, &w) == -1) {
			*done += w;
			return -1;
		}
		*done += run;
		n = run;
	}
	return 0;
}

ssize_t
engine_rw_step(struct engine_io *io, size_t len)
{
	const struct engine_job *job = io->job;
	struct engine_buf *b;
	ssize_t n;
	int r;

	io->write_failed = false;
	if ((b = rw_buffer(job, len)) == NULL) {
		io->op = ENGINE_OP_BUFFER;
		return -1;
	}
	if (len > b->size)
		len = b->size;
	for (;;) {
		n = read(job->src, b->data, len);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			rw_wait(job->src, POLLIN);
			continue;
		}
		return -1;
	}
	if (n == 0)
		return 0;
	if (job->make_holes && job->dst_is_reg)
		r = rw_write_sparse(io, b->data, (size_t)n, &io->partial);
	else
		r = engine_write_some(job->dst, b->data, (size_t)n,
		    &io->partial);
	if (r == -1) {
		io->write_failed = true;
		return -1;	/* io->partial bytes of it did arrive */
	}
	io->partial = 0;
	return n;
}

void
engine_buf_free(struct engine_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}
