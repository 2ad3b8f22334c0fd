/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * resume.c: --resume, a copy continued where a former one stopped.
 *
 * A destination shorter than its source is continued only once it is
 * known to be the start of that source.  While zcp writes a file over
 * 1 MiB with --resume, the file carries its source's identity (device,
 * inode, size, modification time) in the extended attribute
 * user.zcp.source, taken off once the data is complete: a file that
 * still carries the identity of this very source was left by an
 * interrupted zcp, and the last MiB before its end is checked (after a
 * crash a file may be longer than what reached the disk: zeros at its
 * end).  Any other file is compared with the source byte for byte over
 * its whole length.  After a difference, and for a file longer than the
 * source or one that cannot be read, the file is copied again in full.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "quote.h"
#include "resume.h"
#include "verify.h"

/* The identity of the source, as the mark holds it. */
static void
resume_identity(const struct stat *st, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%llu:%llu:%lld:%lld.%09ld",
	    (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	    (long long)st->st_size, (long long)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec);
}

/* True if the clone engine alone may copy: it cannot continue a file. */
static bool
resume_clone_only(const struct options *o)
{
	return o->reflink == REFLINK_ALWAYS || o->engine == ENGINE_CLONE;
}

/*
 * Compares the part of dfd (size bytes) that decides: from the resume
 * point back RESUME_LAST bytes if own, else all of it.  Sets rec->resume
 * and rec->resumed.
 */
static void
resume_check(int sfd, int dfd, uint64_t size, bool own,
    struct file_record *rec)
{
	uint64_t from = own && size > RESUME_LAST ? size - RESUME_LAST : 0;
	uint64_t at;
	bool b_side;
	int rc;

	rc = verify_range(sfd, dfd, from, size, &at, &b_side);
	rec->resume_checked = size - from;
	if (rc == 0) {
		rec->resume = own ? RESUME_TAIL : RESUME_FULL;
		rec->resumed = size;
	} else if (rc == 1) {
		rec->resume = RESUME_DIFFERS;
		rec->resume_at = at;
	} else
		rec->resume = RESUME_UNREADABLE;
}

int
resume_prepare(const struct options *o, int sfd, const struct stat *sst,
    int dfd, uint64_t size, bool *marked, const struct path *dpath,
    struct file_record *rec)
{
	uint64_t ssize = (uint64_t)sst->st_size;
	char id[128], had[128];
	ssize_t n;
	bool own;

	resume_identity(sst, id, sizeof(id));
	n = size > 0 ? fgetxattr(dfd, RESUME_XATTR, had, sizeof(had) - 1) :
	    -1;
	*marked = n >= 0;
	own = n >= 0 && (size_t)n == strlen(id) && memcmp(had, id,
	    (size_t)n) == 0;
	/* Not a file with a size to continue to (a pipe, /proc): anew. */
	if (!S_ISREG(sst->st_mode) || ssize == 0 || resume_clone_only(o))
		;
	else if (size > ssize)
		rec->resume = RESUME_LONGER;
	else if (size > 0 && (size < ssize || own))
		resume_check(sfd, dfd, size, own, rec);
	if (rec->resumed == 0 && size > 0 && ftruncate(dfd, 0) == -1) {
		record_fail(rec, errno, CPN_("error writing %s"),
		    quote(path_str(dpath)));
		return -1;
	}
	if (!own && ssize > RESUME_LAST && S_ISREG(sst->st_mode) &&
	    fsetxattr(dfd, RESUME_XATTR, id, strlen(id), 0) == 0)
		*marked = true;
	if (rec->resumed > 0 &&
	    (lseek(sfd, (off_t)rec->resumed, SEEK_SET) == -1 ||
	    lseek(dfd, (off_t)rec->resumed, SEEK_SET) == -1)) {
		record_fail(rec, errno, N_("cannot seek in %s"),
		    quote(path_str(dpath)));
		return -1;
	}
	return 0;
}

void
resume_done(int fd)
{
	(void)fremovexattr(fd, RESUME_XATTR);
}
