/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * xattr.h: copying extended attributes, and POSIX ACLs through them.
 */
#ifndef ZCP_XATTR_H
#define ZCP_XATTR_H

#include <stdbool.h>

/* Which attributes to copy. */
enum xattr_set {
	XATTR_PLAIN,		/* everything but ACLs (--preserve=xattr) */
	XATTR_ACL		/* only the ACLs (--preserve=mode) */
};

/* One end: an fd, or (fd == -1) a path whose link is not followed. */
struct xattr_end {
	int		 fd;
	const char	*path;
};

/*
 * Copies the attributes of set from src to dst.  Returns 0, or -1 with
 * errno and *what set to "getting" or "setting" to say which side failed.
 */
int	 xattr_copy(const struct xattr_end *, const struct xattr_end *,
	    enum xattr_set, const char **);

#endif
