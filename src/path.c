/*
 * path.c: paths as chains of names, rendered on demand into per-thread
 * buffers, so that -v lines and messages show whole paths of any length
 * while the walk keeps only one name per level.
 */
#include "config.h"

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define PATH_RING	8

static __thread struct {
	char	*p;
	size_t	 cap;
} path_ring[PATH_RING];
static __thread unsigned path_next;

/* True if a name joined after s needs no slash of its own. */
static int
path_ends_in_slash(const struct path *p)
{
	size_t n = strlen(p->name);

	return n > 0 && p->name[n - 1] == '/';
}

void
path_init(struct path *p, const struct path *up, const char *name)
{
	p->up = up;
	p->name = name;
	p->len = strlen(name);
	if (up != NULL)
		p->len += up->len + (path_ends_in_slash(up) ? 0 : 1);
}

/* Writes p into buf, which has room for p->len + 1 bytes. */
static void
path_write(const struct path *p, char *buf)
{
	size_t n;

	buf[p->len] = '\0';
	for (; p != NULL; p = p->up) {
		n = strlen(p->name);
		memcpy(buf + p->len - n, p->name, n);
		if (p->up != NULL && !path_ends_in_slash(p->up))
			buf[p->len - n - 1] = '/';
	}
}

const char *
path_str(const struct path *p)
{
	unsigned i = path_next = (path_next + 1) % PATH_RING;
	char *np;

	if (path_ring[i].cap < p->len + 1) {
		if ((np = realloc(path_ring[i].p, p->len + 1)) == NULL)
			err(1, NULL);
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
		err(1, NULL);
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
