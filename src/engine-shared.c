/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-shared.c: did a copy share its data instead of copying it?
 *
 * A clone shares extents by definition, but copy_file_range may reflink
 * too (btrfs, XFS with reflink=1, NFS 4.2 server side), and a report that
 * shows such a copy as a 90 GiB/s transfer would lie.  FIEMAP says
 * whether a file's extents are shared with another file.
 */
#include "config.h"

#include <errno.h>
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
