/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * resume.c: --resume, a copy continued where a former one stopped.
 *
 * A destination shorter than its source is continued only once it is
 * known to be the start of that source.  While zcp writes a file over
 * 1 MiB with --resume, the file carries its source's identity in the
 * extended attribute user.zcp.source, taken off once the data is
 * complete: a file that still carries the identity of this very source
 * was left by an interrupted zcp, and the last MiB before its end is
 * checked (after a crash a file may be longer than what reached the
 * disk: zeros at its end).  Any other file is compared with the source
 * byte for byte over its whole length.  After a difference, and for a
 * file as long as the source or longer, or one that cannot be read, the
 * file is copied again in full.
 *
 * The identity is what a source changed or made anew cannot keep: its
 * device and inode, its size, its modification time, and its change
 * time, which every change of the data or of the inode sets to the
 * clock's time and which no one can set back (touch -d sets the
 * modification time, and the change time to now), then its birth time
 * (statx) and generation number (FS_IOC_GETVERSION) where the file
 * system gives them: a file made anew with the inode number of a deleted
 * one has new ones.  The change time is stamped from the kernel's coarse
 * clock, which moves on every tick (1 to 10 ms; before Linux 6.13 on
 * every file system), so a change within the tick of the one before it
 * keeps it: a source changed on this very tick gets no mark, and its
 * partial copy is compared byte for byte (resume_settled()).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "quote.h"
#include "resume.h"
#include "verify.h"

/*
 * True if a change made to the file from now on shows in its change time
 * c: c lies before the current tick of the clock that stamps it.  Where
 * the file system stamps whole seconds (c has no nanoseconds: ext4 with
 * 128-byte inodes, or two seconds: FAT), c must be two seconds old.
 */
static bool
resume_settled(const struct timespec *c)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME_COARSE, &now) == -1)
		return false;
	if (c->tv_nsec == 0)
		return now.tv_sec >= c->tv_sec + 2;
	return now.tv_sec > c->tv_sec ||
	    (now.tv_sec == c->tv_sec && now.tv_nsec > c->tv_nsec);
}

/*
 * The identity of the source open as sfd, as the mark holds it (empty if
 * it cannot be had): DEV:INO:SIZE:MTIME:CTIME:BTIME:GEN, the times as
 * SEC.NSEC, "-" for a birth time or a generation number the file system
 * does not give.  Returns true if it may be written as a mark: a later
 * change of the source would show in it (resume_settled()).
 */
static bool
resume_identity(int sfd, char *buf, size_t len)
{
	char bt[48] = "-", gen[16] = "-";
	struct timespec b;
	struct stat st;
	unsigned int g;

	buf[0] = '\0';
	if (fstat(sfd, &st) == -1)
		return false;
	if (compat_birth_time(sfd, &b) == 0)
		(void)snprintf(bt, sizeof(bt), "%lld.%09ld",
		    (long long)b.tv_sec, b.tv_nsec);
	if (compat_generation(sfd, &g) == 0)
		(void)snprintf(gen, sizeof(gen), "%u", g);
	(void)snprintf(buf, len, "%llu:%llu:%lld:%lld.%09ld:%lld.%09ld:%s:%s",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec, bt, gen);
	return resume_settled(&st.st_ctim);
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
	char id[192], had[192];
	ssize_t n;
	bool own, settled;

	settled = resume_identity(sfd, id, sizeof(id));
	n = size > 0 ? fgetxattr(dfd, RESUME_XATTR, had, sizeof(had) - 1) :
	    -1;
	*marked = n >= 0;
	own = n > 0 && (size_t)n == strlen(id) && memcmp(had, id,
	    (size_t)n) == 0;
	/* Not a file with a size to continue to (a pipe, /proc): anew. */
	if (!S_ISREG(sst->st_mode) || ssize == 0 || resume_clone_only(o))
		;
	else if (size > ssize)
		rec->resume = RESUME_LONGER;
	else if (size > 0 && size < ssize)
		resume_check(sfd, dfd, size, own, rec);
	if (rec->resumed == 0 && size > 0 && ftruncate(dfd, 0) == -1) {
		record_fail(rec, errno, CPN_("error writing %s"),
		    quote(path_str(dpath)));
		return -1;
	}
	if (!own && settled && ssize > RESUME_LAST && S_ISREG(sst->st_mode) &&
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
