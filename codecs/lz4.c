/*
 * codec_lz4.c - lz4, through liblz4.
 *
 * Kernel: lib/lz4 is a port of LZ4 1.7.3 (since 4.11); zram >= 6.12 calls
 * LZ4_compress_fast with acceleration = its level (default 1), older zram and
 * zswap reach the same function through the crypto API's LZ4_compress_default.
 * Model: liblz4's LZ4_compress_fast with the same acceleration.  Measured on
 * this machine's 6.18 (kernel-facts section 0): liblz4 1.9.4 gives the kernel's
 * size on 93-100% of pages; on the rest the kernel is 1-6 bytes larger; totals
 * agree within 0.01%.  We do not model that difference.
 */
#include "codec.h"

#include <lz4.h>

struct lz4_priv {
	int accel;
};

static int lz4_init(void *priv, int level)
{
	((struct lz4_priv *)priv)->accel = level;
	return 0;
}

static int lz4_compress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	const struct lz4_priv *p = priv;
	int n = LZ4_compress_fast((const char *)src, (char *)dst, (int)len, (int)cap, p->accel);
	return n > 0 ? n : ZSIM_EINVAL;
}

static int lz4_decompress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	(void)priv;
	int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)len, (int)cap);
	return n >= 0 ? n : ZSIM_EFORMAT;
}

const struct zsim_codec_ops zsim_codec_lz4 = {
	.name = "lz4",
	/* Time model: a fixed cost per page plus a cost per KiB of compressed
	 * output, the straight line `zsim calibrate --pages 8000` fitted on the
	 * project's build machine (x86-64, 2026-11; two runs averaged).  The
	 * earlier constants (zram's mean 4 KiB read latency, kernel-facts 7: lz4
	 * 1.7, lzo-rle 2.2, lzo 2.4, zstd 5.7 us) fall within the line's range. */
	.compress_ns = 2050,
	.decompress_ns = 1500,
	.compress_ns_per_kib = 3000,
	.decompress_ns_per_kib = 0,
	.priv_size = sizeof(struct lz4_priv),
	.has_level = 1,
	.default_level = 1,            /* acceleration 1: LZ4_compress_default */
	.min_level = 1,
	.max_level = 65537,            /* LZ4_ACCELERATION_MAX */
	.init = lz4_init,
	.compress = lz4_compress,
	.decompress = lz4_decompress,
};
