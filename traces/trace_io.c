/*
 * trace_io.c - the reader and writer of the native trace format (.trc and
 * .trc.zst); traces/FORMAT.md describes the bytes, trace.h the API.
 *
 * The format spends its bytes where traces spend their events: a page access
 * in the same process as the event before it, at the page after the one that
 * process touched last, is one tag byte.  Everything else is LEB128 varints,
 * page numbers zigzag-delta-coded against the previous page of the same pid
 * (or of the same file), content seeds against the previous seed of the same
 * class.  So reader and writer keep the same small state: per pid and per file
 * a liveness flag and the last page, the previous event's pid and file, and
 * the last seed of each content class.
 *
 * Reading is the hot path (the simulator replays hundreds of millions of
 * events): input comes in 1 MiB blocks (read(2), or ZSTD_decompressStream),
 * and each event is decoded from a window that is guaranteed to hold MAX_EV
 * bytes unless the stream ends first, so the common event costs one refill
 * test, one tag switch and a varint or two.  No allocation per event; the pid
 * and file tables grow only when a process or file is created.
 *
 * Replay reads mostly runs of one process's accesses, so besides the event
 * at a time (zsim_trace_next(), into the 80-byte struct zsim_event) there is
 * a batch path: zsim_trace_next_accesses() decodes such a run in one loop
 * straight into the caller's compact records (the engine's per-process queue).
 * Both decode an access with the same function (read_access), so the format
 * keeps one reader.
 *
 * The reader trusts nothing: every malformed byte sequence ends in one error
 * line "FILE: offset N, event M: what" (N: the stream offset where the event
 * starts, in uncompressed bytes; M: the event's 0-based index), and the
 * writer refuses the same events the reader would, so it never writes a trace
 * it cannot read back.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define TRC_MAGIC      "ZSIMTRC\x1a"
#define TRC_MAGIC_LEN  8
#define ZSTD_MAGIC     0xFD2FB528u      /* little-endian first 4 bytes of a zstd frame */
#define BUF_SIZE       (1u << 18)       /* reader window and writer buffer */
#define MAX_EV         1024             /* no event encodes to more: tag, 6 varints, a name */
#define WRITER_ZSTD_LEVEL 3             /* zstd's default: ~300 MB/s, traces shrink 3-5x more */

/* Tag byte (FORMAT.md "Events"). */
#define TAG_END         0x00
#define TAG_ACCESS      0x80            /* set: a page access */
#define TAG_A_WRITE     0x40
#define TAG_A_SAMEPID   0x20
#define TAG_A_DELTA     0x1f            /* zigzag(page - (last + 1)), 31 = varint follows */
#define TAG_KIND        0x0f
#define TAG_SAMEPID     0x10
#define TAG_FLAG1       0x20            /* FILE_*: same file; MAP: map kind bit 0 */
#define TAG_FLAG2       0x40            /* FILE_READ/WRITE: next page; MAP: map kind bit 1 */

/* Content byte. */
#define CB_CLS          0x0f
#define CB_MODE_SHIFT   4
#define CB_PARAM        0x40
#define CB_RESERVED     0x80
enum { SEED_NEXT, SEED_SAME, SEED_DELTA, SEED_TABLE };

static const char *const kind_names[ZSIM_EV_KIND_MAX] = {
	[ZSIM_EV_PROC_CREATE] = "create", [ZSIM_EV_PROC_EXIT] = "exit",
	[ZSIM_EV_WAIT] = "wait", [ZSIM_EV_MAP] = "map", [ZSIM_EV_UNMAP] = "unmap",
	[ZSIM_EV_ACCESS] = "access", [ZSIM_EV_FILE_CREATE] = "fcreate",
	[ZSIM_EV_FILE_READ] = "fread", [ZSIM_EV_FILE_WRITE] = "fwrite",
	[ZSIM_EV_FILE_TRUNCATE] = "ftruncate", [ZSIM_EV_FILE_UNLINK] = "funlink",
	[ZSIM_EV_CPU] = "cpu", [ZSIM_EV_SLEEP] = "sleep",
	[ZSIM_EV_WAKE] = "wake", [ZSIM_EV_PARK] = "park",
};

const char *zsim_ev_kind_name(unsigned kind)
{
	return kind > 0 && kind < ZSIM_EV_KIND_MAX ? kind_names[kind] : "?";
}

unsigned zsim_ev_kind_parse(const char *name)
{
	for (unsigned k = 1; k < ZSIM_EV_KIND_MAX; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return 0;
}

/* ---- varints ---------------------------------------------------------- */

static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

enum { VI_OK = 0, VI_TRUNC = 1, VI_BAD = 2 };

/* Decodes a minimal LEB128 varint of at most 10 bytes below end. */
static inline int get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	if (p < end && *p < 0x80) {
		*out = *p;
		*pp = p + 1;
		return VI_OK;
	}
	uint64_t v = 0;
	if (end - p >= 10) {
		/* the common case inside a window: no byte can be missing */
#pragma GCC unroll 9
		for (unsigned i = 0; i < 9; i++) {
			uint64_t b = p[i];
			v |= (b & 0x7f) << (7 * i);
			if (b < 0x80) {
				if (b == 0)
					return VI_BAD;  /* not minimal (i > 0: byte 0 was >= 0x80) */
				*out = v;
				*pp = p + i + 1;
				return VI_OK;
			}
		}
		if (p[9] > 1)
			return VI_BAD;          /* bits beyond 64, or an 11th byte */
		if (p[9] == 0)
			return VI_BAD;
		*out = v | (uint64_t)1 << 63;
		*pp = p + 10;
		return VI_OK;
	}
	for (unsigned i = 0; i < 10; i++) {
		if (p >= end)
			return VI_TRUNC;
		uint8_t b = *p++;
		if (i == 9 && b > 1)
			return VI_BAD;          /* bits beyond 64 */
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (b == 0 && i > 0)
				return VI_BAD;  /* not minimal: a trailing zero group */
			*out = v;
			*pp = p;
			return VI_OK;
		}
	}
	return VI_BAD;                          /* an 11th byte would be needed */
}

/* ---- pid and file tables ---------------------------------------------- */

struct ids_slot {
	uint32_t id;        /* 0: empty */
	uint8_t alive;
	uint64_t last;      /* last page touched (pid) or read/written (file) */
};

struct ids {
	struct ids_slot *s;
	size_t mask;        /* capacity - 1 */
	size_t n;
};

static inline size_t ids_hash(uint32_t id)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32);
}

static inline struct ids_slot *ids_find(const struct ids *t, uint32_t id)
{
	if (!t->s)
		return NULL;
	for (size_t i = ids_hash(id) & t->mask;; i = (i + 1) & t->mask) {
		if (t->s[i].id == id)
			return &t->s[i];
		if (!t->s[i].id)
			return NULL;
	}
}

/* The slot of id, added (dead, last 0) if absent.  Moves other slots when it grows. */
static struct ids_slot *ids_get(struct ids *t, uint32_t id)
{
	struct ids_slot *s = ids_find(t, id);
	if (s)
		return s;
	if (!t->s || (t->n + 1) * 2 > t->mask + 1) {
		size_t cap = t->s ? (t->mask + 1) * 2 : 64;
		struct ids_slot *ns = zsim_xmalloc(cap * sizeof(*ns));
		zsim_zero_touch(ns, cap * sizeof(*ns));   /* probing reads before it writes */
		for (size_t i = 0; t->s && i <= t->mask; i++) {
			if (!t->s[i].id)
				continue;
			size_t j = ids_hash(t->s[i].id) & (cap - 1);
			while (ns[j].id)
				j = (j + 1) & (cap - 1);
			ns[j] = t->s[i];
		}
		free(t->s);
		t->s = ns;
		t->mask = cap - 1;
	}
	size_t i = ids_hash(id) & t->mask;
	while (t->s[i].id)
		i = (i + 1) & t->mask;
	t->s[i] = (struct ids_slot){ .id = id };
	t->n++;
	return &t->s[i];
}

/* ---- state both sides keep -------------------------------------------- */

struct coder {
	struct ids pids, files;
	uint32_t pid;                 /* previous event's pid, 0 before the first */
	struct ids_slot *cur;         /* reader: pid's slot (tables move only on create) */
	uint32_t file;                /* previous FILE_* event's file, 0 before the first */
	uint64_t seed[16];            /* last seed of each content class */
	uint32_t nr_fs;
	bool has_corpus;
	uint32_t nr_content;
	struct zsim_content_ref *content;
};

static void coder_free(struct coder *c)
{
	free(c->pids.s);
	free(c->files.s);
	free(c->content);
}

/* Content validity shared by both sides; NULL or what is wrong. */
static const char *check_content(const struct coder *c, const struct zsim_content_ref *ct,
				 char *buf, size_t len)
{
	if (ct->cls >= ZSIM_CONTENT_NR) {
		snprintf(buf, len, "unknown content class %u", ct->cls);
		return buf;
	}
	if (ct->cls == ZSIM_CONTENT_RATIO && ct->param < ZSIM_CONTENT_RATIO_MIN) {
		snprintf(buf, len, "ratio content needs a ratio of at least 1.0 (param >= %u), not %u",
			 ZSIM_CONTENT_RATIO_MIN, ct->param);
		return buf;
	}
	if (ct->cls == ZSIM_CONTENT_CORPUS && !c->has_corpus)
		return "corpus content, but the header names no corpus";
	return NULL;
}

/* ---- header ------------------------------------------------------------ */

static const char *check_header(const struct zsim_trace_header *h)
{
	if (strnlen(h->generator, sizeof(h->generator)) == sizeof(h->generator))
		return "generator name too long";
	if (strnlen(h->corpus, sizeof(h->corpus)) == sizeof(h->corpus))
		return "corpus name too long";
	if (h->nr_fs > ZSIM_TRACE_MAX_FS)
		return "too many filesystems";
	for (uint32_t i = 0; i < h->nr_fs; i++)
		if (!h->fs[i][0] || strnlen(h->fs[i], sizeof(h->fs[i])) == sizeof(h->fs[i]))
			return "filesystem name empty or too long";
	if (h->nr_content > ZSIM_TRACE_MAX_CONTENT)
		return "content table too large";
	if (h->nr_content && !h->content)
		return "content table missing";
	return NULL;
}

/* ======================================================================= */
/* Reader                                                                  */
/* ======================================================================= */

struct zsim_trace_reader {
	const uint8_t *p, *end;       /* the decode window */
	const uint8_t *win;           /* start of the window's buffer (offset base_off) */
	uint64_t base_off;
	uint64_t events;
	bool eof;                     /* no more bytes after end */
	bool done;                    /* the end marker was read */
	int err;                      /* sticky */
	struct coder c;
	/* input */
	int fd;
	bool own_fd;
	const uint8_t *mem;           /* open_mem: the bytes */
	size_t mem_len;
	uint8_t *buf;                 /* window storage (NULL when reading plain memory in place) */
	ZSTD_DCtx *z;
	uint8_t *zbuf;                /* compressed input (fd) */
	ZSTD_inBuffer zin;
	bool zin_eof;
	size_t zret;                  /* last ZSTD_decompressStream result: 0 at a frame end */
	struct zsim_trace_header h;
	char *path;
	char name[ZSIM_TRACE_NAME_MAX + 1];
	char msg[512];
};

static inline uint64_t roff(const struct zsim_trace_reader *r, const uint8_t *at)
{
	return r->base_off + (uint64_t)(at - r->win);
}

/* Records "FILE: offset N, event M: what" (or "..., header: what"). */
__attribute__((format(printf, 3, 0)))
static int rfail_v(struct zsim_trace_reader *r, uint64_t off, const char *fmt, va_list ap)
{
	char what[320];
	vsnprintf(what, sizeof(what), fmt, ap);
	if (r->h.version)
		snprintf(r->msg, sizeof(r->msg), "%s: offset %llu, event %llu: %s", r->path,
			 (unsigned long long)off, (unsigned long long)r->events, what);
	else
		snprintf(r->msg, sizeof(r->msg), "%s: offset %llu, header: %s", r->path,
			 (unsigned long long)off, what);
	zsim_one_line(r->msg);   /* names from the input may hold control bytes */
	r->err = ZSIM_EFORMAT;
	return ZSIM_EFORMAT;
}

/* `at` must point into the current window (no refill since it was taken). */
__attribute__((format(printf, 3, 4)))
static int rfail(struct zsim_trace_reader *r, const uint8_t *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = rfail_v(r, roff(r, at), fmt, ap);
	va_end(ap);
	return e;
}

__attribute__((format(printf, 3, 4)))
static int rfail_off(struct zsim_trace_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = rfail_v(r, off, fmt, ap);
	va_end(ap);
	return e;
}

static int rsysfail(struct zsim_trace_reader *r, const char *what)
{
	snprintf(r->msg, sizeof(r->msg), "%s: %s", r->path, what);
	r->err = ZSIM_ESYS;
	return ZSIM_ESYS;
}

/* Reads up to n raw (possibly compressed) bytes from the fd; 0 at EOF. */
static ssize_t raw_read(struct zsim_trace_reader *r, uint8_t *dst, size_t n)
{
	for (;;) {
		ssize_t k = read(r->fd, dst, n);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

/*
 * Makes the window hold at least `need` bytes, or everything left.
 * Returns 0 or an error (already recorded).
 */
static int refill(struct zsim_trace_reader *r, size_t need)
{
	if (r->eof || (size_t)(r->end - r->p) >= need)
		return 0;
	/* slide what is left to the front */
	size_t left = (size_t)(r->end - r->p);
	r->base_off += (uint64_t)(r->p - r->win);
	memmove(r->buf, r->p, left);
	r->win = r->p = r->buf;
	size_t have = left;
	while (have < need && !r->eof) {
		if (!r->z) {
			ssize_t k = raw_read(r, r->buf + have, BUF_SIZE - have);
			if (k < 0)
				return rsysfail(r, strerror(errno));
			if (k == 0)
				r->eof = true;
			have += (size_t)k;
			continue;
		}
		if (r->zin.pos == r->zin.size && !r->zin_eof) {
			if (r->mem) {
				r->zin_eof = true;   /* the whole input was given at once */
			} else {
				ssize_t k = raw_read(r, r->zbuf, ZSTD_DStreamInSize());
				if (k < 0)
					return rsysfail(r, strerror(errno));
				r->zin = (ZSTD_inBuffer){ r->zbuf, (size_t)k, 0 };
				if (k == 0)
					r->zin_eof = true;
			}
		}
		if (r->zin.pos == r->zin.size && r->zin_eof) {
			/* all input consumed: flush what zstd still holds, then stop */
			ZSTD_outBuffer out = { r->buf + have, BUF_SIZE - have, 0 };
			size_t ret = ZSTD_decompressStream(r->z, &out, &r->zin);
			if (ZSTD_isError(ret)) {
				r->end = r->buf + have;
				return rfail(r, r->end, "zstd: %s", ZSTD_getErrorName(ret));
			}
			have += out.pos;
			if (out.pos) {
				r->zret = ret;
				continue;
			}
			if (r->zret) {   /* the last frame never ended */
				r->end = r->buf + have;
				return rfail(r, r->end, "zstd stream cut short");
			}
			r->eof = true;
			break;
		}
		ZSTD_outBuffer out = { r->buf + have, BUF_SIZE - have, 0 };
		r->zret = ZSTD_decompressStream(r->z, &out, &r->zin);
		if (ZSTD_isError(r->zret)) {
			r->end = r->buf + have;
			return rfail(r, r->end, "zstd: %s", ZSTD_getErrorName(r->zret));
		}
		have += out.pos;
	}
	r->end = r->buf + have;
	return 0;
}

#define NEED(n) do { if ((size_t)(r->end - p) < (n)) { r->p = p; \
	if (refill(r, (n)) < 0) { return r->err; } \
	p = r->p; } } while (0)

/* Header helpers: each refills first, so they work across window boundaries. */
static int hdr_varint(struct zsim_trace_reader *r, const char *what, uint64_t *v)
{
	const uint8_t *p = r->p;
	NEED(10);
	int e = get_varint(&p, r->end, v);
	if (e == VI_TRUNC)
		return rfail(r, r->end, "header cut short in %s", what);
	if (e == VI_BAD)
		return rfail(r, r->p, "bad varint in %s", what);
	r->p = p;
	return 0;
}

static int hdr_string(struct zsim_trace_reader *r, const char *what, char *dst, size_t cap)
{
	uint64_t n;
	uint64_t at = roff(r, r->p);
	int e = hdr_varint(r, what, &n);
	if (e < 0)
		return e;
	if (n >= cap)
		return rfail_off(r, at, "%s too long (%llu bytes, at most %zu)", what, (unsigned long long)n, cap - 1);
	const uint8_t *p = r->p;
	NEED(n);
	if ((size_t)(r->end - p) < n)
		return rfail(r, r->end, "header cut short in %s", what);
	if (memchr(p, 0, n))
		return rfail(r, p, "%s contains a NUL byte", what);
	memcpy(dst, p, n);
	dst[n] = '\0';
	r->p = p + n;
	return 0;
}

static int read_header(struct zsim_trace_reader *r)
{
	struct zsim_trace_header *h = &r->h;
	const uint8_t *p = r->p;
	NEED(TRC_MAGIC_LEN);
	if ((size_t)(r->end - p) < TRC_MAGIC_LEN || memcmp(p, TRC_MAGIC, TRC_MAGIC_LEN) != 0)
		return rfail(r, p, "not a zsim trace (bad magic)");
	r->p = p + TRC_MAGIC_LEN;
	uint64_t v;
	int e;
	uint64_t at = roff(r, r->p);
	if ((e = hdr_varint(r, "version", &v)) < 0)
		return e;
	if (v != ZSIM_TRACE_VERSION)
		return rfail_off(r, at, "unknown version %llu (this zsim reads version %d)",
			     (unsigned long long)v, ZSIM_TRACE_VERSION);
	at = roff(r, r->p);
	if ((e = hdr_varint(r, "page size", &v)) < 0)
		return e;
	if (v != ZSIM_PAGE_SIZE)
		return rfail_off(r, at, "page size %llu is not %u", (unsigned long long)v, ZSIM_PAGE_SIZE);
	h->page_size = ZSIM_PAGE_SIZE;
	if ((e = hdr_varint(r, "flags", &h->flags)) < 0 || (e = hdr_varint(r, "seed", &h->seed)) < 0)
		return e;
	if ((e = hdr_string(r, "generator", h->generator, sizeof(h->generator))) < 0 ||
	    (e = hdr_string(r, "corpus", h->corpus, sizeof(h->corpus))) < 0)
		return e;
	at = roff(r, r->p);
	if ((e = hdr_varint(r, "filesystem count", &v)) < 0)
		return e;
	if (v > ZSIM_TRACE_MAX_FS)
		return rfail_off(r, at, "%llu filesystems (at most %d)", (unsigned long long)v, ZSIM_TRACE_MAX_FS);
	h->nr_fs = (uint32_t)v;
	for (uint32_t i = 0; i < h->nr_fs; i++) {
		at = roff(r, r->p);
		if ((e = hdr_string(r, "filesystem name", h->fs[i], sizeof(h->fs[i]))) < 0)
			return e;
		if (!h->fs[i][0])
			return rfail_off(r, at, "empty filesystem name");
	}
	at = roff(r, r->p);
	if ((e = hdr_varint(r, "content table size", &v)) < 0)
		return e;
	if (v > ZSIM_TRACE_MAX_CONTENT)
		return rfail_off(r, at, "content table of %llu entries (at most %u)", (unsigned long long)v,
			     ZSIM_TRACE_MAX_CONTENT);
	r->c.nr_fs = h->nr_fs;
	r->c.has_corpus = h->corpus[0] != '\0';
	r->c.nr_content = (uint32_t)v;
	r->c.content = v ? zsim_xcalloc(v, sizeof(*r->c.content)) : NULL;
	for (uint32_t i = 0; i < r->c.nr_content; i++) {
		struct zsim_content_ref *ct = &r->c.content[i];
		at = roff(r, r->p);
		p = r->p;
		NEED(2);
		if (r->end - p < 2)
			return rfail(r, r->end, "header cut short in the content table");
		ct->cls = p[0];
		ct->param = p[1];
		r->p = p + 2;
		if ((e = hdr_varint(r, "content seed", &ct->seed)) < 0)
			return e;
		char m[160];
		const char *bad = check_content(&r->c, ct, m, sizeof(m));
		if (bad)
			return rfail_off(r, at, "content table entry %u: %s", i, bad);
	}
	h->nr_content = r->c.nr_content;
	h->content = r->c.content;
	h->version = ZSIM_TRACE_VERSION;   /* from here on, messages name events */
	return 0;
}

static int reader_start(struct zsim_trace_reader *r, char *err, size_t errlen)
{
	/* Look at the first 4 bytes: a zstd frame, or the format itself. */
	if (r->mem) {
		if (r->mem_len >= 4 && (uint32_t)(r->mem[0] | r->mem[1] << 8 | r->mem[2] << 16 |
						  (uint32_t)r->mem[3] << 24) == ZSTD_MAGIC) {
			r->z = ZSTD_createDCtx();
			r->zin = (ZSTD_inBuffer){ r->mem, r->mem_len, 0 };
			r->buf = zsim_xmalloc(BUF_SIZE);
			r->win = r->p = r->end = r->buf;
		} else {
			r->win = r->p = r->mem;   /* decode in place */
			r->end = r->mem + r->mem_len;
			r->eof = true;
		}
	} else {
		r->buf = zsim_xmalloc(BUF_SIZE);
		size_t have = 0;
		while (have < 4) {
			ssize_t k = raw_read(r, r->buf + have, 4 - have);
			if (k < 0) {
				snprintf(err, errlen, "%s: %s", r->path, strerror(errno));
				return ZSIM_ESYS;
			}
			if (k == 0)
				break;
			have += (size_t)k;
		}
		if (have == 4 && (uint32_t)(r->buf[0] | r->buf[1] << 8 | r->buf[2] << 16 |
					    (uint32_t)r->buf[3] << 24) == ZSTD_MAGIC) {
			r->z = ZSTD_createDCtx();
			r->zbuf = zsim_xmalloc(ZSTD_DStreamInSize());
			memcpy(r->zbuf, r->buf, 4);
			r->zin = (ZSTD_inBuffer){ r->zbuf, 4, 0 };
			have = 0;
		} else if (have < 4) {
			r->eof = true;
		}
		r->win = r->p = r->buf;
		r->end = r->buf + have;
	}
	if (read_header(r) < 0) {
		snprintf(err, errlen, "%s", r->msg);
		return r->err;
	}
	return 0;
}

static struct zsim_trace_reader *reader_new(const char *path)
{
	struct zsim_trace_reader *r = zsim_xcalloc(1, sizeof(*r));
	r->path = zsim_xstrdup(path);
	r->fd = -1;
	return r;
}

int zsim_trace_open(const char *path, struct zsim_trace_reader **out, char *err, size_t errlen)
{
	*out = NULL;
	struct zsim_trace_reader *r = reader_new(path);
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
		free(r->path);
		r->path = zsim_xstrdup("<stdin>");
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			zsim_trace_close(r);
			return errno == ENOENT ? ZSIM_ENOENT : ZSIM_ESYS;
		}
		r->own_fd = true;
	}
	int e = reader_start(r, err, errlen);
	if (e < 0) {
		zsim_trace_close(r);
		return e;
	}
	*out = r;
	return 0;
}

int zsim_trace_open_mem(const void *data, size_t len, const char *name,
			struct zsim_trace_reader **out, char *err, size_t errlen)
{
	static const uint8_t empty[1];
	*out = NULL;
	struct zsim_trace_reader *r = reader_new(name);
	r->mem = len ? data : empty;
	r->mem_len = len;
	int e = reader_start(r, err, errlen);
	if (e < 0) {
		zsim_trace_close(r);
		return e;
	}
	*out = r;
	return 0;
}

const struct zsim_trace_header *zsim_trace_reader_header(const struct zsim_trace_reader *r)
{
	return &r->h;
}

const char *zsim_trace_reader_error(const struct zsim_trace_reader *r)
{
	return r->msg;
}

uint64_t zsim_trace_reader_events(const struct zsim_trace_reader *r)
{
	return r->events;
}

uint64_t zsim_trace_reader_offset(const struct zsim_trace_reader *r)
{
	return r->base_off + (uint64_t)(r->p - r->win);
}

void zsim_trace_close(struct zsim_trace_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->z);
	free(r->zbuf);
	free(r->buf);
	coder_free(&r->c);
	free(r->path);
	free(r);
}

/* Decoding one event: `p` walks the window from `ev0` (the tag). */
#define VARINT(dst, what) do { int e_ = get_varint(&p, r->end, &(dst)); \
	if (e_) return e_ == VI_TRUNC ? rfail(r, ev0, "event cut short (in %s)", what) \
				      : rfail(r, ev0, "bad varint (%s)", what); } while (0)
#define U32(dst, what) do { uint64_t v_; VARINT(v_, what); \
	if (v_ > UINT32_MAX) { \
		return rfail(r, ev0, "%s %llu out of range", what, (unsigned long long)v_); } \
	(dst) = (uint32_t)v_; } while (0)

static inline __attribute__((always_inline)) int read_content(struct zsim_trace_reader *r, const uint8_t *ev0, const uint8_t **pp,
			struct zsim_content_ref *ct)
{
	const uint8_t *p = *pp;
	if (p >= r->end)
		return rfail(r, ev0, "event cut short (in content)");
	uint8_t b = *p++;
	unsigned cls = b & CB_CLS, mode = (b >> CB_MODE_SHIFT) & 3;
	if (b & CB_RESERVED)
		return rfail(r, ev0, "bad content byte 0x%02x", b);
	if (mode == SEED_TABLE) {
		if (b & (CB_PARAM | CB_CLS))
			return rfail(r, ev0, "bad content byte 0x%02x", b);
		uint64_t i;
		VARINT(i, "content table index");
		if (i >= r->c.nr_content)
			return rfail(r, ev0, "content table index %llu out of range (%u entries)",
				     (unsigned long long)i, r->c.nr_content);
		*ct = r->c.content[i];
		r->c.seed[ct->cls] = ct->seed;
		*pp = p;
		return 0;
	}
	ct->cls = (uint8_t)cls;
	ct->param = 0;
	if (b & CB_PARAM) {
		if (p >= r->end)
			return rfail(r, ev0, "event cut short (in content)");
		ct->param = *p++;
	}
	uint64_t s = r->c.seed[cls];
	if (mode == SEED_NEXT)
		s++;
	else if (mode == SEED_DELTA) {
		uint64_t d;
		VARINT(d, "content seed");
		s += (uint64_t)unzigzag(d);
	}
	ct->seed = r->c.seed[cls] = s;
	if (cls >= ZSIM_CONTENT_RATIO) {   /* unknown, or a class with conditions */
		char m[160];
		const char *bad = check_content(&r->c, ct, m, sizeof(m));
		if (bad)
			return rfail(r, ev0, "%s", bad);
	}
	*pp = p;
	return 0;
}

static int read_name(struct zsim_trace_reader *r, const uint8_t *ev0, const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint64_t n;
	VARINT(n, "name length");
	if (n == 0 || n > ZSIM_TRACE_NAME_MAX)
		return rfail(r, ev0, "name of %llu bytes (1 to %d)", (unsigned long long)n, ZSIM_TRACE_NAME_MAX);
	if ((size_t)(r->end - p) < n)
		return rfail(r, ev0, "event cut short (in name)");
	if (memchr(p, 0, n))
		return rfail(r, ev0, "name contains a NUL byte");
	memcpy(r->name, p, n);
	r->name[n] = '\0';
	*pp = p + n;
	return 0;
}

/* The file of a FILE_* event: the previous one, or a varint; must be alive. */
static int read_file(struct zsim_trace_reader *r, const uint8_t *ev0, const uint8_t **pp,
		     unsigned tag, struct ids_slot **out, uint32_t *file)
{
	const uint8_t *p = *pp;
	if (tag & TAG_FLAG1) {
		if (!r->c.file)
			return rfail(r, ev0, "'same file' with no file before");
		*file = r->c.file;
	} else {
		U32(*file, "file");
	}
	struct ids_slot *s = ids_find(&r->c.files, *file);
	if (!s || !s->alive)
		return rfail(r, ev0, "file %u %s", *file, s ? "was unlinked" : "was never created");
	r->c.file = *file;
	*out = s;
	*pp = p;
	return 0;
}

/* Every event but the common access (zsim_trace_next() does that inline). */
static int read_other(struct zsim_trace_reader *r, const uint8_t *ev0, struct zsim_event *ev)
{
	const uint8_t *p = ev0 + 1;
	unsigned tag = *ev0, kind = tag & TAG_KIND;
	static const uint8_t flags_ok[ZSIM_EV_KIND_MAX] = {
		[ZSIM_EV_MAP] = TAG_FLAG1 | TAG_FLAG2,
		[ZSIM_EV_FILE_READ] = TAG_FLAG1 | TAG_FLAG2, [ZSIM_EV_FILE_WRITE] = TAG_FLAG1 | TAG_FLAG2,
		[ZSIM_EV_FILE_TRUNCATE] = TAG_FLAG1, [ZSIM_EV_FILE_UNLINK] = TAG_FLAG1,
	};
	if (kind == 0 || kind == ZSIM_EV_ACCESS || kind >= ZSIM_EV_KIND_MAX ||
	    (tag & (TAG_FLAG1 | TAG_FLAG2) & ~flags_ok[kind]))
		return rfail(r, ev0, "unknown event tag 0x%02x", tag);
	ev->kind = (uint8_t)kind;
	if (tag & TAG_SAMEPID) {
		if (!r->c.pid)
			return rfail(r, ev0, "'same pid' with no event before");
		ev->pid = r->c.pid;
	} else {
		U32(ev->pid, "pid");
		if (!ev->pid)
			return rfail(r, ev0, "pid 0");
	}
	struct ids_slot *ps;
	if (kind == ZSIM_EV_PROC_CREATE) {
		U32(ev->target, "parent pid");
		int e = read_name(r, ev0, &p);
		if (e < 0)
			return e;
		ps = ids_get(&r->c.pids, ev->pid);
		if (ps->alive)
			return rfail(r, ev0, "pid %u created while alive", ev->pid);
		ps->alive = 1;
		ps->last = 0;
		ev->name = r->name;
		r->c.pid = ev->pid;
		r->c.cur = ps;
		r->p = p;
		return 1;
	}
	ps = ids_find(&r->c.pids, ev->pid);
	if (!ps || !ps->alive)
		return rfail(r, ev0, "pid %u %s", ev->pid, ps ? "has exited" : "was never created");
	r->c.pid = ev->pid;
	r->c.cur = ps;
	struct ids_slot *fsl;
	uint64_t v;
	switch (kind) {
	case ZSIM_EV_PROC_EXIT:
		ps->alive = 0;
		break;
	case ZSIM_EV_WAIT:
		U32(ev->target, "waited-for pid");
		break;
	case ZSIM_EV_WAKE:
		U32(ev->target, "woken pid");
		if (!ev->target)
			return rfail(r, ev0, "wake of pid 0");
		break;
	case ZSIM_EV_MAP:
	case ZSIM_EV_UNMAP:
		VARINT(v, "page");
		ev->page = ps->last + (uint64_t)unzigzag(v);
		VARINT(ev->npages, "npages");
		if (!ev->npages)
			return rfail(r, ev0, "%s of 0 pages", kind_names[kind]);
		if (ev->page >= ZSIM_TRACE_MAX_PAGES || ev->npages > ZSIM_TRACE_MAX_PAGES - ev->page)
			return rfail(r, ev0, "%s past the end of a 64-bit address space (2^52 pages)", kind_names[kind]);
		if (kind == ZSIM_EV_UNMAP)
			break;
		ev->map = (uint8_t)((tag >> 5) & 3);
		if (ev->map > ZSIM_MAP_SHMEM)
			return rfail(r, ev0, "unknown map kind %u", ev->map);
		if (ev->map == ZSIM_MAP_FILE) {
			U32(ev->file, "file");
			VARINT(ev->file_page, "file page");
			if (ev->file_page > ZSIM_TRACE_MAX_FILE_PAGES || ev->npages > ZSIM_TRACE_MAX_FILE_PAGES - ev->file_page)
				return rfail(r, ev0, "file mapping past the largest file (2^51 pages)");
			fsl = ids_find(&r->c.files, ev->file);
			if (!fsl || !fsl->alive)
				return rfail(r, ev0, "file %u %s", ev->file,
					     fsl ? "was unlinked" : "was never created");
		}
		break;
	case ZSIM_EV_FILE_CREATE: {
		U32(ev->file, "file");
		if (!ev->file)
			return rfail(r, ev0, "file 0");
		U32(ev->fs, "filesystem");
		if (ev->fs >= r->c.nr_fs)
			return rfail(r, ev0, "filesystem index %u out of range (%u in the header)",
				     ev->fs, r->c.nr_fs);
		int e = read_name(r, ev0, &p);
		if (e < 0)
			return e;
		fsl = ids_get(&r->c.files, ev->file);
		if (fsl->alive)
			return rfail(r, ev0, "file %u created while it exists", ev->file);
		fsl->alive = 1;
		fsl->last = 0;
		ev->name = r->name;
		r->c.file = ev->file;
		break;
	}
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE: {
		int e = read_file(r, ev0, &p, tag, &fsl, &ev->file);
		if (e < 0)
			return e;
		uint64_t d = 0;
		if (!(tag & TAG_FLAG2)) {
			VARINT(d, "file page");
			if (d == UINT64_MAX)
				return rfail(r, ev0, "bad varint (file page)");
			d++;
		}
		ev->page = fsl->last = fsl->last + 1 + (uint64_t)unzigzag(d);
		if (ev->page >= ZSIM_TRACE_MAX_FILE_PAGES)
			return rfail(r, ev0, "file page %llu beyond the largest file (2^51 pages, 2^63 bytes)",
				     (unsigned long long)ev->page);
		if (kind == ZSIM_EV_FILE_WRITE) {
			e = read_content(r, ev0, &p, &ev->content);
			if (e < 0)
				return e;
		}
		break;
	}
	case ZSIM_EV_FILE_TRUNCATE:
	case ZSIM_EV_FILE_UNLINK: {
		int e = read_file(r, ev0, &p, tag, &fsl, &ev->file);
		if (e < 0)
			return e;
		if (kind == ZSIM_EV_FILE_TRUNCATE) {
			VARINT(ev->npages, "npages");
			if (ev->npages > ZSIM_TRACE_MAX_FILE_PAGES)
				return rfail(r, ev0, "ftruncate to %llu pages, beyond the largest file (2^51 pages)",
					     (unsigned long long)ev->npages);
		} else
			fsl->alive = 0;
		break;
	}
	case ZSIM_EV_CPU:
	case ZSIM_EV_SLEEP:
		VARINT(ev->ns, "ns");
		if (ev->ns > ZSIM_TRACE_MAX_NS)
			return rfail(r, ev0, "%s of %llu ns, more than 2^50 ns (13 days)", kind_names[kind],
				     (unsigned long long)ev->ns);
		break;
	}
	r->p = p;
	return 1;
}

static int read_end(struct zsim_trace_reader *r, const uint8_t *ev0)
{
	const uint8_t *p = ev0 + 1;
	uint64_t n;
	VARINT(n, "event count");
	if (n != r->events)
		return rfail(r, ev0, "end marker counts %llu events, the stream has %llu",
			     (unsigned long long)n, (unsigned long long)r->events);
	r->p = p;
	if (refill(r, 1) < 0)
		return r->err;
	if (r->p != r->end)
		return rfail(r, r->p, "bytes after the end marker");
	r->done = true;
	return 0;
}

/*
 * An access's page and content, its tag (at ev0) and pid read (ps: the pid's
 * slot, alive): *pp walks on from after the pid.  The one decoder of an
 * access, for zsim_trace_next() and zsim_trace_next_accesses() alike.
 */
static inline __attribute__((always_inline)) int read_access(struct zsim_trace_reader *r, const uint8_t *ev0,
							   const uint8_t **pp, unsigned tag, struct ids_slot *ps,
							   struct zsim_trace_access *a)
{
	const uint8_t *p = *pp;
	uint64_t zd = tag & TAG_A_DELTA;
	if (zd == TAG_A_DELTA) {
		VARINT(zd, "page");
		if (zd > UINT64_MAX - TAG_A_DELTA)
			return rfail(r, ev0, "bad varint (page)");
		zd += TAG_A_DELTA;
	}
	a->page = ps->last = ps->last + 1 + (uint64_t)unzigzag(zd);
	if (__builtin_expect(a->page >= ZSIM_TRACE_MAX_PAGES, 0))
		return rfail(r, ev0, "page %llu beyond a 64-bit address space (2^52 pages)",
			     (unsigned long long)a->page);
	a->kind = ZSIM_EV_ACCESS;
	a->write = a->cls = a->param = 0;
	a->seed = 0;
	if (tag & TAG_A_WRITE) {
		struct zsim_content_ref ct;
		const uint8_t *q = p;   /* (p itself stays in a register in the callers' loops) */
		int e = read_content(r, ev0, &q, &ct);
		if (e < 0)
			return e;
		p = q;
		a->write = 1;
		a->cls = ct.cls;
		a->param = ct.param;
		a->seed = ct.seed;
	}
	*pp = p;
	return 0;
}

/* The window holds MAX_EV bytes from p, or all that is left; p: where the
 * window's bytes are now (0), or an error (recorded). */
static inline int window(struct zsim_trace_reader *r, const uint8_t **p)
{
	if ((size_t)(r->end - *p) < MAX_EV && !r->eof) {
		r->p = *p;
		int e = refill(r, MAX_EV);
		*p = r->p;
		if (e < 0)
			return e;
	}
	return 0;
}

int zsim_trace_next(struct zsim_trace_reader *r, struct zsim_event *ev)
{
	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	const uint8_t *p = r->p;
	if (window(r, &p) < 0)
		return r->err;
	if (p >= r->end)
		return rfail(r, p, "stream ends without the end marker (truncated)");
	*ev = (struct zsim_event){ 0 };
	const uint8_t *ev0 = p;
	unsigned tag = *p++;
	if (tag & TAG_ACCESS) {
		/* The hot path: a page access. */
		struct ids_slot *ps;
		if (tag & TAG_A_SAMEPID) {
			ps = r->c.cur;
			if (!ps)
				return rfail(r, ev0, "'same pid' with no event before");
			ev->pid = r->c.pid;
		} else {
			U32(ev->pid, "pid");
			ps = ids_find(&r->c.pids, ev->pid);
			if (!ps)
				return rfail(r, ev0, "pid %u was never created", ev->pid);
			r->c.pid = ev->pid;
			r->c.cur = ps;
		}
		if (!ps->alive)
			return rfail(r, ev0, "pid %u has exited", ev->pid);
		struct zsim_trace_access a = { 0 };   /* (set unless e < 0; rfail hides that from gcc) */
		int e = read_access(r, ev0, &p, tag, ps, &a);
		if (e < 0)
			return e;
		ev->kind = ZSIM_EV_ACCESS;
		ev->page = a.page;
		ev->write = a.write;
		ev->content = (struct zsim_content_ref){ .cls = a.cls, .param = a.param, .seed = a.seed };
		r->p = p;
		r->events++;
		return 1;
	}
	if (tag == TAG_END) {
		int e = read_end(r, ev0);
		return e < 0 ? e : 0;
	}
	int e = read_other(r, ev0, ev);
	if (e < 0)
		return e;
	r->events++;
	return 1;
}

int zsim_trace_next_accesses(struct zsim_trace_reader *r, uint32_t pid, void *out, size_t stride, unsigned max)
{
	if (r->err)
		return r->err;
	struct ids_slot *ps = r->c.cur;
	if (r->done || r->c.pid != pid || !ps || !ps->alive)
		return 0;   /* not a run of pid's accesses: zsim_trace_next() reads (or refuses) what comes */
	const uint8_t *p = r->p, *lim = p;   /* below lim, the window holds the next event */
	char *o = out;
	unsigned n = 0;
	while (n < max) {
		if (p >= lim) {
			if (window(r, &p) < 0 || p >= r->end)
				break;
			lim = r->eof ? r->end : r->end - MAX_EV + 1;
		}
		if ((*p & (TAG_ACCESS | TAG_A_SAMEPID)) != (TAG_ACCESS | TAG_A_SAMEPID))
			break;
		const uint8_t *ev0 = p;
		unsigned tag = *p++;
		if (read_access(r, ev0, &p, tag, ps, (struct zsim_trace_access *)(void *)o) < 0) {
			p = ev0;
			break;
		}
		r->events++;
		o += stride;
		n++;
	}
	r->p = p;
	return n || !r->err ? (int)n : r->err;
}

/* ======================================================================= */
/* Writer                                                                  */
/* ======================================================================= */

struct zsim_trace_writer {
	uint8_t *buf, *p;
	uint64_t flushed;             /* stream bytes before buf */
	uint64_t events;
	struct coder c;
	int fd;
	bool to_stdout;
	bool discard;                 /* zsim_trace_create(NULL): count, write nothing */
	ZSTD_CCtx *z;
	uint8_t *zout;
	size_t zout_cap;
	int err;
	char *path, *tmp;
	struct {                      /* content -> table index (open addressing, index + 1) */
		uint32_t *slot;
		size_t mask;
	} ctab;
	char msg[512];
};

static size_t content_hash(const struct zsim_content_ref *ct)
{
	uint64_t x = ct->seed * 0x9E3779B97F4A7C15ull ^ ((uint64_t)ct->cls << 8 | ct->param);
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	return (size_t)(x ^ (x >> 32));
}

static bool content_eq(const struct zsim_content_ref *a, const struct zsim_content_ref *b)
{
	return a->cls == b->cls && a->param == b->param && a->seed == b->seed;
}

/* Index of ct in the content table, or -1. */
static long ctab_find(const struct zsim_trace_writer *w, const struct zsim_content_ref *ct)
{
	if (!w->ctab.slot)
		return -1;
	for (size_t i = content_hash(ct) & w->ctab.mask;; i = (i + 1) & w->ctab.mask) {
		uint32_t s = w->ctab.slot[i];
		if (!s)
			return -1;
		if (content_eq(&w->c.content[s - 1], ct))
			return (long)s - 1;
	}
}

static int wsys(struct zsim_trace_writer *w, const char *what)
{
	snprintf(w->msg, sizeof(w->msg), "%s: %s: %s", w->path, what, strerror(errno));
	w->err = ZSIM_ESYS;
	return ZSIM_ESYS;
}

static int write_all(struct zsim_trace_writer *w, const uint8_t *b, size_t n)
{
	if (w->discard)
		return 0;
	while (n) {
		ssize_t k = write(w->fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return wsys(w, "write");
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static int wflush(struct zsim_trace_writer *w, bool end)
{
	size_t n = (size_t)(w->p - w->buf);
	w->flushed += n;
	w->p = w->buf;
	if (!w->z)
		return n ? write_all(w, w->buf, n) : 0;
	ZSTD_inBuffer in = { w->buf, n, 0 };
	for (;;) {
		ZSTD_outBuffer out = { w->zout, w->zout_cap, 0 };
		size_t ret = ZSTD_compressStream2(w->z, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(ret)) {
			snprintf(w->msg, sizeof(w->msg), "%s: zstd: %s", w->path, ZSTD_getErrorName(ret));
			return w->err = ZSIM_ESYS;
		}
		if (out.pos && write_all(w, w->zout, out.pos) < 0)
			return w->err;
		if (end ? ret == 0 : in.pos == in.size)
			return 0;
	}
}

static void put_string(struct zsim_trace_writer *w, const char *s)
{
	size_t n = strlen(s);
	w->p = put_varint(w->p, n);
	memcpy(w->p, s, n);
	w->p += n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int zsim_trace_create(const char *path, const struct zsim_trace_header *h,
		      struct zsim_trace_writer **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *bad = check_header(h);
	if (!bad && h->version && h->version != ZSIM_TRACE_VERSION)
		bad = "unknown version";
	if (!bad && h->page_size && h->page_size != ZSIM_PAGE_SIZE)
		bad = "page size is not 4096";
	struct zsim_trace_writer *w = zsim_xcalloc(1, sizeof(*w));
	w->c.nr_fs = h->nr_fs;
	w->c.has_corpus = h->corpus[0] != '\0';
	for (uint32_t i = 0; !bad && i < h->nr_content; i++) {
		char m[160];
		if (check_content(&w->c, &h->content[i], m, sizeof(m))) {
			snprintf(err, errlen, "%s: content table entry %u: %s", path ? path : "(counting)", i, m);
			free(w);
			return ZSIM_EINVAL;
		}
	}
	if (bad) {
		snprintf(err, errlen, "%s: %s", path ? path : "(counting)", bad);
		free(w);
		return ZSIM_EINVAL;
	}
	w->path = zsim_xstrdup(path ? path : "(counting)");
	w->fd = -1;
	if (!path) {
		w->discard = w->to_stdout = true;
	} else if (strcmp(path, "-") == 0) {
		w->fd = 1;
		w->to_stdout = true;
	} else {
		/* only ever replaces a regular file; written as PATH.tmp.PID, which
		 * every handled ending removes (core/zsim.c) */
		if (zsim_out_check(path, err, errlen) < 0) {
			zsim_trace_writer_abort(w);
			return ZSIM_EINVAL;
		}
		w->tmp = zsim_tmp_name(path);
		zsim_tmp_add(w->tmp, false);
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (w->fd < 0) {
			snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
			zsim_tmp_del(w->tmp);
			free(w->tmp);
			w->tmp = NULL;
			zsim_trace_writer_abort(w);
			return ZSIM_ESYS;
		}
		if (ends_with(path, ".zst")) {
			w->z = ZSTD_createCCtx();
			ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, WRITER_ZSTD_LEVEL);
			w->zout_cap = ZSTD_CStreamOutSize();
			w->zout = zsim_xmalloc(w->zout_cap);
		}
	}
	w->buf = w->p = zsim_xmalloc(BUF_SIZE);
	w->c.nr_content = h->nr_content;
	if (h->nr_content) {
		w->c.content = zsim_xmalloc(h->nr_content * sizeof(*w->c.content));
		memcpy(w->c.content, h->content, h->nr_content * sizeof(*w->c.content));
		size_t cap = 16;
		while (cap < (size_t)h->nr_content * 2)
			cap *= 2;
		w->ctab.slot = zsim_xcalloc(cap, sizeof(*w->ctab.slot));
		w->ctab.mask = cap - 1;
		for (uint32_t i = 0; i < h->nr_content; i++) {
			if (ctab_find(w, &h->content[i]) >= 0)
				continue;       /* a duplicate: the first index wins */
			size_t j = content_hash(&h->content[i]) & w->ctab.mask;
			while (w->ctab.slot[j])
				j = (j + 1) & w->ctab.mask;
			w->ctab.slot[j] = i + 1;
		}
	}
	memcpy(w->p, TRC_MAGIC, TRC_MAGIC_LEN);
	w->p += TRC_MAGIC_LEN;
	w->p = put_varint(w->p, ZSIM_TRACE_VERSION);
	w->p = put_varint(w->p, ZSIM_PAGE_SIZE);
	w->p = put_varint(w->p, h->flags);
	w->p = put_varint(w->p, h->seed);
	put_string(w, h->generator);
	put_string(w, h->corpus);
	w->p = put_varint(w->p, h->nr_fs);
	for (uint32_t i = 0; i < h->nr_fs; i++)
		put_string(w, h->fs[i]);
	w->p = put_varint(w->p, h->nr_content);
	for (uint32_t i = 0; i < h->nr_content; i++) {
		if ((size_t)(w->p - w->buf) > BUF_SIZE - 32 && wflush(w, false) < 0) {
			snprintf(err, errlen, "%s", w->msg);
			zsim_trace_writer_abort(w);
			return ZSIM_ESYS;
		}
		*w->p++ = h->content[i].cls;
		*w->p++ = h->content[i].param;
		w->p = put_varint(w->p, h->content[i].seed);
	}
	*out = w;
	return 0;
}

__attribute__((format(printf, 2, 3)))
static int wbad(struct zsim_trace_writer *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	zsim_one_line(w->msg);
	return ZSIM_EFORMAT;      /* not sticky: the caller may skip the event */
}

static uint8_t *put_content(struct zsim_trace_writer *w, uint8_t *p, const struct zsim_content_ref *ct)
{
	uint64_t prev = w->c.seed[ct->cls];
	w->c.seed[ct->cls] = ct->seed;
	unsigned par = ct->param ? CB_PARAM : 0;
	if (ct->seed == prev + 1 || ct->seed == prev) {
		*p++ = (uint8_t)(ct->cls | par | (ct->seed == prev ? SEED_SAME : SEED_NEXT) << CB_MODE_SHIFT);
		if (par)
			*p++ = ct->param;
		return p;
	}
	long ti = ctab_find(w, ct);
	if (ti >= 0) {
		*p++ = SEED_TABLE << CB_MODE_SHIFT;
		return put_varint(p, (uint64_t)ti);
	}
	*p++ = (uint8_t)(ct->cls | par | SEED_DELTA << CB_MODE_SHIFT);
	if (par)
		*p++ = ct->param;
	return put_varint(p, zigzag((int64_t)(ct->seed - prev)));
}

/* The pid part of a tag, and the pid varint when it changes. */
static uint8_t *put_pid(struct zsim_trace_writer *w, uint8_t *p, uint32_t pid, unsigned same_bit)
{
	if (pid == w->c.pid && pid) {
		*p |= (uint8_t)same_bit;
		return p + 1;
	}
	w->c.pid = pid;
	return put_varint(p + 1, pid);
}

static const char *name_problem(const char *name)
{
	if (!name || !name[0])
		return "has no name";
	if (strlen(name) > ZSIM_TRACE_NAME_MAX)
		return "has a name longer than 255 bytes";
	return NULL;
}

int zsim_trace_write(struct zsim_trace_writer *w, const struct zsim_event *ev)
{
	if (w->err)
		return w->err;
	if ((size_t)(w->p - w->buf) > BUF_SIZE - MAX_EV && wflush(w, false) < 0)
		return w->err;
	unsigned kind = ev->kind;
	if (kind == 0 || kind >= ZSIM_EV_KIND_MAX)
		return wbad(w, "unknown event kind %u", kind);
	if (!ev->pid)
		return wbad(w, "pid 0");
	struct ids_slot *ps;
	char m[160];
	const char *bad;
	if (kind == ZSIM_EV_PROC_CREATE) {
		if ((bad = name_problem(ev->name)))
			return wbad(w, "process %u %s", ev->pid, bad);
		ps = ids_get(&w->c.pids, ev->pid);
		if (ps->alive)
			return wbad(w, "pid %u created while alive", ev->pid);
	} else {
		ps = ids_find(&w->c.pids, ev->pid);
		if (!ps || !ps->alive)
			return wbad(w, "pid %u %s", ev->pid, ps ? "has exited" : "was never created");
	}
	uint8_t *p = w->p;
	struct ids_slot *fsl = NULL;
	if (kind == ZSIM_EV_ACCESS) {
		if (ev->write && (bad = check_content(&w->c, &ev->content, m, sizeof(m))))
			return wbad(w, "%s", bad);
		if (ev->page >= ZSIM_TRACE_MAX_PAGES)
			return wbad(w, "page %llu beyond a 64-bit address space (2^52 pages)",
				    (unsigned long long)ev->page);
		uint64_t zd = zigzag((int64_t)(ev->page - ps->last - 1));
		ps->last = ev->page;
		*p = (uint8_t)(TAG_ACCESS | (ev->write ? TAG_A_WRITE : 0) |
			       (zd < TAG_A_DELTA ? zd : TAG_A_DELTA));
		p = put_pid(w, p, ev->pid, TAG_A_SAMEPID);
		if (zd >= TAG_A_DELTA)
			p = put_varint(p, zd - TAG_A_DELTA);
		if (ev->write)
			p = put_content(w, p, &ev->content);
		w->p = p;
		w->events++;
		return 0;
	}
	/* Validate before writing anything. */
	switch (kind) {
	case ZSIM_EV_WAKE:
		if (!ev->target)
			return wbad(w, "wake of pid 0");
		break;
	case ZSIM_EV_CPU:
	case ZSIM_EV_SLEEP:
		if (ev->ns > ZSIM_TRACE_MAX_NS)
			return wbad(w, "%s of %llu ns, more than 2^50 ns (13 days)", kind_names[kind],
				    (unsigned long long)ev->ns);
		break;
	case ZSIM_EV_MAP:
	case ZSIM_EV_UNMAP:
		if (!ev->npages)
			return wbad(w, "%s of 0 pages", kind_names[kind]);
		if (ev->page >= ZSIM_TRACE_MAX_PAGES || ev->npages > ZSIM_TRACE_MAX_PAGES - ev->page)
			return wbad(w, "%s past the end of a 64-bit address space (2^52 pages)", kind_names[kind]);
		if (kind == ZSIM_EV_MAP && ev->map > ZSIM_MAP_SHMEM)
			return wbad(w, "unknown map kind %u", ev->map);
		if (kind == ZSIM_EV_MAP && ev->map == ZSIM_MAP_FILE) {
			fsl = ids_find(&w->c.files, ev->file);
			if (!fsl || !fsl->alive)
				return wbad(w, "file %u %s", ev->file, fsl ? "was unlinked" : "was never created");
			if (ev->file_page > ZSIM_TRACE_MAX_FILE_PAGES ||
			    ev->npages > ZSIM_TRACE_MAX_FILE_PAGES - ev->file_page)
				return wbad(w, "file mapping past the largest file (2^51 pages)");
		}
		break;
	case ZSIM_EV_FILE_CREATE:
		if (!ev->file)
			return wbad(w, "file 0");
		if (ev->fs >= w->c.nr_fs)
			return wbad(w, "filesystem index %u out of range (%u in the header)", ev->fs, w->c.nr_fs);
		if ((bad = name_problem(ev->name)))
			return wbad(w, "file %u %s", ev->file, bad);
		fsl = ids_find(&w->c.files, ev->file);
		if (fsl && fsl->alive)
			return wbad(w, "file %u created while it exists", ev->file);
		break;
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE:
	case ZSIM_EV_FILE_TRUNCATE:
	case ZSIM_EV_FILE_UNLINK:
		fsl = ids_find(&w->c.files, ev->file);
		if (!fsl || !fsl->alive)
			return wbad(w, "file %u %s", ev->file, fsl ? "was unlinked" : "was never created");
		if (kind == ZSIM_EV_FILE_WRITE && (bad = check_content(&w->c, &ev->content, m, sizeof(m))))
			return wbad(w, "%s", bad);
		if ((kind == ZSIM_EV_FILE_READ || kind == ZSIM_EV_FILE_WRITE) && ev->page >= ZSIM_TRACE_MAX_FILE_PAGES)
			return wbad(w, "file page %llu beyond the largest file (2^51 pages, 2^63 bytes)",
				    (unsigned long long)ev->page);
		if (kind == ZSIM_EV_FILE_TRUNCATE && ev->npages > ZSIM_TRACE_MAX_FILE_PAGES)
			return wbad(w, "ftruncate to %llu pages, beyond the largest file (2^51 pages)",
				    (unsigned long long)ev->npages);
		break;
	}
	/* Encode and apply. */
	*p = (uint8_t)kind;
	p = put_pid(w, p, ev->pid, TAG_SAMEPID);
	switch (kind) {
	case ZSIM_EV_PROC_CREATE: {
		ps->alive = 1;
		ps->last = 0;
		size_t n = strlen(ev->name);
		p = put_varint(p, ev->target);
		p = put_varint(p, n);
		memcpy(p, ev->name, n);
		p += n;
		break;
	}
	case ZSIM_EV_PROC_EXIT:
		ps->alive = 0;
		break;
	case ZSIM_EV_WAIT:
	case ZSIM_EV_WAKE:
		p = put_varint(p, ev->target);
		break;
	case ZSIM_EV_MAP:
	case ZSIM_EV_UNMAP:
		if (kind == ZSIM_EV_MAP)
			*w->p |= (uint8_t)(ev->map << 5);
		p = put_varint(p, zigzag((int64_t)(ev->page - ps->last)));
		p = put_varint(p, ev->npages);
		if (kind == ZSIM_EV_MAP && ev->map == ZSIM_MAP_FILE) {
			p = put_varint(p, ev->file);
			p = put_varint(p, ev->file_page);
		}
		break;
	case ZSIM_EV_FILE_CREATE: {
		fsl = ids_get(&w->c.files, ev->file);
		fsl->alive = 1;
		fsl->last = 0;
		w->c.file = ev->file;
		size_t n = strlen(ev->name);
		p = put_varint(p, ev->file);
		p = put_varint(p, ev->fs);
		p = put_varint(p, n);
		memcpy(p, ev->name, n);
		p += n;
		break;
	}
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE:
	case ZSIM_EV_FILE_TRUNCATE:
	case ZSIM_EV_FILE_UNLINK:
		if (ev->file == w->c.file)
			*w->p |= TAG_FLAG1;
		else
			p = put_varint(p, ev->file);
		w->c.file = ev->file;
		if (kind == ZSIM_EV_FILE_TRUNCATE) {
			p = put_varint(p, ev->npages);
		} else if (kind == ZSIM_EV_FILE_UNLINK) {
			fsl->alive = 0;
		} else {
			uint64_t zd = zigzag((int64_t)(ev->page - fsl->last - 1));
			fsl->last = ev->page;
			if (zd == 0)
				*w->p |= TAG_FLAG2;
			else
				p = put_varint(p, zd - 1);
			if (kind == ZSIM_EV_FILE_WRITE)
				p = put_content(w, p, &ev->content);
		}
		break;
	case ZSIM_EV_CPU:
	case ZSIM_EV_SLEEP:
		p = put_varint(p, ev->ns);
		break;
	}
	w->p = p;
	w->events++;
	return 0;
}

const char *zsim_trace_writer_error(const struct zsim_trace_writer *w)
{
	return w->msg;
}

uint64_t zsim_trace_writer_offset(const struct zsim_trace_writer *w)
{
	return w->flushed + (uint64_t)(w->p - w->buf);
}

static void writer_free(struct zsim_trace_writer *w)
{
	ZSTD_freeCCtx(w->z);
	free(w->zout);
	free(w->buf);
	free(w->ctab.slot);
	coder_free(&w->c);
	free(w->path);
	if (w->tmp)
		zsim_tmp_del(w->tmp);
	free(w->tmp);
	free(w);
}

int zsim_trace_writer_finish(struct zsim_trace_writer *w, char *err, size_t errlen)
{
	int e = w->err;
	if (!e) {
		*w->p++ = TAG_END;
		w->p = put_varint(w->p, w->events);
		e = wflush(w, true);
	}
	if (!e && !w->to_stdout) {
		int fd = w->fd;
		w->fd = -1;
		if (close(fd) < 0)
			e = wsys(w, "close");
		else if (rename(w->tmp, w->path) < 0)
			e = wsys(w, "rename");
	}
	if (e) {
		snprintf(err, errlen, "%s", w->msg);
		zsim_trace_writer_abort(w);
		return e;
	}
	writer_free(w);
	return 0;
}

void zsim_trace_writer_abort(struct zsim_trace_writer *w)
{
	if (!w)
		return;
	if (!w->to_stdout && w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	writer_free(w);
}
