/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compat.h: the platform quirks, kept in one place.
 */
#ifndef ZCP_COMPAT_H
#define ZCP_COMPAT_H

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#if HAVE_LINUX_FS_H
#include <linux/fs.h>
#endif

/* glibc has no getprogname(3); it has the same under another name. */
#if !HAVE_GETPROGNAME
#define getprogname()	program_invocation_short_name
#endif

/* secure_getenv(3) came with glibc 2.17: getenv() does before. */
#if !HAVE_SECURE_GETENV
#define secure_getenv(name)	getenv(name)
#endif

/* strerrorname_np(3) came with glibc 2.32; before, name the common ones. */
#if !HAVE_STRERRORNAME_NP
static inline const char *
strerrorname_np(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ETXTBSY: return "ETXTBSY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EPIPE: return "EPIPE";
	case ENOSYS: return "ENOSYS";
	case ENODATA: return "ENODATA";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EDQUOT: return "EDQUOT";
	default: return NULL;
	}
}
#endif

#if HAVE_DECL_M_ARENA_MAX
#include <malloc.h>
#endif

/*
 * Lets glibc's malloc make at most n arenas (M_ARENA_MAX, glibc 2.10):
 * each takes 64 MiB of the address space.  Nothing where there is no
 * such knob.
 */
static inline void
compat_arena_max(int n)
{
#if HAVE_DECL_M_ARENA_MAX
	(void)mallopt(M_ARENA_MAX, n);
#else
	(void)n;
#endif
}

/*
 * setlocale(LC_ALL, "") without letting the locale take the room the copy
 * needs.  glibc (2.36) maps the whole locale archive, 3.3 MiB on Debian
 * 12, and keeps it mapped even when the locale is not in it (C.UTF-8 is
 * a directory of its own).  Under a low ulimit -v that left zcp less than
 * a directory's buffer, at limits where GNU cp, whose larger libraries
 * left no room for the archive, loaded the smaller files and copied.  So
 * under an address-space limit, keep bytes are held while the locale is
 * loaded: the archive is taken only if they stay free.
 */
#define COMPAT_LOCALE_KEEP	((size_t)1 << 20)

static inline void
compat_setlocale(size_t keep)
{
	struct rlimit rl;
	void *r = MAP_FAILED;

	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		r = mmap(NULL, keep, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
	(void)setlocale(LC_ALL, "");
	if (r != MAP_FAILED)
		(void)munmap(r, keep);
}

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#endif

/*
 * Renames od/o to nd/n, never replacing a file at n (EEXIST).  renameat2
 * came with Linux 3.15 and glibc 2.28, and some file systems refuse its
 * flag (EINVAL): then a hard link and an unlink do the same, not in one
 * step, but without ever losing either file.
 */
static inline int
compat_rename_noreplace(int od, const char *o, int nd, const char *n)
{
#if HAVE_RENAMEAT2
	if (renameat2(od, o, nd, n, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (linkat(od, o, nd, n, 0) == -1)
		return -1;
	return unlinkat(od, o, 0);
}

/*
 * The birth time of the file open as fd, from statx(2) (Linux 4.11,
 * glibc 2.28).  0, or -1 with errno: ENODATA where the file system keeps
 * none (ext4 with 128-byte inodes, NFS before 4.2, ...), ENOSYS without
 * statx.
 */
static inline int
compat_birth_time(int fd, struct timespec *ts)
{
#if HAVE_STATX
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, STATX_BTIME,
	    &sx) == -1)
		return -1;
	if (!(sx.stx_mask & STATX_BTIME)) {
		errno = ENODATA;
		return -1;
	}
	ts->tv_sec = (time_t)sx.stx_btime.tv_sec;
	ts->tv_nsec = (long)sx.stx_btime.tv_nsec;
	return 0;
#else
	(void)fd;
	(void)ts;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * The generation number of the inode open as fd, which a file system
 * gives each new inode so that a number used again names another file
 * (FS_IOC_GETVERSION: ext2/3/4, btrfs; not tmpfs, XFS or NFS).  0, or
 * -1 with errno (ENOTTY where the file system has none).
 */
static inline int
compat_generation(int fd, unsigned int *gen)
{
#if HAVE_LINUX_FS_H && defined(FS_IOC_GETVERSION)
	int g = 0;

	/* The kernel writes an int, whatever the ioctl's number says. */
	if (ioctl(fd, FS_IOC_GETVERSION, &g) == -1)
		return -1;
	*gen = (unsigned int)g;
	return 0;
#else
	(void)fd;
	(void)gen;
	errno = ENOTTY;
	return -1;
#endif
}

#endif
