/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inoset.h: a set of (device, inode) pairs that threads share: the
 * directories a parallel copy of one operand made, so that none of them
 * is copied again as part of its own source (a copy into itself reached
 * through a followed symbolic link or a bind mount).
 */
#ifndef ZCP_INOSET_H
#define ZCP_INOSET_H

#include <stdbool.h>
#include <sys/types.h>

struct inoset;

/* Returns an empty set, or NULL (errno ENOMEM). */
struct inoset	*inoset_new(void);
void		 inoset_free(struct inoset *);
/* Adds (dev, ino).  Returns 0, or -1 with errno ENOMEM. */
int		 inoset_add(struct inoset *, dev_t, ino_t);
/* True if (dev, ino) was added. */
bool		 inoset_has(struct inoset *, dev_t, ino_t);

#endif
