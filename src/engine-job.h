/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-job.h: what the copy engines see: the job (struct engine_job,
 * which file.c fills), an engine's state between two calls of the chain
 * (struct engine_io), and what each engine-NAME.c gives the chain
 * (engine.c): a step that moves some bytes, or a call that does it all.
 * engine.h, the chain's face, includes it; the engines include nothing
 * else of the family, so the chain sits above them.
 */
#ifndef ZCP_ENGINE_JOB_H
#define ZCP_ENGINE_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* In chain order: the auto chain tries them from top to bottom. */
enum engine_id {
	ENGINE_AUTO = 0,	/* not an engine: "run the chain" */
	ENGINE_CLONE,		/* ioctl(FICLONE) */
	ENGINE_CFR,		/* copy_file_range(2) */
	ENGINE_SENDFILE,	/* sendfile(2) */
	ENGINE_SPLICE,		/* splice(2), through a pipe when needed */
	ENGINE_RW,		/* read(2)/write(2) */
	ENGINE_NUM
};

#define ENGINE_BIT(id)	(1u << (id))
#define ENGINE_ALL	(ENGINE_BIT(ENGINE_CLONE) | ENGINE_BIT(ENGINE_CFR) | \
	ENGINE_BIT(ENGINE_SENDFILE) | ENGINE_BIT(ENGINE_SPLICE) | \
	ENGINE_BIT(ENGINE_RW))

/* A reusable page-aligned buffer for the rw engine (one per thread). */
struct engine_buf {
	char	*data;
	size_t	 size;
};

/* Frees the buffer's memory. */
void		 engine_buf_free(struct engine_buf *);

/*
 * Engines already known not to work between two filesystems, with the
 * errno they gave: the chain records the fallback without asking the
 * kernel again.
 */
struct engine_skip {
	unsigned	 mask;		/* ENGINE_BIT()s */
	int		 err[ENGINE_NUM];
};

/* What to copy and how.  Filled by file.c. */
struct engine_job {
	int		 src;		/* source fd, read from its offset */
	int		 dst;		/* destination fd, written at its
					   offset */
	unsigned	 engines;	/* ENGINE_BIT() set allowed, tried in
					   order */
	bool		 strict;	/* forced engine: never fall back */
	bool		 walk_holes;	/* copy only data extents (SEEK_DATA) */
	bool		 make_holes;	/* rw: zero blocks become holes */
	bool		 src_is_pipe;	/* the source is a pipe or FIFO */
	bool		 src_is_reg;	/* the source is a regular file */
	uint64_t	 src_size;	/* its size when stat'ed (a hint
					   only, unless size_exact) */
	bool		 size_exact;	/* src_size is where the source ends
					   (its file system's sizes are
					   true): the copy stops there,
					   without a call that returns 0 */
	bool		 dst_is_pipe;	/* the destination is a pipe or FIFO */
	bool		 dst_is_reg;	/* the destination is a regular file */
	size_t		 blksize;	/* the destination's st_blksize */
	struct engine_buf *buf;		/* rw buffer, grown on demand */
	uint64_t	*progress;	/* if not NULL, bytes done are added */
	const struct engine_skip *skip;	/* if not NULL, known failures */
	uint64_t	 sync_every;	/* --fsync: writeback this often */
	uint64_t	 offset;	/* where both fds stand (--resume): the
					   copy goes on from there (no clone) */
};

/*
 * Which operation failed, so that the message can name it: the engine's
 * own calls, or one the chain makes around them.
 */
enum engine_op {
	ENGINE_OP_COPY = 0,	/* the engine's calls (read, write, ...) */
	ENGINE_OP_READ,		/* read(2) checking the end of the source */
	ENGINE_OP_BUFFER,	/* allocating the rw engine's buffer */
	ENGINE_OP_PIPE,		/* creating splice's pipe */
	ENGINE_OP_STAT,		/* fstat(2) of the source (its size) */
	ENGINE_OP_SEEK,		/* lseek(2) to a data extent or hole */
	ENGINE_OP_EXTEND,	/* ftruncate(2) to the size reached */
	ENGINE_OP_SYNC		/* fsync(2) of the destination (file.c) */
};

/*
 * The engines themselves.  Each moves at most len bytes from src to dst at
 * their current offsets and returns the count (short counts happen), 0 at
 * the end of the source, or -1 with errno.  EINTR is retried inside.
 */
struct engine_io {
	const struct engine_job *job;
	int		 pipe[2];	/* splice's pipe, or -1 */
	int		 pending_err;	/* error to return on the next call */
	bool		 write_failed;	/* last error was on the write side */
	enum engine_op	 op;		/* what the last error came from */
	bool		 fatal;		/* last error lost data: no fallback */
	size_t		 partial;	/* bytes written by a failed call */
	bool		 holes;		/* rw seeked over zeros */
};

int		 engine_clone_file(int, int);
ssize_t		 engine_cfr_step(struct engine_io *, size_t);
ssize_t		 engine_sendfile_step(struct engine_io *, size_t);
ssize_t		 engine_splice_step(struct engine_io *, size_t);
void		 engine_splice_close(struct engine_io *);
ssize_t		 engine_rw_step(struct engine_io *, size_t);
/* Writes all of buf to fd (EINTR retried).  Returns 0 or -1 with errno. */
int		 engine_write_all(int, const char *, size_t);
/* The same; *done says how much was written, also on failure. */
int		 engine_write_some(int, const char *, size_t, size_t *);

/*
 * --fsync: bytes between two starts of writeback (sync_every), and the
 * calls that decide and do it (engine-sync.c).  engine_sync_wanted()
 * returns true if early writeback should help: src is mostly in the page
 * cache.  engine_sync_start() starts writeback of fd's dirty pages and
 * does not wait.
 */
#define ENGINE_SYNC_EVERY	((uint64_t)8 << 20)
bool		 engine_sync_wanted(int);
void		 engine_sync_start(int);

#endif
