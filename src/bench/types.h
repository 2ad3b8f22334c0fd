/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/types.h: the data of zcp --bench, the lowest floor of src/bench/:
 * the contenders and their runs, the loopback connection of --to-socket,
 * one benchmark.  Every other file of the folder includes it; it includes
 * nothing of the folder.
 *
 * The floors, top down (no file includes a header from a floor above):
 *   bench.c              zcp --bench: operands, checks, rounds, output
 *   sweep.c              --sweep: the sizes, their budget, their rounds
 *   copy.c, tree.c       one timed run of one contender: of a file; of
 *                        a directory (its contenders, its states)
 *   treewalk.c           a tree measured, compared with its copy,
 *                        dropped from the cache
 *   setup.c              the source, its file systems, the contenders
 *   tmp.c                temporary files and the cp that writes one,
 *                        removed and ended when a signal comes
 *   status.c, cp.c, socket.c, rmtree.c   the status line, the
 *                        system's cp and other commands, the loopback
 *                        reader, removing a tree
 *   print.c, data.c      the results as a table; as JSON or CSV
 *   table.c, chart.c, plot.c   a sweep as a table, a chart in
 *                        characters, an SVG picture
 *   axis.c               the logarithmic axes of both charts
 *   result.c             queries on the results: median, ties, fastest
 *   types.h              this file
 */
#ifndef ZCP_BENCH_TYPES_H
#define ZCP_BENCH_TYPES_H

#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "options.h"

/* The contenders: the engine ids, ENGINE_AUTO (the chain), and cp. */
#define BENCH_CP	ENGINE_NUM
#define BENCH_MAX	(ENGINE_NUM + 1)

/*
 * The contenders of a directory (zcp --bench DIR), after cp: zcp itself
 * run as a command with -r -j1, with -r (the default -j), and with the
 * batch executor when this zcp has it (tree.c's table).  They fit in
 * eng[] (BENCH_MAX) beside cp.
 */
enum {
	BENCH_TREE_J1 = BENCH_CP + 1,
	BENCH_TREE_J,
	BENCH_TREE_URING,
	BENCH_TREE_END
};

/* The engines that can send into a socket: the chain of auto there. */
#define BENCH_SOCKET_ENGINES	(ENGINE_BIT(ENGINE_SENDFILE) | \
	ENGINE_BIT(ENGINE_SPLICE) | ENGINE_BIT(ENGINE_RW))

/* One contender and its timed runs. */
struct bench_eng {
	int		 id;		/* an enum engine_id, or BENCH_CP */
	int		 refused;	/* errno the kernel refused it with */
	bool		 missing;	/* cp: not found in PATH, not timed */
	enum engine_id	 used;		/* the engine that moved the bytes */
	bool		 cloned;	/* the copy shares the source's data */
	unsigned	 nruns;		/* timed runs done */
	double		*secs;		/* their times, in run order */
	double		 min, median, max;
	double		 spread;	/* (max - min) / median, in percent */
	bool		 tie;		/* within the fastest one's noise */
	bool		 failed;	/* a command that failed (a tree's
					   contender): not timed further */
	char		 why[256];	/* then how it failed */
};

/* --to-socket: the loopback listener and the reader of one run. */
struct bench_sock {
	int		 listen;	/* listening on 127.0.0.1, or -1 */
	struct sockaddr_in addr;	/* its address */
	int		 src;		/* the source, for the reader's check */
	int		 conn;		/* this run's sending end, or -1 */
	int		 peer;		/* this run's receiving end, or -1 */
	pthread_t	 reader;	/* the thread receiving at peer */
	char		*buf, *want;	/* the reader's buffers */
	bool		 check;		/* compare the bytes with the source */
	uint64_t	 received;	/* bytes the reader received */
	uint64_t	 differs;	/* 1 + offset of a wrong byte, or 0 */
	int		 err;		/* errno of the reader's recv(), or 0 */
};

/* A benchmark: what is copied where, and the results. */
struct bench {
	const struct options *opts;
	const char	*src_path;	/* SOURCE, or the made-up source */
	const char	*dir;		/* where the copies go */
	char		*dir_chosen;	/* dir, when zcp chose it (owned) */
	bool		 made;		/* the source is made up (--bench-size,
					   --sweep) */
	bool		 to_socket;	/* --to-socket: into loopback TCP */
	bool		 tree;		/* SOURCE is a directory (tree.c) */
	uint64_t	 files;		/* a tree's files (not directories) */
	uint64_t	 dirs;		/* a tree's directories, itself too */
	uint64_t	 disk;		/* a tree's bytes on disk */
	char		*tmpdir;	/* a tree's: where its copies go */
	unsigned	 copies;	/* a tree's copies made so far */
	int		 src;		/* the source, open */
	uint64_t	 size;		/* its size */
	bool		 sparse;	/* it has holes: copy the data only */
	size_t		 blksize;	/* its st_blksize */
	char		 src_fs[32];	/* filesystem type names */
	char		 dst_fs[32];
	char		 kernel[160];	/* "Linux 6.1.0" */
	char		 cp[PATH_MAX];	/* the cp found in PATH, or "" */
	struct bench_eng eng[BENCH_MAX];
	int		 neng;		/* contenders in eng[], in order */
	unsigned	 runs;		/* timed rounds: --runs, or those
					   the sweep's time allowed */
	double		 seconds;	/* --sweep: this size's wall time */
	const struct bench_sweep *sweep; /* the sweep it is part of, or
					   NULL */
	int		 resident;	/* --cold: most % of SOURCE cached */
	bool		 failed;	/* a contender asked for did not run */
	bool		 clear;		/* the fastest is ahead of the noise */
	struct engine_buf buf;		/* the rw engine's buffer */
	struct bench_sock sock;		/* --to-socket */
};

/* --sweep: a benchmark for each size, in ascending order. */
struct bench_sweep {
	const struct options *opts;
	const char	*dir;		/* DIRECTORY */
	struct bench	*size;		/* one per size */
	unsigned	 n;		/* sizes timed */
	uint64_t	 left_out[OPTIONS_SWEEP_MAX]; /* sizes too large for
					   the free space (default sizes) */
	unsigned	 nleft;
	double		 budget;	/* seconds (about), or 0 with --runs */
	double		 seconds;	/* its wall time */
	bool		 failed;	/* a contender asked for did not run */
};

#endif
