/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.c: what every walk of a tree does with an entry, whichever driver
 * takes it (the sequential walk of walk-seq.c, the parallel one of
 * pool.c): its copy job, its stat, the "into itself" and cycle checks,
 * and for a directory the pre-order step (its copy made: GNU cp's rules
 * for the destination, then mkdir) and the post-order one (its
 * attributes once its contents are in).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "created.h"
#include "dest.h"
#include "dry.h"
#include "durable.h"
#include "meta.h"
#include "quote.h"
#include "report.h"
#include "walk.h"

/*
 * The mode a new directory gets while its contents are copied: the one it
 * will have, less what others must not have until its owner and mode are
 * final (group and other write, or every group and other bit while the
 * owner is not yet set), plus u+rwx to write the contents.
 */
mode_t
walk_filling_mode(const struct options *o, mode_t m)
{
	mode_t omit = o->preserve_ownership ? S_IRWXG | S_IRWXO :
	    S_IWGRP | S_IWOTH;

	return (meta_base_mode(o, m) & ~omit) | S_IRWXU;
}

/*
 * A new directory's final mode, want, in place of its filling mode; a
 * set-group-ID bit it inherited from its parent stays, as with cp.
 */
void
walk_final_mode(int dfd, mode_t want, struct file_record *rec)
{
	struct stat st;

	if (fstat(dfd, &st) == 0) {
		want |= st.st_mode & S_ISGID;
		if ((st.st_mode & 07777) == want)
			return;
	}
	if (fchmod(dfd, want) == -1)
		record_fail(rec, errno, CPN_("setting permissions for %s"),
		    quote(path_str(rec->dst)));
}

void
walk_job(const struct walk *w, struct copy_job *job, int sfd,
    const struct walk_dir *d, const char *name)
{
	job->src = (struct file_ref){ .dirfd = sfd, .name = name,
	    .path = &job->sp,
	    .follow = w->run->opts->deref == DEREF_ALWAYS };
	job->dst = (struct file_ref){ .dirfd = d->dfd, .name = name,
	    .path = &job->dp, .fresh = d->created, .dev = d->ddev };
	path_init(&job->sp, &d->sp, name);
	path_init(&job->dp, &d->dp, name);
	job->no_backup = false;
	job->aliases = w->drv != NULL ? w->drv->aliases : NULL;
}

void
walk_job_path(const struct walk *w, struct copy_job *job, const char *src,
    const char *dst, const struct stat *st)
{
	job->src = (struct file_ref){ .dirfd = AT_FDCWD, .name = src,
	    .path = &job->sp,
	    .follow = w->run->opts->deref == DEREF_ALWAYS };
	job->dst = (struct file_ref){ .dirfd = AT_FDCWD, .name = dst,
	    .path = &job->dp };
	path_init(&job->sp, NULL, src);
	path_init(&job->dp, NULL, dst);
	if (st != NULL)
		job->st = *st;
	job->no_backup = false;
	job->aliases = w->drv != NULL ? w->drv->aliases : NULL;
}

/*
 * The rule of --exclude that leaves the entry of job out (reported with
 * it), or NULL.  Its path in the operand is its whole path less the
 * operand's, as path.c writes them.
 */
static const struct filter_rule *
walk_excluded(struct walk *w, const struct copy_job *job)
{
	const struct filter *f = &w->run->opts->filter;
	const struct path *top = w->op->top_src;
	const struct filter_rule *r;
	const char *p;
	size_t off;

	if (f->n == 0 || top == NULL)
		return NULL;
	p = path_str(&job->sp);
	off = top->tlen;
	if (off > 0 && off < strlen(p) && p[off - 1] != '/')
		off++;
	if (off > strlen(p))
		return NULL;
	if ((r = filter_excluded(f, p + off, S_ISDIR(job->st.st_mode))) !=
	    NULL)
		report_excluded(w->run->rep, &job->sp, r);
	return r;
}

int
walk_stat(struct walk *w, struct copy_job *job)
{
	const struct file_ref *cs = &job->src, *cd = &job->dst;

	if (fstatat(cs->dirfd, cs->name, &job->st, cs->follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		run_fail(w->run, cs, cd, FILE_KIND_FILE, errno,
		    CPN_("cannot stat %s"), cs->path, NULL);
		return -1;
	}
	/* Left out by --exclude: not copied, not entered. */
	if (walk_excluded(w, job) != NULL)
		return -1;
	if (S_ISDIR(job->st.st_mode) &&
	    operand_into_self(w->op, cs, &job->st, cd)) {
		/* As cp: once, with the operand's names, and stop there. */
		if (operand_stop(w->op))
			run_fail(w->run, cs, cd, FILE_KIND_DIR, 0,
			    CPN_("cannot copy a directory, %s, into itself, "
			    "%s"), w->op->top_src, w->op->top_dst);
		return -1;
	}
	return 0;
}

bool
walk_dry_self(struct walk *w, const struct walk_dir *d, int sfd)
{
	struct operand *op = w->op;
	struct copy_job job;

	if (!w->run->opts->dry_run || !op->made || op->made_base == NULL ||
	    op->made_dev != DRY_DEV || d->anc.dev != op->made_pdev ||
	    d->anc.ino != op->made_pino)
		return false;
	walk_job(w, &job, sfd, d, op->made_base);
	if (operand_stop(op))
		run_fail(w->run, &job.src, &job.dst, FILE_KIND_DIR, 0,
		    CPN_("cannot copy a directory, %s, into itself, %s"),
		    op->top_src, op->top_dst);
	return true;
}

bool
walk_cyclic(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_anc *up)
{
	const struct walk_anc *a;

	for (a = up; a != NULL; a = a->up)
		if (a->dev == sst->st_dev && a->ino == sst->st_ino) {
			run_fail(w->run, src, dst, FILE_KIND_DIR, 0,
			    CPN_("cannot copy cyclic symbolic link %s"),
			    src->path, NULL);
			return true;
		}
	return false;
}

void
walk_dir_init(struct walk_dir *d, const struct walk_dir *up,
    const char *name, const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst, const struct walk_anc *above)
{
	d->anc = (struct walk_anc){ .up = above, .dev = sst->st_dev,
	    .ino = sst->st_ino };
	d->sst = *sst;
	/* Paths: the caller's for the walk's first, else chained to up. */
	if (up == NULL) {
		d->sp = *src->path;
		d->dp = *dst->path;
	} else {
		path_init(&d->sp, &up->sp, name);
		path_init(&d->dp, &up->dp, name);
	}
	d->src = *src;
	d->dst = *dst;
	d->src.path = &d->sp;
	d->dst.path = &d->dp;
	d->dfd = -1;
	d->ddev = 0;
	d->created = d->dry = false;
	d->premade = false;
}

bool
walk_premake_ok(const struct walk *w, const struct walk_dir *d)
{
	return d->created && d->dfd != -1 && w->op->apart &&
	    w->run->dirs == NULL && w->run->opts->deref != DEREF_ALWAYS &&
	    !w->run->opts->dry_run && !operand_stopped(w->op);
}

bool
walk_premake(const struct walk *w, const struct walk_dir *d,
    const char *name, const struct stat *st)
{
	return mkdirat(d->dfd, name, walk_filling_mode(w->run->opts,
	    st->st_mode)) == 0;
}

void
walk_unmake(const struct walk_dir *d, const char *name)
{
	if (d->dfd != -1)
		(void)unlinkat(d->dfd, name, AT_REMOVEDIR);
}

/*
 * GNU cp's rules for a directory that an operand named, when two or more
 * are copied into a directory.  Named again into the same place: copied
 * once, with a warning.  Met again elsewhere (inside another operand's
 * tree, or under --parents): its copy would be a second name of one
 * directory, which cannot be made, so it is refused, unless links are
 * followed (-L, or -H for operands), which may lead to one directory
 * twice.  An operand's directory is remembered here, once its copy has
 * passed the destination's checks, as cp does.  Returns true if the
 * directory is not to be copied (reported).
 */
static bool
walk_named_before(struct walk *w, const struct walk_dir *d)
{
	enum deref_mode m = dest_deref(w->run->opts, &d->src);
	struct created *dirs = w->run->dirs;
	const struct stat *sst = &d->sst;
	const char *earlier;
	struct path ep;

	if (dirs == NULL)
		return false;
	if (created_find(dirs, sst->st_dev, sst->st_ino, d->dst.dirfd,
	    d->dst.name, NULL) == 1) {
		run_skip(w->run, &d->src, &d->dst, FILE_KIND_DIR,
		    CPN_("warning: source directory %s specified more than "
		    "once"), w->op->top_src);
		return true;
	}
	if (m != DEREF_ALWAYS && m != DEREF_ARGS && (earlier =
	    created_label(dirs, sst->st_dev, sst->st_ino)) != NULL) {
		path_init(&ep, NULL, earlier);
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, 0,
		    CPN_("will not create hard link %s to directory %s"),
		    d->dst.path, &ep);
		return true;
	}
	/* Under the first name only: cp's remember_copied() keeps that. */
	if (d->src.operand && created_label(dirs, sst->st_dev,
	    sst->st_ino) == NULL)
		(void)created_add_label(dirs, sst->st_dev, sst->st_ino,
		    d->dst.dirfd, d->dst.name, path_str(d->dst.path));
	return false;
}

/*
 * The operand's directory could not be copied: as cp, forget it
 * (walk_named_before()), so that naming it again tries again.
 */
static void
walk_unname(struct walk *w, const struct walk_dir *d)
{
	if (d->src.operand)
		created_forget(w->run->dirs, d->sst.st_dev, d->sst.st_ino,
		    d->dst.dirfd, d->dst.name);
}

/*
 * Short of memory or descriptors (e) in the parallel walk: what
 * walk_mkdir() did is undone (fd closed, a directory it made removed: it
 * is empty) and the directory handed back with the directories above
 * it, to be copied again at the end.  True if so (nothing to report);
 * else fd is still open.
 */
static bool
walk_mkdir_again(struct walk *w, struct walk_dir *d, int e, int fd)
{
	const struct walk_driver *drv = w->drv;

	if (drv == NULL || drv->again == NULL || !run_short(e))
		return false;
	if (d->created && unlinkat(d->dst.dirfd, d->dst.name,
	    AT_REMOVEDIR) == -1)
		return false;
	d->created = false;
	if (fd != -1)
		(void)close(fd);
	if (drv->again(drv->arg, &d->src, &d->sst, &d->dst, d->anc.up))
		return true;
	errno = e;
	return false;
}

/*
 * What is at the copy's place first, as cp: the same file, a file in the
 * way.  True to go on (ds says what is there); else it failed (reported,
 * or handed back) or there is nothing to do (cp -rl d d).
 */
static bool
walk_mkdir_check(struct walk *w, struct walk_dir *d, struct dest_state *ds)
{
	struct file_record rec;

	record_init(&rec, d->src.path, d->dst.path, FILE_KIND_DIR);
	switch (dest_check(w->run->opts, w->run->made, w->run->dry, &d->src,
	    &d->sst, &d->dst, DEST_DIR, ds, &rec)) {
	case DEST_FAIL:
		if (walk_mkdir_again(w, d, rec.err, -1))
			record_free(&rec);
		else
			run_report(w->run, &rec);
		return false;
	case DEST_GO:
		return true;
	default:
		record_free(&rec);
		return false;
	}
}

/*
 * --dry-run: the copy of d would be made, or was, by an earlier operand
 * (ds): no descriptor (d->dry), and nothing below it but what the dry
 * run made (dry.h).  Returns 0, or -1 if mkdir would fail (reported).
 */
static int
walk_mkdir_dry(struct walk *w, struct walk_dir *d,
    const struct dest_state *ds)
{
	struct stat st = d->sst;
	int e;

	if (ds->exists) {
		d->dry = true;
		return 0;
	}
	/* What mkdir would meet: a directory missing on the way. */
	if ((e = dest_dry_where(w->run->dry, &d->dst, true)) != 0) {
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, e,
		    CPN_("cannot create directory %s"), d->dst.path, NULL);
		walk_unname(w, d);
		return -1;
	}
	d->created = d->dry = true;
	if (!w->op->made && (w->op->sequential || d->src.operand))
		operand_made_dry(w->op, &d->dst);
	if (w->run->made != NULL)
		dry_made(w->run->dry, path_str(d->dst.path), &st, true);
	return 0;
}

/*
 * Makes the copy of d unless it is there (ds).  0, or -1 (reported, or
 * handed back).
 */
static int
walk_mkdir_make(struct walk *w, struct walk_dir *d,
    const struct dest_state *ds)
{
	int e;

	if (w->run->opts->dry_run && (!ds->exists ||
	    ds->st.st_dev == DRY_DEV))
		return walk_mkdir_dry(w, d, ds);
	if (ds->exists)
		return 0;
	if (mkdirat(d->dst.dirfd, d->dst.name,
	    walk_filling_mode(w->run->opts, d->sst.st_mode)) == 0) {
		d->created = true;
		return 0;
	}
	/* What was taken to be new (dst->fresh) and is there is an error,
	 * as cp says it; the rest is reused. */
	if (errno == EEXIST && !d->dst.fresh)
		return 0;
	e = errno;
	if (!walk_mkdir_again(w, d, e, -1)) {
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, e,
		    CPN_("cannot create directory %s"), d->dst.path, NULL);
		walk_unname(w, d);
	}
	return -1;
}

/* Opens the copy of d: its fd, or -1 (reported, or handed back). */
static int
walk_mkdir_open(struct walk *w, struct walk_dir *d)
{
	int fd, e;

	/*
	 * Never through a symlink: cp refuses those, and it is safer; but
	 * --keep-directory-symlink asks to copy into an existing one.
	 */
	fd = openat(d->dst.dirfd, d->dst.name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (!d->created && w->run->opts->keep_dir_symlink ? 0 :
	    O_NOFOLLOW));
	if (fd != -1)
		return fd;
	e = errno;
	if (walk_mkdir_again(w, d, e, -1))
		return -1;
	if (!d->created && (e == ENOTDIR || e == ELOOP)) {
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, 0,
		    CPN_("cannot overwrite non-directory %s with directory %s"),
		    d->dst.path, d->src.path);
		walk_unname(w, d);
	} else
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, e,
		    CPN_("cannot open directory %s"), d->dst.path, NULL);
	return -1;
}

/*
 * The new (or reused) copy of d, open as fd: its device (d->ddev), and
 * as made by this operand (for copies into themselves).  Returns 0, or
 * an errno.
 */
static int
walk_mkdir_note(struct walk *w, struct walk_dir *d, int fd)
{
	struct operand *op = w->op;
	/*
	 * As cp, the first directory this operand created: no directory of
	 * the source may be it (an operand copied into itself).  One walk
	 * at a time records it: an operand whose copy lands inside its
	 * source is walked by one thread (operands.c).
	 */
	bool first = d->created && !op->made && (op->sequential ||
	    d->src.operand);
	struct stat st;

	/* A new directory is on its parent's filesystem. */
	if (d->created && d->dst.dev != 0 && d->dst.dirfd != AT_FDCWD &&
	    !first && op->made_dirs == NULL) {
		d->ddev = d->dst.dev;
		return 0;
	}
	if (fstat(fd, &st) == -1)
		/* Not recorded: its contents could be copied into it. */
		return !d->created || op->made_dirs == NULL ? 0 : errno;
	d->ddev = st.st_dev;
	return d->created ? operand_made(op, &d->dst, &st, first) : 0;
}

/*
 * Creates or reuses the copy of d.  Returns its fd, or -1: reported, or
 * handed back (walk_mkdir_again()).
 */
static int
walk_mkdir(struct walk *w, struct walk_dir *d)
{
	struct dest_state ds;
	int fd, e;

	/* Made ahead: new and empty, nothing in its way. */
	d->created = d->premade;
	d->dry = false;
	d->ddev = 0;
	if (!d->premade && (!walk_mkdir_check(w, d, &ds) ||
	    walk_named_before(w, d) || walk_mkdir_make(w, d, &ds) == -1 ||
	    d->dry))
		return -1;
	if ((fd = walk_mkdir_open(w, d)) == -1)
		return -1;
	if ((e = walk_mkdir_note(w, d, fd)) == 0)
		return fd;
	if (!walk_mkdir_again(w, d, e, fd)) {
		run_fail(w->run, &d->src, &d->dst, FILE_KIND_DIR, e,
		    e == ENOMEM ? CPN_("cannot create directory %s") :
		    CPN_("cannot stat %s"), d->dst.path, NULL);
		(void)close(fd);
	}
	return -1;
}

int
walk_enter(struct walk *w, struct walk_dir *d)
{
	struct durable *dur = w->run->durable;

	if ((d->dfd = walk_mkdir(w, d)) == -1 && !d->dry)
		return -1;
	record_init(&d->rec, d->src.path, d->dst.path, FILE_KIND_DIR);
	/* --fsync: its file system is flushed at the end. */
	if (dur != NULL && d->dfd != -1 && durable_note(dur, d->dfd, d->ddev,
	    d->dst.path) == -1) {
		record_fail(&d->rec, errno, CPN_("error syncing %s"),
		    quote(path_str(d->rec.dst)));
		run_report(w->run, &d->rec);
		record_free(&d->rec);
		(void)close(d->dfd);
		return -1;
	}
	if (d->created)
		report_record(w->run->rep, &d->rec);
	return 0;
}

void
walk_attrs(struct walk *w, struct walk_dir *d, int sfd)
{
	const struct options *o = w->run->opts;
	struct meta_target t = { .fd = d->dfd, .dirfd = -1,
	    .src_path = d->rec.src, .src_fd = sfd, .created = d->created };

	if (o->dry_run)
		return;
	if (o->preserve_mode || o->preserve_ownership ||
	    o->preserve_timestamps || o->preserve_xattr) {
		(void)meta_set(o, &t, &d->sst, &d->rec);
		if (o->preserve_mode)
			return;
	}
	if (!d->created)
		return;
	walk_final_mode(d->dfd, meta_base_mode(o, d->sst.st_mode) &
	    ~o->umask, &d->rec);
}

void
walk_close(struct walk *w, struct walk_dir *d)
{
	struct file_record *rec = &d->rec;
	struct durable *dur = w->run->durable;

	/* --fsync without syncfs(2): its names, now that all are in. */
	if (dur != NULL && d->dfd != -1 && durable_per_file(dur) &&
	    fsync(d->dfd) == -1 && rec->status != FILE_FAILED)
		record_fail(rec, errno, CPN_("error syncing %s"),
		    quote(path_str(rec->dst)));
	if (d->dfd != -1 && close(d->dfd) == -1 &&
	    rec->status != FILE_FAILED)
		record_fail(rec, errno, CPN_("failed to close %s"),
		    quote(path_str(rec->dst)));
	if (rec->status == FILE_FAILED)
		run_report(w->run, rec);
	else
		report_warning(w->run->rep, rec);
	record_free(rec);
}
