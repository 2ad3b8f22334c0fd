/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * exec.h: the executors, what runs the copy jobs a walk makes (job.h).
 *
 * exec_file() is the per-file executor: it runs one job in the calling
 * thread (file.c's file_copy(), which decides what the destination's
 * rules allow and which engines move the bytes), tells the progress
 * display, and reports the record.  The parallel walk (pool.c) is a
 * second executor: it runs the jobs of a directory on its threads, a
 * batch of files at a time, each with exec_file(); through its
 * walk_driver it keeps hard links for its end pass and takes back what
 * ran short of memory or descriptors.
 *
 * A new executor (a batch of small files at once, say) runs the jobs of
 * such a batch in its own exec-NAME.c, behind this header: it gets them
 * where pool.c's tasks hold them (each made by walk_job(), kept where it
 * was made), asks the walk's driver what exec_file() asks, and reports
 * each job's record as exec_file() does.
 */
#ifndef ZCP_EXEC_H
#define ZCP_EXEC_H

#include <stdbool.h>

#include "file.h"
#include "job.h"
#include "walk.h"

/*
 * Runs job (a non-directory of the walk w) in this thread with fc, and
 * reports it, unless the walk's driver keeps it for later or takes it
 * back (walk.h).  Returns true if a file of its own was made at the
 * destination (not skipped, failed, kept or taken back, or a hard link
 * to an earlier copy).
 */
bool	 exec_file(const struct walk *, struct file_ctx *,
	    const struct copy_job *);

/*
 * Runs jobs[0..n) (non-directories of one directory of the walk w) as
 * exec_file() would, in this thread: under --engine=uring (and auto,
 * where that is worth it), the new small regular files among them at
 * once on io_uring (exec-uring.c), the others, and all of them where
 * the kernel refuses io_uring (fc->unbatched says why), with
 * exec_file().  Stops early if the operand was stopped.
 */
void	 exec_batch(const struct walk *, struct file_ctx *,
	    struct copy_job *, size_t);
/* Frees what exec_batch() kept in fc (its ring and buffers). */
void	 exec_batch_done(struct file_ctx *);

#endif
