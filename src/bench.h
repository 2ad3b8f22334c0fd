/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench.h: zcp --bench, the engines timed side by side on one file.
 * bench.c runs the copies; bench-cp.c finds and starts the system's cp;
 * bench-socket.c is the loopback connection of --to-socket;
 * bench-print.c prints what they measured as a table, JSON or CSV.
 */
#ifndef ZCP_BENCH_H
#define ZCP_BENCH_H

#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "options.h"

/* The contenders: the engine ids, ENGINE_AUTO (the chain), and cp. */
#define BENCH_CP	ENGINE_NUM
#define BENCH_MAX	(ENGINE_NUM + 1)

/* One contender and its timed runs. */
struct bench_eng {
	int		 id;		/* an enum engine_id, or BENCH_CP */
	int		 refused;	/* errno the kernel refused it with */
	bool		 missing;	/* cp: not found in PATH, not timed */
	enum engine_id	 used;		/* the engine that moved the bytes */
	bool		 cloned;	/* the copy shares the source's data */
	unsigned	 nruns;		/* timed runs done */
	double		*secs;		/* their times, in run order */
	double		 min, median, max;
	double		 spread;	/* (max - min) / median, in percent */
	bool		 tie;		/* within the fastest one's noise */
};

/* --to-socket: the loopback listener and the reader of one run. */
struct bench_sock {
	int		 listen;	/* listening on 127.0.0.1, or -1 */
	struct sockaddr_in addr;	/* its address */
	int		 src;		/* the source, for the reader's check */
	int		 conn;		/* this run's sending end, or -1 */
	int		 peer;		/* this run's receiving end, or -1 */
	pthread_t	 reader;	/* the thread receiving at peer */
	char		*buf, *want;	/* the reader's buffers */
	bool		 check;		/* compare the bytes with the source */
	uint64_t	 received;	/* bytes the reader received */
	uint64_t	 differs;	/* 1 + offset of a wrong byte, or 0 */
	int		 err;		/* errno of the reader's recv(), or 0 */
};

/* A benchmark: what is copied where, and the results. */
struct bench {
	const struct options *opts;
	const char	*src_path;	/* SOURCE, or the made-up source */
	const char	*dir;		/* where the copies go */
	bool		 made;		/* the source is --bench-size's */
	bool		 to_socket;	/* --to-socket: into loopback TCP */
	int		 src;		/* the source, open */
	uint64_t	 size;		/* its size */
	bool		 sparse;	/* it has holes: copy the data only */
	size_t		 blksize;	/* its st_blksize */
	char		 src_fs[32];	/* filesystem type names */
	char		 dst_fs[32];
	char		 kernel[160];	/* "Linux 6.1.0" */
	char		 cp[PATH_MAX];	/* the cp found in PATH, or "" */
	struct bench_eng eng[BENCH_MAX];
	int		 neng;		/* contenders in eng[], in order */
	int		 resident;	/* --cold: most % of SOURCE cached */
	bool		 failed;	/* a contender asked for did not run */
	bool		 clear;		/* the fastest is ahead of the noise */
	struct engine_buf buf;		/* the rw engine's buffer */
	struct bench_sock sock;		/* --to-socket */
};

/*
 * Times the engines that opts names on the n operands: SOURCE
 * [DIRECTORY], or [DIRECTORY] with --bench-size.  Prints the results on
 * stdout, messages on stderr.  Returns the exit status: 0, or 1 after
 * saying why.  Its temporary files are gone when it returns, and when a
 * signal ends the process.
 */
int	 bench_run(const struct options *, int, char **);

/*
 * Prints b's results on stdout as a table, or as JSON or CSV as opts
 * say.  The contenders must be sorted fastest first, those that did not
 * run last.
 */
void	 bench_print(const struct bench *);

/* The contender's name: the engine's, or "cp". */
const char *bench_name(int);

/* True if the contender ran: not refused by the kernel, not missing. */
bool	 bench_ran(const struct bench_eng *);

/*
 * True if a's and b's runs overlap enough that their order may be noise:
 * either median lies within the other's min-max range.
 */
bool	 bench_overlap(const struct bench_eng *, const struct bench_eng *);

/*
 * bench-print.c, for bench-data.c.  bench_print_label() puts the
 * contender's label into buf ("auto (copy_file_range)", "cp") and returns
 * buf.  bench_print_fastest() returns the fastest contender, or NULL if
 * none ran; bench_print_find() the contender id if it ran, or NULL.
 */
const char *bench_print_label(const struct bench_eng *, char *, size_t);
const struct bench_eng *bench_print_fastest(const struct bench *);
const struct bench_eng *bench_print_find(const struct bench *, int);

/*
 * bench-data.c: the results as one JSON document, or as CSV, with the
 * same field names (doc/zcp-bench.schema.json).  bench_data_errname()
 * returns the symbolic name of an errno value ("EXDEV").
 */
void	 bench_data_json(const struct bench *);
void	 bench_data_csv(const struct bench *);
const char *bench_data_errname(int);

/*
 * bench-cp.c.  bench_cp_find() puts the path of the cp that PATH finds
 * (as execvp(3) would) into buf: 0, or -1 if there is none.
 * bench_cp_spawn() starts "cp -- src dst" with the signal mask given:
 * returns its pid, or -1 with errno.
 */
int	 bench_cp_find(char *, size_t);
pid_t	 bench_cp_spawn(const char *, const char *, const char *,
	    const sigset_t *);

/*
 * bench-socket.c.  bench_socket_listen() opens the listener (0, or -1
 * with errno).  bench_socket_connect() opens a connection and starts a
 * reader at its other end that counts the bytes, and with check compares
 * them with the source's: returns the sending end, or -1 with errno.
 * bench_socket_end() shuts the sending side and waits until the reader
 * has received everything: 0, or -1 with errno.  bench_socket_join()
 * waits for the reader (its findings are then in s) and closes the
 * connection; bench_socket_close() the listener.
 */
int	 bench_socket_listen(struct bench_sock *, int);
int	 bench_socket_connect(struct bench_sock *, bool);
int	 bench_socket_end(struct bench_sock *);
void	 bench_socket_join(struct bench_sock *);
void	 bench_socket_close(struct bench_sock *);

#endif
