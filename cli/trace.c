/*
 * trace.c - `zsim trace VERB`: pack (text -> binary), dump (binary ->
 * text), stat (what a trace asks of memory), and the dispatch to gen and import
 * (traces/gen.c, traces/import.c).
 *
 * pack and dump are exact inverses (traces/FORMAT.md): dump writes the one
 * canonical text of a trace, and the binary writer's bytes depend only on the
 * events, so `zsim trace dump X | zsim trace pack` reproduces X byte for byte.
 * Every verb reads FILE or "-" (stdin) and writes `-o FILE` (atomically: a
 * temporary file renamed into place, removed on error) or stdout.
 *
 * stat's measures are defined in FORMAT.md "trace stat" and computed in
 * traces/stats.c; this file reads the trace into it and prints the results.
 */
#include "cli.h"
#include "../traces/gen.h"
#include "../traces/stats.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_BUF (1u << 20)

struct trace_opts {
	const char *verb;
	const char *in;
	const char *out;
	bool json;
};

__attribute__((format(printf, 2, 3)))
static int fail(const char *verb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "zsim trace %s: ", verb);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return ZSIM_EXIT_ERROR;
}

static int usage(FILE *out)
{
	fprintf(out,
		"usage: zsim trace VERB [options]\n"
		"  pack [FILE|-] [-o OUT]        text form -> binary (.trc; OUT ending .zst is compressed)\n"
		"  dump [FILE|-] [-o OUT]        binary (.trc or .trc.zst) -> text form\n"
		"  stat [FILE|-] [--json]        events, pages, peak footprint, reuse distance\n"
		"  gen KIND [options] -o OUT     a synthetic workload (zsim trace gen --help)\n"
		"  import FORMAT [options] ...   convert another tool's trace (zsim trace import --help)\n"
		"FILE \"-\" or none: standard input; no -o: standard output.  traces/FORMAT.md has the formats.\n");
	return out == stderr ? ZSIM_EXIT_USAGE : ZSIM_EXIT_OK;
}

struct trace_cli {
	const char *out;
	bool json, help;
};

static const struct zsim_opt trace_opts_tab[] = {
	{ "output", ZSIM_OPT_FILE, offsetof(struct trace_cli, out), NULL, 0, 0,
	  "output file (default: standard output)", 'o' },
	{ "json", ZSIM_OPT_FLAG, offsetof(struct trace_cli, json), NULL, 0, 0,
	  "stat: print JSON", 0 },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct trace_cli, help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static int parse_opts(int argc, char **argv, struct trace_opts *o, bool allow_json)
{
	struct trace_cli tc;
	char err[512];
	int npos = 0;
	memset(&tc, 0, sizeof(tc));
	o->verb = argv[0];
	const struct zsim_opt_set sets[] = { { trace_opts_tab, &tc }, { NULL, NULL } };
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace %s: %s\n", o->verb, err);
		return ZSIM_EXIT_USAGE;
	}
	if (tc.help) {
		usage(stdout);
		return -1;
	}
	if (tc.json && !allow_json) {
		fprintf(stderr, "zsim trace %s: --json is an option of stat only\n", o->verb);
		return ZSIM_EXIT_USAGE;
	}
	if (npos > 1) {
		fprintf(stderr, "zsim trace %s: one input file at most ('%s' is extra)\n", o->verb, argv[2]);
		return ZSIM_EXIT_USAGE;
	}
	o->in = npos ? argv[1] : "-";
	o->out = tc.out;
	o->json = tc.json;
	return 0;
}

/* ---- pack -------------------------------------------------------------- */

static int cmd_pack(const struct trace_opts *o)
{
	char err[600];
	struct zsim_trace_text *t;
	struct zsim_trace_writer *w;
	if (zsim_trace_text_open(o->in, &t, err, sizeof(err)) < 0)
		return fail("pack", "%s", err);
	const char *out = o->out ? o->out : "-";
	if (strcmp(out, "-") == 0 && isatty(1)) {
		zsim_trace_text_close(t);
		return fail("pack", "will not write a binary trace to a terminal (use -o FILE)");
	}
	if (zsim_trace_create(out, zsim_trace_text_header(t), &w, err, sizeof(err)) < 0) {
		zsim_trace_text_close(t);
		return fail("pack", "%s", err);
	}
	struct zsim_event ev;
	int e;
	while ((e = zsim_trace_text_next(t, &ev)) > 0) {
		if (zsim_trace_write(w, &ev) < 0) {
			const char *path = o->in && strcmp(o->in, "-") ? o->in : "<stdin>";
			fail("pack", "%s:%llu: %s", path, (unsigned long long)zsim_trace_text_line(t),
			     zsim_trace_writer_error(w));
			goto bad;
		}
	}
	if (e < 0) {
		fail("pack", "%s", zsim_trace_text_error(t));
		goto bad;
	}
	zsim_trace_text_close(t);
	if (zsim_trace_writer_finish(w, err, sizeof(err)) < 0)
		return fail("pack", "%s", err);
	return ZSIM_EXIT_OK;
bad:
	zsim_trace_writer_abort(w);
	zsim_trace_text_close(t);
	return ZSIM_EXIT_ERROR;
}

/* ---- dump -------------------------------------------------------------- */

/* An output file that appears whole or not at all. */
struct out_file {
	FILE *f;
	char *tmp;
	const char *path;
	int werrno;          /* errno of the first failed write, 0 if none */
};

static int out_open(struct out_file *of, const char *path, const char *verb)
{
	memset(of, 0, sizeof(*of));
	if (!path || strcmp(path, "-") == 0) {
		of->f = stdout;
		return 0;
	}
	of->path = path;
	char err[600];
	if (zsim_out_check(path, err, sizeof(err)) < 0)
		return fail(verb, "-o %s", err);
	of->tmp = zsim_tmp_name(path);
	zsim_tmp_add(of->tmp, false);
	of->f = fopen(of->tmp, "w");
	if (!of->f) {
		fail(verb, "%s: %s", of->tmp, strerror(errno));
		zsim_tmp_del(of->tmp);
		free(of->tmp);
		return ZSIM_EXIT_ERROR;
	}
	return 0;
}

static int out_close(struct out_file *of, bool ok, const char *verb)
{
	int rc = ZSIM_EXIT_OK;
	if (!of->tmp) {
		if ((fflush(stdout) != 0 || ferror(stdout)) && ok)
			rc = fail(verb, "<stdout>: write error: %s", strerror(errno ? errno : EIO));
		return ok ? rc : ZSIM_EXIT_ERROR;
	}
	errno = 0;
	bool werr = ferror(of->f) != 0 || of->werrno;
	if ((fclose(of->f) != 0 || werr) && ok)
		rc = fail(verb, "%s: write error: %s", of->path,
			  strerror(of->werrno ? of->werrno : errno ? errno : EIO));
	if (ok && !rc && rename(of->tmp, of->path) < 0)
		rc = fail(verb, "%s: %s", of->path, strerror(errno));
	if (!ok || rc)
		unlink(of->tmp);
	zsim_tmp_del(of->tmp);
	free(of->tmp);
	return ok ? rc : ZSIM_EXIT_ERROR;
}

static int cmd_dump(const struct trace_opts *o)
{
	char err[600];
	struct zsim_trace_reader *r;
	if (zsim_trace_open(o->in, &r, err, sizeof(err)) < 0)
		return fail("dump", "%s", err);
	struct out_file of;
	if (out_open(&of, o->out, "dump")) {
		zsim_trace_close(r);
		return ZSIM_EXIT_ERROR;
	}
	char *hdr = zsim_trace_text_format_header(zsim_trace_reader_header(r));
	fputs(hdr, of.f);
	free(hdr);
	char *buf = zsim_xmalloc(OUT_BUF);
	size_t n = 0;
	struct zsim_event ev;
	int e;
	while ((e = zsim_trace_next(r, &ev)) > 0) {
		n += zsim_trace_text_format(&ev, buf + n);
		if (n > OUT_BUF - ZSIM_TRACE_TEXT_LINE_MAX) {
			if (fwrite(buf, 1, n, of.f) != n) {
				of.werrno = errno;
				break;   /* a full disk: stop, out_close reports it */
			}
			n = 0;
		}
	}
	if (e == 0)
		n += zsim_trace_text_format_end(zsim_trace_reader_events(r), buf + n);
	if (!of.werrno && fwrite(buf, 1, n, of.f) != n)
		of.werrno = errno;
	free(buf);
	if (e < 0)
		fail("dump", "%s", zsim_trace_reader_error(r));
	zsim_trace_close(r);
	return out_close(&of, e == 0 || (e > 0 && of.werrno), "dump");   /* a write error: out_close says it */
}

/* ---- stat -------------------------------------------------------------- */

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void stat_print_json(const struct zsim_trace_stats *st, const struct zsim_trace_header *h,
			    uint64_t bytes, long long file_bytes)
{
	const struct zsim_trace_counts *s = zsim_trace_stats_counts(st);
	static const double pq[] = { 0.5, 0.9, 0.99, 0.999 };
	static const char *const pk[] = { "p50", "p90", "p99", "p999" };
	json_t *j = json_object(), *k = json_object(), *c = json_object(), *rd = json_object();
	json_object_set_new(j, "generator", json_string(h->generator));
	json_object_set_new(j, "seed", json_integer((json_int_t)h->seed));
	json_object_set_new(j, "events", json_integer((json_int_t)s->events));
	for (unsigned i = 1; i < ZSIM_EV_KIND_MAX; i++)
		json_object_set_new(k, zsim_ev_kind_name(i), json_integer((json_int_t)s->by_kind[i]));
	json_object_set_new(j, "events_by_kind", k);
	json_object_set_new(j, "processes", json_integer((json_int_t)s->by_kind[ZSIM_EV_PROC_CREATE]));
	json_object_set_new(j, "files", json_integer((json_int_t)s->by_kind[ZSIM_EV_FILE_CREATE]));
	json_object_set_new(j, "accesses", json_integer((json_int_t)(s->reads + s->writes)));
	json_object_set_new(j, "reads", json_integer((json_int_t)s->reads));
	json_object_set_new(j, "writes", json_integer((json_int_t)s->writes));
	json_object_set_new(j, "file_reads", json_integer((json_int_t)s->freads));
	json_object_set_new(j, "file_writes", json_integer((json_int_t)s->fwrites));
	json_object_set_new(j, "distinct_pages", json_integer((json_int_t)(s->anon_distinct + s->file_distinct)));
	json_object_set_new(j, "distinct_anon_pages", json_integer((json_int_t)s->anon_distinct));
	json_object_set_new(j, "distinct_file_pages", json_integer((json_int_t)s->file_distinct));
	json_object_set_new(j, "peak_footprint_pages", json_integer((json_int_t)s->peak));
	json_object_set_new(j, "peak_footprint_event", json_integer((json_int_t)s->peak_event));
	json_object_set_new(j, "peak_footprint_ns", json_integer((json_int_t)s->peak_ns));
	json_object_set_new(j, "cpu_ns", json_integer((json_int_t)s->cpu_ns));
	json_object_set_new(j, "sleep_ns", json_integer((json_int_t)s->sleep_ns));
	for (unsigned i = 0; i < ZSIM_CONTENT_NR; i++)
		json_object_set_new(c, zsim_content_name((enum zsim_content_class)i),
				    json_integer((json_int_t)s->content[i]));
	json_object_set_new(j, "content", c);
	json_object_set_new(j, "stream_bytes", json_integer((json_int_t)bytes));
	if (file_bytes >= 0)
		json_object_set_new(j, "file_bytes", json_integer((json_int_t)file_bytes));
	json_object_set_new(j, "bytes_per_event", json_real(ratio(bytes, s->events)));
	json_object_set_new(j, "bytes_per_access", json_real(ratio(s->access_bytes, s->reads + s->writes)));
	json_object_set_new(rd, "reuses", json_integer((json_int_t)(s->reads + s->writes + s->freads +
								      s->fwrites - s->cold)));
	json_object_set_new(rd, "cold", json_integer((json_int_t)s->cold));
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(pq); i++)
		json_object_set_new(rd, pk[i], json_integer((json_int_t)zsim_trace_stats_reuse(st, pq[i])));
	json_object_set_new(rd, "max", json_integer((json_int_t)s->max_dist));
	json_object_set_new(j, "reuse_distance", rd);
	char *txt = json_dumps(j, JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	puts(txt);
	free(txt);
	json_decref(j);
}

static void stat_print_text(const struct zsim_trace_stats *st, const struct zsim_trace_header *h,
			    uint64_t bytes, long long file_bytes)
{
	const struct zsim_trace_counts *s = zsim_trace_stats_counts(st);
	uint64_t acc = s->reads + s->writes, wr = s->writes + s->fwrites;
	printf("generator       %s (seed %llu)\n", h->generator[0] ? h->generator : "-",
	       (unsigned long long)h->seed);
	printf("events          %llu\n", (unsigned long long)s->events);
	for (unsigned i = 1; i < ZSIM_EV_KIND_MAX; i++)
		if (s->by_kind[i])
			printf("  %-13s %llu\n", zsim_ev_kind_name(i), (unsigned long long)s->by_kind[i]);
	printf("processes       %llu\nfiles           %llu\n",
	       (unsigned long long)s->by_kind[ZSIM_EV_PROC_CREATE],
	       (unsigned long long)s->by_kind[ZSIM_EV_FILE_CREATE]);
	printf("accesses        %llu (%.1f%% writes); file reads %llu, file writes %llu\n",
	       (unsigned long long)acc, 100.0 * ratio(s->writes, acc), (unsigned long long)s->freads,
	       (unsigned long long)s->fwrites);
	printf("distinct pages  %llu (anon/shmem %llu, file %llu)\n",
	       (unsigned long long)(s->anon_distinct + s->file_distinct),
	       (unsigned long long)s->anon_distinct, (unsigned long long)s->file_distinct);
	printf("peak footprint  %llu pages (%.1f MiB) at event %llu, cpu ns %llu\n",
	       (unsigned long long)s->peak, (double)s->peak * ZSIM_PAGE_SIZE / 1048576.0,
	       (unsigned long long)s->peak_event, (unsigned long long)s->peak_ns);
	printf("cpu             %.3f s\n", (double)s->cpu_ns / 1e9);
	if (s->sleep_ns)
		printf("asleep          %.3f s (sum over processes)\n", (double)s->sleep_ns / 1e9);
	printf("content        ");
	for (unsigned i = 0; i < ZSIM_CONTENT_NR; i++)
		if (s->content[i])
			printf(" %s %.1f%%", zsim_content_name((enum zsim_content_class)i),
			       100.0 * ratio(s->content[i], wr));
	printf("%s\n", wr ? "" : " -");
	printf("bytes           %llu stream", (unsigned long long)bytes);
	if (file_bytes >= 0)
		printf(", %lld file", file_bytes);
	printf("; %.2f per event, %.2f per access\n", ratio(bytes, s->events),
	       ratio(s->access_bytes, acc));
	printf("reuse distance  p50 %llu, p90 %llu, p99 %llu, p99.9 %llu, max %llu pages; %llu cold\n",
	       (unsigned long long)zsim_trace_stats_reuse(st, 0.5), (unsigned long long)zsim_trace_stats_reuse(st, 0.9),
	       (unsigned long long)zsim_trace_stats_reuse(st, 0.99), (unsigned long long)zsim_trace_stats_reuse(st, 0.999),
	       (unsigned long long)s->max_dist, (unsigned long long)s->cold);
}

static int cmd_stat(const struct trace_opts *o)
{
	char err[600];
	struct zsim_trace_reader *r;
	if (o->out) {
		fprintf(stderr, "zsim trace stat: -o is not an option of stat (it prints)\n");
		return ZSIM_EXIT_USAGE;
	}
	if (zsim_trace_open(o->in, &r, err, sizeof(err)) < 0)
		return fail("stat", "%s", err);
	struct zsim_trace_stats *s = zsim_trace_stats_new();
	struct zsim_event ev;
	int e;
	uint64_t off = zsim_trace_reader_offset(r);
	while ((e = zsim_trace_next(r, &ev)) > 0) {
		uint64_t now = zsim_trace_reader_offset(r);
		zsim_trace_stats_add(s, &ev, now - off);
		off = now;
	}
	if (e < 0) {
		fail("stat", "%s", zsim_trace_reader_error(r));
		zsim_trace_close(r);
		zsim_trace_stats_free(s);
		return ZSIM_EXIT_ERROR;
	}
	struct stat st;
	long long file_bytes = -1;
	if (strcmp(o->in, "-") != 0 && stat(o->in, &st) == 0 && S_ISREG(st.st_mode))
		file_bytes = (long long)st.st_size;
	uint64_t bytes = zsim_trace_reader_offset(r);
	if (o->json)
		stat_print_json(s, zsim_trace_reader_header(r), bytes, file_bytes);
	else
		stat_print_text(s, zsim_trace_reader_header(r), bytes, file_bytes);
	zsim_trace_close(r);
	zsim_trace_stats_free(s);
	return ZSIM_EXIT_OK;
}

int zsim_cmd_trace(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	const char *verb = argv[1];
	if (strcmp(verb, "gen") == 0)
		return zsim_trace_gen(argc - 1, argv + 1);
	if (strcmp(verb, "import") == 0)
		return zsim_trace_import(argc - 1, argv + 1);
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0)
		return usage(stdout);
	int (*fn)(const struct trace_opts *) = strcmp(verb, "pack") == 0 ? cmd_pack
					     : strcmp(verb, "dump") == 0 ? cmd_dump
					     : strcmp(verb, "stat") == 0 ? cmd_stat : NULL;
	if (!fn) {
		fprintf(stderr, "zsim trace: unknown verb '%s' (pack, dump, stat, gen, import)\n", verb);
		return ZSIM_EXIT_USAGE;
	}
	struct trace_opts o = { 0 };
	int rc = parse_opts(argc - 1, argv + 1, &o, fn == cmd_stat);
	if (rc)
		return rc < 0 ? ZSIM_EXIT_OK : rc;
	return fn(&o);
}
