/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-splice.c: the splice(2) engine.
 *
 * When either end is a pipe, one splice moves the bytes directly.
 * Otherwise they go through a pipe of our own: file -> pipe -> file,
 * without passing through user space.  When the write side fails, bytes
 * are stranded in that pipe after the source's offset moved past them: a
 * regular source is rewound by that much (and the pipe emptied), so the
 * next engine resumes at the first byte not written; any other source has
 * them written with write(2), and if that fails too the error is fatal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "engine-job.h"

#if HAVE_SPLICE
/* Larger pipes mean fewer calls; the default limit for users is 1 MiB. */
#define SPLICE_PIPE_SIZE	(1 << 20)
#define SPLICE_FLAGS		(SPLICE_F_MOVE | SPLICE_F_MORE)

static ssize_t
splice_retry(int in, int out, size_t len)
{
	ssize_t n;

	do
		n = splice(in, NULL, out, NULL, len, SPLICE_FLAGS);
	while (n == -1 && errno == EINTR);
	return n;
}

static int
splice_open_pipe(struct engine_io *io)
{
	if (pipe2(io->pipe, O_CLOEXEC) == -1) {
		io->pipe[0] = io->pipe[1] = -1;
		return -1;
	}
	(void)fcntl(io->pipe[1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE);
	return 0;
}

/* Empties our pipe into buf-sized reads; write them to dst if fd >= 0. */
static int
splice_drain(struct engine_io *io, size_t left, int fd)
{
	char buf[64 * 1024];
	ssize_t n;

	while (left > 0) {
		n = read(io->pipe[0], buf, left < sizeof(buf) ? left :
		    sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (fd >= 0 && engine_write_all(fd, buf, (size_t)n) == -1)
			return -1;
		left -= (size_t)n;
	}
	return 0;
}

/*
 * The write side failed with err, left bytes of the n read still in the
 * pipe.  Returns what to return for the step (see the top of the file).
 */
static ssize_t
splice_unwind(struct engine_io *io, ssize_t n, size_t left, int err)
{
	io->write_failed = true;
	if (io->job->src_is_reg &&
	    lseek(io->job->src, -(off_t)left, SEEK_CUR) != -1) {
		if (splice_drain(io, left, -1) == -1)
			engine_splice_close(io);	/* a fresh one next time */
		n -= (ssize_t)left;
	} else if (splice_drain(io, left, io->job->dst) == -1) {
		io->fatal = true;	/* those bytes are gone */
		return -1;
	}
	if (n == 0) {
		errno = err;
		return -1;
	}
	io->pending_err = err;	/* what was written counts; fail next */
	return n;
}

#endif

ssize_t
engine_splice_step(struct engine_io *io, size_t len)
{
#if HAVE_SPLICE
	const struct engine_job *job = io->job;
	ssize_t n, m;
	size_t left;
	int err;

	io->write_failed = false;
	if (io->pending_err != 0) {
		errno = io->pending_err;
		io->pending_err = 0;
		io->write_failed = true;
		return -1;
	}
	if (job->src_is_pipe || job->dst_is_pipe)
		return splice_retry(job->src, job->dst, len);
	if (io->pipe[0] == -1 && splice_open_pipe(io) == -1) {
		io->op = ENGINE_OP_PIPE;
		return -1;
	}
	if (len > SPLICE_PIPE_SIZE)
		len = SPLICE_PIPE_SIZE;
	n = splice_retry(job->src, io->pipe[1], len);
	if (n <= 0)
		return n;
	for (left = (size_t)n; left > 0; left -= (size_t)m) {
		m = splice_retry(io->pipe[0], job->dst, left);
		if (m > 0)
			continue;
		err = m == 0 ? EIO : errno;
		return splice_unwind(io, n, left, err);
	}
	return n;
#else
	(void)io;
	(void)len;
	errno = ENOSYS;
	return -1;
#endif
}

void
engine_splice_close(struct engine_io *io)
{
	if (io->pipe[0] != -1) {
		(void)close(io->pipe[0]);
		(void)close(io->pipe[1]);
		io->pipe[0] = io->pipe[1] = -1;
	}
}
