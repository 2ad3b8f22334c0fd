/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.h: file names in messages, quoted as GNU cp quotes them
 * (gnulib's "shell-escape-always" style), so messages match cp's byte for
 * byte: 'a b', "it's", 'nl'$'\n''x'.
 */
#ifndef ZCP_QUOTE_H
#define ZCP_QUOTE_H

#include <stddef.h>

/*
 * Returns name quoted, in one of 8 rotating buffers of this thread
 * (enough for any one message).  Never NULL: on allocation failure a
 * plain name is quoted in a buffer kept for that, another returned as
 * is.
 */
const char	*quote(const char *);
/*
 * As quote(), but leaves names that need no quoting for the shell as
 * they are (cp's quotef: sd/x, but 'a b').
 */
const char	*quote_if_needed(const char *);
/* Frees this thread's buffers (call before a thread ends). */
void		 quote_thread_free(void);
/* Returns a malloc'd quoted copy of name, or NULL. */
char		*quote_r(const char *);

#endif
