/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * meta.h: setting the preserved attributes of a copy (meta.c).
 */
#ifndef ZCP_META_H
#define ZCP_META_H

#include <stdbool.h>
#include <sys/stat.h>

#include "options.h"
#include "path.h"
#include "record.h"

/* Where meta_set() sets attributes: fd, or dirfd/name (no follow). */
struct meta_target {
	int		 fd;		/* open destination, or -1 */
	int		 dirfd;
	const char	*name;
	const struct path *src_path;	/* source, for path-based xattrs */
	int		 src_fd;	/* open source, or -1 */
	bool		 created;	/* we made it (its mode may need fixing) */
	bool		 owner_by_name;	/* chown dirfd/name, not fd (lchown) */
};

/*
 * The permissions a new copy of a file of mode m gets before the umask:
 * the source's, or the defaults under --no-preserve=mode.
 */
mode_t	 meta_base_mode(const struct options *, mode_t);

/*
 * Sets the preserved attributes (times, owner, xattrs, mode and ACLs, as
 * the options say) of t from sst.  Returns 0, or -1 with rec filled.
 */
int	 meta_set(const struct options *, const struct meta_target *,
	    const struct stat *, struct file_record *);

#endif
