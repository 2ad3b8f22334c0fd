/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.c: the engine chain.
 *
 * Runs the engines allowed for one file, fastest first, and falls through
 * to the next on "not supported here" (engine_fallback_ok(), the one place
 * that decides it).  A fallback resumes at the current offset: bytes that
 * an engine already moved are never copied again.  With walk_holes, only
 * the source's data extents are copied (SEEK_DATA/SEEK_HOLE) and the size
 * is set at the end, so holes survive whichever engine moves the data.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

#if !HAVE_DECL_SEEK_DATA
#define SEEK_DATA	3	/* lseek fails with EINVAL: plain copy */
#endif
#if !HAVE_DECL_SEEK_HOLE
#define SEEK_HOLE	4
#endif

/*
 * Bytes asked of one engine call: small enough that Ctrl-C and progress
 * stay responsive, large enough to cost nothing measurable.
 */
#define ENGINE_CHUNK	((size_t)16 << 20)
/* What read(2) is asked for where the end of the file is expected. */
#define ENGINE_PROBE	((size_t)4096)

typedef ssize_t (*engine_step)(struct engine_io *, size_t);

static const struct {
	const char	*name;
	engine_step	 step;
} engines[ENGINE_NUM] = {
	[ENGINE_AUTO] =		{ "auto",		NULL },
	[ENGINE_CLONE] =	{ "clone",		NULL },
	[ENGINE_CFR] =		{ "copy_file_range",	engine_cfr_step },
	[ENGINE_SENDFILE] =	{ "sendfile",		engine_sendfile_step },
	[ENGINE_SPLICE] =	{ "splice",		engine_splice_step },
	[ENGINE_RW] =		{ "rw",			engine_rw_step },
};

/* The state of one engine_copy() call. */
struct engine_run {
	const struct engine_job	*job;
	struct engine_result	*res;
	struct engine_io	 io;
	enum engine_id		 cur;	/* the engine in use */
	uint64_t		 pos;	/* source offset reached */
	uint64_t		 sync_every; /* early writeback, 0: off */
	uint64_t		 unsynced; /* bytes since writeback started */
	unsigned		 steps;	/* engine calls that moved data */
};

const char *
engine_name(enum engine_id id)
{
	return id >= 0 && id < ENGINE_NUM ? engines[id].name : "?";
}

int
engine_lookup(const char *name)
{
	int i;

	for (i = 0; i < ENGINE_NUM; i++)
		if (strcmp(name, engines[i].name) == 0)
			return i;
	if (strcmp(name, "cfr") == 0)
		return ENGINE_CFR;
	return -1;
}

bool
engine_fallback_ok(int err)
{
	switch (err) {
	case ENOSYS:
	case EOPNOTSUPP:
#if ENOTSUP != EOPNOTSUPP
	case ENOTSUP:
#endif
	case ENOTTY:
	case EINVAL:
	case EBADF:
	case EXDEV:
	case ETXTBSY:
	case EPERM:
	case EACCES:
	case ENOENT:	/* seen from CIFS and fuse-overlayfs */
		return true;
	default:
		return false;
	}
}

bool
engine_fs_unsupported(enum engine_id id, int err)
{
	if (id != ENGINE_CLONE && id != ENGINE_CFR)
		return false;
	return err == EOPNOTSUPP || err == ENOTSUP || err == EXDEV ||
	    err == ENOSYS || err == ENOTTY;
}

/* Returns the first allowed engine after id, or ENGINE_AUTO if none. */
static enum engine_id
engine_next(unsigned mask, enum engine_id id)
{
	int i;

	for (i = (int)id + 1; i < ENGINE_NUM; i++)
		if (mask & ENGINE_BIT(i))
			return (enum engine_id)i;
	return ENGINE_AUTO;
}

static int	engine_skip_known(struct engine_run *);

static int
engine_fail(struct engine_run *r, int err)
{
	r->res->err = err;
	r->res->write_failed = r->io.write_failed;
	r->res->op = r->io.op;
	errno = err;
	return -1;
}

/* The same, for an operation of the chain's own (an lseek, ...). */
static int
engine_fail_op(struct engine_run *r, enum engine_op op, int err)
{
	r->io.op = op;
	return engine_fail(r, err);
}

static uint64_t
engine_moved(const struct engine_result *res)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < ENGINE_NUM; i++)
		n += res->moved[i];
	return n;
}

/* Moves on to the next engine after err, if allowed.  0 or -1. */
static int
engine_fall(struct engine_run *r, int err)
{
	struct engine_result *res = r->res;
	enum engine_id next;

	/* No pipe for splice: no data was in one, rw can take over. */
	if (r->job->strict || (!engine_fallback_ok(err) &&
	    r->io.op != ENGINE_OP_PIPE))
		return -1;
	if ((next = engine_next(r->job->engines, r->cur)) == ENGINE_AUTO)
		return -1;
	res->fallback[res->nfallback].engine = r->cur;
	res->fallback[res->nfallback].err = err;
	res->fallback[res->nfallback].offset = r->pos;
	res->fallback[res->nfallback].moved = engine_moved(res);
	res->nfallback++;
	r->cur = next;
	return engine_skip_known(r);
}

/* Passes over the engines known not to work here, as if they had failed. */
static int
engine_skip_known(struct engine_run *r)
{
	const struct engine_skip *k = r->job->skip;

	if (k != NULL && !r->job->strict && r->pos == r->job->offset &&
	    (k->mask & ENGINE_BIT(r->cur)))
		return engine_fall(r, k->err[r->cur]);
	return 0;
}

static void
engine_account(struct engine_run *r, size_t n)
{
	r->res->moved[r->cur] += n;
	r->pos += n;
	if (r->job->progress != NULL)
		__atomic_fetch_add(r->job->progress, n, __ATOMIC_RELAXED);
	if (r->sync_every != 0 && (r->unsynced += n) >= r->sync_every) {
		r->unsynced = 0;
		engine_sync_start(r->job->dst);
	}
}

/* A non-blocking end said EAGAIN: wait until both ends are ready. */
static void
engine_wait(const struct engine_job *job)
{
	struct pollfd p[2] = {
		{ .fd = job->src, .events = POLLIN },
		{ .fd = job->dst, .events = POLLOUT },
	};

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) == -1 && errno != EINTR)
			return;
		if (p[0].revents != 0)
			p[0].fd = -1;
		if (p[1].revents != 0)
			p[1].fd = -1;
	}
}

/*
 * A kernel engine returned 0.  That is not proof of the end of the file:
 * copy_file_range returned 0 on /proc and /sys files through at least
 * Linux 5.6, and a filesystem may return a short 0 in the middle of one.
 * Ask read(2).  Returns the bytes it moved (the chain then goes on with
 * rw), 0 at a real end of file, or -1: a forced engine (or a chain
 * without rw) fails with ENODATA if there was more to read.
 */
static ssize_t
engine_probe(struct engine_run *r, size_t want)
{
	enum engine_id was = r->cur;
	char c;
	ssize_t n;

	if (r->job->strict || !(r->job->engines & ENGINE_BIT(ENGINE_RW))) {
		do
			n = read(r->job->src, &c, 1);
		while (n == -1 && errno == EINTR);
		if (n == 1)
			errno = ENODATA;	/* the engine cannot read it */
		else if (n == -1)
			r->io.op = ENGINE_OP_READ;
		return n == 0 ? 0 : -1;
	}
	r->cur = ENGINE_RW;
	/* At the size stat gave: most likely the end, which a page finds. */
	if (r->job->src_is_reg && r->pos >= r->job->src_size &&
	    want > ENGINE_PROBE)
		want = ENGINE_PROBE;
	n = engine_rw_step(&r->io, want);
	if (n <= 0) {
		r->cur = n == 0 ? was : ENGINE_RW;
		return n;
	}
	/* Not an errno the kernel gave: record it, whatever the list says. */
	r->res->fallback[r->res->nfallback].engine = was;
	r->res->fallback[r->res->nfallback].err = ENODATA;
	r->res->fallback[r->res->nfallback].offset = r->pos;
	r->res->fallback[r->res->nfallback].moved = engine_moved(r->res);
	r->res->nfallback++;
	return n;
}

/*
 * Copies up to limit bytes (UINT64_MAX: to the end) from the current
 * offsets.  Sets *eof at the end of the source.  Returns 0 or -1.
 */
static int
engine_range(struct engine_run *r, uint64_t limit, bool *eof)
{
	uint64_t done = 0;
	size_t want;
	ssize_t n;
	int err;

	*eof = false;
	while (done < limit) {
		/*
		 * A size known to be true, reached by one call: no call to
		 * find the end.  A call reads to the end as it is then, and
		 * a file that grew after it would have to grow in the
		 * microseconds before cp's next call for cp to see it.  One
		 * copied in several calls goes on to a call that returns 0,
		 * as it may have grown while it was copied.
		 */
		if (r->job->size_exact && r->steps <= 1 &&
		    r->pos == r->job->src_size) {
			*eof = true;
			return 0;
		}
		want = limit - done < ENGINE_CHUNK ? (size_t)(limit - done) :
		    ENGINE_CHUNK;
		r->io.op = ENGINE_OP_COPY;
		n = engines[r->cur].step(&r->io, want);
		if (n == 0 && r->cur != ENGINE_RW &&
		    (n = engine_probe(r, want)) == -1)
			return engine_fail(r, errno);
		if (n > 0) {
			r->steps++;
			engine_account(r, (size_t)n);
			done += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			*eof = true;
			return 0;
		}
		err = errno;
		/* What a failed write still put in place counts. */
		if (r->io.partial > 0) {
			engine_account(r, r->io.partial);
			r->io.partial = 0;
		}
		if (err == EAGAIN) {
			engine_wait(r->job);
			continue;
		}
		if (r->io.fatal || engine_fall(r, err) == -1)
			return engine_fail(r, err);
	}
	return 0;
}

/* Seeks both ends to off.  0 or -1. */
static int
engine_seek(struct engine_run *r, off_t off)
{
	if (lseek(r->job->src, off, SEEK_SET) == -1)
		return engine_fail_op(r, ENGINE_OP_SEEK, errno);
	if (lseek(r->job->dst, off, SEEK_SET) == -1) {
		r->io.write_failed = true;
		return engine_fail_op(r, ENGINE_OP_SEEK, errno);
	}
	r->pos = (uint64_t)off;
	return 0;
}

/* Copies the data extents only, then whatever follows the last one. */
static int
engine_extents(struct engine_run *r)
{
	const struct engine_job *job = r->job;
	struct stat st;
	off_t data, hole;
	bool eof;

	for (;;) {
		data = lseek(job->src, (off_t)r->pos, SEEK_DATA);
		if (data == -1 && errno == ENXIO) {
			/* No data after pos: the rest is one hole. */
			if (fstat(job->src, &st) == -1)
				return engine_fail_op(r, ENGINE_OP_STAT,
				    errno);
			/*
			 * No data at all, yet blocks in use: believe the
			 * blocks and copy it all.  A filesystem that says
			 * "hole" wrongly must not get a copy of zeros; the
			 * price is that a file of unwritten (fallocated)
			 * extents only is copied as zeros, not as a hole.
			 */
			if (r->pos == 0 && st.st_blocks > 0)
				break;
			if ((uint64_t)st.st_size > r->pos) {
				r->res->sparse = true;
				if (engine_seek(r, st.st_size) == -1)
					return -1;
			}
			break;
		}
		if (data == -1) {
			if (r->pos == job->offset && (errno == EINVAL ||
			    errno == EOPNOTSUPP))
				break;	/* no SEEK_DATA here: copy it all */
			return engine_fail_op(r, ENGINE_OP_SEEK, errno);
		}
		if ((hole = lseek(job->src, data, SEEK_HOLE)) == -1)
			return engine_fail_op(r, ENGINE_OP_SEEK, errno);
		if ((uint64_t)data > r->pos)
			r->res->sparse = true;	/* a hole kept */
		if (engine_seek(r, data) == -1)
			return -1;
		if (engine_range(r, (uint64_t)(hole - data), &eof) == -1)
			return -1;
		if (eof)
			return 0;	/* the file shrank */
	}
	/* The file may have grown since: copy to the real end. */
	return engine_range(r, UINT64_MAX, &eof);
}

static int
engine_try_clone(struct engine_run *r)
{
	struct stat st;

	if (engine_clone_file(r->job->src, r->job->dst) == -1)
		return -1;
	r->res->cloned = true;
	if (fstat(r->job->dst, &st) == 0) {
		r->pos = (uint64_t)st.st_size;
		r->res->moved[ENGINE_CLONE] = r->pos;
		if (r->job->progress != NULL)
			__atomic_fetch_add(r->job->progress, r->pos,
			    __ATOMIC_RELAXED);
	}
	return 0;
}

static int
engine_run(struct engine_run *r)
{
	const struct engine_job *job = r->job;
	bool eof;
	int err;

	if (r->cur == ENGINE_AUTO || engine_skip_known(r) == -1)
		return engine_fail(r, EINVAL);
	if (r->cur == ENGINE_CLONE) {
		if (engine_try_clone(r) == 0)
			return 0;
		err = errno;
		if (engine_fall(r, err) == -1)
			return engine_fail(r, err);
	}
	if (job->walk_holes && job->dst_is_reg) {
		if (engine_extents(r) == -1)
			return -1;
	} else if (engine_range(r, UINT64_MAX, &eof) == -1)
		return -1;
	if (r->io.holes)
		r->res->sparse = true;
	/* Holes at the end are only a size: set it. */
	if (job->dst_is_reg && (job->walk_holes || job->make_holes) &&
	    ftruncate(job->dst, (off_t)r->pos) == -1) {
		r->io.write_failed = true;
		return engine_fail_op(r, ENGINE_OP_EXTEND, errno);
	}
	return 0;
}

int
engine_copy(const struct engine_job *job, struct engine_result *res)
{
	struct engine_run r;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.job = job;
	r.res = res;
	r.io.job = job;
	r.io.pipe[0] = r.io.pipe[1] = -1;
	r.cur = engine_next(job->engines, ENGINE_AUTO);
	r.pos = job->offset;
	/*
	 * A read-ahead window twice as large, as cp and cat ask for: a cold
	 * 4 GiB copy on ext4 went from about 10 s to 7 s (bench/README.md).
	 * Not for small files: one more call each, for nothing, in a tree.
	 */
	if (job->src_is_reg && job->src_size >= ENGINE_CHUNK)
		(void)posix_fadvise(job->src, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (job->sync_every != 0 && engine_sync_wanted(job->src))
		r.sync_every = job->sync_every;
	res->allowed = job->engines;
	res->seek_holes = job->walk_holes && job->dst_is_reg;
	rc = engine_run(&r);
	res->engine = r.cur;
	res->zeros = job->make_holes;
	res->bytes = r.pos - job->offset;
	engine_splice_close(&r.io);
	if (rc == -1)
		errno = res->err;
	return rc;
}
