/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress.c: the live progress display (-g, --progress) and the status
 * line of SIGUSR1 and SIGINFO.
 *
 * The engines add the bytes they move to one counter; walk.c says when a
 * file starts and ends.  With --progress a thread first counts the
 * sources (a quick fd-relative scan in a thread of its own, at idle
 * priority, "counting..." meanwhile), and another wakes ten times a
 * second: on a terminal it redraws one status line on stderr
 * (re-reading the width on SIGWINCH), elsewhere it prints a plain line
 * every few seconds; at the end it leaves one summary line.  Without
 * --progress there is no thread: SIGUSR1's handler formats and writes its
 * line itself, with async-signal-safe code only (the pl_ functions).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "compat.h"
#include "progress.h"
#include "units.h"

/* SIGINFO (^T) asks for the status line where the platform has it. */
#ifndef SIGINFO
#define SIGINFO	SIGUSR1
#endif
/* Linux's idle class: the scan runs only on otherwise idle CPUs. */
#ifndef SCHED_IDLE
#define SCHED_IDLE	SCHED_OTHER
#endif

#define PROGRESS_TICK		0.1	/* seconds between two redraws */
#define PROGRESS_PLAIN		5.0	/* seconds between two plain lines */
#define PROGRESS_SAMPLES	30	/* the current rate: the last 3 s */
#define PROGRESS_LINE		1024	/* bytes of one status line */

/* A line built with async-signal-safe code only. */
struct pline {
	char	 b[PROGRESS_LINE];
	size_t	 n;
};

/* The figures one line shows, read at one moment. */
struct progress_snap {
	double		 elapsed;	/* seconds since the start */
	uint64_t	 done, total;	/* bytes; total 0: not known */
	uint64_t	 files, nfiles;	/* files done; nfiles 0: not known */
	uint64_t	 cur_done, cur_size; /* of the file being copied */
	bool		 in_file;	/* a file is being copied */
	bool		 counting;	/* the scan is running */
	double		 rate, avg;	/* bytes/s now (0: unknown), overall */
	char		 name[PATH_MAX];
};

struct progress {
	const struct options *opts;
	bool		 on;		/* --progress, and its thread runs */
	bool		 tty;		/* stderr is a terminal: redraw */
	bool		 utf8;		/* UTF-8 locale: blocks, ellipsis */
	double		 t0;
	uint64_t	 bytes;		/* added to by the engines (atomic) */

	/*
	 * Written by walk.c's calls, from any thread with -j; under lock
	 * when the thread runs.  Bytes done are bytes + adjust: a file's
	 * holes, or what it was skipped by, count when it is done.
	 */
	int64_t		 adjust;	/* size - bytes moved, files done */
	uint64_t	 files;		/* files done */
	unsigned	 active;	/* files being copied */
	bool		 single;	/* one file at a time (no -j) */
	uint64_t	 cur_start;	/* single: bytes when it started */
	uint64_t	 cur_size;	/* single: the file's size */
	const struct path *cur_path;	/* single, no thread: its name */
	char		 name[PATH_MAX]; /* thread: the last file started */

	/* The scan's totals (atomic while it runs). */
	uint64_t	 total, nfiles;
	bool		 counting, counted;
	int		 nsrc;
	char		**src;

	/* The threads: the display, and the scan. */
	pthread_t	 thread;
	pthread_t	 scanner;
	bool		 scanning;	/* the scan thread was started */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	bool		 stop;
	bool		 drawn;		/* the status line is on screen */
	int		 cols;
	double		 last_draw, last_plain;
	double		 st[PROGRESS_SAMPLES];	/* rate samples: time, */
	uint64_t	 sb[PROGRESS_SAMPLES];	/* bytes done */
	unsigned	 ns;
	volatile sig_atomic_t usr1, winch, dying;
};

static struct progress	 progress_state;
static struct progress	*progress_cur;

/* --- Lines, with async-signal-safe code only. --- */

static void
pl_str(struct pline *l, const char *s)
{
	while (*s != '\0' && l->n < sizeof(l->b) - 1)
		l->b[l->n++] = *s++;
	l->b[l->n] = '\0';
}

/* s with control characters as '?', for names. */
static void
pl_name(struct pline *l, const char *s)
{
	for (; *s != '\0' && l->n < sizeof(l->b) - 1; s++)
		l->b[l->n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' :
		    *s;
	l->b[l->n] = '\0';
}

/* v with at least width digits. */
static void
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

/* Three significant digits, as units.c: "512 B", "4.00 GiB", "12.0 MiB". */
static void
pl_size(struct pline *l, double n)
{
	static const char *const u[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned i = 0, dec, scale;
	uint64_t x;

	while (n >= 1023.5 && i < 6) {
		n /= 1024;
		i++;
	}
	dec = i == 0 || n >= 99.95 ? 0 : n >= 9.995 ? 1 : 2;
	scale = dec == 0 ? 1 : dec == 1 ? 10 : 100;
	x = (uint64_t)(n * scale + 0.5);
	pl_uint(l, x / scale, 1);
	if (dec > 0) {
		pl_str(l, ".");
		pl_uint(l, x % scale, (int)dec);
	}
	pl_str(l, " ");
	pl_str(l, u[i]);
}

/* A duration as a clock: "0:07", "12:34", "1:02:03". */
static void
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

static void
pl_percent(struct pline *l, uint64_t done, uint64_t total)
{
	pl_uint(l, done >= total ? 100 : done * 100 / total, 1);
	pl_str(l, "%");
}

static void
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

/* --- The figures. --- */

/*
 * Writes the path p into buf (size bytes), or its last name if it is too
 * long, as path.c does but with async-signal-safe code.
 */
static void
progress_path(const struct path *p, char *buf, size_t size)
{
	size_t n, at;

	if (p->len + 1 > size) {
		n = strlen(p->name);
		n = n < size - 1 ? n : size - 1;
		memcpy(buf, p->name + strlen(p->name) - n, n);
		buf[n] = '\0';
		return;
	}
	buf[p->len] = '\0';
	for (at = p->len; p != NULL; p = p->up) {
		at = p->len;
		n = strlen(p->name);
		memcpy(buf + at - n, p->name, n);
		if (p->up != NULL && at > n && (strlen(p->up->name) == 0 ||
		    p->up->name[strlen(p->up->name) - 1] != '/'))
			buf[at - n - 1] = '/';
	}
}

/*
 * Reads the figures: under p->lock if the thread runs, else in the
 * copying thread (or its signal handler).
 */
static void
progress_snap(struct progress *p, struct progress_snap *s, double now)
{
	uint64_t c = __atomic_load_n(&p->bytes, __ATOMIC_RELAXED);
	int64_t adj = __atomic_load_n(&p->adjust, __ATOMIC_RELAXED);
	const struct path *cur;

	s->elapsed = now - p->t0;
	s->in_file = __atomic_load_n(&p->active, __ATOMIC_RELAXED) > 0;
	s->cur_size = p->single ? p->cur_size : 0;
	s->cur_done = s->in_file && p->single && c > p->cur_start ?
	    c - p->cur_start : 0;
	s->done = adj < 0 && (uint64_t)-adj > c ? 0 : c + (uint64_t)adj;
	s->files = __atomic_load_n(&p->files, __ATOMIC_RELAXED);
	s->counting = __atomic_load_n(&p->counting, __ATOMIC_ACQUIRE);
	s->total = __atomic_load_n(&p->total, __ATOMIC_RELAXED);
	s->nfiles = __atomic_load_n(&p->nfiles, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&p->counted, __ATOMIC_ACQUIRE) && !s->counting)
		s->total = s->nfiles = 0;
	s->avg = s->elapsed > 0 ? (double)s->done / s->elapsed : 0;
	s->rate = 0;
	s->name[0] = '\0';
	if (p->on)
		memcpy(s->name, p->name, sizeof(s->name));
	else if ((cur = __atomic_load_n(&p->cur_path, __ATOMIC_ACQUIRE)) !=
	    NULL)
		progress_path(cur, s->name, sizeof(s->name));
	s->name[sizeof(s->name) - 1] = '\0';
}

/* The plain status line: SIGUSR1, --progress off a terminal. */
static void
progress_plain(const struct progress_snap *s, struct pline *l)
{
	bool known = !s->counting && s->total > 0;

	pl_str(l, getprogname());
	pl_str(l, ": ");
	pl_size(l, (double)s->done);
	if (known) {
		pl_str(l, " of ");
		pl_size(l, (double)s->total);
		pl_str(l, " (");
		pl_percent(l, s->done, s->total);
		pl_str(l, ")");
	}
	pl_str(l, ", ");
	pl_uint(l, s->files, 1);
	if (!s->counting && s->nfiles > 0) {
		pl_str(l, " of ");
		pl_uint(l, s->nfiles, 1);
	}
	pl_str(l, s->files == 1 && s->nfiles <= 1 ? " file, " : " files, ");
	pl_clock(l, s->elapsed);
	pl_str(l, " elapsed, ");
	pl_size(l, s->rate > 0 ? s->rate : s->avg);
	pl_str(l, "/s");
	if (known && (s->rate > 0 || s->avg > 0)) {
		pl_str(l, ", ETA ");
		pl_clock(l, s->done >= s->total ? 0 : (double)(s->total -
		    s->done) / (s->rate > 0 ? s->rate : s->avg));
	}
	if (s->counting) {
		pl_str(l, " (counting: ");
		pl_uint(l, s->nfiles, 1);
		pl_str(l, " files so far)");
	}
	if (s->in_file && s->name[0] != '\0') {
		pl_str(l, ", copying ");
		pl_name(l, s->name);
		if (!known && s->cur_size > 0) {
			pl_str(l, " (");
			pl_percent(l, s->cur_done, s->cur_size);
			pl_str(l, " of ");
			pl_size(l, (double)s->cur_size);
			pl_str(l, ")");
		}
	}
	pl_str(l, "\n");
}

/* The line at the end: "zcp: copied 2.93 GiB (10 files) in 6.1 s, ...". */
static void
progress_final(const struct progress_snap *s, struct pline *l)
{
	pl_str(l, getprogname());
	pl_str(l, ": copied ");
	pl_size(l, (double)s->done);
	pl_str(l, " (");
	pl_uint(l, s->files, 1);
	pl_str(l, s->files == 1 ? " file) in " : " files) in ");
	if (s->elapsed < 59.95) {
		pl_uint(l, (uint64_t)(s->elapsed * 10 + 0.5) / 10, 1);
		pl_str(l, ".");
		pl_uint(l, (uint64_t)(s->elapsed * 10 + 0.5) % 10, 1);
		pl_str(l, " s, ");
	} else {
		pl_clock(l, s->elapsed);
		pl_str(l, ", ");
	}
	pl_size(l, s->avg);
	pl_str(l, "/s\n");
}

/* --- The status line on a terminal (the thread only). --- */

/*
 * Appends name in at most cells columns: whole, or its start and end
 * around an ellipsis; characters that cannot be shown become '?'.
 * Returns the columns used.
 */
static int
progress_fit_name(struct pline *l, const char *name, int cells, bool utf8)
{
	static int off[PATH_MAX], len[PATH_MAX], wid[PATH_MAX];
	const char *ell = utf8 ? "\u2026" : "...";
	int ellw = utf8 ? 1 : 3, n = 0, total = 0, i, j, head, tail, w;
	size_t o = 0, r, nlen = strlen(name);
	mbstate_t st;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	while (o < nlen && n < PATH_MAX) {
		r = mbrtowc(&wc, name + o, nlen - o, &st);
		w = r == 0 || r > nlen - o ? -1 : iswprint((wint_t)wc) ?
		    wcwidth(wc) : -1;
		if (r == 0 || r > nlen - o) {
			memset(&st, 0, sizeof(st));
			r = 1;
		}
		off[n] = (int)o;
		len[n] = w < 0 ? 0 : (int)r;	/* 0: show '?' */
		wid[n] = w < 0 ? 1 : w;
		total += wid[n++];
		o += r;
	}
	if (total > cells && cells < ellw + 2)
		return 0;
	head = total <= cells ? total : (cells - ellw) / 3;
	tail = total <= cells ? 0 : cells - ellw - head;
	for (i = 0, w = 0; i < n && w + wid[i] <= head; w += wid[i++])
		;
	for (j = n, w = 0; total > cells && j > i && w + wid[j - 1] <= tail;
	    w += wid[--j])
		;
	for (o = 0; o < (size_t)n; o++) {
		if ((int)o == i && total > cells) {
			pl_str(l, ell);
			o = (size_t)j;
			if (o >= (size_t)n)
				break;
		}
		if (len[o] == 0)
			pl_str(l, "?");
		else if (l->n + (size_t)len[o] < sizeof(l->b))
			for (r = 0; r < (size_t)len[o]; r++)
				l->b[l->n++] = name[off[o] + (int)r];
		l->b[l->n] = '\0';
	}
	return total <= cells ? total : cells;
}

/* "[=====>    ]" of cells + 2 columns, or Unicode blocks. */
static void
progress_bar(struct pline *l, double frac, int cells, bool utf8)
{
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589"
	};
	int n = (int)(frac * cells * 8), used;

	n = n < 0 ? 0 : n > cells * 8 ? cells * 8 : n;
	pl_str(l, "[");
	for (used = 0; used < n / 8; used++)
		pl_str(l, utf8 ? "\u2588" : "=");
	if (used < cells && n > 0 && (!utf8 || n % 8 > 0)) {
		pl_str(l, utf8 ? eighths[n % 8] : ">");
		used++;
	}
	for (; used < cells; used++)
		pl_str(l, " ");
	pl_str(l, "]");
}

/*
 * The figures after the bar, detail 0 (all) to 5 (fewest): the average
 * rate goes first, then files, elapsed time, the rate, the ETA.
 */
static void
progress_figures(const struct progress_snap *s, struct pline *l, int detail)
{
	bool known = !s->counting && s->total > 0;
	double rate = s->rate > 0 ? s->rate : s->avg;

	pl_str(l, " ");
	pl_size(l, (double)s->done);
	if (known) {
		pl_str(l, "/");
		pl_size(l, (double)s->total);
	}
	if (detail <= 3) {
		pl_str(l, " ");
		pl_size(l, rate);
		pl_str(l, "/s");
	}
	if (detail == 0 && s->rate > 0) {
		pl_str(l, " (avg ");
		pl_size(l, s->avg);
		pl_str(l, "/s)");
	}
	if (detail <= 2) {
		pl_str(l, " ");
		pl_clock(l, s->elapsed);
	}
	if (known && rate > 0 && detail <= 4) {
		pl_str(l, " ETA ");
		pl_clock(l, s->done >= s->total ? 0 :
		    (double)(s->total - s->done) / rate);
	}
	if (detail <= 1) {
		pl_str(l, " ");
		pl_uint(l, s->files, 1);
		if (!s->counting && s->nfiles > 0) {
			pl_str(l, "/");
			pl_uint(l, s->nfiles, 1);
		}
		pl_str(l, s->nfiles == 1 ? " file" : " files");
	}
}

/* Percent and bar, or "counting...", in 5 + barw + 2 columns. */
static void
progress_head(const struct progress *p, const struct progress_snap *s,
    struct pline *l, int barw)
{
	uint64_t pct;
	int i;

	if (s->counting) {
		pl_str(l, "     [counting...");
		for (i = 11; i < barw; i++)
			pl_str(l, " ");
		pl_str(l, "]");
		return;
	}
	pct = s->done >= s->total ? 100 : s->done * 100 / s->total;
	pl_str(l, pct < 10 ? "  " : pct < 100 ? " " : "");
	pl_percent(l, s->done, s->total);
	pl_str(l, " ");
	progress_bar(l, (double)s->done / (double)s->total, barw, p->utf8);
}

/*
 * The redrawn line in p->cols - 1 columns: percent and bar (when the
 * total is known or being counted), as many figures as fit with 12
 * columns of the name, then as much of the name as fits.
 */
static void
progress_line(const struct progress *p, const struct progress_snap *s,
    struct pline *l)
{
	struct pline f;
	bool head = s->counting || s->total > 0;
	int width = p->cols - 1, barw = p->cols >= 120 ? 30 : 20, detail;
	int need, room;

	for (detail = 0; detail <= 5; detail++) {
		f.n = 0;
		f.b[0] = '\0';
		progress_figures(s, &f, detail);
		need = (head ? 5 + 11 + 2 : 0) + (int)f.n;
		if (need + 13 <= width || (detail >= 3 && need <= width))
			break;
	}
	pl_str(l, "\r");
	if (detail > 5) {
		/* A very narrow terminal: the bytes done, no more. */
		pl_size(l, (double)s->done);
		pl_str(l, "\033[K");
		return;
	}
	room = width - (head ? 5 + barw + 2 : -1) - (int)f.n - 1;
	if (head && room < 12) {
		barw -= 12 - room < barw - 11 ? 12 - room : barw - 11;
		room = width - (5 + barw + 2) - (int)f.n - 1;
	}
	if (head)
		progress_head(p, s, l, barw);
	pl_str(l, head ? f.b : f.b + 1);
	if (s->in_file && s->name[0] != '\0' && room >= 8) {
		pl_str(l, " ");
		(void)progress_fit_name(l, s->name, room, p->utf8);
	}
	pl_str(l, "\033[K");
}

/* --- The thread. --- */

static void
progress_cols(struct progress *p)
{
	struct winsize ws;

	p->cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 ? ws.ws_col : 80;
}

/* Records done at now; returns the rate over the last few seconds, or 0
 * while there is too little history. */
static double
progress_sample(struct progress *p, uint64_t done, double now)
{
	unsigned old;

	p->st[p->ns % PROGRESS_SAMPLES] = now;
	p->sb[p->ns % PROGRESS_SAMPLES] = done;
	p->ns++;
	old = p->ns > PROGRESS_SAMPLES ? p->ns % PROGRESS_SAMPLES : 0;
	if (now - p->st[old] < 0.5)
		return 0;
	return (double)(done - p->sb[old]) / (now - p->st[old]);
}

/* Redraws, or prints the plain line, or SIGUSR1's, as due. */
static void
progress_tick(struct progress *p)
{
	static struct progress_snap s;
	static struct pline l;
	double now = units_now();

	if (p->winch) {
		p->winch = 0;
		progress_cols(p);
	}
	if (!p->usr1 && now - p->last_draw < PROGRESS_TICK * 0.9)
		return;
	(void)pthread_mutex_lock(&p->lock);
	progress_snap(p, &s, now);
	s.rate = progress_sample(p, s.done, now);
	l.n = 0;
	l.b[0] = '\0';
	if (p->usr1) {
		p->usr1 = 0;
		pl_str(&l, p->drawn ? "\r\033[K" : "");
		progress_plain(&s, &l);
		p->drawn = false;
	}
	if (p->tty && !p->dying) {
		progress_line(p, &s, &l);
		p->drawn = true;
	} else if (!p->tty && now - p->last_plain >= PROGRESS_PLAIN) {
		progress_plain(&s, &l);
		p->last_plain = now;
	}
	pl_write(&l);
	p->last_draw = now;
	(void)pthread_mutex_unlock(&p->lock);
}

static bool
progress_stopped(struct progress *p)
{
	return __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
}

/* Counts one non-directory. */
static void
progress_count(struct progress *p, const struct stat *st)
{
	__atomic_add_fetch(&p->nfiles, 1, __ATOMIC_RELAXED);
	if (S_ISREG(st->st_mode))
		__atomic_add_fetch(&p->total, (uint64_t)st->st_size,
		    __ATOMIC_RELAXED);
}

/* The directories being scanned, to stop at a loop that -L follows. */
struct progress_scan {
	dev_t		 dev[PROGRESS_LINE];
	ino_t		 ino[PROGRESS_LINE];
	int		 depth;
};

static void	progress_scan_dir(struct progress *, struct progress_scan *,
		    int, const char *, bool);

/* One entry of a directory being scanned. */
static void
progress_scan_entry(struct progress *p, struct progress_scan *sc, int dfd,
    const struct dirent *de)
{
	bool deref = p->opts->deref == DEREF_ALWAYS;
	struct stat st;

	if (de->d_type == DT_DIR && !deref) {
		progress_scan_dir(p, sc, dfd, de->d_name, false);
		return;
	}
	if (de->d_type == DT_LNK && !deref) {
		__atomic_add_fetch(&p->nfiles, 1, __ATOMIC_RELAXED);
		return;
	}
	if (fstatat(dfd, de->d_name, &st, deref ? 0 : AT_SYMLINK_NOFOLLOW) ==
	    -1)
		return;
	if (S_ISDIR(st.st_mode))
		progress_scan_dir(p, sc, dfd, de->d_name, deref);
	else
		progress_count(p, &st);
}

/*
 * Counts the tree at (dirfd, name), fd-relative like walk.c, with one
 * open directory per level.  What cannot be read is left out: walk.c
 * will say why.
 */
static void
progress_scan_dir(struct progress *p, struct progress_scan *sc, int dirfd,
    const char *name, bool follow)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, i;

	if (sc->depth >= PROGRESS_LINE)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (follow ? 0 : O_NOFOLLOW));
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || (d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	for (i = 0; i < sc->depth; i++)
		if (sc->dev[i] == st.st_dev && sc->ino[i] == st.st_ino)
			goto out;
	sc->dev[sc->depth] = st.st_dev;
	sc->ino[sc->depth++] = st.st_ino;
	while (!progress_stopped(p) && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			progress_scan_entry(p, sc, fd, de);
	sc->depth--;
out:
	(void)closedir(d);
}

/* The totals: the sources as walk.c will see them. */
static void
progress_scan(struct progress *p)
{
	const struct options *o = p->opts;
	struct progress_scan *sc;
	struct stat st;
	bool follow;
	int i;

	follow = o->deref == DEREF_ALWAYS || o->deref == DEREF_ARGS ||
	    (o->deref == DEREF_UNSET && !o->recursive);
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return;
	for (i = 0; i < p->nsrc && !progress_stopped(p); i++) {
		if (fstatat(AT_FDCWD, p->src[i], &st, follow ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISDIR(st.st_mode))
			progress_count(p, &st);
		else if (o->recursive)
			progress_scan_dir(p, sc, AT_FDCWD, p->src[i], follow);
	}
	free(sc);
	__atomic_store_n(&p->counted, true, __ATOMIC_RELEASE);
	__atomic_store_n(&p->counting, false, __ATOMIC_RELEASE);
}

/*
 * The scan's thread, in the idle scheduling class where there is one, so
 * that counting a large tree takes nothing from the copy: it runs on
 * what the copy leaves idle.
 */
static void *
progress_scan_main(void *arg)
{
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	progress_scan(arg);
	return NULL;
}

static void *
progress_main(void *arg)
{
	struct progress *p = arg;
	struct timespec ts;

	(void)pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		(void)clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)(PROGRESS_TICK * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&p->cond, &p->lock, &ts);
		if (p->stop)
			break;
		(void)pthread_mutex_unlock(&p->lock);
		progress_tick(p);
		(void)pthread_mutex_lock(&p->lock);
	}
	(void)pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* --- Signals. --- */

static void
progress_on_signal(int sig)
{
	struct progress *p = &progress_state;
	struct progress_snap s;
	struct pline l;
	int e = errno;

	if (sig == SIGWINCH)
		p->winch = 1;
	else if (sig == SIGUSR1 || sig == SIGINFO) {
		if (p->on) {
			p->usr1 = 1;
		} else {
			progress_snap(p, &s, units_now());
			l.n = 0;
			progress_plain(&s, &l);
			pl_write(&l);
		}
	} else {
		/* Ctrl-C and the like: leave a clean line, then die. */
		p->dying = 1;
		if (p->drawn) {
			l.n = 0;
			pl_str(&l, "\r\033[K");
			pl_write(&l);
		}
		(void)signal(sig, SIG_DFL);
		(void)raise(sig);
	}
	errno = e;
}

/* Installs the handler for sig, unless sig is ignored (nohup). */
static void
progress_catch(int sig)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = progress_on_signal;
	sa.sa_flags = SA_RESTART;
	(void)sigfillset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

/* --- The interface. --- */

/*
 * Starts the threads with every signal blocked in them: handlers run in
 * the copying threads, as without --progress.  Without a scan thread
 * the total stays unknown.  Returns 0, or -1 if there is no display.
 */
static int
progress_thread(struct progress *p)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	(void)pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&p->cond, &ca);
	(void)pthread_condattr_destroy(&ca);
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, progress_main, p);
	p->scanning = rc == 0 && pthread_create(&p->scanner, NULL,
	    progress_scan_main, p) == 0;
	if (!p->scanning)
		p->counting = false;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

struct progress *
progress_start(const struct options *o, int n, char **files)
{
	struct progress *p = &progress_state;
	const char *cs;

	p->opts = o;
	/* Files are copied one at a time but by -j's pool. */
	p->single = o->jobs <= 1 || !o->recursive;
	p->t0 = units_now();
	p->last_plain = p->t0;
	(void)pthread_mutex_init(&p->lock, NULL);
	progress_catch(SIGUSR1);
	if (SIGINFO != SIGUSR1)
		progress_catch(SIGINFO);
	progress_cur = p;
	if (!o->progress)
		return p;
	p->tty = isatty(STDERR_FILENO) == 1;
	cs = nl_langinfo(CODESET);
	p->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	progress_cols(p);
	p->src = files;
	p->nsrc = o->target_dir != NULL ? n : n >= 2 ? n - 1 : 0;
	p->counting = true;
	p->on = true;
	if (progress_thread(p) == -1) {
		p->on = p->counting = false;
		return p;
	}
	if (p->tty) {
		progress_catch(SIGWINCH);
		progress_catch(SIGINT);
		progress_catch(SIGTERM);
		progress_catch(SIGHUP);
	}
	return p;
}

struct progress *
progress_current(void)
{
	return progress_cur;
}

uint64_t *
progress_counter(struct progress *p)
{
	return p == NULL ? NULL : &p->bytes;
}

void
progress_file_start(struct progress *p, const struct path *path,
    const struct stat *st)
{
	if (p == NULL)
		return;
	if (p->on)
		(void)pthread_mutex_lock(&p->lock);
	__atomic_add_fetch(&p->active, 1, __ATOMIC_RELAXED);
	if (p->single) {
		p->cur_start = __atomic_load_n(&p->bytes, __ATOMIC_RELAXED);
		p->cur_size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	}
	if (p->on)
		progress_path(path, p->name, sizeof(p->name));
	else if (p->single)
		__atomic_store_n(&p->cur_path, path, __ATOMIC_RELEASE);
	if (p->on)
		(void)pthread_mutex_unlock(&p->lock);
}

void
progress_file_done(struct progress *p, const struct stat *st,
    const struct file_record *rec)
{
	uint64_t moved = 0, size;
	int i;

	if (p == NULL)
		return;
	for (i = 0; rec->data && i < ENGINE_NUM; i++)
		moved += rec->eng.moved[i];
	size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	if (p->on)
		(void)pthread_mutex_lock(&p->lock);
	if (p->single)
		__atomic_store_n(&p->cur_path, NULL, __ATOMIC_RELEASE);
	__atomic_add_fetch(&p->adjust, (int64_t)size - (int64_t)moved,
	    __ATOMIC_RELAXED);
	__atomic_add_fetch(&p->files, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&p->active, 1, __ATOMIC_RELAXED);
	if (p->on)
		(void)pthread_mutex_unlock(&p->lock);
}

void
progress_finish(struct progress *p)
{
	struct progress_snap s;
	struct pline l;

	if (p == NULL || !p->on)
		return;
	(void)pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, true, __ATOMIC_RELEASE);
	(void)pthread_cond_signal(&p->cond);
	(void)pthread_mutex_unlock(&p->lock);
	(void)pthread_join(p->thread, NULL);
	if (p->scanning)
		(void)pthread_join(p->scanner, NULL);
	p->on = false;
	progress_snap(p, &s, units_now());
	l.n = 0;
	pl_str(&l, p->drawn ? "\r\033[K" : "");
	p->drawn = false;
	progress_final(&s, &l);
	pl_write(&l);
}

void
progress_hold(struct progress *p)
{
	struct pline l;

	if (p == NULL || !p->on)
		return;
	(void)pthread_mutex_lock(&p->lock);
	if (p->drawn) {
		l.n = 0;
		pl_str(&l, "\r\033[K");
		pl_write(&l);
		p->drawn = false;
	}
}

void
progress_release(struct progress *p)
{
	if (p == NULL || !p->on)
		return;
	(void)pthread_mutex_unlock(&p->lock);
}
