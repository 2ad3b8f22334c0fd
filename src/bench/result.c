/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/result.c: what the runs of a benchmark say.  Each contender's
 * min, median, max and spread; the order, fastest first; which
 * contenders lie within the fastest one's noise (a median inside
 * another's min-max range), and whether the fastest is clear of them.
 * It reads the results and never prints them.
 */
#include "config.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/result.h"
#include "compat.h"

const char *
bench_name(int id)
{
	switch (id) {
	case BENCH_CP:
		return "cp";
	case BENCH_TREE_J1:
		return "zcp -r -j1";
	case BENCH_TREE_J:
		return "zcp -r";
	case BENCH_TREE_URING:
		return "zcp -r --engine=uring";
	default:
		return engine_name((enum engine_id)id);
	}
}

int
bench_zcp(const struct bench *b)
{
	return b->tree ? BENCH_TREE_J : ENGINE_AUTO;
}

const struct bench_eng *
bench_failed(const struct bench *b)
{
	int i;

	for (i = 0; i < b->neng; i++)
		if (b->eng[i].failed)
			return &b->eng[i];
	return NULL;
}

const char *
bench_label(const struct bench_eng *e, char *buf, size_t len)
{
	if (e->id == ENGINE_AUTO && bench_ran(e))
		(void)snprintf(buf, len, "auto (%s)", engine_name(e->cloned ?
		    ENGINE_CLONE : e->used));
	else
		(void)snprintf(buf, len, "%s", bench_name(e->id));
	return buf;
}

const char *
bench_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n != NULL ? n : "EUNKNOWN";
}

bool
bench_ran(const struct bench_eng *e)
{
	return !e->refused && !e->missing && !e->failed && e->nruns > 0;
}

bool
bench_overlap(const struct bench_eng *a, const struct bench_eng *b)
{
	return (a->median >= b->min && a->median <= b->max) ||
	    (b->median >= a->min && b->median <= a->max);
}

const struct bench_eng *
bench_fastest(const struct bench *b)
{
	return b->neng > 0 && bench_ran(&b->eng[0]) ? &b->eng[0] :
	    NULL;
}

const struct bench_eng *
bench_find(const struct bench *b, int id)
{
	int i;

	for (i = 0; i < b->neng; i++)
		if (b->eng[i].id == id && bench_ran(&b->eng[i]))
			return &b->eng[i];
	return NULL;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Orders contenders fastest first (by median), those that did not run
 * last. */
static int
bench_cmp_eng(const void *a, const void *b)
{
	const struct bench_eng *x = a, *y = b;

	if (bench_ran(x) != bench_ran(y))
		return bench_ran(x) ? -1 : 1;
	if (!bench_ran(x))
		return (int)x->id - (int)y->id;
	if (x->median != y->median)
		return x->median < y->median ? -1 : 1;
	return (int)x->id - (int)y->id;
}

/* The way of copying e stands for: auto is the engine it ended with. */
static int
bench_method(const struct bench_eng *e)
{
	return e->id == ENGINE_AUTO ? (int)(e->cloned ? ENGINE_CLONE :
	    e->used) : e->id;
}

/*
 * Marks the contenders whose runs overlap the fastest one's (their order
 * may be noise), and says whether the fastest is clear of every other
 * way of copying (auto is the same way as the engine it ended with).
 */
static void
bench_ties(struct bench *b)
{
	struct bench_eng *f = &b->eng[0], *e;
	int i;

	b->clear = bench_ran(f);
	for (i = 0; i < b->neng && bench_ran(&b->eng[i]); i++) {
		e = &b->eng[i];
		e->tie = e == f || bench_overlap(f, e);
		if (e->tie && bench_method(e) != bench_method(f))
			b->clear = false;
	}
}

void
bench_summarize(struct bench *b)
{
	struct bench_eng *e;
	double *s;
	unsigned n;
	int i;

	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (!bench_ran(e))
			continue;
		n = e->nruns;
		if ((s = malloc(n * sizeof(*s))) == NULL)
			err(1, NULL);
		memcpy(s, e->secs, n * sizeof(*s));
		qsort(s, n, sizeof(*s), bench_cmp_double);
		e->min = s[0];
		e->max = s[n - 1];
		e->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		e->spread = e->median > 0 ? (e->max - e->min) / e->median *
		    100 : 0;
		free(s);
	}
	qsort(b->eng, (size_t)b->neng, sizeof(b->eng[0]), bench_cmp_eng);
	bench_ties(b);
}

int
bench_order(int k)
{
	if (k < ENGINE_NUM - 1)
		return k + 1;
	return k == ENGINE_NUM - 1 ? ENGINE_AUTO : BENCH_CP;
}

bool
bench_rates(const struct bench *b, int id, double *med, double *lo,
    double *hi)
{
	const struct bench_eng *e = bench_find(b, id);

	if (e == NULL || e->median <= 0 || e->min <= 0)
		return false;
	*med = (double)b->size / e->median;
	*lo = (double)b->size / e->max;
	*hi = (double)b->size / e->min;
	return true;
}

int
bench_series(const struct bench_sweep *sw, int *ids)
{
	unsigned i;
	int k, n = 0;

	for (k = 0; k < BENCH_MAX; k++)
		for (i = 0; i < sw->n; i++)
			if (bench_find(&sw->size[i], bench_order(k)) != NULL) {
				ids[n++] = bench_order(k);
				break;
			}
	return n;
}

const char *
bench_series_label(const struct bench_sweep *sw, int id, char *buf,
    size_t len)
{
	const struct bench_eng *e, *first = NULL;
	bool same = id == ENGINE_AUTO;
	unsigned i;

	for (i = 0; same && i < sw->n; i++) {
		if ((e = bench_find(&sw->size[i], id)) == NULL)
			continue;
		if (first == NULL)
			first = e;
		else if (e->cloned != first->cloned || e->used != first->used)
			same = false;
	}
	if (same && first != NULL)
		return bench_label(first, buf, len);
	(void)snprintf(buf, len, "%s", bench_name(id));
	return buf;
}
