/*
 * tier.h - the tier family: the places a page can be stored below RAM.
 *
 * A tier is a block-addressed store of 4 KiB pages: zram (compressed, in RAM),
 * the plain devices (ssd, emmc, hdd, nvram, nas), and later zswap and
 * dm-cache.  A tier can sit in front of another (params.lower) and move pages
 * down to it (ops.writeback): zram over its backing_dev is the first such pair.
 * Each member is one file in tiers/ exporting one `const struct zsim_tier_ops`.
 *
 * Counters are reported as named values (the kernel's own names, in the
 * kernel's order where the kernel prints a line of them, e.g. zram's mm_stat),
 * so a front end can print any tier without knowing its type.
 */
#ifndef ZSIM_TIER_H
#define ZSIM_TIER_H

#include "../core/zsim.h"
#include "../core/kprofile.h"
#include "../allocators/allocator.h"

/*
 * What a store writes: the page's bytes, or a way to make them.  `hash`
 * identifies the content (0 = hash the bytes); a tier that has seen the hash
 * before may never call fill(), which is how replays avoid generating and
 * compressing a page twice.
 */
struct zsim_page_ref {
	const uint8_t *bytes;                       /* NULL: call fill() when the bytes are needed */
	uint64_t hash;
	void (*fill)(const void *ctx, uint8_t *buf);  /* writes 4096 bytes */
	const void *ctx;
};

struct zsim_codec;

/* zram writeback modes (echo MODE > /sys/block/zramN/writeback) */
enum zsim_wb_mode { ZSIM_WB_NONE, ZSIM_WB_IDLE, ZSIM_WB_HUGE, ZSIM_WB_HUGE_IDLE };

struct zsim_tier_params {
	const struct zsim_kprofile *kp;          /* never NULL */
	const struct zsim_frame_source *frames;  /* RAM frames for in-memory tiers; NULL = unlimited */
	uint64_t capacity_pages;                 /* disksize / device size in pages */
	const char *codec;                       /* compressing tiers: NULL = profile default */
	int codec_level;                         /* -1 = codec default */
	const char *allocator;                   /* compressing tiers: NULL = "zsmalloc" */
	uint64_t mem_limit_pages;                /* zram mem_limit; 0 = none */
	/* plain block devices (tiers/blockdev.c) */
	uint64_t read_latency_ns, write_latency_ns;  /* per request, at queue depth 1 */
	uint64_t read_bw, write_bw;                  /* bytes/s; 0 = unlimited */
	unsigned queue_depth;                        /* requests served at once */
	bool seek;                                   /* rotating: only a non-sequential request pays the latency */
	/* flash wear (ssd, emmc): rated program/erase cycles of the NAND, write
	 * amplification x 1000, and the flash the writes are spread over by wear
	 * levelling (pages; 0 = the device's own capacity).  pe_cycles 0: no wear. */
	uint32_t pe_cycles, waf_milli;
	uint64_t flash_pages;
	uint32_t compress_ns, decompress_ns;         /* zram: codec time per page; 0 = codec default */
	struct zsim_codec *shared_codec;         /* optional: use this codec instance (and its size
	                                            cache) instead of making one; not freed by the tier */
	/* stacking: the tier below this one, which its writeback moves pages down to
	 * (zram's backing_dev); NULL: none.  Not owned. */
	struct zsim_tier *lower;
	enum zsim_wb_mode wb_mode;
	uint64_t wb_idle_age_ns;                 /* idle: not accessed for this long */
	uint64_t wb_limit_pages;                 /* writeback_limit; 0 = none */
};

struct zsim_stat {
	const char *name;
	uint64_t value;
};

#define ZSIM_TIER_MAX_STATS 64

struct zsim_tier_ops {
	const char *name;
	size_t priv_size;
	/* Set up priv (zeroed). On error returns ZSIM_E* and writes a reason to err. */
	int (*init)(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen);
	void (*destroy)(void *priv);
	/*
	 * Store a page at `index`, replacing what was there.  Returns 0, or
	 * ZSIM_ERANGE (index past capacity), ZSIM_ENOMEM (the kernel's -ENOMEM: no
	 * frame, or a memory limit; the block layer turns it into EIO).  On error
	 * the previous content of the slot is kept, as the kernel keeps it.
	 */
	int (*store)(void *priv, uint64_t index, const struct zsim_page_ref *pg);
	/* Read a page back into out (4096 bytes).  Optional for timing-only tiers. */
	int (*load)(void *priv, uint64_t index, uint8_t *out);
	/* Drop the page at index (discard, or swap slot freed).  No-op if empty. */
	void (*invalidate)(void *priv, uint64_t index);
	/* Optional: compact; returns pages freed. */
	uint64_t (*compact)(void *priv);
	/* Fill up to max named counters; returns how many. */
	size_t (*stats)(const void *priv, struct zsim_stat *out, size_t max);
	int (*check)(const void *priv, char *msg, size_t msglen);
	/*
	 * Time of an I/O of npages pages submitted at `now` (ns).  Returns when it
	 * completes; *cpu_ns gets the CPU time the submitting task spends itself
	 * (zram's codec work).  Queueing is the tier's: a device with queue depth
	 * q serves q requests at once.  NULL: free and instant.
	 */
	uint64_t (*io)(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages,
		       uint64_t *cpu_ns);
	/*
	 * Optional: wall-clock nanoseconds this tier spent in its codec and in
	 * making page bytes (the simulator's own speed, not simulated time; for
	 * perf.json and benchmarks only).
	 */
	void (*wall)(const void *priv, uint64_t *codec_ns, uint64_t *content_ns);
	/* Optional: the allocator holding this tier's objects (for per-class reports). */
	const struct zsim_allocator *(*pool)(const void *priv);
	/*
	 * Optional, for a tier with a lower one: move pages down per the tier's
	 * writeback settings, at simulated time `now` (the writes queue on the
	 * lower tier's device).  Returns the pages moved.
	 */
	uint64_t (*writeback)(void *priv, uint64_t now);
};

const struct zsim_tier_ops *zsim_tier_find(const char *name);
size_t zsim_tier_count(void);
const struct zsim_tier_ops *zsim_tier_at(size_t i);

struct zsim_tier {
	const struct zsim_tier_ops *ops;
	void *priv;
};

int zsim_tier_new(const char *name, const struct zsim_tier_params *p, struct zsim_tier **out,
		  char *err, size_t errlen);
void zsim_tier_free(struct zsim_tier *t);
/* The value of a named counter; returns 0 and sets *v, or ZSIM_ENOENT. */
int zsim_tier_stat(const struct zsim_tier *t, const char *name, uint64_t *v);

extern const struct zsim_tier_ops zsim_tier_zram;
extern const struct zsim_tier_ops zsim_tier_blockdev;

#endif
