/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/bench.c: zcp --bench, the engines timed side by side on one file.
 *
 * Copies SOURCE into a temporary file in DIRECTORY with each engine, and
 * with the system's cp (cp.c), or with --to-socket sends it into a
 * loopback TCP connection (socket.c): one warm-up round, which also
 * finds the engines the kernel refuses and checks the bytes of each
 * copy, then --runs timed rounds, interleaved (A B C A B C) so that drift
 * hits every contender alike (copy.c times one run).  Every temporary
 * file is removed on the way out, also when a signal ends the process
 * (tmp.c).  print.c prints the results for people, data.c as JSON or CSV.
 *
 * SOURCE may be a directory: then the contenders are commands copying the
 * tree (tree.c), in the state --bench-state asks for, and the rounds,
 * the verdict and the output are the same.
 *
 * With --sweep, sweep.c times the contenders over a range of sizes, and
 * the results go to table.c and chart.c, data.c, plot.c (--plot).
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/chart.h"
#include "bench/copy.h"
#include "bench/data.h"
#include "bench/plot.h"
#include "bench/print.h"
#include "bench/result.h"
#include "bench/setup.h"
#include "bench/socket.h"
#include "bench/status.h"
#include "bench/sweep.h"
#include "bench/table.h"
#include "bench/tmp.h"
#include "bench/tree.h"
#include "nls.h"
#include "quote.h"
#include "units.h"

/*
 * The operands: SOURCE [DIRECTORY], or [DIRECTORY] with --bench-size;
 * --to-socket copies nothing into a DIRECTORY, which is only where
 * --bench-size makes its source.  No DIRECTORY: NULL, which
 * bench_check() makes "." for a file, the source's parent for a tree.
 */
static void
bench_operands(struct bench *b, int n, char **files)
{
	int nsrc = b->opts->bench_size ? 0 : 1;
	int most = nsrc + (b->to_socket && nsrc ? 0 : 1);

	if (n < nsrc) {
		warnx(CP_("missing file operand"));
		options_usage_hint();
	}
	if (n > most) {
		warnx(CP_("extra operand %s"), quote(files[most]));
		options_usage_hint();
	}
	b->src_path = nsrc ? files[0] : NULL;
	b->dir = n > nsrc ? files[nsrc] : NULL;
}

static const char *
bench_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return _("a fifo");
	if (S_ISSOCK(m))
		return _("a socket");
	if (S_ISCHR(m))
		return _("a character device");
	if (S_ISBLK(m))
		return _("a block device");
	return _("not a regular file");
}

/*
 * Refuses bad input with one line, before anything is written: a source
 * that is not a non-empty regular file (or a directory: tree.c checks
 * a tree), a DIRECTORY that is not a writable directory, too little free
 * space for the copies.
 */
static void
bench_check(struct bench *b, struct stat *sst)
{
	uint64_t need, avail, k;
	char n1[32], n2[32];

	if (b->src_path != NULL) {
		if (stat(b->src_path, sst) == -1)
			err(1, CP_("cannot stat %s"), quote(b->src_path));
		if (S_ISDIR(sst->st_mode)) {
			bench_tree_check(b);
			return;
		}
		if (b->opts->bench_state)
			errx(1, _("--bench-state can be used only with --bench "
			    "on a directory"));
		if (!S_ISREG(sst->st_mode))
			errx(1, _("--bench needs a regular file or a "
			    "directory: %s is %s"),
			    quote(b->src_path), bench_kind(sst->st_mode));
		if (sst->st_size == 0)
			errx(1, _("--bench needs data to copy: %s is empty"),
			    quote(b->src_path));
		b->size = (uint64_t)sst->st_size;
	} else
		b->size = b->opts->bench_size;
	if (b->dir == NULL)
		b->dir = ".";
	if (b->to_socket && !b->opts->bench_size)
		return;		/* nothing is written */
	avail = bench_setup_dir(b->dir);
	/* The copy, and the made-up source; sizes never wrap to small ones. */
	k = (b->to_socket ? 0 : 1) + (b->src_path == NULL ? 1 : 0);
	need = b->size > UINT64_MAX / 2 ? UINT64_MAX : b->size * k;
	if (avail < need)
		errx(1, _("not enough free space in %s: --bench needs %s, %s "
		    "available"), quote(b->dir), units_size(n1, sizeof(n1),
		    (double)need), units_size(n2, sizeof(n2), (double)avail));
}

/* One run of e: of the file, or of the tree. */
static double
bench_run_one(struct bench *b, struct bench_eng *e, bool first)
{
	return b->tree ? bench_tree_copy(b, e, first) :
	    bench_copy(b, e, first);
}

/* The warm-up round, then the timed rounds, interleaved. */
static void
bench_rounds(struct bench *b)
{
	unsigned runs = b->runs, r;
	struct bench_eng *e;
	double t;
	int i;

	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (e->missing) {
			b->failed |= b->opts->bench_engines != 0;
			continue;
		}
		bench_status(_("warm-up, %s"), bench_name(e->id));
		if (bench_run_one(b, e, true) < 0 &&
		    b->opts->bench_engines != 0)
			b->failed = true;
	}
	for (r = 0; r < runs; r++)
		for (i = 0; i < b->neng; i++) {
			e = &b->eng[i];
			if (e->refused || e->missing || e->failed)
				continue;
			bench_status(_("run %u of %u, %s"), r + 1, runs,
			    bench_name(e->id));
			/* Only a tree's contender fails here (-1). */
			if ((t = bench_run_one(b, e, false)) >= 0)
				e->secs[e->nruns++] = t;
		}
	bench_status_clear();
}

/* The results on stdout: a table, or JSON or CSV as the options say. */
static void
bench_output(const struct bench *b)
{
	if (b->opts->json)
		bench_data_json(b);
	else if (b->opts->csv)
		bench_data_csv(b);
	else
		bench_print(b);
}

/*
 * After the results: says which contenders asked for did not run, and
 * frees the runs.
 */
static void
bench_finish(struct bench *b)
{
	int i;

	for (i = 0; i < b->neng; i++) {
		if (b->eng[i].refused && b->opts->bench_engines != 0) {
			(void)fflush(stdout);
			errno = b->eng[i].refused;
			warn(_("%s: refused by the kernel here"),
			    bench_name(b->eng[i].id));
		}
		if (b->eng[i].missing && b->opts->bench_engines != 0) {
			(void)fflush(stdout);
			warnx(_("cp: not found in PATH"));
		}
		if (b->eng[i].failed) {
			(void)fflush(stdout);
			warnx(_("%s failed: %s"), bench_name(b->eng[i].id),
			    b->eng[i].why);
		}
		free(b->eng[i].secs);
	}
	engine_buf_free(&b->buf);
}

/*
 * The sweep's results: the picture (--plot), then on stdout JSON, CSV,
 * or the table and (on a terminal, or with --chart) the chart.
 */
static void
bench_sweep_output(struct bench_sweep *sw)
{
	const struct options *o = sw->opts;

	if (o->plot != NULL && bench_plot(sw, o->plot) == -1) {
		warn(_("cannot write the plot to %s"), quote(o->plot));
		sw->failed = true;
	}
	if (o->json)
		bench_data_sweep_json(sw);
	else if (o->csv)
		bench_data_sweep_csv(sw);
	else {
		bench_table(sw);
		if (o->chart == CHART_ALWAYS || (o->chart == CHART_AUTO &&
		    isatty(STDOUT_FILENO)))
			bench_chart(sw);
	}
}

/*
 * After a sweep: says which contenders asked for did not run (at the
 * first size where they did not), once each.
 */
static void
bench_sweep_finish(const struct bench_sweep *sw)
{
	const struct bench_eng *e;
	unsigned i;
	int k, j;

	for (k = 0; k < BENCH_MAX && sw->opts->bench_engines != 0; k++)
		for (i = 0; i < sw->n; i++) {
			for (j = 0, e = NULL; j < sw->size[i].neng; j++)
				if (sw->size[i].eng[j].id == bench_order(k))
					e = &sw->size[i].eng[j];
			if (e == NULL || (!e->refused && !e->missing))
				continue;
			(void)fflush(stdout);
			errno = e->refused;
			if (e->missing)
				warnx(_("cp: not found in PATH"));
			else
				warn(_("%s: refused by the kernel here"),
				    bench_name(e->id));
			break;
		}
}

/* zcp --bench --sweep. */
static int
bench_sweep(const struct options *o, int n, char **files)
{
	struct bench_sweep sw = { .opts = o };

	if (o->plot != NULL && bench_plot_check(o->plot) == -1)
		err(1, _("cannot write the plot to %s"), quote(o->plot));
	bench_sweep_time(&sw, n, files);
	bench_sweep_output(&sw);
	bench_sweep_finish(&sw);
	bench_sweep_free(&sw);
	return sw.failed;
}

int
bench_run(const struct options *o, int n, char **files)
{
	struct bench b = {
		.opts = o,
		.to_socket = o->bench_socket,
		.sock = { .listen = -1 },
		.resident = o->bench_cold ? 0 : -1,
		.src = -1,
		.runs = o->bench_runs,
	};
	struct stat sst;

	if (o->sweep)
		return bench_sweep(o, n, files);
	bench_operands(&b, n, files);
	bench_check(&b, &sst);
	bench_tmp_catch();
	bench_setup(&b, &sst);
	if (b.tree)
		bench_tree_setup(&b, o->bench_runs);
	else
		bench_setup_contenders(&b, o->bench_engines, o->bench_runs);
	bench_rounds(&b);
	if (b.tree && bench_tree_finish(&b) == -1)
		b.failed = true;
	bench_summarize(&b);
	bench_socket_close(&b.sock);
	(void)close(b.src);
	if (b.made && bench_tmp_forget(BENCH_SRC) == -1)
		warn(CP_("cannot remove %s"), quote(bench_tmp_path(BENCH_SRC)));
	bench_output(&b);
	bench_finish(&b);
	free(b.dir_chosen);
	/* A write error on stdout is reported at exit (closeout.c). */
	return b.failed;
}
