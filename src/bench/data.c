/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/data.c: what zcp --bench measured, for programs: one JSON
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

#include "bench/data.h"
#include "bench/result.h"
#include "compat.h"
#include "json.h"
#include "nls.h"

/* One value, of one of the types JSON and CSV share. */
struct bench_val {
	enum { BV_NULL, BV_STR, BV_INT, BV_NUM, BV_TIME, BV_BOOL,
	    BV_SECS, BV_INTS } type;
	const char	*s;
	unsigned long long i;
	double		 d;
	const struct bench_eng *e;	/* BV_SECS: its run times */
	const uint64_t	*ints;		/* BV_INTS: i of them */
};

typedef void (*bench_data_fn)(const struct bench *, const struct bench_eng *,
    struct bench_val *);

struct bench_field {
	const char	*name;
	bench_data_fn	 fn;
	bool		 csv;		/* a run's field: also a CSV column */
};

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
	bv_str(v, !bench_ran(e) || e->id == BENCH_CP || b->tree ? NULL :
	    engine_name(e->cloned ? ENGINE_CLONE : e->used));
}

static void
bd_status(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, e->failed ? "failed" : e->missing ? "skipped" :
	    e->refused ? "refused" : "ok");
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
	const struct bench_eng *f = bench_fastest(b);

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
	bv_str(v, e->refused ? bench_errname(e->refused) : NULL);
}

static void
bd_error(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)b;
	bv_str(v, e->failed ? e->why : e->refused ?
	    nls_strerror_c(e->refused) : e->missing ? "not found in PATH" :
	    NULL);
}

static const struct bench_field bench_eng_fields[] = {
	{ .name = "engine", .fn = bd_engine, .csv = true },
	{ .name = "used", .fn = bd_used, .csv = true },
	{ .name = "status", .fn = bd_status, .csv = true },
	{ .name = "runs", .fn = bd_runs, .csv = true },
	{ .name = "seconds", .fn = bd_seconds, .csv = true },
	{ .name = "min_s", .fn = bd_min, .csv = true },
	{ .name = "median_s", .fn = bd_median, .csv = true },
	{ .name = "max_s", .fn = bd_max, .csv = true },
	{ .name = "spread_percent", .fn = bd_spread, .csv = true },
	{ .name = "bytes_per_second", .fn = bd_rate, .csv = true },
	{ .name = "ratio_to_fastest", .fn = bd_ratio, .csv = true },
	{ .name = "within_noise", .fn = bd_tie, .csv = true },
	{ .name = "cloned", .fn = bd_cloned, .csv = true },
	{ .name = "errno", .fn = bd_errno, .csv = true },
	{ .name = "error", .fn = bd_error, .csv = true },
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
	v->i = b->runs;
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
bd_files(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = b->tree ? BV_INT : BV_NULL;
	v->i = b->files;
}

static void
bd_dirs(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = b->tree ? BV_INT : BV_NULL;
	v->i = b->dirs;
}

static void
bd_state(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, !b->tree ? NULL : b->opts->bench_state ==
	    BENCH_STATE_DELETED ? "deleted" : "fresh");
}

static void
bd_cp(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_str(v, b->cp[0] != '\0' ? b->cp : NULL);
}

static const struct bench_field bench_run_fields[] = {
	{ .name = "version", .fn = bd_version, .csv = true },
	{ .name = "kernel", .fn = bd_kernel, .csv = true },
	{ .name = "source", .fn = bd_source, .csv = false },
	{ .name = "random_source", .fn = bd_random, .csv = false },
	{ .name = "directory", .fn = bd_directory, .csv = false },
	{ .name = "to_socket", .fn = bd_to_socket, .csv = true },
	{ .name = "bytes", .fn = bd_bytes, .csv = true },
	{ .name = "source_fs", .fn = bd_src_fs, .csv = true },
	{ .name = "destination_fs", .fn = bd_dst_fs, .csv = true },
	{ .name = "runs", .fn = bd_nruns, .csv = false },
	{ .name = "cold", .fn = bd_cold, .csv = true },
	{ .name = "fsync", .fn = bd_fsync, .csv = true },
	{ .name = "verify", .fn = bd_verify, .csv = true },
	{ .name = "sparse", .fn = bd_sparse, .csv = false },
	{ .name = "resident_percent", .fn = bd_resident, .csv = false },
	{ .name = "cp", .fn = bd_cp, .csv = false },
	{ .name = "files", .fn = bd_files, .csv = false },
	{ .name = "directories", .fn = bd_dirs, .csv = false },
	{ .name = "state", .fn = bd_state, .csv = false },
};

/* The verdict's fields, after the contenders. */

static void
bd_fastest(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *f = bench_fastest(b);

	(void)e;
	bv_str(v, f != NULL && bench_failed(b) == NULL ? bench_name(f->id) :
	    NULL);
}

static void
bd_clear(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	int i, ran = 0;

	(void)e;
	for (i = 0; i < b->neng; i++)
		ran += bench_ran(&b->eng[i]);
	/* One run measures no spread: unknown; nor when one failed. */
	bv_bool(v, ran > 0 && (ran == 1 || b->runs > 1) &&
	    bench_failed(b) == NULL, b->clear);
}

static void
bd_over_rw(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *f = bench_fastest(b);
	const struct bench_eng *rw = bench_find(b, ENGINE_RW);

	(void)e;
	bv_num(v, f != NULL && rw != NULL, rw != NULL && f != NULL ?
	    rw->median / f->median : 0);
}

static void
bd_over_cp(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *a = bench_failed(b) != NULL ? NULL :
	    bench_find(b, bench_zcp(b));
	const struct bench_eng *cp = bench_find(b, BENCH_CP);

	(void)e;
	bv_num(v, a != NULL && cp != NULL, a != NULL && cp != NULL ?
	    cp->median / a->median : 0);
}

static void
bd_cp_clear(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	const struct bench_eng *a = bench_failed(b) != NULL ? NULL :
	    bench_find(b, bench_zcp(b));
	const struct bench_eng *cp = bench_find(b, BENCH_CP);

	(void)e;
	bv_bool(v, a != NULL && cp != NULL && b->runs > 1,
	    a != NULL && cp != NULL && !bench_overlap(a, cp));
}

static const struct bench_field bench_verdict_fields[] = {
	{ .name = "fastest", .fn = bd_fastest, .csv = false },
	{ .name = "clear_winner", .fn = bd_clear, .csv = false },
	{ .name = "speedup_over_rw", .fn = bd_over_rw, .csv = false },
	{ .name = "auto_speedup_over_cp", .fn = bd_over_cp, .csv = false },
	{ .name = "auto_vs_cp_clear", .fn = bd_cp_clear, .csv = false },
};

/*
 * --sweep: the document's fields (b is its first size, e NULL), then
 * each size's (b that size).  The run's fields above that a sweep shares
 * with --bench, and its own.
 */

static void
bd_budget(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_num(v, b->sweep->budget > 0, b->sweep->budget);
}

static void
bd_runs_per_size(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = b->sweep->budget > 0 ? BV_NULL : BV_INT;
	v->i = b->opts->bench_runs;
}

static void
bd_sweep_elapsed(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_time(v, true, b->sweep->seconds);
}

static void
bd_left_out(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	v->type = BV_INTS;
	v->ints = b->sweep->left_out;
	v->i = b->sweep->nleft;
}

static void
bd_size_elapsed(const struct bench *b, const struct bench_eng *e,
    struct bench_val *v)
{
	(void)e;
	bv_time(v, true, b->seconds);
}

static const struct bench_field bench_sweep_fields[] = {
	{ .name = "version", .fn = bd_version },
	{ .name = "kernel", .fn = bd_kernel },
	{ .name = "directory", .fn = bd_directory },
	{ .name = "to_socket", .fn = bd_to_socket },
	{ .name = "source_fs", .fn = bd_src_fs },
	{ .name = "destination_fs", .fn = bd_dst_fs },
	{ .name = "cold", .fn = bd_cold },
	{ .name = "fsync", .fn = bd_fsync },
	{ .name = "verify", .fn = bd_verify },
	{ .name = "cp", .fn = bd_cp },
	{ .name = "budget_s", .fn = bd_budget },
	{ .name = "runs_per_size", .fn = bd_runs_per_size },
	{ .name = "elapsed_s", .fn = bd_sweep_elapsed },
	{ .name = "left_out", .fn = bd_left_out },
};

static const struct bench_field bench_size_fields[] = {
	{ .name = "bytes", .fn = bd_bytes },
	{ .name = "runs", .fn = bd_nruns },
	{ .name = "elapsed_s", .fn = bd_size_elapsed },
	{ .name = "resident_percent", .fn = bd_resident },
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
	case BV_INTS:
		putchar('[');
		for (i = 0; i < v->i; i++)
			printf("%s%llu", i ? "," : "",
			    (unsigned long long)v->ints[i]);
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

/* "{"type":"name"": the start of a document. */
static void
bench_data_jtype(const char *name)
{
	printf("{");
	bench_data_jstr("type");
	printf(":");
	bench_data_jstr(name);
}

/* b's contenders (the member "engines"), then its verdict. */
static void
bench_data_jresults(const struct bench *b)
{
	int i;

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
}

void
bench_data_json(const struct bench *b)
{
	bench_data_jtype("bench");
	bench_data_jfields(b, NULL, bench_run_fields,
	    NFIELDS(bench_run_fields), true);
	bench_data_jresults(b);
	printf("}\n");
}

void
bench_data_sweep_json(const struct bench_sweep *sw)
{
	unsigned i;

	bench_data_jtype("sweep");
	bench_data_jfields(&sw->size[0], NULL, bench_sweep_fields,
	    NFIELDS(bench_sweep_fields), true);
	printf(",");
	bench_data_jstr("sizes");
	printf(":[");
	for (i = 0; i < sw->n; i++) {
		printf("%s{", i ? "," : "");
		bench_data_jfields(&sw->size[i], NULL, bench_size_fields,
		    NFIELDS(bench_size_fields), false);
		bench_data_jresults(&sw->size[i]);
		printf("}");
	}
	printf("]}\n");
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

/* A row for each of b's contenders. */
static void
bench_data_crows(const struct bench *b)
{
	int i;

	for (i = 0; i < b->neng; i++) {
		bench_data_cfields(b, &b->eng[i], bench_eng_fields,
		    NFIELDS(bench_eng_fields), false, true);
		bench_data_cfields(b, NULL, bench_run_fields,
		    NFIELDS(bench_run_fields), false, false);
		putchar('\n');
	}
}

/* The header line (b is only passed through). */
static void
bench_data_chead(const struct bench *b)
{
	bench_data_cfields(b, NULL, bench_eng_fields,
	    NFIELDS(bench_eng_fields), true, true);
	bench_data_cfields(b, NULL, bench_run_fields,
	    NFIELDS(bench_run_fields), true, false);
	putchar('\n');
}

void
bench_data_csv(const struct bench *b)
{
	bench_data_chead(b);
	bench_data_crows(b);
}

void
bench_data_sweep_csv(const struct bench_sweep *sw)
{
	unsigned i;

	bench_data_chead(&sw->size[0]);
	for (i = 0; i < sw->n; i++)
		bench_data_crows(&sw->size[i]);
}
