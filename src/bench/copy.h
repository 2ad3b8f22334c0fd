/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/copy.h: one timed run of one contender of zcp --bench.
 */
#ifndef ZCP_BENCH_COPY_H
#define ZCP_BENCH_COPY_H

#include <stdbool.h>

#include "bench/types.h"

/*
 * Copies b's source once with e (into a new temporary file in b->dir,
 * removed after; or into a loopback connection with --to-socket).  The
 * first run also checks every byte of the copy, and notes the engine
 * that moved them.  Returns the seconds, or -1 if the kernel refused
 * the engine in the first run (e->refused says why).  Exits with a
 * message on any other failure, and if the copy differs.
 */
double	 bench_copy(struct bench *, struct bench_eng *, bool);

#endif
