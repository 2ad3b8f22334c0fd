/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/result.h: what the runs of a benchmark say, for the files that
 * print them (print.c, data.c) and the one that times them (bench.c).
 */
#ifndef ZCP_BENCH_RESULT_H
#define ZCP_BENCH_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/types.h"

/* The contender's name: the engine's, "cp", or a tree's command
 * ("zcp -r -j1"). */
const char *bench_name(int);

/* The contender that stands for a plain zcp: auto for a file, zcp -r
 * (the default -j) for a tree. */
int	 bench_zcp(const struct bench *);

/* The first contender that failed (a tree's command), or NULL: then
 * there is no verdict. */
const struct bench_eng *bench_failed(const struct bench *);

/*
 * The contender's label into buf ("auto (copy_file_range)", "cp"), len
 * bytes.  Returns buf.
 */
const char *bench_label(const struct bench_eng *, char *, size_t);

/* The symbolic name of an errno value ("EXDEV"), or "EUNKNOWN". */
const char *bench_errname(int);

/* True if the contender ran: not refused by the kernel, not missing, not
 * failed. */
bool	 bench_ran(const struct bench_eng *);

/*
 * True if a's and b's runs overlap enough that their order may be noise:
 * either median lies within the other's min-max range.
 */
bool	 bench_overlap(const struct bench_eng *, const struct bench_eng *);

/*
 * The fastest contender once bench_summarize() has sorted them, or NULL
 * if none ran.
 */
const struct bench_eng *bench_fastest(const struct bench *);

/* The contender with that id (an engine id or BENCH_CP) if it ran, or
 * NULL. */
const struct bench_eng *bench_find(const struct bench *, int);

/*
 * Computes each contender's min, median, max and spread from its runs,
 * sorts the contenders fastest first (those that did not run last),
 * marks those within the fastest one's noise and sets b->clear.  Exits
 * if memory runs out.
 */
void	 bench_summarize(struct bench *);

/*
 * The contender ids in the order tables list them (the engines in chain
 * order, then auto, then cp): the k-th of BENCH_MAX.
 */
int	 bench_order(int);

/*
 * The throughput of contender id at b's size, in bytes per second: of
 * its median run into *med, of its slowest and fastest runs into *lo and
 * *hi.  Returns false (and sets nothing) if it did not run there.
 */
bool	 bench_rates(const struct bench *, int, double *, double *, double *);

/*
 * The contenders that ran at one size of the sweep at least, in
 * bench_order(), into ids (BENCH_MAX of room).  Returns their number.
 */
int	 bench_series(const struct bench_sweep *, int *);

/*
 * The label of contender id over a whole sweep into buf (len bytes):
 * its name, and for auto the engine it ended with when that was the same
 * at every size ("auto (copy_file_range)").  Returns buf.
 */
const char *bench_series_label(const struct bench_sweep *, int, char *,
	    size_t);

#endif
