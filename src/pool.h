/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.h: the parallel tree copy (-j N, N > 1).
 */
#ifndef ZCP_POOL_H
#define ZCP_POOL_H

#include <sys/stat.h>

#include "file.h"
#include "walk.h"

/*
 * Copies the directory src (stat'ed as sst) to dst with w->opts->jobs
 * threads, reporting each file to w->rep.  Returns when all is done.
 */
void	 pool_copy_dir(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *);

#endif
