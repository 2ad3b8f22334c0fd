/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inomap.c: the (device, inode) map of inomap.h, with chaining.  The
 * table doubles when it holds more nodes than chains; a node keeps its
 * place among those of its key through a doubling.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "inomap.h"

#define INOMAP_FIRST	64	/* chains of a new table */

/* A 64-bit mix of the key (splitmix64's finaliser): every bit counts. */
static size_t
inomap_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino ^ (uint64_t)dev * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)h;
}

/* The head of the chain that holds (dev, ino). */
static struct inomap_node **
inomap_chain(const struct inomap *m, dev_t dev, ino_t ino)
{
	if (m->slot == NULL)
		return (struct inomap_node **)&m->one;
	return &m->slot[inomap_hash(dev, ino) & (m->nslot - 1)];
}

/* Doubles the table, if memory allows (the chains get longer if not). */
static void
inomap_grow(struct inomap *m)
{
	struct inomap_node **slot, *n, *rev, *next;
	size_t i, nslot = m->nslot == 0 ? INOMAP_FIRST : m->nslot * 2;
	size_t old = m->slot == NULL ? 1 : m->nslot, h;

	if (nslot < m->nslot || (slot = calloc(nslot, sizeof(*slot))) == NULL)
		return;
	for (i = 0; i < old; i++) {
		/* Reversed, then each put first: the order of a key stays. */
		rev = NULL;
		for (n = m->slot == NULL ? m->one : m->slot[i]; n != NULL;
		    n = next) {
			next = n->next;
			n->next = rev;
			rev = n;
		}
		for (n = rev; n != NULL; n = next) {
			next = n->next;
			h = inomap_hash(n->dev, n->ino) & (nslot - 1);
			n->next = slot[h];
			slot[h] = n;
		}
	}
	free(m->slot);
	m->slot = slot;
	m->one = NULL;
	m->nslot = nslot;
}

void
inomap_add(struct inomap *m, struct inomap_node *n, dev_t dev, ino_t ino)
{
	struct inomap_node **chain;

	if (m->count >= m->nslot)
		inomap_grow(m);
	n->dev = dev;
	n->ino = ino;
	chain = inomap_chain(m, dev, ino);
	n->next = *chain;
	*chain = n;
	m->count++;
}

struct inomap_node *
inomap_find(const struct inomap *m, dev_t dev, ino_t ino)
{
	struct inomap_node *n;

	for (n = *inomap_chain(m, dev, ino); n != NULL; n = n->next)
		if (n->ino == ino && n->dev == dev)
			return n;
	return NULL;
}

struct inomap_node *
inomap_find_next(const struct inomap_node *n)
{
	struct inomap_node *e;

	for (e = n->next; e != NULL; e = e->next)
		if (e->ino == n->ino && e->dev == n->dev)
			return e;
	return NULL;
}

void
inomap_remove(struct inomap *m, struct inomap_node *n)
{
	struct inomap_node **p;

	for (p = inomap_chain(m, n->dev, n->ino); *p != NULL; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			m->count--;
			return;
		}
}

void
inomap_free(struct inomap *m, void (*drop)(struct inomap_node *))
{
	struct inomap_node *n, *next;
	size_t i, nchain = m->slot == NULL ? 1 : m->nslot;

	for (i = 0; i < nchain; i++)
		for (n = m->slot == NULL ? m->one : m->slot[i]; n != NULL;
		    n = next) {
			next = n->next;
			if (drop != NULL)
				drop(n);
		}
	free(m->slot);
	m->slot = NULL;
	m->one = NULL;
	m->nslot = 0;
	m->count = 0;
}
