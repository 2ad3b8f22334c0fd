/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk-seq.h: the sequential driver of a walk (walk.h): a directory and
 * everything below it, one entry after another in cp's order, to any
 * depth the file systems hold.
 */
#ifndef ZCP_WALK_SEQ_H
#define ZCP_WALK_SEQ_H

#include <sys/stat.h>

#include "file.h"
#include "walk.h"

/*
 * Copies the directory src (stat'ed as sst) and its contents to dst,
 * its files with fc, reporting each one to the run.  up holds the source
 * directories above src (NULL: src is an operand).  The depth of the
 * tree costs heap, not C stack, and at most the run's max_open levels
 * keep their descriptors: deeper ones are reopened through "..",
 * checked by device and inode.
 */
void	 walk_seq_copy(struct walk *, struct file_ctx *,
	    const struct file_ref *, const struct stat *,
	    const struct file_ref *, const struct walk_anc *);

#endif
