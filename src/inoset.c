/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inoset.c: an open-addressing hash set of (device, inode) pairs behind
 * one mutex.  It holds directories, which are few next to the files a
 * tree holds, and is looked up once per source directory.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "inoset.h"

struct ino_key {
	dev_t		 dev;
	ino_t		 ino;
	bool		 used;
};

struct inoset {
	pthread_mutex_t	 lock;
	struct ino_key	*slot;
	size_t		 nslot;		/* a power of two */
	size_t		 count;
};

static size_t
inoset_hash(dev_t dev, ino_t ino, size_t nslot)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	h ^= h >> 29;
	return (size_t)h & (nslot - 1);
}

/* Puts (dev, ino) in slot, which has room.  True if it was not there. */
static bool
inoset_put(struct ino_key *slot, size_t nslot, dev_t dev, ino_t ino)
{
	size_t i = inoset_hash(dev, ino, nslot);

	while (slot[i].used) {
		if (slot[i].dev == dev && slot[i].ino == ino)
			return false;
		i = (i + 1) & (nslot - 1);
	}
	slot[i].used = true;
	slot[i].dev = dev;
	slot[i].ino = ino;
	return true;
}

struct inoset *
inoset_new(void)
{
	struct inoset *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->nslot = 64;
	if ((s->slot = calloc(s->nslot, sizeof(*s->slot))) == NULL) {
		free(s);
		return NULL;
	}
	if ((errno = pthread_mutex_init(&s->lock, NULL)) != 0) {
		free(s->slot);
		free(s);
		return NULL;
	}
	return s;
}

void
inoset_free(struct inoset *s)
{
	if (s == NULL)
		return;
	(void)pthread_mutex_destroy(&s->lock);
	free(s->slot);
	free(s);
}

/* Doubles the table (the lock held).  0, or -1 with errno ENOMEM. */
static int
inoset_grow(struct inoset *s)
{
	struct ino_key *n;
	size_t i, nn = s->nslot * 2;

	if (nn < s->nslot || (n = calloc(nn, sizeof(*n))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < s->nslot; i++)
		if (s->slot[i].used)
			(void)inoset_put(n, nn, s->slot[i].dev, s->slot[i].ino);
	free(s->slot);
	s->slot = n;
	s->nslot = nn;
	return 0;
}

int
inoset_add(struct inoset *s, dev_t dev, ino_t ino)
{
	int rc = 0;

	(void)pthread_mutex_lock(&s->lock);
	/* At most half full: probes stay short. */
	if ((s->count + 1) * 2 > s->nslot && inoset_grow(s) == -1)
		rc = -1;
	else if (inoset_put(s->slot, s->nslot, dev, ino))
		s->count++;
	(void)pthread_mutex_unlock(&s->lock);
	return rc;
}

bool
inoset_has(struct inoset *s, dev_t dev, ino_t ino)
{
	size_t i;
	bool found = false;

	(void)pthread_mutex_lock(&s->lock);
	for (i = inoset_hash(dev, ino, s->nslot); s->slot[i].used;
	    i = (i + 1) & (s->nslot - 1))
		if (s->slot[i].dev == dev && s->slot[i].ino == ino) {
			found = true;
			break;
		}
	(void)pthread_mutex_unlock(&s->lock);
	return found;
}
