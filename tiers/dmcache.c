/*
 * dmcache.c - dm-cache (drivers/md/dm-cache-*.c): a fast cache device in front
 * of a slow origin device, managed in cache blocks by a policy (smq).
 *
 * What the kernel does (kernel-facts 6).  The origin is cut into blocks of
 * block_size (32 KiB to 1 GiB, a multiple of 32 KiB); the cache device holds
 * copies of some of them.  A bio to a cached block goes to the cache device
 * (writeback mode: a write marks the block dirty; writethrough: it goes to
 * both; passthrough: everything goes to the origin and nothing is promoted);
 * any other bio goes to the origin.  The policy counts hits on "hotspot"
 * blocks (16 x the cache block, halved while the hotspots would cover more
 * than the origin; max(cache blocks / 4, 1024) of them) and promotes an origin
 * block (copies it to the cache) when its hotspot is hot enough, demoting the
 * least recently used clean block when the cache is full; dirty blocks are
 * written back in the background, at most migration_threshold of data in
 * flight.  Metadata (the mapping, dirty bits, hints) lives on the metadata
 * device: the tools size it 4 MiB + 28 B per cache block (smq's 4 B hint).
 * A dm device has no swap_slot_free_notify, and swap sends no discards unless
 * swapon asks, so freed swap slots are never seen: the cache keeps their data.
 *
 * What the model keeps.  Page-granular I/O through the block map (a block is
 * cached or not); the three modes; promotion of a block when its hotspot has
 * had `promote_hits` accesses since the last decay (a fixed level instead of
 * smq's adaptive promote level; the counts halve once a simulated second, as
 * smq updates its hotspot queue every second), and with free cache blocks a
 * write is promoted at once (smq's eager write promotion); optionally mq's
 * sequential-stream detection (no promotion while the stream is sequential); demotion of the
 * clean block least recently used (when every block is dirty, the LRU dirty
 * one is written back first); background writeback of the least recently used
 * dirty blocks, each round (every writeback_period) at most
 * migration_threshold bytes; counters under the status line's names.  Copies
 * between the devices are stores and I/O on the lower tiers: a promotion reads
 * the block's written pages from the origin and stores them on the cache (a
 * zram cache compresses them and takes RAM from its own pool); a failed store
 * (the zram found no frame) aborts the promotion, the block stays on the
 * origin (promotion_failed).  A write hit the cache refuses fails the write,
 * as the kernel returns the cache device's error.  The copies' I/O queues on
 * the devices at the current time, their CPU (a zram's compression) is
 * kcopyd's, not the task's.
 *
 * Page contents.  The tier remembers each page's last content reference: its
 * hash, and when the writer marks the ref durable (zsim_page_ref.ctx_size,
 * the swap layer does) a copy of the fill context, so a page copied later is
 * the same bytes and compresses as the original did.  Without one (a caller
 * passing bytes only), a copied page is a stand-in made from the hash: half
 * pseudo-random, half zero, under a hash of its own (documented simplification).
 *
 * What it drops.  smq's 64-level stochastic queues and adaptive levels, mq's
 * own hit-count promotion rule (only its pattern tracker is kept), the cleaner policy, metadata I/O and commits (the
 * metadata device is only checked for size and its use reported), whole-block
 * overwrite promotion without a copy, and discard.  A dm device is not
 * SWP_SYNCHRONOUS_IO: swap-ins go through the swap cache.
 */
#include "tier.h"
#include "../core/rng.h"
#include "../codecs/codec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { M_NONE, M_WRITEBACK, M_WRITETHROUGH, M_PASSTHROUGH };

struct dmc_cfg {
	char cache_dev[32], origin_dev[32], metadata_dev[32];
	uint64_t block_size;
	unsigned mode;
	uint64_t migration_threshold;
	uint64_t promote_hits;
	bool eager_writes;
	uint64_t writeback_period;
	uint64_t seq_threshold, rand_threshold;
};
#define OFF(f) offsetof(struct dmc_cfg, f)
#define DEVSZ sizeof(((struct dmc_cfg *)0)->cache_dev)

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define MIN_BLOCK (32 * KIB)
#define MAX_BLOCK (1024 * MIB)

/*
 * Defaults: block_size 64 KiB is lvm2's default cache chunk size (lvmcache(7);
 * dmsetup has none); migration_threshold 2048 sectors = 1 MiB is the kernel's
 * default; promote_hits 4 is ours (smq's promote level adapts; 4 is where mq's
 * read_promote_adjustment stood); eager_writes is smq's promotion of writes
 * while cache blocks are free; writeback_period 100 ms is ours (the kernel's
 * worker runs when woken; with migration_threshold it bounds writeback to
 * 10 MiB/s).  sequential_threshold and random_threshold are the mq policy's
 * I/O-pattern tracker (mq was the only policy until 4.2; its defaults 512 and
 * 4, Documentation/device-mapper/cache-policies.txt): while the I/O stream is
 * sequential, uncached blocks are neither counted nor promoted.  smq has no
 * such tracker, hence the default 0 (off); a 3.12 config sets 512.
 */
static const struct zsim_key keys[] = {
	{ "cache_dev", ZSIM_KEY_DEVICE, OFF(cache_dev), DEVSZ, NULL, { NULL }, 0, 0, 0, NULL,
	  ZSIM_KEY_OPTIONAL | ZSIM_KEY_ANY_DEVICE, "the fast device (required; may be a zram)" },
	{ "origin_dev", ZSIM_KEY_DEVICE, OFF(origin_dev), DEVSZ, NULL, { NULL }, 0, 0, 0, NULL,
	  ZSIM_KEY_OPTIONAL, "the slow device (required); the dmcache's size is its size" },
	{ "metadata_dev", ZSIM_KEY_DEVICE, OFF(metadata_dev), DEVSZ, NULL, { NULL }, 0, 0, 0, NULL,
	  ZSIM_KEY_OPTIONAL | ZSIM_KEY_ANY_DEVICE,
	  "the metadata device (at least 4 MiB + 28 B per cache block); only its size is modelled" },
	{ "block_size", ZSIM_KEY_SIZE, OFF(block_size), 0, "64K", { NULL }, 0, 32768, 1073741824.0, NULL, 0,
	  "cache block size: a multiple of 32 KiB" },
	{ "mode", ZSIM_KEY_ENUM, OFF(mode), 0, "writeback", { NULL }, 0, 0, 0,
	  "writeback,writethrough,passthrough", 0, "where writes go" },
	{ "migration_threshold", ZSIM_KEY_SIZE, OFF(migration_threshold), 0, "1M", { NULL }, 0, 4096, 0, NULL, 0,
	  "most data one background round writes back" },
	{ "promote_hits", ZSIM_KEY_UINT, OFF(promote_hits), 0, "4", { NULL }, 0, 1, 1000000, NULL, 0,
	  "hotspot accesses (since the last decay) that promote a block" },
	{ "eager_writes", ZSIM_KEY_BOOL, OFF(eager_writes), 0, "true", { NULL }, 0, 0, 0, NULL, 0,
	  "promote a written block at once while cache blocks are free (smq)" },
	{ "writeback_period", ZSIM_KEY_TIME, OFF(writeback_period), 0, "100ms", { NULL }, 0, 1000000, 0, NULL, 0,
	  "time between background writeback rounds" },
	{ "sequential_threshold", ZSIM_KEY_UINT, OFF(seq_threshold), 0, "0", { NULL }, 0, 0, 0, NULL, 0,
	  "contiguous I/Os after which the stream is sequential and promotes nothing (mq; 0: none, as smq)" },
	{ "random_threshold", ZSIM_KEY_UINT, OFF(rand_threshold), 0, "4", { NULL }, 0, 1, 0, NULL, 0,
	  "non-contiguous I/Os after which a sequential stream is random again (mq)" },
	{ NULL },
};

/* cache_metadata_size: 4 MiB + 16 B x blocks + blocks x (hint 4 B + 8 B) */
static uint64_t metadata_bytes(uint64_t nr_cblocks)
{
	return 4 * MIB + 28 * nr_cblocks;
}

static int dmc_validate(void *cfgp, const struct zsim_tier_env *env, const char **key, char *err, size_t errlen)
{
	struct dmc_cfg *c = cfgp;
	if (!c->cache_dev[0] || !c->origin_dev[0]) {
		*key = NULL;
		snprintf(err, errlen, "a dmcache needs a cache_dev and an origin_dev");
		return ZSIM_EINVAL;
	}
	if (c->block_size % MIN_BLOCK) {
		*key = "block_size";
		snprintf(err, errlen, "a cache block is a multiple of 32 KiB (64 sectors)");
		return ZSIM_EINVAL;
	}
	if (env->nr_lowers < 3)
		return 0;
	uint64_t cache = env->lower_size[0], origin = env->lower_size[1], meta = env->lower_size[2];
	if (env->size != origin) {
		*key = "size";
		snprintf(err, errlen, "a dmcache's size is its origin's (%llu bytes)", (unsigned long long)origin);
		return ZSIM_EINVAL;
	}
	uint64_t nr = cache / c->block_size;
	if (!nr) {
		*key = "cache_dev";
		snprintf(err, errlen, "the cache device holds no whole block of %llu bytes",
			 (unsigned long long)c->block_size);
		return ZSIM_EINVAL;
	}
	if (meta && meta < metadata_bytes(nr)) {
		*key = "metadata_dev";
		snprintf(err, errlen, "the metadata device needs %llu bytes for %llu cache blocks "
			 "(4 MiB + 28 B per block), it has %llu", (unsigned long long)metadata_bytes(nr),
			 (unsigned long long)nr, (unsigned long long)meta);
		return ZSIM_EINVAL;
	}
	return 0;
}

#define CTX_MAX 32
struct dpage {
	uint64_t hash;
	void (*fill)(const void *ctx, uint8_t *buf);
	uint8_t ctx[CTX_MAX];
	uint8_t ctx_len;     /* 0: no durable ref: copies use a stand-in */
	uint8_t written;
};

enum { L_CLEAN, L_DIRTY, NR_LISTS };
enum { CB_FREE = 0, CB_CLEAN = 1, CB_DIRTY = 2 };
#define NIL UINT32_MAX

struct dmc {
	struct zsim_tier *cache, *origin;
	int mode;
	bool eager;
	uint64_t nr_pages, bp, nr_oblocks, nr_cblocks, meta_bytes;
	uint64_t hs_pages, nr_hs, promote_hits, mig_pages, period;
	uint32_t *hs_hits;
	uint32_t *o2c;                       /* NIL: not cached */
	uint32_t *c2o;
	uint8_t *cstate;
	uint32_t *prev, *next, head[NR_LISTS], tail[NR_LISTS];
	uint64_t len[NR_LISTS];
	uint32_t *free_stack;
	uint64_t nr_free;
	struct dpage *pg;
	uint64_t now, last_decay;
	/* mq's io_tracker, in pages */
	uint64_t seq_threshold, rand_threshold, nr_seq, nr_rand, last_end;
	bool sequential;
	/* counters */
	uint64_t read_hits, read_misses, write_hits, write_misses, demotions, promotions;
	uint64_t writebacks, promotion_failed, write_errors, copied_pages, slot_frees_unseen, seq_bypass;
	uint8_t buf[ZSIM_PAGE_SIZE];
};

static void list_del(struct dmc *d, uint32_t c)
{
	unsigned l = d->cstate[c] == CB_DIRTY ? L_DIRTY : L_CLEAN;
	if (d->prev[c] != NIL)
		d->next[d->prev[c]] = d->next[c];
	else
		d->head[l] = d->next[c];
	if (d->next[c] != NIL)
		d->prev[d->next[c]] = d->prev[c];
	else
		d->tail[l] = d->prev[c];
	d->len[l]--;
}

/* Append c as the most recently used block of the list its state names. */
static void list_add(struct dmc *d, uint32_t c)
{
	unsigned l = d->cstate[c] == CB_DIRTY ? L_DIRTY : L_CLEAN;
	d->prev[c] = d->tail[l];
	d->next[c] = NIL;
	if (d->tail[l] != NIL)
		d->next[d->tail[l]] = c;
	else
		d->head[l] = c;
	d->tail[l] = c;
	d->len[l]++;
}

static void set_state(struct dmc *d, uint32_t c, uint8_t st)
{
	list_del(d, c);
	d->cstate[c] = st;
	list_add(d, c);
}

static int dmc_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct dmc *d = priv;
	const struct dmc_cfg *c = p->cfg;
	d->cache = p->lowers[0];
	d->origin = p->lowers[1];
	if (!d->cache || !d->origin) {
		snprintf(err, errlen, "a dmcache needs a cache device and an origin device");
		return ZSIM_EINVAL;
	}
	d->mode = (int)c->mode;
	d->eager = c->eager_writes;
	d->nr_pages = p->capacity_pages;
	d->bp = c->block_size / ZSIM_PAGE_SIZE;
	d->nr_oblocks = (d->nr_pages + d->bp - 1) / d->bp;
	d->nr_cblocks = p->lower_pages[0] / d->bp;
	if (!d->nr_cblocks) {
		snprintf(err, errlen, "the cache device holds no whole cache block");
		return ZSIM_EINVAL;
	}
	d->meta_bytes = metadata_bytes(d->nr_cblocks);
	uint64_t nr_hs = d->nr_cblocks / 4 > 1024 ? d->nr_cblocks / 4 : 1024;
	d->hs_pages = 16 * d->bp;
	while (d->hs_pages > d->bp && nr_hs * d->hs_pages > d->nr_pages)
		d->hs_pages /= 2;
	d->nr_hs = (d->nr_pages + d->hs_pages - 1) / d->hs_pages;
	d->promote_hits = c->promote_hits;
	d->mig_pages = c->migration_threshold / ZSIM_PAGE_SIZE;
	d->period = c->writeback_period;
	d->seq_threshold = c->seq_threshold;
	d->rand_threshold = c->rand_threshold;
	d->last_end = UINT64_MAX - 1;
	d->hs_hits = zsim_xcalloc(d->nr_hs, sizeof(*d->hs_hits));
	d->o2c = zsim_xcalloc(d->nr_oblocks, sizeof(*d->o2c));
	memset(d->o2c, 0xff, d->nr_oblocks * sizeof(*d->o2c));
	d->c2o = zsim_xcalloc(d->nr_cblocks, sizeof(*d->c2o));
	d->cstate = zsim_xcalloc(d->nr_cblocks, 1);
	d->prev = zsim_xcalloc(d->nr_cblocks, sizeof(*d->prev));
	d->next = zsim_xcalloc(d->nr_cblocks, sizeof(*d->next));
	d->free_stack = zsim_xcalloc(d->nr_cblocks, sizeof(*d->free_stack));
	for (unsigned l = 0; l < NR_LISTS; l++)
		d->head[l] = d->tail[l] = NIL;
	for (uint64_t i = 0; i < d->nr_cblocks; i++)
		d->free_stack[i] = (uint32_t)(d->nr_cblocks - 1 - i);   /* block 0 first */
	d->nr_free = d->nr_cblocks;
	d->pg = zsim_xcalloc(d->nr_pages, sizeof(*d->pg));
	return 0;
}

static void dmc_destroy(void *priv)
{
	struct dmc *d = priv;
	free(d->hs_hits);
	free(d->o2c);
	free(d->c2o);
	free(d->cstate);
	free(d->prev);
	free(d->next);
	free(d->free_stack);
	free(d->pg);
}

/* A stand-in page for a page without a durable ref: half pseudo-random, half zero. */
static void standin_fill(const void *ctx, uint8_t *buf)
{
	uint64_t x = *(const uint64_t *)ctx;
	for (size_t i = 0; i < ZSIM_PAGE_SIZE / 2; i += 8) {
		uint64_t v = zsim_splitmix64(&x);
		memcpy(buf + i, &v, 8);
	}
	memset(buf + ZSIM_PAGE_SIZE / 2, 0, ZSIM_PAGE_SIZE / 2);
}

/* The remembered content of page `index` as a ref (valid while *tmp lives). */
static struct zsim_page_ref page_ref(const struct dmc *d, uint64_t index, uint64_t *tmp)
{
	const struct dpage *p = &d->pg[index];
	if (p->ctx_len)
		return (struct zsim_page_ref){ .hash = p->hash, .fill = p->fill, .ctx = p->ctx };
	*tmp = p->hash ^ 0xd3c4c4e5a7b1f00dull;
	return (struct zsim_page_ref){ .hash = *tmp ? *tmp : 1, .fill = standin_fill, .ctx = tmp };
}

static uint64_t dev_io(struct zsim_tier *t, uint64_t now, bool write, uint64_t index, uint64_t *cpu)
{
	return t->ops->io ? t->ops->io(t->priv, now, write, index, 1, cpu) : now;
}

/* Copy the written pages of origin block b to and from cache block c. */
static int copy_block(struct dmc *d, uint64_t b, uint32_t c, bool to_cache, uint64_t skip)
{
	struct zsim_tier *src = to_cache ? d->origin : d->cache, *dst = to_cache ? d->cache : d->origin;
	uint64_t cpu = 0;
	for (uint64_t off = 0; off < d->bp; off++) {
		uint64_t i = b * d->bp + off, ci = (uint64_t)c * d->bp + off, tmp;
		if (i >= d->nr_pages || !d->pg[i].written || i == skip)
			continue;
		struct zsim_page_ref ref = page_ref(d, i, &tmp);
		int rc = dst->ops->store(dst->priv, to_cache ? ci : i, &ref);
		if (rc < 0) {
			for (uint64_t k = 0; to_cache && k < off; k++)
				d->cache->ops->invalidate(d->cache->priv, (uint64_t)c * d->bp + k);
			return rc;
		}
		dev_io(src, d->now, false, to_cache ? i : ci, &cpu);
		dev_io(dst, d->now, true, to_cache ? ci : i, &cpu);
		d->copied_pages++;
	}
	return 0;
}

static void writeback_block(struct dmc *d, uint32_t c)
{
	if (copy_block(d, d->c2o[c], c, false, UINT64_MAX) < 0)
		return;   /* the origin refused: stays dirty */
	set_state(d, c, CB_CLEAN);
	d->writebacks++;
}

static void demote(struct dmc *d, uint32_t c)
{
	for (uint64_t off = 0; off < d->bp; off++)
		d->cache->ops->invalidate(d->cache->priv, (uint64_t)c * d->bp + off);
	list_del(d, c);
	d->o2c[d->c2o[c]] = NIL;
	d->cstate[c] = CB_FREE;
	d->free_stack[d->nr_free++] = c;
	d->demotions++;
}

/* Promote origin block b (its page `skip` is about to be written whole). */
static bool promote(struct dmc *d, uint64_t b, uint64_t skip)
{
	if (!d->nr_free) {
		uint32_t victim = d->head[L_CLEAN];
		if (victim == NIL) {
			victim = d->head[L_DIRTY];
			writeback_block(d, victim);
			if (d->cstate[victim] == CB_DIRTY)
				return false;
		}
		demote(d, victim);
	}
	uint32_t c = d->free_stack[d->nr_free - 1];
	if (copy_block(d, b, c, true, skip) < 0) {
		d->promotion_failed++;
		return false;
	}
	d->nr_free--;
	d->o2c[b] = c;
	d->c2o[c] = (uint32_t)b;
	d->cstate[c] = CB_CLEAN;
	list_add(d, c);
	d->promotions++;
	return true;
}

/* An access to page index: the policy's hit accounting; may promote.  Returns
 * the cache block, or NIL. */
static uint32_t access_block(struct dmc *d, uint64_t index, bool write)
{
	uint64_t b = index / d->bp;
	if (d->seq_threshold) {   /* mq's iot_update_stats and pattern switch */
		if (index == d->last_end + 1) {
			d->nr_seq++;
		} else {
			if (d->nr_seq)
				d->nr_seq = d->nr_rand = 0;
			d->nr_rand++;
		}
		d->last_end = index;
		if (d->sequential && d->nr_rand >= d->rand_threshold) {
			d->sequential = false;
			d->nr_seq = d->nr_rand = 0;
		} else if (!d->sequential && d->nr_seq >= d->seq_threshold) {
			d->sequential = true;
			d->nr_seq = d->nr_rand = 0;
		}
	}
	uint32_t c = d->o2c[b];
	if (c != NIL) {
		list_del(d, c);
		list_add(d, c);   /* most recently used */
		return c;
	}
	if (d->mode == M_PASSTHROUGH || d->sequential) {
		d->seq_bypass += d->sequential;
		return NIL;
	}
	uint32_t *h = &d->hs_hits[index / d->hs_pages];
	if (*h < UINT32_MAX)
		(*h)++;
	if ((write && d->eager && d->nr_free) || *h >= d->promote_hits)
		if (promote(d, b, write ? index : UINT64_MAX))
			return d->o2c[b];
	return NIL;
}

static void remember(struct dmc *d, uint64_t index, const struct zsim_page_ref *pg)
{
	struct dpage *p = &d->pg[index];
	p->hash = pg->hash ? pg->hash : (uint64_t)zsim_page_hash(pg->bytes);
	p->written = 1;
	if (pg->ctx_size && pg->ctx_size <= CTX_MAX && pg->fill) {
		p->fill = pg->fill;
		memcpy(p->ctx, pg->ctx, pg->ctx_size);
		p->ctx_len = (uint8_t)pg->ctx_size;
	} else {
		p->fill = NULL;
		p->ctx_len = 0;
	}
}

static int dmc_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct dmc *d = priv;
	if (index >= d->nr_pages)
		return ZSIM_ERANGE;
	uint32_t c = access_block(d, index, true);
	int rc;
	if (c == NIL) {
		rc = d->origin->ops->store(d->origin->priv, index, pg);
		if (rc < 0) {
			d->write_errors++;
			return rc;
		}
		d->write_misses++;
		remember(d, index, pg);
		return 0;
	}
	uint64_t ci = (uint64_t)c * d->bp + index % d->bp;
	rc = d->cache->ops->store(d->cache->priv, ci, pg);
	if (rc == 0 && d->mode == M_WRITETHROUGH)
		rc = d->origin->ops->store(d->origin->priv, index, pg);
	if (rc < 0) {
		d->write_errors++;
		return rc;
	}
	d->write_hits++;
	if (d->mode == M_WRITEBACK && d->cstate[c] != CB_DIRTY)
		set_state(d, c, CB_DIRTY);
	remember(d, index, pg);
	return 0;
}

/* The swap layer frees slots without telling a dm device: nothing changes. */
static void dmc_invalidate(void *priv, uint64_t index)
{
	struct dmc *d = priv;
	if (index < d->nr_pages)
		d->slot_frees_unseen++;
}

static uint64_t dmc_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages, uint64_t *cpu_ns)
{
	struct dmc *d = priv;
	uint64_t done = now;
	d->now = now;
	for (uint64_t i = index; i < index + npages && i < d->nr_pages; i++) {
		uint32_t c;
		if (write) {
			c = d->o2c[i / d->bp];   /* store() did the accounting */
		} else {
			c = access_block(d, i, false);
			if (c != NIL)
				d->read_hits++;
			else
				d->read_misses++;
		}
		uint64_t t;
		if (c != NIL) {
			t = dev_io(d->cache, now, write, (uint64_t)c * d->bp + i % d->bp, cpu_ns);
			if (write && d->mode == M_WRITETHROUGH) {
				uint64_t t2 = dev_io(d->origin, now, true, i, cpu_ns);
				t = t2 > t ? t2 : t;
			}
		} else {
			t = dev_io(d->origin, now, write, i, cpu_ns);
		}
		if (t > done)
			done = t;
	}
	return done;
}

/* One background round: decay the hotspot counts once a second, write back
 * the least recently used dirty blocks, up to migration_threshold. */
static uint64_t dmc_round(struct dmc *d, uint64_t now)
{
	d->now = now;
	if (now >= d->last_decay + 1000000000ull) {
		for (uint64_t h = 0; h < d->nr_hs; h++)
			d->hs_hits[h] /= 2;
		d->last_decay = now;
	}
	uint64_t moved = 0, before = d->copied_pages;
	while (d->head[L_DIRTY] != NIL && moved < d->mig_pages) {
		uint32_t c = d->head[L_DIRTY];
		writeback_block(d, c);
		moved = d->copied_pages - before;
		if (d->cstate[c] == CB_DIRTY)
			break;
	}
	return moved;
}

static size_t dmc_stats(const void *priv, struct zsim_stat *out, size_t max)
{
	const struct dmc *d = priv;
	uint64_t used = d->nr_cblocks - d->nr_free;
	const struct zsim_stat all[] = {
		/* the status line's order */
		{ "metadata_used_blocks", (metadata_bytes(used) + ZSIM_PAGE_SIZE - 1) / ZSIM_PAGE_SIZE },
		{ "metadata_total_blocks", (d->meta_bytes + ZSIM_PAGE_SIZE - 1) / ZSIM_PAGE_SIZE },
		{ "cache_blocks_used", used },
		{ "cache_blocks_total", d->nr_cblocks },
		{ "read_hits", d->read_hits },
		{ "read_misses", d->read_misses },
		{ "write_hits", d->write_hits },
		{ "write_misses", d->write_misses },
		{ "demotions", d->demotions },
		{ "promotions", d->promotions },
		{ "dirty", d->len[L_DIRTY] },
		/* the model's own */
		{ "writebacks", d->writebacks },
		{ "promotion_failed", d->promotion_failed },
		{ "write_errors", d->write_errors },
		{ "copied_pages", d->copied_pages },
		{ "slot_frees_unseen", d->slot_frees_unseen },
		{ "sequential_bypass", d->seq_bypass },
		{ "capacity_pages", d->nr_pages },
	};
	size_t n = ZSIM_ARRAY_SIZE(all) < max ? ZSIM_ARRAY_SIZE(all) : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int dmc_check(const void *priv, char *msg, size_t len)
{
	const struct dmc *d = priv;
	uint64_t n[3] = { 0 }, mapped = 0;
	for (uint64_t c = 0; c < d->nr_cblocks; c++) {
		n[d->cstate[c]]++;
		if (d->cstate[c] != CB_FREE && d->o2c[d->c2o[c]] != c) {
			snprintf(msg, len, "dmcache: cache block %llu maps origin block %u, which maps back to %u",
				 (unsigned long long)c, d->c2o[c], d->o2c[d->c2o[c]]);
			return ZSIM_ECORRUPT;
		}
		if (d->cstate[c] == CB_DIRTY && d->mode != M_WRITEBACK) {
			snprintf(msg, len, "dmcache: block %llu dirty outside writeback mode", (unsigned long long)c);
			return ZSIM_ECORRUPT;
		}
	}
	for (uint64_t b = 0; b < d->nr_oblocks; b++)
		mapped += d->o2c[b] != NIL;
	for (unsigned l = 0; l < NR_LISTS; l++) {
		uint64_t walked = 0;
		for (uint32_t c = d->head[l]; c != NIL && walked <= d->nr_cblocks; c = d->next[c])
			walked++;
		if (walked != d->len[l]) {
			snprintf(msg, len, "dmcache: list %u has %llu blocks, counted %llu", l,
				 (unsigned long long)walked, (unsigned long long)d->len[l]);
			return ZSIM_ECORRUPT;
		}
	}
	if (n[CB_FREE] != d->nr_free || n[CB_CLEAN] != d->len[L_CLEAN] || n[CB_DIRTY] != d->len[L_DIRTY] ||
	    mapped != n[CB_CLEAN] + n[CB_DIRTY] || d->promotions - d->demotions != mapped) {
		snprintf(msg, len, "dmcache: free %llu clean %llu dirty %llu mapped %llu disagree with counters "
			 "(free %llu clean %llu dirty %llu promotions-demotions %llu)",
			 (unsigned long long)n[0], (unsigned long long)n[1], (unsigned long long)n[2],
			 (unsigned long long)mapped, (unsigned long long)d->nr_free, (unsigned long long)d->len[0],
			 (unsigned long long)d->len[1], (unsigned long long)(d->promotions - d->demotions));
		return ZSIM_ECORRUPT;
	}
	return 0;
}

static int dmc_control(void *priv, enum zsim_tier_ctl op, void *arg)
{
	struct dmc *d = priv;
	switch (op) {
	case ZSIM_TCTL_SYNC_IO:
		*(bool *)arg = false;   /* dm devices are not SWP_SYNCHRONOUS_IO */
		return 0;
	case ZSIM_TCTL_ROTATIONAL: {
		/* dm_table_set_restrictions: non-rotational only when every
		 * device below is (the metadata device is not asked) */
		bool rc = false, ro = false;
		if (zsim_tier_control(d->cache, ZSIM_TCTL_ROTATIONAL, &rc) < 0)
			rc = false;
		if (zsim_tier_control(d->origin, ZSIM_TCTL_ROTATIONAL, &ro) < 0)
			ro = false;
		*(bool *)arg = rc || ro;
		return 0;
	}
	case ZSIM_TCTL_BACKGROUND:
		if (d->mode == M_PASSTHROUGH)
			return ZSIM_ENOTSUP;
		*(uint64_t *)arg = d->period;
		return 0;
	case ZSIM_TCTL_WRITEBACK: {
		struct zsim_tctl_writeback *w = arg;
		w->moved = dmc_round(d, w->now);
		return 0;
	}
	default:
		return ZSIM_ENOTSUP;   /* its RAM is the cache device's, reported there */
	}
}

const struct zsim_tier_ops zsim_tier_dmcache = {
	.name = "dmcache",
	.priv_size = sizeof(struct dmc),
	.keys = keys,
	.cfg_size = sizeof(struct dmc_cfg),
	.validate = dmc_validate,
	.init = dmc_init,
	.destroy = dmc_destroy,
	.store = dmc_store,
	.invalidate = dmc_invalidate,
	.stats = dmc_stats,
	.check = dmc_check,
	.io = dmc_io,
	.control = dmc_control,
};
