/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/table.h: the results of zcp --bench --sweep for people, on
 * stdout.
 */
#ifndef ZCP_BENCH_TABLE_H
#define ZCP_BENCH_TABLE_H

#include "bench/types.h"

/*
 * Prints what was timed where, then a row for each size: its runs, the
 * median throughput of each contender, the verdict (the fastest, or "no
 * clear winner"); then the contenders that never ran, and why.
 */
void	 bench_table(const struct bench_sweep *);

#endif
