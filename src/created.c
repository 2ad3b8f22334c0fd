/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * created.c: the sets of created.h, as an inomap.h map on (device,
 * inode).  An entry is compared by its directory's identity and its last
 * component, not by the string the user typed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "created.h"
#include "inomap.h"

struct created_ent {
	struct inomap_node node;	/* under the key */
	dev_t		 pdev;		/* the entry: its directory ... */
	ino_t		 pino;
	char		*label;		/* what the caller said of it, or NULL */
	char		 base[];	/* ... and its last component */
};

struct created {
	struct inomap	 map;
};

#define CREATED_ENT(n)	INOMAP_ENTRY(n, struct created_ent, node)

struct created *
created_new(void)
{
	return calloc(1, sizeof(struct created));
}

static void
created_drop(struct inomap_node *n)
{
	struct created_ent *e = CREATED_ENT(n);

	free(e->label);
	free(e);
}

void
created_free(struct created *c)
{
	if (c == NULL)
		return;
	inomap_free(&c->map, created_drop);
	free(c);
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

int
created_add(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name)
{
	return created_add_label(c, dev, ino, dirfd, name, NULL);
}

const char *
created_label(const struct created *c, dev_t dev, ino_t ino)
{
	const struct inomap_node *n;

	if (c == NULL)
		return NULL;
	for (n = inomap_find(&c->map, dev, ino); n != NULL;
	    n = inomap_find_next(n))
		if (CREATED_ENT(n)->label != NULL)
			return CREATED_ENT(n)->label;
	return NULL;
}

int
created_add_label(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name, const char *label)
{
	struct created_ent *e;
	struct stat dir;
	const char *base;
	size_t len;

	if (created_entry(dirfd, name, &base, &len, &dir) == -1)
		return -1;
	if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
		return -1;
	e->label = NULL;
	if (label != NULL && (e->label = strdup(label)) == NULL) {
		free(e);
		return -1;
	}
	e->pdev = dir.st_dev;
	e->pino = dir.st_ino;
	memcpy(e->base, base, len);
	e->base[len] = '\0';
	inomap_add(&c->map, &e->node, dev, ino);
	return 0;
}

/* True if e is the entry of the last component base (len bytes) in dir. */
static bool
created_is(const struct created_ent *e, const struct stat *dir,
    const char *base, size_t len)
{
	return e->pdev == dir->st_dev && e->pino == dir->st_ino &&
	    strlen(e->base) == len && memcmp(e->base, base, len) == 0;
}

void
created_forget(struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name)
{
	struct inomap_node *n;
	struct stat dir;
	const char *base;
	size_t len;

	if (c == NULL || created_entry(dirfd, name, &base, &len, &dir) == -1)
		return;
	for (n = inomap_find(&c->map, dev, ino); n != NULL;
	    n = inomap_find_next(n))
		if (created_is(CREATED_ENT(n), &dir, base, len)) {
			inomap_remove(&c->map, n);
			created_drop(n);
			return;
		}
}

int
created_find(const struct created *c, dev_t dev, ino_t ino, int dirfd,
    const char *name, bool *other)
{
	const struct inomap_node *n;
	struct stat dir;
	const char *base;
	size_t len;
	bool known = false;

	if (other != NULL)
		*other = false;
	if (c == NULL || (n = inomap_find(&c->map, dev, ino)) == NULL ||
	    created_entry(dirfd, name, &base, &len, &dir) == -1)
		return 0;
	for (; n != NULL; n = inomap_find_next(n)) {
		if (created_is(CREATED_ENT(n), &dir, base, len))
			return 1;
		known = true;
	}
	if (other != NULL)
		*other = known;
	return 0;
}
