/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.c: a hash table from a source file's device and inode to the
 * path of its first copy, so later names of the same file become hard
 * links to it.  One mutex: lookups are rare (only files with st_nlink > 1)
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"

struct link_entry {
	struct link_entry *next;
	dev_t		 dev;
	ino_t		 ino;
	bool		 ready;		/* the first copy exists */
	char		*path;
};

struct links {
	pthread_mutex_t	 lock;
	pthread_cond_t	 done;		/* some first copy became ready */
	struct link_entry **slot;
	size_t		 nslot, count;
};

struct links *
links_new(void)
{
	struct links *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		err(1, NULL);
	l->nslot = 256;
	if ((l->slot = calloc(l->nslot, sizeof(*l->slot))) == NULL)
		err(1, NULL);
	(void)pthread_mutex_init(&l->lock, NULL);
	(void)pthread_cond_init(&l->done, NULL);
	return l;
}

void
links_free(struct links *l)
{
	struct link_entry *e, *next;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nslot; i++)
		for (e = l->slot[i]; e != NULL; e = next) {
			next = e->next;
			free(e->path);
			free(e);
		}
	free(l->slot);
	(void)pthread_cond_destroy(&l->done);
	(void)pthread_mutex_destroy(&l->lock);
	free(l);
}

static size_t
links_hash(const struct links *l, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h ^ (h >> 29)) & (l->nslot - 1);
}

static void
links_grow(struct links *l)
{
	struct link_entry **old = l->slot, *e, *next;
	size_t i, n = l->nslot, h;

	if ((l->slot = calloc(n * 2, sizeof(*l->slot))) == NULL) {
		l->slot = old;	/* keep working, only slower */
		return;
	}
	l->nslot = n * 2;
	for (i = 0; i < n; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			h = links_hash(l, e->dev, e->ino);
			e->next = l->slot[h];
			l->slot[h] = e;
		}
	free(old);
}

static struct link_entry *
links_lookup(struct links *l, dev_t dev, ino_t ino)
{
	struct link_entry *e;

	for (e = l->slot[links_hash(l, dev, ino)]; e != NULL; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

int
links_find_or_add(struct links *l, dev_t dev, ino_t ino, const char *path,
    char **found)
{
	struct link_entry *e;
	int rc = 0;
	size_t h;

	*found = NULL;
	(void)pthread_mutex_lock(&l->lock);
	/* Wait while another thread makes the first copy. */
	while ((e = links_lookup(l, dev, ino)) != NULL && !e->ready)
		(void)pthread_cond_wait(&l->done, &l->lock);
	if (e != NULL) {
		rc = (*found = strdup(e->path)) != NULL ? 1 : -1;
	} else if ((e = malloc(sizeof(*e))) == NULL ||
	    (e->path = strdup(path)) == NULL) {
		free(e);
		rc = -1;
	} else {
		e->dev = dev;
		e->ino = ino;
		e->ready = false;
		h = links_hash(l, dev, ino);
		e->next = l->slot[h];
		l->slot[h] = e;
		if (++l->count > l->nslot * 2)
			links_grow(l);
	}
	(void)pthread_mutex_unlock(&l->lock);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}

void
links_done(struct links *l, dev_t dev, ino_t ino, bool ok)
{
	struct link_entry **pp, *e;

	(void)pthread_mutex_lock(&l->lock);
	for (pp = &l->slot[links_hash(l, dev, ino)]; (e = *pp) != NULL;
	    pp = &e->next)
		if (e->dev == dev && e->ino == ino) {
			if (ok) {
				e->ready = true;
			} else {
				/* The next name of it makes the first copy. */
				*pp = e->next;
				free(e->path);
				free(e);
				l->count--;
			}
			break;
		}
	(void)pthread_cond_broadcast(&l->done);
	(void)pthread_mutex_unlock(&l->lock);
}
