/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dest.h: an existing destination.  Whether it may be replaced (same
 * file, directory, -n, -u, -i), its backup (-b), its removal.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "file.h"

/* How the caller will create the destination. */
enum dest_how {
	DEST_WRITE,		/* open and write: follows a symlink at dst */
	DEST_REPLACE,		/* unlink, then create (links, specials) */
	DEST_LINK		/* -l, -s: create; an existing one is an
				   error unless -f (then: unlink, retry) */
};

/*
 * Looks at dst before src (stat'ed as sst) is copied to it.  Returns 1 to
 * go on, with *exists telling whether a destination is still there (and
 * *dst_st its stat), 0 to skip it (rec->status is FILE_SKIPPED), -1 on
 * failure (rec filled).
 */
int	 dest_prepare(struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *, enum dest_how,
	    bool *, struct stat *, struct file_record *);

/*
 * Makes the link at dst with make(arg, dst), and under -f, if a file is in
 * the way, unlinks it and tries once more.  Returns 0, -1 with errno from
 * make, or -2 if the unlink failed (rec filled).
 */
int	 dest_link(const struct options *, const struct file_ref *,
	    struct file_record *, int (*)(const void *,
	    const struct file_ref *), const void *);

/* Unlinks dst.  Returns 0, or -1 with rec filled. */
int	 dest_remove(const struct file_ref *, struct file_record *);

#endif
