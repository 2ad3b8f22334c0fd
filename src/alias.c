/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alias.c: writes through shared destinations in cp's order (alias.h).
 *
 * cp's order is a depth-first walk with each directory's entries sorted
 * by inode number (gnulib's savedir), so the place of a source in it is
 * the list of the inode numbers of its path's components below the
 * operand, compared element by element: the smaller list comes first.
 *
 * Each shared file written is kept in a map (inomap.h) under its
 * (device, inode), with the source last written into it.  Writes into one file
 * wait for each other; writes into different files do not.  The places
 * are read (lstat(2) of each component) only when a second source comes
 * for one file, which in most trees never happens: a destination with
 * other hard links is usually written once.  The source kept is the last
 * in cp's order: a write before it in that order is followed by it again.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alias.h"
#include "inomap.h"

struct alias_file {
	struct inomap_node node;	/* under its (device, inode) */
	bool		 busy;		/* a write into it is in progress */
	char		*src;		/* the source last written, or NULL */
	ino_t		*key;		/* its place, once read (n inodes) */
	size_t		 n;
	/* The write in progress: its source and place (key may be NULL). */
	char		*cur_src;
	ino_t		*cur_key;
	size_t		 cur_n;
	bool		 cur_earlier;	/* before src in cp's order */
};

struct alias_order {
	pthread_mutex_t	 lock;
	pthread_cond_t	 done;		/* a write ended */
	char		*top;		/* the operand's source path */
	struct inomap	 map;
};

struct alias_order *
alias_new(const char *top)
{
	struct alias_order *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->top = strdup(top)) == NULL) {
		free(a);
		return NULL;
	}
	(void)pthread_mutex_init(&a->lock, NULL);
	(void)pthread_cond_init(&a->done, NULL);
	return a;
}

static void
alias_drop(struct inomap_node *n)
{
	struct alias_file *f = INOMAP_ENTRY(n, struct alias_file, node);

	free(f->src);
	free(f->key);
	free(f);
}

void
alias_free(struct alias_order *a)
{
	if (a == NULL)
		return;
	inomap_free(&a->map, alias_drop);
	(void)pthread_cond_destroy(&a->done);
	(void)pthread_mutex_destroy(&a->lock);
	free(a->top);
	free(a);
}

ino_t *
alias_place(const char *top, const char *src, size_t *n)
{
	size_t toplen = strlen(top), len = strlen(src), i, cap = 8;
	ino_t *key;
	struct stat st;
	char *p;

	*n = 0;
	while (toplen > 1 && top[toplen - 1] == '/')
		toplen--;
	if (len <= toplen || strncmp(src, top, toplen) != 0 ||
	    src[toplen] != '/' || (p = strdup(src)) == NULL)
		return NULL;
	if ((key = malloc(cap * sizeof(*key))) == NULL) {
		free(p);
		return NULL;
	}
	for (i = toplen + 1; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (i < len && p[i - 1] == '/')
			continue;		/* "//" */
		p[i] = '\0';
		if (lstat(p, &st) == -1)
			goto fail;
		if (*n == cap) {
			ino_t *k = realloc(key, 2 * cap * sizeof(*key));

			if (k == NULL)
				goto fail;
			key = k;
			cap *= 2;
		}
		key[(*n)++] = st.st_ino;
		if (i < len)
			p[i] = '/';
	}
	free(p);
	return key;
fail:
	free(p);
	free(key);
	*n = 0;
	return NULL;
}

int
alias_cmp(const ino_t *a, size_t na, const ino_t *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

/* The entry of (dev, ino), made if new; NULL if out of memory. */
static struct alias_file *
alias_find(struct alias_order *a, dev_t dev, ino_t ino)
{
	struct inomap_node *n;
	struct alias_file *f;

	if ((n = inomap_find(&a->map, dev, ino)) != NULL)
		return INOMAP_ENTRY(n, struct alias_file, node);
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	inomap_add(&a->map, &f->node, dev, ino);
	return f;
}

void
alias_begin(struct alias_order *a, const char *src, struct alias_file **fp,
    char **again, dev_t dev, ino_t ino)
{
	struct alias_file *f;
	ino_t *key = NULL;
	size_t n = 0;
	bool earlier = false;

	*fp = NULL;
	*again = NULL;
	(void)pthread_mutex_lock(&a->lock);
	if ((f = alias_find(a, dev, ino)) == NULL) {
		/* Out of memory: written, in no particular order. */
		(void)pthread_mutex_unlock(&a->lock);
		return;
	}
	while (f->busy)
		(void)pthread_cond_wait(&a->done, &a->lock);
	if (f->src != NULL) {
		/* A second source for this file: where are both in cp's walk? */
		if (f->key == NULL)
			f->key = alias_place(a->top, f->src, &f->n);
		key = alias_place(a->top, src, &n);
		/* cp writes this one first: the later one goes again. */
		earlier = key != NULL && f->key != NULL &&
		    alias_cmp(key, n, f->key, f->n) < 0;
		if (earlier && (*again = strdup(f->src)) == NULL)
			earlier = false;
	}
	f->busy = true;
	f->cur_earlier = earlier;
	f->cur_src = earlier ? NULL : strdup(src);
	f->cur_key = earlier ? NULL : key;
	f->cur_n = n;
	if (earlier)
		free(key);
	(void)pthread_mutex_unlock(&a->lock);
	*fp = f;
}

void
alias_end(struct alias_order *a, struct alias_file *f, bool ok)
{
	if (f == NULL)
		return;
	(void)pthread_mutex_lock(&a->lock);
	/* (A write that failed, whose source is not known, or that was
	 * followed by the later one again, does not change the last.) */
	if (ok && !f->cur_earlier && f->cur_src != NULL) {
		free(f->src);
		free(f->key);
		f->src = f->cur_src;
		f->key = f->cur_key;
		f->n = f->cur_n;
	} else {
		free(f->cur_src);
		free(f->cur_key);
	}
	f->cur_src = NULL;
	f->cur_key = NULL;
	f->cur_earlier = false;
	f->busy = false;
	(void)pthread_cond_broadcast(&a->done);
	(void)pthread_mutex_unlock(&a->lock);
}
