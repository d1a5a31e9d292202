/*
 * content.c - synthetic page content (see content.h).
 *
 * The classes are simple generative models, tuned so that liblz4 on their
 * pages lands near what real pages of that kind give (measured profile in
 * ../shared/workloads/kbuild-profile/page-compression-summary.json: kernel .c/.h
 * pages compress about 2.7:1 with lz4, per page from ~0.1 to ~0.9 of 4096):
 *  - text draws tokens of a C-like vocabulary with a Zipf-like skew, spaces,
 *    indentation and newlines;
 *  - binary draws opcode-like bytes with the skew of x86-64 code plus random
 *    4-byte displacements;
 *  - heap writes 8-byte words: pointers that share their high bits, small
 *    integers, zeroes and some random words.
 *  - ratio aims at a compressed size instead of imitating a kind of page: it
 *    lays random 32-byte chunks among copies of one 32-byte pattern and moves
 *    the amount of random bytes until liblz4's output is within 1% (or 8 bytes)
 *    of 4096/ratio; the search is deterministic, so the bytes depend only on
 *    (param, seed).
 * They are stand-ins, not corpora: for exact answers use a real page corpus
 * (the corpus class: page `seed` of a file of raw pages, read by
 * zsim_content_corpus_read()).
 */
#include "content.h"
#include "../core/rng.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const class_names[ZSIM_CONTENT_NR] = {
	"zero", "same", "text", "binary", "heap", "random", "mix", "ratio", "corpus",
};

const char *zsim_content_name(enum zsim_content_class c)
{
	return (unsigned)c < ZSIM_CONTENT_NR ? class_names[c] : "?";
}

int zsim_content_parse(const char *name, enum zsim_content_class *out)
{
	for (unsigned i = 0; i < ZSIM_CONTENT_NR; i++)
		if (strcmp(name, class_names[i]) == 0) {
			*out = (enum zsim_content_class)i;
			return 0;
		}
	return ZSIM_ENOENT;
}

void zsim_content_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < ZSIM_CONTENT_NR && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", class_names[i]);
}

static const char *const vocab[] = {
	"struct", "static", "int", "unsigned", "long", "return", "if", "else", "for", "while",
	"const", "void", "char", "u64", "u32", "size_t", "page", "zone", "mm", "vma", "pte",
	"NULL", "err", "ret", "goto", "out", "unlock", "lock", "spin_lock", "mutex", "list",
	"list_for_each_entry", "kfree", "kmalloc", "GFP_KERNEL", "EINVAL", "ENOMEM", "break",
	"case", "switch", "default", "sizeof", "inline", "bool", "true", "false", "atomic_t",
	"folio", "nr_pages", "index", "offset", "count", "flags", "pr_err", "WARN_ON", "BUG_ON",
	"->", "==", "!=", "&&", "||", "(", ")", "{", "}", ";", ",", "=", "+", "-", "*", "&",
	"0", "1", "i", "j", "n", "dev", "buf", "len", "data", "priv", "ops", "init", "exit",
	"#include", "#define", "<linux/mm.h>", "/*", "*/", "the", "of", "to", "a", "is", "in",
};

/* Uniform in [0, n) from 32 random bits (multiply-shift). */
static inline size_t below32(uint32_t bits, size_t n)
{
	return (size_t)(((uint64_t)bits * n) >> 32);
}

/* Out of 128 text tokens, how many copy an earlier stretch of the page; tuned
 * so lz4 gives about 2.7:1 on text pages, as on the kernel's .c/.h files
 * (2.685 measured). */
#define TEXT_REPEAT_OF_128 51

/* One 64-bit draw per token: the generators are on the simulator's hot path
 * (every page swapped out is made from its seed), so they spend their random
 * bits carefully. */
static void fill_text_tokens(struct zsim_rng *r, uint8_t *p)
{
	size_t off = 0;
	unsigned col = 0;
	const size_t nv = ZSIM_ARRAY_SIZE(vocab);
	while (off < ZSIM_PAGE_SIZE) {
		uint64_t x = zsim_rng_next(r);
		/*
		 * Source text repeats itself within a page (identifiers, whole
		 * statements): now and then copy an earlier stretch of the page.
		 */
		if (off > 256 && (x & 127) < TEXT_REPEAT_OF_128) {
			size_t len = 8 + (size_t)((x >> 7) % 40);
			size_t from = below32((uint32_t)(x >> 32), off - len);
			for (size_t k = 0; k < len && off < ZSIM_PAGE_SIZE; k++)
				p[off++] = p[from + k];
			continue;
		}
		/* Zipf-like skew: the square of a uniform favours the first tokens. */
		uint64_t u = (x >> 7) & 0xffff;
		const char *w = vocab[(size_t)(((u * u) >> 16) * nv >> 16)];
		size_t n = strlen(w);
		if (n > ZSIM_PAGE_SIZE - off)
			n = ZSIM_PAGE_SIZE - off;
		memcpy(p + off, w, n);
		off += n;
		col += (unsigned)n;
		if (((x >> 23) & 7) == 0 && off + 3 <= ZSIM_PAGE_SIZE) {
			unsigned num = (unsigned)(x >> 26) & 63;   /* identifier suffix _0 .. _63 */
			p[off++] = '_';
			if (num >= 10)
				p[off++] = (uint8_t)('0' + num / 10);
			p[off++] = (uint8_t)('0' + num % 10);
			col += 3;
		}
		if (off >= ZSIM_PAGE_SIZE)
			break;
		if (col > 60 || ((x >> 32) & 0xffff) % 12 == 0) {
			p[off++] = '\n';
			unsigned tabs = (unsigned)(x >> 48) & 3;
			for (unsigned t = 0; t < tabs && off < ZSIM_PAGE_SIZE; t++)
				p[off++] = '\t';
			col = tabs * 8;
		} else {
			p[off++] = ' ';
			col++;
		}
	}
}

/*
 * Text pages are assembled from a table of TEXT_LINES source-like lines, made
 * once (the same table in every process and run: it is a constant computed at
 * first use, not state) from the token model above.  A page draws lines with
 * a skew, so common lines recur within a page as they do in real source, and
 * rewrites a few characters of some lines (identifiers and numbers differ from
 * line to line), and now and then repeats an earlier stretch of the page.  One
 * random draw per line keeps this several times cheaper than the token model,
 * which matters because the simulator makes the bytes of every page it
 * compresses.  Away from the page's end, lines and copied stretches move as
 * fixed-size blocks (a few vector moves, not a memcpy call) whose tail the
 * next block overwrites: the bytes are the same as exact-length copies.  The three constants are tuned so lz4 gives 2.68:1 on text pages,
 * as on the kernel's .c/.h files (2.685 measured).
 */
#define TEXT_LINES 512
#define TEXT_LINE_MAX 80
#define TEXT_MUTATE_OF_16 4
#define TEXT_COPY_OF_16 10
#define TEXT_BLOCK 80   /* bytes moved at once: >= TEXT_LINE_MAX and >= a copied stretch's 64 */

static char text_line[TEXT_LINES][TEXT_LINE_MAX];
static uint8_t text_line_len[TEXT_LINES];
static pthread_once_t text_once = PTHREAD_ONCE_INIT;

static void text_table_init(void)
{
	struct zsim_rng r;
	uint8_t page[ZSIM_PAGE_SIZE];
	zsim_rng_seed(&r, 0x7e57ab1e5eedull);
	unsigned n = 0;
	while (n < TEXT_LINES) {
		fill_text_tokens(&r, page);
		/* cut the page into its lines */
		size_t start = 0;
		for (size_t i = 0; i < ZSIM_PAGE_SIZE && n < TEXT_LINES; i++) {
			if (page[i] != '\n')
				continue;
			size_t len = i + 1 - start;
			if (len >= 8 && len <= TEXT_LINE_MAX) {
				memcpy(text_line[n], page + start, len);
				text_line_len[n++] = (uint8_t)len;
			}
			start = i + 1;
		}
	}
}

static void fill_text(struct zsim_rng *r, uint8_t *p)
{
	pthread_once(&text_once, text_table_init);
	size_t off = 0;
	while (off < ZSIM_PAGE_SIZE) {
		uint64_t x = zsim_rng_next(r);
		bool room = off + TEXT_BLOCK <= ZSIM_PAGE_SIZE;
		if (off > 512 && ((x >> 58) & 15) < TEXT_COPY_OF_16) {
			/* source repeats itself: copy an earlier stretch of this page */
			size_t len = 16 + (size_t)((x >> 16) % 48);
			size_t from = below32((uint32_t)(x >> 24), off - len);
			if (room) {
				uint8_t tmp[64];   /* the stretch may overlap its copy's tail */
				memcpy(tmp, p + from, sizeof(tmp));
				memcpy(p + off, tmp, sizeof(tmp));
			} else {
				if (len > ZSIM_PAGE_SIZE - off)
					len = ZSIM_PAGE_SIZE - off;
				memmove(p + off, p + from, len);
			}
			off += len;
			continue;
		}
		uint64_t u = x & 0xffff;   /* skewed choice: the square of a uniform */
		size_t li = (size_t)(((u * u) >> 16) * TEXT_LINES >> 16);
		size_t len = text_line_len[li];
		if (room) {
			memcpy(p + off, text_line[li], TEXT_LINE_MAX);
		} else {
			if (len > ZSIM_PAGE_SIZE - off)
				len = ZSIM_PAGE_SIZE - off;
			memcpy(p + off, text_line[li], len);
		}
		if (((x >> 16) & 15) < TEXT_MUTATE_OF_16 && len > 4) {
			/* an identifier or number differs: rewrite three characters */
			static const char alnum[] = "abcdefghijklmnopqrstuvwxyz_0123456789ABCDEFGHIJ";
			size_t at = off + (size_t)((x >> 20) % (len - 3));
			p[at] = (uint8_t)alnum[(x >> 32) % 48];
			p[at + 1] = (uint8_t)alnum[(x >> 40) % 48];
			p[at + 2] = (uint8_t)alnum[(x >> 48) % 48];
		}
		off += len;
	}
}

/* Out of 128 code positions: how many repeat an earlier instruction sequence
 * (prologues, common moves), take a common opcode byte, or a 4-byte
 * displacement; the rest are random bytes.  lz4 gives about 1.8:1 on these
 * pages, in the range of x86-64 ELF text. */
#define BINARY_REPEAT_OF_128 51
#define BINARY_COMMON_OF_128 90
#define BINARY_DISP_OF_128   109

static void fill_binary(struct zsim_rng *r, uint8_t *p)
{
	static const uint8_t common[] = {
		0x48, 0x89, 0x8b, 0xe8, 0x00, 0xff, 0x0f, 0x85, 0x84, 0x74, 0x75, 0xc3, 0x41, 0x4c,
		0x83, 0xc7, 0x45, 0x24, 0x44, 0x31, 0xc0, 0x5d, 0x55, 0x53, 0x5b, 0x01, 0x8d, 0xeb,
	};
	size_t off = 0;
	while (off < ZSIM_PAGE_SIZE) {
		uint64_t x = zsim_rng_next(r);
		unsigned k = (unsigned)(x & 127);
		if (off > 64 && k < BINARY_REPEAT_OF_128) {
			size_t len = 4 + (size_t)((x >> 7) % 12);
			size_t from = below32((uint32_t)(x >> 32), off - len);
			for (size_t i = 0; i < len && off < ZSIM_PAGE_SIZE; i++)
				p[off++] = p[from + i];
		} else if (k < BINARY_COMMON_OF_128) {
			p[off++] = common[(x >> 7) % ZSIM_ARRAY_SIZE(common)];
			if (off < ZSIM_PAGE_SIZE)   /* and a second one from the same draw */
				p[off++] = common[(x >> 16) % ZSIM_ARRAY_SIZE(common)];
		} else if (k < BINARY_DISP_OF_128) {
			/* a rel32 displacement or immediate: mostly small, sometimes random */
			uint32_t v = ((x >> 7) % 3) ? (uint32_t)(x >> 12) & 4095 : (uint32_t)(x >> 32);
			for (int b = 0; b < 4 && off < ZSIM_PAGE_SIZE; b++)
				p[off++] = (uint8_t)(v >> (8 * b));
		} else {
			p[off++] = (uint8_t)(x >> 8);
		}
	}
}

/* Word mix of a pointer-heavy heap, in percent: pointers into a 64 KiB arena,
 * small integers, zeroes, the rest random; lz4 gives 2.85:1 on these pages.
 * cc1's anonymous memory measured 3.45:1 (kbuild-profile), but that includes
 * its 6% zero pages, which a workload draws as the separate `zero` class. */
#define HEAP_PTR_PCT   30
#define HEAP_SMALL_PCT 27
#define HEAP_ZERO_PCT  40
#define HEAP_RECENT    8   /* pointers an object's neighbourhood reuses */

static void fill_heap(struct zsim_rng *r, uint8_t *p)
{
	uint64_t base = 0x00007f0000000000ull | ((zsim_rng_next(r) & 0xffffff) << 16);
	uint64_t recent[HEAP_RECENT] = { 0 };
	for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8) {
		uint64_t w, k = zsim_rng_below(r, 100);
		if (k < HEAP_PTR_PCT) {
			/* objects point at a few neighbours: reuse a recent pointer half the time */
			size_t slot = zsim_rng_below(r, HEAP_RECENT);
			if (!recent[slot] || zsim_rng_below(r, 2))
				recent[slot] = base + (zsim_rng_below(r, 1u << 16) & ~7ull);
			w = recent[slot];
		}
		else if (k < HEAP_PTR_PCT + HEAP_SMALL_PCT)
			w = zsim_rng_below(r, 16);
		else if (k < HEAP_PTR_PCT + HEAP_SMALL_PCT + HEAP_ZERO_PCT)
			w = 0;
		else
			w = zsim_rng_next(r);
		memcpy(p + off, &w, 8);
	}
}

/* The ratio class's layout: RATIO_CHUNKS chunks of RATIO_CHUNK bytes. */
#define RATIO_CHUNK  32
#define RATIO_CHUNKS (ZSIM_PAGE_SIZE / RATIO_CHUNK)
#define RATIO_ITERS  6   /* lz4 runs at most; the second usually lands */

/* Page with `nrand` random bytes: chunks in `order` are random in turn, the
 * rest repeat `pat`. */
static void ratio_layout(const uint8_t *rnd, const uint8_t *order, const uint8_t *pat,
			 size_t nrand, uint8_t *p)
{
	for (size_t i = 0; i < RATIO_CHUNKS; i++)
		memcpy(p + i * RATIO_CHUNK, pat, RATIO_CHUNK);
	for (size_t k = 0; k < RATIO_CHUNKS && nrand; k++) {
		size_t n = nrand < RATIO_CHUNK ? nrand : RATIO_CHUNK;
		size_t off = (size_t)order[k] * RATIO_CHUNK;
		memcpy(p + off, rnd + off, n);
		nrand -= n;
	}
}

static void fill_ratio(struct zsim_rng *r, unsigned param, uint8_t *p)
{
	uint8_t rnd[ZSIM_PAGE_SIZE], order[RATIO_CHUNKS], pat[RATIO_CHUNK];
	char dst[LZ4_COMPRESSBOUND(ZSIM_PAGE_SIZE)];
	for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8) {
		uint64_t w = zsim_rng_next(r);
		memcpy(rnd + off, &w, 8);
	}
	for (size_t off = 0; off < RATIO_CHUNK; off += 8) {
		uint64_t w = zsim_rng_next(r);
		memcpy(pat + off, &w, 8);
	}
	for (size_t i = 0; i < RATIO_CHUNKS; i++)   /* Fisher-Yates */
		order[i] = (uint8_t)i;
	for (size_t i = RATIO_CHUNKS - 1; i > 0; i--) {
		size_t j = zsim_rng_below(r, i + 1);
		uint8_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	if (param < ZSIM_CONTENT_RATIO_MIN)
		param = ZSIM_CONTENT_RATIO_MIN;
	long target = (long)ZSIM_PAGE_SIZE * 10 / (long)param;
	long tol = target / 100 > 8 ? target / 100 : 8;
	long n = target, best_n = target, best_err = -1;
	for (int it = 0; it < RATIO_ITERS; it++) {
		ratio_layout(rnd, order, pat, (size_t)n, p);
		long got = LZ4_compress_default((const char *)p, dst, ZSIM_PAGE_SIZE, (int)sizeof(dst));
		long e = labs(got - target);
		if (best_err < 0 || e < best_err) {
			best_err = e;
			best_n = n;
		}
		if (e <= tol)
			break;
		long next = n + (target - got);
		next = next < 0 ? 0 : next > (long)ZSIM_PAGE_SIZE ? (long)ZSIM_PAGE_SIZE : next;
		if (next == n)
			break;
		n = next;
	}
	if (best_n != n)
		ratio_layout(rnd, order, pat, (size_t)best_n, p);
}

void zsim_content_fill(enum zsim_content_class c, uint64_t seed, uint8_t *page)
{
	zsim_content_fill_param(c, ZSIM_CONTENT_RATIO_DEFAULT, seed, page);
}

void zsim_content_fill_param(enum zsim_content_class c, unsigned param, uint64_t seed,
			     uint8_t *page)
{
	struct zsim_rng r;
	zsim_rng_seed(&r, seed ^ ((uint64_t)c << 56));
	if (c == ZSIM_CONTENT_MIX) {
		/* Weights of a desktop/build mix: mostly text and heap, some code, zero, random. */
		static const enum zsim_content_class pick[10] = {
			ZSIM_CONTENT_TEXT, ZSIM_CONTENT_TEXT, ZSIM_CONTENT_TEXT, ZSIM_CONTENT_HEAP,
			ZSIM_CONTENT_HEAP, ZSIM_CONTENT_BINARY, ZSIM_CONTENT_BINARY, ZSIM_CONTENT_ZERO,
			ZSIM_CONTENT_SAME, ZSIM_CONTENT_RANDOM,
		};
		c = pick[zsim_rng_below(&r, 10)];
		zsim_rng_seed(&r, zsim_rng_next(&r) ^ ((uint64_t)c << 56));
	}
	switch (c) {
	case ZSIM_CONTENT_ZERO:
		memset(page, 0, ZSIM_PAGE_SIZE);
		break;
	case ZSIM_CONTENT_SAME: {
		uint64_t w = zsim_rng_next(&r);
		for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8)
			memcpy(page + off, &w, 8);
		break;
	}
	case ZSIM_CONTENT_TEXT:
		fill_text(&r, page);
		break;
	case ZSIM_CONTENT_BINARY:
		fill_binary(&r, page);
		break;
	case ZSIM_CONTENT_HEAP:
		fill_heap(&r, page);
		break;
	case ZSIM_CONTENT_RATIO:
		fill_ratio(&r, param, page);
		break;
	case ZSIM_CONTENT_CORPUS:
		memset(page, 0, ZSIM_PAGE_SIZE);   /* the bytes live in the corpus file */
		break;
	case ZSIM_CONTENT_RANDOM:
	default:
		for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8) {
			uint64_t w = zsim_rng_next(&r);
			memcpy(page + off, &w, 8);
		}
		break;
	}
}

struct zsim_corpus {
	int fd;
	uint64_t pages;
	char *path;
};

int zsim_content_corpus_open(const char *path, struct zsim_corpus **out, char *err, size_t errlen)
{
	struct stat st;
	/* the type first: open() of a FIFO would wait for a writer; then
	 * O_NONBLOCK in case it became one in between */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a corpus (not a regular file: %s)", path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
			 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a special file");
		return ZSIM_EFORMAT;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ZSIM_ESYS;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % ZSIM_PAGE_SIZE) {
		snprintf(err, errlen, "%s: not a corpus (size %lld is not a positive multiple of %u bytes)",
			 path, (long long)st.st_size, ZSIM_PAGE_SIZE);
		close(fd);
		return ZSIM_EFORMAT;
	}
	struct zsim_corpus *c = zsim_xmalloc(sizeof(*c));
	c->fd = fd;
	c->pages = (uint64_t)st.st_size / ZSIM_PAGE_SIZE;
	c->path = zsim_xstrdup(path);
	*out = c;
	return 0;
}

uint64_t zsim_content_corpus_pages(const struct zsim_corpus *c)
{
	return c->pages;
}

int zsim_content_corpus_read(struct zsim_corpus *c, uint64_t index, uint8_t *page,
			     char *err, size_t errlen)
{
	if (index >= c->pages) {
		snprintf(err, errlen, "%s: corpus page %llu is past the end (%llu pages)", c->path,
			 (unsigned long long)index, (unsigned long long)c->pages);
		return ZSIM_ERANGE;
	}
	size_t got = 0;
	while (got < ZSIM_PAGE_SIZE) {
		ssize_t n = pread(c->fd, page + got, ZSIM_PAGE_SIZE - got,
				  (off_t)(index * ZSIM_PAGE_SIZE + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: page %llu: %s", c->path, (unsigned long long)index,
				 n < 0 ? strerror(errno) : "file shrank while reading");
			return ZSIM_ESYS;
		}
		got += (size_t)n;
	}
	return 0;
}

void zsim_content_corpus_close(struct zsim_corpus *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->path);
	free(c);
}
