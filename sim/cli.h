/*
 * cli.h - the command-line front end's shared pieces: subcommands and the
 * parsers for the values users type (sizes).  Everything here reports errors as
 * one line on stderr prefixed "zsim CMD: ".
 */
#ifndef ZSIM_CLI_H
#define ZSIM_CLI_H

#include "zsim.h"

/* Exit statuses of the zsim binary. */
enum {
	ZSIM_EXIT_OK = 0,
	ZSIM_EXIT_ERROR = 1,     /* bad input: file, config, trace */
	ZSIM_EXIT_USAGE = 2,     /* bad command line */
	ZSIM_EXIT_WRITE_FAIL = 3,/* the simulated device refused a write (zsim fill) */
};

/*
 * Parse a size: bytes ("4096"), or a number with a K/M/G/T suffix (powers of
 * 1024, optional "iB"/"B": "256M", "1G", "1GiB").  Returns 0 or ZSIM_EFORMAT
 * (empty, junk, overflow, negative).
 */
int zsim_parse_size(const char *s, uint64_t *out);

/* Parse a non-negative decimal integer with nothing after it; 0 or ZSIM_EFORMAT. */
int zsim_parse_u64(const char *s, uint64_t *out);

int zsim_cmd_fill(int argc, char **argv);
int zsim_cmd_run(int argc, char **argv);
int zsim_cmd_calibrate(int argc, char **argv);
int zsim_cmd_corpus(int argc, char **argv);
/* `zsim trace VERB`: pack, dump, stat here (cmd_trace.c); gen and import get argv from VERB on. */
int zsim_cmd_trace(int argc, char **argv);
int zsim_trace_gen(int argc, char **argv);      /* traces/gen.c */
int zsim_trace_import(int argc, char **argv);   /* traces/import.c */

#endif
