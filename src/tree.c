/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tree.c: the sequential walk of a directory tree, with an explicit stack
 * of levels on the heap, so that the depth of a tree is bounded by memory,
 * not by the C stack (a recursive walk died at about 7,000 levels).
 *
 * Each level reads its whole directory first and copies the entries in
 * inode order, as GNU cp does (savedir's "fast read" order): with -j1 the
 * -v lines and the -i questions come in cp's order, and on most file
 * systems inode order is also disk order.  Past w->max_open levels a
 * thread lets go of its parents' descriptors and reopens each one from
 * its child's "..", checking device and inode, so descriptors stay
 * bounded however deep the tree goes.  Not with -L: ".." of a directory
 * reached through a symbolic link is not where the walk came from.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quote.h"
#include "tree.h"

#define TREE_SLOTS	256	/* buckets of the ancestor table */

struct tree_ent {
	ino_t		 ino;
	size_t		 off;		/* its name, in names */
};

struct tree_level {
	struct tree_level *up;
	struct tree_level *hnext;	/* in its ancestor-table bucket */
	struct dir_anc	 anc;		/* the source directory */
	int		 sfd, dfd;	/* -1 while detached */
	dev_t		 ddev;		/* the copy, to come back to it */
	ino_t		 dino;
	struct stat	 sst;
	bool		 created;	/* the copy is new */
	bool		 detached;	/* descriptors closed for a deep child */
	bool		 lost;		/* and they could not be reopened */
	char		*name;		/* relative to the parent (owned) */
	struct path	 sp, dp;
	struct file_ref	 src, dst;	/* for messages and the metadata */
	char		*names;		/* the entries' names, NUL-separated */
	struct tree_ent	*ents;		/* in inode order */
	size_t		 nents, next;
	struct file_record rec;		/* the directory's own */
};

struct tree {
	struct walk	*w;
	struct file_ctx	*fc;
	const struct dir_anc *above;	/* directories above this walk */
	struct tree_level *slot[TREE_SLOTS];
};

/* Levels this thread keeps open (each: a source and a copy fd). */
static __thread unsigned tree_open;

static size_t
tree_slot(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h >> 56) % TREE_SLOTS;
}

/* True (and reported) if sst is a directory this walk is inside of. */
static bool
tree_cyclic(struct tree *t, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	const struct tree_level *l;
	struct dir_anc a = { t->above, sst->st_dev, sst->st_ino };

	for (l = t->slot[tree_slot(sst->st_dev, sst->st_ino)]; l != NULL;
	    l = l->hnext)
		if (l->anc.dev == sst->st_dev && l->anc.ino == sst->st_ino) {
			a.up = &l->anc;	/* dir_cyclic() finds it at once */
			break;
		}
	return dir_cyclic(t->w, src, sst, dst, a.up);
}

static int
tree_cmp(const void *a, const void *b)
{
	ino_t x = ((const struct tree_ent *)a)->ino;
	ino_t y = ((const struct tree_ent *)b)->ino;

	return x < y ? -1 : x > y;
}

/* Adds one name to l's entries.  0 or -1 (ENOMEM). */
static int
tree_add(struct tree_level *l, const struct dirent *de, size_t *cap,
    size_t *ncap, size_t *nlen)
{
	size_t len = strlen(de->d_name) + 1;
	struct tree_ent *e;
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
	l->ents[l->nents].ino = de->d_ino;
	l->ents[l->nents++].off = *nlen;
	*nlen += len;
	return 0;
}

/* Reads l's whole directory, sorted by inode.  0 or -1 with errno. */
static int
tree_read(struct tree_level *l)
{
	size_t cap = 0, ncap = 0, nlen = 0;
	struct dirent *de;
	int fd, e = 0;
	DIR *d;

	if ((fd = fcntl(l->sfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			e = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (tree_add(l, de, &cap, &ncap, &nlen) == -1) {
			e = ENOMEM;
			break;
		}
	}
	(void)closedir(d);
	if (e != 0) {
		errno = e;
		return -1;
	}
	if (l->nents > 1)	/* an empty directory has no array at all */
		qsort(l->ents, l->nents, sizeof(*l->ents), tree_cmp);
	return 0;
}

static void
tree_free(struct tree *t, struct tree_level *l)
{
	struct tree_level **p;

	for (p = &t->slot[tree_slot(l->anc.dev, l->anc.ino)]; *p != NULL;
	    p = &(*p)->hnext)
		if (*p == l) {
			*p = l->hnext;
			break;
		}
	free(l->names);
	free(l->ents);
	free(l->name);
	free(l);
}

/* Closes up's descriptors while a deep child is walked. */
static void
tree_detach(struct tree_level *up)
{
	if (up == NULL || up->detached || up->lost)
		return;
	(void)close(up->sfd);
	(void)close(up->dfd);
	up->sfd = up->dfd = -1;
	up->detached = true;
	tree_open--;
}

/* Opens dirfd's ".." and checks it is (dev, ino).  Returns an fd or -1. */
static int
tree_open_parent(int dirfd, dev_t dev, ino_t ino)
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

/* Reopens the detached parent of l from l's descriptors. */
static void
tree_reattach(struct tree *t, struct tree_level *l)
{
	struct tree_level *up = l->up;
	int s = -1, d = -1;

	if (up == NULL || !up->detached)
		return;
	up->detached = false;
	if ((s = tree_open_parent(l->sfd, up->anc.dev, up->anc.ino)) == -1 ||
	    (d = tree_open_parent(l->dfd, up->ddev, up->dino)) == -1) {
		dir_fail(t->w, &l->src, &l->dst, FILE_KIND_DIR, errno,
		    N_("cannot return to the directory above %s"), l->src.path,
		    NULL);
		if (s != -1)
			(void)close(s);
		up->lost = true;
		return;
	}
	up->sfd = s;
	up->dfd = d;
	tree_open++;
}

/*
 * Makes the copy of the directory src and reads it: the level for it, or
 * NULL if that failed (reported) or there is nothing to walk.
 */
static struct tree_level *
tree_enter(struct tree *t, struct tree_level *up, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	struct walk *w = t->w;
	struct tree_level *l;
	struct stat st;
	bool top = up == NULL && t->above == NULL;

	if (tree_cyclic(t, src, sst, dst))
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->name = strdup(src->name)) == NULL) {
		free(l);
		dir_fail(w, src, dst, FILE_KIND_DIR, ENOMEM,
		    CPN_("cannot access %s"), src->path, NULL);
		return NULL;
	}
	l->up = up;
	l->anc = (struct dir_anc){ up != NULL ? &up->anc : t->above,
	    sst->st_dev, sst->st_ino };
	l->sst = *sst;
	l->sfd = l->dfd = -1;
	/* Paths: the caller's for the walk's root, else chained to up. */
	if (up == NULL) {
		l->sp = *src->path;
		l->dp = *dst->path;
	} else {
		path_init(&l->sp, &up->sp, l->name);
		path_init(&l->dp, &up->dp, l->name);
	}
	l->src = *src;
	l->dst = *dst;
	l->src.name = l->dst.name = up != NULL ? l->name : src->name;
	if (up == NULL)
		l->dst.name = dst->name;
	l->src.path = &l->sp;
	l->dst.path = &l->dp;
	/* As cp: the copy is made even if the source cannot be read. */
	if ((l->dfd = dir_mkdir(w, &l->src, sst, &l->dst, &l->created,
	    &l->ddev)) == -1) {
		free(l->name);
		free(l);
		return NULL;
	}
	if (fstat(l->dfd, &st) == 0)
		l->dino = st.st_ino;
	dir_open_record(w, &l->src, &l->dst, l->created, &l->rec);
	l->sfd = openat(l->src.dirfd, l->src.name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (l->src.follow ? 0 : O_NOFOLLOW));
	/* -x: a directory on another file system is made, not entered. */
	if (l->sfd == -1 || ((!w->opts->one_fs || top ||
	    sst->st_dev == w->top_fs) && tree_read(l) == -1)) {
		dir_fail(w, &l->src, &l->dst, FILE_KIND_DIR, errno,
		    CPN_("cannot access %s"), l->src.path, NULL);
		l->nents = 0;
	}
	l->hnext = t->slot[tree_slot(l->anc.dev, l->anc.ino)];
	t->slot[tree_slot(l->anc.dev, l->anc.ino)] = l;
	tree_open++;
	/* Deep below the limit: let go of the parent until we are back. */
	if (tree_open > w->max_open && w->opts->deref != DEREF_ALWAYS)
		tree_detach(up);
	return l;
}

/*
 * Copies the next entry of l.  Returns the level to go on with: the
 * entry's, if it was a directory, else l.
 */
static struct tree_level *
tree_step(struct tree *t, struct tree_level *l)
{
	struct walk *w = t->w;
	const char *name = l->names + l->ents[l->next++].off;
	struct path csp, cdp;
	struct file_ref cs = { l->sfd, name, &csp,
	    w->opts->deref == DEREF_ALWAYS, false, 0, false };
	struct file_ref cd = { l->dfd, name, &cdp, false, l->created,
	    l->ddev, false };
	struct tree_level *child;
	struct stat st;

	path_init(&csp, &l->sp, name);
	path_init(&cdp, &l->dp, name);
	if (dir_stat_entry(w, &cs, &st, &cd) == -1)
		return l;
	if (!S_ISDIR(st.st_mode)) {
		(void)dir_file(w, t->fc, &cs, &st, &cd);
		return l;
	}
	child = tree_enter(t, l, &cs, &st, &cd);
	return child != NULL ? child : l;
}

/* l is done: its attributes, its parent back, its record.  Returns up. */
static struct tree_level *
tree_leave(struct tree *t, struct tree_level *l)
{
	struct tree_level *up = l->up;

	if (l->lost) {
		/* Its descriptors could not come back, so neither can its
		 * parent's if it let go of them: give up on it too. */
		if (up != NULL && up->detached) {
			up->detached = false;
			up->lost = true;
		}
		record_free(&l->rec);
	} else {
		dir_done(t->w, l->sfd, l->dfd, &l->sst, l->created, &l->rec);
		tree_reattach(t, l);
		if (l->sfd != -1)
			(void)close(l->sfd);
		dir_close_record(t->w, l->dfd, &l->rec);
		tree_open--;
	}
	tree_free(t, l);
	return up;
}

void
tree_copy(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct dir_anc *up)
{
	struct tree t;
	struct tree_level *l;

	memset(&t, 0, sizeof(t));
	t.w = w;
	t.fc = fc;
	t.above = up;
	l = tree_enter(&t, NULL, src, sst, dst);
	while (l != NULL) {
		if (l->next < l->nents && !l->lost && !dir_stopped(w))
			l = tree_step(&t, l);
		else
			l = tree_leave(&t, l);
	}
}
