/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inoset.c: a set of (device, inode) pairs (an inomap.h map) behind one
 * mutex.  It holds directories, which are few next to the files a tree
 * holds, and is looked up once per source directory.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "inomap.h"
#include "inoset.h"

struct inoset {
	pthread_mutex_t	 lock;
	struct inomap	 map;
};

struct inoset *
inoset_new(void)
{
	struct inoset *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((errno = pthread_mutex_init(&s->lock, NULL)) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void
inoset_drop(struct inomap_node *n)
{
	free(n);
}

void
inoset_free(struct inoset *s)
{
	if (s == NULL)
		return;
	inomap_free(&s->map, inoset_drop);
	(void)pthread_mutex_destroy(&s->lock);
	free(s);
}

int
inoset_add(struct inoset *s, dev_t dev, ino_t ino)
{
	struct inomap_node *n;
	int rc = 0;

	(void)pthread_mutex_lock(&s->lock);
	if (inomap_find(&s->map, dev, ino) == NULL) {
		if ((n = malloc(sizeof(*n))) != NULL)
			inomap_add(&s->map, n, dev, ino);
		else
			rc = -1;
	}
	(void)pthread_mutex_unlock(&s->lock);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}

bool
inoset_has(struct inoset *s, dev_t dev, ino_t ino)
{
	bool found;

	(void)pthread_mutex_lock(&s->lock);
	found = inomap_find(&s->map, dev, ino) != NULL;
	(void)pthread_mutex_unlock(&s->lock);
	return found;
}
