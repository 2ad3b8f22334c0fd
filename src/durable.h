/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * durable.h: --fsync on a tree (durable.c).  "When zcp exits 0, every
 * byte and every name is on disk", for the price of one sync: a large
 * file's writeback is started as soon as its data is written
 * (durable_start()), no file is flushed on its own (except, under
 * --atomic, before the rename that puts it in place), and at the end
 * each file system a destination directory of the run is on is flushed
 * once with syncfs(2) (durable_finish()).  Where syncfs(2) cannot be
 * trusted (not there, refused, or a kernel that does not report write
 * errors through it), each file is flushed with fdatasync(2) by the
 * thread that copied it and each directory with fsync(2) when its
 * contents are in: durable_per_file() says which.
 */
#ifndef ZCP_DURABLE_H
#define ZCP_DURABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "path.h"

struct durable;

/* What the final flush did, for --stats, --json and --debug. */
struct durable_stats {
	bool		 per_file;	/* no syncfs: each file flushed */
	const char	*why;		/* per_file: why not syncfs (English,
					   marked N_()) */
	int		 why_err;	/* its errno, or 0 */
	unsigned	 fs;		/* file systems flushed at the end */
	unsigned	 failed;	/* of them, failed */
	double		 seconds;	/* wall time of the final flush */
};

/*
 * Makes the state of --fsync on the trees of a run: asks the kernel
 * once whether syncfs(2) works here (on a pipe, which has nothing to
 * flush).  Returns it, or NULL with errno ENOMEM.
 */
struct durable	*durable_new(void);
/* Closes what d holds and frees it (NULL: nothing). */
void		 durable_free(struct durable *);
/* True if files and directories are flushed one by one (no syncfs). */
bool		 durable_per_file(const struct durable *);

/*
 * A destination directory of the tree, open as fd, on device dev (0:
 * not known, then fstat'ed), whose copy's path is p: its file system is
 * flushed at the end (the first directory met on it names it in a
 * message).  Any thread may call it.  Returns 0, or -1 with errno (of
 * fstat(2), dup(2) or ENOMEM): the caller fails the directory, whose
 * contents could not be made durable.
 */
int		 durable_note(struct durable *, int, dev_t,
		    const struct path *);

/*
 * Where each file is flushed on its own: flushes the directory that
 * holds name (from the current directory), whose entry a walk made or
 * reused.  Else does nothing.  Returns 0, or -1 with errno.
 */
int		 durable_parent(const struct durable *, const char *);

/*
 * Flushes (fsync) the directory that holds name, relative to dirfd
 * (AT_FDCWD: the current directory).  Returns 0, or -1 with errno.
 */
int		 durable_sync_dir(int, const char *);

/*
 * The data of fd, size bytes, is written: starts its writeback
 * (sync_file_range(2), not waiting) if it is large enough for that to
 * pay.  Errors are left to the final flush, which reports them.
 */
void		 durable_start(int, uint64_t);

/*
 * Flushes the file systems noted, each once (in parallel), and fills
 * *st; for each that failed calls fail(arg, name, errno), name being the
 * path of the first directory noted on it.  Returns 0, or -1 if one
 * failed.
 */
int		 durable_finish(struct durable *, struct durable_stats *,
		    void (*)(void *, const char *, int), void *);

#endif
