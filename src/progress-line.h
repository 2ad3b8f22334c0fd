/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * progress-line.h: what the progress files share, for them alone: a line
 * built with async-signal-safe code only (the pl_ functions, usable in a
 * signal handler), the figures one line shows, and the two lines that are
 * not redrawn (the plain status line, the summary at the end).
 */
#ifndef ZCP_PROGRESS_LINE_H
#define ZCP_PROGRESS_LINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROGRESS_LINE	8192	/* bytes of one line */
#define PROGRESS_NODIRTY UINT64_MAX	/* the dirty data is not known */

/* A line, always NUL-terminated; what does not fit is dropped. */
struct pline {
	char	 b[PROGRESS_LINE];
	size_t	 n;
};

/* The figures one line shows, read at one moment. */
struct progress_snap {
	double		 elapsed;	/* seconds since the start */
	uint64_t	 done, total;	/* bytes; total 0: not known */
	uint64_t	 kept;		/* of done, kept by --resume (not in
					   the rates) */
	uint64_t	 files, nfiles;	/* files done; nfiles 0: not known */
	unsigned	 active;	/* files being copied now */
	uint64_t	 cur_done, cur_size; /* one at a time: the current file */
	bool		 counting;	/* the scan is running */
	bool		 flushing;	/* data written, close or fsync waits */
	bool		 verifying;	/* ... or --verify checks the copy */
	bool		 syncing;	/* ... or --fsync's final flush runs */
	uint64_t	 dirty;		/* bytes the system has to write back */
	double		 rate, avg;	/* bytes/s now (0: unknown), overall */
	double		 flush;		/* seconds spent flushing so far */
	bool		 fsync;		/* --fsync: flushing counts in the rate */
	char		 name[PATH_MAX]; /* the file being copied, or "" */
};

/*
 * The words of the lines, in the user's language once pl_words_init()
 * has run (English before), so that a signal handler need not look them
 * up.
 */
struct pl_words {
	const char	*of;		/* " of " */
	const char	*file, *files;	/* " file", " files" after one */
	const char	*file_n, *files_n; /* "file ", "files " before one */
	const char	*elapsed;	/* " elapsed" */
	const char	*counting_n;	/* " (counting: " */
	const char	*so_far;	/* " files so far)" */
	const char	*copying;	/* ", copying " */
	const char	*pct_of;	/* "% of " */
	const char	*copied;	/* ": copied " */
	const char	*file_in, *files_in; /* " file) in ", " files) in " */
	const char	*flushed;	/* " flushing)" */
	const char	*kept;		/* " kept by --resume)" */
	const char	*verifying;	/* "verifying..." */
	const char	*flushing;	/* "flushing" */
	const char	*syncing;	/* "syncing" */
	const char	*counting;	/* "counting..." */
	const char	*counting_short; /* "counting" */
	const char	*eta;		/* "ETA " */
};
extern const struct pl_words *pl_w;
/* Looks the words up (not async-signal-safe: call before any handler). */
void	pl_words_init(void);

void	pl_clear(struct pline *);
void	pl_str(struct pline *, const char *);
/* s with control characters as '?', for names. */
void	pl_name(struct pline *, const char *);
/* v in at least width digits. */
void	pl_uint(struct pline *, uint64_t, int);
/* n bytes as units.c writes them: "512 B", "4.00 GiB", "12.0 MiB". */
void	pl_size(struct pline *, double);
/* How pl_size() writes n: its unit (0 B, 1 KiB, ...) and decimals. */
void	pl_scale(double, unsigned *, unsigned *);
/* n in that unit with that many decimals, then the unit if named. */
void	pl_number(struct pline *, double, unsigned, unsigned, bool);
/* seconds as a clock: "0:07", "12:34", "1:02:03". */
void	pl_clock(struct pline *, double);
/* Spaces until what was added since byte from is width bytes long. */
void	pl_pad(struct pline *, size_t, size_t);
/* Writes the line to stderr, whole (EINTR is retried). */
void	pl_write(const struct pline *);

/* The total is known: percent and ETA can be shown. */
bool	pl_known(const struct progress_snap *);
/* done of total as a whole percent, 100 only when all is done. */
unsigned pl_percent(uint64_t, uint64_t);
/*
 * "flushing 312 MiB..." (or "flushing..." if the amount is not known),
 * "syncing 312 MiB..." in --fsync's final flush, or "verifying...".
 */
void	pl_flushing(struct pline *, const struct progress_snap *);

/*
 * The plain status line, with its newline (SIGUSR1's, and -g's every few
 * seconds off a terminal):
 * "zcp: 1.68 GiB of 4.00 GiB (42%), file 3 of 10, 0:03 elapsed,
 * 512 MiB/s, ETA 0:04, copying big.iso".
 */
void	pl_plain(struct pline *, const struct progress_snap *);
/*
 * The summary at the end, with its newline: "zcp: copied 4.00 GiB
 * (10 files) in 7.9 s, 518 MiB/s".  The rate leaves out the time spent
 * flushing, unless --fsync asked for it.
 */
void	pl_final(struct pline *, const struct progress_snap *);

#endif
