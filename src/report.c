/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report.c: the per-file -v line, the --stats summary on stderr and the
 * --json records (JSON Lines on stdout).  Each line is written whole,
 * under a lock, so records from several workers never interleave.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "json.h"
#include "nls.h"
#include "progress.h"
#include "quote.h"
#include "report.h"
#include "units.h"

/* A growing string for one line of output. */
struct line {
	char	*p;
	size_t	 len, cap;
	bool	 oom;		/* it could not grow: the line is lost */
};

static void
line_add(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	char *np;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->p == NULL ? NULL : l->p + l->len,
		    l->p == NULL ? 0 : l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (l->p != NULL && l->len + (size_t)n < l->cap) {
			l->len += (size_t)n;
			return;
		}
		if (l->oom || (np = realloc(l->p, (l->len + (size_t)n + 1) *
		    2)) == NULL) {
			l->oom = true;
			return;
		}
		l->p = np;
		l->cap = (l->len + (size_t)n + 1) * 2;
	}
}

/* The last character of l, or '\0'. */
static char
line_last(const struct line *l)
{
	return l->p != NULL && l->len > 0 ? l->p[l->len - 1] : '\0';
}

/*
 * Writes l to out, or, if memory ran out while it was made, says so on
 * stderr for what, and counts the record as lost (exit status 1).
 */
static void
line_put(struct line *l, FILE *out, struct report *r, const struct path *what)
{
	if (!l->oom && l->p != NULL)
		fputs(l->p, out);
	else if (l->oom && what != NULL) {
		fprintf(stderr, _("%s: cannot report %s: %s\n"), getprogname(),
		    quote(path_str(what)), strerror(ENOMEM));
		r->lost++;
	}
	free(l->p);
	l->p = NULL;
}

/* Appends s as a JSON string (json.c: non-UTF-8 bytes become \udcXX). */
static void
line_json_str(struct line *l, const char *s)
{
	char *q = json_quote(s);

	if (q == NULL) {
		l->oom = true;
		return;
	}
	line_add(l, "%s", q);
	free(q);
}

static const char *
report_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n != NULL ? n : "EUNKNOWN";
}

void
report_init(struct report *r, const struct options *o, struct progress *p)
{
	memset(r, 0, sizeof(*r));
	r->opts = o;
	r->prog = p;
	r->vout = o->json ? stderr : stdout;
	r->t0 = units_now();
	(void)pthread_mutex_init(&r->lock, NULL);
}

/*
 * GNU cp's --debug word for what became of engine id (clone: "reflink",
 * copy_file_range: "copy offload"): used, refused by the kernel (and
 * fallen back from, or forced and failed before it moved a byte: cp 9.x
 * says "unsupported" once the call failed), left out by the options, or
 * never reached.
 */
static const char *
report_debug_word(const struct engine_result *e, enum engine_id id)
{
	int i;

	if (id == ENGINE_CLONE ? e->cloned : e->moved[id] > 0)
		return "yes";
	for (i = 0; i < e->nfallback; i++)
		if (e->fallback[i].engine == id)
			return "unsupported";
	if (!(e->allowed & ENGINE_BIT(id)))
		return "avoided";
	if (e->cloned)
		return "unknown";	/* a clone needs no offload */
	if (e->engine != id)
		return "no";
	return e->err != 0 && e->op == ENGINE_OP_COPY ? "unsupported" : "yes";
}

/* --resume's part of the --debug line: what it kept, or why nothing. */
static void
report_resume(struct line *l, const struct file_record *rec)
{
	char sz[32], chk[32];

	units_size(sz, sizeof(sz), (double)rec->resumed);
	units_size(chk, sizeof(chk), (double)rec->resume_checked);
	switch (rec->resume) {
	case RESUME_TAIL:
		line_add(l, _(", resumed at %s (zcp's partial copy of this "
		    "source: its last %s checked)"), sz, chk);
		break;
	case RESUME_FULL:
		line_add(l, _(", resumed at %s (compared byte for byte first: "
		    "%s)"), sz, chk);
		break;
	case RESUME_DIFFERS:
		line_add(l, _(", not resumed: the destination differs from the "
		    "source at byte %llu"),
		    (unsigned long long)rec->resume_at + 1);
		break;
	case RESUME_LONGER:
		line_add(l, _(", not resumed: the destination is longer than "
		    "the source"));
		break;
	case RESUME_UNREADABLE:
		line_add(l, _(", not resumed: the destination could not be "
		    "read"));
		break;
	case RESUME_NOT_ADOPTED:
		line_add(l, rec->resume_removed ? _(", not resumed: the "
		    "partial file is not one zcp left: %s; removed") :
		    _(", not resumed: the partial file is not one zcp left: "
		    "%s; left as it is"), nls_text(rec->resume_why));
		break;
	default:
		break;
	}
}

/* --verify's part of the --debug line. */
static void
report_verify(struct line *l, const struct file_record *rec)
{
	char t[32], sz[32];

	units_time(t, sizeof(t), rec->verify_seconds);
	switch (rec->verify) {
	case VERIFY_OK:
		line_add(l, _(", verified in %s"), t);
		if (rec->verify_shared > 0)
			line_add(l, _(" (%s as the source's own blocks)"),
			    units_size(sz, sizeof(sz),
			    (double)rec->verify_shared));
		if (rec->verify_cached)
			line_add(l, _(" (read from the page cache: %s)"),
			    nls_text(rec->verify_why));
		break;
	case VERIFY_FAILED:
		line_add(l, _(", verification failed"));
		break;
	case VERIFY_SKIPPED:
		line_add(l, _(", not verified: %s"), nls_text(rec->verify_why));
		break;
	default:
		break;
	}
}

/* What the engines did: "ENGINE after FALLBACKS, SIZE in TIME, RATE". */
static void
report_engines(struct line *l, const struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	char sz[32], t[32], rate[32];
	int i;

	units_size(sz, sizeof(sz), (double)e->bytes);
	units_time(t, sizeof(t), rec->seconds);
	line_add(l, "%s", rec->batched ? "uring" : e->cloned ? _("cloned") :
	    engine_name(e->engine));
	if (rec->unbatched != 0)
		line_add(l, _(" (not uring: the kernel refused io_uring: %s)"),
		    strerror(rec->unbatched));
	for (i = 0; i < e->nfallback; i++) {
		line_add(l, "%s%s: %s", i == 0 ? _(" after ") : "; ",
		    engine_name(e->fallback[i].engine),
		    strerror(e->fallback[i].err));
		/* Where it resumed, if an engine had copied data before. */
		if (e->fallback[i].moved > 0)
			line_add(l, _(" at %s"), units_size(rate, sizeof(rate),
			    (double)e->fallback[i].offset));
	}
	if (rec->status == FILE_FAILED)
		line_add(l, _(", failed after %s"), sz);
	else if (e->cloned)
		line_add(l, _(", %s in %s"), sz, t);
	else
		line_add(l, _(", %s in %s, %s"), sz, t, units_rate(rate,
		    sizeof(rate), (double)e->bytes, rec->seconds));
	if (e->sparse)
		line_add(l, _(", sparse"));
	if (rec->synced)
		line_add(l, _(", synced"));
	if (rec->atomic)
		line_add(l, _(", atomic"));
	report_resume(l, rec);
	report_verify(l, rec);
}

/*
 * --debug's line after the -v line of a file whose data was copied: GNU
 * cp's words, then zcp's engine, size, time and rate.
 */
static void
report_debug(struct line *l, const struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;

	/* TRANSLATORS: GNU cp's words, up to "engine", which it prints in
	   English in every language: keep them, and "yes", "no" and the
	   like after them. */
	line_add(l, _("copy offload: %s, reflink: %s, sparse detection: %s, "
	    "engine: "), report_debug_word(e, ENGINE_CFR),
	    report_debug_word(e, ENGINE_CLONE), e->seek_holes && e->zeros ?
	    "SEEK_HOLE + zeros" : e->seek_holes ? "SEEK_HOLE" : e->zeros ?
	    "zeros" : "no");
	report_engines(l, rec);
	line_add(l, "\n");
}

/* -v: GNU cp's line, byte for byte; --debug adds its own line. */
static void
report_verbose(struct report *r, FILE *out, const struct file_record *rec,
    bool debug, bool after)
{
	struct line l = { NULL, 0, 0, false };

	/*
	 * As cp: the lines of what was done before the copy, then (after
	 * the error, if any, on stderr) those of what was done after it.
	 */
	if (after)
		goto after;
	if (rec->removed)
		line_add(&l, CP_("removed %s\n"), quote(path_str(rec->dst)));
	/* cp says nothing of a copy refused before it began. */
	if (rec->status != FILE_SKIPPED &&
	    (rec->status != FILE_FAILED || rec->began)) {
		line_add(&l, "%s -> %s", quote(path_str(rec->src)),
		    quote(path_str(rec->dst)));
		if (rec->backup != NULL)
			line_add(&l, CP_(" (backup: %s)"), quote(rec->backup));
		line_add(&l, "\n");
		if (debug && rec->data)
			report_debug(&l, rec);
	}
	line_put(&l, out, r, rec->dst);
	return;
after:
	/* Replaced while it was made (cp -f, or a link to an earlier copy). */
	if (rec->removed_after)
		line_add(&l, CP_("removed %s\n"), quote(path_str(rec->dst)));
	/* The copy failed: its backup went back in place. */
	if (rec->unbackup && rec->backup != NULL)
		line_add(&l, CP_("%s -> %s (unbackup)\n"), quote(rec->backup),
		    quote(path_str(rec->dst)));
	/*
	 * cp 9.4 and later, --debug only: the destination left as it was
	 * (coreutils 9.1's catalog has no such message: CPZ_()).
	 */
	if (debug && rec->kept && rec->status == FILE_SKIPPED)
		/* TRANSLATORS: GNU cp's words since coreutils 9.4, used
		   where the installed coreutils does not translate them:
		   say it as coreutils' translation does. */
		line_add(&l, CPZ_("skipped %s\n"), quote(path_str(rec->dst)));
	line_put(&l, out, r, rec->dst);
}

static const char *const report_kinds[] = {
	"file", "directory", "symlink", "special"
};
static const char *const report_status[] = {
	"copied", "skipped", "failed"
};

/* --atomic, --resume and --verify's fields of a file's record. */
static void
report_json_trust(struct line *l, const struct file_record *rec)
{
	const char *note = rec->verify == VERIFY_SKIPPED ||
	    rec->verify_cached ? rec->verify_why : NULL;

	line_add(l, ",\"atomic\":%s,\"resumed\":%llu,\"verified\":%s",
	    rec->atomic ? "true" : "false",
	    (unsigned long long)rec->resumed,
	    rec->verify == VERIFY_OK ? "true" : rec->verify ==
	    VERIFY_FAILED ? "false" : "null");
	if (rec->verify == VERIFY_OK || rec->verify == VERIFY_FAILED)
		line_add(l, ",\"verify_seconds\":%.9f", rec->verify_seconds);
	else
		line_add(l, ",\"verify_seconds\":null");
	line_add(l, ",\"verify_note\":");
	if (note != NULL)
		line_json_str(l, note);
	else
		line_add(l, "null");
}

static void
report_json(struct report *r, const struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	struct line l = { NULL, 0, 0, false };
	int i;

	line_add(&l, "{\"type\":\"file\",\"source\":");
	line_json_str(&l, path_str(rec->src));
	line_add(&l, ",\"destination\":");
	line_json_str(&l, path_str(rec->dst));
	line_add(&l, ",\"kind\":\"%s\",\"status\":\"%s\"",
	    report_kinds[rec->kind], report_status[rec->status]);
	line_add(&l, ",\"engine\":");
	if (rec->data)
		line_add(&l, "\"%s\"", rec->batched ? "uring" : e->cloned ?
		    "clone" : engine_name(e->engine));
	else
		line_add(&l, "null");
	line_add(&l, ",\"fallbacks\":[");
	for (i = 0; rec->data && i < e->nfallback; i++) {
		line_add(&l, "%s{\"engine\":\"%s\",\"errno\":\"%s\","
		    "\"error\":", i ? "," : "",
		    engine_name(e->fallback[i].engine),
		    report_errname(e->fallback[i].err));
		line_json_str(&l, nls_strerror_c(e->fallback[i].err));
		line_add(&l, ",\"offset\":%llu}",
		    (unsigned long long)e->fallback[i].offset);
	}
	line_add(&l, "],\"bytes\":%llu,\"moved\":{",
	    (unsigned long long)(rec->data ? e->bytes : 0));
	if (rec->batched && e->bytes > 0)
		line_add(&l, "\"uring\":%llu", (unsigned long long)e->bytes);
	for (i = ENGINE_CLONE; rec->data && i < ENGINE_NUM; i++)
		if (e->moved[i] > 0)
			line_add(&l, "%s\"%s\":%llu", line_last(&l) == '{' ?
			    "" : ",", engine_name(i),
			    (unsigned long long)e->moved[i]);
	line_add(&l, "},\"seconds\":%.9f,\"bytes_per_second\":%.0f",
	    rec->seconds, rec->seconds > 0 && rec->data ?
	    (double)e->bytes / rec->seconds : 0.0);
	line_add(&l, ",\"cloned\":%s,\"sparse\":%s,\"synced\":%s",
	    rec->data && e->cloned ? "true" : "false",
	    rec->data && e->sparse ? "true" : "false",
	    rec->synced ? "true" : "false");
	report_json_trust(&l, rec);
	if (rec->status == FILE_FAILED) {
		line_add(&l, ",\"errno\":%s%s%s,\"error\":",
		    rec->err ? "\"" : "", rec->err ?
		    report_errname(rec->err) : "null", rec->err ? "\"" : "");
		line_json_str(&l, rec->msg_c != NULL ? rec->msg_c : "");
	} else
		line_add(&l, ",\"errno\":null,\"error\":null");
	line_add(&l, "}\n");
	line_put(&l, stdout, r, rec->dst);
}

static void	report_messages(struct report *, const struct file_record *);

static void
report_count(struct report *r, const struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	int i;

	if (rec->status == FILE_SKIPPED) {
		r->skipped++;
		return;
	}
	if (rec->verify == VERIFY_OK) {
		r->verified++;
		r->verify_bytes += e->bytes + rec->resumed;
	} else if (rec->verify == VERIFY_SKIPPED)
		r->unverified++;
	r->verify_seconds += rec->verify_seconds;
	if (rec->resumed > 0) {
		r->resumed++;
		r->resumed_bytes += rec->resumed;
	}
	if (rec->status == FILE_FAILED)
		r->failed++;
	else if (rec->kind == FILE_KIND_DIR)
		r->dirs++;
	else if (rec->kind == FILE_KIND_SYMLINK)
		r->symlinks++;
	else if (rec->kind == FILE_KIND_SPECIAL)
		r->specials++;
	else
		r->files++;
	if (!rec->data)
		return;
	for (i = 0; i < e->nfallback; i++) {
		r->nfallback++;
		if (e->fallback[i].err >= 0 &&
		    e->fallback[i].err < REPORT_ERRNO_MAX)
			r->fallbacks[e->fallback[i].engine]
			    [e->fallback[i].err]++;
	}
	if (rec->status == FILE_FAILED)
		return;
	r->bytes += e->bytes;
	if (rec->batched) {
		r->uring_files++;
		r->uring_bytes += e->bytes;
		return;
	}
	r->eng_files[e->cloned ? ENGINE_CLONE : e->engine]++;
	r->eng_bytes[e->cloned ? ENGINE_CLONE : e->engine] += e->bytes;
}

void
report_record(struct report *r, const struct file_record *rec)
{
	const struct options *o = r->opts;
	/* The progress line leaves the terminal only for output. */
	bool out = rec->warn != NULL || rec->status == FILE_FAILED ||
	    rec->verify == VERIFY_SKIPPED || rec->partial != NULL ||
	    o->verbose || o->json;

	(void)pthread_mutex_lock(&r->lock);
	if (out)
		progress_hold(r->prog);
	if (o->verbose)
		report_verbose(r, r->vout, rec, o->debug, false);
	report_messages(r, rec);
	if (o->verbose)
		report_verbose(r, r->vout, rec, o->debug, true);
	if (o->json)
		report_json(r, rec);
	report_count(r, rec);
	if (out)
		progress_release(r->prog);
	(void)pthread_mutex_unlock(&r->lock);
}

/*
 * The failure and the warnings of rec on stderr, after pending -v lines:
 * also a copy --verify could not check, and --resume's partial file.
 */
static void
report_messages(struct report *r, const struct file_record *rec)
{
	bool unverified = rec->verify == VERIFY_SKIPPED &&
	    rec->status != FILE_FAILED;

	if (rec->warn == NULL && !unverified && rec->partial == NULL &&
	    rec->status != FILE_FAILED)
		return;
	fflush(r->vout);
	if (rec->warn != NULL)
		fprintf(stderr, "%s: %s\n", getprogname(), rec->warn);
	if (unverified)
		fprintf(stderr, _("%s: warning: %s not verified: %s\n"),
		    getprogname(), quote(path_str(rec->dst)),
		    nls_text(rec->verify_why));
	if (rec->status == FILE_FAILED && rec->msg != NULL)
		fprintf(stderr, "%s: %s\n", getprogname(), rec->msg);
	else if (rec->status == FILE_FAILED)	/* no memory for the message */
		fprintf(stderr, _("%s: cannot copy %s: %s\n"), getprogname(),
		    quote(path_str(rec->src)), strerror(rec->err != 0 ?
		    rec->err : ENOMEM));
	if (rec->partial != NULL)
		fprintf(stderr, _("%s: partial copy kept as %s for --resume\n"),
		    getprogname(), quote(rec->partial));
}

void
report_excluded(struct report *r, const struct path *src,
    const struct filter_rule *rule)
{
	struct line l = { NULL, 0, 0, false };

	(void)pthread_mutex_lock(&r->lock);
	r->excluded++;
	if (r->opts->debug) {
		progress_hold(r->prog);
		if (rule->from == NULL)
			line_add(&l, _("excluded %s by --exclude=%s\n"),
			    quote(path_str(src)), quote(rule->given));
		else
			line_add(&l, _("excluded %s by %s, line %u: %s\n"),
			    quote(path_str(src)), quote(rule->from),
			    rule->line, quote(rule->given));
		line_put(&l, r->vout, r, src);
		progress_release(r->prog);
	}
	(void)pthread_mutex_unlock(&r->lock);
}

void
report_warning(struct report *r, const struct file_record *rec)
{
	(void)pthread_mutex_lock(&r->lock);
	report_messages(r, rec);
	(void)pthread_mutex_unlock(&r->lock);
}

void
report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;

	(void)pthread_mutex_lock(&r->lock);
	progress_hold(r->prog);
	fflush(stdout);
	fprintf(stderr, "%s: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->failed++;
	progress_release(r->prog);
	(void)pthread_mutex_unlock(&r->lock);
}

/* The --debug line of the final flush, and why it is not syncfs(2). */
static void
report_sync_debug(struct report *r, const struct durable_stats *st)
{
	char t[32];

	fflush(stdout);
	if (st->per_file && st->why_err != 0)
		fprintf(r->vout, _("final flush: none: each file flushed with "
		    "fdatasync(2), each directory with fsync(2) (%s: %s)\n"),
		    nls_text(st->why), strerror(st->why_err));
	else if (st->per_file)
		fprintf(r->vout, _("final flush: none: each file flushed with "
		    "fdatasync(2), each directory with fsync(2) (%s)\n"),
		    nls_text(st->why));
	else
		fprintf(r->vout, _("final flush: syncfs(2) of %u %s in %s\n"),
		    st->fs, P_("file system", "file systems", st->fs),
		    units_time(t, sizeof(t), st->seconds));
	fflush(r->vout);
}

void
report_sync(struct report *r, const struct durable_stats *st)
{
	(void)pthread_mutex_lock(&r->lock);
	r->synced = true;
	r->sync = *st;
	if (r->opts->debug) {
		progress_hold(r->prog);
		report_sync_debug(r, st);
		progress_release(r->prog);
	}
	(void)pthread_mutex_unlock(&r->lock);
}

/* --stats: the final flush of --fsync on trees. */
static void
report_stats_sync(const struct report *r)
{
	const struct durable_stats *st = &r->sync;
	char t[32];

	if (!r->synced)
		return;
	if (st->per_file)
		fprintf(stderr, _("%s: stats: synced: each file and directory "
		    "on its own (no syncfs)\n"), getprogname());
	else
		fprintf(stderr, _("%s: stats: synced: %u %s in %s, %u "
		    "failed\n"), getprogname(), st->fs,
		    P_("file system", "file systems", st->fs),
		    units_time(t, sizeof(t), st->seconds), st->failed);
}

static void
report_stats(struct report *r, double secs)
{
	const char *me = getprogname();
	char sz[32], t[32], rate[32];
	int i, e;

	fprintf(stderr, _("%s: stats: %llu %s, %llu %s, %llu %s, %llu %s; "
	    "%llu skipped, %llu failed\n"), me,
	    (unsigned long long)r->files, P_("file", "files", r->files),
	    (unsigned long long)r->dirs,
	    P_("directory", "directories", r->dirs),
	    (unsigned long long)r->symlinks,
	    P_("symlink", "symlinks", r->symlinks),
	    (unsigned long long)r->specials,
	    P_("special file", "special files", r->specials),
	    (unsigned long long)r->skipped, (unsigned long long)r->failed);
	fprintf(stderr, _("%s: stats: %s in %s, %s\n"), me,
	    units_size(sz, sizeof(sz), (double)r->bytes),
	    units_time(t, sizeof(t), secs),
	    units_rate(rate, sizeof(rate), (double)r->bytes, secs));
	for (i = ENGINE_CLONE; i < ENGINE_NUM; i++)
		if (r->eng_files[i] > 0)
			fprintf(stderr, _("%s: stats: %s: %llu %s, %s\n"), me,
			    i == ENGINE_CLONE ? _("cloned") : engine_name(i),
			    (unsigned long long)r->eng_files[i],
			    P_("file", "files", r->eng_files[i]),
			    units_size(sz, sizeof(sz),
			    (double)r->eng_bytes[i]));
	if (r->uring_files > 0)
		fprintf(stderr, _("%s: stats: %s: %llu %s, %s\n"), me, "uring",
		    (unsigned long long)r->uring_files,
		    P_("file", "files", r->uring_files),
		    units_size(sz, sizeof(sz), (double)r->uring_bytes));
	if (r->opts->verify)
		fprintf(stderr, _("%s: stats: verified: %llu %s, %s in %s; %llu "
		    "not verified\n"), me, (unsigned long long)r->verified,
		    P_("file", "files", r->verified),
		    units_size(sz, sizeof(sz), (double)r->verify_bytes),
		    units_time(t, sizeof(t), r->verify_seconds),
		    (unsigned long long)r->unverified);
	if (r->opts->resume)
		fprintf(stderr, _("%s: stats: resumed: %llu %s, %s kept\n"), me,
		    (unsigned long long)r->resumed,
		    P_("file", "files", r->resumed), units_size(sz, sizeof(sz),
		    (double)r->resumed_bytes));
	if (r->opts->filter.n > 0)
		fprintf(stderr, _("%s: stats: excluded: %llu\n"), me,
		    (unsigned long long)r->excluded);
	report_stats_sync(r);
	fprintf(stderr, _("%s: stats: fallbacks: %llu\n"), me,
	    (unsigned long long)r->nfallback);
	for (i = 0; i < ENGINE_NUM; i++)
		for (e = 0; e < REPORT_ERRNO_MAX; e++)
			if (r->fallbacks[i][e] > 0)
				fprintf(stderr, _("%s: stats:   %s: %s: %u\n"),
				    me, engine_name(i), strerror(e),
				    r->fallbacks[i][e]);
}

static void
report_json_summary(struct report *r, double secs)
{
	struct line l = { NULL, 0, 0, false };
	int i;

	line_add(&l, "{\"type\":\"summary\",\"files\":%llu,\"directories\":"
	    "%llu,\"symlinks\":%llu,\"specials\":%llu,\"skipped\":%llu,"
	    "\"failed\":%llu,\"bytes\":%llu,\"seconds\":%.9f,"
	    "\"bytes_per_second\":%.0f,\"fallbacks\":%llu,",
	    (unsigned long long)r->files, (unsigned long long)r->dirs,
	    (unsigned long long)r->symlinks, (unsigned long long)r->specials,
	    (unsigned long long)r->skipped, (unsigned long long)r->failed,
	    (unsigned long long)r->bytes, secs,
	    secs > 0 ? (double)r->bytes / secs : 0.0,
	    (unsigned long long)r->nfallback);
	line_add(&l, "\"verified\":%llu,\"unverified\":%llu,"
	    "\"verify_seconds\":%.9f,\"resumed\":%llu,\"resumed_bytes\":%llu,"
	    "\"excluded\":%llu,\"dry_run\":%s,\"engines\":{",
	    (unsigned long long)r->verified,
	    (unsigned long long)r->unverified, r->verify_seconds,
	    (unsigned long long)r->resumed,
	    (unsigned long long)r->resumed_bytes,
	    (unsigned long long)r->excluded,
	    r->opts->dry_run ? "true" : "false");
	for (i = ENGINE_CLONE; i < ENGINE_NUM; i++)
		if (r->eng_files[i] > 0)
			line_add(&l, "%s\"%s\":{\"files\":%llu,\"bytes\":%llu}",
			    line_last(&l) == '{' ? "" : ",", engine_name(i),
			    (unsigned long long)r->eng_files[i],
			    (unsigned long long)r->eng_bytes[i]);
	if (r->uring_files > 0)
		line_add(&l, "%s\"uring\":{\"files\":%llu,\"bytes\":%llu}",
		    line_last(&l) == '{' ? "" : ",",
		    (unsigned long long)r->uring_files,
		    (unsigned long long)r->uring_bytes);
	line_add(&l, "}");
	if (r->synced)
		line_add(&l, ",\"sync\":{\"method\":\"%s\",\"file_systems\":"
		    "%u,\"failed\":%u,\"seconds\":%.9f}", r->sync.per_file ?
		    "fdatasync" : "syncfs", r->sync.fs, r->sync.failed,
		    r->sync.seconds);
	else
		line_add(&l, ",\"sync\":null");
	line_add(&l, "}\n");
	if (l.oom) {
		fprintf(stderr, _("%s: cannot report the summary: %s\n"),
		    getprogname(), strerror(ENOMEM));
		r->lost++;
	}
	line_put(&l, stdout, r, NULL);
}

int
report_finish(struct report *r)
{
	double secs = units_now() - r->t0;

	if (r->opts->stats)
		report_stats(r, secs);
	if (r->opts->json)
		report_json_summary(r, secs);
	return r->lost > 0 ? -1 : 0;
}
