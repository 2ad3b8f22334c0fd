/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.h: JSON strings for every JSON zcp prints (--json copy records and
 * --bench --json).  Names are bytes, not text: a byte that is not part of
 * valid UTF-8 is written as the lone surrogate \udcXX, Python's
 * "surrogateescape", so os.fsencode(json.loads(...)) gives the name back.
 */
#ifndef ZCP_JSON_H
#define ZCP_JSON_H

#include <stddef.h>

/*
 * The length of the valid UTF-8 sequence at p (1 to 4), or 0 if the bytes
 * at p are not one: a stray continuation byte, an overlong form, an
 * encoded surrogate, a code point above U+10FFFF or a cut sequence.
 */
size_t	 json_utf8_len(const unsigned char *);

/*
 * Returns s as a JSON string with its quotes (malloc'd), or NULL with
 * errno ENOMEM.
 */
char	*json_quote(const char *);

#endif
