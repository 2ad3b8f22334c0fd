/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * options.h: everything the command line says, in one struct that is
 * passed down (const) to the walker and the per-file code.
 */
#ifndef ZCP_OPTIONS_H
#define ZCP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "filter.h"

enum interactive {
	INTERACTIVE_UNSET,	/* overwrite without asking (default) */
	INTERACTIVE_ALWAYS_NO,	/* -n: never overwrite */
	INTERACTIVE_ASK		/* -i: ask on stderr, answer on stdin */
};

enum reflink_mode {
	REFLINK_AUTO,		/* clone when possible, else copy */
	REFLINK_ALWAYS,		/* clone or fail */
	REFLINK_NEVER		/* never share extents (no clone, no cfr) */
};

enum sparse_mode {
	SPARSE_AUTO,		/* keep the source's holes */
	SPARSE_ALWAYS,		/* also turn runs of zeros into holes */
	SPARSE_NEVER		/* write every byte */
};

enum deref_mode {
	DEREF_UNSET,		/* none given: resolved by options_parse() */
	DEREF_NEVER,		/* -P: copy symbolic links as links */
	DEREF_ARGS,		/* -H: follow links named on the command line */
	DEREF_ALWAYS		/* -L: follow every link */
};

enum update_mode {
	UPDATE_ALL,		/* replace every existing file (default) */
	UPDATE_NONE,		/* --update=none: replace none */
	UPDATE_NONE_FAIL,	/* --update=none-fail: ... and say so, fail */
	UPDATE_OLDER		/* -u, --update=older: replace older ones */
};

enum backup_mode {
	BACKUP_NONE,		/* no backups */
	BACKUP_SIMPLE,		/* NAME~ (or -S SUFFIX) */
	BACKUP_EXISTING,	/* numbered if numbered ones exist */
	BACKUP_NUMBERED		/* NAME.~N~ */
};

/* In --bench=LIST, beside the ENGINE_BIT()s: the system's cp. */
#define OPTIONS_BENCH_CP	ENGINE_BIT(ENGINE_NUM)

/* --sweep=SIZES: at most this many sizes. */
#define OPTIONS_SWEEP_MAX	32

/* --bench-state=STATE: what the copies of a tree go into. */
enum bench_state {
	BENCH_STATE_UNSET,	/* not given: fresh */
	BENCH_STATE_FRESH,	/* a new name each run */
	BENCH_STATE_DELETED	/* the previous copy removed and synced */
};

/* --chart[=WHEN]. */
enum chart_when {
	CHART_AUTO,		/* when stdout is a terminal (default) */
	CHART_NEVER,
	CHART_ALWAYS		/* --chart, --chart=always */
};

struct options {
	/* Operands. */
	const char	*target_dir;	/* -t DIR: copy every operand into it */
	bool		 no_target_dir;	/* -T: DEST is never a directory */

	/* What to do with an existing destination. */
	enum interactive interactive;	/* -i, -n: the last one wins */
	bool		 unlink_failed;	/* -f: unlink and retry failed opens */
	bool		 remove_dest;	/* --remove-destination: unlink first */
	enum update_mode update;	/* -u, --update[=WHEN] */
	enum backup_mode backup;	/* -b, --backup[=CONTROL] */
	const char	*suffix;	/* -S: simple backup suffix */

	/* Trees. */
	bool		 recursive;	/* -r, -R */
	enum deref_mode	 deref;		/* -P, -L, -H */
	bool		 one_fs;	/* -x: do not descend into mounts */
	bool		 parents;	/* --parents: DIR/full/source/name */
	bool		 strip_slashes;	/* --strip-trailing-slashes */
	bool		 copy_contents;	/* --copy-contents: read specials */
	bool		 keep_dir_symlink; /* --keep-directory-symlink: copy a
					   directory into an existing symbolic
					   link to one */
	unsigned	 jobs;		/* -j: threads copying a tree at once */
	struct filter	 filter;	/* --exclude, --include (and -from):
					   the entries of a tree left out */
	bool		 dry_run;	/* --dry-run: say, change nothing */

	/* Instead of copying data. */
	bool		 hard_link;	/* -l: hard link files */
	bool		 sym_link;	/* -s: make symbolic links */
	bool		 attributes_only; /* --attributes-only: no data */

	/* Metadata (-p, --preserve). */
	bool		 preserve_mode;
	bool		 preserve_ownership;
	bool		 preserve_timestamps;
	bool		 preserve_links;	/* hard links in the copied set */
	bool		 preserve_xattr;	/* extended attributes (ACLs) */
	bool		 require_preserve;	/* -p/--preserve: failure is an error */
	bool		 require_xattr;	/* --preserve=xattr: every error counts */
	bool		 quiet_xattr;	/* -a: no message when xattrs fail */
	bool		 no_preserve_mode; /* --no-preserve=mode: default modes */

	/* The data path. */
	enum engine_id	 engine;	/* --engine: ENGINE_AUTO for the chain */
	bool		 uring;		/* --engine=uring: small new files of
					   the parallel walk in batches on
					   io_uring, the rest by the chain */
	enum reflink_mode reflink;	/* --reflink */
	enum sparse_mode sparse;	/* --sparse */
	bool		 fsync;		/* --fsync: flush each file in its time */

	/* Trusting the copy (atomic.c, verify.c, resume.c). */
	bool		 atomic;	/* --atomic: write a temporary file, then
					   rename it over the destination */
	bool		 verify;	/* --verify: read the copy back */
	bool		 resume;	/* --resume: continue a shorter copy */

	/* Reporting. */
	bool		 verbose;	/* -v: GNU cp's line for each file */
	bool		 debug;		/* --debug: -v, and how it was copied */
	bool		 stats;		/* --stats: a summary on stderr */
	bool		 json;		/* --json: JSON Lines on stdout */
	bool		 progress;	/* -g: a status line on stderr */

	/* Timing the engines (--bench). */
	bool		 bench;		/* --bench: time engines, copy nothing */
	unsigned	 bench_engines;	/* --bench=LIST: ENGINE_BIT()s and
					   OPTIONS_BENCH_CP, 0: the default */
	unsigned	 bench_runs;	/* --runs=N: timed runs per engine */
	uint64_t	 bench_size;	/* --bench-size: make a source */
	bool		 bench_cold;	/* --cold: drop caches before each run */
	bool		 csv;		/* --csv: the --bench table as CSV */
	bool		 bench_socket;	/* --to-socket: into loopback TCP */
	bool		 sweep;		/* --sweep: over a range of sizes */
	uint64_t	 sweep_sizes[OPTIONS_SWEEP_MAX]; /* --sweep=SIZES,
					   ascending */
	unsigned	 sweep_n;	/* their number, 0: the default */
	double		 sweep_time;	/* --sweep-time: seconds, 0: 60 */
	const char	*plot;		/* --plot=FILE: the sweep as SVG */
	enum chart_when	 chart;		/* --chart: the sweep in characters */
	enum bench_state bench_state;	/* --bench-state: of a tree */

	/* Derived. */
	mode_t		 umask;		/* the process umask, read once */
};

/*
 * Parses argv into opts.  Returns the index of the first operand.  Exits
 * with cp's messages on bad usage, and after --help or --version.
 */
int	 options_parse(int, char **, struct options *);

/* Prints the usage hint to stderr and exits 1. */
void	 options_usage_hint(void) __attribute__((noreturn));

#endif
