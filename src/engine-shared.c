/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-shared.c: did a copy share its data instead of copying it?
 *
 * A clone shares extents by definition, but copy_file_range may reflink
 * too (btrfs, XFS with reflink=1, NFS 4.2 server side), and a report that
 * shows such a copy as a 90 GiB/s transfer would lie.  FIEMAP says
 * whether a file's extents are shared with another file, and --verify
 * asks it which ranges of a copy are the very blocks of its source.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if HAVE_LINUX_FIEMAP_H
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#endif

#include "engine.h"

/* Extents looked at: enough to see a clone, cheap for any file. */
#define SHARED_EXTENTS	16

/*
 * Returns 1 if any of the first extents of fd is shared with another
 * file, 0 if none is, -1 with errno if the filesystem cannot tell
 * (EOPNOTSUPP, ENOTTY; ENOSYS when the build has no FIEMAP).
 */
int
engine_shared(int fd)
{
#if HAVE_LINUX_FIEMAP_H
	/*
	 * Room for the extents after the header, through its flexible
	 * array (a struct with the header as its first member is a GNU
	 * extension, which clang warns about).
	 */
	union {
		struct fiemap	map;
		char		room[sizeof(struct fiemap) +
				    SHARED_EXTENTS * sizeof(struct fiemap_extent)];
	} m;
	unsigned i;

	memset(&m, 0, sizeof(m));
	m.map.fm_start = 0;
	m.map.fm_length = FIEMAP_MAX_OFFSET;
	m.map.fm_extent_count = SHARED_EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, &m.map) == -1)
		return -1;
	for (i = 0; i < m.map.fm_mapped_extents && i < SHARED_EXTENTS; i++)
		if (m.map.fm_extents[i].fe_flags & FIEMAP_EXTENT_SHARED)
			return 1;
	return 0;
#else
	(void)fd;
	errno = ENOSYS;
	return -1;
#endif
}

#if HAVE_LINUX_FIEMAP_H
/* Extents asked for at once by engine_map(). */
#define SHARED_BATCH	256

/* What makes an extent's fe_physical say nothing of its bytes. */
#define SHARED_VAGUE	(FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | \
	FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_INLINE | \
	FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_NOT_ALIGNED | \
	FIEMAP_EXTENT_UNWRITTEN)

/* All the extents of fd with a known place on disk, malloc'd in *out. */
static int
engine_map(int fd, struct fiemap_extent **out, size_t *n)
{
	/* The header and its extents, as engine_shared() makes room. */
	union {
		struct fiemap	map;
		char		room[sizeof(struct fiemap) +
				    SHARED_BATCH * sizeof(struct fiemap_extent)];
	} m;
	struct fiemap_extent *all = NULL, *e, *grown;
	size_t cap = 0;
	uint64_t start = 0;
	unsigned i;
	bool last = false;

	*n = 0;
	while (!last) {
		memset(&m, 0, sizeof(m));
		m.map.fm_start = start;
		m.map.fm_length = FIEMAP_MAX_OFFSET - start;
		m.map.fm_flags = FIEMAP_FLAG_SYNC;
		m.map.fm_extent_count = SHARED_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, &m.map) == -1) {
			free(all);
			return -1;
		}
		if (m.map.fm_mapped_extents == 0)
			break;
		for (i = 0; i < m.map.fm_mapped_extents; i++) {
			e = &m.map.fm_extents[i];
			last = last || (e->fe_flags & FIEMAP_EXTENT_LAST);
			start = e->fe_logical + e->fe_length;
			if (e->fe_flags & SHARED_VAGUE)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((grown = realloc(all, cap *
				    sizeof(*all))) == NULL) {
					free(all);
					return -1;
				}
				all = grown;
			}
			all[(*n)++] = *e;
		}
	}
	*out = all;
	return 0;
}

/* Adds [s, e) to the ranges, joined to the last one if they touch. */
static int
engine_range_add(uint64_t **r, size_t *n, size_t *cap, uint64_t s,
    uint64_t e)
{
	uint64_t *grown;

	if (*n > 0 && (*r)[2 * *n - 1] == s) {
		(*r)[2 * *n - 1] = e;
		return 0;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((grown = realloc(*r, *cap * 2 * sizeof(**r))) == NULL)
			return -1;
		*r = grown;
	}
	(*r)[2 * *n] = s;
	(*r)[2 * *n + 1] = e;
	(*n)++;
	return 0;
}
#endif

int
engine_same_blocks(int a, int b, uint64_t **ranges, size_t *n)
{
#if HAVE_LINUX_FIEMAP_H
	struct fiemap_extent *x = NULL, *y = NULL;
	size_t nx, ny, i = 0, j = 0, cap = 0;
	uint64_t s, e, xe, ye;
	int rc = 0;

	*ranges = NULL;
	*n = 0;
	if (engine_map(a, &x, &nx) == -1 || engine_map(b, &y, &ny) == -1) {
		free(x);
		return -1;
	}
	while (rc == 0 && i < nx && j < ny) {
		xe = x[i].fe_logical + x[i].fe_length;
		ye = y[j].fe_logical + y[j].fe_length;
		s = x[i].fe_logical > y[j].fe_logical ? x[i].fe_logical :
		    y[j].fe_logical;
		e = xe < ye ? xe : ye;
		/* One place on disk for both: the same offset in each. */
		if (s < e && x[i].fe_physical - x[i].fe_logical ==
		    y[j].fe_physical - y[j].fe_logical)
			rc = engine_range_add(ranges, n, &cap, s, e);
		if (xe <= ye)
			i++;
		else
			j++;
	}
	free(x);
	free(y);
	if (rc == -1) {
		free(*ranges);
		*ranges = NULL;
		*n = 0;
	}
	return rc;
#else
	(void)a;
	(void)b;
	*ranges = NULL;
	*n = 0;
	errno = ENOSYS;
	return -1;
#endif
}
