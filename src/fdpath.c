/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fdpath.c: destinations that name a descriptor zcp already holds.
 *
 * /dev/stdout is a link to /proc/self/fd/1, and opening that opens the
 * file behind descriptor 1 again: a new open of a regular file, a tty or
 * a pipe works, but a socket cannot be opened by name (ENXIO), which is
 * why cp cannot copy into /dev/stdout under inetd, socket activation or
 * ssh.  For a socket, file.c writes through a duplicate of the
 * descriptor instead.  Only the names the kernel gives to descriptors are
 * recognised, by their spelling (no system call for any other name), and
 * only when the name and the descriptor are the same socket.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdpath.h"

/* The decimal number s is made of, or -1 (empty, other characters). */
static int
fdpath_digits(const char *s)
{
	long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > INT_MAX)
			return -1;
	}
	return (int)n;
}

/* The part of name after prefix, or NULL if name does not start so. */
static const char *
fdpath_after(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) == 0 ? name + n : NULL;
}

int
fdpath_number(const char *name)
{
	static const char *const std[] = {
		"/dev/stdin", "/dev/stdout", "/dev/stderr"
	};
	const char *p;
	char *end;
	long pid;
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(name, std[i]) == 0)
			return i;
	if ((p = fdpath_after(name, "/dev/fd/")) != NULL)
		return fdpath_digits(p);
	if ((p = fdpath_after(name, "/proc/")) == NULL)
		return -1;
	if (fdpath_after(p, "self/") != NULL)
		p += 5;
	else if (fdpath_after(p, "thread-self/") != NULL)
		p += 12;
	else {
		pid = strtol(p, &end, 10);
		if (end == p || *end != '/' || pid != (long)getpid())
			return -1;
		p = end + 1;
	}
	if ((p = fdpath_after(p, "fd/")) == NULL)
		return -1;
	return fdpath_digits(p);
}

int
fdpath_socket(int dirfd, const char *name, struct stat *st)
{
	struct stat named;
	int fd = fdpath_number(name), held;

	if (fd == -1 || fstat(fd, st) == -1 || !S_ISSOCK(st->st_mode) ||
	    fstatat(dirfd, name, &named, 0) == -1 ||
	    named.st_dev != st->st_dev || named.st_ino != st->st_ino) {
		errno = 0;
		return -1;
	}
	if ((held = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	return held;
}
