/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/chart.h: the curves of zcp --bench --sweep drawn with characters
 * on stdout, after the table.
 */
#ifndef ZCP_BENCH_CHART_H
#define ZCP_BENCH_CHART_H

#include "bench/types.h"

/*
 * Draws the median throughput of each contender against the size, both
 * axes logarithmic, one letter per contender, and a legend.  Draws
 * nothing if no contender ran.
 */
void	 bench_chart(const struct bench_sweep *);

#endif
