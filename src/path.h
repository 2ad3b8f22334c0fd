/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * path.h: the names of files in a walk, kept as a chain of components and
 * turned into a string only when one is shown.  Holding every level's
 * full path would cost memory quadratic in the depth of a tree.  As in
 * cp, "a//" names its child "a/b".
 */
#ifndef ZCP_PATH_H
#define ZCP_PATH_H

#include <stddef.h>

struct path {
	const struct path *up;		/* NULL: name is a whole operand */
	const char	*name;
	size_t		 len;		/* length of the whole path */
	size_t		 tlen;		/* the same without trailing slashes */
};

/* Makes p the path of name inside up (NULL up: name is the path). */
void		 path_init(struct path *, const struct path *, const char *);
/*
 * Returns p as a string, in a ring of buffers of this thread: it stays
 * valid until 7 more calls in the same thread.  Out of memory, a path
 * shorter than PATH_MAX comes in one of two buffers kept for that (valid
 * until 2 more such calls); a longer one as its last component alone.
 */
const char	*path_str(const struct path *);
/* Returns p as a malloc'd string, or NULL (ENOMEM). */
char		*path_dup(const struct path *);
/* Frees this thread's buffers (call before a thread ends). */
void		 path_thread_free(void);

#endif
