/*
 * walk.c: operands and directory trees.
 *
 * Works out the destination of each operand as cp does, then walks source
 * directories fd-relative (openat, fstatat, O_NOFOLLOW, O_DIRECTORY), so a
 * symbolic link swapped into either tree cannot redirect a write.  Each
 * non-directory goes to file.c; each result goes to report.c.
 */
#include "config.h"

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "file.h"
#include "progress.h"
#include "quote.h"
#include "walk.h"

struct walk {
	const struct options *opts;
	struct report	*rep;
	struct file_ctx	 fctx;
	struct progress	*prog;		/* progress.c, or NULL */
	int		 failed;
	/* The directory created for the current operand, to refuse
	 * copying a directory into itself. */
	dev_t		 top_dev;
	ino_t		 top_ino;
	bool		 top_set;
};

static void	walk_entry(struct walk *, const struct file_ref *,
		    const struct stat *, const struct file_ref *);

static char *
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

static void
walk_report(struct walk *w, struct file_record *rec)
{
	if (rec->status == FILE_FAILED)
		w->failed = 1;
	report_record(w->rep, rec);
	file_record_free(rec);
}

static void
walk_fail(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, enum file_kind kind, int e,
    const char *fmt, const char *arg1, const char *arg2)
{
	struct file_record rec;
	char *a1 = arg1 ? quote_r(arg1) : NULL, *a2 = arg2 ? quote_r(arg2) :
	    NULL;

	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = kind;
	file_fail(&rec, e, fmt, a1, a2);
	free(a1);
	free(a2);
	walk_report(w, &rec);
}

/* Copies a symbolic link as a link (-P, -r without -L). */
static void
walk_symlink(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	struct file_record rec;
	struct stat dst_st;
	char *target;
	ssize_t n;

	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = FILE_KIND_SYMLINK;
	if ((target = malloc((size_t)sst->st_size + 1)) == NULL)
		err(1, NULL);
	n = readlinkat(src->dirfd, src->name, target, (size_t)sst->st_size +
	    1);
	if (n < 0 || n > sst->st_size) {
		file_fail(&rec, n < 0 ? errno : 0, "cannot read symbolic link %s",
		    quote(src->path));
		goto out;
	}
	target[n] = '\0';
	if (!dst->fresh && fstatat(dst->dirfd, dst->name, &dst_st,
	    AT_SYMLINK_NOFOLLOW) == 0) {
		if (dst_st.st_dev == sst->st_dev &&
		    dst_st.st_ino == sst->st_ino) {
			file_fail(&rec, 0, "%s and %s are the same file",
			    quote(src->path), quote(dst->path));
			goto out;
		}
		if (w->opts->interactive == INTERACTIVE_ALWAYS_NO) {
			rec.status = FILE_SKIPPED;
			goto out;
		}
		if (S_ISDIR(dst_st.st_mode)) {
			file_fail(&rec, 0, "cannot overwrite directory %s with "
			    "non-directory", quote(dst->path));
			goto out;
		}
		if (unlinkat(dst->dirfd, dst->name, 0) == -1) {
			file_fail(&rec, errno, "cannot remove %s",
			    quote(dst->path));
			goto out;
		}
	}
	if (symlinkat(target, dst->dirfd, dst->name) == -1)
		file_fail(&rec, errno, "cannot create symbolic link %s",
		    quote(dst->path));
out:
	free(target);
	walk_report(w, &rec);
}

/* Creates (or reuses) the destination directory.  Returns its fd or -1. */
static int
walk_mkdir(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst, bool *created)
{
	const struct options *o = w->opts;
	struct stat st;
	int fd;

	*created = false;
	if (mkdirat(dst->dirfd, dst->name, (sst->st_mode & 0777) |
	    S_IRWXU) == 0)
		*created = true;
	else if (errno != EEXIST) {
		walk_fail(w, src, dst, FILE_KIND_DIR, errno,
		    "cannot create directory %s", dst->path, NULL);
		return -1;
	}
	fd = openat(dst->dirfd, dst->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (dst->follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		if (!*created && (errno == ENOTDIR || errno == ELOOP))
			walk_fail(w, src, dst, FILE_KIND_DIR, 0, "cannot "
			    "overwrite non-directory %s with directory %s",
			    dst->path, src->path);
		else
			walk_fail(w, src, dst, FILE_KIND_DIR, errno,
			    "cannot open directory %s", dst->path, NULL);
		return -1;
	}
	if (fstat(fd, &st) == 0 && !w->top_set) {
		w->top_dev = st.st_dev;
		w->top_ino = st.st_ino;
		w->top_set = true;
	}
	(void)o;
	return fd;
}

/* Sets the directory's final mode and times once its contents are in. */
static void
walk_dir_done(struct walk *w, int dfd, const struct stat *sst,
    bool created, struct file_record *rec)
{
	const struct options *o = w->opts;
	mode_t want;

	if (o->preserve_mode || o->preserve_ownership ||
	    o->preserve_timestamps) {
		(void)file_metadata(o, dfd, sst, rec);
		if (o->preserve_mode)
			return;
	}
	if (!created)
		return;
	/* mkdir added u+rwx so that the contents could be written. */
	want = sst->st_mode & 0777 & ~o->umask;
	if ((want & S_IRWXU) != S_IRWXU && fchmod(dfd, want) == -1)
		file_fail(rec, errno, "setting permissions for %s",
		    quote(rec->dst));
}

static void
walk_dir(struct walk *w, const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	struct file_record rec;
	struct file_ref cs, cd;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int sfd, dfd;
	bool created;

	if (w->top_set && sst->st_dev == w->top_dev &&
	    sst->st_ino == w->top_ino)
		return;		/* the copy itself: reported by the caller */
	sfd = openat(src->dirfd, src->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (src->follow ? 0 : O_NOFOLLOW));
	if (sfd == -1 || (d = fdopendir(sfd)) == NULL) {
		walk_fail(w, src, dst, FILE_KIND_DIR, errno,
		    "cannot access %s", src->path, NULL);
		if (sfd != -1)
			(void)close(sfd);
		return;
	}
	if ((dfd = walk_mkdir(w, src, sst, dst, &created)) == -1) {
		(void)closedir(d);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = FILE_KIND_DIR;
	if (created && w->opts->verbose)
		report_record(w->rep, &rec);
	memset(&cs, 0, sizeof(cs));
	memset(&cd, 0, sizeof(cd));
	cs.dirfd = sfd;
	cd.dirfd = dfd;
	cs.follow = w->opts->deref == DEREF_ALWAYS;
	cd.fresh = created;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		cs.name = cd.name = de->d_name;
		cs.path = walk_join(src->path, de->d_name);
		cd.path = walk_join(dst->path, de->d_name);
		if (fstatat(sfd, de->d_name, &st, cs.follow ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1)
			walk_fail(w, &cs, &cd, FILE_KIND_FILE, errno,
			    "cannot stat %s", cs.path, NULL);
		else if (S_ISDIR(st.st_mode) && st.st_dev == w->top_dev &&
		    st.st_ino == w->top_ino)
			walk_fail(w, &cs, &cd, FILE_KIND_DIR, 0, "cannot copy "
			    "a directory, %s, into itself, %s", src->path,
			    cd.path);
		else
			walk_entry(w, &cs, &st, &cd);
		free((char *)cs.path);
		free((char *)cd.path);
	}
	if (errno != 0)
		walk_fail(w, src, dst, FILE_KIND_DIR, errno,
		    "cannot read directory %s", src->path, NULL);
	walk_dir_done(w, dfd, sst, created, &rec);
	if (rec.status == FILE_FAILED)
		walk_report(w, &rec);
	(void)closedir(d);
	if (close(dfd) == -1)
		walk_fail(w, src, dst, FILE_KIND_DIR, errno,
		    "failed to close %s", dst->path, NULL);
}

/* Copies one thing whose (l)stat is sst to dst. */
static void
walk_entry(struct walk *w, const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	struct file_record rec;

	if (S_ISDIR(sst->st_mode)) {
		if (!w->opts->recursive)
			walk_fail(w, src, dst, FILE_KIND_DIR, 0,
			    "-r not specified; omitting directory %s",
			    src->path, NULL);
		else
			walk_dir(w, src, sst, dst);
		return;
	}
	progress_file_start(w->prog, src->path, sst);
	if (S_ISLNK(sst->st_mode))
		walk_symlink(w, src, sst, dst);
	else {
		(void)file_copy(&w->fctx, src, sst, dst, &rec);
		walk_report(w, &rec);
	}
	progress_file_done(w->prog);
}

/* Copies the operand path to dest (a full destination name). */
static void
walk_operand(struct walk *w, const char *path, const char *dest)
{
	const struct options *o = w->opts;
	struct file_ref src = { AT_FDCWD, path, path, true, false };
	struct file_ref dst = { AT_FDCWD, dest, dest, true, false };
	struct stat st;

	src.follow = o->deref == DEREF_ALWAYS || o->deref == DEREF_ARGS ||
	    (o->deref == DEREF_UNSET && !o->recursive);
	w->top_set = false;
	if (fstatat(AT_FDCWD, path, &st, src.follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		walk_fail(w, &src, &dst, FILE_KIND_FILE, errno,
		    "cannot stat %s", path, NULL);
		return;
	}
	walk_entry(w, &src, &st, &dst);
}

static void
walk_missing_operand(int n, char **files)
{
	if (n == 0)
		warnx("missing file operand");
	else
		warnx("missing destination file operand after %s",
		    quote(files[0]));
	options_usage_hint();
}

/* True if path names a directory (following links); exits on odd errors. */
static bool
walk_is_dir(const char *path, int *e)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		*e = errno;
		return false;
	}
	*e = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	return S_ISDIR(st.st_mode);
}

/* Bad operands: cp's message, exit 1, before anything is copied. */
static void __attribute__((noreturn))
walk_die(int e, const char *fmt, const char *path)
{
	errno = e;
	err(1, fmt, quote(path));
}

int
walk_run(const struct options *o, struct report *rep, int n, char **files)
{
	struct walk w;
	const char *dir = o->target_dir;
	char *base, *dest;
	int i, e;

	memset(&w, 0, sizeof(w));
	w.opts = o;
	w.rep = rep;
	w.fctx.opts = o;
	w.prog = progress_current();
	w.fctx.progress = progress_counter(w.prog);
	if (dir != NULL) {
		if (n == 0)
			walk_missing_operand(0, files);
		if (!walk_is_dir(dir, &e))
			walk_die(e, "target directory %s", dir);
	} else if (o->no_target_dir) {
		if (n > 2) {
			warnx("extra operand %s", quote(files[2]));
			options_usage_hint();
		}
		if (n < 2)
			walk_missing_operand(n, files);
	} else {
		if (n < 2)
			walk_missing_operand(n, files);
		if (walk_is_dir(files[n - 1], &e))
			dir = files[--n];
		else if (n > 2)
			walk_die(e, "target %s", files[n - 1]);
		else if (e != ENOENT && e != ENOTDIR)
			walk_die(e, "cannot stat %s", files[n - 1]);
	}
	if (dir == NULL) {
		walk_operand(&w, files[0], files[1]);
	} else {
		for (i = 0; i < n; i++) {
			base = walk_base(files[i]);
			dest = walk_join(dir, base);
			walk_operand(&w, files[i], dest);
			free(dest);
			free(base);
		}
	}
	engine_buf_free(&w.fctx.buf);
	return w.failed;
}
