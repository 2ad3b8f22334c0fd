/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify-ahead.c: a file read ahead by a thread, for --verify.
 *
 * With O_DIRECT each read waits for the disk, and nothing reads ahead:
 * reading the copy in a thread of its own, into two buffers, lets the
 * disk read one chunk while the source's is read from the cache and the
 * two are compared.  The chunks are handed over in order.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify-ahead.h"

#define AHEAD_ALIGN	4096

struct ahead {
	int		 fd;
	size_t		 chunk;
	uint64_t	 size;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	char		*buf[2];
	ssize_t		 n[2];		/* bytes read, or -1 */
	int		 err[2];	/* its errno */
	bool		 full[2];	/* read, not yet handed back */
	unsigned	 next;		/* chunk ahead_next() hands out next */
	bool		 held;		/* the caller holds chunk next - 1 */
	bool		 stop;
	bool		 done;		/* the reader has ended */
};

static void *
ahead_main(void *arg)
{
	struct ahead *a = arg;
	uint64_t pos;
	unsigned k, s;
	ssize_t n;

	for (k = 0, pos = 0; pos < a->size; k++, pos += a->chunk) {
		s = k & 1;
		(void)pthread_mutex_lock(&a->lock);
		while (a->full[s] && !a->stop)
			(void)pthread_cond_wait(&a->cond, &a->lock);
		if (a->stop) {
			(void)pthread_mutex_unlock(&a->lock);
			break;
		}
		(void)pthread_mutex_unlock(&a->lock);
		do
			n = pread(a->fd, a->buf[s], a->chunk, (off_t)pos);
		while (n == -1 && errno == EINTR);
		(void)pthread_mutex_lock(&a->lock);
		a->n[s] = n;
		a->err[s] = n == -1 ? errno : 0;
		a->full[s] = true;
		(void)pthread_cond_broadcast(&a->cond);
		(void)pthread_mutex_unlock(&a->lock);
		if (n <= 0)
			break;
	}
	(void)pthread_mutex_lock(&a->lock);
	a->done = true;
	(void)pthread_cond_broadcast(&a->cond);
	(void)pthread_mutex_unlock(&a->lock);
	return NULL;
}

struct ahead *
ahead_start(int fd, size_t chunk, uint64_t size)
{
	struct ahead *a;
	int e;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->fd = fd;
	a->chunk = chunk;
	a->size = size;
	if (posix_memalign((void **)&a->buf[0], AHEAD_ALIGN, chunk) != 0 ||
	    posix_memalign((void **)&a->buf[1], AHEAD_ALIGN, chunk) != 0) {
		free(a->buf[0]);
		free(a);
		errno = ENOMEM;
		return NULL;
	}
	(void)pthread_mutex_init(&a->lock, NULL);
	(void)pthread_cond_init(&a->cond, NULL);
	if ((e = pthread_create(&a->thread, NULL, ahead_main, a)) != 0) {
		free(a->buf[0]);
		free(a->buf[1]);
		free(a);
		errno = e;
		return NULL;
	}
	return a;
}

ssize_t
ahead_next(struct ahead *a, const char **buf)
{
	unsigned s = a->next & 1;
	ssize_t n;

	(void)pthread_mutex_lock(&a->lock);
	if (a->held) {
		/* The chunk handed out last is free for the reader again. */
		a->full[(a->next - 1) & 1] = false;
		(void)pthread_cond_broadcast(&a->cond);
	}
	while (!a->full[s] && !a->done)
		(void)pthread_cond_wait(&a->cond, &a->lock);
	/* Nothing more: the reader met the end (or an error) before. */
	n = a->full[s] ? a->n[s] : 0;
	if (n == -1)
		errno = a->err[s];
	a->next++;
	a->held = true;
	(void)pthread_mutex_unlock(&a->lock);
	*buf = a->buf[s];
	return n;
}

void
ahead_stop(struct ahead *a)
{
	(void)pthread_mutex_lock(&a->lock);
	a->stop = true;
	(void)pthread_cond_broadcast(&a->cond);
	(void)pthread_mutex_unlock(&a->lock);
	(void)pthread_join(a->thread, NULL);
	(void)pthread_mutex_destroy(&a->lock);
	(void)pthread_cond_destroy(&a->cond);
	free(a->buf[0]);
	free(a->buf[1]);
	free(a);
}
