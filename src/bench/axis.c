/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/axis.c: the logarithmic axes of the sweep's charts.  Sizes and
 * throughputs span six orders of magnitude, so both axes are logarithmic
 * with ends and ticks at powers of 2, where IEC units give short labels
 * ("4 KiB", "1 GiB/s").
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/axis.h"
#include "units.h"

void
bench_axis(struct bench_axis *a, double min, double max, int most, bool snap)
{
	double lo = floor(log2(min)), hi = ceil(log2(max)), k, l, h;

	if (hi <= lo)
		hi = lo + 1;
	for (k = 1;; k *= 2) {
		l = snap ? floor(lo / k) * k : lo;
		h = snap ? l + ceil((hi - l) / k) * k : hi;
		if ((h - l) / k <= most)
			break;
	}
	a->lo = exp2(l);
	a->hi = exp2(h);
	a->first = exp2(ceil(l / k) * k);
	a->step = exp2(k);
}

double
bench_axis_at(const struct bench_axis *a, double v)
{
	return log2(v / a->lo) / log2(a->hi / a->lo);
}

const char *
bench_axis_label(char *buf, size_t len, double v, const char *suffix)
{
	static const char *const unit[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	size_t i = 0;
	double n = v;

	while (n >= 1024 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		n /= 1024;
		i++;
	}
	if (n == floor(n))
		(void)snprintf(buf, len, "%.0f %s%s", n, unit[i], suffix);
	else {
		units_size(buf, len, v);
		(void)snprintf(buf + strlen(buf), len - strlen(buf), "%s",
		    suffix);
	}
	return buf;
}
