/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * exec-file.c: the per-file executor: one copy job run in the calling
 * thread, told to the progress display, reported; and in the parallel
 * walk, what that job failed for want of memory or descriptors handed
 * back to be copied again at the end, when the attempt left the
 * destination as it found it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "progress.h"

/*
 * What is at a destination, to tell after a failure that the attempt did
 * nothing to it (its change time moves with any write, truncation, mode,
 * link or rename).
 */
struct exec_was {
	bool		 known;		/* looked at */
	bool		 there;
	struct stat	 st;		/* the entry itself */
	bool		 through;	/* a symbolic link that leads to tst */
	struct stat	 tst;
};

static void
exec_look(const struct file_ref *dst, struct exec_was *was)
{
	was->known = true;
	was->there = fstatat(dst->dirfd, dst->name, &was->st,
	    AT_SYMLINK_NOFOLLOW) == 0;
	was->through = was->there && S_ISLNK(was->st.st_mode) &&
	    fstatat(dst->dirfd, dst->name, &was->tst, 0) == 0;
}

static bool
exec_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_mode == b->st_mode && a->st_nlink == b->st_nlink &&
	    a->st_size == b->st_size &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* True if dst is as was says it was before. */
static bool
exec_untouched(const struct file_ref *dst, const struct exec_was *was)
{
	struct exec_was now;

	exec_look(dst, &now);
	if (now.there != was->there)
		return false;
	if (!now.there)
		return true;
	if (now.through != was->through || !exec_same(&now.st, &was->st))
		return false;
	return !now.through || exec_same(&now.tst, &was->tst);
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
exec_again(const struct walk *w, const struct copy_job *job,
    const struct exec_was *was, struct file_record *rec)
{
	const struct walk_driver *drv = w->drv;
	const struct file_ref *dst = &job->dst;

	if (drv == NULL || drv->again == NULL ||
	    rec->status != FILE_FAILED || !run_short(rec->err) ||
	    rec->partial != NULL)
		return false;
	if (dst->fresh) {
		if (unlinkat(dst->dirfd, dst->name, 0) == -1 &&
		    errno != ENOENT)
			return false;
	} else if (!was->known || !exec_untouched(dst, was))
		return false;
	if (!drv->again(drv->arg, &job->src, &job->st, dst, NULL))
		return false;
	record_free(rec);
	return true;
}

bool
exec_file(const struct walk *w, struct file_ctx *fc,
    const struct copy_job *job)
{
	const struct walk_driver *drv = w->drv;
	struct progress *prog = w->run->prog;
	struct exec_was was = { .known = false };
	struct file_record rec;
	bool made;

	if (drv != NULL && drv->later != NULL && drv->later(drv->arg, job))
		return false;
	/* (What the parallel walk may have to give back unchanged.) */
	if (drv != NULL && drv->again != NULL && !job->dst.fresh)
		exec_look(&job->dst, &was);
	progress_file_start(prog, job->src.path, &job->st);
	(void)file_copy(fc, job, &rec);
	/* (--engine=uring only: auto says nothing of what it did not do.) */
	if (fc->run->opts->uring)
		rec.unbatched = fc->unbatched;
	progress_file_done(prog, &job->st, &rec);
	if (exec_again(w, job, &was, &rec))
		return false;
	made = rec.status == FILE_COPIED && !rec.relinked;
	run_report(w->run, &rec);
	return made;
}
