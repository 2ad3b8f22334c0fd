/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/data.h: the results of zcp --bench for programs, on stdout: one
 * JSON document (--json) or CSV (--csv), with the same field names
 * (doc/zcp-bench.schema.json).  The contenders must be summarized
 * (bench_summarize()).
 */
#ifndef ZCP_BENCH_DATA_H
#define ZCP_BENCH_DATA_H

#include "bench/types.h"

void	 bench_data_json(const struct bench *);
void	 bench_data_csv(const struct bench *);

/*
 * --sweep: one JSON document with the run's fields and, in "sizes", an
 * object for each size with its contenders and verdict; or the CSV of
 * --bench with the rows of every size (its "bytes" column tells them
 * apart).
 */
void	 bench_data_sweep_json(const struct bench_sweep *);
void	 bench_data_sweep_csv(const struct bench_sweep *);

#endif
