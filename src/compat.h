/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compat.h: the platform quirks, kept in one place.
 */
#ifndef ZCP_COMPAT_H
#define ZCP_COMPAT_H

#include <errno.h>
#include <string.h>

/* glibc has no getprogname(3); it has the same under another name. */
#if !HAVE_GETPROGNAME
#define getprogname()	program_invocation_short_name
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

#endif
