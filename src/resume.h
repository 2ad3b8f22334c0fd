/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * resume.h: --resume, a copy continued where a former one stopped
 * (resume.c).
 */
#ifndef ZCP_RESUME_H
#define ZCP_RESUME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "options.h"
#include "record.h"

/* The extended attribute that marks a file zcp is writing. */
#define RESUME_XATTR	"user.zcp.source"
/* What is checked before the end of a file that carries the mark. */
#define RESUME_LAST	((uint64_t)1 << 20)

/*
 * Decides where the copy of sfd (the source, stat'ed as sst) into dfd, a
 * regular file of size bytes open for reading and writing, starts: at
 * dfd's end if it is shorter than the source and its start (rec->resumed,
 * rec->resume say so), else at 0 with dfd truncated.  Marks dfd with the
 * source's identity (sfd's, as it is now) unless the source changed on
 * the clock's current tick; *marked says it carries a mark to take off
 * once its data is complete (resume_done()).  Leaves both offsets at the
 * start.  Returns 0, or -1 (rec filled; errno of the ftruncate or lseek
 * that failed).
 */
int	 resume_prepare(const struct options *, int, const struct stat *,
	    int, uint64_t, bool *, const struct path *,
	    struct file_record *);

/* The data is complete: takes the mark off fd. */
void	 resume_done(int);

#endif
