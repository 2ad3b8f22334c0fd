/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress.c: the live progress display (-g, --progress) and the status
 * line of SIGUSR1 and SIGINFO: the figures, the thread that shows them,
 * the signals.
 *
 * The engines add the bytes they move to one counter; exec-file.c says
 * when a file starts and ends.  With --progress a thread counts the sources
 * (progress-scan.c, "counting..." meanwhile), and another wakes ten times
 * a second: on a terminal it redraws one status line on stderr
 * (progress-layout.c; the width is read again on SIGWINCH), elsewhere it
 * prints a plain line every few seconds; at the end it leaves one
 * summary line (progress-line.c).  Without --progress there is no
 * thread: SIGUSR1's handler formats and writes its line itself, with
 * async-signal-safe code only.
 *
 * The drawn line leaves the cursor at its start, and each redraw clears
 * to the end of the screen: when a narrower terminal rewraps the old
 * line over two rows, the redraw starts on its first row and clears the
 * rest instead of leaving it above.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "progress.h"
#include "progress-layout.h"
#include "progress-line.h"
#include "progress-scan.h"
#include "units.h"

/* SIGINFO (^T) asks for the status line where the platform has it. */
#ifndef SIGINFO
#define SIGINFO	SIGUSR1
#endif

#define PROGRESS_TICK		0.1	/* seconds between two redraws */
#define PROGRESS_PLAIN		5.0	/* seconds between two plain lines */
#define PROGRESS_SAMPLES	30	/* the current rate: the last 3 s */
#define PROGRESS_FLUSH		0.3	/* seconds of waiting: "flushing" */

/* Takes the line off: back to its start, clear to the end of the screen. */
#define PROGRESS_CLEAR		"\r\033[J"

struct progress {
	const struct options *opts;
	bool		 on;		/* --progress, and its thread runs */
	bool		 tty;		/* stderr is a terminal: redraw */
	bool		 utf8;		/* UTF-8 locale: blocks, ellipsis */
	double		 t0;
	uint64_t	 bytes;		/* added to by the engines (atomic) */
	uint64_t	 kept;		/* by --resume: done, not copied */
	unsigned	 verifying;	/* files --verify is checking */
	bool		 syncing;	/* --fsync's final flush runs */

	/*
	 * Written by exec-file.c's calls, from any thread with -j; under lock
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

	struct scan	 scan;		/* the totals */

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
	double		 rate;		/* the rate of the last sample */
	double		 flush_since;	/* waiting for the disk since; 0: not */
	double		 flush;		/* seconds of it ("flushing" shown) */
	struct progress_snap snap;	/* the thread's, under lock */
	struct pline	 line;		/* the same */
	volatile sig_atomic_t usr1, winch, dying;
};

static struct progress	 progress_state;

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

/* The value of /proc/meminfo's field (e.g. "Dirty:") in b, in bytes. */
static uint64_t
progress_meminfo(const char *b, const char *field)
{
	size_t n = strlen(field);
	uint64_t kb = 0;
	const char *q;

	for (q = b; q != NULL && *q != '\0'; q = strchr(q, '\n'), q = q ?
	    q + 1 : NULL)
		if (strncmp(q, field, n) == 0) {
			for (q += n; *q == ' '; q++)
				;
			for (; *q >= '0' && *q <= '9'; q++)
				kb = kb * 10 + (uint64_t)(*q - '0');
			return kb * 1024;
		}
	return 0;
}

/*
 * The data the system has yet to write to disk (Dirty and Writeback of
 * /proc/meminfo: all files, not only this copy's, which is what a slow
 * disk waits for), or PROGRESS_NODIRTY.  Async-signal-safe.
 */
static uint64_t
progress_dirty(void)
{
	char b[4096];
	ssize_t n;
	int fd;

	if ((fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC)) == -1)
		return PROGRESS_NODIRTY;
	n = read(fd, b, sizeof(b) - 1);
	(void)close(fd);
	if (n <= 0)
		return PROGRESS_NODIRTY;
	b[n] = '\0';
	return progress_meminfo(b, "Dirty:") +
	    progress_meminfo(b, "Writeback:");
}

/*
 * Reads the figures: under p->lock if the thread runs, else in the
 * copying thread (or its signal handler).  s->flushing says that every
 * byte is written but the file is not done: close() or fsync() waits
 * (for a slow disk: a file system mounted with "flush", or --fsync).
 */
static void
progress_snap(struct progress *p, struct progress_snap *s, double now)
{
	uint64_t kept = __atomic_load_n(&p->kept, __ATOMIC_RELAXED);
	uint64_t c = __atomic_load_n(&p->bytes, __ATOMIC_RELAXED) + kept;
	int64_t adj = __atomic_load_n(&p->adjust, __ATOMIC_RELAXED);
	const struct path *cur;

	s->elapsed = now - p->t0;
	s->active = __atomic_load_n(&p->active, __ATOMIC_RELAXED);
	s->cur_size = p->single ? p->cur_size : 0;
	s->cur_done = s->active > 0 && p->single && c > p->cur_start ?
	    c - p->cur_start : 0;
	s->done = adj < 0 && (uint64_t)-adj > c ? 0 : c + (uint64_t)adj;
	s->files = __atomic_load_n(&p->files, __ATOMIC_RELAXED);
	s->counting = __atomic_load_n(&p->scan.counting, __ATOMIC_ACQUIRE);
	s->total = __atomic_load_n(&p->scan.total, __ATOMIC_RELAXED);
	s->nfiles = __atomic_load_n(&p->scan.nfiles, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&p->scan.counted, __ATOMIC_ACQUIRE) &&
	    !s->counting)
		s->total = s->nfiles = 0;
	/* Kept bytes are done, but were not copied: not in the rates. */
	s->kept = kept < s->done ? kept : s->done;
	s->avg = s->elapsed > 0 ? (double)(s->done - s->kept) / s->elapsed :
	    0;
	s->rate = 0;
	/* With -j: all data moved, and the files left have all started. */
	s->flushing = s->active > 0 && (p->single ? s->cur_size > 0 &&
	    s->cur_done >= s->cur_size : pl_known(s) && s->done >= s->total &&
	    s->files + s->active >= s->nfiles);
	s->verifying = __atomic_load_n(&p->verifying, __ATOMIC_RELAXED) > 0;
	s->syncing = __atomic_load_n(&p->syncing, __ATOMIC_RELAXED);
	s->flushing = s->flushing || s->syncing;
	s->dirty = s->flushing && !s->verifying ? progress_dirty() :
	    PROGRESS_NODIRTY;
	s->flush = p->flush;
	s->fsync = p->opts->fsync;
	s->name[0] = '\0';
	if (p->on)
		memcpy(s->name, p->name, sizeof(s->name));
	else if ((cur = __atomic_load_n(&p->cur_path, __ATOMIC_ACQUIRE)) !=
	    NULL)
		progress_path(cur, s->name, sizeof(s->name));
	s->name[sizeof(s->name) - 1] = '\0';
}

/* --- Waiting for the disk (the thread only, under lock). --- */

/* A wait for the disk ends: its time counts if "flushing" was shown. */
static void
progress_flush_end(struct progress *p, double now)
{
	if (p->flush_since > 0 && now - p->flush_since >= PROGRESS_FLUSH)
		p->flush += now - p->flush_since;
	p->flush_since = 0;
}

/*
 * Follows the waits for the disk that s shows; s->flushing stays true
 * only once the wait has lasted PROGRESS_FLUSH (a close() that takes a
 * moment is no news).
 */
static void
progress_flush_watch(struct progress *p, struct progress_snap *s,
    double now)
{
	/* Verifying is not waiting for the disk: shown at once. */
	if (!s->flushing || s->verifying) {
		progress_flush_end(p, now);
		return;
	}
	if (p->flush_since == 0)
		p->flush_since = now;
	s->flushing = now - p->flush_since >= PROGRESS_FLUSH;
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

/* Appends the status line, drawn from the start of its row. */
static void
progress_draw(struct progress *p, const struct progress_snap *s,
    struct pline *l)
{
	pl_str(l, "\r");
	layout_line(l, s, p->cols, p->utf8);
	pl_str(l, "\033[J\r");
	p->drawn = true;
}

/* Redraws, or prints the plain line, or SIGUSR1's, as due. */
static void
progress_tick(struct progress *p)
{
	struct progress_snap *s = &p->snap;
	struct pline *l = &p->line;
	double now = units_now();

	if (!p->usr1 && !p->winch && now - p->last_draw < PROGRESS_TICK * 0.9)
		return;
	(void)pthread_mutex_lock(&p->lock);
	if (p->winch) {
		p->winch = 0;
		progress_cols(p);
	}
	progress_snap(p, s, now);
	s->rate = p->rate = progress_sample(p, s->done - s->kept, now);
	progress_flush_watch(p, s, now);
	pl_clear(l);
	if (p->usr1) {
		p->usr1 = 0;
		pl_str(l, p->drawn ? PROGRESS_CLEAR : "");
		pl_plain(l, s);
		p->drawn = false;
	}
	if (p->tty && !p->dying)
		progress_draw(p, s, l);
	else if (!p->tty && now - p->last_plain >= PROGRESS_PLAIN) {
		pl_plain(l, s);
		p->last_plain = now;
	}
	pl_write(l);
	p->last_draw = now;
	(void)pthread_mutex_unlock(&p->lock);
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
			pl_clear(&l);
			pl_plain(&l, &s);
			pl_write(&l);
		}
	} else {
		/* Ctrl-C and the like: leave a clean line, then die. */
		p->dying = 1;
		if (p->drawn) {
			pl_clear(&l);
			pl_str(&l, PROGRESS_CLEAR);
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
 * The signals that only ask the display thread for something: with
 * --progress they are blocked in the copying threads (those started
 * later inherit it) and taken by the display thread, which answers even
 * while a copying thread waits in close() or fsync() for a slow disk.
 */
static void
progress_asks(sigset_t *set)
{
	(void)sigemptyset(set);
	(void)sigaddset(set, SIGUSR1);
	(void)sigaddset(set, SIGINFO);
	(void)sigaddset(set, SIGWINCH);
}

/*
 * Starts the threads: the scan with every signal blocked, the display
 * with all but progress_asks(); the calling thread blocks those.
 * Without a scan thread the total stays unknown.  Returns 0, or -1 if
 * there is no display.
 */
static int
progress_thread(struct progress *p)
{
	pthread_condattr_t ca;
	sigset_t all, asks, old;
	int rc;

	(void)pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&p->cond, &ca);
	(void)pthread_condattr_destroy(&ca);
	(void)sigfillset(&all);
	progress_asks(&asks);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	p->scanning = pthread_create(&p->scanner, NULL, scan_main,
	    &p->scan) == 0;
	if (!p->scanning)
		p->scan.counting = false;
	(void)pthread_sigmask(SIG_UNBLOCK, &asks, NULL);
	rc = pthread_create(&p->thread, NULL, progress_main, p);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		(void)pthread_sigmask(SIG_BLOCK, &asks, NULL);
	return rc == 0 ? 0 : -1;
}

/*
 * Stops the scan, if it runs, and waits a little for its thread.  The
 * scan runs at SCHED_IDLE: on a busy machine it may not run again for
 * seconds, and the copy must not wait for it to notice the stop (a copy
 * that had ended took over 20 s to exit under load).  Past 200 ms the
 * thread is left to end by itself; it only reads, and p is static.
 */
static void
progress_stop_scan(struct progress *p)
{
	struct timespec until;

	if (!p->scanning)
		return;
	__atomic_store_n(&p->stop, true, __ATOMIC_RELEASE);
	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(p->scanner, NULL, &until) != 0)
		(void)pthread_detach(p->scanner);
	p->scanning = false;
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
	pl_words_init();
	progress_catch(SIGUSR1);
	if (SIGINFO != SIGUSR1)
		progress_catch(SIGINFO);
	if (!o->progress)
		return p;
	p->tty = isatty(STDERR_FILENO) == 1;
	cs = nl_langinfo(CODESET);
	p->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	progress_cols(p);
	p->scan.opts = o;
	p->scan.src = files;
	p->scan.nsrc = o->target_dir != NULL ? n : n >= 2 ? n - 1 : 0;
	p->scan.stop = &p->stop;
	p->scan.counting = true;
	p->on = true;
	if (progress_thread(p) == -1) {
		progress_stop_scan(p);
		p->on = p->scan.counting = false;
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

uint64_t *
progress_counter(struct progress *p)
{
	return p == NULL ? NULL : &p->bytes;
}

uint64_t *
progress_kept(struct progress *p)
{
	return p == NULL ? NULL : &p->kept;
}

unsigned *
progress_verifying(struct progress *p)
{
	return p == NULL ? NULL : &p->verifying;
}

void
progress_syncing(struct progress *p, bool on)
{
	if (p != NULL)
		__atomic_store_n(&p->syncing, on, __ATOMIC_RELAXED);
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
		p->cur_start = __atomic_load_n(&p->bytes, __ATOMIC_RELAXED) +
		    __atomic_load_n(&p->kept, __ATOMIC_RELAXED);
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
	/* What --resume kept is in p->kept already. */
	__atomic_add_fetch(&p->adjust, (int64_t)size - (int64_t)moved -
	    (int64_t)rec->resumed, __ATOMIC_RELAXED);
	__atomic_add_fetch(&p->files, 1, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&p->active, 1, __ATOMIC_RELAXED) == 0 &&
	    p->on)
		progress_flush_end(p, units_now());
	if (p->on)
		(void)pthread_mutex_unlock(&p->lock);
}

void
progress_finish(struct progress *p)
{
	struct progress_snap *s;
	struct pline *l;
	sigset_t asks;

	if (p == NULL || !p->on)
		return;
	s = &p->snap;
	l = &p->line;
	(void)pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, true, __ATOMIC_RELEASE);
	(void)pthread_cond_signal(&p->cond);
	(void)pthread_mutex_unlock(&p->lock);
	(void)pthread_join(p->thread, NULL);
	progress_stop_scan(p);
	progress_flush_end(p, units_now());
	p->on = false;
	progress_snap(p, s, units_now());
	pl_clear(l);
	pl_str(l, p->drawn ? PROGRESS_CLEAR : "");
	p->drawn = false;
	pl_final(l, s);
	pl_write(l);
	/* Without the thread, SIGUSR1's handler writes its line itself. */
	progress_asks(&asks);
	(void)pthread_sigmask(SIG_UNBLOCK, &asks, NULL);
}

void
progress_hold(struct progress *p)
{
	struct pline l;

	if (p == NULL || !p->on)
		return;
	(void)pthread_mutex_lock(&p->lock);
	if (p->drawn) {
		pl_clear(&l);
		pl_str(&l, PROGRESS_CLEAR);
		pl_write(&l);
		p->drawn = false;
	}
}

/*
 * Draws the line again at once (the thread would only at its next tick,
 * and a run of -v lines would hide it), with the rate of the last tick.
 */
void
progress_release(struct progress *p)
{
	struct progress_snap *s;
	double now;

	if (p == NULL || !p->on)
		return;
	if (p->tty && !p->dying) {
		s = &p->snap;
		now = units_now();
		progress_snap(p, s, now);
		s->rate = p->rate;
		s->flushing = s->flushing && (s->verifying ||
		    p->flush_since > 0) &&
		    now - p->flush_since >= PROGRESS_FLUSH;
		pl_clear(&p->line);
		progress_draw(p, s, &p->line);
		pl_write(&p->line);
	}
	(void)pthread_mutex_unlock(&p->lock);
}
