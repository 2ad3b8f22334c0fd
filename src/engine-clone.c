/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-clone.c: the clone engine, ioctl(FICLONE).
 *
 * Shares the source's extents with the destination in O(1) on filesystems
 * with reflinks (btrfs, XFS with reflink=1, bcachefs, OCFS2).  It works on
 * whole files only, so the chain tries it first, before any byte moves.
 */
#include "config.h"

#include <errno.h>
#if HAVE_FICLONE
#include <sys/ioctl.h>
#include <linux/fs.h>
#endif

#include "engine-job.h"

/*
 * Makes dst share src's data.  Returns 0, or -1 with errno: EOPNOTSUPP or
 * EINVAL where the filesystem cannot clone, EXDEV across filesystems,
 * ENOSYS when the build has no FICLONE.
 */
int
engine_clone_file(int src, int dst)
{
#if HAVE_FICLONE
	int r;

	do
		r = ioctl(dst, FICLONE, src);
	while (r == -1 && errno == EINTR);
	return r == -1 ? -1 : 0;
#else
	(void)src;
	(void)dst;
	errno = ENOSYS;
	return -1;
#endif
}
