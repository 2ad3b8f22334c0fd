/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c: zcp, a cp that picks the fastest kernel path for each file and
 * says which one it took.  Parses the options, hands the operands to the
 * walker, exits 0 if everything was copied and 1 otherwise.
 */
#include "config.h"

#include <locale.h>

#include "atomic.h"
#include "bench/bench.h"
#include "closeout.h"
#include "nls.h"
#include "options.h"
#include "progress.h"
#include "report.h"
#include "operands.h"

int
main(int argc, char **argv)
{
	struct options opts;
	struct progress *prog;
	struct report rep;
	int first, rc;

	closeout_init();
	nls_init();
	/* Numbers in JSON and CSV must parse in every locale: '.' always. */
	(void)setlocale(LC_NUMERIC, "C");
	first = options_parse(argc, argv, &opts);
	if (opts.bench) {
		rc = bench_run(&opts, argc - first, argv + first);
		filter_free(&opts.filter);
		return rc;
	}
	prog = progress_start(&opts, argc - first, argv + first);
	report_init(&rep, &opts, prog);
	atomic_setup(&opts);
	rc = operands_copy(&opts, &rep, prog, argc - first, argv + first);
	progress_finish(prog);
	if (report_finish(&rep) == -1)
		rc = 1;
	filter_free(&opts.filter);
	return rc;
}
