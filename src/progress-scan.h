/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-scan.h: the count of what a run will copy, for -g's total:
 * a quick fd-relative scan of the sources in a thread of its own.
 */
#ifndef ZCP_PROGRESS_SCAN_H
#define ZCP_PROGRESS_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"

/* One scan: what it reads, and the totals it adds to (atomically). */
struct scan {
	const struct options *opts;
	int		 nsrc;
	char		**src;		/* the source operands */
	const bool	*stop;		/* read atomically: true, give up */
	uint64_t	 total;		/* bytes of the regular files */
	uint64_t	 nfiles;	/* non-directories */
	bool		 counting;	/* true until the scan ends */
	bool		 counted;	/* the scan ended */
};

/*
 * The scan's thread (arg: a struct scan whose counting is true): counts
 * the sources as walk.c will see them, at idle priority, then sets
 * counted and clears counting.  What cannot be read is left out.
 */
void	*scan_main(void *);

#endif
