/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alias.c: writes through shared destinations in cp's order (alias.h).
 *
 * cp's order is a depth-first walk with each directory's entries sorted
 * by inode number (gnulib's savedir), so the place of a source in it is
 * the list of the inode numbers of its path's components below the
 * operand, compared element by element: the smaller list comes first.
 * Such writes are rare (a destination that already exists and is a
 * symbolic link, or has other hard links): the inode numbers are read
 * with lstat(2) when one is met, and the files kept in a list.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alias.h"

struct alias_file {
	struct alias_file *next;
	dev_t		 dev;
	ino_t		 ino;
	size_t		 n;		/* the last write's place: n inodes */
	ino_t		*key;
};

struct alias_order {
	pthread_mutex_t	 lock;
	char		*top;
	size_t		 toplen;
	struct alias_file *files;
	/* The write in progress (the lock is held). */
	struct alias_file *cur;
	ino_t		*cur_key;
	size_t		 cur_n;
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
	a->toplen = strlen(top);
	while (a->toplen > 1 && top[a->toplen - 1] == '/')
		a->toplen--;
	(void)pthread_mutex_init(&a->lock, NULL);
	return a;
}

void
alias_free(struct alias_order *a)
{
	struct alias_file *f, *next;

	if (a == NULL)
		return;
	for (f = a->files; f != NULL; f = next) {
		next = f->next;
		free(f->key);
		free(f);
	}
	(void)pthread_mutex_destroy(&a->lock);
	free(a->top);
	free(a);
}

/*
 * The place of src in cp's walk: the inode numbers of its components
 * below the operand.  NULL (*n 0) if it cannot be told (not under the
 * operand's path, a component gone, out of memory).
 */
static ino_t *
alias_key(const struct alias_order *a, const char *src, size_t *n)
{
	size_t len = strlen(src), i, cap = 8;
	ino_t *key;
	struct stat st;
	char *p;

	*n = 0;
	if (len <= a->toplen || strncmp(src, a->top, a->toplen) != 0 ||
	    src[a->toplen] != '/' || (p = strdup(src)) == NULL)
		return NULL;
	if ((key = malloc(cap * sizeof(*key))) == NULL) {
		free(p);
		return NULL;
	}
	for (i = a->toplen + 1; i <= len; i++) {
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

/* < 0, 0, > 0 as cp's walk reaches key a before, with or after b. */
static int
alias_cmp(const ino_t *a, size_t na, const ino_t *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

int
alias_begin(struct alias_order *a, const char *src, dev_t dev, ino_t ino)
{
	struct alias_file *f;
	size_t n;
	ino_t *key = alias_key(a, src, &n);

	(void)pthread_mutex_lock(&a->lock);
	for (f = a->files; f != NULL; f = f->next)
		if (f->dev == dev && f->ino == ino)
			break;
	if (f != NULL && key != NULL && f->key != NULL &&
	    alias_cmp(key, n, f->key, f->n) < 0) {
		/* cp writes this one first: the later one already is. */
		(void)pthread_mutex_unlock(&a->lock);
		free(key);
		return 0;
	}
	if (f == NULL && (f = calloc(1, sizeof(*f))) != NULL) {
		f->dev = dev;
		f->ino = ino;
		f->next = a->files;
		a->files = f;
	}
	a->cur = f;
	a->cur_key = key;
	a->cur_n = n;
	return 1;
}

void
alias_end(struct alias_order *a, bool ok)
{
	struct alias_file *f = a->cur;

	/* (A write whose place is not known does not change the order.) */
	if (ok && f != NULL && a->cur_key != NULL) {
		free(f->key);
		f->key = a->cur_key;
		f->n = a->cur_n;
	} else
		free(a->cur_key);
	a->cur = NULL;
	a->cur_key = NULL;
	(void)pthread_mutex_unlock(&a->lock);
}
