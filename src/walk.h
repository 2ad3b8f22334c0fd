/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.h: the operands (SOURCE... DEST, -t, -T) and the walk of source
 * trees.  The data path is not here: files go to file.c.
 */
#ifndef ZCP_WALK_H
#define ZCP_WALK_H

#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "file.h"
#include "options.h"
#include "report.h"

/*
 * Copies the operands argv[0..argc) as the options say, reporting each
 * file to rep.  Returns 0 if everything was copied, 1 otherwise.  Exits
 * with cp's message on bad operands, before copying anything.
 */
int	 walk_run(const struct options *, struct report *, int, char **);

/*
 * For pool.c, the parallel walk: the state of a run and the pieces of the
 * directory copy that both walks share.
 */
/* A source directory being copied, and its parent's: to find cycles. */
struct walk_level {
	struct walk_level *up;
	dev_t		 dev;		/* the source directory */
	ino_t		 ino;
	/*
	 * The sequential walk's descriptors for this level.  A deep walk
	 * closes them while a child is copied (detached) and reopens them
	 * from the child's "..", checking the device and inode, so the
	 * descriptors in use do not grow with the depth.  d is NULL on
	 * levels that must stay open (the parallel walk's).
	 */
	DIR		*d;
	int		 dfd;
	dev_t		 ddev;		/* the destination directory */
	ino_t		 dino;
	long		 pos;		/* telldir(d) while detached */
	bool		 detached;
	bool		 lost;		/* could not be reopened */
};

struct walk {
	const struct options *opts;
	struct report	*rep;
	struct file_ctx	 fctx;
	int		 failed;		/* set (atomically) on any failure */
	dev_t		 top_fs;	/* -x: the operand's filesystem */
	unsigned	 max_open;	/* open levels a thread may hold */
	/* The first directory created for the current operand, to refuse
	 * copying a directory into itself. */
	dev_t		 made_dev;
	ino_t		 made_ino;
	bool		 made;
	/* The operand being copied, for that message; set when it is found
	 * (cp stops copying the operand then). */
	const struct path *top_src, *top_dst;
	int		 into_self;
	/* With two or more operands into a directory, as cp: the sources
	 * named, the directories copied (fctx.made: what was made). */
	struct created	*sources, *dirs;
};


/* dir/name, with one slash (malloc'd). */
char	*walk_join(const char *, const char *);
/* Reports rec (and remembers a failure), then frees what it holds. */
void	 walk_report(struct walk *, struct file_record *);
/* Reports a failure: fmt takes the quoted arg1 and arg2. */
void	 walk_fail(struct walk *, const struct file_ref *,
	    const struct file_ref *, int, const char *, const struct path *,
	    const struct path *);
/* Creates or reuses dst for the directory src.  Returns its fd or -1. */
int	 walk_mkdir(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *, bool *, dev_t *);
/* Sets a directory's metadata once its contents are in. */
void	 walk_dir_done(struct walk *, int, int, const struct stat *, bool,
	    struct file_record *);
/* True once the operand was found to be copied into itself. */
bool	 walk_stopped(struct walk *);
/* Stats a directory entry; -1 if it was reported (error, into itself). */
int	 walk_stat_entry(struct walk *, const struct file_ref *,
	    struct stat *, const struct file_ref *, const struct file_ref *);
/* True (and reported) if sst is one of the directories above it. */
bool	 walk_cyclic(struct walk *, const struct file_ref *,
	    const struct stat *, const struct file_ref *,
	    const struct walk_level *);
/* Copies the directory src (stat'ed as sst) one entry after another. */
void	 walk_dir(struct walk *, struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *,
	    struct walk_level *);
/* The directory's record: -v line now if created; closes and reports. */
void	 walk_dir_open_record(struct walk *, const struct file_ref *,
	    const struct file_ref *, bool, struct file_record *);
void	 walk_dir_close_record(struct walk *, int, struct file_record *);
/* Copies one non-directory and reports it.  Returns what became of it. */
enum file_status walk_file(struct walk *, struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *);

#endif
