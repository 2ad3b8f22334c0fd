/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/plot.h: zcp --bench --sweep --plot=FILE, the curves in SVG.
 */
#ifndef ZCP_BENCH_PLOT_H
#define ZCP_BENCH_PLOT_H

#include "bench/types.h"

/*
 * Writes the sweep's curves into the file at path (made, or truncated)
 * as a standalone SVG picture.  Returns 0, or -1 with errno.
 */
int	 bench_plot(const struct bench_sweep *, const char *);

/*
 * Before the sweep: returns 0 if bench_plot() will be able to write at
 * path (a file that can be written, or a name in a directory that can
 * be), or -1 with errno.
 */
int	 bench_plot_check(const char *);

#endif
