/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/status.h: the line that says what zcp --bench is doing.
 */
#ifndef ZCP_BENCH_STATUS_H
#define ZCP_BENCH_STATUS_H

/*
 * Makes "zcp --bench: " and the printf-style rest the current line: drawn
 * on stderr if it is a terminal, kept for SIGUSR1 (bench_status_show()).
 */
void	 bench_status(const char *, ...)
    __attribute__((format(printf, 1, 2)));

/* Erases the line from the terminal, before a message or the results. */
void	 bench_status_clear(void);

/*
 * For a signal handler (async-signal-safe): bench_status_show() prints
 * the current line on a line of its own (SIGUSR1); bench_status_erase()
 * erases a drawn line (a signal that ends the process).
 */
void	 bench_status_show(void);
void	 bench_status_erase(void);

#endif
