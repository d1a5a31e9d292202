/*
 * compare.c - `zsim compare A B [C...] [--fail-on RULES] [--format F] [--all]`:
 * results directories side by side, with B - A and B / A for every run after
 * the first; --fail-on turns the comparison into a CI gate (exit status
 * ZSIM_EXIT_REGRESSION, one line on stderr per violated rule and run).
 *
 * The data model and the rule language are described in compare.h.  The
 * summaries are read by key, never by position, so a summary with more keys
 * (a newer zsim) compares with an older one: a key one run lacks shows "-".
 * Cost: linear key lookups, O(keys^2 x runs); a summary has a few hundred keys.
 */
#include "cli.h"
#include "compare.h"

#include <jansson.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- flattening ---- */

static void flat_add(struct zsim_flat *f, const char *key, double v)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], key)) {
			f->val[i] = v;
			return;
		}
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 256;
		f->key = zsim_xrealloc(f->key, f->cap * sizeof(*f->key));
		f->val = zsim_xrealloc(f->val, f->cap * sizeof(*f->val));
	}
	f->key[f->n] = zsim_xstrdup(key);
	f->val[f->n++] = v;
}

static void flat_addf(struct zsim_flat *f, double v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void flat_addf(struct zsim_flat *f, double v, const char *fmt, ...)
{
	char key[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	flat_add(f, key, v);
}

static double *flat_ref(struct zsim_flat *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], key))
			return &f->val[i];
	return NULL;
}

const double *zsim_flat_get(const struct zsim_flat *f, const char *key)
{
	return flat_ref((struct zsim_flat *)f, key);
}

void zsim_flat_free(struct zsim_flat *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->key[i]);
	free(f->key);
	free(f->val);
	memset(f, 0, sizeof(*f));
}

static void flatten(struct zsim_flat *f, const char *prefix, json_t *v)
{
	char key[512];
	if (json_is_number(v)) {
		flat_add(f, prefix, json_number_value(v));
	} else if (json_is_boolean(v)) {
		flat_add(f, prefix, json_is_true(v) ? 1 : 0);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) {
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
			flatten(f, key, e);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			json_t *nm = json_is_object(e) ? json_object_get(e, "device") : NULL;
			if (!json_is_string(nm))
				nm = json_is_object(e) ? json_object_get(e, "name") : NULL;
			if (json_is_string(nm))
				snprintf(key, sizeof(key), "%s.%s", prefix, json_string_value(nm));
			else
				snprintf(key, sizeof(key), "%s.%zu", prefix, i);
			flatten(f, key, e);
		}
	}
}

/* A trace's short name: its file's base name without the extension. */
static void trace_name(json_t *traces, size_t t, char *buf, size_t len)
{
	json_t *s = json_array_get(traces, t);
	if (!json_is_string(s)) {
		snprintf(buf, len, "trace%zu", t);
		return;
	}
	const char *p = json_string_value(s), *b = strrchr(p, '/');
	b = b ? b + 1 : p;
	const char *dot = strrchr(b, '.');
	snprintf(buf, len, "%.*s", (int)(dot && dot > b ? (size_t)(dot - b) : strlen(b)), b);
	/* two traces with one name: the index tells them apart */
	for (size_t u = 0; u < t; u++) {
		char other[128];
		trace_name(traces, u, other, sizeof(other));
		if (!strcmp(other, buf)) {
			snprintf(buf, len, "trace%zu", t);
			return;
		}
	}
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : json_is_true(v) ? 1 : 0;
}

/* processes[] -> per trace group runtime, per name totals. */
static void flatten_processes(struct zsim_flat *f, json_t *procs, json_t *traces)
{
	size_t nt = json_is_array(traces) ? json_array_size(traces) : 0;
	for (size_t t = 0; t < nt; t++) {
		double lo = INFINITY, hi = -INFINITY;
		size_t i;
		json_t *p;
		json_array_foreach(procs, i, p) {
			if (num(p, "trace") != (double)t)
				continue;
			lo = fmin(lo, num(p, "start_ns"));
			hi = fmax(hi, num(p, "end_ns"));
		}
		if (hi >= lo) {
			char nm[128];
			trace_name(traces, t, nm, sizeof(nm));
			flat_addf(f, hi - lo, "runtime_ns.%s", nm);
		}
	}
	static const char *const sums[] = { "cpu_ns", "fault_wait_ns", "reclaim_stall_ns", "major_faults",
					    "killed" };
	size_t i;
	json_t *p;
	json_array_foreach(procs, i, p) {
		json_t *nm = json_object_get(p, "name");
		if (!json_is_string(nm))
			continue;
		const char *n = json_string_value(nm);
		char key[256];
		snprintf(key, sizeof(key), "process.%s.count", n);
		double *c = flat_ref(f, key);
		if (c)
			*c += 1;
		else
			flat_add(f, key, 1);
		snprintf(key, sizeof(key), "process.%s.runtime_ns", n);
		double rt = num(p, "end_ns") - num(p, "start_ns");
		if ((c = flat_ref(f, key)))
			*c += rt;
		else
			flat_add(f, key, rt);
		for (size_t s = 0; s < ZSIM_ARRAY_SIZE(sums); s++) {
			snprintf(key, sizeof(key), "process.%s.%s", n, sums[s]);
			if ((c = flat_ref(f, key)))
				*c += num(p, sums[s]);
			else
				flat_add(f, key, num(p, sums[s]));
		}
	}
}

int zsim_flat_load(const char *dir, struct zsim_flat *f, char *err, size_t errlen)
{
	char path[4200];
	json_error_t je;
	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		if (je.line > 0)
			snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		zsim_one_line(err);
		return ZSIM_EFORMAT;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: not a zsim summary (expected a JSON object)", path);
		json_decref(root);
		return ZSIM_EFORMAT;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v) {
		if (!strcmp(k, "processes"))
			continue;
		flatten(f, k, v);
	}
	json_t *procs = json_object_get(root, "processes");
	if (json_is_array(procs))
		flatten_processes(f, procs, json_object_get(root, "traces"));
	json_decref(root);

	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	FILE *ev = fopen(path, "r");
	if (ev) {
		char line[4096];
		unsigned long lineno = 0;
		while (fgets(line, sizeof(line), ev)) {
			lineno++;
			json_t *e = json_loads(line, 0, &je);
			json_t *t = e ? json_object_get(e, "type") : NULL;
			if (json_is_string(t)) {
				char key[256];
				snprintf(key, sizeof(key), "events.%s", json_string_value(t));
				double *c = flat_ref(f, key);
				if (c)
					*c += 1;
				else
					flat_add(f, key, 1);
			}
			json_decref(e);
		}
		fclose(ev);
	}
	return 0;
}

/* ---- the rule language ---- */

const char *const zsim_failon_aliases[][2] = {
	{ "oom_kill", "vmstat.oom_kill" },
	{ "oom", "outcome.oom_kills" },
	{ "lost_writes", "outcome.lost_writes" },
	{ "enospc", "outcome.enospc" },
	{ "pswpin", "vmstat.pswpin" },
	{ "pswpout", "vmstat.pswpout" },
	{ "pgmajfault", "vmstat.pgmajfault" },
	{ "allocstall", "vmstat.allocstall" },
	{ "p50", "*.p50" },
	{ "p90", "*.p90" },
	{ "p99", "*.p99" },
	{ "p99.9", "*.p99.9" },
	{ "runtime", "runtime_ns.*" },
	{ "sim_time", "sim_time_ns" },
	{ "wear", "devices.*.wear.life_used" },
	{ "swap_used", "swap.*.used_pages" },
	{ NULL, NULL },
};

static const char *alias_of(const char *k)
{
	for (size_t i = 0; zsim_failon_aliases[i][0]; i++)
		if (!strcmp(zsim_failon_aliases[i][0], k))
			return zsim_failon_aliases[i][1];
	return NULL;
}

bool zsim_rule_matches(const char *rule_key, const char *key)
{
	const char *a = alias_of(rule_key);
	if (a)
		return fnmatch(a, key, 0) == 0;
	if (!strcmp(rule_key, key))
		return true;
	if (strpbrk(rule_key, "*?["))
		return fnmatch(rule_key, key, 0) == 0;
	size_t n = strlen(rule_key), m = strlen(key);
	return m > n && key[m - n - 1] == '.' && !strcmp(key + m - n, rule_key);
}

static bool key_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '*' || ch == '?' || ch == '-' || ch == '[' ||
	       ch == ']';
}

__attribute__((format(printf, 5, 6)))
static int rule_err(char *err, size_t errlen, const char *s, const char *at, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "position %zu: %s", (size_t)(at - s) + 1, msg);
	zsim_one_line(err);
	return ZSIM_EFORMAT;
}

int zsim_failon_parse(const char *s, struct zsim_rule **rules, size_t *n, char *err, size_t errlen)
{
	size_t cap = 4, cnt = 0;
	struct zsim_rule *r = zsim_xcalloc(cap, sizeof(*r));
	const char *p = s;
	char tok[64];
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p) {
			if (cnt == 0 || p == s)
				return free(r), rule_err(err, errlen, s, p, "%s", "expected a rule such as 'pswpin>+10%'");
			return free(r), rule_err(err, errlen, s, p, "%s", "expected a rule after ','");
		}
		if (cnt == cap) {
			cap *= 2;
			r = zsim_xrealloc(r, cap * sizeof(*r));
		}
		struct zsim_rule *q = &r[cnt];
		memset(q, 0, sizeof(*q));
		const char *start = p;
		/* key */
		const char *k = p;
		while (key_char((unsigned char)*p))
			p++;
		if (p == k) {
			snprintf(tok, sizeof(tok), "%.1s", p);
			return free(r), rule_err(err, errlen, s, p, "expected a key (a name such as p99 or vmstat.pswpin), found '%s'", tok);
		}
		if ((size_t)(p - k) >= sizeof(q->key))
			return free(r), rule_err(err, errlen, s, k, "%s", "key too long");
		memcpy(q->key, k, (size_t)(p - k));
		while (isspace((unsigned char)*p))
			p++;
		/* operator */
		if (p[0] == '>' && p[1] == '=')
			q->op = ZSIM_OP_GE, p += 2;
		else if (p[0] == '<' && p[1] == '=')
			q->op = ZSIM_OP_LE, p += 2;
		else if (p[0] == '=' && p[1] == '=')
			q->op = ZSIM_OP_EQ, p += 2;
		else if (p[0] == '!' && p[1] == '=')
			q->op = ZSIM_OP_NE, p += 2;
		else if (p[0] == '>')
			q->op = ZSIM_OP_GT, p += 1;
		else if (p[0] == '<')
			q->op = ZSIM_OP_LT, p += 1;
		else {
			snprintf(tok, sizeof(tok), *p ? "'%.8s'" : "%s", *p ? p : "end of rules");
			return free(r), rule_err(err, errlen, s, p, "expected an operator (> >= < <= == !=), found %s", tok);
		}
		while (isspace((unsigned char)*p))
			p++;
		/* value: [sign] number [unit] [%] */
		if (*p == '+' || *p == '-')
			q->relative = true;
		errno = 0;
		char *end = (char *)p;
		const char *digits = p + (*p == '+' || *p == '-');
		double v = 0;
		if (isdigit((unsigned char)*digits) || (*digits == '.' && isdigit((unsigned char)digits[1])))
			v = strtod(p, &end);
		if (end == p || errno || !isfinite(v)) {
			snprintf(tok, sizeof(tok), *p ? "'%.8s'" : "%s", *p ? p : "end of rules");
			return free(r), rule_err(err, errlen, s, p, "expected a number (0, +10%%, -5, 2ms), found %s", tok);
		}
		p = end;
		static const struct { const char *u; double mul; } units[] = {
			{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		};
		if (isalpha((unsigned char)*p)) {
			const char *u = p;
			while (isalpha((unsigned char)*p))
				p++;
			size_t i;
			for (i = 0; i < ZSIM_ARRAY_SIZE(units); i++)
				if (strlen(units[i].u) == (size_t)(p - u) && !strncmp(units[i].u, u, (size_t)(p - u)))
					break;
			if (i == ZSIM_ARRAY_SIZE(units)) {
				snprintf(tok, sizeof(tok), "%.*s", (int)(p - u > 16 ? 16 : p - u), u);
				return free(r), rule_err(err, errlen, s, u, "unknown unit '%s' (known: ns, us, ms, s, %%)", tok);
			}
			v *= units[i].mul;
		}
		if (*p == '%') {
			q->percent = q->relative = true;
			p++;
		}
		q->value = v;
		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != ',') {
			snprintf(tok, sizeof(tok), "%.8s", p);
			return free(r), rule_err(err, errlen, s, p, "expected ',' or the end after a rule, found '%s'", tok);
		}
		size_t len = (size_t)(p - start);
		while (len && isspace((unsigned char)start[len - 1]))
			len--;
		snprintf(q->text, sizeof(q->text), "%.*s", (int)len, start);
		cnt++;
		if (!*p)
			break;
		p++;   /* ',' */
	}
	*rules = r;
	*n = cnt;
	return 0;
}

double zsim_rule_lhs(const struct zsim_rule *r, double a, double b)
{
	if (!r->relative)
		return b;
	if (!r->percent)
		return b - a;
	if (a == 0)
		return b == 0 ? 0 : b > 0 ? INFINITY : -INFINITY;
	return 100.0 * (b - a) / fabs(a);
}

bool zsim_rule_violated(const struct zsim_rule *r, double x)
{
	switch (r->op) {
	case ZSIM_OP_GT: return x > r->value;
	case ZSIM_OP_GE: return x >= r->value;
	case ZSIM_OP_LT: return x < r->value;
	case ZSIM_OP_LE: return x <= r->value;
	case ZSIM_OP_EQ: return x == r->value;
	case ZSIM_OP_NE: return x != r->value;
	}
	return false;
}

/* ---- the comparison ---- */

char *zsim_run_name(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *b = dir + n;
	while (b > dir && b[-1] != '/')
		b--;
	char *s = zsim_xmalloc((size_t)(dir + n - b) + 1);
	memcpy(s, b, (size_t)(dir + n - b));
	s[dir + n - b] = '\0';
	return s;
}

void zsim_cmp_free(struct zsim_cmp *c)
{
	for (size_t i = 0; i < c->nruns; i++) {
		zsim_flat_free(&c->runs[i]);
		free((char *)c->names[i]);
	}
	for (size_t i = 0; i < c->nkeys; i++)
		free(c->keys[i]);
	free(c->runs);
	free(c->names);
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

int zsim_cmp_load(struct zsim_cmp *c, size_t n, char *const *dirs, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->runs = zsim_xcalloc(n, sizeof(*c->runs));
	c->names = zsim_xcalloc(n, sizeof(*c->names));
	for (size_t i = 0; i < n; i++) {
		int rc = zsim_flat_load(dirs[i], &c->runs[i], err, errlen);
		c->names[i] = zsim_run_name(dirs[i]);
		c->nruns = i + 1;
		if (rc < 0) {
			zsim_cmp_free(c);
			return rc;
		}
	}
	/* same base name twice: use the paths as given */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->names[i], c->names[j])) {
				free((char *)c->names[i]);
				c->names[i] = zsim_xstrdup(dirs[i]);
			}
	/* an event type one run never logged happened 0 times there */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < c->runs[i].n; k++)
			if (!strncmp(c->runs[i].key[k], "events.", 7))
				for (size_t j = 0; j < n; j++)
					if (!zsim_flat_get(&c->runs[j], c->runs[i].key[k]))
						flat_add(&c->runs[j], c->runs[i].key[k], 0);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < c->runs[i].n; k++) {
			const char *key = c->runs[i].key[k];
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = zsim_flat_get(&c->runs[j], key) != NULL;
			if (seen)
				continue;
			if (c->nkeys == cap) {
				cap = cap ? 2 * cap : 256;
				c->keys = zsim_xrealloc(c->keys, cap * sizeof(*c->keys));
			}
			c->keys[c->nkeys++] = zsim_xstrdup(key);
		}
	return 0;
}

static bool headline(const char *key)
{
	for (size_t i = 0; zsim_failon_aliases[i][0]; i++)
		if (fnmatch(zsim_failon_aliases[i][1], key, 0) == 0)
			return true;
	return !strncmp(key, "outcome.", 8);
}

static bool row_shown(const struct zsim_cmp *c, size_t k, bool all)
{
	if (all || headline(c->keys[k]))
		return true;
	const double *a = zsim_flat_get(&c->runs[0], c->keys[k]);
	for (size_t r = 1; r < c->nruns; r++) {
		const double *b = zsim_flat_get(&c->runs[r], c->keys[k]);
		if (!a || !b || *a != *b)
			return true;
	}
	return false;
}

static char *fmt_num(char *buf, size_t len, const double *v)
{
	if (!v)
		snprintf(buf, len, "-");
	else if (isinf(*v))
		snprintf(buf, len, "%sinf", *v < 0 ? "-" : "");
	else if (*v == floor(*v) && fabs(*v) < 1e15)
		snprintf(buf, len, "%.0f", *v);
	else
		snprintf(buf, len, "%.6g", *v);
	return buf;
}

static char *fmt_diff(char *buf, size_t len, const double *a, const double *b)
{
	if (!a || !b) {
		snprintf(buf, len, "-");
		return buf;
	}
	double d = *b - *a;
	if (d == floor(d) && fabs(d) < 1e15)
		snprintf(buf, len, "%+.0f", d);
	else
		snprintf(buf, len, "%+.6g", d);
	return buf;
}

static char *fmt_ratio(char *buf, size_t len, const double *a, const double *b)
{
	if (!a || !b || *a == 0)
		snprintf(buf, len, a && b && *b == 0 ? "1" : "-");
	else
		snprintf(buf, len, "%.4g", *b / *a);
	return buf;
}

void zsim_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void html_str(FILE *out, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
}

/* The comparison as JSON: {"runs": [...], "rows": [{"key", "values", "diff", "ratio"}]}. */
static json_t *cmp_json(const struct zsim_cmp *c, bool all)
{
	size_t R = c->nruns;
	json_t *root = json_object(), *runs = json_array(), *rows = json_array();
	for (size_t r = 0; r < R; r++)
		json_array_append_new(runs, json_string(c->names[r]));
	json_object_set_new(root, "runs", runs);
	for (size_t k = 0; k < c->nkeys; k++) {
		if (!row_shown(c, k, all))
			continue;
		json_t *row = json_object(), *vals = json_array(), *diff = json_array(), *ratio = json_array();
		const double *a = zsim_flat_get(&c->runs[0], c->keys[k]);
		for (size_t r = 0; r < R; r++) {
			const double *b = zsim_flat_get(&c->runs[r], c->keys[k]);
			json_array_append_new(vals, b && isfinite(*b) ? json_real(*b) : json_null());
			if (!r)
				continue;
			json_array_append_new(diff, a && b ? json_real(*b - *a) : json_null());
			json_array_append_new(ratio, a && b && *a != 0 ? json_real(*b / *a) : json_null());
		}
		json_object_set_new(row, "key", json_string(c->keys[k]));
		json_object_set_new(row, "values", vals);
		json_object_set_new(row, "diff", diff);
		json_object_set_new(row, "ratio", ratio);
		json_array_append_new(rows, row);
	}
	json_object_set_new(root, "rows", rows);
	return root;
}

static void json_out(FILE *out, json_t *root)
{
	json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', out);
}

void zsim_cmp_write(FILE *out, const struct zsim_cmp *c, const char *fmt, bool all)
{
	char a1[64], a2[64];
	size_t R = c->nruns;
	if (!strcmp(fmt, "json")) {
		json_t *root = cmp_json(c, all);
		json_out(out, root);
		json_decref(root);
		return;
	}
	bool csv = !strcmp(fmt, "csv"), md = !strcmp(fmt, "markdown"), html = !strcmp(fmt, "html");
	/* header */
	size_t kw = 3;
	for (size_t k = 0; k < c->nkeys; k++)
		if (row_shown(c, k, all) && strlen(c->keys[k]) > kw)
			kw = strlen(c->keys[k]);
	size_t vw = 14;
	for (size_t r = 0; r < R; r++)
		if (strlen(c->names[r]) + 1 > vw)
			vw = strlen(c->names[r]) + 1;
	if (csv) {
		fputs("key", out);
		for (size_t r = 0; r < R; r++)
			fputc(',', out), zsim_csv_field(out, c->names[r]);
		for (size_t r = 1; r < R; r++) {
			char h[512];
			snprintf(h, sizeof(h), "%s-%s", c->names[r], c->names[0]);
			fputc(',', out), zsim_csv_field(out, h);
			snprintf(h, sizeof(h), "%s/%s", c->names[r], c->names[0]);
			fputc(',', out), zsim_csv_field(out, h);
		}
		fputc('\n', out);
	} else if (md || html) {
		fputs(html ? "<table class=\"cmp\"><thead><tr><th>key</th>" : "| key |", out);
		for (size_t r = 0; r < R; r++) {
			if (html) {
				fputs("<th>", out), html_str(out, c->names[r]), fputs("</th>", out);
			} else {
				fprintf(out, " %s |", c->names[r]);
			}
		}
		for (size_t r = 1; r < R; r++) {
			if (html) {
				fputs("<th>", out), html_str(out, c->names[r]), fputs(" &minus; ", out);
				html_str(out, c->names[0]), fputs("</th><th>", out), html_str(out, c->names[r]);
				fputs(" / ", out), html_str(out, c->names[0]), fputs("</th>", out);
			} else {
				fprintf(out, " %s - %s | %s / %s |", c->names[r], c->names[0], c->names[r], c->names[0]);
			}
		}
		if (html) {
			fputs("</tr></thead><tbody>\n", out);
		} else {
			fputs("\n| --- |", out);
			for (size_t r = 0; r < R + 2 * (R - 1); r++)
				fputs(" ---: |", out);
			fputc('\n', out);
		}
	} else {
		fprintf(out, "%-*s", (int)kw, "key");
		for (size_t r = 0; r < R; r++)
			fprintf(out, " %*s", (int)vw, c->names[r]);
		for (size_t r = 1; r < R; r++) {
			char h[64];
			snprintf(h, sizeof(h), "%s-A", R > 2 ? c->names[r] : "B");
			fprintf(out, " %*s", (int)vw, R > 2 ? h : "B-A");
			snprintf(h, sizeof(h), "%s/A", R > 2 ? c->names[r] : "B");
			fprintf(out, " %8s", R > 2 ? h : "B/A");
		}
		fputc('\n', out);
	}
	size_t hidden = 0;
	for (size_t k = 0; k < c->nkeys; k++) {
		if (!row_shown(c, k, all)) {
			hidden++;
			continue;
		}
		const double *a = zsim_flat_get(&c->runs[0], c->keys[k]);
		if (csv)
			zsim_csv_field(out, c->keys[k]);
		else if (html)
			fputs("<tr><td>", out), html_str(out, c->keys[k]), fputs("</td>", out);
		else if (md)
			fprintf(out, "| %s |", c->keys[k]);
		else
			fprintf(out, "%-*s", (int)kw, c->keys[k]);
		for (size_t r = 0; r < R; r++) {
			fmt_num(a1, sizeof(a1), zsim_flat_get(&c->runs[r], c->keys[k]));
			if (csv)
				fprintf(out, ",%s", a1);
			else if (html)
				fprintf(out, "<td>%s</td>", a1);
			else if (md)
				fprintf(out, " %s |", a1);
			else
				fprintf(out, " %*s", (int)vw, a1);
		}
		for (size_t r = 1; r < R; r++) {
			const double *b = zsim_flat_get(&c->runs[r], c->keys[k]);
			fmt_diff(a1, sizeof(a1), a, b);
			fmt_ratio(a2, sizeof(a2), a, b);
			bool changed = a && b && *a != *b;
			if (csv)
				fprintf(out, ",%s,%s", a1, a2);
			else if (html)
				fprintf(out, "<td%s>%s</td><td%s>%s</td>", changed ? " class=\"d\"" : "", a1,
					changed ? " class=\"d\"" : "", a2);
			else if (md)
				fprintf(out, " %s | %s |", a1, a2);
			else
				fprintf(out, " %*s %8s", (int)vw, a1, a2);
		}
		fputs(html ? "</tr>\n" : "\n", out);
	}
	if (html)
		fputs("</tbody></table>\n", out);
	if (hidden && !csv && !html)
		fprintf(out, "%s(%zu keys equal in every run not shown; --all shows them)\n", md ? "\n" : "", hidden);
	if (hidden && html)
		fprintf(out, "<p class=\"note\">%zu keys equal in every run not shown.</p>\n", hidden);
}

/* ---- the command ---- */

struct compare_opts {
	const char *fail_on;
	char format[ZSIM_OPT_NAME_MAX];
	bool all, help;
};

static const struct zsim_opt_type rules_type = { ZSIM_OPTK_STRING, "RULES", NULL };

#define CMP_OFF(f) offsetof(struct compare_opts, f)
static const struct zsim_opt compare_opts[] = {
	{ "fail-on", &rules_type, CMP_OFF(fail_on), NULL, 0, 0,
	  "rules such as 'oom_kill>0, pswpin>+10%, p99>+20%, runtime>+5%' (exit 5 if one is violated)", 0 },
	{ "format", ZSIM_OPT_NAME, CMP_OFF(format), "text", 0, 0, "text, json, csv or markdown", 'f' },
	{ "all", ZSIM_OPT_FLAG, CMP_OFF(all), NULL, 0, 0,
	  "every key, also those equal in every run (default: those that differ, and the headline ones)", 0 },
	{ "help", ZSIM_OPT_FLAG, CMP_OFF(help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: zsim compare A B [C...] [--fail-on RULES] [--format text|json|csv|markdown] [--all]\n"
		"Results directories side by side: every number of their summary.json (by key),\n"
		"per-trace runtimes, per-process-name totals and event counts, with B-A and B/A\n"
		"against the first.  Rules: KEY OP VALUE, comma-separated; OP one of > >= < <= == !=;\n"
		"VALUE with a sign or a %% compares B with A (\"p99>+20%%\": B's p99 more than 20%%\n"
		"above A's), else it is a threshold on each later run (\"oom_kill>0\").  A value may\n"
		"carry a time unit (ns, us, ms, s).  KEY: an alias, a dotted path (vmstat.pswpin),\n"
		"a glob (devices.*.wear.life_used) or a last component (pswpin).  Aliases:\n");
	for (size_t i = 0; zsim_failon_aliases[i][0]; i++)
		fprintf(out, "%s%s=%s", i % 4 ? ", " : "  ", zsim_failon_aliases[i][0], zsim_failon_aliases[i][1]),
			(i % 4 == 3 || !zsim_failon_aliases[i + 1][0]) ? (void)fputc('\n', out) : (void)0;
	fprintf(out, "Exit status: 0, or 5 when a rule is violated (one line per violation on stderr),\n"
		     "2 for a bad command line or rule, 1 for an unreadable results directory.\n");
	zsim_opt_print(out, compare_opts);
}

int zsim_cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	char err[1024];
	memset(&o, 0, sizeof(o));
	const struct zsim_opt_set sets[] = { { compare_opts, &o }, { NULL, NULL } };
	int npos = 0;
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim compare: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (o.help) {
		compare_usage(stdout);
		return ZSIM_EXIT_OK;
	}
	if (strcmp(o.format, "text") && strcmp(o.format, "json") && strcmp(o.format, "csv") &&
	    strcmp(o.format, "markdown")) {
		fprintf(stderr, "zsim compare: --format: unknown format '%s' (known: text, json, csv, markdown)\n",
			o.format);
		return ZSIM_EXIT_USAGE;
	}
	if (npos < 2) {
		fprintf(stderr, "zsim compare: needs at least two results directories (zsim compare A B)\n");
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_rule *rules = NULL;
	size_t nrules = 0;
	if (o.fail_on && zsim_failon_parse(o.fail_on, &rules, &nrules, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim compare: --fail-on: %s in '%s'\n", err, o.fail_on);
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_cmp c;
	if (zsim_cmp_load(&c, (size_t)npos, argv + 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim compare: %s\n", err);
		free(rules);
		return ZSIM_EXIT_ERROR;
	}
	/* a rule whose key answers to nothing in any run is a typo, not a pass;
	 * an alias may (wear, on a machine without flash) */
	for (size_t i = 0; i < nrules; i++) {
		bool any = alias_of(rules[i].key) != NULL;
		for (size_t k = 0; k < c.nkeys && !any; k++)
			any = zsim_rule_matches(rules[i].key, c.keys[k]);
		if (!any) {
			fprintf(stderr, "zsim compare: --fail-on: rule '%s': no key '%s' in the summaries "
					"(zsim compare --all lists them; zsim help compare the aliases)\n",
				rules[i].text, rules[i].key);
			zsim_cmp_free(&c);
			free(rules);
			return ZSIM_EXIT_USAGE;
		}
	}
	unsigned violations = 0;
	json_t *viol = json_array();
	char **lines = NULL;
	for (size_t i = 0; i < nrules; i++)
		for (size_t k = 0; k < c.nkeys; k++) {
			if (!zsim_rule_matches(rules[i].key, c.keys[k]))
				continue;
			const double *a = zsim_flat_get(&c.runs[0], c.keys[k]);
			for (size_t r = 1; r < c.nruns; r++) {
				const double *b = zsim_flat_get(&c.runs[r], c.keys[k]);
				if (!b || (rules[i].relative && !a))
					continue;
				double x = zsim_rule_lhs(&rules[i], a ? *a : 0, *b);
				if (!zsim_rule_violated(&rules[i], x))
					continue;
				char va[64], vb[64], line[1024];
				static const struct zsim_rule pct = { .relative = true, .percent = true };
				if (rules[i].relative)
					snprintf(line, sizeof(line), "zsim compare: %s: rule '%s' violated: %s %s -> %s (%+.1f%%)",
						 c.names[r], rules[i].text, c.keys[k], fmt_num(va, sizeof(va), a),
						 fmt_num(vb, sizeof(vb), b), zsim_rule_lhs(&pct, *a, *b));
				else
					snprintf(line, sizeof(line), "zsim compare: %s: rule '%s' violated: %s is %s", c.names[r],
						 rules[i].text, c.keys[k], fmt_num(vb, sizeof(vb), b));
				lines = zsim_xrealloc(lines, (violations + 1) * sizeof(*lines));
				lines[violations++] = zsim_xstrdup(line);
				json_t *v = json_object();
				json_object_set_new(v, "run", json_string(c.names[r]));
				json_object_set_new(v, "rule", json_string(rules[i].text));
				json_object_set_new(v, "key", json_string(c.keys[k]));
				json_object_set_new(v, "base", a && isfinite(*a) ? json_real(*a) : json_null());
				json_object_set_new(v, "value", isfinite(*b) ? json_real(*b) : json_null());
				json_array_append_new(viol, v);
			}
		}
	/* the table (with the violations, in JSON), then one line per violation on stderr */
	if (!strcmp(o.format, "json")) {
		json_t *root = cmp_json(&c, o.all);
		json_object_set_new(root, "violations", viol);
		json_out(stdout, root);
		json_decref(root);
	} else {
		zsim_cmp_write(stdout, &c, o.format, o.all);
		json_decref(viol);
	}
	fflush(stdout);
	for (unsigned i = 0; i < violations; i++) {
		fprintf(stderr, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	zsim_cmp_free(&c);
	free(rules);
	return violations ? ZSIM_EXIT_REGRESSION : ZSIM_EXIT_OK;
}
