/*
 * test_policies.c - the reclaim policies (policies/lru2.c, clock.c, lru.c),
 * white-box over a small frame array: what each puts where, which pages it
 * offers as victims and in what order, and that check() passes after every
 * step and catches a broken link.
 *
 * Conventions of the lists (reclaim.h): the head is the page added last, the
 * tail the one added first; isolate() works from the tail.  The REFERENCED
 * flag is the page table's accessed bit, which the memory manager sets; here
 * the tests set it by hand.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "policies/reclaim.h"

/* Lists of lru2: [type * 2 + active] (lru2.c LIST()). */
enum { INACT_ANON = 0, ACT_ANON = 1, INACT_FILE = 2, ACT_FILE = 3 };

struct pol {
	const struct zsim_reclaim_ops *ops;
	void *priv;
	struct zsim_frame *fr;
	uint32_t nr;
};

/* A policy over nr fresh frames, with the memory manager's env (or NULL). */
static void pol_open_env(struct pol *p, const char *name, uint32_t nr, const struct zsim_reclaim_env *env)
{
	p->ops = zsim_reclaim_find(name);
	ck_assert_msg(p->ops != NULL, "policy %s not registered", name);
	ck_assert_str_eq(p->ops->name, name);
	p->priv = calloc(1, p->ops->priv_size);
	p->fr = calloc(nr, sizeof(*p->fr));
	p->nr = nr;
	for (uint32_t i = 0; i < nr; i++)
		p->fr[i].list = 0xff;
	ck_assert_int_eq(p->ops->init(p->priv, p->fr, nr, env), 0);
}

static void pol_open(struct pol *p, const char *name, uint32_t nr)
{
	pol_open_env(p, name, nr, NULL);
}

static void pol_close(struct pol *p)
{
	if (p->ops->destroy)
		p->ops->destroy(p->priv);
	free(p->priv);
	free(p->fr);
}

static void pol_ok(const struct pol *p)
{
	char msg[256] = "";
	int rc = p->ops->check(p->priv, msg, sizeof(msg));
	ck_assert_msg(rc == 0, "%s check: %s", p->ops->name, msg);
}

/* isolate wrapper: victims into out[], returns their count, *rot the rotations */
static size_t iso(struct pol *p, int type, size_t scan, size_t nr, uint32_t *out, uint64_t *rot)
{
	*rot = 0;
	size_t n = p->ops->isolate(p->priv, type, scan, out, nr, rot);
	pol_ok(p);
	return n;
}

/* ---- lru2 ------------------------------------------------------------------- */

/* The lists' vmstat counts so far: pgactivate, pgdeactivate (= pgrefill). */
static void counts_eq(const struct pol *p, uint64_t act, uint64_t deact)
{
	uint64_t c[3];
	p->ops->counts(p->priv, c);
	ck_assert_uint_eq(c[0], act);
	ck_assert_uint_eq(c[1], deact);
	ck_assert_uint_eq(c[2], deact);
}

START_TEST(test_lru2_new_pages_inactive_or_active)
{
	struct pol p;
	pol_open(&p, "lru2", 8);
	p.ops->add(p.priv, 0, ZSIM_LRU_ANON, false);
	p.ops->add(p.priv, 1, ZSIM_LRU_ANON, true);    /* the pre-5.9 hint: start active */
	p.ops->add(p.priv, 2, ZSIM_LRU_FILE, false);
	p.ops->add(p.priv, 3, ZSIM_LRU_FILE, true);
	pol_ok(&p);
	ck_assert_uint_eq(p.fr[0].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[0].pflags & ZSIM_PG_ACTIVE, 0);
	ck_assert_uint_eq(p.fr[1].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[1].pflags & ZSIM_PG_ACTIVE, ZSIM_PG_ACTIVE);
	ck_assert_uint_eq(p.fr[2].list, INACT_FILE);
	ck_assert_uint_eq(p.fr[3].list, ACT_FILE);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 2);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_FILE), 2);
	p.ops->del(p.priv, 1);
	pol_ok(&p);
	ck_assert_uint_eq(p.fr[1].list, 0xff);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 1);
	pol_close(&p);
}
END_TEST

/*
 * Anon aging.  Pages 0..3 enter the inactive list in that order: inactive =
 * head 3 2 1 0 tail.  0 and 2 are referenced.  isolate(scan 4): inactive 4 x 1
 * < active 0 is false, so no refill; the tail walk meets 0 (referenced:
 * activated, rotated 1), 1 (victim), 2 (activated, rotated 2), 3 (victim).
 * Victims [1, 3]; active = head 2 0 tail, their REFERENCED cleared.
 */
START_TEST(test_lru2_anon_aging)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "lru2", 8);
	for (uint32_t f = 0; f < 4; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	p.fr[0].pflags |= ZSIM_PG_REFERENCED;
	p.fr[2].pflags |= ZSIM_PG_REFERENCED;
	ck_assert(!p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));   /* 4 x 1 < 0: no */
	size_t n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_uint_eq(rot, 2);
	ck_assert_uint_eq(p.fr[0].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[0].pflags, ZSIM_PG_ACTIVE);   /* REFERENCED cleared */
	ck_assert_uint_eq(p.fr[2].pflags, ZSIM_PG_ACTIVE);
	ck_assert_uint_eq(p.fr[1].list, 0xff);               /* victims are off the lists */
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 2);

	/* Now inactive 0 x 1 < active 2: low.  isolate(scan 1) refills one page from
	 * the active tail (0, activated first) and then offers it: unreferenced. */
	ck_assert(p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	n = iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(rot, 0);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);

	/* putback(activate) puts a victim on the active head; putback(!activate) on
	 * the inactive head */
	p.ops->putback(p.priv, 1, ZSIM_LRU_ANON, true);
	p.ops->putback(p.priv, 3, ZSIM_LRU_ANON, false);
	pol_ok(&p);
	ck_assert_uint_eq(p.fr[1].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[1].pflags & ZSIM_PG_ACTIVE, ZSIM_PG_ACTIVE);
	ck_assert_uint_eq(p.fr[3].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[3].pflags & ZSIM_PG_ACTIVE, 0);
	pol_close(&p);
}
END_TEST

/*
 * File pages need REFERENCED2 (used twice, mark_page_accessed) to be
 * activated; a page referenced once is reclaimed all the same.  Inactive file =
 * head 6 5 4 tail; 4 REFERENCED, 5 REFERENCED|REFERENCED2, 6 nothing.
 * isolate(scan 3): 4 victim, 5 activated (rotated 1), 6 victim.
 */
START_TEST(test_lru2_file_needs_two_uses)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "lru2", 8);
	for (uint32_t f = 4; f < 7; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_FILE, false);
	p.fr[4].pflags |= ZSIM_PG_REFERENCED;
	p.fr[5].pflags |= ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2;
	size_t n = iso(&p, ZSIM_LRU_FILE, 3, 3, out, &rot);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 4);
	ck_assert_uint_eq(out[1], 6);
	ck_assert_uint_eq(rot, 1);
	ck_assert_uint_eq(p.fr[4].pflags & (ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2), 0);
	ck_assert_uint_eq(p.fr[5].list, ACT_FILE);
	ck_assert_uint_eq(p.fr[5].pflags, ZSIM_PG_ACTIVE);
	/* the anon lists were not touched */
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 0);
	pol_close(&p);
}
END_TEST

/* Victims are offered in tail order and `nr` stops the walk; `scan` bounds it too. */
START_TEST(test_lru2_tail_order_and_limits)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "lru2", 8);
	for (uint32_t f = 0; f < 6; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	size_t n = iso(&p, ZSIM_LRU_ANON, 6, 2, out, &rot);   /* nr 2 */
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 1);
	p.fr[2].pflags |= ZSIM_PG_REFERENCED;
	n = iso(&p, ZSIM_LRU_ANON, 1, 4, out, &rot);          /* scan 1: only page 2, rotated */
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(rot, 1);
	/* inactive 3 4 5 (tail 3), active 2: 3 x 1 < 1 is false, no refill */
	n = iso(&p, ZSIM_LRU_ANON, 8, 8, out, &rot);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_uint_eq(out[1], 4);
	ck_assert_uint_eq(out[2], 5);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	pol_close(&p);
}
END_TEST

/*
 * Refill from the active tail.  Active anon = head 3 2 1 0 tail, all
 * referenced (the refill clears that), inactive empty.  isolate(scan 2, nr 2):
 * refill step 1: 0 x 1 < 4, move 0; step 2: 1 x 1 < 3, move 1 (scan limit 2
 * reached).  Inactive = head 1 0 tail, both unreferenced now: victims [0, 1].
 */
START_TEST(test_lru2_refill_from_active_tail)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "lru2", 8);
	for (uint32_t f = 0; f < 4; f++) {
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, true);
		p.fr[f].pflags |= ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2;
	}
	size_t n = iso(&p, ZSIM_LRU_ANON, 2, 2, out, &rot);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 1);
	ck_assert_uint_eq(rot, 0);
	ck_assert_uint_eq(p.fr[0].pflags, 0);
	ck_assert_uint_eq(p.fr[1].pflags, 0);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[3].list, ACT_ANON);

	/* Refill stops as soon as the inactive list is no longer low: active 3 2
	 * (tail 2); isolate(scan 4, nr 0): step 1 moves 2 (0 < 2), step 2: 1 x 1 < 1
	 * is false, stop.  No victims (nr 0). */
	n = iso(&p, ZSIM_LRU_ANON, 4, 0, out, &rot);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(p.fr[2].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[2].pflags, 0);
	ck_assert_uint_eq(p.fr[3].list, ACT_ANON);
	pol_close(&p);
}
END_TEST

/*
 * A pass that may deactivate after refaults (env->deactivate, shrink_node's
 * may_deactivate): lru2 with 12 inactive anon pages (0..11) and 6 active
 * (12..17, tail 12), so inactive is not low (12 >= 6).
 *  - deactivate off: isolate(scan 4, nr 4) moves nothing from the active
 *    list and takes the inactive tail 0..3.
 *  - deactivate on: the active list is scanned at its share of the batch,
 *    4 x 6 / 8 = 3 pages (active 6, inactive 8 after the first call): 12, 13
 *    and 14 go to the inactive head, their flags cleared; the victims are
 *    4..7.  Active 3, inactive 4 + 3 = 7.
 *  - an active list no shorter than the inactive one is scanned for the
 *    whole batch: with 8..11 deleted, inactive 3 (12..14), active 3
 *    (15..17, tail 15); isolate(scan 2, nr 0) deactivates 15 and 16.
 */
START_TEST(test_lru2_deactivate_after_refaults)
{
	struct zsim_reclaim_env env = { 0 };
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open_env(&p, "lru2", 18, &env);
	for (uint32_t f = 0; f < 12; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	for (uint32_t f = 12; f < 18; f++) {
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, true);
		p.fr[f].pflags |= ZSIM_PG_REFERENCED;
	}
	ck_assert(!p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	size_t n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
	ck_assert_uint_eq(n, 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(out[i], i);
	ck_assert_uint_eq(p.ops->active_size(p.priv, ZSIM_LRU_ANON), 6);

	env.deactivate[ZSIM_LRU_ANON] = true;
	n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
	ck_assert_uint_eq(n, 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(out[i], 4 + i);
	ck_assert_uint_eq(p.ops->active_size(p.priv, ZSIM_LRU_ANON), 3);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 10);
	for (uint32_t f = 12; f < 15; f++) {
		ck_assert_uint_eq(p.fr[f].list, INACT_ANON);
		ck_assert_uint_eq(p.fr[f].pflags & (ZSIM_PG_REFERENCED | ZSIM_PG_ACTIVE), 0);
	}
	ck_assert_uint_eq(p.fr[15].list, ACT_ANON);

	for (uint32_t f = 8; f < 12; f++)
		p.ops->del(p.priv, f);
	n = iso(&p, ZSIM_LRU_ANON, 2, 0, out, &rot);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(p.fr[15].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[16].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[17].list, ACT_ANON);
	counts_eq(&p, 0, 5);
	pol_close(&p);
}
END_TEST

/*
 * inactive_is_low: inactive x ratio < active, ratio = floor(sqrt(10 x GiB)) with
 * GiB = (inactive + active) >> 18 pages, and 1 below 1 GiB.
 *  - 262144 pages = 1 GiB: ratio = floor(sqrt(10)) = 3.
 *    inactive 65536, active 196608: 65536 x 3 = 196608 < 196608? no  -> not low
 *    (with ratio 1 it would be low: 65536 < 196608).
 *    inactive 65535, active 196609: 196605 < 196609 -> low.
 *  - 262143 pages (< 1 GiB): ratio 1.  inactive 65536, active 196607: low.
 */
START_TEST(test_lru2_inactive_ratio)
{
	struct pol p;
	const uint32_t gib = 262144;
	pol_open(&p, "lru2", gib);
	for (uint32_t f = 0; f < 65536; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	for (uint32_t f = 65536; f < gib; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, true);
	pol_ok(&p);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), gib);
	ck_assert(!p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	ck_assert(!p.ops->inactive_low(p.priv, ZSIM_LRU_FILE));   /* empty: 0 < 0 is false */
	/* one inactive page goes active: 65535 / 196609 */
	p.ops->del(p.priv, 0);
	p.ops->add(p.priv, 0, ZSIM_LRU_ANON, true);
	ck_assert(p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	/* back to 65536 / 196608, then drop one active page: 65536 / 196607, 262143 pages */
	p.ops->del(p.priv, 0);
	p.ops->add(p.priv, 0, ZSIM_LRU_ANON, false);
	ck_assert(!p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	p.ops->del(p.priv, gib - 1);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), gib - 1);
	ck_assert(p.ops->inactive_low(p.priv, ZSIM_LRU_ANON));
	pol_ok(&p);
	pol_close(&p);
}
END_TEST

/* check() finds a broken link, a page claiming another list, and a short walk. */
START_TEST(test_check_detects_corruption)
{
	static const char *const names[] = { "lru2", "clock", "lru" };
	for (size_t k = 0; k < 3; k++) {
		struct pol p;
		char msg[256];
		pol_open(&p, names[k], 8);
		for (uint32_t f = 0; f < 5; f++)
			p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
		pol_ok(&p);
		/* list = head 4 3 2 1 0 tail */
		uint32_t saved = p.fr[2].prev;
		p.fr[2].prev = 0;                       /* should be 3 */
		msg[0] = '\0';
		ck_assert_int_eq(p.ops->check(p.priv, msg, sizeof(msg)), ZSIM_ECORRUPT);
		ck_assert_msg(strstr(msg, "badly linked") != NULL, "%s: %s", names[k], msg);
		p.fr[2].prev = saved;
		pol_ok(&p);

		uint8_t list = p.fr[3].list;
		p.fr[3].list = (uint8_t)(list + 1);     /* claims another list */
		ck_assert_int_eq(p.ops->check(p.priv, msg, sizeof(msg)), ZSIM_ECORRUPT);
		p.fr[3].list = list;

		uint32_t next = p.fr[1].next;
		p.fr[1].next = ZSIM_FRAME_NONE;         /* the walk ends early */
		ck_assert_int_eq(p.ops->check(p.priv, msg, sizeof(msg)), ZSIM_ECORRUPT);
		ck_assert_msg(strstr(msg, "length") != NULL, "%s: %s", names[k], msg);
		p.fr[1].next = next;
		pol_ok(&p);
		pol_close(&p);
	}
}
END_TEST

/* ---- clock ------------------------------------------------------------------- */

/*
 * Second chance.  Clock = head 3 2 1 0 tail (the hand at the tail).  0 and 1
 * referenced.  isolate(scan 4, nr 1): 0 referenced -> cleared, to the head
 * (rotated 1); 1 likewise (rotated 2); 2 unreferenced -> victim; nr reached.
 * Clock = head 1 0 3 tail.  Next isolate(scan 3, nr 3): 3, 0, 1 - all victims
 * now, their bits having been cleared on the last pass.
 */
START_TEST(test_clock_second_chance)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "clock", 8);
	for (uint32_t f = 0; f < 4; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, f == 3);   /* `active` is ignored */
	p.fr[0].pflags |= ZSIM_PG_REFERENCED;
	p.fr[1].pflags |= ZSIM_PG_REFERENCED;
	ck_assert_ptr_null(p.ops->inactive_low);
	size_t n = iso(&p, ZSIM_LRU_ANON, 4, 1, out, &rot);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(rot, 2);
	ck_assert_uint_eq(p.fr[0].pflags & ZSIM_PG_REFERENCED, 0);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 3);
	n = iso(&p, ZSIM_LRU_ANON, 3, 3, out, &rot);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 1);
	ck_assert_uint_eq(rot, 0);
	/* putback(activate) sets REFERENCED: the next pass gives it a second chance */
	p.ops->putback(p.priv, 3, ZSIM_LRU_ANON, true);
	p.ops->putback(p.priv, 0, ZSIM_LRU_ANON, false);
	pol_ok(&p);
	n = iso(&p, ZSIM_LRU_ANON, 2, 2, out, &rot);   /* tail 3 (ref: rotate), then 0 */
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(rot, 1);
	/* types are separate clocks */
	p.ops->add(p.priv, 5, ZSIM_LRU_FILE, false);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_FILE), 1);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 1);
	pol_close(&p);
}
END_TEST

/* ---- exact LRU ----------------------------------------------------------------- */

/*
 * lru = head 3 2 1 0 tail.  touch(0): 0 to the head -> 0 3 2 1.  touch(0)
 * again: already the head, unchanged.  touch(2) -> 2 0 3 1.  isolate(scan 3,
 * nr 3): 1, 3, 0 - the REFERENCED bit plays no part (2 is not referenced,
 * 0 is, and order alone decides).
 */
START_TEST(test_lru_touch_and_evict)
{
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open(&p, "lru", 8);
	for (uint32_t f = 0; f < 4; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	p.ops->touch(p.priv, 0);
	pol_ok(&p);
	p.ops->touch(p.priv, 0);
	pol_ok(&p);
	p.ops->touch(p.priv, 2);
	pol_ok(&p);
	p.fr[0].pflags |= ZSIM_PG_REFERENCED;
	size_t n = iso(&p, ZSIM_LRU_ANON, 3, 3, out, &rot);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_uint_eq(out[2], 0);
	ck_assert_uint_eq(rot, 0);
	ck_assert_uint_eq(p.fr[0].pflags & ZSIM_PG_REFERENCED, 0);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 1);
	/* putback goes to the head: the victim comes back as most recent */
	p.ops->putback(p.priv, 1, ZSIM_LRU_ANON, false);
	n = iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(n, 1);
	pol_close(&p);
}
END_TEST

/*
 * Accessed bits kept outside the frame (a mapped page's PTE) count as
 * REFERENCED when the policy looks: an env whose young bits are set for pages
 * 0 and 2 makes lru2 activate them and clock rotate them, once (the bit is
 * cleared by the look).
 */
static uint8_t young[8];
static bool stub_young(void *ctx, uint32_t f)
{
	(void)ctx;
	bool y = young[f];
	young[f] = 0;
	return y;
}

START_TEST(test_accessed_bits_harvested)
{
	static const struct zsim_reclaim_env env = { .test_clear_young = stub_young, .ctx = NULL };
	const char *names[] = { "lru2", "clock" };
	for (int k = 0; k < 2; k++) {
		struct pol p;
		uint32_t out[8];
		uint64_t rot;
		p.ops = zsim_reclaim_find(names[k]);
		p.priv = calloc(1, p.ops->priv_size);
		p.fr = calloc(8, sizeof(*p.fr));
		p.nr = 8;
		ck_assert_int_eq(p.ops->init(p.priv, p.fr, 8, &env), 0);
		for (uint32_t f = 0; f < 4; f++)
			p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
		young[0] = young[2] = 1;
		size_t n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
		ck_assert_uint_eq(n, 2);
		ck_assert_uint_eq(out[0], 1);
		ck_assert_uint_eq(out[1], 3);
		ck_assert_uint_eq(rot, 2);
		ck_assert_uint_eq(young[0] + young[2], 0);   /* cleared by the look */
		pol_close(&p);
	}
}
END_TEST

/*
 * A mapped page's accessed bit was set by the fault that made it, so lru2
 * looks twice (page_check_references).  Pages 0..3, all mapped, enter the
 * inactive anon list (head 3 2 1 0 tail) referenced by their faults.  Look 1
 * (scan 4): each is referenced but unmarked: marked LOOKED and kept, back at
 * the head in the order met (head 3 2 1 0 tail), no victim, nothing rotated.
 * Page 2 is used again.  Look 2 (scan 4): 0 and 1 unreferenced: victims, their
 * marks cleared; 2 referenced and marked: activated (rotated 1), the mark
 * kept; 3 victim.  The active page, refilled to the inactive list (inactive 0
 * x 1 < active 1; the refill's look clears its accessed bit) keeps its mark,
 * so one more use while inactive activates it again: scan 1 gives no victim
 * and one rotation.
 */
static bool stub_mapped(void *ctx, uint32_t f)
{
	(void)ctx;
	(void)f;
	return true;
}

START_TEST(test_lru2_mapped_looks_twice)
{
	static const struct zsim_reclaim_env env = { .test_clear_young = stub_young, .mapped = stub_mapped };
	struct pol p;
	uint32_t out[8];
	uint64_t rot;
	pol_open_env(&p, "lru2", 8, &env);
	memset(young, 0, sizeof(young));
	for (uint32_t f = 0; f < 4; f++) {
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
		p.fr[f].pflags |= ZSIM_PG_REFERENCED;   /* the fault's accessed bit */
	}
	size_t n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(rot, 0);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 4);
	for (uint32_t f = 0; f < 4; f++) {
		ck_assert_uint_eq(p.fr[f].list, INACT_ANON);
		ck_assert_uint_eq(p.fr[f].pflags, ZSIM_PG_LOOKED);
	}
	young[2] = 1;
	n = iso(&p, ZSIM_LRU_ANON, 4, 4, out, &rot);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 1);
	ck_assert_uint_eq(out[2], 3);
	ck_assert_uint_eq(rot, 1);
	ck_assert_uint_eq(p.fr[0].pflags, 0);
	ck_assert_uint_eq(p.fr[3].pflags, 0);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	ck_assert_uint_eq(p.fr[2].pflags, ZSIM_PG_ACTIVE | ZSIM_PG_LOOKED);
	young[2] = 1;   /* used before the refill: the refill's look clears it */
	n = iso(&p, ZSIM_LRU_ANON, 1, 0, out, &rot);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(p.fr[2].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[2].pflags, ZSIM_PG_LOOKED);
	ck_assert_uint_eq(young[2], 0);
	young[2] = 1;   /* used again on the inactive list */
	n = iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(rot, 1);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	/* pgactivate: page 2's two activations, not the first looks that kept
	 * pages; pgdeactivate and pgrefill: the one refill */
	counts_eq(&p, 2, 1);
	pol_close(&p);
}
END_TEST

/*
 * An unmapped page on the anon lists - shmem, a tmpfs file's - has no PTE to
 * say it was used: folio_check_references finds no referencing PTE and
 * reclaims it, PG_referenced or not; only a second use (mark_page_accessed:
 * REFERENCED2 here) activates it.  lru2 with an env whose mapped() says no:
 * anon frames 0 1 2 inactive (tail 0), 0 and 1 referenced once, 2 used twice.
 * One isolate of 3: 0 and 1 are offered (their marks cleared), 2 is
 * activated (one rotation).
 */
static bool stub_unmapped(void *ctx, uint32_t f)
{
	(void)ctx;
	(void)f;
	return false;
}

START_TEST(test_lru2_unmapped_shmem_reclaimed)
{
	static const struct zsim_reclaim_env env = { .test_clear_young = stub_young, .mapped = stub_unmapped };
	struct pol p;
	uint32_t out[4];
	uint64_t rot;
	pol_open_env(&p, "lru2", 4, &env);
	memset(young, 0, sizeof(young));
	for (uint32_t f = 0; f < 3; f++) {
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
		p.fr[f].pflags |= ZSIM_PG_REFERENCED;
	}
	p.fr[2].pflags |= ZSIM_PG_REFERENCED2;
	size_t n = iso(&p, ZSIM_LRU_ANON, 3, 3, out, &rot);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 1);
	ck_assert_uint_eq(p.fr[0].pflags & (ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2), 0);
	ck_assert_uint_eq(rot, 1);
	ck_assert_uint_eq(p.fr[2].list, ACT_ANON);
	ck_assert_uint_eq(p.ops->size(p.priv, ZSIM_LRU_ANON), 1);
	pol_close(&p);
}
END_TEST

START_TEST(test_registry)
{
	ck_assert_ptr_eq(zsim_reclaim_find("lru2"), &zsim_reclaim_lru2);
	ck_assert_ptr_eq(zsim_reclaim_find("clock"), &zsim_reclaim_clock);
	ck_assert_ptr_eq(zsim_reclaim_find("lru"), &zsim_reclaim_lru);
	ck_assert_ptr_null(zsim_reclaim_find("mglru"));
}
END_TEST

/*
 * rotate(): a page whose write completed goes to the tail of its type's
 * inactive list, the next one isolate() takes.  lru2: anon pages 0 1 2 added
 * inactive (head 2 1 0 tail), 3 active.  rotate(2) moves 2 to the inactive
 * tail: isolate(scan 1) offers 2.  rotate(3, from_active false) leaves 3
 * active; rotate(3, true) makes it inactive, at the tail, ACTIVE cleared.
 * clock and lru: one list per type, rotate(2) makes 2 the next victim.
 */
START_TEST(test_rotate_to_inactive_tail)
{
	struct pol p;
	uint32_t out[4];
	uint64_t rot;
	pol_open(&p, "lru2", 8);
	for (uint32_t f = 0; f < 3; f++)
		p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
	p.ops->add(p.priv, 3, ZSIM_LRU_ANON, true);
	p.ops->rotate(p.priv, 2, true);
	pol_ok(&p);
	ck_assert_uint_eq(p.fr[2].list, INACT_ANON);
	p.ops->rotate(p.priv, 3, false);
	ck_assert_uint_eq(p.fr[3].list, ACT_ANON);
	p.ops->rotate(p.priv, 3, true);
	pol_ok(&p);
	ck_assert_uint_eq(p.fr[3].list, INACT_ANON);
	ck_assert_uint_eq(p.fr[3].pflags & ZSIM_PG_ACTIVE, 0);
	ck_assert_uint_eq(iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot), 1);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_uint_eq(iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot), 1);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot), 1);
	ck_assert_uint_eq(out[0], 0);
	pol_close(&p);
	static const char *const others[] = { "clock", "lru" };
	for (size_t i = 0; i < 2; i++) {
		pol_open(&p, others[i], 8);
		for (uint32_t f = 0; f < 3; f++)
			p.ops->add(p.priv, f, ZSIM_LRU_ANON, false);
		p.ops->rotate(p.priv, 2, true);
		pol_ok(&p);
		ck_assert_uint_eq(iso(&p, ZSIM_LRU_ANON, 1, 1, out, &rot), 1);
		ck_assert_msg(out[0] == 2, "%s: victim %u", others[i], out[0]);
		pol_close(&p);
	}
}
END_TEST

Suite *suite_policies(void);
Suite *suite_policies(void)
{
	Suite *s = suite_create("policies");
	TCase *tc = tcase_create("reclaim");
	tcase_add_test(tc, test_rotate_to_inactive_tail);
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_lru2_new_pages_inactive_or_active);
	tcase_add_test(tc, test_lru2_anon_aging);
	tcase_add_test(tc, test_lru2_file_needs_two_uses);
	tcase_add_test(tc, test_lru2_tail_order_and_limits);
	tcase_add_test(tc, test_lru2_refill_from_active_tail);
	tcase_add_test(tc, test_lru2_deactivate_after_refaults);
	tcase_add_test(tc, test_lru2_inactive_ratio);
	tcase_add_test(tc, test_check_detects_corruption);
	tcase_add_test(tc, test_clock_second_chance);
	tcase_add_test(tc, test_lru_touch_and_evict);
	tcase_add_test(tc, test_accessed_bits_harvested);
	tcase_add_test(tc, test_lru2_mapped_looks_twice);
	tcase_add_test(tc, test_lru2_unmapped_shmem_reclaimed);
	suite_add_tcase(s, tc);
	return s;
}
