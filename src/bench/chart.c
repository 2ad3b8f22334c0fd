/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/chart.c: the curves of zcp --bench --sweep in a terminal.  A
 * grid of characters: a column group per size (left to right, so the x
 * axis is logarithmic when the sizes grow by a constant factor, as the
 * default ones do), rows at half-steps of a logarithmic throughput axis
 * (axis.c), each contender's median a letter, moved sideways within its
 * group when another letter took its place.  Box-drawing characters in
 * a UTF-8 locale, ASCII otherwise.  plot.c draws the same in SVG.
 */
#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/axis.h"
#include "bench/chart.h"
#include "bench/result.h"
#include "nls.h"

/* Columns per size, most rows, width of the throughput labels. */
#define CHART_GROUP	7
#define CHART_ROWS	15
#define CHART_LABEL	6

/* The letter of each contender, by id (ENGINE_AUTO, the engines, cp). */
static const char chart_letter[BENCH_MAX] = {
	[ENGINE_AUTO] = 'a', [ENGINE_CLONE] = 'k', [ENGINE_CFR] = 'c',
	[ENGINE_SENDFILE] = 's', [ENGINE_SPLICE] = 'p', [ENGINE_RW] = 'r',
	[BENCH_CP] = 'C',
};

struct chart {
	struct bench_axis y;
	int		 rows;
	int		 cols;
	char		 cell[CHART_ROWS][OPTIONS_SWEEP_MAX * CHART_GROUP];
	bool		 utf8;
};

/* The lowest and highest median throughput of the contenders ids. */
static bool
chart_range(const struct bench_sweep *sw, const int *ids, int n,
    double *min, double *max)
{
	double med, lo, hi;
	unsigned i;
	int k;

	*min = *max = 0;
	for (i = 0; i < sw->n; i++)
		for (k = 0; k < n; k++)
			if (bench_rates(&sw->size[i], ids[k], &med, &lo, &hi)) {
				*min = *min == 0 || med < *min ? med : *min;
				*max = med > *max ? med : *max;
			}
	return *max > 0;
}

/* Puts letter c in row r of group g: its middle, or the nearest free. */
static void
chart_put(struct chart *c, int r, int g, char letter)
{
	static const int order[] = { 3, 2, 4, 1, 5, 0, 6 };
	size_t k;
	char *p;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		p = &c->cell[r][g * CHART_GROUP + order[k]];
		if (*p == ' ') {
			*p = letter;
			return;
		}
	}
}

/*
 * A size in a few characters, followed by suffix: "4K", "256K", "1G",
 * "1.5M".
 */
static const char *
chart_size(char *buf, size_t len, double v, const char *suffix)
{
	static const char unit[] = "BKMGTPE";
	size_t i = 0;

	while (v >= 1024 && i + 1 < sizeof(unit) - 1) {
		v /= 1024;
		i++;
	}
	(void)snprintf(buf, len, v == floor(v) ? "%.0f%c%s" : "%.1f%c%s", v,
	    unit[i], suffix);
	return buf;
}

/* A row of the grid, with its label on the rows of ticks. */
static void
chart_row(const struct chart *c, int r)
{
	char label[32] = "";

	if (r % 2 == 0)
		chart_size(label, sizeof(label), c->y.hi / pow(c->y.step,
		    r / 2), "/s");
	printf("%*s %s%.*s\n", CHART_LABEL, label, r % 2 ? (c->utf8 ?
	    "\u2502" : "|") : (c->utf8 ? "\u2524" : "+"), c->cols,
	    c->cell[r]);
}

/* The x axis, the size under each group, and the legend. */
static void
chart_foot(const struct chart *c, const struct bench_sweep *sw,
    const int *ids, int n)
{
	char sz[16], label[64];
	unsigned i;
	int k, col = 0, w;

	printf("%*s %s", CHART_LABEL, "", c->utf8 ? "\u2514" : "+");
	for (k = 0; k < c->cols; k++)
		fputs(c->utf8 ? "\u2500" : "-", stdout);
	printf("\n%*s ", CHART_LABEL, "");
	for (i = 0; i < sw->n; i++)
		printf("%*s", -CHART_GROUP, chart_size(sz, sizeof(sz),
		    (double)sw->size[i].size, ""));
	printf("\n%*s ", CHART_LABEL, "");
	for (k = 0; k < n; k++) {
		bench_series_label(sw, ids[k], label, sizeof(label));
		w = (int)strlen(label) + 4;
		if (col > 0 && col + w > 78 - CHART_LABEL) {
			printf("\n%*s ", CHART_LABEL, "");
			col = 0;
		}
		printf("%c %s  ", chart_letter[ids[k]], label);
		col += w;
	}
	printf("\n");
}

void
bench_chart(const struct bench_sweep *sw)
{
	const char *cs = nl_langinfo(CODESET);
	struct chart c = { .utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0 };
	int ids[BENCH_MAX], n, k, r;
	double min, max, med, lo, hi;
	unsigned i;

	n = bench_series(sw, ids);
	if (!chart_range(sw, ids, n, &min, &max))
		return;
	bench_axis(&c.y, min, max, (CHART_ROWS - 1) / 2, true);
	c.rows = (int)lround(log2(c.y.hi / c.y.lo) / log2(c.y.step)) * 2 + 1;
	c.cols = (int)sw->n * CHART_GROUP;
	memset(c.cell, ' ', sizeof(c.cell));
	for (i = 0; i < sw->n; i++)
		for (k = 0; k < n; k++)
			if (bench_rates(&sw->size[i], ids[k], &med, &lo, &hi)) {
				r = (int)lround((1 - bench_axis_at(&c.y, med)) *
				    (c.rows - 1));
				chart_put(&c, r, (int)i, chart_letter[ids[k]]);
			}
	printf("\n%s\n", _("median throughput against file size, both "
	    "logarithmic (K, M, G: KiB, MiB, GiB)"));
	for (r = 0; r < c.rows; r++)
		chart_row(&c, r);
	chart_foot(&c, sw, ids, n);
}
