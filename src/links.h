/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.h: hard links inside the copied set (--preserve=links), found by
 * device and inode.  Safe to share between threads.
 */
#ifndef ZCP_LINKS_H
#define ZCP_LINKS_H

#include <stdbool.h>
#include <sys/types.h>

struct links;

/* Returns an empty table, or NULL (errno ENOMEM). */
struct links	*links_new(void);
void		 links_free(struct links *);
/*
 * If (dev, ino) was copied, sets *found to the destination path of that
 * copy (malloc'd), after waiting for it if another thread is still
 * making it, and returns 1.  Otherwise records path for it and returns
 * 0: the caller makes the first copy and must then call links_done().
 * Returns -1 (errno ENOMEM) if the name could be neither found nor
 * recorded: a copy of its own would break the link, so it fails (and
 * the parallel walk copies it again at the end).
 */
int		 links_find_or_add(struct links *, dev_t, ino_t, const char *,
		    char **);
/* The first copy of (dev, ino) exists (ok) or failed (forgotten). */
void		 links_done(struct links *, dev_t, ino_t, bool);

#endif
