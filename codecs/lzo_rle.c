/*
 * codec_lzo_rle.c - lzo-rle, zram's default compressor, re-implemented.
 *
 * Kernel: lib/lzo/lzo1x_compress.c (lzorle1x_1_compress, v5.1 and later; the
 * newest change, ≈v6.15, only added output-overrun checks) and
 * lib/lzo/lzo1x_decompress_safe.c, with the constants of lib/lzo/lzodefs.h.
 * No library ships lzo-rle, and liblzo2's LZO1X-1 variants differ from the
 * kernel's encoder, so sizes that match the kernel need the kernel's algorithm.
 * This file follows the facts of the 6.x sources on x86-64 and was checked
 * against zram on the 6.18 kernel (see tests/unit/test_lzo_rle.c).
 *
 * What the kernel does.  The input is cut into blocks of at most
 * M4_MAX_OFFSET + 1 bytes (so every back-reference fits an M4 distance); a
 * 4 KiB page is one block.  Per block, a dictionary of 2^13 16-bit positions is
 * cleared to zero (so an empty slot points at the block's first byte, and a
 * match there is accepted if its four bytes agree).  The scan starts at byte 4
 * and looks at one position after another; before each look it steps forward
 * by 1 + (bytes since the last emitted instruction) / 32, so incompressible
 * data is crossed ever faster.  At a position it reads the next four bytes as a
 * little-endian word.  In lzo-rle mode a zero word starts a zero run: the run
 * is measured (at most 2051 bytes, never past the scan limit) and becomes one
 * 4-byte instruction, and the dictionary is not touched.  Otherwise the word is
 * hashed (multiply by 0x1824429d, keep the top 13 bits), the slot's old
 * position is the candidate and the slot takes the current position; the
 * candidate is a match only if its four bytes equal the word.  A match is
 * extended 8 bytes at a time (stopping, without the final partial word, once
 * the end passes the scan limit), then coded as M2 (length <= 8 and distance
 * <= 2 KiB, 2 bytes), M3 (distance <= 16 KiB) or M4, with the literals before
 * it coded first: up to 3 literals ride in the low two bits of the previous
 * instruction, up to 18 take one byte, more take a zero byte and a 255-based
 * length.  After a match or a run the scan resumes at once, without a step.
 * The scan stops 20 bytes before the block's end; what is left, and any
 * input shorter than 21 bytes, is coded as a final literal run (a lone run
 * at the very start uses the short form 17 + n), then the end marker
 * (17, 0, 0).  lzo-rle puts the header (17, 1) in front of every stream.
 *
 * The zero-run instruction lives in M4 space: lowering M4_MAX_OFFSET from
 * 0xbfff to 0xbffe frees the M4 code whose distance field is all ones; the run
 * length minus 4 is split into its low 3 bits (in the M4 length field) and its
 * high 8 bits (a fourth byte).  The decoder recognises it before reading any
 * M4 length extension.
 *
 * What we keep: everything that decides the output bytes.  What we drop: the
 * kernel's word-at-a-time copying and the 32-bit-CPU paths (they give the same
 * bytes), and its output-overrun checks (the caller gives a buffer of the
 * worst-case size instead).  The code is our own; only the format and the
 * constants come from the kernel.
 */
#include "codec.h"
#include "lzo_kernel.h"

#include <string.h>

/* Block size limits (lzodefs.h): M4 distances reach 0xbfff, or 0xbffe once
 * lzo-rle has taken the last code for its zero runs. */
#define LZO_M4_MAX_OFFSET_V0  0xbfffu
#define LZO_M4_MAX_OFFSET_V1  0xbffeu
#define LZO_M2_MAX_OFFSET     0x0800u  /* M2: 2-byte code, distance 1..2048 */
#define LZO_M3_MAX_OFFSET     0x4000u  /* M3: distance 1..16384 */
#define LZO_M2_MAX_LEN        8u
#define LZO_M3_MAX_LEN        33u      /* longer ones take a length extension */
#define LZO_M4_MAX_LEN        9u
#define LZO_M3_MARKER         0x20u
#define LZO_M4_MARKER         0x10u
#define LZO_MIN_ZERO_RUN      4u       /* a zero word is 4 bytes */
#define LZO_MAX_ZERO_RUN      (2047u + LZO_MIN_ZERO_RUN)  /* 11 bits of length */
#define LZO_DICT_BITS         13u      /* 8192 slots of 16 bits = 16 KiB wrkmem */
#define LZO_HASH_MUL          0x1824429du
#define LZO_TAIL              20u      /* the scan stops this far before a block's end */
#define LZO_SHORT_FIRST_MAX   238u     /* a lone first literal run coded as 17 + n */
#define LZO_RLE_VERSION       1u       /* bitstream version byte after the 17 */

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

/* The output cursor; `state` indexes the byte whose low two bits carry the
 * count (1..3) of short literals that follow the last instruction. */
struct lzo_out {
	uint8_t *buf;
	size_t n;
	size_t state;
};

static inline void put(struct lzo_out *o, unsigned v)
{
	o->buf[o->n++] = (uint8_t)v;
}

/* A length beyond what the opcode holds: 255 per zero byte, then the rest. */
static void put_long_len(struct lzo_out *o, size_t rest)
{
	for (; rest > 255; rest -= 255)
		put(o, 0);
	put(o, (unsigned)rest);
}

/* The literals src[from..from+count), coded after a match, a run or nothing. */
static void put_literals(struct lzo_out *o, const uint8_t *src, size_t from, size_t count)
{
	if (count == 0)
		return;
	if (count <= 3)
		o->buf[o->state] |= (uint8_t)count;
	else if (count <= 18)
		put(o, (unsigned)(count - 3));
	else {
		put(o, 0);
		put_long_len(o, count - 18);
	}
	memcpy(o->buf + o->n, src + from, count);
	o->n += count;
}

static void put_match(struct lzo_out *o, size_t dist, size_t mlen)
{
	if (mlen <= LZO_M2_MAX_LEN && dist <= LZO_M2_MAX_OFFSET) {
		size_t d = dist - 1;
		o->state = o->n;
		put(o, (unsigned)((mlen - 1) << 5 | (d & 7) << 2));
		put(o, (unsigned)(d >> 3));
		return;
	}
	size_t d;
	if (dist <= LZO_M3_MAX_OFFSET) {
		d = dist - 1;
		if (mlen <= LZO_M3_MAX_LEN)
			put(o, (unsigned)(LZO_M3_MARKER | (mlen - 2)));
		else {
			put(o, LZO_M3_MARKER);
			put_long_len(o, mlen - LZO_M3_MAX_LEN);
		}
	} else {
		d = dist - 0x4000;
		unsigned hi = (unsigned)((d >> 11) & 8);
		if (mlen <= LZO_M4_MAX_LEN)
			put(o, (unsigned)(LZO_M4_MARKER | hi | (mlen - 2)));
		else {
			put(o, LZO_M4_MARKER | hi);
			put_long_len(o, mlen - LZO_M4_MAX_LEN);
		}
	}
	o->state = o->n;
	put(o, (unsigned)((d << 2) & 0xff));
	put(o, (unsigned)((d >> 6) & 0xff));
}

/* A zero run of 4..2051 bytes: an M4 code with distance field 0x3fff. */
static void put_zero_run(struct lzo_out *o, size_t run)
{
	size_t r = run - LZO_MIN_ZERO_RUN;
	put(o, (unsigned)(0x18 | (r & 7)));
	o->state = o->n;
	put(o, 0xfc);
	put(o, 0xff);
	put(o, (unsigned)(r >> 3));
}

/*
 * Length of the match at src[ip] against src[cand], of which 4 bytes are known
 * equal, measured as the kernel's 64-bit x86 path does: 8 bytes at a time, and
 * once the end has passed scan_end the last whole step is kept as is.
 */
static size_t match_length(const uint8_t *src, size_t ip, size_t cand, size_t scan_end)
{
	size_t mlen = 4;
	uint64_t diff = load_le64(src + ip + mlen) ^ load_le64(src + cand + mlen);
	while (diff == 0) {
		mlen += 8;
		if (ip + mlen >= scan_end)
			return mlen;
		diff = load_le64(src + ip + mlen) ^ load_le64(src + cand + mlen);
	}
	return mlen + (size_t)__builtin_ctzll(diff) / 8;
}

/* Zero bytes from src[ip] (4 known), up to limit, capped at LZO_MAX_ZERO_RUN. */
static size_t zero_run_length(const uint8_t *src, size_t ip, size_t scan_end)
{
	size_t limit = ip + LZO_MAX_ZERO_RUN + 1;
	if (limit > scan_end)
		limit = scan_end;
	size_t r = ip + LZO_MIN_ZERO_RUN;
	while (r < limit && src[r] == 0)
		r++;
	size_t run = r - ip;
	return run > LZO_MAX_ZERO_RUN ? LZO_MAX_ZERO_RUN : run;
}

/*
 * One block src[base..base+blen) (blen > LZO_TAIL).  `carry` literals that end
 * at base are still unwritten; returns how many literals at the block's end
 * (counting carried ones still unwritten) are left for the caller.
 */
static size_t compress_block(const uint8_t *src, size_t base, size_t blen, size_t carry,
			     struct lzo_out *o, uint16_t *dict, bool rle)
{
	const size_t scan_end = base + blen - LZO_TAIL;
	size_t lit = base;      /* first byte not yet coded (in this block) */
	size_t ip = base + (carry < 4 ? 4 - carry : 0);
	bool step = true;

	memset(dict, 0, sizeof(uint16_t) << LZO_DICT_BITS);
	for (;;) {
		if (step)
			ip += 1 + ((ip - lit) >> 5);
		step = true;
		if (ip >= scan_end)
			break;
		uint32_t word = load_le32(src + ip);
		size_t run = 0, cand = 0;
		if (word == 0 && rle) {
			run = zero_run_length(src, ip, scan_end);
		} else {
			uint32_t slot = (uint32_t)(word * LZO_HASH_MUL) >> (32 - LZO_DICT_BITS);
			cand = base + dict[slot];
			dict[slot] = (uint16_t)(ip - base);
			if (load_le32(src + cand) != word)
				continue;
		}
		put_literals(o, src, lit - carry, ip - (lit - carry));
		carry = 0;
		if (run) {
			put_zero_run(o, run);
			ip += run;
		} else {
			size_t mlen = match_length(src, ip, cand, scan_end);
			put_match(o, ip - cand, mlen);
			ip += mlen;
		}
		lit = ip;
		step = false;
	}
	return base + blen - (lit - carry);
}

int zsim_lzo1x_kernel_compress(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
			       bool rle, void *wrkmem)
{
	if (cap < ZSIM_LZO_KERNEL_BOUND(len))
		return ZSIM_ENOSPC;
	struct lzo_out o = { .buf = dst, .n = 0, .state = 0 };
	size_t max_block;
	if (rle) {
		put(&o, 17);
		put(&o, LZO_RLE_VERSION);
		max_block = LZO_M4_MAX_OFFSET_V1 + 1;
	} else {
		max_block = LZO_M4_MAX_OFFSET_V0 + 1;
	}
	const size_t data_start = o.n;
	/* Before any instruction, the first literal run is never short (>= 5). */
	o.state = data_start;

	size_t pos = 0, left = len, pending = 0;
	while (left > LZO_TAIL) {
		size_t blen = left < max_block ? left : max_block;
		pending = compress_block(src, pos, blen, pending, &o, wrkmem, rle);
		pos += blen;
		left -= blen;
	}
	pending += left;

	if (pending > 0) {
		size_t from = len - pending;
		if (o.n == data_start && pending <= LZO_SHORT_FIRST_MAX) {
			put(&o, (unsigned)(17 + pending));
			memcpy(o.buf + o.n, src + from, pending);
			o.n += pending;
		} else {
			put_literals(&o, src, from, pending);
		}
	}
	/* End of stream: an M4 code of length 3 and distance 0x4000 + 0. */
	put(&o, LZO_M4_MARKER | 1);
	put(&o, 0);
	put(&o, 0);
	return (int)o.n;
}

/* ---- decoder ---------------------------------------------------------- */

struct lzo_in {
	const uint8_t *p;
	size_t n, i;
};

/* Reads a 255-based length extension; `base` is what the opcode's zero means. */
static int get_long_len(struct lzo_in *in, size_t base, size_t *out)
{
	size_t zeros = 0;
	while (in->i < in->n && in->p[in->i] == 0) {
		in->i++;
		zeros++;
	}
	if (in->i >= in->n)
		return ZSIM_EFORMAT;
	*out = base + zeros * 255 + in->p[in->i++];
	return 0;
}

static int copy_lits(struct lzo_in *in, uint8_t *dst, size_t *op, size_t cap, size_t count)
{
	if (in->n - in->i < count)
		return ZSIM_EFORMAT;
	if (cap - *op < count)
		return ZSIM_ENOSPC;
	memcpy(dst + *op, in->p + in->i, count);
	in->i += count;
	*op += count;
	return 0;
}

int zsim_lzo1x_kernel_decompress(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
				 bool rle)
{
	struct lzo_in in = { .p = src, .n = len, .i = 0 };
	size_t op = 0;
	unsigned version = 0;
	unsigned state = 0;   /* 0: after literals-or-start, 1..3: short lits, 4: long lits */
	int err;

	if (rle && len >= 5 && src[0] == 17) {
		version = src[1];
		in.i = 2;
	}
	if (in.n - in.i < 3)
		return ZSIM_EFORMAT;
	if (src[in.i] > 17) {
		size_t t = src[in.i++] - 17u;
		if ((err = copy_lits(&in, dst, &op, cap, t)) < 0)
			return err;
		state = t < 4 ? (unsigned)t : 4;
	}
	for (;;) {
		if (in.i >= in.n)
			return ZSIM_EFORMAT;
		unsigned t = src[in.i++];
		size_t mlen, dist;
		unsigned next;
		if (t < 16) {
			if (state == 0) {
				size_t count = t + 3;
				if (t == 0 && (err = get_long_len(&in, 18, &count)) < 0)
					return err;
				if ((err = copy_lits(&in, dst, &op, cap, count)) < 0)
					return err;
				state = 4;
				continue;
			}
			if (in.i >= in.n)
				return ZSIM_EFORMAT;
			next = t & 3;
			if (state < 4) {      /* M1: 2 bytes from up to 1 KiB back */
				mlen = 2;
				dist = 1 + (t >> 2) + ((size_t)src[in.i++] << 2);
			} else {              /* 3 bytes from 2..3 KiB back */
				mlen = 3;
				dist = 1 + LZO_M2_MAX_OFFSET + (t >> 2) + ((size_t)src[in.i++] << 2);
			}
		} else if (t >= 64) {         /* M2 */
			if (in.i >= in.n)
				return ZSIM_EFORMAT;
			next = t & 3;
			mlen = (t >> 5) + 1;
			dist = 1 + ((t >> 2) & 7) + ((size_t)src[in.i++] << 3);
		} else if (t >= 32) {         /* M3 */
			mlen = (t & 31) + 2;
			if (mlen == 2 && (err = get_long_len(&in, 2 + 31, &mlen)) < 0)
				return err;
			if (in.n - in.i < 2)
				return ZSIM_EFORMAT;
			unsigned w = src[in.i] | (unsigned)src[in.i + 1] << 8;
			in.i += 2;
			next = w & 3;
			dist = 1 + (w >> 2);
		} else {                      /* M4, the zero run, or the end */
			if (in.n - in.i < 2)
				return ZSIM_EFORMAT;
			unsigned w = src[in.i] | (unsigned)src[in.i + 1] << 8;
			if (version && (t & 0xf8) == 0x18 && (w & 0xfffc) == 0xfffc) {
				if (in.n - in.i < 3)
					return ZSIM_EFORMAT;
				size_t run = ((t & 7) | (size_t)src[in.i + 2] << 3) + LZO_MIN_ZERO_RUN;
				in.i += 3;
				if (cap - op < run)
					return ZSIM_ENOSPC;
				memset(dst + op, 0, run);
				op += run;
				next = w & 3;
				goto literals_after;
			}
			mlen = (t & 7) + 2;
			if (mlen == 2 && (err = get_long_len(&in, 2 + 7, &mlen)) < 0)
				return err;
			if (in.n - in.i < 2)
				return ZSIM_EFORMAT;
			w = src[in.i] | (unsigned)src[in.i + 1] << 8;
			in.i += 2;
			next = w & 3;
			dist = ((size_t)(t & 8) << 11) + (w >> 2);
			if (dist == 0) {
				if (mlen != 3)
					return ZSIM_EFORMAT;
				return in.i == in.n ? (int)op : ZSIM_EFORMAT;
			}
			dist += 0x4000;
		}
		if (dist > op)
			return ZSIM_EFORMAT;
		if (cap - op < mlen)
			return ZSIM_ENOSPC;
		for (size_t k = 0; k < mlen; k++, op++)
			dst[op] = dst[op - dist];
literals_after:
		state = next;
		if ((err = copy_lits(&in, dst, &op, cap, next)) < 0)
			return err;
	}
}

/* ---- the codec member ------------------------------------------------- */

struct lzo_rle_priv {
	uint16_t dict[ZSIM_LZO_KERNEL_WRKMEM / sizeof(uint16_t)];
};

static int lzo_rle_compress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	struct lzo_rle_priv *p = priv;
	return zsim_lzo1x_kernel_compress(src, len, dst, cap, true, p->dict);
}

static int lzo_rle_decompress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	(void)priv;
	return zsim_lzo1x_kernel_decompress(src, len, dst, cap, true);
}

const struct zsim_codec_ops zsim_codec_lzo_rle = {
	.name = "lzo-rle",
	/* Time model: a fixed cost per page plus a cost per KiB of compressed
	 * output, the straight line `zsim calibrate --pages 8000` fitted on the
	 * project's build machine (x86-64, 2026-11; two runs averaged).  The
	 * earlier constants (zram's mean 4 KiB read latency, kernel-facts 7: lz4
	 * 1.7, lzo-rle 2.2, lzo 2.4, zstd 5.7 us) fall within the line's range. */
	.compress_ns = 1930,
	.decompress_ns = 1860,
	.compress_ns_per_kib = 3500,
	.decompress_ns_per_kib = 2245,
	.priv_size = sizeof(struct lzo_rle_priv),
	.has_level = 0,
	.compress = lzo_rle_compress,
	.decompress = lzo_rle_decompress,
};
