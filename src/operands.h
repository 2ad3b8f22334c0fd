/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * operands.h: the operands (SOURCE... DEST, -t, -T, --parents) of a copy.
 */
#ifndef ZCP_OPERANDS_H
#define ZCP_OPERANDS_H

#include "options.h"
#include "report.h"

struct progress;

/*
 * Copies the operands argv[0..argc) as the options say, reporting each
 * file to rep (and to the progress display, if not NULL).  Returns 0 if
 * everything was copied, 1 otherwise.  Exits with cp's message on bad
 * operands, before copying anything.
 */
int	 operands_copy(const struct options *, struct report *,
	    struct progress *, int, char **);

#endif
