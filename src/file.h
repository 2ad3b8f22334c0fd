/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * file.h: copying one non-directory file: the same-file check, the
 * overwrite policy, opening both ends, running the engine chain, the
 * metadata.  What happened goes into a struct file_record for report.c.
 */
#ifndef ZCP_FILE_H
#define ZCP_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "engine.h"
#include "job.h"
#include "record.h"
#include "run.h"

/*
 * What one thread needs to copy files: the run, and scratch space kept
 * from one file to the next.
 */
struct exec_ring;

struct file_ctx {
	struct run	*run;
	struct engine_buf buf;		/* rw engine buffer, reused */
	/* Engines that failed as unsupported between these filesystems. */
	dev_t		 skip_src, skip_dst;
	struct engine_skip skip;
	/* --fsync, a file of a tree: flushed with the others at the end
	 * (durable.h), not on its own; set for each job by file_copy(). */
	bool		 sync_late;
	/* Whether files of the device exact_dev have true sizes. */
	dev_t		 exact_dev;
	bool		 exact_known, exact;
	/* --engine=uring: this thread's ring (exec-uring.c), or NULL. */
	struct exec_ring *ring;
	int		 unbatched;	/* the kernel refused io_uring: errno */
};

/*
 * Copies the job's source, a non-directory, to its destination.  Fills
 * rec.  Returns 0 if copied or skipped, -1 if it failed (rec->msg says
 * why).
 */
int	 file_copy(struct file_ctx *, const struct copy_job *,
	    struct file_record *);

#endif
