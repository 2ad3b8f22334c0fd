/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-print.c: what zcp --bench measured, on stdout: a table for people
 * (a header saying what was copied where, one row per engine with a bar
 * drawn in Unicode blocks, or '#' when the locale is not UTF-8, and a
 * line naming the fastest), or the same as one JSON document, or as CSV.
 */
#include "config.h"

#include <err.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "compat.h"
#include "json.h"
#include "quote.h"
#include "units.h"

/* Cells of the bar of the fastest engine. */
#define BENCH_BAR	20

/* "auto (copy_file_range)", or the engine's name, into buf. */
static const char *
bench_print_label(const struct bench_eng *e, char *buf, size_t len)
{
	if (e->id == ENGINE_AUTO && !e->refused)
		(void)snprintf(buf, len, "auto (%s)", engine_name(e->used));
	else
		(void)snprintf(buf, len, "%s", engine_name(e->id));
	return buf;
}

static const char *
bench_print_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n != NULL ? n : "EUNKNOWN";
}

/* The fastest engine that ran, or NULL. */
static const struct bench_eng *
bench_print_fastest(const struct bench *b)
{
	return b->neng > 0 && !b->eng[0].refused ? &b->eng[0] : NULL;
}

/* The engine id if it ran, or NULL. */
static const struct bench_eng *
bench_print_find(const struct bench *b, enum engine_id id)
{
	int i;

	for (i = 0; i < b->neng; i++)
		if (b->eng[i].id == id && !b->eng[i].refused)
			return &b->eng[i];
	return NULL;
}

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

static void
bench_print_header(const struct bench *b)
{
	const struct options *o = b->opts;
	char sz[32];

	units_size(sz, sizeof(sz), (double)b->size);
	if (b->made)
		printf("%s --bench: a random %s file in %s (%s), %s\n",
		    getprogname(), sz, quote(b->dir), b->dst_fs, b->kernel);
	else
		printf("%s --bench: %s (%s, %s) -> %s (%s), %s\n",
		    getprogname(), quote(b->src_path), sz, b->src_fs,
		    quote(b->dir), b->dst_fs, b->kernel);
	printf("%u %s of each engine after a warm-up, interleaved; %s; %s\n",
	    o->bench_runs, o->bench_runs == 1 ? "run" : "runs",
	    o->bench_cold ? "cold cache (the source dropped before each "
	    "run)" : "warm cache", o->fsync ? "fsync included" :
	    "not flushed to disk");
	if (b->resident > 0)
		printf("note: the kernel kept up to %d%% of the source in "
		    "memory after dropping it (tmpfs keeps its files there), "
		    "so runs read from memory\n", b->resident);
	if (b->sparse)
		printf("note: the source has holes: the engines copy its "
		    "data only\n");
}

static void
bench_print_row(const struct bench *b, const struct bench_eng *e,
    int width, double ref, bool utf8)
{
	const struct bench_eng *f = bench_print_fastest(b);
	char label[64], t1[16], t2[16], t3[16], rate[32], ratio[16];
	double r;

	bench_print_label(e, label, sizeof(label));
	if (e->refused) {
		printf("%-*s  refused: %s (%s)\n", width, label,
		    strerror(e->refused), bench_print_errname(e->refused));
		return;
	}
	if (e->cloned)
		(void)snprintf(rate, sizeof(rate), "cloned");
	else
		units_rate(rate, sizeof(rate), (double)b->size, e->median);
	r = e->median / f->median;
	(void)snprintf(ratio, sizeof(ratio), r < 99.5 ? "%.2fx" : "%.0fx", r);
	printf("%-*s %4u %8s %8s %8s %11s %6s  ", width, label, e->nruns,
	    units_time(t1, sizeof(t1), e->min),
	    units_time(t2, sizeof(t2), e->median),
	    units_time(t3, sizeof(t3), e->max), rate, ratio);
	if (e->cloned)
		fputs("(no data copied)", stdout);
	else if (ref > 0)
		bench_print_bar(ref / e->median, utf8);
	fputc('\n', stdout);
}

/* One line: the fastest engine, and how much faster than read/write. */
static void
bench_print_verdict(const struct bench *b)
{
	const struct bench_eng *f = bench_print_fastest(b);
	const struct bench_eng *rw = bench_print_find(b, ENGINE_RW);
	char label[64];

	if (f == NULL) {
		printf("no engine could copy the source here\n");
		return;
	}
	bench_print_label(f, label, sizeof(label));
	printf("fastest: %s%s", label, f->cloned ? " (a clone: the copy "
	    "shares the source's blocks)" : "");
	if (f == rw)
		printf(", the plain read/write loop\n");
	else if (rw == NULL)
		printf(" (rw, read/write, was not timed)\n");
	else
		printf(rw->median / f->median < 99.5 ?
		    ", %.2fx as fast as rw (read/write)\n" :
		    ", %.0fx as fast as rw (read/write)\n",
		    rw->median / f->median);
}

static void
bench_print_table(const struct bench *b)
{
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	char label[64];
	double ref = 0;
	int i, width = 6, n;

	for (i = 0; i < b->neng; i++) {
		n = (int)strlen(bench_print_label(&b->eng[i], label,
		    sizeof(label)));
		width = n > width ? n : width;
		if (!b->eng[i].refused && !b->eng[i].cloned && ref == 0)
			ref = b->eng[i].median;
	}
	bench_print_header(b);
	printf("\n%-*s %4s %8s %8s %8s %11s %6s\n", width, "engine", "runs",
	    "min", "median", "max", "rate", "ratio");
	for (i = 0; i < b->neng; i++)
		bench_print_row(b, &b->eng[i], width, ref, utf8);
	printf("\n");
	bench_print_verdict(b);
}

/* s as a JSON string (json.c: bytes that are not UTF-8 become \udcXX). */
static void
bench_print_jstr(const char *s)
{
	char *q = json_quote(s);

	if (q == NULL)
		err(1, NULL);
	fputs(q, stdout);
	free(q);
}

static void
bench_print_json_eng(const struct bench *b, const struct bench_eng *e)
{
	const struct bench_eng *f = bench_print_fastest(b);
	unsigned i;

	printf("{\"engine\":\"%s\"", engine_name(e->id));
	if (e->refused) {
		printf(",\"status\":\"refused\",\"errno\":\"%s\",\"error\":",
		    bench_print_errname(e->refused));
		bench_print_jstr(strerror(e->refused));
		printf("}");
		return;
	}
	printf(",\"status\":\"ok\",\"used\":\"%s\",\"cloned\":%s,"
	    "\"runs\":%u,\"seconds\":[", engine_name(e->used),
	    e->cloned ? "true" : "false", e->nruns);
	for (i = 0; i < e->nruns; i++)
		printf("%s%.9f", i ? "," : "", e->secs[i]);
	printf("],\"min\":%.9f,\"median\":%.9f,\"max\":%.9f,"
	    "\"bytes_per_second\":%.0f,\"ratio_to_fastest\":%.4f}",
	    e->min, e->median, e->max, (double)b->size / e->median,
	    e->median / f->median);
}

static void
bench_print_json(const struct bench *b)
{
	const struct options *o = b->opts;
	const struct bench_eng *f = bench_print_fastest(b);
	const struct bench_eng *rw = bench_print_find(b, ENGINE_RW);
	int i;

	printf("{\"type\":\"bench\",\"source\":");
	if (b->made)
		printf("null");
	else
		bench_print_jstr(b->src_path);
	printf(",\"random_source\":%s,\"directory\":",
	    b->made ? "true" : "false");
	bench_print_jstr(b->dir);
	printf(",\"bytes\":%llu,\"source_fs\":", (unsigned long long)b->size);
	bench_print_jstr(b->src_fs);
	printf(",\"destination_fs\":");
	bench_print_jstr(b->dst_fs);
	printf(",\"kernel\":");
	bench_print_jstr(b->kernel);
	printf(",\"runs\":%u,\"cold\":%s,\"fsync\":%s,\"sparse\":%s,"
	    "\"resident_percent\":", o->bench_runs, o->bench_cold ? "true" :
	    "false", o->fsync ? "true" : "false", b->sparse ? "true" :
	    "false");
	printf(b->resident >= 0 ? "%d" : "null", b->resident);
	printf(",\"engines\":[");
	for (i = 0; i < b->neng; i++) {
		printf("%s", i ? "," : "");
		bench_print_json_eng(b, &b->eng[i]);
	}
	printf("],\"fastest\":");
	if (f != NULL)
		printf("\"%s\"", engine_name(f->id));
	else
		printf("null");
	printf(",\"speedup_over_rw\":");
	printf(f != NULL && rw != NULL ? "%.4f}\n" : "null}\n",
	    f != NULL && rw != NULL ? rw->median / f->median : 0.0);
}

/* s as one CSV field (RFC 4180: quoted if it holds , " or a newline). */
static void
bench_print_cstr(const char *s)
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

static void
bench_print_csv(const struct bench *b)
{
	const struct bench_eng *f = bench_print_fastest(b), *e;
	int i;

	printf("engine,used,status,runs,min_s,median_s,max_s,bytes,"
	    "bytes_per_second,ratio_to_fastest,cloned,error,source_fs,"
	    "destination_fs,kernel,cold,fsync\n");
	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (e->refused)
			printf("%s,,refused,0,,,,%llu,,,,", engine_name(e->id),
			    (unsigned long long)b->size);
		else
			printf("%s,%s,ok,%u,%.9f,%.9f,%.9f,%llu,%.0f,%.4f,%s,",
			    engine_name(e->id), engine_name(e->used),
			    e->nruns, e->min, e->median, e->max,
			    (unsigned long long)b->size,
			    (double)b->size / e->median,
			    e->median / f->median,
			    e->cloned ? "true" : "false");
		bench_print_cstr(e->refused ? strerror(e->refused) : "");
		putchar(',');
		bench_print_cstr(b->src_fs);
		putchar(',');
		bench_print_cstr(b->dst_fs);
		putchar(',');
		bench_print_cstr(b->kernel);
		printf(",%s,%s\n", b->opts->bench_cold ? "true" : "false",
		    b->opts->fsync ? "true" : "false");
	}
}

void
bench_print(const struct bench *b)
{
	if (b->opts->json)
		bench_print_json(b);
	else if (b->opts->csv)
		bench_print_csv(b);
	else
		bench_print_table(b);
}
