/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify.c: --verify, the copy read back and compared with its source.
 *
 * The check must see what the file system returns for the copy, not the
 * pages zcp has just written: the copy is flushed (fdatasync), then read
 * with O_DIRECT, which reads the disk whatever the page cache holds.
 * Where the file system refuses O_DIRECT, the copy is dropped from the
 * page cache (POSIX_FADV_DONTNEED) and mincore(2) tells whether that
 * worked; where pages stay (mapped by another process, or a file system
 * that keeps files in memory: tmpfs, ramfs), the copy is read from the
 * cache, and the result says so.  Ranges that are holes in both files are equal
 * without reading; so are ranges that FIEMAP shows to be the same
 * blocks of the disk in both (a clone, a copy_file_range that
 * reflinked).  A source that cannot be read again identically (procfs,
 * sysfs and their kind make their files anew at each read) is not
 * checked, and the result says why instead of claiming success.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "engine.h"
#include "quote.h"
#include "units.h"
#include "verify-ahead.h"
#include "verify.h"

#if !HAVE_DECL_SEEK_DATA
#define SEEK_DATA	3
#endif

#define VERIFY_CHUNK	((size_t)4 << 20)	/* bytes read at once */
#define VERIFY_ALIGN	4096			/* for O_DIRECT */
#define VERIFY_AHEAD	((uint64_t)64 << 20)	/* read ahead from there */

/*
 * File systems whose files are made anew at each read (statfs f_type).
 * The reasons are whole sentences, for the translators.
 */
static const struct {
	unsigned long	 magic;
	const char	*why;
} verify_pseudo[] = {
	{ 0x9fa0,
	    N_("its file system, procfs, makes it anew at each read") },
	{ 0x62656572,
	    N_("its file system, sysfs, makes it anew at each read") },
	{ 0x64626720,
	    N_("its file system, debugfs, makes it anew at each read") },
	{ 0x74726163,
	    N_("its file system, tracefs, makes it anew at each read") },
	{ 0x73636673,
	    N_("its file system, securityfs, makes it anew at each read") },
	{ 0x27e0eb,
	    N_("its file system, cgroup, makes it anew at each read") },
	{ 0x63677270,
	    N_("its file system, cgroup2, makes it anew at each read") },
	{ 0xcafe4a11,
	    N_("its file system, bpf, makes it anew at each read") },
	{ 0xde5e81e4,
	    N_("its file system, efivarfs, makes it anew at each read") },
	{ 0x62656570,
	    N_("its file system, configfs, makes it anew at each read") },
};

#define VERIFY_TMPFS	0x01021994
#define VERIFY_RAMFS	0x858458f6

/* One comparison: the two files and what it may skip. */
struct verify_cmp {
	int		 a, b;
	char		*ba, *bb;	/* buffers of chunk bytes, aligned */
	size_t		 chunk;
	uint64_t	 align;		/* offsets read from b: multiples */
	bool		 holes;		/* skip what is a hole in both */
	const uint64_t	*same;		/* [start, end) pairs: same blocks */
	size_t		 nsame;
	uint64_t	 skipped;	/* bytes skipped as the same blocks */
	uint64_t	 at;		/* the first byte that differs */
	bool		 b_side;	/* a read failed on b's side */
};

/* Why the source cannot be read again identically, or NULL. */
static const char *
verify_unable(const struct verify_job *j)
{
	struct statfs fs;
	size_t i;

	if (!S_ISREG(j->sst->st_mode))
		return N_("the source is not a regular file: it cannot be read "
		    "again");
	if (fstatfs(j->src, &fs) == 0)
		for (i = 0; i < sizeof(verify_pseudo) /
		    sizeof(verify_pseudo[0]); i++)
			if ((unsigned long)fs.f_type == verify_pseudo[i].magic)
				return verify_pseudo[i].why;
	if (j->sst->st_size == 0 && j->bytes > 0)
		return N_("its size is 0 but it had data: it is made as it is "
		    "read");
	if (!j->dst_is_reg)
		return N_("the destination is not a regular file");
	if ((fcntl(j->dst, F_GETFL) & O_ACCMODE) == O_WRONLY)
		return N_("the destination cannot be read");
	return NULL;
}

ssize_t
verify_pread(int fd, char *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Where the next byte that is data in a or b lies, from pos: pos if
 * either has data there, UINT64_MAX if neither has any after it.
 */
static uint64_t
verify_next_data(const struct verify_cmp *c, uint64_t pos)
{
	off_t x = lseek(c->a, (off_t)pos, SEEK_DATA);
	off_t y = lseek(c->b, (off_t)pos, SEEK_DATA);

	/* SEEK_DATA unknown here, or any other doubt: read it. */
	if ((x == -1 && errno != ENXIO) || (y == -1 && errno != ENXIO))
		return pos;
	if (x == -1 && y == -1)
		return UINT64_MAX;
	if (x == -1)
		return (uint64_t)y;
	if (y == -1)
		return (uint64_t)x;
	return (uint64_t)(x < y ? x : y);
}

/* Compares len bytes at pos.  0 equal, 1 not (c->at), -1 errno. */
static int
verify_chunk(struct verify_cmp *c, uint64_t pos, size_t len)
{
	ssize_t na, nb;
	size_t i, n;

	if ((na = verify_pread(c->a, c->ba, len, pos)) == -1)
		return -1;
	if ((nb = verify_pread(c->b, c->bb, len, pos)) == -1) {
		c->b_side = true;
		return -1;
	}
	n = (size_t)(na < nb ? na : nb);
	if (memcmp(c->ba, c->bb, n) != 0 || na != nb) {
		for (i = 0; i < n && c->ba[i] == c->bb[i]; i++)
			;
		c->at = pos + i;
		return 1;
	}
	return 0;
}

/*
 * Where the comparison may jump to from pos, over what is the same
 * blocks or holes in both: pos if nowhere.  Sets *same for the former.
 */
static uint64_t
verify_skip(struct verify_cmp *c, size_t *k, uint64_t pos, uint64_t to,
    bool *same)
{
	uint64_t next = pos;

	*same = false;
	while (*k < c->nsame && c->same[2 * *k + 1] <= pos)
		(*k)++;
	if (*k < c->nsame && c->same[2 * *k] <= pos) {
		next = c->same[2 * *k + 1];
		*same = true;
	} else if (c->holes)
		next = verify_next_data(c, pos);
	next = (next < to ? next : to) / c->align * c->align;
	return next > pos ? next : pos;
}

/* Compares [from, to).  0 equal, 1 not (c->at), -1 with errno. */
static int
verify_walk(struct verify_cmp *c, uint64_t from, uint64_t to)
{
	uint64_t pos = from, next, len;
	size_t k = 0;
	bool same;
	int rc;

	while (pos < to) {
		if ((next = verify_skip(c, &k, pos, to, &same)) > pos) {
			if (same)
				c->skipped += next - pos;
			pos = next;
			continue;
		}
		len = to - pos < c->chunk ? to - pos : c->chunk;
		/* Up to the next range of the same blocks, if aligned. */
		if (k < c->nsame && c->same[2 * k] > pos &&
		    c->same[2 * k] - pos < len &&
		    (c->same[2 * k] - pos) / c->align * c->align > 0)
			len = (c->same[2 * k] - pos) / c->align * c->align;
		/* O_DIRECT reads whole blocks; the end of the file stops it. */
		len = (len + c->align - 1) / c->align * c->align;
		if ((rc = verify_chunk(c, pos, (size_t)len)) != 0)
			return rc;
		pos += len;
	}
	return 0;
}

/*
 * Compares [0, size) with b read ahead by a thread (verify-ahead.c): for
 * a large copy read with O_DIRECT and nothing to skip.  Returns as
 * verify_walk(), which it falls back on.
 */
static int
verify_walk_ahead(struct verify_cmp *c, uint64_t size)
{
	struct ahead *a;
	const char *bb;
	uint64_t pos;
	ssize_t na, nb;
	size_t i, n, len;
	int rc = 0;

	if ((a = ahead_start(c->b, c->chunk, size)) == NULL)
		return verify_walk(c, 0, size);
	for (pos = 0; pos < size && rc == 0; pos += len) {
		len = size - pos < c->chunk ? (size_t)(size - pos) : c->chunk;
		if ((na = verify_pread(c->a, c->ba, len, pos)) == -1) {
			rc = -1;
			break;
		}
		if ((nb = ahead_next(a, &bb)) == -1) {
			c->b_side = true;
			rc = -1;
			break;
		}
		n = (size_t)(na < nb ? na : nb);
		if (memcmp(c->ba, bb, n) != 0 || na != nb) {
			for (i = 0; i < n && c->ba[i] == bb[i]; i++)
				;
			c->at = pos + i;
			rc = 1;
		}
	}
	i = (size_t)errno;
	ahead_stop(a);
	errno = (int)i;
	return rc;
}

/* Two aligned buffers for up to size bytes.  0 or -1 (ENOMEM). */
static int
verify_buffers(struct verify_cmp *c, uint64_t size)
{
	size_t want = size < VERIFY_CHUNK ? (size_t)size : VERIFY_CHUNK;

	c->chunk = (want + VERIFY_ALIGN - 1) / VERIFY_ALIGN * VERIFY_ALIGN;
	if (c->chunk == 0)
		c->chunk = VERIFY_ALIGN;
	c->ba = c->bb = NULL;
	if (posix_memalign((void **)&c->ba, VERIFY_ALIGN, c->chunk) != 0 ||
	    posix_memalign((void **)&c->bb, VERIFY_ALIGN, c->chunk) != 0) {
		free(c->ba);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
verify_range(int a, int b, uint64_t from, uint64_t to, uint64_t *at,
    bool *b_side)
{
	struct verify_cmp c;
	int rc, e;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.b = b;
	c.align = 1;
	if (verify_buffers(&c, to - from) == -1)
		return -1;
	rc = verify_walk(&c, from, to);
	e = errno;
	*at = c.at;
	*b_side = c.b_side;
	free(c.ba);
	free(c.bb);
	errno = e;
	return rc;
}

/* True if some page of fd's first size bytes is in the page cache, or
 * if that cannot be told. */
static bool
verify_resident(int fd, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char v[4096];
	uint64_t off, len, i;
	bool in = false;
	char *p;

	if (size == 0)
		return false;
	if (page <= 0 || (p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED,
	    fd, 0)) == MAP_FAILED)
		return true;
	for (off = 0; off < size && !in; off += len) {
		len = size - off < sizeof(v) * (uint64_t)page ? size - off :
		    sizeof(v) * (uint64_t)page;
		if (mincore(p + off, (size_t)len, v) == -1) {
			in = true;
			break;
		}
		for (i = 0; i < (len + (uint64_t)page - 1) / (uint64_t)page;
		    i++)
			if (v[i] & 1)
				in = true;
	}
	(void)munmap(p, (size_t)size);
	return in;
}

/*
 * A descriptor that reads fd with O_DIRECT, from the disk whatever the
 * page cache holds, or -1 if the file system (or the file's mode) does
 * not allow it.  One aligned read tells.
 */
static int
verify_direct(int fd)
{
	char p[64], *b;
	int dfd;

	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if ((dfd = open(p, O_RDONLY | O_DIRECT | O_CLOEXEC)) == -1)
		return -1;
	if (posix_memalign((void **)&b, VERIFY_ALIGN, VERIFY_ALIGN) != 0) {
		(void)close(dfd);
		return -1;
	}
	if (pread(dfd, b, VERIFY_ALIGN, 0) == -1) {
		(void)close(dfd);
		dfd = -1;
	}
	free(b);
	return dfd;
}

/*
 * Makes the next reads of the copy come from the file system: flushed,
 * then read with O_DIRECT, or else dropped from the page cache (and
 * mincore(2) asked whether it was).  Sets *rfd to the descriptor to
 * read, *direct if it is O_DIRECT, and res->cached and res->why if what
 * is read is the cache.  0, or -1 if the flush failed.
 */
static int
verify_uncache(const struct verify_job *j, uint64_t size, int *rfd,
    bool *direct, struct verify_result *res)
{
	struct statfs fs;

	*rfd = j->dst;
	*direct = false;
	if (!j->synced && fdatasync(j->dst) == -1) {
		res->err = errno;
		res->dst_err = res->flush_err = true;
		return -1;
	}
	if (fstatfs(j->dst, &fs) == 0 && ((unsigned long)fs.f_type ==
	    VERIFY_TMPFS || (unsigned long)fs.f_type == VERIFY_RAMFS)) {
		res->cached = true;
		res->why = N_("its file system keeps files in memory");
		return 0;
	}
	/*
	 * O_DIRECT: no page of the copy is used, none is allocated (in a
	 * virtual machine, pages freed and taken again cost the host a
	 * fault each: after a copy, O_DIRECT read 1 GiB in 0.9-1.3 s where
	 * dropping the cache and reading took 1.5-2.1 s, bench/README.md).
	 */
	if (size >= VERIFY_ALIGN && (*rfd = verify_direct(j->dst)) != -1) {
		*direct = true;
		return 0;
	}
	*rfd = j->dst;
	(void)posix_fadvise(j->dst, 0, 0, POSIX_FADV_DONTNEED);
	if (verify_resident(j->dst, size)) {
		res->cached = true;
		res->why = N_("the kernel kept some of its pages in memory");
	}
	/* Twice the read-ahead, as cp and cat ask. */
	(void)posix_fadvise(j->dst, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

/* A difference at c->at: sizes, and whether the source changed. */
static void
verify_differs(const struct verify_job *j, uint64_t at,
    struct verify_result *res)
{
	struct stat st;

	res->state = VERIFY_FAILED;
	res->at = at;
	if (fstat(j->src, &st) == 0) {
		res->src_size = (uint64_t)st.st_size;
		res->src_changed = st.st_size != j->sst->st_size ||
		    st.st_mtim.tv_sec != j->sst->st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != j->sst->st_mtim.tv_nsec;
	}
	if (fstat(j->dst, &st) == 0)
		res->dst_size = (uint64_t)st.st_size;
}

/* The comparison itself, once the copy is off the cache. */
static int
verify_compare(const struct verify_job *j, int rfd, bool direct,
    uint64_t size, struct verify_result *res)
{
	struct verify_cmp c;
	uint64_t *same = NULL;
	size_t nsame = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	c.a = j->src;
	c.b = rfd;
	/* O_DIRECT reads at aligned offsets only. */
	c.align = direct ? VERIFY_ALIGN : 1;
	c.holes = (uint64_t)j->sst->st_blocks * 512 < size;
	if (j->shared && engine_same_blocks(j->src, j->dst, &same,
	    &nsame) == 0) {
		c.same = same;
		c.nsame = nsame;
	}
	if (verify_buffers(&c, size) == -1) {
		free(same);
		res->err = errno;
		return -1;
	}
	/* Large, read from the disk, nothing to skip: read it ahead. */
	if (direct && c.nsame == 0 && !c.holes && size >= VERIFY_AHEAD)
		rc = verify_walk_ahead(&c, size);
	else
		rc = verify_walk(&c, 0, size);
	if (rc == -1) {
		res->err = errno;
		res->dst_err = c.b_side;
	} else if (rc == 1)
		verify_differs(j, c.at, res);
	else
		res->state = VERIFY_OK;
	res->shared = c.skipped;
	free(c.ba);
	free(c.bb);
	free(same);
	return rc == -1 ? -1 : 0;
}

int
verify_fds(const struct verify_job *j, struct verify_result *res)
{
	struct stat ss, ds;
	double t0 = units_now();
	bool direct;
	int rfd, rc;

	memset(res, 0, sizeof(*res));
	if ((res->why = verify_unable(j)) != NULL) {
		res->state = VERIFY_SKIPPED;
		return 0;
	}
	if (fstat(j->src, &ss) == -1 || fstat(j->dst, &ds) == -1) {
		res->err = errno;
		return -1;
	}
	if (ss.st_size != ds.st_size) {
		verify_differs(j, (uint64_t)(ss.st_size < ds.st_size ?
		    ss.st_size : ds.st_size), res);
		res->seconds = units_now() - t0;
		return 0;
	}
	if (verify_uncache(j, (uint64_t)ds.st_size, &rfd, &direct,
	    res) == -1)
		return -1;
	rc = verify_compare(j, rfd, direct, (uint64_t)ds.st_size, res);
	if (rfd != j->dst)
		(void)close(rfd);
	res->seconds = units_now() - t0;
	return rc;
}

/*
 * Turns a failed or differing check into cp-style words; a failed flush
 * in --fsync's (file.c), sync(1)'s "error syncing".
 */
static int
verify_fail(const struct verify_result *res, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	if (res->flush_err)
		record_fail(rec, res->err, CPN_("error syncing %s"),
		    quote(path_str(dst->path)));
	else if (res->err != 0)
		record_fail(rec, res->err, CPN_("error reading %s"),
		    quote(path_str(res->dst_err ? dst->path : src->path)));
	else if (res->src_changed)
		record_fail(rec, 0, N_("verification failed: %s changed while "
		    "it was copied"), quote(path_str(src->path)));
	else if (res->src_size != res->dst_size)
		record_fail(rec, 0, N_("verification failed: %s has %llu bytes, "
		    "%s %llu"), quote(path_str(dst->path)),
		    (unsigned long long)res->dst_size,
		    quote(path_str(src->path)),
		    (unsigned long long)res->src_size);
	else
		record_fail(rec, 0, N_("verification failed: %s differs from %s "
		    "at byte %llu"), quote(path_str(dst->path)),
		    quote(path_str(src->path)),
		    (unsigned long long)res->at + 1);
	return -1;
}

int
verify_copy(const struct verify_job *j, const struct file_ref *src,
    const struct file_ref *dst, struct file_record *rec)
{
	struct verify_result res;
	int rc = verify_fds(j, &res);

	rec->verify = rc == -1 ? VERIFY_FAILED : res.state;
	rec->verify_seconds = res.seconds;
	rec->verify_why = res.why;
	rec->verify_cached = res.cached;
	rec->verify_shared = res.shared;
	if (rc == -1 || res.state == VERIFY_FAILED)
		return verify_fail(&res, src, dst, rec);
	return 0;
}
