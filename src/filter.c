/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * filter.c: the rules of --exclude and --include (filter.h) and their
 * glob: '*' and '?' never match '/', '[...]' is fnmatch(3)'s bracket
 * expression, '\' quotes the next character, "**" matches anything, '/'
 * included.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

static bool	filter_glob(const char *, const char *, const char *);

/*
 * The bracket expression at p ('['), matched against c: its length, up
 * to its ']', with *ok telling if c is in it; 0 if p is a plain '['.
 */
static size_t
filter_bracket(const char *p, char c, bool *ok)
{
	char one[2] = { c, '\0' }, *e;
	size_t i = 1;

	if (p[i] == '!' || p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] != '\0' && p[i] != ']') {
		if (p[i] == '[' && (p[i + 1] == ':' || p[i + 1] == '.' ||
		    p[i + 1] == '=')) {
			/* [:alpha:], [.x.], [=e=]: up to their own ']'. */
			if ((e = strchr(p + i + 2, ']')) == NULL)
				return 0;
			i = (size_t)(e - p);
		}
		i++;
	}
	if (p[i] != ']' || (e = strndup(p, i + 1)) == NULL)
		return 0;
	*ok = fnmatch(e, one, 0) == 0;
	free(e);
	return i + 1;
}

/*
 * "**" at p (start: the whole pattern): any run of characters, '/'
 * included; at the start of a part and followed by '/', also none at
 * all ("**" "/x" matches "x").
 */
static bool
filter_stars(const char *start, const char *p, const char *s)
{
	bool part = p == start || p[-1] == '/';

	while (*p == '*')
		p++;
	if (part && *p == '/' && filter_glob(start, p + 1, s))
		return true;
	for (;;) {
		if (filter_glob(start, p, s))
			return true;
		if (*s++ == '\0')
			return false;
	}
}

/* True if s matches the glob p (start: the whole pattern). */
static bool
filter_glob(const char *start, const char *p, const char *s)
{
	bool ok = false;
	size_t n;

	for (; *p != '\0'; p++, s++) {
		switch (*p) {
		case '*':
			if (p[1] == '*')
				return filter_stars(start, p, s);
			for (;;) {
				if (filter_glob(start, p + 1, s))
					return true;
				if (*s == '\0' || *s == '/')
					return false;
				s++;
			}
		case '?':
			if (*s == '\0' || *s == '/')
				return false;
			break;
		case '[':
			if (*s == '\0' || *s == '/')
				return false;
			if ((n = filter_bracket(p, *s, &ok)) == 0) {
				if (*s != '[')
					return false;
				break;
			}
			if (!ok)
				return false;
			p += n - 1;
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			/* FALLTHROUGH */
		default:
			if (*p != *s)
				return false;
		}
	}
	return *s == '\0';
}

int
filter_add(struct filter *f, bool include, const char *pat,
    const char *from, unsigned line)
{
	struct filter_rule *r;
	size_t n;

	if (f->n == f->cap) {
		if ((r = reallocarray(f->r, f->cap * 2 + 8, sizeof(*r))) ==
		    NULL)
			return -1;
		f->r = r;
		f->cap = f->cap * 2 + 8;
	}
	r = &f->r[f->n];
	memset(r, 0, sizeof(*r));
	if ((r->given = strdup(pat)) == NULL)
		return -1;
	r->include = include;
	r->from = from;
	r->line = line;
	n = strlen(pat);
	/* A trailing '/' (not a lone "/"): directories only. */
	while (n > 1 && pat[n - 1] == '/') {
		r->dir_only = true;
		n--;
	}
	if (n > 1 && pat[0] == '/') {
		r->path = true;
		pat++;
		n--;
	}
	if ((r->pat = strndup(pat, n)) == NULL) {
		free(r->given);
		return -1;
	}
	r->path |= strchr(r->pat, '/') != NULL;
	f->n++;
	return 0;
}

/* Adds the rules read from fp (named name). 0, or -1 with errno. */
static int
filter_read(struct filter *f, bool include, FILE *fp, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned no = 0;
	int e = 0;

	while ((errno = 0, len = getline(&line, &cap, fp)) != -1) {
		no++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (filter_add(f, include, line, name, no) == -1) {
			e = errno;
			break;
		}
	}
	if (e == 0 && ferror(fp))
		e = errno != 0 ? errno : EIO;
	free(line);
	errno = e;
	return e == 0 ? 0 : -1;
}

int
filter_add_file(struct filter *f, bool include, const char *name)
{
	bool in = strcmp(name, "-") == 0;
	FILE *fp = in ? stdin : fopen(name, "re");
	int rc, e;

	if (fp == NULL)
		return -1;
	rc = filter_read(f, include, fp, name);
	e = errno;
	if (!in)
		(void)fclose(fp);
	errno = e;
	return rc;
}

const struct filter_rule *
filter_excluded(const struct filter *f, const char *rel, bool dir)
{
	const char *slash = strrchr(rel, '/');
	const char *name = slash != NULL ? slash + 1 : rel;
	const struct filter_rule *r;
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++) {
		r = &f->r[i];
		if (r->dir_only && !dir)
			continue;
		if (filter_glob(r->pat, r->pat, r->path ? rel : name))
			return r->include ? NULL : r;
	}
	return NULL;
}

void
filter_free(struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->r[i].pat);
		free(f->r[i].given);
	}
	free(f->r);
	f->r = NULL;
	f->n = f->cap = 0;
}
