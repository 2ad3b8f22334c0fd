/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * units.c: sizes, durations and rates formatted for people (IEC units,
 * three significant digits), and parsed back from the command line; the
 * width of a table's cells on a terminal, whatever the language.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "units.h"

static const char *const units_prefix[] = {
	"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
};

/* Three significant digits: 4.00, 12.0, 300. */
static const char *
units_fmt(double v)
{
	if (v < 9.995)
		return "%.2f %s";
	if (v < 99.95)
		return "%.1f %s";
	return "%.0f %s";
}

char *
units_size(char *buf, size_t len, double n)
{
	size_t i = 0;

	if (n < 1024) {
		(void)snprintf(buf, len, "%.0f B", n);
		return buf;
	}
	while (n >= 1023.5 && i + 1 < sizeof(units_prefix) /
	    sizeof(units_prefix[0])) {
		n /= 1024;
		i++;
	}
	(void)snprintf(buf, len, units_fmt(n), n, units_prefix[i]);
	return buf;
}

char *
units_time(char *buf, size_t len, double s)
{
	if (s >= 0.995)
		(void)snprintf(buf, len, units_fmt(s), s, "s");
	else if (s >= 0.000995)
		(void)snprintf(buf, len, units_fmt(s * 1e3), s * 1e3, "ms");
	else
		(void)snprintf(buf, len, "%.0f us", s * 1e6);
	return buf;
}

char *
units_rate(char *buf, size_t len, double bytes, double s)
{
	size_t n;

	if (s <= 0) {
		(void)snprintf(buf, len, "- B/s");
		return buf;
	}
	units_size(buf, len, bytes / s);
	n = strlen(buf);
	(void)snprintf(buf + n, len - n, "/s");
	return buf;
}

double
units_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The most fraction digits that count: 10^18 fits in 63 bits. */
#define UNITS_FRAC_DIGITS	18

static int
units_bad(int err)
{
	errno = err;
	return -1;
}

/*
 * Reads the decimal digits at s into *n, the first max of them (the rest
 * are read and ignored); *count is how many there were, *over whether *n
 * would have wrapped.  Returns the first character after them.
 */
static const char *
units_digits(const char *s, uint64_t *n, int *count, bool *over, int max)
{
	unsigned d;

	*n = 0;
	*count = 0;
	*over = false;
	for (; *s >= '0' && *s <= '9'; s++, (*count)++) {
		d = (unsigned)(*s - '0');
		if (*count >= max)
			continue;
		if (*n > (UINT64_MAX - d) / 10)
			*over = true;
		*n = *n * 10 + d;
	}
	return s;
}

/* The power of 1024 after a number, "i" and "B": *shift, 0 or -1. */
static int
units_suffix(const char *p, int *shift)
{
	static const char suffixes[] = "KMGTPE";
	const char *q;

	*shift = 0;
	if (*p != '\0' && *p != 'B' && *p != 'b') {
		/* (Not strchr: a space, ' ' & ~0x20, would find the NUL.) */
		if ((q = memchr(suffixes, *p & ~0x20, sizeof(suffixes) - 1)) ==
		    NULL)
			return -1;
		*shift = (int)(q - suffixes + 1) * 10;
		if (*++p == 'i')
			p++;
	}
	if (*p == 'B' || *p == 'b')
		p++;
	return *p == '\0' ? 0 : -1;
}

int
units_parse_size(const char *s, uint64_t *out)
{
	const char *p;
	uint64_t n, frac = 0, scale = 1;
	int shift, nint, nfrac = 0, i;
	bool over, ignored;

	/* Digits only: no sign, space, exponent, hex, "inf" or "nan". */
	p = units_digits(s, &n, &nint, &over, INT_MAX);
	if (*p == '.')
		p = units_digits(p + 1, &frac, &nfrac, &ignored,
		    UNITS_FRAC_DIGITS);
	if (nint + nfrac == 0 || units_suffix(p, &shift) == -1)
		return units_bad(EINVAL);
	if (over || n > (uint64_t)INT64_MAX >> shift)
		return units_bad(ERANGE);
	n <<= shift;
	/* The fraction's bytes: below 1 << shift, rounded down. */
	for (i = 0; i < nfrac && i < UNITS_FRAC_DIGITS; i++)
		scale *= 10;
	frac = shift == 0 ? 0 :
	    (uint64_t)ldexp((double)frac / (double)scale, shift);
	if (shift > 0 && frac >= (uint64_t)1 << shift)
		frac = ((uint64_t)1 << shift) - 1;	/* .999... rounded up */
	if (frac > (uint64_t)INT64_MAX - n)
		return units_bad(ERANGE);
	*out = n + frac;
	return 0;
}

int
units_cols(const char *s)
{
	const char *p = s;
	size_t left = strlen(s), n;
	mbstate_t st;
	wchar_t wc;
	int cols = 0, w;

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		n = mbrtowc(&wc, p, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    (w = wcwidth(wc)) < 0)
			return (int)strlen(s);
		cols += w;
		p += n;
		left -= n;
	}
	return cols;
}

char *
units_pad(char *buf, size_t len, const char *s, int width, bool left)
{
	int pad = width - units_cols(s);

	if (pad < 0)
		pad = 0;
	if (left)
		(void)snprintf(buf, len, "%s%*s", s, pad, "");
	else
		(void)snprintf(buf, len, "%*s%s", pad, "", s);
	return buf;
}
