/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/sweep.c: zcp --bench --sweep, the contenders timed over a range
 * of file sizes, for the curve of throughput against size.
 *
 * Each size is a --bench of its own on a random source made in DIRECTORY
 * (setup.c): a warm-up round, then timed rounds with the contenders
 * interleaved (copy.c times one run), then its verdict (result.c).  The
 * sizes share a time budget (--sweep-time, a minute by default): each
 * size may spend on its timed rounds what is left once the sizes still
 * to come have been given their least cost (a warm-up and SWEEP_MIN_RUNS
 * rounds, guessed from the sizes done), shared evenly among it and
 * them, and a quarter of an even share at least.  Small sizes thus stop
 * at SWEEP_MAX_RUNS rounds and pass the time they did not use on to the
 * big ones.  --runs=N times N rounds at
 * every size instead.  A status line on a terminal says where it is.
 */
#include "config.h"

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/copy.h"
#include "bench/result.h"
#include "bench/setup.h"
#include "bench/socket.h"
#include "bench/status.h"
#include "bench/sweep.h"
#include "bench/tmp.h"
#include "nls.h"
#include "quote.h"
#include "units.h"

/* The budget, and the fewest and most timed rounds at one size. */
#define SWEEP_TIME	60.0
#define SWEEP_MIN_RUNS	3
#define SWEEP_MAX_RUNS	25

/* The default sizes: 4 KiB to 1 GiB in powers of 4. */
static const uint64_t sweep_default[] = {
	(uint64_t)1 << 12, (uint64_t)1 << 14, (uint64_t)1 << 16,
	(uint64_t)1 << 18, (uint64_t)1 << 20, (uint64_t)1 << 22,
	(uint64_t)1 << 24, (uint64_t)1 << 26, (uint64_t)1 << 28,
	(uint64_t)1 << 30
};

#define SWEEP_NDEFAULT	(sizeof(sweep_default) / sizeof(sweep_default[0]))

/*
 * What the sizes done say about those to come: the seconds of the last
 * two sizes' setup (making the source, the warm-up) and of one of their
 * timed rounds.
 */
struct sweep_fit {
	unsigned	 n;		/* sizes seen, up to 2 */
	double		 size[2];	/* their bytes, the last one second */
	double		 setup[2];
	double		 round[2];
};

/* Above this size, a copy's time grows with its bytes. */
#define SWEEP_LINEAR	((double)(1 << 20))

/*
 * The seconds y (setup or round) would take at a larger size: in
 * proportion to the last size's once that was large enough for its
 * bytes to dominate; before, on the line through the last two sizes (a
 * fixed cost and a cost per byte).
 */
static double
sweep_guess(const struct sweep_fit *f, const double *y, double bytes)
{
	double last, c = 0, a;

	if (f->n == 0)
		return 0;
	last = f->size[f->n - 1];
	if (last >= SWEEP_LINEAR)
		return y[f->n - 1] * bytes / last;
	if (f->n == 2 && last > f->size[0])
		c = (y[1] - y[0]) / (last - f->size[0]);
	c = c > 0 ? c : 0;
	a = y[f->n - 1] - c * last;
	return (a > 0 ? a : 0) + c * bytes;
}

static void
sweep_fit_add(struct sweep_fit *f, double bytes, double setup, double round)
{
	if (f->n == 2) {
		f->size[0] = f->size[1];
		f->setup[0] = f->setup[1];
		f->round[0] = f->round[1];
	}
	f->n += f->n < 2;
	f->size[f->n - 1] = bytes;
	f->setup[f->n - 1] = setup;
	f->round[f->n - 1] = round;
}

/*
 * The seconds the timed rounds of size i may take: what is left of the
 * budget less the least cost of the sizes after it, shared evenly; at
 * least a quarter of an even share of the budget, so that a guess too
 * large of what is to come never starves the small sizes (which need
 * little: they stop at SWEEP_MAX_RUNS).
 */
static double
sweep_allowance(const struct bench_sweep *sw, const struct sweep_fit *f,
    unsigned i, double spent)
{
	double left = sw->budget - spent, bytes, least;
	unsigned j;

	for (j = i + 1; j < sw->n; j++) {
		bytes = (double)sw->size[j].size;
		left -= sweep_guess(f, f->setup, bytes) + SWEEP_MIN_RUNS *
		    sweep_guess(f, f->round, bytes);
	}
	left /= sw->n - i;
	least = sw->budget / sw->n / 4;
	return left > least ? left : least;
}

/* [DIRECTORY]: where the sources are made and copied. */
static void
sweep_operands(struct bench_sweep *sw, int n, char **files)
{
	if (n > 1) {
		warnx(CP_("extra operand %s"), quote(files[1]));
		options_usage_hint();
	}
	sw->dir = n == 1 ? files[0] : ".";
}

/*
 * The sizes, each needing room for its source and a copy (the source
 * only with --to-socket).  Sizes asked for must all fit; of the default
 * ones, those that do not are left out (sw->left_out).
 */
static void
sweep_sizes(struct bench_sweep *sw)
{
	const struct options *o = sw->opts;
	const uint64_t *list = o->sweep_n ? o->sweep_sizes : sweep_default;
	unsigned n = o->sweep_n ? o->sweep_n : SWEEP_NDEFAULT, i;
	uint64_t avail, need, k = o->bench_socket ? 1 : 2;
	char n1[32], n2[32];

	avail = bench_setup_dir(sw->dir);
	if ((sw->size = calloc(n, sizeof(*sw->size))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		need = list[i] > UINT64_MAX / k ? UINT64_MAX : list[i] * k;
		if (need <= avail)
			sw->size[sw->n++].size = list[i];
		else if (o->sweep_n == 0 && i > 0)
			sw->left_out[sw->nleft++] = list[i];
		else {
			need = list[n - 1] > UINT64_MAX / k ? UINT64_MAX :
			    list[n - 1] * k;
			errx(1, _("not enough free space in %s: --sweep needs "
			    "%s, %s available"), quote(sw->dir), units_size(n1,
			    sizeof(n1), (double)need), units_size(n2,
			    sizeof(n2), (double)avail));
		}
	}
}

/* The status line: the size, which of them, and the run. */
static void
sweep_status(const struct bench_sweep *sw, const struct bench *b,
    unsigned r, const struct bench_eng *e, double spent)
{
	char sz[32];

	units_size(sz, sizeof(sz), (double)b->size);
	if (r == 0)
		bench_status(_("%s (%u of %u): warm-up, %s"), sz,
		    (unsigned)(b - sw->size) + 1, sw->n, bench_name(e->id));
	else if (sw->budget == 0)
		bench_status(_("%s (%u of %u): run %u of %u, %s"), sz,
		    (unsigned)(b - sw->size) + 1, sw->n, r, b->runs,
		    bench_name(e->id));
	else
		bench_status(_("%s (%u of %u): run %u, %s; %.0f s of about "
		    "%.0f s"), sz, (unsigned)(b - sw->size) + 1, sw->n, r,
		    bench_name(e->id), spent, sw->budget);
}

/* One round of the contenders that run, r the round (0: warm-up). */
static void
sweep_round(struct bench_sweep *sw, struct bench *b, unsigned r,
    double t0)
{
	struct bench_eng *e;
	double t;
	int i;

	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (e->missing || e->refused)
			continue;
		sweep_status(sw, b, r, e, units_now() - t0);
		t = bench_copy(b, e, r == 0);
		if (r > 0)
			e->secs[e->nruns++] = t;
	}
}

/*
 * The timed rounds of b: --runs of them, or as many as its allowance
 * lets (SWEEP_MIN_RUNS to SWEEP_MAX_RUNS).  Returns the seconds of one.
 */
static double
sweep_rounds(struct bench_sweep *sw, struct bench *b, double allowance,
    double t0)
{
	unsigned most = sw->budget == 0 ? b->runs : SWEEP_MAX_RUNS, r;
	double start = units_now();

	for (r = 0; r < most; r++) {
		if (sw->budget > 0 && r >= SWEEP_MIN_RUNS &&
		    units_now() - start >= allowance)
			break;
		sweep_round(sw, b, r + 1, t0);
	}
	b->runs = r;
	return r > 0 ? (units_now() - start) / r : 0;
}

/* A contender asked for (--bench=LIST) that did not run fails the sweep. */
static void
sweep_asked(struct bench_sweep *sw, const struct bench *b)
{
	int i;

	for (i = 0; i < b->neng; i++)
		if ((b->eng[i].missing || b->eng[i].refused) &&
		    sw->opts->bench_engines != 0)
			sw->failed = true;
}

/* Size i: its source, its rounds, its verdict; the source removed. */
static void
sweep_one(struct bench_sweep *sw, struct sweep_fit *f, unsigned i,
    double t0)
{
	const struct options *o = sw->opts;
	struct bench *b = &sw->size[i];
	double start = units_now(), setup, round;
	struct stat sst;

	*b = (struct bench){
		.opts = o, .dir = sw->dir, .size = b->size, .sweep = sw,
		.to_socket = o->bench_socket, .sock = { .listen = -1 },
		.resident = o->bench_cold ? 0 : -1, .src = -1,
		.runs = o->bench_runs,
	};
	bench_setup(b, &sst);
	bench_setup_contenders(b, o->bench_engines, o->bench_runs ?
	    o->bench_runs : SWEEP_MAX_RUNS);
	sweep_round(sw, b, 0, t0);
	setup = units_now() - start;
	round = sweep_rounds(sw, b, sweep_allowance(sw, f, i,
	    units_now() - t0), t0);
	sweep_fit_add(f, (double)b->size, setup, round);
	sweep_asked(sw, b);
	bench_summarize(b);
	bench_socket_close(&b->sock);
	(void)close(b->src);
	if (bench_tmp_forget(BENCH_SRC) == -1)
		warn(CP_("cannot remove %s"), quote(bench_tmp_path(BENCH_SRC)));
	engine_buf_free(&b->buf);
	b->seconds = units_now() - start;
}

void
bench_sweep_time(struct bench_sweep *sw, int n, char **files)
{
	const struct options *o = sw->opts;
	struct sweep_fit f = { .n = 0 };
	double t0;
	unsigned i;

	sw->budget = o->bench_runs ? 0 : o->sweep_time > 0 ? o->sweep_time :
	    SWEEP_TIME;
	sweep_operands(sw, n, files);
	sweep_sizes(sw);
	bench_tmp_catch();
	t0 = units_now();
	for (i = 0; i < sw->n; i++)
		sweep_one(sw, &f, i, t0);
	bench_status_clear();
	sw->seconds = units_now() - t0;
}

void
bench_sweep_free(struct bench_sweep *sw)
{
	unsigned i;
	int k;

	for (i = 0; i < sw->n; i++)
		for (k = 0; k < sw->size[i].neng; k++)
			free(sw->size[i].eng[k].secs);
	free(sw->size);
	sw->size = NULL;
	sw->n = 0;
}
