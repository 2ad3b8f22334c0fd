/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/plot.c: zcp --bench --sweep --plot=FILE, the curves as a
 * standalone SVG picture: throughput against file size, both axes
 * logarithmic (axis.c), for each contender a line through its medians
 * with a marker at each size and a band from its slowest to its fastest
 * run, cp dashed; the axes with their ticks and labels, a legend beside
 * the plot (never over a line) and a title naming the kernel, the file
 * systems and the cache.  Each contender's band, line and markers are
 * one group, <g class="series" data-engine="NAME">, and the legend is
 * <g id="legend">, so that a program can find them.  The words people
 * read (the title, the names of the axes, the legend's notes) are in
 * their language, as the table's.  chart.c draws the same with
 * characters.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/axis.h"
#include "bench/plot.h"
#include "bench/result.h"
#include "compat.h"
#include "nls.h"

/* The picture, the plot area in it, and the legend's left edge. */
#define PLOT_W		960
#define PLOT_H		560
#define PLOT_X0		96.0
#define PLOT_X1		700.0
#define PLOT_Y0		84.0
#define PLOT_Y1		468.0
#define PLOT_LEGEND	724.0

/* How each contender is drawn, by id (colour-blind safe colours). */
static const struct {
	const char	*colour;
	const char	*marker;	/* a path around (0,0) */
} plot_style[BENCH_MAX] = {
	[ENGINE_CLONE] = { .colour = "#cc79a7",
	    .marker = "M-5,-5h10v10h-10z" },
	[ENGINE_CFR] = { .colour = "#0072b2",
	    .marker = "M-5,0a5,5 0 1,0 10,0a5,5 0 1,0 -10,0z" },
	[ENGINE_SENDFILE] = { .colour = "#e69f00",
	    .marker = "M-4.5,-4.5h9v9h-9z" },
	[ENGINE_SPLICE] = { .colour = "#009e73",
	    .marker = "M0,-6L5.5,4h-11z" },
	[ENGINE_RW] = { .colour = "#d55e00",
	    .marker = "M0,-6L6,0L0,6L-6,0z" },
	[ENGINE_AUTO] = { .colour = "#56b4e9",
	    .marker = "M0,6L5.5,-4h-11z" },
	[BENCH_CP] = { .colour = "#000000",
	    .marker = "M-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0z" },
};

struct plot {
	FILE		*f;
	const struct bench_sweep *sw;
	struct bench_axis y;
	double		 xlo, xhi;	/* log2 of the x axis' ends */
	int		 ids[BENCH_MAX];
	int		 n;
};

/* s with XML's special characters escaped. */
static void
plot_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
}

static double
plot_x(const struct plot *p, double size)
{
	return PLOT_X0 + (log2(size) - p->xlo) / (p->xhi - p->xlo) *
	    (PLOT_X1 - PLOT_X0);
}

static double
plot_y(const struct plot *p, double rate)
{
	return PLOT_Y1 - bench_axis_at(&p->y, rate) * (PLOT_Y1 - PLOT_Y0);
}

/* The axes' ranges: the sizes, half a step beyond; the rates' bands. */
static bool
plot_ranges(struct plot *p)
{
	const struct bench_sweep *sw = p->sw;
	double med, lo, hi, min = 0, max = 0;
	unsigned i;
	int k;

	for (i = 0; i < sw->n; i++)
		for (k = 0; k < p->n; k++)
			if (bench_rates(&sw->size[i], p->ids[k], &med, &lo,
			    &hi)) {
				min = min == 0 || lo < min ? lo : min;
				max = hi > max ? hi : max;
			}
	if (max == 0)
		return false;
	bench_axis(&p->y, min, max, 8, false);
	p->xlo = log2((double)sw->size[0].size) - 1;
	p->xhi = log2((double)sw->size[sw->n - 1].size) + 1;
	return true;
}

/* The title, and the line under it: kernel, file systems, cache. */
static void
plot_title(const struct plot *p)
{
	const struct options *o = p->sw->opts;
	const struct bench *b = &p->sw->size[0];
	char title[256];

	(void)snprintf(title, sizeof(title), _("%s --bench --sweep: copy "
	    "throughput against file size"), getprogname());
	fputs("<text x=\"24\" y=\"34\" font-size=\"19\" "
	    "font-weight=\"bold\">", p->f);
	plot_text(p->f, title);
	fputs("</text>\n<text x=\"24\" y=\"58\" font-size=\"13\">", p->f);
	plot_text(p->f, b->kernel);
	fputs(" \u00b7 ", p->f);
	plot_text(p->f, b->src_fs);
	fputs(" \u2192 ", p->f);
	plot_text(p->f, b->to_socket ? _("loopback TCP") : b->dst_fs);
	fputs(" \u00b7 ", p->f);
	plot_text(p->f, o->bench_cold ? _("cold cache") : _("warm cache"));
	fputs(" \u00b7 ", p->f);
	plot_text(p->f, b->to_socket ? _("until received") : o->fsync ?
	    _("fsync included") : _("not flushed to disk"));
	if (o->verify)
		plot_text(p->f, _(", --verify's check included"));
	fputs("</text>\n", p->f);
}

/* The frame, the grid, the ticks and their labels, the axes' names. */
static void
plot_axes(const struct plot *p)
{
	char label[32];
	double v, y, x;
	unsigned i;

	fprintf(p->f, "<rect id=\"plot-area\" x=\"%.0f\" y=\"%.0f\" "
	    "width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n"
	    "<g font-size=\"12\" fill=\"#333\">\n", PLOT_X0, PLOT_Y0,
	    PLOT_X1 - PLOT_X0, PLOT_Y1 - PLOT_Y0);
	for (v = p->y.first; v <= p->y.hi * 1.001; v *= p->y.step) {
		y = plot_y(p, v);
		fprintf(p->f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" "
		    "y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.0f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n", PLOT_X0,
		    y, PLOT_X1, y, PLOT_X0 - 8, y + 4, bench_axis_label(label,
		    sizeof(label), v, "/s"));
	}
	for (i = 0; i < p->sw->n; i++) {
		x = plot_x(p, (double)p->sw->size[i].size);
		fprintf(p->f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
		    "y2=\"%.0f\" stroke=\"#ddd\"/>\n", x, PLOT_Y0, x, PLOT_Y1);
		if (p->sw->n <= 12 || i % 2 == 0)
			fprintf(p->f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor="
			    "\"middle\">%s</text>\n", x, PLOT_Y1 + 20,
			    bench_axis_label(label, sizeof(label),
			    (double)p->sw->size[i].size, ""));
	}
	fprintf(p->f, "</g>\n<g font-size=\"13\"><text x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"middle\">", (PLOT_X0 + PLOT_X1) / 2, PLOT_Y1 + 46);
	plot_text(p->f, _("file size (logarithmic)"));
	fprintf(p->f, "</text>\n<text transform=\"translate(24 %.0f) "
	    "rotate(-90)\" text-anchor=\"middle\">", (PLOT_Y0 + PLOT_Y1) / 2);
	plot_text(p->f, _("throughput (logarithmic)"));
	fputs("</text></g>\n", p->f);
}

/* The band of contender id: its fastest runs, then back along its slowest. */
static void
plot_band(const struct plot *p, int id)
{
	double med, lo, hi;
	int i, n = (int)p->sw->n;

	fprintf(p->f, "<polygon fill=\"%s\" fill-opacity=\"0.14\" "
	    "stroke=\"%s\" stroke-opacity=\"0.25\" points=\"",
	    plot_style[id].colour, plot_style[id].colour);
	for (i = 0; i < n; i++)
		if (bench_rates(&p->sw->size[i], id, &med, &lo, &hi))
			fprintf(p->f, "%.1f,%.1f ", plot_x(p,
			    (double)p->sw->size[i].size), plot_y(p, hi));
	for (i = n - 1; i >= 0; i--)
		if (bench_rates(&p->sw->size[i], id, &med, &lo, &hi))
			fprintf(p->f, "%.1f,%.1f ", plot_x(p,
			    (double)p->sw->size[i].size), plot_y(p, lo));
	fputs("\"/>\n", p->f);
}

/* Contender id: its band, the line through its medians, its markers. */
static void
plot_series(const struct plot *p, int id)
{
	const char *c = plot_style[id].colour;
	double med, lo, hi, x;
	unsigned i;

	fprintf(p->f, "<g class=\"series\" data-engine=\"%s\">\n",
	    bench_name(id));
	plot_band(p, id);
	fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"2.5\" stroke-linejoin=\"round\"%s points=\"", c,
	    id == BENCH_CP ? " stroke-dasharray=\"8 5\"" : "");
	for (i = 0; i < p->sw->n; i++)
		if (bench_rates(&p->sw->size[i], id, &med, &lo, &hi))
			fprintf(p->f, "%.1f,%.1f ", plot_x(p,
			    (double)p->sw->size[i].size), plot_y(p, med));
	fputs("\"/>\n", p->f);
	for (i = 0; i < p->sw->n; i++)
		if (bench_rates(&p->sw->size[i], id, &med, &lo, &hi)) {
			x = plot_x(p, (double)p->sw->size[i].size);
			fprintf(p->f, "<path transform=\"translate(%.1f %.1f)\""
			    " d=\"%s\" fill=\"%s\" stroke=\"#fff\" "
			    "stroke-width=\"1\"/>\n", x, plot_y(p, med),
			    plot_style[id].marker, c);
		}
	fputs("</g>\n", p->f);
}

/* The legend, right of the plot: a sample of each line, and its name. */
static void
plot_legend(const struct plot *p)
{
	char label[64];
	double y;
	int k;

	fprintf(p->f, "<g id=\"legend\" font-size=\"13\">\n<rect x=\"%.0f\" "
	    "y=\"%.0f\" width=\"%.0f\" height=\"%d\" fill=\"#fff\" "
	    "stroke=\"#bbb\"/>\n", PLOT_LEGEND, PLOT_Y0, PLOT_W - PLOT_LEGEND -
	    16, 58 + 26 * p->n);
	for (k = 0; k < p->n; k++) {
		y = PLOT_Y0 + 22 + 26 * k;
		fprintf(p->f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
		    "y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>"
		    "<path transform=\"translate(%.0f %.0f)\" d=\"%s\" "
		    "fill=\"%s\" stroke=\"#fff\"/><text x=\"%.0f\" "
		    "y=\"%.0f\">", PLOT_LEGEND + 12, y, PLOT_LEGEND + 48, y,
		    plot_style[p->ids[k]].colour, p->ids[k] == BENCH_CP ?
		    " stroke-dasharray=\"8 5\"" : "", PLOT_LEGEND + 30, y,
		    plot_style[p->ids[k]].marker,
		    plot_style[p->ids[k]].colour, PLOT_LEGEND + 58, y + 4);
		plot_text(p->f, bench_series_label(p->sw, p->ids[k], label,
		    sizeof(label)));
		fputs("</text>\n", p->f);
	}
	fprintf(p->f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" "
	    "fill=\"#555\">", PLOT_LEGEND + 12, PLOT_Y0 + 38 + 26 * p->n);
	plot_text(p->f, _("line: the median run"));
	fprintf(p->f, "</text>\n<text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"12\" fill=\"#555\">", PLOT_LEGEND + 12, PLOT_Y0 +
	    56 + 26 * p->n);
	plot_text(p->f, _("band: slowest to fastest run"));
	fputs("</text>\n</g>\n", p->f);
}

int
bench_plot(const struct bench_sweep *sw, const char *path)
{
	struct plot p = { .sw = sw };
	int k, e;

	p.n = bench_series(sw, p.ids);
	if ((p.f = fopen(path, "we")) == NULL)
		return -1;
	fprintf(p.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, "
	    "sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"#fff\"/>\n", PLOT_W, PLOT_H, PLOT_W, PLOT_H);
	plot_title(&p);
	if (plot_ranges(&p)) {
		plot_axes(&p);
		for (k = 0; k < p.n; k++)
			plot_series(&p, p.ids[k]);
		plot_legend(&p);
	}
	fputs("</svg>\n", p.f);
	errno = 0;
	e = fflush(p.f) == EOF || ferror(p.f) ? (errno ? errno : EIO) : 0;
	if (fclose(p.f) == EOF && e == 0)
		e = errno;
	errno = e;
	return e != 0 ? -1 : 0;
}

int
bench_plot_check(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		return access(path, W_OK);
	}
	if (errno != ENOENT)
		return -1;
	if (slash == NULL)
		return access(".", W_OK | X_OK);
	if ((size_t)(slash - path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	return access(dir, W_OK | X_OK);
}
