/*
 * trace_text.c - the text form of a trace (FORMAT.md "Text form"): one event
 * per line, for people, diffs and hand-written test traces.
 *
 * It is the exact inverse of the binary form as far as `zsim trace dump` and
 * `zsim trace pack` go: the formatter writes one canonical spelling of every
 * event and header, and the binary writer's encoding depends only on the
 * events, so dump | pack reproduces the bytes.  The parser accepts a little
 * more than the formatter writes (decimal or 0x numbers everywhere, runs of
 * blanks, comments and blank lines, no header line) and checks only syntax:
 * whether pid 7 exists is the binary writer's question, so pack asks it and
 * puts the line number in front of its answer.
 */
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_TAG  "#zsim-trace"
#define CONTENT_TAG "#content"
#define END_TAG     "#end"
#define MAX_TOKENS  8

/* ---- escaping ---------------------------------------------------------- */

/* Bytes that a token cannot hold as they are: blanks, controls, non-ASCII,
 * '%' itself and ',' (the fs list separator). */
static bool needs_escape(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '%' || c == ',';
}

static char *escape(char *dst, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		if (needs_escape(*s)) {
			*dst++ = '%';
			*dst++ = hex[*s >> 4];
			*dst++ = hex[*s & 15];
		} else {
			*dst++ = (char)*s;
		}
	}
	*dst = '\0';
	return dst;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes escape() in place; -1 on a bad %XX or an escaped NUL. */
static int unescape(char *s)
{
	char *d = s;
	for (; *s; s++) {
		if (*s != '%') {
			*d++ = *s;
			continue;
		}
		int a = hexval(s[1]), b = a < 0 ? -1 : hexval(s[2]);
		if (b < 0 || (a == 0 && b == 0))
			return -1;
		*d++ = (char)(a << 4 | b);
		s += 2;
	}
	*d = '\0';
	return 0;
}

/* ---- numbers and content ----------------------------------------------- */

/* Decimal or 0x-hex, nothing else; 0 or -1. */
static int parse_num(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!*s)
			return -1;
		for (; *s; s++) {
			int h = hexval(*s);
			if (h < 0 || v >> 60)
				return -1;
			v = v << 4 | (uint64_t)h;
		}
	} else {
		if (!*s)
			return -1;
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return -1;
			unsigned d = (unsigned)(*s - '0');
			if (v > (UINT64_MAX - d) / 10)
				return -1;
			v = v * 10 + d;
		}
	}
	*out = v;
	return 0;
}

static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_hex(char *p, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	*p++ = '0';
	*p++ = 'x';
	while (n)
		*p++ = tmp[--n];
	return p;
}

size_t zsim_content_ref_format(const struct zsim_content_ref *c, char *buf)
{
	char *p = buf;
	const char *n = zsim_content_name((enum zsim_content_class)c->cls);
	size_t len = strlen(n);
	memcpy(p, n, len);
	p += len;
	if (c->param) {
		*p++ = '/';
		p = put_u64(p, c->param);
	}
	*p++ = ':';
	p = put_u64(p, c->seed);
	*p = '\0';
	return (size_t)(p - buf);
}

int zsim_content_ref_parse(const char *s, struct zsim_content_ref *out)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof(buf))
		return ZSIM_EFORMAT;
	memcpy(buf, s, n + 1);
	char *colon = strchr(buf, ':');
	if (!colon)
		return ZSIM_EFORMAT;
	*colon = '\0';
	char *slash = strchr(buf, '/');
	uint64_t param = 0, seed;
	if (slash) {
		*slash = '\0';
		if (parse_num(slash + 1, &param) < 0 || param > 255)
			return ZSIM_EFORMAT;
	}
	enum zsim_content_class cls;
	if (zsim_content_parse(buf, &cls) < 0)
		return ZSIM_ENOENT;
	if (parse_num(colon + 1, &seed) < 0)
		return ZSIM_EFORMAT;
	*out = (struct zsim_content_ref){ .cls = (uint8_t)cls, .param = (uint8_t)param, .seed = seed };
	return 0;
}

/* ---- formatting -------------------------------------------------------- */

char *zsim_trace_text_format_header(const struct zsim_trace_header *h)
{
	/* every byte of a name may triple when escaped */
	size_t cap = 256 + 3 * (sizeof(h->generator) + sizeof(h->corpus) + sizeof(h->fs)) +
		     (size_t)h->nr_content * 64;
	char *buf = zsim_xmalloc(cap), *p = buf;
	p += sprintf(p, "%s version=%u end=1 page_size=%u generator=", HEADER_TAG, ZSIM_TRACE_VERSION,
		     ZSIM_PAGE_SIZE);
	p = escape(p, h->generator);
	p += sprintf(p, " seed=%llu flags=%llu corpus=", (unsigned long long)h->seed,
		     (unsigned long long)h->flags);
	p = escape(p, h->corpus);
	p += sprintf(p, " fs=");
	for (uint32_t i = 0; i < h->nr_fs && i < ZSIM_TRACE_MAX_FS; i++) {
		if (i)
			*p++ = ',';
		p = escape(p, h->fs[i]);
	}
	*p++ = '\n';
	for (uint32_t i = 0; i < h->nr_content; i++) {
		p += sprintf(p, "%s ", CONTENT_TAG);
		p += zsim_content_ref_format(&h->content[i], p);
		*p++ = '\n';
	}
	*p = '\0';
	return buf;
}

size_t zsim_trace_text_format_end(uint64_t events, char *buf)
{
	return (size_t)sprintf(buf, "%s %llu\n", END_TAG, (unsigned long long)events);
}

static char *put_word(char *p, const char *w)
{
	size_t n = strlen(w);
	memcpy(p, w, n);
	p += n;
	*p++ = ' ';
	return p;
}

size_t zsim_trace_text_format(const struct zsim_event *ev, char *buf)
{
	static const char *const map_names[] = { "anon", "file", "shmem" };
	char *p = put_word(buf, zsim_ev_kind_name(ev->kind));
	p = put_u64(p, ev->pid);
	*p++ = ' ';
	switch (ev->kind) {
	case ZSIM_EV_PROC_CREATE:
		p = put_u64(p, ev->target);
		*p++ = ' ';
		p = escape(p, ev->name ? ev->name : "");
		break;
	case ZSIM_EV_WAIT:
	case ZSIM_EV_WAKE:
		p = put_u64(p, ev->target);
		break;
	case ZSIM_EV_MAP:
	case ZSIM_EV_UNMAP:
		p = put_hex(p, ev->page);
		*p++ = ' ';
		p = put_u64(p, ev->npages);
		if (ev->kind == ZSIM_EV_MAP) {
			*p++ = ' ';
			p = put_word(p, ev->map <= ZSIM_MAP_SHMEM ? map_names[ev->map] : "?") - 1;
			if (ev->map == ZSIM_MAP_FILE) {
				*p++ = ' ';
				p = put_u64(p, ev->file);
				*p++ = ' ';
				p = put_u64(p, ev->file_page);
			}
		}
		break;
	case ZSIM_EV_ACCESS:
		p = put_hex(p, ev->page);
		*p++ = ' ';
		*p++ = ev->write ? 'w' : 'r';
		if (ev->write) {
			*p++ = ' ';
			p += zsim_content_ref_format(&ev->content, p);
		}
		break;
	case ZSIM_EV_FILE_CREATE:
		p = put_u64(p, ev->file);
		*p++ = ' ';
		p = put_u64(p, ev->fs);
		*p++ = ' ';
		p = escape(p, ev->name ? ev->name : "");
		break;
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE:
		p = put_u64(p, ev->file);
		*p++ = ' ';
		p = put_u64(p, ev->page);
		if (ev->kind == ZSIM_EV_FILE_WRITE) {
			*p++ = ' ';
			p += zsim_content_ref_format(&ev->content, p);
		}
		break;
	case ZSIM_EV_FILE_TRUNCATE:
		p = put_u64(p, ev->file);
		*p++ = ' ';
		p = put_u64(p, ev->npages);
		break;
	case ZSIM_EV_FILE_UNLINK:
		p = put_u64(p, ev->file);
		break;
	case ZSIM_EV_CPU:
	case ZSIM_EV_SLEEP:
		p = put_u64(p, ev->ns);
		break;
	default:   /* PROC_EXIT: nothing after the pid */
		break;
	}
	if (p[-1] == ' ')
		p--;
	*p++ = '\n';
	*p = '\0';
	return (size_t)(p - buf);
}

/* ---- parsing ----------------------------------------------------------- */

struct zsim_trace_text {
	FILE *f;
	bool own;
	char *path;
	char *line;
	size_t line_cap;
	bool pending;                /* `line` holds a line read ahead */
	uint64_t lineno;
	uint64_t ev_line;
	bool started;                /* an event line was seen */
	bool end_required;           /* the header says end=1: the text must end with #end */
	bool ended;                  /* the #end line was read */
	uint64_t events;             /* events returned so far */
	struct zsim_trace_header h;
	struct zsim_content_ref *content;
	uint32_t content_cap;
	int err;
	char name[ZSIM_TRACE_NAME_MAX + 1];
	char msg[512];
};

__attribute__((format(printf, 2, 3)))
static int tfail(struct zsim_trace_text *t, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(t->msg, sizeof(t->msg), "%s:%llu: %s", t->path, (unsigned long long)t->lineno, what);
	zsim_one_line(t->msg);   /* names from the input may hold control bytes */
	t->err = ZSIM_EFORMAT;
	return ZSIM_EFORMAT;
}

/* Next line without its newline; 1, 0 at the end, or an error. */
static int next_line(struct zsim_trace_text *t)
{
	if (t->pending) {
		t->pending = false;
		return 1;
	}
	errno = 0;
	ssize_t n = getline(&t->line, &t->line_cap, t->f);
	if (n < 0) {
		if (ferror(t->f)) {
			snprintf(t->msg, sizeof(t->msg), "%s: %s", t->path, strerror(errno ? errno : EIO));
			return t->err = ZSIM_ESYS;
		}
		return 0;
	}
	t->lineno++;
	if ((size_t)n != strlen(t->line))
		return tfail(t, "NUL byte in the line");
	while (n && (t->line[n - 1] == '\n' || t->line[n - 1] == '\r'))
		t->line[--n] = '\0';
	return 1;
}

static size_t tokenize(char *s, char **tok, size_t max)
{
	size_t n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int parse_header_line(struct zsim_trace_text *t, char *line)
{
	char *tok[ZSIM_TRACE_MAX_FS + 16];
	size_t n = tokenize(line, tok, ZSIM_ARRAY_SIZE(tok));
	if (n > ZSIM_ARRAY_SIZE(tok))
		return tfail(t, "header line has too many fields");
	struct zsim_trace_header *h = &t->h;
	for (size_t i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (!eq)
			return tfail(t, "header field '%s' is not KEY=VALUE", tok[i]);
		*eq = '\0';
		const char *key = tok[i];
		char *val = eq + 1;
		uint64_t v;
		if (strcmp(key, "version") == 0) {
			if (parse_num(val, &v) < 0 || v != ZSIM_TRACE_VERSION)
				return tfail(t, "unknown version '%s' (this zsim reads version %d)", val,
					     ZSIM_TRACE_VERSION);
		} else if (strcmp(key, "page_size") == 0) {
			if (parse_num(val, &v) < 0 || v != ZSIM_PAGE_SIZE)
				return tfail(t, "page size '%s' is not %u", val, ZSIM_PAGE_SIZE);
		} else if (strcmp(key, "seed") == 0 || strcmp(key, "flags") == 0) {
			if (parse_num(val, key[0] == 's' ? &h->seed : &h->flags) < 0)
				return tfail(t, "header %s '%s' is not a number", key, val);
		} else if (strcmp(key, "generator") == 0 || strcmp(key, "corpus") == 0) {
			char *dst = key[0] == 'g' ? h->generator : h->corpus;
			size_t cap = key[0] == 'g' ? sizeof(h->generator) : sizeof(h->corpus);
			if (unescape(val) < 0)
				return tfail(t, "header %s: bad %%-escape", key);
			if (strlen(val) >= cap)
				return tfail(t, "header %s longer than %zu bytes", key, cap - 1);
			strcpy(dst, val);
		} else if (strcmp(key, "fs") == 0) {
			h->nr_fs = 0;
			if (!*val)
				continue;
			/* split at every comma: an empty name (fs=a,,b) is an error, not skipped */
			for (char *name = val, *next; name; name = next) {
				next = strchr(name, ',');
				if (next)
					*next++ = '\0';
				if (h->nr_fs == ZSIM_TRACE_MAX_FS)
					return tfail(t, "more than %d filesystems", ZSIM_TRACE_MAX_FS);
				if (unescape(name) < 0 || !name[0] || strlen(name) >= sizeof(h->fs[0]))
					return tfail(t, "bad filesystem name '%s' (1 to %zu bytes)", name,
						     sizeof(h->fs[0]) - 1);
				strcpy(h->fs[h->nr_fs++], name);
			}
		} else if (strcmp(key, "end") == 0) {
			if (strcmp(val, "1") != 0)
				return tfail(t, "header end '%s' is not 1", val);
			t->end_required = true;
		} else {
			return tfail(t, "unknown header field '%s'", key);
		}
	}
	return 0;
}

static int read_header_lines(struct zsim_trace_text *t)
{
	t->h.version = ZSIM_TRACE_VERSION;
	t->h.page_size = ZSIM_PAGE_SIZE;
	bool first = true;
	for (;;) {
		int e = next_line(t);
		if (e <= 0)
			return e;
		char *l = t->line;
		if (first && strncmp(l, HEADER_TAG, strlen(HEADER_TAG)) == 0 &&
		    (l[strlen(HEADER_TAG)] == ' ' || !l[strlen(HEADER_TAG)])) {
			first = false;
			if ((e = parse_header_line(t, l)) < 0)
				return e;
			continue;
		}
		first = false;
		if (strncmp(l, CONTENT_TAG " ", strlen(CONTENT_TAG) + 1) == 0) {
			char *tok[2];
			if (tokenize(l + strlen(CONTENT_TAG), tok, 1) != 1)
				return tfail(t, "#content takes one CLASS[/PARAM]:SEED");
			if (t->h.nr_content == ZSIM_TRACE_MAX_CONTENT)
				return tfail(t, "more than %u #content lines", ZSIM_TRACE_MAX_CONTENT);
			if (t->h.nr_content == t->content_cap) {
				t->content_cap = t->content_cap ? t->content_cap * 2 : 16;
				t->content = zsim_xrealloc(t->content, t->content_cap * sizeof(*t->content));
			}
			if (zsim_content_ref_parse(tok[0], &t->content[t->h.nr_content]) < 0)
				return tfail(t, "bad content '%s' (CLASS[/PARAM]:SEED)", tok[0]);
			t->h.nr_content++;
			continue;
		}
		t->pending = true;
		return 0;
	}
}

static int text_start(struct zsim_trace_text *t, struct zsim_trace_text **out, char *err, size_t errlen)
{
	int e = read_header_lines(t);
	t->h.content = t->content;
	if (e < 0) {
		snprintf(err, errlen, "%s", t->msg);
		zsim_trace_text_close(t);
		return e;
	}
	t->err = 0;
	*out = t;
	return 0;
}

int zsim_trace_text_open(const char *path, struct zsim_trace_text **out, char *err, size_t errlen)
{
	*out = NULL;
	struct zsim_trace_text *t = zsim_xcalloc(1, sizeof(*t));
	if (strcmp(path, "-") == 0) {
		t->f = stdin;
		t->path = zsim_xstrdup("<stdin>");
	} else {
		t->f = fopen(path, "r");
		if (!t->f) {
			int e = errno;
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			free(t);
			return e == ENOENT ? ZSIM_ENOENT : ZSIM_ESYS;
		}
		t->own = true;
		t->path = zsim_xstrdup(path);
	}
	return text_start(t, out, err, errlen);
}

int zsim_trace_text_open_mem(const void *data, size_t len, const char *name,
			     struct zsim_trace_text **out, char *err, size_t errlen)
{
	*out = NULL;
	struct zsim_trace_text *t = zsim_xcalloc(1, sizeof(*t));
	t->f = len ? fmemopen((void *)(uintptr_t)data, len, "r") : fopen("/dev/null", "r");
	if (!t->f) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		free(t);
		return ZSIM_ESYS;
	}
	t->own = true;
	t->path = zsim_xstrdup(name);
	return text_start(t, out, err, errlen);
}

const struct zsim_trace_header *zsim_trace_text_header(const struct zsim_trace_text *t)
{
	return &t->h;
}

const char *zsim_trace_text_error(const struct zsim_trace_text *t)
{
	return t->msg;
}

uint64_t zsim_trace_text_line(const struct zsim_trace_text *t)
{
	return t->ev_line;
}

void zsim_trace_text_close(struct zsim_trace_text *t)
{
	if (!t)
		return;
	if (t->own)
		fclose(t->f);
	free(t->line);
	free(t->content);
	free(t->path);
	free(t);
}

static int num_field(struct zsim_trace_text *t, const char *tok, const char *what, uint64_t max,
		     uint64_t *out)
{
	if (parse_num(tok, out) < 0 || *out > max)
		return tfail(t, "%s '%s' is not a number%s", what, tok,
			     max == UINT32_MAX ? " below 2^32" : max == 255 ? " below 256"
			     : max == ZSIM_TRACE_MAX_NS ? " up to 2^50 (13 days)"
			     : max == ZSIM_TRACE_MAX_FILE_PAGES - 1 ? " below 2^51 (the largest file)"
			     : max == ZSIM_TRACE_MAX_FILE_PAGES ? " up to 2^51 (the largest file)"
			     : max == ZSIM_TRACE_MAX_PAGES - 1 ? " below 2^52 (a 64-bit address space)"
			     : max == ZSIM_TRACE_MAX_PAGES ? " up to 2^52 (a 64-bit address space)" : "");
	return 0;
}

#define NUM(dst, i, what, max) do { uint64_t v_; \
	if (num_field(t, tok[i], what, max, &v_) < 0) { return t->err; } \
	(dst) = v_; } while (0)

int zsim_trace_text_next(struct zsim_trace_text *t, struct zsim_event *ev)
{
	static const size_t nargs[ZSIM_EV_KIND_MAX] = {
		[ZSIM_EV_PROC_CREATE] = 4, [ZSIM_EV_PROC_EXIT] = 2, [ZSIM_EV_WAIT] = 3,
		[ZSIM_EV_MAP] = 5, [ZSIM_EV_UNMAP] = 4, [ZSIM_EV_ACCESS] = 4,
		[ZSIM_EV_FILE_CREATE] = 5, [ZSIM_EV_FILE_READ] = 4, [ZSIM_EV_FILE_WRITE] = 5,
		[ZSIM_EV_FILE_TRUNCATE] = 4, [ZSIM_EV_FILE_UNLINK] = 3, [ZSIM_EV_CPU] = 3,
		[ZSIM_EV_SLEEP] = 3, [ZSIM_EV_WAKE] = 3, [ZSIM_EV_PARK] = 2,
	};
	if (t->err)
		return t->err;
	char *tok[MAX_TOKENS];
	size_t n;
	for (;;) {
		int e = next_line(t);
		if (e < 0)
			return e;
		if (e == 0) {
			if (t->end_required && !t->ended)
				return tfail(t, "the text ends without its '%s %llu' line (cut short?)", END_TAG,
					     (unsigned long long)t->events);
			return 0;
		}
		if (t->ended) {
			if (tokenize(t->line, tok, MAX_TOKENS))
				return tfail(t, "text after the %s line", END_TAG);
			continue;
		}
		if (strncmp(t->line, END_TAG, strlen(END_TAG)) == 0 &&
		    (t->line[strlen(END_TAG)] == ' ' || t->line[strlen(END_TAG)] == '\t' ||
		     !t->line[strlen(END_TAG)])) {
			uint64_t v;
			n = tokenize(t->line, tok, MAX_TOKENS);
			if (n != 2 || parse_num(tok[1], &v) < 0)
				return tfail(t, "%s takes the number of events", END_TAG);
			if (v != t->events)
				return tfail(t, "%s says %llu events, the text has %llu", END_TAG,
					     (unsigned long long)v, (unsigned long long)t->events);
			t->ended = true;
			continue;
		}
		if (t->line[0] == '#') {
			if (strncmp(t->line, HEADER_TAG, strlen(HEADER_TAG)) == 0 ||
			    strncmp(t->line, CONTENT_TAG, strlen(CONTENT_TAG)) == 0)
				return tfail(t, "%s after the first event",
					     t->line[1] == 'z' ? HEADER_TAG : CONTENT_TAG);
			continue;       /* a comment */
		}
		n = tokenize(t->line, tok, MAX_TOKENS);
		if (n)
			break;
	}
	t->ev_line = t->lineno;
	*ev = (struct zsim_event){ 0 };
	unsigned kind = zsim_ev_kind_parse(tok[0]);
	if (!kind)
		return tfail(t, "unknown event '%.40s'", tok[0]);
	ev->kind = (uint8_t)kind;
	size_t want = nargs[kind];
	if (kind == ZSIM_EV_ACCESS && n >= 4 && strcmp(tok[3], "w") == 0)
		want = 5;
	if (kind == ZSIM_EV_MAP && n >= 5 && strcmp(tok[4], "file") == 0)
		want = 7;
	if (n > MAX_TOKENS)
		return tfail(t, "%s takes %zu fields, not more than %d", tok[0], want - 1, MAX_TOKENS - 1);
	if (n != want)
		return tfail(t, "%s takes %zu fields, not %zu", tok[0], want - 1, n - 1);
	NUM(ev->pid, 1, "pid", UINT32_MAX);
	switch (kind) {
	case ZSIM_EV_PROC_CREATE:
	case ZSIM_EV_FILE_CREATE: {
		size_t ni = kind == ZSIM_EV_PROC_CREATE ? 3 : 4;
		if (kind == ZSIM_EV_PROC_CREATE) {
			NUM(ev->target, 2, "parent pid", UINT32_MAX);
		} else {
			NUM(ev->file, 2, "file", UINT32_MAX);
			NUM(ev->fs, 3, "filesystem index", UINT32_MAX);
		}
		if (unescape(tok[ni]) < 0)
			return tfail(t, "bad %%-escape in name");
		if (strlen(tok[ni]) > ZSIM_TRACE_NAME_MAX)
			return tfail(t, "name longer than %d bytes", ZSIM_TRACE_NAME_MAX);
		strcpy(t->name, tok[ni]);
		ev->name = t->name;
		break;
	}
	case ZSIM_EV_WAIT:
		NUM(ev->target, 2, "waited-for pid", UINT32_MAX);
		break;
	case ZSIM_EV_WAKE:
		NUM(ev->target, 2, "woken pid", UINT32_MAX);
		if (!ev->target)
			return tfail(t, "wake of pid 0");
		break;
	case ZSIM_EV_MAP:
	case ZSIM_EV_UNMAP:
		NUM(ev->page, 2, "page", ZSIM_TRACE_MAX_PAGES - 1);
		NUM(ev->npages, 3, "npages", ZSIM_TRACE_MAX_PAGES);
		if (ev->npages > ZSIM_TRACE_MAX_PAGES - ev->page)
			return tfail(t, "%s past the end of a 64-bit address space (2^52 pages)",
				     kind == ZSIM_EV_MAP ? "map" : "unmap");
		if (kind == ZSIM_EV_MAP) {
			if (strcmp(tok[4], "anon") == 0)
				ev->map = ZSIM_MAP_ANON;
			else if (strcmp(tok[4], "shmem") == 0)
				ev->map = ZSIM_MAP_SHMEM;
			else if (strcmp(tok[4], "file") == 0) {
				ev->map = ZSIM_MAP_FILE;
				NUM(ev->file, 5, "file", UINT32_MAX);
				NUM(ev->file_page, 6, "file page", ZSIM_TRACE_MAX_FILE_PAGES);
				if (ev->npages > ZSIM_TRACE_MAX_FILE_PAGES - ev->file_page)
					return tfail(t, "file mapping past the largest file (2^51 pages)");
			} else
				return tfail(t, "unknown map kind '%.40s' (anon, file, shmem)", tok[4]);
		}
		break;
	case ZSIM_EV_ACCESS:
		NUM(ev->page, 2, "page", ZSIM_TRACE_MAX_PAGES - 1);
		if (strcmp(tok[3], "r") != 0 && strcmp(tok[3], "w") != 0)
			return tfail(t, "access mode '%.40s' is not r or w", tok[3]);
		if (tok[3][0] == 'w') {
			ev->write = 1;
			if (zsim_content_ref_parse(tok[4], &ev->content) < 0)
				return tfail(t, "bad content '%.60s' (CLASS[/PARAM]:SEED)", tok[4]);
		}
		break;
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE:
		NUM(ev->file, 2, "file", UINT32_MAX);
		NUM(ev->page, 3, "file page", ZSIM_TRACE_MAX_FILE_PAGES - 1);
		if (kind == ZSIM_EV_FILE_WRITE && zsim_content_ref_parse(tok[4], &ev->content) < 0)
			return tfail(t, "bad content '%.60s' (CLASS[/PARAM]:SEED)", tok[4]);
		break;
	case ZSIM_EV_FILE_TRUNCATE:
		NUM(ev->file, 2, "file", UINT32_MAX);
		NUM(ev->npages, 3, "npages", ZSIM_TRACE_MAX_FILE_PAGES);
		break;
	case ZSIM_EV_FILE_UNLINK:
		NUM(ev->file, 2, "file", UINT32_MAX);
		break;
	case ZSIM_EV_CPU:
	case ZSIM_EV_SLEEP:
		NUM(ev->ns, 2, "ns", ZSIM_TRACE_MAX_NS);
		break;
	}
	t->events++;
	return 1;
}
