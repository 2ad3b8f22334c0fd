/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * file.c: one non-directory file.
 *
 * Regular files (and special files read as data) are opened at both ends
 * and handed to the engine chain with the clock running; symbolic links,
 * FIFOs, devices and sockets are recreated; -l and -s make links instead,
 * and --preserve=links turns later names of one inode into hard links.
 * Then the metadata that was asked for.  It prints nothing but -i's
 * prompt (in dest.c): what happened goes into the struct file_record.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "alias.h"
#include "atomic.h"
#include "compat.h"
#include "dest.h"
#include "durable.h"
#include "fdpath.h"
#include "file.h"
#include "links.h"
#include "meta.h"
#include "progress.h"
#include "quote.h"
#include "resume.h"
#include "units.h"
#include "verify.h"
#include "xattr.h"

/* The engines allowed for this pair, in chain order. */
static unsigned
file_engines(const struct options *o, const struct stat *sst,
    const struct stat *dst_st)
{
	unsigned mask = ENGINE_ALL;

	if (o->reflink == REFLINK_ALWAYS)
		return ENGINE_BIT(ENGINE_CLONE);
	if (o->engine != ENGINE_AUTO)
		return ENGINE_BIT(o->engine);
	/*
	 * A clone shares, and copy_file_range may clone or keep holes: not
	 * under --reflink=never, nor --sparse=never (GNU cp 9.2 made that
	 * fix: every byte must be written).
	 */
	if (o->reflink == REFLINK_NEVER || o->sparse == SPARSE_NEVER)
		mask &= ~(ENGINE_BIT(ENGINE_CLONE) | ENGINE_BIT(ENGINE_CFR));
	/* Only rw can see runs of zeros and make holes of them. */
	if (o->sparse == SPARSE_ALWAYS)
		mask &= ~(ENGINE_BIT(ENGINE_CFR) |
		    ENGINE_BIT(ENGINE_SENDFILE) | ENGINE_BIT(ENGINE_SPLICE));
	/* Clones and copy_file_range need two regular files. */
	if (!S_ISREG(sst->st_mode) || !S_ISREG(dst_st->st_mode))
		mask &= ~(ENGINE_BIT(ENGINE_CLONE) | ENGINE_BIT(ENGINE_CFR));
	return mask;
}

/*
 * The engines known not to work between the source's and the
 * destination's filesystems, or NULL when the destination's is unknown
 * (dev 0): then nothing is skipped or learned.
 */
static const struct engine_skip *
file_skip(struct file_ctx *ctx, dev_t s, dev_t d)
{
	if (d == 0)
		return NULL;	/* a new file, in a directory not looked at */
	if (ctx->skip_src != s || ctx->skip_dst != d) {
		ctx->skip_src = s;
		ctx->skip_dst = d;
		memset(&ctx->skip, 0, sizeof(ctx->skip));
	}
	return &ctx->skip;
}

/* Remembers the engines that said they cannot work here at all. */
static void
file_learn(struct file_ctx *ctx, const struct engine_result *e)
{
	int i;

	for (i = 0; i < e->nfallback; i++)
		if (e->fallback[i].offset == 0 &&
		    engine_fs_unsupported(e->fallback[i].engine,
		    e->fallback[i].err)) {
			ctx->skip.mask |= ENGINE_BIT(e->fallback[i].engine);
			ctx->skip.err[e->fallback[i].engine] =
			    e->fallback[i].err;
		}
}

/*
 * --fsync, in the file's time: a regular file of a tree has its writeback
 * started if large, to be flushed with the rest of the tree at the end
 * (durable.h); any other is flushed now.  0, or -1 (rec->eng says why).
 */
static int
file_sync(struct file_ctx *ctx, int dfd, const struct stat *dst_st,
    struct file_record *rec)
{
	if (!S_ISREG(dst_st->st_mode) && !S_ISBLK(dst_st->st_mode))
		return 0;
	if (ctx->sync_late && S_ISREG(dst_st->st_mode)) {
		durable_start(dfd, rec->eng.bytes);
		return 0;
	}
	if (fsync(dfd) == -1) {
		rec->eng.err = errno;
		rec->eng.write_failed = true;
		rec->eng.op = ENGINE_OP_SYNC;
		return -1;
	}
	rec->synced = true;
	return 0;
}

/*
 * File systems whose regular files hold st_size bytes, what read(2)
 * returns up to the end (statfs f_type): ext2/3/4, XFS, Btrfs, tmpfs,
 * ramfs, F2FS, bcachefs, ZFS, JFS, overlayfs (its files are on one of
 * these).  Not procfs, sysfs and their kin (st_size 0 or 4096 whatever
 * they hold, ENGINES.md), nor network or FUSE file systems, whose files
 * another machine or process may size behind the kernel's back.
 */
static const unsigned long file_exact_fs[] = {
	0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x858458f6,
	0xf2f52010, 0xca451a4e, 0x2fc12fc1, 0x3153464a, 0x794c7630,
};

/*
 * True if the regular file sfd (stat'ed as st) ends at st_size: then its
 * copy stops there, where cp 9.1 makes one more copy_file_range (and
 * zcp made a read) that returns 0.  One fstatfs per device and thread.
 */
static bool
file_size_exact(struct file_ctx *ctx, int sfd, const struct stat *st)
{
	struct statfs fs;
	size_t i;

	if (!S_ISREG(st->st_mode))
		return false;
	if (ctx->exact_known && ctx->exact_dev == st->st_dev)
		return ctx->exact;
	ctx->exact = false;
	if (fstatfs(sfd, &fs) == -1)
		return false;	/* asked again for the next file */
	for (i = 0; i < sizeof(file_exact_fs) / sizeof(file_exact_fs[0]); i++)
		if ((unsigned long)fs.f_type == file_exact_fs[i])
			ctx->exact = true;
	ctx->exact_known = true;
	ctx->exact_dev = st->st_dev;
	return ctx->exact;
}

/* Runs the chain from sfd to dfd with the clock running. */
static int
file_transfer(struct file_ctx *ctx, int sfd, const struct stat *sst,
    int dfd, const struct stat *dst_st, struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	struct engine_job job;
	double t0;
	int rc;

	memset(&job, 0, sizeof(job));
	job.src = sfd;
	job.dst = dfd;
	job.engines = file_engines(o, sst, dst_st);
	job.strict = o->engine != ENGINE_AUTO || o->reflink == REFLINK_ALWAYS;
	job.dst_is_reg = S_ISREG(dst_st->st_mode);
	job.src_is_pipe = S_ISFIFO(sst->st_mode) || S_ISSOCK(sst->st_mode);
	job.src_is_reg = S_ISREG(sst->st_mode);
	job.src_size = (uint64_t)sst->st_size;
	job.size_exact = file_size_exact(ctx, sfd, sst);
	/* splice(2) needs a pipe at one end: a socket is not one. */
	job.dst_is_pipe = S_ISFIFO(dst_st->st_mode);
	job.walk_holes = o->sparse != SPARSE_NEVER && S_ISREG(sst->st_mode) &&
	    (uint64_t)sst->st_blocks * 512 < (uint64_t)sst->st_size;
	job.make_holes = o->sparse == SPARSE_ALWAYS;
	job.blksize = (size_t)dst_st->st_blksize;
	job.buf = &ctx->buf;
	job.progress = progress_counter(ctx->run->prog);
	job.skip = file_skip(ctx, sst->st_dev, dst_st->st_dev);
	/* --verify flushes the copy too: start early, as --fsync. */
	job.sync_every = o->fsync || o->verify ? ENGINE_SYNC_EVERY : 0;
	/* --resume: on from there; a clone would copy it all again. */
	job.offset = rec->resumed;
	if (job.offset > 0)
		job.engines &= ~ENGINE_BIT(ENGINE_CLONE);

	t0 = units_now();
	rc = engine_copy(&job, &rec->eng);
	rec->data = true;
	if (job.skip != NULL)
		file_learn(ctx, &rec->eng);
	if (rc == 0 && o->fsync)
		rc = file_sync(ctx, dfd, dst_st, rec);
	rec->seconds = units_now() - t0;
	return rc;
}

/*
 * The words for a failure of an operation around the engine's calls
 * (engine.h's enum engine_op), GNU cp's where it has them: "failed to
 * extend" (ftruncate), "cannot lseek", "cannot fstat", "error reading".
 * --fsync is not GNU's; sync(1)'s "error syncing" names what failed.
 * Returns false for the engine's own calls (ENGINE_OP_COPY).
 */
static bool
file_op_fail(const struct file_ref *src, const struct file_ref *dst,
    struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	const char *s = quote(path_str(src->path));
	const char *d = quote(path_str(dst->path));

	switch (e->op) {
	case ENGINE_OP_READ:
		record_fail(rec, e->err, CPN_("error reading %s"), s);
		return true;
	case ENGINE_OP_BUFFER:
		record_fail(rec, e->err,
		    N_("cannot allocate a buffer to copy %s"), s);
		return true;
	case ENGINE_OP_PIPE:
		record_fail(rec, e->err, N_("cannot create a pipe to copy %s"),
		    s);
		return true;
	case ENGINE_OP_STAT:
		record_fail(rec, e->err, CPN_("cannot fstat %s"), s);
		return true;
	case ENGINE_OP_SEEK:
		record_fail(rec, e->err, CPN_("cannot lseek %s"),
		    e->write_failed ? d : s);
		return true;
	case ENGINE_OP_EXTEND:
		record_fail(rec, e->err, CPN_("failed to extend %s"), d);
		return true;
	case ENGINE_OP_SYNC:
		record_fail(rec, e->err, CPN_("error syncing %s"), d);
		return true;
	default:
		return false;
	}
}

/* Turns an engine failure into cp's words. */
static void
file_engine_fail(const struct options *o, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	int err = e->err;

	if (file_op_fail(src, dst, rec))
		return;
	if (e->engine == ENGINE_CLONE && o->reflink == REFLINK_ALWAYS)
		record_fail(rec, err, CPN_("failed to clone %s from %s"),
		    quote(path_str(dst->path)), quote(path_str(src->path)));
	else if (err == ENOSPC || err == EDQUOT || err == EFBIG)
		record_fail(rec, err, CPN_("error writing %s"),
		    quote(path_str(dst->path)));
	else if (e->engine != ENGINE_RW && engine_fallback_ok(err))
		/* A forced engine the kernel refused, on either side. */
		record_fail(rec, err, "%s %s -> %s", engine_name(e->engine),
		    quote(path_str(src->path)), quote(path_str(dst->path)));
	else if (e->write_failed && (e->engine == ENGINE_RW ||
	    e->moved[e->engine] == 0))
		record_fail(rec, err, CPN_("error writing %s"),
		    quote(path_str(dst->path)));
	else if (e->engine == ENGINE_RW)
		record_fail(rec, err, CPN_("error reading %s"),
		    quote(path_str(src->path)));
	else
		record_fail(rec, err, "%s %s -> %s", engine_name(e->engine),
		    quote(path_str(src->path)), quote(path_str(dst->path)));
}

/*
 * Opens the source and checks it is still the file that was stat'ed;
 * now is its stat once open.
 */
static int
file_open_src(const struct file_ref *src, const struct stat *sst,
    struct stat *now, struct file_record *rec)
{
	struct stat st;
	int fd;

	fd = openat(src->dirfd, src->name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (src->follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		record_fail(rec, errno, CPN_("cannot open %s for reading"),
		    quote(path_str(src->path)));
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_ino != sst->st_ino ||
	    st.st_dev != sst->st_dev) {
		record_fail(rec, 0,
		    CPN_("skipping file %s, as it was replaced while being "
		    "copied"),
		    quote(path_str(src->path)));
		(void)close(fd);
		return -1;
	}
	*now = st;
	return fd;
}

/*
 * New files get their base mode less the umask (the kernel applies it);
 * while the owner is not yet set under -p, no more than the owner's.
 */
static mode_t
file_create_mode(const struct options *o, const struct stat *sst)
{
	mode_t m = meta_base_mode(o, sst->st_mode);

	if (o->preserve_ownership)
		m &= S_IRWXU;
	return m;
}

/*
 * The destination names a socket zcp holds as dfd, a duplicate of its
 * descriptor (fdpath.c): the data is sent through it.  A socket is not a
 * file: no overwrite policy, no truncation, no removal, no metadata, and
 * closing the duplicate leaves the socket open.
 */
static int
file_socket(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst, int dfd,
    const struct stat *dst_st, struct file_record *rec)
{
	struct stat now;
	int sfd, rc = 0;

	rec->began = true;
	if (ctx->run->opts->verify) {
		rec->verify = VERIFY_SKIPPED;
		rec->verify_why = N_("the destination is a socket");
	}
	if ((sfd = file_open_src(src, sst, &now, rec)) == -1) {
		(void)close(dfd);
		return -1;
	}
	if (!ctx->run->opts->attributes_only &&
	    (rc = file_transfer(ctx, sfd, &now, dfd, dst_st, rec)) == -1)
		file_engine_fail(ctx->run->opts, src, dst, rec);
	(void)close(sfd);
	(void)close(dfd);
	return rc;
}

/*
 * If dst names a socket zcp holds (fdpath.c), copies src into it.
 * Returns 1 if it does not, else 0 or -1 (rec filled).
 */
static int
file_to_socket(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	struct stat dst_st;
	int dfd;

	if ((dfd = fdpath_socket(dst->dirfd, dst->name, &dst_st)) != -1)
		return file_socket(ctx, src, sst, dst, dfd, &dst_st, rec);
	if (errno != 0) {
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	return 1;
}

/* Where the data of one regular copy goes. */
struct file_out {
	int		 fd;
	struct stat	 st;		/* what the engines need of it */
	bool		 created;	/* new: its mode is ours to set */
	uint64_t	 have;		/* bytes it holds (--resume) */
	struct atomic_file a;		/* --atomic's file */
};

/*
 * Opens the destination for the data, or under --atomic the file that
 * becomes it (whose directory, if sync_late, is flushed at the end with
 * the tree's, not after its rename).  0, or -1 (rec filled).
 */
static int
file_out_open(const struct options *o, const struct stat *sst,
    const struct file_ref *dst, const struct dest_state *ds, bool sync_late,
    struct file_out *out, struct file_record *rec)
{
	mode_t mode = file_create_mode(o, sst);
	bool atomic = ds->atomic;

	if (atomic) {
		out->fd = atomic_open(o, dst, ds, mode, &out->a, rec);
		out->a.dir_later = sync_late;
		/* Replacing a file: its mode comes from atomic_inherit(). */
		out->created = !ds->exists;
		out->have = out->a.size;
	} else {
		out->fd = dest_open(o, dst, ds, mode, &out->created, rec);
		out->have = !out->created && ds->exists &&
		    S_ISREG(ds->st.st_mode) ? (uint64_t)ds->st.st_size : 0;
	}
	if (atomic || out->created) {
		/* A new regular file: no need to ask the kernel. */
		memset(&out->st, 0, sizeof(out->st));
		out->st.st_dev = ds->exists ? ds->st.st_dev : dst->dev;
		out->st.st_mode = S_IFREG;
		out->st.st_blksize = sst->st_blksize;
	} else
		out->st = ds->st;
	return out->fd == -1 ? -1 : 0;
}

/* --verify: reads the copy back from the disk.  0 or -1 (rec filled). */
static int
file_verify(struct file_ctx *ctx, int sfd, const struct stat *sst,
    const struct file_out *out, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	struct verify_job v = { .src = sfd, .dst = out->fd, .sst = sst,
	    .dst_is_reg = S_ISREG(out->st.st_mode), .synced = rec->synced,
	    .shared = rec->eng.cloned || rec->eng.moved[ENGINE_CFR] > 0,
	    .bytes = rec->eng.bytes + rec->resumed };
	unsigned *verifying = progress_verifying(ctx->run->prog);
	int rc;

	if (verifying != NULL)
		__atomic_add_fetch(verifying, 1, __ATOMIC_RELAXED);
	rc = verify_copy(&v, src, dst, rec);
	if (verifying != NULL)
		__atomic_sub_fetch(verifying, 1, __ATOMIC_RELAXED);
	return rc;
}

/*
 * The data of one regular copy: --resume's decision, the engines, the
 * --verify check.  0, or -1 (rec filled).
 */
static int
file_fill(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, int sfd, const struct file_ref *dst,
    struct file_out *out, struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	uint64_t *kept = progress_kept(ctx->run->prog);
	bool marked = false;

	if (o->attributes_only)
		return 0;
	if (o->resume && S_ISREG(out->st.st_mode)) {
		if (resume_prepare(o, sfd, sst, out->fd, out->have, &marked,
		    dst->path, rec) == -1)
			return -1;
		if (rec->resumed > 0 && kept != NULL)
			__atomic_fetch_add(kept, rec->resumed,
			    __ATOMIC_RELAXED);
	}
	if (file_transfer(ctx, sfd, sst, out->fd, &out->st, rec) == -1) {
		file_engine_fail(o, src, dst, rec);
		return -1;
	}
	if (o->verify && file_verify(ctx, sfd, sst, out, src, dst,
	    rec) == -1)
		return -1;
	if (marked)
		resume_done(out->fd);
	return 0;
}

/*
 * --fsync, a regular file of a tree, its data and attributes written:
 * under --atomic (before the rename that puts it in place), or where
 * file systems are not flushed whole (durable.h), its data is flushed
 * now; a file written into where the walk did not make it has its file
 * system noted (a link may lead elsewhere).  0, or -1 (rec filled).
 */
static int
file_sync_late(struct file_ctx *ctx, const struct file_out *out,
    bool atomic, const struct file_ref *dst, struct file_record *rec)
{
	struct durable *d = ctx->run->durable;

	if (!S_ISREG(out->st.st_mode) || ctx->run->opts->attributes_only)
		return 0;
	if (atomic || durable_per_file(d)) {
		if (fdatasync(out->fd) == 0)
			return 0;
		record_fail(rec, errno, CPN_("error syncing %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	if (out->created || durable_note(d, out->fd, 0, dst->path) == 0)
		return 0;
	record_fail(rec, errno, CPN_("error syncing %s"),
	    quote(path_str(dst->path)));
	return -1;
}

/* Copies the data of a regular (or special, read as data) file. */
static int
file_regular_data(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct dest_state *ds, struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	struct meta_target t;
	struct file_out out;
	struct stat now;
	int sfd, rc;

	if ((sfd = file_open_src(src, sst, &now, rec)) == -1)
		return -1;
	if (file_out_open(o, sst, dst, ds, ctx->sync_late, &out, rec) == -1) {
		(void)close(sfd);
		return -1;
	}
	/* (The data as it is now: the engines' size, holes.) */
	rc = file_fill(ctx, src, &now, sfd, dst, &out, rec);
	if (rc == 0 && ds->atomic)
		rc = atomic_inherit(o, &out.a, ds, rec);
	if (rc == 0) {
		t = (struct meta_target){ .fd = out.fd, .dirfd = dst->dirfd,
		    .name = dst->name, .src_path = src->path, .src_fd = sfd,
		    .created = out.created };
		rc = meta_set(o, &t, sst, rec);
	}
	(void)close(sfd);
	if (rc == 0 && ctx->sync_late)
		rc = file_sync_late(ctx, &out, ds->atomic, dst, rec);
	if (ds->atomic && rc == 0)
		return atomic_commit(o, &out.a, dst, rec);
	if (ds->atomic) {
		/* A partial file is kept, unless its data proved wrong. */
		atomic_discard(&out.a, rec->verify != VERIFY_FAILED, dst, rec);
		return -1;
	}
	if (close(out.fd) == -1 && rc == 0) {
		record_fail(rec, errno, CPN_("failed to close %s"),
		    quote(path_str(dst->path)));
		rc = -1;
	}
	return rc;
}

/*
 * Whether the existing destination of the parallel walk is a file that
 * other names may lead to (dst a symbolic link to it, or one of its hard
 * links): written into in cp's order then (alias.h).
 */
static bool
file_aliased(const struct alias_order *aliases, const struct file_ref *dst,
    const struct dest_state *ds)
{
	struct stat st;

	if (aliases == NULL || ds->atomic || !ds->exists ||
	    !S_ISREG(ds->st.st_mode))
		return false;
	return ds->st.st_nlink > 1 || (fstatat(dst->dirfd, dst->name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
}

/*
 * Writes the source at path again into dst, after a write that cp makes
 * before it (alias.h): its data and attributes, not reported unless it
 * fails (then rec, the earlier write's record, says so).
 */
static int
file_again(struct file_ctx *ctx, const char *path,
    const struct file_ref *dst, const struct dest_state *ds,
    struct file_record *rec)
{
	bool follow = ctx->run->opts->deref == DEREF_ALWAYS;
	struct file_record r;
	struct file_ref s;
	struct path sp;
	struct stat st;
	int rc;

	path_init(&sp, NULL, path);
	s = (struct file_ref){ .dirfd = AT_FDCWD, .name = path, .path = &sp,
	    .follow = follow };
	if (fstatat(AT_FDCWD, path, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) ==
	    -1 || !S_ISREG(st.st_mode))
		return 0;	/* gone or changed: as if copied before */
	record_init(&r, &sp, dst->path, FILE_KIND_FILE);
	/* (A failure of the earlier write is the one said.) */
	if ((rc = file_regular_data(ctx, &s, &st, dst, ds, &r)) == -1 &&
	    rec->status != FILE_FAILED) {
		record_fail(rec, 0, "%s", r.msg != NULL ? r.msg :
		    "cannot copy");
		free(rec->msg_c);	/* and r's English, for --json */
		rec->msg_c = r.msg_c;
		r.msg_c = NULL;
		rec->err = r.err;
	}
	record_free(&r);
	return rc;
}

/*
 * A regular copy.  One into a file other destinations share waits for
 * any other write into it, and if cp makes it before one already made,
 * that one is made again after it (alias.h): the file ends as with cp.
 */
static int
file_regular(struct file_ctx *ctx, const struct copy_job *job,
    const struct dest_state *ds, struct file_record *rec)
{
	const struct file_ref *src = &job->src, *dst = &job->dst;
	struct alias_file *f;
	char *again;
	int rc;

	if (!file_aliased(job->aliases, dst, ds))
		return file_regular_data(ctx, src, &job->st, dst, ds, rec);
	alias_begin(job->aliases, path_str(src->path), &f, &again,
	    ds->st.st_dev, ds->st.st_ino);
	rc = file_regular_data(ctx, src, &job->st, dst, ds, rec);
	if (again != NULL && file_again(ctx, again, dst, ds, rec) == -1)
		rc = -1;
	free(again);
	alias_end(job->aliases, f, rc == 0);
	return rc;
}

/* Sets path-based metadata on a link or special file just made. */
static int
file_made(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	struct meta_target t = { .fd = -1, .dirfd = dst->dirfd,
	    .name = dst->name, .src_path = src->path, .src_fd = -1,
	    .created = true };

	return meta_set(ctx->run->opts, &t, sst, rec);
}

static int
file_do_symlink(const void *arg, int dirfd, const char *name)
{
	return symlinkat(arg, dirfd, name);
}

/* The target of the symbolic link src (malloc'd), or NULL (rec filled). */
static char *
file_readlink(const struct file_ref *src, const struct stat *sst,
    struct file_record *rec)
{
	size_t size = sst->st_size > 0 ? (size_t)sst->st_size + 1 : 4096;
	char *target;
	ssize_t n;

	if ((target = malloc(size)) == NULL) {
		record_fail(rec, ENOMEM, CPN_("cannot read symbolic link %s"),
		    quote(path_str(src->path)));
		return NULL;
	}
	n = readlinkat(src->dirfd, src->name, target, size);
	if (n < 0 || (size_t)n >= size) {
		record_fail(rec, n < 0 ? errno : ENAMETOOLONG,
		    CPN_("cannot read symbolic link %s"),
		    quote(path_str(src->path)));
		free(target);
		return NULL;
	}
	target[n] = '\0';
	return target;
}

/* True if dst (whose stat is st) is already a link to target (-u). */
static bool
file_same_link(const struct file_ref *dst, const struct stat *st,
    const char *target)
{
	size_t n = strlen(target);
	char *buf;
	bool same;

	if (!S_ISLNK(st->st_mode) || (size_t)st->st_size != n ||
	    (buf = malloc(n + 1)) == NULL)
		return false;
	same = readlinkat(dst->dirfd, dst->name, buf, n + 1) == (ssize_t)n &&
	    memcmp(buf, target, n) == 0;
	free(buf);
	return same;
}

/* Copies a symbolic link as a link (-f replaces what is in the way). */
static int
file_symlink(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct dest_state *ds, struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	char *target;
	int rc;

	if ((target = file_readlink(src, sst, rec)) == NULL)
		return -1;
	rc = dest_link(dst, o->unlink_failed, file_do_symlink, target);
	/* -u: a link that is already the same is left (as cp does). */
	if (rc == -1 && errno == EEXIST && o->update == UPDATE_OLDER &&
	    ds->exists && file_same_link(dst, &ds->st, target))
		rc = 0;
	free(target);
	if (rc == -1) {
		record_fail(rec, errno, CPN_("cannot create symbolic link %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	return file_made(ctx, src, sst, dst, rec);
}

/* Recreates a FIFO, device or socket (-R without --copy-contents). */
static int
file_special(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	if (mknodat(dst->dirfd, dst->name, (sst->st_mode & S_IFMT) |
	    meta_base_mode(ctx->run->opts, sst->st_mode), sst->st_rdev) == -1) {
		record_fail(rec, errno, S_ISFIFO(sst->st_mode) ?
		    CPN_("cannot create fifo %s") :
		    CPN_("cannot create special file %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	return file_made(ctx, src, sst, dst, rec);
}

/* What linkat(2) needs, for dest_link(). */
struct file_link {
	int		 dirfd;
	const char	*name;
	int		 flags;
};

static int
file_do_link(const void *arg, int dirfd, const char *name)
{
	const struct file_link *l = arg;

	return linkat(l->dirfd, l->name, dirfd, name, l->flags);
}

/*
 * Makes dst a hard link to the file at l; a file in the way is replaced
 * with replace.  Returns 0 or -1 (rec filled).
 */
static int
file_hardlink(const struct file_ref *src, const struct file_link *l,
    bool replace, const struct file_ref *dst, struct file_record *rec)
{
	int rc = dest_link(dst, replace, file_do_link, l);

	if (rc == -1) {
		record_fail(rec, errno,
		    CPN_("cannot create hard link %s to %s"),
		    quote(path_str(dst->path)), quote(path_str(src->path)));
		return -1;
	}
	return 0;
}

/*
 * -s: the target of dst's link, the source's name (malloc'd), or NULL
 * (rec filled): as cp, a relative one only in the current directory.
 */
static char *
file_symlink_target(const struct file_ref *src, const struct file_ref *dst,
    struct file_record *rec)
{
	const char *dpath = path_str(dst->path), *slash = strrchr(dpath, '/');
	char *target = path_dup(src->path), *dir;
	struct stat dot, parent;
	bool here;

	if (target == NULL) {
		record_fail(rec, ENOMEM, CPN_("cannot create symbolic link %s"),
		    quote(path_str(dst->path)));
		return NULL;
	}
	here = slash == NULL || target[0] == '/';

	/* (--dry-run: a directory it would make is not this one.) */
	if (!here && dst->dirfd != -1) {
		dir = strndup(dpath, (size_t)(slash - dpath) + 1);
		here = dir == NULL || stat(".", &dot) != 0 ||
		    stat(dir, &parent) != 0 || (dot.st_dev == parent.st_dev &&
		    dot.st_ino == parent.st_ino);
		free(dir);
	}
	if (!here) {
		record_fail(rec, 0, CPN_("%s: can make relative symbolic "
		    "links only in current directory"),
		    quote_if_needed(path_str(dst->path)));
		free(target);
		return NULL;
	}
	return target;
}

/* -s: makes dst a symbolic link to the source's name. */
static int
file_symlink_to(struct file_ctx *ctx, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	char *target;
	int rc;

	if ((target = file_symlink_target(src, dst, rec)) == NULL)
		return -1;
	rc = dest_link(dst, ctx->run->opts->unlink_failed, file_do_symlink,
	    target);
	if (rc == -1)
		record_fail(rec, errno,
		    CPN_("cannot create symbolic link %s to %s"),
		    quote(path_str(dst->path)), quote(target));
	free(target);
	return rc < 0 ? -1 : 0;
}

/* What src becomes at the destination. */
static enum dest_make
file_make_kind(const struct options *o, const struct stat *sst)
{
	if (o->sym_link)
		return DEST_SOFTLINK;
	if (o->hard_link)
		return DEST_HARDLINK;
	/* As cp: without -r (or with --copy-contents) specials are read. */
	if (S_ISREG(sst->st_mode) || (!S_ISLNK(sst->st_mode) &&
	    (!o->recursive || o->copy_contents)))
		return DEST_DATA;
	return S_ISLNK(sst->st_mode) ? DEST_SYMLINK : DEST_SPECIAL;
}

static enum file_kind
file_kind_of(enum dest_make make, const struct stat *sst)
{
	switch (make) {
	case DEST_SOFTLINK:
	case DEST_SYMLINK:
		return FILE_KIND_SYMLINK;
	case DEST_HARDLINK:
		return S_ISLNK(sst->st_mode) ? FILE_KIND_SYMLINK :
		    S_ISREG(sst->st_mode) ? FILE_KIND_FILE : FILE_KIND_SPECIAL;
	case DEST_DATA:
		return S_ISREG(sst->st_mode) ? FILE_KIND_FILE :
		    FILE_KIND_SPECIAL;
	default:
		return FILE_KIND_SPECIAL;
	}
}

/*
 * --dry-run: the data of job would go into the file ds says is there:
 * replaced by a new file (--atomic), or written, its time then the
 * source's (-p) or now.
 */
static void
file_dry_data(struct file_ctx *ctx, const struct copy_job *job,
    const struct dest_state *ds)
{
	struct timespec now;

	if (!ds->exists)
		return;
	if (ds->atomic) {
		dry_unlinked(ds->dry, &ds->st);
		return;
	}
	if (ctx->run->opts->preserve_timestamps)
		now = job->st.st_mtim;
	else if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return;
	dry_written(ds->dry, &ds->st, &now);
}

/*
 * --dry-run: the copy of job would be made (as make says).  Kept in the
 * dry run's world where a later operand may meet it (with two or more,
 * as cp keeps what each made).
 */
static void
file_dry_made(struct file_ctx *ctx, const struct copy_job *job,
    enum dest_make make)
{
	const struct options *o = ctx->run->opts;
	struct stat st = job->st;

	if (ctx->run->made == NULL)
		return;
	if (make == DEST_SOFTLINK || make == DEST_SYMLINK)
		st.st_mode = S_IFLNK | 0777;
	else if (make == DEST_DATA)
		st.st_mode = S_IFREG | (st.st_mode & 07777);
	if (!o->preserve_timestamps)
		(void)clock_gettime(CLOCK_REALTIME, &st.st_mtim);
	dry_made(ctx->run->dry, path_str(job->dst.path), &st,
	    make != DEST_HARDLINK);
}

/*
 * --dry-run: the message of a link or special file that could not be
 * made at dst (errno e), target the link's.
 */
static void
file_dry_fail(const struct copy_job *job, enum dest_make make, int e,
    const char *target, struct file_record *rec)
{
	const char *d = quote(path_str(job->dst.path));

	if (make == DEST_HARDLINK)
		record_fail(rec, e, CPN_("cannot create hard link %s to %s"),
		    d, quote(path_str(job->src.path)));
	else if (make == DEST_SOFTLINK)
		record_fail(rec, e, CPN_("cannot create symbolic link %s to %s"),
		    d, quote(target));
	else if (make == DEST_SYMLINK)
		record_fail(rec, e, CPN_("cannot create symbolic link %s"), d);
	else
		record_fail(rec, e, S_ISFIFO(job->st.st_mode) ?
		    CPN_("cannot create fifo %s") :
		    CPN_("cannot create special file %s"), d);
}

/*
 * --dry-run: what file_make() would find without making anything: the
 * source can be opened (data) or read (a link), a relative -s link is
 * in the current directory, the destination's directory is there, a
 * link made without -f finds nothing in its way.  0 or -1 (rec filled).
 */
static int
file_dry(struct file_ctx *ctx, const struct copy_job *job,
    enum dest_make make, const struct dest_state *ds,
    struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	char *target = NULL;
	bool replace;
	struct stat now;
	int fd, e;

	if (make == DEST_DATA) {
		if ((fd = file_open_src(&job->src, &job->st, &now, rec)) == -1)
			return -1;
		(void)close(fd);
		if (dest_dry_open(o, &job->dst, ds, rec) == -1)
			return -1;
		file_dry_data(ctx, job, ds);
		file_dry_made(ctx, job, make);
		return 0;
	}
	if (make == DEST_SYMLINK &&
	    (target = file_readlink(&job->src, &job->st, rec)) == NULL)
		return -1;
	if (make == DEST_SOFTLINK && (target = file_symlink_target(&job->src,
	    &job->dst, rec)) == NULL)
		return -1;
	/* A link replaces what is in its way with -f; mknod never does. */
	replace = make != DEST_SPECIAL && (o->unlink_failed ||
	    (make == DEST_HARDLINK && o->interactive == INTERACTIVE_ASK));
	if (ds->exists)
		e = replace ? 0 : EEXIST;
	else if ((e = dest_dry_where(ds->dry, &job->dst, false)) == 0 &&
	    !replace && rec->backup == NULL && !rec->removed &&
	    dest_dry_there(&job->dst))
		e = EEXIST;	/* a dangling link in the way */
	if (e != 0)
		file_dry_fail(job, make, e, target, rec);
	else
		file_dry_made(ctx, job, make);
	free(target);
	return e != 0 ? -1 : 0;
}

/* Makes the job's destination as make says, once dest_check() let it. */
static int
file_make(struct file_ctx *ctx, const struct copy_job *job,
    enum dest_make make, const struct dest_state *ds,
    struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	const struct file_ref *src = &job->src, *dst = &job->dst;
	const struct stat *sst = &job->st;
	struct file_link l = { .dirfd = src->dirfd, .name = src->name,
	    .flags = src->follow ? AT_SYMLINK_FOLLOW : 0 };

	if (o->dry_run)
		return file_dry(ctx, job, make, ds, rec);
	switch (make) {
	case DEST_SOFTLINK:
		return file_symlink_to(ctx, src, dst, rec);
	case DEST_HARDLINK:
		return file_hardlink(src, &l, o->unlink_failed ||
		    o->interactive == INTERACTIVE_ASK, dst, rec);
	case DEST_SYMLINK:
		return file_symlink(ctx, src, sst, dst, ds, rec);
	case DEST_SPECIAL:
		return file_special(ctx, src, sst, dst, rec);
	default:
		return file_regular(ctx, job, ds, rec);
	}
}

/*
 * Whether src joins --preserve=links' table, as cp decides: files with
 * other names, and with -L (or -H, for operands) any file, since two
 * names followed may lead to one.
 */
static bool
file_linked(const struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst)
{
	const struct options *o = ctx->run->opts;
	enum deref_mode d = dest_deref(o, src);

	return o->preserve_links && !o->hard_link && ctx->run->links != NULL &&
	    (sst->st_nlink > 1 || d == DEREF_ALWAYS || d == DEREF_ARGS);
}

/*
 * The earlier copy of src's inode, if any, becomes dst: a hard link that
 * replaces what is there (ds: what dest_check() left there, for
 * --dry-run, which makes no link).  Returns 1 if linked (or failed: rec
 * says), 0 if src is the first of its inode (the caller makes it and
 * calls links_done()).
 */
static int
file_link_earlier(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct dest_state *ds, struct file_record *rec)
{
	struct file_link l = { .dirfd = AT_FDCWD };
	char *first;
	int rc;

	switch (links_find_or_add(ctx->run->links, sst->st_dev, sst->st_ino,
	    path_str(dst->path), &first)) {
	case 0:
		return 0;
	case -1:
		record_fail(rec, errno, N_("cannot copy %s"),
		    quote(path_str(src->path)));
		return 1;
	}
	l.name = first;
	/* As cp: a link followed to get here is followed there too. */
	if (dest_deref(ctx->run->opts, src) != DEREF_NEVER)
		l.flags = AT_SYMLINK_FOLLOW;
	if (ctx->run->opts->dry_run) {
		if ((rc = ds->exists))
			dry_unlinked(ds->dry, &ds->st);
	} else
		rc = dest_link(dst, true, file_do_link, &l);
	if (rc == -1)
		record_fail(rec, errno,
		    CPN_("cannot create hard link %s to %s"),
		    quote(path_str(dst->path)), quote(first));
	else if (rc == 1)
		rec->removed_after = true;
	rec->relinked = rc != -1;
	free(first);
	return 1;
}

/*
 * -u left dst as it is; as cp, it still stands for its inode, and a
 * later name of that inode that is left too becomes a link to it.
 */
static int
file_uptodate(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct dest_state *ds, struct file_record *rec)
{
	enum deref_mode d = dest_deref(ctx->run->opts, src);

	rec->status = FILE_SKIPPED;
	rec->kept = true;
	/* Only another name can find it again: one of a link group, or
	 * one reached by following a link. */
	if (ctx->run->links == NULL || (sst->st_nlink < 2 &&
	    d != DEREF_ALWAYS && d != DEREF_ARGS))
		return 0;
	if (file_link_earlier(ctx, src, sst, dst, ds, rec) == 0) {
		links_done(ctx->run->links, sst->st_dev, sst->st_ino, true);
		return 0;
	}
	return rec->status == FILE_FAILED ? -1 : 0;
}

/*
 * dest.c's verdict on the job's destination.  It reads the backup mode
 * from the options: a job whose destination must not be backed up (cp
 * -bf f f, copied to the backup name) gets them without one.
 */
static enum dest_verdict
file_check(struct file_ctx *ctx, const struct copy_job *job,
    enum dest_make make, struct dest_state *ds, struct file_record *rec)
{
	const struct options *o = ctx->run->opts;
	struct options nob;

	if (job->no_backup) {
		nob = *o;
		nob.backup = BACKUP_NONE;
		o = &nob;
	}
	return dest_check(o, ctx->run->made, ctx->run->dry, &job->src,
	    &job->st, &job->dst, make, ds, rec);
}

int
file_copy(struct file_ctx *ctx, const struct copy_job *job,
    struct file_record *rec)
{
	const struct file_ref *src = &job->src, *dst = &job->dst;
	const struct stat *sst = &job->st;
	enum dest_make make = file_make_kind(ctx->run->opts, sst);
	struct dest_state ds;
	int rc;

	record_init(rec, src->path, dst->path, file_kind_of(make, sst));
	ctx->sync_late = ctx->run->durable != NULL && !src->operand;
	/* A socket zcp holds, named as /dev/stdout: no policy applies. */
	if (make == DEST_DATA && (rc = file_to_socket(ctx, src, sst, dst,
	    rec)) != 1)
		return rc;
	switch (file_check(ctx, job, make, &ds, rec)) {
	case DEST_FAIL:
		return -1;
	case DEST_SKIP:
		rec->kept = true;
		rec->status = FILE_SKIPPED;
		return 0;
	case DEST_NOOP:
		rec->status = FILE_SKIPPED;
		return 0;
	case DEST_UPTODATE:
		return file_uptodate(ctx, src, sst, dst, &ds, rec);
	case DEST_GO:
		break;
	}
	rec->began = true;
	if (!file_linked(ctx, src, sst))
		rc = file_make(ctx, job, make, &ds, rec);
	else if (file_link_earlier(ctx, src, sst, dst, &ds, rec) == 1)
		rc = rec->status == FILE_FAILED ? -1 : 0;
	else {
		rc = file_make(ctx, job, make, &ds, rec);
		links_done(ctx->run->links, sst->st_dev, sst->st_ino, rc == 0);
	}
	dest_unbackup(dst, &ds, rc == -1, rec);
	return rc;
}
