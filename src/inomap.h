/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inomap.h: a hash map keyed by (device, inode), the one under every
 * table of files and directories met in a run (alias.c, created.c,
 * links.c, inoset.c, and walk-seq.c's directories it is inside of).
 *
 * The map is intrusive: the caller's entry holds a struct inomap_node,
 * and the map only links nodes into its chains, so adding never
 * allocates anything but the table itself, and never fails: when the
 * table cannot grow for want of memory, its chains get longer, and
 * lookups slower but still right.  Entries are allocated (and a failed
 * allocation reported, ENOMEM) by the caller, which also locks: the
 * map is not safe to share between threads by itself.  A map all of
 * zeroes is empty (`struct inomap m = { 0 };`); two or more nodes may
 * have one key.
 */
#ifndef ZCP_INOMAP_H
#define ZCP_INOMAP_H

#include <stddef.h>
#include <sys/types.h>

struct inomap_node {
	struct inomap_node *next;	/* in its chain (the map's) */
	dev_t		 dev;		/* the key */
	ino_t		 ino;
};

struct inomap {
	struct inomap_node **slot;	/* nslot chains; NULL: one, in one */
	struct inomap_node *one;
	size_t		 nslot;		/* a power of two, or 0 */
	size_t		 count;		/* nodes in the map */
};

/* The entry of type type whose member member is the node n. */
#define INOMAP_ENTRY(n, type, member) \
	((type *)(void *)((char *)(n) - offsetof(type, member)))

/* Adds the node n under (dev, ino).  Never fails. */
void	 inomap_add(struct inomap *, struct inomap_node *n, dev_t, ino_t);

/* A node under (dev, ino), the last added first; NULL if none. */
struct inomap_node *inomap_find(const struct inomap *, dev_t, ino_t);

/* The next node under n's key after n (inomap_find's order), or NULL. */
struct inomap_node *inomap_find_next(const struct inomap_node *n);

/* Takes the node n, which is in the map, out of it. */
void	 inomap_remove(struct inomap *, struct inomap_node *n);

/*
 * Empties the map: calls drop (if not NULL) once for each node, in no
 * particular order, and frees the table.  The map is all zeroes after.
 */
void	 inomap_free(struct inomap *, void (*drop)(struct inomap_node *));

#endif
