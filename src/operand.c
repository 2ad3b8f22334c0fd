/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * operand.c: GNU cp's "into itself" rules for one operand: what it made,
 * and whether a source directory met in its walk is one of those.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "created.h"
#include "inoset.h"
#include "operand.h"

void
operand_begin(struct operand *op, const struct path *src,
    const struct path *dst)
{
	op->made = false;
	free(op->made_base);
	op->made_base = NULL;
	op->into_self = 0;
	op->apart = false;
	op->top_src = src;
	op->top_dst = dst;
}

void
operand_end(struct operand *op)
{
	free(op->made_base);
	op->made_base = NULL;
}

/*
 * Keeps the entry of the first directory the operand made (dst): cp
 * calls a copy of it "into itself" only when met as that very entry.
 */
static void
operand_made_entry(struct operand *op, const struct file_ref *dst)
{
	struct stat pst;
	const char *base;
	size_t len;

	free(op->made_base);
	op->made_base = NULL;
	if (created_entry(dst->dirfd, dst->name, &base, &len, &pst) == 0 &&
	    (op->made_base = strndup(base, len)) != NULL) {
		op->made_pdev = pst.st_dev;
		op->made_pino = pst.st_ino;
	}
}

int
operand_made(struct operand *op, const struct file_ref *dst,
    const struct stat *st, bool first)
{
	/*
	 * The threads copy every directory they make out of the source's
	 * reach: the copy is not inside the source (operands.c saw to
	 * that), but a followed symbolic link (-L) or a bind mount can lead
	 * into it, and threads have no first directory to stop at.
	 */
	if (op->made_dirs != NULL &&
	    inoset_add(op->made_dirs, st->st_dev, st->st_ino) == -1)
		return ENOMEM;
	if (first) {
		op->made_dev = st->st_dev;
		op->made_ino = st->st_ino;
		op->made = true;
		operand_made_entry(op, dst);
	}
	return 0;
}

void
operand_made_dry(struct operand *op, const struct file_ref *dst)
{
	const char *sl = strrchr(dst->name, '/');
	struct stat pst;
	char *dir;

	op->made_dev = (dev_t)-1;
	op->made_ino = 0;
	op->made = true;
	operand_made_entry(op, dst);
	/* Its directory as mkdir would find it: links followed. */
	dir = sl == NULL ? strdup(".") : strndup(dst->name, sl == dst->name ?
	    1 : (size_t)(sl - dst->name));
	if (dir != NULL && fstatat(dst->dirfd, dir, &pst, 0) == 0) {
		op->made_pdev = pst.st_dev;
		op->made_pino = pst.st_ino;
	}
	free(dir);
}

/* True if cs is the entry of the first directory the operand made. */
static bool
operand_same_entry(const struct operand *op, const struct file_ref *cs)
{
	struct stat pst;
	const char *base;
	size_t len;

	if (op->made_base == NULL)
		return true;	/* not known: as if it were */
	if (created_entry(cs->dirfd, cs->name, &base, &len, &pst) == -1)
		return true;
	return pst.st_dev == op->made_pdev && pst.st_ino == op->made_pino &&
	    strlen(op->made_base) == len && memcmp(op->made_base, base,
	    len) == 0;
}

bool
operand_within(int dirfd, const char *name, const struct stat *st,
    bool doubt)
{
	struct stat at, up;
	bool r = doubt;
	int fd, pfd, depth;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (depth = 0; fd != -1 && depth < 4096; depth++) {
		if (fstat(fd, &at) == -1)
			break;
		if (at.st_dev == st->st_dev && at.st_ino == st->st_ino) {
			r = true;
			break;
		}
		pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		(void)close(fd);
		fd = pfd;
		/* The root: its ".." is itself. */
		if (fd != -1 && fstat(fd, &up) == 0 &&
		    up.st_dev == at.st_dev && up.st_ino == at.st_ino) {
			r = false;
			break;
		}
	}
	if (fd != -1)
		(void)close(fd);
	return r;
}

/*
 * Whether the source directory cs (st), to be copied into cd, is a copy
 * this operand made.  As cp: the first directory the operand made, met
 * as that entry (met as another, through a followed link, cp copies
 * it); a followed link may also lead to a directory it made later,
 * which cp copies.  Either is refused when cd lies in it, where cp
 * would copy the copy into itself, level after level, without end.
 * The threads stop at any directory the operand made.
 */
bool
operand_into_self(const struct operand *op, const struct file_ref *cs,
    const struct stat *st, const struct file_ref *cd)
{
	bool first = op->made && st->st_dev == op->made_dev &&
	    st->st_ino == op->made_ino;
	bool made = first || (op->made_dirs != NULL &&
	    inoset_has(op->made_dirs, st->st_dev, st->st_ino));
	char *dir;
	bool r;

	if (!op->sequential || (first && (!cs->follow ||
	    operand_same_entry(op, cs))))
		return made;
	if (!made)
		return false;
	/* cd's directory: cd->dirfd, or by path (walk-seq.c, no
	 * descriptor). */
	if (cd->dirfd != AT_FDCWD || strrchr(cd->name, '/') == NULL)
		return operand_within(cd->dirfd, ".", st, true);
	if ((dir = strndup(cd->name, (size_t)(strrchr(cd->name, '/') -
	    cd->name) + 1)) == NULL)
		return true;	/* when in doubt, it is */
	r = operand_within(AT_FDCWD, dir, st, true);
	free(dir);
	return r;
}

bool
operand_stop(struct operand *op)
{
	return __atomic_exchange_n(&op->into_self, 1, __ATOMIC_RELAXED) == 0;
}

bool
operand_stopped(struct operand *op)
{
	return __atomic_load_n(&op->into_self, __ATOMIC_RELAXED) != 0;
}
