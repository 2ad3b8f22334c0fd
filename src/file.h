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

#include "alias.h"
#include "created.h"
#include "engine.h"
#include "links.h"
#include "options.h"
#include "path.h"
#include "record.h"

/* What one thread needs to copy files: options and scratch space. */
struct file_ctx {
	const struct options *opts;
	struct links	*links;		/* --preserve=links (and -u) table, shared */
	struct created	*made;		/* what earlier operands made, or NULL */
	struct engine_buf buf;		/* rw engine buffer, reused */
	uint64_t	*progress;	/* bytes done, for progress.c */
	uint64_t	*kept;		/* bytes --resume kept, for progress.c */
	unsigned	*verifying;	/* files being verified, for progress.c */
	/* Engines that failed as unsupported between these filesystems. */
	dev_t		 skip_src, skip_dst;
	struct engine_skip skip;
	/* The parallel walk's writes into shared files (NULL: in order). */
	struct alias_order *aliases;
	/* The parallel walk's: keeps a file for the end instead (true). */
	bool		(*later)(void *, const struct file_ref *,
			    const struct stat *, const struct file_ref *);
	void		*later_arg;
};

/*
 * Copies the non-directory src (whose stat is sst) to dst.  Fills rec.
 * Returns 0 if copied or skipped, -1 if it failed (rec->msg says why).
 */
int	 file_copy(struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *, struct file_record *);

#endif
