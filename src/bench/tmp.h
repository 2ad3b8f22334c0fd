/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/tmp.h: the temporary files of zcp --bench and the cp that may be
 * writing one, which a signal removes and ends before the process dies.
 */
#ifndef ZCP_BENCH_TMP_H
#define ZCP_BENCH_TMP_H

#include <sys/types.h>

/* The slots: the made-up source, and the copy of the run in progress. */
enum bench_slot {
	BENCH_SRC,
	BENCH_DST
};

/*
 * Catches the signals that end the process (those not ignored) so that
 * the files are removed and a running cp ended first, and SIGUSR1, which
 * prints the status line.  Also removes the files at exit().  Exits if
 * it cannot.
 */
void	 bench_tmp_catch(void);

/*
 * Creates a new temporary file in dir in the slot.  Returns its fd.
 * Exits with a message if it cannot.
 */
int	 bench_tmp_open(const char *, enum bench_slot);

/* The path of the file in the slot, the last one made there. */
const char *bench_tmp_path(enum bench_slot);

/* Closes fd and removes the file in the slot.  Exits if it cannot. */
void	 bench_tmp_remove(int, enum bench_slot);

/*
 * Removes the file in the slot if there is one (fd closed already).
 * Returns 0, or -1 with errno from unlink(2).
 */
int	 bench_tmp_forget(enum bench_slot);

/*
 * Starts "cp -- src dst" (bench_cp_spawn()), noted for the signal
 * handler.  Returns its pid, or -1 with errno.
 */
pid_t	 bench_tmp_cp_start(const char *, const char *, const char *);

/*
 * Starts the command at path with argv (bench_cp_command(), its stderr
 * into errfd), noted as cp is for the signal handler.  Returns its pid,
 * or -1 with errno.
 */
pid_t	 bench_tmp_command(const char *, char *const [], int);

/*
 * Makes a new directory in dir for the copies of a tree, removed with
 * all it holds at exit() and when a signal ends the process.  Returns
 * its path (malloc'd).  Exits with a message if it cannot.
 */
char	*bench_tmp_mkdir(const char *);

/*
 * Removes the directory bench_tmp_mkdir() made, with all it holds.
 * Returns 0, or -1 with errno.
 */
int	 bench_tmp_rmdir(void);

/* Waits for the cp that bench_tmp_cp_start() (or the command that
 * bench_tmp_command()) started.  Returns its wait
 * status.  Exits if it cannot wait. */
int	 bench_tmp_cp_wait(pid_t);

#endif
