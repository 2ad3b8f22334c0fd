/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/socket.h: the loopback connection of zcp --bench --to-socket and
 * the reader at its other end (struct bench_sock is in bench/types.h).
 */
#ifndef ZCP_BENCH_SOCKET_H
#define ZCP_BENCH_SOCKET_H

#include <stdbool.h>

#include "bench/types.h"

/* Opens the listener for the source src: 0, or -1 with errno. */
int	 bench_socket_listen(struct bench_sock *, int);

/*
 * Opens a connection and starts a reader at its other end that counts
 * the bytes, and with check compares them with the source's.  Returns
 * the sending end, or -1 with errno.
 */
int	 bench_socket_connect(struct bench_sock *, bool);

/*
 * Shuts the sending side and waits until the reader has received
 * everything: 0, or -1 with errno.
 */
int	 bench_socket_end(struct bench_sock *);

/* Waits for the reader (its findings are then in s) and closes the
 * connection. */
void	 bench_socket_join(struct bench_sock *);

/* Closes the listener and frees the reader's buffers. */
void	 bench_socket_close(struct bench_sock *);

#endif
