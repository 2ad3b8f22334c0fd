/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/tree.h: zcp --bench on a directory: its checks, its contenders
 * (commands: zcp itself and cp), and one timed run of one of them.
 */
#ifndef ZCP_BENCH_TREE_H
#define ZCP_BENCH_TREE_H

#include <stdbool.h>

#include "bench/types.h"

/*
 * Checks the options and DEST_DIR (b->dir, NULL for the default: the
 * source's parent) for a benchmark of the tree at b->src_path, and
 * counts what it holds.  Exits with one line, before anything is
 * written, if the options do not apply to a tree, if DEST_DIR is inside
 * the source, or if DEST_DIR has too little room for the copies the
 * state keeps.
 */
void	 bench_tree_check(struct bench *);

/*
 * Makes the directory of the copies in b->dir, and lists the contenders
 * (each with room for runs timed runs): zcp -r -j1, zcp -r, zcp -r
 * --engine=uring when this zcp has that engine, and cp -r when PATH has
 * a cp.  Exits with a message on failure.
 */
void	 bench_tree_setup(struct bench *, unsigned);

/*
 * Copies the tree once with e, into the state --bench-state asks for.
 * The first run also compares the copy with the source.  Returns the
 * seconds, or -1 if the contender failed or its copy differs (e->failed
 * and e->why say so; it is not run again).  Exits on other failures.
 */
double	 bench_tree_copy(struct bench *, struct bench_eng *, bool);

/*
 * Removes the copies.  Returns 0, or -1 after saying why.
 */
int	 bench_tree_finish(struct bench *);

#endif
