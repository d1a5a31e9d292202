/*
 * options.h - command-line options as data: a table per command (or per
 * generator, importer...) names each option, its type, where its value goes
 * (an offset into the caller's options struct), its default, its range and
 * its help line; one parser reads argv against the table and one printer
 * writes the --help text from it.
 *
 * A default is a string parsed exactly like user input, so what --help shows
 * is what runs.  Values use the one grammar of core/units.h: sizes "800M",
 * times with their unit "250ms", plain counts, reals.  A command may parse
 * against several tables at once (its own and a shared one, each with its own
 * struct), given as an array of zsim_opt_set ending with a NULL table.
 *
 * Types are descriptors, so a caller can add its own (ZSIM_OPT_CUSTOM with a
 * parse callback: traces/gen.h's content class, the run command's repeatable
 * --trace) without this file knowing about it.
 *
 * Accepted syntax: --NAME VALUE, --NAME=VALUE, -X VALUE, -XVALUE (X the
 * option's short letter), --FLAG, -X; "-" is an argument, "--" ends the
 * options.  Options and arguments may come in any order.
 */
#ifndef ZSIM_OPTIONS_H
#define ZSIM_OPTIONS_H

#include "zsim.h"

#include <stdio.h>

enum zsim_opt_kind {
	ZSIM_OPTK_SIZE,     /* uint64_t bytes: "800M", "4096", "1G" */
	ZSIM_OPTK_COUNT,    /* uint64_t: a plain decimal integer */
	ZSIM_OPTK_REAL,     /* double: "0.99", "1e-3" */
	ZSIM_OPTK_TIME,     /* uint64_t ns, unit required: "600s", "250ms", "10us" */
	ZSIM_OPTK_NAME,     /* char[ZSIM_OPT_NAME_MAX]: a short name, no blanks or '/' */
	ZSIM_OPTK_FLAG,     /* bool: present = true; takes no value */
	ZSIM_OPTK_STRING,   /* const char *: the argument itself (a path); not copied */
	ZSIM_OPTK_CUSTOM,   /* the type's parse callback decides */
};

#define ZSIM_OPT_NAME_MAX 32

struct zsim_opt;

struct zsim_opt_type {
	enum zsim_opt_kind kind;
	const char *meta;   /* the value's name in --help ("SIZE", "FILE"); "" for a flag */
	/* ZSIM_OPTK_CUSTOM only: store val into field; 0, or ZSIM_EFORMAT with a
	 * message in err (without the "--NAME: " prefix, which the parser adds). */
	int (*parse)(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen);
};

extern const struct zsim_opt_type zsim_opt_size, zsim_opt_count, zsim_opt_real, zsim_opt_time,
	zsim_opt_name, zsim_opt_flag, zsim_opt_file, zsim_opt_dir;

#define ZSIM_OPT_SIZE  (&zsim_opt_size)
#define ZSIM_OPT_COUNT (&zsim_opt_count)
#define ZSIM_OPT_REAL  (&zsim_opt_real)
#define ZSIM_OPT_TIME  (&zsim_opt_time)
#define ZSIM_OPT_NAME  (&zsim_opt_name)
#define ZSIM_OPT_FLAG  (&zsim_opt_flag)
#define ZSIM_OPT_FILE  (&zsim_opt_file)   /* a STRING shown as FILE */
#define ZSIM_OPT_DIR   (&zsim_opt_dir)    /* a STRING shown as DIR */

struct zsim_opt {
	const char *name;            /* without the leading "--"; NULL ends the table */
	const struct zsim_opt_type *type;
	size_t offset;               /* of the field in the options struct */
	const char *def;             /* default, parsed like user input; NULL = zero */
	double min, max;             /* allowed range in the field's unit (bytes, ns...);
				      * numeric types only; max 0 = no upper bound */
	const char *help;            /* one line */
	char short_name;             /* 'o' for -o; 0 = none */
};

/* One table and the struct its offsets point into. */
struct zsim_opt_set {
	const struct zsim_opt *tab;
	void *base;
};

/*
 * Fill every set's defaults, then parse argv[0..argc).  Arguments that are not
 * options are moved, in order, to argv[0..*npos); with npos NULL an argument
 * is an error.  Returns 0, or ZSIM_EFORMAT with one message (no "zsim CMD: "
 * prefix, no newline) in err:
 *   unknown option '--x'            option '--x' needs a value
 *   --x takes no value              --x: 'v' is not a size  (and the like)
 *   unexpected argument 'a'
 * A default that does not parse is a bug in the table: aborts.
 * sets ends with an entry whose tab is NULL.
 */
int zsim_opt_parse(const struct zsim_opt_set *sets, int argc, char **argv, int *npos,
		   char *err, size_t errlen);

/* Fill the defaults only (what zsim_opt_parse does first). */
void zsim_opt_defaults(const struct zsim_opt_set *sets);

/* Parse one value into o's field of base (range checked); 0 or ZSIM_EFORMAT
 * with "--NAME: ..." in err. */
int zsim_opt_set_value(const struct zsim_opt *o, void *base, const char *val, char *err, size_t errlen);

/* The option named name (len n) in tab, or NULL. */
const struct zsim_opt *zsim_opt_find(const struct zsim_opt *tab, const char *name, size_t n);

/* Print the table as --help lines: "  -o, --output FILE        help (default X)". */
void zsim_opt_print(FILE *out, const struct zsim_opt *tab);

#endif
