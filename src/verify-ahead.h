/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify-ahead.h: a file read ahead by a thread, chunk after chunk, so
 * that --verify compares one chunk while the disk reads the next
 * (verify-ahead.c).
 */
#ifndef ZCP_VERIFY_AHEAD_H
#define ZCP_VERIFY_AHEAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ahead;

/*
 * Starts reading fd from offset 0 to size, in chunks of chunk bytes (a
 * multiple of 4096: fd may be O_DIRECT), two ahead at most.  Returns the
 * reader, or NULL (errno) if it could not start: read fd yourself then.
 */
struct ahead	*ahead_start(int, size_t, uint64_t);

/*
 * Waits for the next chunk: *buf points at its bytes, valid until
 * ahead_next() is called again.  Returns their number (fewer than
 * chunk only at the end of the file), or -1 with errno if its read
 * failed.
 */
ssize_t		 ahead_next(struct ahead *, const char **);

/* Stops the reader and frees it. */
void		 ahead_stop(struct ahead *);

#endif
