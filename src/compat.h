/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compat.h: the platform quirks, kept in one place.
 */
#ifndef ZCP_COMPAT_H
#define ZCP_COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
