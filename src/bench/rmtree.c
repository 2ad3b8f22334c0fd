/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/rmtree.c: rm -rf of the copies of a tree (zcp --bench DIR), with
 * async-signal-safe calls only (openat, getdents64, unlinkat, close), so
 * that the handler of a signal that ends zcp can remove them too.
 * Directories are read again from their start after each batch of
 * removals, since removing while reading may skip entries.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/rmtree.h"

/* The start of what getdents64(2) returns for each entry. */
struct bench_dirent {
	uint64_t	 ino;
	int64_t		 off;
	unsigned short	 reclen;
	unsigned char	 type;
	char		 name[];
};

/* Removes the entries of the directory fd, recursing into directories.
 * Returns 0, or -1 with errno. */
static int
bench_rmtree_in(int fd)
{
	char buf[4096] __attribute__((aligned(8)));
	struct bench_dirent *d;
	bool removed;
	long n, i;

	do {
		removed = false;
		if (lseek(fd, 0, SEEK_SET) == -1)
			return -1;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (i = 0; i < n; i += d->reclen) {
				d = (struct bench_dirent *)(void *)(buf + i);
				if (strcmp(d->name, ".") == 0 ||
				    strcmp(d->name, "..") == 0)
					continue;
				if (bench_rmtree(fd, d->name) == -1)
					return -1;
				removed = true;
			}
		if (n == -1)
			return -1;
	} while (removed);
	return 0;
}

int
bench_rmtree(int dirfd, const char *name)
{
	int fd, rc, e;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	rc = bench_rmtree_in(fd);
	e = errno;
	(void)close(fd);
	if (rc == -1) {
		errno = e;
		return -1;
	}
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return -1;
	return 0;
}
