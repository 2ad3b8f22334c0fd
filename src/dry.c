/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dry.c: the world a --dry-run imagines (dry.h): what it would have done
 * to the files that are there, by (device, inode), and the files its
 * operands would have made, by path.  Only files with other names are
 * remembered by inode: no one else sees what happens to the others.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dry.h"
#include "inomap.h"

/* What the run did to one file that is there. */
struct dry_file {
	struct inomap_node node;
	nlink_t		 unlinked;	/* names removed */
	bool		 written;	/* its data, and so mtime */
	struct timespec	 mtime;
};

/* A file an operand would have made. */
struct dry_made {
	struct dry_made	*next;		/* in its chain */
	char		*path;
	struct stat	 st;
};

#define DRY_SLOTS	1024

struct dry {
	pthread_mutex_t	 lock;
	struct inomap	 files;
	struct dry_made	*made[DRY_SLOTS];
	ino_t		 next_ino;	/* of the files made (device -1) */
};

struct dry *
dry_new(void)
{
	struct dry *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	(void)pthread_mutex_init(&d->lock, NULL);
	return d;
}

static void
dry_drop(struct inomap_node *n)
{
	free(INOMAP_ENTRY(n, struct dry_file, node));
}

void
dry_free(struct dry *d)
{
	struct dry_made *m, *next;
	size_t i;

	if (d == NULL)
		return;
	inomap_free(&d->files, dry_drop);
	for (i = 0; i < DRY_SLOTS; i++)
		for (m = d->made[i]; m != NULL; m = next) {
			next = m->next;
			free(m->path);
			free(m);
		}
	(void)pthread_mutex_destroy(&d->lock);
	free(d);
}

/* The entry of st, made if need be (lock held); NULL: none to keep. */
static struct dry_file *
dry_file(struct dry *d, const struct stat *st)
{
	struct inomap_node *n;
	struct dry_file *f;

	if ((n = inomap_find(&d->files, st->st_dev, st->st_ino)) != NULL)
		return INOMAP_ENTRY(n, struct dry_file, node);
	if (st->st_nlink < 2 || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	inomap_add(&d->files, &f->node, st->st_dev, st->st_ino);
	return f;
}

void
dry_unlinked(struct dry *d, const struct stat *st)
{
	struct dry_file *f;

	if (d == NULL)
		return;
	(void)pthread_mutex_lock(&d->lock);
	if ((f = dry_file(d, st)) != NULL)
		f->unlinked++;
	(void)pthread_mutex_unlock(&d->lock);
}

void
dry_written(struct dry *d, const struct stat *st, const struct timespec *mt)
{
	struct dry_file *f;

	if (d == NULL)
		return;
	(void)pthread_mutex_lock(&d->lock);
	if ((f = dry_file(d, st)) != NULL) {
		f->written = true;
		f->mtime = *mt;
	}
	(void)pthread_mutex_unlock(&d->lock);
}

void
dry_adjust(struct dry *d, struct stat *st)
{
	struct inomap_node *n;
	struct dry_file *f;

	if (d == NULL)
		return;
	(void)pthread_mutex_lock(&d->lock);
	if ((n = inomap_find(&d->files, st->st_dev, st->st_ino)) != NULL) {
		f = INOMAP_ENTRY(n, struct dry_file, node);
		st->st_nlink = st->st_nlink > f->unlinked ?
		    st->st_nlink - f->unlinked : 1;
		if (f->written)
			st->st_mtim = f->mtime;
	}
	(void)pthread_mutex_unlock(&d->lock);
}

/* FNV-1a of path, as a slot. */
static size_t
dry_slot(const char *path)
{
	uint32_t h = 2166136261u;

	for (; *path != '\0'; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	return h % DRY_SLOTS;
}

void
dry_made(struct dry *d, const char *path, struct stat *st, bool own)
{
	struct dry_made *m;
	size_t i = dry_slot(path);

	if (d == NULL || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	if ((m->path = strdup(path)) == NULL) {
		free(m);
		return;
	}
	(void)pthread_mutex_lock(&d->lock);
	if (own) {
		st->st_dev = DRY_DEV;
		st->st_ino = ++d->next_ino;
		st->st_nlink = 1;
	}
	m->st = *st;
	m->next = d->made[i];
	d->made[i] = m;
	(void)pthread_mutex_unlock(&d->lock);
}

bool
dry_find(struct dry *d, const char *path, struct stat *st)
{
	struct dry_made *m;
	bool found = false;

	if (d == NULL)
		return false;
	(void)pthread_mutex_lock(&d->lock);
	for (m = d->made[dry_slot(path)]; m != NULL && !found; m = m->next)
		if (strcmp(m->path, path) == 0) {
			*st = m->st;
			found = true;
		}
	(void)pthread_mutex_unlock(&d->lock);
	return found;
}
