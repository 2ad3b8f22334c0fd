/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-scan.c: counts the files and bytes a run will copy, for the
 * total of -g.  It walks the sources fd-relative, as walk.c does, with
 * one open directory per level, in a thread of the idle scheduling class
 * so that it takes nothing from the copy.  It only adds to the totals;
 * what cannot be read is left out (walk.c will say why).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress-scan.h"

/* Linux's idle class: the scan runs only on otherwise idle CPUs. */
#ifndef SCHED_IDLE
#define SCHED_IDLE	SCHED_OTHER
#endif

#define SCAN_DEPTH	1024	/* deeper directories are not counted */

/* The directories being scanned, to stop at a loop that -L follows. */
struct scan_path {
	dev_t		 dev[SCAN_DEPTH];
	ino_t		 ino[SCAN_DEPTH];
	int		 depth;
};

static void	scan_dir(struct scan *, struct scan_path *, int, const char *,
		    bool);

static bool
scan_stopped(const struct scan *sc)
{
	return __atomic_load_n(sc->stop, __ATOMIC_ACQUIRE);
}

/* Counts one non-directory. */
static void
scan_count(struct scan *sc, const struct stat *st)
{
	__atomic_add_fetch(&sc->nfiles, 1, __ATOMIC_RELAXED);
	if (S_ISREG(st->st_mode))
		__atomic_add_fetch(&sc->total, (uint64_t)st->st_size,
		    __ATOMIC_RELAXED);
}

/* One entry of a directory being scanned. */
static void
scan_entry(struct scan *sc, struct scan_path *sp, int dfd,
    const struct dirent *de)
{
	bool deref = sc->opts->deref == DEREF_ALWAYS;
	struct stat st;

	if (de->d_type == DT_DIR && !deref) {
		scan_dir(sc, sp, dfd, de->d_name, false);
		return;
	}
	if (de->d_type == DT_LNK && !deref) {
		__atomic_add_fetch(&sc->nfiles, 1, __ATOMIC_RELAXED);
		return;
	}
	if (fstatat(dfd, de->d_name, &st, deref ? 0 : AT_SYMLINK_NOFOLLOW) ==
	    -1)
		return;
	if (S_ISDIR(st.st_mode))
		scan_dir(sc, sp, dfd, de->d_name, deref);
	else
		scan_count(sc, &st);
}

/* Counts the tree at (dirfd, name). */
static void
scan_dir(struct scan *sc, struct scan_path *sp, int dirfd, const char *name,
    bool follow)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, i;

	if (sp->depth >= SCAN_DEPTH)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (follow ? 0 : O_NOFOLLOW));
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || (d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	for (i = 0; i < sp->depth; i++)
		if (sp->dev[i] == st.st_dev && sp->ino[i] == st.st_ino)
			goto out;
	sp->dev[sp->depth] = st.st_dev;
	sp->ino[sp->depth++] = st.st_ino;
	while (!scan_stopped(sc) && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			scan_entry(sc, sp, fd, de);
	sp->depth--;
out:
	(void)closedir(d);
}

/* The totals: the sources as walk.c will see them. */
static void
scan_sources(struct scan *sc)
{
	const struct options *o = sc->opts;
	struct scan_path *sp;
	struct stat st;
	bool follow;
	int i;

	follow = o->deref == DEREF_ALWAYS || o->deref == DEREF_ARGS ||
	    (o->deref == DEREF_UNSET && !o->recursive);
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return;
	for (i = 0; i < sc->nsrc && !scan_stopped(sc); i++) {
		if (fstatat(AT_FDCWD, sc->src[i], &st, follow ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISDIR(st.st_mode))
			scan_count(sc, &st);
		else if (o->recursive)
			scan_dir(sc, sp, AT_FDCWD, sc->src[i], follow);
	}
	free(sp);
}

void *
scan_main(void *arg)
{
	struct scan *sc = arg;
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	scan_sources(sc);
	__atomic_store_n(&sc->counted, true, __ATOMIC_RELEASE);
	__atomic_store_n(&sc->counting, false, __ATOMIC_RELEASE);
	return NULL;
}
