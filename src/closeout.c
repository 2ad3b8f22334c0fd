/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * closeout.c: the last check of standard output, as gnulib's close_stdout
 * does it for GNU cp.  stdio says that a write failed (a full disk,
 * /dev/full, a closed descriptor) only when its buffer is flushed, and
 * that is often at exit: after --help or --version, after the --json
 * summary or zcp --bench's table.  One handler, run by exit(3) on every
 * path, flushes and closes stdout and stderr and turns a failure into
 * exit status 1, with GNU's message for stdout:
 *
 *	zcp: write error: No space left on device
 *
 * ("zcp: write error" alone when stdio failed earlier and the reason is
 * gone).  Nothing else in zcp closes stdout, so the message is printed
 * once.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "closeout.h"
#include "nls.h"

/*
 * stdout's buffer for a text printed just before exiting.  stdio drops
 * the rest of one call that overflows a buffer whose write fails
 * (--help's text is one printf, longer than the 4 KiB stdio gives
 * /dev/full), and with it the failure's reason: at exit nothing is left
 * to fail again, and the message could not say "No space left on
 * device".  A buffer larger than the text keeps the failure for the exit.
 */
static char closeout_buf[64 * 1024];

/*
 * Flushes and closes f.  Returns 0, or -1 with errno (0 if the failure was
 * an earlier one whose reason stdio did not keep).  A descriptor that was
 * closed before zcp started (EBADF) is no failure when nothing was
 * written to it, as in GNU's close_stream().
 */
static int
closeout_stream(FILE *f)
{
	bool earlier = ferror(f) != 0;
	int e = 0;

	if (fflush(f) == EOF)
		e = errno;
	if (fclose(f) == EOF && e == 0 && errno != EBADF)
		e = errno;
	if (e == 0 && !earlier)
		return 0;
	errno = e;
	return -1;
}

static void
closeout_at_exit(void)
{
	if (closeout_stream(stdout) == -1) {
		if (errno != 0)
			warn(CP_("write error"));
		else
			warnx(CP_("write error"));
		_exit(1);
	}
	if (closeout_stream(stderr) == -1)
		_exit(1);
}

void
closeout_init(void)
{
	if (atexit(closeout_at_exit) != 0)
		err(1, "atexit");
}

void
closeout_buffer(void)
{
	(void)setvbuf(stdout, closeout_buf, _IOFBF, sizeof(closeout_buf));
}
