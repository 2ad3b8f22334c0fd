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
#include <unistd.h>

#include "compat.h"
#include "dest.h"
#include "file.h"
#include "quote.h"
#include "units.h"
#include "xattr.h"

/* Opens the destination.  Returns the fd, or -1 (rec filled). */
static int
file_open_dst(const struct options *o, const struct file_ref *dst,
    bool exists, mode_t mode, bool *created, struct file_record *rec)
{
	int fd, trunc = o->attributes_only ? 0 : O_TRUNC;

	*created = false;
	if (exists) {
		fd = openat(dst->dirfd, dst->name,
		    O_WRONLY | trunc | O_CLOEXEC | O_NOCTTY);
		if (fd != -1)
			return fd;
		if (!o->unlink_failed || errno == ENOENT) {
			if (errno != ENOENT)
				goto fail;
		} else if (dest_remove(dst, rec) == -1)
			return -1;
	}
	fd = openat(dst->dirfd, dst->name,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
	if (fd != -1) {
		*created = true;
		return fd;
	}
fail:
	/* "new/" is refused with EISDIR; cp says what is wrong with it. */
	if (errno == EISDIR && dst->name[0] != '\0' &&
	    dst->name[strlen(dst->name) - 1] == '/')
		errno = ENOTDIR;
	record_fail(rec, errno, "cannot create regular file %s",
	    quote(path_str(dst->path)));
	return -1;
}

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

/* Runs the chain from sfd to dfd with the clock running. */
static int
file_transfer(struct file_ctx *ctx, int sfd, const struct stat *sst,
    int dfd, const struct stat *dst_st, struct file_record *rec)
{
	const struct options *o = ctx->opts;
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
	job.dst_is_pipe = S_ISFIFO(dst_st->st_mode) ||
	    S_ISSOCK(dst_st->st_mode);
	job.walk_holes = o->sparse != SPARSE_NEVER && S_ISREG(sst->st_mode) &&
	    (uint64_t)sst->st_blocks * 512 < (uint64_t)sst->st_size;
	job.make_holes = o->sparse == SPARSE_ALWAYS;
	job.blksize = (size_t)dst_st->st_blksize;
	job.buf = &ctx->buf;
	job.progress = ctx->progress;
	job.skip = file_skip(ctx, sst->st_dev, dst_st->st_dev);
	job.sync_every = o->fsync ? ENGINE_SYNC_EVERY : 0;

	t0 = units_now();
	rc = engine_copy(&job, &rec->eng);
	rec->data = true;
	if (job.skip != NULL)
		file_learn(ctx, &rec->eng);
	if (rc == 0 && o->fsync && (S_ISREG(dst_st->st_mode) ||
	    S_ISBLK(dst_st->st_mode))) {
		if (fsync(dfd) == -1) {
			rec->eng.err = errno;
			rec->eng.write_failed = true;
			rc = -1;
		} else
			rec->synced = true;
	}
	rec->seconds = units_now() - t0;
	return rc;
}

/* Turns an engine failure into cp's words. */
static void
file_engine_fail(const struct options *o, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	const struct engine_result *e = &rec->eng;
	int err = e->err;

	if (e->engine == ENGINE_CLONE && o->reflink == REFLINK_ALWAYS)
		record_fail(rec, err, "failed to clone %s from %s",
		    quote(path_str(dst->path)), quote(path_str(src->path)));
	else if (err == ENOSPC || err == EDQUOT || err == EFBIG)
		record_fail(rec, err, "error writing %s", quote(path_str(dst->path)));
	else if (e->engine != ENGINE_RW && engine_fallback_ok(err))
		/* A forced engine the kernel refused, on either side. */
		record_fail(rec, err, "%s %s -> %s", engine_name(e->engine),
		    quote(path_str(src->path)), quote(path_str(dst->path)));
	else if (e->write_failed && (e->engine == ENGINE_RW ||
	    e->moved[e->engine] == 0))
		record_fail(rec, err, "error writing %s", quote(path_str(dst->path)));
	else if (e->engine == ENGINE_RW)
		record_fail(rec, err, "error reading %s", quote(path_str(src->path)));
	else
		record_fail(rec, err, "%s %s -> %s", engine_name(e->engine),
		    quote(path_str(src->path)), quote(path_str(dst->path)));
}

static int
file_times(const struct file_target *t, const struct stat *sst)
{
	struct timespec ts[2] = { sst->st_atim, sst->st_mtim };

	if (t->fd >= 0)
		return futimens(t->fd, ts);
	return utimensat(t->dirfd, t->name, ts, AT_SYMLINK_NOFOLLOW);
}

static int
file_chown(const struct file_target *t, uid_t uid, gid_t gid)
{
	if (t->fd >= 0)
		return fchown(t->fd, uid, gid);
	return fchownat(t->dirfd, t->name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/*
 * -p ownership, as cp: an unprivileged user keeps at least the group, and
 * the file then loses its set-ID and sticky bits.  Returns 0, 1 if the
 * owner could not be kept (silently), -1 on failure (rec filled).
 */
static int
file_owner(const struct options *o, const struct file_target *t,
    const struct stat *sst, struct file_record *rec)
{
	int e;

	if (file_chown(t, sst->st_uid, sst->st_gid) == 0)
		return 0;
	e = errno;
	if ((e == EPERM || e == EINVAL) && geteuid() != 0) {
		(void)file_chown(t, (uid_t)-1, sst->st_gid);
		return 1;
	}
	record_fail(rec, e, "failed to preserve ownership for %s",
	    quote(path_str(rec->dst)));
	return o->require_preserve ? -1 : 1;
}

/* Copies xattrs of the given set; reports as cp does.  0 or -1. */
static int
file_xattrs(const struct options *o, const struct file_target *t,
    enum xattr_set set, struct file_record *rec)
{
	struct xattr_end s = { t->src_fd, NULL };
	struct xattr_end d = { t->fd, NULL };
	const char *what;
	int e;

	if (s.fd < 0)
		s.path = path_str(t->src_path);
	if (d.fd < 0)
		d.path = path_str(rec->dst);
	if (xattr_copy(&s, &d, set, &what) == 0)
		return 0;
	e = errno;
	if (set == XATTR_ACL) {
		record_fail(rec, e, "preserving permissions for %s",
		    quote(path_str(rec->dst)));
		return o->require_preserve ? -1 : 0;
	}
	if (o->require_xattr) {
		record_fail(rec, e, "%s attributes for %s", what,
		    quote(path_str(strcmp(what, "setting") == 0 ? rec->dst :
		    rec->src)));
		return -1;
	}
	if (!o->quiet_xattr && e != ENOTSUP && e != ENODATA)
		record_warn(rec, e, "%s attributes for %s", what,
		    quote(path_str(strcmp(what, "setting") == 0 ? rec->dst :
		    rec->src)));
	return 0;
}

int
file_metadata(const struct options *o, const struct file_target *t,
    const struct stat *sst, struct file_record *rec)
{
	mode_t mode = sst->st_mode & 07777;
	bool link = S_ISLNK(sst->st_mode);
	int r;

	if (o->preserve_timestamps && file_times(t, sst) == -1 &&
	    !(link && errno == EOPNOTSUPP)) {
		record_fail(rec, errno, "preserving times for %s",
		    quote(path_str(rec->dst)));
		if (o->require_preserve)
			return -1;
	}
	if (o->preserve_ownership) {
		if ((r = file_owner(o, t, sst, rec)) == -1)
			return -1;
		if (r == 1)
			mode &= ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX);
	}
	/* Created owner-only for the chown: now the mode it should have. */
	if (!o->preserve_mode && o->preserve_ownership && t->created &&
	    !link && (t->fd >= 0 ? fchmod(t->fd, file_base_mode(o,
	    sst->st_mode) & ~o->umask) : fchmodat(t->dirfd, t->name,
	    file_base_mode(o, sst->st_mode) & ~o->umask, 0)) == -1) {
		record_fail(rec, errno, "setting permissions for %s",
		    quote(path_str(rec->dst)));
		return -1;
	}
	if (o->preserve_xattr) {
		/* An unprivileged owner needs write permission to set them. */
		bool lend = t->fd >= 0 && !(sst->st_mode & S_IWUSR) &&
		    geteuid() != 0 && fchmod(t->fd, S_IRUSR | S_IWUSR) == 0;

		r = file_xattrs(o, t, XATTR_PLAIN, rec);
		if (lend)	/* back to the mode it has without -p */
			(void)fchmod(t->fd, file_base_mode(o, sst->st_mode) &
			    ~o->umask);
		if (r == -1)
			return -1;
	}
	if (!o->preserve_mode || link)
		return 0;
	if ((t->fd >= 0 ? fchmod(t->fd, mode) :
	    fchmodat(t->dirfd, t->name, mode, 0)) == -1) {
		record_fail(rec, errno, "preserving permissions for %s",
		    quote(path_str(rec->dst)));
		return o->require_preserve ? -1 : 0;
	}
	return file_xattrs(o, t, XATTR_ACL, rec);
}

/* Opens the source and checks it is still the file that was stat'ed. */
static int
file_open_src(const struct file_ref *src, const struct stat *sst,
    struct file_record *rec)
{
	struct stat st;
	int fd;

	fd = openat(src->dirfd, src->name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (src->follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		record_fail(rec, errno, "cannot open %s for reading",
		    quote(path_str(src->path)));
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_ino != sst->st_ino ||
	    st.st_dev != sst->st_dev) {
		record_fail(rec, 0,
		    "skipping file %s, as it was replaced while being copied",
		    quote(path_str(src->path)));
		(void)close(fd);
		return -1;
	}
	return fd;
}

mode_t
file_base_mode(const struct options *o, mode_t m)
{
	if (o->no_preserve_mode)
		return S_ISDIR(m) ? 0777 : 0666;
	return m & (S_ISDIR(m) ? 01777 : 0777);
}

/*
 * New files get their base mode less the umask (the kernel applies it);
 * while the owner is not yet set under -p, no more than the owner's.
 */
static mode_t
file_create_mode(const struct options *o, const struct stat *sst)
{
	mode_t m = file_base_mode(o, sst->st_mode);

	if (o->preserve_ownership)
		m &= S_IRWXU;
	return m;
}

/* Copies the data of a regular (or special, read as data) file. */
static int
file_regular(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	const struct options *o = ctx->opts;
	struct file_target t;
	struct stat dst_st;
	int sfd, dfd, rc;
	bool exists, created;

	if ((rc = dest_prepare(ctx, src, sst, dst, DEST_WRITE, &exists,
	    &dst_st, rec)) <= 0)
		return rc;
	if ((sfd = file_open_src(src, sst, rec)) == -1)
		return -1;
	if ((dfd = file_open_dst(o, dst, exists, file_create_mode(o, sst),
	    &created, rec)) == -1) {
		(void)close(sfd);
		return -1;
	}
	if (created) {
		/* A new regular file: no need to ask the kernel. */
		memset(&dst_st, 0, sizeof(dst_st));
		dst_st.st_dev = dst->dev;
		dst_st.st_mode = S_IFREG;
		dst_st.st_blksize = sst->st_blksize;
	}
	rc = 0;
	if (!o->attributes_only &&
	    (rc = file_transfer(ctx, sfd, sst, dfd, &dst_st, rec)) == -1)
		file_engine_fail(o, src, dst, rec);
	if (rc == 0) {
		t = (struct file_target){ dfd, dst->dirfd, dst->name,
		    src->path, sfd, created };
		rc = file_metadata(o, &t, sst, rec);
	}
	(void)close(sfd);
	if (close(dfd) == -1 && rc == 0) {
		record_fail(rec, errno, "failed to close %s", quote(path_str(dst->path)));
		rc = -1;
	}
	return rc;
}

/* Sets path-based metadata on a link or special file just made. */
static int
file_made(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	struct file_target t = { -1, dst->dirfd, dst->name, src->path, -1,
	    true };

	return file_metadata(ctx->opts, &t, sst, rec);
}

/* Copies a symbolic link as a link. */
static int
file_symlink(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	struct stat dst_st;
	size_t size = sst->st_size > 0 ? (size_t)sst->st_size + 1 : 4096;
	char *target;
	ssize_t n;
	bool exists;
	int rc;

	rec->kind = FILE_KIND_SYMLINK;
	if ((target = malloc(size)) == NULL) {
		record_fail(rec, ENOMEM, "cannot read symbolic link %s",
		    quote(path_str(src->path)));
		return -1;
	}
	n = readlinkat(src->dirfd, src->name, target, size);
	if (n < 0 || (size_t)n >= size) {
		record_fail(rec, n < 0 ? errno : ENAMETOOLONG,
		    "cannot read symbolic link %s", quote(path_str(src->path)));
		free(target);
		return -1;
	}
	target[n] = '\0';
	rc = dest_prepare(ctx, src, sst, dst, DEST_REPLACE, &exists, &dst_st,
	    rec);
	if (rc == 1 && symlinkat(target, dst->dirfd, dst->name) == -1) {
		record_fail(rec, errno, "cannot create symbolic link %s",
		    quote(path_str(dst->path)));
		rc = -1;
	}
	free(target);
	if (rc == 1)
		rc = file_made(ctx, src, sst, dst, rec);
	return rc;
}

/* Recreates a FIFO, device or socket (-R without --copy-contents). */
static int
file_special(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	struct stat dst_st;
	bool exists;
	int rc;

	rec->kind = FILE_KIND_SPECIAL;
	rc = dest_prepare(ctx, src, sst, dst, DEST_REPLACE, &exists, &dst_st,
	    rec);
	if (rc == 1 && mknodat(dst->dirfd, dst->name, (sst->st_mode &
	    (S_IFMT | 07777)), sst->st_rdev) == -1) {
		record_fail(rec, errno, S_ISFIFO(sst->st_mode) ?
		    "cannot create fifo %s" : "cannot create special file %s",
		    quote(path_str(dst->path)));
		rc = -1;
	}
	if (rc == 1)
		rc = file_made(ctx, src, sst, dst, rec);
	return rc;
}

/* What linkat(2) needs, for dest_link(). */
struct file_link {
	int		 dirfd;
	const char	*name;
	int		 flags;
};

static int
file_do_link(const void *arg, const struct file_ref *dst)
{
	const struct file_link *l = arg;

	return linkat(l->dirfd, l->name, dst->dirfd, dst->name, l->flags);
}

static int
file_do_symlink(const void *arg, const struct file_ref *dst)
{
	return symlinkat(arg, dst->dirfd, dst->name);
}

/*
 * Makes dst a hard link to the file at (dirfd, name).  how is DEST_LINK
 * for -l (an existing file is an error unless -f), DEST_REPLACE for
 * --preserve=links.
 */
static int
file_hardlink(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_link *l, enum dest_how how,
    const struct file_ref *dst, struct file_record *rec)
{
	struct stat dst_st;
	bool exists;
	int rc;

	rec->kind = S_ISLNK(sst->st_mode) ? FILE_KIND_SYMLINK :
	    FILE_KIND_FILE;
	rc = dest_prepare(ctx, src, sst, dst, how, &exists, &dst_st, rec);
	if (rc == 1 && (rc = dest_link(ctx->opts, dst, rec, file_do_link,
	    l)) == -1)
		record_fail(rec, errno, "cannot create hard link %s to %s",
		    quote(path_str(dst->path)), quote(path_str(src->path)));
	return rc < 0 ? -1 : 0;
}

/* -s: makes dst a symbolic link to the source's name. */
static int
file_symlink_to(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	const char *dpath = path_str(dst->path), *slash = strrchr(dpath, '/');
	char *target = path_dup(src->path), *dir;
	struct stat dot, parent, dst_st;
	bool here = slash == NULL || target[0] == '/', exists;
	int rc;

	rec->kind = FILE_KIND_SYMLINK;
	rec->began = true;	/* cp announces it before this check */
	if (!here) {
		dir = strndup(dpath, (size_t)(slash - dpath) + 1);
		here = dir != NULL && stat(".", &dot) == 0 &&
		    stat(dir, &parent) == 0 && dot.st_dev == parent.st_dev &&
		    dot.st_ino == parent.st_ino;
		free(dir);
	}
	if (!here) {
		record_fail(rec, 0, "%s: can make relative symbolic links only "
		    "in current directory",
		    quote_if_needed(path_str(dst->path)));
		free(target);
		return -1;
	}
	rc = dest_prepare(ctx, src, sst, dst, DEST_LINK, &exists, &dst_st,
	    rec);
	if (rc == 1 && (rc = dest_link(ctx->opts, dst, rec, file_do_symlink,
	    target)) == -1)
		record_fail(rec, errno, "cannot create symbolic link %s to %s",
		    quote(path_str(dst->path)), quote(target));
	free(target);
	return rc < 0 ? -1 : 0;
}

static int
file_by_kind(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	const struct options *o = ctx->opts;

	if (o->sym_link)
		return file_symlink_to(ctx, src, sst, dst, rec);
	if (o->hard_link) {
		struct file_link l = { src->dirfd, src->name,
		    src->follow ? AT_SYMLINK_FOLLOW : 0 };

		return file_hardlink(ctx, src, sst, &l, DEST_LINK, dst, rec);
	}
	if (S_ISLNK(sst->st_mode))
		return file_symlink(ctx, src, sst, dst, rec) < 0 ? -1 : 0;
	if (!S_ISREG(sst->st_mode) && o->recursive && !o->copy_contents)
		return file_special(ctx, src, sst, dst, rec) < 0 ? -1 : 0;
	return file_regular(ctx, src, sst, dst, rec) < 0 ? -1 : 0;
}

int
file_copy(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	char *first;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rec->src = src->path;
	rec->dst = dst->path;
	rec->kind = S_ISREG(sst->st_mode) ? FILE_KIND_FILE :
	    FILE_KIND_SPECIAL;
	if (!ctx->opts->preserve_links || sst->st_nlink < 2 ||
	    ctx->links == NULL || ctx->opts->hard_link ||
	    ctx->opts->sym_link)
		return file_by_kind(ctx, src, sst, dst, rec);
	first = links_find_or_add(ctx->links, sst->st_dev, sst->st_ino,
	    path_str(dst->path));
	if (first != NULL) {
		struct file_link l = { AT_FDCWD, first, 0 };

		rc = file_hardlink(ctx, src, sst, &l, DEST_REPLACE, dst, rec);
		free(first);
		return rc;
	}
	rc = file_by_kind(ctx, src, sst, dst, rec);
	links_done(ctx->links, sst->st_dev, sst->st_ino, rc == 0 &&
	    rec->status != FILE_SKIPPED);
	return rc;
}
