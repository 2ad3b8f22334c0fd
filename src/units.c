/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * units.c: sizes, durations and rates formatted for people (IEC units,
 * three significant digits), and parsed back from the command line.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int
units_parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGTPE";
	const char *p;
	char *end;
	double v;
	int shift = 0;

	if (*s == '\0' || *s == '-')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0)
		return -1;
	if (*end != '\0' && *end != 'B' && *end != 'b') {
		if ((p = strchr(suffixes, *end & ~0x20)) == NULL)
			return -1;
		shift = (int)(p - suffixes + 1) * 10;
		end++;
		if (*end == 'i')
			end++;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return -1;
	v = ldexp(v, shift);
	if (v >= 18446744073709551615.0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}
