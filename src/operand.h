/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * operand.h: one command-line operand and what its copy made, for GNU
 * cp's "into itself" rules: the first directory the operand made (cp
 * refuses to copy that one, met again as its source), every directory
 * it made (the threads stop at any), and whether it stopped there.
 * operands.c makes one for each operand; the walks read and fill it.
 */
#ifndef ZCP_OPERAND_H
#define ZCP_OPERAND_H

#include <stdbool.h>
#include <sys/stat.h>

#include "path.h"
#include "record.h"

struct inoset;

struct operand {
	/* Its source and destination as named, for "into itself". */
	const struct path *top_src, *top_dst;
	dev_t		 top_fs;	/* -x: its source's file system */
	bool		 sequential;	/* walked by one thread */
	/*
	 * Its copy lands outside its source (no copy into itself): a walk
	 * may make a new directory's subdirectories before their turn
	 * (walk.h, walk_premake()).
	 */
	bool		 apart;
	/*
	 * --parents made a directory: the copy's directory is new.  Kept
	 * from one operand to the next, as in cp 9.1: an operand with no
	 * directory of its own goes by what the last one left.
	 */
	bool		 parents_made;
	/* The first directory it made, and that directory's entry (its
	 * directory and name: made_base NULL if not known). */
	bool		 made;
	dev_t		 made_dev;
	ino_t		 made_ino;
	dev_t		 made_pdev;
	ino_t		 made_pino;
	char		*made_base;
	/*
	 * Every directory it made.  The parallel walk stops at any of them
	 * (threads have no order in which "the first" means what it means
	 * to cp); the sequential one at one that would hold its own copy
	 * (where cp never ends: it goes on until names or descriptors run
	 * out).  NULL if it could not be had.
	 */
	struct inoset	*made_dirs;
	int		 into_self;	/* found copied into itself (atomic) */
};

/*
 * Starts the operand src, copied to dst (both kept, not copied): what
 * the last one made is forgotten; parents_made stays.
 */
void	 operand_begin(struct operand *, const struct path *,
	    const struct path *);
/* Frees what the operand holds (not the operand itself). */
void	 operand_end(struct operand *);
/*
 * The operand made the directory dst, whose stat is st: recorded among
 * those it made, and if first, as the first one.  Returns 0, or ENOMEM
 * (it could not be recorded).
 */
int	 operand_made(struct operand *, const struct file_ref *,
	    const struct stat *, bool);
/*
 * --dry-run: the operand would make the directory dst first (not made:
 * known by its entry, made_base in made_pdev and made_pino, alone).
 */
void	 operand_made_dry(struct operand *, const struct file_ref *);
/*
 * True if the source directory cs (stat'ed as st), to be copied into cd,
 * is a copy this operand made, which cp would copy into itself.
 */
bool	 operand_into_self(const struct operand *, const struct file_ref *,
	    const struct stat *, const struct file_ref *);
/*
 * The operand is found copied into itself: true the first time (the
 * caller says it, once), false after.
 */
bool	 operand_stop(struct operand *);
/* True once the operand was found to be copied into itself. */
bool	 operand_stopped(struct operand *);
/*
 * True if the directory dirfd/name is st or lies below it (through ".."
 * up to the root); doubt if that cannot be told (a directory that cannot
 * be opened or stat'ed, or more than 4096 levels).
 */
bool	 operand_within(int, const char *, const struct stat *, bool);

#endif
