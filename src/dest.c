/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dest.c: what to do with an existing destination, as GNU cp does: refuse
 * the source itself and a directory, honour -n, -u/--update, -i, make
 * the backup (-b, --backup, -S), remove it for --remove-destination or
 * when a link or special file must replace it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "dest.h"
#include "quote.h"

int
dest_remove(const struct file_ref *dst, struct file_record *rec)
{
	if (unlinkat(dst->dirfd, dst->name, 0) == 0 || errno == ENOENT)
		return 0;
	record_fail(rec, errno, "cannot remove %s", quote(path_str(dst->path)));
	return -1;
}

/* -i: asks on stderr, reads one line of stdin.  True for yes. */
static bool
dest_ask(const char *path)
{
	char line[128];
	bool yes;

	fprintf(stderr, "%s: overwrite %s? ", getprogname(), quote(path));
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	yes = line[0] == 'y' || line[0] == 'Y';
	/* Swallow the rest of a long answer. */
	while (strchr(line, '\n') == NULL &&
	    fgets(line, sizeof(line), stdin) != NULL)
		;
	return yes;
}

static bool
dest_newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* The highest N of NAME.~N~ in dirfd, or 0 if there is none. */
static unsigned long
dest_highest(int dirfd, const char *name)
{
	size_t len = strlen(name);
	unsigned long n, best = 0;
	struct dirent *de;
	char *end;
	DIR *d;
	int fd;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, name, len) != 0 ||
		    strncmp(de->d_name + len, ".~", 2) != 0)
			continue;
		n = strtoul(de->d_name + len + 2, &end, 10);
		if (end != de->d_name + len + 2 && strcmp(end, "~") == 0 &&
		    n > best)
			best = n;
	}
	(void)closedir(d);
	return best;
}

/* The backup's name for dst, relative to dst->dirfd (malloc'd). */
static char *
dest_backup_name(const struct options *o, const struct file_ref *dst)
{
	const char *slash = strrchr(dst->name, '/');
	unsigned long n = 0;
	char *dir = NULL, *p;
	int dfd = dst->dirfd;
	enum backup_mode m = o->backup;

	if (m != BACKUP_SIMPLE) {
		if (slash != NULL) {
			dir = strndup(dst->name, (size_t)(slash - dst->name) +
			    1);
			dfd = dir == NULL ? -1 : openat(dst->dirfd, dir,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		n = dfd == -1 ? 0 : dest_highest(dfd, slash ? slash + 1 :
		    dst->name);
		if (slash != NULL && dfd != -1)
			(void)close(dfd);
		free(dir);
		if (m == BACKUP_EXISTING && n == 0)
			m = BACKUP_SIMPLE;
	}
	if (m == BACKUP_SIMPLE) {
		if (asprintf(&p, "%s%s", dst->name, o->suffix) == -1)
			return NULL;
	} else if (asprintf(&p, "%s.~%lu~", dst->name, n + 1) == -1)
		return NULL;
	return p;
}

/* Renames dst to its backup name.  Returns 0 or -1 (rec filled). */
static int
dest_backup(const struct options *o, const struct file_ref *dst,
    struct file_record *rec)
{
	const char *dpath = path_str(dst->path);
	char *name = dest_backup_name(o, dst), *shown;
	size_t dl = strlen(dpath), nl = strlen(dst->name);

	if (name == NULL) {
		record_fail(rec, ENOMEM, "cannot backup %s", quote(path_str(dst->path)));
		return -1;
	}
	if (renameat(dst->dirfd, dst->name, dst->dirfd, name) == -1) {
		record_fail(rec, errno, "cannot backup %s", quote(path_str(dst->path)));
		free(name);
		return -1;
	}
	/* Shown as the destination's path with the new last part. */
	if (asprintf(&shown, "%.*s%s", (int)(dl - nl), dpath, name) == -1)
		shown = NULL;
	free(name);
	free(rec->backup);
	rec->backup = shown;
	return 0;
}

/* Looks at dst.  Returns 1 if it exists, 0 if not, -1 on failure. */
static int
dest_stat(const struct options *o, const struct file_ref *dst,
    enum dest_how how, struct stat *st, struct file_record *rec)
{
	struct stat target;

	if (dst->fresh)
		return 0;
	if (fstatat(dst->dirfd, dst->name, st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		record_fail(rec, errno, "cannot stat %s", quote(path_str(dst->path)));
		return -1;
	}
	if (!S_ISLNK(st->st_mode) || how != DEST_WRITE || o->remove_dest)
		return 1;
	/* Writing to a symlink writes to its target, if there is one. */
	if (fstatat(dst->dirfd, dst->name, &target, 0) == 0) {
		*st = target;
		return 1;
	}
	if (errno == ENOENT && o->backup == BACKUP_NONE) {
		record_fail(rec, 0, "not writing through dangling symlink %s",
		    quote(path_str(dst->path)));
		return -1;
	}
	return 1;
}

/* The last component of a name, without trailing slashes. */
static size_t
dest_base(const char *name, const char **base)
{
	size_t n = strlen(name);
	const char *b;

	while (n > 1 && name[n - 1] == '/')
		n--;
	for (b = name + n; b > name && b[-1] != '/'; b--)
		;
	*base = b;
	return (size_t)(name + n - b);
}

/* Stats the directory that holds r's name. */
static int
dest_parent(const struct file_ref *r, struct stat *st)
{
	const char *b;
	char *dir;
	int rc;

	(void)dest_base(r->name, &b);
	if (b == r->name)
		return fstatat(r->dirfd, ".", st, 0);
	if ((dir = strndup(r->name, (size_t)(b - r->name))) == NULL)
		return -1;
	rc = fstatat(r->dirfd, dir, st, 0);
	free(dir);
	return rc;
}

/* True if src and dst are the same name in the same directory. */
static bool
dest_same_name(const struct file_ref *src, const struct file_ref *dst)
{
	const char *a, *b;
	size_t la = dest_base(src->name, &a), lb = dest_base(dst->name, &b);
	struct stat sa, sb;

	return la == lb && memcmp(a, b, la) == 0 && dest_parent(src, &sa) ==
	    0 && dest_parent(dst, &sb) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino;
}

/*
 * True if copying src onto dst would destroy src, as cp decides: the same
 * inode (unless it is another name of it, which --remove-destination or a
 * backup keeps), or a symbolic link that would replace its own target.
 */
static bool
dest_is_source(const struct options *o, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct stat *dst_st, enum dest_how how)
{
	struct stat target;

	if (sst->st_dev == dst_st->st_dev && sst->st_ino == dst_st->st_ino)
		return !((o->remove_dest || o->backup != BACKUP_NONE) &&
		    S_ISREG(sst->st_mode) && !dest_same_name(src, dst));
	return how != DEST_WRITE && S_ISLNK(sst->st_mode) &&
	    !o->sym_link && !o->hard_link &&
	    fstatat(src->dirfd, src->name, &target, 0) == 0 &&
	    target.st_dev == dst_st->st_dev && target.st_ino == dst_st->st_ino;
}

static int
dest_policy(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct stat *dst_st, enum dest_how how, struct file_record *rec)
{
	const struct options *o = ctx->opts;

	if (dest_is_source(o, src, sst, dst, dst_st, how)) {
		record_fail(rec, 0, "%s and %s are the same file",
		    quote(path_str(src->path)), quote(path_str(dst->path)));
		return -1;
	}
	if (S_ISDIR(dst_st->st_mode)) {
		record_fail(rec, 0,
		    "cannot overwrite directory %s with non-directory",
		    quote(path_str(dst->path)));
		return -1;
	}
	if (o->interactive == INTERACTIVE_ALWAYS_NO ||
	    o->update == UPDATE_NONE)
		return 0;
	if (o->update == UPDATE_OLDER &&
	    !dest_newer(&sst->st_mtim, &dst_st->st_mtim))
		return 0;
	if (o->interactive == INTERACTIVE_ASK && !dest_ask(path_str(dst->path)))
		return 0;
	return 1;
}

int
dest_prepare(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst, enum dest_how how,
    bool *exists, struct stat *dst_st, struct file_record *rec)
{
	const struct options *o = ctx->opts;
	int r;

	*exists = false;
	if ((r = dest_stat(o, dst, how, dst_st, rec)) <= 0) {
		rec->began = r == 0;
		return r == 0 ? 1 : -1;
	}
	if ((r = dest_policy(ctx, src, sst, dst, dst_st, how, rec)) <= 0) {
		if (r == 0)
			rec->status = FILE_SKIPPED;
		return r;
	}
	rec->began = true;
	if (o->backup != BACKUP_NONE) {
		if (dest_backup(o, dst, rec) == -1)
			return -1;
		return 1;
	}
	if (how == DEST_REPLACE || o->remove_dest) {
		if (how == DEST_LINK)
			*exists = false;
		if (dest_remove(dst, rec) == -1)
			return -1;
		rec->removed = o->remove_dest;
		return 1;
	}
	*exists = true;
	return 1;
}

int
dest_link(const struct options *o, const struct file_ref *dst,
    struct file_record *rec, int (*make)(const void *, const struct
    file_ref *), const void *arg)
{
	if (make(arg, dst) == 0)
		return 0;
	if (errno != EEXIST || !o->unlink_failed)
		return -1;
	if (dest_remove(dst, rec) == -1)
		return -2;
	return make(arg, dst);
}
