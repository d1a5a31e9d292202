/*
 * lzo_kernel.h - the Linux kernel's LZO1X-1 encoder (lib/lzo), plain and with
 * the lzo-rle zero-run extension, plus a safe decoder for both.
 *
 * The codec member "lzo-rle" (codec_lzo_rle.c) is built on these; the plain
 * mode exists so the encoder can be checked byte for byte against liblzo2 and
 * against the kernel's "lzo" compressor.  See codec_lzo_rle.c for the design.
 */
#ifndef ZSIM_LZO_KERNEL_H
#define ZSIM_LZO_KERNEL_H

#include "../core/zsim.h"

/* Scratch the encoder needs: the kernel's 13-bit dictionary of 16-bit positions. */
#define ZSIM_LZO_KERNEL_WRKMEM (8192u * 2u)

/*
 * Output capacity that always suffices for n input bytes: LZO1X's worst case
 * (n + n/16 + 64 + 3) plus the 2-byte lzo-rle header.
 */
#define ZSIM_LZO_KERNEL_BOUND(n) ((n) + (n) / 16 + 64 + 3 + 2)

/*
 * Compress src[0..len) as the kernel does: lzo1x_1_compress (rle false) or
 * lzorle1x_1_compress (rle true).  wrkmem: ZSIM_LZO_KERNEL_WRKMEM bytes, any
 * contents (it is cleared per block).
 * pre: cap >= ZSIM_LZO_KERNEL_BOUND(len).
 * Returns the compressed length (>= 3), or ZSIM_ENOSPC if cap is too small.
 * Cost: one pass over the input, O(len).
 */
int zsim_lzo1x_kernel_compress(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
			       bool rle, void *wrkmem);

/*
 * Decompress an LZO1X stream into dst[0..cap).  With rle true, a stream that
 * starts with the lzo-rle header (17, version) is read as lzo-rle (version 1
 * enables the zero-run instruction); without the header it is plain LZO1X, as
 * the kernel's decoder does.  Every read and write is bounds-checked.
 * Returns the decompressed length, or ZSIM_EFORMAT for a malformed or
 * truncated stream, ZSIM_ENOSPC if the output does not fit.
 */
int zsim_lzo1x_kernel_decompress(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
				 bool rle);

#endif
