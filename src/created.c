/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * created.c: the sets of created.h, as a hash table on (device, inode)
 * with chaining.  An entry is compared by its directory's identity and
 * its last component, not by the string the user typed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "created.h"

struct created_ent {
	struct created_ent *next;
	dev_t		 dev;		/* the key */
	ino_t		 ino;
	dev_t		 pdev;		/* the entry: its directory ... */
	ino_t		 pino;
	char		*label;		/* what the caller said of it, or NULL */
	char		 base[];	/* ... and its last component */
};

struct created {
	struct created_ent **slot;
	size_t		 nslot, count;
};

struct created *
created_new(void)
{
	struct created *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->nslot = 64;
	if ((c->slot = calloc(c->nslot, sizeof(*c->slot))) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
created_free(struct created *c)
{
	struct created_ent *e, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslot; i++)
		for (e = c->slot[i]; e != NULL; e = next) {
			next = e->next;
			free(e->label);
			free(e);
		}
	free(c->slot);
	free(c);
}

static size_t
created_hash(dev_t dev, ino_t ino, size_t n)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)(h ^ (h >> 29)) & (n - 1);
}

int
created_entry(int dirfd, const char *name, const char **base, size_t *len,
    struct stat *dir)
{
	size_t n = strlen(name);
	const char *b;
	char *d;
	int rc;

	while (n > 1 && name[n - 1] == '/')
		n--;
	for (b = name + n; b > name && b[-1] != '/'; b--)
		;
	*base = b;
	*len = (size_t)(name + n - b);
	if (b == name)
		return fstatat(dirfd, ".", dir, 0);
	/* The directory's name without its trailing slashes ("/" stays),
	 * which would make the last component followed. */
	for (n = (size_t)(b - name); n > 1 && name[n - 1] == '/'; n--)
		;
	if ((d = strndup(name, n)) == NULL)
		return -1;
	rc = fstatat(dirfd, d, dir, AT_SYMLINK_NOFOLLOW);
	free(d);
	return rc;
}

static void
created_grow(struct created *c)
{
	struct created_ent **slot, *e, *next;
	size_t i, n = c->nslot * 2, h;

	if ((slot = calloc(n, sizeof(*slot))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < c->nslot; i++)
		for (e = c->slot[i]; e != NULL; e = next) {
			next = e->next;
			h = created_hash(e->dev, e->ino, n);
			e->next = slot[h];
			slot[h] = e;
		}
	free(c->slot);
	c->slot = slot;
	c->nslot = n;
}

int
created_add(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name)
{
	return created_add_label(c, dev, ino, dirfd, name, NULL);
}

const char *
created_label(const struct created *c, dev_t dev, ino_t ino)
{
	const struct created_ent *e;

	if (c == NULL)
		return NULL;
	for (e = c->slot[created_hash(dev, ino, c->nslot)]; e != NULL;
	    e = e->next)
		if (e->dev == dev && e->ino == ino && e->label != NULL)
			return e->label;
	return NULL;
}

int
created_add_label(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name, const char *label)
{
	struct created_ent *e;
	struct stat dir;
	const char *base;
	size_t len, h;

	if (created_entry(dirfd, name, &base, &len, &dir) == -1)
		return -1;
	if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
		return -1;
	e->label = NULL;
	if (label != NULL && (e->label = strdup(label)) == NULL) {
		free(e);
		return -1;
	}
	e->dev = dev;
	e->ino = ino;
	e->pdev = dir.st_dev;
	e->pino = dir.st_ino;
	memcpy(e->base, base, len);
	e->base[len] = '\0';
	if (c->count >= c->nslot)
		created_grow(c);
	h = created_hash(dev, ino, c->nslot);
	e->next = c->slot[h];
	c->slot[h] = e;
	c->count++;
	return 0;
}

void
created_forget(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name)
{
	struct created_ent **pe, *e;
	struct stat dir;
	const char *base;
	size_t len;

	if (c == NULL || created_entry(dirfd, name, &base, &len, &dir) == -1)
		return;
	for (pe = &c->slot[created_hash(dev, ino, c->nslot)]; (e = *pe) !=
	    NULL; pe = &e->next)
		if (e->dev == dev && e->ino == ino && e->pdev == dir.st_dev &&
		    e->pino == dir.st_ino && strlen(e->base) == len &&
		    memcmp(e->base, base, len) == 0) {
			*pe = e->next;
			free(e->label);
			free(e);
			c->count--;
			return;
		}
}

int
created_find(const struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name, bool *other)
{
	const struct created_ent *e;
	struct stat dir;
	const char *base;
	size_t len;
	bool known = false;

	if (other != NULL)
		*other = false;
	if (c == NULL)
		return 0;
	for (e = c->slot[created_hash(dev, ino, c->nslot)]; e != NULL;
	    e = e->next)
		if (e->dev == dev && e->ino == ino)
			break;
	if (e == NULL || created_entry(dirfd, name, &base, &len, &dir) == -1)
		return 0;
	for (; e != NULL; e = e->next) {
		if (e->dev != dev || e->ino != ino)
			continue;
		if (e->pdev == dir.st_dev && e->pino == dir.st_ino &&
		    strlen(e->base) == len && memcmp(e->base, base, len) == 0)
			return 1;
		known = true;
	}
	if (other != NULL)
		*other = known;
	return 0;
}
