/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/setup.h: what a benchmark is set up with before its first run:
 * DIRECTORY checked, the source opened or made, its file systems and the
 * kernel named, the contenders listed.
 */
#ifndef ZCP_BENCH_SETUP_H
#define ZCP_BENCH_SETUP_H

#include <stdint.h>
#include <sys/stat.h>

#include "bench/types.h"

/*
 * Checks that dir is a directory the process can write in.  Returns the
 * bytes available there.  Exits with one line if it is not.
 */
uint64_t bench_setup_dir(const char *);

/*
 * Opens b->src_path, or when it is NULL makes a random source of
 * b->size bytes in b->dir (flushed to disk, so that its writeback does
 * not disturb the runs); fills sst and b's source, file system and
 * kernel fields, and with --to-socket opens the listener.  Exits with a
 * message on failure.
 */
void	 bench_setup(struct bench *, struct stat *);

/*
 * Lists the contenders of mask (ENGINE_BIT()s and OPTIONS_BENCH_CP; 0:
 * the default set) in b->eng, in chain order, then auto, then cp, each
 * with room for runs timed runs.  Exits if memory runs out.
 */
void	 bench_setup_contenders(struct bench *, unsigned, unsigned);

#endif
