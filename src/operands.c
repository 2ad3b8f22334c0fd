/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * operands.c: the operands.
 *
 * Works out the destination of each operand as cp does (SOURCE DEST,
 * SOURCE... DIR, -t, -T, --parents), applies cp's rules for operands met
 * before, and hands each one on: a file, as a copy job, to the per-file
 * executor (exec-file.c), a directory to the sequential walk
 * (walk-seq.c) or the parallel one (pool.c), with as many threads and
 * open levels as the descriptor limit allows.  The run (run.h) is made
 * here, and each operand (operand.h).
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
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "created.h"
#include "dest.h"
#include "dry.h"
#include "durable.h"
#include "exec.h"
#include "inoset.h"
#include "links.h"
#include "meta.h"
#include "operands.h"
#include "pool.h"
#include "progress.h"
#include "quote.h"
#include "report.h"
#include "walk-seq.h"

/*
 * The copy of the operands: the run, the operand being copied and its
 * walk, the main thread's file context.
 */
struct operands {
	struct run	 run;
	struct operand	 op;
	struct walk	 w;		/* of op, without a driver */
	struct file_ctx	 fc;
};

static char *
operands_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	const char *sep;
	char *p;

	/*
	 * As gnulib's file_name_concat: DIR without its trailing slashes,
	 * one slash, NAME ("dst" and "/a/b" give "dst/a/b"); DIR "/" and a
	 * NAME starting with "/" give "/./a/b".
	 */
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		sep = name[0] == '/' ? "." : "";
	else
		sep = n > 0 && name[0] != '/' ? "/" : "";
	if (asprintf(&p, "%.*s%s%s", (int)n, dir, sep, name) == -1)
		return NULL;
	return p;
}

/* The last component of path, without trailing slashes (malloc'd). */
static char *
operands_base(const char *path)
{
	size_t n = strlen(path);
	const char *b;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (b = path + n; b > path && b[-1] != '/'; b--)
		;
	return strndup(b, (size_t)(path + n - b));
}

/* Removes the trailing slashes of s ("/" stays). */
static void
operands_strip(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

/* An operand that could not be copied for want of memory. */
static void
operands_nomem(struct run *run, const char *file)
{
	struct file_record rec;
	struct path sp;

	path_init(&sp, NULL, file);
	record_init(&rec, &sp, &sp, FILE_KIND_FILE);
	record_fail(&rec, ENOMEM, N_("cannot copy %s"), quote(file));
	run_report(run, &rec);
}

/* The directories above one --parents operand, made or found. */
struct operands_made {
	char		*src, *dst;
	struct stat	 st;		/* the source directory's */
	bool		 made;		/* created by this run */
	bool		 attrs;		/* st is known (its source was found) */
};

/*
 * The mode cp 9.1's mkdir gives a parent it makes for --parents, with
 * u+rwx added to fill it: what it keeps when the operand fails before
 * re_protect() runs.  (zcp makes it without group or other write
 * permission, and sets this once it is made.)
 */
static mode_t
operands_parent_mkdir_mode(const struct options *o, mode_t src)
{
	mode_t omit = src & (o->preserve_ownership ? S_IRWXG | S_IRWXO :
	    o->preserve_mode ? S_IWGRP | S_IWOTH : 0);
	mode_t m = (o->no_preserve_mode ? 0777 : src) & (0777 | S_ISVTX);

	return ((m & ~omit) & ~o->umask) | S_IRWXU;
}

/*
 * Sets the attributes of one directory of --parents (any: one on the
 * path was made), or, if !set (the operand failed on the way), only the
 * mode cp's mkdir left on one that was made.
 */
static void
operands_parent_done(struct run *run, const struct operands_made *m, bool any,
    bool set)
{
	const struct options *o = run->opts;
	/*
	 * By its path, links followed, as cp sets a parent's times and
	 * mode; its owner with lchown(), as cp's re_protect() does (a
	 * parent that is a symlink in the destination gets the owner, not
	 * the directory it points to).
	 */
	struct meta_target t = { .fd = -1, .dirfd = AT_FDCWD,
	    .name = m->dst, .src_fd = -1, .created = m->made,
	    .owner_by_name = true };
	struct file_record rec;
	struct path sp, dp;
	int fd;

	path_init(&sp, NULL, m->src);
	path_init(&dp, NULL, m->dst);
	t.src_path = &sp;
	record_init(&rec, &sp, &dp, FILE_KIND_DIR);
	/* (--dry-run: none made, none changed.) */
	if ((!set && !m->made) || o->dry_run ||
	    (fd = open(m->dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	t.fd = fd;
	if (!set) {
		walk_final_mode(fd,
		    operands_parent_mkdir_mode(o, m->st.st_mode),
		    &rec);
		goto out;
	}
	/* As cp: once one was made, every one on the path gets them. */
	if (any && m->attrs && (o->preserve_mode || o->preserve_timestamps ||
	    o->preserve_ownership))
		(void)meta_set(o, &t, &m->st, &rec);
	/* (cp makes a parent with 0777 under --no-preserve=mode.) */
	if (m->made && !o->preserve_mode && rec.status != FILE_FAILED)
		walk_final_mode(fd, (o->no_preserve_mode ? 0777 :
		    meta_base_mode(o, m->st.st_mode)) & ~o->umask, &rec);
out:
	(void)close(fd);
	if (rec.status == FILE_FAILED)
		run_report(run, &rec);
	record_free(&rec);
}

/*
 * Sets the attributes of the directories of --parents, deepest first,
 * if set (as cp's re_protect(), only once they were all made: those
 * made for an operand that failed on the way keep what cp's mkdir gave
 * them).
 */
static void
operands_parents_done(struct run *run, struct operands_made *m, size_t n,
    bool set)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++)
		any |= m[i].made;
	while (n-- > 0) {
		operands_parent_done(run, &m[n], any, set);
		free(m[n].src);
		free(m[n].dst);
	}
	free(m);
}

/*
 * One directory of --parents, as cp 9.1's make_dir_parents_private():
 * the source directory p, its copy d.  A copy that is missing is made
 * from its source, which must be a directory; one that is there must be
 * a directory, and its source is looked at only when attributes are
 * kept.  Returns 1 if made, 0 if it was there, 2 if it was there and
 * nothing is to be set on it, -1 (rec filled).
 */
static int
operands_parent(struct operands *os, const char *p, const char *d,
    struct stat *st, struct file_record *rec)
{
	const struct options *o = os->run.opts;
	bool keep = o->preserve_ownership || o->preserve_mode ||
	    o->preserve_timestamps;
	bool missing;
	struct stat dst;
	int e = 0;

	/* (--dry-run: one it would have made is there.) */
	missing = stat(d, &dst) != 0 && !dry_find(os->run.dry, d, &dst);
	if (missing || keep) {
		if (stat(p, st) == -1)
			e = errno;
		else if (!S_ISDIR(st->st_mode))
			e = ENOTDIR;
		if (e != 0) {
			record_fail(rec, e,
			    CPN_("failed to get attributes of %s"),
			    quote(p));
			return -1;
		}
	}
	if (!missing) {
		if (!S_ISDIR(dst.st_mode)) {
			record_fail(rec, 0,
			    CPN_("%s exists but is not a directory"),
			    quote(d));
			return -1;
		}
		os->op.parents_made = false;
		return keep ? 0 : 2;
	}
	os->op.parents_made = true;
	/* (A dangling link in the way: EEXIST, as cp says.) */
	if (!o->dry_run && mkdir(d, walk_filling_mode(o,
	    o->no_preserve_mode ? S_IFDIR | 0777 : st->st_mode)) == -1) {
		record_fail(rec, errno, CPN_("cannot make directory %s"),
		    quote(d));
		return -1;
	}
	if (o->dry_run) {
		dst = *st;
		dry_made(os->run.dry, d, &dst, true);
	}
	if (o->verbose)
		printf("%s -> %s\n", p, d);
	return 1;
}

/*
 * --parents with the copy's directory d (of the source p) there: it must
 * be a directory.  0 or -1 (reported).
 */
static int
operands_parent_there(struct operands *os, const char *p, const char *d,
    const struct stat *st)
{
	struct file_record rec;
	struct path sp, dp;

	if (S_ISDIR(st->st_mode)) {
		os->op.parents_made = false;
		return 0;
	}
	path_init(&sp, NULL, p);
	path_init(&dp, NULL, d);
	record_init(&rec, &sp, &dp, FILE_KIND_DIR);
	record_fail(&rec, 0, CPN_("%s exists but is not a directory"),
	    quote(d));
	run_report(&os->run, &rec);
	return -1;
}

/*
 * One directory of --parents, p (the operand path's first components),
 * and its copy under dir, made or found: added to *made (*n of them),
 * unless it is there and nothing is to be set on it.  0, or -1
 * (reported; path names the operand).
 */
static int
operands_parents_one(struct operands *os, const char *dir, const char *p,
    const char *path, struct operands_made **made, size_t *n)
{
	struct file_record rec;
	struct operands_made *m;
	struct path sp, dp;
	struct stat st;
	char *d;
	int r;

	if ((d = operands_join(dir, p)) == NULL ||
	    (m = reallocarray(*made, *n + 1, sizeof(**made))) == NULL) {
		free(d);
		operands_nomem(&os->run, path);
		return -1;
	}
	*made = m;
	path_init(&sp, NULL, p);
	path_init(&dp, NULL, d);
	record_init(&rec, &sp, &dp, FILE_KIND_DIR);
	if ((r = operands_parent(os, p, d, &st, &rec)) == -1) {
		run_report(&os->run, &rec);
		free(d);
		return -1;
	}
	if (r == 2) {
		free(d);	/* there, and nothing to set */
		return 0;
	}
	if ((m[*n].src = strdup(p)) == NULL) {
		free(d);
		operands_nomem(&os->run, path);
		return -1;
	}
	m[*n].dst = d;
	m[*n].st = st;
	m[*n].attrs = true;
	m[(*n)++].made = r == 1;
	return 0;
}

/*
 * --parents: creates the directories of path under dir (DIR/a/b for
 * a/b/c), as cp does, printing "a -> DIR/a" under -v.  As cp: if the
 * copy's directory is there as a whole, nothing is made or set; else
 * each directory, made or found, goes into *made (*n of them), for
 * operands_parents_done() once the operand is copied.  Returns 0 or -1.
 */
static int
operands_parents(struct operands *os, const char *dir, const char *path,
    struct operands_made **made, size_t *n)
{
	char *p, *sl, *d;
	struct stat st;
	int rc = 0;

	*made = NULL;
	*n = 0;
	if ((p = strdup(path)) == NULL) {
		operands_nomem(&os->run, path);
		return -1;
	}
	/*
	 * An operand with no directory of its own: nothing to do, and as in
	 * cp 9.1 what the last operand with directories left (a directory
	 * made, or not) still says whether the copy is new.
	 */
	if ((sl = strrchr(*p != '\0' ? p + 1 : p, '/')) == NULL) {
		free(p);
		return 0;
	}
	/* Its copy's directory there as a whole: nothing to make or set. */
	*sl = '\0';
	if ((d = operands_join(dir, p)) != NULL && stat(d, &st) == 0) {
		rc = operands_parent_there(os, p, d, &st);
		free(d);
		free(p);
		return rc;
	}
	free(d);
	*sl = '/';
	/* The first slash after the first character (none in ""). */
	for (sl = strchr(*p != '\0' ? p + 1 : p, '/'); sl != NULL && rc == 0;
	    sl = strchr(sl + 1, '/')) {
		*sl = '\0';
		rc = operands_parents_one(os, dir, p, path, made, n);
		*sl = '/';
		while (sl[1] == '/')
			sl++;
	}
	free(p);
	return rc;
}

/*
 * GNU cp's rules for an operand met before, when two or more go into a
 * directory: a file named twice is copied once, with a warning (unless
 * backups are made: then the second copy is refused as overwriting what
 * this run made); a directory named twice into one place, likewise.
 * Returns true if the operand is not to be copied.
 */
static bool
operands_seen(struct run *run, const struct file_ref *src,
    const struct stat *st, const struct file_ref *dst)
{
	if (run->sources == NULL)
		return false;
	if (!S_ISDIR(st->st_mode) && run->opts->backup == BACKUP_NONE &&
	    created_find(run->sources, st->st_dev, st->st_ino, src->dirfd,
	    src->name, NULL) == 1) {
		run_skip(run, src, dst, FILE_KIND_FILE,
		    CPN_("warning: source file %s "
		    "specified more than once"), src->path);
		return true;
	}
	/* (A directory named twice: walk.c, after the checks of its copy.) */
	(void)created_add(run->sources, st->st_dev, st->st_ino, src->dirfd,
	    src->name);
	return false;
}

/*
 * True if the directory that will hold dst is the directory st or below
 * it: the copy then lands inside its own source, and cp copies the
 * entries that come before it (in inode order) and stops there with
 * "cannot copy a directory into itself".  Only the sequential walk can
 * stop at the same entry, so such a copy does not go to the threads.
 * (Links followed, as the copy's own path will be.)  doubt: the answer
 * when that cannot be told.
 */
static bool
operands_inside(const struct stat *st, const char *dst, bool doubt)
{
	size_t n = strlen(dst);
	char *dir;
	bool r;

	/* dst's directory: what is before its last component. */
	while (n > 1 && dst[n - 1] == '/')
		n--;
	while (n > 0 && dst[n - 1] != '/')
		n--;
	if ((dir = strndup(dst, n)) == NULL)
		return true;	/* when in doubt, one thread */
	r = operand_within(AT_FDCWD, n > 0 ? dir : ".", st, doubt);
	free(dir);
	return r;
}

/* Copies the directory operand of job. */
static void
operands_dir(struct operands *os, const struct copy_job *job)
{
	struct operand *op = &os->op;
	const struct file_ref *src = &job->src, *dst = &job->dst;

	if (!os->run.opts->recursive) {
		run_fail(&os->run, src, dst, FILE_KIND_DIR, 0,
		    CPN_("-r not specified; omitting directory %s"), src->path,
		    NULL);
		return;
	}
	/* Sure to be apart, or the walks make nothing ahead (walk.h). */
	op->apart = !operands_inside(&job->st, dst->name, true);
	if (os->run.jobs > 1 && (op->apart ||
	    !operands_inside(&job->st, dst->name, false)) &&
	    (op->made_dirs = inoset_new()) != NULL) {
		op->sequential = false;
		pool_copy_dir(&os->w, &os->fc, src, &job->st, dst);
		inoset_free(op->made_dirs);
		op->made_dirs = NULL;
	} else {
		/* (Without the set, if it cannot be had: as cp.) */
		op->sequential = true;
		op->made_dirs = inoset_new();
		walk_seq_copy(&os->w, &os->fc, src, &job->st, dst, NULL);
		inoset_free(op->made_dirs);
		op->made_dirs = NULL;
	}
	/* --fsync, each file on its own: the copy's name too. */
	if (os->run.durable != NULL && os->run.opts->recursive &&
	    durable_parent(os->run.durable, dst->name) == -1)
		run_fail(&os->run, src, dst, FILE_KIND_DIR, errno,
		    CPN_("error syncing %s"), dst->path, NULL);
}

/*
 * A file system the final flush could not flush: said (and counted) as a
 * failure of the directory that names it, path.
 */
static void
operands_sync_fail(void *arg, const char *path, int err)
{
	struct operands *os = arg;
	struct file_ref ref = { .dirfd = AT_FDCWD, .name = path };
	struct path p;

	path_init(&p, NULL, path);
	ref.path = &p;
	run_fail(&os->run, &ref, &ref, FILE_KIND_DIR, err,
	    CPN_("error syncing %s"), &p, NULL);
}

/*
 * --fsync on trees, at the end of the run: each file system written
 * into flushed once (durable.h), told to the progress line and the
 * report.
 */
static void
operands_sync(struct operands *os)
{
	struct durable_stats st;

	progress_syncing(os->run.prog, true);
	(void)durable_finish(os->run.durable, &st, operands_sync_fail, os);
	progress_syncing(os->run.prog, false);
	report_sync(os->run.rep, &st);
}

/*
 * Copies the operand path to dest (a full destination name), whose
 * directory is on device ddev (0: unknown); without a backup of dest if
 * no_backup.
 */
static void
operands_operand(struct operands *os, const char *path, const char *dest,
    dev_t ddev, bool no_backup)
{
	enum deref_mode d = os->run.opts->deref;
	struct copy_job job;
	struct stat st;

	walk_job_path(&os->w, &job, path, dest, NULL);
	job.src.follow = d == DEREF_ALWAYS || d == DEREF_ARGS;
	job.src.operand = true;
	job.dst.follow = true;
	job.dst.fresh = os->op.parents_made;
	job.dst.dev = ddev;
	job.no_backup = no_backup;
	operand_begin(&os->op, &job.sp, &job.dp);
	if (fstatat(AT_FDCWD, path, &job.st, job.src.follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		run_fail(&os->run, &job.src, &job.dst, FILE_KIND_FILE, errno,
		    CPN_("cannot stat %s"), &job.sp, NULL);
		return;
	}
	if (operands_seen(&os->run, &job.src, &job.st, &job.dst))
		return;
	os->op.top_fs = job.st.st_dev;
	if (S_ISDIR(job.st.st_mode)) {
		operands_dir(os, &job);
		return;
	}
	/* As cp: what this operand made, not a link to an earlier copy. */
	if (!exec_file(&os->w, &os->fc, &job) || os->run.made == NULL)
		return;
	/* (--dry-run: as it would be, file.c's file_dry_made() says.) */
	if (!dry_find(os->run.dry, dest, &st) && fstatat(AT_FDCWD, dest,
	    &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	(void)created_add(os->run.made, st.st_dev, st.st_ino, AT_FDCWD,
	    dest);
}

/* Copies the operand file into the directory dir (on device ddev). */
static void
operands_into(struct operands *os, const char *dir, const char *file,
    dev_t ddev)
{
	struct operands_made *made;
	char *base = NULL, *dest = NULL;
	size_t nmade;
	bool made_ok;

	if (os->run.opts->parents) {
		/*
		 * As cp: the copy's name is DIR and the operand without its
		 * trailing slashes, whose directories are made first; the
		 * source keeps them.  Not in dir itself: its device says
		 * nothing.
		 */
		if ((base = strdup(file)) == NULL) {
			operands_nomem(&os->run, file);
			return;
		}
		operands_strip(base);
		made_ok = operands_parents(os, dir, base, &made, &nmade) == 0;
		if (made_ok) {
			if ((dest = operands_join(dir, base)) != NULL)
				operands_operand(os, file, dest, 0, false);
			else
				operands_nomem(&os->run, file);
		}
		operands_parents_done(&os->run, made, nmade, made_ok);
	} else if ((base = operands_base(file)) != NULL &&
	    (dest = operands_join(dir, base)) != NULL)
		operands_operand(os, file, dest, ddev, false);
	else
		operands_nomem(&os->run, file);
	free(base);
	free(dest);
}

/*
 * cp SRC DEST.  cp --force --backup foo foo makes the copy under foo's
 * backup name, as cp.c does, instead of refusing one file copied onto
 * itself (and makes no backup of that name).
 */
static void
operands_pair(struct operands *os, const char *src, const char *dst)
{
	const struct options *o = os->run.opts;
	struct stat st;
	char *alt;

	if (o->unlink_failed && o->backup != BACKUP_NONE &&
	    strcmp(src, dst) == 0 && lstat(dst, &st) == 0 &&
	    S_ISREG(st.st_mode) &&
	    (alt = dest_backup_name(o, AT_FDCWD, dst)) != NULL) {
		operands_operand(os, src, alt, 0, true);
		free(alt);
		return;
	}
	operands_operand(os, src, dst, 0, false);
}

static void __attribute__((noreturn))
operands_missing_operand(int n, char **files)
{
	if (n == 0)
		warnx(CP_("missing file operand"));
	else
		warnx(CP_("missing destination file operand after %s"),
		    quote(files[0]));
	options_usage_hint();
}

/*
 * True if path names a directory (following links), on device *dev.
 * Else *e is the errno of stat(2), or 0 if it is something else than a
 * directory.
 */
static bool
operands_is_dir(const char *path, int *e, dev_t *dev)
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
operands_die(int e, const char *fmt, const char *path)
{
	errno = e;
	err(1, fmt, quote(path));
}

/*
 * Works out the target directory (NULL: one SOURCE DEST pair), and the
 * device it is on.
 */
static const char *
operands_target(const struct options *o, int *n, char **files, dev_t *dev)
{
	const char *dir = o->target_dir;
	int e;

	if (dir != NULL) {
		if (*n == 0)
			operands_missing_operand(0, files);
		if (!operands_is_dir(dir, &e, dev))
			operands_die(e ? e : ENOTDIR,
			    CP_("target directory %s"), dir);
		return dir;
	}
	if (o->no_target_dir) {
		if (*n > 2) {
			warnx(CP_("extra operand %s"), quote(files[2]));
			options_usage_hint();
		}
		if (*n < 2)
			operands_missing_operand(*n, files);
		return NULL;
	}
	if (*n < 2)
		operands_missing_operand(*n, files);
	if (operands_is_dir(files[*n - 1], &e, dev))
		return files[--*n];
	if (*n > 2)
		operands_die(e ? e : ENOTDIR, CP_("target %s"), files[*n - 1]);
	if (o->parents) {
		warnx(CP_("with --parents, the destination must be a "
		    "directory"));
		options_usage_hint();
	}
	/*
	 * SOURCE DEST: whatever stat(2) said of DEST ("file/", a loop, no
	 * permission), the copy says it, after the source, as cp does.
	 */
	return NULL;
}

/*
 * How many descriptors below lim this process holds now (what it
 * inherited: those at lim or above take no room under it).
 */
static rlim_t
operands_fds_held(rlim_t lim)
{
	struct dirent *de;
	rlim_t n = 0;
	DIR *d;
	int me;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return 3;
	me = dirfd(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && atoi(de->d_name) != me &&
		    (rlim_t)atoi(de->d_name) < lim)
			n++;
	(void)closedir(d);
	return n;
}

/* What the walk needs of the address space beyond the start, with one
 * thread: what it must keep when it has more (operands_mem_jobs()). */
#define OPERANDS_MEM_RESERVE	((rlim_t)1 << 20)

/* The address space this process takes now, in bytes (0: not known). */
static rlim_t
operands_mem_used(void)
{
	char buf[64];
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (rlim_t)strtoull(buf, NULL, 10) * (rlim_t)sysconf(_SC_PAGESIZE);
}

/*
 * How many threads fit under an address-space limit (ulimit -v, raised
 * to the hard limit first), at most jobs.  glibc gives each thread a
 * malloc arena of its own, which takes 64 MiB of the address space (128
 * MiB while it is made) and, when that cannot be had, makes each of the
 * thread's allocations a mapping of its own, a page or more: under a
 * limit, only as many arenas as fit in a quarter of what is free are
 * made, and threads share them.  Each thread beyond the first takes
 * POOL_THREAD_MEM, after OPERANDS_MEM_RESERVE kept for the one walking alone
 * (what -j1 needs beyond the start).  What is missed is not lost: work
 * that fails for want of memory in the parallel walk is done again, by
 * one thread, at the end (pool.c).
 */
static unsigned
operands_mem_jobs(unsigned jobs)
{
	struct rlimit rl;
	rlim_t used, avail, n;

	if (getrlimit(RLIMIT_AS, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return jobs;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_AS, &rl);
		(void)getrlimit(RLIMIT_AS, &rl);
		if (rl.rlim_cur == RLIM_INFINITY)
			return jobs;
	}
	if ((used = operands_mem_used()) == 0)
		return jobs;
	avail = rl.rlim_cur > used ? rl.rlim_cur - used : 0;
	compat_arena_max((int)(1 + (avail / 4 >> 27 < 64 ? avail / 4 >> 27 :
	    64)));
	if (avail <= OPERANDS_MEM_RESERVE)
		return 1;
	n = 1 + (avail - OPERANDS_MEM_RESERVE) / POOL_THREAD_MEM;
	return n < jobs ? (unsigned)n : jobs;
}

/*
 * How many threads copy a tree, and how many directory levels each keeps
 * open, within the descriptor limit (raised to the hard limit first).  A
 * file's copy needs its two ends, 2 more under --atomic, 1 under
 * --verify (splice's pipe only if it can have it: rw takes over); an open
 * level 2 (source and copy), and 3 while it is entered (a duplicate reads
 * it); the parallel walk keeps some levels of its own.  Rather than fail
 * files, zcp takes fewer threads and fewer open levels (the sequential
 * walk reopens the others), and where one open level and a copy do not
 * fit, keeps none (walk-seq.c, by path): GNU cp copies a tree with 2
 * descriptors beyond the standard three (ulimit -n 5), and so does zcp.
 */
static void
operands_budget(struct run *run, unsigned jobs)
{
	const struct options *o = run->opts;
	struct rlimit rl;
	rlim_t lim = 1024, per = 0, levels, held;
	rlim_t file = 2 + (o->atomic ? 2 : 0) + (o->verify ? 1 : 0);

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		lim = rl.rlim_cur;
	}
	held = operands_fds_held(lim);
	if (lim < held + 2 + (file > 3 ? file : 3)) {
		run->jobs = 1;
		run->max_open = 0;	/* by path */
		run->pool_depth = 0;
		return;
	}
	/* What is held already, and a few for reports and the operand. */
	lim = lim > held + 5 ? lim - held - 5 : 0;
	for (; jobs > 1; jobs--)
		if ((per = lim / jobs) >= 6 + 2 * 2 + 2 * 2)
			break;
	if (jobs <= 1) {
		jobs = 1;
		per = lim;
	}
	/* A level's descriptors, with one more level (and a dup to read
	 * it) open while a deeper one is entered. */
	levels = per > 9 ? (per - 9) / 2 : 0;
	run->jobs = jobs;
	run->max_open = (unsigned)(jobs > 1 ? levels / 2 : levels);
	if (run->max_open < 1)
		run->max_open = 1;
	if (run->max_open > 256)
		run->max_open = 256;
	run->pool_depth = jobs > 1 ? (unsigned)(levels - run->max_open) : 0;
	if (jobs > 1 && run->pool_depth < 2)
		run->pool_depth = 2;
	if (run->pool_depth > 32)
		run->pool_depth = 32;
}


int
operands_copy(const struct options *o, struct report *rep,
    struct progress *prog, int n, char **files)
{
	struct operands os = { .run = { .opts = o, .rep = rep,
	    .prog = prog } };
	const char *dir;
	dev_t ddev = 0;
	int i;

	os.w = (struct walk){ .run = &os.run, .op = &os.op };
	os.fc.run = &os.run;
	dir = operands_target(o, &n, files, &ddev);
	/* As cp 9.1, only names copied into a directory lose them. */
	if (o->strip_slashes && dir != NULL)
		for (i = 0; i < n; i++)
			operands_strip(files[i]);
	/* -u keeps a table too: cp links later names of a skipped file.
	 * (Without it each name would be a file of its own: as cp, the
	 * run cannot start.) */
	if ((o->preserve_links || o->update == UPDATE_OLDER) &&
	    (os.run.links = links_new()) == NULL)
		err(1, NULL);
	if (o->dry_run && (os.run.dry = dry_new()) == NULL)
		err(1, NULL);
	/* cp keeps what each operand made only with two or more. */
	if (dir != NULL && n >= 2 && ((os.run.sources = created_new()) ==
	    NULL || (os.run.dirs = created_new()) == NULL ||
	    (os.run.made = created_new()) == NULL))
		err(1, NULL);
	if (o->recursive)
		operands_budget(&os.run, operands_mem_jobs(o->jobs));
	/* --fsync -r: the trees are flushed at the end, whole. */
	if (o->recursive && o->fsync && (os.run.durable = durable_new()) ==
	    NULL)
		err(1, NULL);
	if (dir == NULL)
		operands_pair(&os, files[0], files[1]);
	for (i = 0; dir != NULL && i < n; i++)
		operands_into(&os, dir, files[i], ddev);
	if (os.run.durable != NULL)
		operands_sync(&os);
	durable_free(os.run.durable);
	engine_buf_free(&os.fc.buf);
	exec_batch_done(&os.fc);
	links_free(os.run.links);
	dry_free(os.run.dry);
	created_free(os.run.sources);
	created_free(os.run.dirs);
	created_free(os.run.made);
	operand_end(&os.op);
	return os.run.failed;
}
