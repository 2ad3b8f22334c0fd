/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/print.c: what zcp --bench measured, on stdout, for people: a
 * header saying what was copied where, one row per contender with its
 * spread and a bar drawn in Unicode blocks (or '#' when the locale is not
 * UTF-8), then the verdict: the fastest, or "no clear winner" when its
 * lead is within the noise, and how zcp compares with cp.  The JSON and
 * CSV forms are in data.c.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "bench/print.h"
#include "bench/result.h"
#include "compat.h"
#include "nls.h"
#include "quote.h"
#include "units.h"

/* Cells of the bar of the fastest engine. */
#define BENCH_BAR	20

/*
 * The table's columns: their headings and least widths.  A translated
 * heading that is wider widens its column.
 */
#define BENCH_NCOLS	8
static const struct {
	const char	*head;
	int		 width;
} bench_cols[BENCH_NCOLS] = {
	{ N_("engine"), 6 }, { N_("runs"), 4 }, { N_("min"), 8 },
	{ N_("median"), 8 }, { N_("max"), 8 }, { N_("spread"), 6 },
	{ N_("rate"), 11 }, { N_("ratio"), 6 }
};

/* A bar of frac (0..1) of BENCH_BAR cells, in eighths with Unicode. */
static void
bench_print_bar(double frac, bool utf8)
{
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589"
	};
	int n = (int)(frac * BENCH_BAR * 8 + 0.5), i;

	if (n < 1)
		n = 1;
	for (i = 0; i < n / 8; i++)
		fputs(utf8 ? "\u2588" : "#", stdout);
	if (utf8)
		fputs(eighths[n % 8], stdout);
	else if (n % 8 >= 4)
		fputc('#', stdout);
}

/* The first line: what is copied where, on which kernel. */
static void
bench_print_what(const struct bench *b)
{
	char sz[32], dst[PATH_MAX + 64];

	units_size(sz, sizeof(sz), (double)b->size);
	if (b->to_socket)
		(void)snprintf(dst, sizeof(dst), "%s",
		    _("a loopback TCP connection"));
	else
		(void)snprintf(dst, sizeof(dst), "%s (%s)", quote(b->dir),
		    b->dst_fs);
	if (b->tree)
		printf(_("%s --bench: %s (%llu files, %llu directories, %s, "
		    "%s) -> %s, %s\n"), getprogname(), quote(b->src_path),
		    (unsigned long long)b->files, (unsigned long long)b->dirs,
		    sz, b->src_fs, dst, b->kernel);
	else if (b->made && b->to_socket)
		printf(_("%s --bench: a random %s file in %s (%s) -> %s, %s\n"),
		    getprogname(), sz, quote(b->dir), b->src_fs, dst,
		    b->kernel);
	else if (b->made)
		printf(_("%s --bench: a random %s file in %s, %s\n"),
		    getprogname(), sz, dst, b->kernel);
	else
		printf(_("%s --bench: %s (%s, %s) -> %s, %s\n"), getprogname(),
		    quote(b->src_path), sz, b->src_fs, dst, b->kernel);
}

/* A tree's notes: the state, and how the contenders run. */
static void
bench_print_tree(const struct bench *b)
{
	if (b->opts->bench_state == BENCH_STATE_DELETED)
		fputs(_("state: deleted (each run copies to the name of the "
		    "previous copy, removed and synced just before)\n"), stdout);
	else
		fputs(_("state: fresh (each run copies to a new name; the "
		    "copies are removed at the end)\n"), stdout);
	fputs(_("note: every contender runs as a command (zcp is this "
	    "zcp); its times include starting and ending it\n"), stdout);
	if (bench_find(b, BENCH_CP) != NULL)
		printf(_("note: cp is %s, run as cp -r%s\n"), b->cp,
		    b->opts->fsync ? _(", then the file system synced") : "");
}

static void
bench_print_header(const struct bench *b)
{
	const struct options *o = b->opts;

	bench_print_what(b);
	printf(P_("%u run of each after a warm-up, interleaved; %s; %s%s\n",
	    "%u runs of each after a warm-up, interleaved; %s; %s%s\n",
	    b->runs), b->runs,
	    o->bench_cold ? _("cold cache (the source dropped before each "
	    "run)") : _("warm cache"), b->to_socket ? _("each run ends when "
	    "the reader has received the last byte") : o->fsync ?
	    _("fsync included") : _("not flushed to disk"), o->verify ?
	    _("; --verify's check included (the copy flushed and read "
	    "back)") : "");
	if (b->resident > 0)
		printf(_("note: the kernel kept up to %d%% of the source in "
		    "memory after dropping it (tmpfs keeps its files there), "
		    "so runs read from memory\n"), b->resident);
	if (b->sparse)
		fputs(b->to_socket ? _("note: the source has holes: they are "
		    "sent as zeros\n") : _("note: the source has holes: the "
		    "engines copy its data only\n"), stdout);
	if (b->tree)
		bench_print_tree(b);
	else if (bench_find(b, BENCH_CP) != NULL)
		printf(_("note: cp is %s, run as a command: its times include "
		    "starting and ending a process\n"), b->cp);
}

/*
 * The cells of a row (or the headings), each in its column's width w[i]
 * (a terminal's columns: a translated heading may have more bytes), the
 * first column left-aligned, the others right-aligned.
 */
static void
bench_print_cells(const char *const *cell, const int *w)
{
	char buf[128];
	int i;

	for (i = 0; i < BENCH_NCOLS; i++)
		printf("%s%s", i > 0 ? " " : "", units_pad(buf, sizeof(buf),
		    cell[i], w[i], i == 0));
}

/* The row of a contender that did not run: why. */
static void
bench_print_absent(const struct bench_eng *e, int width, const char *label)
{
	if (e->failed)
		printf(_("%-*s  failed: %s\n"), width, label, e->why);
	else if (e->missing)
		printf(_("%-*s  skipped: not found in PATH\n"), width, label);
	else
		printf(_("%-*s  refused: %s (%s)\n"), width, label,
		    strerror(e->refused), bench_errname(e->refused));
}

static void
bench_print_row(const struct bench *b, const struct bench_eng *e,
    const int *w, double ref, bool utf8)
{
	const struct bench_eng *f = bench_fastest(b);
	char label[64], t1[16], t2[16], t3[16], rate[32], ratio[16];
	char spread[16], runs[16];
	const char *cell[BENCH_NCOLS];
	double r;

	bench_label(e, label, sizeof(label));
	if (!bench_ran(e)) {
		bench_print_absent(e, w[0], label);
		return;
	}
	if (e->cloned)
		(void)snprintf(rate, sizeof(rate), "%s", _("cloned"));
	else
		units_rate(rate, sizeof(rate), (double)b->size, e->median);
	r = e->median / f->median;
	(void)snprintf(ratio, sizeof(ratio), r < 99.5 ? "%.2fx" : "%.0fx", r);
	if (e->nruns < 2)
		(void)snprintf(spread, sizeof(spread), "-");
	else if (e->spread >= 999.5)
		(void)snprintf(spread, sizeof(spread), ">999%%");
	else
		(void)snprintf(spread, sizeof(spread), "%.0f%%", e->spread);
	(void)snprintf(runs, sizeof(runs), "%u", e->nruns);
	cell[0] = label;
	cell[1] = runs;
	cell[2] = units_time(t1, sizeof(t1), e->min);
	cell[3] = units_time(t2, sizeof(t2), e->median);
	cell[4] = units_time(t3, sizeof(t3), e->max);
	cell[5] = spread;
	cell[6] = rate;
	cell[7] = ratio;
	bench_print_cells(cell, w);
	fputs("  ", stdout);
	if (e->cloned)
		fputs(_("(no data copied)"), stdout);
	else if (ref > 0)
		bench_print_bar(ref / e->median, utf8);
	fputc('\n', stdout);
}

/* "a, b and c": the contenders within the fastest one's noise. */
static void
bench_print_ties(const struct bench *b)
{
	char label[64];
	int i, n = 0, k = 0;

	for (i = 0; i < b->neng; i++)
		n += b->eng[i].tie;
	for (i = 0; i < b->neng; i++) {
		if (!b->eng[i].tie)
			continue;
		printf("%s%s", k == 0 ? "" : k == n - 1 ? _(" and ") : ", ",
		    bench_label(&b->eng[i], label, sizeof(label)));
		k++;
	}
}

/* The end of a tree's verdict: the fastest against cp -r. */
static void
bench_print_over_cp(const struct bench *b, const struct bench_eng *f)
{
	const struct bench_eng *cp = bench_find(b, BENCH_CP);

	if (cp == NULL)
		fputs(_(" (cp -r was not timed)\n"), stdout);
	else if (cp == f)
		fputc('\n', stdout);
	else
		printf(_(", %.2fx as fast as cp -r\n"), cp->median / f->median);
}

/*
 * One line: the fastest, and how much faster than read/write; or, when
 * its lead is within the noise, the contenders that tie.
 */
static void
bench_print_verdict(const struct bench *b)
{
	const struct bench_eng *f = bench_fastest(b);
	const struct bench_eng *rw = bench_find(b, ENGINE_RW);
	const struct bench_eng *bad = bench_failed(b);
	char label[64];

	if (bad != NULL) {
		printf(_("no verdict: %s failed\n"), bench_name(bad->id));
		return;
	}
	if (f == NULL) {
		fputs(_("no engine could copy the source here\n"), stdout);
		return;
	}
	if (!b->clear) {
		fputs(_("no clear winner: "), stdout);
		bench_print_ties(b);
		fputs(_(" are within each other's noise (a median inside "
		    "another's min-max range)\n"), stdout);
		return;
	}
	bench_label(f, label, sizeof(label));
	printf(_("fastest: %s%s"), label, f->cloned ? _(" (a clone: the "
	    "copy shares the source's blocks)") : "");
	if (b->tree)
		bench_print_over_cp(b, f);
	else if (f == rw || (f->id == ENGINE_AUTO && f->used == ENGINE_RW &&
	    rw == NULL))
		fputs(_(", the plain read/write loop\n"), stdout);
	else if (rw == NULL)
		fputs(_(" (rw, read/write, was not timed)\n"), stdout);
	else
		printf(rw->median / f->median < 99.5 ?
		    _(", %.2fx as fast as rw (read/write)\n") :
		    _(", %.0fx as fast as rw (read/write)\n"),
		    rw->median / f->median);
}

/* zcp (auto, what a plain zcp does; zcp -r for a tree) against the
 * system's cp. */
static void
bench_print_versus_cp(const struct bench *b)
{
	const struct bench_eng *a = bench_find(b, bench_zcp(b));
	const struct bench_eng *cp = bench_find(b, BENCH_CP);
	char label[64];

	if (a == NULL || cp == NULL || bench_failed(b) != NULL)
		return;
	bench_label(a, label, sizeof(label));
	if (bench_overlap(a, cp))
		printf(_("zcp vs cp: no clear difference: %s and cp are within "
		    "each other's noise\n"), label);
	else if (a->median < cp->median)
		printf(_("zcp vs cp: zcp, %s, is %.2fx as fast as cp\n"), label,
		    cp->median / a->median);
	else
		printf(_("zcp vs cp: cp is %.2fx as fast as zcp, %s\n"),
		    a->median / cp->median, label);
}

/* The headings, in the user's language. */
static void
bench_print_heads(const int *w)
{
	const char *head[BENCH_NCOLS];
	int i;

	for (i = 0; i < BENCH_NCOLS; i++)
		head[i] = _(bench_cols[i].head);
	bench_print_cells(head, w);
	putchar('\n');
}

void
bench_print(const struct bench *b)
{
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	char label[64];
	double ref = 0;
	int i, w[BENCH_NCOLS], n, ran = 0;

	for (i = 0; i < BENCH_NCOLS; i++) {
		n = units_cols(_(bench_cols[i].head));
		w[i] = n > bench_cols[i].width ? n : bench_cols[i].width;
	}
	/* The rate of a clone is a word. */
	n = units_cols(_("cloned"));
	w[6] = n > w[6] ? n : w[6];
	for (i = 0; i < b->neng; i++) {
		n = units_cols(bench_label(&b->eng[i], label, sizeof(label)));
		w[0] = n > w[0] ? n : w[0];
		if (bench_ran(&b->eng[i]) && !b->eng[i].cloned &&
		    ref == 0)
			ref = b->eng[i].median;
		ran += bench_ran(&b->eng[i]);
	}
	bench_print_header(b);
	putchar('\n');
	bench_print_heads(w);
	for (i = 0; i < b->neng; i++)
		bench_print_row(b, &b->eng[i], w, ref, utf8);
	printf("\n");
	if (ran > 1 && b->runs == 1)
		fputs(_("note: one run each measures no spread, so a lead may "
		    "be noise (--runs=5 or more tells)\n"), stdout);
	bench_print_verdict(b);
	bench_print_versus_cp(b);
}
