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
#include "nls.h"
#include "quote.h"
#include "units.h"

/* The narrowest column of throughputs. */
#define TABLE_CELL	7

/* The columns of the sizes and of the runs, at their narrowest. */
#define TABLE_SIZE	9
#define TABLE_RUNS	5

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
	char lo[32], hi[32], what[160], sock[96] = "";

	units_size(lo, sizeof(lo), (double)b->size);
	units_size(hi, sizeof(hi), (double)sw->size[sw->n - 1].size);
	if (sw->n == 1)
		(void)snprintf(what, sizeof(what), _("a random file of %s"),
		    lo);
	else
		(void)snprintf(what, sizeof(what), _("random files of %s to "
		    "%s"), lo, hi);
	if (b->to_socket)
		(void)snprintf(sock, sizeof(sock), " -> %s",
		    _("a loopback TCP connection"));
	printf(_("%s --bench --sweep: %s in %s (%s)%s, %s\n"), getprogname(),
	    what, quote(sw->dir), b->src_fs, sock, b->kernel);
}

/* The second line: the runs, the cache, flushed or not, the time. */
static void
table_how(const struct bench_sweep *sw)
{
	const struct options *o = sw->opts;
	const struct bench *b = &sw->size[0];
	char runs[160], t[16];

	if (sw->budget == 0)
		(void)snprintf(runs, sizeof(runs), P_("%u run of each",
		    "%u runs of each", b->runs), b->runs);
	else
		(void)snprintf(runs, sizeof(runs), _("runs of each (as many "
		    "as about %.0f s in all allow)"), sw->budget);
	printf(_("at each size, a warm-up then %s, interleaved; %s; %s%s; "
	    "took %s\n"), runs, o->bench_cold ? _("cold cache (the source "
	    "dropped before each run)") : _("warm cache"), b->to_socket ?
	    _("each run ends when the reader has received the last byte") :
	    o->fsync ? _("fsync included") : _("not flushed to disk"),
	    o->verify ? _("; --verify's check included") : "",
	    units_time(t, sizeof(t), sw->seconds));
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
			printf(_("note: cp is %s, run as a command: its times "
			    "include starting and ending a process\n"),
			    sw->size[0].cp);
	if (resident > 0)
		printf(_("note: the kernel kept up to %d%% of the source in "
		    "memory after dropping it (tmpfs keeps its files there), "
		    "so runs read from memory\n"), resident);
	for (i = 0; i < sw->nleft; i++)
		printf(_("note: %s left out: too large for the free space in "
		    "%s\n"), units_size(sz, sizeof(sz),
		    (double)sw->left_out[i]), quote(sw->dir));
}

/*
 * One cell into v (len bytes): the median throughput, "cloned", or why
 * it did not run.  Returns v.
 */
static const char *
table_cell(const struct bench *b, int id, char *v, size_t len)
{
	const struct bench_eng *e = bench_find(b, id);
	double med, lo, hi;
	int i;

	if (e != NULL && e->cloned)
		(void)snprintf(v, len, "%s", _("cloned"));
	else if (bench_rates(b, id, &med, &lo, &hi))
		table_mibs(v, len, med);
	else {
		(void)snprintf(v, len, "-");
		for (i = 0; i < b->neng; i++)
			if (b->eng[i].id == id && b->eng[i].refused)
				(void)snprintf(v, len, "%s", _("refused"));
	}
	return v;
}

/*
 * The widths of the columns, in a terminal's columns (a word in the
 * user's language may take more bytes, or more room): of the sizes, the
 * runs (w[0], w[1]) and each contender's (w[2 + k]), as wide as their
 * heading and every cell.
 */
static void
table_widths(const struct bench_sweep *sw, const int *ids, int n, int *w)
{
	char v[32];
	unsigned i;
	int k, c;

	w[0] = units_cols(_("size"));
	w[0] = w[0] > TABLE_SIZE ? w[0] : TABLE_SIZE;
	w[1] = units_cols(_("runs"));
	w[1] = w[1] > TABLE_RUNS ? w[1] : TABLE_RUNS;
	for (k = 0; k < n; k++) {
		w[2 + k] = units_cols(bench_name(ids[k]));
		w[2 + k] = w[2 + k] > TABLE_CELL ? w[2 + k] : TABLE_CELL;
		for (i = 0; i < sw->n; i++) {
			c = units_cols(table_cell(&sw->size[i], ids[k], v,
			    sizeof(v)));
			w[2 + k] = c > w[2 + k] ? c : w[2 + k];
		}
	}
}

/* The row of one size. */
static void
table_row(const struct bench *b, const int *ids, const int *w, int n)
{
	const struct bench_eng *f = bench_fastest(b);
	char sz[32], runs[16], v[32], cell[64];
	int k;

	units_size(sz, sizeof(sz), (double)b->size);
	(void)snprintf(runs, sizeof(runs), "%u", b->runs);
	printf("%s ", units_pad(cell, sizeof(cell), sz, w[0], false));
	fputs(units_pad(cell, sizeof(cell), runs, w[1], false), stdout);
	for (k = 0; k < n; k++)
		printf("  %s", units_pad(cell, sizeof(cell), table_cell(b,
		    ids[k], v, sizeof(v)), w[2 + k], false));
	printf("  %s\n", f == NULL ? "-" : !b->clear ? _("no clear winner") :
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
			printf(_("%s: skipped: not found in PATH\n"),
			    bench_name(b->eng[i].id));
		else if (b->eng[i].refused)
			printf(_("%s: refused: %s (%s)\n"),
			    bench_name(b->eng[i].id),
			    strerror(b->eng[i].refused),
			    bench_errname(b->eng[i].refused));
	}
}

void
bench_table(const struct bench_sweep *sw)
{
	int ids[BENCH_MAX], w[BENCH_MAX + 2], n, k;
	char cell[64];
	unsigned i;

	n = bench_series(sw, ids);
	table_what(sw);
	table_how(sw);
	table_notes(sw, ids, n);
	table_widths(sw, ids, n, w);
	printf("\n%s\n", _("median throughput in MiB/s"));
	printf("%s ", units_pad(cell, sizeof(cell), _("size"), w[0], false));
	fputs(units_pad(cell, sizeof(cell), _("runs"), w[1], false), stdout);
	for (k = 0; k < n; k++)
		printf("  %s", units_pad(cell, sizeof(cell),
		    bench_name(ids[k]), w[2 + k], false));
	printf("  %s\n", _("fastest"));
	for (i = 0; i < sw->n; i++)
		table_row(&sw->size[i], ids, w, n);
	table_absent(sw, ids, n);
}
