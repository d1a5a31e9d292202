/*
 * content.h - synthetic page content: deterministic bytes for a (class, seed).
 *
 * Compression depends on what is in a page, so zsim generates real bytes and
 * runs real codecs on them.  Each class imitates a kind of page a workload
 * holds; the same (class, seed) always gives the same 4096 bytes.
 */
#ifndef ZSIM_CONTENT_H
#define ZSIM_CONTENT_H

#include "zsim.h"

enum zsim_content_class {
	ZSIM_CONTENT_ZERO,     /* all zero bytes */
	ZSIM_CONTENT_SAME,     /* one 8-byte pattern repeated (zram's same-filled page) */
	ZSIM_CONTENT_TEXT,     /* C-source-like text from a fixed vocabulary */
	ZSIM_CONTENT_BINARY,   /* x86-64 machine-code-like bytes (ELF text) */
	ZSIM_CONTENT_HEAP,     /* pointer-heavy heap: pointers, small integers, zeroes */
	ZSIM_CONTENT_RANDOM,   /* incompressible */
	ZSIM_CONTENT_MIX,      /* each page one of the above, drawn by its seed */
	ZSIM_CONTENT_NR,
};

/* Name <-> class ("zero", "same", "text", "binary", "heap", "random", "mix"). */
const char *zsim_content_name(enum zsim_content_class c);
int zsim_content_parse(const char *name, enum zsim_content_class *out);
void zsim_content_names(char *buf, size_t len);

/* Fill page[4096] with the bytes of (class, seed).  Cost: O(4096). */
void zsim_content_fill(enum zsim_content_class c, uint64_t seed, uint8_t *page);

#endif
