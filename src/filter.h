/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * filter.h: --exclude and --include: an ordered list of rules, each a
 * shell glob, matched against each entry of a tree; the first rule that
 * matches says whether the entry is copied (as rsync's filter rules).
 * A pattern without '/' matches an entry's name at any depth; one with
 * '/' matches its path relative to the operand, a leading '/' anchors a
 * name there, a trailing '/' matches directories only; '**' matches
 * across '/', and "**" + "/" also matches no directory at all.
 */
#ifndef ZCP_FILTER_H
#define ZCP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct filter_rule {
	char		*pat;		/* the glob, without the leading and
					   trailing '/' */
	char		*given;		/* the pattern as given */
	const char	*from;		/* --*-from's FILE, or NULL */
	unsigned	 line;		/* ... and the line in it */
	bool		 include;	/* --include: copied if it matches */
	bool		 path;		/* matched against the path, not the
					   name */
	bool		 dir_only;	/* only directories match */
};

struct filter {
	struct filter_rule *r;
	size_t		 n, cap;
};

/*
 * Adds the rule pat (--include if include) at the end of f; from and
 * line say where it was read (from NULL: the command line; kept, not
 * copied).  Returns 0, or -1 (ENOMEM).
 */
int	 filter_add(struct filter *, bool, const char *, const char *,
	    unsigned);
/*
 * Adds the rules of the file name ("-": standard input), one a line:
 * empty lines and lines that begin with '#' are left out.  Returns 0,
 * or -1 with errno (it could not be opened or read, or ENOMEM).
 */
int	 filter_add_file(struct filter *, bool, const char *);
/*
 * The rule that excludes the entry whose path relative to its operand is
 * rel (its name being the last part), a directory if dir: the first rule
 * that matches, if it is an --exclude.  NULL: it is copied.
 */
const struct filter_rule *filter_excluded(const struct filter *,
	    const char *, bool);
/* Frees what f holds. */
void	 filter_free(struct filter *);

#endif
