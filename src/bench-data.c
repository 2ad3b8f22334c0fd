/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-data.c: what zcp --bench measured, for programs: one JSON
 * document (--json) or CSV (--csv), described by doc/zcp-bench.schema.json.
 *
 * Both are written from the same tables of fields below, so a column of
 * the CSV always has the name and the meaning of a JSON field: a
 * contender's fields are the members of each object of "engines" and the
 * first columns of its CSV row; the run's fields are members of the
 * document, and those marked for CSV are repeated on every row.
 */
#include "config.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "compat.h"
#include "json.h"
#include "nls.h"

/* One value, of one of the types JSON and CSV share. */
struct bench_val {
	enum { BV_NULL, BV_STR, BV_INT, BV_NUM, BV_TIME, BV_BOOL,
	    BV_SECS } type;
	const char	*s;
	unsigned long long i;
	double		 d;
	const struct bench_eng *e;	/* BV_SECS: its run times */
};

typedef void (*bench_data_fn)(const struct bench *, const struct bench_eng *,
    struct bench_val *);

struct bench_field {
	const char	*name;
	bench_data_fn	 fn;
	bool		 csv;		/* a run's field: also a CSV column */
};

const char *
bench_data_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n != NULL ? n : "EUNKNOWN";
}

static void
bv_str(struct bench_val *v, const char *s)
{
	v->type = s != NULL ? BV_STR : BV_NULL;
	v->s = s;
}

static void
bv_num(struct bench_val *v, bool ok, double d)
{
	v->type = ok ? BV_NUM : BV_NULL;
	v->d = d;
}

/* A time in seconds: written to the nanosecond, as each run's times. */
static void
bv_time(struct bench_val *v, bool ok, double d)
{
	v->type = ok ? BV_TIME : BV_NULL;
	v->d = d;
}

static void
bv_bool(struct bench_val *v, bool ok, bool yes)
{
	v->type = ok ? BV_BOOL : BV_NULL;
	v->i = yes;
}

/* A contender's fields. */

static void
bd_engine(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, bench_name(e->id));
}

static void
bd_used(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, !bench_ran(e) || e->id == BENCH_CP ? NULL :
	    engine_name(e->cloned ? ENGINE_CLONE : e->used));
}

static void
bd_status(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, e->missing ? "skipped" : e->refused ? "refused" : "ok");
}

static void
bd_runs(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	v->type = BV_INT;
	v->i = e->nruns;
}

static void
bd_seconds(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	v->type = BV_SECS;
	v->e = e;
}

static void
bd_min(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_time(v, bench_ran(e), e->min);
}

static void
bd_median(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_time(v, bench_ran(e), e->median);
}

static void
bd_max(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_time(v, bench_ran(e), e->max);
}

static void
bd_spread(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_num(v, bench_ran(e) && e->nruns > 1, e->spread);
}

static void
bd_rate(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	bool ok = bench_ran(e) && e->median > 0;

	v->type = ok ? BV_INT : BV_NULL;
	v->i = ok ? (unsigned long long)((double)b->size / e->median + 0.5) :
	    0;
}

static void
bd_ratio(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *f = bench_print_fastest(b);

	bv_num(v, bench_ran(e) && f != NULL && f->median > 0,
	    f != NULL && f->median > 0 ? e->median / f->median : 0);
}

static void
bd_tie(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_bool(v, bench_ran(e), e->tie);
}

static void
bd_cloned(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_bool(v, bench_ran(e), e->cloned);
}

static void
bd_errno(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, e->refused ? bench_data_errname(e->refused) : NULL);
}

static void
bd_error(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, e->refused ? nls_strerror_c(e->refused) : e->missing ?
	    "not found in PATH" : NULL);
}

static const struct bench_field bench_eng_fields[] = {
	{ "engine", bd_engine, true },
	{ "used", bd_used, true },
	{ "status", bd_status, true },
	{ "runs", bd_runs, true },
	{ "seconds", bd_seconds, true },
	{ "min_s", bd_min, true },
	{ "median_s", bd_median, true },
	{ "max_s", bd_max, true },
	{ "spread_percent", bd_spread, true },
	{ "bytes_per_second", bd_rate, true },
	{ "ratio_to_fastest", bd_ratio, true },
	{ "within_noise", bd_tie, true },
	{ "cloned", bd_cloned, true },
	{ "errno", bd_errno, true },
	{ "error", bd_error, true },
};

/* The run's fields (e is NULL). */

static void
bd_version(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	(void)e;
	bv_str(v, PACKAGE_VERSION);
}

static void
bd_kernel(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->kernel);
}

static void
bd_source(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->made ? NULL : b->src_path);
}

static void
bd_random(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->made);
}

static void
bd_directory(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->to_socket && !b->made ? NULL : b->dir);
}

static void
bd_to_socket(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->to_socket);
}

static void
bd_bytes(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = BV_INT;
	v->i = b->size;
}

static void
bd_src_fs(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->src_fs);
}

static void
bd_dst_fs(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->to_socket ? NULL : b->dst_fs);
}

static void
bd_nruns(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = BV_INT;
	v->i = b->opts->bench_runs;
}

static void
bd_cold(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->opts->bench_cold);
}

static void
bd_fsync(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->opts->fsync);
}

static void
bd_verify(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->opts->verify);
}

static void
bd_sparse(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_bool(v, true, b->sparse);
}

static void
bd_resident(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = b->resident >= 0 ? BV_INT : BV_NULL;
	v->i = b->resident >= 0 ? (unsigned long long)b->resident : 0;
}

static void
bd_cp(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->cp[0] != '\0' ? b->cp : NULL);
}

static const struct bench_field bench_run_fields[] = {
	{ "version", bd_version, true },
	{ "kernel", bd_kernel, true },
	{ "source", bd_source, false },
	{ "random_source", bd_random, false },
	{ "directory", bd_directory, false },
	{ "to_socket", bd_to_socket, true },
	{ "bytes", bd_bytes, true },
	{ "source_fs", bd_src_fs, true },
	{ "destination_fs", bd_dst_fs, true },
	{ "runs", bd_nruns, false },
	{ "cold", bd_cold, true },
	{ "fsync", bd_fsync, true },
	{ "verify", bd_verify, true },
	{ "sparse", bd_sparse, false },
	{ "resident_percent", bd_resident, false },
	{ "cp", bd_cp, false },
};

/* The verdict's fields, after the contenders. */

static void
bd_fastest(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *f = bench_print_fastest(b);

	(void)e;
	bv_str(v, f != NULL ? bench_name(f->id) : NULL);
}

static void
bd_clear(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	int i, ran = 0;

	(void)e;
	for (i = 0; i < b->neng; i++)
		ran += bench_ran(&b->eng[i]);
	/* One run measures no spread: unknown. */
	bv_bool(v, ran > 0 && (ran == 1 || b->opts->bench_runs > 1),
	    b->clear);
}

static void
bd_over_rw(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *f = bench_print_fastest(b);
	const struct bench_eng *rw = bench_print_find(b, ENGINE_RW);

	(void)e;
	bv_num(v, f != NULL && rw != NULL, rw != NULL && f != NULL ?
	    rw->median / f->median : 0);
}

static void
bd_over_cp(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *a = bench_print_find(b, ENGINE_AUTO);
	const struct bench_eng *cp = bench_print_find(b, BENCH_CP);

	(void)e;
	bv_num(v, a != NULL && cp != NULL, a != NULL && cp != NULL ?
	    cp->median / a->median : 0);
}

static void
bd_cp_clear(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *a = bench_print_find(b, ENGINE_AUTO);
	const struct bench_eng *cp = bench_print_find(b, BENCH_CP);

	(void)e;
	bv_bool(v, a != NULL && cp != NULL && b->opts->bench_runs > 1,
	    a != NULL && cp != NULL && !bench_overlap(a, cp));
}

static const struct bench_field bench_verdict_fields[] = {
	{ "fastest", bd_fastest, false },
	{ "clear_winner", bd_clear, false },
	{ "speedup_over_rw", bd_over_rw, false },
	{ "auto_speedup_over_cp", bd_over_cp, false },
	{ "auto_vs_cp_clear", bd_cp_clear, false },
};

#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

/* s as a JSON string: every string of the document goes through json.c. */
static void
bench_data_jstr(const char *s)
{
	char *q = json_quote(s);

	if (q == NULL)
		err(1, NULL);
	fputs(q, stdout);
	free(q);
}

static void
bench_data_jval(const struct bench_val *v)
{
	unsigned i;

	switch (v->type) {
	case BV_NULL:
		fputs("null", stdout);
		break;
	case BV_STR:
		bench_data_jstr(v->s);
		break;
	case BV_INT:
		printf("%llu", v->i);
		break;
	case BV_NUM:
		printf("%.9g", v->d);
		break;
	case BV_TIME:
		printf("%.9f", v->d);
		break;
	case BV_BOOL:
		fputs(v->i ? "true" : "false", stdout);
		break;
	case BV_SECS:
		putchar('[');
		for (i = 0; i < v->e->nruns; i++)
			printf("%s%.9f", i ? "," : "", v->e->secs[i]);
		putchar(']');
		break;
	}
}

/* The fields of list as JSON members, each after a comma if sep. */
static void
bench_data_jfields(const struct bench *b, const struct bench_eng *e,
    const struct bench_field *list, size_t n, bool sep)
{
	struct bench_val v;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		list[i].fn(b, e, &v);
		if (sep || i > 0)
			putchar(',');
		bench_data_jstr(list[i].name);
		putchar(':');
		bench_data_jval(&v);
	}
}

void
bench_data_json(const struct bench *b)
{
	int i;

	printf("{");
	bench_data_jstr("type");
	printf(":");
	bench_data_jstr("bench");
	bench_data_jfields(b, NULL, bench_run_fields,
	    NFIELDS(bench_run_fields), true);
	printf(",");
	bench_data_jstr("engines");
	printf(":[");
	for (i = 0; i < b->neng; i++) {
		printf("%s{", i ? "," : "");
		bench_data_jfields(b, &b->eng[i], bench_eng_fields,
		    NFIELDS(bench_eng_fields), false);
		printf("}");
	}
	printf("]");
	bench_data_jfields(b, NULL, bench_verdict_fields,
	    NFIELDS(bench_verdict_fields), true);
	printf("}\n");
}

/* s as one CSV field (RFC 4180: quoted if it holds , " or a newline). */
static void
bench_data_cstr(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* A value as a CSV field: null is empty, the run times "t1 t2 ...". */
static void
bench_data_cval(const struct bench_val *v)
{
	unsigned i;

	switch (v->type) {
	case BV_NULL:
		break;
	case BV_STR:
		bench_data_cstr(v->s);
		break;
	case BV_SECS:
		for (i = 0; i < v->e->nruns; i++)
			printf("%s%.9f", i ? " " : "", v->e->secs[i]);
		break;
	default:
		bench_data_jval(v);
		break;
	}
}

/* The CSV cells of list (only those marked csv), each after a comma. */
static void
bench_data_cfields(const struct bench *b, const struct bench_eng *e,
    const struct bench_field *list, size_t n, bool header, bool first)
{
	struct bench_val v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!list[i].csv)
			continue;
		if (!first)
			putchar(',');
		first = false;
		if (header) {
			fputs(list[i].name, stdout);
			continue;
		}
		memset(&v, 0, sizeof(v));
		list[i].fn(b, e, &v);
		bench_data_cval(&v);
	}
}

void
bench_data_csv(const struct bench *b)
{
	int i;

	bench_data_cfields(b, NULL, bench_eng_fields,
	    NFIELDS(bench_eng_fields), true, true);
	bench_data_cfields(b, NULL, bench_run_fields,
	    NFIELDS(bench_run_fields), true, false);
	putchar('\n');
	for (i = 0; i < b->neng; i++) {
		bench_data_cfields(b, &b->eng[i], bench_eng_fields,
		    NFIELDS(bench_eng_fields), false, true);
		bench_data_cfields(b, NULL, bench_run_fields,
		    NFIELDS(bench_run_fields), false, false);
		putchar('\n');
	}
}
