/*
 * mkcorpus - deterministic page corpora for zsim's tests and for the real-kernel
 * zram fidelity check (tests/kernel/zram_fidelity.sh).
 *
 *   mkcorpus KIND --pages N [--seed S] [--dir DIR]... -o FILE
 *   mkcorpus punch DEVICE LISTFILE
 *
 * A corpus is a file of N raw 4096-byte pages.  The same KIND, N, seed (and, for
 * elf/mix, the same files on the machine) give the same bytes on every run.
 *
 * Kinds:
 *   zero     all-zero pages.
 *   same     same-filled pages (all 512 64-bit words equal; zero and non-zero
 *            patterns: repeated bytes, 16-, 32- and 64-bit words) and, for about
 *            40% of the pages, "near-same" pages: such a pattern with ONE word
 *            changed (often by a single bit, often the first or the last word),
 *            which zram must not count as same-filled.
 *   random   seeded random bytes (incompressible: zram stores them whole).
 *   text     seeded synthetic English-like text: a 250-word common vocabulary
 *            plus a seeded lexicon of 1500 pseudo-words, drawn with a Zipf law,
 *            half of the tokens starting one of 400 seeded stock phrases (real
 *            text repeats word groups, which is what LZ codecs feed on), in
 *            sentences and paragraphs wrapped at 72 columns, with the odd number
 *            and numbered heading.  lz4 compresses it to about 63% per page, as
 *            it does typical English prose.  It needs no file on the machine.
 *   elf      pages of ELF files found (non-recursively) in /usr/bin, /usr/sbin,
 *            /usr/lib/x86_64-linux-gnu and /usr/lib, or in the --dir folders.
 *            Candidates are regular files (symlinks skipped) starting with the
 *            ELF magic, sorted by path; runs of 1..16 consecutive pages are taken
 *            from files picked by the seed.  Deterministic for a given machine.
 *   sweep    pages whose liblz4 LZ4_compress_default size lands in a chosen
 *            16-byte band, for every zsmalloc size class 32..4096 (step 16), the
 *            pages spread evenly over the 255 classes and shuffled.  zs_malloc adds
 *            an 8-byte handle before the class lookup (kernel-facts.md 1.5), so
 *            the band for class c is comp_len in [c-23, c-8]: slot class(comp_len
 *            + 8) is then exactly c.  Class 32 is out of lz4's reach (a page that
 *            is not same-filled compresses to at least ~26 bytes): its pages are
 *            the smallest lz4 can make, which other codecs (lzo-rle) may put in
 *            class 32.  The bands of classes 3648 and up (comp_len >= 3625, the
 *            6.3+ huge_class_size) are stored whole, as huge pages, by zram.
 *            Each page is a periodic filler (a 3..48-byte seeded motif) with
 *            64-byte chunks of random bytes mixed in; the number of random bytes
 *            is adjusted until the lz4 size lands in the band.  lz4 is the
 *            reference; other codecs scatter around it.
 *   mix      a seeded mix per page: zero 8%, same/near-same 7%, random 10%,
 *            text 35%, elf 30% (text when no ELF file is found), sweep 10% (a
 *            random class each).
 *   discard  not a corpus: a seeded random half (floor(N/2)) of the page indices
 *            0..N-1, ascending, one decimal per line.
 *
 * punch: discard, on a block device, the 4 KiB pages listed in LISTFILE (the
 * format `discard` writes), coalescing consecutive indices into one BLKDISCARD
 * ioctl per range.  util-linux blkdiscard costs 5-10 ms per call (it starts a
 * process and probes the device), which makes thousands of ranges take minutes;
 * this takes milliseconds.  The fidelity check uses it unless told otherwise.
 *
 * Exit status: 0 success, 1 runtime failure (I/O, no ELF files), 2 bad usage.
 * Every message starts with "mkcorpus: ".  A failed run removes its output file.
 */
#include "core/rng.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/fs.h>
#include <lz4.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
#define PAGE_WORDS (PAGE / 8)
#define MAX_PAGES (1u << 24)   /* 64 GiB of corpus: far beyond any sane test */

/* zsmalloc geometry (kernel-facts.md 1.1, 1.5) for the sweep kind. */
#define ZS_MIN_CLASS 32
#define ZS_CLASS_DELTA 16
#define ZS_NR_CLASSES 255
#define ZS_HANDLE 8

/* Where elf pages come from when no --dir is given. */
static const char *const default_elf_dirs[] = {
	"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib",
};
#define MAX_DIRS 32

static const char *out_path;   /* removed on failure */
static int out_created;

static void die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("mkcorpus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_created && out_path && strcmp(out_path, "-") != 0)
		unlink(out_path);
	exit(status);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(1, "out of memory (%zu bytes)", n);
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(1, "out of memory (%zu bytes)", n);
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---------------- */

/* The project's generator (core/rng.h); independent streams from one seed by
 * mixing in a number that names the consumer. */
struct rng {
	struct zsim_rng z;
};

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	zsim_rng_seed(&r->z, seed ^ (stream * 0xd1342543de82ef95ull));
}

static uint64_t rng_next(struct rng *r)
{
	return zsim_rng_next(&r->z);
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = rng_next(r);
	while (x >= limit);
	return x % n;
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static void rng_bytes(struct rng *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t x = rng_next(r);

		memcpy(p, &x, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t x = rng_next(r);

		memcpy(p, &x, n);
	}
}

/* ---- page helpers ---------------------------------------------------------- */

/* zram's test: all 512 machine words equal (kernel-facts.md 3.1). */
static int page_is_same(const uint8_t *page)
{
	uint64_t w0, w;

	memcpy(&w0, page, 8);
	for (size_t i = 1; i < PAGE_WORDS; i++) {
		memcpy(&w, page + 8 * i, 8);
		if (w != w0)
			return 0;
	}
	return 1;
}

static void fill_words(uint8_t *page, uint64_t pattern)
{
	for (size_t i = 0; i < PAGE_WORDS; i++)
		memcpy(page + 8 * i, &pattern, 8);
}

static int lz4_len(const uint8_t *page)
{
	static char dst[LZ4_COMPRESSBOUND(PAGE)];
	int n = LZ4_compress_default((const char *)page, dst, PAGE, (int)sizeof(dst));

	if (n <= 0)
		die(1, "LZ4_compress_default failed");
	return n;
}

/* ---- same / near-same -------------------------------------------------------- */

static uint64_t same_pattern(struct rng *r)
{
	uint64_t x = rng_next(r);

	switch (rng_below(r, 7)) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX;
	case 2: /* one byte repeated */
		return ((x & 0xff) | 1) * 0x0101010101010101ull;
	case 3: /* a 16-bit word repeated */
		return (uint64_t)(x & 0xffff) * 0x0001000100010001ull;
	case 4: /* a 32-bit word repeated */
		return (x & 0xffffffffull) * 0x0000000100000001ull;
	case 5: /* a small integer (typical of zeroed structs with one field) */
		return x & 0xfff;
	default: /* any 64-bit word */
		return x;
	}
}

static void gen_same_page(struct rng *r, uint8_t *page)
{
	uint64_t pat = same_pattern(r);

	fill_words(page, pat);
	if (rng_below(r, 100) < 40) {
		/* near-same: exactly one word differs */
		uint64_t which = rng_below(r, 10);
		size_t w = which < 2 ? 0 : which < 4 ? PAGE_WORDS - 1 : (size_t)rng_below(r, PAGE_WORDS);
		uint64_t v;

		if (rng_below(r, 2))
			v = pat ^ (1ull << rng_below(r, 64));
		else
			do
				v = rng_next(r);
			while (v == pat);
		memcpy(page + 8 * w, &v, 8);
	}
}

/* ---- text ------------------------------------------------------------------ */

static const char *const common_words[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with",
	"be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which",
	"but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we",
	"can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
	"so", "no", "she", "other", "its", "may", "these", "than", "any", "each", "such",
	"only", "some", "into", "them", "then", "two", "time", "could", "first", "should",
	"under", "also", "new", "after", "use", "program", "software", "license", "work",
	"file", "system", "data", "page", "memory", "process", "user", "code", "source",
	"copy", "version", "terms", "conditions", "without", "warranty", "distribute",
	"modify", "public", "general", "free", "foundation", "permission", "notice",
	"provided", "following", "must", "include", "including", "covered", "rights",
	"patent", "other", "party", "parties", "written", "offer", "section", "means",
	"form", "object", "library", "compiler", "kernel", "device", "driver", "module",
	"function", "value", "return", "error", "number", "size", "buffer", "list",
	"table", "entry", "state", "order", "point", "example", "case", "part", "place",
	"year", "day", "way", "man", "world", "life", "hand", "house", "country", "people",
	"water", "city", "name", "school", "family", "government", "company", "history",
	"question", "problem", "fact", "power", "system", "result", "change", "interest",
	"make", "made", "take", "give", "know", "see", "come", "think", "look", "want",
	"find", "tell", "ask", "seem", "feel", "try", "leave", "call", "keep", "begin",
	"show", "hear", "play", "run", "move", "live", "believe", "hold", "bring", "write",
	"read", "stand", "lose", "pay", "meet", "continue", "set", "learn", "lead",
	"understand", "follow", "stop", "create", "speak", "allow", "add", "spend", "grow",
	"open", "walk", "win", "remember", "consider", "appear", "buy", "serve", "send",
	"good", "great", "small", "large", "long", "little", "old", "high", "different",
	"important", "few", "public", "same", "able", "possible", "early", "young", "major",
	"however", "therefore", "because", "while", "where", "between", "through", "during",
	"before", "without", "against", "within", "upon", "about", "above", "below",
};
#define N_COMMON (sizeof(common_words) / sizeof(common_words[0]))
#define N_PSEUDO 1500
#define N_PHRASES 400     /* stock phrases of 2..4 words: real text repeats word groups */
#define PHRASE_PCT 50     /* share of tokens that start a stock phrase */
#define TEXT_COLS 72

static const char *const onsets[] = {
	"", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
	"w", "st", "tr", "pl", "ch", "sh", "th", "br", "gr", "cl", "fr", "sp", "qu",
};
static const char *const vowels[] = { "a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee", "y" };
static const char *const codas[] = { "", "", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "m" };
static const char *const suffixes[] = { "", "", "", "", "ing", "ed", "s", "ion", "ly", "er", "ment", "able" };
#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

struct textgen {
	struct rng r;
	const char **words;   /* common words then pseudo-words */
	char **owned;         /* the pseudo-words (freed at the end) */
	double *cdf;          /* Zipf cumulative weights over words */
	size_t nwords;
	char **phrases;       /* stock phrases, Zipf-distributed by index */
	double *pcdf;
	char *buf;            /* generated, not yet emitted text */
	size_t len, cap, pos;
	int col;
};

/* Index drawn from cumulative weights cdf[0..n) (cdf[n-1] == 1). */
static size_t zipf_pick(struct rng *r, const double *cdf, size_t n)
{
	double u = rng_unit(r);
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Cumulative, normalised Zipf-Mandelbrot weights 1 / (rank + q). */
static double *zipf_cdf(size_t n, double q)
{
	double *cdf = xmalloc(n * sizeof(*cdf));
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		sum += 1.0 / ((double)i + q);
		cdf[i] = sum;
	}
	for (size_t i = 0; i < n; i++)
		cdf[i] /= sum;
	return cdf;
}

static void text_init(struct textgen *t, uint64_t seed)
{
	struct rng lexr;

	memset(t, 0, sizeof(*t));
	rng_seed(&t->r, seed, 0x7e47);
	rng_seed(&lexr, seed, 0x1e81c0);
	t->nwords = N_COMMON + N_PSEUDO;
	t->words = xmalloc(t->nwords * sizeof(*t->words));
	t->owned = xmalloc(N_PSEUDO * sizeof(*t->owned));
	for (size_t i = 0; i < N_COMMON; i++)
		t->words[i] = common_words[i];
	for (size_t i = 0; i < N_PSEUDO; i++) {
		char w[64] = "";
		int syl = 1 + (int)rng_below(&lexr, 2) + (rng_below(&lexr, 4) == 0);

		for (int s = 0; s < syl; s++) {
			strcat(w, PICK(&lexr, onsets));
			strcat(w, PICK(&lexr, vowels));
			strcat(w, PICK(&lexr, codas));
		}
		strcat(w, PICK(&lexr, suffixes));
		t->owned[i] = xstrdup(w);
		t->words[N_COMMON + i] = t->owned[i];
	}
	/* a few words very common, a long tail */
	t->cdf = zipf_cdf(t->nwords, 2.7);
	t->phrases = xmalloc(N_PHRASES * sizeof(*t->phrases));
	for (size_t i = 0; i < N_PHRASES; i++) {
		char ph[256] = "";
		int n = 2 + (int)rng_below(&lexr, 3);

		for (int k = 0; k < n; k++) {
			if (k)
				strcat(ph, " ");
			strcat(ph, t->words[zipf_pick(&lexr, t->cdf, t->nwords)]);
		}
		t->phrases[i] = xstrdup(ph);
	}
	t->pcdf = zipf_cdf(N_PHRASES, 1.5);
	t->cap = 4 * PAGE;
	t->buf = xmalloc(t->cap);
}

static void text_free(struct textgen *t)
{
	for (size_t i = 0; i < N_PSEUDO; i++)
		free(t->owned[i]);
	free(t->owned);
	for (size_t i = 0; i < N_PHRASES; i++)
		free(t->phrases[i]);
	free(t->phrases);
	free(t->pcdf);
	free(t->words);
	free(t->cdf);
	free(t->buf);
}

static void text_put(struct textgen *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		while (t->len + n > t->cap)
			t->cap *= 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

/* One word, wrapped at TEXT_COLS; `cap` capitalises, `tail` is punctuation. */
static void text_word(struct textgen *t, const char *w, int cap, const char *tail)
{
	char tmp[96];
	int n = snprintf(tmp, sizeof(tmp), "%s%s", w, tail);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		n = (int)sizeof(tmp) - 1;
	if (cap)
		tmp[0] = (char)toupper((unsigned char)tmp[0]);
	if (t->col > 0 && t->col + 1 + n > TEXT_COLS) {
		text_put(t, "\n", 1);
		t->col = 0;
	} else if (t->col > 0) {
		text_put(t, " ", 1);
		t->col++;
	}
	text_put(t, tmp, (size_t)n);
	t->col += n;
}

/* A stock phrase, word by word so that line wrapping may split it. */
static void text_phrase(struct textgen *t, const char *ph, int cap, const char *tail)
{
	char w[96];

	for (;;) {
		const char *sp = strchr(ph, ' ');
		size_t n = sp ? (size_t)(sp - ph) : strlen(ph);

		if (n >= sizeof(w))
			n = sizeof(w) - 1;
		memcpy(w, ph, n);
		w[n] = '\0';
		text_word(t, w, cap, sp ? "" : tail);
		if (!sp)
			return;
		cap = 0;
		ph = sp + 1;
	}
}

static void text_paragraph(struct textgen *t)
{
	int sentences = 2 + (int)rng_below(&t->r, 6);

	if (rng_below(&t->r, 12) == 0) {
		/* a heading such as "  7. Terms and Conditions" */
		char h[32];

		snprintf(h, sizeof(h), "%s%u.", rng_below(&t->r, 2) ? "  " : "",
			 (unsigned)(1 + rng_below(&t->r, 20)));
		text_put(t, h, strlen(h));
		t->col = (int)strlen(h);
		for (int i = 0, n = 1 + (int)rng_below(&t->r, 4); i < n; i++)
			text_word(t, t->words[zipf_pick(&t->r, t->cdf, t->nwords)], 1, "");
		text_put(t, "\n\n", 2);
		t->col = 0;
	}
	for (int s = 0; s < sentences; s++) {
		int words = 4 + (int)rng_below(&t->r, 21);

		for (int i = 0; i < words; i++) {
			const char *tail = "";
			char num[24];
			const char *w;

			if (rng_below(&t->r, 60) == 0) {
				snprintf(num, sizeof(num), "%" PRIu64,
					 rng_below(&t->r, 2) ? 1900 + rng_below(&t->r, 130)
							     : rng_below(&t->r, 10000));
				w = num;
			} else if (rng_below(&t->r, 100) < PHRASE_PCT) {
				w = t->phrases[zipf_pick(&t->r, t->pcdf, N_PHRASES)];
			} else {
				w = t->words[zipf_pick(&t->r, t->cdf, t->nwords)];
			}
			if (i == words - 1) {
				uint64_t p = rng_below(&t->r, 20);

				tail = p < 17 ? "." : p < 19 ? "?" : ";";
			} else if (rng_below(&t->r, 12) == 0) {
				tail = ",";
			}
			text_phrase(t, w, i == 0, tail);
		}
	}
	text_put(t, "\n\n", 2);
	t->col = 0;
}

static void gen_text_page(struct textgen *t, uint8_t *page)
{
	while (t->len - t->pos < PAGE)
		text_paragraph(t);
	memcpy(page, t->buf + t->pos, PAGE);
	t->pos += PAGE;
	memmove(t->buf, t->buf + t->pos, t->len - t->pos);
	t->len -= t->pos;
	t->pos = 0;
}

/* ---- elf ------------------------------------------------------------------- */

struct elf_file {
	char *path;
	uint64_t pages;
};

struct elfgen {
	struct rng r;
	struct elf_file *files;
	size_t n, cap;
	int fd;             /* open file of the current run, or -1 */
	size_t cur;
	uint64_t page, left;
};

static int cmp_elf(const void *a, const void *b)
{
	return strcmp(((const struct elf_file *)a)->path, ((const struct elf_file *)b)->path);
}

static void elf_scan_dir(struct elfgen *e, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;   /* a missing folder is not an error: the list may be empty */
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		unsigned char magic[4];
		int fd;
		ssize_t got;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < PAGE)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		got = pread(fd, magic, 4, 0);
		close(fd);
		if (got != 4 || memcmp(magic, "\177ELF", 4) != 0)
			continue;
		if (e->n == e->cap) {
			e->cap = e->cap ? 2 * e->cap : 256;
			e->files = xrealloc(e->files, e->cap * sizeof(*e->files));
		}
		e->files[e->n].path = xstrdup(path);
		e->files[e->n].pages = ((uint64_t)st.st_size + PAGE - 1) / PAGE;
		e->n++;
	}
	closedir(d);
}

static void elf_init(struct elfgen *e, uint64_t seed, const char *const *dirs, size_t ndirs)
{
	memset(e, 0, sizeof(*e));
	e->fd = -1;
	rng_seed(&e->r, seed, 0xe1f);
	for (size_t i = 0; i < ndirs; i++)
		elf_scan_dir(e, dirs[i]);
	if (e->n)
		qsort(e->files, e->n, sizeof(*e->files), cmp_elf);
}

static void elf_free(struct elfgen *e)
{
	if (e->fd >= 0)
		close(e->fd);
	for (size_t i = 0; i < e->n; i++)
		free(e->files[i].path);
	free(e->files);
}

static void gen_elf_page(struct elfgen *e, uint8_t *page)
{
	size_t done = 0;

	if (e->left == 0) {
		struct elf_file *f;

		if (e->fd >= 0)
			close(e->fd);
		e->cur = (size_t)rng_below(&e->r, e->n);
		f = &e->files[e->cur];
		e->page = rng_below(&e->r, f->pages);
		e->left = 1 + rng_below(&e->r, 16);
		if (e->left > f->pages - e->page)
			e->left = f->pages - e->page;
		e->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (e->fd < 0)
			die(1, "elf: %s: %s", f->path, strerror(errno));
	}
	while (done < PAGE) {
		ssize_t got = pread(e->fd, page + done, PAGE - done, (off_t)(e->page * PAGE + done));

		if (got < 0) {
			if (errno == EINTR)
				continue;
			die(1, "elf: %s: %s", e->files[e->cur].path, strerror(errno));
		}
		if (got == 0)
			break;   /* the file's last page (or it shrank): zero-fill */
		done += (size_t)got;
	}
	memset(page + done, 0, PAGE - done);
	e->page++;
	e->left--;
}

/* ---- sweep ------------------------------------------------------------------- */

struct sweepgen {
	struct rng r;
	uint32_t *targets;   /* class index per page, shuffled (sweep kind only) */
	size_t n, next;
	size_t missed;       /* pages outside their band (not counting class 0) */
};

/* Band of lz4 lengths that puts the object (plus its handle) in class k. */
static void sweep_band(unsigned k, int *lo, int *hi)
{
	int c = ZS_MIN_CLASS + ZS_CLASS_DELTA * (int)k;

	*hi = c - ZS_HANDLE;
	*lo = k == 0 ? 1 : c - ZS_CLASS_DELTA - ZS_HANDLE + 1;
}

/*
 * Page t-th byte in "random order": the first R positions of a seeded chunk
 * permutation get random bytes, the rest the periodic filler.
 */
static void sweep_build(uint8_t *page, const uint8_t *rnd, const uint8_t *fil,
			const uint8_t *perm, size_t nrand)
{
	for (size_t c = 0; c < PAGE / 64; c++) {
		size_t off = (size_t)perm[c] * 64;
		size_t first = c * 64;   /* rank of this chunk's first byte */

		if (first + 64 <= nrand) {
			memcpy(page + off, rnd + off, 64);
		} else if (first >= nrand) {
			memcpy(page + off, fil + off, 64);
		} else {
			size_t k = nrand - first;

			memcpy(page + off, rnd + off, k);
			memcpy(page + off + k, fil + off + k, 64 - k);
		}
	}
}

static void gen_sweep_page(struct sweepgen *s, unsigned k, uint8_t *page)
{
	static uint8_t rnd[PAGE], fil[PAGE], best[PAGE];
	uint8_t perm[PAGE / 64];
	int lo, hi, best_dist = INT_MAX;

	sweep_band(k, &lo, &hi);
	for (int attempt = 0; attempt < 48; attempt++) {
		uint8_t motif[48];
		int mmax = lo - 30 < 3 ? 3 : lo - 30 > 48 ? 48 : lo - 30;
		size_t m, a, b;

		do
			m = 3 + (size_t)rng_below(&s->r, (uint64_t)(mmax - 2));
		while (m == 4 || m == 8);   /* periods dividing 8 make same-filled pages */
		rng_bytes(&s->r, motif, m);
		for (size_t i = 0; i < PAGE; i++)
			fil[i] = motif[i % m];
		rng_bytes(&s->r, rnd, PAGE);
		for (size_t i = 0; i < PAGE / 64; i++)
			perm[i] = (uint8_t)i;
		for (size_t i = PAGE / 64 - 1; i > 0; i--) {
			size_t j = (size_t)rng_below(&s->r, i + 1);
			uint8_t tmp = perm[i];

			perm[i] = perm[j];
			perm[j] = tmp;
		}
		/* smallest R with lz4_len >= lo, the size being nearly monotone in R */
		a = 0;
		b = PAGE;
		while (a < b) {
			size_t mid = (a + b) / 2;

			sweep_build(page, rnd, fil, perm, mid);
			if (lz4_len(page) < lo)
				a = mid + 1;
			else
				b = mid;
		}
		for (size_t r = a > 48 ? a - 48 : 0; r <= a + 96 && r <= PAGE; r++) {
			int len, dist;

			sweep_build(page, rnd, fil, perm, r);
			if (page_is_same(page))
				continue;
			len = lz4_len(page);
			if (len >= lo && len <= hi)
				return;
			dist = len < lo ? lo - len : len - hi;
			if (dist < best_dist) {
				best_dist = dist;
				memcpy(best, page, PAGE);
			}
		}
	}
	memcpy(page, best, PAGE);
	if (k != 0)
		s->missed++;
}

static void sweep_init(struct sweepgen *s, uint64_t seed, size_t npages)
{
	memset(s, 0, sizeof(*s));
	rng_seed(&s->r, seed, 0x5eeb);
	s->n = npages;
	if (!npages)
		return;
	s->targets = xmalloc(npages * sizeof(*s->targets));
	for (size_t i = 0; i < npages; i++)
		s->targets[i] = (uint32_t)(i % ZS_NR_CLASSES);
	for (size_t i = npages - 1; i > 0; i--) {
		size_t j = (size_t)rng_below(&s->r, i + 1);
		uint32_t tmp = s->targets[i];

		s->targets[i] = s->targets[j];
		s->targets[j] = tmp;
	}
}

/* ---- kinds ----------------------------------------------------------------- */

enum kind { K_ZERO, K_SAME, K_RANDOM, K_TEXT, K_ELF, K_SWEEP, K_MIX, K_DISCARD, K_PUNCH };

static const char *const kind_names[] = {
	"zero", "same", "random", "text", "elf", "sweep", "mix", "discard", "punch",
};

struct gen {
	enum kind kind;
	struct rng r;        /* mix choice */
	struct rng same_r, rand_r;
	struct textgen text;
	struct elfgen elf;
	struct sweepgen sweep;
	int have_text, have_elf;
};

static void gen_page(struct gen *g, uint8_t *page)
{
	enum kind k = g->kind;

	if (k == K_MIX) {
		uint64_t u = rng_below(&g->r, 100);

		k = u < 8 ? K_ZERO : u < 15 ? K_SAME : u < 25 ? K_RANDOM : u < 60 ? K_TEXT
		  : u < 90 ? (g->elf.n ? K_ELF : K_TEXT) : K_SWEEP;
	}
	switch (k) {
	case K_ZERO:
		memset(page, 0, PAGE);
		break;
	case K_SAME:
		gen_same_page(&g->same_r, page);
		break;
	case K_RANDOM:
		rng_bytes(&g->rand_r, page, PAGE);
		break;
	case K_TEXT:
		gen_text_page(&g->text, page);
		break;
	case K_ELF:
		gen_elf_page(&g->elf, page);
		break;
	case K_SWEEP:
		if (g->sweep.targets)
			gen_sweep_page(&g->sweep, g->sweep.targets[g->sweep.next++], page);
		else
			gen_sweep_page(&g->sweep, (unsigned)rng_below(&g->sweep.r, ZS_NR_CLASSES), page);
		break;
	default:
		die(1, "internal error: kind %d", (int)k);
	}
}

/* ---- discard list and punch ------------------------------------------------ */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void write_discard(FILE *out, uint64_t seed, uint32_t npages)
{
	struct rng r;
	uint32_t *idx = xmalloc((size_t)npages * sizeof(*idx));
	uint32_t half = npages / 2;

	rng_seed(&r, seed, 0xd15c);
	for (uint32_t i = 0; i < npages; i++)
		idx[i] = i;
	for (uint32_t i = 0; i < half; i++) {
		uint32_t j = i + (uint32_t)rng_below(&r, npages - i);
		uint32_t tmp = idx[i];

		idx[i] = idx[j];
		idx[j] = tmp;
	}
	qsort(idx, half, sizeof(*idx), cmp_u32);
	for (uint32_t i = 0; i < half; i++)
		fprintf(out, "%" PRIu32 "\n", idx[i]);
	free(idx);
}

static void discard_range(int fd, const char *dev, uint64_t first, uint64_t count)
{
	uint64_t range[2] = { first * PAGE, count * PAGE };

	if (ioctl(fd, BLKDISCARD, range) != 0)
		die(1, "punch: %s: BLKDISCARD of pages %" PRIu64 "..%" PRIu64 ": %s", dev, first,
		    first + count - 1, strerror(errno));
}

static int do_punch(const char *dev, const char *list)
{
	FILE *f = fopen(list, "r");
	int fd;
	char line[64];
	uint64_t first = 0, count = 0, lineno = 0;

	if (!f)
		die(1, "punch: %s: %s", list, strerror(errno));
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(1, "punch: %s: %s", dev, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *end;
		unsigned long long v;

		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		errno = 0;
		v = strtoull(line, &end, 10);
		if (errno || end == line || (*end != '\n' && *end != '\0') || !isdigit((unsigned char)line[0]))
			die(1, "punch: %s:%" PRIu64 ": not a page index", list, lineno);
		if (count && v == first + count) {
			count++;
			continue;
		}
		if (count)
			discard_range(fd, dev, first, count);
		first = v;
		count = 1;
	}
	if (ferror(f))
		die(1, "punch: %s: read error", list);
	if (count)
		discard_range(fd, dev, first, count);
	fclose(f);
	if (close(fd) != 0)
		die(1, "punch: %s: %s", dev, strerror(errno));
	return 0;
}

/* ---- command line ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: mkcorpus KIND --pages N [--seed S] [--dir DIR]... -o FILE\n"
	      "       mkcorpus punch DEVICE LISTFILE\n"
	      "KIND: zero same random text elf sweep mix discard\n"
	      "  --pages N   number of 4096-byte pages (1..16777216)\n"
	      "  --seed S    unsigned 64-bit seed (default 1)\n"
	      "  --dir DIR   where elf/mix look for ELF files (repeatable;\n"
	      "              default /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /usr/lib)\n"
	      "  -o FILE     output file ('-' for stdout)\n"
	      "discard writes a seeded random half of the indices 0..N-1, one per line.\n"
	      "punch discards those pages of DEVICE (BLKDISCARD per run of indices).\n", f);
}

static uint64_t parse_u64(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !isdigit((unsigned char)s[0]))
		die(2, "%s: expected an unsigned integer, got '%s'", opt, s ? s : "");
	v = strtoull(s, &end, 10);
	if (errno || *end)
		die(2, "%s: expected an unsigned integer, got '%s'", opt, s);
	return v;
}

int main(int argc, char **argv)
{
	struct gen g;
	enum kind kind = K_ZERO;
	int found = 0;
	uint64_t pages = 0, seed = 1;
	int have_pages = 0;
	const char *dirs[MAX_DIRS];
	size_t ndirs = 0;
	FILE *out;
	uint8_t *page;

	if (argc < 2)
		die(2, "missing KIND (try --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(argv[1], kind_names[i])) {
			kind = (enum kind)i;
			found = 1;
		}
	if (!found)
		die(2, "unknown kind '%s' (zero same random text elf sweep mix discard punch)", argv[1]);
	if (kind == K_PUNCH) {
		if (argc != 4)
			die(2, "usage: mkcorpus punch DEVICE LISTFILE");
		return do_punch(argv[2], argv[3]);
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *eq = strchr(a, '=');
		char name[32];

		if (a[0] != '-')
			die(2, "unexpected argument '%s'", a);
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (eq && !strncmp(a, "--", 2)) {
			size_t n = (size_t)(eq - a);

			if (n >= sizeof(name))
				die(2, "unknown option '%s'", a);
			memcpy(name, a, n);
			name[n] = '\0';
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			if (i + 1 >= argc)
				die(2, "%s needs a value", a);
			val = argv[++i];
		}
		if (!strcmp(name, "--pages")) {
			pages = parse_u64("--pages", val);
			have_pages = 1;
		} else if (!strcmp(name, "--seed")) {
			seed = parse_u64("--seed", val);
		} else if (!strcmp(name, "--dir")) {
			if (ndirs == MAX_DIRS)
				die(2, "too many --dir (at most %d)", MAX_DIRS);
			dirs[ndirs++] = val;
		} else if (!strcmp(name, "-o") || !strcmp(name, "--output")) {
			out_path = val;
		} else {
			die(2, "unknown option '%s'", name);
		}
	}
	if (!have_pages)
		die(2, "--pages is required");
	if (pages < 1 || pages > MAX_PAGES)
		die(2, "--pages must be 1..%u, got %" PRIu64, MAX_PAGES, pages);
	if (!out_path || !*out_path)
		die(2, "-o FILE is required");
	if (ndirs == 0)
		for (size_t i = 0; i < sizeof(default_elf_dirs) / sizeof(default_elf_dirs[0]); i++)
			dirs[ndirs++] = default_elf_dirs[i];

	memset(&g, 0, sizeof(g));
	g.kind = kind;
	g.elf.fd = -1;
	rng_seed(&g.r, seed, 0x313);
	rng_seed(&g.same_r, seed, 0x5a3e);
	rng_seed(&g.rand_r, seed, 0x7a4d);
	if (kind == K_TEXT || kind == K_MIX) {
		text_init(&g.text, seed);
		g.have_text = 1;
	}
	if (kind == K_ELF || kind == K_MIX) {
		elf_init(&g.elf, seed, dirs, ndirs);
		g.have_elf = 1;
		if (kind == K_ELF && g.elf.n == 0)
			die(1, "elf: no ELF file of at least %d bytes found in the --dir folders", PAGE);
	}
	if (kind == K_SWEEP || kind == K_MIX) {
		sweep_init(&g.sweep, seed, kind == K_SWEEP ? (size_t)pages : 0);
	}

	if (!strcmp(out_path, "-")) {
		out = stdout;
	} else {
		out = fopen(out_path, "wb");
		if (!out)
			die(1, "%s: %s", out_path, strerror(errno));
		out_created = 1;
	}
	if (kind == K_DISCARD) {
		if (pages > UINT32_MAX)
			die(2, "--pages too large for discard");
		write_discard(out, seed, (uint32_t)pages);
	} else {
		page = xmalloc(PAGE);
		for (uint64_t i = 0; i < pages; i++) {
			gen_page(&g, page);
			if (fwrite(page, PAGE, 1, out) != 1)
				die(1, "%s: %s", out_path, strerror(errno));
		}
		free(page);
	}
	if (fflush(out) != 0 || ferror(out))
		die(1, "%s: write error: %s", out_path, strerror(errno));
	if (out != stdout && fclose(out) != 0) {
		die(1, "%s: %s", out_path, strerror(errno));
	}
	if (g.sweep.missed)
		fprintf(stderr, "mkcorpus: sweep: %zu page(s) outside their lz4 band (closest size used)\n",
			g.sweep.missed);
	if (g.have_text)
		text_free(&g.text);
	if (g.have_elf)
		elf_free(&g.elf);
	free(g.sweep.targets);
	return 0;
}
