/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/tree.c: zcp --bench DIR [DEST_DIR], the ways of copying a tree
 * timed side by side: zcp itself run as a command with -r -j1, with -r
 * (the default -j) and with each other executor this zcp has (the table
 * below: a contender whose option this zcp refuses is left out), and
 * the system's cp -r.  Each runs as a process of its own, as a user runs
 * it, so all pay the same start-up.  The copies go into a directory
 * made in DEST_DIR (by default beside the source), in the state the
 * user chose: a new name each run (fresh; the copies stay until the end,
 * since on ext4 without a journal a deletion slows down the next minute
 * of creations), or the name of the previous copy, removed and synced
 * just before (deleted: the state that slowdown shows in).  The rounds,
 * the verdict and the output are bench.c's, as for one file.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/cp.h"
#include "bench/result.h"
#include "bench/rmtree.h"
#include "bench/setup.h"
#include "bench/status.h"
#include "bench/tmp.h"
#include "bench/tree.h"
#include "bench/treewalk.h"
#include "nls.h"
#include "quote.h"
#include "units.h"

/* zcp, run as a command: this very binary. */
#define BENCH_SELF	"/proc/self/exe"

/*
 * The contenders, in the order of the table: their arguments before
 * [--fsync] -- SOURCE COPY, and the option that only some builds of zcp
 * have (the contender runs if "zcp OPTION --version" succeeds).
 */
static const struct {
	int		 id;
	const char	*args[3];
	const char	*needs;
} bench_tree_kinds[] = {
	{ .id = BENCH_TREE_J1, .args = { "-r", "-j1" } },
	{ .id = BENCH_TREE_J, .args = { "-r" } },
	{ .id = BENCH_TREE_URING, .args = { "-r", "--engine=uring" },
	    .needs = "--engine=uring" },
	{ .id = BENCH_CP, .args = { "-r" } },
};
#define BENCH_TREE_NKINDS \
	(sizeof(bench_tree_kinds) / sizeof(bench_tree_kinds[0]))

_Static_assert(BENCH_TREE_NKINDS <= BENCH_MAX, "eng[] holds them");

/* The copies the state keeps at once: all of them when fresh (each
 * contender's warm-up and runs), one after the other when deleted. */
static uint64_t
bench_tree_kept(const struct bench *b)
{
	if (b->opts->bench_state == BENCH_STATE_DELETED)
		return 1;
	return (uint64_t)BENCH_TREE_NKINDS * (b->runs + 1);
}

/* Refuses a DEST_DIR inside the source: the copies would copy
 * themselves, and removing them would touch the source. */
static void
bench_tree_inside(const struct bench *b)
{
	char s[PATH_MAX], d[PATH_MAX];
	size_t n;

	if (realpath(b->src_path, s) == NULL)
		err(1, CP_("cannot stat %s"), quote(b->src_path));
	if (realpath(b->dir, d) == NULL)
		err(1, CP_("cannot stat %s"), quote(b->dir));
	n = strlen(s);
	if (strncmp(s, d, n) == 0 && (d[n] == '\0' || d[n] == '/' ||
	    n == 1))
		errx(1, _("cannot copy %s into %s: it is inside the source"),
		    quote(b->src_path), quote(b->dir));
}

/* Exits with one line if DEST_DIR has not the room or the inodes for
 * the copies the state keeps. */
static void
bench_tree_room(const struct bench *b, uint64_t avail)
{
	uint64_t k = bench_tree_kept(b), need, inodes;
	struct statvfs vfs;
	char n1[32], n2[32];

	need = b->disk > UINT64_MAX / k ? UINT64_MAX : b->disk * k;
	inodes = (b->files + b->dirs) * k;
	if (avail < need)
		errx(1, _("not enough free space in %s: --bench needs %s for "
		    "%llu copies of the tree, %s available"), quote(b->dir),
		    units_size(n1, sizeof(n1), (double)need),
		    (unsigned long long)k,
		    units_size(n2, sizeof(n2), (double)avail));
	if (statvfs(b->dir, &vfs) == 0 && vfs.f_files > 0 &&
	    vfs.f_favail < inodes)
		errx(1, _("not enough free inodes in %s: --bench needs %llu "
		    "for %llu copies of the tree, %llu available"),
		    quote(b->dir), (unsigned long long)inodes,
		    (unsigned long long)k, (unsigned long long)vfs.f_favail);
}

/* The options that have no meaning for a tree, or NULL. */
static const char *
bench_tree_conflict(const struct options *o)
{
	if (o->bench_socket)
		return "--to-socket";
	if (o->verify)
		return "--verify";
	if (o->bench_engines != 0)
		return _("--bench=ENGINES (a tree's contenders are fixed)");
	return NULL;
}

void
bench_tree_check(struct bench *b)
{
	struct bench_treesize ts;
	char bad[PATH_MAX], *p;
	const char *c;

	if ((c = bench_tree_conflict(b->opts)) != NULL)
		errx(1, _("--bench on a directory cannot be used with %s"), c);
	if (b->dir == NULL) {
		/* Beside the source: dirname() may change its argument. */
		if ((p = strdup(b->src_path)) == NULL)
			err(1, NULL);
		b->dir = b->dir_chosen = strdup(dirname(p));
		free(p);
		if (b->dir == NULL)
			err(1, NULL);
	}
	bench_tree_inside(b);
	if (bench_treewalk_size(b->src_path, &ts, bad, sizeof(bad)) == -1)
		err(1, CP_("cannot stat %s"), quote(bad));
	b->tree = true;
	b->files = ts.files;
	b->dirs = ts.dirs;
	b->size = ts.bytes;
	b->disk = ts.disk;
	bench_tree_room(b, bench_setup_dir(b->dir));
}

/* True if this zcp takes the option (a build may lack an executor). */
static bool
bench_tree_has(const char *option)
{
	char *argv[] = { "zcp", (char *)option, "--version", NULL };
	pid_t pid;
	int fd, st;

	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return false;
	pid = bench_tmp_command(BENCH_SELF, argv, fd);
	(void)close(fd);
	if (pid == -1)
		return false;
	st = bench_tmp_cp_wait(pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void
bench_tree_setup(struct bench *b, unsigned runs)
{
	struct bench_eng *e;
	size_t i;

	b->tmpdir = bench_tmp_mkdir(b->dir);
	b->sparse = false;
	b->resident = -1;
	for (i = 0; i < BENCH_TREE_NKINDS; i++) {
		if (bench_tree_kinds[i].needs != NULL &&
		    !bench_tree_has(bench_tree_kinds[i].needs))
			continue;
		e = &b->eng[b->neng++];
		e->id = bench_tree_kinds[i].id;
		e->missing = e->id == BENCH_CP &&
		    bench_cp_find(b->cp, sizeof(b->cp)) == -1;
		if ((e->secs = calloc(runs, sizeof(double))) == NULL)
			err(1, NULL);
	}
}

/* The argv of a run of e from src into dst, into argv (8 of room). */
static const char *
bench_tree_argv(const struct bench *b, const struct bench_eng *e,
    const char *dst, char **argv)
{
	size_t i, k, n = 0;

	for (k = 0; bench_tree_kinds[k].id != e->id; k++)
		;
	argv[n++] = e->id == BENCH_CP ? "cp" : "zcp";
	for (i = 0; i < 3 && bench_tree_kinds[k].args[i] != NULL; i++)
		argv[n++] = (char *)bench_tree_kinds[k].args[i];
	if (b->opts->fsync && e->id != BENCH_CP)
		argv[n++] = "--fsync";
	argv[n++] = "--";
	argv[n++] = (char *)b->src_path;
	argv[n++] = (char *)dst;
	argv[n] = NULL;
	return e->id == BENCH_CP ? b->cp : BENCH_SELF;
}

/* Flushes DEST_DIR's file system (syncfs(2)): before each run, and after
 * cp's with --fsync (what "cp -r && sync" gets). */
static void
bench_tree_flush(const struct bench *b)
{
	int fd;

	if ((fd = open(b->tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    syncfs(fd) == -1)
		err(1, _("cannot flush %s"), quote(b->tmpdir));
	(void)close(fd);
}

/*
 * Where the run copies to, in the state asked for: a new name (fresh),
 * or the previous copy's, which is removed; either way the file system
 * is synced, so that the last copy's writeback does not slow this one.
 */
static void
bench_tree_dest(struct bench *b, char *dst, size_t len)
{
	bool deleted = b->opts->bench_state == BENCH_STATE_DELETED;

	if (deleted)
		(void)snprintf(dst, len, "%s/copy", b->tmpdir);
	else
		(void)snprintf(dst, len, "%s/c.%u", b->tmpdir, b->copies);
	b->copies++;
	if (deleted && bench_rmtree(AT_FDCWD, dst) == -1) {
		bench_status_clear();
		err(1, CP_("cannot remove %s"), quote(dst));
	}
	bench_tree_flush(b);
}

/* Notes how the command of e failed: its wait status st, and the first
 * line it wrote on stderr (into fd). */
static void
bench_tree_failed(struct bench_eng *e, int st, int fd)
{
	char line[200], *nl;
	ssize_t n;

	n = pread(fd, line, sizeof(line) - 1, 0);
	line[n > 0 ? n : 0] = '\0';
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	if (WIFEXITED(st))
		(void)snprintf(e->why, sizeof(e->why), _("exit status %d%s%s"),
		    WEXITSTATUS(st), line[0] != '\0' ? ": " : "", line);
	else
		(void)snprintf(e->why, sizeof(e->why),
		    _("killed by signal %d (%s)"), WTERMSIG(st),
		    strsignal(WTERMSIG(st)));
	e->failed = true;
}

/* The first copy of e against the source: a difference fails e. */
static void
bench_tree_compare(const struct bench *b, struct bench_eng *e,
    const char *dst)
{
	char why[PATH_MAX + 128];
	bool shared;
	int rc;

	bench_status(_("checking the copy of %s"), bench_name(e->id));
	rc = bench_treewalk_cmp(b->src_path, dst, &shared, why, sizeof(why));
	if (rc == -1) {
		bench_status_clear();
		err(1, _("cannot compare the copy with the source: %s"), why);
	}
	if (rc == 1) {
		(void)snprintf(e->why, sizeof(e->why), _("the copy differs: "
		    "%s"), why);
		e->failed = true;
	}
	e->cloned = shared;
}

double
bench_tree_copy(struct bench *b, struct bench_eng *e, bool first)
{
	char dst[PATH_MAX], *argv[8];
	const char *path;
	double t0, t;
	pid_t pid;
	int efd, st;

	bench_tree_dest(b, dst, sizeof(dst));
	if (b->opts->bench_cold)
		bench_treewalk_drop(b->src_path);
	if ((efd = memfd_create("zcp-bench", MFD_CLOEXEC)) == -1)
		err(1, NULL);
	path = bench_tree_argv(b, e, dst, argv);
	t0 = units_now();
	if ((pid = bench_tmp_command(path, argv, efd)) == -1) {
		bench_status_clear();
		err(1, _("cannot run %s"), quote(path));
	}
	st = bench_tmp_cp_wait(pid);
	if (st == 0 && b->opts->fsync && e->id == BENCH_CP)
		bench_tree_flush(b);
	t = units_now() - t0;
	if (st != 0)
		bench_tree_failed(e, st, efd);
	else if (first)
		bench_tree_compare(b, e, dst);
	(void)close(efd);
	if (!e->failed)
		return t;
	e->nruns = 0;		/* its times say nothing now */
	b->failed = true;
	return -1;
}

int
bench_tree_finish(struct bench *b)
{
	bench_status(_("removing the copies"));
	if (bench_tmp_rmdir() == -1) {
		bench_status_clear();
		warn(CP_("cannot remove %s"), quote(b->tmpdir));
		return -1;
	}
	bench_status_clear();
	free(b->tmpdir);
	b->tmpdir = NULL;
	return 0;
}
