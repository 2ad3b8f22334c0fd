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

#endif
