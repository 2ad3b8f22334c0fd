/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.c: the parallel tree copy: a driver of the walk (walk.h) on
 * threads, and the executor that runs its copy jobs there.
 *
 * A pool of threads shares one stack of tasks.  A task is a directory to
 * copy, or a batch of files of one directory.  The thread that copies a
 * directory reads it, pushes each subdirectory as a task, copies the
 * files itself, and hands batches of them to idle threads, so one large
 * flat directory is spread too.  Each directory counts its unfinished
 * tasks; the last one to finish takes the walk's post-order step (the
 * directory's mode and times, after all of its contents, as the
 * sequential walk does), closes it and tells its parent.  Only
 * directories with unfinished tasks stay open, so descriptors are
 * bounded by depth and threads, not by the tree's size; the stack is
 * last in, first out, so the walk stays mostly depth-first.
 *
 * What the walk and the per-file executor ask of the pool goes through
 * its struct walk_driver: hard links kept for an end pass in cp's order,
 * what ran short of memory or descriptors taken back to be copied again
 * by one thread at the end, and the order of writes into shared files.
 */
#include "config.h"

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "exec.h"
#include "pool.h"
#include "quote.h"
#include "walk-seq.h"

/* Files handed to another thread at once. */
#define POOL_BATCH	32

struct pool_dir {
	struct pool_dir	*up;
	unsigned	 depth;		/* 0 for the operand */
	unsigned	 pending;	/* its own reading + unfinished tasks */
	DIR		*d;		/* the source, open while pending */
	char		*name;		/* its name (owned) */
	struct walk_dir	 dir;		/* the directory (dir.dfd: its copy,
					   open while pending) */
};

struct pool_entry {
	char		*name;
	struct stat	 st;
	bool		 premade;	/* its copy made ahead (walk.h) */
};

struct pool_task {
	struct pool_task *next;
	struct pool_dir	*dir;		/* the directory the entries are in */
	bool		 subdir;	/* e[0] is a directory; else files */
	size_t		 n;
	struct pool_entry e[];		/* 1 for a subdirectory, or a batch */
};

/*
 * A hard-linked file kept for the end (pool_deferred_run()): its source
 * and destination paths, its stat, its place in cp's walk.
 */
struct pool_later {
	char		*src, *dst;
	struct stat	 st;
	ino_t		*key;
	size_t		 n;
	size_t		 seq;		/* the order it was met in */
	mode_t		 pmode;		/* its directory's mode while it was
					   being filled, if have_pmode */
	bool		 have_pmode;
	bool		 fresh;		/* its directory was made by this run */
};

/*
 * What failed for want of memory or descriptors, to copy again at the end
 * (pool_again_run()): its paths, its stat, and for a directory, those
 * above it (to find cycles).
 */
struct pool_again {
	struct pool_again *next;
	char		*src, *dst;
	struct stat	 st;
	bool		 follow;	/* the source's link is followed */
	bool		 operand;	/* the source is an operand */
	bool		 fresh;		/* its directory was made by this run */
	dev_t		 ddev;		/* that directory's device, or 0 */
	mode_t		 pmode;		/* its mode then, if have_pmode */
	bool		 have_pmode;
	struct walk_anc	*anc;		/* [0] the nearest; NULL for a file */
	size_t		 nanc;
};

/* Threads started. */
struct pool_threads {
	pthread_t	*tid;
	unsigned	 n;
};

struct pool {
	struct walk	 w;		/* the walk the threads share */
	/*
	 * What the walk asks of the pool: --preserve=links' hard links kept
	 * for the end (later: which name of a hard-linked file is copied
	 * first, the others being linked to it, can decide what happens to
	 * their destinations: they are then copied at the end, one by one,
	 * in cp's order), what ran short taken back (again), and the order
	 * of writes into shared files (aliases).  Set while no thread runs.
	 */
	struct walk_driver drv;
	pthread_mutex_t	 lock;
	pthread_cond_t	 more;		/* a task was pushed, or all is done */
	struct pool_task *top;		/* the stack */
	unsigned	 busy;		/* threads running a task */
	unsigned	 idle;		/* threads waiting (atomic: read
					   unlocked) */
	struct pool_later *later;
	size_t		 nlater, later_cap;
	/* What failed short, in order (small nodes: memory is short). */
	struct pool_again *again, **again_end;	/* under the lock */
	size_t		 nagain;
};

/* This thread ran short of memory or descriptors: a worker stops. */
static __thread bool pool_short;

static void	pool_read(struct pool *, struct file_ctx *,
		    struct pool_dir *);

static struct pool_task *
pool_task_new(struct pool_dir *dir, bool subdir)
{
	struct pool_task *t;

	/* A wide directory has a task per subdirectory: keep those small. */
	if ((t = malloc(sizeof(*t) +
	    (subdir ? 1 : POOL_BATCH) * sizeof(t->e[0]))) == NULL)
		return NULL;
	t->next = NULL;
	t->dir = dir;
	t->subdir = subdir;
	t->n = 0;
	return t;
}

static void
pool_task_free(struct pool_task *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].name);
	free(t);
}

static bool
pool_has_idle(struct pool *p)
{
	return __atomic_load_n(&p->idle, __ATOMIC_RELAXED) > 0;
}

static void
pool_push(struct pool *p, struct pool_task *t)
{
	__atomic_add_fetch(&t->dir->pending, 1, __ATOMIC_RELAXED);
	(void)pthread_mutex_lock(&p->lock);
	t->next = p->top;
	p->top = t;
	if (pool_has_idle(p))
		(void)pthread_cond_signal(&p->more);
	(void)pthread_mutex_unlock(&p->lock);
}


/* The last task of d is done: finish it, and maybe its parents. */
static void
pool_release(struct pool *p, struct pool_dir *d)
{
	struct pool_dir *up;

	while (d != NULL &&
	    __atomic_sub_fetch(&d->pending, 1, __ATOMIC_ACQ_REL) == 0) {
		walk_attrs(&p->w, &d->dir, dirfd(d->d));
		(void)closedir(d->d);
		walk_close(&p->w, &d->dir);
		up = d->up;
		free(d->name);
		free(d);
		d = up;
	}
}

/*
 * The pool p (arg) takes back what failed for want of memory or
 * descriptors (its driver's again): src (stat'ed as st), to be copied to
 * dst at the end, with anc, the directories above a directory.  The
 * thread that found it short stops after its task, if it is a worker.
 * True if kept.
 */
static bool
pool_again_keep(void *arg, const struct file_ref *src,
    const struct stat *st, const struct file_ref *dst,
    const struct walk_anc *anc)
{
	struct pool *p = arg;
	const struct walk_anc *u;
	struct pool_again *a;
	struct stat pst;
	size_t i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return false;
	if ((a->src = path_dup(src->path)) == NULL ||
	    (a->dst = path_dup(dst->path)) == NULL ||
	    strlen(a->src) >= PATH_MAX || strlen(a->dst) >= PATH_MAX)
		goto fail;	/* (too long to be reached by name) */
	for (u = S_ISDIR(st->st_mode) ? anc : NULL; u != NULL; u = u->up)
		a->nanc++;
	if (a->nanc > 0 && (a->anc = calloc(a->nanc, sizeof(*a->anc))) ==
	    NULL)
		goto fail;
	for (i = 0, u = anc; i < a->nanc; i++, u = u->up)
		a->anc[i] = (struct walk_anc){ .dev = u->dev, .ino = u->ino };
	a->st = *st;
	a->follow = src->follow;
	a->operand = src->operand;
	a->fresh = dst->fresh;
	a->ddev = dst->dev;
	/* Its directory's mode while being filled, lent back at the end. */
	a->have_pmode = !src->operand && dst->dirfd != AT_FDCWD &&
	    fstatat(dst->dirfd, ".", &pst, 0) == 0;
	a->pmode = a->have_pmode ? pst.st_mode & 07777 : 0;
	(void)pthread_mutex_lock(&p->lock);
	*p->again_end = a;
	p->again_end = &a->next;
	p->nagain++;
	(void)pthread_mutex_unlock(&p->lock);
	pool_short = true;
	return true;
fail:
	free(a->src);
	free(a->dst);
	free(a);
	return false;
}

/*
 * The directory src could not be copied to dst for want of memory (in
 * up, or an operand if up is NULL): taken back for the end, or reported.
 */
static void
pool_nomem(struct pool *p, struct pool_dir *up, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	if (!pool_again_keep(p, src, sst, dst, up != NULL ? &up->dir.anc :
	    NULL))
		run_fail(p->w.run, src, dst, FILE_KIND_DIR, ENOMEM,
		    CPN_("cannot access %s"), src->path, NULL);
}

/*
 * Opens the source of d for reading (d->d): 0, or an errno (d->d NULL).
 */
static int
pool_dir_src(struct pool_dir *d)
{
	int sfd, e;

	sfd = openat(d->dir.src.dirfd, d->dir.src.name, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC | (d->dir.src.follow ? 0 : O_NOFOLLOW));
	if (sfd != -1 && (d->d = fdopendir(sfd)) != NULL)
		return 0;
	e = errno;
	if (sfd != -1)
		(void)close(sfd);
	return e;
}

/*
 * Opens the directory src (in up, or an operand if up is NULL, whose
 * stat is sst) named name, and makes its copy dst.  Returns the new
 * pool_dir with one pending count (its reading), or NULL if it was
 * reported as failed, or taken back for the end: its source could not be
 * opened for want of memory or descriptors (nothing is made then).
 * Takes name, which must be malloc'd.  premade: its copy was made ahead
 * (walk.h), and is removed if it is not entered.
 */
static struct pool_dir *
pool_dir_open(struct pool *p, struct pool_dir *up, char *name,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst, bool premade)
{
	struct pool_dir *d;
	int e;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		if (premade)
			walk_unmake(&up->dir, name);
		pool_nomem(p, up, src, sst, dst);
		free(name);
		return NULL;
	}
	d->up = up;
	d->depth = up != NULL ? up->depth + 1 : 0;
	d->pending = 1;
	d->name = name;
	walk_dir_init(&d->dir, up != NULL ? &up->dir : NULL, name, src, sst,
	    dst, up != NULL ? &up->dir.anc : NULL);
	d->dir.premade = premade;
	if (walk_cyclic(&p->w, &d->dir.src, sst, &d->dir.dst, d->dir.anc.up))
		goto unmake;
	/* The source first (read once the copy is made, as cp). */
	if ((e = pool_dir_src(d)) != 0 && run_short(e) &&
	    pool_again_keep(p, &d->dir.src, sst, &d->dir.dst, d->dir.anc.up))
		goto unmake;
	/* As cp: the copy is made even if the source cannot be read. */
	if (walk_enter(&p->w, &d->dir) == -1) {
		if (d->d != NULL)
			(void)closedir(d->d);
		goto fail;
	}
	if (d->d != NULL)
		return d;
	run_fail(p->w.run, &d->dir.src, &d->dir.dst, FILE_KIND_DIR, e,
	    CPN_("cannot access %s"), &d->dir.sp, NULL);
	walk_attrs(&p->w, &d->dir, -1);
	walk_close(&p->w, &d->dir);
	goto fail;
unmake:
	if (premade)
		walk_unmake(&up->dir, name);
fail:
	free(d->name);
	free(d);
	return NULL;
}

/*
 * Copies one subdirectory of t->dir.  The parent's count for it is
 * released when the subdirectory is finished (pool_release() walks up),
 * or here if it could not be opened.
 */
static void
pool_subdir(struct pool *p, struct file_ctx *fc, struct pool_task *t)
{
	const struct run *run = p->w.run;
	struct pool_dir *up = t->dir, *d;
	struct pool_entry *e = &t->e[0];
	struct copy_job job;

	if (operand_stopped(p->w.op)) {
		if (e->premade)
			walk_unmake(&up->dir, e->name);
		pool_release(p, up);
		return;
	}
	walk_job(&p->w, &job, dirfd(up->d), &up->dir, e->name);
	/* Deep, or out of memory for the pool: the sequential walk (which
	 * makes the copy itself). */
	if (up->depth + 1 >= run->pool_depth || (d = calloc(1,
	    sizeof(*d))) == NULL) {
		if (e->premade)
			walk_unmake(&up->dir, e->name);
		walk_seq_copy(&p->w, fc, &job.src, &e->st, &job.dst,
		    &up->dir.anc);
		pool_release(p, up);
		return;
	}
	free(d);
	d = pool_dir_open(p, up, e->name, &job.src, &e->st, &job.dst,
	    e->premade);
	e->name = NULL;		/* the new pool_dir owned it */
	if (d == NULL) {
		pool_release(p, up);
		return;
	}
	if (!run->opts->one_fs || e->st.st_dev == p->w.op->top_fs)
		pool_read(p, fc, d);
	pool_release(p, d);
}

/*
 * The pool p (arg) keeps the job of a hard-linked file for the end (its
 * driver's later).  Returns true if kept.
 */
static bool
pool_keep(void *arg, const struct copy_job *job)
{
	const struct file_ref *cs = &job->src, *cd = &job->dst;
	const struct stat *st = &job->st;
	struct pool *p = arg;
	struct pool_later *l;
	struct stat pst;
	bool have_pmode;
	char *s, *d;

	if (S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return false;
	/* The directory as cp would find it then (made: u+rwx; else as it
	 * was): its mode is set when done, before the end's copies. */
	have_pmode = fstatat(cd->dirfd, ".", &pst, 0) == 0;
	if ((s = path_dup(cs->path)) == NULL)
		return false;
	if ((d = path_dup(cd->path)) == NULL || strlen(s) >= PATH_MAX ||
	    strlen(d) >= PATH_MAX) {
		/* (Too long to be reached by name: copied now.) */
		free(s);
		free(d);
		return false;
	}
	(void)pthread_mutex_lock(&p->lock);
	if (p->nlater == p->later_cap) {
		size_t cap = p->later_cap ? 2 * p->later_cap : 64;

		if ((l = reallocarray(p->later, cap, sizeof(*l))) == NULL) {
			(void)pthread_mutex_unlock(&p->lock);
			free(s);
			free(d);
			return false;
		}
		p->later = l;
		p->later_cap = cap;
	}
	l = &p->later[p->nlater];
	l->src = s;
	l->dst = d;
	l->st = *st;
	l->key = NULL;
	l->n = 0;
	l->seq = p->nlater++;
	l->pmode = have_pmode ? pst.st_mode & 07777 : 0;
	l->have_pmode = have_pmode;
	l->fresh = cd->fresh;
	(void)pthread_mutex_unlock(&p->lock);
	return true;
}

/*
 * Copies a batch of files of t->dir: under --engine=auto (and uring, which
 * is auto's chain for what no batch takes) through exec_batch(), which
 * copies the small new files at once where that is worth it; under a
 * forced engine, one by one.
 */
static void
pool_files(struct pool *p, struct file_ctx *fc, struct pool_task *t)
{
	struct pool_dir *d = t->dir;
	struct copy_job job, jobs[POOL_BATCH];
	size_t i;

	if (p->w.run->opts->engine == ENGINE_AUTO) {
		for (i = 0; i < t->n; i++) {
			walk_job(&p->w, &jobs[i], dirfd(d->d), &d->dir,
			    t->e[i].name);
			jobs[i].st = t->e[i].st;
		}
		exec_batch(&p->w, fc, jobs, t->n);
		return;
	}
	for (i = 0; i < t->n && !operand_stopped(p->w.op); i++) {
		walk_job(&p->w, &job, dirfd(d->d), &d->dir, t->e[i].name);
		job.st = t->e[i].st;
		(void)exec_file(&p->w, fc, &job);
	}
}

static void
pool_run(struct pool *p, struct file_ctx *fc, struct pool_task *t)
{
	if (t->subdir) {
		pool_subdir(p, fc, t);
	} else {
		pool_files(p, fc, t);
		pool_release(p, t->dir);
	}
	pool_task_free(t);
}

/* A full batch: to an idle thread if there is one, else copied here. */
static struct pool_task *
pool_batch(struct pool *p, struct file_ctx *fc, struct pool_task *t)
{
	if (pool_has_idle(p)) {
		pool_push(p, t);
	} else {
		pool_files(p, fc, t);
		pool_task_free(t);
	}
	return NULL;
}

/*
 * Copies the entry of job, in d, in this thread, without a task (its
 * copy made ahead, if premade, removed first: the walk makes it).
 */
static void
pool_inline(struct pool *p, struct file_ctx *fc, struct pool_dir *d,
    const struct copy_job *job, bool premade)
{
	if (premade)
		walk_unmake(&d->dir, job->dst.name);
	if (S_ISDIR(job->st.st_mode))
		walk_seq_copy(&p->w, fc, &job->src, &job->st, &job->dst,
		    &d->dir.anc);
	else
		(void)exec_file(&p->w, fc, job);
}

/* Reads directory d: subdirectories become tasks, files are copied. */
static void
pool_read(struct pool *p, struct file_ctx *fc, struct pool_dir *d)
{
	/* Subdirectories made ahead (walk.h), unless walked sequentially. */
	bool ahead = d->depth + 1 < p->w.run->pool_depth &&
	    walk_premake_ok(&p->w, &d->dir);
	struct pool_task *batch = NULL, *t;
	struct copy_job job;
	struct dirent *de;
	bool pre;

	while (!operand_stopped(p->w.op) && (errno = 0, de = readdir(d->d)) !=
	    NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		walk_job(&p->w, &job, dirfd(d->d), &d->dir, de->d_name);
		if (walk_stat(&p->w, &job) == -1)
			continue;
		pre = ahead && S_ISDIR(job.st.st_mode) &&
		    walk_premake(&p->w, &d->dir, de->d_name, &job.st);
		t = S_ISDIR(job.st.st_mode) ? pool_task_new(d, true) :
		    batch != NULL ? batch : (batch = pool_task_new(d, false));
		if (t == NULL || (t->e[t->n].name = strdup(de->d_name)) ==
		    NULL) {
			/* Out of memory for a task: copied here and now. */
			pool_inline(p, fc, d, &job, pre);
			if (t != NULL && t->subdir)
				pool_task_free(t);
			continue;
		}
		t->e[t->n].premade = pre;
		t->e[t->n++].st = job.st;
		if (t->subdir)
			pool_push(p, t);
		else if (t->n == POOL_BATCH)
			batch = pool_batch(p, fc, t);
	}
	if (!operand_stopped(p->w.op) && errno != 0)
		run_fail(p->w.run, &d->dir.src, &d->dir.dst, FILE_KIND_DIR,
		    errno, CPN_("cannot access %s"), &d->dir.sp, NULL);
	else if (!operand_stopped(p->w.op))
		(void)walk_dry_self(&p->w, &d->dir, dirfd(d->d));
	if (batch != NULL) {
		pool_files(p, fc, batch);
		pool_task_free(batch);
	}
}

/*
 * Runs tasks until there are none left and no thread is busy; a worker
 * also stops once it ran short of memory or descriptors (pool_short):
 * one thread less, and more for the others.
 */
static void
pool_loop(struct pool *p, struct file_ctx *fc, bool worker)
{
	struct pool_task *t;

	(void)pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->top == NULL && p->busy > 0) {
			__atomic_add_fetch(&p->idle, 1, __ATOMIC_RELAXED);
			(void)pthread_cond_wait(&p->more, &p->lock);
			__atomic_sub_fetch(&p->idle, 1, __ATOMIC_RELAXED);
		}
		if ((t = p->top) == NULL)
			break;
		p->top = t->next;
		p->busy++;
		(void)pthread_mutex_unlock(&p->lock);
		pool_run(p, fc, t);
		(void)pthread_mutex_lock(&p->lock);
		if (--p->busy == 0 && p->top == NULL)
			(void)pthread_cond_broadcast(&p->more);
		if (worker && pool_short)
			break;
	}
	(void)pthread_cond_broadcast(&p->more);
	(void)pthread_mutex_unlock(&p->lock);
}

/* What a worker thread leaves: its buffers. */
static void
pool_thread_done(struct file_ctx *fc)
{
	engine_buf_free(&fc->buf);
	exec_batch_done(fc);
	path_thread_free();
	quote_thread_free();
}

static void *
pool_thread(void *arg)
{
	struct pool *p = arg;
	struct file_ctx fc = { .run = p->w.run };

	pool_loop(p, &fc, true);
	pool_thread_done(&fc);
	return NULL;
}

/*
 * Starts up to n threads running fn(arg), each with a stack of
 * POOL_STACK (glibc adds the static TLS, which a sanitizer's runtime
 * makes large).  A thread that cannot start (no memory, ulimit -u) is one
 * thread less.
 */
static void
pool_start(struct pool_threads *t, unsigned n, void *(*fn)(void *),
    void *arg)
{
	pthread_attr_t attr;

	memset(t, 0, sizeof(*t));
	if (n == 0 || (t->tid = calloc(n, sizeof(*t->tid))) == NULL ||
	    pthread_attr_init(&attr) != 0) {
		free(t->tid);
		t->tid = NULL;
		return;
	}
	(void)pthread_attr_setstacksize(&attr, POOL_STACK);
	while (t->n < n && pthread_create(&t->tid[t->n], &attr, fn, arg) == 0)
		t->n++;
	(void)pthread_attr_destroy(&attr);
}

/* Waits for the threads of pool_start(). */
static void
pool_join(struct pool_threads *t)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		(void)pthread_join(t->tid[i], NULL);
	free(t->tid);
	memset(t, 0, sizeof(*t));
}

/* By file (device, inode), then place in cp's walk, then as met. */
static int
pool_later_cmp(const void *x, const void *y)
{
	const struct pool_later *a = x, *b = y;
	int c;

	if (a->st.st_dev != b->st.st_dev)
		return a->st.st_dev < b->st.st_dev ? -1 : 1;
	if (a->st.st_ino != b->st.st_ino)
		return a->st.st_ino < b->st.st_ino ? -1 : 1;
	/* Places not known go last, in the order they were met. */
	if (a->key == NULL || b->key == NULL)
		c = (a->key == NULL) - (b->key == NULL);
	else
		c = alias_cmp(a->key, a->n, b->key, b->n);
	if (c == 0)
		c = (a->seq > b->seq) - (a->seq < b->seq);
	return c;
}

static bool
pool_later_same(const struct pool_later *a, const struct pool_later *b)
{
	return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
}

/* A destination directory entered at the end, and what to give back. */
struct pool_parent {
	char		*dst, *src;
	mode_t		 mode;		/* to set back, if lent is set */
	bool		 lent;		/* its filling mode given back to it */
};

/* The end's work: groups [i, next) of later, taken by the threads. */
struct pool_end {
	struct pool	*p;
	size_t		 next;		/* the next group's first, atomic */
};

/*
 * The directory of dst (a file kept for the end, copied from src), found
 * in (or added to) the n parents: given pmode, the mode it had while
 * being filled (so that the copy is refused or allowed as with cp), if
 * have_pmode, until the end.
 */
static void
pool_lend(struct pool_parent **pp, size_t *n, const char *src,
    const char *dst, bool have_pmode, mode_t pmode)
{
	const char *sl = strrchr(dst, '/'), *ss = strrchr(src, '/');
	struct pool_parent *q;
	struct stat st;
	char *d, *s;
	size_t i;

	if (sl == NULL || ss == NULL)
		return;
	if ((d = strndup(dst, (size_t)(sl - dst))) == NULL)
		return;
	for (i = *n; i > 0; i--)	/* (mostly the last one) */
		if (strcmp((*pp)[i - 1].dst, d) == 0) {
			free(d);
			return;
		}
	if ((s = strndup(src, (size_t)(ss - src))) == NULL ||
	    (q = reallocarray(*pp, *n + 1, sizeof(**pp))) == NULL) {
		free(s);
		free(d);
		return;
	}
	*pp = q;
	q = &(*pp)[(*n)++];
	q->dst = d;
	q->src = s;
	q->lent = false;
	if (have_pmode && stat(d, &st) == 0 && (st.st_mode & 07777) !=
	    pmode && chmod(d, pmode) == 0) {
		q->mode = st.st_mode & 07777;
		q->lent = true;
	}
}

/* The parents are done again: their modes back, under -p their times. */
static void
pool_give_back(struct pool *p, struct pool_parent *par, size_t npar)
{
	struct timespec ts[2];
	struct stat st;
	size_t i;

	for (i = 0; i < npar; i++) {
		if (par[i].lent)
			(void)chmod(par[i].dst, par[i].mode);
		/* (--dry-run: neither lent, nor their times set.) */
		if (p->w.run->opts->preserve_timestamps &&
		    !p->w.run->opts->dry_run && stat(par[i].src, &st) == 0) {
			ts[0] = st.st_atim;
			ts[1] = st.st_mtim;
			(void)utimensat(AT_FDCWD, par[i].dst, ts, 0);
		}
		free(par[i].dst);
		free(par[i].src);
	}
	free(par);
}

/* Copies one entry taken back for want of memory or descriptors. */
static void
pool_again_one(struct pool *p, struct file_ctx *fc, struct pool_again *a)
{
	struct copy_job job;
	size_t i;

	walk_job_path(&p->w, &job, a->src, a->dst, &a->st);
	job.src.follow = a->follow;
	job.src.operand = a->operand;
	job.dst.follow = a->operand;
	job.dst.fresh = a->fresh;
	job.dst.dev = a->ddev;
	if (!S_ISDIR(a->st.st_mode)) {
		(void)exec_file(&p->w, fc, &job);
		return;
	}
	/* The directories above, nearest first, linked again. */
	for (i = 0; i + 1 < a->nanc; i++)
		a->anc[i].up = &a->anc[i + 1];
	walk_seq_copy(&p->w, fc, &job.src, &a->st, &job.dst, a->nanc > 0 ?
	    &a->anc[0] : NULL);
}

/*
 * Copies again, with this thread alone, what failed for want of memory or
 * descriptors while the threads ran, in the order it failed: a file, or a
 * directory with the sequential walk.  What fails now is reported.  Their
 * directories are done by then: each has the mode it had while being
 * filled until the end, and under -p gets its times again.
 */
static void
pool_again_run(struct pool *p, struct file_ctx *fc)
{
	struct pool_parent *par = NULL;
	struct pool_again *a, *next;
	size_t npar = 0;

	p->drv.again = NULL;
	for (a = p->again; a != NULL; a = a->next)
		if (!a->operand)
			pool_lend(&par, &npar, a->src, a->dst, a->have_pmode &&
			    !p->w.run->opts->dry_run, a->pmode);
	for (a = p->again; a != NULL; a = next) {
		next = a->next;
		if (!operand_stopped(p->w.op))
			pool_again_one(p, fc, a);
		free(a->src);
		free(a->dst);
		free(a->anc);
		free(a);
	}
	p->again = NULL;
	p->again_end = &p->again;
	p->nagain = 0;
	pool_give_back(p, par, npar);
}

/*
 * Copies the kept files of one group, in order.  A worker that runs
 * short on one of them (handed back for the end) hands back the rest of
 * the group after it too, so that they are copied in the same order.
 */
static void
pool_later_group(struct pool *p, struct file_ctx *fc, size_t i, size_t end,
    bool worker)
{
	struct copy_job job;
	bool back = false;

	for (; i < end && !operand_stopped(p->w.op); i++) {
		walk_job_path(&p->w, &job, p->later[i].src, p->later[i].dst,
		    &p->later[i].st);
		job.dst.fresh = p->later[i].fresh;
		if (!back || !pool_again_keep(p, &job.src, &job.st, &job.dst,
		    NULL))
			(void)exec_file(&p->w, fc, &job);
		back = worker && pool_short;
	}
}

/* Takes groups until none is left (or this worker ran short). */
static void
pool_end_loop(struct pool_end *e, struct file_ctx *fc, bool worker)
{
	struct pool *p = e->p;
	size_t i, end;

	while (!worker || !pool_short) {
		/* A group's first: the next one not of the group before. */
		(void)pthread_mutex_lock(&p->lock);
		i = e->next;
		for (end = i + 1; end < p->nlater &&
		    pool_later_same(&p->later[end], &p->later[i]); end++)
			;
		e->next = end;
		(void)pthread_mutex_unlock(&p->lock);
		if (i >= p->nlater)
			return;
		pool_later_group(p, fc, i, end, worker);
	}
}

static void *
pool_end_thread(void *arg)
{
	struct pool_end *e = arg;
	struct file_ctx fc = { .run = e->p->w.run };

	pool_end_loop(e, &fc, true);
	pool_thread_done(&fc);
	return NULL;
}

/*
 * Sorts the hard-linked files kept for the end: by file, then by place
 * in cp's walk of the operand top (read only where a group has two
 * names or more), then as met.
 */
static void
pool_later_sort(struct pool *p, const char *top)
{
	size_t i, j;

	qsort(p->later, p->nlater, sizeof(*p->later), pool_later_cmp);
	for (i = 0; i < p->nlater; i = j) {
		for (j = i + 1; j < p->nlater &&
		    pool_later_same(&p->later[j], &p->later[i]); j++)
			;
		if (j - i < 2)
			continue;
		for (; i < j; i++)
			p->later[i].key = alias_place(top, p->later[i].src,
			    &p->later[i].n);
	}
	qsort(p->later, p->nlater, sizeof(*p->later), pool_later_cmp);
}

/*
 * The hard-linked files kept for the end: each group's names copied one
 * by one in cp's order, so that the first of each group in that order
 * is the one copied and the others are linked to it, as with cp (the
 * groups by nthreads threads and this one, at once).  Their directories
 * are done by then: each has the mode it had while being filled until
 * the end, and under -p gets its times again.
 */
static void
pool_later_run(struct pool *p, struct file_ctx *fc, const char *top,
    unsigned nthreads)
{
	struct pool_parent *par = NULL;
	struct pool_end e = { .p = p };
	struct pool_threads th;
	size_t i, npar = 0;

	pool_later_sort(p, top);
	for (i = 0; i < p->nlater; i++)
		pool_lend(&par, &npar, p->later[i].src, p->later[i].dst,
		    p->later[i].have_pmode && !p->w.run->opts->dry_run,
		    p->later[i].pmode);
	/* What runs short is copied again at the end, alone, in order. */
	p->drv.later = NULL;
	p->drv.again = pool_again_keep;
	pool_start(&th, nthreads, pool_end_thread, &e);
	pool_end_loop(&e, fc, false);
	pool_join(&th);
	pool_again_run(p, fc);
	for (i = 0; i < p->nlater; i++) {
		free(p->later[i].src);
		free(p->later[i].dst);
		free(p->later[i].key);
	}
	free(p->later);
	p->later = NULL;
	p->nlater = 0;
	pool_give_back(p, par, npar);
}

/*
 * Reads the top directory with this thread while the others take what it
 * hands out, until all is done (p->busy counts this thread already).
 */
static void
pool_walk(struct pool *p, struct file_ctx *fc, struct pool_dir *top)
{
	pool_read(p, fc, top);
	pool_release(p, top);
	(void)pthread_mutex_lock(&p->lock);
	if (--p->busy == 0 && p->top == NULL)
		(void)pthread_cond_broadcast(&p->more);
	(void)pthread_mutex_unlock(&p->lock);
	pool_loop(p, fc, false);
}

/*
 * Hard links at the end, in order, where the first of a group makes a
 * difference: into a directory that was there (other names of the group
 * may be there, of any kind), or with other operands (which may name
 * them again, and are told the first one's name).
 */
static void
pool_later_links(struct pool *p, const struct pool_dir *top)
{
	if (!p->w.run->opts->preserve_links ||
	    (top->dir.created && p->w.run->dirs == NULL))
		return;
	p->drv.later = pool_keep;
}

/*
 * Copies the operand src (its name, a malloc'd copy of it) to dst with
 * the threads, this one reading the top directory.  Returns how many
 * other threads started.
 */
static unsigned
pool_threads_walk(struct pool *p, struct file_ctx *fc, char *name,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	struct pool_dir *top;
	struct pool_threads th;

	p->again_end = &p->again;
	pool_short = false;
	p->drv.again = pool_again_keep;
	if ((top = pool_dir_open(p, NULL, name, src, sst, dst, false)) ==
	    NULL)
		return 0;
	pool_later_links(p, top);
	/* The other threads start now: the top directory is made, and this
	 * thread is busy reading it. */
	p->busy = 1;
	pool_start(&th, p->w.run->jobs - 1, pool_thread, p);
	pool_walk(p, fc, top);
	pool_join(&th);
	return th.n;
}

void
pool_copy_dir(struct walk *w, struct file_ctx *fc,
    const struct file_ref *src, const struct stat *sst,
    const struct file_ref *dst)
{
	struct pool p;
	struct pool_dir *top;
	unsigned started;
	bool alone;
	char *name;

	memset(&p, 0, sizeof(p));
	p.w = (struct walk){ .run = w->run, .op = w->op, .drv = &p.drv };
	/* (Out of memory for it: shared files are written in any order.) */
	p.drv = (struct walk_driver){ .arg = &p,
	    .aliases = alias_new(path_str(src->path)) };
	(void)pthread_mutex_init(&p.lock, NULL);
	(void)pthread_cond_init(&p.more, NULL);
	/* An operand: its name is its path, relative to the cwd.  Out of
	 * memory for the pool, the sequential walk does it all. */
	if ((name = strdup(src->name)) == NULL ||
	    (top = calloc(1, sizeof(*top))) == NULL) {
		free(name);
		walk_seq_copy(&p.w, fc, src, sst, dst, NULL);
	} else {
		free(top);
		started = pool_threads_walk(&p, fc, name, src, sst, dst);
		/* Short of memory or descriptors, this thread does the
		 * rest. */
		alone = p.nagain > 0;
		if (p.nagain > 0)
			pool_again_run(&p, fc);
		p.drv.again = NULL;
		p.drv.later = NULL;
		if (p.nlater > 0)
			pool_later_run(&p, fc, path_str(src->path), alone ?
			    0 : started);
	}
	(void)pthread_cond_destroy(&p.more);
	(void)pthread_mutex_destroy(&p.lock);
	alias_free(p.drv.aliases);
}
