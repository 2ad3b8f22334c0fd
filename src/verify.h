/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify.h: --verify, a copy read back from the disk and compared with
 * its source, and the comparison --resume uses (verify.c).
 */
#ifndef ZCP_VERIFY_H
#define ZCP_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>

#include "record.h"

/* A copy to check. */
struct verify_job {
	int		 src;		/* the source, open for reading */
	int		 dst;		/* the copy (readable, if it can be) */
	const struct stat *sst;		/* the source's stat, before */
	bool		 dst_is_reg;	/* the copy is a regular file */
	bool		 synced;	/* the copy was fsync'd already */
	bool		 shared;	/* it may share the source's blocks
					   (a clone, a copy_file_range) */
	uint64_t	 bytes;		/* bytes the copy moved */
};

/* What the check found. */
struct verify_result {
	enum verify_state state;
	const char	*why;		/* SKIPPED: why; OK: why cached */
	bool		 cached;	/* read from the page cache */
	uint64_t	 shared;	/* bytes equal as the same blocks */
	uint64_t	 at;		/* FAILED: first byte that differs */
	uint64_t	 src_size;	/* FAILED: the sizes now */
	uint64_t	 dst_size;
	bool		 src_changed;	/* FAILED: the source changed */
	int		 err;		/* a read (or flush) failed: errno */
	bool		 dst_err;	/* ... on the copy's side */
	bool		 flush_err;	/* ... the copy's flush */
	double		 seconds;	/* wall time of the check */
};

/*
 * Flushes the copy, drops it from the page cache and compares what the
 * file system returns for it with the source, byte for byte except
 * where both are holes or the same disk blocks.  A source that cannot be
 * read again identically (not a regular file, a file of procfs, sysfs
 * and the like) is not checked (VERIFY_SKIPPED, with why).  Fills res.
 * Returns 0, or -1 if the check could not be made (res->err).
 */
int	 verify_fds(const struct verify_job *, struct verify_result *);

/*
 * verify_fds(), then rec's verify fields from its result, and a failure
 * (rec filled, in cp's words, naming the file) if the copy differs or
 * could not be read.  Returns 0 or -1.
 */
int	 verify_copy(const struct verify_job *, const struct file_ref *,
	    const struct file_ref *, struct file_record *);

/*
 * Compares bytes [from, to) of the files a and b (as they are, cached or
 * not).  Returns 0 if equal, 1 if not (*at: the first byte that
 * differs, or where one ends), -1 with errno if a read failed (*b_side
 * set if on b's side).
 */
int	 verify_range(int, int, uint64_t, uint64_t, uint64_t *, bool *);

/*
 * Reads len bytes of fd at off, fewer only at the end of the file, as
 * many pread() calls as it takes.  Returns the count, or -1 (errno).
 */
ssize_t	 verify_pread(int, char *, size_t, uint64_t);

#endif
