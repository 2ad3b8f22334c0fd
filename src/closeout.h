/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * closeout.h: stdout (and stderr) are flushed, closed and checked when zcp
 * exits, however it exits.
 */
#ifndef ZCP_CLOSEOUT_H
#define ZCP_CLOSEOUT_H

/*
 * Makes exit() check stdout and stderr (atexit(3)): a write error on
 * stdout prints "zcp: write error[: REASON]" and the exit status becomes
 * 1; one on stderr makes it 1 silently.  Call it first in main(), before
 * anything is written.  Exits with status 1 if atexit(3) fails.
 */
void	closeout_init(void);

/*
 * Gives stdout a buffer (64 KiB, fully buffered) that holds any one text
 * zcp prints and then exits (--help, --version), so that a write error
 * is found at exit with its reason.  Call it before the first write to
 * stdout.  Nothing else changes stdout's buffering: -v lines on a
 * terminal still come out line by line.  (Not decided in closeout_init()
 * with isatty(3): its ioctl would come before the FICLONE that the fault
 * injection tests count as zcp's first.)
 */
void	closeout_buffer(void);

#endif
