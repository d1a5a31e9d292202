/*
 * tier.h - the tier family: the places a page can be stored below RAM.
 *
 * A tier is a block-addressed store of 4 KiB pages: zram (compressed, in RAM),
 * brd (uncompressed, in RAM), the plain devices (ssd, emmc, hdd, nvram, nas),
 * zswap (a compressed cache in front of every swap device), and later
 * dm-cache.  A tier can sit in front of another (params.lower) and move pages
 * down to it (ZSIM_TCTL_WRITEBACK): zram over its backing_dev is the first
 * such pair.  zswap does not know its devices: it writes a page it gives up
 * through a writeback sink the simulator provides (params.wb_sink), to the
 * swap slot that owns it.
 *
 * Adding a tier is one file in tiers/ exporting one `const struct
 * zsim_tier_ops`, and one line in registry.c.  The ops table says everything
 * the rest of zsim needs: the device types it provides (presets), its settings
 * as a key table (core/keys.h: the config reader, --print-config, zsim --list
 * and the error messages are generated from it), a validate() for settings
 * that depend on each other or on the kernel profile, the page operations, and
 * one control() entry for what only some tiers do (enum zsim_tier_ctl).
 *
 * Counters are reported as named values (the kernel's own names, in the
 * kernel's order where the kernel prints a line of them, e.g. zram's mm_stat),
 * so a front end can print any tier without knowing its type.
 */
#ifndef ZSIM_TIER_H
#define ZSIM_TIER_H

#include "../core/zsim.h"
#include "../core/kprofile.h"
#include "../core/keys.h"

#include <stdio.h>
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
	/* nonzero: ctx is plain data of this many bytes, meaningful for the whole
	 * run, so a tier may copy it and call fill() with the copy later (dm-cache
	 * copying a page between its devices); 0: ctx is valid during the call only */
	size_t ctx_size;
};

struct zsim_codec;

/*
 * A tier's settings are keys (core/keys.h) that fill a struct the tier defines
 * in its own file: the config reader, --print-config, `zsim --list` and the
 * error messages come from the tier's key table.  The struct lives in a
 * fixed-size blob inside the device's config, so configs copy by value.
 */
#define ZSIM_TIER_CFG_MAX 256
struct zsim_tier_cfg {
	_Alignas(8) unsigned char b[ZSIM_TIER_CFG_MAX];
};

/* What a tier's validate() sees besides its settings. */
struct zsim_tier_env {
	const struct zsim_kprofile *kp;
	uint64_t size;                           /* the device's size in bytes */
	unsigned preset;
	/* after the config reader resolved the DEVICE keys (validate is called a
	 * second time then): the size in bytes of the device each DEVICE key names,
	 * in key-table order, 0 where unset; nr_lowers 0 on the first call */
	const uint64_t *lower_size;
	unsigned nr_lowers;
};

/* Most DEVICE keys a tier has (the devices it may name below it). */
#define ZSIM_TIER_MAX_LOWERS 4

/*
 * A writeback sink: how a tier in front of the swap devices (zswap) writes a
 * page it gives up to the swap slot that owns it.  The simulator implements it
 * (a write of one page to that slot's device: device time, wear).
 */
struct zsim_wb_sink {
	/* Write the page of swap entry `index`, submitted at `now` (ns); *done_ns
	 * gets when the write completes.  Returns 0, or a negative ZSIM_E* (the
	 * tier keeps the page and counts a failed writeback). */
	int (*write)(void *ctx, uint64_t index, uint64_t now, uint64_t *done_ns);
	/* Optional: the simulated time now, for the writebacks a store starts
	 * itself (zswap before 5.6); NULL: the latest `now` the tier was given
	 * (io() or a control). */
	uint64_t (*now)(void *ctx);
	void *ctx;
};

struct zsim_tier_params {
	const struct zsim_kprofile *kp;          /* never NULL */
	const struct zsim_frame_source *frames;  /* RAM frames for in-memory tiers; NULL = unlimited */
	const struct zsim_frame_source *frames_unmovable; /* the same from the unmovable free lists, for
	                                          * an allocator whose pages cannot move; NULL: frames */
	const struct zsim_frame_source *frames_slab; /* unmovable frames for the tier's own slab
	                                          * (zswap's entries); NULL: not counted */
	uint64_t capacity_pages;                 /* disksize / device size in pages */
	unsigned preset;                         /* which of the tier's presets (device types) */
	const void *cfg;                         /* the tier's settings (validated); NULL: the
	                                            preset's defaults */
	/* optional: use this codec instance (and its size cache) instead of making
	 * one; not freed by the tier */
	struct zsim_codec *shared_codec;
	/* codec CPU time per page by codec registry index (the config's codec_time;
	 * 0 = the codec's default); NULL: all defaults */
	const uint32_t *codec_compress_ns, *codec_decompress_ns;
	/* and per KiB of compressed output, plus one (0 = the codec's default) */
	const uint32_t *codec_compress_ns_per_kib, *codec_decompress_ns_per_kib;
	/* stacking: the tiers below this one, one per DEVICE key of its key table
	 * in table order (NULL where the key is unset): zram's backing_dev,
	 * dm-cache's cache_dev, origin_dev, metadata_dev.  lower = lowers[0]. */
	struct zsim_tier *lower;
	struct zsim_tier *lowers[ZSIM_TIER_MAX_LOWERS];
	uint64_t lower_pages[ZSIM_TIER_MAX_LOWERS];  /* their capacities in pages */
	/* zswap: where written-back pages go (NULL: writeback always fails) */
	const struct zsim_wb_sink *wb_sink;
	/* zswap: the pool limit's base, the RAM the kernel counts (totalram_pages,
	 * MemTotal) in pages; max_pool_percent is a share of it */
	uint64_t totalram_pages;
	/* the run keeps only time (a baseline): a tier may skip what does not
	 * move it, such as a flash device's wear model */
	bool time_only;
};

/*
 * Operations only some tiers have go through one entry point, ops.control,
 * which answers or refuses with ZSIM_ENOTSUP, so a new tier-specific operation
 * adds a code here, not a method to every tier.
 */
enum zsim_tier_ctl {
	ZSIM_TCTL_SYNC_IO,        /* bool *: swap-ins are synchronous, no swap cache (SWP_SYNCHRONOUS_IO) */
	ZSIM_TCTL_RAM_PAGES,      /* uint64_t *: pages of RAM the tier holds now (its pool) */
	ZSIM_TCTL_POOL,           /* const struct zsim_allocator **: the allocator of its objects */
	ZSIM_TCTL_COMPACT,        /* uint64_t *: compact now; pages freed */
	ZSIM_TCTL_BACKGROUND,     /* uint64_t *: ns between its background rounds (writeback) */
	ZSIM_TCTL_WRITEBACK,      /* struct zsim_tctl_writeback *: one background round, or its next step, at `now` */
	ZSIM_TCTL_WALL,           /* struct zsim_tctl_wall *: the simulator's own wall-clock time */
	/* struct zsim_tctl_shrink *: memory pressure.  Reclaim (shrink_slab) asks
	 * the tier's shrinker to count and scan its objects (zswap's 6.8+ shrinker,
	 * when shrinker_enabled); ZSIM_ENOTSUP where there is none. */
	ZSIM_TCTL_SHRINK,
	/* bool *: a load that hits drops the cached copy (zswap's exclusive loads),
	 * so the page must be written again before it can leave RAM */
	ZSIM_TCTL_EXCLUSIVE,
	/* uint64_t *, added to: CPU (ns) the last store spent before it failed - the
	 * compression zram does before it finds the pool full or over mem_limit */
	ZSIM_TCTL_REFUSED_CPU,
	/* bool *: the kernel sees the device as rotational (its queue lacks
	 * QUEUE_FLAG_NONROT, /sys/block/X/queue/rotational = 1).  One such swap
	 * area switches swap-in readahead to the cluster method (swap.c).
	 * ZSIM_ENOTSUP: not rotational. */
	ZSIM_TCTL_ROTATIONAL,
};

struct zsim_tctl_writeback {
	uint64_t now;             /* in: simulated time (ns); the writes queue on the lower tier */
	uint64_t moved;           /* out: pages moved down */
	uint64_t cpu_ns;          /* out, added to: CPU the round spent (zswap: decompressing each
	                           * page written back, on a kernel worker; zram: the page it picked,
	                           * to run before its write) */
	uint64_t next;            /* out: a round that goes on in time (zram): when to step it again,
	                           * once cpu_ns has run; 0: the round is over (rounds start at
	                           * their interval, never at time 0) */
};

struct zsim_tctl_shrink {
	uint64_t now;             /* in: simulated time (ns) */
	uint64_t nr_to_scan;      /* in: objects to scan (shrink_control.nr_to_scan); 0: count only */
	uint64_t count;           /* out: count_objects, before the scan */
	uint64_t scanned, moved;  /* out: objects looked at, pages written back */
	uint64_t cpu_ns;          /* out, added to: CPU of the scan (decompression; the reclaimer's) */
};

struct zsim_tctl_wall {      /* added to (perf.json and benchmarks only; not simulated time) */
	uint64_t codec_ns, content_ns;
};

struct zsim_stat {
	const char *name;
	uint64_t value;
};

#define ZSIM_TIER_MAX_STATS 64

struct zsim_tier_ops {
	const char *name;
	size_t priv_size;
	/* The device types this tier provides, in the order of its keys'
	 * preset_def columns, NULL-terminated; NULL: one type, named `name`. */
	const char *const *presets;
	/* Its settings: a key table over a struct of cfg_size bytes
	 * (<= ZSIM_TIER_CFG_MAX); keys NULL: none. */
	const struct zsim_key *keys;
	size_t cfg_size;
	unsigned flags;           /* ZSIM_TIER_* below */
	/*
	 * Optional: check settings against each other and the kernel profile, and
	 * resolve derived defaults (cfg is writable).  On error returns ZSIM_E*,
	 * sets *key to the key at fault (NULL: the device) and writes a reason.
	 */
	int (*validate)(void *cfg, const struct zsim_tier_env *env, const char **key, char *err, size_t errlen);
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
	/* Optional: the operations only some tiers have (enum zsim_tier_ctl);
	 * returns 0, or ZSIM_ENOTSUP for an operation the tier does not have. */
	int (*control)(void *priv, enum zsim_tier_ctl op, void *arg);
};

enum {
	ZSIM_TIER_CAN_BE_LOWER = 1u << 0,   /* may sit below another tier (a backing device) */
	ZSIM_TIER_FRONTSWAP = 1u << 1,      /* not a device: a cache in front of every swap device,
	                                       configured in its own section ("$.zswap") */
	ZSIM_TIER_RW_PAGE = 1u << 2,        /* the kernel's driver has rw_page (zram, brd): where the
	                                       profile has it (kp->swap_rw_page), a swap write the
	                                       tier refuses is tried a second time, as a bio */
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
/* ops->control, or ZSIM_ENOTSUP where the tier has none. */
int zsim_tier_control(const struct zsim_tier *t, enum zsim_tier_ctl op, void *arg);

/* The frontswap tier of that name (zswap); NULL if none. */
const struct zsim_tier_ops *zsim_tier_frontswap(const char *name);
/* Device types: each tier's presets (or its name); frontswap tiers are not devices.  Returns 0 and the tier and
 * preset index, or ZSIM_ENOENT. */
int zsim_tier_type_find(const char *type, const struct zsim_tier_ops **ops, unsigned *preset);
const char *zsim_tier_type_name(const struct zsim_tier_ops *ops, unsigned preset);
/* "zram, ssd, emmc, hdd, nvram, nas" into buf: every type of the tiers that
 * have all of `flags` (ZSIM_TIER_*; 0: any), and (key != NULL) that have that
 * key; returns how many. */
size_t zsim_tier_type_names(const char *key, unsigned flags, char *buf, size_t len);
/* Every device type with its keys, defaults and help (zsim --list). */
void zsim_tier_print_types(FILE *out);
/* A tier's settings: the preset's defaults, then keys set from text. */
void zsim_tier_cfg_defaults(const struct zsim_tier_ops *ops, unsigned preset, struct zsim_tier_cfg *cfg);
int zsim_tier_cfg_set(const struct zsim_tier_ops *ops, struct zsim_tier_cfg *cfg, const char *key,
		      const char *text, char *err, size_t errlen);
void zsim_tier_free(struct zsim_tier *t);
/* The value of a named counter; returns 0 and sets *v, or ZSIM_ENOENT. */
int zsim_tier_stat(const struct zsim_tier *t, const char *name, uint64_t *v);

extern const struct zsim_tier_ops zsim_tier_zram;
extern const struct zsim_tier_ops zsim_tier_blockdev;
extern const struct zsim_tier_ops zsim_tier_brd;
extern const struct zsim_tier_ops zsim_tier_zswap;
extern const struct zsim_tier_ops zsim_tier_dmcache;

#endif
