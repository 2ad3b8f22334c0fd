/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk-seq.c: the sequential walk of a directory tree, with an explicit stack
 * of levels on the heap, so that the depth of a tree is bounded by memory,
 * not by the C stack (a recursive walk died at about 7,000 levels).
 *
 * Each level reads its whole directory first and copies the entries in
 * inode order, as GNU cp does (savedir's "fast read" order): with -j1 the
 * -v lines and the -i questions come in cp's order, and on most file
 * systems inode order is also disk order.  Past run->max_open levels a
 * thread lets go of its parents' descriptors and reopens each one from
 * its child's "..", checking device and inode, so descriptors stay
 * bounded however deep the tree goes.  Not with -L: ".." of a directory
 * reached through a symbolic link is not where the walk came from.
 *
 * Under a descriptor limit too low to keep even one level open (max_open
 * 0: ulimit -n 5 leaves 2 descriptors, all a file's copy needs), the walk
 * keeps none, as GNU cp: each directory is read and let go of, its
 * entries are reached by their whole paths, and it is opened again by
 * path, checked by device and inode, to get its attributes at the end.
 * Paths longer than PATH_MAX then fail, as with cp.
 *
 * Driven by the parallel walk (pool.c, the walk's driver), a directory
 * whose source cannot be opened for want of memory or descriptors is
 * handed back before its copy is made, to be copied again at the end.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "inomap.h"
#include "quote.h"
#include "walk-seq.h"

struct seq_ent {
	ino_t		 ino;
	size_t		 off;		/* its name, in names */
	unsigned char	 type;		/* d_type */
	bool		 premade;	/* its copy made ahead (walk.h) */
};

struct seq_level {
	struct seq_level *up;
	struct inomap_node node;	/* in the ancestor map, by dir.anc */
	struct walk_dir	 dir;		/* the directory (dir.dfd: its copy,
					   -1 while detached) */
	int		 sfd;		/* its source, -1 while detached */
	ino_t		 dino;		/* the copy, to come back to it (and
					   dir.ddev) */
	bool		 detached;	/* descriptors closed for a deep
					   child */
	bool		 lost;		/* and they could not be reopened */
	char		*name;		/* relative to the parent (owned) */
	char		*names;		/* the entries' names, NUL-separated */
	struct seq_ent	*ents;		/* in inode order */
	size_t		 nents, next;
};

struct seq {
	struct walk	*w;
	struct file_ctx	*fc;
	const struct walk_anc *above;	/* directories above this walk */
	bool		 bypath;	/* no descriptor kept (see the top) */
	struct inomap	 anc;		/* the open levels, by (dev, ino) */
};

/* Levels this thread keeps open (each: a source and a copy fd). */
static __thread unsigned seq_open;

/* True (and reported) if sst is a directory this walk is inside of. */
static bool
seq_cyclic(struct seq *t, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	const struct inomap_node *n;
	const struct walk_anc *up = t->above;

	/* walk_cyclic() finds it at once. */
	if ((n = inomap_find(&t->anc, sst->st_dev, sst->st_ino)) != NULL)
		up = &INOMAP_ENTRY(n, struct seq_level, node)->dir.anc;
	return walk_cyclic(t->w, src, sst, dst, up);
}

static int
seq_cmp(const void *a, const void *b)
{
	ino_t x = ((const struct seq_ent *)a)->ino;
	ino_t y = ((const struct seq_ent *)b)->ino;

	return x < y ? -1 : x > y;
}

/* Adds one name to l's entries.  0 or -1 (ENOMEM). */
static int
seq_add(struct seq_level *l, const struct dirent *de, size_t *cap,
    size_t *ncap, size_t *nlen)
{
	size_t len = strlen(de->d_name) + 1;
	struct seq_ent *e;
	char *n;

	if (*nlen + len > *ncap) {
		if ((n = realloc(l->names, (*nlen + len) * 2)) == NULL)
			return -1;
		l->names = n;
		*ncap = (*nlen + len) * 2;
	}
	if (l->nents == *cap) {
		if ((e = reallocarray(l->ents, *cap * 2 + 16,
		    sizeof(*e))) == NULL)
			return -1;
		l->ents = e;
		*cap = *cap * 2 + 16;
	}
	memcpy(l->names + *nlen, de->d_name, len);
	l->ents[l->nents] = (struct seq_ent){ .ino = de->d_ino, .off = *nlen,
	    .type = de->d_type };
	l->nents++;
	*nlen += len;
	return 0;
}

/*
 * Opens the source directory of l for reading: *d, on a duplicate of its
 * descriptor, or by path on the descriptor itself (then given up).
 * Returns 0, or an errno.
 */
static int
seq_opendir(struct seq *t, struct seq_level *l, DIR **d)
{
	int fd, e;

	*d = NULL;
	fd = t->bypath ? l->sfd : fcntl(l->sfd, F_DUPFD_CLOEXEC, 0);
	if (fd == -1)
		return errno;
	if ((*d = fdopendir(fd)) == NULL) {
		e = errno;
		(void)close(fd);
		if (t->bypath)
			l->sfd = -1;
		return e;
	}
	if (t->bypath)
		l->sfd = -1;	/* d's now */
	return 0;
}

/*
 * Makes the copies of l's subdirectories ahead, before its files, where
 * the walk may (walk.h).  (Entries whose d_type does not say: in their
 * turn.)
 */
static void
seq_premake(struct seq *t, struct seq_level *l)
{
	struct seq_ent *e;
	struct stat st;
	size_t i;

	if (t->bypath || !walk_premake_ok(t->w, &l->dir))
		return;
	for (i = 0; i < l->nents; i++) {
		e = &l->ents[i];
		if (e->type == DT_DIR && fstatat(l->sfd, l->names + e->off,
		    &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			e->premade = walk_premake(t->w, &l->dir,
			    l->names + e->off, &st);
	}
}

/* The copies made ahead of l's entries not taken: removed (empty). */
static void
seq_unmake_rest(struct seq_level *l)
{
	size_t i;

	for (i = l->next; i < l->nents; i++)
		if (l->ents[i].premade)
			walk_unmake(&l->dir, l->names + l->ents[i].off);
}

/* Reads d (then closed) into l's entries, sorted by inode.  0 or errno. */
static int
seq_read(struct seq_level *l, DIR *d)
{
	size_t cap = 0, ncap = 0, nlen = 0;
	struct dirent *de;
	int e = 0;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			e = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (seq_add(l, de, &cap, &ncap, &nlen) == -1) {
			e = ENOMEM;
			break;
		}
	}
	(void)closedir(d);
	if (e != 0)
		return e;
	if (l->nents > 1)	/* an empty directory has no array at all */
		qsort(l->ents, l->nents, sizeof(*l->ents), seq_cmp);
	return 0;
}

static void
seq_free(struct seq *t, struct seq_level *l)
{
	inomap_remove(&t->anc, &l->node);	/* if it is there */
	free(l->names);
	free(l->ents);
	free(l->name);
	free(l);
}

/* Closes up's descriptors while a deep child is walked. */
static void
seq_detach(struct seq_level *up)
{
	if (up == NULL || up->detached || up->lost)
		return;
	(void)close(up->sfd);
	(void)close(up->dir.dfd);
	up->sfd = up->dir.dfd = -1;
	up->detached = true;
	seq_open--;
}

/* Opens dirfd's ".." and checks it is (dev, ino).  Returns an fd or -1. */
static int
seq_open_parent(int dirfd, dev_t dev, ino_t ino)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_dev != dev || st.st_ino != ino) {
		(void)close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/*
 * Opens the directory at p (the walk's paths lead there from the current
 * directory) and checks it is (dev, ino), any device if dev is 0.
 * Returns an fd or -1.
 */
static int
seq_open_path(const struct path *p, bool follow, dev_t dev, ino_t ino)
{
	struct stat st;
	char *s;
	int fd, e;

	if ((s = path_dup(p)) == NULL)
		return -1;
	fd = open(s, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (follow ? 0 : O_NOFOLLOW));
	e = errno;
	free(s);
	if (fd == -1) {
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == -1 || (dev != 0 && st.st_dev != dev) ||
	    st.st_ino != ino) {
		(void)close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Whether the copy of l is reopened through a link (kept, as made). */
static bool
seq_dst_follow(const struct seq *t, const struct seq_level *l)
{
	return !l->dir.created && t->w->run->opts->keep_dir_symlink;
}

/*
 * Reopens the detached parent of l from l's descriptors, or by its paths
 * if l has none (its source could not be opened).
 */
static void
seq_reattach(struct seq *t, struct seq_level *l)
{
	struct seq_level *up = l->up;
	int s = -1, d = -1;

	if (up == NULL || !up->detached)
		return;
	up->detached = false;
	/* (--dry-run: a copy that would be made has no descriptor.) */
	if (l->sfd != -1 && (l->dir.dfd != -1 || up->dir.dry)) {
		if ((s = seq_open_parent(l->sfd, up->dir.anc.dev,
		    up->dir.anc.ino)) != -1 && !up->dir.dry)
			d = seq_open_parent(l->dir.dfd, up->dir.ddev,
			    up->dino);
	} else if ((s = seq_open_path(&up->dir.sp, up->dir.src.follow,
	    up->dir.anc.dev, up->dir.anc.ino)) != -1 && !up->dir.dry)
		d = seq_open_path(&up->dir.dp, seq_dst_follow(t, up),
		    up->dir.ddev, up->dino);
	if (s == -1 || (d == -1 && !up->dir.dry)) {
		run_fail(t->w->run, &l->dir.src, &l->dir.dst, FILE_KIND_DIR,
		    errno, N_("cannot return to the directory above %s"),
		    l->dir.src.path, NULL);
		if (s != -1)
			(void)close(s);
		up->lost = true;
		return;
	}
	up->sfd = s;
	up->dir.dfd = d;
	seq_open++;
}

/*
 * A new level for the directory src (called name in up; NULL: src is
 * the walk's root), without descriptors yet.  NULL if out of memory.
 */
static struct seq_level *
seq_level_new(struct seq *t, struct seq_level *up, const char *name,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	struct seq_level *l;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->name = strdup(up != NULL ? name : src->name)) == NULL) {
		free(l);
		return NULL;
	}
	l->up = up;
	walk_dir_init(&l->dir, up != NULL ? &up->dir : NULL, l->name, src,
	    sst, dst, up != NULL ? &up->dir.anc : t->above);
	l->sfd = -1;
	/* By path, the names are the caller's, for now only. */
	if (up != NULL && !t->bypath)
		l->dir.src.name = l->dir.dst.name = l->name;
	return l;
}

/*
 * The parallel walk takes back a directory whose source could not be had
 * for want of memory or descriptors (err), before its copy is made.
 */
static bool
seq_again(struct seq *t, struct seq_level *up, int err,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	const struct walk_driver *drv = t->w->drv;

	return drv != NULL && drv->again != NULL && run_short(err) &&
	    drv->again(drv->arg, src, sst, dst, up != NULL ? &up->dir.anc :
	    t->above);
}

/*
 * Opens the source of l (and a reader of it, *d, unless -x leaves it out)
 * before its copy is made: what fails then for want of memory or
 * descriptors can be done again.  Returns 0 or an errno.
 */
static int
seq_open_src(struct seq *t, struct seq_level *l, bool top, DIR **d)
{
	struct walk *w = t->w;

	*d = NULL;
	l->sfd = openat(l->dir.src.dirfd, l->dir.src.name, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC | (l->dir.src.follow ? 0 : O_NOFOLLOW));
	if (l->sfd == -1)
		return errno;
	/* -x: a directory on another file system is made, not entered. */
	if (w->run->opts->one_fs && !top && l->dir.sst.st_dev != w->op->top_fs)
		return 0;
	return seq_opendir(t, l, d);
}

/* A level is open: in the ancestor table, and its descriptors counted. */
static void
seq_opened(struct seq *t, struct seq_level *l)
{
	inomap_add(&t->anc, &l->node, l->dir.anc.dev, l->dir.anc.ino);
	if (t->bypath) {
		/* Nothing kept: reopened by path when it is done.  (The
		 * caller's names were for now only.) */
		if (l->sfd != -1)
			(void)close(l->sfd);
		l->sfd = -1;
		if (l->up != NULL)
			l->dir.src.name = l->dir.dst.name = NULL;
		return;
	}
	seq_open++;
	/* Deep below the limit: let go of the parent until we are back. */
	if (seq_open > t->w->run->max_open &&
	    t->w->run->opts->deref != DEREF_ALWAYS)
		seq_detach(l->up);
}

/*
 * Makes the copy of l (l->dir.dfd; by path, let go of at once), with its
 * record.  Returns 0, or -1 (reported, or taken back).
 */
static int
seq_make(struct seq *t, struct seq_level *l)
{
	struct stat st;

	if (walk_enter(t->w, &l->dir) == -1)
		return -1;
	if (fstat(l->dir.dfd, &st) == 0)
		l->dino = st.st_ino;
	if (t->bypath) {
		(void)close(l->dir.dfd);
		l->dir.dfd = -1;
	}
	return 0;
}

/*
 * Makes the copy of the directory src (called name in up) and reads it:
 * the level for it, or NULL if that failed (reported, or taken back by
 * the parallel walk) or there is nothing to walk.  The source is opened
 * first (what fails then for want of memory or descriptors is taken
 * back before anything is made), and read once the copy is made, as cp
 * (which may then meet it); by path, opened only then: the copy and the
 * source need one descriptor at a time.
 */
static struct seq_level *
seq_enter(struct seq *t, struct seq_level *up, const char *name,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	bool top = up == NULL && t->above == NULL;
	struct seq_level *l;
	DIR *d = NULL;
	int e = 0;

	if (seq_cyclic(t, src, sst, dst))
		return NULL;
	if ((l = seq_level_new(t, up, name, src, sst, dst)) == NULL) {
		if (!seq_again(t, up, ENOMEM, src, sst, dst))
			run_fail(t->w->run, src, dst, FILE_KIND_DIR, ENOMEM,
			    CPN_("cannot access %s"), src->path, NULL);
		return NULL;
	}
	/* Its entry in up, the one being copied: made ahead or not. */
	l->dir.premade = up != NULL && up->ents[up->next - 1].premade;
	if (!t->bypath)
		e = seq_open_src(t, l, top, &d);
	if (e != 0 && seq_again(t, up, e, src, sst, dst)) {
		if (l->sfd != -1)
			(void)close(l->sfd);
		seq_free(t, l);
		return NULL;
	}
	/* As cp: the copy is made even if the source cannot be read. */
	if (seq_make(t, l) == -1) {
		if (d != NULL)
			(void)closedir(d);
		if (l->sfd != -1)
			(void)close(l->sfd);
		seq_free(t, l);
		return NULL;
	}
	if (t->bypath)
		e = seq_open_src(t, l, top, &d);
	if (d != NULL)
		e = seq_read(l, d);
	if (e != 0) {
		run_fail(t->w->run, &l->dir.src, &l->dir.dst, FILE_KIND_DIR, e,
		    CPN_("cannot access %s"), l->dir.src.path, NULL);
		l->nents = 0;
	}
	seq_premake(t, l);
	seq_opened(t, l);
	return l;
}

/*
 * Copies the next entry of l.  Returns the level to go on with: the
 * entry's, if it was a directory, else l.
 */
static struct seq_level *
seq_step(struct seq *t, struct seq_level *l)
{
	struct walk *w = t->w;
	bool pre = l->ents[l->next].premade;
	const char *name = l->names + l->ents[l->next++].off;
	struct seq_level *child = NULL;
	char *sname = NULL, *dname = NULL;
	struct copy_job job;

	walk_job(w, &job, l->sfd, &l->dir, name);
	if (t->bypath) {
		/* No descriptor: whole paths, from the current directory. */
		job.src.dirfd = job.dst.dirfd = AT_FDCWD;
		if ((job.src.name = sname = path_dup(&job.sp)) == NULL ||
		    (job.dst.name = dname = path_dup(&job.dp)) == NULL) {
			run_fail(w->run, &job.src, &job.dst, FILE_KIND_FILE,
			    ENOMEM, CPN_("cannot access %s"), &job.sp, NULL);
			goto out;
		}
	}
	if (walk_stat(w, &job) == -1) {
		;	/* reported */
	} else if (!S_ISDIR(job.st.st_mode)) {
		if (pre)	/* no longer a directory */
			walk_unmake(&l->dir, name);
		pre = false;
		(void)exec_file(w, t->fc, &job);
	} else if ((child = seq_enter(t, l, name, &job.src, &job.st,
	    &job.dst)) != NULL) {
		pre = false;
	}
	/* Made ahead, and not entered after all. */
	if (pre)
		walk_unmake(&l->dir, name);
out:
	free(sname);
	free(dname);
	return child != NULL ? child : l;
}

/*
 * By path, the descriptors of l for its attributes: 0, or -1 (its copy
 * could not be opened again: reported).
 */
static int
seq_reopen(struct seq *t, struct seq_level *l)
{
	if (!t->bypath || l->dir.dry)
		return 0;
	if ((l->dir.dfd = seq_open_path(&l->dir.dp, seq_dst_follow(t, l),
	    l->dir.ddev, l->dino)) == -1) {
		record_fail(&l->dir.rec, errno,
		    CPN_("cannot open directory %s"),
		    quote(path_str(&l->dir.dp)));
		run_report(t->w->run, &l->dir.rec);
		return -1;
	}
	/* (Without it, what needs the source's own descriptor is not set.) */
	l->sfd = seq_open_path(&l->dir.sp, l->dir.src.follow, l->dir.anc.dev,
	    l->dir.anc.ino);
	return 0;
}

/* l is done: its attributes, its parent back, its record.  Returns up. */
static struct seq_level *
seq_leave(struct seq *t, struct seq_level *l)
{
	struct seq_level *up = l->up;

	seq_unmake_rest(l);
	if (l->lost) {
		/* Its descriptors could not come back, so neither can its
		 * parent's if it let go of them: give up on it too. */
		if (up != NULL && up->detached) {
			up->detached = false;
			up->lost = true;
		}
		record_free(&l->dir.rec);
	} else if (seq_reopen(t, l) == -1) {
		record_free(&l->dir.rec);
	} else {
		walk_attrs(t->w, &l->dir, l->sfd);
		seq_reattach(t, l);
		if (l->sfd != -1)
			(void)close(l->sfd);
		walk_close(t->w, &l->dir);
		if (!t->bypath)
			seq_open--;
	}
	seq_free(t, l);
	return up;
}

void
walk_seq_copy(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_anc *up)
{
	struct seq t;
	struct seq_level *l;

	memset(&t, 0, sizeof(t));
	t.w = w;
	t.fc = fc;
	t.above = up;
	t.bypath = w->run->max_open == 0;
	l = seq_enter(&t, NULL, src->name, src, sst, dst);
	while (l != NULL) {
		if (l->next < l->nents && !l->lost && !operand_stopped(w->op))
			l = seq_step(&t, l);
		else if (l->lost || operand_stopped(w->op) ||
		    !walk_dry_self(w, &l->dir, l->sfd))
			l = seq_leave(&t, l);
	}
	inomap_free(&t.anc, NULL);
}
