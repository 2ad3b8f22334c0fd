/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/cp.c: the system's cp as a --bench contender, so that one command
 * answers "is zcp faster than cp here?".  cp is looked up in PATH as a
 * shell looks it up, and run as a user runs it, a process of its own
 * (posix_spawn(3), then waitpid(2) in tmp.c): its times include
 * starting and ending that process, which zcp's own engines do not pay.
 * The contenders of a tree are commands too (zcp itself, cp -r), run the
 * same way with their output kept apart.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/cp.h"

extern char **environ;

/* True if dir/cp (len bytes of dir) is an executable file; then in buf. */
static bool
bench_cp_try(const char *dir, size_t len, char *buf, size_t size)
{
	struct stat st;
	int n;

	if (len == 0)
		n = snprintf(buf, size, "./cp");	/* "" is the cwd */
	else
		n = snprintf(buf, size, "%.*s/cp", (int)len, dir);
	return n > 0 && (size_t)n < size && stat(buf, &st) == 0 &&
	    S_ISREG(st.st_mode) && access(buf, X_OK) == 0;
}

int
bench_cp_find(char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *colon;
	char def[PATH_MAX];

	if (path == NULL) {
		/* As execvp(3): the system's default search path. */
		if (confstr(_CS_PATH, def, sizeof(def)) == 0)
			return -1;
		path = def;
	}
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		if (bench_cp_try(p, colon != NULL ? (size_t)(colon - p) :
		    strlen(p), buf, size))
			return 0;
		if (colon == NULL)
			break;
	}
	buf[0] = '\0';
	return -1;
}

pid_t
bench_cp_command(const char *path, char *const argv[], const sigset_t *mask,
    int errfd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int e;

	if ((e = posix_spawnattr_init(&attr)) != 0) {
		errno = e;
		return -1;
	}
	if ((e = posix_spawn_file_actions_init(&fa)) != 0) {
		(void)posix_spawnattr_destroy(&attr);
		errno = e;
		return -1;
	}
	e = posix_spawnattr_setsigmask(&attr, mask);
	if (e == 0)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (e == 0 && errfd != -1)
		e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
		    "/dev/null", O_RDONLY, 0);
	if (e == 0 && errfd != -1)
		e = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
		    "/dev/null", O_WRONLY, 0);
	if (e == 0 && errfd != -1)
		e = posix_spawn_file_actions_adddup2(&fa, errfd,
		    STDERR_FILENO);
	if (e == 0)
		e = posix_spawn(&pid, path, &fa, &attr, argv, environ);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return pid;
}

pid_t
bench_cp_spawn(const char *cp, const char *src, const char *dst,
    const sigset_t *mask)
{
	char *argv[] = { "cp", "--", (char *)src, (char *)dst, NULL };

	return bench_cp_command(cp, argv, mask, -1);
}
