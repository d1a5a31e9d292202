/*
 * test_trace.c - the trace format (traces/trace_io.c, trace_text.c): seeded
 * random event streams survive write -> read and text -> binary -> text
 * unchanged, read event by event or with the batch reader mixed in; every
 * kind of corruption gives its documented one-line error, the same both ways;
 * a trace cut at any byte gives an error, never a crash; varint edges; the
 * ratio and corpus content classes.
 */
#include <check.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rng.h"
#include "traces/trace.h"

Suite *suite_trace(void);

/* ---- a random valid event stream ---------------------------------------- */

#define MAXP 16

struct stream {
	struct zsim_event *ev;
	char (*names)[ZSIM_TRACE_NAME_MAX + 1];
	size_t n, cap;
	struct zsim_trace_header h;
	struct zsim_content_ref table[4];
};

static void push(struct stream *s, const struct zsim_event *ev)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->ev = realloc(s->ev, s->cap * sizeof(*s->ev));
		s->names = realloc(s->names, s->cap * sizeof(*s->names));
		for (size_t i = 0; i < s->n; i++)   /* the names moved */
			if (s->ev[i].name)
				s->ev[i].name = s->names[i];
	}
	s->ev[s->n] = *ev;
	if (ev->name) {
		strcpy(s->names[s->n], ev->name);
		s->ev[s->n].name = s->names[s->n];
	}
	s->n++;
}

static struct zsim_content_ref rand_content(struct zsim_rng *r, const struct stream *s, uint64_t *next)
{
	struct zsim_content_ref c = { .cls = (uint8_t)zsim_rng_below(r, ZSIM_CONTENT_NR) };
	if (c.cls == ZSIM_CONTENT_RATIO)
		c.param = (uint8_t)(10 + zsim_rng_below(r, 246));
	else if (zsim_rng_below(r, 10) == 0)
		c.param = (uint8_t)zsim_rng_below(r, 256);
	switch (zsim_rng_below(r, 5)) {
	case 0: c.seed = zsim_rng_next(r); break;
	case 1: c.seed = UINT64_MAX - zsim_rng_below(r, 3); break;
	case 2: return s->table[zsim_rng_below(r, 4)];
	default: c.seed = (*next)++; break;
	}
	return c;
}

static void make_stream(struct stream *s, uint64_t seed, size_t n)
{
	struct zsim_rng r;
	zsim_rng_seed(&r, seed);
	memset(s, 0, sizeof(*s));
	strcpy(s->h.generator, "test");
	s->h.seed = seed;
	s->h.flags = seed & 3;
	strcpy(s->h.corpus, "pages.bin");
	s->h.nr_fs = 2;
	strcpy(s->h.fs[0], "src");
	strcpy(s->h.fs[1], "t m,p%");
	for (int i = 0; i < 4; i++)
		s->table[i] = (struct zsim_content_ref){ .cls = (uint8_t)(i + 2), .seed = zsim_rng_next(&r) };
	s->h.nr_content = (seed & 1) ? 4 : 0;
	s->h.content = s->table;
	uint32_t pids[MAXP] = { 0 }, files[MAXP] = { 0 };
	uint64_t page[MAXP] = { 0 }, next = 0;
	char name[64];
	while (s->n < n) {
		struct zsim_event ev = { 0 };
		unsigned k = (unsigned)zsim_rng_below(&r, 100);
		unsigned pi = (unsigned)zsim_rng_below(&r, MAXP), fi = (unsigned)zsim_rng_below(&r, MAXP);
		if (!pids[pi]) {
			pids[pi] = zsim_rng_below(&r, 4) ? pi + 1 : (uint32_t)(UINT32_MAX - pi);
			snprintf(name, sizeof(name), "p %u\t%%é", pi);
			ev = (struct zsim_event){ .kind = ZSIM_EV_PROC_CREATE, .pid = pids[pi],
						  .target = (uint32_t)zsim_rng_next(&r), .name = name };
			push(s, &ev);
			continue;
		}
		ev.pid = pids[pi];
		if (k < 60) {
			ev.kind = ZSIM_EV_ACCESS;
			unsigned m = (unsigned)zsim_rng_below(&r, 10);
			page[pi] = m < 5 ? page[pi] + 1 : m < 7 ? page[pi] + zsim_rng_below(&r, 64) - 32
				 : m < 8 ? zsim_rng_next(&r) : m < 9 ? page[pi] : UINT64_MAX - zsim_rng_below(&r, 2);
			page[pi] %= ZSIM_TRACE_MAX_PAGES;   /* a 64-bit address space: round its top to 0 */
			ev.page = page[pi];
			ev.write = zsim_rng_below(&r, 3) == 0;
			if (ev.write)
				ev.content = rand_content(&r, s, &next);
		} else if (k < 63) {
			ev.kind = ZSIM_EV_MAP;
			ev.map = (uint8_t)zsim_rng_below(&r, 3);
			if (ev.map == ZSIM_MAP_FILE) {
				if (!files[fi])
					continue;
				ev.file = files[fi];
				ev.file_page = zsim_rng_below(&r, ZSIM_TRACE_MAX_FILE_PAGES - 1000);   /* a file's pages */
			}
			ev.page = zsim_rng_below(&r, 1u << 30);
			ev.npages = 1 + zsim_rng_below(&r, 1000);
		} else if (k < 65) {
			ev.kind = ZSIM_EV_UNMAP;
			ev.page = zsim_rng_below(&r, ZSIM_TRACE_MAX_PAGES - 1000);
			ev.npages = 1 + zsim_rng_below(&r, 1000);
		} else if (k < 75) {
			if (!files[fi]) {
				files[fi] = fi + 100;
				ev.kind = ZSIM_EV_FILE_CREATE;
				ev.file = files[fi];
				ev.fs = (uint32_t)zsim_rng_below(&r, 2);
				snprintf(name, sizeof(name), "dir/f%u.c", fi);
				ev.name = name;
			} else {
				ev.file = files[fi];
				unsigned m = (unsigned)zsim_rng_below(&r, 10);
				ev.kind = m < 4 ? ZSIM_EV_FILE_READ : m < 7 ? ZSIM_EV_FILE_WRITE
					: m < 9 ? ZSIM_EV_FILE_TRUNCATE : ZSIM_EV_FILE_UNLINK;
				ev.page = zsim_rng_below(&r, 2) ? zsim_rng_below(&r, 100)
					: zsim_rng_below(&r, ZSIM_TRACE_MAX_FILE_PAGES);
				if (ev.kind == ZSIM_EV_FILE_WRITE)
					ev.content = rand_content(&r, s, &next);
				if (ev.kind == ZSIM_EV_FILE_TRUNCATE)
					ev.npages = zsim_rng_below(&r, 100);
				if (ev.kind != ZSIM_EV_FILE_READ && ev.kind != ZSIM_EV_FILE_WRITE)
					ev.page = 0;
				if (ev.kind == ZSIM_EV_FILE_UNLINK)
					files[fi] = 0;
			}
		} else if (k < 90) {
			ev.kind = ZSIM_EV_CPU;
			ev.ns = zsim_rng_below(&r, 2) ? zsim_rng_below(&r, 100000) : zsim_rng_next(&r) >> 14;
		} else if (k < 91) {
			ev.kind = ZSIM_EV_WAIT;
			ev.target = (uint32_t)zsim_rng_below(&r, 20);
		} else if (k < 92) {
			ev.kind = ZSIM_EV_WAKE;
			ev.target = 1 + (uint32_t)zsim_rng_below(&r, 20);
		} else if (k < 93) {
			ev.kind = ZSIM_EV_PARK;
		} else {
			ev.kind = ZSIM_EV_PROC_EXIT;
			pids[pi] = 0;
			page[pi] = 0;
		}
		push(s, &ev);
	}
}

static void free_stream(struct stream *s)
{
	free(s->ev);
	free(s->names);
}

static void assert_same_event(const struct zsim_event *a, const struct zsim_event *b, size_t i)
{
	ck_assert_msg(a->kind == b->kind && a->write == b->write && a->map == b->map &&
		      a->pid == b->pid && a->target == b->target && a->file == b->file &&
		      a->fs == b->fs && a->page == b->page && a->npages == b->npages &&
		      a->file_page == b->file_page && a->ns == b->ns &&
		      a->content.cls == b->content.cls && a->content.param == b->content.param &&
		      a->content.seed == b->content.seed,
		      "event %zu (%s) differs", i, zsim_ev_kind_name(a->kind));
	ck_assert_msg(!a->name == !b->name && (!a->name || strcmp(a->name, b->name) == 0),
		      "event %zu: name differs", i);
}

static char *tmp_path(const char *suffix)
{
	char *p = malloc(256);
	snprintf(p, 256, "/tmp/zsim-test-trace-%ld-%d%s", (long)getpid(), rand(), suffix);
	return p;
}

static void write_stream(const struct stream *s, const char *path)
{
	char err[512];
	struct zsim_trace_writer *w;
	ck_assert_msg(zsim_trace_create(path, &s->h, &w, err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < s->n; i++)
		ck_assert_msg(zsim_trace_write(w, &s->ev[i]) == 0, "event %zu: %s", i,
			      zsim_trace_writer_error(w));
	ck_assert_msg(zsim_trace_writer_finish(w, err, sizeof(err)) == 0, "%s", err);
}

/*
 * Events through the batch reader where it applies: runs of accesses by the
 * previous event's pid, a random number at a time (sometimes asking for the
 * wrong pid, which must give none), into 32-byte records whose last word the
 * reader must leave alone; everything else by zsim_trace_next.  Both paths
 * mixed must give the same events and the same errors as zsim_trace_next alone.
 */
#define GUARD 0x5a5a5a5a5a5a5a5aull
struct mixed {
	struct zsim_trace_reader *r;
	uint32_t pid;                  /* the previous event's */
	struct { struct zsim_trace_access a; uint64_t guard; } run[2048];   /* more than a window's MAX_EV bytes */
	int n, k;                      /* decoded, handed out */
	struct zsim_rng rng;
};

static void mixed_init(struct mixed *m, struct zsim_trace_reader *r, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->r = r;
	zsim_rng_seed(&m->rng, seed);
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(m->run); i++)
		m->run[i].guard = GUARD;
}

static int mixed_next(struct mixed *m, struct zsim_event *ev)
{
	if (m->k == m->n && m->pid) {
		bool wrong = zsim_rng_below(&m->rng, 8) == 0;
		unsigned max = 1 + (unsigned)zsim_rng_below(&m->rng, zsim_rng_below(&m->rng, 16) ? 8 : ZSIM_ARRAY_SIZE(m->run) - 1);
		int n = zsim_trace_next_accesses(m->r, m->pid + wrong, m->run, sizeof(m->run[0]), max);
		if (n < 0)
			return n;
		ck_assert_msg(n <= (int)max && (!wrong || n == 0), "%d accesses for max %u%s", n, max,
			      wrong ? " of another pid" : "");
		for (int i = 0; i <= n; i++)
			ck_assert_msg(m->run[i].guard == GUARD, "the reader wrote past its record");
		m->n = n;
		m->k = 0;
	}
	if (m->k < m->n) {
		const struct zsim_trace_access *a = &m->run[m->k++].a;
		ck_assert_uint_eq(a->kind, ZSIM_EV_ACCESS);
		*ev = (struct zsim_event){ .kind = ZSIM_EV_ACCESS, .pid = m->pid, .page = a->page, .write = a->write,
					   .content = { .cls = a->cls, .param = a->param, .seed = a->seed } };
		return 1;
	}
	int e = zsim_trace_next(m->r, ev);
	if (e == 1)
		m->pid = ev->pid;
	return e;
}

static void check_reader_mixed(struct zsim_trace_reader *r, const struct stream *s, uint64_t seed)
{
	struct mixed m;
	mixed_init(&m, r, seed);
	struct zsim_event ev;
	for (size_t i = 0; i < s->n; i++) {
		int e = mixed_next(&m, &ev);
		ck_assert_msg(e == 1, "event %zu: %d %s", i, e, zsim_trace_reader_error(r));
		assert_same_event(&ev, &s->ev[i], i);
	}
	ck_assert_int_eq(mixed_next(&m, &ev), 0);
	ck_assert_int_eq(zsim_trace_next_accesses(r, m.pid, m.run, sizeof(m.run[0]), 8), 0);
	ck_assert_uint_eq(zsim_trace_reader_events(r), s->n);
}

static void check_reader(struct zsim_trace_reader *r, const struct stream *s)
{
	const struct zsim_trace_header *h = zsim_trace_reader_header(r);
	ck_assert_str_eq(h->generator, s->h.generator);
	ck_assert_str_eq(h->corpus, s->h.corpus);
	ck_assert_uint_eq(h->seed, s->h.seed);
	ck_assert_uint_eq(h->flags, s->h.flags);
	ck_assert_uint_eq(h->nr_fs, s->h.nr_fs);
	ck_assert_str_eq(h->fs[1], s->h.fs[1]);
	ck_assert_uint_eq(h->nr_content, s->h.nr_content);
	struct zsim_event ev;
	for (size_t i = 0; i < s->n; i++) {
		int e = zsim_trace_next(r, &ev);
		ck_assert_msg(e == 1, "event %zu: %d %s", i, e, zsim_trace_reader_error(r));
		assert_same_event(&ev, &s->ev[i], i);
	}
	ck_assert_int_eq(zsim_trace_next(r, &ev), 0);
	ck_assert_int_eq(zsim_trace_next(r, &ev), 0);
	ck_assert_uint_eq(zsim_trace_reader_events(r), s->n);
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	void *b = malloc(*len + 1);
	ck_assert_uint_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

START_TEST(test_write_read_identity)
{
	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct stream s;
		make_stream(&s, seed, seed == 12 ? 300000 : 2000);
		const char *suffix = seed % 3 == 0 ? ".trc.zst" : ".trc";
		char *path = tmp_path(suffix), err[512];
		write_stream(&s, path);
		struct zsim_trace_reader *r;
		ck_assert_msg(zsim_trace_open(path, &r, err, sizeof(err)) == 0, "%s", err);
		check_reader(r, &s);
		zsim_trace_close(r);
		/* the same bytes from memory */
		size_t len;
		void *b = slurp(path, &len);
		ck_assert_msg(zsim_trace_open_mem(b, len, "mem", &r, err, sizeof(err)) == 0, "%s", err);
		check_reader(r, &s);
		zsim_trace_close(r);
		/* and through the batch reader */
		ck_assert_msg(zsim_trace_open_mem(b, len, "mem", &r, err, sizeof(err)) == 0, "%s", err);
		check_reader_mixed(r, &s, seed);
		zsim_trace_close(r);
		free(b);
		unlink(path);
		free(path);
		free_stream(&s);
	}
}
END_TEST

/* text -> binary -> text is the identity, and binary -> text -> binary too. */
START_TEST(test_text_round_trip)
{
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct stream s;
		make_stream(&s, seed, 3000);
		char *path = tmp_path(".trc"), *path2 = tmp_path(".trc"), err[512];
		write_stream(&s, path);
		/* dump to text */
		size_t cap = 1 << 20, n = 0;
		char *text = malloc(cap);
		char *hdr = zsim_trace_text_format_header(&s.h);
		n = strlen(hdr);
		memcpy(text, hdr, n);
		free(hdr);
		for (size_t i = 0; i < s.n; i++) {
			if (cap - n < ZSIM_TRACE_TEXT_LINE_MAX)
				text = realloc(text, cap *= 2);
			n += zsim_trace_text_format(&s.ev[i], text + n);
		}
		if (cap - n < 32)
			text = realloc(text, cap *= 2);
		n += zsim_trace_text_format_end(s.n, text + n);   /* as dump ends it */
		/* parse: same events */
		struct zsim_trace_text *t;
		ck_assert_msg(zsim_trace_text_open_mem(text, n, "text", &t, err, sizeof(err)) == 0, "%s", err);
		const struct zsim_trace_header *th = zsim_trace_text_header(t);
		ck_assert_str_eq(th->fs[1], s.h.fs[1]);
		ck_assert_uint_eq(th->nr_content, s.h.nr_content);
		struct zsim_trace_writer *w;
		ck_assert_msg(zsim_trace_create(path2, th, &w, err, sizeof(err)) == 0, "%s", err);
		struct zsim_event ev;
		for (size_t i = 0; i < s.n; i++) {
			ck_assert_msg(zsim_trace_text_next(t, &ev) == 1, "%s", zsim_trace_text_error(t));
			assert_same_event(&ev, &s.ev[i], i);
			ck_assert_int_eq(zsim_trace_write(w, &ev), 0);
		}
		ck_assert_int_eq(zsim_trace_text_next(t, &ev), 0);
		ck_assert_int_eq(zsim_trace_writer_finish(w, err, sizeof(err)), 0);
		zsim_trace_text_close(t);
		size_t la, lb;
		void *a = slurp(path, &la), *b = slurp(path2, &lb);
		ck_assert_uint_eq(la, lb);
		ck_assert_msg(memcmp(a, b, la) == 0, "binary -> text -> binary differs");
		free(a);
		free(b);
		free(text);
		unlink(path);
		unlink(path2);
		free(path);
		free(path2);
		free_stream(&s);
	}
}
END_TEST

/* ---- corruption --------------------------------------------------------- */

/* The header of an empty trace with one fs, without its end marker. */
static uint8_t *base_header(size_t *len)
{
	struct zsim_trace_header h = { .nr_fs = 1 };
	strcpy(h.fs[0], "src");
	char *path = tmp_path(".trc"), err[256];
	struct zsim_trace_writer *w;
	ck_assert_int_eq(zsim_trace_create(path, &h, &w, err, sizeof(err)), 0);
	ck_assert_int_eq(zsim_trace_writer_finish(w, err, sizeof(err)), 0);
	uint8_t *b = slurp(path, len);
	unlink(path);
	free(path);
	ck_assert_uint_eq(b[*len - 2], 0);   /* end tag, count 0 */
	ck_assert_uint_eq(b[*len - 1], 0);
	*len -= 2;
	return b;
}

/* Reads header+events(+end marker) event by event, or mixed with the batch
 * reader (mixed > 0: its seed); returns the first error message or "". */
static const char *read_all_by(const uint8_t *b, size_t len, uint64_t mixed, char *msg, size_t cap)
{
	struct zsim_trace_reader *r;
	if (zsim_trace_open_mem(b, len, "x.trc", &r, msg, cap) < 0)
		return msg;
	struct mixed m;
	mixed_init(&m, r, mixed);
	struct zsim_event ev;
	int e;
	while ((e = mixed ? mixed_next(&m, &ev) : zsim_trace_next(r, &ev)) > 0)
		;
	snprintf(msg, cap, "%s", e < 0 ? zsim_trace_reader_error(r) : "");
	zsim_trace_close(r);
	return msg;
}

/* The same both ways: the first error message or "". */
static const char *read_all(const uint8_t *b, size_t len, char *msg, size_t cap)
{
	char batch[512];
	read_all_by(b, len, 1 + len, batch, sizeof(batch));
	read_all_by(b, len, 0, msg, cap);
	ck_assert_msg(strcmp(msg, batch) == 0, "the batch reader says '%s' where the event reader says '%s'",
		      batch, msg);
	return msg;
}

static void expect_event_error(const uint8_t *ev, size_t n, bool end, const char *want)
{
	size_t hl;
	uint8_t *h = base_header(&hl);
	uint8_t *b = malloc(hl + n + 2);
	memcpy(b, h, hl);
	memcpy(b + hl, ev, n);
	size_t len = hl + n;
	if (end) {
		b[len++] = 0;
		b[len++] = 0;
	}
	char msg[512];
	read_all(b, len, msg, sizeof(msg));
	ck_assert_msg(strstr(msg, want) != NULL, "wanted '%s', got '%s'", want, msg);
	ck_assert_msg(strncmp(msg, "x.trc: offset ", 14) == 0 && !strchr(msg, '\n'), "form: '%s'", msg);
	free(b);
	free(h);
}

/* EXPECT(END, WANT, bytes...): the bytes after the header (+ an end marker) give WANT. */
#define EXPECT(end, want, ...) do { static const uint8_t b_[] = { __VA_ARGS__ }; \
	expect_event_error(b_, sizeof(b_), end, want); } while (0)

START_TEST(test_corruptions)
{
	size_t hl;
	uint8_t *h = base_header(&hl);
	char msg[512];
	uint8_t b[512];
	memcpy(b, h, hl);
	b[hl] = 0;
	b[hl + 1] = 0;
	ck_assert_str_eq(read_all(b, hl + 2, msg, sizeof(msg)), "");
	b[0] ^= 1;
	ck_assert_ptr_nonnull(strstr(read_all(b, hl + 2, msg, sizeof(msg)), "x.trc: offset 0, header: not a zsim trace (bad magic)"));
	b[0] ^= 1;
	b[8] = 2;   /* version */
	ck_assert_ptr_nonnull(strstr(read_all(b, hl + 2, msg, sizeof(msg)), "offset 8, header: unknown version 2"));
	b[8] = 1;
	ck_assert_uint_eq(b[9], 0x80);   /* page size 4096 = 80 20 */
	b[10] = 0x40;
	ck_assert_ptr_nonnull(strstr(read_all(b, hl + 2, msg, sizeof(msg)), "page size 8192 is not 4096"));
	b[10] = 0x20;
	ck_assert_ptr_nonnull(strstr(read_all(b, hl, msg, sizeof(msg)), "event 0: stream ends without the end marker"));
	b[hl] = 0;
	b[hl + 1] = 1;
	ck_assert_ptr_nonnull(strstr(read_all(b, hl + 2, msg, sizeof(msg)), "end marker counts 1 events, the stream has 0"));
	b[hl + 1] = 0;
	b[hl + 2] = 7;
	ck_assert_ptr_nonnull(strstr(read_all(b, hl + 3, msg, sizeof(msg)), "bytes after the end marker"));
	free(h);

	/* create pid 1 "a" */
#define CREATE1 0x01, 0x01, 0x00, 0x01, 'a'
	EXPECT(true, "event 0: bad varint (pid)", 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	EXPECT(true, "event 1: bad varint (ns)", CREATE1, 0x1c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
	EXPECT(true, "bad varint (ns)", CREATE1, 0x1c, 0x80, 0x00);
	EXPECT(false, "event 1: event cut short (in ns)", CREATE1, 0x1c, 0x80, 0x80);
	EXPECT(false, "event 1: event cut short (in parent pid)", CREATE1, 0x01, 0x01);
	EXPECT(true, "event 0: unknown event tag 0x06", 0x06);
	EXPECT(true, "event 1: wake of pid 0", CREATE1, 0x1e, 0x00);
	EXPECT(true, "event 1: woken pid 4294967296 out of range", CREATE1, 0x1e, 0x80, 0x80, 0x80, 0x80, 0x10);
	EXPECT(true, "event 1: unknown event tag 0x2e", CREATE1, 0x2e, 0x01);
	EXPECT(true, "event 1: unknown event tag 0x5f", CREATE1, 0x5f);
	EXPECT(true, "event 2: pid 1 has exited", CREATE1, 0x12, 0x1f);
	EXPECT(true, "event 1: bad varint (ns)", CREATE1, 0x1d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
	EXPECT(true, "event 1: unknown event tag 0x16", CREATE1, 0x16);
	EXPECT(true, "unknown event tag 0x32", CREATE1, 0x32);
	EXPECT(true, "event 0: pid 5 was never created", 0x80, 0x05);
	EXPECT(true, "'same pid' with no event before", 0xa0);
	EXPECT(true, "event 2: pid 1 has exited", CREATE1, 0x12, 0xa0);
	/* an error after a run of good accesses (read_all: the batch reader says the same) */
	EXPECT(true, "event 3: bad varint (page)", CREATE1, 0xa0, 0xa0, 0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0x02);
	EXPECT(true, "event 3: bad varint (page)", CREATE1, 0xa0, 0xa0, 0xbf, 0x80, 0x00);
	EXPECT(false, "event 3: event cut short (in page)", CREATE1, 0xa0, 0xa0, 0xbf, 0x80);
	EXPECT(false, "event 2: event cut short (in content)", CREATE1, 0xa0, 0xe0);
	EXPECT(true, "event 2: unknown content class 9", CREATE1, 0xa0, 0xe0, 0x09);
	EXPECT(true, "event 2: pid 1 has exited", CREATE1, 0x12, 0x1c, 0x05);
	EXPECT(true, "pid 1 created while alive", CREATE1, 0x11, 0x00, 0x01, 'b');
	EXPECT(true, "event 1: unknown content class 15", CREATE1, 0xe0, 0x0f);
	EXPECT(true, "unknown content class 9", CREATE1, 0xe0, 0x09);
	EXPECT(true, "corpus content, but the header names no corpus", CREATE1, 0xe0, 0x08);
	EXPECT(true, "ratio of at least 1.0", CREATE1, 0xe0, 0x47, 0x05);
	EXPECT(true, "content table index 0 out of range", CREATE1, 0xe0, 0x30, 0x00);
	EXPECT(true, "bad content byte 0x82", CREATE1, 0xe0, 0x82);
	EXPECT(true, "event 1: file 9 was never created", CREATE1, 0x18, 0x09, 0x00);
	EXPECT(true, "file 9 was never created", CREATE1, 0x1b, 0x09);
	EXPECT(true, "'same file' with no file before", CREATE1, 0x38);
	EXPECT(true, "event 1: filesystem index 5 out of range (1 in the header)", CREATE1, 0x17, 0x01, 0x05, 0x01, 'x');
	EXPECT(true, "event 3: file 1 was unlinked", CREATE1, 0x17, 0x01, 0x00, 0x01, 'x', 0x3b, 0x38);
	EXPECT(true, "map of 0 pages", CREATE1, 0x14, 0x00, 0x00);
	/* pages of a 64-bit address space: an access to 2^52, a map of 2^52 - 1 .. 2^52 */
	EXPECT(true, "event 1: page 4503599627370496 beyond a 64-bit address space (2^52 pages)", CREATE1, 0xbf,
	       0xdf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f);
	EXPECT(true, "event 1: map past the end of a 64-bit address space (2^52 pages)", CREATE1, 0x14,
	       0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x02);
	EXPECT(true, "unknown map kind 3", CREATE1, 0x74, 0x00, 0x01);
	EXPECT(true, "file 7 was never created", CREATE1, 0x34, 0x00, 0x01, 0x07, 0x00);
	EXPECT(true, "name of 0 bytes", 0x01, 0x01, 0x00, 0x00);
	EXPECT(true, "name contains a NUL byte", 0x01, 0x01, 0x00, 0x02, 'a', 0);
	EXPECT(true, "pid 0", 0x01, 0x00, 0x00, 0x01, 'a');
	EXPECT(true, "pid 4294967296 out of range", 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x01, 'a');
}
END_TEST

/* Varint edges through the whole pipeline, and the largest 10-byte varint by hand. */
START_TEST(test_varint_edges)
{
	/* the largest varint decodes (an unmap's page delta of -2^63: past a 64-bit address space's pages) */
	EXPECT(false, "event 1: unmap past the end of a 64-bit address space", CREATE1, 0x15, 0xff, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01);
	EXPECT(true, "event 1: cpu of 1125899906842625 ns, more than 2^50 ns", CREATE1, 0x1c, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02);
	struct stream s = { 0 };
	static const uint64_t vals[] = { 0, 1, 127, 128, 16383, 16384, (1ull << 32) - 1, 1ull << 32,
					 (1ull << 63) - 1, 1ull << 63, UINT64_MAX - 1, UINT64_MAX };
	push(&s, &(struct zsim_event){ .kind = ZSIM_EV_PROC_CREATE, .pid = UINT32_MAX, .target = UINT32_MAX, .name = "x" });
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(vals); i++)
		for (size_t j = 0; j < ZSIM_ARRAY_SIZE(vals); j++) {
			/* pages: the values modulo 2^52 (a 64-bit address space's pages) */
			push(&s, &(struct zsim_event){ .kind = ZSIM_EV_ACCESS, .pid = UINT32_MAX,
						       .page = vals[i] % ZSIM_TRACE_MAX_PAGES });
			push(&s, &(struct zsim_event){ .kind = ZSIM_EV_ACCESS, .pid = UINT32_MAX,
						       .page = vals[j] % ZSIM_TRACE_MAX_PAGES,
						       .write = 1, .content = { .cls = 2, .seed = vals[i] } });
			push(&s, &(struct zsim_event){ .kind = ZSIM_EV_ACCESS, .pid = UINT32_MAX,
						       .page = vals[j] % ZSIM_TRACE_MAX_PAGES,
						       .write = 1, .content = { .cls = 2, .param = 255, .seed = vals[j] } });
			push(&s, &(struct zsim_event){ .kind = ZSIM_EV_CPU, .pid = UINT32_MAX,
						       .ns = vals[j] < ZSIM_TRACE_MAX_NS ? vals[j] : ZSIM_TRACE_MAX_NS });
		}
	char *path = tmp_path(".trc"), err[256];
	write_stream(&s, path);
	struct zsim_trace_reader *r;
	ck_assert_int_eq(zsim_trace_open(path, &r, err, sizeof(err)), 0);
	check_reader(r, &s);
	zsim_trace_close(r);
	ck_assert_int_eq(zsim_trace_open(path, &r, err, sizeof(err)), 0);
	check_reader_mixed(r, &s, 3);
	zsim_trace_close(r);
	unlink(path);
	free(path);
	free_stream(&s);
}
END_TEST

/* A long run of one process's accesses (2 MB: the reader's window refills
 * inside runs), plain and zstd, read mixed with the batch reader. */
START_TEST(test_batch_across_refills)
{
	for (int z = 0; z < 2; z++) {
		struct stream s = { 0 };
		struct zsim_rng r;
		zsim_rng_seed(&r, 9);
		push(&s, &(struct zsim_event){ .kind = ZSIM_EV_PROC_CREATE, .pid = 7, .name = "run" });
		uint64_t seed = 0;
		for (int i = 0; i < 600000; i++) {
			struct zsim_event ev = { .kind = ZSIM_EV_ACCESS, .pid = 7, .page = zsim_rng_below(&r, 1u << 20) };
			if (zsim_rng_below(&r, 4) == 0)
				ev.write = 1, ev.content = (struct zsim_content_ref){ .cls = 2, .seed = ++seed };
			push(&s, &ev);
			if (zsim_rng_below(&r, 5000) == 0)
				push(&s, &(struct zsim_event){ .kind = ZSIM_EV_CPU, .pid = 7, .ns = 1000 });
		}
		char *path = tmp_path(z ? ".trc.zst" : ".trc"), err[256];
		write_stream(&s, path);
		struct zsim_trace_reader *rd;
		ck_assert_int_eq(zsim_trace_open(path, &rd, err, sizeof(err)), 0);
		check_reader_mixed(rd, &s, 11);
		zsim_trace_close(rd);
		unlink(path);
		free(path);
		free_stream(&s);
	}
}
END_TEST

/* Every prefix of a small trace (plain and zstd): an error, never a crash, never success. */
START_TEST(test_truncate_everywhere)
{
	for (int z = 0; z < 2; z++) {
		struct stream s;
		make_stream(&s, 77, 150);
		char *path = tmp_path(z ? ".trc.zst" : ".trc"), msg[512];
		write_stream(&s, path);
		size_t len;
		uint8_t *b = slurp(path, &len);
		ck_assert_str_eq(read_all(b, len, msg, sizeof(msg)), "");
		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);   /* exact size: ASan sees overreads */
			memcpy(c, b, cut);
			read_all(c, cut, msg, sizeof(msg));
			ck_assert_msg(msg[0] && strncmp(msg, "x.trc: ", 7) == 0, "cut at %zu: '%s'", cut, msg);
			free(c);
		}
		/* and random byte flips: any outcome but a crash */
		struct zsim_rng r;
		zsim_rng_seed(&r, 5);
		for (int i = 0; i < 2000 && !z; i++) {
			uint8_t *c = malloc(len);
			memcpy(c, b, len);
			c[zsim_rng_below(&r, len)] ^= (uint8_t)(1 + zsim_rng_below(&r, 255));
			read_all(c, len, msg, sizeof(msg));
			free(c);
		}
		free(b);
		unlink(path);
		free(path);
		free_stream(&s);
	}
}
END_TEST

/* The writer refuses what the reader would, and leaves nothing behind on abort. */
START_TEST(test_writer_checks)
{
	struct zsim_trace_header h = { .nr_fs = 1 };
	strcpy(h.fs[0], "src");
	char *path = tmp_path(".trc"), err[256];
	struct zsim_trace_writer *w;
	ck_assert_int_eq(zsim_trace_create(path, &h, &w, err, sizeof(err)), 0);
	struct zsim_event ev = { .kind = ZSIM_EV_ACCESS, .pid = 3, .page = 1 };
	ck_assert_int_eq(zsim_trace_write(w, &ev), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "pid 3 was never created");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_PROC_CREATE, .pid = 3, .name = "a" }), 0);
	ev.page = 1ull << 52;
	ck_assert_int_eq(zsim_trace_write(w, &ev), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "page 4503599627370496 beyond a 64-bit address space (2^52 pages)");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_UNMAP, .pid = 3,
								   .page = (1ull << 52) - 1, .npages = 2 }), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "unmap past the end of a 64-bit address space (2^52 pages)");
	ev.page = 1;
	ev.write = 1;
	ev.content.cls = 12;
	ck_assert_int_eq(zsim_trace_write(w, &ev), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "unknown content class 12");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_FILE_CREATE, .pid = 3, .file = 1,
								   .fs = 1, .name = "f" }), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "filesystem index 1 out of range (1 in the header)");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_FILE_READ, .pid = 3, .file = 1 }),
			 ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "file 1 was never created");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_WAKE, .pid = 3 }), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "wake of pid 0");
	ck_assert_int_eq(zsim_trace_write(w, &(struct zsim_event){ .kind = ZSIM_EV_PARK, .pid = 4 }), ZSIM_EFORMAT);
	ck_assert_str_eq(zsim_trace_writer_error(w), "pid 4 was never created");
	ck_assert_int_eq(access(path, F_OK), -1);    /* not there until finish */
	zsim_trace_writer_abort(w);
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(path);
}
END_TEST

START_TEST(test_text_errors)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "create 1 0 a\nbogus 1\n", "t.txt:2: unknown event 'bogus'" },
		{ "#zsim-trace version=2\n", "t.txt:1: unknown version '2'" },
		{ "#zsim-trace page_size=8192\n", "t.txt:1: page size '8192' is not 4096" },
		{ "#zsim-trace colour=red\n", "t.txt:1: unknown header field 'colour'" },
		{ "create 1 0 a\naccess 1 0x1g r\n", "t.txt:2: page '0x1g' is not a number" },
		{ "create 1 0 a\n\n# c\naccess 1 1 x\n", "t.txt:4: access mode 'x' is not r or w" },
		{ "create 1 0 a\naccess 1 1 w gold:1\n", "t.txt:2: bad content 'gold:1'" },
		{ "create 1 0 a\naccess 1 1\n", "t.txt:2: access takes 3 fields, not 2" },
		{ "create 4294967296 0 a\n", "t.txt:1: pid '4294967296' is not a number below 2^32" },
		{ "create 1 0 a%zz\n", "t.txt:1: bad %-escape in name" },
		{ "create 1 0 a\n#content text:1\n", "t.txt:2: #content after the first event" },
		{ "map 1 1 1 huge\n", "t.txt:1: unknown map kind 'huge'" },
		{ "create 1 0 a\naccess 1 0x10000000000000 r\n",
		  "t.txt:2: page '0x10000000000000' is not a number below 2^52 (a 64-bit address space)" },
		{ "create 1 0 a\nmap 1 0xfffffffffffff 2 anon\n",
		  "t.txt:2: map past the end of a 64-bit address space (2^52 pages)" },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(cases); i++) {
		struct zsim_trace_text *t;
		char err[512];
		const char *msg = err;
		if (zsim_trace_text_open_mem(cases[i].text, strlen(cases[i].text), "t.txt", &t, err, sizeof(err)) == 0) {
			struct zsim_event ev;
			int e;
			while ((e = zsim_trace_text_next(t, &ev)) > 0)
				;
			ck_assert_msg(e < 0, "case %zu accepted", i);
			snprintf(err, sizeof(err), "%s", zsim_trace_text_error(t));
			zsim_trace_text_close(t);
		}
		ck_assert_msg(strstr(msg, cases[i].want) != NULL, "case %zu: wanted '%s', got '%s'", i,
			      cases[i].want, msg);
	}
}
END_TEST

START_TEST(test_content_ratio_and_corpus)
{
	uint8_t page[ZSIM_PAGE_SIZE], again[ZSIM_PAGE_SIZE];
	char dst[LZ4_COMPRESSBOUND(ZSIM_PAGE_SIZE)];
	static const unsigned params[] = { 12, 20, 25, 30, 40, 80, 150 };
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(params); i++) {
		double sum = 0;
		for (uint64_t seed = 0; seed < 50; seed++) {
			zsim_content_fill_param(ZSIM_CONTENT_RATIO, params[i], seed, page);
			int n = LZ4_compress_default((const char *)page, dst, ZSIM_PAGE_SIZE, (int)sizeof(dst));
			double target = 40960.0 / params[i];
			ck_assert_msg(n > target * 0.85 && n < target * 1.15, "ratio %u seed %llu: %d bytes, target %.0f",
				      params[i], (unsigned long long)seed, n, target);
			sum += n;
			zsim_content_fill_param(ZSIM_CONTENT_RATIO, params[i], seed, again);
			ck_assert(memcmp(page, again, sizeof(page)) == 0);
		}
		double avg = sum / 50, target = 40960.0 / params[i];
		ck_assert_msg(avg > target * 0.97 && avg < target * 1.03, "ratio %u: average %.0f", params[i], avg);
	}
	/* corpus pages */
	char *path = tmp_path(".bin"), err[256];
	FILE *f = fopen(path, "wb");
	for (int p = 0; p < 3; p++) {
		memset(page, 'a' + p, sizeof(page));
		fwrite(page, 1, sizeof(page), f);
	}
	fclose(f);
	struct zsim_corpus *c;
	ck_assert_int_eq(zsim_content_corpus_open(path, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(zsim_content_corpus_pages(c), 3);
	ck_assert_int_eq(zsim_content_corpus_read(c, 2, page, err, sizeof(err)), 0);
	ck_assert_uint_eq(page[4095], 'c');
	ck_assert_int_eq(zsim_content_corpus_read(c, 3, page, err, sizeof(err)), ZSIM_ERANGE);
	ck_assert_ptr_nonnull(strstr(err, "corpus page 3 is past the end (3 pages)"));
	zsim_content_corpus_close(c);
	f = fopen(path, "ab");
	fputc(0, f);
	fclose(f);
	ck_assert_int_eq(zsim_content_corpus_open(path, &c, err, sizeof(err)), ZSIM_EFORMAT);
	unlink(path);
	ck_assert_int_eq(zsim_content_corpus_open(path, &c, err, sizeof(err)), ZSIM_ESYS);
	free(path);
	struct zsim_content_ref ref;
	ck_assert_int_eq(zsim_content_ref_parse("ratio/25:7", &ref), 0);
	ck_assert_uint_eq(ref.cls, ZSIM_CONTENT_RATIO);
	ck_assert_uint_eq(ref.param, 25);
	ck_assert_uint_eq(ref.seed, 7);
	char buf[64];
	zsim_content_ref_format(&ref, buf);
	ck_assert_str_eq(buf, "ratio/25:7");
}
END_TEST

Suite *suite_trace(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("format");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_write_read_identity);
	tcase_add_test(tc, test_text_round_trip);
	tcase_add_test(tc, test_corruptions);
	tcase_add_test(tc, test_varint_edges);
	tcase_add_test(tc, test_truncate_everywhere);
	tcase_add_test(tc, test_batch_across_refills);
	tcase_add_test(tc, test_writer_checks);
	tcase_add_test(tc, test_text_errors);
	tcase_add_test(tc, test_content_ratio_and_corpus);
	suite_add_tcase(s, tc);
	return s;
}
