/*
 * links.h: hard links inside the copied set (--preserve=links), found by
 * device and inode.  Safe to share between threads.
 */
#ifndef ZCP_LINKS_H
#define ZCP_LINKS_H

#include <sys/types.h>

struct links;

/* Returns an empty table; exits if out of memory. */
struct links	*links_new(void);
void		 links_free(struct links *);
/*
 * If (dev, ino) was seen, returns the destination path it was copied to
 * (malloc'd copy).  Otherwise records path for it and returns NULL.
 */
char		*links_find_or_add(struct links *, dev_t, ino_t, const char *);
/* Forgets (dev, ino): its first copy failed. */
void		 links_forget(struct links *, dev_t, ino_t);

#endif
