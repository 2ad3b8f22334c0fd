/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * file.h: copying one non-directory file: the same-file check, the
 * overwrite policy, opening both ends, running the engine chain, the
 * metadata.  What happened goes into a struct file_record for report.c.
 */
#ifndef ZCP_FILE_H
#define ZCP_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "engine.h"
#include "links.h"
#include "options.h"
#include "path.h"

/* A name relative to a directory fd, and how to show it. */
struct file_ref {
	int		 dirfd;		/* AT_FDCWD or an open directory */
	const char	*name;		/* relative to dirfd */
	const struct path *path;	/* the name shown in messages */
	bool		 follow;	/* follow a symbolic link at name */
	bool		 fresh;		/* (destination) its directory is new */
	dev_t		 dev;		/* (destination) dirfd's device, or 0 */
};

enum file_status {
	FILE_COPIED,
	FILE_SKIPPED,		/* -n, -u, -i said no */
	FILE_FAILED
};

/* What kind of thing the record is about. */
enum file_kind {
	FILE_KIND_FILE,
	FILE_KIND_DIR,
	FILE_KIND_SYMLINK,
	FILE_KIND_SPECIAL
};

struct file_record {
	const struct path *src;		/* source path, as shown */
	const struct path *dst;		/* destination path, as shown */
	enum file_status status;
	enum file_kind	 kind;
	bool		 data;		/* the engine chain ran: eng is valid */
	struct engine_result eng;
	double		 seconds;	/* transfer (and fsync) wall time */
	bool		 synced;	/* fsync'd inside the clock */
	int		 err;		/* errno of the failure, or 0 */
	char		*msg;		/* cp-style message if FILE_FAILED */
	char		*warn;		/* a warning that is not a failure */
	char		*backup;	/* path of the backup made, if any */
	bool		 removed;	/* --remove-destination unlinked it */
	bool		 began;		/* passed the overwrite checks */
};

/* What one thread needs to copy files: options and scratch space. */
struct file_ctx {
	const struct options *opts;
	struct links	*links;		/* --preserve=links table, shared */
	struct engine_buf buf;		/* rw engine buffer, reused */
	uint64_t	*progress;	/* bytes done, for progress.c */
	/* Engines that failed as unsupported between these filesystems. */
	dev_t		 skip_src, skip_dst;
	struct engine_skip skip;
};

/*
 * Copies the non-directory src (whose stat is sst) to dst.  Fills rec.
 * Returns 0 if copied or skipped, -1 if it failed (rec->msg says why).
 */
int	 file_copy(struct file_ctx *, const struct file_ref *,
	    const struct stat *, const struct file_ref *, struct file_record *);

/* Records a failure: msg is fmt, then ": strerror(err)" if err != 0. */
void	 file_fail(struct file_record *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Frees what file_copy() allocated in rec. */
void	 file_record_free(struct file_record *);

/* Where file_metadata() sets attributes: fd, or dirfd/name (no follow). */
struct file_target {
	int		 fd;		/* open destination, or -1 */
	int		 dirfd;
	const char	*name;
	const struct path *src_path;	/* source, for path-based xattrs */
	int		 src_fd;	/* open source, or -1 */
	bool		 created;	/* we made it (its mode may need fixing) */
};

/*
 * The permissions a new copy of a file of mode m gets before the umask:
 * the source's, or the defaults under --no-preserve=mode.
 */
mode_t	 file_base_mode(const struct options *, mode_t);

/*
 * Sets the preserved attributes (times, owner, xattrs, mode and ACLs, as
 * the options say) of t from sst.  Returns 0, or -1 with rec filled.
 */
int	 file_metadata(const struct options *, const struct file_target *,
	    const struct stat *, struct file_record *);

/* Records a warning that does not fail the file. */
void	 file_warn(struct file_record *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
