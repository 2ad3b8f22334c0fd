/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.c: cp's quoting of file names in messages.
 *
 * A name goes in single quotes; a single quote inside becomes '\''; bytes
 * that do not print become $'\n' or $'\377' escapes.  A name with a single
 * quote and only "plain" characters goes in double quotes instead:
 * "it's".  This was written from the outputs of GNU cp 9.1, including one
 * quirk kept for identical messages: a name with a single quote that ends
 * in an escape gets a redundant '' after its opening quote.  Not kept:
 * cp sizes the buffer of a quoting slot it has not used yet without
 * that '', so the first such name quoted in slot 1 (the destination of
 * the first -v line, the second name of a message) comes out one byte
 * short, without its closing quote or a terminating NUL (gnulib's
 * quotearg; difftree seed 607, set bexist, scenario readonly).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "quote.h"

struct qbuf {
	char	*p;
	size_t	 len, cap;
};

static void
qb_put(struct qbuf *b, const char *s, size_t n)
{
	char *np;

	if (b->p == NULL && b->cap != 0)
		return;		/* an earlier allocation failed */
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;

		if ((np = realloc(b->p, cap)) == NULL) {
			free(b->p);
			b->p = NULL;
			b->cap = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Characters that keep "it's" style double quoting possible. */
static bool
quote_plain(unsigned char c, size_t i)
{
	if (c >= 'a' && c <= 'z')
		return true;
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c >= '0' && c <= '9')
		return true;
	if (c == '#' || c == '~')
		return i == 0;
	return strchr(" '%+,-./:]_}", c) != NULL;
}

/* Length of the printable character at s (1 for ASCII), or 0 if not. */
static size_t
quote_printable(const char *s, size_t left)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	if ((unsigned char)*s < 0x80)
		return *s >= 0x20 && *s < 0x7f ? 1 : 0;
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, left, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || !iswprint(wc))
		return 0;
	return n;
}

static void
quote_escape(struct qbuf *b, unsigned char c)
{
	static const char letters[] = "\aa\bb\ff\nn\rr\tt\vv";
	const char *l;
	char o[5];

	if (c != 0 && (l = strchr(letters, c)) != NULL) {
		o[0] = '\\';
		o[1] = l[1];
		qb_put(b, o, 2);
		return;
	}
	o[0] = '\\';
	o[1] = (char)('0' + (c >> 6));
	o[2] = (char)('0' + ((c >> 3) & 7));
	o[3] = (char)('0' + (c & 7));
	qb_put(b, o, 4);
}

/*
 * The single-quote form.  esc says whether a $'...' escape is open;
 * returns whether one is open at the end (the closing quote closes it).
 */
static bool
quote_single(struct qbuf *b, const char *s, bool esc)
{
	size_t left = strlen(s), n;

	qb_put(b, "'", 1);
	while (left > 0) {
		if (*s == '\'') {
			qb_put(b, "'\\''", 4);
			esc = false;
			n = 1;
		} else if ((n = quote_printable(s, left)) > 0) {
			if (esc)
				qb_put(b, "''", 2);
			esc = false;
			qb_put(b, s, n);
		} else {
			if (!esc)
				qb_put(b, "'$'", 3);
			esc = true;
			quote_escape(b, (unsigned char)*s);
			n = 1;
		}
		s += n;
		left -= n;
	}
	qb_put(b, "'", 1);
	return esc;
}

/*
 * The quoting, for quote_r().  mbrtowc(3) sets errno (EILSEQ) on a name
 * that is not text in the locale: quote_r() keeps the caller's errno,
 * which a message is often about to print (record_fail(rec, errno, ...,
 * quote(name)) may evaluate either argument first).
 */
static char *
quote_do(const char *s)
{
	struct qbuf b = { NULL, 0, 0 };
	bool squote = strchr(s, '\'') != NULL, plain = true;
	size_t i, left = strlen(s), n;
	bool esc;

	for (i = 0; i < left; i += n) {
		n = quote_printable(s + i, left - i);
		if (n == 0) {
			plain = false;
			n = 1;
		} else if (n == 1 && !quote_plain((unsigned char)s[i], i))
			plain = false;
	}
	if (squote && plain) {
		qb_put(&b, "\"", 1);
		qb_put(&b, s, left);
		qb_put(&b, "\"", 1);
		return b.p;
	}
	esc = quote_single(&b, s, false);
	if (squote && esc) {
		/* cp 9.1 rescans such names with the escape still open. */
		b.len = 0;
		(void)quote_single(&b, s, true);
	}
	return b.p;
}

char *
quote_r(const char *s)
{
	int e = errno;
	char *q = quote_do(s);

	errno = e;
	return q;
}

static __thread char *quote_ring[8];
static __thread unsigned quote_next;

void
quote_thread_free(void)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		free(quote_ring[i]);
		quote_ring[i] = NULL;
	}
}

/*
 * Out of memory, a name that quoting leaves as it is between single
 * quotes (printable ASCII, no single quote) is quoted in one of two
 * buffers kept for this (a message names two files at most); another
 * comes back as is.
 */
static __thread char quote_spare[2][PATH_MAX + 3];
static __thread unsigned quote_spare_next;

static const char *
quote_nomem(const char *s)
{
	size_t i, n = strlen(s);
	char *b;

	if (n > PATH_MAX)
		return s;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f || s[i] == '\'')
			return s;
	quote_spare_next ^= 1;
	b = quote_spare[quote_spare_next];
	b[0] = '\'';
	memcpy(b + 1, s, n);
	b[n + 1] = '\'';
	b[n + 2] = '\0';
	return b;
}

const char *
quote(const char *s)
{
	char *q;

	if ((q = quote_r(s)) == NULL)
		return quote_nomem(s);
	quote_next = (quote_next + 1) % 8;
	free(quote_ring[quote_next]);
	quote_ring[quote_next] = q;
	return q;
}

const char *
quote_if_needed(const char *s)
{
	size_t i, n, left = strlen(s);
	int e = errno;

	for (i = 0; i < left; i += n) {
		n = quote_printable(s + i, left - i);
		errno = e;	/* as quote_r() */
		if (n == 0)
			return quote(s);
		if (n == 1 && (s[i] == ' ' || s[i] == '\'' ||
		    ((s[i] == '#' || s[i] == '~') && i == 0) ||
		    (!quote_plain((unsigned char)s[i], i) && s[i] != '#' &&
		    s[i] != '~')))
			return quote(s);
	}
	return left == 0 ? quote(s) : s;
}
