/*
 * gen.c - `zsim trace gen KIND [options] -o FILE`: the generators' phone book,
 * the option-table parser shared with the importers, and the emitter.
 *
 * The command parses the whole command line before it creates the output, so a
 * bad option leaves no file; a failure while generating drops the half-written
 * trace (zsim_trace_writer_abort).  Errors are one line on stderr,
 * "zsim trace gen KIND: ...", and a non-zero exit (ZSIM_EXIT_USAGE for the
 * command line, ZSIM_EXIT_ERROR for a failed write).
 */
#include "gen.h"
#include "../core/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct zsim_generator *const generators[] = {
	&zsim_gen_hogger,
	&zsim_gen_untar,
	&zsim_gen_kbuild,
	&zsim_gen_zipf,
	&zsim_gen_scan,
	&zsim_gen_appswitch,
};

void zsim_gen_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(generators) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", generators[i]->name);
}

/* ---- emitter ----------------------------------------------------------- */

void zsim_gen_init(struct zsim_gen *g, struct zsim_trace_writer *w, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	g->w = w;
	zsim_rng_seed(&g->rng, seed);
	for (unsigned c = 0; c < ZSIM_CONTENT_NR; c++)
		g->seed_next[c] = zsim_rng_next(&g->rng) >> 1;
}

void zsim_gen_emit(struct zsim_gen *g, const struct zsim_event *ev)
{
	if (g->err)
		return;
	int rc = zsim_trace_write(g->w, ev);
	if (rc < 0) {
		zsim_gen_fail(g, rc, "writing event %llu (%s): %s",
			      (unsigned long long)g->events, zsim_ev_kind_name(ev->kind),
			      zsim_trace_writer_error(g->w));
		return;
	}
	g->events++;
}

int zsim_gen_fail(struct zsim_gen *g, int err, const char *fmt, ...)
{
	if (g->err)
		return g->err;
	g->err = err < 0 ? err : ZSIM_EINVAL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
	return g->err;
}

void zsim_gen_tree_free(struct zsim_tree *t)
{
	free(t->files);
	memset(t, 0, sizeof(*t));
}

double zsim_gen_quantile(const struct zsim_quantile *pts, size_t n, double u)
{
	if (u <= pts[0].p)
		return pts[0].v;
	for (size_t i = 1; i < n; i++)
		if (u <= pts[i].p) {
			double span = pts[i].p - pts[i - 1].p;
			double f = span > 0 ? (u - pts[i - 1].p) / span : 1.0;
			return pts[i - 1].v + f * (pts[i].v - pts[i - 1].v);
		}
	return pts[n - 1].v;
}

uint32_t zsim_gen_header_fs(struct zsim_trace_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_fs; i++)
		if (strcmp(h->fs[i], name) == 0)
			return i;
	if (h->nr_fs >= ZSIM_TRACE_MAX_FS) {
		fprintf(stderr, "zsim: more than %d filesystems in one trace\n", ZSIM_TRACE_MAX_FS);
		abort();
	}
	snprintf(h->fs[h->nr_fs], sizeof(h->fs[0]), "%s", name);
	return h->nr_fs++;
}

/* ---- option parsing ---------------------------------------------------- */

/* "CLASS" or "ratio:R" (R the target lz4 ratio, 1.0 to 25.5). */
static int parse_content(const char *s, struct zsim_content_ref *out, char *err, size_t errlen)
{
	char name[32];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	enum zsim_content_class c;
	if (n >= sizeof(name)) {
		snprintf(err, errlen, "'%s' is not a content class", s);
		return ZSIM_EFORMAT;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if (zsim_content_parse(name, &c) < 0) {
		char names[160];
		zsim_content_names(names, sizeof(names));
		snprintf(err, errlen, "unknown content class '%s' (known: %s)", name, names);
		return ZSIM_EFORMAT;
	}
	if (c == ZSIM_CONTENT_CORPUS) {
		snprintf(err, errlen, "content class 'corpus' needs a corpus file; generators make synthetic pages");
		return ZSIM_EFORMAT;
	}
	memset(out, 0, sizeof(*out));
	out->cls = (uint8_t)c;
	if (c == ZSIM_CONTENT_RATIO) {
		double r = ZSIM_CONTENT_RATIO_DEFAULT / 10.0;
		if (colon && (zsim_parse_real(colon + 1, &r) < 0 || r < 1.0 || r > 25.5)) {
			snprintf(err, errlen, "'%s': the ratio must be a number from 1.0 to 25.5", s);
			return ZSIM_EFORMAT;
		}
		out->param = (uint8_t)lround(r * 10);
	} else if (colon) {
		snprintf(err, errlen, "'%s': class %s takes no parameter", s, name);
		return ZSIM_EFORMAT;
	}
	return 0;
}

static int set_opt(const struct zsim_gen_opt *o, void *opts, const char *val, char *err, size_t errlen)
{
	char *field = (char *)opts + o->offset;
	uint64_t u = 0;
	double d = 0;
	switch (o->type) {
	case ZSIM_GOPT_SIZE:
		if (zsim_parse_size(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a size", o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_GOPT_COUNT:
		if (zsim_parse_u64(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a count", o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_GOPT_TIME:
		if (zsim_parse_time(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a duration (a number and a unit: 10s, 250ms, 5us)", o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_GOPT_REAL:
		if (zsim_parse_real(val, &d) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a number", o->name, val);
			return ZSIM_EFORMAT;
		}
		break;
	case ZSIM_GOPT_CONTENT: {
		char sub[320];
		if (parse_content(val, (struct zsim_content_ref *)(void *)field, sub, sizeof(sub)) < 0) {
			snprintf(err, errlen, "--%s: %s", o->name, sub);
			return ZSIM_EFORMAT;
		}
		return 0;
	}
	case ZSIM_GOPT_NAME: {
		size_t n = strlen(val);
		if (n == 0 || n >= ZSIM_GEN_NAME_MAX || strpbrk(val, " \t\n/")) {
			snprintf(err, errlen, "--%s: '%s' is not a name (1 to %d characters, no blanks or '/')",
				 o->name, val, ZSIM_GEN_NAME_MAX - 1);
			return ZSIM_EFORMAT;
		}
		memcpy(field, val, n + 1);
		return 0;
	}
	case ZSIM_GOPT_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	}
	if (d < o->min || (o->max > 0 && d > o->max)) {
		const char *unit = o->type == ZSIM_GOPT_SIZE ? " bytes" : o->type == ZSIM_GOPT_TIME ? " ns" : "";
		if (o->max > 0)
			snprintf(err, errlen, "--%s: '%s' is not in [%.15g, %.15g]%s", o->name, val,
				 o->min, o->max, unit);
		else
			snprintf(err, errlen, "--%s: '%s' is below the minimum %.15g%s", o->name, val,
				 o->min, unit);
		return ZSIM_EFORMAT;
	}
	if (o->type == ZSIM_GOPT_REAL)
		*(double *)(void *)field = d;
	else
		*(uint64_t *)(void *)field = u;
	return 0;
}

static const struct zsim_gen_opt *find_opt(const struct zsim_gen_opt *tab, const char *name, size_t n)
{
	for (const struct zsim_gen_opt *o = tab; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

int zsim_gen_parse(const struct zsim_gen_opt *tab, void *opts, int argc, char **argv,
		   bool want_input, struct zsim_gen_cli *cli, char *err, size_t errlen)
{
	memset(cli, 0, sizeof(*cli));
	cli->seed = 1;
	for (const struct zsim_gen_opt *o = tab; o && o->name; o++)
		if (o->def && set_opt(o, opts, o->def, err, errlen) < 0) {
			fprintf(stderr, "zsim: bad default of --%s: %s\n", o->name, err);
			abort();
		}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cli->help = true;
			continue;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			cli->verbose = true;
			continue;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (!want_input) {
				snprintf(err, errlen, "unexpected argument '%s'", a);
				return ZSIM_EFORMAT;
			}
			if (cli->input) {
				snprintf(err, errlen, "more than one INPUT ('%s' and '%s')", cli->input, a);
				return ZSIM_EFORMAT;
			}
			cli->input = a;
			continue;
		}
		/* -o FILE, -oFILE, --output FILE, --output=FILE, --NAME VALUE, --NAME=VALUE */
		const char *name, *val = NULL;
		size_t n;
		if (a[1] == 'o') {
			name = "output";
			n = 6;
			if (a[2])
				val = a + 2;
		} else if (a[1] == '-' && a[2]) {
			name = a + 2;
			const char *eq = strchr(name, '=');
			n = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				val = eq + 1;
		} else {
			snprintf(err, errlen, "unknown option '%s'", a);
			return ZSIM_EFORMAT;
		}
		bool is_output = n == 6 && strncmp(name, "output", 6) == 0;
		bool is_seed = n == 4 && strncmp(name, "seed", 4) == 0;
		const struct zsim_gen_opt *o = is_output || is_seed ? NULL : find_opt(tab, name, n);
		if (!is_output && !is_seed && !o) {
			snprintf(err, errlen, "unknown option '%.*s'", (int)(n + 2), a);
			return ZSIM_EFORMAT;
		}
		if (o && o->type == ZSIM_GOPT_FLAG) {
			if (val) {
				snprintf(err, errlen, "--%s takes no value", o->name);
				return ZSIM_EFORMAT;
			}
			if (set_opt(o, opts, "", err, errlen) < 0)
				return ZSIM_EFORMAT;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option '%s' needs a value", a);
				return ZSIM_EFORMAT;
			}
			val = argv[++i];
		}
		if (is_output) {
			if (!*val) {
				snprintf(err, errlen, "-o: empty file name");
				return ZSIM_EFORMAT;
			}
			cli->output = val;
		} else if (is_seed) {
			if (zsim_parse_u64(val, &cli->seed) < 0) {
				snprintf(err, errlen, "--seed: '%s' is not a number", val);
				return ZSIM_EFORMAT;
			}
		} else if (set_opt(o, opts, val, err, errlen) < 0) {
			return ZSIM_EFORMAT;
		}
	}
	return 0;
}

void zsim_gen_print_opts(FILE *out, const struct zsim_gen_opt *tab)
{
	static const char *const meta[] = {
		[ZSIM_GOPT_SIZE] = "SIZE", [ZSIM_GOPT_COUNT] = "N", [ZSIM_GOPT_REAL] = "X",
		[ZSIM_GOPT_TIME] = "TIME", [ZSIM_GOPT_CONTENT] = "CLASS", [ZSIM_GOPT_NAME] = "NAME",
		[ZSIM_GOPT_FLAG] = "",
	};
	for (const struct zsim_gen_opt *o = tab; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s %s", o->name, meta[o->type]);
		fprintf(out, "  %-24s %s", left, o->help);
		if (o->def && o->type != ZSIM_GOPT_FLAG)
			fprintf(out, " (default %s)", o->def);
		fputc('\n', out);
	}
}

/* ---- the command ------------------------------------------------------- */

static void list_kinds(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(generators) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", generators[i]->name);
}

static void usage(FILE *out)
{
	char kinds[200];
	list_kinds(kinds, sizeof(kinds));
	fprintf(out,
		"usage: zsim trace gen KIND [options] [--seed N] -o FILE\n"
		"KIND: %s\n"
		"`zsim trace gen KIND --help` lists a generator's options.\n"
		"Same options and seed give a byte-identical trace.\n", kinds);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int zsim_trace_gen(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return ZSIM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return ZSIM_EXIT_OK;
	}
	const struct zsim_generator *gen = NULL;
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(generators); i++)
		if (strcmp(generators[i]->name, argv[1]) == 0)
			gen = generators[i];
	if (!gen) {
		char kinds[200];
		list_kinds(kinds, sizeof(kinds));
		fprintf(stderr, "zsim trace gen: unknown kind '%s' (known: %s)\n", argv[1], kinds);
		return ZSIM_EXIT_USAGE;
	}
	const char *kind = gen->name;
	void *opts = zsim_xcalloc(1, gen->opts_size);
	struct zsim_gen_cli cli;
	char err[512];
	int status = ZSIM_EXIT_USAGE;
	if (zsim_gen_parse(gen->opts, opts, argc - 2, argv + 2, false, &cli, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace gen %s: %s\n", kind, err);
		goto out;
	}
	if (cli.help) {
		printf("usage: zsim trace gen %s [options] [--seed N] -o FILE\n%s\noptions:\n", kind, gen->help);
		zsim_gen_print_opts(stdout, gen->opts);
		printf("  %-24s %s\n  %-24s %s\n  %-24s %s\n", "--seed N", "seed of every random choice (default 1)",
		       "-o FILE", "output trace (\"-\": standard output; .zst: compressed)",
		       "-v", "print events and rate on stderr");
		status = ZSIM_EXIT_OK;
		goto out;
	}
	if (!cli.output) {
		fprintf(stderr, "zsim trace gen %s: no output file (-o FILE)\n", kind);
		goto out;
	}
	if (gen->check && gen->check(opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace gen %s: %s\n", kind, err);
		goto out;
	}
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_size = ZSIM_PAGE_SIZE;
	snprintf(h.generator, sizeof(h.generator), "%s", kind);
	h.seed = cli.seed;
	if (gen->prepare)
		gen->prepare(opts, &h);
	struct zsim_trace_writer *w;
	if (zsim_trace_create(cli.output, &h, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace gen %s: %s\n", kind, err);
		status = ZSIM_EXIT_ERROR;
		goto out;
	}
	struct zsim_gen g;
	zsim_gen_init(&g, w, cli.seed);
	double t0 = now_s();
	int rc = gen->run(&g, opts);
	if (rc < 0 || g.err) {
		if (!g.err)
			zsim_gen_fail(&g, rc, "%s", zsim_strerror(rc));
		zsim_trace_writer_abort(w);
		fprintf(stderr, "zsim trace gen %s: %s: %s\n", kind, cli.output, g.msg);
		status = ZSIM_EXIT_ERROR;
		goto out;
	}
	if (zsim_trace_writer_finish(w, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace gen %s: %s\n", kind, err);
		status = ZSIM_EXIT_ERROR;
		goto out;
	}
	if (cli.verbose) {
		double dt = now_s() - t0;
		fprintf(stderr, "zsim trace gen %s: %llu events in %.2f s (%.1f M events/s) -> %s\n", kind,
			(unsigned long long)g.events, dt, dt > 0 ? (double)g.events / dt / 1e6 : 0.0,
			cli.output);
	}
	status = ZSIM_EXIT_OK;
out:
	free(opts);
	return status;
}
