/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * record.h: what the copy of one thing (file, link, directory) is about
 * and what became of it.  Every layer fills a struct file_record, from
 * operands.c down to dest.c, and report.c prints it; this header
 * depends on nothing above the engines, so that the data flows one way.
 */
#ifndef ZCP_RECORD_H
#define ZCP_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "nls.h"		/* the marks of record_fail()'s fmt */
#include "path.h"

/* A name relative to a directory fd, and how to show it. */
struct file_ref {
	int		 dirfd;		/* AT_FDCWD or an open directory */
	const char	*name;		/* relative to dirfd */
	const struct path *path;	/* the name shown in messages */
	bool		 follow;	/* follow a symbolic link at name */
	bool		 fresh;		/* (destination) its directory is new */
	dev_t		 dev;		/* (destination) dirfd's device, or 0 */
	bool		 operand;	/* (source) named on the command line */
};

enum file_status {
	FILE_COPIED,
	FILE_SKIPPED,		/* -n, -u, -i said no, or nothing to do */
	FILE_FAILED
};

/* What kind of thing the record is about. */
enum file_kind {
	FILE_KIND_FILE,
	FILE_KIND_DIR,
	FILE_KIND_SYMLINK,
	FILE_KIND_SPECIAL
};

/* What --verify found (verify.c). */
enum verify_state {
	VERIFY_NONE,		/* not asked, or no data was copied */
	VERIFY_OK,		/* read back: the same bytes as the source */
	VERIFY_FAILED,		/* read back: different (the file failed) */
	VERIFY_SKIPPED		/* could not be checked: verify_why says why */
};

/* What --resume did with a destination shorter than the source. */
enum resume_how {
	RESUME_NONE,		/* nothing to continue */
	RESUME_TAIL,		/* zcp's own partial file, of this source: the
				   bytes before the resume point checked */
	RESUME_FULL,		/* any other: compared byte for byte */
	RESUME_DIFFERS,		/* not a prefix (at resume_at): copied anew */
	RESUME_LONGER,		/* longer than the source: copied anew */
	RESUME_UNREADABLE,	/* could not be read: copied anew */
	RESUME_NOT_ADOPTED	/* --atomic: the file at the partial file's
				   name is not one zcp left (resume_why) */
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
	char		*msg_c;		/* the same in English (--json) */
	char		*warn;		/* a warning that is not a failure */
	char		*backup;	/* path of the backup made, if any */
	bool		 removed;	/* the old destination was unlinked
					   before the copy ("removed" line) */
	bool		 removed_after;	/* ... or while making it, after the
					   "'a' -> 'b'" line (as cp -v) */
	bool		 began;		/* passed the overwrite checks */
	bool		 kept;		/* an existing destination left as it
					   was: -n, -i said no, -u,
					   --update=none ("skipped") */
	bool		 relinked;	/* made as a hard link to an earlier
					   copy (--preserve=links) */
	bool		 unbackup;	/* the copy failed: the backup was
					   renamed back (as cp) */
	bool		 atomic;	/* --atomic: made under another name and
					   renamed (or linked) into place */
	/* --resume (resume.c). */
	enum resume_how	 resume;
	uint64_t	 resumed;	/* bytes of the destination kept */
	uint64_t	 resume_checked; /* bytes compared to decide */
	uint64_t	 resume_at;	/* RESUME_DIFFERS: first byte that
					   differs (0-based) */
	const char	*resume_why;	/* RESUME_NOT_ADOPTED: why (static) */
	bool		 resume_removed; /* ... and it was removed */
	/* --verify (verify.c). */
	enum verify_state verify;
	double		 verify_seconds; /* the check's wall time */
	const char	*verify_why;	/* VERIFY_SKIPPED: why (static) */
	bool		 verify_cached;	/* the copy was read from the page
					   cache: it could not be dropped */
	uint64_t	 verify_shared;	/* bytes found in the source's blocks
					   (a clone): equal without reading */
	char		*partial;	/* --resume: partial file kept, shown */
	/* --engine=uring (exec-uring.c). */
	bool		 batched;	/* copied in a batch on io_uring: eng
					   holds its bytes only */
	int		 unbatched;	/* errno of the kernel's refusal of
					   io_uring: copied by the per-file
					   path instead (0: not refused) */
};

/*
 * Starts the record of the copy of src to dst, a thing of kind: nothing
 * happened yet (FILE_COPIED, no message).
 */
void	 record_init(struct file_record *, const struct path *,
	    const struct path *, enum file_kind);

/*
 * Records a failure: msg is fmt, then ": strerror(err)" if err != 0, in
 * the user's language (fmt is marked N_() or CPN_(), nls.h); msg_c the
 * same in English.
 */
void	 record_fail(struct file_record *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Records a warning that does not fail the file (as msg, above). */
void	 record_warn(struct file_record *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Frees the strings rec holds (msg, msg_c, warn, backup, partial). */
void	 record_free(struct file_record *);

#endif
