/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/socket.c: zcp --bench --to-socket, the engines sending SOURCE
 * into a socket, sendfile's home ground.
 *
 * A listener on 127.0.0.1 (a port the kernel picks), one new connection
 * per run, and a reader thread at the other end that receives until the
 * sender shuts its side, then answers with one byte.  The sender's clock
 * stops at that answer, so a run's time is the time until the last byte
 * was received, not until it was queued in the socket's buffers.  The
 * reader counts the bytes, and in the warm-up run compares them with the
 * source's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/socket.h"

/* One receive; as large as the rw engine's largest buffer. */
#define BENCH_SOCK_BUF	((size_t)1 << 20)

int
bench_socket_listen(struct bench_sock *s, int src)
{
	socklen_t len = sizeof(s->addr);
	int e;

	memset(s, 0, sizeof(*s));
	s->src = src;
	s->conn = s->peer = -1;
	if ((s->buf = malloc(BENCH_SOCK_BUF)) == NULL ||
	    (s->want = malloc(BENCH_SOCK_BUF)) == NULL)
		return -1;
	s->addr.sin_family = AF_INET;
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s->listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1)
		return -1;
	if (bind(s->listen, (struct sockaddr *)&s->addr, sizeof(s->addr)) ==
	    -1 || listen(s->listen, 1) == -1 ||
	    getsockname(s->listen, (struct sockaddr *)&s->addr, &len) == -1) {
		e = errno;
		(void)close(s->listen);
		s->listen = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* The first byte of got[0..n) that differs from want's, or n. */
static size_t
bench_socket_diff(const char *got, const char *want, size_t n)
{
	size_t i;

	for (i = 0; i < n && got[i] == want[i]; i++)
		;
	return i;
}

/* Compares n bytes received at offset off with the source's. */
static void
bench_socket_check(struct bench_sock *s, size_t n, uint64_t off)
{
	size_t have = 0, i;
	ssize_t r;

	while (have < n) {
		r = pread(s->src, s->want + have, n - have,
		    (off_t)(off + have));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	i = bench_socket_diff(s->buf, s->want, have);
	if (i < n)	/* a differing byte, or more than the source has */
		s->differs = off + i + 1;
}

static void *
bench_socket_reader(void *arg)
{
	struct bench_sock *s = arg;
	ssize_t n;

	for (;;) {
		n = recv(s->peer, s->buf, BENCH_SOCK_BUF, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			s->err = errno;
		if (n <= 0)
			break;
		if (s->check && s->differs == 0)
			bench_socket_check(s, (size_t)n, s->received);
		s->received += (uint64_t)n;
	}
	/* The sender's clock stops when this arrives. */
	(void)send(s->peer, "k", 1, MSG_NOSIGNAL);
	return NULL;
}

int
bench_socket_connect(struct bench_sock *s, bool check)
{
	sigset_t all, old;
	int e;

	s->received = s->differs = 0;
	s->err = 0;
	s->check = check;
	if ((s->conn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* The kernel completes it from the listener's backlog. */
	if (connect(s->conn, (struct sockaddr *)&s->addr,
	    sizeof(s->addr)) == -1 || (s->peer = accept4(s->listen, NULL,
	    NULL, SOCK_CLOEXEC)) == -1)
		goto fail;
	/* Signals are for the main thread, which cleans up. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&s->reader, NULL, bench_socket_reader, s);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		errno = e;
		goto fail;
	}
	return s->conn;
fail:
	e = errno;
	(void)close(s->conn);
	if (s->peer != -1)
		(void)close(s->peer);
	s->conn = s->peer = -1;
	errno = e;
	return -1;
}

int
bench_socket_end(struct bench_sock *s)
{
	ssize_t n;
	char c;

	if (shutdown(s->conn, SHUT_WR) == -1)
		return -1;
	do
		n = read(s->conn, &c, 1);
	while (n == -1 && errno == EINTR);
	return n == -1 ? -1 : 0;
}

void
bench_socket_join(struct bench_sock *s)
{
	/* Ends the reader's recv() if the sender's side could not. */
	(void)shutdown(s->peer, SHUT_RDWR);
	(void)pthread_join(s->reader, NULL);
	(void)close(s->peer);
	(void)close(s->conn);
	s->conn = s->peer = -1;
}

void
bench_socket_close(struct bench_sock *s)
{
	if (s->listen != -1)
		(void)close(s->listen);
	s->listen = -1;
	free(s->buf);
	free(s->want);
	s->buf = s->want = NULL;
}
