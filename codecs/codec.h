/*
 * codec.h - the codec family: real compressors run on real page bytes.
 *
 * Each member is one file (codecs/, one file each) exporting one `const struct
 * zsim_codec_ops`.  The core (codec.c) keeps the registry, allocates each
 * instance's private state (priv_size bytes), and caches compressed sizes keyed
 * by the page's content hash, so a page seen again is not compressed again.
 *
 * Which compressor matches the kernel's, byte for byte, is documented in each
 * member's header (see ../shared/kernel-facts.md section 0 for the measurements).
 */
#ifndef ZSIM_CODEC_H
#define ZSIM_CODEC_H

#include "../core/zsim.h"

/* Worst-case output for one 4 KiB page, for any member (lzo: n + n/16 + 64 + 3). */
#define ZSIM_CODEC_DST_MAX (2 * ZSIM_PAGE_SIZE)

struct zsim_codec_ops {
	const char *name;     /* the kernel's name: "lz4", "lzo", "lzo-rle", "zstd" */
	size_t priv_size;     /* bytes of per-instance state the core allocates (zeroed) */
	int has_level;        /* 1 if `level` means something for this codec */
	int default_level;    /* the kernel's default level (zstd: 3) */
	int min_level, max_level;
	/*
	 * Time model: CPU ns to compress / decompress one 4 KiB page on the
	 * reference machine, a fixed part plus a part per KiB of compressed
	 * output (documented in each member; `zsim calibrate` measures this
	 * machine's; zsim_codec_cost).  Same-filled pages never reach the codec.
	 */
	uint32_t compress_ns, decompress_ns;
	uint32_t compress_ns_per_kib, decompress_ns_per_kib;
	/* Optional: prepare priv for `level`. NULL: nothing to prepare. Returns 0 or ZSIM_E*. */
	int (*init)(void *priv, int level);
	/* Optional: release what init() took. */
	void (*fini)(void *priv);
	/*
	 * Compress src[0..len) into dst (capacity dst_cap >= ZSIM_CODEC_DST_MAX when
	 * len <= ZSIM_PAGE_SIZE).  Returns the compressed length (> 0) or a negative
	 * ZSIM_E* code.  Must be deterministic: same bytes, same output.
	 */
	int (*compress)(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap);
	/* Decompress; returns the decompressed length or a negative ZSIM_E* code. */
	int (*decompress)(void *priv, const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap);
};

/*
 * CPU ns to compress or decompress a page whose compressed length is `len`
 * bytes: fixed + per_kib x len / 1024.  A page that does not compress (len of
 * a page or more) costs the fixed part only: the codecs skip ahead on data
 * without matches (calibrate.c measured it so).
 */
static inline uint64_t zsim_codec_cost(uint32_t fixed, uint32_t per_kib, size_t len)
{
	if (len >= ZSIM_PAGE_SIZE)
		return fixed;
	return fixed + ((uint64_t)per_kib * len + 512) / 1024;
}

/* Registry (phone book, see codec.c). */
const struct zsim_codec_ops *zsim_codec_find(const char *name);
size_t zsim_codec_count(void);
const struct zsim_codec_ops *zsim_codec_at(size_t i);
/* Writes the member names, comma-separated, into buf (for error messages). */
void zsim_codec_names(char *buf, size_t len);

/* One configured codec instance, with its size cache. */
struct zsim_codec;

struct zsim_codec_stats {
	uint64_t compress_calls;   /* pages actually run through the compressor */
	uint64_t cache_hits;       /* pages whose size came from the cache */
	uint64_t cache_entries;
	uint64_t compress_wall_ns;  /* wall-clock time spent in the compressor (not simulated) */
};

/* pre: name registered; level in range or -1 for the default. Returns 0, ZSIM_ENOENT or ZSIM_EINVAL. */
int zsim_codec_new(const char *name, int level, struct zsim_codec **out);
void zsim_codec_free(struct zsim_codec *c);
const struct zsim_codec_ops *zsim_codec_ops_of(const struct zsim_codec *c);
int zsim_codec_level(const struct zsim_codec *c);

/*
 * Compressed length of one 4 KiB page.  Looks the page's content hash up in
 * the cache; on a miss runs the compressor and remembers the result.
 * Returns the length (> 0) or a negative ZSIM_E* code.  Cost: one hash of the
 * page, plus one compression on a miss.
 */
int zsim_codec_page_len(struct zsim_codec *c, const uint8_t *page);

/* Same, but the caller supplies the content hash it already computed. */
int zsim_codec_page_len_hashed(struct zsim_codec *c, const uint8_t *page, uint64_t hash);

/* What is known about a page's content under this codec. */
struct zsim_page_info {
	int32_t len;        /* compressed length; 0 when same-filled */
	bool same;          /* all 512 eight-byte words equal (zram's same-filled page) */
	uint64_t pattern;   /* the word, when same */
};

/* Look a content hash up; true and *out if known.  Cost: one probe. */
bool zsim_codec_cache_get(struct zsim_codec *c, uint64_t hash, struct zsim_page_info *out);
/* Remember what a page's content gives. */
void zsim_codec_cache_put(struct zsim_codec *c, uint64_t hash, const struct zsim_page_info *in);

/* Compress one page into dst (no cache); for tests and decompress checks. */
int zsim_codec_compress_page(struct zsim_codec *c, const uint8_t *page, uint8_t *dst, size_t dst_cap);

void zsim_codec_get_stats(const struct zsim_codec *c, struct zsim_codec_stats *st);

/* Size the cache for about n distinct pages up front (avoids regrowing). */
void zsim_codec_reserve(struct zsim_codec *c, uint64_t n);

/* zram's same-filled test: every 8-byte word equals the first (the last word is
 * compared first, as the kernel does, for a quick reject).  Sets *pattern. */
bool zsim_page_same_filled(const uint8_t *page, uint64_t *pattern);

/* 64-bit content hash of one page (XXH3); the cache key. */
uint64_t zsim_page_hash(const uint8_t *page);

extern const struct zsim_codec_ops zsim_codec_lz4;
extern const struct zsim_codec_ops zsim_codec_lzo;
extern const struct zsim_codec_ops zsim_codec_lzo_rle;
extern const struct zsim_codec_ops zsim_codec_zstd;

#endif
