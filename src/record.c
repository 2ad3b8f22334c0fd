/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * record.c: filling a struct file_record's messages, in cp's form
 * ("MESSAGE: strerror(errno)"), in the user's language and in English.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "record.h"

/* fmt (a message id) and err's text, translated or in English (c). */
static char *
record_format(int err, bool c, const char *fmt, va_list ap)
{
	char *m = NULL, *full = NULL;

	if (vasprintf(&m, c ? fmt : nls_text(fmt), ap) == -1)
		return NULL;
	if (err == 0)
		return m;
	/* Never the message without its reason: none (report.c says it). */
	if (asprintf(&full, "%s: %s", m, c ? nls_strerror_c(err) :
	    strerror(err)) == -1)
		full = NULL;
	free(m);
	return full;
}

void
record_init(struct file_record *rec, const struct path *src,
    const struct path *dst, enum file_kind kind)
{
	memset(rec, 0, sizeof(*rec));
	rec->src = src;
	rec->dst = dst;
	rec->kind = kind;
}

void
record_fail(struct file_record *rec, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(rec->msg);
	rec->msg = record_format(err, false, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	free(rec->msg_c);
	rec->msg_c = record_format(err, true, fmt, ap);
	va_end(ap);
	rec->err = err;
	rec->status = FILE_FAILED;
}

void
record_warn(struct file_record *rec, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(rec->warn);
	rec->warn = record_format(err, false, fmt, ap);
	va_end(ap);
}

void
record_free(struct file_record *rec)
{
	free(rec->msg);
	free(rec->msg_c);
	free(rec->warn);
	free(rec->backup);
	free(rec->partial);
	rec->msg = rec->msg_c = rec->warn = rec->backup = rec->partial = NULL;
}
