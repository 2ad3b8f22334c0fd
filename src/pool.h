/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.h: the parallel driver of a walk (walk.h), and its executor: the
 * tree copy of -j N, N > 1.
 */
#ifndef ZCP_POOL_H
#define ZCP_POOL_H

#include <sys/stat.h>

#include "file.h"
#include "walk.h"

/*
 * A worker thread's stack.  The walks keep their state on the heap: a
 * worker used at most 28 KiB of its stack over the test suite (pages
 * touched, counted with mincore(2)), and a smaller stack leaves room in
 * a limited address space (ulimit -v) for more threads.
 */
#define POOL_STACK	((size_t)256 << 10)
/*
 * What one more thread takes of the address space: its stack, guard page
 * and static TLS, and its working memory (the buffer of a directory it
 * reads, a batch of names, records, a copy buffer of a page or more).
 */
#define POOL_THREAD_MEM	(POOL_STACK + ((size_t)256 << 10))

/*
 * Copies the directory src (stat'ed as sst) to dst, the walk w's
 * operand, with the run's jobs threads (this one with fc), reporting
 * each file to the run.  Past the run's pool_depth levels a subtree is
 * copied by one thread with the sequential walk (walk-seq.c), which
 * bounds its descriptors however deep it goes.  A thread that cannot
 * start is one less; one that runs short of memory or descriptors
 * stops, and what failed for that is copied again at the end, by this
 * thread alone, before anything is reported failed.  Returns when all
 * is done.
 */
void	 pool_copy_dir(struct walk *, struct file_ctx *,
	    const struct file_ref *, const struct stat *,
	    const struct file_ref *);

#endif
