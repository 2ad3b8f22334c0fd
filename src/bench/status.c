/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/status.c: the line that says what zcp --bench is doing ("run 3
 * of 5, sendfile"): redrawn in place on stderr when it is a terminal, and
 * printed on a line of its own when SIGUSR1 comes, as dd does.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/status.h"
#include "compat.h"

/* The line SIGUSR1 prints (two buffers, so the handler never sees one
 * half written), and whether stderr shows a status line to clear. */
static char			bench_line[2][256];
static volatile sig_atomic_t	bench_line_cur;
static volatile sig_atomic_t	bench_drawn;

/* Writes s on stderr.  Async-signal-safe. */
static void
bench_status_write(const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0 && ((w = write(STDERR_FILENO, s, n)) > 0 ||
	    (w == -1 && errno == EINTR)))
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
}

void
bench_status_show(void)
{
	int e = errno;

	if (bench_drawn)
		bench_status_write("\r\033[K");
	bench_status_write(bench_line[bench_line_cur]);
	bench_status_write("\n");
	errno = e;
}

void
bench_status_erase(void)
{
	int e = errno;

	if (bench_drawn)
		bench_status_write("\r\033[K");
	errno = e;
}

void
bench_status(const char *fmt, ...)
{
	va_list ap;
	int next = !bench_line_cur;
	size_t n;

	n = (size_t)snprintf(bench_line[next], sizeof(bench_line[next]),
	    "%s --bench: ", getprogname());
	if (n >= sizeof(bench_line[next]))
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(bench_line[next] + n, sizeof(bench_line[next]) - n,
	    fmt, ap);
	va_end(ap);
	bench_line_cur = next;
	if (isatty(STDERR_FILENO)) {
		bench_drawn = 1;
		fprintf(stderr, "\r%s\033[K", bench_line[next]);
		fflush(stderr);
	}
}

void
bench_status_clear(void)
{
	if (bench_drawn) {
		bench_drawn = 0;
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
