/*
 * compare.h - reading results directories as data, for `zsim compare`,
 * `zsim plot` and `zsim report`.
 *
 * A run's summary.json is flattened into dotted paths with numeric values
 * ("vmstat.pswpin", "devices.ssdswap.wear.life_used", "swap.zram0.used_pages"):
 * every number, and every boolean as 0 or 1, whatever keys the summary has, so
 * keys added later appear without a change here.  An array of objects that
 * carry a "device" or "name" string is indexed by that name, other arrays by
 * position.  The "processes" array (one entry per process, thousands for a
 * kernel build) is not flattened as is; it becomes per-trace-group runtimes
 * ("runtime_ns.kbuild": last end less first start of the trace's processes)
 * and per-name totals ("process.cc1.cpu_ns", ".count", ".runtime_ns",
 * ".fault_wait_ns", ".reclaim_stall_ns", ".major_faults", ".killed").
 * events.jsonl adds "events.TYPE" counts.
 *
 * --fail-on rules (zsim_failon_parse): a comma-separated list of
 *     KEY OP VALUE      OP: > >= < <= == !=
 * VALUE is a number, optionally with a time unit (ns, us, ms, s: the value is
 * then in ns) and optionally a '%'.  A VALUE with a leading sign ('+' or '-')
 * or a '%' is relative: it is compared with B - A (or (B - A) / A in percent)
 * for every run B after the first, A the first; otherwise it is an absolute
 * threshold on each run after the first.  A rule states what FAILS:
 * "oom_kill>0" fails when a run had an OOM kill, "p99>+20%" when a run's p99
 * is more than 20% above the first run's.  KEY is a short alias (oom_kill,
 * pswpin, p99, runtime... zsim_failon_aliases), a dotted path, a glob with '*',
 * or a last path component ("pswpin" matches "vmstat.pswpin"); a key matching
 * several paths checks each.
 */
#ifndef ZSIM_CLI_COMPARE_H
#define ZSIM_CLI_COMPARE_H

#include "../core/zsim.h"

#include <stdio.h>

/* A run's numbers, in the order the summary has them. */
struct zsim_flat {
	size_t n, cap;
	char **key;
	double *val;
};

/* Load DIR/summary.json (+ events.jsonl if present).  0, or ZSIM_E* with one
 * line in err naming the file. */
int zsim_flat_load(const char *dir, struct zsim_flat *f, char *err, size_t errlen);
/* The value of key, or NULL. */
const double *zsim_flat_get(const struct zsim_flat *f, const char *key);
void zsim_flat_free(struct zsim_flat *f);

enum zsim_rule_op { ZSIM_OP_GT, ZSIM_OP_GE, ZSIM_OP_LT, ZSIM_OP_LE, ZSIM_OP_EQ, ZSIM_OP_NE };

struct zsim_rule {
	char key[96];
	enum zsim_rule_op op;
	double value;          /* in the key's unit (ns for a time), or percent */
	bool relative;         /* compared with B - A */
	bool percent;          /* relative, in percent of A */
	char text[160];        /* the rule as written, trimmed */
};

/* Parse a rule list; 0, or ZSIM_EFORMAT with "position N: what" in err
 * (N counted from 1 in s). *rules is malloc'd; free it. */
int zsim_failon_parse(const char *s, struct zsim_rule **rules, size_t *n, char *err, size_t errlen);
/* Does value x (B, B - A or the percent) violate the rule? */
bool zsim_rule_violated(const struct zsim_rule *r, double x);
/* The value a rule compares for B against A: B, B - A, or 100 (B - A) / A
 * (A == 0: 0 if B == 0, else +-infinity). */
double zsim_rule_lhs(const struct zsim_rule *r, double a, double b);
/* Does flattened key `key` answer to the rule's KEY (alias, path, glob, last component)? */
bool zsim_rule_matches(const char *rule_key, const char *key);
/* "alias=pattern|pattern, ..." for messages and help. */
extern const char *const zsim_failon_aliases[][2];

/* A comparison: runs side by side over the union of their keys. */
struct zsim_cmp {
	size_t nruns;
	const char **names;      /* per run: a short name (the directory's base name) */
	struct zsim_flat *runs;
	size_t nkeys;
	char **keys;             /* union, in order of first appearance */
};

int zsim_cmp_load(struct zsim_cmp *c, size_t n, char *const *dirs, char *err, size_t errlen);
void zsim_cmp_free(struct zsim_cmp *c);
/* Write the table: fmt "text", "json", "csv", "markdown" or "html"; all:
 * every key, else the keys that differ and the headline ones (aliases). */
void zsim_cmp_write(FILE *out, const struct zsim_cmp *c, const char *fmt, bool all);
/* A short run name for a directory path (its last component); caller frees. */
char *zsim_run_name(const char *dir);

/* One CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void zsim_csv_field(FILE *out, const char *s);
int zsim_cmd_compare(int argc, char **argv);
int zsim_cmd_plot(int argc, char **argv);
int zsim_cmd_report(int argc, char **argv);

/* `zsim plot`'s work, for report.c: draw dirs into outdir as fmt ("png",
 * "svg"); the written files' paths go to *files (caller frees each and the
 * array).  0, or ZSIM_E* with one line in err. */
int zsim_plot_runs(size_t n, char *const *dirs, const char *outdir, const char *fmt,
		   char ***files, size_t *nfiles, char *err, size_t errlen);

#endif
