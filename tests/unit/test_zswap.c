/*
 * test_zswap.c - tiers/zswap.c through the tier API, per kernel profile, with
 * a fake frame source and a fake writeback sink that records which swap
 * entries were written back.  check() after every step.
 *
 * Page sizes used (lz4 unless said): text pages compress to about 1.5 KiB, so
 * two share a zbud page; "ratio 1.5" pages to about 2.7 KiB, so each takes a
 * zbud page alone; random pages do not compress (stored raw on 6.18, where a
 * raw page takes one zsmalloc page of the huge class).  The tests check those
 * assumptions through the pool's page count before relying on them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tiers/tier.h"
#include "codecs/codec.h"
#include "traces/content.h"

struct sink {
	uint64_t idx[256];
	unsigned n;
	bool fail;
	uint64_t now;
};

static int sink_write(void *ctx, uint64_t index, uint64_t now, uint64_t *done)
{
	struct sink *s = ctx;
	if (s->fail)
		return ZSIM_EIO;
	ck_assert_uint_lt(s->n, 256);
	s->idx[s->n++] = index;
	*done = now + 100000;
	return 0;
}

static uint64_t sink_now(void *ctx)
{
	return ((struct sink *)ctx)->now;
}

struct frames {
	unsigned taken;
};
static int fr_get(void *ctx, unsigned n)
{
	((struct frames *)ctx)->taken += n;
	return 0;
}
static void fr_put(void *ctx, unsigned n)
{
	((struct frames *)ctx)->taken -= n;
}

struct zs {
	struct zsim_tier *t;
	struct sink sink;
	struct zsim_wb_sink wb;
	struct frames fr;
	struct zsim_frame_source src;
};

static uint64_t stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(zsim_tier_stat(t, name, &v) == 0, "no counter %s", name);
	return v;
}

static bool has_stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v;
	return zsim_tier_stat(t, name, &v) == 0;
}

static void ok(const struct zs *z)
{
	char msg[256] = "";
	ck_assert_msg(z->t->ops->check(z->t->priv, msg, sizeof(msg)) == 0, "%s", msg);
}

static uint64_t pool_pages(const struct zs *z)
{
	uint64_t p = 0;
	ck_assert_int_eq(zsim_tier_control(z->t, ZSIM_TCTL_RAM_PAGES, &p), 0);
	ck_assert_uint_eq(p, z->fr.taken);   /* the pool's pages are frames of the RAM */
	ck_assert_uint_eq(stat(z->t, "pool_total_size"), p * 4096);
	return p;
}

/*
 * Settings from "key=value" pairs (NULL-terminated), validated as the config
 * reader does; returns validate's result (0) or its error, naming the key.
 */
static int settings(const char *kern, const char *const *kv, struct zsim_tier_cfg *c, const char **key)
{
	char err[256] = "";
	zsim_tier_cfg_defaults(&zsim_tier_zswap, 0, c);
	/* these tests run the shrink worker by hand, as a background round: a
	 * deferred worker (the default, 0, runs it at the refused store: see
	 * test_worker_inline) */
	ck_assert_int_eq(zsim_tier_cfg_set(&zsim_tier_zswap, c, "shrink_delay", "1ms", err, sizeof(err)), 0);
	for (size_t i = 0; kv && kv[i]; i++) {
		char k[64];
		const char *eq = strchr(kv[i], '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq - kv[i]), kv[i]);
		int rc = zsim_tier_cfg_set(&zsim_tier_zswap, c, k, eq + 1, err, sizeof(err));
		if (rc < 0) {
			*key = kv[i];
			return rc;
		}
	}
	struct zsim_tier_env env = { zsim_kprofile_find(kern), 0, 0, NULL, 0 };
	*key = NULL;
	return zsim_tier_zswap.validate(c->b, &env, key, err, sizeof(err));
}

static void open_zs(struct zs *z, const char *kern, uint64_t totalram, const char *const *kv)
{
	char err[256] = "";
	struct zsim_tier_cfg c;
	const char *key = NULL;
	memset(z, 0, sizeof(*z));
	ck_assert_msg(settings(kern, kv, &c, &key) == 0, "%s: settings refused at %s", kern, key ? key : "?");
	z->wb = (struct zsim_wb_sink){ sink_write, sink_now, &z->sink };
	z->src = (struct zsim_frame_source){ fr_get, fr_put, &z->fr };
	struct zsim_tier_params p = { .kp = zsim_kprofile_find(kern), .frames = &z->src, .cfg = c.b,
				      .wb_sink = &z->wb, .totalram_pages = totalram };
	ck_assert_msg(zsim_tier_new("zswap", &p, &z->t, err, sizeof(err)) == 0, "%s", err);
	ok(z);
}

static void close_zs(struct zs *z)
{
	zsim_tier_free(z->t);
}

static void fill(enum zsim_content_class cls, unsigned param, uint64_t seed, uint8_t *page)
{
	zsim_content_fill_param(cls, param, seed, page);
}

/* Store a page of (class, seed) at index; returns store's result; check()s. */
static int store(struct zs *z, uint64_t index, enum zsim_content_class cls, unsigned param, uint64_t seed)
{
	uint8_t page[4096];
	fill(cls, param, seed, page);
	struct zsim_page_ref pg = { .bytes = page };
	int rc = z->t->ops->store(z->t->priv, index, &pg);
	ok(z);
	return rc;
}

static void inval(struct zs *z, uint64_t index)
{
	z->t->ops->invalidate(z->t->priv, index);
	ok(z);
}

static uint64_t worker(struct zs *z, uint64_t now)
{
	struct zsim_tctl_writeback w = { .now = now };
	ck_assert_int_eq(zsim_tier_control(z->t, ZSIM_TCTL_WRITEBACK, &w), 0);
	ok(z);
	return w.moved;
}

#define R15 15   /* ratio class parameter: 1.5:1, about 2.7 KiB with lz4 */

/*
 * 6.1, zbud, lz4, 1000 pages of RAM at 2%: the limit is 20 pages; 6.1 is full
 * when the pool holds more than 20 and accepts again below
 * 1000 * 90/100 * 2/100 = 18.  Each ratio-1.5 page takes a zbud page alone.
 * 21 stores fit (the 21st is made when the pool holds 20, not more); the 22nd
 * finds 21 > 20: pool_limit_hit, refused.  Freeing down to 20, 19 and 18
 * pages: still refused (hysteresis), pool_limit_hit unchanged.  At 17 the
 * store is accepted and the pool is no longer marked full.  The limit hit
 * queued the 6.1 shrink worker, which evicts one zbud page: the LRU tail, the
 * oldest page still live (index 4), written to its swap slot.
 */
START_TEST(test_hysteresis_6_1)
{
	struct zs z;
	const char *kv[] = { "zpool=zbud", "compressor=lz4", "max_pool_percent=2", NULL };
	open_zs(&z, "6.1", 1000, kv);
	ck_assert_uint_eq(stat(z.t, "pool_limit_pages"), 20);
	for (uint64_t i = 0; i < 21; i++) {
		ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_RATIO, R15, i), 0);
		ck_assert_uint_eq(pool_pages(&z), i + 1);   /* one zbud page each */
	}
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RATIO, R15, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
	ck_assert_uint_eq(stat(z.t, "reached_full"), 1);
	inval(&z, 0);                                                  /* 20 pages */
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RATIO, R15, 100), ZSIM_EAGAIN);
	inval(&z, 1);                                                  /* 19 */
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RATIO, R15, 100), ZSIM_EAGAIN);
	inval(&z, 2);                                                  /* 18: not below */
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RATIO, R15, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
	inval(&z, 3);                                                  /* 17 */
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RATIO, R15, 100), 0);
	ck_assert_uint_eq(stat(z.t, "reached_full"), 0);
	ck_assert_uint_eq(pool_pages(&z), 18);
	ck_assert_uint_eq(stat(z.t, "zswpout"), 22);
	/* the queued worker: one zbud page, the oldest allocated into */
	uint64_t bg = 0;
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_BACKGROUND, &bg), 0);
	ck_assert_uint_eq(bg, 1000000);   /* shrink_delay 1ms */
	ck_assert_uint_eq(worker(&z, 5000), 1);
	ck_assert_uint_eq(z.sink.n, 1);
	ck_assert_uint_eq(z.sink.idx[0], 4);
	ck_assert_uint_eq(stat(z.t, "written_back_pages"), 1);
	ck_assert_uint_eq(stat(z.t, "zswpwb"), 1);
	ck_assert_uint_eq(pool_pages(&z), 17);
	ck_assert_uint_eq(worker(&z, 6000), 0);   /* not queued again */
	/* page 4 is gone from zswap: a load misses, the swap device has it */
	ck_assert_int_eq(z.t->ops->load(z.t->priv, 4, NULL), ZSIM_ENOENT);
	close_zs(&z);
}
END_TEST

/*
 * 6.18 (>= limit, <= threshold, threshold 90% of the limit's pages), zsmalloc,
 * random pages stored raw, one huge-class page each: 20 stores fill the 20-page
 * limit; the 21st is refused (20 >= 20), pool_limit_hit 1.  At 19 pages
 * refused, at 18 (<= 18) accepted.  A refused store queues the 6.5+ worker,
 * which writes back from zswap's LRU until the pool is at most 18 pages; with
 * the referenced bit of 6.12+ it first rotates each referenced entry and gives
 * up after 16 such failures.
 */
START_TEST(test_hysteresis_6_18)
{
	struct zs z;
	const char *kv[] = { "max_pool_percent=2", NULL };
	open_zs(&z, "6.18", 1000, kv);
	for (uint64_t i = 0; i < 20; i++)
		ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_RANDOM, 0, i), 0);
	ck_assert_uint_eq(pool_pages(&z), 20);
	ck_assert_uint_eq(stat(z.t, "stored_incompressible_pages"), 20);
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
	inval(&z, 19);
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
	inval(&z, 18);
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), 0);
	ck_assert_uint_eq(stat(z.t, "reached_full"), 0);
	/* over again: 19 pages, one more store to 20, then the limit */
	ck_assert_int_eq(store(&z, 101, ZSIM_CONTENT_RANDOM, 0, 101), 0);
	ck_assert_int_eq(store(&z, 102, ZSIM_CONTENT_RANDOM, 0, 102), ZSIM_EAGAIN);
	ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 2);
	/* the worker: 20 entries, all referenced; 16 rotations end it (MAX_RECLAIM_RETRIES) */
	ck_assert_uint_eq(worker(&z, 1000), 0);
	ck_assert_uint_eq(z.sink.n, 0);
	/* queued again by a refused store, it now meets entries with the bit clear:
	 * the oldest are written back until 18 pages remain */
	ck_assert_int_eq(store(&z, 102, ZSIM_CONTENT_RANDOM, 0, 102), ZSIM_EAGAIN);
	ck_assert_uint_eq(worker(&z, 2000), 2);
	ck_assert_uint_eq(pool_pages(&z), 18);
	ck_assert_uint_eq(z.sink.n, 2);
	ck_assert_uint_eq(z.sink.idx[0], 0);
	ck_assert_uint_eq(z.sink.idx[1], 1);
	close_zs(&z);
}
END_TEST

/*
 * The default shrink_delay 0: the worker runs at the refused store, as the
 * kernel's does on another CPU during a burst.  The setup of
 * test_hysteresis_6_18: the 21st store is refused and its worker rotates the
 * 16 oldest referenced entries and gives up; the next refused store's worker
 * meets them with the bit clear and writes back the oldest until 18 pages
 * remain - at the store, with no background round.  Its CPU is counted apart.
 */
START_TEST(test_worker_inline)
{
	struct zs z;
	const char *kv[] = { "max_pool_percent=2", "shrink_delay=0ns", NULL };
	open_zs(&z, "6.18", 1000, kv);
	uint64_t bg = 0;
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_BACKGROUND, &bg), ZSIM_ENOTSUP);
	for (uint64_t i = 0; i < 20; i++)
		ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_RANDOM, 0, i), 0);
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(z.sink.n, 0);                 /* 16 rotations, no writeback */
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), ZSIM_EAGAIN);
	ck_assert_uint_eq(z.sink.n, 2);                 /* down to 18: the threshold */
	ck_assert_uint_eq(z.sink.idx[0], 0);
	ck_assert_uint_eq(z.sink.idx[1], 1);
	ck_assert_uint_eq(pool_pages(&z), 18);
	ck_assert_uint_eq(stat(z.t, "written_back_pages"), 2);
	ck_assert_int_eq(store(&z, 100, ZSIM_CONTENT_RANDOM, 0, 100), 0);   /* accepted again */
	close_zs(&z);
}
END_TEST

/*
 * A full zsmalloc pool cannot evict before 6.5.  On 6.1 the limit hit queues
 * the worker, whose zpool_shrink fails: reject_reclaim_fail, nothing written.
 * On 5.4 (no hysteresis) the store itself tries and fails: the page goes to
 * disk with reject_reclaim_fail counted at once.
 */
START_TEST(test_zsmalloc_full)
{
	const char *kv[] = { "zpool=zsmalloc", "max_pool_percent=2", NULL };
	const char *kerns[] = { "6.1", "5.4" };
	for (int k = 0; k < 2; k++) {
		struct zs z;
		open_zs(&z, kerns[k], 1000, kv);
		uint64_t i = 0;
		int rc = 0;
		for (; i < 200 && (rc = store(&z, i, ZSIM_CONTENT_TEXT, 0, i)) == 0; i++)
			;
		ck_assert_int_eq(rc, ZSIM_EAGAIN);
		ck_assert_uint_gt(pool_pages(&z), 20);    /* full means above the limit, pre-6.10 */
		ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
		if (k == 0) {
			ck_assert_uint_eq(stat(z.t, "reject_reclaim_fail"), 0);
			ck_assert_uint_eq(worker(&z, 1000), 0);
			ck_assert_uint_eq(stat(z.t, "reject_reclaim_fail"), 1);
		} else {
			ck_assert_uint_eq(stat(z.t, "reject_reclaim_fail"), 1);
			uint64_t bg;
			ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_BACKGROUND, &bg), ZSIM_ENOTSUP);
			ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_TEXT, 0, i), ZSIM_EAGAIN);
			ck_assert_uint_eq(stat(z.t, "reject_reclaim_fail"), 2);
		}
		ck_assert_uint_eq(z.sink.n, 0);
		ck_assert_uint_eq(stat(z.t, "written_back_pages"), 0);
		close_zs(&z);
	}
}
END_TEST

/*
 * zbud before 6.5: writeback evicts a whole page, both buddies.  Text pages
 * pair up: pages 0 and 1 share the first zbud page, which is the LRU tail.
 * Limit 10 pages: 21 stores fit (the 21st opens page 11 while the pool holds
 * 10, not more), the 22nd finds 11 > 10.  6.1: the worker queued by the limit hit writes back 0 then 1 and frees the
 * page.  5.4: the store that finds the pool full does it itself and is then
 * accepted; its decompressions are charged by the next io().
 */
START_TEST(test_zbud_evicts_buddies)
{
	const char *kv[] = { "zpool=zbud", "compressor=lz4", "max_pool_percent=1", NULL };
	const char *kerns[] = { "6.1", "5.4" };
	for (int k = 0; k < 2; k++) {
		struct zs z;
		open_zs(&z, kerns[k], 1000, kv);   /* limit 10 pages */
		for (uint64_t i = 0; i < 21; i++) {
			ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_TEXT, 0, i), 0);
			ck_assert_uint_eq(pool_pages(&z), i / 2 + 1);   /* two buddies a page */
		}
		uint64_t cpu = 0;
		z.t->ops->io(z.t->priv, 10, true, 0, 1, &cpu);   /* charges the 21 compressions */
		ck_assert_uint_gt(cpu, 0);
		z.sink.now = 7000;
		int rc = store(&z, 50, ZSIM_CONTENT_TEXT, 0, 50);
		ck_assert_uint_eq(stat(z.t, "pool_limit_hit"), 1);
		if (k == 0) {
			ck_assert_int_eq(rc, ZSIM_EAGAIN);
			ck_assert_uint_eq(worker(&z, 8000), 2);
		} else {
			ck_assert_int_eq(rc, 0);   /* stored after the eviction */
			uint64_t cpu2 = 0;
			z.t->ops->io(z.t->priv, 8000, true, 50, 1, &cpu2);
			ck_assert_uint_gt(cpu2, cpu / 21);   /* a compression and two decompressions */
		}
		ck_assert_uint_eq(z.sink.n, 2);
		ck_assert_uint_eq(z.sink.idx[0], 0);
		ck_assert_uint_eq(z.sink.idx[1], 1);
		ck_assert_uint_eq(stat(z.t, "written_back_pages"), 2);
		ck_assert_int_eq(z.t->ops->load(z.t->priv, 0, NULL), ZSIM_ENOENT);
		ck_assert_int_eq(z.t->ops->load(z.t->priv, 2, NULL), 0);
		close_zs(&z);
	}
}
END_TEST

/*
 * 6.18 shrinker (shrinker_enabled): pages 0 and 1 stored, both referenced.
 * Scanning 3: the tail (0) is rotated with its bit cleared, then 1, then 0 is
 * met again with the bit clear and written back.  count_objects: the LRU
 * length x pool pages / stored pages, less recent swap-ins from disk (a load
 * that misses), which it uses up.  Without shrinker_enabled: no shrinker.
 */
START_TEST(test_shrinker_6_18)
{
	struct zs z;
	const char *kv[] = { "shrinker_enabled=true", NULL };
	open_zs(&z, "6.18", 100000, kv);
	ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_RANDOM, 0, 1), 0);
	ck_assert_int_eq(store(&z, 1, ZSIM_CONTENT_RANDOM, 0, 2), 0);
	struct zsim_tctl_shrink s = { .now = 1000, .nr_to_scan = 0 };
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), 0);
	ck_assert_uint_eq(s.count, 2);   /* 2 entries x 2 pages / 2 stored */
	s = (struct zsim_tctl_shrink){ .now = 1000, .nr_to_scan = 3 };
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), 0);
	ok(&z);
	ck_assert_uint_eq(s.scanned, 3);
	ck_assert_uint_eq(s.moved, 1);
	ck_assert_uint_eq(z.sink.n, 1);
	ck_assert_uint_eq(z.sink.idx[0], 0);
	ck_assert_uint_eq(s.cpu_ns, 250);   /* a raw page: no decompression, a 4 KiB copy (RAW_COPY_NS) */
	ck_assert_uint_eq(stat(z.t, "written_back_pages"), 1);
	ck_assert_uint_eq(stat(z.t, "zswpwb"), 1);
	/* entry 1 lost its bit in the first pass: the next scan writes it back */
	s = (struct zsim_tctl_shrink){ .now = 2000, .nr_to_scan = 1 };
	ck_assert_int_eq(store(&z, 2, ZSIM_CONTENT_TEXT, 0, 3), 0);   /* newest, referenced */
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), 0);
	ok(&z);
	ck_assert_uint_eq(s.moved, 1);
	ck_assert_uint_eq(z.sink.idx[1], 1);
	/* a swap-in from disk protects one entry from the count */
	ck_assert_int_eq(z.t->ops->load(z.t->priv, 77, NULL), ZSIM_ENOENT);
	s = (struct zsim_tctl_shrink){ .now = 3000 };
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), 0);
	ck_assert_uint_eq(s.count, 0);
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), 0);
	ck_assert_uint_eq(s.count, pool_pages(&z));   /* used up: 1 entry x pool pages / 1 stored */
	close_zs(&z);

	open_zs(&z, "6.18", 100000, NULL);
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_SHRINK, &s), ZSIM_ENOTSUP);
	close_zs(&z);
}
END_TEST

/*
 * Same-filled pages (4.14 .. 6.11) take no pool memory and load back as their
 * word; on 3.12 and 6.18 they are compressed like any page.
 */
START_TEST(test_same_filled)
{
	const char *kerns[] = { "4.19", "6.1", "6.6", "3.12", "6.18" };
	for (int k = 0; k < 5; k++) {
		struct zs z;
		open_zs(&z, kerns[k], 100000, NULL);
		bool has = zsim_kprofile_find(kerns[k])->zswap_same_filled;
		ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_ZERO, 0, 0), 0);
		ck_assert_int_eq(store(&z, 1, ZSIM_CONTENT_SAME, 0, 42), 0);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), 2);
		ck_assert_int_eq(has_stat(z.t, "same_filled_pages"), has);
		if (has) {
			ck_assert_uint_eq(stat(z.t, "same_filled_pages"), 2);
			ck_assert_uint_eq(pool_pages(&z), 0);
			uint8_t want[4096], got[4096];
			fill(ZSIM_CONTENT_SAME, 0, 42, want);
			ck_assert_int_eq(z.t->ops->load(z.t->priv, 1, got), 0);
			ck_assert(memcmp(want, got, 4096) == 0);
			uint64_t cpu = 0;
			z.t->ops->io(z.t->priv, 0, false, 1, 1, &cpu);
			ck_assert_uint_eq(cpu, 0);   /* no codec for these */
		} else {
			ck_assert_uint_eq(pool_pages(&z), 1);   /* two tiny objects */
		}
		inval(&z, 0);
		inval(&z, 1);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), 0);
		ck_assert_uint_eq(pool_pages(&z), 0);
		close_zs(&z);
	}
}
END_TEST

/*
 * An incompressible page (its lzo or lz4 output is longer than 4096 bytes).
 * Where crypto's scomp refuses an output past PAGE_SIZE (6.1 and 6.6 through
 * their stable series) it is a compression error for every codec: no counter
 * on 6.1 (measured in Debian 12's 6.1: every reject counter stayed 0 while
 * 52 k such pages went to disk), reject_compress_fail on 6.6.  Before, lz4
 * fails within its PAGE_SIZE buffer (no counter) and lzo's longer output is
 * refused by the allocator as reject_compress_poor.  From 6.18 it is stored
 * raw (stored_incompressible_pages, one page of pool).  zsim counts every
 * compression error for overflow in compress_overflow.
 */
START_TEST(test_incompressible)
{
	enum { STORED, POOR, FAIL, UNCOUNTED };
	struct {
		const char *kern, *zpool, *comp;
		int outcome;
	} cases[] = {
		{ "3.12", "zbud", "lzo", POOR },          { "3.12", "zbud", "lz4", UNCOUNTED },
		{ "5.4", "zsmalloc", "lzo", POOR },       { "5.4", "zbud", "lz4", UNCOUNTED },
		{ "6.1", "zbud", "lzo", UNCOUNTED },      { "6.1", "zsmalloc", "lzo", UNCOUNTED },
		{ "6.6", "zsmalloc", "lzo", FAIL },       { "6.6", "zbud", "lz4", FAIL },
		{ "6.18", "zsmalloc", "lzo", STORED },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		struct zs z;
		char zp[32], cp[32];
		snprintf(zp, sizeof(zp), "zpool=%s", cases[k].zpool);
		snprintf(cp, sizeof(cp), "compressor=%s", cases[k].comp);
		const char *kv[] = { zp, cp, NULL };
		open_zs(&z, cases[k].kern, 100000, kv);
		int rc = store(&z, 5, ZSIM_CONTENT_RANDOM, 0, 9);
		int o = cases[k].outcome;
		ck_assert_msg(rc == (o == STORED ? 0 : o == POOR ? ZSIM_ENOSPC : ZSIM_EIO), "case %zu: rc %d", k, rc);
		ck_assert_uint_eq(stat(z.t, "reject_compress_poor"), o == POOR);
		ck_assert_uint_eq(stat(z.t, "reject_compress_fail"), o == FAIL);
		ck_assert_uint_eq(stat(z.t, "compress_overflow"), o == FAIL || o == UNCOUNTED);
		if (o == STORED) {
			ck_assert_uint_eq(stat(z.t, "stored_incompressible_pages"), 1);
			ck_assert_uint_eq(pool_pages(&z), 1);
		} else {
			ck_assert_uint_eq(stat(z.t, "stored_pages"), 0);
			ck_assert_uint_eq(pool_pages(&z), 0);
			ck_assert(!has_stat(z.t, "stored_incompressible_pages"));
		}
		close_zs(&z);
	}
}
END_TEST

/*
 * One truth for allocator density: for 96 mixed real pages, zswap's pool
 * holds exactly the pages a fresh allocator of the same kind holds for the
 * same compressed lengths plus zswap's header (8 bytes on zbud/z3fold up to
 * 6.4, none on zsmalloc or from 6.5), skipping what zswap keeps without the
 * pool (same-filled) or refuses (too large).
 */
START_TEST(test_density)
{
	struct {
		const char *kern, *zpool;
		unsigned hdr;
	} cases[] = {
		{ "4.19", "zbud", 8 }, { "6.1", "zbud", 8 }, { "6.1", "z3fold", 8 }, { "6.1", "zsmalloc", 0 },
		{ "6.6", "zbud", 0 }, { "6.6", "z3fold", 0 }, { "6.18", "zsmalloc", 0 },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		const struct zsim_kprofile *kp = zsim_kprofile_find(cases[k].kern);
		struct zs z;
		char zp[32];
		snprintf(zp, sizeof(zp), "zpool=%s", cases[k].zpool);
		const char *kv[] = { zp, "compressor=lzo", NULL };
		open_zs(&z, cases[k].kern, 1000000, kv);
		struct zsim_codec *codec;
		ck_assert_int_eq(zsim_codec_new("lzo", -1, &codec), 0);
		struct zsim_alloc_params ap = { .kp = kp };
		struct zsim_allocator *a;
		ck_assert_int_eq(zsim_allocator_new(cases[k].zpool, &ap, &a), 0);
		size_t amax = a->ops->max_size(a->priv);
		uint64_t stored = 0;
		for (uint64_t i = 0; i < 96; i++) {
			uint8_t page[4096];
			uint64_t pat;
			fill(ZSIM_CONTENT_MIX, 0, 1000 + i, page);
			struct zsim_page_ref pg = { .bytes = page };
			int rc = z.t->ops->store(z.t->priv, i, &pg);
			ok(&z);
			bool same = zsim_page_same_filled(page, &pat);
			if (same && kp->zswap_same_filled) {
				ck_assert_int_eq(rc, 0);
				continue;
			}
			size_t len = (size_t)zsim_codec_page_len(codec, page);
			if (kp->zswap_store_incompressible && len >= 4096)
				len = 4096;
			zsim_handle h;
			if (len > 4096 && kp->zswap_overflow_error) {
				ck_assert_int_eq(rc, ZSIM_EIO);   /* compression error: see test_incompressible */
				continue;
			}
			if (len + cases[k].hdr > amax) {
				ck_assert_int_eq(rc, ZSIM_ENOSPC);
				continue;
			}
			ck_assert_int_eq(rc, 0);
			ck_assert_int_eq(zsim_alloc_malloc(a, len + cases[k].hdr, &h), 0);
			stored++;
		}
		ck_assert_uint_gt(stored, 40);
		ck_assert_uint_eq(pool_pages(&z), zsim_alloc_total_pages(a));
		zsim_allocator_free(a);
		zsim_codec_free(codec);
		close_zs(&z);
	}
}
END_TEST

/* Loads keep the copy before 6.5, drop it from 6.8, and on 6.6 as the knob says. */
START_TEST(test_exclusive_loads)
{
	struct {
		const char *kern;
		const char *knob;
		bool drops;
	} cases[] = {
		{ "5.4", NULL, false }, { "6.6", NULL, false }, { "6.6", "exclusive_loads=true", true },
		{ "6.18", NULL, true },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		struct zs z;
		const char *kv[] = { cases[k].knob, NULL };
		open_zs(&z, cases[k].kern, 100000, kv);
		ck_assert_int_eq(store(&z, 3, ZSIM_CONTENT_TEXT, 0, 3), 0);
		ck_assert_int_eq(z.t->ops->load(z.t->priv, 3, NULL), 0);
		ok(&z);
		uint64_t cpu = 0;
		z.t->ops->io(z.t->priv, 100, false, 3, 1, &cpu);
		ck_assert_uint_gt(cpu, 0);   /* compression and decompression */
		ck_assert_uint_eq(stat(z.t, "zswpin"), 1);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), cases[k].drops ? 0 : 1);
		ck_assert_int_eq(z.t->ops->load(z.t->priv, 3, NULL), cases[k].drops ? ZSIM_ENOENT : 0);
		close_zs(&z);
	}
}
END_TEST

/* validate() refuses what the profile lacks, naming the key; fills defaults. */
START_TEST(test_validate)
{
	struct {
		const char *kern, *kv, *key;
	} bad[] = {
		{ "6.18", "zpool=z3fold", "zpool" },
		{ "6.18", "zpool=zbud", "zpool" },
		{ "3.12", "zpool=zsmalloc", "zpool" },
		{ "3.12", "compressor=lzo-rle", "compressor" },
		{ "5.4", "accept_threshold_percent=80", "accept_threshold_percent" },
		{ "6.6", "shrinker_enabled=true", "shrinker_enabled" },
		{ "6.1", "exclusive_loads=true", "exclusive_loads" },
		{ "6.18", "same_filled_pages_enabled=false", "same_filled_pages_enabled" },
		{ "6.1", "max_pool_percent=101", "max_pool_percent=101" },
		{ "6.1", "accept_threshold_percent=101", "accept_threshold_percent=101" },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(bad); k++) {
		struct zsim_tier_cfg c;
		const char *kv[] = { bad[k].kv, NULL }, *key = NULL;
		ck_assert_msg(settings(bad[k].kern, kv, &c, &key) < 0, "%s %s taken", bad[k].kern, bad[k].kv);
		ck_assert_ptr_nonnull(key);
		ck_assert_str_eq(key, bad[k].key);
	}
	/* defaults from the profile */
	struct zs z;
	open_zs(&z, "6.1", 1000, NULL);
	uint64_t ph = 0;
	const struct zsim_allocator *a = NULL;
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_POOL, &a), 0);
	ck_assert_str_eq(a->ops->name, "zbud");
	ck_assert_uint_eq(stat(z.t, "pool_limit_pages"), 200);   /* 20% */
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_COMPACT, &ph), ZSIM_ENOTSUP);
	close_zs(&z);
	open_zs(&z, "6.6", 1000, NULL);
	ck_assert_int_eq(zsim_tier_control(z.t, ZSIM_TCTL_POOL, &a), 0);
	ck_assert_str_eq(a->ops->name, "zsmalloc");
	close_zs(&z);
	/* disabled: every store goes to disk */
	const char *off[] = { "enabled=false", NULL };
	open_zs(&z, "6.18", 1000, off);
	ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_TEXT, 0, 0), ZSIM_EAGAIN);
	close_zs(&z);
	/* a rewrite replaces the entry; a failed rewrite leaves none */
	open_zs(&z, "6.1", 1000, NULL);
	ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_TEXT, 0, 0), 0);
	ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_TEXT, 0, 1), 0);
	ck_assert_uint_eq(stat(z.t, "stored_pages"), 1);
	ck_assert_int_eq(store(&z, 0, ZSIM_CONTENT_RANDOM, 0, 1), ZSIM_EIO);
	ck_assert_uint_eq(stat(z.t, "stored_pages"), 0);
	close_zs(&z);
}
END_TEST

/* A failing sink: the 6.6 worker puts the entry back at the LRU head, counts
 * each failure, and stops at 16 (MAX_RECLAIM_RETRIES); nothing is lost. */
START_TEST(test_writeback_fails)
{
	struct zs z;
	const char *kv[] = { "max_pool_percent=2", NULL };
	open_zs(&z, "6.6", 1000, kv);   /* zsmalloc, own LRU, no referenced bit */
	int rc = 0;
	uint64_t i = 0;
	for (; i < 400 && (rc = store(&z, i, ZSIM_CONTENT_TEXT, 0, i)) == 0; i++)
		;
	ck_assert_int_eq(rc, ZSIM_EAGAIN);
	z.sink.fail = true;
	ck_assert_uint_eq(worker(&z, 1000), 0);
	ck_assert_uint_eq(stat(z.t, "reject_reclaim_fail"), 16);
	ck_assert_uint_eq(stat(z.t, "stored_pages"), i);
	z.sink.fail = false;
	ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_TEXT, 0, i), ZSIM_EAGAIN);   /* queues it again */
	ck_assert_uint_gt(worker(&z, 2000), 0);
	/* oldest first; each failure had moved the tail entry to the head */
	ck_assert_uint_eq(z.sink.idx[0], 16 % i);
	ck_assert_uint_eq(stat(z.t, "reached_full"), 1);
	ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_TEXT, 0, i), 0);   /* below the threshold now */
	close_zs(&z);
}
END_TEST


/* A slab source that holds `limit` pages at most (the RAM running out). */
struct slab_fr {
	unsigned taken, limit;
};
static int slab_get(void *ctx, unsigned n)
{
	struct slab_fr *f = ctx;
	if (f->taken + n > f->limit)
		return ZSIM_ENOMEM;
	f->taken += n;
	return 0;
}
static void slab_put(void *ctx, unsigned n)
{
	((struct slab_fr *)ctx)->taken -= n;
}

/*
 * zswap's entries take slab pages of their own, outside the pool's limit:
 * one struct zswap_entry per stored page (same-filled ones too), 64 bytes in
 * 6.1 (64 to a page), 80 in 6.6 (51 to a page).  6.1, zbud, lz4, 100000
 * pages of RAM (the 20% limit far off), a slab source of 2 pages:
 *  - 128 text pages stored (64 zbud pages): 2 slab pages; the 129th store
 *    needs a third page, which the source refuses: reject_kmemcache_fail 1,
 *    ZSIM_ENOMEM, nothing stored (stored 128, pool 64 pages);
 *  - one zero page: same-filled, but its entry needs a page too: refused;
 *  - one page invalidated: 127 live, room in the second slab page: the zero
 *    page is stored (128 live, same_filled 1); invalidating 64 of them
 *    leaves 64 live: one slab page given back; all of them, none.
 * 6.6 (same pool, 51 to a page): 102 stores fit in 2 slab pages, the 103rd
 * is refused.
 */
START_TEST(test_entry_slab)
{
	static const struct {
		const char *kern;
		unsigned fit;
	} cases[] = { { "6.1", 128 }, { "6.6", 102 } };
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		struct zs z;
		char err[256] = "";
		struct zsim_tier_cfg c;
		const char *key = NULL;
		const char *const kv[] = { "zpool=zbud", "compressor=lz4", NULL };
		memset(&z, 0, sizeof(z));
		ck_assert_int_eq(settings(cases[k].kern, kv, &c, &key), 0);
		z.wb = (struct zsim_wb_sink){ sink_write, sink_now, &z.sink };
		z.src = (struct zsim_frame_source){ fr_get, fr_put, &z.fr };
		struct slab_fr sf = { 0, 2 };
		struct zsim_frame_source slab = { slab_get, slab_put, &sf };
		struct zsim_tier_params p = { .kp = zsim_kprofile_find(cases[k].kern), .frames = &z.src,
					      .frames_slab = &slab, .cfg = c.b, .wb_sink = &z.wb,
					      .totalram_pages = 100000 };
		ck_assert_msg(zsim_tier_new("zswap", &p, &z.t, err, sizeof(err)) == 0, "%s", err);
		unsigned fit = cases[k].fit;
		for (unsigned i = 0; i < fit; i++)
			ck_assert_int_eq(store(&z, i, ZSIM_CONTENT_TEXT, 0, 1 + i), 0);
		ck_assert_uint_eq(sf.taken, 2);
		ck_assert_uint_eq(stat(z.t, "entry_slab_pages"), 2);
		ck_assert_uint_eq(pool_pages(&z), fit / 2);   /* two text pages a zbud page */
		ck_assert_int_eq(store(&z, fit, ZSIM_CONTENT_TEXT, 0, 1 + fit), ZSIM_ENOMEM);
		ck_assert_uint_eq(stat(z.t, "reject_kmemcache_fail"), 1);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), fit);
		ck_assert_uint_eq(pool_pages(&z), fit / 2);
		ck_assert_uint_eq(sf.taken, 2);
		ck_assert_int_eq(store(&z, fit, ZSIM_CONTENT_ZERO, 0, 0), ZSIM_ENOMEM);
		ck_assert_uint_eq(stat(z.t, "reject_kmemcache_fail"), 2);
		inval(&z, 0);
		ck_assert_int_eq(store(&z, fit, ZSIM_CONTENT_ZERO, 0, 0), 0);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), fit);
		ck_assert_uint_eq(stat(z.t, "same_filled_pages"), 1);
		ck_assert_uint_eq(sf.taken, 2);
		unsigned per = fit / 2;
		for (unsigned i = 1; i <= per; i++)
			inval(&z, i);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), fit - per);
		ck_assert_uint_eq(sf.taken, 1);
		for (unsigned i = per + 1; i <= fit; i++)
			inval(&z, i);
		ck_assert_uint_eq(stat(z.t, "stored_pages"), 0);
		ck_assert_uint_eq(sf.taken, 0);
		ck_assert_uint_eq(stat(z.t, "entry_slab_pages"), 0);
		close_zs(&z);
	}
}
END_TEST

Suite *suite_zswap(void);
Suite *suite_zswap(void)
{
	Suite *s = suite_create("zswap");
	TCase *tc = tcase_create("zswap");
	tcase_add_test(tc, test_hysteresis_6_1);
	tcase_add_test(tc, test_hysteresis_6_18);
	tcase_add_test(tc, test_worker_inline);
	tcase_add_test(tc, test_zsmalloc_full);
	tcase_add_test(tc, test_zbud_evicts_buddies);
	tcase_add_test(tc, test_shrinker_6_18);
	tcase_add_test(tc, test_same_filled);
	tcase_add_test(tc, test_incompressible);
	tcase_add_test(tc, test_density);
	tcase_add_test(tc, test_exclusive_loads);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_writeback_fails);
	tcase_add_test(tc, test_entry_slab);
	suite_add_tcase(s, tc);
	return s;
}
