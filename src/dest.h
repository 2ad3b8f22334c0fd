/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dest.h: the destination of one non-directory, with GNU cp 9.1's rules:
 * whether an existing one may be replaced (same file, -u, -n, -i, files
 * this run created, directories), its backup (-b) or removal, then
 * opening it for data or putting a link in its place.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "created.h"
#include "dry.h"
#include "options.h"
#include "record.h"

/* What the caller will make at the destination. */
enum dest_make {
	DEST_DATA,		/* a file written through open(2): follows a
				   symbolic link at the destination */
	DEST_SYMLINK,		/* a copy of a symbolic link */
	DEST_SPECIAL,		/* mknod(2): a FIFO, device or socket */
	DEST_HARDLINK,		/* -l */
	DEST_SOFTLINK,		/* -s */
	DEST_DIR		/* a directory: made, or an existing one used */
};

enum dest_verdict {
	DEST_FAIL = -1,		/* refused or failed: rec says why */
	DEST_SKIP,		/* -n, -i said no, --update=none */
	DEST_UPTODATE,		/* -u: not older than the source */
	DEST_NOOP,		/* source and destination are one file, and
				   that is all that was asked (cp -l f f) */
	DEST_GO			/* make it: dest_state says what is there */
};

/* What dest_check() found at the destination and left there. */
struct dest_state {
	bool		 exists;	/* a file is there: st is its stat */
	bool		 unknown;	/* a symbolic link loop, under -f */
	bool		 link;		/* (--atomic) the name is a symbolic
					   link, and st its target's stat */
	bool		 atomic;	/* --atomic: make the file under another
					   name, then link or rename it to this
					   one (a regular file there stays until
					   then, its backup made as a link) */
	struct stat	 st;
	char		*backup;	/* the backup made, relative to dst's
					   directory (dest_unbackup() frees) */
	bool		 backup_link;	/* ... made as a second hard link */
	struct dry	*dry;		/* --dry-run's world (NULL: none) */
};

/*
 * Looks at dst before src (stat'ed as sst) is copied to it as make says,
 * and makes the backup or removes the old file if the options say so.
 * made holds the destinations of earlier operands (NULL: not kept); dry
 * is --dry-run's world (NULL: not one), in which dst is seen as the run
 * would have left it, and what the run would do to it is remembered.
 */
enum dest_verdict dest_check(const struct options *, const struct created *,
	    struct dry *, const struct file_ref *, const struct stat *,
	    const struct file_ref *, enum dest_make, struct dest_state *,
	    struct file_record *);

/*
 * Once dst is made or failed: if a backup was made and the copy failed,
 * the backup goes back to dst's name, as cp does ("(unbackup)" under
 * -v; a failure to do so is a warning).  Frees what ds holds.
 */
void	 dest_unbackup(const struct file_ref *, struct dest_state *, bool,
	    struct file_record *);

/*
 * Opens dst for its data, as cp: an existing file truncated (not under
 * --attributes-only, nor --resume, where the caller decides), one that
 * cannot be opened removed first under -f, a new one created with mode
 * (never through a dangling symbolic link, unless POSIXLY_CORRECT is
 * set).  A regular file is opened for reading too under --verify and
 * --resume, when it can be.  Returns the fd, *created telling whether it
 * is new, or -1 (rec filled).
 */
int	 dest_open(const struct options *, const struct file_ref *,
	    const struct dest_state *, mode_t, bool *, struct file_record *);

/*
 * --dry-run: what dest_open() would find at dst, which ds describes,
 * without opening it: a dangling symbolic link refused, a directory
 * missing on its way, a loop -f would remove.  Returns 0 or -1 (rec
 * filled).
 */
int	 dest_dry_open(const struct options *, const struct file_ref *,
	    const struct dest_state *, struct file_record *);
/*
 * --dry-run: whether something (a directory if dir) could be made at
 * dst, which is not there (in dry's world): 0, or the errno making it
 * would meet (its directory missing, or not one).
 */
int	 dest_dry_where(struct dry *, const struct file_ref *, bool);
/*
 * --dry-run: true if a name is at dst, which dest_check() found not
 * there when it followed it (a dangling symbolic link).
 */
bool	 dest_dry_there(const struct file_ref *);

/*
 * Makes a link at dst with make(arg, dirfd, name).  If a file is in the
 * way and replace is set, it is replaced at once: the link is made under
 * a temporary name in the same directory and renamed over it.  Returns
 * 0, 1 if a file was replaced, or -1 with errno.
 */
int	 dest_link(const struct file_ref *, bool,
	    int (*)(const void *, int, const char *), const void *);

/*
 * The name a backup of name (relative to dirfd) gets under the options'
 * backup mode, malloc'd, or NULL with errno.
 */
char	*dest_backup_name(const struct options *, int, const char *);

/* The -H/-L/-P rule in force for src: -H follows operands only. */
enum deref_mode dest_deref(const struct options *, const struct file_ref *);

#endif
