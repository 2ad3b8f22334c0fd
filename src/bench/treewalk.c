/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/treewalk.c: the walks zcp --bench DIR makes of a tree besides
 * copying it: counting what it holds (the header, the free space it
 * needs), comparing a contender's first copy with it (names, types,
 * sizes, bytes, link targets), and dropping its data from the page
 * cache for --cold.  Each is an nftw(3) walk that never follows a
 * symbolic link and never writes to the tree it reads.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/treewalk.h"
#include "engine.h"
#include "nls.h"
#include "quote.h"
#include "verify.h"

/* nftw(3) passes no context: the walk in progress. */
static struct {
	struct bench_treesize *ts;
	const char	*dst;		/* the copy compared */
	size_t		 srclen;	/* the length of the source's path */
	bool		*shared;
	char		*why;
	size_t		 len;
	char		*a, *b;		/* the compare's buffers */
	int		 err;		/* the errno that stopped it */
} bench_tw;

/* What a callback of the compare returns to stop it: a difference, an
 * error (bench_tw.err). */
#define BENCH_TW_DIFFERS	1
#define BENCH_TW_ERROR		2

#define BENCH_TW_FDS	64		/* nftw's fds */
#define BENCH_TW_BUF	((size_t)1 << 20)

static int
bench_tw_count(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DNR || flag == FTW_NS) {
		(void)snprintf(bench_tw.why, bench_tw.len, "%s", path);
		return errno != 0 ? errno : EACCES;
	}
	if (S_ISDIR(st->st_mode))
		bench_tw.ts->dirs++;
	else
		bench_tw.ts->files++;
	if (S_ISREG(st->st_mode))
		bench_tw.ts->bytes += (uint64_t)st->st_size;
	bench_tw.ts->disk += (uint64_t)st->st_blocks * 512;
	return 0;
}

int
bench_treewalk_size(const char *path, struct bench_treesize *ts, char *bad,
    size_t len)
{
	int rc;

	*ts = (struct bench_treesize){ 0 };
	bench_tw.ts = ts;
	bench_tw.why = bad;
	bench_tw.len = len;
	(void)snprintf(bad, len, "%s", path);
	rc = nftw(path, bench_tw_count, BENCH_TW_FDS, FTW_PHYS);
	if (rc > 0) {
		errno = rc;
		return -1;
	}
	return rc;
}

/* The bytes of the files open at s and d: 0 the same, 1 not, -1 errno. */
static int
bench_tw_bytes(int s, int d, uint64_t *at)
{
	ssize_t ns, nd;
	uint64_t off = 0;

	for (;;) {
		if ((ns = verify_pread(s, bench_tw.a, BENCH_TW_BUF, off)) == -1 ||
		    (nd = verify_pread(d, bench_tw.b, BENCH_TW_BUF, off)) == -1)
			return -1;
		if (ns != nd || memcmp(bench_tw.a, bench_tw.b, (size_t)ns) != 0) {
			*at = off;
			return 1;
		}
		if (ns == 0)
			return 0;
		off += (uint64_t)ns;
	}
}

/* Says why the copy at dpath differs; returns 1 for nftw to stop. */
static int
bench_tw_differs(const char *dpath, const char *what)
{
	(void)snprintf(bench_tw.why, bench_tw.len, "%s: %s", quote(dpath),
	    what);
	return BENCH_TW_DIFFERS;
}

/* The regular file at spath against its copy at dpath. */
static int
bench_tw_file(const char *spath, const char *dpath)
{
	uint64_t at = 0;
	int s, d = -1, rc = -1;

	if ((s = open(spath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    (d = open(dpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		(void)snprintf(bench_tw.why, bench_tw.len, "%s",
		    s == -1 ? spath : dpath);
		rc = -1;
	} else if ((rc = bench_tw_bytes(s, d, &at)) == -1)
		(void)snprintf(bench_tw.why, bench_tw.len, "%s", dpath);
	else if (rc == 1) {
		(void)snprintf(bench_tw.why, bench_tw.len,
		    _("%s: differs at byte %llu"), quote(dpath),
		    (unsigned long long)at + 1);
	} else if (engine_shared(d) == 1)
		*bench_tw.shared = true;
	if (rc == -1)
		bench_tw.err = errno != 0 ? errno : EIO;
	if (s != -1)
		(void)close(s);
	if (d != -1)
		(void)close(d);
	return rc == -1 ? BENCH_TW_ERROR : rc;
}

static int
bench_tw_cmp(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	char dpath[PATH_MAX], l1[PATH_MAX], l2[PATH_MAX];
	struct stat dst;
	ssize_t n1, n2;

	(void)ftw;
	if (flag == FTW_DNR || flag == FTW_NS) {
		(void)snprintf(bench_tw.why, bench_tw.len, "%s", path);
		bench_tw.err = errno != 0 ? errno : EACCES;
		return BENCH_TW_ERROR;
	}
	if (snprintf(dpath, sizeof(dpath), "%s%s", bench_tw.dst,
	    path + bench_tw.srclen) >= (int)sizeof(dpath))
		return bench_tw_differs(path, strerror(ENAMETOOLONG));
	if (lstat(dpath, &dst) == -1)
		return bench_tw_differs(dpath, strerror(errno));
	if ((dst.st_mode & S_IFMT) != (st->st_mode & S_IFMT))
		return bench_tw_differs(dpath, _("not of the source's type"));
	if (S_ISLNK(st->st_mode)) {
		n1 = readlink(path, l1, sizeof(l1));
		n2 = readlink(dpath, l2, sizeof(l2));
		if (n1 != n2 || n1 < 0 || memcmp(l1, l2, (size_t)n1) != 0)
			return bench_tw_differs(dpath, _("another link target"));
	}
	if (!S_ISREG(st->st_mode))
		return 0;
	if (dst.st_size != st->st_size)
		return bench_tw_differs(dpath, _("not of the source's size"));
	return bench_tw_file(path, dpath);
}

int
bench_treewalk_cmp(const char *src, const char *dst, bool *shared, char *why,
    size_t len)
{
	struct bench_treesize a, b;
	int rc;

	*shared = false;
	if (bench_treewalk_size(src, &a, why, len) == -1 ||
	    bench_treewalk_size(dst, &b, why, len) == -1)
		return -1;
	if (a.files != b.files || a.dirs != b.dirs) {
		(void)snprintf(why, len, _("%s holds %llu files and %llu "
		    "directories, not %llu and %llu"), quote(dst),
		    (unsigned long long)b.files, (unsigned long long)b.dirs,
		    (unsigned long long)a.files, (unsigned long long)a.dirs);
		return 1;
	}
	bench_tw = (typeof(bench_tw)){ .dst = dst, .srclen = strlen(src),
	    .shared = shared, .why = why, .len = len };
	if ((bench_tw.a = malloc(BENCH_TW_BUF)) == NULL ||
	    (bench_tw.b = malloc(BENCH_TW_BUF)) == NULL)
		err(1, NULL);
	rc = nftw(src, bench_tw_cmp, BENCH_TW_FDS, FTW_PHYS);
	free(bench_tw.a);
	free(bench_tw.b);
	if (rc == BENCH_TW_ERROR || rc == -1) {
		if (rc == BENCH_TW_ERROR)
			errno = bench_tw.err;
		return -1;
	}
	return rc;
}

static int
bench_tw_drop(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	int fd;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
	if (fd == -1)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd != -1) {
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		(void)close(fd);
	}
	return 0;
}

void
bench_treewalk_drop(const char *path)
{
	(void)nftw(path, bench_tw_drop, BENCH_TW_FDS, FTW_PHYS);
}
