/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/setup.c: what a benchmark is set up with.  DIRECTORY checked;
 * the source opened, or made of random bytes; the file system types of
 * the source and DIRECTORY, which statfs(2) names (mountinfo for the
 * ext family, which shares one magic) and the kernel's release; the
 * contenders, each with room for its runs.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/cp.h"
#include "bench/setup.h"
#include "bench/socket.h"
#include "bench/status.h"
#include "bench/tmp.h"
#include "nls.h"
#include "quote.h"
#include "units.h"

uint64_t
bench_setup_dir(const char *dir)
{
	struct statvfs vfs;
	struct stat st;

	if (stat(dir, &st) == -1)
		err(1, CP_("cannot stat %s"), quote(dir));
	if (!S_ISDIR(st.st_mode))
		errx(1, _("cannot copy into %s: %s"), quote(dir),
		    strerror(ENOTDIR));
	if (access(dir, W_OK | X_OK) == -1)
		err(1, _("cannot write in %s"), quote(dir));
	if (statvfs(dir, &vfs) == -1)
		err(1, _("cannot get the free space of %s"), quote(dir));
	/* Sizes never wrap to small ones. */
	return vfs.f_frsize != 0 && vfs.f_bavail > UINT64_MAX /
	    vfs.f_frsize ? UINT64_MAX : (uint64_t)vfs.f_bavail * vfs.f_frsize;
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

/* A source of random bytes in DIRECTORY (--bench-size, --sweep), flushed
 * to disk so that its writeback does not disturb the runs. */
static void
bench_make_source(struct bench *b, struct stat *sst)
{
	uint64_t *buf, seed, left = b->size;
	size_t bufsize = (size_t)1 << 20, i, n;
	char sz[32];

	b->src = bench_tmp_open(b->dir, BENCH_SRC);
	b->src_path = bench_tmp_path(BENCH_SRC);
	b->made = true;
	if ((buf = malloc(bufsize)) == NULL)
		err(1, NULL);
	seed = (uint64_t)(units_now() * 1e9) ^ ((uint64_t)getpid() << 32);
	bench_status(_("making a random %s source"), units_size(sz, sizeof(sz),
	    (double)b->size));
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
	{ .magic = 0x9123683e, .name = "btrfs" },
	{ .magic = 0x58465342, .name = "xfs" },
	{ .magic = 0x01021994, .name = "tmpfs" },
	{ .magic = 0x858458f6, .name = "ramfs" },
	{ .magic = 0xf2f52010, .name = "f2fs" },
	{ .magic = 0xca451a4e, .name = "bcachefs" },
	{ .magic = 0x6969, .name = "nfs" },
	{ .magic = 0xfe534d42, .name = "smb2" },
	{ .magic = 0xff534d42, .name = "cifs" },
	{ .magic = 0x794c7630, .name = "overlay" },
	{ .magic = 0x65735546, .name = "fuse" },
	{ .magic = 0x2fc12fc1, .name = "zfs" },
	{ .magic = 0x7461636f, .name = "ocfs2" },
	{ .magic = 0x00c36400, .name = "ceph" },
	{ .magic = 0x01021997, .name = "9p" },
	{ .magic = 0x4d44, .name = "vfat" },
	{ .magic = 0x2011bab0, .name = "exfat" },
	{ .magic = 0x5346544e, .name = "ntfs" },
	{ .magic = 0x73717368, .name = "squashfs" },
	{ .magic = 0x3153464a, .name = "jfs" },
	{ .magic = 0x52654973, .name = "reiserfs" },
	{ .magic = 0x9fa0, .name = "proc" },
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

/*
 * By default every engine, auto, and cp if PATH has one; with
 * --to-socket, the engines that can send into a socket, and auto.
 */
void
bench_setup_contenders(struct bench *b, unsigned mask, unsigned runs)
{
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
		if ((e->secs = calloc(runs, sizeof(double))) == NULL)
			err(1, NULL);
	}
}

/* Opens SOURCE, or makes one, and notes what the header shows. */
void
bench_setup(struct bench *b, struct stat *sst)
{
	struct utsname u;

	if (b->src_path == NULL)
		bench_make_source(b, sst);
	else if ((b->src = open(b->src_path, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		err(1, CP_("cannot open %s for reading"), quote(b->src_path));
	else if (fstat(b->src, sst) == -1)
		err(1, CP_("cannot stat %s"), quote(b->src_path));
	if (!b->tree) {		/* a tree's size is its files' */
		b->size = (uint64_t)sst->st_size;
		b->sparse = (uint64_t)sst->st_blocks * 512 <
		    (uint64_t)sst->st_size;
		b->blksize = (size_t)sst->st_blksize;
	}
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

