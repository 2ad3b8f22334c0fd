/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk-seq.h: copying a directory and everything below it, one entry after
 * another, to any depth the file systems hold.
 */
#ifndef ZCP_WALK_SEQ_H
#define ZCP_WALK_SEQ_H

#include <sys/stat.h>

#include "walk.h"

/*
 * Copies the directory src (stat'ed as sst) and its contents to dst,
 * reporting each file to w->rep.  up holds the source directories above
 * src (NULL: src is an operand).  The depth of the tree costs heap, not
 * C stack, and at most w->max_open levels keep their descriptors: deeper
 * ones are reopened through "..", checked by device and inode.
 */
void	 walk_seq_copy(struct walk *, struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *,
	    const struct walk_anc *);

#endif
