/*
 * zram.c - zram, the compressed RAM block device (drivers/block/zram/zram_drv.c).
 *
 * What the kernel does.  zram is a block device of `disksize` bytes whose 4 KiB
 * slots each hold one page.  A write first tests whether the page is
 * same-filled (all 512 eight-byte words equal); such a page is recorded in the
 * slot table with its pattern and takes no pool memory (same_pages).  Any other
 * page is compressed with the device's algorithm; if the compressed length is
 * at least zsmalloc's huge class size (3625 bytes with the 6.3+ chain of 8,
 * 3257 with the old chain of 4) the page is stored whole, as a 4096-byte
 * object (huge_pages, huge_pages_since).  The object is allocated from the
 * zsmalloc pool *before* the slot's old content is freed; then the pool size is
 * compared with mem_limit: if the pool now holds more pages than the limit,
 * the new object is freed again and the write fails with -ENOMEM (the block
 * layer reports EIO; io_stat failed_writes, once per write the device is
 * given: swap gives a refused page twice before 6.3, through rw_page and then
 * as a bio - sim/swap.c; the compression done before the refusal costs CPU
 * all the same, ZSIM_TCTL_REFUSED_CPU).  mem_used_max is updated with the
 * pool size at each such check, so it may end above the limit.  Discard frees
 * whole slots (notify_free); zsmalloc frees a zspage only when it is empty, so
 * discard returns little memory until `compact` runs (pages_compacted).
 *
 * What the model keeps.  All of the above, page-exact, with the compressed
 * length coming from running the real codec on the page's bytes (codecs/),
 * and the pool being a member of the allocator family (zsmalloc by default; any
 * other is a what-if, since the kernel's zram only ever used zsmalloc).  An
 * allocator that cannot hold an object of that size (e.g. zbud above 3968 B)
 * makes the page be stored whole, as a huge page.  The pre-4.17 max_zpage_size
 * threshold is honoured when a profile sets it, and `compact` does nothing in a
 * profile without zsmalloc compaction (before 4.1; kp->zram_compact).  The nine
 * mm_stat fields keep the kernel's meanings and order (kernel-facts 3.2), then
 * io_stat's four.
 *
 * Writeback (CONFIG_ZRAM_WRITEBACK, explicit since 5.0; kernel-facts 3.3).  With
 * a backing_dev (params.lower) and a mode, each writeback round marks idle the
 * slots not read or written for idle_age (the kernel's `echo SECONDS > idle`
 * with access-time tracking), then writes back the slots the mode selects
 * (idle: idle ones; huge: huge ones; huge_idle: both) as writeback_store does,
 * one page at a time: the page is read out of the pool (decompressed, or
 * copied when huge: CPU the simulation runs on a CPU, as the daemon's
 * `echo` runs it in its own context), written uncompressed to the first free
 * block of the backing device, and the round waits for that write to end
 * (submit_bio_wait) before it takes the next page.  Only then is the pool
 * object freed (compr_data_size and huge_pages drop, pages_stored stays) and
 * the slot remembers its block (ZRAM_WB); a slot freed, rewritten or read
 * while its page was in flight keeps its object and the block is given back
 * (the kernel's ZRAM_IDLE re-check).  bd_writes counts every write, bd_count
 * the blocks held.  Slots are taken in index order up to 6.12; from 6.13
 * (kp->zram_wb_largest_first) the round lists its candidates first, largest
 * stored size first in 64-byte buckets.  A read of a written-back slot is a
 * read of the backing device (bd_reads) and costs no decompression; freeing
 * the slot frees the block.  writeback_limit, when set, is a budget in pages
 * for all rounds.  Same-filled slots are never written back.  The simulation
 * steps a round through ZSIM_TCTL_WRITEBACK (sim/devices.c) and starts the
 * next one `interval` after it ends, as a daemon's loop of sleep and echo
 * does.  The writer's CPU beyond the page's read (its bio, its wakeups) is
 * writeback.page_time, 0 by default.  Simplified: marking idle takes no time;
 * a slot of a 6.13+ list that turns wanted only after the list was made waits
 * for the next round.
 *
 * What it drops.  Recompression (this 6.18 build has none), the pre-5.0
 * write-time writeback of incompressible pages, compressed writeback, the
 * slot lock (miss_free stays 0), the per-slot table memory (not counted in
 * mem_used_total by the kernel either), and the data itself: reads return the
 * page only for same-filled slots, since the model keeps sizes, not compressed
 * bytes.
 */
#include "tier.h"
#include "../codecs/codec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* zram writeback modes (echo MODE > /sys/block/zramN/writeback); 0: none */
enum { WB_NONE, WB_IDLE, WB_HUGE, WB_HUGE_IDLE };
/* a round's step: pick a page (and run its decompression), write it, finish it */
enum { WBP_PICK, WBP_WRITE, WBP_DONE };
struct wb_cand {
	uint64_t index;
	uint16_t bucket;
};

/* The settings, filled from the key table. */
struct zram_cfg {
	char comp[16];            /* comp_algorithm; "": the profile's default */
	int level;                /* codec level; -1: the codec's default */
	char allocator[16];
	uint64_t mem_limit;       /* bytes; 0: none */
	char backing_dev[32];     /* a device below (resolved by the config reader into params.lower) */
	unsigned wb_mode;         /* WB_*: periodic writeback to backing_dev */
	uint64_t wb_idle_age;     /* ns: idle = not accessed for this long */
	uint64_t wb_interval;     /* ns between writeback rounds */
	uint64_t wb_limit;        /* bytes in all (writeback_limit); 0: no limit */
	uint64_t wb_page_time;    /* ns of the writer's CPU per page beyond reading it out */
};
#define OFF(f) offsetof(struct zram_cfg, f)

/*
 * The writeback job is the `echo SECONDS > idle; echo MODE > writeback` loop
 * a userspace daemon would run (kernel-facts 3.3): `interval` after the last
 * round ended, slots not accessed for `idle_age` are marked idle, then the
 * mode's slots go down a page at a time.
 */
static const struct zsim_key keys[] = {
	{ "comp", ZSIM_KEY_STR, OFF(comp), sizeof(((struct zram_cfg *)0)->comp), NULL, { NULL }, 0, 0, 0,
	  NULL, 0, "compression algorithm (comp_algorithm) [default: the kernel profile's]" },
	{ "level", ZSIM_KEY_INT, OFF(level), 0, "-1", { NULL }, 0, -1, 22, NULL, ZSIM_KEY_OPTIONAL,
	  "codec level (zstd); -1: the codec's default" },
	{ "allocator", ZSIM_KEY_STR, OFF(allocator), sizeof(((struct zram_cfg *)0)->allocator), "zsmalloc",
	  { NULL }, 0, 0, 0, NULL, 0, "the pool's allocator (the kernel's zram: zsmalloc; others are what-ifs)" },
	{ "mem_limit", ZSIM_KEY_SIZE, OFF(mem_limit), 0, "0", { NULL }, 0, 0, 0, NULL, 0,
	  "most RAM the pool may hold (0: no limit)" },
	{ "backing_dev", ZSIM_KEY_DEVICE, OFF(backing_dev), sizeof(((struct zram_cfg *)0)->backing_dev), NULL,
	  { NULL }, 0, 0, 0, NULL, ZSIM_KEY_OPTIONAL, "a device below that writeback moves pages to" },
	{ "writeback.mode", ZSIM_KEY_ENUM, OFF(wb_mode), 0, NULL, { NULL }, 0, 0, 0, "idle,huge,huge_idle",
	  ZSIM_KEY_REQUIRED, "which slots each round writes back" },
	{ "writeback.idle_age", ZSIM_KEY_TIME, OFF(wb_idle_age), 0, "60s", { NULL }, 0, 0, 0, NULL, 0,
	  "a slot not accessed for this long is idle" },
	{ "writeback.interval", ZSIM_KEY_TIME, OFF(wb_interval), 0, "10s", { NULL }, 0, 1000000, 0, NULL, 0,
	  "time between writeback rounds" },
	{ "writeback.limit", ZSIM_KEY_SIZE, OFF(wb_limit), 0, "0", { NULL }, 0, 0, 0, NULL, 0,
	  "writeback_limit: bytes in all (0: no limit)" },
	{ "writeback.page_time", ZSIM_KEY_TIME, OFF(wb_page_time), 0, "0ns", { NULL }, 0, 0, 0, NULL, 0,
	  "the writer's CPU per page beyond reading it out of the pool (its bio, its wakeups; "
	  "the kernel validation measures it in the guest)" },
	{ NULL },
};

static int zram_validate(void *cfgp, const struct zsim_tier_env *env, const char **key, char *err, size_t errlen)
{
	struct zram_cfg *c = cfgp;
	char names[128];
	if (!c->comp[0])
		snprintf(c->comp, sizeof(c->comp), "%s", env->kp->zram_default_comp);
	if (!zsim_codec_find(c->comp)) {
		zsim_codec_names(names, sizeof(names));
		*key = "comp";
		snprintf(err, errlen, "unknown compressor '%s' (known: %s)", c->comp, names);
		return ZSIM_EINVAL;
	}
	if (!zsim_allocator_find(c->allocator)) {
		zsim_allocator_names(names, sizeof(names));
		*key = "allocator";
		snprintf(err, errlen, "unknown allocator '%s' (known: %s)", c->allocator, names);
		return ZSIM_EINVAL;
	}
	if (c->wb_mode != WB_NONE && !c->backing_dev[0]) {
		*key = "writeback";
		snprintf(err, errlen, "writeback needs a backing_dev to write to");
		return ZSIM_EINVAL;
	}
	*key = "writeback.mode";
	if (c->wb_mode != WB_NONE && !env->kp->zram_writeback) {
		snprintf(err, errlen, "zram writeback needs kernel 5.4 or later (profile %s: none, or only 4.14's "
			 "write-time writeback of incompressible pages, not modelled)", env->kp->name);
		return ZSIM_EINVAL;
	}
	if (c->wb_mode == WB_HUGE_IDLE && !env->kp->zram_huge_idle) {
		snprintf(err, errlen, "huge_idle writeback came in 5.19 (profile %s)", env->kp->name);
		return ZSIM_EINVAL;
	}
	*key = NULL;
	return 0;
}

/* Slot flags (the kernel's ZRAM_SAME, ZRAM_HUGE; "used" means a pool object is held). */
enum {
	SLOT_USED = 1u << 0,
	SLOT_SAME = 1u << 1,
	SLOT_HUGE = 1u << 2,
	SLOT_WHOLE = 1u << 3,  /* huge page on a raw frame: the allocator cannot hold 4096 B */
	SLOT_WB = 1u << 4,     /* written back: handle is the backing block (ZRAM_WB) */
	SLOT_IDLE = 1u << 5,   /* marked idle, not accessed since (ZRAM_IDLE) */
	SLOT_INCOMP = 1u << 6, /* with HUGE: the codec's output was a page or more (its fast path) */
};

struct slot {
	uint64_t handle;   /* pool handle, the 8-byte pattern of a SAME slot, or a WB slot's block */
	uint16_t size;     /* stored length: compressed length, or 4096 when huge; 0 when WB */
	uint8_t flags;
	uint32_t actime;   /* last read or write, ms of simulated time (saturating) */
};

struct zram {
	const struct zsim_kprofile *kp;
	struct zsim_codec *codec;
	bool own_codec;          /* false when the codec is shared with other devices */
	struct zsim_allocator *pool;
	struct slot *table;
	uint64_t nr_slots;
	uint64_t limit_pages;
	size_t huge_threshold;   /* compressed length from which a page is stored whole */
	size_t pool_max;         /* largest object the allocator holds at all */
	const struct zsim_frame_source *frames;
	uint64_t whole_pages;    /* raw frames held by SLOT_WHOLE slots */

	/* counters, under the kernel's names */
	uint64_t pages_stored, compr_data_size, max_used_pages, same_pages;
	uint64_t pages_compacted, huge_pages, huge_pages_since;
	uint64_t failed_reads, failed_writes, notify_free;
	uint64_t refused_cpu;     /* ns the last failed store spent compressing (ZSIM_TCTL_REFUSED_CPU) */
	uint64_t num_reads, num_writes;
	uint64_t comp_pages, decomp_pages;   /* pages that went through the codec */
	uint64_t content_wall_ns;            /* wall time making page bytes (perf only) */
	uint32_t compress_ns, decompress_ns; /* simulated CPU per page: fixed part */
	uint32_t compress_kib, decompress_kib; /* and per KiB of compressed output */
	/* writeback to the backing device */
	struct zsim_tier *lower;
	int wb_mode;
	uint64_t wb_idle_age_ms, wb_interval, wb_limit, wb_budget, wb_page_time;
	uint8_t *bd_used;                    /* per backing block */
	uint64_t bd_blocks, bd_hint;         /* blocks; no free block below bd_hint */
	uint64_t bd_count, bd_reads, bd_writes;
	/* the writeback round in progress (zram_writeback_step) */
	bool wb_active;
	int wb_phase;                        /* WBP_* */
	uint64_t wb_cursor;                  /* index order: the next slot to look at */
	struct wb_cand *wb_order;            /* largest first: the candidates, listed */
	size_t wb_n, wb_k, wb_cap;
	uint64_t wb_slot, wb_block;          /* the page in hand and its block */
	uint8_t buf[ZSIM_PAGE_SIZE];         /* a page made by fill() */
	uint8_t dst[ZSIM_CODEC_DST_MAX];
};

static int zram_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct zram *z = priv;
	const struct zram_cfg *c = p->cfg;
	const char *cname = c->comp[0] ? c->comp : p->kp->zram_default_comp;
	const char *aname = c->allocator;
	int rc;

	if (p->capacity_pages == 0) {
		snprintf(err, errlen, "zram disksize is 0");
		return ZSIM_EINVAL;
	}
	z->own_codec = !p->shared_codec;
	rc = p->shared_codec ? 0 : zsim_codec_new(cname, c->level, &z->codec);
	if (p->shared_codec)
		z->codec = p->shared_codec;
	if (rc < 0) {
		char names[256];
		zsim_codec_names(names, sizeof(names));
		if (rc == ZSIM_ENOENT)
			snprintf(err, errlen, "unknown compressor '%s' (known: %s)", cname, names);
		else
			snprintf(err, errlen, "compressor '%s': bad level %d", cname, c->level);
		return rc;
	}
	struct zsim_alloc_params ap = { .kp = p->kp, .frames = p->frames };
	rc = zsim_allocator_new(aname, &ap, &z->pool);
	if (rc < 0) {
		char names[256];
		zsim_allocator_names(names, sizeof(names));
		if (rc == ZSIM_ENOENT)
			snprintf(err, errlen, "unknown allocator '%s' (known: %s)", aname, names);
		else if (rc == ZSIM_ENOTSUP) {
			char with[128];
			zsim_allocator_profiles(aname, with, sizeof(with));
			snprintf(err, errlen, "allocator '%s' is not in kernel %s (kernel profiles that have it: %s)",
				 aname, p->kp->name, with[0] ? with : "none");
		} else
			snprintf(err, errlen, "allocator '%s': %s", aname, zsim_strerror(rc));
		if (z->own_codec)
			zsim_codec_free(z->codec);
		return rc;
	}
	z->kp = p->kp;
	z->frames = p->frames;
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
	z->nr_slots = p->capacity_pages;
	z->table = zsim_xcalloc(z->nr_slots, sizeof(*z->table));
	z->limit_pages = c->mem_limit / ZSIM_PAGE_SIZE;
	z->lower = p->lower;
	z->wb_mode = (int)c->wb_mode;
	z->wb_idle_age_ms = c->wb_idle_age / 1000000;
	z->wb_interval = c->wb_interval;
	z->wb_limit = z->wb_budget = c->wb_limit / ZSIM_PAGE_SIZE;
	z->wb_page_time = c->wb_page_time;
	if (z->lower) {
		uint64_t cap = 0;
		if (zsim_tier_stat(z->lower, "capacity_pages", &cap) < 0 || !cap)
			cap = z->nr_slots;
		z->bd_blocks = cap;
		z->bd_used = zsim_xcalloc(cap, 1);
	}
	z->pool_max = z->pool->ops->max_size(z->pool->priv);
	/* >= 4.17 the threshold is zs_huge_class_size(); before, a fixed max_zpage_size + 1. */
	z->huge_threshold = p->kp->zram_max_zpage_size ? p->kp->zram_max_zpage_size + 1
						       : zsim_alloc_huge_size(z->pool);
	return 0;
}

static void zram_destroy(void *priv)
{
	struct zram *z = priv;
	zsim_allocator_free(z->pool);
	if (z->own_codec)
		zsim_codec_free(z->codec);
	free(z->table);
	free(z->bd_used);
	free(z->wb_order);
}


/* Pages the device holds: the pool's plus raw frames of pages stored whole. */
static uint64_t pool_pages(const struct zram *z)
{
	return zsim_alloc_total_pages(z->pool) + z->whole_pages;
}

static void bd_free(struct zram *z, uint64_t b)
{
	z->bd_used[b] = 0;
	z->bd_count--;
	if (b < z->bd_hint)
		z->bd_hint = b;
	z->lower->ops->invalidate(z->lower->priv, b);
}

/* Free the pool object of a slot (or its raw frame); the slot keeps its flags. */
static void object_free(struct zram *z, struct slot *s)
{
	if (s->flags & SLOT_WHOLE) {
		if (z->frames)
			z->frames->put(z->frames->ctx, 1);
		z->whole_pages--;
	} else {
		zsim_alloc_free(z->pool, s->handle);
	}
	z->compr_data_size -= s->size;
}

/* Free whatever the slot holds (zram_free_page). */
static void slot_free(struct zram *z, struct slot *s)
{
	if (!s->flags)
		return;
	if (s->flags & SLOT_HUGE)
		z->huge_pages--;
	if (s->flags & SLOT_WB) {
		bd_free(z, s->handle);
	} else if (s->flags & SLOT_SAME) {
		z->same_pages--;
	} else {
		object_free(z, s);
	}
	z->pages_stored--;
	memset(s, 0, sizeof(*s));
}

static int zram_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct zram *z = priv;
	if (index >= z->nr_slots)
		return ZSIM_ERANGE;
	struct slot *s = &z->table[index];
	z->num_writes++;

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
		pi.len = 0;
		if (!pi.same) {
			pi.len = zsim_codec_page_len_hashed(z->codec, bytes, hash);
			if (pi.len < 0) {
				z->failed_writes++;
				return pi.len;
			}
		}
		zsim_codec_cache_put(z->codec, hash, &pi);
	}
	if (pi.same && (z->kp->zram_same_any_pattern || pi.pattern == 0)) {
		slot_free(z, s);
		s->handle = pi.pattern;
		s->flags = SLOT_SAME;
		z->same_pages++;
		z->pages_stored++;
		return 0;
	}
	if (pi.same && pi.len == 0) {
		/* a non-zero pattern on a kernel that only knew zero pages: compress it */
		const uint8_t *bytes = pg->bytes;
		if (!bytes) {
			pg->fill(pg->ctx, z->buf);
			bytes = z->buf;
		}
		pi.len = zsim_codec_compress_page(z->codec, bytes, z->dst, sizeof(z->dst));
		if (pi.len < 0) {
			z->failed_writes++;
			return pi.len;
		}
	}
	size_t len = (size_t)pi.len;
	z->comp_pages++;
	bool huge = len >= z->huge_threshold || len > z->pool_max;
	if (huge)
		len = ZSIM_PAGE_SIZE;
	/* the compression is done before the pool is asked: a refusal below costs
	 * it too (priced as zram_io prices a stored page of this size) */
	z->refused_cpu = zsim_codec_cost(z->compress_ns, z->compress_kib, len);

	zsim_handle h = 0;
	bool whole = len > z->pool_max;
	int rc = whole ? (z->frames ? z->frames->get(z->frames->ctx, 1) : 0)
		       : zsim_alloc_malloc(z->pool, len, &h);
	if (rc < 0) {
		z->failed_writes++;
		return rc == ZSIM_ENOSPC ? ZSIM_ENOMEM : rc;
	}
	z->whole_pages += whole;
	uint64_t used = pool_pages(z);
	if (used > z->max_used_pages)
		z->max_used_pages = used;
	if (z->limit_pages && used > z->limit_pages) {
		if (whole) {
			if (z->frames)
				z->frames->put(z->frames->ctx, 1);
			z->whole_pages--;
		} else {
			zsim_alloc_free(z->pool, h);
		}
		z->failed_writes++;
		return ZSIM_ENOMEM;
	}
	slot_free(z, s);
	s->handle = h;
	s->size = (uint16_t)len;
	s->flags = (whole ? SLOT_WHOLE : SLOT_USED) | (huge ? SLOT_HUGE : 0) |
		   ((size_t)pi.len >= ZSIM_PAGE_SIZE ? SLOT_INCOMP : 0);
	if (huge) {
		z->huge_pages++;
		z->huge_pages_since++;
	}
	z->compr_data_size += len;
	z->pages_stored++;
	return 0;
}

static int zram_load(void *priv, uint64_t index, uint8_t *out)
{
	struct zram *z = priv;
	if (index >= z->nr_slots) {
		z->failed_reads++;
		return ZSIM_ERANGE;
	}
	const struct slot *s = &z->table[index];
	z->num_reads++;
	if (!s->flags) {
		memset(out, 0, ZSIM_PAGE_SIZE);  /* an unwritten slot reads as zeroes */
		return 0;
	}
	if (s->flags & SLOT_SAME) {
		for (size_t off = 0; off < ZSIM_PAGE_SIZE; off += 8)
			memcpy(out + off, &s->handle, 8);
		return 0;
	}
	return ZSIM_ENOTSUP;   /* sizes are modelled, bytes are not kept */
}

static void zram_invalidate(void *priv, uint64_t index)
{
	struct zram *z = priv;
	if (index >= z->nr_slots)
		return;
	struct slot *s = &z->table[index];
	if (s->flags)
		slot_free(z, s);
	z->notify_free++;   /* the kernel counts every page of a discard range */
}

static uint64_t zram_compact(void *priv)
{
	struct zram *z = priv;
	if (!z->kp->zram_compact)
		return 0;   /* no zsmalloc compaction and no `compact` node yet */
	uint64_t freed = zsim_alloc_compact(z->pool);
	z->pages_compacted += freed;
	return freed;
}

static size_t zram_stats(const void *priv, struct zsim_stat *out, size_t max)
{
	const struct zram *z = priv;
	const struct zsim_stat all[] = {
		/* mm_stat, in the kernel's order */
		{ "orig_data_size", z->pages_stored * ZSIM_PAGE_SIZE },
		{ "compr_data_size", z->compr_data_size },
		{ "mem_used_total", pool_pages(z) * ZSIM_PAGE_SIZE },
		{ "mem_limit", z->limit_pages * ZSIM_PAGE_SIZE },
		{ "mem_used_max", z->max_used_pages * ZSIM_PAGE_SIZE },
		{ "same_pages", z->same_pages },
		{ "pages_compacted", z->pages_compacted },
		{ "huge_pages", z->huge_pages },
		{ "huge_pages_since", z->huge_pages_since },
		/* io_stat */
		{ "failed_reads", z->failed_reads },
		{ "failed_writes", z->failed_writes },
		{ "invalid_io", 0 },
		{ "notify_free", z->notify_free },
		/* block-layer counts (not in mm_stat) */
		{ "num_reads", z->num_reads },
		{ "num_writes", z->num_writes },
		{ "pages_stored", z->pages_stored },
		{ "stored_whole", z->whole_pages },
		{ "comp_pages", z->comp_pages },
		{ "decomp_pages", z->decomp_pages },
		/* bd_stat, in pages */
		{ "bd_count", z->bd_count },
		{ "bd_reads", z->bd_reads },
		{ "bd_writes", z->bd_writes },
	};
	size_t n = ZSIM_ARRAY_SIZE(all) < max ? ZSIM_ARRAY_SIZE(all) : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int zram_check(const void *priv, char *msg, size_t len)
{
	const struct zram *z = priv;
	uint64_t stored = 0, same = 0, huge = 0, bytes = 0, whole = 0, wb = 0;
	for (uint64_t i = 0; i < z->nr_slots; i++) {
		const struct slot *s = &z->table[i];
		if (!s->flags)
			continue;
		stored++;
		if (s->flags & SLOT_WB) {
			if (s->flags != SLOT_WB || s->handle >= z->bd_blocks || !z->bd_used[s->handle]) {
				snprintf(msg, len, "zram: written-back slot %llu: flags %#x, block %llu not held",
					 (unsigned long long)i, s->flags, (unsigned long long)s->handle);
				return ZSIM_ECORRUPT;
			}
			wb++;
			continue;
		}
		if (s->flags & SLOT_SAME) {
			same++;
			if (s->flags & (SLOT_USED | SLOT_HUGE)) {
				snprintf(msg, len, "zram: slot %llu is SAME and holds an object",
					 (unsigned long long)i);
				return ZSIM_ECORRUPT;
			}
			continue;
		}
		if (s->flags & SLOT_WHOLE) {
			whole++;
		} else if (!(s->flags & SLOT_USED) || !s->handle) {
			snprintf(msg, len, "zram: slot %llu has flags %#x but no object",
				 (unsigned long long)i, s->flags);
			return ZSIM_ECORRUPT;
		}
		if ((s->flags & SLOT_HUGE) && s->size != ZSIM_PAGE_SIZE) {
			snprintf(msg, len, "zram: huge slot %llu has size %u", (unsigned long long)i, s->size);
			return ZSIM_ECORRUPT;
		}
		huge += !!(s->flags & SLOT_HUGE);
		bytes += s->size;
	}
	if (stored != z->pages_stored || same != z->same_pages || huge != z->huge_pages ||
	    bytes != z->compr_data_size || whole != z->whole_pages) {
		snprintf(msg, len, "zram: counters (stored %llu same %llu huge %llu bytes %llu) disagree "
			 "with the table (%llu %llu %llu %llu)",
			 (unsigned long long)z->pages_stored, (unsigned long long)z->same_pages,
			 (unsigned long long)z->huge_pages, (unsigned long long)z->compr_data_size,
			 (unsigned long long)stored, (unsigned long long)same,
			 (unsigned long long)huge, (unsigned long long)bytes);
		return ZSIM_ECORRUPT;
	}
	uint64_t held = 0;
	for (uint64_t b = 0; b < z->bd_blocks; b++)
		held += z->bd_used[b];
	uint64_t inflight = z->wb_active && z->wb_phase != WBP_PICK;   /* a block being written */
	if (wb + inflight != z->bd_count || held != z->bd_count) {
		snprintf(msg, len, "zram: bd_count %llu, but %llu slots written back, %llu being written and "
			 "%llu blocks held", (unsigned long long)z->bd_count, (unsigned long long)wb,
			 (unsigned long long)inflight, (unsigned long long)held);
		return ZSIM_ECORRUPT;
	}
	if (z->limit_pages && pool_pages(z) > z->limit_pages) {
		snprintf(msg, len, "zram: pool holds %llu pages, above mem_limit %llu",
			 (unsigned long long)pool_pages(z),
			 (unsigned long long)z->limit_pages);
		return ZSIM_ECORRUPT;
	}
	return zsim_alloc_check(z->pool, msg, len);
}

/*
 * zram is synchronous: the task that writes or reads a page does the codec
 * work itself, on its CPU, and the I/O is complete when that is done.  Cost per
 * page from its compressed size (zsim_codec_cost: a fixed part plus a part per
 * KiB of output) with the config's codec_time (zsim calibrate), else the
 * codec's defaults: a page that compresses badly costs more than one that
 * compresses well.  A huge page (stored whole) is compressed at the cost of
 * its output's size (a page when the codec gave up) and read back as a copy,
 * as zram_read_from_zspool copies a PAGE_SIZE object; same-filled pages never
 * reach the codec and cost nothing here.
 */
#define ZRAM_COPY_NS 250   /* a 4 KiB copy (~0.2 us at 20 GB/s), as zswap's RAW_COPY_NS */
static uint64_t zram_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages,
		       uint64_t *cpu_ns)
{
	struct zram *z = priv;
	uint64_t done = now, ms = now / 1000000;
	uint32_t actime = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	for (uint64_t i = index; i < index + npages && i < z->nr_slots; i++) {
		struct slot *s = &z->table[i];
		s->actime = actime;   /* any access ends idleness */
		s->flags &= (uint8_t)~SLOT_IDLE;
		bool same = s->flags & SLOT_SAME;   /* no codec work for these */
		if (write) {
			if (!same)   /* a huge page's output was 3625..4095 bytes, or a page or more */
				*cpu_ns += zsim_codec_cost(z->compress_ns, z->compress_kib,
							   s->flags & SLOT_INCOMP ? ZSIM_PAGE_SIZE : s->size);
			continue;
		}
		z->num_reads++;   /* a swap-in or page-cache read of the device */
		if (s->flags & SLOT_WB) {
			/* written back: read from the backing device, stored uncompressed */
			uint64_t t = z->lower->ops->io ? z->lower->ops->io(z->lower->priv, now, false, s->handle, 1, cpu_ns)
						       : now;
			if (t > done)
				done = t;
			z->bd_reads++;
		} else if (s->flags & SLOT_HUGE) {
			*cpu_ns += ZRAM_COPY_NS;   /* stored whole: read back as a copy */
		} else if (!same) {
			*cpu_ns += zsim_codec_cost(z->decompress_ns, z->decompress_kib, s->size);
			z->decomp_pages++;
		}
	}
	return done;
}

/* The first free block of the backing device, or UINT64_MAX. */
static uint64_t bd_alloc(struct zram *z)
{
	for (uint64_t b = z->bd_hint; b < z->bd_blocks; b++)
		if (!z->bd_used[b]) {
			z->bd_used[b] = 1;
			z->bd_hint = b + 1;
			z->bd_count++;
			return b;
		}
	z->bd_hint = z->bd_blocks;
	return UINT64_MAX;
}

static int wb_cmp(const void *a, const void *b)
{
	const struct wb_cand *x = a, *y = b;
	if (x->bucket != y->bucket)
		return x->bucket > y->bucket ? -1 : 1;   /* largest first */
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether slot s is one the round's mode writes back now. */
static bool wb_wanted(const struct zram *z, const struct slot *s)
{
	if (!s->flags || (s->flags & (SLOT_SAME | SLOT_WB)))
		return false;
	if ((z->wb_mode == WB_IDLE || z->wb_mode == WB_HUGE_IDLE) && !(s->flags & SLOT_IDLE))
		return false;
	if ((z->wb_mode == WB_HUGE || z->wb_mode == WB_HUGE_IDLE) && !(s->flags & SLOT_HUGE))
		return false;
	return true;
}

/* A round begins: slots not accessed for idle_age are marked idle (the
 * daemon's `echo SECONDS > idle`, before its `echo MODE > writeback`); 6.13+
 * also lists its candidates up front, largest stored size first. */
static void wb_begin(struct zram *z, uint64_t now)
{
	uint64_t now_ms = now / 1000000;
	bool want_idle = z->wb_mode == WB_IDLE || z->wb_mode == WB_HUGE_IDLE;
	z->wb_n = z->wb_k = 0;
	z->wb_cursor = 0;
	for (uint64_t i = 0; i < z->nr_slots; i++) {
		struct slot *s = &z->table[i];
		if (!s->flags || (s->flags & (SLOT_SAME | SLOT_WB)))
			continue;
		if (want_idle && s->actime + z->wb_idle_age_ms <= now_ms)
			s->flags |= SLOT_IDLE;
		if (!z->kp->zram_wb_largest_first || !wb_wanted(z, s))
			continue;
		if (z->wb_n == z->wb_cap) {
			z->wb_cap = z->wb_cap ? z->wb_cap * 2 : 1024;
			z->wb_order = zsim_xrealloc(z->wb_order, z->wb_cap * sizeof(*z->wb_order));
		}
		z->wb_order[z->wb_n].index = i;
		z->wb_order[z->wb_n].bucket = (uint16_t)(s->size / 64);
		z->wb_n++;
	}
	if (z->wb_n)
		qsort(z->wb_order, z->wb_n, sizeof(*z->wb_order), wb_cmp);
	z->wb_active = true;
	z->wb_phase = WBP_PICK;
}

/* The next slot to write back, looked at as the round reaches it; UINT64_MAX: none left. */
static uint64_t wb_next_slot(struct zram *z)
{
	if (z->kp->zram_wb_largest_first) {
		while (z->wb_k < z->wb_n) {
			uint64_t i = z->wb_order[z->wb_k++].index;
			if (wb_wanted(z, &z->table[i]))
				return i;   /* still as listed: not freed, rewritten or read since */
		}
		return UINT64_MAX;
	}
	while (z->wb_cursor < z->nr_slots) {
		uint64_t i = z->wb_cursor++;
		if (wb_wanted(z, &z->table[i]))
			return i;
	}
	return UINT64_MAX;
}

/*
 * One step of a writeback round at w->now (see the header): the page whose
 * CPU is done is written (its write ends at w->next), the page whose write
 * ended is finished and the next one picked (its decompression into
 * w->cpu_ns, to run before its write: w->next = w->now).  w->next 0: the
 * round is over.
 */
static void zram_writeback_step(struct zram *z, struct zsim_tctl_writeback *w)
{
	w->next = 0;
	if (!z->lower || !z->wb_mode)
		return;
	if (!z->wb_active)
		wb_begin(z, w->now);
	if (z->wb_phase == WBP_WRITE) {
		/* one synchronous write of the page, uncompressed */
		struct zsim_page_ref pg = { .hash = 1 };   /* the backing device keeps no bytes */
		uint64_t end = w->now;
		if (z->lower->ops->store(z->lower->priv, z->wb_block, &pg) < 0) {
			z->bd_used[z->wb_block] = 0;
			z->bd_count--;
			z->wb_active = false;
			return;
		}
		if (z->lower->ops->io)
			end = z->lower->ops->io(z->lower->priv, w->now, true, z->wb_block, 1, &w->cpu_ns);
		z->wb_phase = WBP_DONE;
		w->next = end > w->now ? end : w->now;
		return;
	}
	if (z->wb_phase == WBP_DONE) {
		/* the write ended: the slot goes to its block unless it was freed,
		 * rewritten or read meanwhile (its idle mark gone); then the block
		 * is given back.  bd_writes counts the write either way. */
		struct slot *s = &z->table[z->wb_slot];
		z->bd_writes++;
		if (s->flags && !(s->flags & (SLOT_SAME | SLOT_WB)) && (s->flags & SLOT_IDLE)) {
			object_free(z, s);
			if (s->flags & SLOT_HUGE)
				z->huge_pages--;
			s->flags = SLOT_WB;
			s->handle = z->wb_block;
			s->size = 0;
			w->moved++;
			if (z->wb_limit)
				z->wb_budget--;
		} else {
			bd_free(z, z->wb_block);
		}
		z->wb_phase = WBP_PICK;
	}
	/* pick the next page */
	if (z->wb_limit && !z->wb_budget) {
		z->wb_active = false;   /* writeback_limit used up */
		return;
	}
	uint64_t i = wb_next_slot(z);
	if (i == UINT64_MAX) {
		z->wb_active = false;
		return;
	}
	uint64_t b = bd_alloc(z);
	if (b == UINT64_MAX) {
		z->wb_active = false;   /* backing device full */
		return;
	}
	struct slot *s = &z->table[i];
	s->flags |= SLOT_IDLE;   /* any access from here on cancels the move */
	if (s->flags & SLOT_HUGE)
		w->cpu_ns += ZRAM_COPY_NS;   /* read out whole */
	else
		w->cpu_ns += zsim_codec_cost(z->decompress_ns, z->decompress_kib, s->size);
	w->cpu_ns += z->wb_page_time;
	z->wb_slot = i;
	z->wb_block = b;
	z->wb_phase = WBP_WRITE;
	w->next = w->now;   /* its write goes out once that CPU has run */
}

static int zram_control(void *priv, enum zsim_tier_ctl op, void *arg)
{
	struct zram *z = priv;
	switch (op) {
	case ZSIM_TCTL_SYNC_IO:
		*(bool *)arg = z->kp->zram_sync_io;   /* swap-ins skip the swap cache */
		return 0;
	case ZSIM_TCTL_RAM_PAGES:
		*(uint64_t *)arg = pool_pages(z);
		return 0;
	case ZSIM_TCTL_POOL:
		*(const struct zsim_allocator **)arg = z->pool;
		return 0;
	case ZSIM_TCTL_COMPACT:
		*(uint64_t *)arg = zram_compact(z);
		return 0;
	case ZSIM_TCTL_BACKGROUND:
		if (z->wb_mode == WB_NONE || !z->lower)
			return ZSIM_ENOTSUP;
		*(uint64_t *)arg = z->wb_interval;
		return 0;
	case ZSIM_TCTL_WRITEBACK: {
		zram_writeback_step(z, arg);
		return 0;
	}
	case ZSIM_TCTL_REFUSED_CPU:
		*(uint64_t *)arg += z->refused_cpu;
		return 0;
	case ZSIM_TCTL_SHRINK:
	case ZSIM_TCTL_EXCLUSIVE:
		break;   /* zram has no shrinker */
	case ZSIM_TCTL_ROTATIONAL:
		break;   /* zram's queue is QUEUE_FLAG_NONROT */
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
	}
	return ZSIM_ENOTSUP;
}

const struct zsim_tier_ops zsim_tier_zram = {
	.name = "zram",
	.priv_size = sizeof(struct zram),
	.keys = keys,
	.cfg_size = sizeof(struct zram_cfg),
	.flags = ZSIM_TIER_RW_PAGE,
	.validate = zram_validate,
	.init = zram_init,
	.destroy = zram_destroy,
	.store = zram_store,
	.load = zram_load,
	.invalidate = zram_invalidate,
	.stats = zram_stats,
	.check = zram_check,
	.io = zram_io,
	.control = zram_control,
};
