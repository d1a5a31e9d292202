/*
 * content.h - synthetic page content: deterministic bytes for a (class, seed).
 *
 * Compression depends on what is in a page, so zsim generates real bytes and
 * runs real codecs on them.  Each class imitates a kind of page a workload
 * holds; the same (class, seed) always gives the same 4096 bytes.
 */
#ifndef ZSIM_CONTENT_H
#define ZSIM_CONTENT_H

#include "../core/zsim.h"

enum zsim_content_class {
	ZSIM_CONTENT_ZERO,     /* all zero bytes */
	ZSIM_CONTENT_SAME,     /* one 8-byte pattern repeated (zram's same-filled page) */
	ZSIM_CONTENT_TEXT,     /* C-source-like text from a fixed vocabulary */
	ZSIM_CONTENT_BINARY,   /* x86-64 machine-code-like bytes (ELF text) */
	ZSIM_CONTENT_HEAP,     /* pointer-heavy heap: pointers, small integers, zeroes */
	ZSIM_CONTENT_RANDOM,   /* incompressible */
	ZSIM_CONTENT_MIX,      /* each page one of the above, drawn by its seed */
	ZSIM_CONTENT_RATIO,    /* liblz4 compresses it to about 4096/ratio bytes (param: ratio) */
	ZSIM_CONTENT_CORPUS,   /* page number `seed` of the trace's corpus file */
	ZSIM_CONTENT_NR,
};

/* The ratio class: param is the target lz4 ratio in tenths (25 = 2.5:1). */
#define ZSIM_CONTENT_RATIO_MIN     10   /* 1.0:1, incompressible */
#define ZSIM_CONTENT_RATIO_DEFAULT 25   /* when zsim_content_fill() gives no param */

/* What a written page holds: a class, its parameter and a seed (traces carry these). */
struct zsim_content_ref {
	uint8_t cls;       /* enum zsim_content_class */
	uint8_t param;     /* class parameter (ratio: target ratio in tenths), 0 if none */
	uint64_t seed;     /* seed; for a corpus page, its index in the corpus */
};

/* Name <-> class ("zero", "same", "text", "binary", "heap", "random", "mix",
 * "ratio", "corpus"). */
const char *zsim_content_name(enum zsim_content_class c);
int zsim_content_parse(const char *name, enum zsim_content_class *out);
void zsim_content_names(char *buf, size_t len);

/*
 * Fill page[4096] with the bytes of (class, seed).  Cost: O(4096); the ratio
 * class runs liblz4 two to four times (about 20 us).  The ratio class uses
 * ZSIM_CONTENT_RATIO_DEFAULT; the corpus class cannot be made from a seed alone
 * and gives a zero page here (read it with zsim_content_corpus_read()).
 */
void zsim_content_fill(enum zsim_content_class c, uint64_t seed, uint8_t *page);

/*
 * The same with the class parameter: for ZSIM_CONTENT_RATIO, param is the
 * target ratio in tenths (pre: param >= ZSIM_CONTENT_RATIO_MIN; smaller values
 * are taken as the minimum); other classes ignore it.
 */
void zsim_content_fill_param(enum zsim_content_class c, unsigned param, uint64_t seed,
			     uint8_t *page);

/*
 * A corpus: a file of raw 4096-byte pages, page i at offset 4096*i.
 * open: 0, or ZSIM_ESYS (cannot open/stat) / ZSIM_EFORMAT (size not a positive
 * multiple of 4096) with one line "PATH: what" in err.
 * read: copies page `index` into page[4096]; ZSIM_ERANGE if index >= pages,
 * ZSIM_ESYS on a read error, with the message in err.  Cost: one pread.
 * The handle holds no hidden state besides the fd: reads may be in any order.
 */
struct zsim_corpus;
int zsim_content_corpus_open(const char *path, struct zsim_corpus **out, char *err, size_t errlen);
uint64_t zsim_content_corpus_pages(const struct zsim_corpus *c);
int zsim_content_corpus_read(struct zsim_corpus *c, uint64_t index, uint8_t *page,
			     char *err, size_t errlen);
void zsim_content_corpus_close(struct zsim_corpus *c);

#endif
