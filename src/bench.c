/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench.c: zcp --bench, the engines timed side by side on one file.
 *
 * Copies SOURCE into a temporary file in DIRECTORY with each engine, and
 * with the system's cp (bench-cp.c), or with --to-socket sends it into a
 * loopback TCP connection (bench-socket.c): one warm-up round, which also
 * finds the engines the kernel refuses and checks the bytes of each
 * copy, then --runs timed rounds, interleaved (A B C A B C) so that drift
 * hits every contender alike.  Only the copy (and with --fsync the flush)
 * is timed; creating and removing the temporary file is not.  Every
 * temporary file is removed on the way out, also when a signal ends the
 * process (and a cp still running is killed first).  bench-print.c
 * prints the results.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "compat.h"
#include "nls.h"
#include "quote.h"
#include "units.h"
#include "verify.h"

/* The temporary files, for the signal handler: slot 0 the made-up
 * source, slot 1 the copy of the run in progress. */
#define BENCH_SRC	0
#define BENCH_DST	1
static char			bench_tmp[2][PATH_MAX];
static volatile sig_atomic_t	bench_live[2];
/* The cp that is running (its pid), or 0: killed before the cleanup. */
static volatile sig_atomic_t	bench_child;

/* The line SIGUSR1 prints (two buffers, so the handler never sees one
 * half written), and whether stderr shows a status line to clear. */
static char			bench_line[2][256];
static volatile sig_atomic_t	bench_line_cur;
static volatile sig_atomic_t	bench_drawn;

static const int bench_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGXFSZ, SIGUSR2
};

/*
 * Removes the temporary files that exist, after ending the cp that may
 * be writing one.  Async-signal-safe.
 */
static void
bench_cleanup(void)
{
	pid_t pid = (pid_t)bench_child;
	int i;

	if (pid > 0) {
		bench_child = 0;
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
	}
	for (i = 0; i < 2; i++)
		if (bench_live[i]) {
			bench_live[i] = 0;
			(void)unlink(bench_tmp[i]);
		}
}

static void
bench_write(const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0 && ((w = write(STDERR_FILENO, s, n)) > 0 ||
	    (w == -1 && errno == EINTR)))
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
}

static void
bench_on_signal(int sig)
{
	int e = errno;

	if (sig == SIGUSR1) {
		if (bench_drawn)
			bench_write("\r\033[K");
		bench_write(bench_line[bench_line_cur]);
		bench_write("\n");
		errno = e;
		return;
	}
	bench_cleanup();
	if (bench_drawn)
		bench_write("\r\033[K");
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
	errno = e;
}

static void
bench_catch(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_signal;
	(void)sigfillset(&sa.sa_mask);
	/* An ignored signal (nohup) stays ignored. */
	for (i = 0; i < sizeof(bench_signals) / sizeof(bench_signals[0]); i++)
		if (sigaction(bench_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(bench_signals[i], &sa, NULL);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGUSR1, &sa, NULL);
	if (atexit(bench_cleanup) != 0)
		err(1, NULL);
}

/* Says what is running: on stderr if it is a terminal, and for SIGUSR1. */
static void
bench_status(const struct bench *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bench_status(const struct bench *b, const char *fmt, ...)
{
	va_list ap;
	int next = !bench_line_cur;
	size_t n;

	(void)b;
	n = (size_t)snprintf(bench_line[next], sizeof(bench_line[next]),
	    "%s --bench: ", getprogname());
	if (n >= sizeof(bench_line[next]))
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(bench_line[next] + n, sizeof(bench_line[next]) - n,
	    fmt, ap);
	va_end(ap);
	bench_line_cur = next;
	if (isatty(STDERR_FILENO)) {
		bench_drawn = 1;
		fprintf(stderr, "\r%s\033[K", bench_line[next]);
		fflush(stderr);
	}
}

static void
bench_status_clear(void)
{
	if (bench_drawn) {
		bench_drawn = 0;
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/*
 * Creates a new temporary file in dir in slot, with signals blocked so
 * that the handler knows exactly which files exist.  Returns its fd.
 */
static int
bench_tmp_open(const char *dir, int slot)
{
	static unsigned seq;
	sigset_t all, old;
	int fd, n, e;

	(void)sigfillset(&all);
	do {
		n = snprintf(bench_tmp[slot], sizeof(bench_tmp[slot]),
		    "%s/.zcp-bench.%ld.%u", dir, (long)getpid(), seq++);
		if (n < 0 || (size_t)n >= sizeof(bench_tmp[slot])) {
			errno = ENAMETOOLONG;
			err(1, _("cannot create a file in %s"), quote(dir));
		}
		(void)sigprocmask(SIG_BLOCK, &all, &old);
		fd = open(bench_tmp[slot], O_RDWR | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOCTTY, 0600);
		e = errno;
		bench_live[slot] = fd != -1;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	} while (fd == -1 && e == EEXIST);
	if (fd == -1) {
		errno = e;
		err(1, _("cannot create a file in %s"), quote(dir));
	}
	return fd;
}

/* Closes and removes the temporary file in slot. */
static void
bench_tmp_remove(int fd, int slot)
{
	if (close(fd) == -1)
		err(1, CP_("failed to close %s"), quote(bench_tmp[slot]));
	bench_live[slot] = 0;
	if (unlink(bench_tmp[slot]) == -1)
		err(1, CP_("cannot remove %s"), quote(bench_tmp[slot]));
}

/*
 * The operands: SOURCE [DIRECTORY], or [DIRECTORY] with --bench-size;
 * --to-socket copies nothing into a DIRECTORY, which is only where
 * --bench-size makes its source.
 */
static void
bench_operands(struct bench *b, int n, char **files)
{
	int nsrc = b->opts->bench_size ? 0 : 1;
	int most = nsrc + (b->to_socket && nsrc ? 0 : 1);

	if (n < nsrc) {
		warnx(CP_("missing file operand"));
		options_usage_hint();
	}
	if (n > most) {
		warnx(CP_("extra operand %s"), quote(files[most]));
		options_usage_hint();
	}
	b->src_path = nsrc ? files[0] : NULL;
	b->dir = n > nsrc ? files[nsrc] : ".";
}

static const char *
bench_kind(mode_t m)
{
	if (S_ISDIR(m))
		return _("a directory");
	if (S_ISFIFO(m))
		return _("a fifo");
	if (S_ISSOCK(m))
		return _("a socket");
	if (S_ISCHR(m))
		return _("a character device");
	if (S_ISBLK(m))
		return _("a block device");
	return _("not a regular file");
}

/*
 * Refuses bad input with one line, before anything is written: a source
 * that is not a non-empty regular file, a DIRECTORY that is not a
 * writable directory, too little free space for the copies.
 */
static void
bench_check(struct bench *b, struct stat *sst)
{
	struct statvfs vfs;
	struct stat st;
	uint64_t need, avail, k;
	char n1[32], n2[32];

	if (b->src_path != NULL) {
		if (stat(b->src_path, sst) == -1)
			err(1, CP_("cannot stat %s"), quote(b->src_path));
		if (!S_ISREG(sst->st_mode))
			errx(1, _("--bench needs a regular file: %s is %s"),
			    quote(b->src_path), bench_kind(sst->st_mode));
		if (sst->st_size == 0)
			errx(1, _("--bench needs data to copy: %s is empty"),
			    quote(b->src_path));
		b->size = (uint64_t)sst->st_size;
	} else
		b->size = b->opts->bench_size;
	if (b->to_socket && !b->opts->bench_size)
		return;		/* nothing is written */
	if (stat(b->dir, &st) == -1)
		err(1, CP_("cannot stat %s"), quote(b->dir));
	if (!S_ISDIR(st.st_mode))
		errx(1, _("cannot copy into %s: %s"), quote(b->dir),
		    strerror(ENOTDIR));
	if (access(b->dir, W_OK | X_OK) == -1)
		err(1, _("cannot write in %s"), quote(b->dir));
	if (statvfs(b->dir, &vfs) == -1)
		err(1, _("cannot get the free space of %s"), quote(b->dir));
	/* The copy, and the made-up source; sizes never wrap to small ones. */
	k = (b->to_socket ? 0 : 1) + (b->src_path == NULL ? 1 : 0);
	need = b->size > UINT64_MAX / 2 ? UINT64_MAX : b->size * k;
	avail = vfs.f_frsize != 0 && vfs.f_bavail > UINT64_MAX /
	    vfs.f_frsize ? UINT64_MAX : (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail < need)
		errx(1, _("not enough free space in %s: --bench needs %s, %s "
		    "available"), quote(b->dir), units_size(n1, sizeof(n1),
		    (double)need), units_size(n2, sizeof(n2), (double)avail));
}

/* splitmix64: fast, and random enough that nothing compresses it. */
static uint64_t
bench_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* --bench-size: a source of random bytes in DIRECTORY, flushed to disk
 * so that its writeback does not disturb the runs. */
static void
bench_make_source(struct bench *b, struct stat *sst)
{
	uint64_t *buf, seed, left = b->size;
	size_t bufsize = (size_t)1 << 20, i, n;
	char sz[32];

	b->src = bench_tmp_open(b->dir, BENCH_SRC);
	b->src_path = bench_tmp[BENCH_SRC];
	b->made = true;
	if ((buf = malloc(bufsize)) == NULL)
		err(1, NULL);
	seed = (uint64_t)(units_now() * 1e9) ^ ((uint64_t)getpid() << 32);
	bench_status(b, _("making a random %s source"), units_size(sz,
	    sizeof(sz), (double)b->size));
	while (left > 0) {
		for (i = 0; i < bufsize / sizeof(*buf); i++)
			buf[i] = bench_random(&seed);
		n = left < bufsize ? (size_t)left : bufsize;
		if (engine_write_all(b->src, (const char *)buf, n) == -1)
			err(1, CP_("error writing %s"), quote(b->src_path));
		left -= n;
	}
	free(buf);
	if (fdatasync(b->src) == -1 || fstat(b->src, sst) == -1)
		err(1, CP_("error writing %s"), quote(b->src_path));
}

/* The fs type named in /proc/self/mountinfo for dev, into buf.  0 or -1. */
static int
bench_mount_type(dev_t dev, char *buf, size_t len)
{
	FILE *f;
	char *line = NULL, *sep;
	size_t cap = 0;
	unsigned ma, mi;
	int rc = -1;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	while (rc == -1 && getline(&line, &cap, f) != -1)
		if (sscanf(line, "%*u %*u %u:%u", &ma, &mi) == 2 &&
		    ma == major(dev) && mi == minor(dev) &&
		    (sep = strstr(line, " - ")) != NULL &&
		    sscanf(sep + 3, "%31s", buf) == 1 && len > 31)
			rc = 0;
	free(line);
	(void)fclose(f);
	return rc;
}

static const struct {
	unsigned long	 magic;
	const char	*name;
} bench_fs_names[] = {
	{ 0x9123683e, "btrfs" },	{ 0x58465342, "xfs" },
	{ 0x01021994, "tmpfs" },	{ 0x858458f6, "ramfs" },
	{ 0xf2f52010, "f2fs" },		{ 0xca451a4e, "bcachefs" },
	{ 0x6969, "nfs" },		{ 0xfe534d42, "smb2" },
	{ 0xff534d42, "cifs" },		{ 0x794c7630, "overlay" },
	{ 0x65735546, "fuse" },		{ 0x2fc12fc1, "zfs" },
	{ 0x7461636f, "ocfs2" },	{ 0x00c36400, "ceph" },
	{ 0x01021997, "9p" },		{ 0x4d44, "vfat" },
	{ 0x2011bab0, "exfat" },	{ 0x5346544e, "ntfs" },
	{ 0x73717368, "squashfs" },	{ 0x3153464a, "jfs" },
	{ 0x52654973, "reiserfs" },	{ 0x9fa0, "proc" },
};

/* The filesystem type of path (statfs; ext2/3/4 share one magic, so
 * ask mountinfo), into buf. */
static void
bench_fs_name(const char *path, char *buf, size_t len)
{
	struct statfs sf;
	struct stat st;
	size_t i;

	if (statfs(path, &sf) == -1) {
		(void)snprintf(buf, len, "unknown");
		return;
	}
	for (i = 0; i < sizeof(bench_fs_names) / sizeof(bench_fs_names[0]);
	    i++)
		if ((unsigned long)sf.f_type == bench_fs_names[i].magic) {
			(void)snprintf(buf, len, "%s", bench_fs_names[i].name);
			return;
		}
	if (stat(path, &st) == 0 && bench_mount_type(st.st_dev, buf,
	    len) == 0)
		return;
	(void)snprintf(buf, len, (unsigned long)sf.f_type == 0xef53 ?
	    "ext2/3/4" : "0x%lx", (unsigned long)sf.f_type);
}

/* The engines that can send into a socket: the chain of auto there. */
#define BENCH_SOCKET_ENGINES	(ENGINE_BIT(ENGINE_SENDFILE) | \
	ENGINE_BIT(ENGINE_SPLICE) | ENGINE_BIT(ENGINE_RW))

const char *
bench_name(int id)
{
	return id == BENCH_CP ? "cp" : engine_name((enum engine_id)id);
}

/*
 * The contenders to time, in chain order, then auto, then cp.  By
 * default every engine, auto, and cp if PATH has one; with --to-socket,
 * the engines that can send into a socket, and auto.
 */
static void
bench_engines(struct bench *b)
{
	unsigned mask = b->opts->bench_engines;
	struct bench_eng *e;
	int i, id;

	if (mask == 0)
		mask = b->to_socket ? BENCH_SOCKET_ENGINES |
		    ENGINE_BIT(ENGINE_AUTO) : ENGINE_ALL |
		    ENGINE_BIT(ENGINE_AUTO) | OPTIONS_BENCH_CP;
	for (i = ENGINE_CLONE; i <= ENGINE_NUM + 1; i++) {
		id = i == ENGINE_NUM ? ENGINE_AUTO : i == ENGINE_NUM + 1 ?
		    BENCH_CP : i;
		if (!(mask & ENGINE_BIT(id)))
			continue;
		e = &b->eng[b->neng++];
		e->id = id;
		e->missing = id == BENCH_CP &&
		    bench_cp_find(b->cp, sizeof(b->cp)) == -1;
		if ((e->secs = calloc(b->opts->bench_runs,
		    sizeof(double))) == NULL)
			err(1, NULL);
	}
}

static const char *
bench_label(const struct bench_eng *e)
{
	return bench_name(e->id);
}

/* The percentage of fd's first len bytes in the page cache (mincore). */
static int
bench_resident(int fd, uint64_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	size_t pages, i, in = 0;
	void *p;

	if (page <= 0 || len == 0 || len > SIZE_MAX)
		return 0;
	pages = (size_t)((len + (uint64_t)page - 1) / (uint64_t)page);
	if ((vec = malloc(pages)) == NULL)
		err(1, NULL);
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED && mincore(p, (size_t)len, vec) == 0)
		for (i = 0; i < pages; i++)
			in += vec[i] & 1;
	if (p != MAP_FAILED)
		(void)munmap(p, (size_t)len);
	free(vec);
	return (int)((in * 100 + pages - 1) / pages);
}

/* --cold: the source out of the page cache (no root needed), and a
 * note of how much of it the kernel kept anyway. */
static void
bench_drop(struct bench *b)
{
	int pct;

	(void)fdatasync(b->src);
	(void)posix_fadvise(b->src, 0, 0, POSIX_FADV_DONTNEED);
	pct = bench_resident(b->src, b->size);
	if (pct > b->resident)
		b->resident = pct;
}

/* The bytes of the copy in fd against the source's, as cmp does. */
static void
bench_verify(const struct bench *b, const struct bench_eng *e, int fd)
{
	size_t bufsize = (size_t)1 << 20;
	char *s, *d;
	ssize_t ns, nd;
	uint64_t off = 0;
	size_t i;

	if ((s = malloc(bufsize)) == NULL || (d = malloc(bufsize)) == NULL)
		err(1, NULL);
	for (;;) {
		if ((ns = verify_pread(b->src, s, bufsize, off)) == -1)
			err(1, CP_("error reading %s"), quote(b->src_path));
		if ((nd = verify_pread(fd, d, bufsize, off)) == -1)
			err(1, CP_("error reading %s"), quote(bench_tmp[BENCH_DST]));
		if (ns != nd || memcmp(s, d, (size_t)ns) != 0)
			break;
		if (ns == 0)
			break;
		off += (uint64_t)ns;
	}
	if (ns != 0 || nd != 0) {
		for (i = 0; i < (size_t)(ns < nd ? ns : nd) && s[i] == d[i];
		    i++)
			;
		bench_status_clear();
		errx(1, _("%s: the copy differs from %s at byte %llu"),
		    bench_label(e), quote(b->src_path),
		    (unsigned long long)(off + i + 1));
	}
	free(s);
	free(d);
}

/*
 * --verify: the check zcp makes of each copy (verify.c), inside the
 * timed region.  Exits if the copy in fd differs or cannot be checked.
 */
static void
bench_check_copy(const struct bench *b, const struct bench_eng *e, int fd,
    const struct engine_result *res)
{
	struct verify_result r;
	struct verify_job j;
	struct stat st;

	if (!b->opts->verify)
		return;
	if (fstat(b->src, &st) == -1)
		err(1, CP_("cannot stat %s"), quote(b->src_path));
	memset(&j, 0, sizeof(j));
	j.src = b->src;
	j.dst = fd;
	j.sst = &st;
	j.dst_is_reg = true;
	j.synced = b->opts->fsync;
	j.shared = res == NULL || res->cloned || res->moved[ENGINE_CFR] > 0;
	j.bytes = b->size;
	if (verify_fds(&j, &r) == -1) {
		bench_status_clear();
		errno = r.err;
		err(1, _("%s: --verify: error reading %s"), bench_label(e),
		    quote(r.dst_err ? bench_tmp[BENCH_DST] : b->src_path));
	}
	if (r.state == VERIFY_OK)
		return;
	bench_status_clear();
	if (r.state == VERIFY_SKIPPED)
		errx(1, _("%s: --verify: cannot check the copy: %s"),
		    bench_label(e), nls_text(r.why));
	errx(1, _("%s: --verify: the copy differs from %s at byte %llu"),
	    bench_label(e), quote(b->src_path), (unsigned long long)r.at + 1);
}

/* An engine failed.  Returns if the kernel refused it on the first run
 * (e->refused says why); otherwise exits with the error. */
static void
bench_failed(struct bench *b, struct bench_eng *e,
    const struct engine_result *res, bool first)
{
	int e_err = res->err;

	if (first && e->id != ENGINE_AUTO && res->moved[e->id] == 0 &&
	    (engine_fallback_ok(e_err) || e_err == ENODATA)) {
		e->refused = e_err;
		return;
	}
	bench_status_clear();
	errno = e_err;
	if (res->write_failed && b->to_socket)
		err(1, _("%s: error sending %s"), bench_label(e),
		    quote(b->src_path));
	if (res->write_failed)
		err(1, _("%s: error writing %s"), bench_label(e),
		    quote(bench_tmp[BENCH_DST]));
	err(1, _("%s: error copying %s"), bench_label(e), quote(b->src_path));
}

static void
bench_job(const struct bench *b, const struct bench_eng *e, int fd,
    struct engine_job *job)
{
	memset(job, 0, sizeof(*job));
	job->src = b->src;
	job->dst = fd;
	job->engines = e->id != ENGINE_AUTO ? ENGINE_BIT(e->id) :
	    b->to_socket ? BENCH_SOCKET_ENGINES : ENGINE_ALL;
	job->strict = e->id != ENGINE_AUTO;
	job->dst_is_reg = !b->to_socket;
	job->src_is_reg = true;
	job->src_size = b->size;
	job->walk_holes = b->sparse && !b->to_socket;
	job->blksize = b->blksize;
	job->buf = (struct engine_buf *)&b->buf;
	job->sync_every = b->opts->fsync ? ENGINE_SYNC_EVERY : 0;
}

/*
 * Copies the source once with e into a new temporary file, and removes
 * it.  The first run also checks the bytes.  Returns the seconds, or -1
 * if the kernel refused the engine.  Exits on any other failure.
 */
static double
bench_copy_file(struct bench *b, struct bench_eng *e, bool first)
{
	struct engine_result res;
	struct engine_job job;
	double t0, t;
	int fd, rc;

	fd = bench_tmp_open(b->dir, BENCH_DST);
	if (b->opts->bench_cold)
		bench_drop(b);
	if (lseek(b->src, 0, SEEK_SET) == -1)
		err(1, _("cannot seek in %s"), quote(b->src_path));
	bench_job(b, e, fd, &job);
	t0 = units_now();
	rc = engine_copy(&job, &res);
	if (rc == 0 && b->opts->fsync && fsync(fd) == -1) {
		res.err = errno;
		res.write_failed = true;
		rc = -1;
	}
	if (rc == 0)
		bench_check_copy(b, e, fd, &res);
	t = units_now() - t0;
	if (rc == -1)
		bench_failed(b, e, &res, first);
	else if (first) {
		e->used = res.cloned ? ENGINE_CLONE : res.engine;
		e->cloned = res.cloned || engine_shared(fd) == 1;
		bench_verify(b, e, fd);
	}
	bench_tmp_remove(fd, BENCH_DST);
	return rc == 0 ? t : -1;
}

/* Waits for the cp whose pid is bench_child.  Returns its wait status. */
static int
bench_cp_wait(pid_t pid)
{
	sigset_t all, old;
	siginfo_t si;
	int st = 0;

	/* Not reaped yet: the pid stays cp's while a signal may come. */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == -1)
		if (errno != EINTR)
			err(1, _("cannot wait for cp"));
	(void)sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	(void)waitpid(pid, &st, 0);
	bench_child = 0;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}

/* Says how cp ended if it failed, and exits. */
static void
bench_cp_failed(const struct bench *b, int st)
{
	bench_status_clear();
	if (WIFEXITED(st))
		errx(1, _("cp: %s exited with status %d copying %s"), b->cp,
		    WEXITSTATUS(st), quote(b->src_path));
	errx(1, _("cp: %s was killed by signal %d (%s) copying %s"), b->cp,
	    WTERMSIG(st), strsignal(WTERMSIG(st)), quote(b->src_path));
}

/*
 * Runs "cp SOURCE COPY" once, the copy a new temporary file, and removes
 * the copy.  Its time is the command's, from starting it until it has
 * exited (and with --fsync until the copy is flushed).  The first run
 * also checks the bytes.  Returns the seconds.  Exits on failure.
 */
static double
bench_copy_cp(struct bench *b, struct bench_eng *e, bool first)
{
	const char *path = bench_tmp[BENCH_DST];
	sigset_t all, old;
	double t0, t;
	pid_t pid;
	int fd, rfd = -1, st;

	fd = bench_tmp_open(b->dir, BENCH_DST);
	if (b->opts->bench_cold)
		bench_drop(b);
	(void)sigfillset(&all);
	t0 = units_now();
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = bench_cp_spawn(b->cp, b->src_path, path, &old)) > 0)
		bench_child = pid;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		bench_status_clear();
		err(1, _("cannot run %s"), quote(b->cp));
	}
	if ((st = bench_cp_wait(pid)) == 0 && b->opts->fsync &&
	    ((rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fsync(rfd) == -1))
		err(1, _("cp: cannot flush %s"), quote(path));
	/* --verify: cp's copy gets zcp's check, timed with it. */
	if (st == 0 && b->opts->verify) {
		if (rfd == -1 && (rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			err(1, _("cp: cannot open %s"), quote(path));
		bench_check_copy(b, e, rfd, NULL);
	}
	t = units_now() - t0;
	if (st != 0)
		bench_cp_failed(b, st);
	/* cp may have made a new file at the name: read what is there. */
	if (rfd == -1 && (rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, _("cp: cannot open %s"), quote(path));
	if (first) {
		e->used = ENGINE_AUTO;
		e->cloned = engine_shared(rfd) == 1;
		bench_verify(b, e, rfd);
	}
	(void)close(rfd);
	bench_tmp_remove(fd, BENCH_DST);
	return t;
}

/* What the reader at the other end of the socket found, if wrong. */
static void
bench_socket_verdict(const struct bench *b, const struct bench_eng *e)
{
	const struct bench_sock *s = &b->sock;

	if (s->err != 0) {
		bench_status_clear();
		errno = s->err;
		err(1, _("%s: the reader of the socket failed"), bench_label(e));
	}
	if (s->differs == 0 && s->received == b->size)
		return;
	bench_status_clear();
	if (s->differs != 0 && s->differs <= b->size)
		errx(1, _("%s: the bytes the reader received differ from %s "
		    "at byte %llu"), bench_label(e), quote(b->src_path),
		    (unsigned long long)s->differs);
	errx(1, _("%s: the reader received %llu bytes of %s, not %llu"),
	    bench_label(e), (unsigned long long)s->received,
	    quote(b->src_path), (unsigned long long)b->size);
}

/*
 * Sends the source once with e into a new loopback TCP connection.  The
 * time ends when the reader has received the last byte.  Returns the
 * seconds, or -1 if the kernel refused the engine.  Exits on any other
 * failure, and if the reader did not receive the source's bytes (all of
 * them compared in the first run, counted in the others).
 */
static double
bench_copy_socket(struct bench *b, struct bench_eng *e, bool first)
{
	struct engine_result res;
	struct engine_job job;
	double t0, t;
	int fd, rc, end;

	if ((fd = bench_socket_connect(&b->sock, first)) == -1)
		err(1, _("cannot connect to the reader on the loopback"));
	if (b->opts->bench_cold)
		bench_drop(b);
	if (lseek(b->src, 0, SEEK_SET) == -1)
		err(1, _("cannot seek in %s"), quote(b->src_path));
	bench_job(b, e, fd, &job);
	t0 = units_now();
	rc = engine_copy(&job, &res);
	end = bench_socket_end(&b->sock);
	t = units_now() - t0;
	if (end == -1 && rc == 0) {
		res.err = errno;
		res.write_failed = true;
		rc = -1;
	}
	bench_socket_join(&b->sock);
	if (rc == -1) {
		bench_failed(b, e, &res, first);
		return -1;
	}
	if (first) {
		e->used = res.engine;
		e->cloned = false;
	}
	bench_socket_verdict(b, e);
	return t;
}

/* One run of e: see the three functions above. */
static double
bench_copy(struct bench *b, struct bench_eng *e, bool first)
{
	if (e->id == BENCH_CP)
		return bench_copy_cp(b, e, first);
	if (b->to_socket)
		return bench_copy_socket(b, e, first);
	return bench_copy_file(b, e, first);
}

/* The warm-up round, then the timed rounds, interleaved. */
static void
bench_rounds(struct bench *b)
{
	unsigned runs = b->opts->bench_runs, r;
	struct bench_eng *e;
	int i;

	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (e->missing) {
			b->failed |= b->opts->bench_engines != 0;
			continue;
		}
		bench_status(b, _("warm-up, %s"), bench_label(e));
		if (bench_copy(b, e, true) < 0 && b->opts->bench_engines != 0)
			b->failed = true;
	}
	for (r = 0; r < runs; r++)
		for (i = 0; i < b->neng; i++) {
			e = &b->eng[i];
			if (e->refused || e->missing)
				continue;
			bench_status(b, _("run %u of %u, %s"), r + 1, runs,
			    bench_label(e));
			e->secs[e->nruns++] = bench_copy(b, e, false);
		}
	bench_status_clear();
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

bool
bench_ran(const struct bench_eng *e)
{
	return !e->refused && !e->missing && e->nruns > 0;
}

/* Orders contenders fastest first (by median), those that did not run
 * last. */
static int
bench_cmp_eng(const void *a, const void *b)
{
	const struct bench_eng *x = a, *y = b;

	if (bench_ran(x) != bench_ran(y))
		return bench_ran(x) ? -1 : 1;
	if (!bench_ran(x))
		return (int)x->id - (int)y->id;
	if (x->median != y->median)
		return x->median < y->median ? -1 : 1;
	return (int)x->id - (int)y->id;
}

bool
bench_overlap(const struct bench_eng *a, const struct bench_eng *b)
{
	return (a->median >= b->min && a->median <= b->max) ||
	    (b->median >= a->min && b->median <= a->max);
}

/* The way of copying e stands for: auto is the engine it ended with. */
static int
bench_method(const struct bench_eng *e)
{
	return e->id == ENGINE_AUTO ? (int)(e->cloned ? ENGINE_CLONE :
	    e->used) : e->id;
}

/*
 * Marks the contenders whose runs overlap the fastest one's (their order
 * may be noise), and says whether the fastest is clear of every other
 * way of copying (auto is the same way as the engine it ended with).
 */
static void
bench_ties(struct bench *b)
{
	struct bench_eng *f = &b->eng[0], *e;
	int i;

	b->clear = bench_ran(f);
	for (i = 0; i < b->neng && bench_ran(&b->eng[i]); i++) {
		e = &b->eng[i];
		e->tie = e == f || bench_overlap(f, e);
		if (e->tie && bench_method(e) != bench_method(f))
			b->clear = false;
	}
}

static void
bench_summarize(struct bench *b)
{
	struct bench_eng *e;
	double *s;
	unsigned n;
	int i;

	for (i = 0; i < b->neng; i++) {
		e = &b->eng[i];
		if (!bench_ran(e))
			continue;
		n = e->nruns;
		if ((s = malloc(n * sizeof(*s))) == NULL)
			err(1, NULL);
		memcpy(s, e->secs, n * sizeof(*s));
		qsort(s, n, sizeof(*s), bench_cmp_double);
		e->min = s[0];
		e->max = s[n - 1];
		e->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		e->spread = e->median > 0 ? (e->max - e->min) / e->median *
		    100 : 0;
		free(s);
	}
	qsort(b->eng, (size_t)b->neng, sizeof(b->eng[0]), bench_cmp_eng);
	bench_ties(b);
}

/* Opens SOURCE, or makes one, and notes what the header shows. */
static void
bench_setup(struct bench *b, struct stat *sst)
{
	struct utsname u;

	if (b->opts->bench_size)
		bench_make_source(b, sst);
	else if ((b->src = open(b->src_path, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		err(1, CP_("cannot open %s for reading"), quote(b->src_path));
	else if (fstat(b->src, sst) == -1)
		err(1, CP_("cannot stat %s"), quote(b->src_path));
	b->size = (uint64_t)sst->st_size;
	b->sparse = (uint64_t)sst->st_blocks * 512 < (uint64_t)sst->st_size;
	b->blksize = (size_t)sst->st_blksize;
	bench_fs_name(b->src_path, b->src_fs, sizeof(b->src_fs));
	if (!b->to_socket)
		bench_fs_name(b->dir, b->dst_fs, sizeof(b->dst_fs));
	else if (bench_socket_listen(&b->sock, b->src) == -1)
		err(1, _("cannot listen on the loopback"));
	if (uname(&u) == 0)
		(void)snprintf(b->kernel, sizeof(b->kernel), "%s %s",
		    u.sysname, u.release);
	else
		(void)snprintf(b->kernel, sizeof(b->kernel), "unknown");
}

int
bench_run(const struct options *o, int n, char **files)
{
	struct bench b;
	struct stat sst;
	int i;

	memset(&b, 0, sizeof(b));
	b.opts = o;
	b.to_socket = o->bench_socket;
	b.sock.listen = -1;
	b.resident = o->bench_cold ? 0 : -1;
	b.src = -1;
	bench_operands(&b, n, files);
	bench_check(&b, &sst);
	bench_catch();
	bench_setup(&b, &sst);
	bench_engines(&b);
	bench_rounds(&b);
	bench_summarize(&b);
	bench_socket_close(&b.sock);
	(void)close(b.src);
	if (b.made && bench_live[BENCH_SRC]) {
		bench_live[BENCH_SRC] = 0;
		if (unlink(bench_tmp[BENCH_SRC]) == -1)
			warn(CP_("cannot remove %s"), quote(bench_tmp[BENCH_SRC]));
	}
	bench_print(&b);
	for (i = 0; i < b.neng; i++) {
		if (b.eng[i].refused && o->bench_engines != 0) {
			(void)fflush(stdout);
			errno = b.eng[i].refused;
			warn(_("%s: refused by the kernel here"),
			    bench_name(b.eng[i].id));
		}
		if (b.eng[i].missing && o->bench_engines != 0) {
			(void)fflush(stdout);
			warnx(_("cp: not found in PATH"));
		}
		free(b.eng[i].secs);
	}
	engine_buf_free(&b.buf);
	/* A write error on stdout is reported at exit (closeout.c). */
	return b.failed;
}
