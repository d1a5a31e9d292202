/*
 * test_zram_wb.c - zram writeback to a backing device (tiers/zram.c over
 * tiers/blockdev.c), white-box through the tier API: which slots each mode
 * moves and in what order, what the counters do, reads and frees of a
 * written-back slot, and the writeback_limit budget.  check() after each step.
 *
 * The zram has 16 slots, lzo-rle, kernel 6.1, no frame limit; the backing SSD
 * 16 pages.  Slots 0-3 hold random pages (stored whole: huge), 4-7 text pages
 * (compressed, ~1.5 KiB), 8 a zero page (same-filled).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tiers/tier.h"
#include "traces/content.h"

#define MS 1000000ull
#define SEC 1000000000ull

struct pair {
	struct zsim_tier *z, *ssd;
};

static uint64_t stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(zsim_tier_stat(t, name, &v) == 0, "no stat %s", name);
	return v;
}

static void ok(const struct pair *p)
{
	char msg[256] = "";
	ck_assert_msg(p->z->ops->check(p->z->priv, msg, sizeof(msg)) == 0, "%s", msg);
}

static void store(struct pair *p, uint64_t index, enum zsim_content_class cls, uint64_t seed, uint64_t now)
{
	uint8_t page[4096];
	zsim_content_fill_param(cls, 0, seed, page);
	struct zsim_page_ref pg = { .bytes = page };
	ck_assert_int_eq(p->z->ops->store(p->z->priv, index, &pg), 0);
	uint64_t cpu = 0;
	p->z->ops->io(p->z->priv, now, true, index, 1, &cpu);
}

/* Set a tier's key from text; the test fails if it does not take it. */
static void set(const struct zsim_tier_ops *ops, struct zsim_tier_cfg *c, const char *key, const char *val)
{
	char err[256] = "";
	ck_assert_msg(zsim_tier_cfg_set(ops, c, key, val, err, sizeof(err)) == 0, "%s=%s: %s", key, val, err);
}

static const char *page_time = "0ns";   /* writeback.page_time of the next open_pair */

/* A zram over a 16-page SSD (100 us per request, one at a time), writeback
 * mode `mode` with idle_age and limit (pages) as given, kernel profile `kernel`. */
static void open_pair_k(struct pair *p, const char *kernel, const char *mode, uint64_t idle_age, uint64_t limit)
{
	char err[256] = "", buf[32];
	const struct zsim_kprofile *kp = zsim_kprofile_find(kernel);
	struct zsim_tier_cfg sc, zc;
	unsigned ssd;
	const struct zsim_tier_ops *bd;
	ck_assert_int_eq(zsim_tier_type_find("ssd", &bd, &ssd), 0);
	zsim_tier_cfg_defaults(bd, ssd, &sc);
	set(bd, &sc, "read_latency", "100us");
	set(bd, &sc, "write_latency", "100us");
	set(bd, &sc, "queue_depth", "1");
	set(bd, &sc, "flash_size", "64K");
	struct zsim_tier_params sp = { .kp = kp, .capacity_pages = 16, .preset = ssd, .cfg = sc.b };
	ck_assert_int_eq(zsim_tier_new("blockdev", &sp, &p->ssd, err, sizeof(err)), 0);
	zsim_tier_cfg_defaults(&zsim_tier_zram, 0, &zc);
	set(&zsim_tier_zram, &zc, "comp", "lzo-rle");
	set(&zsim_tier_zram, &zc, "backing_dev", "ssd");
	set(&zsim_tier_zram, &zc, "writeback.mode", mode);
	snprintf(buf, sizeof(buf), "%lluns", (unsigned long long)idle_age);
	set(&zsim_tier_zram, &zc, "writeback.idle_age", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)limit * 4096);
	set(&zsim_tier_zram, &zc, "writeback.limit", buf);
	set(&zsim_tier_zram, &zc, "writeback.page_time", page_time);
	struct zsim_tier_params zp = { .kp = kp, .capacity_pages = 16, .cfg = zc.b, .lower = p->ssd };
	ck_assert_msg(zsim_tier_new("zram", &zp, &p->z, err, sizeof(err)) == 0, "%s", err);
	for (uint64_t i = 0; i < 4; i++)
		store(p, i, ZSIM_CONTENT_RANDOM, 10 + i, 0);
	for (uint64_t i = 4; i < 8; i++)
		store(p, i, ZSIM_CONTENT_TEXT, 20 + i, 8 * SEC);   /* touched later */
	store(p, 8, ZSIM_CONTENT_ZERO, 0, 0);
	ok(p);
	ck_assert_uint_eq(stat(p->z, "pages_stored"), 9);
	ck_assert_uint_eq(stat(p->z, "huge_pages"), 4);
	ck_assert_uint_eq(stat(p->z, "same_pages"), 1);
}

static void open_pair(struct pair *p, const char *mode, uint64_t idle_age, uint64_t limit)
{
	open_pair_k(p, "6.1", mode, idle_age, limit);
}

/* One step of a writeback round at `now` (what sim/devices.c does at each of
 * the round's times); its CPU into *cpu, its next time returned (0: over). */
static uint64_t step(struct pair *p, uint64_t now, uint64_t *moved, uint64_t *cpu)
{
	struct zsim_tctl_writeback wb = { .now = now };
	ck_assert_int_eq(zsim_tier_control(p->z, ZSIM_TCTL_WRITEBACK, &wb), 0);
	ok(p);
	*moved += wb.moved;
	*cpu += wb.cpu_ns;
	if (wb.next)
		ck_assert_uint_ge(wb.next, now);
	return wb.next ? (wb.next > now + wb.cpu_ns ? wb.next : now + wb.cpu_ns) : 0;
}

/* One writeback round from `now`, stepped to its end with nothing else
 * running; returns the pages moved, and when it ended into *end. */
static uint64_t writeback_end(struct pair *p, uint64_t now, uint64_t *end)
{
	uint64_t moved = 0, cpu = 0;
	for (uint64_t t = now; t; t = step(p, t, &moved, &cpu))
		now = t;
	if (end)
		*end = now;
	return moved;
}

static uint64_t writeback(struct pair *p, uint64_t now)
{
	return writeback_end(p, now, NULL);
}

static void close_pair(struct pair *p)
{
	zsim_tier_free(p->z);
	zsim_tier_free(p->ssd);
}

/*
 * huge: the four huge slots go, nothing else.  compr_data_size drops by
 * 4 x 4096, huge_pages to 0, pages_stored stays 9; bd_count = bd_writes = 4,
 * the SSD holds 4 pages.  Reading slot 0 back reads the SSD (bd_reads 1,
 * done after its 100 us latency, no decompression); freeing it frees block 0.
 */
START_TEST(test_wb_huge)
{
	struct pair p;
	open_pair(&p, "huge", 0, 0);
	uint64_t compr = stat(p.z, "compr_data_size");
	ck_assert_uint_eq(writeback(&p, 10 * SEC), 4);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "compr_data_size"), compr - 4 * 4096);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 0);
	ck_assert_uint_eq(stat(p.z, "pages_stored"), 9);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 4);
	ck_assert_uint_eq(stat(p.z, "bd_writes"), 4);
	ck_assert_uint_eq(stat(p.ssd, "pages_stored"), 4);
	/* a second round finds nothing new */
	ck_assert_uint_eq(writeback(&p, 20 * SEC), 0);
	uint64_t cpu = 0;
	uint64_t decomp = stat(p.z, "decomp_pages");
	uint64_t done = p.z->ops->io(p.z->priv, 30 * SEC, false, 0, 1, &cpu);
	ck_assert_uint_ge(done, 30 * SEC + 100000);
	ck_assert_uint_eq(stat(p.z, "bd_reads"), 1);
	ck_assert_uint_eq(stat(p.z, "decomp_pages"), decomp);
	p.z->ops->invalidate(p.z->priv, 0);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 3);
	ck_assert_uint_eq(stat(p.z, "pages_stored"), 8);
	ck_assert_uint_eq(stat(p.ssd, "pages_stored"), 3);
	/* a rewrite of a written-back slot frees its block too */
	store(&p, 1, ZSIM_CONTENT_TEXT, 99, 31 * SEC);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 2);
	close_pair(&p);
}
END_TEST

/*
 * idle, idle_age 5 s, at 10 s: slots 0-3 (last access 0 s) are idle, 4-7
 * (8 s) are not, the zero page never goes.  With writeback_limit 2 the first
 * two idle slots by index go, 0 and 1; the budget is then spent and a later
 * round moves nothing.
 */
START_TEST(test_wb_idle_limit)
{
	struct pair p;
	open_pair(&p, "idle", 5 * SEC, 2);
	ck_assert_uint_eq(writeback(&p, 10 * SEC), 2);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 2);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 2);
	ck_assert_uint_eq(writeback(&p, 60 * SEC), 0);
	close_pair(&p);

	/* no limit, at 14 s: 0-3 and 4-7 are all idle: 8 go, the zero page stays */
	open_pair(&p, "idle", 5 * SEC, 0);
	ck_assert_uint_eq(writeback(&p, 14 * SEC), 8);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "compr_data_size"), 0);
	ck_assert_uint_eq(stat(p.z, "same_pages"), 1);
	ck_assert_uint_eq(stat(p.z, "mem_used_total"), 0);
	close_pair(&p);
}
END_TEST

/*
 * huge_idle: huge and idle.  At 10 s with idle_age 5 s the huge slots 0-3
 * are idle: 4 go.  A read at 11 s of slot 4 (text) changes nothing; with
 * idle_age 0 at 12 s everything is idle but only huge slots qualify.
 */
START_TEST(test_wb_huge_idle)
{
	struct pair p;
	open_pair(&p, "huge_idle", 5 * SEC, 0);
	uint64_t cpu = 0;
	p.z->ops->io(p.z->priv, 9 * SEC, false, 3, 1, &cpu);   /* slot 3 read at 9 s: not idle */
	ck_assert_uint_eq(writeback(&p, 10 * SEC), 3);
	ok(&p);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 1);
	ck_assert_uint_eq(writeback(&p, 15 * SEC), 1);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 0);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 4);
	close_pair(&p);
}
END_TEST

/*
 * A round goes one page at a time (6.1's writeback_store): huge mode at 10 s,
 * slots 0-3.  The first step picks slot 0 and asks for its copy out of the
 * pool (ZRAM_COPY_NS, 250 ns) before anything is written: its block is taken
 * (bd_count 1) but the pool still holds the page.  The next step, once that
 * CPU has run, writes it: the round waits for the SSD's 100 us (and the
 * page's transfer).  Only when
 * the write has ended does the slot give up its object (compr_data_size
 * down 4096, huge_pages 3) and the next page is picked.  Slot 1 is read
 * while its write is in flight: the read ends its idleness, so when the
 * write ends the slot keeps its object and the block is given back (bd_writes
 * counts the write, bd_count does not keep it).  In all: 3 moved, 4 writes,
 * and the round took at least 4 x (250 ns + 100 us).  With
 * writeback.page_time (the writer's own CPU per page) the first step's CPU
 * is the copy and that.
 */
START_TEST(test_wb_paced)
{
	struct pair p;
	open_pair(&p, "huge", 0, 0);
	uint64_t compr = stat(p.z, "compr_data_size"), moved = 0, cpu = 0, t0 = 10 * SEC;
	uint64_t t = step(&p, t0, &moved, &cpu);
	ck_assert_uint_eq(cpu, 250);
	ck_assert_uint_eq(t, t0 + 250);
	ck_assert_uint_eq(moved, 0);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 1);
	ck_assert_uint_eq(stat(p.z, "compr_data_size"), compr);
	t = step(&p, t, &moved, &cpu);   /* slot 0's write goes out: 100 us and its transfer */
	ck_assert_uint_ge(t, t0 + 250 + 100000);
	ck_assert_uint_lt(t, t0 + 250 + 120000);
	ck_assert_uint_eq(stat(p.z, "compr_data_size"), compr);
	t = step(&p, t, &moved, &cpu);   /* it ended: slot 0 moved, slot 1 picked */
	ck_assert_uint_eq(moved, 1);
	ck_assert_uint_eq(stat(p.z, "compr_data_size"), compr - 4096);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 3);
	ck_assert_uint_eq(stat(p.z, "bd_writes"), 1);
	t = step(&p, t, &moved, &cpu);   /* slot 1's write goes out */
	uint64_t rc = 0;
	p.z->ops->io(p.z->priv, t - 50000, false, 1, 1, &rc);   /* slot 1 read meanwhile */
	t = step(&p, t, &moved, &cpu);
	ck_assert_uint_eq(moved, 1);   /* slot 1 stayed */
	ck_assert_uint_eq(stat(p.z, "bd_writes"), 2);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 3);
	uint64_t end = 0;
	moved += writeback_end(&p, t, &end);
	ck_assert_uint_eq(moved, 3);
	ck_assert_uint_eq(stat(p.z, "bd_writes"), 4);
	ck_assert_uint_eq(stat(p.z, "bd_count"), 3);
	ck_assert_uint_eq(stat(p.z, "huge_pages"), 1);
	ck_assert_uint_ge(end - t0, 4 * (250 + 100000));
	close_pair(&p);

	/* writeback.page_time 40 us: each page's CPU is the copy and that */
	page_time = "40us";
	open_pair(&p, "huge", 0, 0);
	page_time = "0ns";
	moved = cpu = 0;
	t = step(&p, t0, &moved, &cpu);
	ck_assert_uint_eq(cpu, 250 + 40000);
	ck_assert_uint_eq(t, t0 + 250 + 40000);
	close_pair(&p);
}
END_TEST

/*
 * Which page goes first: slot 0 rewritten with text (~1.5 KiB stored), 1-3
 * huge, everything idle.  6.1 walks the slots: slot 0 first (the first page's
 * move frees its small object).  6.18 (6.13+) lists the candidates largest
 * first: a huge slot first (4096 bytes freed).  A slot freed before its turn
 * is passed by in both.
 */
START_TEST(test_wb_order)
{
	const char *kernels[] = { "6.1", "6.18" };
	for (int k = 0; k < 2; k++) {
		struct pair p;
		open_pair_k(&p, kernels[k], "idle", 0, 0);
		p.z->ops->invalidate(p.z->priv, 0);
		store(&p, 0, ZSIM_CONTENT_TEXT, 77, 9 * SEC);
		uint64_t compr = stat(p.z, "compr_data_size"), moved = 0, cpu = 0;
		uint64_t t = step(&p, 10 * SEC, &moved, &cpu);
		t = step(&p, t, &moved, &cpu);
		t = step(&p, t, &moved, &cpu);
		ck_assert_uint_eq(moved, 1);
		uint64_t freed = compr - stat(p.z, "compr_data_size");
		if (k == 0)
			ck_assert_msg(freed > 0 && freed < 4096, "6.1: first page freed %llu bytes", (unsigned long long)freed);
		else
			ck_assert_uint_eq(freed, 4096);
		ck_assert_uint_ne(t, 0);
		/* slot 3 (huge, idle, not yet written) is freed mid-round: the
		 * round passes it by (6.1's walk finds it empty, 6.18's list finds
		 * it no longer wanted) and moves the other six */
		p.z->ops->invalidate(p.z->priv, 3);
		uint64_t end = 0;
		moved += writeback_end(&p, t, &end);
		ck_assert_uint_eq(moved, 7);
		ck_assert_uint_eq(stat(p.z, "bd_count"), 7);
		ck_assert_uint_eq(stat(p.z, "bd_writes"), 7);
		ck_assert_uint_eq(stat(p.ssd, "pages_stored"), 7);
		ck_assert_uint_eq(stat(p.z, "compr_data_size"), 0);
		close_pair(&p);
	}
}
END_TEST

Suite *suite_zram_wb(void);
Suite *suite_zram_wb(void)
{
	Suite *s = suite_create("zram_wb");
	TCase *tc = tcase_create("writeback");
	tcase_add_test(tc, test_wb_huge);
	tcase_add_test(tc, test_wb_idle_limit);
	tcase_add_test(tc, test_wb_huge_idle);
	tcase_add_test(tc, test_wb_paced);
	tcase_add_test(tc, test_wb_order);
	suite_add_tcase(s, tc);
	return s;
}
