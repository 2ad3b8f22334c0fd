/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dest.c: an existing destination, as GNU cp 9.1 treats it (copy.c's
 * copy_internal, same_file_ok and copy_reg, read and tested against
 * /bin/cp): the same-file rules, -u, -n and -i, the destinations this
 * run created, directories, the backup (-b, --backup, -S) or removal of
 * the old file; then opening the destination for data, or putting a
 * link in its place.  Each rule exists because it once lost someone's
 * data; the order of the checks is cp's, since it decides the message.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "compat.h"
#include "dest.h"
#include "quote.h"

#define SAME_INODE(a, b) ((a).st_dev == (b).st_dev && (a).st_ino == (b).st_ino)

enum deref_mode
dest_deref(const struct options *o, const struct file_ref *src)
{
	/* -H: cp follows operands, and copies the links found below. */
	if (o->deref == DEREF_ARGS)
		return src->operand ? DEREF_ARGS : DEREF_NEVER;
	return o->deref;
}

/*
 * --remove-destination: unlink before making.  (cp 9.1 does not do so
 * for -f with -l or -s: the link replaces the old file in one step.)
 */
static bool
dest_unlink_first(const struct options *o)
{
	return o->remove_dest;
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

/*
 * Stats the directory that holds r's name, as gnulib's same_name does:
 * without following a symbolic link there (a/l/f and a/b/f are not one
 * entry even if a/l leads to a/b).
 */
static int
dest_parent(const struct file_ref *r, struct stat *st)
{
	const char *b;
	char *dir;
	size_t n;
	int rc;

	(void)dest_base(r->name, &b);
	if (b == r->name)
		return fstatat(r->dirfd, ".", st, 0);
	/* Without trailing slashes, which would make it followed. */
	for (n = (size_t)(b - r->name); n > 1 && r->name[n - 1] == '/'; n--)
		;
	if ((dir = strndup(r->name, n)) == NULL)
		return -1;
	rc = fstatat(r->dirfd, dir, st, AT_SYMLINK_NOFOLLOW);
	free(dir);
	return rc;
}

/* True if a and b are the same directory entry (gnulib's same_name). */
static bool
dest_same_name(const struct file_ref *a, const struct file_ref *b)
{
	const char *x, *y;
	size_t lx = dest_base(a->name, &x), ly = dest_base(b->name, &y);
	struct stat sa, sb;

	return lx == ly && memcmp(x, y, lx) == 0 && dest_parent(a, &sa) ==
	    0 && dest_parent(b, &sb) == 0 && SAME_INODE(sa, sb);
}

/*
 * The last part of cp's same-file rule: when neither end was followed
 * (-P), they are one file if both lead to the same inode.
 */
static bool
dest_same_target(const struct options *o, const struct file_ref *src,
    const struct stat *s, const struct file_ref *dst, const struct stat *d,
    bool *now)
{
	struct stat ts = *s, td = *d;

	if (S_ISLNK(s->st_mode) && fstatat(src->dirfd, src->name, &ts, 0))
		return true;
	if (S_ISLNK(d->st_mode) && fstatat(dst->dirfd, dst->name, &td, 0))
		return true;
	if (!SAME_INODE(ts, td))
		return true;
	if (o->hard_link) {
		/* Linking a file to itself: done, unless a link goes. */
		*now = !S_ISLNK(d->st_mode);
		return true;
	}
	return false;
}

/*
 * The rest of dest_same_ok(), once s and d are the stats of the entries
 * themselves (not followed), same_link whether they are one inode, and
 * never whether src is not followed: the backup, --remove-destination,
 * -l and -s rules, then the links' targets.
 */
static bool
dest_same_links(const struct options *o, const struct file_ref *src,
    const struct stat *s, const struct file_ref *dst, const struct stat *d,
    bool same_link, bool never, bool *now)
{
	/* A backup keeps a copy, unless it would rename the source. */
	if (o->backup != BACKUP_NONE) {
		if (!same_link)
			return never || !S_ISLNK(s->st_mode) ||
			    S_ISLNK(d->st_mode);
		return !dest_same_name(src, dst);
	}
	if (dest_unlink_first(o)) {
		if (S_ISLNK(d->st_mode))
			return true;
		if (same_link && d->st_nlink > 1 && !dest_same_name(src, dst))
			return true;
	}
	if (!S_ISLNK(s->st_mode) && !S_ISLNK(d->st_mode)) {
		if (!SAME_INODE(*s, *d))
			return true;
		if (o->hard_link) {
			*now = true;
			return true;
		}
	}
	if (o->sym_link && S_ISLNK(d->st_mode))
		return true;	/* a link made again */
	return never && dest_same_target(o, src, s, dst, d, now);
}

/*
 * Whether copying src onto dst is safe although they may be one file,
 * GNU cp's same_file_ok(): the goal is that a copy never removes both.
 * sst and dst_st are the stats as dest_check() made them (followed or
 * not).  Sets *now when there is nothing left to do.
 */
static bool
dest_same_ok(const struct options *o, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct stat *dst_st, bool *now)
{
	const struct stat *s = sst, *d = dst_st;
	struct stat sl, dl;
	bool same = SAME_INODE(*sst, *dst_st), same_link;
	bool never = dest_deref(o, src) == DEREF_NEVER;

	*now = false;
	if (same && o->hard_link) {
		*now = true;
		return true;
	}
	if (never) {
		same_link = same;
		/* Two symbolic links: fine unless they are one entry. */
		if (S_ISLNK(s->st_mode) && S_ISLNK(d->st_mode)) {
			if (dest_same_name(src, dst))
				return false;
			if (o->backup == BACKUP_NONE && same_link)
				*now = true;	/* two names of one link */
			return true;
		}
	} else {
		if (!same)
			return true;
		if (fstatat(dst->dirfd, dst->name, &dl, AT_SYMLINK_NOFOLLOW) ||
		    fstatat(src->dirfd, src->name, &sl, AT_SYMLINK_NOFOLLOW))
			return true;
		s = &sl;
		d = &dl;
		same_link = SAME_INODE(sl, dl);
		if (S_ISLNK(s->st_mode) && S_ISLNK(d->st_mode) &&
		    dest_unlink_first(o))
			return true;
	}
	return dest_same_links(o, src, s, dst, d, same_link, never, now);
}

/* "rwxr-x---" for mode, as ls and cp's prompt show it (10 bytes). */
static void
dest_strmode(mode_t m, char *p)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	for (i = 0; i < 9; i++)
		p[i] = m & (0400 >> i) ? rwx[i] : '-';
	if (m & S_ISUID)
		p[2] = m & S_IXUSR ? 's' : 'S';
	if (m & S_ISGID)
		p[5] = m & S_IXGRP ? 's' : 'S';
	if (m & S_ISVTX)
		p[8] = m & S_IXOTH ? 't' : 'T';
	p[9] = '\0';
}

/* One prompt at a time, whatever the number of threads. */
static pthread_mutex_t dest_ask_lock = PTHREAD_MUTEX_INITIALIZER;

/* -i: asks on stderr, reads a line of stdin.  True for yes. */
static bool
dest_ask(const struct options *o, const struct file_ref *dst,
    const struct stat *st)
{
	char perms[10], *line = NULL;
	size_t cap = 0;
	bool yes;

	(void)pthread_mutex_lock(&dest_ask_lock);
	fflush(stdout);
	if (!S_ISLNK(st->st_mode) && geteuid() != 0 &&
	    faccessat(dst->dirfd, dst->name, W_OK, AT_EACCESS) != 0) {
		dest_strmode(st->st_mode, perms);
		fprintf(stderr, dest_unlink_first(o) || o->unlink_failed ?
		    CP_("%s: replace %s, overriding mode %04lo (%s)? ") :
		    CP_("%s: unwritable %s (mode %04lo, %s); try anyway? "),
		    getprogname(), quote(path_str(dst->path)),
		    (unsigned long)(st->st_mode & 07777), perms);
	} else
		fprintf(stderr, CP_("%s: overwrite %s? "), getprogname(),
		    quote(path_str(dst->path)));
	fflush(stderr);
	/* As cp's yesno(): the locale's answer for yes (rpmatch). */
	yes = getline(&line, &cap, stdin) > 0 && rpmatch(line) == 1;
	free(line);
	(void)pthread_mutex_unlock(&dest_ask_lock);
	return yes;
}

static bool
dest_newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/*
 * If the digits at p (up to '~') are a version (no leading zero), returns
 * their number, else 0.
 */
static size_t
dest_version(const char *p)
{
	size_t n;

	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n == 0 || p[0] == '0' || strcmp(p + n, "~") != 0)
		return 0;
	return n;
}

/*
 * The highest N of NAME.~N~ in dirfd, as a string of digits (malloc'd),
 * or "" if there is none.  Compared as strings, as GNU's backupfile does,
 * so numbers of any length work and nothing wraps around.
 */
static char *
dest_highest(int dirfd, const char *name)
{
	size_t len = strlen(name), n, bn = 0;
	struct dirent *de;
	char *best = NULL;
	DIR *d;
	int fd;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1 && (d = fdopendir(fd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, name, len) != 0 ||
			    strncmp(de->d_name + len, ".~", 2) != 0 ||
			    (n = dest_version(de->d_name + len + 2)) == 0)
				continue;
			if (n > bn || (n == bn && memcmp(de->d_name + len + 2,
			    best, n) > 0)) {
				free(best);
				if ((best = strndup(de->d_name + len + 2, n)) ==
				    NULL)
					break;
				bn = n;
			}
		}
		(void)closedir(d);
	} else if (fd != -1)
		(void)close(fd);
	return best != NULL ? best : strdup("");
}

/* v + 1, as a decimal string (malloc'd); "" + 1 is "1". */
static char *
dest_increment(const char *v)
{
	size_t n = strlen(v), i;
	char *r;

	if ((r = malloc(n + 2)) == NULL)
		return NULL;
	r[0] = '0';
	memcpy(r + 1, v, n + 1);
	for (i = n + 1; i-- > 0;) {
		if (r[i] != '9') {
			r[i]++;
			break;
		}
		r[i] = '0';
	}
	if (r[0] == '0')
		memmove(r, r + 1, n + 1);
	return r;
}

char *
dest_backup_name(const struct options *o, int dirfd, const char *name)
{
	const char *slash = strrchr(name, '/');
	enum backup_mode m = o->backup;
	char *dir = NULL, *top = NULL, *next, *p = NULL;
	int dfd = dirfd;

	if (m != BACKUP_SIMPLE) {
		if (slash != NULL) {
			dir = strndup(name, (size_t)(slash - name) + 1);
			dfd = dir == NULL ? -1 : openat(dirfd, dir, O_RDONLY |
			    O_DIRECTORY | O_CLOEXEC);
		}
		top = dfd == -1 ? strdup("") : dest_highest(dfd,
		    slash ? slash + 1 : name);
		if (slash != NULL && dfd != -1)
			(void)close(dfd);
		free(dir);
		if (top == NULL)
			return NULL;
		if (m == BACKUP_EXISTING && *top == '\0')
			m = BACKUP_SIMPLE;
	}
	if (m == BACKUP_SIMPLE) {
		if (asprintf(&p, "%s%s", name, o->suffix) == -1)
			p = NULL;
	} else if ((next = dest_increment(top)) != NULL) {
		if (asprintf(&p, "%s.~%s~", name, next) == -1)
			p = NULL;
		free(next);
	}
	free(top);
	return p;
}

static int
dest_do_link(const void *arg, int dirfd, const char *name)
{
	const struct file_ref *from = arg;

	return linkat(from->dirfd, from->name, dirfd, name, 0);
}

/*
 * Puts dst under the backup name name: renamed, or under --atomic
 * (*link set) a hard link made, so that dst keeps its name until the new
 * file replaces it in one rename.  Where the file system has no hard
 * links, it is renamed after all (*link cleared).  0 or -1 with errno.
 */
static int
dest_backup_one(const struct file_ref *dst, const char *name, bool replace,
    bool *link)
{
	struct file_ref b = *dst;

	b.name = name;
	if (*link) {
		if (dest_link(&b, replace, dest_do_link, dst) >= 0)
			return 0;
		if (errno != EPERM && errno != EMLINK && errno != ENOTSUP &&
		    errno != EOPNOTSUPP)
			return -1;
		*link = false;
	}
	return replace ? renameat(dst->dirfd, dst->name, dst->dirfd, name) :
	    compat_rename_noreplace(dst->dirfd, dst->name, dst->dirfd, name);
}

/*
 * The numbered backup name after name (whose first nl bytes are the
 * file's name, then ".~N~"), malloc'd; NULL if it is not numbered (or
 * no memory).
 */
static char *
dest_next_numbered(const char *name, size_t nl)
{
	const char *v = name + nl;
	size_t n = strlen(v);
	char *num, *next, *r;

	if (n < 4 || strncmp(v, ".~", 2) != 0 || v[n - 1] != '~' ||
	    strspn(v + 2, "0123456789") != n - 3)
		return NULL;
	if ((num = strndup(v + 2, n - 3)) == NULL)
		return NULL;
	next = dest_increment(num);
	free(num);
	if (next == NULL || asprintf(&r, "%.*s.~%s~", (int)nl, name,
	    next) == -1)
		r = NULL;
	free(next);
	return r;
}

/*
 * --dry-run: dest_backup() without the rename: the name the backup would
 * have (a numbered one after those the run would have made before), kept
 * in the dry run's world.  0 or -1 (rec filled).
 */
static int
dest_dry_backup(const struct options *o, const struct file_ref *dst,
    struct dest_state *ds, struct file_record *rec)
{
	const char *dpath = path_str(dst->path);
	size_t dl = strlen(dpath), nl = strlen(dst->name);
	char *name, *shown = NULL, *next;
	struct stat st;

	if ((name = dest_backup_name(o, dst->dirfd, dst->name)) == NULL) {
		record_fail(rec, errno, CPN_("cannot backup %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	for (;;) {
		free(shown);
		if (asprintf(&shown, "%.*s%s", (int)(dl - nl), dpath,
		    name) == -1) {
			shown = NULL;
			break;
		}
		if (!dry_find(ds->dry, shown, &st) ||
		    (next = dest_next_numbered(name, nl)) == NULL)
			break;
		free(name);
		name = next;
	}
	free(name);
	if (shown != NULL) {
		st = ds->st;
		dry_made(ds->dry, shown, &st, true);
	}
	free(rec->backup);
	rec->backup = shown;
	return 0;
}

/*
 * Renames dst to its backup name (with *link, links it: see
 * dest_backup_one()).  A numbered backup never replaces an existing file
 * (if one appears meanwhile, the next number is taken).  Returns 0 or -1
 * (rec filled).
 */
static int
dest_backup(const struct options *o, const struct file_ref *dst,
    struct dest_state *ds, bool *link, struct file_record *rec)
{
	const char *dpath = path_str(dst->path);
	size_t dl = strlen(dpath), nl = strlen(dst->name);
	char *name, *shown;
	int tries = 0, rc;

	if (o->dry_run)
		return dest_dry_backup(o, dst, ds, rec);
	do {
		if ((name = dest_backup_name(o, dst->dirfd, dst->name)) ==
		    NULL) {
			record_fail(rec, errno, CPN_("cannot backup %s"),
			    quote(path_str(dst->path)));
			return -1;
		}
		rc = dest_backup_one(dst, name, o->backup == BACKUP_SIMPLE ||
		    (o->backup == BACKUP_EXISTING && strstr(name + nl, ".~") ==
		    NULL), link);
		if (rc == -1 && errno == EEXIST && ++tries < 100)
			free(name);
		else
			break;
	} while (1);
	if (rc == -1) {
		/* Gone meanwhile: nothing to back up (as cp). */
		if (errno == ENOENT) {
			*link = false;
			free(name);
			return 0;
		}
		record_fail(rec, errno, CPN_("cannot backup %s"),
		    quote(path_str(dst->path)));
		free(name);
		return -1;
	}
	/* Shown as the destination's path with the new last part. */
	if (asprintf(&shown, "%.*s%s", (int)(dl - nl), dpath, name) == -1)
		shown = NULL;
	free(rec->backup);
	rec->backup = shown;
	ds->backup = name;	/* for dest_unbackup() */
	return 0;
}

/*
 * True if src is the simple backup of dst, so that making dst's backup
 * would destroy it (cp --backup=simple a~ a).
 */
static bool
dest_source_is_backup(const struct options *o, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	const char *sb, *db;
	size_t sl = dest_base(src->name, &sb), dbl = dest_base(dst->name, &db);
	size_t xl = strlen(o->suffix);
	struct stat st;
	char *back;
	int rc;

	if (sl != dbl + xl || memcmp(sb, db, dbl) != 0 ||
	    memcmp(sb + dbl, o->suffix, xl) != 0)
		return false;
	if (asprintf(&back, "%s%s", dst->name, o->suffix) == -1)
		return false;
	rc = fstatat(dst->dirfd, back, &st, 0);
	free(back);
	return rc == 0 && SAME_INODE(*sst, st);
}

/*
 * fstatat() of dst into st with flags, as --dry-run's world would have it
 * (dry): what it removed or wrote, what an earlier operand made.
 */
static int
dest_look(struct dry *dry, const struct file_ref *dst, struct stat *st,
    int flags)
{
	/* What the run would have made is there, whatever was before; a
	 * link it made leads nowhere it knows of; in a directory it would
	 * have made (no descriptor) nothing else is. */
	if (dry_find(dry, path_str(dst->path), st)) {
		if (!S_ISLNK(st->st_mode) || (flags & AT_SYMLINK_NOFOLLOW))
			return 0;
		errno = ENOENT;
		return -1;
	}
	if (dry != NULL && dst->dirfd == -1) {
		errno = ENOENT;
		return -1;
	}
	if (fstatat(dst->dirfd, dst->name, st, flags) == -1)
		return -1;
	dry_adjust(dry, st);
	return 0;
}

/*
 * Looks at dst.  Returns 1 if something is there (ds->st), 0 if not, 2 if
 * it is a symbolic link loop and -f will remove it, -1 on failure.
 */
static int
dest_stat(const struct options *o, const struct file_ref *dst,
    enum dest_make make, struct dest_state *ds, struct file_record *rec)
{
	/*
	 * Data is written through a symbolic link, and with
	 * --keep-directory-symlink a directory is copied into the one a
	 * link leads to; the rest replace a link.
	 */
	bool lst = (make != DEST_DATA && !(make == DEST_DIR &&
	    o->keep_dir_symlink)) || (make != DEST_DIR &&
	    (o->backup != BACKUP_NONE || dest_unlink_first(o)));
	/* --atomic replaces a file, not a link: it must know which. */
	bool first = !lst && o->atomic && make == DEST_DATA;
	int r;

	if (dst->fresh)
		return 0;
	r = dest_look(ds->dry, dst, &ds->st, lst || first ?
	    AT_SYMLINK_NOFOLLOW : 0);
	if (r == 0 && first && S_ISLNK(ds->st.st_mode)) {
		ds->link = true;
		r = dest_look(ds->dry, dst, &ds->st, 0);
	}
	if (r == 0) {
		ds->exists = true;
		return 1;
	}
	/* A loop holds nothing usable: -f removes it (as ENOENT would). */
	if (errno == ELOOP && o->unlink_failed) {
		ds->unknown = true;
		return 2;
	}
	if (errno == ENOENT)
		return 0;
	record_fail(rec, errno, CPN_("cannot stat %s"), quote(path_str(dst->path)));
	return -1;
}

/* -n, --update=none[-fail], -u and -i on an existing destination. */
static enum dest_verdict
dest_overwrite(const struct options *o, const struct stat *sst,
    const struct file_ref *dst, const struct stat *dst_st,
    struct file_record *rec)
{
	if (o->update == UPDATE_OLDER &&
	    !dest_newer(&sst->st_mtim, &dst_st->st_mtim))
		return DEST_UPTODATE;
	if (o->update == UPDATE_NONE_FAIL) {
		record_fail(rec, 0, N_("not replacing %s"),
		    quote(path_str(dst->path)));
		return DEST_FAIL;
	}
	if (o->interactive == INTERACTIVE_ALWAYS_NO ||
	    o->update == UPDATE_NONE)
		return DEST_SKIP;
	if (o->interactive == INTERACTIVE_ASK && !dest_ask(o, dst, dst_st))
		return DEST_SKIP;
	return DEST_GO;
}

/*
 * True if --atomic makes the file under another name and renames it to
 * dst: data into a regular file (not a symbolic link to one), or where
 * nothing is.  Anything else is written as without --atomic.
 */
static bool
dest_atomic(const struct options *o, const struct file_ref *dst,
    enum dest_make make, const struct dest_state *ds)
{
	size_t n = strlen(dst->name);

	return o->atomic && make == DEST_DATA && !o->attributes_only &&
	    !ds->unknown && !ds->link && n > 0 && dst->name[n - 1] != '/' &&
	    (!ds->exists || S_ISREG(ds->st.st_mode));
}

/*
 * Moves the old file out of the way: its backup, or its removal.  Under
 * --atomic a regular file stays until the new one replaces it: its
 * backup is a hard link, and it is never removed first (the rename
 * gives the name a new file, as the removal would).
 */
static enum dest_verdict
dest_clear(const struct options *o, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst, enum dest_make make,
    struct dest_state *ds, struct file_record *rec)
{
	const char *base;
	size_t bl = dest_base(src->name, &base);
	bool dots = (bl == 1 && base[0] == '.') ||
	    (bl == 2 && base[0] == '.' && base[1] == '.');
	bool keep = dest_atomic(o, dst, make, ds);

	if (o->backup != BACKUP_NONE && !dots) {
		if (o->backup != BACKUP_NUMBERED &&
		    dest_source_is_backup(o, src, sst, dst)) {
			record_fail(rec, 0, CPN_("backing up %s might destroy "
			    "source;  %s not copied"),
			    quote(path_str(dst->path)),
			    quote(path_str(src->path)));
			return DEST_FAIL;
		}
		if (dest_backup(o, dst, ds, &keep, rec) == -1)
			return DEST_FAIL;
		ds->exists = ds->backup_link = keep;
		return DEST_GO;
	}
	/*
	 * Removed first: on request, and when writing into it would be
	 * wrong: it has other names (with links kept, a copy must not
	 * change them, nor a file outside the tree they may lead to), or a
	 * link or special file must take its place.
	 */
	if (keep)
		return DEST_GO;
	if (dest_unlink_first(o) || (!o->attributes_only &&
	    ((o->preserve_links && ds->st.st_nlink > 1) ||
	    (dest_deref(o, src) == DEREF_NEVER && !S_ISREG(sst->st_mode))))) {
		if (!o->dry_run && unlinkat(dst->dirfd, dst->name, 0) == -1 &&
		    errno != ENOENT) {
			record_fail(rec, errno, CPN_("cannot remove %s"),
			    quote(path_str(dst->path)));
			return DEST_FAIL;
		}
		rec->removed = true;
		ds->exists = false;
		dry_unlinked(ds->dry, &ds->st);
	}
	return DEST_GO;
}

/* The rules for a destination that exists, in cp's order. */
static enum dest_verdict
dest_existing(const struct options *o, const struct created *made,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst, enum dest_make make, struct dest_state *ds,
    struct file_record *rec)
{
	enum dest_verdict v;
	bool now = false;

	if (o->interactive != INTERACTIVE_ALWAYS_NO &&
	    !dest_same_ok(o, src, sst, dst, &ds->st, &now)) {
		record_fail(rec, 0, CPN_("%s and %s are the same file"),
		    quote(path_str(src->path)),
		    quote(path_str(dst->path)));
		return DEST_FAIL;
	}
	if (S_ISDIR(sst->st_mode)) {
		/* A directory: no -u, -n, -i, backup; never onto a file. */
		if (now)
			return DEST_NOOP;
		if (S_ISDIR(ds->st.st_mode))
			return DEST_GO;
		record_fail(rec, 0, CPN_("cannot overwrite non-directory %s with "
		    "directory %s"), quote(path_str(dst->path)),
		    quote(path_str(src->path)));
		return DEST_FAIL;
	}
	if ((v = dest_overwrite(o, sst, dst, &ds->st, rec)) != DEST_GO)
		return v;
	if (now)
		return DEST_NOOP;
	/* Never the file an earlier operand made (cp a/f b/f dir). */
	if (!S_ISDIR(ds->st.st_mode) && src->operand &&
	    o->backup != BACKUP_NUMBERED && created_find(made,
	    ds->st.st_dev, ds->st.st_ino, dst->dirfd, dst->name, NULL) == 1) {
		record_fail(rec, 0, CPN_("will not overwrite just-created %s with %s"),
		    quote(path_str(dst->path)),
		    quote(path_str(src->path)));
		return DEST_FAIL;
	}
	if (S_ISDIR(ds->st.st_mode)) {
		record_fail(rec, 0,
		    CPN_("cannot overwrite directory %s with non-directory"),
		    quote(path_str(dst->path)));
		return DEST_FAIL;
	}
	return dest_clear(o, src, sst, dst, make, ds, rec);
}

/* Never write through a symbolic link an earlier operand made. */
static bool
dest_through_made(const struct options *o, const struct created *made,
    const struct file_ref *src, const struct file_ref *dst,
    struct dry *dry, struct file_record *rec)
{
	struct stat st;

	if (!src->operand || made == NULL || o->backup != BACKUP_NONE ||
	    dest_look(dry, dst, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISLNK(st.st_mode) ||
	    created_find(made, st.st_dev, st.st_ino, dst->dirfd, dst->name,
	    NULL) != 1)
		return false;
	record_fail(rec, 0, CPN_("will not copy %s through just-created symlink %s"),
	    quote(path_str(src->path)), quote(path_str(dst->path)));
	return true;
}

enum dest_verdict
dest_check(const struct options *o, const struct created *made,
    struct dry *dry, const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst, enum dest_make make, struct dest_state *ds,
    struct file_record *rec)
{
	enum dest_verdict v;
	int r;

	memset(ds, 0, sizeof(*ds));
	ds->dry = dry;
	if ((r = dest_stat(o, dst, make, ds, rec)) == -1)
		return DEST_FAIL;
	if (r == 1 && (v = dest_existing(o, made, src, sst, dst, make, ds,
	    rec)) != DEST_GO)
		return v;
	if (dest_through_made(o, made, src, dst, dry, rec))
		return DEST_FAIL;
	ds->atomic = dest_atomic(o, dst, make, ds);
	return DEST_GO;
}

void
dest_unbackup(const struct file_ref *dst, struct dest_state *ds,
    bool failed, struct file_record *rec)
{
	if (ds->backup == NULL)
		return;
	if (failed) {
		struct stat b, d;
		int rc;

		/*
		 * A backup made as a hard link (--atomic) while the old file
		 * kept its name: rename() between two names of one file does
		 * nothing, so the backup name is removed instead.  A backup
		 * made by rename() is renamed back, as cp does, even where
		 * the names were one file before (then both stay).
		 */
		if (ds->backup_link && fstatat(dst->dirfd, ds->backup, &b,
		    AT_SYMLINK_NOFOLLOW) == 0 && fstatat(dst->dirfd,
		    dst->name, &d, AT_SYMLINK_NOFOLLOW) == 0 &&
		    SAME_INODE(b, d))
			rc = unlinkat(dst->dirfd, ds->backup, 0);
		else
			rc = renameat(dst->dirfd, ds->backup, dst->dirfd,
			    dst->name);
		if (rc == 0)
			rec->unbackup = true;
		else
			record_warn(rec, errno, CPN_("cannot un-backup %s"),
			    quote(path_str(dst->path)));
	}
	free(ds->backup);
	ds->backup = NULL;
}

/* O_RDWR where --verify or --resume will read the file back. */
static int
dest_access(const struct options *o)
{
	return o->verify || o->resume ? O_RDWR : O_WRONLY;
}

/* Creates dst anew: never through a dangling symbolic link. */
static int
dest_create(const struct options *o, const struct file_ref *dst,
    mode_t mode, struct file_record *rec)
{
	int flags = dest_access(o) | O_CREAT | O_CLOEXEC | O_NOCTTY, fd;
	char c;

	fd = openat(dst->dirfd, dst->name, flags | O_EXCL, mode);
	if (fd == -1 && errno == EEXIST &&
	    (readlinkat(dst->dirfd, dst->name, &c, 1) >= 0 ||
	    (errno = EEXIST, false))) {
		/* POSIX wants it followed; cp does so only if told to. */
		if (getenv("POSIXLY_CORRECT") == NULL) {
			record_fail(rec, 0, CPN_("not writing through dangling "
			    "symlink %s"), quote(path_str(dst->path)));
			return -1;
		}
		fd = openat(dst->dirfd, dst->name, flags, mode);
	}
	if (fd != -1)
		return fd;
	/* "new/" is refused with EISDIR; cp says what is wrong with it. */
	if (errno == EISDIR && dst->name[0] != '\0' &&
	    dst->name[strlen(dst->name) - 1] == '/')
		errno = ENOTDIR;
	record_fail(rec, errno, CPN_("cannot create regular file %s"),
	    quote(path_str(dst->path)));
	return -1;
}

int
dest_open(const struct options *o, const struct file_ref *dst,
    const struct dest_state *ds, mode_t mode, bool *created,
    struct file_record *rec)
{
	int fd, e = ENOENT, acc, flags;

	*created = false;
	if (ds->exists || ds->unknown) {
		/* Read access only for a regular file: never a FIFO. */
		acc = ds->exists && S_ISREG(ds->st.st_mode) ? dest_access(o) :
		    O_WRONLY;
		flags = O_CLOEXEC | O_NOCTTY | (o->attributes_only ||
		    o->resume ? 0 : O_TRUNC);
		fd = openat(dst->dirfd, dst->name, acc | flags);
		/* Unreadable: written all the same, and not read back. */
		if (fd == -1 && errno == EACCES && acc == O_RDWR)
			fd = openat(dst->dirfd, dst->name, O_WRONLY | flags);
		if (fd != -1)
			return fd;
		e = errno;
		/* -f: what cannot be opened is removed, then made anew. */
		if (e != ENOENT && o->unlink_failed) {
			if (unlinkat(dst->dirfd, dst->name, 0) == 0)
				rec->removed_after = true;
			else if (errno != ENOENT) {
				record_fail(rec, errno, CPN_("cannot remove %s"),
				    quote(path_str(dst->path)));
				return -1;
			}
			e = ENOENT;
		}
		if (e != ENOENT) {
			record_fail(rec, e, CPN_("cannot create regular file %s"),
			    quote(path_str(dst->path)));
			return -1;
		}
	}
	if ((fd = dest_create(o, dst, mode, rec)) != -1)
		*created = true;
	return fd;
}

int
dest_dry_where(struct dry *dry, const struct file_ref *dst, bool dir_ok)
{
	size_t n = strlen(dst->name);
	const char *sl;
	struct stat st;
	char *dir;
	int e = 0;

	if (dst->fresh || dst->dirfd == -1)
		return 0;
	/* "d/" names a directory: anything else there fails. */
	if (n > 0 && dst->name[n - 1] == '/' && !dir_ok)
		return ENOENT;
	while (n > 1 && dst->name[n - 1] == '/')
		n--;
	if ((sl = memrchr(dst->name, '/', n)) == NULL)
		return 0;
	if ((dir = strndup(dst->name, sl == dst->name ? 1 :
	    (size_t)(sl - dst->name))) == NULL)
		return ENOMEM;
	if (!dry_find(dry, dir, &st) && fstatat(dst->dirfd, dir, &st, 0) == -1)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	free(dir);
	return e;
}

bool
dest_dry_there(const struct file_ref *dst)
{
	struct stat st;

	return !dst->fresh && dst->dirfd != -1 && fstatat(dst->dirfd,
	    dst->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int
dest_dry_open(const struct options *o, const struct file_ref *dst,
    const struct dest_state *ds, struct file_record *rec)
{
	struct stat st;
	int e;

	(void)o;
	/* -f removes a loop it cannot open (as dest_open()). */
	if (ds->unknown) {
		rec->removed_after = true;
		return 0;
	}
	/* (What is there would be gone: backed up, or removed.) */
	if (ds->exists || dst->fresh || rec->removed || rec->backup != NULL)
		return 0;
	if (fstatat(dst->dirfd, dst->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode) && getenv("POSIXLY_CORRECT") == NULL) {
			record_fail(rec, 0, CPN_("not writing through dangling "
			    "symlink %s"), quote(path_str(dst->path)));
			return -1;
		}
		return 0;
	}
	/* "new/" is refused with EISDIR; cp says what is wrong with it. */
	if ((e = dest_dry_where(ds->dry, dst, false)) == ENOENT &&
	    dst->name[strlen(dst->name) - 1] == '/')
		e = ENOTDIR;
	if (e != 0) {
		record_fail(rec, e, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	return 0;
}

/* A name for a temporary link next to dst's name (malloc'd). */
static char *
dest_temp_name(const char *name)
{
	const char *b;
	unsigned char r[6];
	char *p;
	size_t i;

	(void)dest_base(name, &b);
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(rand() ^ (int)getpid());
	if (asprintf(&p, "%.*s.zcp-%02x%02x%02x%02x%02x%02x", (int)(b - name),
	    name, r[0], r[1], r[2], r[3], r[4], r[5]) == -1)
		return NULL;
	return p;
}

int
dest_link(const struct file_ref *dst, bool replace,
    int (*make)(const void *, int, const char *), const void *arg)
{
	char *tmp;
	int tries, rc, e;

	if (make(arg, dst->dirfd, dst->name) == 0)
		return 0;
	if (errno != EEXIST || !replace)
		return -1;
	for (tries = 0; tries < 100; tries++) {
		if ((tmp = dest_temp_name(dst->name)) == NULL)
			return -1;
		if (make(arg, dst->dirfd, tmp) == 0)
			break;
		e = errno;
		free(tmp);
		if (e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	if (tries == 100) {
		errno = EEXIST;
		return -1;
	}
	rc = renameat(dst->dirfd, tmp, dst->dirfd, dst->name);
	e = errno;
	/* If both were names of one file, rename did nothing: tidy up. */
	(void)unlinkat(dst->dirfd, tmp, 0);
	free(tmp);
	errno = e;
	return rc == 0 ? 1 : -1;
}
