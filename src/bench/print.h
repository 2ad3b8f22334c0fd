/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/print.h: the results of zcp --bench for people, on stdout.
 */
#ifndef ZCP_BENCH_PRINT_H
#define ZCP_BENCH_PRINT_H

#include "bench/types.h"

/*
 * Prints b's results as a table: what was copied where, one row per
 * contender, the verdict.  The contenders must be summarized
 * (bench_summarize(): fastest first, those that did not run last).
 */
void	 bench_print(const struct bench *);

#endif
