/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report.h: what the user sees of a run: -v lines, error messages, the
 * --stats summary and --json records, from struct file_record.
 */
#ifndef ZCP_REPORT_H
#define ZCP_REPORT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "durable.h"
#include "engine.h"
#include "options.h"
#include "record.h"

struct progress;

#define REPORT_ERRNO_MAX	160

struct report {
	const struct options *opts;
	struct progress	*prog;		/* held off the terminal for output */
	pthread_mutex_t	 lock;		/* records may come from workers */
	FILE		*vout;		/* -v lines: stdout, or stderr with
					   --json */
	double		 t0;		/* start of the run */
	uint64_t	 files, dirs, symlinks, specials;
	uint64_t	 skipped, failed;
	uint64_t	 excluded;	/* entries left out by --exclude */
	uint64_t	 lost;		/* records not printed (no memory) */
	uint64_t	 bytes;
	uint64_t	 eng_files[ENGINE_NUM], eng_bytes[ENGINE_NUM];
	uint64_t	 uring_files, uring_bytes;	/* --engine=uring's
							   batches */
	uint64_t	 nfallback;
	uint32_t	 fallbacks[ENGINE_NUM][REPORT_ERRNO_MAX];
	uint64_t	 verified, unverified;	/* --verify: checked, not */
	uint64_t	 verify_bytes;
	double		 verify_seconds;
	uint64_t	 resumed, resumed_bytes; /* --resume: files, kept */
	bool		 synced;	/* --fsync on trees: sync says how */
	struct durable_stats sync;
};

/* Starts the report of a run, with its progress display (or NULL). */
void	 report_init(struct report *, const struct options *,
	    struct progress *);
/* Prints what rec says (-v, --json, the error) and counts it. */
void	 report_record(struct report *, const struct file_record *);
/*
 * Counts the entry src left out by the rule r (filter.h), and says so
 * under --debug.
 */
void	 report_excluded(struct report *, const struct path *,
	    const struct filter_rule *);
/* Prints rec's warning, if any, without counting anything. */
void	 report_warning(struct report *, const struct file_record *);
/* Prints "zcp: MSG" on stderr and counts a failure without a record. */
void	 report_error(struct report *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * --fsync on trees: the final flush did what st says (for --stats and
 * --json); with --debug, says so now.
 */
void	 report_sync(struct report *, const struct durable_stats *);
/*
 * Prints the --stats and --json summaries.  Returns -1 if a record could
 * not be printed for want of memory (it was said on stderr), else 0.
 * (Write errors on stdout are closeout.c's, at exit.)
 */
int	 report_finish(struct report *);

#endif
