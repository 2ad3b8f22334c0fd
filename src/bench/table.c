/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/table.c: what zcp --bench --sweep measured, on stdout, for
 * people: a header saying what was copied where and how, then one row
 * per size with the median throughput of each contender in MiB/s and the
 * verdict of that size (the fastest, or "no clear winner" when its lead
 * is within the noise, by --bench's rule), then the contenders that
 * never ran, and why.  chart.c draws the same numbers after it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench/result.h"
#include "bench/table.h"
#include "compat.h"
#include "quote.h"
#include "units.h"

/* The narrowest column of throughputs. */
#define TABLE_CELL	7

/* bytes per second as MiB/s, three significant digits. */
static const char *
table_mibs(char *buf, size_t len, double rate)
{
	double v = rate / (1024 * 1024);

	(void)snprintf(buf, len, v < 9.995 ? "%.2f" : v < 99.95 ? "%.1f" :
	    "%.0f", v);
	return buf;
}

/* The first line: the sizes, where, the file systems, the kernel. */
static void
table_what(const struct bench_sweep *sw)
{
	const struct bench *b = &sw->size[0];
	char lo[32], hi[32], what[96];

	units_size(lo, sizeof(lo), (double)b->size);
	units_size(hi, sizeof(hi), (double)sw->size[sw->n - 1].size);
	if (sw->n == 1)
		(void)snprintf(what, sizeof(what), "a random file of %s", lo);
	else
		(void)snprintf(what, sizeof(what), "random files of %s to %s",
		    lo, hi);
	printf("%s --bench --sweep: %s in %s (%s)%s, %s\n", getprogname(),
	    what, quote(sw->dir), b->src_fs, b->to_socket ? " -> a loopback "
	    "TCP connection" : "", b->kernel);
}

/* The second line: the runs, the cache, flushed or not, the time. */
static void
table_how(const struct bench_sweep *sw)
{
	const struct options *o = sw->opts;
	const struct bench *b = &sw->size[0];
	char runs[96], t[16];

	if (sw->budget == 0)
		(void)snprintf(runs, sizeof(runs), "%u %s of each", b->runs,
		    b->runs == 1 ? "run" : "runs");
	else
		(void)snprintf(runs, sizeof(runs), "runs of each (as many as "
		    "about %.0f s in all allow)", sw->budget);
	printf("at each size, a warm-up then %s, interleaved; %s; %s%s; "
	    "took %s\n", runs, o->bench_cold ? "cold cache (the source "
	    "dropped before each run)" : "warm cache", b->to_socket ? "each "
	    "run ends when the reader has received the last byte" :
	    o->fsync ? "fsync included" : "not flushed to disk", o->verify ?
	    "; --verify's check included" : "", units_time(t, sizeof(t),
	    sw->seconds));
}

/* The notes: cp, what tmpfs kept, the sizes left out. */
static void
table_notes(const struct bench_sweep *sw, const int *ids, int n)
{
	char sz[32];
	int resident = -1, k;
	unsigned i;

	for (i = 0; i < sw->n; i++)
		if (sw->size[i].resident > resident)
			resident = sw->size[i].resident;
	for (k = 0; k < n; k++)
		if (ids[k] == BENCH_CP)
			printf("note: cp is %s, run as a command: its times "
			    "include starting and ending a process\n",
			    sw->size[0].cp);
	if (resident > 0)
		printf("note: the kernel kept up to %d%% of the source in "
		    "memory after dropping it (tmpfs keeps its files there), "
		    "so runs read from memory\n", resident);
	for (i = 0; i < sw->nleft; i++)
		printf("note: %s left out: too large for the free space in "
		    "%s\n", units_size(sz, sizeof(sz),
		    (double)sw->left_out[i]), quote(sw->dir));
}

/* One cell: the median throughput, "cloned", or why it did not run. */
static void
table_cell(const struct bench *b, int id, int width)
{
	const struct bench_eng *e = bench_find(b, id);
	double med, lo, hi;
	char v[32];
	int i;

	if (e != NULL && e->cloned)
		(void)snprintf(v, sizeof(v), "cloned");
	else if (bench_rates(b, id, &med, &lo, &hi))
		table_mibs(v, sizeof(v), med);
	else {
		(void)snprintf(v, sizeof(v), "-");
		for (i = 0; i < b->neng; i++)
			if (b->eng[i].id == id && b->eng[i].refused)
				(void)snprintf(v, sizeof(v), "refused");
	}
	printf("  %*s", width, v);
}

/* The row of one size. */
static void
table_row(const struct bench *b, const int *ids, const int *width, int n)
{
	const struct bench_eng *f = bench_fastest(b);
	char sz[32];
	int k;

	printf("%9s %5u", units_size(sz, sizeof(sz), (double)b->size),
	    b->runs);
	for (k = 0; k < n; k++)
		table_cell(b, ids[k], width[k]);
	printf("  %s\n", f == NULL ? "-" : !b->clear ? "no clear winner" :
	    bench_name(f->id));
}

/* The contenders that never ran: refused at every size, or missing. */
static void
table_absent(const struct bench_sweep *sw, const int *ids, int n)
{
	const struct bench *b = &sw->size[0];
	int i, k;

	for (i = 0; i < b->neng; i++) {
		for (k = 0; k < n && ids[k] != b->eng[i].id; k++)
			;
		if (k < n)
			continue;
		if (b->eng[i].missing)
			printf("%s: skipped: not found in PATH\n",
			    bench_name(b->eng[i].id));
		else if (b->eng[i].refused)
			printf("%s: refused: %s (%s)\n",
			    bench_name(b->eng[i].id),
			    strerror(b->eng[i].refused),
			    bench_errname(b->eng[i].refused));
	}
}

void
bench_table(const struct bench_sweep *sw)
{
	int ids[BENCH_MAX], width[BENCH_MAX], n, k;
	unsigned i;

	n = bench_series(sw, ids);
	table_what(sw);
	table_how(sw);
	table_notes(sw, ids, n);
	printf("\nmedian throughput in MiB/s\n%9s %5s", "size", "runs");
	for (k = 0; k < n; k++) {
		width[k] = (int)strlen(bench_name(ids[k]));
		width[k] = width[k] < TABLE_CELL ? TABLE_CELL : width[k];
		printf("  %*s", width[k], bench_name(ids[k]));
	}
	printf("  %s\n", "fastest");
	for (i = 0; i < sw->n; i++)
		table_row(&sw->size[i], ids, width, n);
	table_absent(sw, ids, n);
}
