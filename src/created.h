/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * created.h: sets of directory entries this run has met, each under a
 * (device, inode) key, as GNU cp keeps them when two or more operands go
 * into one directory: the sources named (to warn of one given twice),
 * the destinations made (never to overwrite one, or write through a
 * symbolic link made, earlier in the same run), the directories copied.
 * An entry is its parent directory's (device, inode) and its last
 * component, so "a", "./a" and "d/../a" are one entry.  Used by the main
 * thread only (operands are walked one after another).
 */
#ifndef ZCP_CREATED_H
#define ZCP_CREATED_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct created;

/* Returns an empty set, or NULL (errno ENOMEM). */
struct created	*created_new(void);
void		 created_free(struct created *);

/*
 * Adds the entry dirfd/name (a symbolic link there is not followed) under
 * (dev, ino).  Returns 0, or -1 with errno (ENOMEM, or what stat(2) of
 * its directory said).
 */
int		 created_add(struct created *, dev_t, ino_t, int,
		    const char *);

/* As created_add(), with a label kept for created_label(). */
int		 created_add_label(struct created *, dev_t, ino_t, int,
		    const char *, const char *);

/*
 * Removes the entry dirfd/name added under (dev, ino), if there is one, as
 * cp's forget_created() when the copy that added it failed.
 */
void		 created_forget(struct created *, dev_t, ino_t, int,
		    const char *);

/* The label of an entry added under (dev, ino), or NULL. */
const char	*created_label(const struct created *, dev_t, ino_t);

/*
 * The entry of dirfd/name: the last component (its length in *len, no
 * trailing slashes) and its directory's device and inode (not followed
 * if it is a symbolic link, as gnulib's same_name).  0 or -1.
 */
int		 created_entry(int, const char *, const char **, size_t *,
		    struct stat *);

/*
 * Returns 1 if dirfd/name was added under (dev, ino), 0 if not; *other (if
 * not NULL) says whether (dev, ino) was added under another entry.  A NULL
 * set holds nothing.
 */
int		 created_find(const struct created *, dev_t, ino_t, int,
		    const char *, bool *);

#endif
