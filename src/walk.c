/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.c: operands and directory trees.
 *
 * Works out the destination of each operand as cp does (SOURCE DEST,
 * SOURCE... DIR, -t, -T, --parents), then walks source directories
 * fd-relative (openat, fstatat, O_NOFOLLOW, O_DIRECTORY), so a symbolic
 * link swapped into either tree cannot redirect a write.  Each
 * non-directory goes to file.c, each result to report.c.  A directory
 * gets its mode and times after its contents, so read-only directories
 * copy and their mtime survives.
 */
#include "config.h"

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "file.h"
#include "links.h"
#include "progress.h"
#include "quote.h"
#include "pool.h"
#include "walk.h"

static void	walk_entry(struct walk *, struct file_ctx *,
		    const struct file_ref *, const struct stat *,
		    const struct file_ref *, struct walk_level *);

/* Sequential levels this thread holds open (see struct walk_level). */
static __thread unsigned walk_open_levels;

char *
walk_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p;

	if (asprintf(&p, "%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" :
	    "/", name) == -1)
		err(1, NULL);
	return p;
}

/* The last component of path, without trailing slashes (malloc'd). */
static char *
walk_base(const char *path)
{
	size_t n = strlen(path);
	const char *b;
	char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (b = path + n; b > path && b[-1] != '/'; b--)
		;
	if ((p = strndup(b, (size_t)(path + n - b))) == NULL)
		err(1, NULL);
	return p;
}

void
walk_report(struct walk *w, struct file_record *rec)
{
	if (rec->status == FILE_FAILED)
		__atomic_store_n(&w->failed, 1, __ATOMIC_RELAXED);
	report_record(w->rep, rec);
	record_free(rec);
}

void
walk_fail(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, int e, const char *fmt,
    const struct path *arg1, const struct path *arg2)
{
	struct file_record rec;
	char *a1 = arg1 ? quote_r(path_str(arg1)) : NULL;
	char *a2 = arg2 ? quote_r(path_str(arg2)) : NULL;

	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	/* Failing to stat it, we do not know what it is: call it a file. */
	rec.kind = strncmp(fmt, "cannot stat", 11) == 0 ? FILE_KIND_FILE :
	    FILE_KIND_DIR;
	record_fail(&rec, e, fmt, a1, a2);
	free(a1);
	free(a2);
	walk_report(w, &rec);
}

/* Creates (or reuses) the destination directory.  Returns its fd or -1. */
int
walk_mkdir(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst, bool *created,
    dev_t *dev)
{
	struct stat st;
	int fd;

	*created = false;
	*dev = 0;
	/* u+rwx while the contents are written; the real mode comes after. */
	if (mkdirat(dst->dirfd, dst->name, w->opts->preserve_ownership ?
	    S_IRWXU : file_base_mode(w->opts, sst->st_mode) | S_IRWXU) == 0)
		*created = true;
	else if (errno != EEXIST) {
		walk_fail(w, src, dst, errno, "cannot create directory %s",
		    dst->path, NULL);
		return -1;
	}
	/* Never through a symlink: cp refuses those, and it is safer. */
	fd = openat(dst->dirfd, dst->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		if (!*created && (errno == ENOTDIR || errno == ELOOP))
			walk_fail(w, src, dst, 0, "cannot overwrite "
			    "non-directory %s with directory %s", dst->path,
			    src->path);
		else
			walk_fail(w, src, dst, errno,
			    "cannot open directory %s", dst->path, NULL);
		return -1;
	}
	/* A new directory is on its parent's filesystem. */
	if (*created && dst->dev != 0 && dst->dirfd != AT_FDCWD) {
		*dev = dst->dev;
		return fd;
	}
	if (fstat(fd, &st) == -1)
		return fd;
	*dev = st.st_dev;
	if (!*created && st.st_dev == sst->st_dev &&
	    st.st_ino == sst->st_ino) {
		walk_fail(w, src, dst, 0, "%s and %s are the same file",
		    src->path, dst->path);
		(void)close(fd);
		return -1;
	}
	/* The operand's copy: no directory under the source may be it. */
	if (dst->dirfd == AT_FDCWD) {
		w->made_dev = st.st_dev;
		w->made_ino = st.st_ino;
		w->made = true;
	}
	return fd;
}

/* Sets the directory's final mode and times once its contents are in. */
void
walk_dir_done(struct walk *w, int sfd, int dfd, const struct stat *sst,
    bool created, struct file_record *rec)
{
	const struct options *o = w->opts;
	struct file_target t = { dfd, -1, NULL, rec->src, sfd, created };
	mode_t want;

	if (o->preserve_mode || o->preserve_ownership ||
	    o->preserve_timestamps || o->preserve_xattr) {
		(void)file_metadata(o, &t, sst, rec);
		if (o->preserve_mode)
			return;
	}
	if (!created)
		return;
	/* mkdir added u+rwx so that the contents could be written. */
	want = file_base_mode(o, sst->st_mode) & ~o->umask;
	if (((want & S_IRWXU) != S_IRWXU || o->preserve_ownership) &&
	    fchmod(dfd, want) == -1)
		record_fail(rec, errno, "setting permissions for %s",
		    quote(path_str(rec->dst)));
}

/* Copies the entries of lvl's source directory into its copy. */
static void
walk_entries(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct file_ref *dst, bool created, struct walk_level *lvl)
{
	struct file_ref cs = { -1, NULL, NULL, false, false, 0, false };
	struct file_ref cd = { -1, NULL, NULL, false, created, lvl->ddev, false };
	struct path csp, cdp;
	struct dirent *de;
	struct stat st;
	char *name;

	cs.follow = w->opts->deref == DEREF_ALWAYS;
	/* A child may have closed and reopened lvl->d: read it each time. */
	while (lvl->d != NULL && !walk_stopped(w) &&
	    (errno = 0, de = readdir(lvl->d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		cs.dirfd = dirfd(lvl->d);
		cd.dirfd = lvl->dfd;
		/* A child may close lvl->d, and with it de: keep the name. */
		if ((name = strdup(de->d_name)) == NULL)
			err(1, NULL);
		cs.name = cd.name = name;
		path_init(&csp, src->path, name);
		path_init(&cdp, dst->path, name);
		cs.path = &csp;
		cd.path = &cdp;
		if (walk_stat_entry(w, &cs, &st, &cd, src) == 0)
			walk_entry(w, fc, &cs, &st, &cd, lvl);
		free(name);
	}
	if (lvl->d != NULL && !walk_stopped(w) && errno != 0)
		walk_fail(w, src, dst, errno, "cannot read directory %s",
		    src->path, NULL);
}

/* Closes up's descriptors while a deep child is walked. */
static void
walk_detach(struct walk_level *up)
{
	if (up == NULL || up->d == NULL || up->detached)
		return;
	up->pos = telldir(up->d);
	(void)closedir(up->d);
	(void)close(up->dfd);
	up->d = NULL;
	up->dfd = -1;
	up->detached = true;
	walk_open_levels--;
}

/* Opens dirfd's ".." and checks it is (dev, ino).  Returns an fd or -1. */
static int
walk_open_parent(int dirfd, dev_t dev, ino_t ino)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_dev != dev || st.st_ino != ino) {
		(void)close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Reopens a detached up from its child's descriptors (sfd, dfd). */
static void
walk_reattach(struct walk *w, struct walk_level *up, int sfd, int dfd,
    const struct file_ref *src, const struct file_ref *dst)
{
	int s, d = -1;

	if (up == NULL || !up->detached)
		return;
	up->detached = false;
	if ((s = walk_open_parent(sfd, up->dev, up->ino)) == -1 ||
	    (d = walk_open_parent(dfd, up->ddev, up->dino)) == -1 ||
	    (up->d = fdopendir(s)) == NULL) {
		walk_fail(w, src, dst, errno, "cannot return to the directory "
		    "above %s", src->path, NULL);
		if (s != -1)
			(void)close(s);
		if (d != -1)
			(void)close(d);
		up->lost = true;
		return;
	}
	seekdir(up->d, up->pos);
	up->dfd = d;
	walk_open_levels++;
}

int
walk_stat_entry(struct walk *w, const struct file_ref *cs, struct stat *st,
    const struct file_ref *cd, const struct file_ref *parent)
{
	if (fstatat(cs->dirfd, cs->name, st, cs->follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		walk_fail(w, cs, cd, errno, "cannot stat %s", cs->path, NULL);
		return -1;
	}
	if (S_ISDIR(st->st_mode) && w->made && st->st_dev == w->made_dev &&
	    st->st_ino == w->made_ino) {
		/* As cp: once, with the operand's names, and stop there. */
		if (__atomic_exchange_n(&w->into_self, 1, __ATOMIC_RELAXED) ==
		    0)
			walk_fail(w, cs, cd, 0, "cannot copy a directory, %s, "
			    "into itself, %s", w->top_src, w->top_dst);
		return -1;
	}
	(void)parent;
	return 0;
}

bool
walk_stopped(struct walk *w)
{
	return __atomic_load_n(&w->into_self, __ATOMIC_RELAXED) != 0;
}

bool
walk_cyclic(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_level *up)
{
	const struct walk_level *a;

	for (a = up; a != NULL; a = a->up)
		if (a->dev == sst->st_dev && a->ino == sst->st_ino) {
			walk_fail(w, src, dst, 0, "cannot copy cyclic symbolic "
			    "link %s", src->path, NULL);
			return true;
		}
	return false;
}

void
walk_dir_open_record(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, bool created, struct file_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->src = src->path;
	rec->dst = dst->path;
	rec->kind = FILE_KIND_DIR;
	if (created)
		report_record(w->rep, rec);
}

void
walk_dir_close_record(struct walk *w, int dfd, struct file_record *rec)
{
	if (close(dfd) == -1 && rec->status != FILE_FAILED)
		record_fail(rec, errno, "failed to close %s", quote(path_str(rec->dst)));
	if (rec->status == FILE_FAILED)
		walk_report(w, rec);
	else
		report_warning(w->rep, rec);
	record_free(rec);
}

void
walk_dir(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct walk_level *up)
{
	struct walk_level lvl = { up, sst->st_dev, sst->st_ino, NULL, -1, 0,
	    0, 0, false, false };
	struct file_record rec;
	struct stat dst_st;
	int sfd, dfd;
	bool created;

	if (walk_cyclic(w, src, sst, dst, up))
		return;
	/* As cp: the copy is made even if the source cannot be read. */
	if ((dfd = walk_mkdir(w, src, sst, dst, &created, &lvl.ddev)) == -1)
		return;
	lvl.dfd = dfd;
	/* lvl.ddev came from walk_mkdir(); the inode is checked on return. */
	if (fstat(dfd, &dst_st) == 0)
		lvl.dino = dst_st.st_ino;
	walk_dir_open_record(w, src, dst, created, &rec);
	sfd = openat(src->dirfd, src->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (src->follow ? 0 : O_NOFOLLOW));
	if (sfd == -1 || (lvl.d = fdopendir(sfd)) == NULL) {
		walk_fail(w, src, dst, errno, "cannot access %s", src->path,
		    NULL);
		if (sfd != -1)
			(void)close(sfd);
		walk_dir_done(w, -1, dfd, sst, created, &rec);
		walk_dir_close_record(w, dfd, &rec);
		return;
	}
	/* Deep below the limit: let go of the parent until we are done. */
	if (++walk_open_levels > w->max_open &&
	    w->opts->deref != DEREF_ALWAYS)
		walk_detach(up);
	if (!w->opts->one_fs || up == NULL || sst->st_dev == w->top_fs)
		walk_entries(w, fc, src, dst, created, &lvl);
	if (lvl.lost) {
		/* Our descriptors could not come back, so neither can the
		 * parent's if it let go of them: give up on it too. */
		if (up != NULL && up->detached) {
			up->detached = false;
			up->lost = true;
		}
		record_free(&rec);
		return;
	}
	/* A deep child may have reopened them: use lvl's, not ours. */
	walk_dir_done(w, dirfd(lvl.d), lvl.dfd, sst, created, &rec);
	walk_reattach(w, up, dirfd(lvl.d), lvl.dfd, src, dst);
	(void)closedir(lvl.d);
	walk_open_levels--;
	walk_dir_close_record(w, lvl.dfd, &rec);
}

/* Copies one thing whose (l)stat is sst to dst. */
static void
walk_entry(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct walk_level *up)
{
	if (S_ISDIR(sst->st_mode)) {
		if (!w->opts->recursive)
			walk_fail(w, src, dst, 0,
			    "-r not specified; omitting directory %s",
			    src->path, NULL);
		else if (w->opts->jobs > 1 && up == NULL)
			pool_copy_dir(w, src, sst, dst);
		else
			walk_dir(w, fc, src, sst, dst, up);
		return;
	}
	walk_file(w, fc, src, sst, dst);
}

void
walk_file(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	struct file_record rec;
	struct progress *prog = progress_current();

	progress_file_start(prog, src->path, sst);
	(void)file_copy(fc, src, sst, dst, &rec);
	progress_file_done(prog, sst, &rec);
	walk_report(w, &rec);
}

/* The directories --parents made for one operand. */
struct walk_made {
	char		*src, *dst;
	struct stat	 st;
};

/* Sets the attributes of the made directories, deepest first. */
static void
walk_parents_done(struct walk *w, struct walk_made *m, size_t n)
{
	const struct options *o = w->opts;
	struct file_record rec;
	struct path sp, dp;

	while (n-- > 0) {
		if (o->preserve_mode || o->preserve_timestamps ||
		    o->preserve_ownership) {
			struct file_target t = { -1, AT_FDCWD, m[n].dst, &sp,
			    -1, true };

			path_init(&sp, NULL, m[n].src);
			path_init(&dp, NULL, m[n].dst);
			memset(&rec, 0, sizeof(rec));
			rec.src = &sp;
			rec.dst = &dp;
			rec.kind = FILE_KIND_DIR;
			if (file_metadata(o, &t, &m[n].st, &rec) == -1)
				walk_report(w, &rec);
			record_free(&rec);
		}
		free(m[n].src);
		free(m[n].dst);
	}
	free(m);
}

/*
 * --parents: creates the directories of path under dir (DIR/a/b for
 * a/b/c), as cp does, printing "a -> DIR/a" under -v.  The ones it made
 * go into *made (*n of them), for walk_parents_done() once the operand is
 * copied.  Returns 0 or -1.
 */
static int
walk_parents(struct walk *w, const char *dir, const char *path,
    struct walk_made **made, size_t *n)
{
	struct file_record rec;
	struct path sp, dp;
	char *p, *sl, *d;
	struct stat st;
	int rc = 0;

	*made = NULL;
	*n = 0;
	if ((p = strdup(path)) == NULL)
		err(1, NULL);
	for (sl = strchr(p + 1, '/'); sl != NULL && rc == 0;
	    sl = strchr(sl + 1, '/')) {
		*sl = '\0';
		d = walk_join(dir, p);
		path_init(&sp, NULL, p);
		path_init(&dp, NULL, d);
		memset(&rec, 0, sizeof(rec));
		rec.src = &sp;
		rec.dst = &dp;
		rec.kind = FILE_KIND_DIR;
		if (stat(p, &st) == -1) {
			record_fail(&rec, errno, "cannot stat %s", quote(p));
			rc = -1;
		} else if (mkdir(d, st.st_mode & 07777) == 0) {
			if (w->opts->verbose)
				printf("%s -> %s\n", p, d);
			if ((*made = reallocarray(*made, *n + 1,
			    sizeof(**made))) == NULL ||
			    ((*made)[*n].src = strdup(p)) == NULL)
				err(1, NULL);
			(*made)[*n].dst = d;
			(*made)[(*n)++].st = st;
			d = NULL;
		} else if (errno != EEXIST) {
			record_fail(&rec, errno, "cannot make directory %s",
			    quote(d));
			rc = -1;
		}
		if (rec.status == FILE_FAILED)
			walk_report(w, &rec);
		free(d);
		*sl = '/';
		while (sl[1] == '/')
			sl++;
	}
	free(p);
	return rc;
}

/*
 * Copies the operand path to dest (a full destination name), whose
 * directory is on device ddev (0: unknown).
 */
static void
walk_operand(struct walk *w, const char *path, const char *dest, dev_t ddev)
{
	const struct options *o = w->opts;
	struct path sp, dp;
	struct file_ref src = { AT_FDCWD, path, &sp, true, false, 0, true };
	struct file_ref dst = { AT_FDCWD, dest, &dp, true, false, ddev, false };
	struct stat st;

	path_init(&sp, NULL, path);
	path_init(&dp, NULL, dest);
	src.follow = o->deref == DEREF_ALWAYS || o->deref == DEREF_ARGS;
	w->made = false;
	w->into_self = 0;
	w->top_src = &sp;
	w->top_dst = &dp;
	if (fstatat(AT_FDCWD, path, &st, src.follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		walk_fail(w, &src, &dst, errno, "cannot stat %s", &sp, NULL);
		return;
	}
	w->top_fs = st.st_dev;
	walk_entry(w, &w->fctx, &src, &st, &dst, NULL);
}

static void __attribute__((noreturn))
walk_missing_operand(int n, char **files)
{
	if (n == 0)
		warnx("missing file operand");
	else
		warnx("missing destination file operand after %s",
		    quote(files[0]));
	options_usage_hint();
}

/*
 * True if path names a directory (following links), on device *dev.
 * Else *e is the errno of stat(2), or 0 if it is something else than a
 * directory.
 */
static bool
walk_is_dir(const char *path, int *e, dev_t *dev)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		*e = errno;
		return false;
	}
	*e = 0;
	*dev = st.st_dev;
	return S_ISDIR(st.st_mode);
}

/* Bad operands: cp's message, exit 1, before anything is copied. */
static void __attribute__((noreturn))
walk_die(int e, const char *fmt, const char *path)
{
	errno = e;
	err(1, fmt, quote(path));
}

/*
 * Works out the target directory (NULL: one SOURCE DEST pair), and the
 * device it is on.
 */
static const char *
walk_target(const struct options *o, int *n, char **files, dev_t *dev)
{
	const char *dir = o->target_dir;
	int e;

	if (dir != NULL) {
		if (*n == 0)
			walk_missing_operand(0, files);
		if (!walk_is_dir(dir, &e, dev))
			walk_die(e ? e : ENOTDIR, "target directory %s", dir);
		return dir;
	}
	if (o->no_target_dir) {
		if (*n > 2) {
			warnx("extra operand %s", quote(files[2]));
			options_usage_hint();
		}
		if (*n < 2)
			walk_missing_operand(*n, files);
		return NULL;
	}
	if (*n < 2)
		walk_missing_operand(*n, files);
	if (walk_is_dir(files[*n - 1], &e, dev))
		return files[--*n];
	if (*n > 2)
		walk_die(e ? e : ENOTDIR, "target %s", files[*n - 1]);
	if (o->parents) {
		warnx("with --parents, the destination must be a directory");
		options_usage_hint();
	}
	/* "file/" says ENOTDIR: cp names it in a "cannot stat" message. */
	if (e != 0 && e != ENOENT)
		walk_die(e, "cannot stat %s", files[*n - 1]);
	return NULL;
}

/*
 * How many directory levels (two descriptors and a readdir buffer each)
 * one thread keeps open before it closes parents to go deeper: a share
 * of the descriptor limit, raised to the hard limit first.
 */
static unsigned
walk_max_open(unsigned jobs)
{
	struct rlimit rl;
	rlim_t n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		n = rl.rlim_cur;
	}
	/* Room for the files being copied and the parallel walk's levels. */
	n = n > 64 + 80 * (rlim_t)jobs ? (n - 64 - 80 * jobs) / 2 / jobs : 0;
	return n < 4 ? 4 : n > 256 ? 256 : (unsigned)n;
}

static void
walk_strip(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

int
walk_run(const struct options *o, struct report *rep, int n, char **files)
{
	struct walk w;
	struct walk_made *made;
	const char *dir;
	char *base, *dest;
	size_t nmade;
	dev_t ddev = 0;
	int i;

	memset(&w, 0, sizeof(w));
	w.opts = o;
	w.rep = rep;
	w.fctx.opts = o;
	w.fctx.progress = progress_counter(progress_current());
	dir = walk_target(o, &n, files, &ddev);
	/* As cp 9.1, only names copied into a directory lose them. */
	if (o->strip_slashes && dir != NULL)
		for (i = 0; i < n; i++)
			walk_strip(files[i]);
	if (o->preserve_links)
		w.fctx.links = links_new();
	if (o->recursive)
		w.max_open = walk_max_open(o->jobs);
	if (dir == NULL)
		walk_operand(&w, files[0], files[1], 0);
	for (i = 0; dir != NULL && i < n; i++) {
		if (o->parents) {
			if (walk_parents(&w, dir, files[i], &made, &nmade) ==
			    -1) {
				walk_parents_done(&w, made, nmade);
				continue;
			}
			/* Not in dir itself: its device says nothing. */
			dest = walk_join(dir, files[i]);
			walk_operand(&w, files[i], dest, 0);
			walk_parents_done(&w, made, nmade);
			free(dest);
			continue;
		} else {
			base = walk_base(files[i]);
			dest = walk_join(dir, base);
			free(base);
		}
		walk_operand(&w, files[i], dest, ddev);
		free(dest);
	}
	engine_buf_free(&w.fctx.buf);
	links_free(w.fctx.links);
	return w.failed;
}
