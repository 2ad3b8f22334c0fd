/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/axis.h: the logarithmic axes of the sweep's charts (chart.c in
 * characters, plot.c in SVG): their ends, their ticks and the labels.
 */
#ifndef ZCP_BENCH_AXIS_H
#define ZCP_BENCH_AXIS_H

#include <stdbool.h>
#include <stddef.h>

/* A logarithmic axis from lo to hi, ticks at first * step^k. */
struct bench_axis {
	double		 lo, hi;
	double		 first;		/* the lowest tick */
	double		 step;
};

/*
 * An axis over [min, max] (0 < min <= max) whose ends are the powers of
 * 2 around them, with at most most + 1 ticks at powers of 2, each a
 * power of 2 times the last (step 2, 4, 16, ...).  With snap, the ends
 * are ticks too (further out if need be).
 */
void	 bench_axis(struct bench_axis *, double, double, int, bool);

/* Where v lies on the axis: 0 at lo, 1 at hi (logarithmically). */
double	 bench_axis_at(const struct bench_axis *, double);

/*
 * Formats v (bytes, a size or a rate) for a tick, followed by suffix:
 * "4 KiB", "256 MiB/s", "1.50 MiB" when it is not a whole number of its
 * unit.  Returns buf (len bytes).
 */
const char *bench_axis_label(char *, size_t, double, const char *);

#endif
