/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * atomic.c: --atomic, each regular file made where no one sees it, then
 * put at its name in one step.
 *
 * The data and the metadata go into an unnamed file (O_TMPFILE, Linux
 * 3.11) in the destination's directory.  linkat(2) then gives it the
 * destination's name if nothing is there; otherwise it is linked under a
 * hidden temporary name and renamed over the old file, so that the name
 * holds the old file until the new one is complete.  A process killed
 * in any way before that leaves nothing: an unnamed file goes with its
 * last descriptor.  (Between the link and the rename, two system calls,
 * the temporary name exists.)  Where the file system refuses O_TMPFILE,
 * the file is made under the temporary name from the start.  The
 * temporary name is ".NAME.zcp-tmp", or when another zcp uses that one,
 * ".NAME.zcp-" and 12 random hex digits.  It is removed on every error
 * and, by atomic_setup()'s handler, on SIGINT, SIGTERM and SIGHUP.  A
 * process killed otherwise may leave ".NAME.zcp-tmp": zcp holds a lock
 * (flock) on the file while the name is in use, so the next --atomic
 * copy to NAME finds the lock free, and removes it.  --atomic --resume
 * makes the file under a name the next run finds, ".NAME.zcp-partial",
 * and keeps it when the copy stops midway.
 */
#include "config.h"

#include <linux/capability.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atomic.h"
#include "compat.h"
#include "durable.h"
#include "quote.h"

#ifndef O_TMPFILE
#define O_TMPFILE	(020000000 | O_DIRECTORY)	/* Linux's value */
#endif

#define ATOMIC_SUFFIX	".zcp-"
#define ATOMIC_TMP	".zcp-tmp"
#define ATOMIC_PARTIAL	".zcp-partial"
#define ATOMIC_RANDOM	12		/* hex digits of a temporary name */

/*
 * The temporary names in use, for the signal handler: one slot per file
 * being made (one per copying thread at most).  A slot's state says
 * whether its name is complete and to be removed.  The name is the
 * caller's (struct atomic_file's tmp), freed only after the slot is
 * released: a table of names of PATH_MAX bytes each took 1.3 MiB of the
 * address space of every run, which a low ulimit -v cannot spare.
 */
#define ATOMIC_SLOTS	320

enum { SLOT_FREE, SLOT_HELD, SLOT_REMOVE };

static struct atomic_slot {
	int		 state;		/* SLOT_*, used atomically */
	int		 dirfd;
	const char	*name;
} atomic_slots[ATOMIC_SLOTS];

static const int atomic_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction atomic_old[3];

/* linkat(AT_EMPTY_PATH) works (1), is refused (0: not privileged), or
 * is not known yet (-1). */
static int atomic_empty_path = -1;

/* Removes the temporary names in use.  Async-signal-safe. */
static void
atomic_sweep(void)
{
	int i;

	for (i = 0; i < ATOMIC_SLOTS; i++)
		if (__atomic_load_n(&atomic_slots[i].state, __ATOMIC_ACQUIRE) ==
		    SLOT_REMOVE)
			(void)unlinkat(atomic_slots[i].dirfd,
			    atomic_slots[i].name, 0);
}

static void
atomic_on_signal(int sig)
{
	const struct sigaction *old = NULL;
	size_t i;
	int e = errno;

	atomic_sweep();
	for (i = 0; i < sizeof(atomic_sigs) / sizeof(atomic_sigs[0]); i++)
		if (atomic_sigs[i] == sig)
			old = &atomic_old[i];
	/* The handler that was there (progress.c's) ends the process. */
	if (old != NULL && !(old->sa_flags & SA_SIGINFO) &&
	    old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN)
		old->sa_handler(sig);
	else {
		(void)signal(sig, SIG_DFL);
		(void)raise(sig);
	}
	errno = e;
}

void
atomic_setup(const struct options *o)
{
	struct sigaction sa;
	size_t i;

	if (!o->atomic)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = atomic_on_signal;
	(void)sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(atomic_sigs) / sizeof(atomic_sigs[0]); i++) {
		/* An ignored signal (nohup) stays ignored. */
		if (sigaction(atomic_sigs[i], NULL, &atomic_old[i]) == -1 ||
		    atomic_old[i].sa_handler == SIG_IGN)
			continue;
		(void)sigaction(atomic_sigs[i], &sa, NULL);
	}
}

/*
 * Puts dirfd/name in a free slot, for the handler to remove; name must
 * stay until atomic_release().  Returns the slot, or -1 if none is free
 * (the file is then removed on errors only).
 */
static int
atomic_claim(int dirfd, const char *name)
{
	int i, want;

	for (i = 0; i < ATOMIC_SLOTS; i++) {
		want = SLOT_FREE;
		if (!__atomic_compare_exchange_n(&atomic_slots[i].state, &want,
		    SLOT_HELD, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		atomic_slots[i].dirfd = dirfd;
		atomic_slots[i].name = name;
		__atomic_store_n(&atomic_slots[i].state, SLOT_REMOVE,
		    __ATOMIC_RELEASE);
		return i;
	}
	return -1;
}

static void
atomic_release(int *slot)
{
	if (*slot >= 0)
		__atomic_store_n(&atomic_slots[*slot].state, SLOT_FREE,
		    __ATOMIC_RELEASE);
	*slot = -1;
}

/* The length of name's directory part, its slash included ("a/" of
 * "a/b"), 0 if it has none. */
static size_t
atomic_dirlen(const char *name)
{
	const char *s = strrchr(name, '/');

	return s == NULL ? 0 : (size_t)(s - name) + 1;
}

/*
 * ".BASE" then suffix, in name's directory, malloc'd.  A base too long
 * for the file system's names (NAME_MAX) is cut, and a hash of the whole
 * of it keeps names that differ only at their end apart.
 */
static char *
atomic_name(const char *name, const char *suffix)
{
	size_t dl = atomic_dirlen(name), bl = strlen(name + dl);
	size_t room = NAME_MAX - 1 - strlen(suffix);
	const unsigned char *b = (const unsigned char *)name + dl;
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	char *p;
	size_t i;
	int rc;

	if (bl <= room)
		rc = asprintf(&p, "%.*s.%s%s", (int)dl, name, name + dl,
		    suffix);
	else {
		for (i = 0; i < bl; i++)
			h = (h ^ b[i]) * 1099511628211ULL;
		rc = asprintf(&p, "%.*s.%.*s~%016llx%s", (int)dl, name,
		    (int)(room - 17), name + dl, (unsigned long long)h,
		    suffix);
	}
	return rc == -1 ? NULL : p;
}

char *
atomic_partial_name(const char *name)
{
	return atomic_name(name, ATOMIC_PARTIAL);
}

/* A new temporary name for name, malloc'd, or NULL. */
static char *
atomic_temp_name(const char *name)
{
	unsigned char r[ATOMIC_RANDOM / 2];
	char suffix[sizeof(ATOMIC_SUFFIX) + ATOMIC_RANDOM];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(rand() ^ (int)getpid());
	memcpy(suffix, ATOMIC_SUFFIX, sizeof(ATOMIC_SUFFIX) - 1);
	for (i = 0; i < sizeof(r); i++)
		(void)snprintf(suffix + sizeof(ATOMIC_SUFFIX) - 1 + 2 * i, 3,
		    "%02x", r[i]);
	return atomic_name(name, suffix);
}

/* Shown as dst's path with tmp's last part, malloc'd (or NULL). */
static char *
atomic_shown(const struct file_ref *dst, const char *tmp)
{
	const char *dpath = path_str(dst->path);
	size_t keep = strlen(dpath) - (strlen(dst->name) -
	    atomic_dirlen(dst->name));
	char *p;

	if (asprintf(&p, "%.*s%s", (int)keep, dpath,
	    tmp + atomic_dirlen(tmp)) == -1)
		return NULL;
	return p;
}

/* An unnamed file in name's directory, or -1 with errno. */
static int
atomic_unnamed(int dirfd, const char *name, mode_t mode)
{
	size_t dl = atomic_dirlen(name);
	char *dir;
	int fd;

	if (dl == 0)
		return openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
		    mode);
	if ((dir = strndup(name, dl)) == NULL)
		return -1;
	fd = openat(dirfd, dir, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
	free(dir);
	return fd;
}

/* True if err says O_TMPFILE is not supported there. */
static bool
atomic_no_tmpfile(int err)
{
	/* EISDIR: kernels before 3.11 took O_TMPFILE as O_DIRECTORY. */
	return err == EOPNOTSUPP || err == ENOTSUP || err == EISDIR ||
	    err == EINVAL;
}

/*
 * Removes dirfd/name if it is a temporary file whose maker is gone: the
 * lock zcp holds on it while the name is in use is free.  Returns 0 if
 * it is gone, -1 (errno EEXIST) if it is in use or not a regular file.
 */
static int
atomic_stale(int dirfd, const char *name)
{
	struct stat st;
	int fd, rc = -1;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return errno == ENOENT ? 0 : (errno = EEXIST, -1);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0)
		rc = unlinkat(dirfd, name, 0);
	(void)close(fd);
	if (rc == -1)
		errno = EEXIST;
	return rc;
}

/* Makes the file at a temporary name: created, or the unnamed one linked. */
typedef int (*atomic_maker)(struct atomic_file *, const char *, mode_t);

static int
atomic_make_file(struct atomic_file *a, const char *tmp, mode_t mode)
{
	int fd;

	fd = openat(a->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOCTTY, mode);
	if (fd == -1)
		return -1;
	(void)flock(fd, LOCK_EX);	/* for atomic_stale() */
	a->fd = fd;
	return 0;
}

static int	atomic_link_fd(int, int, const char *);

static int
atomic_make_link(struct atomic_file *a, const char *tmp, mode_t mode)
{
	(void)mode;
	return atomic_link_fd(a->fd, a->dirfd, tmp);
}

/*
 * Puts the file at a temporary name for a->name with make (the name
 * registered with the handler first, so that it never exists
 * unregistered): ".NAME.zcp-tmp", removed first if a zcp killed in its
 * last steps left it, else a random one.  0 (a->tmp set) or -1 with errno.
 */
static int
atomic_place(struct atomic_file *a, atomic_maker make, mode_t mode)
{
	int tries, e;

	for (tries = 0; tries < 100; tries++) {
		a->tmp = tries == 0 ? atomic_name(a->name, ATOMIC_TMP) :
		    atomic_temp_name(a->name);
		if (a->tmp == NULL)
			return -1;
		a->slot = atomic_claim(a->dirfd, a->tmp);
		if (make(a, a->tmp, mode) == 0)
			return 0;
		e = errno;
		if (e == EEXIST && tries == 0 &&
		    atomic_stale(a->dirfd, a->tmp) == 0) {
			if (make(a, a->tmp, mode) == 0)
				return 0;
			e = errno;
		}
		atomic_release(&a->slot);
		free(a->tmp);
		a->tmp = NULL;
		if (e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

/* atomic_partial() did not open a partial file: make an ordinary one. */
#define ATOMIC_NO_PARTIAL	(-2)

/*
 * Why a partial file is not adopted, and not removed either.  These and
 * atomic_foreign()'s reasons are in English, for nls_text().
 */
/* TRANSLATORS: this and the reasons like it end --debug's ", not
   resumed: the partial file is not one zcp left: %s"; "it" is that
   file. */
static const char atomic_busy[] = N_("another zcp is writing it");
static const char atomic_replaced[] =
    N_("it was replaced while being looked at");

/*
 * Why the file at --resume's partial name (st, from a descriptor on it)
 * is not what zcp would have left there for this user, or NULL if it is:
 * a regular file of one link, owned by the effective user, in the group a
 * new file there gets, that no one else may write to.
 */
static const char *
atomic_foreign(const struct atomic_file *a, const struct stat *st)
{
	size_t dl = atomic_dirlen(a->name);
	struct stat dir;
	char *d;
	int rc;

	if (S_ISLNK(st->st_mode))
		return N_("it is a symbolic link");
	if (!S_ISREG(st->st_mode))
		return N_("it is not a regular file");
	if (st->st_uid != geteuid())
		return N_("another user owns it");
	if (st->st_nlink != 1)
		return N_("it has other hard links");
	/* With an ACL, the group's bits are its mask: no entry writes. */
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return N_("other users may write to it");
	if (st->st_gid == getegid())
		return NULL;
	/* Else the directory's (set-group-ID, or mounted with grpid). */
	if ((d = dl > 0 ? strndup(a->name, dl) : strdup(".")) == NULL)
		return N_("it belongs to another group");
	rc = fstatat(a->dirfd, d, &dir, 0);
	free(d);
	return rc == 0 && dir.st_gid == st->st_gid ? NULL :
	    N_("it belongs to another group");
}

/*
 * Opens the partial file (st: what atomic_look() found at its name) to
 * write it, and checks again on that descriptor that it is the same
 * file, still zcp's (atomic_foreign()), and that no other zcp holds its
 * lock.  Returns the fd (a->size set), or -1 with *why set, or -1 with
 * *why NULL and errno (an error that says nothing of the file: EMFILE,
 * ENOMEM, ...).
 */
static int
atomic_adopt(struct atomic_file *a, const struct stat *st, const char **why)
{
	struct stat fst;
	int fd, e;

	*why = NULL;
	fd = openat(a->dirfd, a->tmp, O_RDWR | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOENT)
			*why = atomic_replaced;
		else if (errno == EACCES || errno == EPERM ||
		    errno == ETXTBSY)
			*why = N_("it cannot be opened for writing");
		return -1;
	}
	if (fstat(fd, &fst) == -1)
		;
	else if (fst.st_dev != st->st_dev || fst.st_ino != st->st_ino)
		*why = atomic_replaced;
	else if ((*why = atomic_foreign(a, &fst)) != NULL)
		;
	/* (Where locks are refused, ENOLCK, a new one is not locked.) */
	else if (flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		*why = atomic_busy;
	/* Clears O_NONBLOCK (F_SETFL ignores the access mode). */
	else if (fcntl(fd, F_SETFL, 0) == 0) {
		a->size = (uint64_t)fst.st_size;
		return fd;
	}
	e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

/*
 * What is at the partial file's name, without opening it for reading or
 * writing (a FIFO or a device would be) or following a symbolic link:
 * 0 with st filled, or -1 with errno (ENOENT: nothing).
 */
static int
atomic_look(int dirfd, const char *name, struct stat *st)
{
	int fd, rc, e;

	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	rc = fstat(fd, st);
	e = errno;
	(void)close(fd);
	errno = e;
	return rc;
}

/*
 * A file at --resume's partial name that zcp does not adopt is removed
 * (and a new partial file made) only if it is the user's own and not in
 * use by another zcp: one name of the user's files, which loses no one
 * else's data; another user's file, or a directory, is left as it is.
 * Returns true if it was removed; says which in rec.
 */
static bool
atomic_reject(struct atomic_file *a, const struct stat *st, const char *why,
    struct file_record *rec)
{
	rec->resume = RESUME_NOT_ADOPTED;
	rec->resume_why = why;
	rec->resume_removed = why != atomic_busy && why != atomic_replaced &&
	    st->st_uid == geteuid() && !S_ISDIR(st->st_mode) &&
	    unlinkat(a->dirfd, a->tmp, 0) == 0;
	return rec->resume_removed;
}

/*
 * --resume: the partial file a former run left for a->name, if it is one
 * zcp would have left for this user (atomic_foreign()), else a new one
 * under that name, made open to its owner alone, never to the group or
 * others (atomic_inherit() gives it its mode).  Returns the fd, -1 with
 * errno, or ATOMIC_NO_PARTIAL (a->tmp NULL) where the name is taken by a
 * file not adopted (rec says why) and left: then the copy is made as
 * without --resume.
 */
static int
atomic_partial(struct atomic_file *a, mode_t mode, struct file_record *rec)
{
	const char *why;
	struct stat st;
	int fd;

	a->partial = true;
	if ((a->tmp = atomic_partial_name(a->name)) == NULL)
		return -1;
	if (atomic_look(a->dirfd, a->tmp, &st) == 0) {
		if ((why = atomic_foreign(a, &st)) == NULL &&
		    (fd = atomic_adopt(a, &st, &why)) != -1)
			return fd;
		if (why == NULL)
			return -1;
		if (!atomic_reject(a, &st, why, rec))
			goto unnamed;
	} else if (errno != ENOENT)
		return -1;
	fd = openat(a->dirfd, a->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOCTTY, (mode | S_IRUSR | S_IWUSR) & ~(S_IWGRP | S_IWOTH));
	if (fd != -1) {
		(void)flock(fd, LOCK_EX | LOCK_NB);	/* for atomic_adopt() */
		return fd;
	}
	/* Made by another process meanwhile: not ours to take. */
	if (errno != EEXIST)
		return -1;
unnamed:
	a->partial = false;
	free(a->tmp);
	a->tmp = NULL;
	return ATOMIC_NO_PARTIAL;
}

int
atomic_open(const struct options *o, const struct file_ref *dst,
    const struct dest_state *ds, mode_t mode, struct atomic_file *a,
    struct file_record *rec)
{
	char *shown;

	memset(a, 0, sizeof(*a));
	a->fd = a->slot = a->hold = -1;
	a->dirfd = dst->dirfd;
	a->name = dst->name;
	a->replace = ds->exists;
	a->mode = mode & ~o->umask;
	/*
	 * cp cannot open a file it may not write, and replaces it only
	 * under -f: the rename, which needs no such right, must not either.
	 */
	if (ds->exists && !o->unlink_failed && faccessat(dst->dirfd,
	    dst->name, W_OK, AT_EACCESS) == -1 && errno == EACCES) {
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	if (o->resume)
		a->fd = atomic_partial(a, mode, rec);
	if (!o->resume || a->fd == ATOMIC_NO_PARTIAL) {
		a->fd = atomic_unnamed(dst->dirfd, dst->name, mode);
		if (a->fd == -1 && atomic_no_tmpfile(errno) &&
		    atomic_place(a, atomic_make_file, mode) == -1)
			a->fd = -1;
	}
	if (a->fd != -1)
		return a->fd;
	/* The partial file's name is the user's business: say it. */
	if (a->partial && a->tmp != NULL &&
	    (shown = atomic_shown(dst, a->tmp)) != NULL) {
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(shown));
		free(shown);
	} else
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
	free(a->tmp);
	a->tmp = NULL;
	return -1;
}

/* Whether this process has CAP_FSETID in its effective set. */
static bool
atomic_fsetid(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) == -1)
		return geteuid() == 0;
	return (d[CAP_TO_INDEX(CAP_FSETID)].effective &
	    CAP_TO_MASK(CAP_FSETID)) != 0;
}

/* Whether this process is in group gid, as the kernel's in_group_p(). */
static bool
atomic_in_group(gid_t gid)
{
	gid_t *g;
	int i, n;
	bool in = false;

	if (gid == getegid())
		return true;
	if ((n = getgroups(0, NULL)) <= 0 ||
	    (g = calloc((size_t)n, sizeof(*g))) == NULL)
		return false;
	n = getgroups(n, g);
	for (i = 0; i < n && !in; i++)
		in = g[i] == gid;
	free(g);
	return in;
}

/*
 * The permissions st would keep if this process wrote into it, as cp
 * does (O_TRUNC alone is enough): without CAP_FSETID, the kernel clears
 * set-user-ID, and set-group-ID where the group may execute or the
 * writer is not in the file's group (file_remove_privs(); the second
 * since Linux 6.2's setattr_should_drop_sgid(), where earlier kernels
 * kept the bit: clearing it is the safe side).
 */
static mode_t
atomic_written_mode(const struct stat *st)
{
	mode_t m = st->st_mode & 07777;

	if (!S_ISREG(st->st_mode) || (m & (S_ISUID | S_ISGID)) == 0 ||
	    atomic_fsetid())
		return m;
	m &= ~(mode_t)S_ISUID;
	if ((m & S_ISGID) && ((m & S_IXGRP) || !atomic_in_group(st->st_gid)))
		m &= ~(mode_t)S_ISGID;
	return m;
}

int
atomic_inherit(const struct options *o, const struct atomic_file *a,
    const struct dest_state *ds, struct file_record *rec)
{
	/* A partial file's mode was its owner's alone: now a new file's. */
	if (!ds->exists && a->partial && fchmod(a->fd, a->mode) == -1) {
		record_fail(rec, errno, CPN_("setting permissions for %s"),
		    quote(path_str(rec->dst)));
		return -1;
	}
	if (!ds->exists)
		return 0;
	/* Best effort, as a user who may not give files away. */
	if (!o->preserve_ownership && (ds->st.st_uid != geteuid() ||
	    ds->st.st_gid != getegid()))
		(void)fchown(a->fd, ds->st.st_uid, ds->st.st_gid);
	if (!o->preserve_mode &&
	    fchmod(a->fd, atomic_written_mode(&ds->st)) == -1) {
		record_fail(rec, errno, CPN_("setting permissions for %s"),
		    quote(path_str(rec->dst)));
		return -1;
	}
	return 0;
}

/*
 * Gives the unnamed file fd the name dirfd/name.  Without
 * CAP_DAC_READ_SEARCH, linkat(AT_EMPTY_PATH) is refused with ENOENT;
 * the descriptor's name in /proc works for anyone.  0 or -1 with errno.
 */
static int
atomic_link_fd(int fd, int dirfd, const char *name)
{
	char p[64];

	if (__atomic_load_n(&atomic_empty_path, __ATOMIC_RELAXED) != 0) {
		if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0) {
			__atomic_store_n(&atomic_empty_path, 1,
			    __ATOMIC_RELAXED);
			return 0;
		}
		if (errno != ENOENT && errno != EPERM && errno != EINVAL)
			return -1;
	}
	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, p, dirfd, name, AT_SYMLINK_FOLLOW) == -1)
		return -1;
	__atomic_store_n(&atomic_empty_path, 0, __ATOMIC_RELAXED);
	return 0;
}

/*
 * The unnamed file gets a name: the destination's if nothing was there,
 * else a temporary one (a->tmp) to rename, locked first (atomic_stale()).
 * 0 or -1 with errno.
 */
static int
atomic_name_unnamed(struct atomic_file *a)
{
	if (!a->replace)
		return atomic_link_fd(a->fd, a->dirfd, a->name);
	(void)flock(a->fd, LOCK_EX);
	return atomic_place(a, atomic_make_link, 0);
}

/* Names the file and closes it.  0, or -1 (rec filled, nothing left). */
static int
atomic_close(struct atomic_file *a, const struct file_ref *dst,
    bool unnamed, struct file_record *rec)
{
	int e;

	if (unnamed && atomic_name_unnamed(a) == -1) {
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
		return -1;
	}
	/* The lock stays, with a duplicate, until the rename. */
	if (a->tmp != NULL)
		a->hold = fcntl(a->fd, F_DUPFD_CLOEXEC, 0);
	e = close(a->fd) == -1 ? errno : 0;
	a->fd = -1;
	if (e == 0)
		return 0;
	record_fail(rec, e, CPN_("failed to close %s"), quote(path_str(dst->path)));
	/* What was linked is ours: unnamed, it held the new file only. */
	if (unnamed && a->tmp == NULL)
		(void)unlinkat(a->dirfd, a->name, 0);
	return -1;
}

int
atomic_commit(const struct options *o, struct atomic_file *a,
    const struct file_ref *dst, struct file_record *rec)
{
	bool unnamed = a->tmp == NULL;
	int rc = 0;

	if (atomic_close(a, dst, unnamed, rec) == -1)
		rc = -1;
	else if (a->tmp != NULL && (a->replace ? renameat(a->dirfd, a->tmp,
	    a->dirfd, a->name) : compat_rename_noreplace(a->dirfd, a->tmp,
	    a->dirfd, a->name)) == -1) {
		record_fail(rec, errno, CPN_("cannot create regular file %s"),
		    quote(path_str(dst->path)));
		rc = -1;
	}
	if (rc == -1 && a->tmp != NULL)
		(void)unlinkat(a->dirfd, a->tmp, 0);
	if (a->hold != -1)
		(void)close(a->hold);
	a->hold = -1;
	atomic_release(&a->slot);
	free(a->tmp);
	a->tmp = NULL;
	if (rc == 0)
		rec->atomic = true;
	if (rc == 0 && o->fsync && !a->dir_later &&
	    durable_sync_dir(dst->dirfd, dst->name) == -1) {
		record_fail(rec, errno, N_("cannot flush the directory of %s"),
		    quote(path_str(dst->path)));
		rc = -1;
	}
	return rc;
}

void
atomic_discard(struct atomic_file *a, bool keep,
    const struct file_ref *dst, struct file_record *rec)
{
	struct stat st;

	keep = keep && a->partial && a->fd >= 0 && fstat(a->fd, &st) == 0 &&
	    st.st_size > 0;
	if (a->fd >= 0)
		(void)close(a->fd);
	a->fd = -1;
	if (a->tmp != NULL) {
		if (keep)
			rec->partial = atomic_shown(dst, a->tmp);
		else
			(void)unlinkat(a->dirfd, a->tmp, 0);
	}
	atomic_release(&a->slot);
	free(a->tmp);
	a->tmp = NULL;
}
