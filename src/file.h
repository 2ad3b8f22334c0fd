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
#include "links.h"
#include "options.h"
#include "path.h"
#include "record.h"

/* What one thread needs to copy files: options and scratch space. */
struct file_ctx {
	const struct options *opts;
	struct links	*links;		/* --preserve=links table, shared */
	struct engine_buf buf;		/* rw engine buffer, reused */
	uint64_t	*progress;	/* bytes done, for progress.c */
	/* Engines that failed as unsupported between these filesystems. */
	dev_t		 skip_src, skip_dst;
	struct engine_skip skip;
};

/*
 * Copies the non-directory src (whose stat is sst) to dst.  Fills rec.
 * Returns 0 if copied or skipped, -1 if it failed (rec->msg says why).
 */
int	 file_copy(struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *, struct file_record *);

/* Where file_metadata() sets attributes: fd, or dirfd/name (no follow). */
struct file_target {
	int		 fd;		/* open destination, or -1 */
	int		 dirfd;
	const char	*name;
	const struct path *src_path;	/* source, for path-based xattrs */
	int		 src_fd;	/* open source, or -1 */
	bool		 created;	/* we made it (its mode may need fixing) */
};

/*
 * The permissions a new copy of a file of mode m gets before the umask:
 * the source's, or the defaults under --no-preserve=mode.
 */
mode_t	 file_base_mode(const struct options *, mode_t);

/*
 * Sets the preserved attributes (times, owner, xattrs, mode and ACLs, as
 * the options say) of t from sst.  Returns 0, or -1 with rec filled.
 */
int	 file_metadata(const struct options *, const struct file_target *,
	    const struct stat *, struct file_record *);

#endif
