/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.h: the parallel tree copy (-j N, N > 1).
 */
#ifndef ZCP_POOL_H
#define ZCP_POOL_H

#include <sys/stat.h>

#include "dir.h"

/*
 * Copies the directory src (stat'ed as sst) to dst with w->jobs threads,
 * reporting each file to w->rep.  Past w->pool_depth levels a subtree is
 * copied by one thread with the sequential walk (tree.c), which bounds
 * its descriptors however deep it goes.  Returns when all is done.
 */
void	 pool_copy_dir(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *);

#endif
