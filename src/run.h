/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * run.h: one zcp invocation's state, made by operands.c and passed down
 * to the walks, the executors and each file's copy: the options, where
 * records go (the report; the progress display the engines count for),
 * the sets GNU cp keeps across a run, the descriptor budget, and whether
 * anything failed.  Nothing here is reached for through a global.
 */
#ifndef ZCP_RUN_H
#define ZCP_RUN_H

#include <stdbool.h>

#include "options.h"
#include "record.h"

struct created;
struct dry;
struct durable;
struct links;
struct progress;
struct report;

struct run {
	const struct options *opts;
	struct report	*rep;
	struct progress	*prog;		/* the display's counters, or NULL */
	struct links	*links;		/* --preserve=links (and -u) table,
					   shared by the threads */
	/*
	 * With two or more operands into a directory, as cp: the sources
	 * named, the directories copied, and what was made (NULL else).
	 * The main thread's only: operands are copied one after another.
	 */
	struct created	*sources, *dirs, *made;
	struct dry	*dry;		/* --dry-run: what it would have done
					   (dry.h); NULL without */
	/* --fsync on a tree: the file systems to flush at the end
	 * (durable.h); NULL without --fsync -r. */
	struct durable	*durable;
	int		 failed;	/* set (atomically) on any failure */
	/* What the descriptor limit allows (operands.c's budget). */
	unsigned	 jobs;		/* threads for a tree (-j, or fewer) */
	unsigned	 max_open;	/* sequential levels a thread keeps
					   (0: none, by path: walk-seq.c) */
	unsigned	 pool_depth;	/* levels the parallel walk keeps */
};

/* True if err says memory or descriptors ran out (ENOMEM, EMFILE, ENFILE). */
bool	 run_short(int);
/* Reports rec (and remembers a failure), then frees what it holds. */
void	 run_report(struct run *, struct file_record *);
/*
 * Reports a skip of src (to dst, a thing of kind) with a warning: fmt,
 * marked for translation (nls.h), takes the quoted arg.
 */
void	 run_skip(struct run *, const struct file_ref *,
	    const struct file_ref *, enum file_kind, const char *,
	    const struct path *);
/*
 * Reports a failure of src (to dst, a thing of kind) with errno e (0:
 * none): fmt, marked for translation, takes the quoted arg1 and arg2
 * (NULL: "").
 */
void	 run_fail(struct run *, const struct file_ref *,
	    const struct file_ref *, enum file_kind, int, const char *,
	    const struct path *, const struct path *);

#endif
