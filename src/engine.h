/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.h: the copy engines and the chain that picks one per file.
 *
 * An engine moves bytes between two file descriptors, from each one's
 * current offset, and reports what it did.  It never prints, never sees a
 * path or an option: the caller (file.c) turns its options into a
 * struct engine_job and its result into messages.  What the engines
 * themselves see is engine-job.h: engine.c's chain calls them, and they
 * know nothing of it.
 */
#ifndef ZCP_ENGINE_H
#define ZCP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine-job.h"

/* One engine the chain gave up on, and why. */
struct engine_fallback {
	enum engine_id	 engine;
	int		 err;		/* errno that made it fall back */
	uint64_t	 offset;	/* source offset at which it happened */
	uint64_t	 moved;		/* data bytes copied before it */
};

/* What happened.  Filled by engine_copy(). */
struct engine_result {
	enum engine_id	 engine;	/* moved the last bytes, or failed */
	uint64_t	 bytes;		/* logical size copied (holes count),
					   from job->offset */
	uint64_t	 moved[ENGINE_NUM]; /* data bytes moved by each
					       engine */
	struct engine_fallback fallback[ENGINE_NUM];
	int		 nfallback;
	bool		 cloned;	/* FICLONE shared the extents */
	bool		 sparse;	/* holes were kept or made */
	bool		 write_failed;	/* err came from the destination side */
	int		 err;		/* 0, or the errno of the failure */
	enum engine_op	 op;		/* what failed, if err */
	/* For --debug: what the job allowed and which hole methods ran. */
	unsigned	 allowed;	/* job->engines */
	bool		 seek_holes;	/* data extents found with SEEK_DATA */
	bool		 zeros;		/* rw looked for runs of zeros */
};

/*
 * Copies job->src to job->dst from their current offsets to the end of the
 * source.  Returns 0, or -1 with errno (also in res->err) if the copy
 * failed; res says which engine did what in both cases.
 */
int		 engine_copy(const struct engine_job *, struct engine_result *);

/* True if err means "this engine is not supported here: try the next". */
bool		 engine_fallback_ok(int err);
/*
 * True if err, from engine id at offset 0, says the engine cannot work
 * between these two filesystems at all (so it is worth remembering).
 */
bool		 engine_fs_unsupported(enum engine_id id, int err);

const char	*engine_name(enum engine_id);
/* Returns the id for a name ("auto", "clone", ...) or -1. */
int		 engine_lookup(const char *);

/*
 * Returns 1 if fd shares some of its data with another file (a clone, or
 * a copy_file_range that reflinked), 0 if not, -1 with errno if the
 * filesystem cannot tell (engine-shared.c).
 */
int		 engine_shared(int);

/*
 * Finds the ranges where files a and b are the same blocks of the disk
 * at the same offsets (b a clone of a, or a copy_file_range that
 * reflinked): their bytes are equal without reading them.  Sets *ranges
 * to a malloc'd array of *n [start, end) pairs, in order (engine-shared.c).
 * Returns 0, or -1 with errno if the file system cannot tell.
 */
int		 engine_same_blocks(int, int, uint64_t **, size_t *);

#endif
