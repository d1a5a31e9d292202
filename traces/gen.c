/*
 * gen.c - `zsim trace gen KIND [options] -o FILE`: the generators' phone book,
 * the content-class option type and the options every generator and importer
 * shares (on core/options.h's parser), and the emitter.
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
	if ((double)g->events >= ZSIM_GEN_MAX_EVENTS || (g->max_events && g->events >= g->max_events)) {
		zsim_gen_fail(g, ZSIM_ERANGE, "the trace would have more than 2^31 events (about 4 GiB); "
			      "choose a smaller size, count or duration");
		return;
	}
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

static int content_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	(void)o;
	return parse_content(val, field, err, errlen);
}

const struct zsim_opt_type zsim_gen_opt_content = { ZSIM_OPTK_CUSTOM, "CLASS", content_opt };

static const struct zsim_opt common_tab[] = {
	{ "seed", ZSIM_OPT_COUNT, offsetof(struct zsim_gen_cli, seed), "1", 0, 0,
	  "seed of every random choice", 0 },
	{ "output", ZSIM_OPT_FILE, offsetof(struct zsim_gen_cli, output), NULL, 0, 0,
	  "output trace (\"-\": standard output; .zst: compressed)", 'o' },
	{ "verbose", ZSIM_OPT_FLAG, offsetof(struct zsim_gen_cli, verbose), NULL, 0, 0,
	  "print events and rate on stderr", 'v' },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct zsim_gen_cli, help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_gen_parse(const struct zsim_opt *tab, void *opts, int argc, char **argv,
		   bool want_input, struct zsim_gen_cli *cli, char *err, size_t errlen)
{
	static const struct zsim_opt none[] = { { NULL, NULL, 0, NULL, 0, 0, NULL, 0 } };
	const struct zsim_opt_set sets[] = {
		{ tab ? tab : none, opts }, { common_tab, cli }, { NULL, NULL },
	};
	int npos = 0;
	memset(cli, 0, sizeof(*cli));
	if (zsim_opt_parse(sets, argc, argv, want_input ? &npos : NULL, err, errlen) < 0)
		return ZSIM_EFORMAT;
	if (npos > 1) {
		snprintf(err, errlen, "more than one INPUT ('%s' and '%s')", argv[0], argv[1]);
		return ZSIM_EFORMAT;
	}
	cli->input = npos ? argv[0] : NULL;
	return 0;
}

void zsim_gen_print_opts(FILE *out, const struct zsim_opt *tab)
{
	zsim_opt_print(out, tab);
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
		zsim_opt_print(stdout, gen->opts);
		zsim_opt_print(stdout, common_tab);
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
	double t0 = zsim_wall_s();
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
		double dt = zsim_wall_s() - t0;
		fprintf(stderr, "zsim trace gen %s: %llu events in %.2f s (%.1f M events/s) -> %s\n", kind,
			(unsigned long long)g.events, dt, dt > 0 ? (double)g.events / dt / 1e6 : 0.0,
			cli.output);
	}
	status = ZSIM_EXIT_OK;
out:
	free(opts);
	return status;
}
