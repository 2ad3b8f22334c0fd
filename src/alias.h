/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alias.h: the parallel walk's writes into one file through two or more
 * destination names (symbolic links followed, hard links), in cp's order.
 *
 * cp copies a tree one entry after another, each directory's entries in
 * inode order, so when two destinations are one file (links to a file
 * outside the destination, say) the source cp reaches last is what that
 * file holds in the end.  The threads reach them in any order, and two
 * writes at once would mix both sources.  So such writes take one lock,
 * one after another, and a write that cp would have made before one
 * already done is left out: the file ends as with cp, whole.  Writes into
 * different files go on at once.
 */
#ifndef ZCP_ALIAS_H
#define ZCP_ALIAS_H

#include <stdbool.h>
#include <sys/types.h>

struct alias_order;
struct alias_file;

/*
 * For the operand whose source path is top (the start of every source
 * path under it).  Returns NULL with errno ENOMEM.
 */
struct alias_order *alias_new(const char *top);
void	 alias_free(struct alias_order *);

/*
 * Before the source src is written into the file (dev, ino) that other
 * destination names may share (after any write into it in progress):
 * 1 if it is to be written, with *f set for alias_end(), 0 if a source
 * cp copies later was written there already (nothing to do).
 */
int	 alias_begin(struct alias_order *, const char *src,
	    struct alias_file **f, dev_t, ino_t);

/* After the write alias_begin() allowed: ok says whether it was made. */
void	 alias_end(struct alias_order *, struct alias_file *f, bool ok);

#endif
