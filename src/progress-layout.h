/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-layout.h: the status line -g redraws on a terminal, laid out
 * for the terminal's width (the rules are at the top of
 * progress-layout.c).
 */
#ifndef ZCP_PROGRESS_LAYOUT_H
#define ZCP_PROGRESS_LAYOUT_H

#include <stdbool.h>

#include "progress-line.h"

/*
 * Appends to l the status line for a terminal cols wide, in at most
 * cols - 1 columns, without escapes or newline.  utf8: the bar and the
 * ellipsis may be Unicode.  Not async-signal-safe (it reads the locale
 * to measure the name).
 */
void	layout_line(struct pline *, const struct progress_snap *, int, bool);

/* The cells of the bar on a terminal cols wide; 0: no bar. */
int	layout_bar_cells(int);

#endif
