/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.c: one escaping function for all of zcp's JSON, with full UTF-8
 * validation (RFC 3629, table 3-7 of the Unicode standard): the second
 * byte after E0, ED, F0 and F4 has a narrower range than 80..BF.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

size_t
json_utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;	/* 80..C1 (continuation, overlong), F5..FF */
	if (p[0] == 0xe0)
		lo = 0xa0;	/* below: overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;	/* above: UTF-16 surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;	/* below: overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;	/* above: beyond U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

char *
json_quote(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	/* The worst case: every byte as \udcXX (6 bytes), and the quotes. */
	char *out, *o;
	size_t n;

	if ((out = malloc(strlen(s) * 6 + 3)) == NULL)
		return NULL;
	o = out;
	*o++ = '"';
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\u%04x", *p++);
		} else if ((n = json_utf8_len(p)) == 0) {
			o += sprintf(o, "\\udc%02x", *p++);
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}
