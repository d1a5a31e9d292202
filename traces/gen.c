/*
 * gen.c - `zsim trace gen KIND [options] -o FILE`: the generators' phone book,
 * the content-class option type and the options every generator and importer
 * shares (on core/options.h's parser), and the emitter.
 *
 * The command parses the whole command line before it creates the output, so a
 * bad option leaves no file; then it asks the generator for its estimate
 * (events, bytes, pages, its own memory: struct zsim_gen_estimate), prints it
 * with --dry-run and refuses, still before any file, a trace beyond 2^31
 * events, --max-size or --max-memory; a failure while generating drops the
 * half-written trace (zsim_trace_writer_abort).  Errors are one line on stderr,
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
#include <sys/statvfs.h>

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
	if (!zsim_gen_room(g, 1))
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

bool zsim_gen_room(struct zsim_gen *g, uint64_t n)
{
	if (g->err)
		return false;
	double after = (double)g->events + (double)n;
	if (after > ZSIM_GEN_MAX_EVENTS || (g->max_events && after > (double)g->max_events)) {
		zsim_gen_fail(g, ZSIM_ERANGE, "the trace would have more than 2^31 events (about 4 GiB); "
			      "choose a smaller size, count or duration");
		return false;
	}
	return true;
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

/* ---- estimates --------------------------------------------------------- */

double zsim_est_varint(double v)
{
	double n = 1;
	for (; v >= 128; v /= 128)
		n++;
	return n;
}

/*
 * Two pages drawn uniformly from R: |d| = |a - b| has P(|d| >= x) = (1 - x/R)^2.
 * The tag holds zigzag(d) (about 2|d|) below 31, else a varint of zigzag - 31
 * follows: one byte more from 31 on, two from 31 + 128, and so on.
 */
double zsim_est_random_access(double range)
{
	double bytes = 1;
	for (double y = 31; y < 2 * range; y = y == 31 ? 31 + 128 : 31 + (y - 31) * 128) {
		double q = 1 - y / (2 * range);
		bytes += q * q;
	}
	return bytes;
}

double zsim_est_create(const char *name, uint32_t pid)
{
	return 1 + zsim_est_varint(pid) + 1 + 1 + (double)strlen(name);
}

void zsim_est_create_map(struct zsim_gen_estimate *e, const char *name, uint32_t pid, double pages)
{
	zsim_est_add(e, 1, zsim_est_create(name, pid));
	zsim_est_add(e, 1, 1 + zsim_est_varint(2.0 * ZSIM_GEN_ANON_BASE) + zsim_est_varint(pages));
}

/* The header: magic, version, page size, flags, seed, names, tables. */
static double est_header(const struct zsim_trace_header *h)
{
	double b = 8 + 1 + 2 + 1 + zsim_est_varint((double)h->seed) + 1 + (double)strlen(h->generator) +
		   1 + (double)strlen(h->corpus) + 1 + 1;
	for (uint32_t i = 0; i < h->nr_fs; i++)
		b += 1 + (double)strlen(h->fs[i]);
	return b;
}

static void est_bytes(char *buf, size_t len, double b)
{
	if (b >= 1024.0 * 1048576.0)
		snprintf(buf, len, "%.1f GiB", b / (1024.0 * 1048576.0));
	else if (b >= 1048576.0)
		snprintf(buf, len, "%.1f MiB", b / 1048576.0);
	else if (b >= 1024.0)
		snprintf(buf, len, "%.1f KiB", b / 1024.0);
	else
		snprintf(buf, len, "%.0f bytes", b);
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

/* Options of `zsim trace gen` only (not the importers). */
static const struct zsim_opt gen_tab[] = {
	{ "dry-run", ZSIM_OPT_FLAG, offsetof(struct zsim_gen_cli, dry_run), NULL, 0, 0,
	  "print the estimate (events, bytes, pages, memory) and write nothing", 0 },
	{ "max-size", ZSIM_OPT_SIZE, offsetof(struct zsim_gen_cli, max_size), NULL, 0, 0,
	  "refuse a trace whose estimated stream is larger (default: half the free space where -o goes)", 0 },
	{ "max-memory", ZSIM_OPT_SIZE, offsetof(struct zsim_gen_cli, max_memory), NULL, 0, 0,
	  "refuse when the generator's own tables would be larger (default: half of this machine's RAM)", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

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


/*
 * The estimate, before anything is written: printed with --dry-run; a trace
 * beyond 2^31 events, --max-size or --max-memory refused with it, in one line.
 * Returns an exit status (ZSIM_EXIT_OK: go on).
 */
static int estimate_check(const struct zsim_generator *gen, const void *opts,
			  const struct zsim_trace_header *h, const struct zsim_gen_cli *cli)
{
	if (!gen->estimate)
		return ZSIM_EXIT_OK;
	struct zsim_gen_estimate e = { 0, 0, 0, 0 };
	gen->estimate(opts, cli->seed, &e);
	e.bytes += est_header(h) + 1 + zsim_est_varint(e.events);
	char bytes[32], mem[32], pages[32], lim[32], what[300];
	est_bytes(bytes, sizeof(bytes), e.bytes);
	est_bytes(mem, sizeof(mem), e.memory);
	est_bytes(pages, sizeof(pages), e.pages * ZSIM_PAGE_SIZE);
	snprintf(what, sizeof(what), "about %.0f events, %s of trace (uncompressed), %.0f pages (%s) of "
		 "simulated memory, %s for the generator's tables", e.events, bytes, e.pages, pages, mem);
	if (cli->dry_run)
		printf("events\t%.0f\nbytes\t%.0f\t%s (uncompressed)\npages\t%.0f\t%s of simulated memory\n"
		       "memory\t%.0f\t%s for the generator's tables\n", e.events, e.bytes, bytes, e.pages, pages,
		       e.memory, mem);
	if (e.events > ZSIM_GEN_MAX_EVENTS) {
		fprintf(stderr, "zsim trace gen %s: refused: %s; more than 2^31 events "
			"(choose a smaller size, count or duration)\n", gen->name, what);
		return ZSIM_EXIT_ERROR;
	}
	uint64_t mlimit = cli->max_memory ? cli->max_memory : zsim_phys_ram() / 2;
	if (mlimit && e.memory > (double)mlimit) {
		est_bytes(lim, sizeof(lim), (double)mlimit);
		fprintf(stderr, "zsim trace gen %s: refused: %s; more than --max-memory %s%s\n", gen->name, what,
			lim, cli->max_memory ? "" : " (half of this machine's RAM)");
		return ZSIM_EXIT_NOMEM;
	}
	uint64_t slimit = cli->max_size;
	char where[4096] = "";
	if (!slimit && cli->output && strcmp(cli->output, "-") != 0) {
		/* half the space free where the file goes */
		snprintf(where, sizeof(where), "%s", cli->output);
		char *slash = strrchr(where, '/');
		if (slash)
			slash[slash == where ? 1 : 0] = '\0';
		else
			snprintf(where, sizeof(where), ".");
		struct statvfs sv;
		if (statvfs(where, &sv) == 0)
			slimit = (uint64_t)((long double)sv.f_bavail * sv.f_frsize / 2);
	}
	if (slimit && e.bytes > (double)slimit) {
		est_bytes(lim, sizeof(lim), (double)slimit);
		fprintf(stderr, "zsim trace gen %s: refused: %s; more than --max-size %s%s%s%s\n", gen->name, what,
			lim, cli->max_size ? "" : " (half the free space in ", cli->max_size ? "" : where,
			cli->max_size ? "" : ")");
		return ZSIM_EXIT_ERROR;
	}
	return ZSIM_EXIT_OK;
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
	memset(&cli, 0, sizeof(cli));
	const struct zsim_opt_set sets[] = {
		{ gen->opts, opts }, { common_tab, &cli }, { gen_tab, &cli }, { NULL, NULL },
	};
	if (zsim_opt_parse(sets, argc - 2, argv + 2, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace gen %s: %s\n", kind, err);
		goto out;
	}
	if (cli.help) {
		printf("usage: zsim trace gen %s [options] [--seed N] -o FILE\n%s\noptions:\n", kind, gen->help);
		zsim_opt_print(stdout, gen->opts);
		zsim_opt_print(stdout, common_tab);
		zsim_opt_print(stdout, gen_tab);
		status = ZSIM_EXIT_OK;
		goto out;
	}
	if (!cli.output && !cli.dry_run) {
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
	status = estimate_check(gen, opts, &h, &cli);
	if (status != ZSIM_EXIT_OK || cli.dry_run)
		goto out;
	status = ZSIM_EXIT_USAGE;
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
