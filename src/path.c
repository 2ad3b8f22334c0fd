/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * path.c: paths as chains of names, rendered on demand into per-thread
 * buffers, so that -v lines and messages show whole paths of any length
 * while the walk keeps only one name per level.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define PATH_RING	8

static __thread struct {
	char	*p;
	size_t	 cap;
} path_ring[PATH_RING];
static __thread unsigned path_next;
/* Out of memory, paths up to PATH_MAX still come whole, from these. */
static __thread char path_spare[2][PATH_MAX];
static __thread unsigned path_spare_next;

/* Length of name without trailing slashes ("/" stays "/"). */
static size_t
path_trim(const char *name, size_t n)
{
	while (n > 1 && name[n - 1] == '/')
		n--;
	return n;
}

void
path_init(struct path *p, const struct path *up, const char *name)
{
	size_t n = strlen(name);

	p->up = up;
	p->name = name;
	p->len = n;
	if (up != NULL)
		p->len += up->tlen + (up->tlen > 0 && up->name[0] == '/' &&
		    path_trim(up->name, strlen(up->name)) == 1 &&
		    up->up == NULL ? 0 : 1);
	p->tlen = p->len - (n - path_trim(name, n));
}

/* Writes p (trimmed if trim) at buf; returns the length written. */
static size_t
path_put(const struct path *p, char *buf, int trim)
{
	size_t off = 0, n = strlen(p->name);

	if (p->up != NULL) {
		off = path_put(p->up, buf, 1);
		if (off == 0 || buf[off - 1] != '/')
			buf[off++] = '/';
	}
	if (trim)
		n = path_trim(p->name, n);
	memcpy(buf + off, p->name, n);
	return off + n;
}

static void
path_write(const struct path *p, char *buf)
{
	buf[path_put(p, buf, 0)] = '\0';
}

const char *
path_str(const struct path *p)
{
	unsigned i = path_next = (path_next + 1) % PATH_RING;
	int e = errno;		/* kept, as quote() keeps it */
	char *np;

	if (path_ring[i].cap < p->len + 1) {
		/* Out of memory: the last component still says something. */
		if ((np = realloc(path_ring[i].p, p->len + 1)) == NULL) {
			errno = e;
			if (p->len >= PATH_MAX)
				return p->name;
			path_spare_next ^= 1;
			path_write(p, path_spare[path_spare_next]);
			return path_spare[path_spare_next];
		}
		path_ring[i].p = np;
		path_ring[i].cap = p->len + 1;
	}
	path_write(p, path_ring[i].p);
	return path_ring[i].p;
}

char *
path_dup(const struct path *p)
{
	char *s;

	if ((s = malloc(p->len + 1)) == NULL)
		return NULL;
	path_write(p, s);
	return s;
}

void
path_thread_free(void)
{
	unsigned i;

	for (i = 0; i < PATH_RING; i++) {
		free(path_ring[i].p);
		path_ring[i].p = NULL;
		path_ring[i].cap = 0;
	}
}
