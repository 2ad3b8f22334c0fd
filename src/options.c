/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * options.c: the command line.  The getopt_long table, --help, --version,
 * the checks on combinations of options, all with GNU cp's wording.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closeout.h"
#include "compat.h"
#include "nls.h"
#include "options.h"
#include "quote.h"
#include "units.h"

enum {
	OPT_ATTRIBUTES_ONLY = 256,
	OPT_ATOMIC,
	OPT_BACKUP,
	OPT_CONTEXT,
	OPT_COPY_CONTENTS,
	OPT_DEBUG,
	OPT_KEEP_DIR_SYMLINK,
	OPT_NO_PRESERVE,
	OPT_PARENTS,
	OPT_STRIP_TRAILING_SLASHES,
	OPT_ENGINE,
	OPT_JOBS_LONG,
	OPT_FSYNC,
	OPT_HELP,
	OPT_JSON,
	OPT_PRESERVE,
	OPT_REFLINK,
	OPT_REMOVE_DESTINATION,
	OPT_RESUME,
	OPT_SPARSE,
	OPT_STATS,
	OPT_VERIFY,
	OPT_VERSION,
	OPT_EXCLUDE,
	OPT_EXCLUDE_FROM,
	OPT_INCLUDE,
	OPT_INCLUDE_FROM,
	OPT_DRY_RUN
};

/* --bench and --progress: see options_bench_one(). */
enum {
	OPT_BENCH = 512,
	OPT_BENCH_SIZE,
	OPT_COLD,
	OPT_CSV,
	OPT_RUNS,
	OPT_TO_SOCKET,
	OPT_SWEEP,
	OPT_SWEEP_TIME,
	OPT_PLOT,
	OPT_CHART,
	OPT_BENCH_STATE
};

/* The year of the copyright line of --version. */
#define OPTIONS_YEAR	"2026"

static const char options_short[] = "abdfgHij:lLnPprRsS:t:TuvxZ";

static const struct option options_long[] = {
	{ .name = "archive", .has_arg = no_argument, .val = 'a' },
	{ .name = "atomic", .has_arg = no_argument, .val = OPT_ATOMIC },
	{ .name = "attributes-only", .has_arg = no_argument,
	    .val = OPT_ATTRIBUTES_ONLY },
	{ .name = "backup", .has_arg = optional_argument, .val = OPT_BACKUP },
	{ .name = "context", .has_arg = optional_argument, .val = OPT_CONTEXT },
	{ .name = "copy-contents", .has_arg = no_argument,
	    .val = OPT_COPY_CONTENTS },
	{ .name = "debug", .has_arg = no_argument, .val = OPT_DEBUG },
	{ .name = "dry-run", .has_arg = no_argument, .val = OPT_DRY_RUN },
	{ .name = "dereference", .has_arg = no_argument, .val = 'L' },
	{ .name = "engine", .has_arg = required_argument, .val = OPT_ENGINE },
	{ .name = "exclude", .has_arg = required_argument,
	    .val = OPT_EXCLUDE },
	{ .name = "exclude-from", .has_arg = required_argument,
	    .val = OPT_EXCLUDE_FROM },
	{ .name = "force", .has_arg = no_argument, .val = 'f' },
	{ .name = "fsync", .has_arg = no_argument, .val = OPT_FSYNC },
	{ .name = "help", .has_arg = no_argument, .val = OPT_HELP },
	{ .name = "include", .has_arg = required_argument,
	    .val = OPT_INCLUDE },
	{ .name = "include-from", .has_arg = required_argument,
	    .val = OPT_INCLUDE_FROM },
	{ .name = "interactive", .has_arg = no_argument, .val = 'i' },
	{ .name = "jobs", .has_arg = required_argument, .val = 'j' },
	{ .name = "json", .has_arg = no_argument, .val = OPT_JSON },
	{ .name = "keep-directory-symlink", .has_arg = no_argument,
	    .val = OPT_KEEP_DIR_SYMLINK },
	{ .name = "link", .has_arg = no_argument, .val = 'l' },
	{ .name = "no-clobber", .has_arg = no_argument, .val = 'n' },
	{ .name = "no-dereference", .has_arg = no_argument, .val = 'P' },
	{ .name = "no-preserve", .has_arg = required_argument,
	    .val = OPT_NO_PRESERVE },
	{ .name = "no-target-directory", .has_arg = no_argument, .val = 'T' },
	{ .name = "one-file-system", .has_arg = no_argument, .val = 'x' },
	{ .name = "parents", .has_arg = no_argument, .val = OPT_PARENTS },
	{ .name = "preserve", .has_arg = optional_argument,
	    .val = OPT_PRESERVE },
	{ .name = "recursive", .has_arg = no_argument, .val = 'R' },
	{ .name = "reflink", .has_arg = optional_argument, .val = OPT_REFLINK },
	{ .name = "remove-destination", .has_arg = no_argument,
	    .val = OPT_REMOVE_DESTINATION },
	{ .name = "resume", .has_arg = no_argument, .val = OPT_RESUME },
	{ .name = "sparse", .has_arg = required_argument, .val = OPT_SPARSE },
	{ .name = "stats", .has_arg = no_argument, .val = OPT_STATS },
	{ .name = "strip-trailing-slashes", .has_arg = no_argument,
	    .val = OPT_STRIP_TRAILING_SLASHES },
	{ .name = "suffix", .has_arg = required_argument, .val = 'S' },
	{ .name = "symbolic-link", .has_arg = no_argument, .val = 's' },
	{ .name = "target-directory", .has_arg = required_argument,
	    .val = 't' },
	{ .name = "update", .has_arg = optional_argument, .val = 'u' },
	{ .name = "verbose", .has_arg = no_argument, .val = 'v' },
	{ .name = "verify", .has_arg = no_argument, .val = OPT_VERIFY },
	{ .name = "version", .has_arg = no_argument, .val = OPT_VERSION },
	{ .name = "bench", .has_arg = optional_argument, .val = OPT_BENCH },
	{ .name = "bench-size", .has_arg = required_argument,
	    .val = OPT_BENCH_SIZE },
	{ .name = "bench-state", .has_arg = required_argument,
	    .val = OPT_BENCH_STATE },
	{ .name = "cold", .has_arg = no_argument, .val = OPT_COLD },
	{ .name = "csv", .has_arg = no_argument, .val = OPT_CSV },
	{ .name = "progress", .has_arg = no_argument, .val = 'g' },
	{ .name = "runs", .has_arg = required_argument, .val = OPT_RUNS },
	{ .name = "to-socket", .has_arg = no_argument, .val = OPT_TO_SOCKET },
	{ .name = "sweep", .has_arg = optional_argument, .val = OPT_SWEEP },
	{ .name = "sweep-time", .has_arg = required_argument,
	    .val = OPT_SWEEP_TIME },
	{ .name = "plot", .has_arg = required_argument, .val = OPT_PLOT },
	{ .name = "chart", .has_arg = optional_argument, .val = OPT_CHART },
	{ .name = NULL }
};

/* By enum reflink_mode, then NULL (as chart_args, update_args). */
static const char *const reflink_args[] = {
	[REFLINK_AUTO] = "auto", [REFLINK_ALWAYS] = "always",
	[REFLINK_NEVER] = "never", NULL
};
static const char *const sparse_args[] = { "never", "auto", "always", NULL };
static const char *const engine_args[] = {
	"auto", "clone", "copy_file_range", "sendfile", "splice", "rw",
	"uring", NULL
};
/* --bench=LIST: the engines, then the system's cp. */
static const char *const bench_args[] = {
	"auto", "clone", "copy_file_range", "sendfile", "splice", "rw", "cp",
	NULL
};
static const char *const chart_args[] = {
	[CHART_AUTO] = "auto", [CHART_NEVER] = "never",
	[CHART_ALWAYS] = "always", NULL
};
static const char *const preserve_args[] = {
	"mode", "timestamps", "ownership", "links", "context", "xattr", "all",
	NULL
};
static const char *const update_args[] = {
	[UPDATE_ALL] = "all", [UPDATE_NONE] = "none",
	[UPDATE_NONE_FAIL] = "none-fail", [UPDATE_OLDER] = "older", NULL
};
/* Pairs of synonyms, as cp lists them. */
static const char *const backup_args[] = {
	"none", "off", "simple", "never", "existing", "nil", "numbered", "t",
	NULL
};

void
options_usage_hint(void)
{
	fprintf(stderr, CP_("Try '%s --help' for more information.\n"),
	    getprogname());
	exit(1);
}

/* --help: the usage lines, and what zcp does. */
static void
options_help_usage(void)
{
	printf(_("\
Usage: %1$s [OPTION]... [-T] SOURCE DEST\n\
  or:  %1$s [OPTION]... SOURCE... DIRECTORY\n\
  or:  %1$s [OPTION]... -t DIRECTORY SOURCE...\n\
  or:  %1$s --bench[=ENGINES] [OPTION]... SOURCE [DIRECTORY]\n\
  or:  %1$s --bench [--bench-state=STATE] [OPTION]... SOURCE_DIRECTORY [DIRECTORY]\n\
  or:  %1$s --bench[=ENGINES] --bench-size=SIZE [OPTION]... [DIRECTORY]\n\
  or:  %1$s --bench[=ENGINES] --sweep[=SIZES] [OPTION]... [DIRECTORY]\n\
"), getprogname());
	fputs(_("\
Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY, each file with\n\
the fastest way the kernel offers, and say which one it was.\n\
"), stdout);
	fputs(CP_("\
\n\
Mandatory arguments to long options are mandatory for short options too.\n\
"), stdout);
}

/* --help: cp's options from -a to -L. */
static void
options_help_a_to_l(void)
{
	fputs(CP_("\
  -a, --archive                same as -dR --preserve=all\n\
      --attributes-only        don't copy the file data, just the attributes\n\
      --backup[=CONTROL]       make a backup of each existing destination file\
\n\
  -b                           like --backup but does not accept an argument\n\
      --copy-contents          copy contents of special files when recursive\n\
  -d                           same as --no-dereference --preserve=links\n\
"), stdout);
	fputs(_("\
      --debug                  explain how a file is copied: GNU cp's line,\n\
                                 then the engine, fallbacks, bytes, time and\n\
                                 rate of each file.  Implies -v\n\
  -f, --force                  if an existing destination file cannot be\n\
                                 opened, remove it and try again\n\
  -i, --interactive            prompt before overwrite\n\
  -j, --jobs=N                 copy up to N files of a tree at once (default:\n\
                                 the number of CPUs, at most 8, or 32 with\n\
                                 --atomic --fsync; -j1: one by one, in\n\
                                 directory order)\n\
  -H                           follow command-line symbolic links in SOURCE\n\
      --keep-directory-symlink  copy a directory into an existing symbolic\n\
                                 link to a directory in the destination\n\
"), stdout);
	fputs(CP_("\
  -l, --link                   hard link files instead of copying\n\
  -L, --dereference            always follow symbolic links in SOURCE\n\
"), stdout);
}

/* --help: cp's options from -n to -Z. */
static void
options_help_n_to_z(void)
{
	fputs(_("\
  -n, --no-clobber             do not overwrite an existing file\n\
  -P, --no-dereference         never follow symbolic links in SOURCE\n\
  -p                           same as --preserve=mode,ownership,timestamps\n\
      --preserve[=ATTR_LIST]   preserve the specified attributes (default:\n\
                                 mode,ownership,timestamps), if possible\n\
                                 additional attributes: links, xattr, all\n\
"), stdout);
	fputs(CP_("\
      --no-preserve=ATTR_LIST  don't preserve the specified attributes\n\
      --parents                use full source file name under DIRECTORY\n\
"), stdout);
	fputs(_("\
  -R, -r, --recursive          copy directories recursively\n\
      --reflink[=WHEN]         control clone/CoW copies (auto, always, never)\n\
      --remove-destination     remove each existing destination file before\n\
                                 attempting to open it\n\
      --sparse=WHEN            control creation of sparse files (auto,\n\
                                 always, never)\n\
      --strip-trailing-slashes  remove any trailing slashes from each SOURCE\n\
                                 argument\n\
"), stdout);
	fputs(CP_("\
  -s, --symbolic-link          make symbolic links instead of copying\n\
  -S, --suffix=SUFFIX          override the usual backup suffix\n\
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY\n\
  -T, --no-target-directory    treat DEST as a normal file\n\
"), stdout);
	fputs(_("\
  -u, --update[=WHEN]          replace only destination files that are older\n\
                                 than the source (WHEN: older, the default;\n\
                                 all; none: never replace; none-fail: never\n\
                                 replace, and fail if one exists)\n\
  -v, --verbose                explain what is being done\n\
  -x, --one-file-system        stay on this file system\n\
  -Z, --context[=CTX]          SELinux contexts: without SELinux, as GNU cp,\n\
                                 ignored (--context=CTX warns); zcp cannot set\n\
                                 them, so on an SELinux system it refuses\n\
"), stdout);
}

/* --help: zcp's own, the engines, the reports and the checks. */
static void
options_help_engines(void)
{
	fputs(_("\
\n\
Engines and reports:\n\
      --engine=NAME            copy with NAME alone: auto (default: the\n\
                                 fastest that works), clone, copy_file_range,\n\
                                 sendfile, splice, rw; or uring: new small\n\
                                 files of a tree in batches on io_uring\n\
      --fsync                  flush the copies to disk before exiting: each\n\
                                 file on its own, a tree's file systems once\n\
                                 at the end\n\
      --stats                  print a summary on stderr at the end\n\
      --json                   print JSON Lines on stdout: one object per\n\
                                 file and a summary (with -v, the -v lines\n\
                                 go to stderr)\n\
  -g, --progress               show progress on stderr: a status line on a\n\
                                 terminal, else a line every few seconds\n\
"), stdout);
	fputs(_("\
\n\
Trusting the copy:\n\
      --atomic                 write each regular file where no one sees it and\n\
                                 rename it over the destination once complete:\n\
                                 a failure, Ctrl-C or a crash leaves the old\n\
                                 file (the copy is a new inode: other hard\n\
                                 links to the old file keep the old data)\n\
      --verify                 read each copy back from the disk (its cached\n\
                                 pages dropped) and compare it with the source;\n\
                                 a difference fails the file\n\
      --resume                 continue a destination shorter than the source\n\
                                 once checked to be the start of it, instead of\n\
                                 copying it all again\n\
"), stdout);
}

/* --help: --exclude, --include and --dry-run. */
static void
options_help_filter(void)
{
	fputs(_("\
\n\
Leaving out, and trying first:\n\
      --exclude=PATTERN        do not copy the entries of a tree that match\n\
                                 PATTERN, a shell glob ('**' also matches '/'):\n\
                                 without '/', an entry's name at any depth;\n\
                                 with '/', its path in the SOURCE; a trailing\n\
                                 '/' matches directories only.  An excluded\n\
                                 directory is not entered\n\
      --include=PATTERN        copy the entries that match PATTERN: the first\n\
                                 --exclude or --include that matches decides\n\
      --exclude-from=FILE      --exclude each line of FILE (- for standard\n\
                                 input; lines that begin with # are left out)\n\
      --include-from=FILE      --include each line of FILE\n\
      --dry-run                say what would be done (-v, --debug, --json),\n\
                                 applying every rule, but change nothing\n\
"), stdout);
}

/* --help: --bench and its options. */
static void
options_help_bench(void)
{
	fputs(_("\
\n\
Timing the engines (--bench copies SOURCE to temporary files only):\n\
      --bench[=ENGINES]        time each engine (a comma-separated list;\n\
                                 default: all the kernel accepts, auto, and\n\
                                 cp, the system's, if found in PATH)\n\
                                 copying SOURCE into DIRECTORY (default: .)\n\
      --runs=N                 timed runs of each engine (default 5)\n\
      --bench-state=STATE      if SOURCE is a directory (zcp -r -j1, zcp -r\n\
                                 and cp -r copy the tree), copy it into a new\n\
                                 name each run (fresh, the default), or into\n\
                                 the previous copy's, removed and synced just\n\
                                 before (deleted)\n\
      --bench-size=SIZE        time a random source of SIZE made in DIRECTORY\n\
      --cold                   drop the page cache before each run\n\
      --fsync                  include the flush to disk in each time\n\
      --verify                 include --verify's check of the copy in each time\n\
      --csv                    print the results as CSV (--json: as JSON)\n\
      --to-socket              time sending SOURCE through a loopback TCP\n\
                                 connection to a reader that zcp starts and\n\
                                 checks (no DIRECTORY then, but with\n\
                                 --bench-size, where to make the source)\n\
      --sweep[=SIZES]          time them on random files of each SIZE made in\n\
                                 DIRECTORY (comma-separated; default: 4K to\n\
                                 1G in powers of 4): a table of throughputs\n\
                                 against size, a verdict for each size\n\
      --sweep-time=SECONDS     about how long --sweep may take (default 60;\n\
                                 small sizes get more runs, big ones fewer)\n\
      --plot=FILE              with --sweep, draw the curves into FILE (SVG)\n\
      --chart[=WHEN]           with --sweep, draw them with characters after\n\
                                 the table (WHEN: auto, the default, when\n\
                                 stdout is a terminal; always; never)\n\
"), stdout);
}

/* --help: --help and --version, the backups, the exit status. */
static void
options_help_end(void)
{
	fputs(_("\
\n\
      --help                   display this help and exit\n\
      --version                output version information and exit\n\
"), stdout);
	fputs(_("\
\n\
The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX.\n\
The version control method may be selected via the --backup option or\n\
through the VERSION_CONTROL environment variable: none, off (never make\n\
backups); numbered, t; existing, nil (numbered if numbered backups exist,\n\
simple otherwise); simple, never.\n\
"), stdout);
	fputs(_("\
\n\
Exit status is 0 if every file was copied, 1 if any failed.\n\
See zcp(1) for the engines, the report formats and examples.\n\
"), stdout);
}

/*
 * --help, in parts: those in GNU cp's words (the same bytes as in its
 * --help) from coreutils' catalog, the others from zcp's.
 */
static void
options_help(void)
{
	closeout_buffer();
	options_help_usage();
	options_help_a_to_l();
	options_help_n_to_z();
	options_help_engines();
	options_help_filter();
	options_help_bench();
	options_help_end();
}

/*
 * Quotes as cp's argmatch does (gnulib's gettext_quote()): each as
 * coreutils translates ` and ', else curly quotes in a UTF-8 locale, else
 * '.  (Untranslated, gettext gives the very pointer back.)
 */
static void
options_quotes(const char **l, const char **r)
{
	static const char lq[] = "`", rq[] = "'";
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;

	*l = CP_(lq);
	*r = CP_(rq);
	if (*l == lq)
		*l = utf8 ? "\xe2\x80\x98" : "'";
	if (*r == rq)
		*r = utf8 ? "\xe2\x80\x99" : "'";
}

/*
 * cp's "invalid argument" message.  With pairs, valid[] holds synonyms
 * two by two and they are listed side by side, as for backup types.
 */
static void __attribute__((noreturn))
options_bad_arg(bool ambiguous, const char *arg, const char *opt,
    const char *const *valid, bool pairs)
{
	const char *l, *r;
	char *lv, *lo;

	options_quotes(&l, &r);
	if (asprintf(&lv, "%s%s%s", l, arg, r) == -1 ||
	    asprintf(&lo, "%s%s%s", l, opt, r) == -1)
		err(1, NULL);
	fprintf(stderr, "%s: ", getprogname());
	fprintf(stderr, ambiguous ? CP_("ambiguous argument %s for %s") :
	    CP_("invalid argument %s for %s"), lv, lo);
	fprintf(stderr, "\n%s\n", CP_("Valid arguments are:"));
	for (; *valid != NULL; valid += pairs ? 2 : 1)
		if (pairs)
			fprintf(stderr, "  - %s%s%s, %s%s%s\n", l, valid[0], r,
			    l, valid[1], r);
		else
			fprintf(stderr, "  - %s%s%s\n", l, *valid, r);
	free(lv);
	free(lo);
	options_usage_hint();
}

/*
 * Returns the index of arg in valid: an exact match or an unambiguous
 * prefix (as cp's argmatch).  Exits with cp's message otherwise.
 */
static int
options_match(const char *arg, const char *opt, const char *const *valid,
    bool pairs)
{
	size_t len = strlen(arg);
	int i, found = -1;
	bool ambiguous = false;

	for (i = 0; valid[i] != NULL; i++) {
		if (strcmp(arg, valid[i]) == 0)
			return i;
		/* "" is a prefix of all: ambiguous, as cp's argmatch. */
		if (strncmp(arg, valid[i], len) == 0) {
			/* Synonyms of one value are not ambiguous. */
			if (found != -1 && !(pairs && found / 2 == i / 2))
				ambiguous = true;
			else if (found == -1)
				found = i;
		}
	}
	if (found == -1 || ambiguous)
		options_bad_arg(ambiguous, arg, opt, valid, pairs);
	return found;
}

/* True if s is a single file name part: not empty, no '/' inside. */
static bool
options_one_part(const char *s)
{
	const char *p = s;

	while (*p == '/')
		p++;
	if (*s == '\0' || p != s)
		return false;
	for (; *p != '\0'; p++)
		if (*p == '/' && p[1] != '/' && p[1] != '\0')
			return false;
	return true;
}

/* True if the running kernel has SELinux enabled (selinuxfs mounted). */
static bool
options_selinux(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/*
 * -Z, --context[=CTX]: SELinux contexts.  Without SELinux, as GNU cp
 * there: -Z is ignored and --context=CTX warns.  With it, zcp cannot set
 * contexts (it is built without libselinux), so it refuses rather than
 * copy without them.
 */
static void
options_context(const char *ctx)
{
	if (options_selinux())
		errx(1, _("cannot set security contexts: zcp is built without "
		    "SELinux support"));
	if (ctx != NULL)
		warnx(CP_("warning: ignoring --context; it requires an "
		    "SELinux-enabled kernel"));
}

/*
 * --preserve=LIST (on) and --no-preserve=LIST (off).  An empty item (in
 * "mode,", ",", "") is refused as cp does: it is a prefix of every
 * attribute, so cp's argmatch calls it ambiguous.
 */
static void
options_preserve(struct options *o, const char *list, bool on,
    const char *opt)
{
	char *copy, *tok, *rest;

	if ((copy = strdup(list)) == NULL)
		err(1, NULL);
	for (rest = copy; (tok = strsep(&rest, ",")) != NULL;) {
		if (*tok == '\0')
			options_bad_arg(true, tok, opt, preserve_args, false);
		switch (options_match(tok, opt, preserve_args, false)) {
		case 0:
			o->preserve_mode = on;
			o->no_preserve_mode = !on;
			break;
		case 1:
			o->preserve_timestamps = on;
			break;
		case 2:
			o->preserve_ownership = on;
			break;
		case 3:
			o->preserve_links = on;
			break;
		case 4:
			if (on)
				errx(1, CP_("cannot preserve security context "
				    "without an SELinux-enabled kernel"));
			break;
		case 5:
			o->preserve_xattr = o->require_xattr = on;
			break;
		default:
			o->preserve_mode = o->preserve_timestamps = on;
			o->preserve_ownership = o->preserve_links = on;
			o->preserve_xattr = on;
			o->no_preserve_mode = !on;
			if (!on)
				o->require_xattr = false;
			break;
		}
	}
	free(copy);
	if (on)
		o->require_preserve = true;
}

static enum backup_mode
options_backup(const char *arg, const char *what)
{
	static const enum backup_mode modes[] = {
		BACKUP_NONE, BACKUP_SIMPLE, BACKUP_EXISTING, BACKUP_NUMBERED
	};

	if (arg == NULL || *arg == '\0')
		arg = getenv("VERSION_CONTROL");
	if (arg == NULL || *arg == '\0')
		return BACKUP_EXISTING;
	return modes[options_match(arg, what, backup_args, true) / 2];
}

/*
 * GNU's form (coreutils' version_etc()), then the engines this build can
 * use (configure's --disable-NAME switches leave some out).  Write errors
 * are caught at exit (closeout.c).
 */
static void
options_version(void)
{
	closeout_buffer();
	printf("%s %s\nCopyright %s %s the zcp authors.\n", PACKAGE_NAME,
	    PACKAGE_VERSION, CP_("(C)"), OPTIONS_YEAR);
	printf(CP_("License GPLv3+: GNU GPL version 3 or later <%s>.\n"
	    "This is free software: you are free to change and redistribute "
	    "it.\n"
	    "There is NO WARRANTY, to the extent permitted by law.\n"),
	    "https://gnu.org/licenses/gpl.html");
	printf("\nengines: %s\n", ZCP_ENGINES);
}

/* -j N: a whole number from 1 to 256. */
static unsigned
options_jobs(const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno != 0 || *arg == '\0' || *end != '\0' || n < 1 || n > 256) {
		warnx(_("invalid number of jobs: %s"), quote(arg));
		options_usage_hint();
	}
	return (unsigned)n;
}

/* The default -j of --atomic --fsync on a tree (options_check()). */
#define OPTIONS_FLUSH_JOBS	32

/* The default -j: the online CPUs, at most 8. */
static unsigned
options_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* -j, once the other options are known. */
static void
options_set_jobs(struct options *o)
{
	/*
	 * --atomic --fsync on a tree flushes each file before its rename:
	 * threads that wait for the disk use no CPU, and more flushes at
	 * once cost less each (one journal commit, or one flush of the
	 * disk's cache, for several): on 20,000 files 16 threads took 2.5
	 * times less than 2 (root ext4), 32 a quarter less than 16
	 * (journaled ext4) (bench/RESULTS.md, "Durable trees").
	 */
	if (o->jobs == 0 && o->atomic && o->fsync && o->recursive)
		o->jobs = OPTIONS_FLUSH_JOBS;
	if (o->jobs == 0)
		o->jobs = options_default_jobs();
	/* -i: the questions come in directory order, as cp asks them. */
	if (o->interactive == INTERACTIVE_ASK)
		o->jobs = 1;
}

static void
options_check(struct options *o, bool backup, const char *backup_arg)
{

	if (o->target_dir != NULL && o->no_target_dir)
		errx(1, CP_("cannot combine --target-directory (-t) and "
		    "--no-target-directory (-T)"));
	if (o->hard_link && o->sym_link) {
		warnx(CP_("cannot make both hard and symbolic links"));
		options_usage_hint();
	}
	if (backup && o->interactive == INTERACTIVE_ALWAYS_NO) {
		warnx(CP_("options --backup and --no-clobber are mutually "
		    "exclusive"));
		options_usage_hint();
	}
	if (o->reflink == REFLINK_ALWAYS && o->sparse != SPARSE_AUTO) {
		warnx(CP_("--reflink can be used only with --sparse=auto"));
		options_usage_hint();
	}
	if (o->reflink == REFLINK_ALWAYS && o->engine != ENGINE_AUTO &&
	    o->engine != ENGINE_CLONE) {
		warnx(_("--reflink=always can be used only with --engine=clone "
		    "or auto"));
		options_usage_hint();
	}
	if (o->reflink == REFLINK_NEVER && (o->engine == ENGINE_CLONE ||
	    o->engine == ENGINE_CFR)) {
		warnx(_("--engine=%s may share extents, which --reflink=never "
		    "forbids"), engine_name(o->engine));
		options_usage_hint();
	}
	if (o->sparse == SPARSE_NEVER && (o->engine == ENGINE_CLONE ||
	    o->engine == ENGINE_CFR)) {
		warnx(_("--engine=%s may keep holes, which --sparse=never "
		    "forbids"), engine_name(o->engine));
		options_usage_hint();
	}
	if (backup)
		o->backup = backup_arg != NULL ?
		    options_backup(backup_arg, CP_("backup type")) :
		    options_backup(NULL, "$VERSION_CONTROL");
	if (o->suffix == NULL)
		o->suffix = getenv("SIMPLE_BACKUP_SUFFIX");
	/* As gnulib's backupfile: a suffix that is not one file name part
	 * (empty, or with a '/' before its end) is '~'. */
	if (o->suffix == NULL || !options_one_part(o->suffix))
		o->suffix = "~";
	/* As cp: -r copies links as links, except with -l. */
	if (o->deref == DEREF_UNSET)
		o->deref = o->recursive && !o->hard_link ? DEREF_NEVER :
		    DEREF_ALWAYS;
	options_set_jobs(o);
}

/*
 * --bench=LIST: the engines and cp, comma-separated (auto counts as
 * one).
 */
static unsigned
options_bench_list(const char *list)
{
	char *copy, *tok, *save;
	unsigned mask = 0;
	const char *name;

	if ((copy = strdup(list)) == NULL)
		err(1, NULL);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		name = bench_args[options_match(tok, "--bench", bench_args,
		    false)];
		mask |= strcmp(name, "cp") == 0 ? OPTIONS_BENCH_CP :
		    ENGINE_BIT(engine_lookup(name));
	}
	free(copy);
	if (mask == 0)
		options_bad_arg(false, list, "--bench", bench_args, false);
	return mask;
}

/* fmt: the message, with %s%s%s for the quotes around arg. */
static void
options_bad_number(const char *fmt, const char *arg)
{
	const char *l, *r;

	options_quotes(&l, &r);
	warnx(fmt, l, arg, r);
	options_usage_hint();
}

static int
options_cmp_size(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * --sweep=SIZES: comma-separated sizes into sizes (OPTIONS_SWEEP_MAX at
 * most), ascending, each once.  Returns their number.
 */
static unsigned
options_sweep_sizes(const char *list, uint64_t *sizes)
{
	char *copy, *tok, *save;
	unsigned n = 0, i, k;

	if ((copy = strdup(list)) == NULL)
		err(1, NULL);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == OPTIONS_SWEEP_MAX) {
			warnx(_("--sweep: at most %d sizes"),
			    OPTIONS_SWEEP_MAX);
			options_usage_hint();
		}
		if (units_parse_size(tok, &sizes[n]) == -1 || sizes[n] == 0)
			options_bad_number(_("invalid size: %s%s%s"), tok);
		n++;
	}
	free(copy);
	if (n == 0)
		options_bad_number(_("invalid size: %s%s%s"), list);
	qsort(sizes, n, sizeof(*sizes), options_cmp_size);
	for (i = k = 1; i < n; i++)
		if (sizes[i] != sizes[k - 1])
			sizes[k++] = sizes[i];
	return k;
}

/* --sweep-time=SECONDS: more than 0, at most a day. */
static double
options_sweep_time(const char *arg)
{
	double t;
	char *end;

	errno = 0;
	t = strtod(arg, &end);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    !(t > 0) || t > 86400)
		options_bad_number(_("invalid time: %s%s%s"), arg);
	return t;
}

/* --runs=N: from 1 to 10,000. */
static unsigned
options_runs(const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    n == 0 || n > 10000)
		options_bad_number(_("invalid number of runs: %s%s%s"), arg);
	return (unsigned)n;
}

/*
 * --bench-state=STATE: fresh or deleted (or a prefix of one).  A bad one
 * is refused with one line: the two values fit in it.
 */
static enum bench_state
options_bench_state(const char *arg)
{
	const char *l, *r;
	size_t n = strlen(arg);

	if (n > 0 && strncmp(arg, "fresh", n) == 0)
		return BENCH_STATE_FRESH;
	if (n > 0 && strncmp(arg, "deleted", n) == 0)
		return BENCH_STATE_DELETED;
	options_quotes(&l, &r);
	/* TRANSLATORS: %s%s%s: quote, value, quote. */
	errx(1, _("invalid argument %s%s%s for %s--bench-state%s (fresh or "
	    "deleted)"), l, arg, r, l, r);
}

/* The options of --bench and --progress.  Returns false if c is not one. */
static bool
options_bench_one(struct options *o, int c)
{
	switch (c) {
	case 'g':
		o->progress = true;
		return true;
	case OPT_BENCH:
		o->bench = true;
		o->bench_engines = optarg == NULL ? 0 :
		    options_bench_list(optarg);
		return true;
	case OPT_BENCH_SIZE:
		if (units_parse_size(optarg, &o->bench_size) == -1 ||
		    o->bench_size == 0)
			/* TRANSLATORS: %s%s%s: quote, value, quote. */
			options_bad_number(_("invalid size: %s%s%s"), optarg);
		return true;
	case OPT_COLD:
		o->bench_cold = true;
		return true;
	case OPT_BENCH_STATE:
		o->bench_state = options_bench_state(optarg);
		return true;
	case OPT_CSV:
		o->csv = true;
		return true;
	case OPT_TO_SOCKET:
		o->bench_socket = true;
		return true;
	case OPT_SWEEP:
		o->sweep = true;
		o->sweep_n = optarg == NULL ? 0 : options_sweep_sizes(optarg,
		    o->sweep_sizes);
		return true;
	case OPT_SWEEP_TIME:
		o->sweep_time = options_sweep_time(optarg);
		return true;
	case OPT_PLOT:
		o->plot = optarg;
		return true;
	case OPT_CHART:
		o->chart = optarg == NULL ? CHART_ALWAYS : (enum chart_when)
		    options_match(optarg, "--chart", chart_args, false);
		return true;
	case OPT_RUNS:
		o->bench_runs = options_runs(optarg);
		return true;
	default:
		return false;
	}
}

/* The first copy option that --bench has no use for, or NULL. */
static const char *
options_bench_conflict(const struct options *o)
{
	if (o->recursive || o->one_fs || o->parents || o->copy_contents ||
	    o->strip_slashes)
		return _("-r, -x, --parents or --copy-contents");
	if (o->target_dir != NULL || o->no_target_dir)
		return _("--target-directory (-t, -T)");
	if (o->interactive != INTERACTIVE_UNSET || o->update != UPDATE_ALL ||
	    o->remove_dest || o->backup != BACKUP_NONE)
		return _("-b, -f, -i, -n, -u or --remove-destination");
	if (o->deref == DEREF_NEVER || o->deref == DEREF_ARGS)
		return _("-d, -H or -P");
	if (o->hard_link || o->sym_link || o->attributes_only)
		return _("-l, -s or --attributes-only");
	if (o->preserve_mode || o->preserve_ownership ||
	    o->preserve_timestamps || o->preserve_links || o->preserve_xattr)
		return _("--preserve (-a, -p)");
	if (o->engine != ENGINE_AUTO)
		return _("--engine (name the engines in --bench=ENGINES)");
	if (o->atomic || o->resume)
		return _("--atomic or --resume");
	if (o->reflink != REFLINK_AUTO || o->sparse != SPARSE_AUTO)
		return _("--reflink or --sparse");
	if (o->verbose || o->stats)
		return _("--verbose (-v), --debug or --stats");
	if (o->progress)
		return _("--progress (-g)");
	return NULL;
}

/* The first option that only --sweep uses, or NULL. */
static const char *
options_sweep_only(const struct options *o)
{
	return o->sweep_time > 0 ? "--sweep-time" : o->plot != NULL ?
	    "--plot" : o->chart != CHART_AUTO ? "--chart" : NULL;
}

/* The combinations of --sweep and its options. */
static void
options_check_sweep(const struct options *o)
{
	const char *bad;

	if (!o->sweep && (bad = options_sweep_only(o)) != NULL) {
		warnx(_("%s can be used only with --sweep"), bad);
		options_usage_hint();
	}
	if (o->sweep && o->bench_size) {
		warnx(_("--sweep cannot be used with --bench-size "
		    "(--sweep=SIZES names the sizes)"));
		options_usage_hint();
	}
	if (o->sweep_time > 0 && o->bench_runs) {
		warnx(_("cannot combine --runs and --sweep-time"));
		options_usage_hint();
	}
	if (o->chart == CHART_ALWAYS && (o->json || o->csv)) {
		warnx(_("cannot combine --chart and --%s"), o->json ? "json" :
		    "csv");
		options_usage_hint();
	}
}

/* After options_check(): the combinations of --bench and its options. */
static void
options_check_bench(struct options *o)
{
	const char *bad;

	if (o->csv && o->json) {
		warnx(_("cannot combine --csv and --json"));
		options_usage_hint();
	}
	if (!o->bench) {
		bad = o->bench_runs ? "--runs" : o->bench_size ?
		    "--bench-size" : o->bench_cold ? "--cold" : o->csv ?
		    "--csv" : o->bench_socket ? "--to-socket" : o->sweep ?
		    "--sweep" : o->bench_state ? "--bench-state" :
		    options_sweep_only(o);
		if (bad != NULL) {
			warnx(_("%s can be used only with --bench"), bad);
			options_usage_hint();
		}
		return;
	}
	if ((bad = options_bench_conflict(o)) != NULL) {
		warnx(_("--bench cannot be used with %s"), bad);
		options_usage_hint();
	}
	if (o->bench_socket && (o->fsync || o->verify ||
	    (o->bench_engines & OPTIONS_BENCH_CP))) {
		warnx(_("--to-socket cannot be used with %s"), o->fsync ?
		    _("--fsync (a socket has nothing to flush)") : o->verify ?
		    _("--verify (a socket cannot be read back)") :
		    _("--bench=cp (cp cannot write into a socket)"));
		options_usage_hint();
	}
	options_check_sweep(o);
	if (o->bench_runs == 0 && !o->sweep)
		o->bench_runs = 5;
}

/* State of the parse that is resolved only at the end. */
struct options_parse {
	bool		 backup;	/* -b, --backup or -S seen */
	const char	*backup_arg;	/* --backup=CONTROL */
};

/* What zcp says: -v, --debug, --stats, --json, --help, --version. */
static void
options_report(struct options *o, int c)
{
	switch (c) {
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_STATS:
		o->stats = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case OPT_DEBUG:
		o->verbose = o->debug = true;
		break;
	case OPT_HELP:
		options_help();
		exit(0);
	case OPT_VERSION:
		options_version();
		exit(0);
	default:
		if (!options_bench_one(o, c))
			options_usage_hint();
	}
}

/* How the data is copied: --engine, --reflink, --sparse, --atomic... */
static void
options_data(struct options *o, int c)
{
	const char *arg;

	switch (c) {
	case OPT_ENGINE:
		arg = engine_args[options_match(optarg, "--engine",
		    engine_args, false)];
		/* Not an engine of the chain: the executor of batches. */
		o->uring = strcmp(arg, "uring") == 0;
#if !HAVE_LIBURING
		/* configure's --without-liburing: no batch executor. */
		if (o->uring)
			errx(1, _("--engine=uring is not available: zcp was "
			    "built without liburing"));
#endif
		o->engine = o->uring ? ENGINE_AUTO :
		    (enum engine_id)engine_lookup(arg);
		break;
	case OPT_FSYNC:
		o->fsync = true;
		break;
	case OPT_ATOMIC:
		o->atomic = true;
		break;
	case OPT_VERIFY:
		o->verify = true;
		break;
	case OPT_RESUME:
		o->resume = true;
		break;
	case OPT_REFLINK:
		o->reflink = optarg == NULL ? REFLINK_ALWAYS : (enum
		    reflink_mode)options_match(optarg, "--reflink",
		    reflink_args, false);
		break;
	case OPT_SPARSE:
		switch (options_match(optarg, "--sparse", sparse_args, false)) {
		case 0:
			o->sparse = SPARSE_NEVER;
			break;
		case 1:
			o->sparse = SPARSE_AUTO;
			break;
		default:
			o->sparse = SPARSE_ALWAYS;
			break;
		}
		break;
	default:
		options_report(o, c);
	}
}

/* The attributes: -a, -p, --preserve, --no-preserve, -Z. */
static void
options_attrs(struct options *o, int c)
{
	switch (c) {
	case 'a':
		o->recursive = true;
		o->deref = DEREF_NEVER;
		o->preserve_mode = o->preserve_ownership = true;
		o->preserve_timestamps = o->preserve_links = true;
		o->preserve_xattr = o->require_preserve = true;
		o->quiet_xattr = true;
		break;
	case 'p':
		o->preserve_mode = o->preserve_ownership = true;
		o->preserve_timestamps = o->require_preserve = true;
		break;
	case OPT_PRESERVE:
		options_preserve(o, optarg != NULL ? optarg :
		    "mode,timestamps,ownership", true, "--preserve");
		break;
	case OPT_NO_PRESERVE:
		options_preserve(o, optarg, false, "--no-preserve");
		break;
	case OPT_ATTRIBUTES_ONLY:
		o->attributes_only = true;
		break;
	case 'Z':
	case OPT_CONTEXT:
		options_context(c == OPT_CONTEXT ? optarg : NULL);
		break;
	default:
		options_data(o, c);
	}
}

/* What a tree leaves out: --exclude, --include; and --dry-run. */
static void
options_filter(struct options *o, int c)
{
	bool in = c == OPT_INCLUDE || c == OPT_INCLUDE_FROM;

	switch (c) {
	case OPT_EXCLUDE:
	case OPT_INCLUDE:
		if (filter_add(&o->filter, in, optarg, NULL, 0) == -1)
			err(1, NULL);
		break;
	case OPT_EXCLUDE_FROM:
	case OPT_INCLUDE_FROM:
		if (filter_add_file(&o->filter, in, optarg) == -1)
			err(1, _("cannot read %s"), quote(optarg));
		break;
	case OPT_DRY_RUN:
		o->dry_run = true;
		break;
	default:
		options_attrs(o, c);
	}
}

/* The walk: links followed or made, -r, -x, -j, --parents. */
static void
options_tree(struct options *o, int c)
{
	switch (c) {
	case 'd':
		o->deref = DEREF_NEVER;
		o->preserve_links = true;
		break;
	case 'H':
		o->deref = DEREF_ARGS;
		break;
	case 'L':
		o->deref = DEREF_ALWAYS;
		break;
	case 'P':
		o->deref = DEREF_NEVER;
		break;
	case 'l':
		o->hard_link = true;
		break;
	case 's':
		o->sym_link = true;
		break;
	case 'r':
	case 'R':
		o->recursive = true;
		break;
	case 'x':
		o->one_fs = true;
		break;
	case 'j':
		o->jobs = options_jobs(optarg);
		break;
	case OPT_PARENTS:
		o->parents = true;
		break;
	case OPT_STRIP_TRAILING_SLASHES:
		o->strip_slashes = true;
		break;
	case OPT_COPY_CONTENTS:
		o->copy_contents = true;
		break;
	case OPT_KEEP_DIR_SYMLINK:
		o->keep_dir_symlink = true;
		break;
	default:
		options_filter(o, c);
	}
}

static void
options_one(struct options *o, struct options_parse *st, int c)
{
	switch (c) {
	case 'b':
		st->backup = true;
		break;
	case OPT_BACKUP:
		st->backup = true;
		st->backup_arg = optarg;
		break;
	case 'S':
		st->backup = true;
		o->suffix = optarg;
		break;
	case 'f':
		/* As GNU cp: -f cancels neither -i nor -n. */
		o->unlink_failed = true;
		break;
	case 'i':
		o->interactive = INTERACTIVE_ASK;
		break;
	case 'n':
		o->interactive = INTERACTIVE_ALWAYS_NO;
		break;
	case 'u':
		o->update = optarg == NULL ? UPDATE_OLDER : (enum update_mode)
		    options_match(optarg, "--update", update_args, false);
		break;
	case OPT_REMOVE_DESTINATION:
		o->remove_dest = true;
		break;
	case 't':
		if (o->target_dir != NULL)
			errx(1, CP_("multiple target directories specified"));
		o->target_dir = optarg;
		break;
	case 'T':
		o->no_target_dir = true;
		break;
	default:
		options_tree(o, c);
	}
}

/*
 * GNU cp's long options (coreutils 9.5).  A prefix that names one of them
 * alone means it, whatever zcp adds: zcp's own options must not make a
 * GNU abbreviation ambiguous (--b is --backup, --f --force, --st
 * --strip-trailing-slashes), or a script written for cp would break.
 */
static const char *const options_gnu[] = {
	"archive", "attributes-only", "backup", "context", "copy-contents",
	"debug", "dereference", "force", "help", "interactive",
	"keep-directory-symlink", "link", "no-clobber", "no-dereference",
	"no-preserve", "no-target-directory", "one-file-system", "parents",
	"preserve", "recursive", "reflink", "remove-destination", "sparse",
	"strip-trailing-slashes", "suffix", "symbolic-link",
	"target-directory", "update", "verbose", "version", NULL
};

/* The index in options_long[] of the option named name (len bytes). */
static int
options_index(const char *name, size_t len)
{
	int i;

	for (i = 0; options_long[i].name != NULL; i++)
		if (strlen(options_long[i].name) == len &&
		    strncmp(options_long[i].name, name, len) == 0)
			return i;
	return -1;
}

/*
 * The index in options_long[] that "--name" means: an exact name, else
 * the one GNU option it abbreviates, else the one zcp option it does;
 * -1 if none or several (getopt_long then says so).
 */
static int
options_resolve(const char *name, size_t len)
{
	const char *const *g;
	int i, found = -1;

	if ((i = options_index(name, len)) != -1)
		return i;
	for (g = options_gnu; *g != NULL; g++)
		if (strncmp(*g, name, len) == 0) {
			if (found != -1)
				return -1;
			found = options_index(*g, strlen(*g));
		}
	if (found != -1)
		return found;
	for (i = 0; options_long[i].name != NULL; i++)
		if (strncmp(options_long[i].name, name, len) == 0) {
			if (found != -1 && options_long[found].val !=
			    options_long[i].val)
				return -1;
			found = i;
		}
	return found;
}

/* True if short option c takes an argument. */
static bool
options_short_arg(int c)
{
	const char *p = strchr(options_short, c);

	return c != ':' && p != NULL && p[1] == ':';
}

/*
 * Spells out abbreviated long options before getopt_long() sees them, so
 * that GNU's abbreviations keep their meaning (options_resolve()).
 * Option arguments and operands after "--" are left alone.
 */
static void
options_gnu_abbrev(int argc, char **argv)
{
	const char *eq, *name;
	size_t len;
	char *full;
	int i, k, j;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return;
		if (argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1]) {
			/* -abS x: the rest of the cluster, or the next. */
			for (j = 1; argv[i][j] != '\0'; j++)
				if (options_short_arg(argv[i][j])) {
					i += argv[i][j + 1] == '\0';
					break;
				}
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0)
			continue;
		name = argv[i] + 2;
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		if ((k = options_resolve(name, len)) == -1)
			continue;
		if (strlen(options_long[k].name) != len) {
			if (asprintf(&full, "--%s%s", options_long[k].name,
			    eq != NULL ? eq : "") == -1)
				err(1, NULL);
			argv[i] = full;	/* lives as long as argv */
		}
		if (eq == NULL && options_long[k].has_arg == required_argument)
			i++;
	}
}

int
options_parse(int argc, char **argv, struct options *o)
{
	struct options_parse st = { .backup = false, .backup_arg = NULL };
	int c;

	memset(o, 0, sizeof(*o));
	/* getopt's own messages name argv[0]: make it "zcp", as ours. */
	if (argc > 0)
		argv[0] = (char *)getprogname();
	o->engine = ENGINE_AUTO;
	o->umask = umask(0);
	(void)umask(o->umask);
	options_gnu_abbrev(argc, argv);
	while ((c = getopt_long(argc, argv, options_short, options_long,
	    NULL)) != -1)
		options_one(o, &st, c);
	options_check(o, st.backup, st.backup_arg);
	options_check_bench(o);
	return optind;
}
