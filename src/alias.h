/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alias.h: the parallel walk's writes into one file through two or more
 * destination names (symbolic links followed, hard links), in cp's order.
 *
 * cp copies a tree one entry after another, each directory's entries in
 * inode order, so when two destinations are one file (links to a file
 * outside the destination, say) the source cp reaches last is what that
 * file holds in the end, with what the earlier ones alone left (a set-ID
 * bit, extended attributes).  The threads reach them in any order, and
 * two writes at once would mix both sources.  So writes into one file
 * wait for each other, and a write that cp makes before one already done
 * is followed by that one again: the file ends as with cp.  Writes into
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
 * destination names may share (waits for any write into it in progress):
 * sets *f for alias_end(), and *again to the source (malloc'd) to write
 * there once more after src, if cp copies it after src and it was
 * written already (else NULL).
 */
void	 alias_begin(struct alias_order *, const char *src,
	    struct alias_file **f, char **again, dev_t, ino_t);

/*
 * The place of the source path src in cp's walk of the operand top: the
 * inode numbers of its components below top (lstat(2)), malloc'd, *n of
 * them; NULL if it cannot be told.
 */
ino_t	*alias_place(const char *top, const char *src, size_t *n);

/* < 0, 0, > 0 as cp's walk reaches place a before, with or after b. */
int	 alias_cmp(const ino_t *a, size_t na, const ino_t *b, size_t nb);

/* After the write (and the one again): ok says whether src's was made. */
void	 alias_end(struct alias_order *, struct alias_file *f, bool ok);

#endif
