/*
 * codec_zstd.c - zstd at a level, through libzstd.
 *
 * Kernel: zram >= 6.12 has its own zstd back-end: level = algorithm_params'
 * level or 3, parameters chosen for a PAGE_SIZE source (zstd_get_params(level,
 * 4096)), one standard frame per page.  Model: ZSTD_compressCCtx on the 4 KiB
 * page, which picks the same small-source parameters from the source size.
 * The kernel's zstd copy lags upstream by some releases, so sizes may differ
 * by a few bytes (kernel-facts 8c); not measured here: this machine's zram
 * offers no zstd.  zswap's crypto zstd used other window parameters; not
 * modelled.
 */
#include "codec.h"

#include <zstd.h>

struct zstd_priv {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	int level;
};

static int zstd_init(void *priv, int level)
{
	struct zstd_priv *p = priv;
	p->level = level;
	p->cctx = ZSTD_createCCtx();
	p->dctx = ZSTD_createDCtx();
	if (!p->cctx || !p->dctx) {
		ZSTD_freeCCtx(p->cctx);
		ZSTD_freeDCtx(p->dctx);
		return ZSIM_ENOMEM;
	}
	return 0;
}

static void zstd_fini(void *priv)
{
	struct zstd_priv *p = priv;
	ZSTD_freeCCtx(p->cctx);
	ZSTD_freeDCtx(p->dctx);
}

static int zstd_compress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	struct zstd_priv *p = priv;
	size_t n = ZSTD_compressCCtx(p->cctx, dst, cap, src, len, p->level);
	return ZSTD_isError(n) ? ZSIM_EINVAL : (int)n;
}

static int zstd_decompress(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	struct zstd_priv *p = priv;
	size_t n = ZSTD_decompressDCtx(p->dctx, dst, cap, src, len);
	return ZSTD_isError(n) ? ZSIM_EFORMAT : (int)n;
}

const struct zsim_codec_ops zsim_codec_zstd = {
	.name = "zstd",
	/* Time model: a fixed cost per page plus a cost per KiB of compressed
	 * output, the straight line `zsim calibrate --pages 8000` fitted on the
	 * project's build machine (x86-64, 2026-11; two runs averaged).  The
	 * earlier constants (zram's mean 4 KiB read latency, kernel-facts 7: lz4
	 * 1.7, lzo-rle 2.2, lzo 2.4, zstd 5.7 us) fall within the line's range. */
	.compress_ns = 6950,
	.decompress_ns = 3950,
	.compress_ns_per_kib = 9480,
	.decompress_ns_per_kib = 1140,
	.priv_size = sizeof(struct zstd_priv),
	.has_level = 1,
	.default_level = 3,            /* ZSTD_CLEVEL_DEFAULT, the kernel's default too */
	.min_level = -131072,          /* ZSTD_minCLevel() of libzstd 1.5 */
	.max_level = 22,
	.init = zstd_init,
	.fini = zstd_fini,
	.compress = zstd_compress,
	.decompress = zstd_decompress,
};
