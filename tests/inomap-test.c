/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inomap-test.c: drives src/inomap.c and the tables built on it
 * (links.c, inoset.c, created.c, alias.c) for tests/inomap.bats.
 *
 *   inomap-test grow N [L]  N nodes in, half out, the rest found (with
 *                           the shim: allocations of L bytes or more
 *                           refused meanwhile); prints the chains
 *   inomap-test collide     keys that differ in the device only, and
 *                           nodes that share a key, through doublings
 *   inomap-test shim        exit 0 if the shim of inomap.bats is there
 *   inomap-test enomem      each table fails an addition with ENOMEM
 *                           when memory is refused, and works after
 *
 * Prints what went wrong and exits 1; exits 0 when all held.  With the
 * shim of inomap.bats preloaded, while the shim's variable
 * inomap_test_fail is N > 0, every allocation of N bytes or more fails
 * (ENOMEM).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "created.h"
#include "inomap.h"
#include "inoset.h"
#include "links.h"

/* Set by the shim of inomap.bats, if preloaded. */
extern int inomap_test_fail __attribute__((weak));

struct item {
	struct inomap_node node;
	unsigned	 id;
	bool		 in;
	unsigned	 dropped;
};

static int failures;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		failures++;						\
	}								\
} while (0)

static struct item *
item_of(struct inomap_node *n)
{
	return n == NULL ? NULL : INOMAP_ENTRY(n, struct item, node);
}

static void
item_drop(struct inomap_node *n)
{
	item_of(n)->dropped++;
}

/* Keys of item i: three devices, inodes that collide across them. */
static dev_t
key_dev(unsigned i)
{
	return (dev_t)(i % 3) * 0x10001;
}

static ino_t
key_ino(unsigned i)
{
	return (ino_t)(i / 3) * 4096 + 2;
}

/* (volatile: the compiler takes malloc() for one that reads no global.) */
static void
fail(int limit)
{
	*(volatile int *)&inomap_test_fail = limit;
}

static void
test_grow(unsigned n, int limit)
{
	struct inomap m = { 0 };
	struct item *it;
	unsigned i;
	size_t nslot;

	if ((it = calloc(n, sizeof(*it))) == NULL)
		exit(2);
	if (limit > 0)
		fail(limit);
	for (i = 0; i < n; i++) {
		it[i].id = i;
		it[i].in = true;
		inomap_add(&m, &it[i].node, key_dev(i), key_ino(i));
	}
	CHECK(m.count == n);
	for (i = 0; i < n; i += 2) {
		inomap_remove(&m, &it[i].node);
		it[i].in = false;
	}
	CHECK(m.count == n / 2);
	for (i = 0; i < n; i++) {
		struct item *f = item_of(inomap_find(&m, key_dev(i),
		    key_ino(i)));

		CHECK(it[i].in ? f == &it[i] : f == NULL);
		CHECK(f == NULL || inomap_find_next(&f->node) == NULL);
	}
	CHECK(inomap_find(&m, 7, 3) == NULL);
	nslot = m.nslot;
	inomap_free(&m, item_drop);
	if (limit > 0)
		fail(0);
	printf("%zu chains\n", nslot);
	for (i = 0; i < n; i++)
		CHECK(it[i].dropped == (it[i].in ? 1u : 0u));
	CHECK(m.slot == NULL && m.count == 0 && m.nslot == 0);
	free(it);
}

static void
test_collide(void)
{
	struct inomap m = { 0 };
	static struct item a, b, c, d, more[1000];
	struct inomap_node *n;
	unsigned i;

	/* One inode on two devices, one device with two inodes. */
	inomap_add(&m, &a.node, 1, 42);
	inomap_add(&m, &b.node, 2, 42);
	inomap_add(&m, &c.node, 1, 43);
	CHECK(item_of(inomap_find(&m, 1, 42)) == &a);
	CHECK(item_of(inomap_find(&m, 2, 42)) == &b);
	CHECK(item_of(inomap_find(&m, 1, 43)) == &c);
	CHECK(inomap_find(&m, 3, 42) == NULL);
	/* Two nodes under one key: the last added first, through the
	 * doublings that 1,000 more nodes make. */
	inomap_add(&m, &d.node, 1, 42);
	for (i = 0; i < 1000; i++) {
		inomap_add(&m, &more[i].node, 5, i);
		n = inomap_find(&m, 1, 42);
		CHECK(item_of(n) == &d && item_of(inomap_find_next(n)) == &a);
	}
	CHECK(m.nslot >= 1000);
	n = inomap_find(&m, 1, 42);
	CHECK(item_of(n) == &d);
	CHECK(item_of(inomap_find_next(n)) == &a);
	CHECK(inomap_find_next(&a.node) == NULL);
	inomap_remove(&m, &d.node);
	CHECK(item_of(inomap_find(&m, 1, 42)) == &a);
	CHECK(inomap_find_next(&a.node) == NULL);
	CHECK(item_of(inomap_find(&m, 2, 42)) == &b);
	for (i = 0; i < 1000; i++)
		CHECK(item_of(inomap_find(&m, 5, i)) == &more[i]);
	CHECK(m.count == 1003);
	inomap_free(&m, NULL);
}

static void
test_links(void)
{
	struct links *l;
	char *found;

	fail(1);
	errno = 0;
	CHECK(links_new() == NULL && errno == ENOMEM);
	fail(0);
	if ((l = links_new()) == NULL)
		exit(2);
	CHECK(links_find_or_add(l, 1, 10, "first", &found) == 0);
	links_done(l, 1, 10, true);
	fail(1);
	/* Neither recorded nor found (the path is copied out): ENOMEM. */
	errno = 0;
	CHECK(links_find_or_add(l, 1, 11, "other", &found) == -1 &&
	    errno == ENOMEM && found == NULL);
	errno = 0;
	CHECK(links_find_or_add(l, 1, 10, "second", &found) == -1 &&
	    errno == ENOMEM && found == NULL);
	fail(0);
	CHECK(links_find_or_add(l, 1, 10, "second", &found) == 1 &&
	    found != NULL && strcmp(found, "first") == 0);
	free(found);
	CHECK(links_find_or_add(l, 1, 11, "other", &found) == 0);
	links_done(l, 1, 11, false);	/* forgotten: the next one is first */
	CHECK(links_find_or_add(l, 1, 11, "third", &found) == 0);
	links_done(l, 1, 11, true);
	CHECK(links_find_or_add(l, 1, 11, "x", &found) == 1 &&
	    strcmp(found, "third") == 0);
	free(found);
	links_free(l);
}

static void
test_inoset(void)
{
	struct inoset *s;

	fail(1);
	errno = 0;
	CHECK(inoset_new() == NULL && errno == ENOMEM);
	fail(0);
	if ((s = inoset_new()) == NULL)
		exit(2);
	CHECK(inoset_add(s, 1, 10) == 0);
	fail(1);
	errno = 0;
	CHECK(inoset_add(s, 1, 11) == -1 && errno == ENOMEM);
	CHECK(inoset_add(s, 1, 10) == 0);	/* there: nothing to allocate */
	fail(0);
	CHECK(inoset_has(s, 1, 10) && !inoset_has(s, 1, 11));
	CHECK(inoset_add(s, 1, 11) == 0 && inoset_has(s, 1, 11));
	CHECK(!inoset_has(s, 2, 11));
	inoset_free(s);
}

static void
test_created(void)
{
	struct created *c;
	bool other;

	fail(1);
	errno = 0;
	CHECK(created_new() == NULL && errno == ENOMEM);
	fail(0);
	if ((c = created_new()) == NULL)
		exit(2);
	CHECK(created_add(c, 1, 10, AT_FDCWD, "a") == 0);
	fail(1);
	errno = 0;
	CHECK(created_add_label(c, 1, 10, AT_FDCWD, "b", "B") == -1 &&
	    errno == ENOMEM);
	fail(0);
	CHECK(created_find(c, 1, 10, AT_FDCWD, "./a", &other) == 1);
	CHECK(created_find(c, 1, 10, AT_FDCWD, "b", &other) == 0 && other);
	CHECK(created_label(c, 1, 10) == NULL);
	CHECK(created_add_label(c, 1, 10, AT_FDCWD, "b", "B") == 0);
	CHECK(created_find(c, 1, 10, AT_FDCWD, "b", &other) == 1);
	CHECK(created_label(c, 1, 10) != NULL &&
	    strcmp(created_label(c, 1, 10), "B") == 0);
	created_forget(c, 1, 10, AT_FDCWD, "a");
	CHECK(created_find(c, 1, 10, AT_FDCWD, "a", &other) == 0 && other);
	CHECK(created_find(c, 2, 10, AT_FDCWD, "b", &other) == 0 && !other);
	created_free(c);
}

static void
test_alias(void)
{
	struct alias_order *a;
	struct alias_file *f;
	char *again;

	fail(1);
	errno = 0;
	CHECK(alias_new("s") == NULL && errno == ENOMEM);
	fail(0);
	if ((a = alias_new("s")) == NULL)
		exit(2);
	/* Out of memory, the write is made in no particular order. */
	fail(1);
	alias_begin(a, "s/x", &f, &again, 1, 10);
	fail(0);
	CHECK(f == NULL && again == NULL);
	alias_end(a, f, true);
	alias_begin(a, "s/x", &f, &again, 1, 10);
	CHECK(f != NULL && again == NULL);
	alias_end(a, f, true);
	alias_free(a);
}

/* 0 if the shim of inomap.bats is there and refuses memory when told. */
static int
test_shim(void)
{
	/* volatile: a malloc() freed at once may be left out. */
	void *volatile p;

	if (&inomap_test_fail == NULL)
		return 1;
	fail(1);
	p = malloc(16);
	fail(0);
	if (p == NULL)
		return 0;
	free(p);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	bool shim = &inomap_test_fail != NULL;

	if ((argc == 3 || (argc == 4 && shim)) && strcmp(what, "grow") == 0)
		test_grow((unsigned)strtoul(argv[2], NULL, 10),
		    argc == 4 ? atoi(argv[3]) : 0);
	else if (argc == 2 && strcmp(what, "collide") == 0)
		test_collide();
	else if (argc == 2 && strcmp(what, "shim") == 0)
		return test_shim();
	else if (argc == 2 && shim && strcmp(what, "enomem") == 0) {
		test_links();
		test_inoset();
		test_created();
		test_alias();
	} else {
		fprintf(stderr, "usage: inomap-test grow N [L] | collide | "
		    "shim | enomem (the last two and L with the shim)\n");
		return 2;
	}
	return failures == 0 ? 0 : 1;
}
