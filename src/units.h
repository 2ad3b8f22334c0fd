/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * units.h: numbers for people: IEC sizes (KiB, MiB, GiB), durations and
 * rates, a monotonic clock, and the columns of a table's cells.
 */
#ifndef ZCP_UNITS_H
#define ZCP_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Formats n bytes as "512 B", "12.0 MiB", "4.00 GiB" into buf.  Returns buf. */
char	*units_size(char *, size_t, double);
/* Formats seconds as "1.21 s" or "350 ms" or "12 us".  Returns buf. */
char	*units_time(char *, size_t, double);
/* Formats bytes/seconds as "3.31 GiB/s".  Returns buf. */
char	*units_rate(char *, size_t, double, double);
/* Seconds on CLOCK_MONOTONIC. */
double	 units_now(void);
/*
 * Parses "10M", "1.5GiB", "4096", "2k": decimal digits, an optional
 * fraction, an optional K, M, G, T, P or E (powers of 1024, case ignored)
 * with an optional "i", and an optional "B".  A fraction of a byte is
 * dropped.  Returns 0, or -1 with errno EINVAL if s is not a size (signs,
 * spaces, exponents, hex, "inf" and "nan" are not), ERANGE if it is larger
 * than the largest file, INT64_MAX bytes (8 EiB - 1).
 */
int	 units_parse_size(const char *, uint64_t *);
/*
 * The columns s takes on a terminal in the locale ("Größe": 5, in 7
 * bytes); its bytes where it is not printable text there.
 */
int	 units_cols(const char *);
/*
 * s into buf (len bytes) with spaces before it, or after it if left, to
 * fill width columns (units_cols()): printf's %*s in columns, not bytes.
 * Returns buf.
 */
char	*units_pad(char *, size_t, const char *, int, bool);

#endif
