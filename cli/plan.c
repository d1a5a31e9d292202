/*
 * plan.c - `zsim plan`: capacity planning.  Given traces, a board (a config
 * whose open knobs are named on the command line) and goals, find for every
 * combination of the listed knobs the cheapest config that meets every goal,
 * say why each config that was run and rejected fails, and draw it.
 *
 *   zsim plan --trace T --config BOARD
 *             --vary machine.ram=256M..1G/128M      a range: monotone (below)
 *             --vary devices.zram0.comp=lz4,zstd    a list: every value tried
 *             --goal no-oom --goal 'p99<5ms' --goal 'flash_years>=5 at 1 run/day'
 *             [--set K=V...] [--seed N] [--out DIR] [--exhaustive] [--no-plot]
 *
 * Cost.  "Cheapest" is the order of the --vary options: the grid is ordered
 * lexicographically, the first knob most significant, each knob's values in
 * the order given (a range ascending).  So put what costs money first
 * (RAM, then the zram size).  The frontier is, per combination of the listed
 * (non-range) knobs, the first config in that order meeting every goal.
 *
 * Search.  A range knob is ASSUMED monotone for the monotone goals (no-oom):
 * if a config meets them, one with more of that knob (the others equal) does
 * too.  For each combination of the list knobs the range knobs are taken in
 * cost order: bisection finds the smallest value of the first whose config
 * with every later range knob at its largest meets the monotone goals (if
 * that one does not, no smaller can), then the next knob the same way below
 * it; the other goals (latency, flash life, any summary key), which are not
 * assumed monotone, are checked at the point found and, if one fails, at every
 * point after it in cost order that the assumption does not rule out, until
 * one meets them all.  So under the assumption the answer is exact: the same
 * as running every grid point (--exhaustive does, and then checks the
 * assumption on every pair of configs it ran; t_plan.sh compares the two).
 * Known answers are never recomputed: a config known (by the assumption and
 * the runs so far) to fail or pass the monotone goals is not run for them.
 * The one-pass fault curve over RAM sizes (Mattson's stack distances) is not
 * used: it holds for an exact LRU without compressed swap, not for zram
 * feeding on the RAM it relieves.
 *
 * Runs.  Every config is a child `zsim run` (this binary, /proc/self/exe)
 * with --set per knob, into OUT/runs/NNNN (NNNN its grid index); exit 4 (an
 * OOM kill or lost writes) is a result, any other failure stops the plan
 * with the child's message.  Each config is run at most once.  The
 * combinations of the list knobs are independent searches (the assumption
 * relates configs of one combination only), so up to --jobs of them run at
 * once, each in a forked copy of the planner that runs its configs one at a
 * time and leaves each run's exit status beside its results
 * (runs/NNNN.status); the planner then reads every run back in grid order.
 * Which configs are run does not depend on --jobs, so neither does anything
 * the plan prints or writes.
 *
 * Goals (--goal, repeatable; each a rule of compare.h's grammar saying what
 * must HOLD, or "no-oom"): no-oom (outcome.oom_kills == 0, the monotone one);
 * p50/p90/p99/p99.9 (every major fault's latency quantile,
 * major_fault_latency_ns.*); flash_years (the life of every flash at the
 * config's duty: flash.*.years_at_duty and devices.*.wear.years_at_duty; a
 * flash written nothing lasts forever), with " at DUTY" setting the duty
 * ("1 run/day", "8h/day"); otherwise any key zsim compare knows (an alias, a
 * dotted path, a glob, a last component).  A key matching several numbers
 * must hold for each.  Before any run every goal, knob and grid point is
 * checked: the config of every grid point is loaded (an unknown key names
 * its JSON path), and a probe (the first grid point's machine with no
 * processes, run in this process) must have a summary key for every goal;
 * goals on what only processes make (runtime_ns.*, process.*, runtime.*,
 * events.*) are checked at the first run instead.
 *
 * Output: the answer, the frontier, every rejected config with the goal it
 * failed (value against bound), runs done against the grid's size; in OUT:
 * plan.csv, plan.json and plan.png/plan.svg (each goal's metric against the
 * first range knob, one line per combination of the others, the goals as
 * lines).  The same inputs give byte-identical stdout, plan.csv, plan.json
 * and plots (each run's perf.json is wall-clock time, as for zsim run).  OUT
 * is written under OUT.tmp.PID and renamed at the end: after an error or a
 * signal there is nothing.
 */
#include "cli.h"
#include "compare.h"
#include "sweep.h"
#include "../sim/config.h"
#include "../sim/results.h"
#include "../sim/sim.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN_MAX_KNOBS 8
#define PLAN_MAX_VALUES 256
#define PLAN_MAX_GRID 100000
#define PLAN_MAX_GOALS 16
#define PLAN_MAX_TRACES 16
#define PLAN_MAX_SETS 64
#define PLAN_REJECTED_SHOWN 40

/* ---- options ---- */

struct strlist {
	const char *v[PLAN_MAX_SETS];
	unsigned n;
};

static int list_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct strlist *l = field;
	if (l->n == PLAN_MAX_SETS) {
		snprintf(err, errlen, "at most %d", PLAN_MAX_SETS);
		return ZSIM_EFORMAT;
	}
	if (!*val) {
		snprintf(err, errlen, "empty %s", o->type->meta);
		return ZSIM_EFORMAT;
	}
	l->v[l->n++] = val;
	return 0;
}

static int seed_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	uint64_t s;
	(void)o;
	if (zsim_parse_u64(val, &s) < 0) {
		snprintf(err, errlen, "'%s' is not a number", val);
		return ZSIM_EFORMAT;
	}
	*(const char **)field = val;
	return 0;
}

static const struct zsim_opt_type trace_type = { ZSIM_OPTK_CUSTOM, "FILE", list_opt };
static const struct zsim_opt_type set_type = { ZSIM_OPTK_CUSTOM, "KEY=VALUE", list_opt };
static const struct zsim_opt_type vary_type = { ZSIM_OPTK_CUSTOM, "KEY=VALUES", list_opt };
static const struct zsim_opt_type goal_type = { ZSIM_OPTK_CUSTOM, "GOAL", list_opt };
static const struct zsim_opt_type seed_type = { ZSIM_OPTK_CUSTOM, "N", seed_opt };

struct plan_opts {
	struct strlist traces, sets, vary, goals;
	const char *config, *out, *seed;
	bool exhaustive, no_plot, help, all_monotone;
	uint64_t jobs;
};

#define PO(f) offsetof(struct plan_opts, f)
static const struct zsim_opt plan_opts[] = {
	{ "trace", &trace_type, PO(traces), NULL, 0, 0, "a trace to replay (repeatable, as for zsim run)", 0 },
	{ "config", ZSIM_OPT_FILE, PO(config), NULL, 0, 0, "the board: a config, its open knobs at any value", 0 },
	{ "vary", &vary_type, PO(vary), NULL, 0, 0,
	  "an open knob by its JSON path: a range KEY=A..B/STEP (monotone, bisected) or a list KEY=a,b,c; "
	  "repeatable, in cost order (cheapest first: RAM, then zram size...)", 0 },
	{ "goal", &goal_type, PO(goals), NULL, 0, 0,
	  "what must hold: no-oom, 'p99<5ms', 'flash_years>=5 at 1 run/day', or KEY OP VALUE (repeatable)", 0 },
	{ "set", &set_type, PO(sets), NULL, 0, 0, "a fixed config override, as for zsim run (repeatable)", 0 },
	{ "seed", &seed_type, PO(seed), NULL, 0, 0, "override the config's seed in every run", 0 },
	{ "out", ZSIM_OPT_DIR, PO(out), "zsim-plan", 0, 0,
	  "results: plan.csv, plan.json, plan.png, plan.svg, runs/NNNN (one zsim run each)", 0 },
	{ "exhaustive", ZSIM_OPT_FLAG, PO(exhaustive), NULL, 0, 0,
	  "run every grid point (no bisection) and check the monotone assumption on them", 0 },
	{ "assume-monotone", ZSIM_OPT_FLAG, PO(all_monotone), NULL, 0, 0,
	  "assume every goal, not only no-oom, monotone in the range knobs (fewer runs; --exhaustive checks it)", 0 },
	{ "no-plot", ZSIM_OPT_FLAG, PO(no_plot), NULL, 0, 0, "no plan.png/plan.svg (no gnuplot needed)", 0 },
	{ "jobs", ZSIM_OPT_COUNT, PO(jobs), "0", 0, 4096,
	  "combinations searched at once, each in its own process (0: one per online CPU)", 'j' },
	{ "help", ZSIM_OPT_FLAG, PO(help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void plan_usage(FILE *out)
{
	fprintf(out,
		"usage: zsim plan --trace FILE --config BOARD --vary KEY=VALUES... --goal GOAL... [options]\n"
		"The cheapest configs of a board meeting goals, for each combination of the listed knobs.\n"
		"Knobs: --vary KEY=A..B/STEP (a range of sizes or counts, A..B alone doubles from A) is\n"
		"assumed monotone (more never breaks no-oom) and bisected; --vary KEY=a,b,c (a list) is\n"
		"tried value by value.  Cost: the order of the --vary options, first most significant.\n"
		"Goals: no-oom; p50, p90, p99, p99.9 (every major fault, a time: 'p99<5ms');\n"
		"flash_years (the flash's life at the duty, 'flash_years>=5 at 1 run/day'); or any\n"
		"summary key as zsim compare reads it ('pressure.memory.some.avg10_max<20').\n"
		"Exit status: 0 (also when no config meets the goals: the output says so), 1 bad input\n"
		"or a failed run, 2 bad command line, 128+N after signal N.\n");
	zsim_opt_print(out, plan_opts);
}

/* ---- knobs ---- */

struct knob {
	const char *key;        /* JSON path */
	char label[64];         /* key without "devices."/"machine." */
	bool range;             /* monotone */
	bool size;              /* a range of sizes: values in bytes, x axis in MiB */
	size_t n;
	char **val;             /* as passed to --set */
	double *num;            /* numeric value (ranges; lists: NAN unless a number or size) */
};

__attribute__((format(printf, 4, 5)))
static int knob_err(char *err, size_t errlen, size_t pos, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "position %zu: %s", pos + 1, msg);
	zsim_one_line(err);
	return ZSIM_EFORMAT;
}

static void knob_add(struct knob *k, const char *v, double num)
{
	k->val = zsim_xrealloc(k->val, (k->n + 1) * sizeof(*k->val));
	k->num = zsim_xrealloc(k->num, (k->n + 1) * sizeof(*k->num));
	k->val[k->n] = zsim_xstrdup(v);
	k->num[k->n++] = num;
}

static void fmt_size(uint64_t b, char *buf, size_t len)
{
	static const char u[] = "KMGT";
	int i = -1;
	while (i < 3 && b >= 1024 && b % 1024 == 0)
		b /= 1024, i++;
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)b);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)b, u[i]);
}

/* A number with a size suffix? (the range's values are then printed as sizes) */
static bool has_unit(const char *s)
{
	size_t n = strlen(s);
	return n && !(s[n - 1] >= '0' && s[n - 1] <= '9');
}

/* "KEY=A..B/STEP" or "KEY=a,b,c"; 0, or ZSIM_EFORMAT with "position N: what". */
static int knob_parse(const char *spec, struct knob *k, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	const char *eq = strchr(spec, '=');
	if (!eq)
		return knob_err(err, errlen, strlen(spec), "expected KEY=VALUES (machine.ram=256M..1G/64M, "
				"devices.zram0.comp=lz4,zstd)");
	if (eq == spec)
		return knob_err(err, errlen, 0, "expected a key before '='");
	for (const char *p = spec; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.') || (*p == '.' && (p == spec || p[1] == '=' || p[1] == '.')))
			return knob_err(err, errlen, (size_t)(p - spec), "expected a JSON path of names joined by '.'");
	size_t klen = (size_t)(eq - spec);
	char *key = zsim_xmalloc(klen + 1);
	memcpy(key, spec, klen);
	key[klen] = '\0';
	k->key = key;
	const char *lab = key;
	if (!strncmp(lab, "devices.", 8) || !strncmp(lab, "machine.", 8))
		lab += 8;
	snprintf(k->label, sizeof(k->label), "%s", lab);
	const char *v = eq + 1;
	size_t vpos = (size_t)(v - spec);
	if (!*v)
		return knob_err(err, errlen, vpos, "empty list of values (a range A..B/STEP or a list a,b,c)");
	const char *dots = strstr(v, "..");
	if (dots && !strpbrk(v, ",{[\"")) {
		/* a range */
		char a[64], b[64], st[64] = "";
		const char *slash = strchr(dots, '/');
		size_t la = (size_t)(dots - v), lb = slash ? (size_t)(slash - dots - 2) : strlen(dots + 2);
		if (!la || la >= sizeof(a))
			return knob_err(err, errlen, vpos, "expected the range's first value before '..'");
		if (!lb || lb >= sizeof(b))
			return knob_err(err, errlen, (size_t)(dots - spec) + 2, "expected the range's last value after '..'");
		memcpy(a, v, la), a[la] = '\0';
		memcpy(b, dots + 2, lb), b[lb] = '\0';
		if (slash) {
			if (!slash[1] || strlen(slash + 1) >= sizeof(st))
				return knob_err(err, errlen, (size_t)(slash - spec) + 1, "expected a step after '/'");
			snprintf(st, sizeof(st), "%s", slash + 1);
		}
		uint64_t lo, hi, step = 0;
		if (zsim_parse_size(a, &lo) < 0)
			return knob_err(err, errlen, vpos, "'%s' is not a size or a count", a);
		if (zsim_parse_size(b, &hi) < 0)
			return knob_err(err, errlen, (size_t)(dots - spec) + 2, "'%s' is not a size or a count", b);
		if (*st && (zsim_parse_size(st, &step) < 0 || step == 0))
			return knob_err(err, errlen, (size_t)(slash - spec) + 1, "'%s' is not a step above 0", st);
		if (lo > hi)
			return knob_err(err, errlen, vpos, "empty range: %s is above %s", a, b);
		if (!*st && lo == 0)
			return knob_err(err, errlen, vpos, "a range from 0 needs a step (0..1G/128M)");
		k->range = true;
		k->size = has_unit(a) || has_unit(b) || has_unit(st);
		for (uint64_t x = lo; x <= hi; x = step ? x + step : 2 * x) {
			if (k->n == PLAN_MAX_VALUES)
				return knob_err(err, errlen, vpos, "more than %d values in the range", PLAN_MAX_VALUES);
			char buf[64];
			if (k->size)
				fmt_size(x, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%llu", (unsigned long long)x);
			knob_add(k, buf, (double)x);
			if (x > UINT64_MAX / 2 || (step && x > UINT64_MAX - step))
				break;
		}
		return 0;
	}
	/* a list: commas outside {} [] "" */
	const char *p = v;
	for (;;) {
		const char *s = p;
		int depth = 0;
		bool q = false;
		for (; *p && (q || depth || *p != ','); p++) {
			if (q) {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '"')
					q = false;
			} else if (*p == '"') {
				q = true;
			} else if (*p == '{' || *p == '[') {
				depth++;
			} else if ((*p == '}' || *p == ']') && depth) {
				depth--;
			}
		}
		if (p == s)
			return knob_err(err, errlen, (size_t)(s - spec), "empty value in the list");
		if (k->n == PLAN_MAX_VALUES)
			return knob_err(err, errlen, (size_t)(s - spec), "more than %d values", PLAN_MAX_VALUES);
		char *item = zsim_xmalloc((size_t)(p - s) + 1);
		memcpy(item, s, (size_t)(p - s));
		item[p - s] = '\0';
		for (size_t i = 0; i < k->n; i++)
			if (!strcmp(k->val[i], item)) {
				free(item);
				return knob_err(err, errlen, (size_t)(s - spec), "'%s' is listed twice", k->val[i]);
			}
		uint64_t sz;
		knob_add(k, item, zsim_parse_size(item, &sz) == 0 ? (double)sz : NAN);
		free(item);
		if (!*p)
			break;
		p++;
	}
	return 0;
}

static void knob_free(struct knob *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->val[i]);
	free(k->val);
	free(k->num);
	free((char *)k->key);
}

/* ---- goals ---- */

enum goal_kind { GOAL_KEY, GOAL_NOOOM, GOAL_FLASH, GOAL_QUANTILE };

struct goal {
	struct zsim_rule r;
	enum goal_kind kind;
	char pattern[128];      /* what the key matches (after the plan's aliases) */
	char text[200];         /* as written, with its duty */
	bool monotone;
	bool is_time;           /* the value is in ns */
	bool late;              /* a key only processes make: checked at the first run */
};

/* The plan's own aliases, before compare's (which hold otherwise). */
static void goal_resolve(struct goal *g)
{
	const char *k = g->r.key;
	g->kind = GOAL_KEY;
	if (!strcmp(k, "p50") || !strcmp(k, "p90") || !strcmp(k, "p99") || !strcmp(k, "p99.9")) {
		g->kind = GOAL_QUANTILE;
		snprintf(g->pattern, sizeof(g->pattern), "major_fault_latency_ns.%s", k);
	} else if (!strcmp(k, "flash_years")) {
		g->kind = GOAL_FLASH;
		snprintf(g->pattern, sizeof(g->pattern), "flash.*.years_at_duty");
	} else {
		snprintf(g->pattern, sizeof(g->pattern), "%s", k);
	}
	/* compare's alias, if the key is one, says what it stands for */
	const char *pat = g->pattern;
	for (size_t i = 0; zsim_failon_aliases[i][0]; i++)
		if (!strcmp(zsim_failon_aliases[i][0], k))
			pat = zsim_failon_aliases[i][1];
	size_t n = strlen(pat);
	g->is_time = g->kind == GOAL_QUANTILE || (n > 3 && !strcmp(pat + n - 3, "_ns")) || strstr(pat, "_ns.") ||
		     strstr(pat, "latency") || (n > 4 && !strcmp(pat + n - 4, "_ns*"));
	g->late = !strncmp(g->pattern, "runtime_ns.", 11) || !strncmp(g->pattern, "process.", 8) ||
		  !strncmp(g->pattern, "runtime.", 8) || !strncmp(g->pattern, "events.", 7) ||
		  !strcmp(g->pattern, "runtime");
}

static bool goal_matches(const struct goal *g, const char *key)
{
	if (g->kind == GOAL_FLASH)
		return zsim_rule_matches("flash.*.years_at_duty", key) ||
		       zsim_rule_matches("devices.*.wear.years_at_duty", key);
	return zsim_rule_matches(g->pattern, key);
}

/* Parse one --goal; its " at DUTY" into duty (or refused if another goal
 * named another duty).  0, or ZSIM_EFORMAT with "position N: what". */
static int goal_parse(const char *text, struct goal *out, size_t *nout, size_t max, char *duty, size_t dutylen,
		      char *err, size_t errlen)
{
	char buf[512];
	if (strlen(text) >= sizeof(buf) - 1)
		return knob_err(err, errlen, 0, "goal too long");
	snprintf(buf, sizeof(buf), "%s", text);
	size_t len = strlen(buf);
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	const char *s = buf;
	while (isspace((unsigned char)*s))
		s++;
	if (!strcmp(s, "no-oom")) {
		if (*nout == max)
			return knob_err(err, errlen, 0, "more than %zu goals", max);
		struct goal *g = &out[(*nout)++];
		memset(g, 0, sizeof(*g));
		snprintf(g->r.key, sizeof(g->r.key), "oom");
		g->r.op = ZSIM_OP_EQ;
		g->r.value = 0;
		snprintf(g->r.text, sizeof(g->r.text), "no-oom");
		snprintf(g->text, sizeof(g->text), "no-oom");
		snprintf(g->pattern, sizeof(g->pattern), "outcome.oom_kills");
		g->kind = GOAL_NOOOM;
		g->monotone = true;
		return 0;
	}
	char *at = strstr(buf, " at ");
	const char *gd = NULL;
	if (at) {
		*at = '\0';
		gd = at + 4;
		while (isspace((unsigned char)*gd))
			gd++;
		if (!*gd)
			return knob_err(err, errlen, (size_t)(gd - buf), "expected a duty after 'at' (1 run/day, 8h/day)");
		if (*duty && strcmp(duty, gd))
			return knob_err(err, errlen, (size_t)(gd - buf), "another goal says 'at %s'; one duty per plan", duty);
		snprintf(duty, dutylen, "%s", gd);
	}
	struct zsim_rule *rules = NULL;
	size_t nr = 0;
	int rc = zsim_failon_parse(buf, &rules, &nr, err, errlen);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < nr; i++) {
		if (rules[i].relative) {
			const char *rt = strstr(buf, rules[i].text);
			const char *op = rt ? strpbrk(rt, "<>=!") : NULL;
			while (op && strchr("<>=! ", *op))
				op++;
			free(rules);
			return knob_err(err, errlen, op ? (size_t)(op - buf) : 0,
					"a goal needs a fixed bound ('p99<5ms'); a sign or '%%' compares two runs "
					"(zsim compare --fail-on)");
		}
		if (*nout == max) {
			free(rules);
			return knob_err(err, errlen, 0, "more than %zu goals", max);
		}
		struct goal *g = &out[(*nout)++];
		memset(g, 0, sizeof(*g));
		g->r = rules[i];
		goal_resolve(g);
		snprintf(g->text, sizeof(g->text), "%s%s%s", rules[i].text, gd && g->kind == GOAL_FLASH ? " at " : "",
			 gd && g->kind == GOAL_FLASH ? gd : "");
	}
	free(rules);
	return 0;
}

static void fmt_value(const struct goal *g, double v, char *buf, size_t len)
{
	if (isinf(v))
		snprintf(buf, len, "%s", g->kind == GOAL_FLASH ? "forever" : v > 0 ? "inf" : "-inf");
	else if (isnan(v))
		snprintf(buf, len, "none");
	else if (g->kind == GOAL_NOOOM)
		snprintf(buf, len, "%.0f kill%s", v, v == 1 ? "" : "s");
	else if (g->is_time && fabs(v) >= 1e9)
		snprintf(buf, len, "%.3g s", v / 1e9);
	else if (g->is_time && fabs(v) >= 1e6)
		snprintf(buf, len, "%.3g ms", v / 1e6);
	else if (g->is_time && fabs(v) >= 1e3)
		snprintf(buf, len, "%.3g us", v / 1e3);
	else if (g->is_time)
		snprintf(buf, len, "%.3g ns", v);
	else if (g->kind == GOAL_FLASH)
		snprintf(buf, len, "%.3g years", v);
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
}

static const char *op_str(enum zsim_rule_op op)
{
	static const char *const s[] = { ">", ">=", "<", "<=", "==", "!=" };
	return s[op];
}

/* ---- the grid ---- */

struct point {
	bool run;
	int exit;               /* the child's status (0 or 4) */
	bool m_known, m_pass;   /* the monotone goals: known (by a run or inference), met */
	bool pass;              /* every goal (run only) */
	double *val;            /* per goal: the deciding value (NAN: no key) */
	bool *met;              /* per goal */
};

struct plan {
	struct plan_opts o;
	struct knob knob[PLAN_MAX_KNOBS];
	size_t nknob;
	struct goal goal[PLAN_MAX_GOALS];
	size_t ngoal;
	char duty[64];
	size_t grid;            /* points */
	struct point *pt;
	size_t runs;
	char tmp[4200];         /* OUT.tmp.PID */
	char out[4096];
	bool late_checked;
	volatile int *sig;
};

static void idx_to(const struct plan *pl, size_t idx, size_t *v)
{
	for (size_t i = pl->nknob; i-- > 0;) {
		v[i] = idx % pl->knob[i].n;
		idx /= pl->knob[i].n;
	}
}

static size_t to_idx(const struct plan *pl, const size_t *v)
{
	size_t idx = 0;
	for (size_t i = 0; i < pl->nknob; i++)
		idx = idx * pl->knob[i].n + v[i];
	return idx;
}

static void point_name(const struct plan *pl, size_t idx, char *buf, size_t len)
{
	size_t v[PLAN_MAX_KNOBS], off = 0;
	idx_to(pl, idx, v);
	buf[0] = '\0';
	for (size_t i = 0; i < pl->nknob && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%s", i ? " " : "", pl->knob[i].label,
					pl->knob[i].val[v[i]]);
}

/* The --set list of a grid point (the fixed ones, the duty, the knobs); strings to free. */
static size_t point_sets(const struct plan *pl, size_t idx, char **sets)
{
	size_t n = 0, v[PLAN_MAX_KNOBS];
	idx_to(pl, idx, v);
	for (unsigned i = 0; i < pl->o.sets.n; i++)
		sets[n++] = zsim_xstrdup(pl->o.sets.v[i]);
	if (*pl->duty) {
		sets[n] = zsim_xmalloc(strlen(pl->duty) + 8);
		sprintf(sets[n++], "duty=%s", pl->duty);
	}
	for (size_t i = 0; i < pl->nknob; i++) {
		size_t l = strlen(pl->knob[i].key) + strlen(pl->knob[i].val[v[i]]) + 2;
		sets[n] = zsim_xmalloc(l);
		snprintf(sets[n++], l, "%s=%s", pl->knob[i].key, pl->knob[i].val[v[i]]);
	}
	return n;
}

/* ---- evaluating a run ---- */

static void evaluate(struct plan *pl, size_t idx, const struct zsim_flat *f)
{
	struct point *p = &pl->pt[idx];
	p->pass = true;
	p->m_pass = true;
	for (size_t g = 0; g < pl->ngoal; g++) {
		const struct goal *gl = &pl->goal[g];
		bool any = false, met = true;
		double rep = NAN;
		for (size_t k = 0; k < f->n; k++) {
			if (!goal_matches(gl, f->key[k]))
				continue;
			double x = f->val[k];
			bool ok = zsim_rule_violated(&gl->r, x);   /* the relation holds */
			if (!any) {
				rep = x;
			} else if (met && !ok) {
				rep = x;
			} else if (met == ok) {
				if ((gl->r.op == ZSIM_OP_LT || gl->r.op == ZSIM_OP_LE) ? x > rep
				    : (gl->r.op == ZSIM_OP_GT || gl->r.op == ZSIM_OP_GE) ? x < rep : false)
					rep = x;
			}
			any = true;
			met &= ok;
		}
		if (!any && gl->kind == GOAL_FLASH) {
			rep = INFINITY;   /* no flash was written: it lasts */
			met = zsim_rule_violated(&gl->r, rep);
		} else if (!any) {
			met = false;
		}
		p->val[g] = rep;
		p->met[g] = met;
		p->pass &= met;
		if (gl->monotone)
			p->m_pass &= met;
	}
	p->m_known = true;
}

static void remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4600];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (depth > 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path, depth - 1);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Run grid point idx as a child zsim run (sweep.h's job); 0, or ZSIM_E*
 * with err (the child's message). */
static int run_point(struct plan *pl, size_t idx, char *err, size_t errlen)
{
	struct point *p = &pl->pt[idx];
	if (p->run)
		return 0;
	char dir[4300], errf[4400];
	snprintf(dir, sizeof(dir), "%s/runs/%04zu", pl->tmp, idx);
	snprintf(errf, sizeof(errf), "%s/runs/%04zu.err", pl->tmp, idx);
	char *sets[PLAN_MAX_SETS + PLAN_MAX_KNOBS + 1];
	size_t ns = point_sets(pl, idx, sets);
	struct zsim_job job = {
		.config = pl->o.config,
		.sets = (const char *const *)sets,
		.nsets = (unsigned)ns,
		.traces = (const char *const *)pl->o.traces.v,
		.ntraces = pl->o.traces.n,
		.has_seed = pl->o.seed != NULL,
		.out = dir,
		.log = errf,
	};
	if (pl->o.seed && zsim_parse_u64(pl->o.seed, &job.seed) < 0)
		job.has_seed = false;   /* not reached: --seed was checked when read */
	int rc = zsim_job_run(&job, pl->sig, err, errlen);
	for (size_t i = 0; i < ns; i++)
		free(sets[i]);
	if (rc < 0)
		return ZSIM_ESYS;
	if (*pl->sig)
		return ZSIM_EINVAL;
	char name[512];
	point_name(pl, idx, name, sizeof(name));
	if (rc != ZSIM_EXIT_OK && rc != ZSIM_EXIT_OUTCOME) {
		char line[600] = "";
		FILE *ef = fopen(errf, "r");
		if (ef) {
			if (!fgets(line, sizeof(line), ef))
				line[0] = '\0';
			fclose(ef);
		}
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "run %04zu (%s) failed with status %d: %s", idx, name, rc,
			 *line ? line : "no message");
		zsim_one_line(err);
		return ZSIM_EINVAL;
	}
	unlink(errf);
	struct zsim_flat f;
	if (zsim_flat_load(dir, &f, err, errlen) < 0)
		return ZSIM_EFORMAT;
	/* goals on keys only processes make: the first run must have them */
	if (!pl->late_checked) {
		pl->late_checked = true;
		for (size_t g = 0; g < pl->ngoal; g++) {
			bool any = false;
			for (size_t k = 0; k < f.n && !any; k++)
				any = goal_matches(&pl->goal[g], f.key[k]);
			if (pl->goal[g].late && !any) {
				snprintf(err, errlen, "--goal '%s': no key '%s' in the summary of run %04zu (zsim run "
					 "--format csv lists the keys)", pl->goal[g].text, pl->goal[g].r.key, idx);
				zsim_flat_free(&f);
				return ZSIM_EINVAL;
			}
		}
	}
	p->run = true;
	p->exit = rc;
	evaluate(pl, idx, &f);
	zsim_flat_free(&f);
	pl->runs++;
	/* for the planner, when this is one of its forked searches */
	snprintf(errf, sizeof(errf), "%s/runs/%04zu.status", pl->tmp, idx);
	FILE *sf = fopen(errf, "w");
	if (!sf || fprintf(sf, "%d\n", rc) < 0 || fclose(sf) != 0) {
		snprintf(err, errlen, "cannot write %.900s: %s", errf, strerror(errno));
		return ZSIM_ESYS;
	}
	return 0;
}

/* Read back a run a forked search made (run_point's results and status);
 * 0 if idx was not run. */
static int load_point(struct plan *pl, size_t idx, char *err, size_t errlen)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/runs/%04zu.status", pl->tmp, idx);
	FILE *sf = fopen(path, "r");
	if (!sf)
		return 0;
	int rc = -1;
	if (fscanf(sf, "%d", &rc) != 1)
		rc = -1;
	fclose(sf);
	unlink(path);
	if (rc != ZSIM_EXIT_OK && rc != ZSIM_EXIT_OUTCOME) {
		snprintf(err, errlen, "%.900s: not a run's status", path);
		return ZSIM_EFORMAT;
	}
	snprintf(path, sizeof(path), "%s/runs/%04zu", pl->tmp, idx);
	struct zsim_flat f;
	if (zsim_flat_load(path, &f, err, errlen) < 0)
		return ZSIM_EFORMAT;
	pl->pt[idx].run = true;
	pl->pt[idx].exit = rc;
	evaluate(pl, idx, &f);
	zsim_flat_free(&f);
	pl->runs++;
	return 0;
}

/* ---- the search ---- */

static bool has_monotone(const struct plan *pl)
{
	for (size_t g = 0; g < pl->ngoal; g++)
		if (pl->goal[g].monotone)
			return true;
	return false;
}

/* The monotone goals' verdict on idx from the runs and the assumption:
 * 1 met, 0 not, -1 unknown. */
static int infer(const struct plan *pl, size_t idx)
{
	if (!has_monotone(pl))
		return 1;
	if (pl->pt[idx].m_known)
		return pl->pt[idx].m_pass;
	size_t v[PLAN_MAX_KNOBS], w[PLAN_MAX_KNOBS];
	idx_to(pl, idx, v);
	for (size_t q = 0; q < pl->grid; q++) {
		if (!pl->pt[q].run)
			continue;
		idx_to(pl, q, w);
		bool same = true, le = true, ge = true;
		for (size_t i = 0; i < pl->nknob && same; i++) {
			if (!pl->knob[i].range)
				same = v[i] == w[i];
			else
				le &= w[i] <= v[i], ge &= w[i] >= v[i];
		}
		if (!same)
			continue;
		if (pl->pt[q].m_pass && le)
			return 1;
		if (!pl->pt[q].m_pass && ge)
			return 0;
	}
	return -1;
}

/* The monotone verdict, running the point if it cannot be inferred. */
static int m_verdict(struct plan *pl, size_t idx, char *err, size_t errlen)
{
	int m = infer(pl, idx);
	if (m >= 0)
		return m;
	int rc = run_point(pl, idx, err, errlen);
	return rc < 0 ? rc : pl->pt[idx].m_pass;
}

/* The first point (in cost order) of the subspace where the range knobs
 * before range[ri] are fixed in v, meeting every goal: its index, -1 none,
 * or ZSIM_E* (< -1... as a negative below -1). */
#define SEARCH_NONE (-1)
static long search(struct plan *pl, const size_t *range, size_t nrange, size_t ri, size_t *v, char *err,
		   size_t errlen)
{
	if (ri == nrange) {
		size_t idx = to_idx(pl, v);
		int m = infer(pl, idx);
		if (m == 0)
			return SEARCH_NONE;
		int rc = run_point(pl, idx, err, errlen);
		if (rc < 0)
			return rc < SEARCH_NONE ? rc : ZSIM_EINVAL;
		return pl->pt[idx].pass ? (long)idx : SEARCH_NONE;
	}
	size_t d = range[ri], n = pl->knob[d].n;
	size_t save[PLAN_MAX_KNOBS];
	memcpy(save, v, sizeof(save));
	/* bisection for the smallest value meeting the monotone goals with the
	 * later range knobs at their largest */
	for (size_t j = ri + 1; j < nrange; j++)
		v[range[j]] = pl->knob[range[j]].n - 1;
	v[d] = n - 1;
	int m = m_verdict(pl, to_idx(pl, v), err, errlen);
	if (m < 0)
		return m;
	if (!m) {
		memcpy(v, save, sizeof(save));
		return SEARCH_NONE;
	}
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		v[d] = mid;
		m = m_verdict(pl, to_idx(pl, v), err, errlen);
		if (m < 0)
			return m;
		if (m)
			hi = mid;
		else
			lo = mid + 1;
	}
	memcpy(v, save, sizeof(save));
	for (size_t x = lo; x < n; x++) {
		v[d] = x;
		for (size_t j = ri + 1; j < nrange; j++)
			v[range[j]] = 0;
		long r = search(pl, range, nrange, ri + 1, v, err, errlen);
		if (r != SEARCH_NONE) {
			memcpy(v, save, sizeof(save));
			return r;
		}
	}
	memcpy(v, save, sizeof(save));
	return SEARCH_NONE;
}

static bool same_combo(const struct plan *pl, size_t a, size_t b);
static size_t combo_first(const struct plan *pl, size_t c);

/* One combination's part of the plan: its search, or with --exhaustive
 * every point of it.  0, or ZSIM_E* with err set. */
static int search_combo(struct plan *pl, size_t c, const size_t *range, size_t nrange, char *err, size_t errlen)
{
	size_t v[PLAN_MAX_KNOBS];
	idx_to(pl, combo_first(pl, c), v);
	if (!pl->o.exhaustive) {
		long r = search(pl, range, nrange, 0, v, err, errlen);
		return r < SEARCH_NONE ? (int)r : 0;
	}
	/* every point whose list knobs are this combination's */
	size_t first = combo_first(pl, c);
	for (size_t q = 0; q < pl->grid; q++)
		if (same_combo(pl, q, first)) {
			int rc = run_point(pl, q, err, errlen);
			if (rc < 0)
				return rc;
		}
	return 0;
}

/*
 * Every combination's search, up to `jobs` at once (0: one per online CPU),
 * each in a forked planner; then every run read back in grid order.  A
 * failed search reports its one line in OUT.tmp/combo-C.err; the first
 * failing combination's line is the plan's error.  On a signal the running
 * searches get SIGTERM (they stop their run) and are waited for.
 */
static int search_all(struct plan *pl, size_t nc, const size_t *range, size_t nrange, uint64_t jobs,
		      char *err, size_t errlen)
{
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (uint64_t)n : 1;
	}
	if (jobs > nc)
		jobs = nc;
	pid_t *pid = zsim_xcalloc(nc, sizeof(*pid));
	size_t next = 0, running = 0;
	int failed = 0;
	fflush(NULL);
	while (next < nc || running) {
		while (next < nc && running < jobs && !*pl->sig && !failed) {
			pid_t p = fork();
			if (p < 0) {
				snprintf(err, errlen, "cannot start a search: %s", strerror(errno));
				failed = 1;
				break;
			}
			if (p == 0) {
				char e[1024] = "";
				int rc = search_combo(pl, next, range, nrange, e, sizeof(e));
				if (rc < 0 && !*pl->sig) {
					char path[4300];
					snprintf(path, sizeof(path), "%s/combo-%zu.err", pl->tmp, next);
					FILE *f = fopen(path, "w");
					if (f) {
						fprintf(f, "%s\n", e);
						fclose(f);
					}
				}
				_exit(rc < 0 ? 1 : 0);
			}
			pid[next++] = p;
			running++;
		}
		if (!running)
			break;
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0) {
			if (errno == EINTR) {
				if (*pl->sig)
					for (size_t c = 0; c < next; c++)
						if (pid[c] > 0)
							kill(pid[c], SIGTERM);
				continue;
			}
			break;
		}
		for (size_t c = 0; c < next; c++)
			if (pid[c] == w) {
				pid[c] = 0;
				running--;
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
					failed = 1;
			}
	}
	free(pid);
	if (*pl->sig)
		return ZSIM_EINVAL;
	if (failed) {
		/* the first combination's message, for one answer whatever the order */
		for (size_t c = 0; c < nc; c++) {
			char path[4300], line[1024];
			snprintf(path, sizeof(path), "%s/combo-%zu.err", pl->tmp, c);
			FILE *f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(err, errlen, "%s", line);
			}
			fclose(f);
			return ZSIM_EINVAL;
		}
		if (!err[0])
			snprintf(err, errlen, "a search ended without saying why");
		return ZSIM_EINVAL;
	}
	for (size_t q = 0; q < pl->grid; q++) {
		int rc = load_point(pl, q, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- output ---- */

struct combo {
	size_t first;           /* a grid index of the combination (its range knobs at 0) */
	long best;              /* cheapest point meeting every goal, -1 none */
	long miss;              /* none: the nearest miss among its runs, -1 none run */
};

static bool same_combo(const struct plan *pl, size_t a, size_t b)
{
	size_t v[PLAN_MAX_KNOBS], w[PLAN_MAX_KNOBS];
	idx_to(pl, a, v);
	idx_to(pl, b, w);
	for (size_t i = 0; i < pl->nknob; i++)
		if (!pl->knob[i].range && v[i] != w[i])
			return false;
	return true;
}

static size_t combo_count(const struct plan *pl)
{
	size_t c = 1;
	for (size_t i = 0; i < pl->nknob; i++)
		if (!pl->knob[i].range)
			c *= pl->knob[i].n;
	return c;
}

/* The c-th combination's first grid index (list knobs in order, ranges at 0). */
static size_t combo_first(const struct plan *pl, size_t c)
{
	size_t v[PLAN_MAX_KNOBS];
	for (size_t i = pl->nknob; i-- > 0;) {
		if (pl->knob[i].range) {
			v[i] = 0;
		} else {
			v[i] = c % pl->knob[i].n;
			c /= pl->knob[i].n;
		}
	}
	return to_idx(pl, v);
}

/* How far a run misses: failed goals, then the summed relative shortfall. */
static double miss_score(const struct plan *pl, size_t idx, unsigned *nfail)
{
	double s = 0;
	*nfail = 0;
	for (size_t g = 0; g < pl->ngoal; g++) {
		if (pl->pt[idx].met[g])
			continue;
		(*nfail)++;
		double x = pl->pt[idx].val[g], b = pl->goal[g].r.value;
		s += isnan(x) ? 1e9 : fabs(x - b) / fmax(fabs(b), 1.0);
	}
	return s;
}

static void find_frontier(const struct plan *pl, struct combo *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		c[i].first = combo_first(pl, i);
		c[i].best = c[i].miss = -1;
		double best_s = 0;
		unsigned best_f = 0;
		for (size_t q = 0; q < pl->grid; q++) {
			if (!pl->pt[q].run || !same_combo(pl, q, c[i].first))
				continue;
			if (pl->pt[q].pass && c[i].best < 0)
				c[i].best = (long)q;
			unsigned nf;
			double s = miss_score(pl, q, &nf);
			if (!pl->pt[q].pass && (c[i].miss < 0 || nf < best_f || (nf == best_f && s < best_s))) {
				c[i].miss = (long)q;
				best_f = nf;
				best_s = s;
			}
		}
	}
}

static void reasons(const struct plan *pl, size_t idx, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t g = 0; g < pl->ngoal && off < len; g++) {
		if (pl->pt[idx].met[g])
			continue;
		const struct goal *gl = &pl->goal[g];
		char v[64], b[64];
		fmt_value(gl, pl->pt[idx].val[g], v, sizeof(v));
		fmt_value(gl, gl->r.value, b, sizeof(b));
		if (gl->kind == GOAL_NOOOM)
			off += (size_t)snprintf(buf + off, len - off, "%sno-oom: %s", off ? "; " : "", v);
		else if (isnan(pl->pt[idx].val[g]))
			off += (size_t)snprintf(buf + off, len - off, "%s%s: no value in the summary", off ? "; " : "",
						gl->text);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%s: %s, not %s %s", off ? "; " : "", gl->text, v,
						op_str(gl->r.op), b);
	}
}

static json_t *jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static json_t *point_json(const struct plan *pl, size_t idx)
{
	json_t *o = json_object(), *k = json_object(), *g = json_array();
	size_t v[PLAN_MAX_KNOBS];
	idx_to(pl, idx, v);
	char dir[32];
	snprintf(dir, sizeof(dir), "runs/%04zu", idx);
	json_object_set_new(o, "index", json_integer((json_int_t)idx));
	for (size_t i = 0; i < pl->nknob; i++)
		json_object_set_new(k, pl->knob[i].key, json_string(pl->knob[i].val[v[i]]));
	json_object_set_new(o, "knobs", k);
	if (pl->pt[idx].run) {
		json_object_set_new(o, "dir", json_string(dir));
		json_object_set_new(o, "exit", json_integer(pl->pt[idx].exit));
		json_object_set_new(o, "meets_goals", json_boolean(pl->pt[idx].pass));
		for (size_t j = 0; j < pl->ngoal; j++) {
			json_t *e = json_object();
			json_object_set_new(e, "goal", json_string(pl->goal[j].text));
			double x = pl->pt[idx].val[j];
			json_object_set_new(e, "value", jnum(x));
			if (isinf(x))
				json_object_set_new(e, "unbounded", json_true());
			json_object_set_new(e, "met", json_boolean(pl->pt[idx].met[j]));
			json_array_append_new(g, e);
		}
		json_object_set_new(o, "goals", g);
	} else {
		json_decref(g);
	}
	return o;
}

static int write_csv(const struct plan *pl, const char *path, const struct combo *c, size_t nc)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("index,dir", f);
	for (size_t i = 0; i < pl->nknob; i++)
		fputc(',', f), zsim_csv_field(f, pl->knob[i].key);
	fputs(",exit,meets_goals,frontier", f);
	for (size_t g = 0; g < pl->ngoal; g++)
		fputc(',', f), zsim_csv_field(f, pl->goal[g].text);
	fputs(",fails\n", f);
	for (size_t q = 0; q < pl->grid; q++) {
		if (!pl->pt[q].run)
			continue;
		size_t v[PLAN_MAX_KNOBS];
		idx_to(pl, q, v);
		fprintf(f, "%zu,runs/%04zu", q, q);
		for (size_t i = 0; i < pl->nknob; i++)
			fputc(',', f), zsim_csv_field(f, pl->knob[i].val[v[i]]);
		bool fr = false;
		for (size_t i = 0; i < nc; i++)
			fr |= c[i].best == (long)q;
		fprintf(f, ",%d,%d,%d", pl->pt[q].exit, pl->pt[q].pass, fr);
		for (size_t g = 0; g < pl->ngoal; g++) {
			double x = pl->pt[q].val[g];
			if (isnan(x))
				fputs(",", f);
			else if (isinf(x))
				fprintf(f, ",%sinf", x < 0 ? "-" : "");
			else
				fprintf(f, ",%.10g", x);
		}
		char why[1024];
		reasons(pl, q, why, sizeof(why));
		fputc(',', f), zsim_csv_field(f, why);
		fputc('\n', f);
	}
	bool bad = ferror(f) != 0;
	return fclose(f) == 0 && !bad ? 0 : -1;
}

static int write_json(const struct plan *pl, const char *path, const struct combo *c, size_t nc, long answer)
{
	json_t *root = json_object(), *kn = json_array(), *gl = json_array(), *fr = json_array(), *runs = json_array();
	json_object_set_new(root, "mode", json_string(pl->o.exhaustive ? "exhaustive" : "plan"));
	for (size_t i = 0; i < pl->nknob; i++) {
		json_t *k = json_object(), *vals = json_array();
		json_object_set_new(k, "key", json_string(pl->knob[i].key));
		json_object_set_new(k, "kind", json_string(pl->knob[i].range ? "range (assumed monotone)" : "list"));
		for (size_t j = 0; j < pl->knob[i].n; j++)
			json_array_append_new(vals, json_string(pl->knob[i].val[j]));
		json_object_set_new(k, "values", vals);
		json_array_append_new(kn, k);
	}
	json_object_set_new(root, "knobs", kn);
	json_object_set_new(root, "cost_order", json_string("lexicographic in the order of the knobs, the first most "
							       "significant, each knob's values in the order listed"));
	for (size_t g = 0; g < pl->ngoal; g++) {
		json_t *o = json_object();
		json_object_set_new(o, "goal", json_string(pl->goal[g].text));
		json_object_set_new(o, "keys", json_string(pl->goal[g].kind == GOAL_FLASH
								  ? "flash.*.years_at_duty|devices.*.wear.years_at_duty"
								  : pl->goal[g].pattern));
		json_object_set_new(o, "op", json_string(op_str(pl->goal[g].r.op)));
		json_object_set_new(o, "bound", json_real(pl->goal[g].r.value));
		json_object_set_new(o, "monotone", json_boolean(pl->goal[g].monotone));
		json_array_append_new(gl, o);
	}
	json_object_set_new(root, "goals", gl);
	if (*pl->duty)
		json_object_set_new(root, "duty", json_string(pl->duty));
	json_object_set_new(root, "grid_size", json_integer((json_int_t)pl->grid));
	json_object_set_new(root, "runs_done", json_integer((json_int_t)pl->runs));
	json_object_set_new(root, "answer", answer >= 0 ? point_json(pl, (size_t)answer) : json_null());
	for (size_t i = 0; i < nc; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "best", c[i].best >= 0 ? json_integer(c[i].best) : json_null());
		json_object_set_new(o, "nearest_miss",
				    c[i].best < 0 && c[i].miss >= 0 ? json_integer(c[i].miss) : json_null());
		json_t *pj = point_json(pl, c[i].best >= 0 ? (size_t)c[i].best : c[i].first);
		json_object_set_new(o, "config", pj);
		json_array_append_new(fr, o);
	}
	json_object_set_new(root, "frontier", fr);
	for (size_t q = 0; q < pl->grid; q++)
		if (pl->pt[q].run)
			json_array_append_new(runs, point_json(pl, q));
	json_object_set_new(root, "runs", runs);
	int rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	return rc;
}

/* The plot: per goal a panel, the goal's value against the first range knob
 * (else the first knob, by position), one line per combination of the other
 * knobs, the bound as a dashed line, the frontier circled. */
static int write_plot(const struct plan *pl, const struct combo *c, size_t nc, char *err, size_t errlen)
{
	size_t xk = 0;
	while (xk < pl->nknob && !pl->knob[xk].range)
		xk++;
	if (xk == pl->nknob)
		xk = 0;
	const struct knob *X = &pl->knob[xk];
	bool xnum = X->range;
	char data[4400], script[4400], log[4400];
	snprintf(data, sizeof(data), "%s/plot.dat", pl->tmp);
	snprintf(script, sizeof(script), "%s/plot.gp", pl->tmp);
	snprintf(log, sizeof(log), "%s/gnuplot.log", pl->tmp);
	FILE *d = fopen(data, "w");
	if (!d) {
		snprintf(err, errlen, "cannot write %.900s: %s", data, strerror(errno));
		return ZSIM_ESYS;
	}
	/* series: one per combination of every knob but X; a block per series
	 * (two blank lines between), columns x, goal values..., frontier flag */
	size_t nseries = pl->grid / X->n;
	char **title = zsim_xcalloc(nseries, sizeof(*title));
	size_t ns = 0;
	for (size_t q = 0; q < pl->grid; q++) {
		size_t v[PLAN_MAX_KNOBS] = { 0 };
		idx_to(pl, q, v);
		if (v[xk] != 0)
			continue;
		char t[512] = "";
		size_t off = 0;
		for (size_t i = 0; i < pl->nknob; i++)
			if (i != xk)
				off += (size_t)snprintf(t + off, sizeof(t) - off, "%s%s=%s", off ? " " : "", pl->knob[i].label,
							pl->knob[i].val[v[i]]);
		title[ns] = zsim_xstrdup(*t ? t : "runs");
		fprintf(d, "# %s\n", title[ns]);
		for (size_t x = 0; x < X->n; x++) {
			v[xk] = x;
			size_t r = to_idx(pl, v);
			if (!pl->pt[r].run)
				continue;
			bool fr = false;
			for (size_t i = 0; i < nc; i++)
				fr |= c[i].best == (long)r;
			fprintf(d, "%.10g", xnum ? (X->size ? X->num[x] / 1048576.0 : X->num[x]) : (double)x);
			for (size_t g = 0; g < pl->ngoal; g++) {
				double y = pl->pt[r].val[g];
				if (pl->goal[g].is_time)
					y /= 1e6;
				fprintf(d, " %.10g", isnan(y) ? NAN : isinf(y) ? 1e6 : y);
			}
			fprintf(d, " %d\n", fr);
		}
		fputs("\n\n", d);
		ns++;
	}
	fclose(d);
	FILE *gp = fopen(script, "w");
	if (!gp) {
		snprintf(err, errlen, "cannot write %.900s: %s", script, strerror(errno));
		for (size_t i = 0; i < ns; i++)
			free(title[i]);
		free(title);
		return ZSIM_ESYS;
	}
	for (int f = 0; f < 2; f++) {
		unsigned h = 90 + 280 * (unsigned)pl->ngoal;
		if (f)
			fprintf(gp, "set terminal svg size 1000,%u font 'sans,10' noenhanced background '#ffffff'\n", h);
		else
			fprintf(gp, "set terminal pngcairo size 1000,%u font 'sans,10' noenhanced\n", h);
		fprintf(gp, "set output '%s/plan.%s'\nreset session\n", pl->tmp, f ? "svg" : "png");
		fprintf(gp, "set multiplot layout %zu,1 title 'zsim plan: goals against %s%s (circled: the cheapest "
			    "config meeting every goal, per combination of the listed knobs)'\n", pl->ngoal, X->key, X->size ? " (MiB)" : "");
		fputs("set grid lc rgb '#dddddd'\nset key outside right top vertical Left reverse\nset tics nomirror\n"
		      "set lmargin 12\nset rmargin 50\nset datafile missing 'nan'\nset offsets graph 0.03, graph 0.03, "
		      "graph 0.05, graph 0.05\n", gp);
		if (!xnum) {
			fputs("set xtics (", gp);
			for (size_t x = 0; x < X->n; x++)
				fprintf(gp, "%s'%s' %zu", x ? ", " : "", X->val[x], x);
			fputs(")\n", gp);
		}
		for (size_t g = 0; g < pl->ngoal; g++) {
			const struct goal *gl = &pl->goal[g];
			double b = gl->r.value / (gl->is_time ? 1e6 : 1);
			const char *unit = gl->is_time ? " (ms)" : gl->kind == GOAL_FLASH ? " (years)" :
					   gl->kind == GOAL_NOOOM ? " (OOM kills)" : "";
			fprintf(gp, "set title '%s' noenhanced\nset ylabel '%s%s' noenhanced\n", gl->text,
				gl->kind == GOAL_NOOOM ? "outcome.oom_kills" : gl->r.key, unit);
			fprintf(gp, "set xlabel '%s%s' noenhanced\n", X->key, X->size ? " (MiB)" : "");
			if (gl->is_time || gl->kind == GOAL_FLASH)
				fputs("set logscale y\n", gp);
			else
				fputs("unset logscale y\n", gp);
			if (gl->kind == GOAL_FLASH)
				fputs("set yrange [*:1e5]\n", gp);
			else
				fputs("set yrange [*:*]\n", gp);
			fputs("plot ", gp);
			for (size_t s = 0; s < ns; s++) {
				static const char *const colors[] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
								      "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000080" };
				static const int pts[] = { 7, 5, 9, 11, 13 };
				fprintf(gp, "'%s' index %zu using 1:%zu with linespoints pt %d ps 0.7 lw 1.5 lc rgb '%s' "
					    "title '%s', ", data, s, g + 2, pts[(s / 10) % 5], colors[s % 10], title[s]);
				fprintf(gp, "'%s' index %zu using 1:($%zu == 1 ? $%zu : 1/0) with points pt 6 ps 2.5 lw 2 "
					    "lc rgb '#000000' notitle, ", data, s, pl->ngoal + 2, g + 2);
			}
			if (gl->is_time || gl->kind == GOAL_FLASH ? b > 0 : 1)
				fprintf(gp, "%.10g with lines dt 2 lw 2 lc rgb '#d62728' title 'goal: %s %s'\n", b,
					op_str(gl->r.op), gl->kind == GOAL_NOOOM ? "0" : gl->text + strlen(gl->r.key) +
					strspn(gl->text + strlen(gl->r.key), " <>=!"));
			else
				fputs("NaN notitle\n", gp);
		}
		fputs("unset multiplot\n", gp);
	}
	fputs("unset output\n", gp);
	fclose(gp);
	for (size_t i = 0; i < ns; i++)
		free(title[i]);
	free(title);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' > '%s' 2>&1", script, log);
	int st = system(cmd);
	int rc = 0;
	if (st != 0) {
		char first[512] = "", more[512];
		FILE *lf = fopen(log, "r");
		if (lf) {
			while (fgets(more, sizeof(more), lf))
				if (more[0] != '\n' && more[0] != ' ')
					snprintf(first, sizeof(first), "%s", more);
			fclose(lf);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			snprintf(err, errlen, "gnuplot not found (make deps installs it; --no-plot skips the plot)");
		else
			snprintf(err, errlen, "gnuplot failed: %s", first);
		zsim_one_line(err);
		rc = ZSIM_ESYS;
	}
	if (!getenv("ZSIM_PLOT_KEEP")) {
		unlink(data);
		unlink(script);
	}
	unlink(log);
	return rc;
}

/* ---- checks before any run ---- */

/* Load every grid point's config (knob keys, values, the duty); 0 or err. */
static int check_grid(struct plan *pl, struct zsim_config *first, char *err, size_t errlen)
{
	char e[1024];
	for (size_t q = 0; q < pl->grid; q++) {
		char *sets[PLAN_MAX_SETS + PLAN_MAX_KNOBS + 1];
		size_t ns = point_sets(pl, q, sets);
		struct zsim_config cfg;
		int rc = zsim_config_load_ex(pl->o.config, (const char *const *)sets, (unsigned)ns, &cfg, e, sizeof(e));
		for (size_t i = 0; i < ns; i++)
			free(sets[i]);
		if (rc < 0) {
			char name[512];
			point_name(pl, q, name, sizeof(name));
			/* name the knob whose key the message names, if one does */
			const char *which = NULL;
			for (size_t i = 0; i < pl->nknob && !which; i++) {
				char jp[200];
				snprintf(jp, sizeof(jp), "$.%s", pl->knob[i].key);
				const char *leaf = strrchr(pl->knob[i].key, '.');
				leaf = leaf ? leaf + 1 : pl->knob[i].key;
				if (strstr(e, jp) || (strstr(e, "unknown key") && strstr(e, leaf)))
					which = pl->knob[i].key;
			}
			if (which)
				snprintf(err, errlen, "--vary %s: %s (at %s)", which, e, name);
			else
				snprintf(err, errlen, "grid point %s: %s", name, e);
			zsim_one_line(err);
			return rc;
		}
		if (q == 0)
			*first = cfg;
	}
	return 0;
}

/* The summary keys of the first grid point's machine with no processes:
 * a simulation run in this process, its summary flattened. */
static int probe_keys(const struct zsim_config *cfg, struct zsim_flat *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	struct zsim_sim *s = zsim_xmalloc(sizeof(*s));
	int rc = zsim_sim_init(s, cfg, err, errlen);
	if (rc == 0)
		rc = zsim_sim_run(s, err, errlen);
	if (rc < 0) {
		zsim_sim_free(s);
		free(s);
		return rc;
	}
	zsim_results_finish(s);
	const char *none[] = { NULL };
	struct zsim_run_info ri = { none, "probe", false, NULL, false };
	json_t *sum = zsim_summary(s, &ri);
	char dir[] = "/tmp/zsim-plan-probe-XXXXXX";
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a temporary directory: %s", strerror(errno));
		json_decref(sum);
		zsim_sim_free(s);
		free(s);
		return ZSIM_ESYS;
	}
	char path[128];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	rc = json_dump_file(sum, path, JSON_INDENT(1)) == 0 ? zsim_flat_load(dir, f, err, errlen) : ZSIM_ESYS;
	unlink(path);
	rmdir(dir);
	json_decref(sum);
	zsim_sim_free(s);
	free(s);
	return rc;
}

/* ---- the command ---- */

static volatile int plan_sig;

static int plan_fail(struct plan *pl, int rc)
{
	if (*pl->tmp) {
		remove_tree(pl->tmp, 2);
		zsim_tmp_del(pl->tmp);
	}
	return rc;
}

static void print_point_row(const struct plan *pl, size_t idx)
{
	size_t v[PLAN_MAX_KNOBS];
	idx_to(pl, idx, v);
	for (size_t i = 0; i < pl->nknob; i++)
		printf("%s%s=%s", i ? " " : "", pl->knob[i].label, pl->knob[i].val[v[i]]);
}

static void print_goal_values(const struct plan *pl, size_t idx)
{
	for (size_t g = 0; g < pl->ngoal; g++) {
		char v[64];
		fmt_value(&pl->goal[g], pl->pt[idx].val[g], v, sizeof(v));
		printf("%s%s %s", g ? ", " : "", pl->goal[g].kind == GOAL_NOOOM ? "OOM" :
		       pl->goal[g].kind == GOAL_FLASH ? "flash" : pl->goal[g].r.key,
		       pl->goal[g].kind == GOAL_NOOOM ? (pl->pt[idx].val[g] > 0 ? v : "none") : v);
	}
}

int zsim_cmd_plan(int argc, char **argv)
{
	struct plan *pl = zsim_xcalloc(1, sizeof(*pl));
	char err[2048];
	const struct zsim_opt_set sets[] = { { plan_opts, &pl->o }, { NULL, NULL } };
	int rc = ZSIM_EXIT_OK;
	pl->sig = &plan_sig;
	if (zsim_opt_parse(sets, argc - 1, argv + 1, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim plan: %s\n", err);
		free(pl);
		return ZSIM_EXIT_USAGE;
	}
	struct plan_opts *o = &pl->o;
	if (o->help) {
		plan_usage(stdout);
		free(pl);
		return ZSIM_EXIT_OK;
	}
#define USAGE(...) do { fprintf(stderr, "zsim plan: " __VA_ARGS__); fputc('\n', stderr); rc = ZSIM_EXIT_USAGE; goto out; } while (0)
#define BAD(...) do { fprintf(stderr, "zsim plan: " __VA_ARGS__); fputc('\n', stderr); rc = ZSIM_EXIT_ERROR; goto out; } while (0)
	if (!o->config)
		USAGE("no --config given (the board)");
	if (!o->traces.n)
		USAGE("no --trace given");
	if (!o->vary.n)
		USAGE("no --vary given (an open knob: --vary machine.ram=256M..1G/128M)");
	if (!o->goals.n)
		USAGE("no --goal given (no-oom, 'p99<5ms', 'flash_years>=5 at 1 run/day')");
	if (o->vary.n > PLAN_MAX_KNOBS)
		USAGE("--vary: at most %d knobs", PLAN_MAX_KNOBS);
	for (unsigned i = 0; i < o->traces.n; i++) {
		struct stat st;
		if (!strcmp(o->traces.v[i], "-"))
			USAGE("--trace -: a plan reads its traces many times; give a file");
		if (stat(o->traces.v[i], &st) < 0)
			BAD("--trace %s: %s", o->traces.v[i], strerror(errno));
		if (S_ISDIR(st.st_mode))
			BAD("--trace %s: is a directory, not a trace", o->traces.v[i]);
	}
	if (!strcmp(o->config, "-"))
		USAGE("--config -: a plan reads its config many times; give a file");
	for (unsigned i = 0; i < o->sets.n; i++)
		if (zsim_config_check_set(o->sets.v[i], err, sizeof(err)) < 0)
			USAGE("%s", err);
	/* knobs */
	for (unsigned i = 0; i < o->vary.n; i++) {
		if (knob_parse(o->vary.v[i], &pl->knob[i], err, sizeof(err)) < 0) {
			pl->nknob = i + 1;
			BAD("--vary '%s': %s", o->vary.v[i], err);
		}
		pl->nknob = i + 1;
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(pl->knob[j].key, pl->knob[i].key))
				BAD("--vary '%s': position 1: %s is already varied", o->vary.v[i], pl->knob[i].key);
	}
	pl->grid = 1;
	for (size_t i = 0; i < pl->nknob; i++) {
		if (pl->grid > PLAN_MAX_GRID / pl->knob[i].n)
			BAD("--vary %s: the grid would have more than %d configs", pl->knob[i].key, PLAN_MAX_GRID);
		pl->grid *= pl->knob[i].n;
	}
	/* labels: unique, else the whole key */
	for (size_t i = 0; i < pl->nknob; i++)
		for (size_t j = 0; j < pl->nknob; j++)
			if (i != j && !strcmp(pl->knob[i].label, pl->knob[j].label))
				snprintf(pl->knob[i].label, sizeof(pl->knob[i].label), "%s", pl->knob[i].key);
	/* goals */
	for (unsigned i = 0; i < o->goals.n; i++)
		if (goal_parse(o->goals.v[i], pl->goal, &pl->ngoal, PLAN_MAX_GOALS, pl->duty, sizeof(pl->duty), err,
			       sizeof(err)) < 0)
			BAD("--goal '%s': %s", o->goals.v[i], err);
	if (o->all_monotone)
		for (size_t g = 0; g < pl->ngoal; g++)
			pl->goal[g].monotone = true;
	/* every grid point's config loads; the first one's machine gives the keys */
	struct zsim_config cfg0;
	if (check_grid(pl, &cfg0, err, sizeof(err)) < 0)
		BAD("%s", err);
	struct zsim_flat probe;
	if (probe_keys(&cfg0, &probe, err, sizeof(err)) < 0)
		BAD("%s: %s", o->config, err);
	for (size_t g = 0; g < pl->ngoal; g++) {
		const struct goal *gl = &pl->goal[g];
		bool any = false;
		for (size_t k = 0; k < probe.n && !any; k++)
			any = gl->kind == GOAL_FLASH ? (zsim_rule_matches("flash.*.life_used", probe.key[k]) ||
							zsim_rule_matches("devices.*.wear.life_used", probe.key[k]))
						     : goal_matches(gl, probe.key[k]);
		if (gl->kind == GOAL_FLASH && any && !cfg0.duty[0]) {
			zsim_flat_free(&probe);
			BAD("--goal '%s': the board states no duty: write '%s at 1 run/day' (or 8h/day...) or give "
			    "the config a \"duty\"", gl->text, gl->r.text);
		}
		if (!any && !gl->late) {
			zsim_flat_free(&probe);
			if (gl->kind == GOAL_FLASH)
				BAD("--goal '%s': the board has no flash device that wears (no summary key "
				    "devices.*.wear.life_used)", gl->text);
			BAD("--goal '%s': no key '%s' in the summary (zsim run --format csv lists them; "
			    "zsim help compare the aliases)", gl->text, gl->r.key);
		}
	}
	zsim_flat_free(&probe);
	/* --out: new, or an earlier plan we replace */
	snprintf(pl->out, sizeof(pl->out), "%s", o->out);
	for (size_t n = strlen(pl->out); n > 1 && pl->out[n - 1] == '/'; n--)
		pl->out[n - 1] = '\0';
	if (!*pl->out || strlen(pl->out) > 4000)
		USAGE("--out: %s", *pl->out ? "name too long" : "empty directory name");
	{
		const char *b = strrchr(pl->out, '/');
		b = b ? b + 1 : pl->out;
		if (!strcmp(b, ".") || !strcmp(b, "..") || !strcmp(pl->out, "/"))
			USAGE("--out %s: not a name zsim can create a results directory under", pl->out);
	}
	zsim_tmp_clean_stale(pl->out);
	struct stat st;
	char probe_path[4300];
	if (lstat(pl->out, &st) == 0) {
		snprintf(probe_path, sizeof(probe_path), "%s/plan.json", pl->out);
		if (!S_ISDIR(st.st_mode) || access(probe_path, F_OK) != 0)
			BAD("--out %s: exists and is not a zsim plan directory", pl->out);
	}
	snprintf(pl->tmp, sizeof(pl->tmp), "%s.tmp.%ld", pl->out, (long)getpid());
	char runs[4400];
	snprintf(runs, sizeof(runs), "%s/runs", pl->tmp);
	zsim_signals_install(&plan_sig);
	if (mkdir(pl->tmp, 0777) < 0 || mkdir(runs, 0777) < 0) {
		int e = errno;
		rmdir(pl->tmp);
		pl->tmp[0] = '\0';
		BAD("--out: cannot create %s: %s", runs, strerror(e));
	}
	zsim_tmp_add(pl->tmp, true);

	/* the search */
	pl->pt = zsim_xcalloc(pl->grid, sizeof(*pl->pt));
	for (size_t q = 0; q < pl->grid; q++) {
		pl->pt[q].val = zsim_xcalloc(pl->ngoal, sizeof(double));
		pl->pt[q].met = zsim_xcalloc(pl->ngoal, sizeof(bool));
	}
	size_t nc = combo_count(pl);
	size_t range[PLAN_MAX_KNOBS], nrange = 0;
	for (size_t i = 0; i < pl->nknob; i++)
		if (pl->knob[i].range)
			range[nrange++] = i;
	int src = search_all(pl, nc, range, nrange, o->jobs, err, sizeof(err));
	if (src < 0 || plan_sig) {
		if (plan_sig) {
			rc = 128 + plan_sig;
			fprintf(stderr, "zsim plan: interrupted; nothing written\n");
		} else {
			fprintf(stderr, "zsim plan: %s\n", err);
			rc = ZSIM_EXIT_ERROR;
		}
		plan_fail(pl, rc);
		goto out;
	}
	struct combo *cb = zsim_xcalloc(nc, sizeof(*cb));
	find_frontier(pl, cb, nc);
	long answer = -1;
	for (size_t c = 0; c < nc; c++)
		if (cb[c].best >= 0 && (answer < 0 || cb[c].best < answer))
			answer = cb[c].best;
	/* the monotone assumption, on every pair of runs (exhaustive: all) */
	size_t pairs = 0, broken = 0;
	long bad_lo = -1, bad_hi = -1;
	if (has_monotone(pl) && nrange)
		for (size_t a = 0; a < pl->grid; a++) {
			if (!pl->pt[a].run || !pl->pt[a].m_pass)
				continue;
			size_t va[PLAN_MAX_KNOBS], vb[PLAN_MAX_KNOBS];
			idx_to(pl, a, va);
			for (size_t b = 0; b < pl->grid; b++) {
				if (b == a || !pl->pt[b].run || !same_combo(pl, a, b))
					continue;
				idx_to(pl, b, vb);
				bool ge = true;
				for (size_t i = 0; i < nrange; i++)
					ge &= vb[range[i]] >= va[range[i]];
				if (!ge)
					continue;
				pairs++;
				if (!pl->pt[b].m_pass) {
					if (!broken)
						bad_lo = (long)a, bad_hi = (long)b;
					broken++;
				}
			}
		}

	/* the report */
	printf("zsim plan: %zu goal%s, %zu knob%s, a grid of %zu configs%s\n", pl->ngoal, pl->ngoal == 1 ? "" : "s",
	       pl->nknob, pl->nknob == 1 ? "" : "s", pl->grid, o->exhaustive ? " (exhaustive: every one run)" : "");
	printf("  goals:");
	for (size_t g = 0; g < pl->ngoal; g++) {
		const struct goal *gl = &pl->goal[g];
		char b[64];
		fmt_value(gl, gl->r.value, b, sizeof(b));
		printf("%s %s (%s %s %s%s)", g ? ";" : "", gl->text,
		       gl->kind == GOAL_FLASH ? "flash.*.years_at_duty" : gl->pattern, op_str(gl->r.op),
		       gl->kind == GOAL_NOOOM ? "0" : b, gl->monotone ? ", monotone" : "");
	}
	printf("\n  cost order (cheapest first): ");
	for (size_t i = 0; i < pl->nknob; i++)
		printf("%s%s", i ? ", then " : "", pl->knob[i].key);
	printf("; each knob's values in the order given\n");
	if (nrange) {
		printf("  assumed monotone (a config meeting the monotone goals still does with more of it): ");
		for (size_t i = 0; i < nrange; i++)
			printf("%s%s", i ? ", " : "", pl->knob[range[i]].key);
		printf("%s\n", has_monotone(pl) ? (o->exhaustive ? "; checked below" : "; bisected")
						: "; no monotone goal, so nothing is bisected");
	}
	if (answer >= 0) {
		printf("answer: ");
		print_point_row(pl, (size_t)answer);
		printf("\n        ");
		print_goal_values(pl, (size_t)answer);
		printf("\n");
	} else {
		printf("answer: none of the %zu configs meets the goals\n", pl->grid);
	}
	printf("frontier (per combination of the listed knobs, its cheapest config meeting every goal):\n");
	for (size_t c = 0; c < nc; c++) {
		printf("  ");
		if (cb[c].best >= 0) {
			print_point_row(pl, (size_t)cb[c].best);
			printf(": ");
			print_goal_values(pl, (size_t)cb[c].best);
		} else {
			size_t v[PLAN_MAX_KNOBS];
			idx_to(pl, cb[c].first, v);
			bool any = false;
			for (size_t i = 0; i < pl->nknob; i++)
				if (!pl->knob[i].range)
					printf("%s%s=%s", any ? " " : "", pl->knob[i].label, pl->knob[i].val[v[i]]), any = true;
			printf("%snone meets the goals", any ? ": " : "");
			if (cb[c].miss >= 0) {
				char why[1024];
				reasons(pl, (size_t)cb[c].miss, why, sizeof(why));
				printf("; nearest miss ");
				print_point_row(pl, (size_t)cb[c].miss);
				printf(": %s", why);
			}
		}
		printf("\n");
	}
	size_t nrej = 0;
	for (size_t q = 0; q < pl->grid; q++)
		nrej += pl->pt[q].run && !pl->pt[q].pass;
	printf("rejected (%zu of the configs run):\n", nrej);
	size_t shown = 0;
	for (size_t q = 0; q < pl->grid; q++) {
		if (!pl->pt[q].run || pl->pt[q].pass)
			continue;
		if (shown++ == PLAN_REJECTED_SHOWN) {
			printf("  ... %zu more in plan.csv\n", nrej - PLAN_REJECTED_SHOWN);
			break;
		}
		char why[1024];
		reasons(pl, q, why, sizeof(why));
		printf("  ");
		print_point_row(pl, q);
		printf(": %s\n", why);
	}
	if (has_monotone(pl) && nrange) {
		if (broken) {
			char a[512], b[512];
			point_name(pl, (size_t)bad_lo, a, sizeof(a));
			point_name(pl, (size_t)bad_hi, b, sizeof(b));
			printf("monotone assumption: BROKEN in %zu of %zu ordered pairs of runs (%s meets the monotone goals, %s "
			       "does not): the plan's bisection may miss configs; use --exhaustive\n", broken, pairs, a, b);
		} else {
			printf("monotone assumption: held on all %zu ordered pairs of the runs%s\n", pairs,
			       o->exhaustive ? " (every grid point)" : "");
		}
	}
	printf("runs: %zu of %zu configs (%s)\n", pl->runs, pl->grid,
	       o->exhaustive ? "exhaustive" : pl->runs == pl->grid ? "none could be spared"
	       : "bisection and the monotone assumption spared the rest");

	/* files, then the rename */
	char path[4400];
	bool ok = true;
	snprintf(path, sizeof(path), "%s/plan.csv", pl->tmp);
	ok &= write_csv(pl, path, cb, nc) == 0;
	snprintf(path, sizeof(path), "%s/plan.json", pl->tmp);
	ok &= write_json(pl, path, cb, nc, answer) == 0;
	if (!ok) {
		fprintf(stderr, "zsim plan: --out: cannot write %s: %s\n", path, strerror(errno));
		free(cb);
		rc = plan_fail(pl, ZSIM_EXIT_ERROR);
		goto out;
	}
	if (!o->no_plot && write_plot(pl, cb, nc, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim plan: %s\n", err);
		free(cb);
		rc = plan_fail(pl, ZSIM_EXIT_ERROR);
		goto out;
	}
	free(cb);
	if (lstat(pl->out, &st) == 0) {
		char old[4300];
		snprintf(old, sizeof(old), "%s.old.%ld", pl->out, (long)getpid());
		if (rename(pl->out, old) < 0) {
			fprintf(stderr, "zsim plan: --out %s: cannot replace the earlier plan: %s\n", pl->out, strerror(errno));
			rc = plan_fail(pl, ZSIM_EXIT_ERROR);
			goto out;
		}
		remove_tree(old, 2);
	}
	if (rename(pl->tmp, pl->out) < 0) {
		fprintf(stderr, "zsim plan: --out %s: %s\n", pl->out, strerror(errno));
		rc = plan_fail(pl, ZSIM_EXIT_ERROR);
		goto out;
	}
	zsim_tmp_del(pl->tmp);
	printf("results: %s/ (plan.csv, plan.json%s, runs/)\n", pl->out,
	       o->no_plot ? "" : ", plan.png, plan.svg");
out:
	if (pl->pt)
		for (size_t q = 0; q < pl->grid; q++) {
			free(pl->pt[q].val);
			free(pl->pt[q].met);
		}
	free(pl->pt);
	for (size_t i = 0; i < pl->nknob; i++)
		knob_free(&pl->knob[i]);
	free(pl);
	return rc;
#undef USAGE
#undef BAD
}
