/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * xattr.c: extended attributes, copied name by name.  POSIX ACLs live in
 * the system.posix_acl_access and system.posix_acl_default attributes;
 * cp copies them with the permissions (--preserve=mode), not with the
 * other attributes, and so does this file.  SELinux labels are not
 * copied (zcp has no --context).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "xattr.h"

static bool
xattr_is_acl(const char *name)
{
	return strcmp(name, "system.posix_acl_access") == 0 ||
	    strcmp(name, "system.posix_acl_default") == 0 ||
	    strcmp(name, "system.nfs4_acl") == 0;
}

static bool
xattr_wanted(const char *name, enum xattr_set set)
{
	if (strcmp(name, "security.selinux") == 0)
		return false;
	return set == XATTR_ACL ? xattr_is_acl(name) : !xattr_is_acl(name);
}

static ssize_t
xattr_list(const struct xattr_end *e, char *buf, size_t len)
{
	return e->fd >= 0 ? flistxattr(e->fd, buf, len) :
	    llistxattr(e->path, buf, len);
}

static ssize_t
xattr_get(const struct xattr_end *e, const char *name, void *buf, size_t len)
{
	return e->fd >= 0 ? fgetxattr(e->fd, name, buf, len) :
	    lgetxattr(e->path, name, buf, len);
}

static int
xattr_set(const struct xattr_end *e, const char *name, const void *v,
    size_t len)
{
	return e->fd >= 0 ? fsetxattr(e->fd, name, v, len, 0) :
	    lsetxattr(e->path, name, v, len, 0);
}

/* Returns the malloc'd list of src's names (length in *len), or NULL. */
static char *
xattr_names(const struct xattr_end *src, ssize_t *len)
{
	char *names = NULL, *p;
	ssize_t n;

	for (;;) {
		if ((n = xattr_list(src, NULL, 0)) <= 0) {
			*len = n;
			return NULL;
		}
		if ((p = realloc(names, (size_t)n)) == NULL) {
			free(names);
			*len = -1;
			return NULL;
		}
		names = p;
		if ((*len = xattr_list(src, names, (size_t)n)) >= 0)
			return names;
		if (errno != ERANGE) {
			free(names);
			return NULL;
		}
	}
}

/* Copies one attribute.  0, or -1 with errno and *what. */
static int
xattr_one(const struct xattr_end *src, const struct xattr_end *dst,
    const char *name, const char **what)
{
	ssize_t n, m;
	char *v;

	*what = "getting";
	if ((n = xattr_get(src, name, NULL, 0)) < 0)
		return errno == ENODATA ? 0 : -1;
	if ((v = malloc((size_t)n + 1)) == NULL)
		return -1;
	if ((m = xattr_get(src, name, v, (size_t)n)) < 0) {
		free(v);
		return errno == ENODATA ? 0 : -1;
	}
	*what = "setting";
	n = xattr_set(dst, name, v, (size_t)m);
	free(v);
	return n == -1 ? -1 : 0;
}

int
xattr_copy(const struct xattr_end *src, const struct xattr_end *dst,
    enum xattr_set set, const char **what)
{
	const char *w, *failed = "setting";
	char *names, *name;
	ssize_t len;
	int rc = 0, saved = 0;

	*what = "getting";
	if ((names = xattr_names(src, &len)) == NULL) {
		if (len == 0 || errno == ENOTSUP || errno == ENODATA)
			return 0;	/* nothing to copy */
		return -1;
	}
	for (name = names; name < names + len; name += strlen(name) + 1) {
		if (!xattr_wanted(name, set))
			continue;
		if (xattr_one(src, dst, name, &w) == -1 && rc == 0) {
			rc = -1;
			saved = errno;
			failed = w;
		}
	}
	free(names);
	*what = failed;
	errno = saved;
	return rc;
}
