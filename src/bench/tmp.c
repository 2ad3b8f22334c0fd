/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/tmp.c: the temporary files of zcp --bench (the made-up source,
 * the copy of the run in progress) and the system's cp while it writes
 * one, and the directory of a tree's copies with the command writing
 * there.  Each file is created and noted with every signal blocked, so the
 * handler knows exactly which exist: a signal that ends the process ends
 * cp first, then removes them, and so does exit().
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/cp.h"
#include "bench/rmtree.h"
#include "bench/status.h"
#include "bench/tmp.h"
#include "nls.h"
#include "quote.h"

static char			bench_tmp[2][PATH_MAX];
static volatile sig_atomic_t	bench_live[2];
/* The cp that is running (its pid), or 0: killed before the cleanup. */
static volatile sig_atomic_t	bench_child;
/* The directory of a tree's copies, while it exists. */
static char			bench_dir[PATH_MAX];
static volatile sig_atomic_t	bench_dir_live;

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
	if (bench_dir_live) {
		bench_dir_live = 0;
		(void)bench_rmtree(AT_FDCWD, bench_dir);
	}
}

static void
bench_on_signal(int sig)
{
	int e = errno;

	if (sig == SIGUSR1) {
		bench_status_show();
		return;
	}
	bench_cleanup();
	bench_status_erase();
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
	errno = e;
}

void
bench_tmp_catch(void)
{
	struct sigaction sa = { .sa_handler = bench_on_signal }, old;
	size_t i;

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

int
bench_tmp_open(const char *dir, enum bench_slot slot)
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

const char *
bench_tmp_path(enum bench_slot slot)
{
	return bench_tmp[slot];
}

void
bench_tmp_remove(int fd, enum bench_slot slot)
{
	if (close(fd) == -1)
		err(1, CP_("failed to close %s"), quote(bench_tmp[slot]));
	bench_live[slot] = 0;
	if (unlink(bench_tmp[slot]) == -1)
		err(1, CP_("cannot remove %s"), quote(bench_tmp[slot]));
}

int
bench_tmp_forget(enum bench_slot slot)
{
	if (!bench_live[slot])
		return 0;
	bench_live[slot] = 0;
	return unlink(bench_tmp[slot]);
}

char *
bench_tmp_mkdir(const char *dir)
{
	sigset_t all, old;
	char *p;
	int n, e;

	(void)sigfillset(&all);
	n = snprintf(bench_dir, sizeof(bench_dir), "%s/.zcp-bench.XXXXXX",
	    dir);
	if (n < 0 || (size_t)n >= sizeof(bench_dir)) {
		errno = ENAMETOOLONG;
		err(1, _("cannot create a directory in %s"), quote(dir));
	}
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	p = mkdtemp(bench_dir);
	e = errno;
	bench_dir_live = p != NULL;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (p == NULL) {
		errno = e;
		err(1, _("cannot create a directory in %s"), quote(dir));
	}
	if ((p = strdup(bench_dir)) == NULL)
		err(1, NULL);
	return p;
}

int
bench_tmp_rmdir(void)
{
	int rc;

	if (!bench_dir_live)
		return 0;
	/* Noted until it is gone: a signal meanwhile finishes the job. */
	rc = bench_rmtree(AT_FDCWD, bench_dir);
	bench_dir_live = 0;
	return rc;
}

pid_t
bench_tmp_command(const char *path, char *const argv[], int errfd)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	(void)sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = bench_cp_command(path, argv, &old, errfd)) > 0)
		bench_child = pid;
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}

pid_t
bench_tmp_cp_start(const char *cp, const char *src, const char *dst)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	(void)sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = bench_cp_spawn(cp, src, dst, &old)) > 0)
		bench_child = pid;
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}

int
bench_tmp_cp_wait(pid_t pid)
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
