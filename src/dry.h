/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dry.h: the world a --dry-run imagines.  Nothing is written, so what the
 * run would have done to a destination that is there must be remembered
 * where a later file of the run would see it: a name of a file with other
 * names removed (cp -a removes a destination with other names before
 * copying over it, and the next name then has one link less), the data
 * of such a file written (its other names then have a new modification
 * time, for -u), and the files that earlier operands would have made
 * (GNU cp's "will not overwrite just-created", and what an operand
 * finds of an earlier one's copy).  Shared by the threads.
 */
#ifndef ZCP_DRY_H
#define ZCP_DRY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

struct dry;

/* The device of what dry_made() keeps: none. */
#define DRY_DEV		((dev_t)-1)

/* A new, empty world, or NULL (ENOMEM). */
struct dry	*dry_new(void);
void		 dry_free(struct dry *);
/* A name of the file st would be removed (or replaced by another file). */
void		 dry_unlinked(struct dry *, const struct stat *);
/* The data of the file st would be written, its modification time mt. */
void		 dry_written(struct dry *, const struct stat *,
		    const struct timespec *);
/*
 * The destination path (as shown) would be made, a copy of st: if own, a
 * new file, and st gets the device and inode it is known by (DRY_DEV,
 * and a number of its own); else a new name of st (-l).
 */
void		 dry_made(struct dry *, const char *, struct stat *, bool);
/*
 * st, the stat of a destination that is there, as the run would have
 * left it: links removed and the modification time of what it wrote.
 */
void		 dry_adjust(struct dry *, struct stat *);
/*
 * True if the run would have made path already: *st is then what would
 * be there (as dry_made() left it).
 */
bool		 dry_find(struct dry *, const char *, struct stat *);

#endif
