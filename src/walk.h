/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.h: one walk of a tree, as fts(3) has it: each entry, in the order
 * its driver takes them, is stat'ed and made a copy job (walk_job(),
 * walk_stat()); a directory has a pre-order step, walk_enter() (its copy
 * made, its record and -v line), and a post-order one once its contents
 * are in, walk_attrs() and walk_close() (its attributes, its record).  A
 * non-directory's job goes to an executor (exec.h).  Two drivers take the
 * entries: the sequential walk (walk-seq.c), in cp's order, and the
 * parallel one (pool.c), on threads.
 */
#ifndef ZCP_WALK_H
#define ZCP_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "job.h"
#include "operand.h"
#include "options.h"
#include "record.h"
#include "run.h"

/* A source directory above the one being copied: to find cycles. */
struct walk_anc {
	const struct walk_anc *up;
	dev_t		 dev;
	ino_t		 ino;
};

/*
 * What the parallel walk (pool.c) answers for the walks it drives (a
 * deep subtree's sequential walk too) and for the executor of their
 * jobs.  A walk without one (NULL) runs each entry as it comes.
 */
struct walk_driver {
	/* Keeps a job for the end instead of its running now: true if kept. */
	bool		(*later)(void *, const struct copy_job *);
	/*
	 * Takes back an entry that failed for want of memory or descriptors
	 * (a file, whose leftovers are gone, or a directory not made yet),
	 * with the directories above it, to copy it again at the end with
	 * one thread.  True if taken: nothing is reported then.
	 */
	bool		(*again)(void *, const struct file_ref *,
			    const struct stat *, const struct file_ref *,
			    const struct walk_anc *);
	void		*arg;
	struct alias_order *aliases;	/* for the jobs: see job.h */
};

/* A walk of one operand's tree. */
struct walk {
	struct run	*run;
	struct operand	*op;
	const struct walk_driver *drv;	/* NULL: none (see above) */
};

/* A directory of a walk, from walk_enter() to walk_close(). */
struct walk_dir {
	struct walk_anc	 anc;		/* its source, and those above */
	struct stat	 sst;		/* its source's stat */
	struct path	 sp, dp;	/* its source's and its copy's paths */
	struct file_ref	 src, dst;	/* as met; their paths are sp, dp */
	int		 dfd;		/* its copy, open after walk_enter() */
	dev_t		 ddev;		/* the copy's device (0: not known) */
	bool		 created;	/* the copy is new */
	bool		 dry;		/* --dry-run: it would be made (it is
					   not there: dfd is -1, and what is
					   below it is new) */
	bool		 premade;	/* made ahead (walk_premake()) */
	struct file_record rec;		/* its own record */
};

/*
 * The mode a new directory gets while its contents are copied (no group
 * or other write, nor any of their bits while the owner is not set).
 */
mode_t	 walk_filling_mode(const struct options *, mode_t);
/* Gives a new directory its final mode want (an inherited S_ISGID stays). */
void	 walk_final_mode(int, mode_t, struct file_record *);

/*
 * Makes job the entry name of the directory d, whose source is open as
 * sfd; its stat is for walk_stat() (or the caller) to fill.
 */
void	 walk_job(const struct walk *, struct copy_job *, int,
	    const struct walk_dir *, const char *);
/*
 * Makes job the source path src, copied to the path dst, both from the
 * current directory (an operand, or an entry met again by name), with
 * st as its stat if not NULL.
 */
void	 walk_job_path(const struct walk *, struct copy_job *, const char *,
	    const char *, const struct stat *);
/*
 * Stats the job's source into job->st, and applies --exclude and
 * --include to it.  Returns 0, or -1 if it was reported: an error, an
 * entry left out (counted, and said by --debug), or a directory that is
 * the operand's own copy (the operand stops there, operand.h).
 */
int	 walk_stat(struct walk *, struct copy_job *);
/*
 * --dry-run: the first directory the operand would make, not made, is
 * not met by the walk as an entry of the directory d (whose source is
 * open as sfd, or -1), where the real run meets it after the others,
 * when d is done (made last, it has the highest inode number on most
 * file systems), and stops (walk_stat()).  True if it would: said as
 * walk_stat() says it, and the operand stopped.
 */
bool	 walk_dry_self(struct walk *, const struct walk_dir *, int);
/* True (and reported) if sst is one of the directories up. */
bool	 walk_cyclic(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *,
	    const struct walk_anc *);

/*
 * Sets d up for the directory src (stat'ed as sst) whose copy is dst,
 * below up as name (up NULL: the walk's first, whose paths are src's and
 * dst's), the directories above being above.
 */
void	 walk_dir_init(struct walk_dir *, const struct walk_dir *,
	    const char *, const struct file_ref *, const struct stat *,
	    const struct file_ref *, const struct walk_anc *);
/*
 * The pre-order step: creates or reuses the copy of d, and opens it
 * (d->dfd; d->created, d->ddev), starts its record (with the -v line if
 * created).  Returns 0, or -1: reported, or (short of memory or
 * descriptors, nothing made) handed back to the driver's again.
 */
int	 walk_enter(struct walk *, struct walk_dir *);
/*
 * Making a new directory's subdirectories ahead, before its files: on
 * ext4 without a journal, files then do not all queue in the block
 * groups where a tree was just deleted (bench/RESULTS.md, "Creating
 * after a delete").  walk_premake_ok() says whether the walk may do so
 * in d: d is new (nothing of the destination's rules can apply in it),
 * the only operand's copy lands outside its source, and links are not
 * followed below it.  walk_premake() makes the copy of d's subdirectory
 * name (its source stat'ed as st) with the mode walk_enter() would
 * give it, and returns true if it did; what fails is left for
 * walk_enter(), which says why in its turn.  The walk marks the
 * subdirectory's walk_dir premade, so that walk_enter() takes it as its
 * own new copy, or removes it with walk_unmake() where it is not
 * entered after all.
 */
bool	 walk_premake_ok(const struct walk *, const struct walk_dir *);
bool	 walk_premake(const struct walk *, const struct walk_dir *,
	    const char *, const struct stat *);
void	 walk_unmake(const struct walk_dir *, const char *);

/*
 * The post-order step, once d's contents are in: walk_attrs() sets the
 * copy's attributes (sfd: the source, or -1), walk_close() closes it and
 * reports its record if that failed.
 */
void	 walk_attrs(struct walk *, struct walk_dir *, int);
void	 walk_close(struct walk *, struct walk_dir *);

#endif
