/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench.h: zcp --bench, the engines timed side by side on one file.
 * bench.c runs the copies; bench-print.c prints what they measured as a
 * table, JSON or CSV.
 */
#ifndef ZCP_BENCH_H
#define ZCP_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "options.h"

/* One engine (or auto, the chain) and its timed runs. */
struct bench_eng {
	enum engine_id	 id;		/* ENGINE_AUTO: the whole chain */
	int		 refused;	/* errno the kernel refused it with */
	enum engine_id	 used;		/* the engine that moved the bytes */
	bool		 cloned;	/* the copy shares the source's data */
	unsigned	 nruns;		/* timed runs done */
	double		*secs;		/* their times, in run order */
	double		 min, median, max;
};

/* A benchmark: what is copied where, and the results. */
struct bench {
	const struct options *opts;
	const char	*src_path;	/* SOURCE, or the made-up source */
	const char	*dir;		/* where the copies go */
	bool		 made;		/* the source is --bench-size's */
	int		 src;		/* the source, open */
	uint64_t	 size;		/* its size */
	bool		 sparse;	/* it has holes: copy the data only */
	size_t		 blksize;	/* its st_blksize */
	char		 src_fs[32];	/* filesystem type names */
	char		 dst_fs[32];
	char		 kernel[160];	/* "Linux 6.1.0" */
	struct bench_eng eng[ENGINE_NUM];
	int		 neng;		/* engines in eng[], in table order */
	int		 resident;	/* --cold: most % of SOURCE cached */
	bool		 failed;	/* an engine asked for was refused */
	struct engine_buf buf;		/* the rw engine's buffer */
};

/*
 * Times the engines that opts names on the n operands: SOURCE
 * [DIRECTORY], or [DIRECTORY] with --bench-size.  Prints the results on
 * stdout, messages on stderr.  Returns the exit status: 0, or 1 after
 * saying why.  Its temporary files are gone when it returns, and when a
 * signal ends the process.
 */
int	 bench_run(const struct options *, int, char **);

/*
 * Prints b's results on stdout as a table, or as JSON or CSV as opts
 * say.  The engines must be sorted fastest first, refused ones last.
 */
void	 bench_print(const struct bench *);

#endif
