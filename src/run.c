/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * run.c: what every layer of a run reports through: a record handed to
 * the report, a failure remembered for the exit status.
 */
#include "config.h"

#include <errno.h>

#include "quote.h"
#include "report.h"
#include "run.h"

bool
run_short(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE;
}

void
run_report(struct run *run, struct file_record *rec)
{
	if (rec->status == FILE_FAILED)
		__atomic_store_n(&run->failed, 1, __ATOMIC_RELAXED);
	report_record(run->rep, rec);
	record_free(rec);
}

void
run_skip(struct run *run, const struct file_ref *src,
    const struct file_ref *dst, enum file_kind kind, const char *fmt,
    const struct path *arg)
{
	struct file_record rec;

	record_init(&rec, src->path, dst->path, kind);
	rec.status = FILE_SKIPPED;
	record_warn(&rec, 0, fmt, quote(path_str(arg)));
	run_report(run, &rec);
}

void
run_fail(struct run *run, const struct file_ref *src,
    const struct file_ref *dst, enum file_kind kind, int e, const char *fmt,
    const struct path *arg1, const struct path *arg2)
{
	struct file_record rec;

	record_init(&rec, src->path, dst->path, kind);
	/* quote() never fails: a name it cannot quote comes back as is. */
	record_fail(&rec, e, fmt, arg1 ? quote(path_str(arg1)) : "",
	    arg2 ? quote(path_str(arg2)) : "");
	run_report(run, &rec);
}
