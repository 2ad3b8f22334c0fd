/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.h: the state of a run and the pieces of a directory copy that the
 * sequential walk (walk-seq.c) and the parallel one (pool.c) share.  operands.c
 * sets the state up; the data flows walk -> pool -> tree -> dir -> file.
 */
#ifndef ZCP_WALK_H
#define ZCP_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "created.h"
#include "file.h"
#include "inoset.h"
#include "options.h"
#include "report.h"

/* A source directory above the one being copied: to find cycles. */
struct walk_anc {
	const struct walk_anc *up;
	dev_t		 dev;
	ino_t		 ino;
};

struct walk {
	const struct options *opts;
	struct report	*rep;
	struct file_ctx	 fctx;		/* the main thread's */
	int		 failed;	/* set (atomically) on any failure */
	dev_t		 top_fs;	/* -x: the operand's filesystem */
	/* What the descriptor limit allows (operands.c's budget). */
	unsigned	 jobs;		/* threads for a tree (-j, or fewer) */
	unsigned	 max_open;	/* sequential levels a thread keeps
					   (0: none, by path: walk-seq.c) */
	unsigned	 pool_depth;	/* levels the parallel walk keeps */
	/* The first directory created for the current operand, to refuse
	 * copying a directory into itself. */
	dev_t		 made_dev;
	ino_t		 made_ino;
	bool		 made;
	/* Its entry: its directory and name (NULL if not known). */
	dev_t		 made_pdev;
	ino_t		 made_pino;
	char		*made_base;
	/*
	 * Every directory the operand made.  The parallel walk stops at
	 * any of them (threads have no order in which "the first" means
	 * what it means to cp); the sequential one at one that would hold
	 * its own copy (where cp never ends: it goes on until names or
	 * descriptors run out).
	 */
	struct inoset	*made_dirs;
	bool		 sequential;	/* this operand is walked by one thread */
	bool		 parents_made;	/* --parents made a directory */
	/* The operand being copied, for that message; set when it is found
	 * (cp stops copying the operand then). */
	const struct path *top_src, *top_dst;
	int		 into_self;
	/* With two or more operands into a directory, as cp: the sources
	 * named, the directories copied (fctx.made: what was made). */
	struct created	*sources, *dirs;
	/*
	 * The parallel walk's (NULL otherwise): takes back an entry that
	 * failed for want of memory or descriptors (a file, whose leftovers
	 * are gone, or a directory not made yet), with the directories
	 * above it, to copy it again at the end with one thread.  True if
	 * taken: nothing is reported then.
	 */
	bool		(*again)(struct walk *, const struct file_ref *,
			    const struct stat *, const struct file_ref *,
			    const struct walk_anc *);
	void		*again_arg;
};


/* True if err says memory or descriptors ran out (ENOMEM, EMFILE, ENFILE). */
bool	 walk_short(int);
/* Reports rec (and remembers a failure), then frees what it holds. */
void	 walk_report(struct walk *, struct file_record *);
/* Reports a skip with a warning: fmt takes the quoted arg. */
void	 walk_skip(struct walk *, const struct file_ref *,
	    const struct file_ref *, enum file_kind, const char *,
	    const struct path *);
/* Reports a failure of a kind: fmt takes the quoted arg1 and arg2. */
void	 walk_fail(struct walk *, const struct file_ref *,
	    const struct file_ref *, enum file_kind, int, const char *,
	    const struct path *, const struct path *);
/*
 * The mode a new directory gets while its contents are copied (no group
 * or other write, nor any of their bits while the owner is not set).
 */
mode_t	 walk_filling_mode(const struct options *, mode_t);
/*
 * Creates or reuses dst for the directory src, whose ancestors are anc.
 * Returns its fd, or -1: reported, or (short of memory or descriptors,
 * nothing made) handed back to w->again.  *created and *dev (its
 * device, 0 if unknown) are set.
 */
int	 walk_mkdir(struct walk *, const struct file_ref *, const struct stat *,
	    const struct file_ref *, const struct walk_anc *, bool *, dev_t *);
/* Gives a new directory its final mode want (an inherited S_ISGID stays). */
void	 walk_final_mode(int, mode_t, struct file_record *);
/* Sets a directory's metadata once its contents are in. */
void	 walk_done(struct walk *, int, int, const struct stat *, bool,
	    struct file_record *);
/* True once the operand was found to be copied into itself. */
bool	 walk_stopped(struct walk *);
/*
 * True if the directory dirfd/name is st or lies below it (through ".."
 * up to the root); doubt if that cannot be told (a directory that cannot
 * be opened or stat'ed, or more than 4096 levels).
 */
bool	 walk_within(int, const char *, const struct stat *, bool);
/* Stats a directory entry; -1 if it was reported (error, into itself). */
int	 walk_stat_entry(struct walk *, const struct file_ref *, struct stat *,
	    const struct file_ref *);
/* True (and reported) if sst is one of the directories up. */
bool	 walk_cyclic(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *,
	    const struct walk_anc *);
/* The directory's record: the -v line now if created; closes, reports. */
void	 walk_open_record(struct walk *, const struct file_ref *,
	    const struct file_ref *, bool, struct file_record *);
void	 walk_close_record(struct walk *, int, struct file_record *);
/*
 * Copies one non-directory and reports it.  Returns true if a file of
 * its own was made at dst (not skipped, failed, or a hard link to an
 * earlier copy).
 */
bool	 walk_file(struct walk *, struct file_ctx *,
	    const struct file_ref *, const struct stat *,
	    const struct file_ref *);

#endif
