/*
 * file.c: one non-directory file.
 *
 * Decides whether an existing destination may be replaced (same file,
 * -n, -u, -i, --remove-destination, -f), opens both ends, hands the fds to
 * the engine chain with the clock running, then sets the metadata that
 * was asked for.  It prints nothing but -i's prompt: what happened goes
 * into the struct file_record.
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
#include "file.h"
#include "quote.h"
#include "units.h"

void
file_fail(struct file_record *rec, int err, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL, *full = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) == -1)
		m = NULL;
	va_end(ap);
	if (m != NULL && err != 0 &&
	    asprintf(&full, "%s: %s", m, strerror(err)) != -1) {
		free(m);
		m = full;
	}
	free(rec->msg);
	rec->msg = m;
	rec->err = err;
	rec->status = FILE_FAILED;
}

void
file_record_free(struct file_record *rec)
{
	free(rec->msg);
	rec->msg = NULL;
}

/* -i: asks on stderr, reads one line of stdin.  True for yes. */
static bool
file_ask(const char *path)
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
file_newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/*
 * The overwrite policy for an existing destination.  Returns 1 to go on,
 * 0 to skip, -1 on failure.
 */
static int
file_policy(const struct options *o, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct stat *dst_st, struct file_record *rec)
{
	if (sst->st_dev == dst_st->st_dev && sst->st_ino == dst_st->st_ino) {
		file_fail(rec, 0, "%s and %s are the same file",
		    quote(src->path), quote(dst->path));
		return -1;
	}
	if (S_ISDIR(dst_st->st_mode)) {
		file_fail(rec, 0,
		    "cannot overwrite directory %s with non-directory",
		    quote(dst->path));
		return -1;
	}
	if (o->interactive == INTERACTIVE_ALWAYS_NO)
		return 0;
	if (o->update && !file_newer(&sst->st_mtim, &dst_st->st_mtim))
		return 0;
	if (o->interactive == INTERACTIVE_ASK && !file_ask(dst->path))
		return 0;
	return 1;
}

/*
 * Looks at the destination.  Returns 1 if it exists (*st filled), 0 if
 * not, -1 on failure (rec filled).
 */
static int
file_stat_dst(const struct options *o, const struct file_ref *dst,
    struct stat *st, struct file_record *rec)
{
	struct stat lst;

	if (dst->fresh)
		return 0;
	if (fstatat(dst->dirfd, dst->name, st, 0) == 0)
		return 1;
	if (errno != ENOENT) {
		file_fail(rec, errno, "cannot stat %s", quote(dst->path));
		return -1;
	}
	if (fstatat(dst->dirfd, dst->name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(lst.st_mode)) {
		if (o->remove_dest) {
			if (unlinkat(dst->dirfd, dst->name, 0) == 0)
				return 0;
			file_fail(rec, errno, "cannot remove %s",
			    quote(dst->path));
			return -1;
		}
		file_fail(rec, 0, "not writing through dangling symlink %s",
		    quote(dst->path));
		return -1;
	}
	return 0;
}

/* Opens the destination.  Returns the fd, or -1 (rec filled). */
static int
file_open_dst(const struct options *o, const struct file_ref *dst,
    bool exists, mode_t mode, bool *created, struct file_record *rec)
{
	int fd;

	*created = false;
	if (exists) {
		fd = openat(dst->dirfd, dst->name,
		    O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
		if (fd != -1)
			return fd;
		if (!o->unlink_failed || errno == ENOENT) {
			if (errno != ENOENT)
				goto fail;
		} else if (unlinkat(dst->dirfd, dst->name, 0) == -1) {
			file_fail(rec, errno, "cannot remove %s",
			    quote(dst->path));
			return -1;
		}
	}
	fd = openat(dst->dirfd, dst->name,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
	if (fd != -1) {
		*created = true;
		return fd;
	}
fail:
	file_fail(rec, errno, "cannot create regular file %s",
	    quote(dst->path));
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
	if (o->reflink == REFLINK_NEVER)
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
	job.dst_is_pipe = S_ISFIFO(dst_st->st_mode) ||
	    S_ISSOCK(dst_st->st_mode);
	job.walk_holes = o->sparse != SPARSE_NEVER && S_ISREG(sst->st_mode) &&
	    (uint64_t)sst->st_blocks * 512 < (uint64_t)sst->st_size;
	job.make_holes = o->sparse == SPARSE_ALWAYS;
	job.blksize = (size_t)dst_st->st_blksize;
	job.buf = &ctx->buf;
	job.progress = ctx->progress;
	job.sync_every = o->fsync ? ENGINE_SYNC_EVERY : 0;

	t0 = units_now();
	rc = engine_copy(&job, &rec->eng);
	rec->data = true;
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
		file_fail(rec, err, "failed to clone %s from %s",
		    quote(dst->path), quote(src->path));
	else if (err == ENOSPC || err == EDQUOT || err == EFBIG ||
	    (e->write_failed && (e->engine == ENGINE_RW || !e->moved[
	    e->engine])))
		file_fail(rec, err, "error writing %s", quote(dst->path));
	else if (e->engine == ENGINE_RW)
		file_fail(rec, err, "error reading %s", quote(src->path));
	else
		file_fail(rec, err, "%s %s -> %s", engine_name(e->engine),
		    quote(src->path), quote(dst->path));
}

int
file_metadata(const struct options *o, int fd, const struct stat *sst,
    struct file_record *rec)
{
	struct timespec ts[2];

	if (o->preserve_timestamps) {
		ts[0] = sst->st_atim;
		ts[1] = sst->st_mtim;
		if (futimens(fd, ts) == -1) {
			file_fail(rec, errno, "preserving times for %s",
			    quote(rec->dst));
			return -1;
		}
	}
	if (o->preserve_ownership && fchown(fd, sst->st_uid,
	    sst->st_gid) == -1) {
		/* As cp: without the privilege, keep at least the group. */
		if ((errno != EPERM && errno != EINVAL) || geteuid() == 0) {
			file_fail(rec, errno,
			    "failed to preserve ownership for %s",
			    quote(rec->dst));
			return -1;
		}
		(void)fchown(fd, (uid_t)-1, sst->st_gid);
	}
	if (o->preserve_mode && fchmod(fd, sst->st_mode & 07777) == -1) {
		file_fail(rec, errno, "preserving permissions for %s",
		    quote(rec->dst));
		return -1;
	}
	return 0;
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
		file_fail(rec, errno, "cannot open %s for reading",
		    quote(src->path));
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_ino != sst->st_ino ||
	    st.st_dev != sst->st_dev) {
		file_fail(rec, 0,
		    "skipping file %s, as it was replaced while being copied",
		    quote(src->path));
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* New files: the source's permissions less the umask, or, while data is
 * written under -p, no more than the owner's. */
static mode_t
file_create_mode(const struct options *o, const struct stat *sst)
{
	mode_t m = sst->st_mode & 0777;

	if (o->preserve_ownership)
		m &= S_IRWXU;
	return m;
}

int
file_copy(struct file_ctx *ctx, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    struct file_record *rec)
{
	const struct options *o = ctx->opts;
	struct stat dst_st;
	int exists, sfd, dfd, rc;
	bool created;

	memset(rec, 0, sizeof(*rec));
	rec->src = src->path;
	rec->dst = dst->path;
	rec->kind = FILE_KIND_FILE;
	if ((exists = file_stat_dst(o, dst, &dst_st, rec)) == -1)
		return -1;
	if (exists) {
		if ((rc = file_policy(o, src, sst, dst, &dst_st, rec)) <= 0) {
			rec->status = rc == 0 ? FILE_SKIPPED : FILE_FAILED;
			return rc;
		}
		if (o->remove_dest) {
			if (unlinkat(dst->dirfd, dst->name, 0) == -1) {
				file_fail(rec, errno, "cannot remove %s",
				    quote(dst->path));
				return -1;
			}
			exists = 0;
		}
	}
	if ((sfd = file_open_src(src, sst, rec)) == -1)
		return -1;
	if ((dfd = file_open_dst(o, dst, exists, file_create_mode(o, sst),
	    &created, rec)) == -1) {
		(void)close(sfd);
		return -1;
	}
	if (created) {
		/* A new regular file: no need to ask the kernel. */
		dst_st.st_mode = S_IFREG;
		dst_st.st_blksize = sst->st_blksize;
	}
	rc = file_transfer(ctx, sfd, sst, dfd, &dst_st, rec);
	if (rc == -1)
		file_engine_fail(o, src, dst, rec);
	else
		rc = file_metadata(o, dfd, sst, rec);
	(void)close(sfd);
	if (close(dfd) == -1 && rc == 0) {
		file_fail(rec, errno, "failed to close %s", quote(dst->path));
		rc = -1;
	}
	return rc;
}
