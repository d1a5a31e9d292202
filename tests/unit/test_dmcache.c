/*
 * test_dmcache.c - dm-cache (tiers/dmcache.c) over a brd cache and an SSD
 * origin, white-box through the tier API: promotion after the hotspot
 * threshold, demotion writing a dirty block back first, writethrough never
 * dirty, passthrough never promoting, background writeback, the counters'
 * sums, and check() after each step.
 *
 * The origin is 64 pages, the cache 16 pages: two cache blocks of 32 KiB
 * (8 pages).  With fewer than 1024 hotspot blocks' worth of origin, a hotspot
 * block halves down to the cache block, so a hotspot is a block here.
 * promote_hits 3, eager_writes false unless a test says otherwise.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tiers/tier.h"

struct stack {
	struct zsim_tier *dm, *cache, *origin;
	uint64_t reads, writes;
};

static uint64_t stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(zsim_tier_stat(t, name, &v) == 0, "no stat %s", name);
	return v;
}

/* check(), and the counters' sums: every access is a hit or a miss. */
static void ok(const struct stack *s)
{
	char msg[256] = "";
	ck_assert_msg(s->dm->ops->check(s->dm->priv, msg, sizeof(msg)) == 0, "%s", msg);
	ck_assert_uint_eq(stat(s->dm, "read_hits") + stat(s->dm, "read_misses"), s->reads);
	ck_assert_uint_eq(stat(s->dm, "write_hits") + stat(s->dm, "write_misses"), s->writes);
	ck_assert_uint_eq(stat(s->dm, "cache_blocks_used"), stat(s->dm, "promotions") - stat(s->dm, "demotions"));
	ck_assert_uint_le(stat(s->dm, "dirty"), stat(s->dm, "cache_blocks_used"));
}

static void set(const struct zsim_tier_ops *ops, struct zsim_tier_cfg *c, const char *key, const char *val)
{
	char err[256] = "";
	ck_assert_msg(zsim_tier_cfg_set(ops, c, key, val, err, sizeof(err)) == 0, "%s=%s: %s", key, val, err);
}

static const char *seq_threshold = "0";   /* mq's sequential_threshold for the next stack */

static void open_stack(struct stack *s, const char *mode, const char *eager)
{
	char err[256] = "";
	const struct zsim_kprofile *kp = zsim_kprofile_find("6.1");
	struct zsim_tier_cfg oc, dc;
	const struct zsim_tier_ops *bd;
	unsigned ssd;
	memset(s, 0, sizeof(*s));
	struct zsim_tier_params cp = { .kp = kp, .capacity_pages = 16 };
	ck_assert_int_eq(zsim_tier_new("brd", &cp, &s->cache, err, sizeof(err)), 0);
	ck_assert_int_eq(zsim_tier_type_find("ssd", &bd, &ssd), 0);
	zsim_tier_cfg_defaults(bd, ssd, &oc);
	struct zsim_tier_params op = { .kp = kp, .capacity_pages = 64, .preset = ssd, .cfg = oc.b };
	ck_assert_int_eq(zsim_tier_new("blockdev", &op, &s->origin, err, sizeof(err)), 0);
	zsim_tier_cfg_defaults(&zsim_tier_dmcache, 0, &dc);
	set(&zsim_tier_dmcache, &dc, "cache_dev", "brd0");
	set(&zsim_tier_dmcache, &dc, "origin_dev", "ssd0");
	set(&zsim_tier_dmcache, &dc, "block_size", "32K");
	set(&zsim_tier_dmcache, &dc, "mode", mode);
	set(&zsim_tier_dmcache, &dc, "promote_hits", "3");
	set(&zsim_tier_dmcache, &dc, "eager_writes", eager);
	set(&zsim_tier_dmcache, &dc, "sequential_threshold", seq_threshold);
	struct zsim_tier_params dp = { .kp = kp, .capacity_pages = 64, .cfg = dc.b,
				       .lower = s->cache, .lowers = { s->cache, s->origin },
				       .lower_pages = { 16, 64 } };
	ck_assert_msg(zsim_tier_new("dmcache", &dp, &s->dm, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(stat(s->dm, "cache_blocks_total"), 2);
	ok(s);
}

static void close_stack(struct stack *s)
{
	zsim_tier_free(s->dm);
	zsim_tier_free(s->cache);
	zsim_tier_free(s->origin);
}

static void wr(struct stack *s, uint64_t index, uint64_t seed)
{
	struct zsim_page_ref pg = { .hash = seed + 1 };
	uint64_t cpu = 0;
	ck_assert_int_eq(s->dm->ops->store(s->dm->priv, index, &pg), 0);
	s->dm->ops->io(s->dm->priv, 0, true, index, 1, &cpu);
	s->writes++;
	ok(s);
}

static void rd(struct stack *s, uint64_t index)
{
	uint64_t cpu = 0;
	s->dm->ops->io(s->dm->priv, 0, false, index, 1, &cpu);
	s->reads++;
	ok(s);
}

/* Two misses leave block 0 on the origin; the third access promotes it and
 * hits: its two written pages are copied to the cache. */
START_TEST(test_promote_after_threshold)
{
	struct stack s;
	open_stack(&s, "writeback", "false");
	wr(&s, 0, 1);
	wr(&s, 1, 2);
	ck_assert_uint_eq(stat(s.dm, "promotions"), 0);
	ck_assert_uint_eq(stat(s.dm, "write_misses"), 2);
	rd(&s, 0);
	ck_assert_uint_eq(stat(s.dm, "promotions"), 1);
	ck_assert_uint_eq(stat(s.dm, "read_hits"), 1);
	ck_assert_uint_eq(stat(s.dm, "copied_pages"), 2);
	ck_assert_uint_eq(stat(s.cache, "pages_used"), 2);
	ck_assert_uint_eq(stat(s.dm, "dirty"), 0);
	wr(&s, 2, 3);   /* a write hit in writeback mode: dirty */
	ck_assert_uint_eq(stat(s.dm, "write_hits"), 1);
	ck_assert_uint_eq(stat(s.dm, "dirty"), 1);
	/* another block's hotspot is cold */
	rd(&s, 8);
	ck_assert_uint_eq(stat(s.dm, "read_misses"), 1);
	close_stack(&s);
}
END_TEST

/* Both cache blocks dirty: promoting a third block writes the least recently
 * used one back to the origin, then demotes it. */
START_TEST(test_dirty_written_back_before_demotion)
{
	struct stack s;
	open_stack(&s, "writeback", "true");
	wr(&s, 0, 1);    /* eager: promoted, then dirty */
	wr(&s, 8, 2);
	ck_assert_uint_eq(stat(s.dm, "promotions"), 2);
	ck_assert_uint_eq(stat(s.dm, "dirty"), 2);
	uint64_t before = stat(s.origin, "pages_written");
	for (int i = 0; i < 3; i++)
		rd(&s, 16);   /* block 2 gets hot; no free block */
	ck_assert_uint_eq(stat(s.dm, "promotions"), 3);
	ck_assert_uint_eq(stat(s.dm, "demotions"), 1);
	ck_assert_uint_eq(stat(s.dm, "writebacks"), 1);
	ck_assert_uint_eq(stat(s.origin, "pages_written"), before + 1);   /* page 0 of block 0 */
	ck_assert_uint_eq(stat(s.dm, "dirty"), 1);
	/* block 0 is on the origin again: a read misses */
	rd(&s, 0);
	ck_assert_uint_eq(stat(s.dm, "read_misses"), 3);
	/* a background round cleans the other */
	struct zsim_tctl_writeback wb = { .now = 1000 };
	ck_assert_int_eq(zsim_tier_control(s.dm, ZSIM_TCTL_WRITEBACK, &wb), 0);
	ck_assert_uint_eq(wb.moved, 1);
	ck_assert_uint_eq(stat(s.dm, "dirty"), 0);
	ok(&s);
	close_stack(&s);
}
END_TEST

START_TEST(test_writethrough_never_dirty)
{
	struct stack s;
	open_stack(&s, "writethrough", "true");
	for (uint64_t i = 0; i < 24; i++)
		wr(&s, i % 12, i);
	for (uint64_t i = 0; i < 12; i++)
		rd(&s, i);
	ck_assert_uint_gt(stat(s.dm, "write_hits"), 0);
	ck_assert_uint_eq(stat(s.dm, "dirty"), 0);
	ck_assert_uint_eq(stat(s.dm, "writebacks"), 0);
	uint64_t every = 0;
	ck_assert_int_eq(zsim_tier_control(s.dm, ZSIM_TCTL_BACKGROUND, &every), 0);
	bool sync = true;
	ck_assert_int_eq(zsim_tier_control(s.dm, ZSIM_TCTL_SYNC_IO, &sync), 0);
	ck_assert(!sync);
	close_stack(&s);
}
END_TEST

START_TEST(test_passthrough_never_promotes)
{
	struct stack s;
	open_stack(&s, "passthrough", "true");
	for (uint64_t i = 0; i < 40; i++) {
		wr(&s, i % 10, i);
		rd(&s, i % 10);
	}
	ck_assert_uint_eq(stat(s.dm, "promotions"), 0);
	ck_assert_uint_eq(stat(s.dm, "read_hits") + stat(s.dm, "write_hits"), 0);
	ck_assert_uint_eq(stat(s.cache, "writes"), 0);
	uint64_t every = 0;
	ck_assert_int_eq(zsim_tier_control(s.dm, ZSIM_TCTL_BACKGROUND, &every), ZSIM_ENOTSUP);
	close_stack(&s);
}
END_TEST

/* mq's tracker: after 2 contiguous I/Os the stream is sequential and nothing
 * is counted or promoted; 4 non-contiguous ones make it random again. */
START_TEST(test_sequential_bypass)
{
	struct stack s;
	seq_threshold = "2";
	open_stack(&s, "writeback", "false");
	seq_threshold = "0";
	for (uint64_t i = 0; i < 16; i++)
		wr(&s, i, i);
	ck_assert_uint_eq(stat(s.dm, "promotions"), 0);
	ck_assert_uint_eq(stat(s.dm, "sequential_bypass"), 14);
	rd(&s, 40);
	rd(&s, 30);
	rd(&s, 20);
	rd(&s, 50);   /* random again from here */
	for (int i = 0; i < 3; i++)
		rd(&s, 60 - 2 * i);
	ck_assert_uint_eq(stat(s.dm, "promotions"), 1);
	ck_assert_uint_eq(stat(s.dm, "read_hits"), 1);
	close_stack(&s);
}
END_TEST

/* A block size that is not a multiple of 32 KiB is refused by validate. */
START_TEST(test_block_size_refused)
{
	struct zsim_tier_cfg dc;
	zsim_tier_cfg_defaults(&zsim_tier_dmcache, 0, &dc);
	set(&zsim_tier_dmcache, &dc, "cache_dev", "a");
	set(&zsim_tier_dmcache, &dc, "origin_dev", "b");
	set(&zsim_tier_dmcache, &dc, "block_size", "48K");
	struct zsim_tier_env env = { zsim_kprofile_find("6.1"), 1 << 20, 0, NULL, 0 };
	const char *key = NULL;
	char err[256];
	ck_assert_int_lt(zsim_tier_dmcache.validate(dc.b, &env, &key, err, sizeof(err)), 0);
	ck_assert_str_eq(key, "block_size");
}
END_TEST

Suite *suite_dmcache(void);
Suite *suite_dmcache(void)
{
	Suite *su = suite_create("dmcache");
	TCase *tc = tcase_create("dmcache");
	tcase_add_test(tc, test_promote_after_threshold);
	tcase_add_test(tc, test_dirty_written_back_before_demotion);
	tcase_add_test(tc, test_writethrough_never_dirty);
	tcase_add_test(tc, test_passthrough_never_promotes);
	tcase_add_test(tc, test_sequential_bypass);
	tcase_add_test(tc, test_block_size_refused);
	suite_add_tcase(su, tc);
	return su;
}
