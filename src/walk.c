/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * walk.c: what every walk of a tree shares (the sequential one of walk-seq.c,
 * the parallel one of pool.c): the state of a run, reporting a record,
 * making a destination directory and setting its attributes once its
 * contents are in, looking at a directory entry, copying one file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dest.h"
#include "walk.h"
#include "meta.h"
#include "progress.h"
#include "quote.h"

bool
walk_short(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE;
}

void
walk_report(struct walk *w, struct file_record *rec)
{
	if (rec->status == FILE_FAILED)
		__atomic_store_n(&w->failed, 1, __ATOMIC_RELAXED);
	report_record(w->rep, rec);
	record_free(rec);
}

void
walk_skip(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, enum file_kind kind, const char *fmt,
    const struct path *arg)
{
	struct file_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = kind;
	rec.status = FILE_SKIPPED;
	record_warn(&rec, 0, fmt, quote(path_str(arg)));
	walk_report(w, &rec);
}

void
walk_fail(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, enum file_kind kind, int e, const char *fmt,
    const struct path *arg1, const struct path *arg2)
{
	struct file_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = kind;
	/* quote() never fails: a name it cannot quote comes back as is. */
	record_fail(&rec, e, fmt, arg1 ? quote(path_str(arg1)) : "",
	    arg2 ? quote(path_str(arg2)) : "");
	walk_report(w, &rec);
}

/*
 * The mode a new directory gets while its contents are copied: the one it
 * will have, less what others must not have until its owner and mode are
 * final (group and other write, or every group and other bit while the
 * owner is not yet set), plus u+rwx to write the contents.
 */
mode_t
walk_filling_mode(const struct options *o, mode_t m)
{
	mode_t omit = o->preserve_ownership ? S_IRWXG | S_IRWXO :
	    S_IWGRP | S_IWOTH;

	return (meta_base_mode(o, m) & ~omit) | S_IRWXU;
}

/*
 * GNU cp's rules for a directory that an operand named, when two or more
 * are copied into a directory.  Named again into the same place: copied
 * once, with a warning.  Met again elsewhere (inside another operand's
 * tree, or under --parents): its copy would be a second name of one
 * directory, which cannot be made, so it is refused, unless links are
 * followed (-L, or -H for operands), which may lead to one directory
 * twice.  An operand's directory is remembered here, once its copy has
 * passed the destination's checks, as cp does.  Returns true if the
 * directory is not to be copied (reported).
 */
static bool
walk_named_before(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	enum deref_mode d = dest_deref(w->opts, src);
	const char *earlier;
	struct path ep;

	if (w->dirs == NULL)
		return false;
	if (created_find(w->dirs, sst->st_dev, sst->st_ino, dst->dirfd,
	    dst->name, NULL) == 1) {
		walk_skip(w, src, dst, FILE_KIND_DIR, CPN_("warning: source directory "
		    "%s specified more than once"), w->top_src);
		return true;
	}
	if (d != DEREF_ALWAYS && d != DEREF_ARGS && (earlier =
	    created_label(w->dirs, sst->st_dev, sst->st_ino)) != NULL) {
		path_init(&ep, NULL, earlier);
		walk_fail(w, src, dst, FILE_KIND_DIR, 0, CPN_("will not create hard "
		    "link %s to directory %s"), dst->path, &ep);
		return true;
	}
	/* Under the first name only: cp's remember_copied() keeps that. */
	if (src->operand && created_label(w->dirs, sst->st_dev,
	    sst->st_ino) == NULL)
		(void)created_add_label(w->dirs, sst->st_dev, sst->st_ino,
		    dst->dirfd, dst->name, path_str(dst->path));
	return false;
}

/*
 * The operand's directory could not be copied to dst: as cp, forget it
 * (walk_named_before()), so that naming it again tries again.
 */
static void
walk_unname(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	if (src->operand)
		created_forget(w->dirs, sst->st_dev, sst->st_ino, dst->dirfd,
		    dst->name);
}

/*
 * Keeps the entry of the first directory the operand made (dst): cp
 * calls a copy of it "into itself" only when met as that very entry.
 */
static void
walk_made_entry(struct walk *w, const struct file_ref *dst)
{
	struct stat pst;
	const char *base;
	size_t len;

	free(w->made_base);
	w->made_base = NULL;
	if (created_entry(dst->dirfd, dst->name, &base, &len, &pst) == 0 &&
	    (w->made_base = strndup(base, len)) != NULL) {
		w->made_pdev = pst.st_dev;
		w->made_pino = pst.st_ino;
	}
}

/* True if cs is the entry of the first directory the operand made. */
static bool
walk_made_same_entry(const struct walk *w, const struct file_ref *cs)
{
	struct stat pst;
	const char *base;
	size_t len;

	if (w->made_base == NULL)
		return true;	/* not known: as if it were */
	if (created_entry(cs->dirfd, cs->name, &base, &len, &pst) == -1)
		return true;
	return pst.st_dev == w->made_pdev && pst.st_ino == w->made_pino &&
	    strlen(w->made_base) == len && memcmp(w->made_base, base,
	    len) == 0;
}

bool
walk_within(int dirfd, const char *name, const struct stat *st, bool doubt)
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
 * Short of memory or descriptors (e) in the parallel walk: what
 * walk_mkdir() did is undone (fd closed, a directory it made removed: it
 * is empty) and the directory handed back with anc, the directories
 * above it, to be copied again at the end.  True if so (nothing to
 * report); else fd is still open.
 */
static bool
walk_mkdir_again(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_anc *anc, int e, int fd, bool *created)
{
	if (w->again == NULL || !walk_short(e))
		return false;
	if (*created && unlinkat(dst->dirfd, dst->name, AT_REMOVEDIR) == -1)
		return false;
	*created = false;
	if (fd != -1)
		(void)close(fd);
	if (w->again(w, src, sst, dst, anc))
		return true;
	errno = e;
	return false;
}

/*
 * The new (or reused) directory fd: its device in *dev, and as made by
 * this operand (for copies into themselves).  Returns 0, or an errno.
 */
static int
walk_mkdir_note(struct walk *w, int fd, const struct file_ref *src,
    const struct file_ref *dst, bool created, dev_t *dev)
{
	/*
	 * As cp, the first directory this operand created: no directory of
	 * the source may be it (an operand copied into itself).  One walk
	 * at a time records it: an operand whose copy lands inside its
	 * source is walked by one thread (operands.c).
	 */
	bool first = created && !w->made && (w->sequential || src->operand);
	struct stat st;

	/* A new directory is on its parent's filesystem. */
	if (created && dst->dev != 0 && dst->dirfd != AT_FDCWD && !first &&
	    w->made_dirs == NULL) {
		*dev = dst->dev;
		return 0;
	}
	if (fstat(fd, &st) == -1)
		/* Not recorded: its contents could be copied into it. */
		return !created || w->made_dirs == NULL ? 0 : errno;
	*dev = st.st_dev;
	/*
	 * The threads copy every directory they make out of the source's
	 * reach: the copy is not inside the source (operands.c saw to that),
	 * but a followed symbolic link (-L) or a bind mount can lead into
	 * it, and threads have no first directory to stop at.
	 */
	if (created && w->made_dirs != NULL &&
	    inoset_add(w->made_dirs, st.st_dev, st.st_ino) == -1)
		return errno;
	if (first) {
		w->made_dev = st.st_dev;
		w->made_ino = st.st_ino;
		w->made = true;
		walk_made_entry(w, dst);
	}
	return 0;
}

int
walk_mkdir(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_anc *anc, bool *created, dev_t *dev)
{
	struct file_record rec;
	struct dest_state ds;
	int fd, e;

	*created = false;
	*dev = 0;
	/* What is there first, as cp: the same file, a file in the way. */
	memset(&rec, 0, sizeof(rec));
	rec.src = src->path;
	rec.dst = dst->path;
	rec.kind = FILE_KIND_DIR;
	switch (dest_check(w->opts, w->fctx.made, src, sst, dst, DEST_DIR,
	    &ds, &rec)) {
	case DEST_FAIL:
		if (walk_mkdir_again(w, src, sst, dst, anc, rec.err, -1,
		    created))
			record_free(&rec);
		else
			walk_report(w, &rec);
		return -1;
	case DEST_GO:
		break;
	default:
		record_free(&rec);
		return -1;	/* nothing to do (cp -rl d d) */
	}
	if (walk_named_before(w, src, sst, dst))
		return -1;
	if (!ds.exists) {
		if (mkdirat(dst->dirfd, dst->name,
		    walk_filling_mode(w->opts, sst->st_mode)) == 0)
			*created = true;
		/* What was taken to be new (dst->fresh) and is there is an
		 * error, as cp says it; the rest is reused. */
		else if (errno != EEXIST || dst->fresh) {
			e = errno;
			if (!walk_mkdir_again(w, src, sst, dst, anc, e, -1,
			    created)) {
				walk_fail(w, src, dst, FILE_KIND_DIR, e,
				    CPN_("cannot create directory %s"),
				    dst->path, NULL);
				walk_unname(w, src, sst, dst);
			}
			return -1;
		}
	}
	/*
	 * Never through a symlink: cp refuses those, and it is safer; but
	 * --keep-directory-symlink asks to copy into an existing one.
	 */
	fd = openat(dst->dirfd, dst->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (!*created && w->opts->keep_dir_symlink ? 0 :
	    O_NOFOLLOW));
	if (fd == -1) {
		e = errno;
		if (walk_mkdir_again(w, src, sst, dst, anc, e, -1, created))
			return -1;
		if (!*created && (e == ENOTDIR || e == ELOOP)) {
			walk_fail(w, src, dst, FILE_KIND_DIR, 0,
			    CPN_("cannot overwrite non-directory %s with "
			    "directory %s"), dst->path, src->path);
			walk_unname(w, src, sst, dst);
		} else
			walk_fail(w, src, dst, FILE_KIND_DIR, e,
			    CPN_("cannot open directory %s"), dst->path, NULL);
		return -1;
	}
	if ((e = walk_mkdir_note(w, fd, src, dst, *created, dev)) == 0)
		return fd;
	if (!walk_mkdir_again(w, src, sst, dst, anc, e, fd, created)) {
		walk_fail(w, src, dst, FILE_KIND_DIR, e, e == ENOMEM ?
		    CPN_("cannot create directory %s") : CPN_("cannot stat %s"),
		    dst->path, NULL);
		(void)close(fd);
	}
	return -1;
}

/*
 * A new directory's final mode, want, in place of its filling mode; a
 * set-group-ID bit it inherited from its parent stays, as with cp.
 */
void
walk_final_mode(int dfd, mode_t want, struct file_record *rec)
{
	struct stat st;

	if (fstat(dfd, &st) == 0) {
		want |= st.st_mode & S_ISGID;
		if ((st.st_mode & 07777) == want)
			return;
	}
	if (fchmod(dfd, want) == -1)
		record_fail(rec, errno, CPN_("setting permissions for %s"),
		    quote(path_str(rec->dst)));
}

/* Sets the directory's final mode and times once its contents are in. */
void
walk_done(struct walk *w, int sfd, int dfd, const struct stat *sst,
    bool created, struct file_record *rec)
{
	const struct options *o = w->opts;
	struct meta_target t = { dfd, -1, NULL, rec->src, sfd, created,
	    false };

	if (o->preserve_mode || o->preserve_ownership ||
	    o->preserve_timestamps || o->preserve_xattr) {
		(void)meta_set(o, &t, sst, rec);
		if (o->preserve_mode)
			return;
	}
	if (!created)
		return;
	walk_final_mode(dfd, meta_base_mode(o, sst->st_mode) & ~o->umask,
	    rec);
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
static bool
walk_into_self(const struct walk *w, const struct file_ref *cs,
    const struct stat *st, const struct file_ref *cd)
{
	bool first = w->made && st->st_dev == w->made_dev &&
	    st->st_ino == w->made_ino;
	bool made = first || (w->made_dirs != NULL &&
	    inoset_has(w->made_dirs, st->st_dev, st->st_ino));

	char *dir;
	bool r;

	if (!w->sequential || (first && (!cs->follow ||
	    walk_made_same_entry(w, cs))))
		return made;
	if (!made)
		return false;
	/* cd's directory: cd->dirfd, or by path (walk-seq.c, no descriptor). */
	if (cd->dirfd != AT_FDCWD || strrchr(cd->name, '/') == NULL)
		return walk_within(cd->dirfd, ".", st, true);
	if ((dir = strndup(cd->name, (size_t)(strrchr(cd->name, '/') -
	    cd->name) + 1)) == NULL)
		return true;	/* when in doubt, it is */
	r = walk_within(AT_FDCWD, dir, st, true);
	free(dir);
	return r;
}

int
walk_stat_entry(struct walk *w, const struct file_ref *cs, struct stat *st,
    const struct file_ref *cd)
{
	if (fstatat(cs->dirfd, cs->name, st, cs->follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		walk_fail(w, cs, cd, FILE_KIND_FILE, errno, CPN_("cannot stat %s"), cs->path, NULL);
		return -1;
	}
	if (S_ISDIR(st->st_mode) && walk_into_self(w, cs, st, cd)) {
		/* As cp: once, with the operand's names, and stop there. */
		if (__atomic_exchange_n(&w->into_self, 1, __ATOMIC_RELAXED) ==
		    0)
			walk_fail(w, cs, cd, FILE_KIND_DIR, 0, CPN_("cannot copy a directory, %s, "
			    "into itself, %s"), w->top_src, w->top_dst);
		return -1;
	}
	return 0;
}

bool
walk_stopped(struct walk *w)
{
	return __atomic_load_n(&w->into_self, __ATOMIC_RELAXED) != 0;
}

bool
walk_cyclic(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_anc *up)
{
	const struct walk_anc *a;

	for (a = up; a != NULL; a = a->up)
		if (a->dev == sst->st_dev && a->ino == sst->st_ino) {
			walk_fail(w, src, dst, FILE_KIND_DIR, 0,
			    CPN_("cannot copy cyclic symbolic link %s"), src->path,
			    NULL);
			return true;
		}
	return false;
}

void
walk_open_record(struct walk *w, const struct file_ref *src,
    const struct file_ref *dst, bool created, struct file_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->src = src->path;
	rec->dst = dst->path;
	rec->kind = FILE_KIND_DIR;
	if (created)
		report_record(w->rep, rec);
}

void
walk_close_record(struct walk *w, int dfd, struct file_record *rec)
{
	if (close(dfd) == -1 && rec->status != FILE_FAILED)
		record_fail(rec, errno, CPN_("failed to close %s"), quote(path_str(rec->dst)));
	if (rec->status == FILE_FAILED)
		walk_report(w, rec);
	else
		report_warning(w->rep, rec);
	record_free(rec);
}

/*
 * What is at a destination, to tell after a failure that the attempt did
 * nothing to it (its change time moves with any write, truncation, mode,
 * link or rename).
 */
struct walk_was {
	bool		 known;		/* looked at */
	bool		 there;
	struct stat	 st;		/* the entry itself */
	bool		 through;	/* a symbolic link that leads to tst */
	struct stat	 tst;
};

static void
walk_look(const struct file_ref *dst, struct walk_was *was)
{
	was->known = true;
	was->there = fstatat(dst->dirfd, dst->name, &was->st,
	    AT_SYMLINK_NOFOLLOW) == 0;
	was->through = was->there && S_ISLNK(was->st.st_mode) &&
	    fstatat(dst->dirfd, dst->name, &was->tst, 0) == 0;
}

static bool
walk_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_mode == b->st_mode && a->st_nlink == b->st_nlink &&
	    a->st_size == b->st_size &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* True if dst is as was says it was before. */
static bool
walk_untouched(const struct file_ref *dst, const struct walk_was *was)
{
	struct walk_was now;

	walk_look(dst, &now);
	if (now.there != was->there)
		return false;
	if (!now.there)
		return true;
	if (now.through != was->through || !walk_same(&now.st, &was->st))
		return false;
	return !now.through || walk_same(&now.tst, &was->tst);
}

/*
 * In the parallel walk, a file that failed for want of memory or
 * descriptors is handed back, to be copied again at the end, if the
 * attempt left its destination as it found it: into a directory this
 * run made (fresh), what is there came from the attempt and is removed;
 * elsewhere, what was there before (was) must be there unchanged.  True
 * if handed back (rec freed, not reported).
 */
static bool
walk_file_again(struct walk *w, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst,
    const struct walk_was *was, struct file_record *rec)
{
	if (w->again == NULL || rec->status != FILE_FAILED ||
	    !walk_short(rec->err) || rec->partial != NULL)
		return false;
	if (dst->fresh) {
		if (unlinkat(dst->dirfd, dst->name, 0) == -1 &&
		    errno != ENOENT)
			return false;
	} else if (!was->known || !walk_untouched(dst, was))
		return false;
	if (!w->again(w, src, sst, dst, NULL))
		return false;
	record_free(rec);
	return true;
}

bool
walk_file(struct walk *w, struct file_ctx *fc, const struct file_ref *src,
    const struct stat *sst, const struct file_ref *dst)
{
	struct file_record rec;
	struct progress *prog = progress_current();
	struct walk_was was = { false, false, { 0 }, false, { 0 } };
	bool made;

	if (fc->later != NULL && fc->later(fc->later_arg, src, sst, dst))
		return false;
	/* (What the parallel walk may have to give back unchanged.) */
	if (w->again != NULL && !dst->fresh)
		walk_look(dst, &was);
	progress_file_start(prog, src->path, sst);
	(void)file_copy(fc, src, sst, dst, &rec);
	progress_file_done(prog, sst, &rec);
	if (walk_file_again(w, src, sst, dst, &was, &rec))
		return false;
	made = rec.status == FILE_COPIED && !rec.relinked;
	walk_report(w, &rec);
	return made;
}

