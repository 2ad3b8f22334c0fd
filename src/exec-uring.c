/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * exec-uring.c: the batch executor of --engine=uring.  The new small
 * regular files of a batch of the parallel walk (a pool.c task: up to 32
 * files of one directory) are copied at once on io_uring, in four
 * submissions for the whole batch where the per-file path makes seven
 * calls a file: the sources and their copies opened (a source's open
 * linked to its copy's, O_EXCL), the sources checked (statx: the file
 * the walk stat'ed) and read, the copies written, and, once meta.c has
 * set the attributes asked for, both closed.  Each file's record is
 * reported as exec_file() does, engine "uring".
 *
 * What a batch cannot do goes to exec_file(): a destination that is
 * there (dest.c's rules: -i, -n, -u, backups), --atomic, --verify,
 * --resume, --fsync, links and hard-linked files, specials, files larger
 * than URING_MAX, sparse ones, sources on a file system whose sizes may
 * lie (file.c's size_exact: the first file of each device goes there and
 * tells), and every file whose batch step failed (its copy removed
 * first): exec_file() copies it anew and says what failed in cp's words.
 * Where the kernel refuses io_uring (ENOSYS; EPERM from
 * /proc/sys/kernel/io_uring_disabled or a seccomp filter), every file
 * goes there, and --debug says why.
 *
 * --engine=auto uses the same batches where at least URING_AUTO_MIN
 * files of a batch fit and a clone is known not to work (the per-file
 * path's first file of each pair of devices tells): bench/RESULTS.md
 * has the batch faster for every size class up to URING_MAX, on tmpfs
 * and on ext4.  A forced engine never uses them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "exec.h"
#include "meta.h"
#include "progress.h"
#include "quote.h"
#include "units.h"

#if HAVE_LIBURING

/* The largest file copied in a batch, and the files of one batch. */
#define URING_MAX	((size_t)64 << 10)
#define URING_FILES	32
/*
 * The files of a batch that --engine=auto copies on io_uring: for fewer,
 * setting the ring up and four submissions save little or nothing.
 */
#define URING_AUTO_MIN	8

/* What a completion is for (user_data: file index * 8 + this). */
enum uring_op {
	URING_OPEN_SRC, URING_OPEN_DST, URING_STATX, URING_READ,
	URING_WRITE, URING_CLOSE_SRC, URING_CLOSE_DST
};

/* One file of a batch. */
struct uring_file {
	struct copy_job	*job;
	int		 sfd, dfd;	/* -1: not open */
	size_t		 got;		/* bytes read */
	size_t		 put;		/* bytes written */
	int		 err;		/* what failed: 0, or an errno */
	int		 close_err;	/* close(dfd)'s errno, or 0 */
	struct statx	 stx;
	char		*buf;		/* URING_MAX + 1 bytes */
	struct file_record rec;
};

struct exec_ring {
	struct io_uring	 ring;
	char		*bufs;		/* the files' buffers */
	struct uring_file f[URING_FILES];
	size_t		 n;
};

/* This thread's ring, set up on first use; NULL if there is none. */
static struct exec_ring *
uring_get(struct file_ctx *fc)
{
	struct exec_ring *r = fc->ring;
	int rc;

	if (r != NULL || fc->unbatched != 0)
		return r;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->bufs = malloc(URING_FILES * (URING_MAX + 1))) == NULL) {
		free(r);
		return NULL;	/* (asked again at the next batch) */
	}
	/* ENOSYS: no io_uring; EPERM: io_uring_disabled, or seccomp. */
	if ((rc = io_uring_queue_init(2 * URING_FILES, &r->ring, 0)) < 0) {
		fc->unbatched = -rc;
		free(r->bufs);
		free(r);
		return NULL;
	}
	fc->ring = r;
	return r;
}

void
exec_batch_done(struct file_ctx *fc)
{
	struct exec_ring *r = fc->ring;

	if (r == NULL)
		return;
	io_uring_queue_exit(&r->ring);
	free(r->bufs);
	free(r);
	fc->ring = NULL;
}

/* True if job is a new small regular file a batch can copy whole. */
static bool
uring_fits(const struct file_ctx *fc, const struct copy_job *job)
{
	const struct options *o = fc->run->opts;
	const struct stat *st = &job->st;

	if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size > URING_MAX ||
	    st->st_nlink > 1 || !job->dst.fresh)
		return false;
	/* Sizes that may lie: the per-file path reads to a 0. */
	if (!fc->exact_known || fc->exact_dev != st->st_dev || !fc->exact)
		return false;
	/* Holes to keep (or to make) are the chain's. */
	if (o->sparse == SPARSE_ALWAYS || (o->sparse != SPARSE_NEVER &&
	    (uint64_t)st->st_blocks * 512 < (uint64_t)st->st_size))
		return false;
	/* auto: only where a clone is known not to work (it shares). */
	if (!o->uring && o->reflink != REFLINK_NEVER &&
	    (fc->skip_src != st->st_dev || fc->skip_dst != job->dst.dev ||
	    job->dst.dev == 0 || !(fc->skip.mask & ENGINE_BIT(ENGINE_CLONE))))
		return false;
	return o->engine == ENGINE_AUTO && o->reflink != REFLINK_ALWAYS &&
	    !o->atomic && !o->verify && !o->resume && !o->fsync &&
	    !o->dry_run &&
	    !o->hard_link && !o->sym_link && !o->attributes_only &&
	    o->interactive != INTERACTIVE_ASK;
}

/*
 * Whether what the batch must know of job's files is not known yet:
 * whether the source's file system has true sizes and (auto) whether a
 * clone works between the two.  The per-file path finds out.
 */
static bool
uring_unknown(const struct file_ctx *fc, const struct copy_job *job)
{
	const struct stat *st = &job->st;

	if (!S_ISREG(st->st_mode) || !job->dst.fresh)
		return false;
	if (!fc->exact_known || fc->exact_dev != st->st_dev)
		return true;
	return !fc->run->opts->uring && (fc->skip_src != st->st_dev ||
	    fc->skip_dst != job->dst.dev);
}

/*
 * Whether the jobs are copied in a batch: under --engine=uring, if any
 * can be; under auto, if URING_AUTO_MIN can (bench/RESULTS.md: faster
 * for files of every size up to URING_MAX, on tmpfs and ext4).
 */
static bool
uring_worth(const struct file_ctx *fc, const struct copy_job *jobs,
    size_t n)
{
	const struct options *o = fc->run->opts;
	size_t i, fit = 0;

	if (!o->uring && o->engine != ENGINE_AUTO)
		return false;
	for (i = 0; i < n; i++)
		if (uring_fits(fc, &jobs[i]))
			fit++;
	return fit > 0 && (o->uring || fit >= URING_AUTO_MIN);
}

/* A queue entry for file i's op, or NULL (the ring is full: none is). */
static struct io_uring_sqe *
uring_sqe(struct exec_ring *r, size_t i, enum uring_op op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	if (sqe != NULL)
		io_uring_sqe_set_data64(sqe, (uint64_t)i * 8 + op);
	return sqe;
}

/* Notes the result res of file f's op. */
static void
uring_note(struct uring_file *f, enum uring_op op, int res)
{
	if (res < 0 && op != URING_CLOSE_SRC && op != URING_CLOSE_DST &&
	    f->err == 0)
		f->err = -res;
	switch (op) {
	case URING_OPEN_SRC:
		f->sfd = res < 0 ? -1 : res;
		break;
	case URING_OPEN_DST:
		f->dfd = res < 0 ? -1 : res;
		break;
	case URING_READ:
		f->got = res < 0 ? 0 : (size_t)res;
		break;
	case URING_WRITE:
		f->put = res < 0 ? 0 : (size_t)res;
		break;
	case URING_CLOSE_DST:
		f->close_err = res < 0 ? -res : 0;
		break;
	default:
		break;
	}
}

/*
 * Submits what is queued and takes its want completions.  Returns 0, or
 * -1 with errno if the ring failed (what was queued may not have run).
 */
static int
uring_run(struct exec_ring *r, unsigned want)
{
	struct io_uring_cqe *cqe;
	uint64_t ud;
	int rc;

	do
		rc = io_uring_submit_and_wait(&r->ring, want);
	while (rc == -EINTR);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	while (want > 0) {
		if ((rc = io_uring_wait_cqe(&r->ring, &cqe)) < 0) {
			if (rc == -EINTR)
				continue;
			errno = -rc;
			return -1;
		}
		ud = io_uring_cqe_get_data64(cqe);
		uring_note(&r->f[ud / 8], (enum uring_op)(ud % 8), cqe->res);
		io_uring_cqe_seen(&r->ring, cqe);
		want--;
	}
	return 0;
}

/* Open flags of job's source, as file.c opens it. */
static int
uring_src_flags(const struct copy_job *job)
{
	return O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (job->src.follow ? 0 : O_NOFOLLOW);
}

/*
 * Queues the opens of every file: a source's, then (linked: not tried
 * if that failed) its copy's, created as file.c creates it.  Returns the
 * completions to wait for.
 */
static unsigned
uring_queue_open(struct exec_ring *r, const struct options *o)
{
	struct io_uring_sqe *sqe;
	struct uring_file *f;
	mode_t mode;
	unsigned want = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		mode = meta_base_mode(o, f->job->st.st_mode);
		if (o->preserve_ownership)
			mode &= S_IRWXU;
		sqe = uring_sqe(r, i, URING_OPEN_SRC);
		io_uring_prep_openat(sqe, f->job->src.dirfd, f->job->src.name,
		    uring_src_flags(f->job), 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe = uring_sqe(r, i, URING_OPEN_DST);
		io_uring_prep_openat(sqe, f->job->dst.dirfd, f->job->dst.name,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
		want += 2;
	}
	return want;
}

/*
 * Queues, for each file open at both ends, the check of its source
 * (still the file the walk stat'ed) and the read of all of it and one
 * byte more (a file that grew is finished by uring_rest()).
 */
static unsigned
uring_queue_read(struct exec_ring *r)
{
	struct io_uring_sqe *sqe;
	struct uring_file *f;
	unsigned want = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (f->err != 0)
			continue;
		sqe = uring_sqe(r, i, URING_STATX);
		io_uring_prep_statx(sqe, f->sfd, "", AT_EMPTY_PATH |
		    AT_STATX_SYNC_AS_STAT, STATX_INO, &f->stx);
		sqe = uring_sqe(r, i, URING_READ);
		io_uring_prep_read(sqe, f->sfd, f->buf,
		    (unsigned)f->job->st.st_size + 1, 0);
		want += 2;
	}
	return want;
}

/* Queues the writes of what was read, and checks the statx first. */
static unsigned
uring_queue_write(struct exec_ring *r)
{
	struct io_uring_sqe *sqe;
	struct uring_file *f;
	unsigned want = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (f->err == 0 && (f->stx.stx_ino != f->job->st.st_ino ||
		    makedev(f->stx.stx_dev_major, f->stx.stx_dev_minor) !=
		    f->job->st.st_dev))
			f->err = ESTALE;	/* replaced: exec_file() says */
		if (f->err != 0 || f->got == 0)
			continue;
		sqe = uring_sqe(r, i, URING_WRITE);
		io_uring_prep_write(sqe, f->dfd, f->buf, (unsigned)f->got, 0);
		want++;
	}
	return want;
}

/*
 * ThreadSanitizer cannot see a descriptor the kernel opens or closes for
 * the ring: when another thread's openat(2) gets the number again, the
 * two uses look like a race.  Built with it, the batch closes with
 * close(2), which it sees.
 */
#if defined(__SANITIZE_THREAD__)
#define URING_CLOSE_ON_RING	0
#else
#define URING_CLOSE_ON_RING	1
#endif

/* Queues the closes of every descriptor still open. */
static unsigned
uring_queue_close(struct exec_ring *r)
{
	struct uring_file *f;
	unsigned want = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (!URING_CLOSE_ON_RING) {
			if (f->sfd != -1)
				(void)close(f->sfd);
			if (f->dfd != -1)
				(void)close(f->dfd);
			f->sfd = f->dfd = -1;
			continue;
		}
		if (f->sfd != -1) {
			io_uring_prep_close(uring_sqe(r, i, URING_CLOSE_SRC),
			    f->sfd);
			f->sfd = -1;
			want++;
		}
		if (f->dfd != -1) {
			io_uring_prep_close(uring_sqe(r, i, URING_CLOSE_DST),
			    f->dfd);
			f->dfd = -1;
			want++;
		}
	}
	return want;
}

/* pwrite(2)s all of buf at at.  0, or -1 with errno. */
static int
uring_put(int fd, const char *buf, size_t len, off_t at)
{
	size_t done = 0;
	ssize_t w;

	while (done < len) {
		if ((w = pwrite(fd, buf + done, len - done,
		    at + (off_t)done)) > 0)
			done += (size_t)w;
		else if (w == 0) {
			errno = EIO;
			return -1;
		} else if (errno != EINTR)
			return -1;
	}
	return 0;
}

/*
 * What the batch left to do for f, by plain calls: the rest of a short
 * write, and of a source that grew since the walk stat'ed it (read to
 * a 0, as the per-file path).  Sets f->err if that fails.
 */
static void
uring_rest(struct uring_file *f)
{
	off_t at;
	ssize_t n;

	if (uring_put(f->dfd, f->buf + f->put, f->got - f->put,
	    (off_t)f->put) == -1) {
		f->err = errno;
		return;
	}
	for (at = (off_t)f->got; f->got > (size_t)f->job->st.st_size;
	    at += n) {
		if ((n = pread(f->sfd, f->buf, URING_MAX + 1, at)) == 0)
			break;
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0 || uring_put(f->dfd, f->buf, (size_t)n, at) == -1) {
			f->err = errno;
			return;
		}
	}
	f->got = (size_t)at;
}

/* Data in place: the attributes asked for (meta.c), into f's record. */
static void
uring_attrs(const struct options *o, struct uring_file *f)
{
	const struct copy_job *job = f->job;
	struct meta_target t = { .fd = f->dfd, .dirfd = job->dst.dirfd,
	    .name = job->dst.name, .src_path = job->src.path,
	    .src_fd = f->sfd, .created = true };

	if (f->err == 0 && (f->put < f->got ||
	    f->got > (size_t)job->st.st_size))
		uring_rest(f);
	if (f->err != 0)
		return;
	f->rec.began = true;
	f->rec.data = true;
	f->rec.batched = true;
	f->rec.eng.bytes = f->got;
	(void)meta_set(o, &t, &job->st, &f->rec);
}

/* Takes the files of the batch: those it can copy, the others run now. */
static void
uring_take(const struct walk *w, struct file_ctx *fc, struct exec_ring *r,
    struct copy_job *jobs, size_t n)
{
	struct uring_file *f;
	size_t i;

	r->n = 0;
	for (i = 0; i < n && !operand_stopped(w->op); i++) {
		if (r->n == URING_FILES || !uring_fits(fc, &jobs[i])) {
			(void)exec_file(w, fc, &jobs[i]);
			continue;
		}
		f = &r->f[r->n];
		memset(f, 0, offsetof(struct uring_file, buf));
		f->job = &jobs[i];
		f->sfd = f->dfd = -1;
		f->buf = r->bufs + r->n * (URING_MAX + 1);
		record_init(&f->rec, jobs[i].src.path, jobs[i].dst.path,
		    FILE_KIND_FILE);
		r->n++;
	}
}

/*
 * Reports the files of the batch, seconds the batch's time shared out;
 * one whose batch step failed is handed to exec_file(), its copy
 * removed first, to be copied anew and its failure said in cp's words.
 */
static void
uring_report(const struct walk *w, struct file_ctx *fc, struct exec_ring *r,
    double seconds)
{
	struct progress *prog = w->run->prog;
	struct uring_file *f;
	size_t i;

	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (f->err == 0 && f->close_err != 0)
			record_fail(&f->rec, f->close_err,
			    CPN_("failed to close %s"),
			    quote(path_str(f->job->dst.path)));
		if (f->err != 0) {
			if (f->rec.began)
				(void)unlinkat(f->job->dst.dirfd,
				    f->job->dst.name, 0);
			record_free(&f->rec);
			(void)exec_file(w, fc, f->job);
			continue;
		}
		f->rec.seconds = seconds / (double)r->n;
		/* (Its bytes count as its size: no engine moved them.) */
		progress_file_start(prog, f->job->src.path, &f->job->st);
		progress_file_done(prog, &f->job->st, &f->rec);
		run_report(w->run, &f->rec);
	}
}

/*
 * The batch's four submissions.  The ring failing on the way leaves no
 * telling what ran: every file goes to exec_file(), and so do the next
 * batches of this thread (fc->unbatched).
 */
static void
uring_copy(const struct walk *w, struct file_ctx *fc, struct exec_ring *r)
{
	const struct options *o = w->run->opts;
	size_t i;

	if (uring_run(r, uring_queue_open(r, o)) == -1 ||
	    uring_run(r, uring_queue_read(r)) == -1)
		goto broken;
	/* (A source open and a copy not: no new file of ours to remove.) */
	for (i = 0; i < r->n; i++)
		r->f[i].rec.began = r->f[i].dfd != -1;
	if (uring_run(r, uring_queue_write(r)) == -1)
		goto broken;
	for (i = 0; i < r->n; i++)
		uring_attrs(o, &r->f[i]);
	if (uring_run(r, uring_queue_close(r)) == -1)
		goto broken;
	return;
broken:
	fc->unbatched = errno;
	for (i = 0; i < r->n; i++) {
		if (r->f[i].sfd != -1)
			(void)close(r->f[i].sfd);
		if (r->f[i].dfd != -1)
			(void)close(r->f[i].dfd);
		r->f[i].err = fc->unbatched;
	}
}

void
exec_batch(const struct walk *w, struct file_ctx *fc, struct copy_job *jobs,
    size_t n)
{
	struct exec_ring *r;
	double t0;
	size_t i;

	/* The first files tell what the next ones need. */
	for (i = 0; i < n && uring_unknown(fc, &jobs[i]) &&
	    !operand_stopped(w->op); i++)
		(void)exec_file(w, fc, &jobs[i]);
	jobs += i;
	n -= i;
	if (!uring_worth(fc, jobs, n) || (r = uring_get(fc)) == NULL) {
		for (i = 0; i < n && !operand_stopped(w->op); i++)
			(void)exec_file(w, fc, &jobs[i]);
		return;
	}
	uring_take(w, fc, r, jobs, n);
	if (r->n == 0)
		return;
	t0 = units_now();
	uring_copy(w, fc, r);
	uring_report(w, fc, r, units_now() - t0);
	if (fc->unbatched != 0)
		exec_batch_done(fc);
}

#else /* !HAVE_LIBURING */

void
exec_batch(const struct walk *w, struct file_ctx *fc, struct copy_job *jobs,
    size_t n)
{
	size_t i;

	for (i = 0; i < n && !operand_stopped(w->op); i++)
		(void)exec_file(w, fc, &jobs[i]);
}

void
exec_batch_done(struct file_ctx *fc)
{
	(void)fc;
}

#endif /* HAVE_LIBURING */
