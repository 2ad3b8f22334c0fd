/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-sync.c: early writeback for --fsync.
 *
 * A copy followed by fsync() makes the disk wait for the whole copy and
 * then writes everything while zcp waits.  Starting writeback of the
 * destination every few MiB while the copy goes on (sync_file_range with
 * SYNC_FILE_RANGE_WRITE, which does not wait) lets the disk write while
 * zcp reads, so the final fsync() has little left to do.  That helps when
 * the source comes from the page cache; when it comes from the same disk,
 * the early writes compete with the reads, so the chain asks
 * engine_sync_wanted() first (see bench/RESULTS.md for the figures).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-job.h"

/* Pages of the source looked at to guess whether it is cached. */
#define SYNC_SAMPLES	32

/*
 * Returns true if src is a regular file large enough for early writeback
 * to matter and at least 3/4 of a sample of its pages are in the page
 * cache (mincore(2)), or if that cannot be told.
 */
bool
engine_sync_wanted(int src)
{
	struct stat st;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char v;
	size_t len, off, i, in = 0;
	char *p;

	if (fstat(src, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < 2 * ENGINE_SYNC_EVERY || page <= 0)
		return false;
	len = (size_t)st.st_size;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, src, 0);
	if (p == MAP_FAILED)
		return true;
	for (i = 0; i < SYNC_SAMPLES; i++) {
		off = (len / SYNC_SAMPLES * i) & ~((size_t)page - 1);
		if (mincore(p + off, 1, &v) == 0 && (v & 1))
			in++;
	}
	(void)munmap(p, len);
	return in * 4 >= SYNC_SAMPLES * 3;
}

/*
 * Starts writeback of the dirty pages of fd, without waiting for it.
 * Errors are ignored: the fsync() at the end reports them.
 */
void
engine_sync_start(int fd)
{
#if HAVE_SYNC_FILE_RANGE
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}
