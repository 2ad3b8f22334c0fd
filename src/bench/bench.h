/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/bench.h: zcp --bench, the engines timed side by side on one file;
 * the door to src/bench/ (bench/types.h draws the floors behind it).
 */
#ifndef ZCP_BENCH_BENCH_H
#define ZCP_BENCH_BENCH_H

#include "options.h"

/*
 * Times the engines that opts names on the n operands: SOURCE
 * [DIRECTORY], or [DIRECTORY] with --bench-size.  Prints the results on
 * stdout, messages on stderr.  Returns the exit status: 0, or 1 after
 * saying why.  Its temporary files are gone when it returns, and when a
 * signal ends the process.
 */
int	 bench_run(const struct options *, int, char **);

#endif
