/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-layout.c: the status line -g redraws on a terminal.  The
 * rules, all here:
 *
 * 1. The figures, in the order a person reads them: percent, bytes done
 *    of total ("1.68/4.00 GiB"), rate, ETA, files ("3/10 files": the one
 *    being copied counts), then the name of the file being copied.
 * 2. Each is padded to its usual width (LAYOUT_*; bytes and files as wide
 *    as their totals) so that they stay in place as the numbers change.
 *    One that does not fit is left out, and so is every one after it.
 * 3. The name gets the columns that are left, if there are at least
 *    LAYOUT_NAME_MIN; when too long, its start gives way to an ellipsis:
 *    its end, the base name, stays.
 * 4. The bar stands after the percent, which is then right-aligned in
 *    LAYOUT_PCT columns.  The bar's width depends on the terminal's width
 *    alone: once the figures and LAYOUT_NAME columns of name are counted
 *    at their usual widths, it gets half of what is left, from
 *    LAYOUT_BAR_MIN to LAYOUT_BAR_MAX cells; with less room there is no
 *    bar.  So it is the first to go when the terminal is narrow: 80
 *    columns keep all the figures and a short bar, 50 all the figures, 40
 *    percent, bytes, rate and ETA.
 * 5. While the tree is counted the bar reads "counting..." (without a
 *    bar, the ETA's place does).  While close() or fsync() waits for the
 *    disk after the last byte, rate and ETA give way to "flushing N...".
 * 6. The line takes at most cols - 1 columns: writing the last one
 *    makes some terminals wrap.
 */
#include "config.h"

#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "progress-layout.h"

#define LAYOUT_PCT	4	/* "100%" */
#define LAYOUT_BYTES	13	/* "1.68/4.00 GiB" */
#define LAYOUT_RATE	10	/* "1023 MiB/s" */
#define LAYOUT_ETA	8	/* "ETA 0:04" */
#define LAYOUT_FILES	10	/* "3/10 files" */
#define LAYOUT_NAME	16	/* the name's columns before the bar's */
#define LAYOUT_NAME_MIN	8	/* fewer columns: no name */
#define LAYOUT_BAR_MIN	10	/* cells */
#define LAYOUT_BAR_MAX	50

/* What is being laid out: the line, and its columns so far. */
struct layout {
	struct pline	*l;
	int		 used, width;
	bool		 full;		/* a figure did not fit: no more */
};

static int	layout_cols(const char *);
static void	layout_pad(struct pline *, int);

int
layout_bar_cells(int cols)
{
	int rest = cols - 1 - (LAYOUT_PCT + 1 + LAYOUT_BYTES + 1 +
	    LAYOUT_RATE + 1 + LAYOUT_ETA + 1 + LAYOUT_FILES) -
	    (1 + LAYOUT_NAME) - 3;

	if (rest < LAYOUT_BAR_MIN)
		return 0;
	rest = LAYOUT_BAR_MIN + (rest - LAYOUT_BAR_MIN) / 2;
	return rest < LAYOUT_BAR_MAX ? rest : LAYOUT_BAR_MAX;
}

/* Appends f (cols columns), after a space unless it is first. */
static void
layout_add(struct layout *y, const struct pline *f, int cols)
{
	int sep = y->used > 0 ? 1 : 0;

	if (y->full || y->used + sep + cols > y->width) {
		y->full = true;
		return;
	}
	pl_str(y->l, sep ? " " : "");
	pl_str(y->l, f->b);
	y->used += sep + cols;
}

/*
 * The percent; with a bar, right-aligned in LAYOUT_PCT columns (blank
 * while the tree is counted) so that the bar never moves.
 */
static void
layout_percent(struct layout *y, const struct progress_snap *s, bool bar)
{
	struct pline f, p;

	pl_clear(&p);
	if (pl_known(s)) {
		pl_uint(&p, pl_percent(s->done, s->total), 1);
		pl_str(&p, "%");
	}
	pl_clear(&f);
	if (bar)
		pl_pad(&f, 0, LAYOUT_PCT - p.n);
	pl_str(&f, p.b);
	layout_add(y, &f, (int)f.n);
}

/* "[=====>    ]" or Unicode blocks; "[counting...]" while counting. */
static void
layout_bar(struct pline *l, const struct progress_snap *s, int cells,
    bool utf8)
{
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589"
	};
	const char *w;
	int n, used = 0;

	pl_str(l, "[");
	if (s->counting) {
		w = cells >= layout_cols(pl_w->counting) ? pl_w->counting :
		    pl_w->counting_short;
		if ((used = layout_cols(w)) <= cells)
			pl_str(l, w);
		else
			used = 0;
	} else {
		n = (int)((double)s->done / (double)s->total * cells * 8);
		n = n < 0 ? 0 : n > cells * 8 ? cells * 8 : n;
		for (; used < n / 8; used++)
			pl_str(l, utf8 ? "\u2588" : "=");
		if (used < cells && n > 0 && (!utf8 || n % 8 > 0)) {
			pl_str(l, utf8 ? eighths[n % 8] : ">");
			used++;
		}
	}
	for (; used < cells; used++)
		pl_str(l, " ");
	pl_str(l, "]");
}

/* "1.68/4.00 GiB": done in the total's unit, as wide as the total. */
static void
layout_bytes(struct pline *f, const struct progress_snap *s)
{
	struct pline t, d;
	unsigned unit, dec;
	static const char *const u[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};

	if (!pl_known(s)) {
		pl_size(f, (double)s->done);
		pl_pad(f, 0, 8);	/* "1023 MiB" */
		return;
	}
	pl_scale((double)s->total, &unit, &dec);
	pl_clear(&t);
	pl_number(&t, (double)s->total, unit, dec, false);
	pl_clear(&d);
	pl_number(&d, (double)s->done, unit, dec, false);
	pl_pad(f, f->n, t.n > d.n ? t.n - d.n : 0);
	pl_str(f, d.b);
	pl_str(f, "/");
	pl_str(f, t.b);
	pl_str(f, " ");
	pl_str(f, u[unit]);
}

/* Rate and ETA (or "flushing..." in their place, or "counting..."). */
static void
layout_rate(struct layout *y, const struct progress_snap *s, bool bar)
{
	double rate = s->rate > 0 ? s->rate : s->avg;
	struct pline f;

	pl_clear(&f);
	if (s->flushing) {
		pl_flushing(&f, s);
		layout_pad(&f, LAYOUT_RATE + 1 + LAYOUT_ETA);
		layout_add(y, &f, layout_cols(f.b));
		return;
	}
	pl_size(&f, rate);
	pl_str(&f, "/s");
	pl_pad(&f, 0, LAYOUT_RATE);
	layout_add(y, &f, (int)f.n);
	pl_clear(&f);
	if (s->counting && !bar)
		pl_str(&f, pl_w->counting);
	else if (pl_known(s) && rate > 0) {
		pl_str(&f, pl_w->eta);
		pl_clock(&f, s->done >= s->total ? 0 :
		    (double)(s->total - s->done) / rate);
	} else if (!pl_known(s))
		return;
	layout_pad(&f, LAYOUT_ETA);
	layout_add(y, &f, layout_cols(f.b));
}

/* "3/10 files": the files done and those being copied, of the total. */
static void
layout_files(struct layout *y, const struct progress_snap *s)
{
	uint64_t nf = s->counting ? 0 : s->nfiles, k = s->files + s->active;
	struct pline f, t;

	pl_clear(&t);
	pl_clear(&f);
	if (nf > 0) {
		/* As wide as the total: " 9/10", "10/10". */
		pl_uint(&t, nf, 1);
		pl_uint(&f, k, (int)t.n);
		for (t.n = 0; f.b[t.n] == '0' && t.n + 1 < f.n; t.n++)
			f.b[t.n] = ' ';
		pl_str(&f, "/");
		pl_uint(&f, nf, 1);
	} else
		pl_uint(&f, k, 1);
	pl_str(&f, (nf > 0 ? nf : k) == 1 ? pl_w->file : pl_w->files);
	layout_add(y, &f, layout_cols(f.b));
}

/*
 * Reads one character of s (n bytes): returns its bytes, and sets *w to
 * its columns, or -1 if it cannot be shown (it will be a '?').
 */
static size_t
layout_char(const char *s, size_t n, mbstate_t *st, int *w)
{
	wchar_t wc;
	size_t r = mbrtowc(&wc, s, n, st);

	if (r == 0 || r > n) {
		memset(st, 0, sizeof(*st));
		*w = -1;
		return 1;
	}
	*w = iswprint((wint_t)wc) ? wcwidth(wc) : -1;
	return r;
}

/* The columns s takes (a character that cannot be shown: one). */
static int
layout_cols(const char *s)
{
	size_t n = strlen(s), o, r;
	mbstate_t st;
	int total = 0, w;

	memset(&st, 0, sizeof(st));
	for (o = 0; o < n; o += r) {
		r = layout_char(s + o, n - o, &st, &w);
		total += w < 0 ? 1 : w;
	}
	return total;
}

/* Spaces after f's text until it takes width columns. */
static void
layout_pad(struct pline *f, int width)
{
	int c;

	for (c = layout_cols(f->b); c < width; c++)
		pl_str(f, " ");
}

/* Appends the end of name that fits in room columns (room >= 4). */
static void
layout_name(struct pline *l, const char *name, int room, bool utf8)
{
	size_t n = strlen(name), o, r;
	int total = 0, w;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (o = 0; o < n; o += r) {
		r = layout_char(name + o, n - o, &st, &w);
		total += w < 0 ? 1 : w;
	}
	memset(&st, 0, sizeof(st));
	o = 0;
	if (total > room) {
		pl_str(l, utf8 ? "\u2026" : "...");
		room -= utf8 ? 1 : 3;
		for (; o < n && total > room; o += r) {
			r = layout_char(name + o, n - o, &st, &w);
			total -= w < 0 ? 1 : w;
		}
	}
	for (; o < n; o += r) {
		r = layout_char(name + o, n - o, &st, &w);
		if (w < 0)
			pl_str(l, "?");
		else if (l->n + r < sizeof(l->b)) {
			memcpy(l->b + l->n, name + o, r);
			l->n += r;
			l->b[l->n] = '\0';
		}
	}
}

void
layout_line(struct pline *l, const struct progress_snap *s, int cols,
    bool utf8)
{
	struct layout y = { l, 0, cols - 1, false };
	int cells = layout_bar_cells(cols);
	bool bar = cells > 0 && (pl_known(s) || s->counting);
	struct pline f;

	if (pl_known(s) || bar)
		layout_percent(&y, s, bar);
	if (bar) {
		pl_str(l, " ");
		layout_bar(l, s, cells, utf8);
		y.used += 1 + cells + 2;
	}
	pl_clear(&f);
	layout_bytes(&f, s);
	layout_add(&y, &f, (int)f.n);
	layout_rate(&y, s, bar);
	layout_files(&y, s);
	if (!y.full && s->active > 0 && s->name[0] != '\0' &&
	    y.width - y.used - 1 >= LAYOUT_NAME_MIN) {
		pl_str(l, " ");
		layout_name(l, s->name, y.width - y.used - 1, utf8);
	}
}
