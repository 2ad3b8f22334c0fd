/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress.h: the live progress display (-g, --progress) and the status
 * line that SIGUSR1 (and SIGINFO) print at any time.
 *
 * The engines add the bytes they move to a counter (engine_job's
 * progress); the executor (exec-file.c) says when each file starts and
 * ends.  With
 * --progress a thread counts the sources, then draws from those figures.
 * Every call takes NULL (no progress) and does nothing then.
 */
#ifndef ZCP_PROGRESS_H
#define ZCP_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "options.h"
#include "path.h"
#include "record.h"

struct progress;

/*
 * Sets up progress for one run whose operands are the n files: the
 * SIGUSR1 status line always; with --progress the counting scan of the
 * sources and the display.  Returns the progress state (there is one per
 * process, for the signal handlers), which the run passes to whatever
 * reports; it never fails (without a thread, the display is off).
 */
struct progress	*progress_start(const struct options *, int, char **);

/* The counter the engines add the bytes they copy to. */
uint64_t	*progress_counter(struct progress *);

/*
 * The counter of bytes done without being copied (--resume kept them):
 * they count as done, but not in the rate.
 */
uint64_t	*progress_kept(struct progress *);

/*
 * The number of files --verify is checking (added to and taken from
 * atomically): while it is not 0, the line says "verifying..." instead
 * of "flushing...", and that time is not counted as flushing.
 */
unsigned	*progress_verifying(struct progress *);

/*
 * --fsync on a tree: the final flush of the file systems starts (on
 * true) or ends: the line says "syncing..." (with the data the system
 * has yet to write) in place of the rate, and that time counts as
 * flushing.
 */
void		 progress_syncing(struct progress *, bool);

/*
 * A non-directory starts (its path and stat), and ends (the same stat,
 * and the record file_copy() filled).  Any thread may call them.
 */
void		 progress_file_start(struct progress *, const struct path *,
		    const struct stat *);
void		 progress_file_done(struct progress *, const struct stat *,
		    const struct file_record *);

/*
 * Stops the display and, with --progress, prints the final line.  The
 * state stays valid (SIGUSR1 still works) but shows no more.
 */
void		 progress_finish(struct progress *);

/*
 * Around any other output to the terminal: progress_hold() takes the
 * status line off the screen and keeps it off until progress_release().
 */
void		 progress_hold(struct progress *);
void		 progress_release(struct progress *);

#endif
