/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * job.h: a copy job: one entry as a walk found it (its source, stat'ed,
 * and where its copy goes), what an executor (exec.h) needs to copy a
 * non-directory.  The walk makes one for each entry (walk_job()); what
 * the destination's rules say of it (dest.c's verdict) and which engines
 * may move its bytes (file.c) are decided by the executor when it runs
 * the job, from the destination as it is then.
 */
#ifndef ZCP_JOB_H
#define ZCP_JOB_H

#include <stdbool.h>
#include <sys/stat.h>

#include "path.h"
#include "record.h"

struct alias_order;

/*
 * Made in place: src and dst name their paths, sp and dp, so a job is
 * not copied (an executor that collects jobs keeps them where they were
 * made, or makes them there).
 */
struct copy_job {
	struct file_ref	 src;		/* src.path is sp */
	struct file_ref	 dst;		/* dst.path is dp */
	struct path	 sp, dp;
	struct stat	 st;		/* the source, as the walk saw it */
	bool		 no_backup;	/* cp -bf f f: no backup of dst */
	/* The parallel walk's writes into files that other destinations
	 * share, in cp's order (alias.h); NULL: the walk is in order. */
	struct alias_order *aliases;
};

#endif
