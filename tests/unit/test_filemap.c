/*
 * test_filemap.c - a file's page map (sim/filemap.c): a map that starts small
 * (a packed array standing for the 64-bucket table) must put every entry in
 * the bucket the table would, through inserts, backward-shift removals, the
 * switch to the table and growth past it, so a truncate walks the buckets in
 * the same order either way.  The reference is the same map made a table from
 * the start.
 */
#include <check.h>
#include <stdlib.h>

#include "sim/sim.h"
#include "core/rng.h"

/* The map as every map began before small maps: the 64-bucket table. */
static void table_init(struct zsim_filemap *t)
{
	zsim_filemap_init(t);
	t->small = false;
	t->e = calloc(64, sizeof(*t->e));
	ck_assert_ptr_nonnull(t->e);
}

/* The two maps agree bucket by bucket and key by key (check's asserts cost a
 * write each: one per call). */
static void same(struct zsim_filemap *a, struct zsim_filemap *b, const uint64_t *keys, size_t nkeys)
{
	long bad = -1;
	if (a->mask != b->mask || a->used != b->used)
		bad = 1000;
	for (uint64_t i = 0; bad < 0 && i <= a->mask; i++) {
		uint64_t pa = 0, va = 0, pb = 0, vb = 0;
		bool ha = zsim_filemap_at(a, i, &pa, &va), hb = zsim_filemap_at(b, i, &pb, &vb);
		if (ha != hb || (ha && (pa != pb || va != vb)))
			bad = (long)i;
	}
	for (size_t k = 0; bad < 0 && k < nkeys; k++) {
		uint64_t *x = zsim_filemap_lookup(a, keys[k]), *y = zsim_filemap_lookup(b, keys[k]);
		if ((x == NULL) != (y == NULL) || (x && *x != *y))
			bad = 2000 + (long)k;
	}
	ck_assert_msg(bad < 0, "maps differ at %ld (buckets < 1000, 1000: sizes, keys from 2000)", bad);
}

START_TEST(test_filemap_small_is_the_table)
{
	/* pages 0..47 (groups of 8 hash to neighbouring buckets: long clusters)
	 * and a few far apart, some near the largest file page */
	uint64_t keys[64];
	for (size_t k = 0; k < 48; k++)
		keys[k] = k;
	uint64_t x = 7;
	for (size_t k = 48; k < 64; k++)
		keys[k] = zsim_splitmix64(&x) % (1ull << 51);
	keys[63] = (1ull << 51) - 1;
	for (int round = 0; round < 40; round++) {
		struct zsim_filemap a, b;
		zsim_filemap_init(&a);
		table_init(&b);
		ck_assert(a.small);
		/* rounds aim at fillings from a few to past the table's growth at 45 */
		uint64_t target = 2 + (uint64_t)round * 2, seen_big = 0;
		for (int op = 0; op < 400; op++) {
			uint64_t r = zsim_splitmix64(&x);
			uint64_t key = keys[r % (round % 4 == 0 ? 64 : 24)];
			if (a.used < target || (r >> 40) % 3 == 0) {
				*zsim_filemap_insert(&a, key) = key * 3 + 1;
				*zsim_filemap_insert(&b, key) = key * 3 + 1;
			} else {
				zsim_filemap_remove(&a, key);
				zsim_filemap_remove(&b, key);
			}
			seen_big |= !a.small;
			same(&a, &b, keys, 64);
		}
		if (target > 16)
			ck_assert(seen_big);   /* past 16 entries it became the table */
		/* a truncate: drop pages >= 20 walking the buckets; a removal may shift
		 * another entry into the bucket just read */
		for (uint64_t i = 0; i <= a.mask; i++) {
			uint64_t pa, va, pb, vb;
			for (;;) {
				bool ha = zsim_filemap_at(&a, i, &pa, &va), hb = zsim_filemap_at(&b, i, &pb, &vb);
				ck_assert(ha == hb);
				if (!ha || pa < 20)
					break;
				ck_assert_uint_eq(pa, pb);
				zsim_filemap_remove(&a, pa);
				zsim_filemap_remove(&b, pb);
			}
		}
		same(&a, &b, keys, 64);
		zsim_filemap_free(&a);
		zsim_filemap_free(&b);
	}
}
END_TEST

START_TEST(test_filemap_small_costs_its_entries)
{
	struct zsim_filemap t;
	zsim_filemap_init(&t);
	ck_assert_ptr_null(t.e);   /* nothing until the first page */
	ck_assert_ptr_null(zsim_filemap_lookup(&t, 5));
	for (uint64_t p = 0; p < 5; p++)
		*zsim_filemap_insert(&t, p * 1000) = p + 1;
	ck_assert(t.small);
	ck_assert_uint_le(t.cap, 8);
	for (uint64_t p = 0; p < 5; p++)
		ck_assert_uint_eq(*zsim_filemap_lookup(&t, p * 1000), p + 1);
	zsim_filemap_remove(&t, 2000);
	ck_assert_ptr_null(zsim_filemap_lookup(&t, 2000));
	ck_assert_uint_eq(t.used, 4);
	zsim_filemap_free(&t);
}
END_TEST

Suite *suite_filemap(void);
Suite *suite_filemap(void)
{
	Suite *s = suite_create("filemap");
	TCase *tc = tcase_create("filemap");
	tcase_add_test(tc, test_filemap_small_is_the_table);
	tcase_add_test(tc, test_filemap_small_costs_its_entries);
	suite_add_tcase(s, tc);
	return s;
}
