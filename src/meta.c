/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * meta.c: the attributes -p, --preserve and --no-preserve ask for, set on
 * a copy from its source's stat: times, owner, extended attributes, mode
 * and ACLs, in the order that keeps each one (chown clears set-ID bits
 * and capabilities, so the mode and the xattrs come after it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meta.h"
#include "quote.h"
#include "xattr.h"

mode_t
meta_base_mode(const struct options *o, mode_t m)
{
	/*
	 * As GNU cp: a regular file never starts with set-ID bits; what
	 * mkdir(2) and mknod(2) are given keeps the others (a directory its
	 * sticky bit).  --no-preserve=mode sets the default permissions the
	 * way cp does, through an ACL, which leaves those bits alone.
	 */
	if (o->no_preserve_mode)
		return S_ISDIR(m) ? 0777 | (m & S_ISVTX) : S_ISREG(m) ? 0666 :
		    (S_ISSOCK(m) ? 0777 : 0666) | (m & 07000);
	return m & (S_ISDIR(m) ? 01777 : S_ISREG(m) ? 0777 : 07777);
}

/*
 * The mode -p gives: the source's.  As GNU cp, which sets the
 * permissions through an ACL where it can and calls chmod(2) only for
 * set-ID and sticky bits, a source without any keeps those the copy
 * already has (an existing directory's sticky bit, an inherited
 * set-group-ID).
 */
static mode_t
meta_mode(const struct meta_target *t, mode_t mode)
{
	struct stat st;

	if ((mode & 07000) != 0 || (t->fd >= 0 ? fstat(t->fd, &st) :
	    fstatat(t->dirfd, t->name, &st, 0)) == -1)
		return mode;
	return mode | (st.st_mode & 07000);
}

static int
meta_times(const struct meta_target *t, const struct stat *sst)
{
	struct timespec ts[2] = { sst->st_atim, sst->st_mtim };

	if (t->fd >= 0)
		return futimens(t->fd, ts);
	return utimensat(t->dirfd, t->name, ts, AT_SYMLINK_NOFOLLOW);
}

static int
meta_chown(const struct meta_target *t, uid_t uid, gid_t gid)
{
	if (t->fd >= 0 && !t->owner_by_name)
		return fchown(t->fd, uid, gid);
	return fchownat(t->dirfd, t->name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/*
 * -p ownership, as cp: an unprivileged user keeps at least the group, and
 * the file then loses its set-ID and sticky bits.  Returns 0, 1 if the
 * owner could not be kept (silently), -1 on failure (rec filled).
 */
static int
meta_owner(const struct options *o, const struct meta_target *t,
    const struct stat *sst, struct file_record *rec)
{
	struct stat st;
	int e;

	/*
	 * As cp: no chown(2) when the owner and group are already right.
	 * (An unprivileged chown, even to the same owner, clears the
	 * set-user-ID bit of a file the copy may share with its source.)
	 */
	if ((t->fd >= 0 && !t->owner_by_name ? fstat(t->fd, &st) :
	    fstatat(t->dirfd, t->name, &st,
	    AT_SYMLINK_NOFOLLOW)) == 0 && st.st_uid == sst->st_uid &&
	    st.st_gid == sst->st_gid)
		return 0;
	if (meta_chown(t, sst->st_uid, sst->st_gid) == 0)
		return 0;
	e = errno;
	if ((e == EPERM || e == EINVAL) && geteuid() != 0) {
		(void)meta_chown(t, (uid_t)-1, sst->st_gid);
		return 1;
	}
	record_fail(rec, e, CPN_("failed to preserve ownership for %s"),
	    quote(path_str(rec->dst)));
	return o->require_preserve ? -1 : 1;
}

/* Copies xattrs of the given set; reports as cp does.  0 or -1. */
static int
meta_xattrs(const struct options *o, const struct meta_target *t,
    enum xattr_set set, struct file_record *rec)
{
	struct xattr_end s = { t->src_fd, NULL };
	struct xattr_end d = { t->fd, NULL };
	const char *what;
	int e;

	if (s.fd < 0)
		s.path = path_str(t->src_path);
	if (d.fd < 0)
		d.path = path_str(rec->dst);
	if (xattr_copy(&s, &d, set, &what) == 0)
		return 0;
	e = errno;
	if (set == XATTR_ACL) {
		record_fail(rec, e, CPN_("preserving permissions for %s"),
		    quote(path_str(rec->dst)));
		return o->require_preserve ? -1 : 0;
	}
	/* libattr's words, which cp prints in English in every locale. */
	if (o->require_xattr) {
		record_fail(rec, e, "%s attributes for %s", what,
		    quote(path_str(strcmp(what, "setting") == 0 ? rec->dst :
		    rec->src)));
		return -1;
	}
	if (!o->quiet_xattr && e != ENOTSUP && e != ENODATA)
		record_warn(rec, e, "%s attributes for %s", what,
		    quote(path_str(strcmp(what, "setting") == 0 ? rec->dst :
		    rec->src)));
	return 0;
}

int
meta_set(const struct options *o, const struct meta_target *t,
    const struct stat *sst, struct file_record *rec)
{
	mode_t mode = sst->st_mode & 07777;
	bool link = S_ISLNK(sst->st_mode);
	int r;

	if (o->preserve_timestamps && meta_times(t, sst) == -1 &&
	    !(link && errno == EOPNOTSUPP)) {
		record_fail(rec, errno, CPN_("preserving times for %s"),
		    quote(path_str(rec->dst)));
		if (o->require_preserve)
			return -1;
	}
	if (o->preserve_ownership) {
		if ((r = meta_owner(o, t, sst, rec)) == -1)
			return -1;
		if (r == 1)
			mode &= ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX);
	}
	/* Created owner-only for the chown: now the mode it should have. */
	if (!o->preserve_mode && o->preserve_ownership && t->created &&
	    !link && (t->fd >= 0 ? fchmod(t->fd, meta_base_mode(o,
	    sst->st_mode) & ~o->umask) : fchmodat(t->dirfd, t->name,
	    meta_base_mode(o, sst->st_mode) & ~o->umask, 0)) == -1) {
		record_fail(rec, errno, CPN_("setting permissions for %s"),
		    quote(path_str(rec->dst)));
		return -1;
	}
	if (o->preserve_xattr) {
		/*
		 * An unprivileged owner needs write permission to set them:
		 * lent to a file, as cp does (not to a directory, which cp
		 * leaves as it is: one that is there may have a sticky or
		 * set-group-ID bit that the mode set below keeps).
		 */
		bool lend = t->fd >= 0 && !S_ISDIR(sst->st_mode) &&
		    !(sst->st_mode & S_IWUSR) && geteuid() != 0 &&
		    fchmod(t->fd, S_IRUSR | S_IWUSR) == 0;

		r = meta_xattrs(o, t, XATTR_PLAIN, rec);
		if (lend)	/* back to the mode it has without -p */
			(void)fchmod(t->fd, meta_base_mode(o, sst->st_mode) &
			    ~o->umask);
		if (r == -1)
			return -1;
	}
	if (!o->preserve_mode || link)
		return 0;
	mode = meta_mode(t, mode);
	if ((t->fd >= 0 ? fchmod(t->fd, mode) :
	    fchmodat(t->dirfd, t->name, mode, 0)) == -1) {
		record_fail(rec, errno, CPN_("preserving permissions for %s"),
		    quote(path_str(rec->dst)));
		return o->require_preserve ? -1 : 0;
	}
	return meta_xattrs(o, t, XATTR_ACL, rec);
}

