/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * atomic.h: --atomic, each regular file made where no one sees it, then
 * put at its name in one step (atomic.c).
 */
#ifndef ZCP_ATOMIC_H
#define ZCP_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "dest.h"
#include "options.h"
#include "record.h"

/* The file being made for one destination. */
struct atomic_file {
	int		 fd;		/* open to read and write, or -1 */
	int		 dirfd;		/* the destination's */
	const char	*name;		/* the destination's name */
	char		*tmp;		/* its temporary name (in the same
					   directory), NULL while unnamed */
	bool		 replace;	/* a file is at name: rename over it */
	bool		 partial;	/* --resume's partial file: kept
					   when the copy stops midway */
	uint64_t	 size;		/* partial: its size when opened */
	mode_t		 mode;		/* the mode a new file gets */
	int		 slot;		/* in the signal handler's list, -1 */
	int		 hold;		/* keeps the temporary name's lock
					   until the rename, or -1 */
	bool		 dir_later;	/* --fsync on a tree: the directory
					   is flushed at the end, with its
					   file system (durable.h) */
};

/*
 * Opens the file that becomes dst (as dest_check() left it in ds): an
 * unnamed file in dst's directory (O_TMPFILE), or where the file system
 * refuses one, a new file under a hidden temporary name; with --resume,
 * the partial file a former run left, if it is one zcp would have left
 * for this user (a->size says how long it is), or a new one, under the
 * name the manual gives (or, where another file holds that name, a file
 * as without --resume: rec->resume says why).  mode: its permissions
 * while it is made.  Returns the fd (also in a->fd), or -1 (rec filled).
 */
int	 atomic_open(const struct options *, const struct file_ref *,
	    const struct dest_state *, mode_t, struct atomic_file *,
	    struct file_record *);

/*
 * The old destination's owner and permissions for the new file, when
 * the options do not take them from the source (cp keeps an existing
 * file's, since it writes into it, less the set-ID bits that the write
 * clears); where there was none, --resume's partial file gets the
 * permissions a new file gets (meta_set() then sets those the options
 * ask for).  Returns 0, or -1 (rec filled, errno of the fchmod).
 */
int	 atomic_inherit(const struct options *, const struct atomic_file *,
	    const struct dest_state *, struct file_record *);

/*
 * Puts the finished file at dst's name: linked there if nothing was, else
 * renamed over the old file; then, with --fsync, flushes the directory
 * (unless a->dir_later).
 * Closes a->fd.  Returns 0, or -1 (rec filled) with the temporary file
 * removed and the destination as it was.
 */
int	 atomic_commit(const struct options *, struct atomic_file *,
	    const struct file_ref *, struct file_record *);

/*
 * Gives up the file: closes it and removes it, except --resume's partial
 * file when keep is set and it holds data (rec->partial then names it).
 */
void	 atomic_discard(struct atomic_file *, bool, const struct file_ref *,
	    struct file_record *);

/*
 * With --atomic, catches SIGINT, SIGTERM and SIGHUP (unless ignored) to
 * remove the temporary names in use, then ends the process as the
 * signal's former action would.  Call once, before copying.
 */
void	 atomic_setup(const struct options *);

/* The name of --resume's partial file for name, malloc'd, or NULL. */
char	*atomic_partial_name(const char *);

#endif
