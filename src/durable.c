/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * durable.c: --fsync on a tree: the set of file systems the run wrote
 * into (one destination directory's descriptor for each, shared by the
 * threads under a lock), the early start of a large file's writeback, and
 * the final flush, one syncfs(2) per file system, in parallel.
 *
 * Flushing each file with fsync(2) commits the file system's journal
 * once per file (or, without a journal, flushes the disk's cache once per
 * file): on 20,000 small files that cost 2.9 times a copy followed by
 * sync(1) (bench/RESULTS.md).  syncfs(2) writes back every dirty inode
 * of the file system and commits once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "durable.h"
#include "nls.h"
#include "units.h"

/*
 * The smallest file whose writeback is started as soon as it is written.
 * Started for each file of the tree of 20,000 files of 0-64 KiB, it cost
 * 5-60% more time than the final flush alone, on journaled ext4 and XFS
 * (2 cores, 2026-12-08): one writeback and one small write per file,
 * in the copying threads, where the flush at the end writes them in
 * one sorted batch.  A large file's writeback overlaps its neighbours'
 * copies instead.
 */
#define DURABLE_START_MIN	((uint64_t)1 << 20)

/* The most file systems flushed at once, each by a thread of its own. */
#define DURABLE_THREADS	16

/* A file system written into. */
struct durable_fs {
	dev_t		 dev;
	int		 fd;		/* a directory on it */
	char		*name;		/* that directory's path */
	int		 err;		/* what its flush said */
};

struct durable {
	pthread_mutex_t	 lock;
	struct durable_fs *fs;
	size_t		 n, cap;
	bool		 per_file;	/* syncfs(2) cannot be trusted */
	const char	*why;
	int		 why_err;
};

/*
 * True if the kernel's syncfs(2) reports write errors.  Before Linux 5.8
 * (commit 735e4ae5ba28, "vfs: track per-sb writeback errors and report
 * them to syncfs") it returned 0 after a failed writeback.
 */
static bool
durable_kernel_reports(void)
{
	struct utsname u;
	char *end;
	long major, minor;

	if (uname(&u) == -1)
		return false;
	major = strtol(u.release, &end, 10);
	minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
	return major > 5 || (major == 5 && minor >= 8);
}

/* Whether syncfs(2) works here; if not, d says why. */
static void
durable_probe(struct durable *d)
{
#if HAVE_SYNCFS
	int p[2], rc, e;

	if (!durable_kernel_reports()) {
		d->per_file = true;
		d->why = N_("the kernel's syncfs(2) does not report write "
		    "errors (before Linux 5.8)");
		return;
	}
	if (pipe(p) == -1)
		return;		/* no matter: syncfs(2) says it at the end */
	/* A pipe's file system has nothing to write back. */
	rc = syncfs(p[0]);
	e = errno;
	(void)close(p[0]);
	(void)close(p[1]);
	if (rc == 0)
		return;
	d->per_file = true;
	d->why = N_("syncfs(2) failed");
	d->why_err = e;
#else
	d->per_file = true;
	d->why = N_("built without syncfs(2)");
#endif
}

struct durable *
durable_new(void)
{
	struct durable *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	(void)pthread_mutex_init(&d->lock, NULL);
	durable_probe(d);
	return d;
}

void
durable_free(struct durable *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		(void)close(d->fs[i].fd);
		free(d->fs[i].name);
	}
	free(d->fs);
	(void)pthread_mutex_destroy(&d->lock);
	free(d);
}

bool
durable_per_file(const struct durable *d)
{
	return d->per_file;
}

/* Adds the file system dev, with fd and p for it (under d->lock). */
static int
durable_add(struct durable *d, int fd, dev_t dev, const struct path *p)
{
	struct durable_fs *fs;
	size_t cap;

	if (d->n == d->cap) {
		cap = d->cap == 0 ? 4 : d->cap * 2;
		if ((fs = realloc(d->fs, cap * sizeof(*fs))) == NULL)
			return -1;
		d->fs = fs;
		d->cap = cap;
	}
	fs = &d->fs[d->n];
	if ((fs->name = path_dup(p)) == NULL)
		return -1;
	if ((fs->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		free(fs->name);
		return -1;
	}
	fs->dev = dev;
	fs->err = 0;
	d->n++;
	return 0;
}

int
durable_note(struct durable *d, int fd, dev_t dev, const struct path *p)
{
	struct stat st;
	size_t i;
	int rc = 0, e = 0;

	if (d->per_file)
		return 0;
	if (dev == 0) {
		if (fstat(fd, &st) == -1)
			return -1;
		dev = st.st_dev;
	}
	(void)pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->n && d->fs[i].dev != dev; i++)
		continue;
	if (i == d->n && (rc = durable_add(d, fd, dev, p)) == -1)
		e = errno;
	(void)pthread_mutex_unlock(&d->lock);
	errno = e;
	return rc;
}

int
durable_parent(const struct durable *d, const char *name)
{
	return d->per_file ? durable_sync_dir(AT_FDCWD, name) : 0;
}

int
durable_sync_dir(int dirfd, const char *name)
{
	size_t n = strlen(name);
	char *dir;
	int fd, rc, e;

	/* What is before the last component ("a/b/" is in "a/"). */
	while (n > 1 && name[n - 1] == '/')
		n--;
	while (n > 0 && name[n - 1] != '/')
		n--;
	if ((dir = n > 0 ? strndup(name, n) : strdup(".")) == NULL)
		return -1;
	fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	e = errno;
	(void)close(fd);
	errno = e;
	return rc;
}

void
durable_start(int fd, uint64_t size)
{
#if HAVE_SYNC_FILE_RANGE
	if (size >= DURABLE_START_MIN)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
	(void)size;
#endif
}

/* Flushes one file system (a thread's body).  NULL. */
static void *
durable_flush(void *arg)
{
	struct durable_fs *fs = arg;

#if HAVE_SYNCFS
	fs->err = syncfs(fs->fd) == -1 ? errno : 0;
#else
	fs->err = ENOSYS;	/* (never: per_file is set) */
#endif
	return NULL;
}

/* Flushes d->fs[from..to), each in a thread if it can have one. */
static void
durable_flush_some(struct durable *d, size_t from, size_t to)
{
	pthread_t t[DURABLE_THREADS];
	bool started[DURABLE_THREADS];
	size_t i;

	for (i = from; i < to; i++)
		started[i - from] = to - from > 1 && pthread_create(
		    &t[i - from], NULL, durable_flush, &d->fs[i]) == 0;
	for (i = from; i < to; i++)
		if (!started[i - from])
			(void)durable_flush(&d->fs[i]);
	for (i = from; i < to; i++)
		if (started[i - from])
			(void)pthread_join(t[i - from], NULL);
}

int
durable_finish(struct durable *d, struct durable_stats *st,
    void (*fail)(void *, const char *, int), void *arg)
{
	double t0 = units_now();
	size_t i, to;

	memset(st, 0, sizeof(*st));
	st->per_file = d->per_file;
	st->why = d->why;
	st->why_err = d->why_err;
	for (i = 0; i < d->n; i = to) {
		to = d->n - i > DURABLE_THREADS ? i + DURABLE_THREADS : d->n;
		durable_flush_some(d, i, to);
	}
	st->seconds = units_now() - t0;
	st->fs = (unsigned)d->n;
	for (i = 0; i < d->n; i++)
		if (d->fs[i].err != 0) {
			st->failed++;
			fail(arg, d->fs[i].name, d->fs[i].err);
		}
	return st->failed > 0 ? -1 : 0;
}
