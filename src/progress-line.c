/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-line.c: lines built with async-signal-safe code only (no
 * stdio, no malloc, no locale), so that SIGUSR1's handler can write one,
 * and the two lines that are never redrawn: the plain status line and
 * the summary at the end.  The status line of a terminal is laid out in
 * progress-layout.c.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "compat.h"
#include "nls.h"
#include "progress-line.h"

static const struct pl_words pl_english = {
	" of ", " file", " files", "file ", "files ", " elapsed",
	" (counting: ", " files so far)", ", copying ", "% of ", ": copied ",
	" file) in ", " files) in ", " flushing)", " kept by --resume)",
	"verifying...", "flushing", "syncing", "counting...", "counting",
	"ETA "
};
static struct pl_words pl_words;
const struct pl_words *pl_w = &pl_english;

void
pl_words_init(void)
{
	/* TRANSLATORS: the progress lines of -g and SIGUSR1 are made of
	   these pieces (see the comments): keep their spaces. */
	/* TRANSLATORS: "1.68 GiB of 4.00 GiB", "file 3 of 10". */
	pl_words.of = _(" of ");
	/* TRANSLATORS: after a number: "3/10 files", "10 of 10 files". */
	pl_words.file = _(" file");
	pl_words.files = _(" files");
	/* TRANSLATORS: before numbers: "file 3 of 10", "files 3-6 of 10". */
	pl_words.file_n = _("file ");
	pl_words.files_n = _("files ");
	/* TRANSLATORS: "0:03 elapsed". */
	pl_words.elapsed = _(" elapsed");
	/* TRANSLATORS: " (counting: 1234 files so far)". */
	pl_words.counting_n = _(" (counting: ");
	pl_words.so_far = _(" files so far)");
	/* TRANSLATORS: ", copying big.iso (28% of 4.00 GiB)". */
	pl_words.copying = _(", copying ");
	/* xgettext:no-c-format */
	pl_words.pct_of = _("% of ");
	/* TRANSLATORS: "zcp: copied 4.00 GiB (10 files) in 7.9 s (2.1 s
	   flushing), 518 MiB/s (1.00 GiB kept by --resume)". */
	pl_words.copied = _(": copied ");
	pl_words.file_in = _(" file) in ");
	pl_words.files_in = _(" files) in ");
	pl_words.flushed = _(" flushing)");
	pl_words.kept = _(" kept by --resume)");
	/* TRANSLATORS: while --verify reads the copy back. */
	pl_words.verifying = _("verifying...");
	/* TRANSLATORS: "flushing 312 MiB...": the data the system has yet
	   to write to the disk. */
	pl_words.flushing = _("flushing");
	/* TRANSLATORS: "syncing 312 MiB...": --fsync's last step, every
	   file system written to flushed (syncfs). */
	pl_words.syncing = _("syncing");
	/* TRANSLATORS: in the bar while the files are counted; the short
	   one where the bar is narrow. */
	pl_words.counting = _("counting...");
	pl_words.counting_short = _("counting");
	/* TRANSLATORS: the time left: "ETA 0:04". */
	pl_words.eta = _("ETA ");
	pl_w = &pl_words;
}

void
pl_clear(struct pline *l)
{
	l->n = 0;
	l->b[0] = '\0';
}

void
pl_str(struct pline *l, const char *s)
{
	while (*s != '\0' && l->n < sizeof(l->b) - 1)
		l->b[l->n++] = *s++;
	l->b[l->n] = '\0';
}

void
pl_name(struct pline *l, const char *s)
{
	for (; *s != '\0' && l->n < sizeof(l->b) - 1; s++)
		l->b[l->n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' :
		    *s;
	l->b[l->n] = '\0';
}

void
pl_uint(struct pline *l, uint64_t v, int width)
{
	char d[24];
	int i = 0;

	do {
		d[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || i < width);
	while (i > 0 && l->n < sizeof(l->b) - 1)
		l->b[l->n++] = d[--i];
	l->b[l->n] = '\0';
}

void
pl_scale(double n, unsigned *unit, unsigned *dec)
{
	*unit = 0;
	while (n >= 1023.5 && *unit < 6) {
		n /= 1024;
		(*unit)++;
	}
	*dec = *unit == 0 || n >= 99.95 ? 0 : n >= 9.995 ? 1 : 2;
}

void
pl_number(struct pline *l, double n, unsigned unit, unsigned dec, bool named)
{
	static const char *const u[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned scale = dec == 0 ? 1 : dec == 1 ? 10 : 100, i;
	uint64_t x;

	for (i = 0; i < unit; i++)
		n /= 1024;
	x = (uint64_t)(n * scale + 0.5);
	pl_uint(l, x / scale, 1);
	if (dec > 0) {
		pl_str(l, ".");
		pl_uint(l, x % scale, (int)dec);
	}
	if (named) {
		pl_str(l, " ");
		pl_str(l, u[unit]);
	}
}

void
pl_size(struct pline *l, double n)
{
	unsigned unit, dec;

	pl_scale(n, &unit, &dec);
	pl_number(l, n, unit, dec, true);
}

void
pl_clock(struct pline *l, double secs)
{
	uint64_t s = secs > 0 ? (uint64_t)(secs + 0.5) : 0;

	if (s >= 3600) {
		pl_uint(l, s / 3600, 1);
		pl_str(l, ":");
		pl_uint(l, s / 60 % 60, 2);
	} else
		pl_uint(l, s / 60, 1);
	pl_str(l, ":");
	pl_uint(l, s % 60, 2);
}

void
pl_pad(struct pline *l, size_t from, size_t width)
{
	while (l->n - from < width && l->n < sizeof(l->b) - 1)
		l->b[l->n++] = ' ';
	l->b[l->n] = '\0';
}

void
pl_write(const struct pline *l)
{
	const char *p = l->b;
	size_t n = l->n;
	ssize_t w;

	while (n > 0) {
		w = write(STDERR_FILENO, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

bool
pl_known(const struct progress_snap *s)
{
	return !s->counting && s->total > 0;
}

unsigned
pl_percent(uint64_t done, uint64_t total)
{
	return done >= total ? 100 : (unsigned)(done * 100 / total);
}

void
pl_flushing(struct pline *l, const struct progress_snap *s)
{
	if (s->verifying) {
		pl_str(l, pl_w->verifying);
		return;
	}
	pl_str(l, s->syncing ? pl_w->syncing : pl_w->flushing);
	if (s->dirty != PROGRESS_NODIRTY && s->dirty > 0) {
		pl_str(l, " ");
		pl_size(l, (double)s->dirty);
	}
	pl_str(l, "...");
}

/*
 * The files: the one being copied counts as such ("file 3 of 10", "files
 * 3-6 of 10" with -j), else those done ("10 of 10 files").
 */
static void
pl_plain_files(struct pline *l, const struct progress_snap *s)
{
	uint64_t nf = s->counting ? 0 : s->nfiles;

	if (s->active == 0) {
		pl_uint(l, s->files, 1);
		if (nf > 0) {
			pl_str(l, pl_w->of);
			pl_uint(l, nf, 1);
		}
		pl_str(l, (nf > 0 ? nf : s->files) == 1 ? pl_w->file :
		    pl_w->files);
		return;
	}
	pl_str(l, s->active == 1 ? pl_w->file_n : pl_w->files_n);
	pl_uint(l, s->files + 1, 1);
	if (s->active > 1) {
		pl_str(l, "-");
		pl_uint(l, s->files + s->active, 1);
	}
	if (nf > 0) {
		pl_str(l, pl_w->of);
		pl_uint(l, nf, 1);
	}
}

/* ", 512 MiB/s, ETA 0:04", or ", flushing 312 MiB...". */
static void
pl_plain_rate(struct pline *l, const struct progress_snap *s)
{
	double rate = s->rate > 0 ? s->rate : s->avg;

	pl_str(l, ", ");
	if (s->flushing) {
		pl_flushing(l, s);
		return;
	}
	pl_size(l, rate);
	pl_str(l, "/s");
	if (pl_known(s) && rate > 0) {
		pl_str(l, ", ");
		pl_str(l, pl_w->eta);
		pl_clock(l, s->done >= s->total ? 0 :
		    (double)(s->total - s->done) / rate);
	}
}

void
pl_plain(struct pline *l, const struct progress_snap *s)
{
	pl_str(l, getprogname());
	pl_str(l, ": ");
	pl_size(l, (double)s->done);
	if (pl_known(s)) {
		pl_str(l, pl_w->of);
		pl_size(l, (double)s->total);
		pl_str(l, " (");
		pl_uint(l, pl_percent(s->done, s->total), 1);
		pl_str(l, "%)");
	}
	pl_str(l, ", ");
	pl_plain_files(l, s);
	pl_str(l, ", ");
	pl_clock(l, s->elapsed);
	pl_str(l, pl_w->elapsed);
	pl_plain_rate(l, s);
	if (s->counting) {
		pl_str(l, pl_w->counting_n);
		pl_uint(l, s->nfiles, 1);
		pl_str(l, pl_w->so_far);
	}
	if (s->active > 0 && s->name[0] != '\0') {
		pl_str(l, pl_w->copying);
		pl_name(l, s->name);
		if (!pl_known(s) && s->cur_size > 0) {
			pl_str(l, " (");
			pl_uint(l, pl_percent(s->cur_done, s->cur_size), 1);
			pl_str(l, pl_w->pct_of);
			pl_size(l, (double)s->cur_size);
			pl_str(l, ")");
		}
	}
	pl_str(l, "\n");
}

/* A duration: "7.9 s" under a minute, else a clock. */
static void
pl_secs(struct pline *l, double secs)
{
	uint64_t tenths = (uint64_t)(secs * 10 + 0.5);

	if (secs >= 59.95) {
		pl_clock(l, secs);
		return;
	}
	pl_uint(l, tenths / 10, 1);
	pl_str(l, ".");
	pl_uint(l, tenths % 10, 1);
	pl_str(l, " s");
}

void
pl_final(struct pline *l, const struct progress_snap *s)
{
	double secs = s->elapsed - (s->fsync ? 0 : s->flush);

	pl_str(l, getprogname());
	pl_str(l, pl_w->copied);
	pl_size(l, (double)s->done);
	pl_str(l, " (");
	pl_uint(l, s->files, 1);
	pl_str(l, s->files == 1 ? pl_w->file_in : pl_w->files_in);
	pl_secs(l, s->elapsed);
	if (s->flush > 0) {
		pl_str(l, " (");
		pl_secs(l, s->flush);
		pl_str(l, pl_w->flushed);
	}
	pl_str(l, ", ");
	pl_size(l, secs > 0 ? (double)(s->done - s->kept) / secs : 0);
	pl_str(l, "/s");
	if (s->kept > 0) {
		pl_str(l, " (");
		pl_size(l, (double)s->kept);
		pl_str(l, pl_w->kept);
	}
	pl_str(l, "\n");
}
