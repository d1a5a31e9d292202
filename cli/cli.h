/*
 * cli.h - the command-line front end's shared pieces: subcommands and the
 * exit statuses (the value parsers are core/units.h).  Everything here reports errors as
 * one line on stderr prefixed "zsim CMD: ".
 */
#ifndef ZSIM_CLI_H
#define ZSIM_CLI_H

#include "../core/zsim.h"
#include "../core/units.h"
#include "../core/options.h"

#include <stdio.h>

int zsim_cmd_fill(int argc, char **argv);
/* Every subcommand gets argv from its own name on (argv[0] "fill", "run", ...). */
int zsim_cmd_run(int argc, char **argv);
/* The run command's option table and its --help text (zsim --help prints both). */
extern const struct zsim_opt zsim_run_opts[];
void zsim_run_usage(FILE *out);
int zsim_cmd_calibrate(int argc, char **argv);
int zsim_cmd_corpus(int argc, char **argv);
/* `zsim trace VERB`: pack, dump, stat here (trace.c); gen and import get argv from VERB on. */
int zsim_cmd_trace(int argc, char **argv);
/* `zsim play TRACE...`: run traces against the running kernel (play.c). */
int zsim_cmd_play(int argc, char **argv);
/* `zsim plan`: the cheapest configs of a board meeting goals (plan.c). */
int zsim_cmd_plan(int argc, char **argv);

#endif
