/*
 * test_gen.c - trace generators and importers: determinism, each generator's
 * invariants (read back from the trace it wrote), and the importers on small
 * hand-written inputs whose event counts are worked out in the comments.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "core/units.h"
#include "traces/gen.h"

Suite *suite_gen(void);

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zsim-test-gen-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *tpath(const char *name)
{
	static char buf[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

/* Run `zsim trace gen` with a NULL-terminated argument list after "gen". */
static int gen(const char *first, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	argv[argc++] = (char *)"gen";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return zsim_trace_gen(argc, argv);
}

static int import(const char *first, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	argv[argc++] = (char *)"import";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return zsim_trace_import(argc, argv);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	bool same = la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Per-kind event counts of a trace, and a callback for each event. */
struct counts {
	uint64_t kind[ZSIM_EV_KIND_MAX];
	uint64_t writes;
};

typedef void (*visit_fn)(void *ctx, const struct zsim_event *ev);

static void read_trace(const char *path, struct counts *c, visit_fn fn, void *ctx)
{
	struct zsim_trace_reader *r;
	char err[256];
	int rc = zsim_trace_open(path, &r, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	memset(c, 0, sizeof(*c));
	struct zsim_event ev;
	while ((rc = zsim_trace_next(r, &ev)) == 1) {
		c->kind[ev.kind]++;
		if (ev.kind == ZSIM_EV_ACCESS && ev.write)
			c->writes++;
		if (fn)
			fn(ctx, &ev);
	}
	ck_assert_msg(rc == 0, "%s", zsim_trace_reader_error(r));
	zsim_trace_close(r);
}

/* ---- determinism ---------------------------------------------------------- */

START_TEST(test_same_seed_same_bytes)
{
	static const char *const kinds[][6] = {
		{ "hogger", "--size", "2M", "--retouch", "0.5", NULL },
		{ "untar", "--tree-size", "2M", "--files", "300", NULL },
		{ "kbuild", "--tree-size", "4M", "--files", "400", NULL },
		{ "zipf", "--size", "1M", "--accesses", "5000", NULL },
		{ "scan", "--size", "1M", "--write", "0.3", NULL },
		{ "appswitch", "--app-median", "4M", "--switches", "6", NULL },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *const *k = kinds[i];
		const char *extra = strcmp(k[0], "kbuild") == 0 ? "--units" : "--seed";
		const char *extra_v = strcmp(k[0], "kbuild") == 0 ? "20" : "1";
		ck_assert_int_eq(gen(k[0], k[1], k[2], k[3], k[4], extra, extra_v, "-o", tpath("a.trc"), NULL), 0);
		ck_assert_int_eq(gen(k[0], k[1], k[2], k[3], k[4], extra, extra_v, "-o", tpath("b.trc"), NULL), 0);
		ck_assert_msg(same_file(tpath("a.trc"), tpath("b.trc")), "%s: same seed, different trace", k[0]);
		ck_assert_int_eq(gen(k[0], k[1], k[2], k[3], k[4], extra, extra_v, "--seed", "2",
				     "-o", tpath("c.trc"), NULL), 0);
		ck_assert_msg(!same_file(tpath("a.trc"), tpath("c.trc")), "%s: seed ignored", k[0]);
	}
}
END_TEST

/* ---- hogger ----------------------------------------------------------------- */

struct pageset {
	uint8_t *seen;
	uint64_t n, distinct, out_of_range;
};

static void visit_pages(void *ctx, const struct zsim_event *ev)
{
	struct pageset *s = ctx;
	if (ev->kind != ZSIM_EV_ACCESS)
		return;
	uint64_t i = ev->page - ZSIM_GEN_ANON_BASE;
	if (ev->page < ZSIM_GEN_ANON_BASE || i >= s->n) {
		s->out_of_range++;
		return;
	}
	if (!s->seen[i]++)
		s->distinct++;
}

START_TEST(test_hogger_pages)
{
	ck_assert_int_eq(gen("hogger", "--size", "3M", "--retouch", "0.25", "--period", "1s",
			     "--duration", "10s", "--exit", "-o", tpath("h.trc"), NULL), 0);
	struct pageset s = { .n = 1 << 20 };
	s.seen = calloc(s.n, 1);
	struct counts c;
	read_trace(tpath("h.trc"), &c, visit_pages, &s);
	ck_assert_uint_eq(s.out_of_range, 0);
	ck_assert_uint_eq(s.distinct, 3 * 256);            /* exactly size / 4096 */
	ck_assert_uint_eq(c.writes, 3 * 256);               /* each written once */
	ck_assert_uint_eq(c.kind[ZSIM_EV_ACCESS], 3 * 256 + 10 * 192);  /* + 10 periods x 25% */
	ck_assert_uint_eq(c.kind[ZSIM_EV_PROC_EXIT], 1);
	free(s.seen);

	/* default: no re-touch, no exit: the process holds its memory */
	ck_assert_int_eq(gen("hogger", "--size", "1M", "-o", tpath("h2.trc"), NULL), 0);
	read_trace(tpath("h2.trc"), &c, NULL, NULL);
	ck_assert_uint_eq(c.kind[ZSIM_EV_ACCESS], 256);
	ck_assert_uint_eq(c.kind[ZSIM_EV_PROC_EXIT], 0);
}
END_TEST

/* ---- untar ------------------------------------------------------------------ */

START_TEST(test_untar_bytes)
{
	const uint64_t size = 5 << 20, files = 700;
	ck_assert_int_eq(gen("untar", "--tree-size", "5M", "--files", "700", "--content", "ratio:2.7",
			     "-o", tpath("u.trc"), NULL), 0);
	struct counts c;
	read_trace(tpath("u.trc"), &c, NULL, NULL);
	ck_assert_uint_eq(c.kind[ZSIM_EV_FILE_CREATE], files);
	/* pages written cover the bytes, with at most one partial page per file */
	uint64_t bytes = c.kind[ZSIM_EV_FILE_WRITE] * ZSIM_PAGE_SIZE;
	ck_assert_uint_ge(bytes, size);
	ck_assert_uint_lt(bytes, size + files * ZSIM_PAGE_SIZE);
}
END_TEST

/* ---- kbuild: at most J compile units alive, whatever the timing ------------- */

struct ptree {
	uint32_t make, jobs;
	uint8_t cc1[1 << 16];      /* pid is a cc1 */
	uint8_t waited[1 << 16];   /* make has waited for this pid */
	uint32_t alive, max_alive, created, waited_n, ld, exits;
	bool bad_wait;
};

static void visit_ptree(void *ctx, const struct zsim_event *ev)
{
	struct ptree *t = ctx;
	if (ev->kind == ZSIM_EV_PROC_CREATE) {
		if (strcmp(ev->name, "make") == 0)
			t->make = ev->pid;
		if (strcmp(ev->name, "ld") == 0)
			t->ld++;
		if (strcmp(ev->name, "cc1") == 0) {
			ck_assert_uint_eq(ev->target, t->make);
			t->cc1[ev->pid] = 1;
			t->created++;
			if (++t->alive > t->max_alive)
				t->max_alive = t->alive;
			/* timing-independent: created minus awaited-before never exceeds J */
			ck_assert_uint_le(t->created - t->waited_n, t->jobs);
		}
	} else if (ev->kind == ZSIM_EV_PROC_EXIT) {
		t->exits++;
		if (t->cc1[ev->pid])
			t->alive--;
	} else if (ev->kind == ZSIM_EV_WAIT && ev->pid == t->make && ev->target) {
		if (t->cc1[ev->target]) {
			ck_assert(!t->waited[ev->target]);
			t->waited[ev->target] = 1;
			t->waited_n++;
		}
	}
}

START_TEST(test_kbuild_jobs)
{
	static const char *const jobs[] = { "1", "3", "4" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(gen("kbuild", "--tree-size", "8M", "--files", "600", "--units", "40",
				     "--jobs", jobs[i], "--heap-scale", "0.05", "--link-passes", "2",
				     "-o", tpath("k.trc"), NULL), 0);
		struct ptree *t = calloc(1, sizeof(*t));
		t->jobs = (uint32_t)atoi(jobs[i]);
		struct counts c;
		read_trace(tpath("k.trc"), &c, visit_ptree, t);
		ck_assert_uint_eq(t->created, 40);
		ck_assert_uint_le(t->max_alive, t->jobs);
		ck_assert_uint_eq(t->max_alive, t->jobs);       /* and the build does run J at once */
		ck_assert_uint_eq(t->alive, 0);
		ck_assert_uint_eq(t->ld, 2);
		ck_assert_uint_eq(t->exits, c.kind[ZSIM_EV_PROC_CREATE]);   /* everyone exits */
		ck_assert_uint_eq(c.kind[ZSIM_EV_FILE_CREATE], 600 + 40 + 2); /* tree, objects, ld outputs */
		free(t);
	}
	/* more units than .c files is a clean error, and no file is left */
	ck_assert_int_ne(gen("kbuild", "--tree-size", "1M", "--files", "10", "--units", "500",
			     "-o", tpath("bad.trc"), NULL), 0);
	ck_assert_int_ne(access(tpath("bad.trc"), F_OK), 0);
}
END_TEST

/* ---- zipf: the top rank's share is 1 / H(n, alpha) -------------------------- */

struct freq {
	uint32_t count[1024];
	uint64_t n;
};

static void visit_freq(void *ctx, const struct zsim_event *ev)
{
	struct freq *f = ctx;
	if (ev->kind == ZSIM_EV_ACCESS && !ev->write) {
		f->count[ev->page - ZSIM_GEN_ANON_BASE]++;
		f->n++;
	}
}

START_TEST(test_zipf_top_rank)
{
	ck_assert_int_eq(gen("zipf", "--size", "4M", "--alpha", "0.99", "--accesses", "400000",
			     "--read", "1", "-o", tpath("z.trc"), NULL), 0);
	struct freq *f = calloc(1, sizeof(*f));
	struct counts c;
	read_trace(tpath("z.trc"), &c, visit_freq, f);
	ck_assert_uint_eq(c.writes, 1024);          /* the load */
	ck_assert_uint_eq(f->n, 400000);
	uint32_t top = 0;
	for (int i = 0; i < 1024; i++)
		if (f->count[i] > top)
			top = f->count[i];
	double h = 0;
	for (int k = 1; k <= 1024; k++)
		h += pow(k, -0.99);
	double want = 400000 / h, got = top;
	ck_assert_msg(fabs(got - want) < 0.03 * want, "top rank %.0f, want %.0f", got, want);
	free(f);
}
END_TEST

/* A size whose load alone passes the event cap fails before any event (and
 * before the O(pages) shuffle it would need: the fuzzer's 10 s timeout). */
static void room_first(const struct zsim_generator *gen, const char *opt, const char *val)
{
	char *argv[] = { (char *)opt, (char *)val, NULL };
	void *opts = zsim_xcalloc(1, gen->opts_size);
	struct zsim_gen_cli cli;
	char err[256];
	ck_assert_int_eq(zsim_gen_parse(gen->opts, opts, 2, argv, false, &cli, err, sizeof(err)), 0);
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_size = ZSIM_PAGE_SIZE;
	if (gen->prepare)
		gen->prepare(opts, &h);
	struct zsim_trace_writer *w;
	ck_assert_int_eq(zsim_trace_create(tpath("room.trc"), &h, &w, err, sizeof(err)), 0);
	struct zsim_gen g;
	zsim_gen_init(&g, w, 1);
	g.max_events = 1000;
	ck_assert_int_lt(gen->run(&g, opts), 0);
	ck_assert_int_eq(g.err, ZSIM_ERANGE);
	ck_assert_uint_eq(g.events, 0);
	ck_assert_ptr_nonnull(strstr(g.msg, "2^31 events"));
	zsim_trace_writer_abort(w);
	free(opts);
}

START_TEST(test_room_before_work)
{
	room_first(&zsim_gen_zipf, "--size", "1T");        /* 2^28 pages to load */
	room_first(&zsim_gen_untar, "--files", "5000");     /* 5000 creates */
	room_first(&zsim_gen_scan, "--size", "1T");         /* 2^28 pages written */
	/* the check itself: n more fit while events + n stays within the cap */
	struct zsim_gen g;
	memset(&g, 0, sizeof(g));
	g.max_events = 10;
	g.events = 4;
	ck_assert(zsim_gen_room(&g, 6));
	ck_assert_int_eq(g.err, 0);
	ck_assert(!zsim_gen_room(&g, 7));
	ck_assert_int_eq(g.err, ZSIM_ERANGE);
}
END_TEST

/* ---- bad options: one message, non-zero, no file ----------------------------- */

START_TEST(test_bad_options)
{
	ck_assert_int_eq(gen("hogger", "--retouch", "1.5", "-o", tpath("x.trc"), NULL), ZSIM_EXIT_USAGE);
	ck_assert_int_eq(gen("hogger", "--size", "lots", "-o", tpath("x.trc"), NULL), ZSIM_EXIT_USAGE);
	ck_assert_int_eq(gen("zipf", "--frobnicate", "1", "-o", tpath("x.trc"), NULL), ZSIM_EXIT_USAGE);
	ck_assert_int_eq(gen("untar", "--content", "gold", "-o", tpath("x.trc"), NULL), ZSIM_EXIT_USAGE);
	ck_assert_int_eq(gen("nosuch", "-o", tpath("x.trc"), NULL), ZSIM_EXIT_USAGE);
	ck_assert_int_eq(gen("scan", NULL), ZSIM_EXIT_USAGE);       /* no -o */
	ck_assert_int_ne(access(tpath("x.trc"), F_OK), 0);
}
END_TEST

/* ---- lackey ----------------------------------------------------------------- */

START_TEST(test_import_lackey)
{
	/*
	 * pid 100 (trace pid 1, "foo"):
	 *   I 400000 + I 400003          -> page 0x400, one read (collapsed)
	 *   L 7ff000ff8 + S 7ff000ff0    -> page 0x7ff000, one write (collapsed, a store in it)
	 *   M 601000                     -> page 0x601 write
	 *   L 601ffe,4 crosses to 0x602  -> 0x601 collapses into the write; 0x602 read
	 * pid 101 (trace pid 2, "bar", parent 1):  L 601000 -> 0x601 read
	 * pid 100 again:                  L 601000 -> 0x601 read (pid changed: not collapsed)
	 * = 6 accesses, 2 writes; maps: pid 1 chunks 0x4, 0x7ff0, 0x6; pid 2 chunk 0x6 = 4.
	 */
	const char *in =
		"==100== Lackey, an example Valgrind tool\n"
		"==100== Command: /bin/foo arg\n"
		"==100== \n"
		"I  00400000,3\n"
		"I  00400003,2\n"
		" L 7ff000ff8,8\n"
		" S 7ff000ff0,8\n"
		" M 00601000,4\n"
		" L 00601ffe,4\n"
		"==101== Command: bar\n"
		"==101== Parent PID: 100\n"
		" L 00601000,8\n"
		"==100== \n"
		" L 00601000,8\n"
		"\n";
	write_file(tpath("l.txt"), in, strlen(in));
	ck_assert_int_eq(import("lackey", "--content", "text", "-o", tpath("l.trc"), tpath("l.txt"), NULL), 0);
	struct counts c;
	read_trace(tpath("l.trc"), &c, NULL, NULL);
	ck_assert_uint_eq(c.kind[ZSIM_EV_ACCESS], 6);
	ck_assert_uint_eq(c.writes, 2);
	ck_assert_uint_eq(c.kind[ZSIM_EV_MAP], 4);
	ck_assert_uint_eq(c.kind[ZSIM_EV_PROC_CREATE], 2);
	ck_assert_uint_eq(c.kind[ZSIM_EV_PROC_EXIT], 2);

	struct zsim_trace_reader *r;
	char err[256];
	ck_assert_int_eq(zsim_trace_open(tpath("l.trc"), &r, err, sizeof(err)), 0);
	struct zsim_event ev;
	ck_assert_int_eq(zsim_trace_next(r, &ev), 1);
	ck_assert_uint_eq(ev.kind, ZSIM_EV_PROC_CREATE);
	ck_assert_str_eq(ev.name, "foo");
	int found = 0;
	while (zsim_trace_next(r, &ev) == 1)
		if (ev.kind == ZSIM_EV_PROC_CREATE) {
			ck_assert_str_eq(ev.name, "bar");
			ck_assert_uint_eq(ev.target, 1);
			found = 1;
		}
	ck_assert(found);
	zsim_trace_close(r);

	/* --no-instr drops the I line's page */
	ck_assert_int_eq(import("lackey", "--no-instr", "-o", tpath("l2.trc"), tpath("l.txt"), NULL), 0);
	read_trace(tpath("l2.trc"), &c, NULL, NULL);
	ck_assert_uint_eq(c.kind[ZSIM_EV_ACCESS], 5);

	/* a malformed line is an error and leaves no trace behind */
	const char *bad = " L 00400000,8\n L zz,8\n";
	write_file(tpath("bad.txt"), bad, strlen(bad));
	ck_assert_int_ne(import("lackey", "-o", tpath("bad.trc"), tpath("bad.txt"), NULL), 0);
	ck_assert_int_ne(access(tpath("bad.trc"), F_OK), 0);
}
END_TEST

/* ---- oracle ----------------------------------------------------------------- */

static size_t oracle_records(uint8_t *out, const uint64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *r = out + 24 * i;
		uint32_t ts = (uint32_t)(10 + i), size = 4096;
		int64_t next = -1;
		memcpy(r, &ts, 4);       /* little-endian host (x86-64, arm64) */
		memcpy(r + 4, &ids[i], 8);
		memcpy(r + 12, &size, 4);
		memcpy(r + 16, &next, 8);
	}
	return 24 * n;
}

START_TEST(test_import_oracle)
{
	/* ids 5 7 5 9 7 -> pages 0 1 0 2 1: 5 reads, 3 distinct pages, one 1 MiB map */
	static const uint64_t ids[] = { 5, 7, 5, 9, 7 };
	uint8_t buf[24 * 5 + 10];
	size_t n = oracle_records(buf, ids, 5);
	write_file(tpath("o.bin"), buf, n);
	ck_assert_int_eq(import("oracle", "-o", tpath("o.trc"), tpath("o.bin"), NULL), 0);
	struct pageset s = { .n = 16 };
	s.seen = calloc(16, 1);
	struct counts c;
	read_trace(tpath("o.trc"), &c, visit_pages, &s);
	ck_assert_uint_eq(c.kind[ZSIM_EV_ACCESS], 5);
	ck_assert_uint_eq(c.writes, 0);
	ck_assert_uint_eq(s.distinct, 3);
	ck_assert_uint_eq(s.seen[0], 2);
	ck_assert_uint_eq(s.seen[1], 2);
	ck_assert_uint_eq(s.seen[2], 1);
	ck_assert_uint_eq(c.kind[ZSIM_EV_MAP], 1);
	free(s.seen);

	/* the same records zstd-compressed give the same trace */
	uint8_t z[512];
	size_t zn = ZSTD_compress(z, sizeof(z), buf, n, 3);
	ck_assert(!ZSTD_isError(zn));
	write_file(tpath("o.bin.zst"), z, zn);
	ck_assert_int_eq(import("oracle", "-o", tpath("oz.trc"), tpath("o.bin.zst"), NULL), 0);
	ck_assert(same_file(tpath("o.trc"), tpath("oz.trc")));

	/* --first-write: 3 writes (first sight of 5, 7, 9), 2 reads */
	ck_assert_int_eq(import("oracle", "--first-write", "-o", tpath("ow.trc"), tpath("o.bin"), NULL), 0);
	read_trace(tpath("ow.trc"), &c, NULL, NULL);
	ck_assert_uint_eq(c.writes, 3);

	/* a truncated record is an error; nothing left behind */
	memset(buf + n, 0, 10);
	write_file(tpath("t.bin"), buf, n + 10);
	ck_assert_int_ne(import("oracle", "-o", tpath("t.trc"), tpath("t.bin"), NULL), 0);
	ck_assert_int_ne(access(tpath("t.trc"), F_OK), 0);
}
END_TEST

Suite *suite_gen(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_seed_same_bytes);
	tcase_add_test(tc, test_hogger_pages);
	tcase_add_test(tc, test_untar_bytes);
	tcase_add_test(tc, test_kbuild_jobs);
	tcase_add_test(tc, test_zipf_top_rank);
	tcase_add_test(tc, test_room_before_work);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_import_lackey);
	tcase_add_test(tc, test_import_oracle);
	suite_add_tcase(s, tc);
	return s;
}
