/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/sweep.h: zcp --bench --sweep, the contenders timed over a range
 * of file sizes.
 */
#ifndef ZCP_BENCH_SWEEP_H
#define ZCP_BENCH_SWEEP_H

#include "bench/types.h"

/*
 * Times the contenders at each size of the sweep sw->opts asks for, on
 * random sources made in the DIRECTORY of the n operands ([DIRECTORY]),
 * and fills sw: a summarized struct bench for each size.  Messages and
 * a status line on stderr, nothing on stdout.  Exits with a message if
 * a size does not fit, or a run fails; its temporary files are gone
 * when it returns, and when a signal ends the process.
 */
void	 bench_sweep_time(struct bench_sweep *, int, char **);

/* Frees what bench_sweep_time() allocated. */
void	 bench_sweep_free(struct bench_sweep *);

#endif
