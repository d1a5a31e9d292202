/*
 * zswap.c - zswap, the compressed cache in front of the swap devices (mm/zswap.c).
 *
 * What the kernel does (kernel-facts 4; the profile fields named below say
 * which kernel does which).  zswap sits in front of every swap device: a page
 * being swapped out is offered to it first (frontswap until 6.5, zswap_store
 * after), keyed by its swap entry.  It compresses the page with its
 * compressor (lzo by default) and keeps the result in a pool from an allocator
 * (zbud only in 3.12; zbud, z3fold or zsmalloc through zpool from 3.18, zbud by
 * default until 6.5 and zsmalloc from 6.6; zsmalloc alone from 6.15:
 * kp->zswap_zpools).  A store zswap refuses goes on to the swap device; a load
 * that finds the entry is served from RAM (zswpin), else the device is read.
 * The pool may hold max_pool_percent (20) of totalram_pages:
 *  - before 5.6 a store that finds the pool over the limit counts
 *    pool_limit_hit and evicts one allocator page itself (zbud/z3fold
 *    reclaim_page, 8 tries: every object on the LRU tail page is decompressed
 *    and written to its swap slot); if that fails - and zsmalloc can never
 *    evict - it counts reject_reclaim_fail and refuses the page
 *    (kp->zswap_accept_threshold == 0);
 *  - from 5.6 a store at the limit counts pool_limit_hit, marks the pool full
 *    and queues the shrink worker, and stores are refused until the pool is
 *    back under accept_threshold_percent (90) of the limit.  Up to 6.4 the
 *    worker shrinks one allocator page per limit hit (zsmalloc: fails, counted
 *    in reject_reclaim_fail); from 6.5 every refused store queues it and it
 *    writes entries back from zswap's own LRU until the pool is below the
 *    threshold, giving up after 16 failures (kp->zswap_shrink_loop); 6.10
 *    moved the comparisons to ">= limit" and "<= threshold"
 *    (kp->zswap_limit_ge);
 *  - every stored page (a same-filled one too) has a struct zswap_entry,
 *    allocated from its own slab cache before the page is compressed and
 *    not counted in the pool's limit: 48 to 80 bytes by kernel
 *    (kp->zswap_entry_bytes); zsim packs them whole into slab pages taken
 *    from the RAM's unmovable lists (entry_slab_get: the pages named in the
 *    tier's frames_slab), and a store that finds none counts
 *    reject_kmemcache_fail and goes to the device;
 *  - evictable pools (zbud, z3fold) carry an 8-byte zswap_header (the swap
 *    entry) before each object until 6.4 (kp->zswap_header_bytes);
 *  - same-filled pages (all 8-byte words equal) are kept as their word, with no
 *    pool memory, 4.14 .. 6.11 (kp->zswap_same_filled, same_filled_pages);
 *    from 6.12 zero pages never reach zswap (the swap zeromap,
 *    kp->swap_zeromap: the simulator's business) and others are compressed;
 *  - a page whose compressed length does not fit the allocator is refused
 *    (reject_compress_poor); from 6.18 a page that does not compress below
 *    4096 bytes is stored raw (kp->zswap_store_incompressible,
 *    stored_incompressible_pages);
 *  - a compressed page longer than 4096 bytes: a compression error for every
 *    codec where crypto's scomp refuses to copy past the request's PAGE_SIZE
 *    (kp->zswap_overflow_error: 6.1 and 6.6 through their stable series,
 *    mainline 6.8; measured in Debian 12's 6.1: 52 k incompressible pages went
 *    to disk with every reject counter at 0); before, only the codecs that
 *    bound their output (lz4, zstd) fail, and lzo's longer output reaches the
 *    allocator, which refuses it (reject_compress_poor).  A compression error
 *    moves no counter before 6.3, reject_compress_fail 6.3 .. 6.8, and
 *    reject_compress_poor from 6.9 (kp->zswap_compress_err); zsim also counts
 *    every one in compress_overflow (not a kernel counter);
 *  - a load keeps the compressed copy until the swap slot is freed (before
 *    6.5), or drops it (exclusive loads: the exclusive_loads knob, default
 *    off, 6.5 .. 6.7; always from 6.8: kp->zswap_exclusive_loads);
 *  - writeback order: the allocator's page LRU (a page moves to the head when
 *    an object is allocated in it) until 6.4, zswap's entry LRU (stores at the
 *    head, non-exclusive loads move to the head) from 6.5 (kp->zswap_own_lru);
 *    from 6.8 a shrinker (shrinker_enabled, default off) writes back under
 *    memory pressure, and from 6.12 entries carry a referenced bit, set at
 *    store: writeback meets a referenced entry, clears the bit and rotates it,
 *    and writes back an entry met with the bit clear (kp->zswap_shrinker,
 *    kp->zswap_second_chance).  A written-back page is decompressed into the
 *    swap cache and written singly to its swap slot (written_back_pages,
 *    zswpwb).
 *
 * What the model keeps.  All of the above, page-exact: the compressed length
 * comes from the real codec on the page's bytes, the pool is a member of the
 * allocator family taking its frames from the simulated RAM (so the pool's
 * bytes per page are exactly the allocator's for those lengths, plus the
 * header), the limit is checked against the allocator's page count, and
 * writeback goes through the simulator's sink (params.wb_sink) to the swap
 * slot, one page per write.  CPU: compression at a store, decompression at a
 * load hit (each by the page's compressed size: zsim_codec_cost; a raw
 * entry is a copy) and at a writeback the storing task starts (before 5.6) are charged
 * by the next io() call; the background worker's and the shrinker's
 * decompression is reported in the control's cpu_ns.  The shrink worker runs
 * at the refused store that queues it (shrink_delay 0, the default: the
 * kernel's runs on another CPU within microseconds, so a burst of refusals
 * runs it again and again; its CPU is counted in worker_cpu_ns, not charged),
 * or at the next background round after shrink_delay.  The shrinker counts as the kernel does: (LRU length
 * - recent swap-ins from disk) x pool pages / stored pages, where a load
 * that misses is a swap-in from disk.  Counters: the debugfs names the
 * profile's kernel has (pool_total_size in bytes), and vmstat zswpin, zswpout,
 * zswpwb (in /proc/vmstat from 5.19 and 6.8; given for every profile).
 *
 * What it drops.  memcgs (memory.zswap.max and .writeback, per-memcg LRUs and
 * the worker's round-robin: one root cgroup), NUMA nodes, large folios (a
 * store is one 4 KiB page), compressor or zpool changes at run time (one
 * pool), the bytes themselves (a load returns the page only for same-filled
 * entries), entry allocation failures (reject_kmemcache_fail stays 0), the 4.x-5.x
 * zsmalloc "-1" allocation error (a too-large object counts as reject_compress_poor
 * with every allocator, as from 6.0), the 6.3/6.4 zsmalloc LRU, 3.12's
 * pool_pages name (pool_total_size is given), duplicate_entry, and zsmalloc's
 * own compaction shrinker.  A store into an occupied index frees the old
 * entry first (6.6+; older kernels freed it after the new one was placed, so
 * the limit check saw both).  An entry whose page is in the swap cache is not
 * written back (zswap_writeback_entry's -EEXIST): the sink refuses it
 * (sim/swap.c) and the entry stays, as any entry whose write fails.
 */
#include "tier.h"
#include "../codecs/codec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECLAIM_RETRIES 16   /* shrink worker: give up after this many failures (4.4) */
#define RECLAIM_PAGE_TRIES  8    /* zswap's zpool_shrink: reclaim_page(pool, 8) (before 6.5) */
#define NIL UINT32_MAX
#define RAW_COPY_NS 250          /* loading a page stored raw: a 4 KiB copy (~0.2 us at 20 GB/s) */

struct zswap_cfg {
	bool enabled;
	char compressor[16];          /* "": the profile's default */
	char zpool[16];               /* "": the profile's default */
	uint64_t max_pool_percent;
	int accept_threshold;         /* -1: the profile's default */
	bool shrinker_enabled;
	bool exclusive_loads;
	bool same_filled;             /* same_filled_pages_enabled */
	uint64_t shrink_delay;        /* ns from queueing the shrink worker to its run; 0: at once */
};
#define OFF(f) offsetof(struct zswap_cfg, f)
#define SZ(f) sizeof(((struct zswap_cfg *)0)->f)

static const struct zsim_key keys[] = {
	{ "enabled", ZSIM_KEY_BOOL, OFF(enabled), 0, "true", { NULL }, 0, 0, 0, NULL, 0,
	  "zswap is on (the kernel's default is CONFIG_ZSWAP_DEFAULT_ON, off; a configured zswap is on)" },
	{ "compressor", ZSIM_KEY_STR, OFF(compressor), SZ(compressor), NULL, { NULL }, 0, 0, 0, NULL, 0,
	  "compressor [default: the kernel profile's, lzo]" },
	{ "zpool", ZSIM_KEY_STR, OFF(zpool), SZ(zpool), NULL, { NULL }, 0, 0, 0, NULL, 0,
	  "the pool's allocator: zbud, z3fold, zsmalloc as the kernel has them [default: the profile's]" },
	{ "max_pool_percent", ZSIM_KEY_UINT, OFF(max_pool_percent), 0, "20", { NULL }, 0, 1, 100, NULL, 0,
	  "largest pool, in percent of the RAM the kernel counts (MemTotal); at least 1 "
	  "(0 would refuse every store: \"enabled\": false turns zswap off)" },
	{ "accept_threshold_percent", ZSIM_KEY_INT, OFF(accept_threshold), 0, "-1", { NULL }, 0, -1, 100,
	  NULL, ZSIM_KEY_OPTIONAL, "after a limit hit, refuse stores until the pool is below this percent of "
	  "the limit (5.6+); -1: the profile's (90 from 5.6)" },
	{ "shrinker_enabled", ZSIM_KEY_BOOL, OFF(shrinker_enabled), 0, "false", { NULL }, 0, 0, 0, NULL, 0,
	  "write back under memory pressure (6.8+; CONFIG_ZSWAP_SHRINKER_DEFAULT_ON, off)" },
	{ "exclusive_loads", ZSIM_KEY_BOOL, OFF(exclusive_loads), 0, "false", { NULL }, 0, 0, 0, NULL, 0,
	  "a load drops the compressed copy (the 6.5-6.7 knob; always so from 6.8, never before 6.5)" },
	{ "same_filled_pages_enabled", ZSIM_KEY_BOOL, OFF(same_filled), 0, "true", { NULL }, 0, 0, 0, NULL, 0,
	  "keep same-filled pages as their word (4.14 .. 6.11)" },
	{ "shrink_delay", ZSIM_KEY_TIME, OFF(shrink_delay), 0, "0ns", { NULL }, 0, 0, 0, NULL, 0,
	  "time from queueing the shrink worker to its run; 0: at the refused store" },
	{ NULL },
};

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static int zswap_validate(void *cfgp, const struct zsim_tier_env *env, const char **key, char *err, size_t errlen)
{
	struct zswap_cfg *c = cfgp;
	const struct zsim_kprofile *kp = env->kp;
	if (!c->compressor[0])
		snprintf(c->compressor, sizeof(c->compressor), "%s", kp->zswap_default_comp);
	if (!c->zpool[0])
		snprintf(c->zpool, sizeof(c->zpool), "%s", kp->zswap_default_zpool);
	*key = "compressor";
	if (!zsim_codec_find(c->compressor) || !in_list(kp->zswap_comps, c->compressor)) {
		snprintf(err, errlen, "compressor '%s' is not one zswap has in kernel %s (it has: %s)",
			 c->compressor, kp->name, kp->zswap_comps);
		return ZSIM_EINVAL;
	}
	*key = "zpool";
	if (!in_list(kp->zswap_zpools, c->zpool) || !zsim_allocator_find(c->zpool)) {
		snprintf(err, errlen, "zpool '%s' is not one zswap has in kernel %s (it has: %s)", c->zpool,
			 kp->name, kp->zswap_zpools);
		return ZSIM_EINVAL;
	}
	*key = "accept_threshold_percent";
	if (c->accept_threshold >= 0 && !kp->zswap_accept_threshold) {
		snprintf(err, errlen, "kernel %s has no accept threshold (it came in 5.6)", kp->name);
		return ZSIM_EINVAL;
	}
	if (c->accept_threshold < 0)
		c->accept_threshold = (int)kp->zswap_accept_threshold;
	*key = "shrinker_enabled";
	if (c->shrinker_enabled && !kp->zswap_shrinker) {
		snprintf(err, errlen, "kernel %s has no zswap shrinker (it came in 6.8)", kp->name);
		return ZSIM_EINVAL;
	}
	*key = "exclusive_loads";
	if (c->exclusive_loads && kp->zswap_exclusive_loads == ZSIM_ZSWAP_EXCL_NEVER) {
		snprintf(err, errlen, "kernel %s has no exclusive loads (they came in 6.5)", kp->name);
		return ZSIM_EINVAL;
	}
	*key = "same_filled_pages_enabled";
	if (!c->same_filled && !kp->zswap_same_filled) {
		snprintf(err, errlen, "kernel %s's zswap has no same-filled pages to disable (4.14 .. 6.11)",
			 kp->name);
		return ZSIM_EINVAL;
	}
	*key = NULL;
	return 0;
}

/* Entry flags. */
enum {
	E_LIVE = 1u << 0,
	E_SAME = 1u << 1,   /* same-filled: `handle` is the word, no pool object */
	E_RAW = 1u << 2,    /* stored uncompressed (6.18) */
	E_REF = 1u << 3,    /* referenced (second chance) */
};

struct entry {
	uint64_t index;          /* the swap entry */
	uint64_t handle;         /* pool handle, or the word of a same-filled page */
	uint32_t size;           /* bytes asked of the allocator (length + header); 0 if same */
	uint32_t prev, next;     /* zswap's LRU (own_lru); next: free chain when not live */
	uint8_t flags;
};

struct zswap {
	const struct zsim_kprofile *kp;
	struct zsim_codec *codec;
	bool own_codec;
	struct zsim_allocator *pool;
	bool evictable;          /* the allocator has a page LRU (zbud, z3fold) */
	bool by_alloc_lru;       /* writeback walks the allocator's LRU (before 6.5) */
	unsigned hdr;            /* zswap_header bytes on this pool */
	size_t pool_max;         /* largest object the allocator holds */
	const struct zsim_wb_sink *sink;
	const struct zsim_frame_source *frames;
	const struct zsim_frame_source *slab;   /* the entries' slab pages; NULL: not counted */
	uint64_t entry_pages;    /* slab pages the entries hold */
	unsigned entries_per_page;
	struct zswap_cfg cfg;
	bool exclusive;
	uint64_t max_pages;      /* the limit in pages */
	uint64_t totalram;

	/* entries, the index -> entry map (open addressing), the LRU */
	struct entry *e;
	uint32_t ne, cap, free_e;
	uint64_t *keys;          /* map slots: index + 1 (0: empty) */
	uint32_t *vals;
	uint64_t mask;           /* slots - 1 */
	uint64_t nlive;
	uint32_t lru_head, lru_tail;   /* head: most recent */
	uint32_t *by_handle;     /* handle -> entry (allocator LRU mode) */
	uint64_t nby_handle;

	bool reached_full, worker_queued;
	uint64_t moved_inline, worker_cpu_ns;   /* the worker's runs at refused stores */
	uint64_t last_now, pending_cpu, nr_disk_swapins;
	uint32_t compress_ns, decompress_ns;     /* codec CPU per page: fixed part */
	uint32_t compress_kib, decompress_kib;   /* and per KiB of compressed output */

	/* counters, under the kernel's names */
	uint64_t pool_limit_hit, reject_reclaim_fail, reject_alloc_fail, reject_kmemcache_fail;
	uint64_t reject_compress_fail, reject_compress_poor, written_back_pages;
	uint64_t compress_overflow;  /* compression errors for an output past 4096 B (zsim's count) */
	bool codec_bounded;          /* the codec fails rather than write past its buffer (not lzo) */
	uint64_t stored_pages, same_filled_pages, stored_incompressible_pages;
	uint64_t zswpin, zswpout, zswpwb;
	uint64_t pool_pages_max;   /* the pool's peak, for the summary */
	uint64_t content_wall_ns;
	uint8_t buf[ZSIM_PAGE_SIZE];
	uint8_t dst[ZSIM_CODEC_DST_MAX];
};

/* ---- the index map ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static uint32_t map_find(const struct zswap *z, uint64_t index)
{
	for (uint64_t i = mix(index) & z->mask;; i = (i + 1) & z->mask) {
		if (!z->keys[i])
			return NIL;
		if (z->keys[i] == index + 1)
			return z->vals[i];
	}
}

static void map_put_raw(uint64_t *slot_keys, uint32_t *slot_vals, uint64_t mask, uint64_t index, uint32_t v)
{
	uint64_t i = mix(index) & mask;
	while (slot_keys[i])
		i = (i + 1) & mask;
	slot_keys[i] = index + 1;
	slot_vals[i] = v;
}

static void map_put(struct zswap *z, uint64_t index, uint32_t v)
{
	if ((z->nlive + 1) * 2 > z->mask + 1) {
		uint64_t nslots = (z->mask + 1) * 2;
		uint64_t *k = zsim_xcalloc(nslots, sizeof(*k));
		uint32_t *vv = zsim_xcalloc(nslots, sizeof(*vv));
		for (uint64_t i = 0; i <= z->mask; i++)
			if (z->keys[i])
				map_put_raw(k, vv, nslots - 1, z->keys[i] - 1, z->vals[i]);
		free(z->keys);
		free(z->vals);
		z->keys = k;
		z->vals = vv;
		z->mask = nslots - 1;
	}
	map_put_raw(z->keys, z->vals, z->mask, index, v);
}

/* Delete with backward shift (no tombstones). */
static void map_del(struct zswap *z, uint64_t index)
{
	uint64_t i = mix(index) & z->mask;
	while (z->keys[i] != index + 1)
		i = (i + 1) & z->mask;
	for (uint64_t j = i;;) {
		j = (j + 1) & z->mask;
		if (!z->keys[j])
			break;
		uint64_t home = mix(z->keys[j] - 1) & z->mask;
		/* move j into the hole at i unless its home lies cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			z->keys[i] = z->keys[j];
			z->vals[i] = z->vals[j];
			i = j;
		}
	}
	z->keys[i] = 0;
}

/* ---- zswap's LRU (head = most recently stored or used) ---- */

static void lru_unlink(struct zswap *z, uint32_t id)
{
	struct entry *e = &z->e[id];
	if (e->prev != NIL)
		z->e[e->prev].next = e->next;
	else
		z->lru_head = e->next;
	if (e->next != NIL)
		z->e[e->next].prev = e->prev;
	else
		z->lru_tail = e->prev;
	e->prev = e->next = NIL;
}

static void lru_add(struct zswap *z, uint32_t id)
{
	struct entry *e = &z->e[id];
	e->prev = NIL;
	e->next = z->lru_head;
	if (z->lru_head != NIL)
		z->e[z->lru_head].prev = id;
	else
		z->lru_tail = id;
	z->lru_head = id;
}

static bool on_lru(const struct zswap *z, const struct entry *e)
{
	return z->kp->zswap_own_lru && !(e->flags & E_SAME);
}

/* ---- the pool ---- */

static uint64_t pool_pages(const struct zswap *z)
{
	return zsim_alloc_total_pages(z->pool);
}

/* The accept threshold in the profile's arithmetic. */
static bool can_accept(const struct zswap *z)
{
	uint64_t pages = pool_pages(z), thr = (uint64_t)z->cfg.accept_threshold;
	if (z->kp->zswap_limit_ge)
		return pages <= z->max_pages * thr / 100;
	return z->totalram * thr / 100 * z->cfg.max_pool_percent / 100 > pages;
}

static bool is_full(const struct zswap *z)
{
	return z->kp->zswap_limit_ge ? pool_pages(z) >= z->max_pages : pool_pages(z) > z->max_pages;
}

static uint32_t entry_new(struct zswap *z, uint64_t index)
{
	uint32_t id;
	if (z->free_e != NIL) {
		id = z->free_e;
		z->free_e = z->e[id].next;
	} else {
		if (z->ne == z->cap) {
			z->cap = z->cap ? z->cap * 2 : 1024;
			z->e = zsim_xrealloc(z->e, z->cap * sizeof(*z->e));
		}
		id = z->ne++;
	}
	memset(&z->e[id], 0, sizeof(z->e[id]));
	z->e[id].index = index;
	z->e[id].prev = z->e[id].next = NIL;
	z->e[id].flags = E_LIVE;
	return id;
}

static void by_handle_set(struct zswap *z, uint64_t h, uint32_t id)
{
	if (h >= z->nby_handle) {
		uint64_t n = z->nby_handle ? z->nby_handle : 1024;
		while (n <= h)
			n *= 2;
		z->by_handle = zsim_xrealloc(z->by_handle, n * sizeof(*z->by_handle));
		for (uint64_t i = z->nby_handle; i < n; i++)
			z->by_handle[i] = NIL;
		z->nby_handle = n;
	}
	z->by_handle[h] = id;
}


/*
 * The entries' own memory: one struct zswap_entry per stored page (same-
 * filled ones too), kmem_cache-allocated before the page is compressed and
 * outside the pool's limit (zswap_entry_cache_alloc; the profile's
 * zswap_entry_bytes, 64 in 6.1: 64 a page).  Packed whole: a slab page is
 * taken when the live entries fill the ones held and given back when they
 * fit in one fewer, as if freed objects never left partly used slabs.
 * false: no page (reject_kmemcache_fail).
 */
static bool entry_slab_get(struct zswap *z)
{
	if (!z->slab || z->nlive < z->entry_pages * z->entries_per_page)
		return true;
	if (z->slab->get(z->slab->ctx, 1) < 0)
		return false;
	z->entry_pages++;
	return true;
}

static void entry_slab_trim(struct zswap *z)
{
	while (z->slab && z->entry_pages && z->nlive <= (z->entry_pages - 1) * z->entries_per_page) {
		z->slab->put(z->slab->ctx, 1);
		z->entry_pages--;
	}
}

/* Free an entry and what it holds (zswap_entry_free). */
static void entry_free(struct zswap *z, uint32_t id)
{
	struct entry *e = &z->e[id];
	if (e->flags & E_SAME) {
		z->same_filled_pages--;
	} else {
		if (on_lru(z, e))
			lru_unlink(z, id);
		if (z->by_alloc_lru)
			z->by_handle[e->handle] = NIL;
		zsim_alloc_free(z->pool, e->handle);
		if (e->flags & E_RAW)
			z->stored_incompressible_pages--;
	}
	map_del(z, e->index);
	z->stored_pages--;
	z->nlive--;
	entry_slab_trim(z);
	e->flags = 0;
	e->next = z->free_e;
	z->free_e = id;
}

static uint64_t now_for_store(const struct zswap *z)
{
	return z->sink && z->sink->now ? z->sink->now(z->sink->ctx) : z->last_now;
}

/* Decompressing entry e: by its compressed size (its object less the header). */
static uint64_t load_cost(const struct zswap *z, const struct entry *e)
{
	return zsim_codec_cost(z->decompress_ns, z->decompress_kib, e->size - z->hdr);
}

/*
 * Write one entry back to its swap slot and free it (zswap_writeback_entry):
 * decompression (*cpu), one write through the sink.  0, or the sink's error
 * (the entry stays).
 */
static int writeback_entry(struct zswap *z, uint32_t id, uint64_t now, uint64_t *cpu)
{
	if (!z->sink || !z->sink->write)
		return ZSIM_ENOTSUP;
	uint64_t done = now;
	int rc = z->sink->write(z->sink->ctx, z->e[id].index, now, &done);
	if (rc < 0)
		return rc;
	*cpu += z->e[id].flags & E_RAW ? RAW_COPY_NS : load_cost(z, &z->e[id]);   /* into the swap cache */
	z->written_back_pages++;
	z->zswpwb++;
	entry_free(z, id);
	return 0;
}

/*
 * Before 6.5: reclaim one allocator page (zbud/z3fold reclaim_page with 8
 * tries): the LRU tail page's objects are written back in order; the page is
 * freed with its last one.  A page not emptied goes to the LRU head and the
 * next try takes the new tail.  0, or ZSIM_ENOTSUP (no page LRU: zsmalloc),
 * ZSIM_ENOENT (empty), ZSIM_EAGAIN (every try failed).
 */
static int reclaim_alloc_page(struct zswap *z, uint64_t now, uint64_t *cpu, uint64_t *moved)
{
	if (!z->evictable)
		return ZSIM_ENOTSUP;
	for (int t = 0; t < RECLAIM_PAGE_TRIES; t++) {
		zsim_handle h[ZSIM_ALLOC_LRU_MAX];
		size_t n = z->pool->ops->lru_tail(z->pool->priv, h);
		if (!n)
			return ZSIM_ENOENT;
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++) {
			uint32_t id = h[i] < z->nby_handle ? z->by_handle[h[i]] : NIL;
			if (id == NIL || writeback_entry(z, id, now, cpu) < 0)
				ok = false;
			else
				(*moved)++;
		}
		if (ok)
			return 0;
	}
	return ZSIM_EAGAIN;
}

/*
 * From 6.5: one step of the shrink worker on zswap's LRU tail.  Returns 1
 * written back, 0 rotated (a referenced entry got its second chance), or
 * ZSIM_ENOENT (empty), or the writeback's error (the entry goes to the head).
 */
static int reclaim_entry(struct zswap *z, uint64_t now, uint64_t *cpu)
{
	uint32_t id = z->lru_tail;
	if (id == NIL)
		return ZSIM_ENOENT;
	if (z->kp->zswap_second_chance && (z->e[id].flags & E_REF)) {
		z->e[id].flags &= (uint8_t)~E_REF;
		lru_unlink(z, id);
		lru_add(z, id);
		return 0;
	}
	int rc = writeback_entry(z, id, now, cpu);   /* frees it, off the LRU */
	if (rc < 0) {
		lru_unlink(z, id);
		lru_add(z, id);
		z->reject_reclaim_fail++;
		return rc;
	}
	return 1;
}

/* The shrink worker (queued by a refused store), run at `now`.  Pages written back. */
static uint64_t shrink_worker(struct zswap *z, uint64_t now, uint64_t *cpu)
{
	uint64_t moved = 0;
	z->worker_queued = false;
	if (!z->kp->zswap_shrink_loop) {
		/* 5.6 .. 6.4: one zpool_shrink of one page */
		if (reclaim_alloc_page(z, now, cpu, &moved) < 0)
			z->reject_reclaim_fail++;
		return moved;
	}
	unsigned failures = 0;
	do {
		int rc = reclaim_entry(z, now, cpu);
		if (rc == ZSIM_ENOENT)
			break;
		if (rc == 1)
			moved++;
		else if (++failures == MAX_RECLAIM_RETRIES)
			break;
	} while (!can_accept(z));
	return moved;
}

/*
 * A refused store queues the shrink worker (queue_work: a no-op while it is
 * pending).  The kernel's worker runs on another CPU within microseconds, so
 * during a burst of refused stores it runs again and again, each run ending
 * after 16 failures (rotations count); with shrink_delay 0 (the default) the
 * model runs it at once, at the store's time, on that other CPU (its CPU is
 * counted in worker_cpu_ns, not charged to the storing task).  A positive
 * shrink_delay instead defers it to the next background round.
 */
static void queue_worker(struct zswap *z)
{
	z->worker_queued = true;
	if (!z->cfg.shrink_delay)
		z->moved_inline += shrink_worker(z, now_for_store(z), &z->worker_cpu_ns);
}

/* ---- the tier ---- */

static int zswap_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct zswap *z = priv;
	const struct zswap_cfg *c = p->cfg;
	const struct zsim_kprofile *kp = p->kp;
	if (!p->totalram_pages) {
		snprintf(err, errlen, "zswap needs the RAM its pool limit is a share of (totalram_pages)");
		return ZSIM_EINVAL;
	}
	z->cfg = *c;
	if (!z->cfg.compressor[0])
		snprintf(z->cfg.compressor, sizeof(z->cfg.compressor), "%s", kp->zswap_default_comp);
	if (!z->cfg.zpool[0])
		snprintf(z->cfg.zpool, sizeof(z->cfg.zpool), "%s", kp->zswap_default_zpool);
	if (z->cfg.accept_threshold < 0)
		z->cfg.accept_threshold = (int)kp->zswap_accept_threshold;
	z->own_codec = !p->shared_codec;
	int rc = p->shared_codec ? 0 : zsim_codec_new(z->cfg.compressor, -1, &z->codec);
	if (p->shared_codec)
		z->codec = p->shared_codec;
	if (rc < 0) {
		snprintf(err, errlen, "zswap compressor '%s': %s", z->cfg.compressor, zsim_strerror(rc));
		return rc;
	}
	z->codec_bounded = strncmp(zsim_codec_ops_of(z->codec)->name, "lzo", 3) != 0;
	const struct zsim_allocator_ops *aops = zsim_allocator_find(z->cfg.zpool);
	struct zsim_alloc_params ap = { .kp = kp, .frames = aops && aops->unmovable && p->frames_unmovable
								  ? p->frames_unmovable : p->frames };
	rc = zsim_allocator_new(z->cfg.zpool, &ap, &z->pool);
	if (rc < 0) {
		snprintf(err, errlen, "zswap zpool '%s' in kernel %s: %s", z->cfg.zpool, kp->name, zsim_strerror(rc));
		if (z->own_codec)
			zsim_codec_free(z->codec);
		return rc;
	}
	z->kp = kp;
	z->frames = p->frames;
	z->slab = kp->zswap_entry_bytes ? p->frames_slab : NULL;
	z->entries_per_page = kp->zswap_entry_bytes ? ZSIM_PAGE_SIZE / kp->zswap_entry_bytes : 0;
	z->sink = p->wb_sink;
	z->evictable = z->pool->ops->lru_tail != NULL;
	z->by_alloc_lru = z->evictable && !kp->zswap_own_lru;
	z->hdr = z->evictable ? kp->zswap_header_bytes : 0;
	z->pool_max = z->pool->ops->max_size(z->pool->priv);
	z->exclusive = kp->zswap_exclusive_loads == ZSIM_ZSWAP_EXCL_ALWAYS ||
		       (kp->zswap_exclusive_loads == ZSIM_ZSWAP_EXCL_KNOB && c->exclusive_loads);
	z->totalram = p->totalram_pages;
	z->max_pages = p->totalram_pages * z->cfg.max_pool_percent / 100;
	const struct zsim_codec_ops *cops = zsim_codec_ops_of(z->codec);
	z->compress_ns = cops->compress_ns;
	z->decompress_ns = cops->decompress_ns;
	z->compress_kib = cops->compress_ns_per_kib;
	z->decompress_kib = cops->decompress_ns_per_kib;
	for (size_t i = 0; p->codec_compress_ns && i < zsim_codec_count(); i++)
		if (zsim_codec_at(i) == cops) {
			if (p->codec_compress_ns[i])
				z->compress_ns = p->codec_compress_ns[i];
			if (p->codec_decompress_ns[i])
				z->decompress_ns = p->codec_decompress_ns[i];
			if (p->codec_compress_ns_per_kib && p->codec_compress_ns_per_kib[i])
				z->compress_kib = p->codec_compress_ns_per_kib[i] - 1;
			if (p->codec_decompress_ns_per_kib && p->codec_decompress_ns_per_kib[i])
				z->decompress_kib = p->codec_decompress_ns_per_kib[i] - 1;
		}
	z->mask = 1023;
	z->keys = zsim_xcalloc(z->mask + 1, sizeof(*z->keys));
	z->vals = zsim_xcalloc(z->mask + 1, sizeof(*z->vals));
	z->free_e = z->lru_head = z->lru_tail = NIL;
	return 0;
}

static void zswap_destroy(void *priv)
{
	struct zswap *z = priv;
	zsim_allocator_free(z->pool);
	if (z->own_codec)
		zsim_codec_free(z->codec);
	free(z->e);
	free(z->keys);
	free(z->vals);
	free(z->by_handle);
}


/*
 * zswap_store: 0 stored, or a reason to write the page to the swap device
 * instead (the reason's counter moves): ZSIM_EAGAIN (disabled, or the pool is
 * full: limit, hysteresis, failed reclaim), ZSIM_ENOSPC (the compressed page
 * does not fit the allocator: reject_compress_poor), ZSIM_ENOMEM (no frame:
 * reject_alloc_fail), ZSIM_EIO (the codec failed: reject_compress_fail).  An
 * entry already at `index` is gone either way.
 */
static int store_page(struct zswap *z, uint64_t index, const struct zsim_page_ref *pg)
{
	uint32_t old = map_find(z, index);
	if (old != NIL)
		entry_free(z, old);
	if (!z->cfg.enabled)
		return ZSIM_EAGAIN;

	if (!z->kp->zswap_accept_threshold) {
		/* before 5.6: over the limit, evict one allocator page now */
		if (is_full(z)) {
			z->pool_limit_hit++;
			uint64_t moved = 0;
			if (reclaim_alloc_page(z, now_for_store(z), &z->pending_cpu, &moved) < 0) {
				z->reject_reclaim_fail++;
				return ZSIM_EAGAIN;
			}
		}
	} else if (is_full(z)) {
		z->pool_limit_hit++;
		z->reached_full = true;
		queue_worker(z);
		return ZSIM_EAGAIN;
	} else if (z->reached_full) {
		if (!can_accept(z)) {
			if (z->kp->zswap_shrink_loop)
				queue_worker(z);
			return ZSIM_EAGAIN;
		}
		z->reached_full = false;
	}
	if (!entry_slab_get(z)) {
		z->reject_kmemcache_fail++;
		return ZSIM_ENOMEM;
	}

	struct zsim_page_info pi;
	uint64_t hash = pg->hash ? pg->hash : zsim_page_hash(pg->bytes);
	if (!zsim_codec_cache_get(z->codec, hash, &pi)) {
		const uint8_t *bytes = pg->bytes;
		if (!bytes) {
			uint64_t t0 = zsim_wall_ns();
			pg->fill(pg->ctx, z->buf);
			z->content_wall_ns += zsim_wall_ns() - t0;
			bytes = z->buf;
		}
		pi.same = zsim_page_same_filled(bytes, &pi.pattern);
		pi.len = 0;   /* same-filled pages are compressed only when a kernel needs it */
		if (!pi.same) {
			pi.len = zsim_codec_page_len_hashed(z->codec, bytes, hash);
			if (pi.len < 0) {
				z->reject_compress_fail++;
				return ZSIM_EIO;
			}
		}
		zsim_codec_cache_put(z->codec, hash, &pi);
	}
	if (pi.same && z->kp->zswap_same_filled && z->cfg.same_filled) {
		uint32_t id = entry_new(z, index);
		z->e[id].flags |= E_SAME;
		z->e[id].handle = pi.pattern;
		map_put(z, index, id);
		z->nlive++;
		z->same_filled_pages++;
		z->stored_pages++;
		z->zswpout++;
		return 0;
	}
	if (pi.len == 0) {
		/* known same-filled from the cache, but this kernel compresses it */
		const uint8_t *bytes = pg->bytes;
		if (!bytes) {
			pg->fill(pg->ctx, z->buf);
			bytes = z->buf;
		}
		pi.len = zsim_codec_compress_page(z->codec, bytes, z->dst, sizeof(z->dst));
		if (pi.len < 0) {
			z->reject_compress_fail++;
			return ZSIM_EIO;
		}
	}
	z->pending_cpu += zsim_codec_cost(z->compress_ns, z->compress_kib, (size_t)pi.len);
	size_t len = (size_t)pi.len;
	bool raw = z->kp->zswap_store_incompressible && len >= ZSIM_PAGE_SIZE;
	if (!raw && len > ZSIM_PAGE_SIZE && (z->kp->zswap_overflow_error || z->codec_bounded)) {
		/* the compressor's output does not fit its PAGE_SIZE buffer: an error */
		z->compress_overflow++;
		if (z->kp->zswap_compress_err == ZSIM_ZSWAP_CERR_FAIL)
			z->reject_compress_fail++;
		else if (z->kp->zswap_compress_err == ZSIM_ZSWAP_CERR_POOR)
			z->reject_compress_poor++;
		return ZSIM_EIO;
	}
	if (raw)
		len = ZSIM_PAGE_SIZE;
	size_t size = len + z->hdr;
	zsim_handle h = 0;
	int rc = size > z->pool_max ? ZSIM_ENOSPC : zsim_alloc_malloc(z->pool, size, &h);
	if (rc == ZSIM_ENOSPC) {
		z->reject_compress_poor++;
		return ZSIM_ENOSPC;
	}
	if (rc < 0) {
		z->reject_alloc_fail++;
		return ZSIM_ENOMEM;
	}
	if (pool_pages(z) > z->pool_pages_max)
		z->pool_pages_max = pool_pages(z);
	uint32_t id = entry_new(z, index);
	struct entry *e = &z->e[id];
	e->handle = h;
	e->size = (uint32_t)size;
	e->flags |= E_REF | (raw ? E_RAW : 0);
	if (z->kp->zswap_own_lru)
		lru_add(z, id);
	if (z->by_alloc_lru)
		by_handle_set(z, h, id);
	map_put(z, index, id);
	z->nlive++;
	z->stored_pages++;
	z->stored_incompressible_pages += raw;
	z->zswpout++;
	return 0;
}

static int zswap_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct zswap *z = priv;
	int rc = store_page(z, index, pg);
	if (rc)
		entry_slab_trim(z);   /* a refused page's entry was freed */
	return rc;
}

/*
 * zswap_load: 0 if zswap holds the page (out gets it for a same-filled entry;
 * out may be NULL), ZSIM_ENOENT if not: the simulator reads the swap device.
 * The decompression is charged by the next io().
 */
static int zswap_load(void *priv, uint64_t index, uint8_t *out)
{
	struct zswap *z = priv;
	uint32_t id = map_find(z, index);
	if (id == NIL) {
		z->nr_disk_swapins++;   /* a swap-in from disk (zswap_folio_swapin) */
		return ZSIM_ENOENT;
	}
	struct entry *e = &z->e[id];
	z->zswpin++;
	if (e->flags & E_SAME) {
		if (out)
			for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8)
				memcpy(out + off, &e->handle, 8);
	} else {
		z->pending_cpu += e->flags & E_RAW ? RAW_COPY_NS : load_cost(z, e);
		if (out)
			memset(out, 0, ZSIM_PAGE_SIZE);   /* sizes are modelled, bytes are not kept */
	}
	if (z->exclusive)
		entry_free(z, id);
	else if (on_lru(z, e)) {
		lru_unlink(z, id);
		lru_add(z, id);
	}
	return 0;
}

static void zswap_invalidate(void *priv, uint64_t index)
{
	struct zswap *z = priv;
	uint32_t id = map_find(z, index);
	if (id != NIL)
		entry_free(z, id);
}

/* Charges the codec work of the stores and loads since the last call. */
static uint64_t zswap_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages, uint64_t *cpu_ns)
{
	struct zswap *z = priv;
	(void)write;
	(void)index;
	(void)npages;
	if (now > z->last_now)
		z->last_now = now;
	*cpu_ns += z->pending_cpu;
	z->pending_cpu = 0;
	return now;
}

/* The 6.8+ shrinker: count_objects, then scan nr_to_scan from the LRU tail. */
static void zswap_shrink(struct zswap *z, struct zsim_tctl_shrink *s)
{
	uint64_t lru = 0;
	for (uint32_t id = z->lru_head; id != NIL; id = z->e[id].next)
		lru++;
	s->count = 0;
	if (z->stored_pages && lru) {
		/* recent swap-ins from disk protect as many entries, and are used up */
		uint64_t protect = z->nr_disk_swapins < lru ? z->nr_disk_swapins : lru;
		z->nr_disk_swapins -= protect;
		s->count = (lru - protect) * pool_pages(z) / z->stored_pages;
	}
	s->scanned = s->moved = 0;
	for (uint64_t i = 0; i < s->nr_to_scan; i++) {
		int rc = reclaim_entry(z, s->now, &s->cpu_ns);
		if (rc == ZSIM_ENOENT)
			break;
		s->scanned++;
		if (rc == 1)
			s->moved++;
	}
}

static int zswap_control(void *priv, enum zsim_tier_ctl op, void *arg)
{
	struct zswap *z = priv;
	switch (op) {
	case ZSIM_TCTL_RAM_PAGES:
		*(uint64_t *)arg = pool_pages(z);
		return 0;
	case ZSIM_TCTL_POOL:
		*(const struct zsim_allocator **)arg = z->pool;
		return 0;
	case ZSIM_TCTL_EXCLUSIVE:
		*(bool *)arg = z->exclusive;
		return 0;
	case ZSIM_TCTL_BACKGROUND:
		if (!z->kp->zswap_accept_threshold || !z->cfg.shrink_delay)
			return ZSIM_ENOTSUP;   /* before 5.6 all writeback is in the store; shrink_delay 0:
			                          the worker runs at the refused store */
		*(uint64_t *)arg = z->cfg.shrink_delay;
		return 0;
	case ZSIM_TCTL_WRITEBACK: {
		struct zsim_tctl_writeback *w = arg;
		if (w->now > z->last_now)
			z->last_now = w->now;
		uint64_t cpu = 0;
		w->moved = z->worker_queued ? shrink_worker(z, w->now, &cpu) : 0;
		w->cpu_ns += cpu;
		z->worker_cpu_ns += cpu;
		return 0;
	}
	case ZSIM_TCTL_SHRINK: {
		struct zsim_tctl_shrink *s = arg;
		if (!z->kp->zswap_shrinker || !z->cfg.shrinker_enabled)
			return ZSIM_ENOTSUP;
		if (s->now > z->last_now)
			z->last_now = s->now;
		zswap_shrink(z, s);
		return 0;
	}
	case ZSIM_TCTL_WALL: {
		struct zsim_tctl_wall *w = arg;
		struct zsim_codec_stats st;
		if (z->own_codec) {
			zsim_codec_get_stats(z->codec, &st);
			w->codec_ns += st.compress_wall_ns;
		}
		w->content_ns += z->content_wall_ns;
		return 0;
	}
	default:
		return ZSIM_ENOTSUP;
	}
}

static size_t zswap_stats(const void *priv, struct zsim_stat *out, size_t max)
{
	const struct zswap *z = priv;
	struct zsim_stat all[25];
	size_t n = 0;
#define ST(nm, v) (all[n++] = (struct zsim_stat){ nm, (v) })
	/* debugfs, in the kernel's order */
	ST("pool_limit_hit", z->pool_limit_hit);
	ST("reject_reclaim_fail", z->reject_reclaim_fail);
	ST("reject_alloc_fail", z->reject_alloc_fail);
	ST("reject_kmemcache_fail", z->reject_kmemcache_fail);
	ST("reject_compress_fail", z->reject_compress_fail);
	ST("reject_compress_poor", z->reject_compress_poor);
	ST("compress_overflow", z->compress_overflow);
	ST("written_back_pages", z->written_back_pages);
	ST("pool_total_size", pool_pages(z) * ZSIM_PAGE_SIZE);
	ST("stored_pages", z->stored_pages);
	if (z->kp->zswap_same_filled)
		ST("same_filled_pages", z->same_filled_pages);
	if (z->kp->zswap_store_incompressible)
		ST("stored_incompressible_pages", z->stored_incompressible_pages);
	/* vmstat */
	ST("zswpin", z->zswpin);
	ST("zswpout", z->zswpout);
	ST("zswpwb", z->zswpwb);
	ST("worker_cpu_ns", z->worker_cpu_ns);
	/* the model's own */
	ST("pool_limit_pages", z->max_pages);
	ST("reached_full", z->reached_full);
	ST("pool_pages_max", z->pool_pages_max);
	if (z->slab)
		ST("entry_slab_pages", z->entry_pages);
#undef ST
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int zswap_check(const void *priv, char *msg, size_t len)
{
	const struct zswap *z = priv;
	uint64_t live = 0, same = 0, raw = 0, lru = 0;
	for (uint32_t id = 0; id < z->ne; id++) {
		const struct entry *e = &z->e[id];
		if (!(e->flags & E_LIVE))
			continue;
		live++;
		same += !!(e->flags & E_SAME);
		raw += !!(e->flags & E_RAW);
		if (map_find(z, e->index) != id) {
			snprintf(msg, len, "zswap: entry %u (index %llu) is not in the map", id,
				 (unsigned long long)e->index);
			return ZSIM_ECORRUPT;
		}
		if (!(e->flags & E_SAME) && (!e->handle || e->size > z->pool_max)) {
			snprintf(msg, len, "zswap: entry %u has handle %llu, size %u", id,
				 (unsigned long long)e->handle, e->size);
			return ZSIM_ECORRUPT;
		}
		if (z->by_alloc_lru && !(e->flags & E_SAME) &&
		    (e->handle >= z->nby_handle || z->by_handle[e->handle] != id)) {
			snprintf(msg, len, "zswap: entry %u: handle %llu does not map back", id,
				 (unsigned long long)e->handle);
			return ZSIM_ECORRUPT;
		}
	}
	for (uint32_t id = z->lru_head, prev = NIL; id != NIL; prev = id, id = z->e[id].next) {
		if (id >= z->ne || !(z->e[id].flags & E_LIVE) || z->e[id].prev != prev || !on_lru(z, &z->e[id]) ||
		    ++lru > live) {
			snprintf(msg, len, "zswap: LRU broken at entry %u", id);
			return ZSIM_ECORRUPT;
		}
	}
	uint64_t want_lru = z->kp->zswap_own_lru ? live - same : 0;
	uint64_t mapped = 0;
	for (uint64_t i = 0; i <= z->mask; i++)
		mapped += !!z->keys[i];
	if (z->slab && (z->entry_pages * z->entries_per_page < live ||
			(z->entry_pages && (z->entry_pages - 1) * z->entries_per_page >= live))) {
		snprintf(msg, len, "zswap: %llu entries in %llu slab pages of %u",
			 (unsigned long long)live, (unsigned long long)z->entry_pages, z->entries_per_page);
		return ZSIM_ECORRUPT;
	}
	if (live != z->nlive || live != z->stored_pages || same != z->same_filled_pages ||
	    raw != z->stored_incompressible_pages || lru != want_lru || mapped != live) {
		snprintf(msg, len, "zswap: counters (stored %llu same %llu raw %llu) disagree with the entries "
			 "(%llu %llu %llu; on the LRU %llu of %llu, mapped %llu)",
			 (unsigned long long)z->stored_pages, (unsigned long long)z->same_filled_pages,
			 (unsigned long long)z->stored_incompressible_pages, (unsigned long long)live,
			 (unsigned long long)same, (unsigned long long)raw, (unsigned long long)lru,
			 (unsigned long long)want_lru, (unsigned long long)mapped);
		return ZSIM_ECORRUPT;
	}
	if (z->worker_queued && !z->kp->zswap_accept_threshold) {
		snprintf(msg, len, "zswap: a shrink worker queued in a kernel without one");
		return ZSIM_ECORRUPT;
	}
	return zsim_alloc_check(z->pool, msg, len);
}

const struct zsim_tier_ops zsim_tier_zswap = {
	.name = "zswap",
	.priv_size = sizeof(struct zswap),
	.flags = ZSIM_TIER_FRONTSWAP,
	.keys = keys,
	.cfg_size = sizeof(struct zswap_cfg),
	.validate = zswap_validate,
	.init = zswap_init,
	.destroy = zswap_destroy,
	.store = zswap_store,
	.load = zswap_load,
	.invalidate = zswap_invalidate,
	.stats = zswap_stats,
	.check = zswap_check,
	.io = zswap_io,
	.control = zswap_control,
};
