/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.c: a map (inomap.h) from a source file's device and inode to the
 * path of its first copy, so later names of the same file become hard
 * links to it.  One mutex: lookups are rare (only files with st_nlink > 1)
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "inomap.h"
#include "links.h"

struct link_entry {
	struct inomap_node node;
	bool		 ready;		/* the first copy exists */
	char		 path[];
};

struct links {
	pthread_mutex_t	 lock;
	pthread_cond_t	 done;		/* some first copy became ready */
	struct inomap	 map;
};

struct links *
links_new(void)
{
	struct links *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((errno = pthread_mutex_init(&l->lock, NULL)) != 0) {
		free(l);
		return NULL;
	}
	if ((errno = pthread_cond_init(&l->done, NULL)) != 0) {
		(void)pthread_mutex_destroy(&l->lock);
		free(l);
		return NULL;
	}
	return l;
}

static void
links_drop(struct inomap_node *n)
{
	free(INOMAP_ENTRY(n, struct link_entry, node));
}

void
links_free(struct links *l)
{
	if (l == NULL)
		return;
	inomap_free(&l->map, links_drop);
	(void)pthread_cond_destroy(&l->done);
	(void)pthread_mutex_destroy(&l->lock);
	free(l);
}

static struct link_entry *
links_lookup(struct links *l, dev_t dev, ino_t ino)
{
	struct inomap_node *n = inomap_find(&l->map, dev, ino);

	return n == NULL ? NULL : INOMAP_ENTRY(n, struct link_entry, node);
}

int
links_find_or_add(struct links *l, dev_t dev, ino_t ino, const char *path,
    char **found)
{
	struct link_entry *e;
	size_t len;
	int rc = 0;

	*found = NULL;
	(void)pthread_mutex_lock(&l->lock);
	/* Wait while another thread makes the first copy. */
	while ((e = links_lookup(l, dev, ino)) != NULL && !e->ready)
		(void)pthread_cond_wait(&l->done, &l->lock);
	if (e != NULL) {
		rc = (*found = strdup(e->path)) != NULL ? 1 : -1;
	} else if ((e = malloc(sizeof(*e) + (len = strlen(path)) + 1)) ==
	    NULL) {
		rc = -1;
	} else {
		e->ready = false;
		memcpy(e->path, path, len + 1);
		inomap_add(&l->map, &e->node, dev, ino);
	}
	(void)pthread_mutex_unlock(&l->lock);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}

void
links_done(struct links *l, dev_t dev, ino_t ino, bool ok)
{
	struct link_entry *e;

	(void)pthread_mutex_lock(&l->lock);
	if ((e = links_lookup(l, dev, ino)) != NULL) {
		if (ok) {
			e->ready = true;
		} else {
			/* The next name of it makes the first copy. */
			inomap_remove(&l->map, &e->node);
			free(e);
		}
	}
	(void)pthread_cond_broadcast(&l->done);
	(void)pthread_mutex_unlock(&l->lock);
}
