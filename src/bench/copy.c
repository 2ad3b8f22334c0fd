/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/copy.c: one timed run of one contender.  An engine copies the
 * source into a new temporary file (engine.c, as zcp copies a file), or
 * sends it into a loopback connection (socket.c); cp is run as a command
 * (tmp.c starts it).  Only the copy (and with --fsync the flush, with
 * --verify zcp's check) is timed; creating and removing the temporary
 * file is not, nor dropping the source from the cache for --cold.  The
 * first run of each contender, the warm-up, also finds whether the
 * kernel refuses the engine, and checks every byte of the copy.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/copy.h"
#include "bench/result.h"
#include "bench/socket.h"
#include "bench/status.h"
#include "bench/tmp.h"
#include "nls.h"
#include "quote.h"
#include "units.h"
#include "verify.h"

/* The percentage of fd's first len bytes in the page cache (mincore). */
static int
bench_copy_resident(int fd, uint64_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	size_t pages, i, in = 0;
	void *p;

	if (page <= 0 || len == 0 || len > SIZE_MAX)
		return 0;
	pages = (size_t)((len + (uint64_t)page - 1) / (uint64_t)page);
	if ((vec = malloc(pages)) == NULL)
		err(1, NULL);
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED && mincore(p, (size_t)len, vec) == 0)
		for (i = 0; i < pages; i++)
			in += vec[i] & 1;
	if (p != MAP_FAILED)
		(void)munmap(p, (size_t)len);
	free(vec);
	return (int)((in * 100 + pages - 1) / pages);
}

/* --cold: the source out of the page cache (no root needed), and a
 * note of how much of it the kernel kept anyway. */
static void
bench_copy_drop(struct bench *b)
{
	int pct;

	(void)fdatasync(b->src);
	(void)posix_fadvise(b->src, 0, 0, POSIX_FADV_DONTNEED);
	pct = bench_copy_resident(b->src, b->size);
	if (pct > b->resident)
		b->resident = pct;
}

/* The bytes of the copy in fd against the source's, as cmp does. */
static void
bench_copy_cmp(const struct bench *b, const struct bench_eng *e, int fd)
{
	size_t bufsize = (size_t)1 << 20;
	char *s, *d;
	ssize_t ns, nd;
	uint64_t off = 0;
	size_t i;

	if ((s = malloc(bufsize)) == NULL || (d = malloc(bufsize)) == NULL)
		err(1, NULL);
	for (;;) {
		if ((ns = verify_pread(b->src, s, bufsize, off)) == -1)
			err(1, CP_("error reading %s"), quote(b->src_path));
		if ((nd = verify_pread(fd, d, bufsize, off)) == -1)
			err(1, CP_("error reading %s"),
			    quote(bench_tmp_path(BENCH_DST)));
		if (ns != nd || memcmp(s, d, (size_t)ns) != 0)
			break;
		if (ns == 0)
			break;
		off += (uint64_t)ns;
	}
	if (ns != 0 || nd != 0) {
		for (i = 0; i < (size_t)(ns < nd ? ns : nd) && s[i] == d[i];
		    i++)
			;
		bench_status_clear();
		errx(1, _("%s: the copy differs from %s at byte %llu"),
		    bench_name(e->id), quote(b->src_path),
		    (unsigned long long)(off + i + 1));
	}
	free(s);
	free(d);
}

/*
 * --verify: the check zcp makes of each copy (verify.c), inside the
 * timed region.  Exits if the copy in fd differs or cannot be checked.
 */
static void
bench_copy_check(const struct bench *b, const struct bench_eng *e, int fd,
    const struct engine_result *res)
{
	struct verify_result r;
	struct verify_job j;
	struct stat st;

	if (!b->opts->verify)
		return;
	if (fstat(b->src, &st) == -1)
		err(1, CP_("cannot stat %s"), quote(b->src_path));
	j = (struct verify_job){
		.src = b->src,
		.dst = fd,
		.sst = &st,
		.dst_is_reg = true,
		.synced = b->opts->fsync,
		.shared = res == NULL || res->cloned ||
		    res->moved[ENGINE_CFR] > 0,
		.bytes = b->size,
	};
	if (verify_fds(&j, &r) == -1) {
		bench_status_clear();
		errno = r.err;
		err(1, _("%s: --verify: error reading %s"), bench_name(e->id),
		    quote(r.dst_err ? bench_tmp_path(BENCH_DST) : b->src_path));
	}
	if (r.state == VERIFY_OK)
		return;
	bench_status_clear();
	if (r.state == VERIFY_SKIPPED)
		errx(1, _("%s: --verify: cannot check the copy: %s"),
		    bench_name(e->id), nls_text(r.why));
	errx(1, _("%s: --verify: the copy differs from %s at byte %llu"),
	    bench_name(e->id), quote(b->src_path),
	    (unsigned long long)r.at + 1);
}

/* An engine failed.  Returns if the kernel refused it on the first run
 * (e->refused says why); otherwise exits with the error. */
static void
bench_copy_failed(struct bench *b, struct bench_eng *e,
    const struct engine_result *res, bool first)
{
	int e_err = res->err;

	if (first && e->id != ENGINE_AUTO && res->moved[e->id] == 0 &&
	    (engine_fallback_ok(e_err) || e_err == ENODATA)) {
		e->refused = e_err;
		return;
	}
	bench_status_clear();
	errno = e_err;
	if (res->write_failed && b->to_socket)
		err(1, _("%s: error sending %s"), bench_name(e->id),
		    quote(b->src_path));
	if (res->write_failed)
		err(1, _("%s: error writing %s"), bench_name(e->id),
		    quote(bench_tmp_path(BENCH_DST)));
	err(1, _("%s: error copying %s"), bench_name(e->id),
	    quote(b->src_path));
}

/*
 * Before the clock starts: the source dropped from the cache (--cold)
 * and read from its start, and the job of a run of e into fd.
 */
static void
bench_copy_job(struct bench *b, const struct bench_eng *e, int fd,
    struct engine_job *job)
{
	if (b->opts->bench_cold)
		bench_copy_drop(b);
	if (lseek(b->src, 0, SEEK_SET) == -1)
		err(1, _("cannot seek in %s"), quote(b->src_path));
	*job = (struct engine_job){
		.src = b->src,
		.dst = fd,
		.engines = e->id != ENGINE_AUTO ? ENGINE_BIT(e->id) :
		    b->to_socket ? BENCH_SOCKET_ENGINES : ENGINE_ALL,
		.strict = e->id != ENGINE_AUTO,
		.dst_is_reg = !b->to_socket,
		.src_is_reg = true,
		.src_size = b->size,
		.walk_holes = b->sparse && !b->to_socket,
		.blksize = b->blksize,
		.buf = (struct engine_buf *)&b->buf,
		.sync_every = b->opts->fsync ? ENGINE_SYNC_EVERY : 0,
	};
}

/*
 * Copies the source once with e into a new temporary file, and removes
 * it.  The first run also checks the bytes.  Returns the seconds, or -1
 * if the kernel refused the engine.  Exits on any other failure.
 */
static double
bench_copy_file(struct bench *b, struct bench_eng *e, bool first)
{
	struct engine_result res;
	struct engine_job job;
	double t0, t;
	int fd, rc;

	fd = bench_tmp_open(b->dir, BENCH_DST);
	bench_copy_job(b, e, fd, &job);
	t0 = units_now();
	rc = engine_copy(&job, &res);
	if (rc == 0 && b->opts->fsync && fsync(fd) == -1) {
		res.err = errno;
		res.write_failed = true;
		rc = -1;
	}
	if (rc == 0)
		bench_copy_check(b, e, fd, &res);
	t = units_now() - t0;
	if (rc == -1)
		bench_copy_failed(b, e, &res, first);
	else if (first) {
		e->used = res.cloned ? ENGINE_CLONE : res.engine;
		e->cloned = res.cloned || engine_shared(fd) == 1;
		bench_copy_cmp(b, e, fd);
	}
	bench_tmp_remove(fd, BENCH_DST);
	return rc == 0 ? t : -1;
}

/* Says how cp ended if it failed, and exits. */
static void
bench_copy_cp_failed(const struct bench *b, int st)
{
	bench_status_clear();
	if (WIFEXITED(st))
		errx(1, _("cp: %s exited with status %d copying %s"), b->cp,
		    WEXITSTATUS(st), quote(b->src_path));
	errx(1, _("cp: %s was killed by signal %d (%s) copying %s"), b->cp,
	    WTERMSIG(st), strsignal(WTERMSIG(st)), quote(b->src_path));
}

/*
 * Runs "cp SOURCE COPY" once, the copy a new temporary file, and removes
 * the copy.  Its time is the command's, from starting it until it has
 * exited (and with --fsync until the copy is flushed).  The first run
 * also checks the bytes.  Returns the seconds.  Exits on failure.
 */
static double
bench_copy_cp(struct bench *b, struct bench_eng *e, bool first)
{
	const char *path = bench_tmp_path(BENCH_DST);
	double t0, t;
	pid_t pid;
	int fd, rfd = -1, st;

	fd = bench_tmp_open(b->dir, BENCH_DST);
	if (b->opts->bench_cold)
		bench_copy_drop(b);
	t0 = units_now();
	if ((pid = bench_tmp_cp_start(b->cp, b->src_path, path)) == -1) {
		bench_status_clear();
		err(1, _("cannot run %s"), quote(b->cp));
	}
	if ((st = bench_tmp_cp_wait(pid)) == 0 && b->opts->fsync &&
	    ((rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fsync(rfd) == -1))
		err(1, _("cp: cannot flush %s"), quote(path));
	/* --verify: cp's copy gets zcp's check, timed with it. */
	if (st == 0 && b->opts->verify) {
		if (rfd == -1 && (rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			err(1, _("cp: cannot open %s"), quote(path));
		bench_copy_check(b, e, rfd, NULL);
	}
	t = units_now() - t0;
	if (st != 0)
		bench_copy_cp_failed(b, st);
	/* cp may have made a new file at the name: read what is there. */
	if (rfd == -1 && (rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, _("cp: cannot open %s"), quote(path));
	if (first) {
		e->used = ENGINE_AUTO;
		e->cloned = engine_shared(rfd) == 1;
		bench_copy_cmp(b, e, rfd);
	}
	(void)close(rfd);
	bench_tmp_remove(fd, BENCH_DST);
	return t;
}

/* What the reader at the other end of the socket found, if wrong. */
static void
bench_copy_verdict(const struct bench *b, const struct bench_eng *e)
{
	const struct bench_sock *s = &b->sock;

	if (s->err != 0) {
		bench_status_clear();
		errno = s->err;
		err(1, _("%s: the reader of the socket failed"),
		    bench_name(e->id));
	}
	if (s->differs == 0 && s->received == b->size)
		return;
	bench_status_clear();
	if (s->differs != 0 && s->differs <= b->size)
		errx(1, _("%s: the bytes the reader received differ from %s "
		    "at byte %llu"), bench_name(e->id), quote(b->src_path),
		    (unsigned long long)s->differs);
	errx(1, _("%s: the reader received %llu bytes of %s, not %llu"),
	    bench_name(e->id), (unsigned long long)s->received,
	    quote(b->src_path), (unsigned long long)b->size);
}

/*
 * Sends the source once with e into a new loopback TCP connection.  The
 * time ends when the reader has received the last byte.  Returns the
 * seconds, or -1 if the kernel refused the engine.  Exits on any other
 * failure, and if the reader did not receive the source's bytes (all of
 * them compared in the first run, counted in the others).
 */
static double
bench_copy_socket(struct bench *b, struct bench_eng *e, bool first)
{
	struct engine_result res;
	struct engine_job job;
	double t0, t;
	int fd, rc, end;

	if ((fd = bench_socket_connect(&b->sock, first)) == -1)
		err(1, _("cannot connect to the reader on the loopback"));
	bench_copy_job(b, e, fd, &job);
	t0 = units_now();
	rc = engine_copy(&job, &res);
	end = bench_socket_end(&b->sock);
	t = units_now() - t0;
	if (end == -1 && rc == 0) {
		res.err = errno;
		res.write_failed = true;
		rc = -1;
	}
	bench_socket_join(&b->sock);
	if (rc == -1) {
		bench_copy_failed(b, e, &res, first);
		return -1;
	}
	if (first) {
		e->used = res.engine;
		e->cloned = false;
	}
	bench_copy_verdict(b, e);
	return t;
}

double
bench_copy(struct bench *b, struct bench_eng *e, bool first)
{
	if (e->id == BENCH_CP)
		return bench_copy_cp(b, e, first);
	if (b->to_socket)
		return bench_copy_socket(b, e, first);
	return bench_copy_file(b, e, first);
}

