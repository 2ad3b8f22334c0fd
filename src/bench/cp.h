/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/cp.h: the system's cp as a --bench contender.
 */
#ifndef ZCP_BENCH_CP_H
#define ZCP_BENCH_CP_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Puts the path of the cp that PATH finds (as execvp(3) would) into buf
 * (size bytes).  Returns 0, or -1 if there is none (buf is then "").
 */
int	 bench_cp_find(char *, size_t);

/*
 * Starts "cp -- src dst" (cp the path bench_cp_find() found) with the
 * signal mask given.  Returns its pid, or -1 with errno.
 */
pid_t	 bench_cp_spawn(const char *, const char *, const char *,
	    const sigset_t *);

/*
 * Starts the command at path with argv and the signal mask given; with
 * errfd not -1, its stdin and stdout on /dev/null and its stderr into
 * errfd (otherwise zcp's).  Returns its pid, or -1 with errno.
 */
pid_t	 bench_cp_command(const char *, char *const [], const sigset_t *,
	    int);

#endif
