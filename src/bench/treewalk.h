/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/treewalk.h: the source tree of zcp --bench DIR measured, its
 * copies compared with it, and it dropped from the page cache (--cold).
 */
#ifndef ZCP_BENCH_TREEWALK_H
#define ZCP_BENCH_TREEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a tree holds. */
struct bench_treesize {
	uint64_t	 files;		/* entries that are not directories */
	uint64_t	 dirs;		/* directories, the top one too */
	uint64_t	 bytes;		/* the regular files' sizes */
	uint64_t	 disk;		/* the bytes its blocks take */
};

/*
 * Walks the tree at path (never following a symbolic link) and counts
 * what it holds into *ts.  Returns 0, or -1 with errno (the path that
 * failed into bad, len bytes).
 */
int	 bench_treewalk_size(const char *, struct bench_treesize *, char *,
	    size_t);

/*
 * Compares the tree at dst with the one at src: the same names, types,
 * sizes, bytes and link targets, nothing more.  Sets *shared if a file
 * of dst shares blocks with another (a clone).  Returns 0 if they are
 * the same, 1 if they differ (why says where, len bytes), -1 with errno
 * if one could not be read (why names it).
 */
int	 bench_treewalk_cmp(const char *, const char *, bool *, char *,
	    size_t);

/*
 * Asks the kernel to drop the data of every regular file of the tree at
 * path from the page cache (posix_fadvise(POSIX_FADV_DONTNEED); the
 * files are clean: nothing is written, and directories and inodes stay
 * cached).  Errors are ignored: the runs are then warmer.
 */
void	 bench_treewalk_drop(const char *);

#endif
