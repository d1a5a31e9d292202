/*
 * test_pgtable.c - the process page table (sim/pgtable.h): entries by page,
 * leaves of 512 made on first touch and counted, lookups that never create,
 * pointers that stay valid while the directory grows, and the walk in address
 * order.
 */
#include <check.h>
#include <stdlib.h>

#include "sim/pgtable.h"

START_TEST(test_pgt_leaves_and_lookup)
{
	struct zsim_pgtable t;
	zsim_pgt_init(&t);
	ck_assert_ptr_null(zsim_pgt_lookup(&t, 0));
	ck_assert_uint_eq(t.nr_leaves, 0);
	*zsim_pgt_walk(&t, 0) = 11;
	*zsim_pgt_walk(&t, 511) = 12;          /* same leaf: pages 0..511 */
	ck_assert_uint_eq(t.nr_leaves, 1);
	*zsim_pgt_walk(&t, 512) = 13;          /* the next 2 MiB: a second leaf */
	ck_assert_uint_eq(t.nr_leaves, 2);
	/* a page of a made leaf that was never set reads 0; another range is NULL */
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, 7), 0);
	ck_assert_ptr_null(zsim_pgt_lookup(&t, 1024));
	ck_assert_uint_eq(t.nr_leaves, 2);     /* lookup never creates */
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, 0), 11);
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, 511), 12);
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, 512), 13);
	/* the top of a 48-bit address space and beyond */
	uint64_t far = (1ull << 36) - 1, huge = (1ull << 52) + 5;
	*zsim_pgt_walk(&t, far) = 14;
	*zsim_pgt_walk(&t, huge) = 15;
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, far), 14);
	ck_assert_uint_eq(*zsim_pgt_lookup(&t, huge), 15);
	ck_assert_ptr_null(zsim_pgt_lookup(&t, huge + 512));
	ck_assert_uint_eq(t.nr_leaves, 4);
	zsim_pgt_free(&t);
	ck_assert_uint_eq(t.nr_leaves, 0);
}
END_TEST

/* Pointers into leaves survive the directory's growth (reclaim relies on it),
 * and the leaves carved from chunks (1, 2, 4 ... 8192 leaves: 9000 reach the
 * first full-size chunk) do not overlap: each leaf's first and last entries
 * and one between keep what was written there. */
#define STABLE_LEAVES 9000
static uint64_t stable_page(uint64_t i, uint64_t k)
{
	return i * 7919 * 512 + k;
}

START_TEST(test_pgt_pointers_stable)
{
	struct zsim_pgtable t;
	zsim_pgt_init(&t);
	uint64_t *first = zsim_pgt_walk(&t, 3);
	*first = 99;
	for (uint64_t i = 1; i <= STABLE_LEAVES; i++) {   /* scattered leaves */
		*zsim_pgt_walk(&t, stable_page(i, 0)) = 3 * i;
		*zsim_pgt_walk(&t, stable_page(i, i & 511)) = 3 * i + 1;
		*zsim_pgt_walk(&t, stable_page(i, 511)) = 3 * i + 2;
	}
	ck_assert_uint_eq(t.nr_leaves, STABLE_LEAVES + 1);
	ck_assert_uint_ge(t.nr_chunks, 14);
	ck_assert_ptr_eq(zsim_pgt_lookup(&t, 3), first);
	ck_assert_uint_eq(*first, 99);
	for (uint64_t i = 1; i <= STABLE_LEAVES; i++) {
		uint64_t mid = i & 511;
		ck_assert_uint_eq(*zsim_pgt_lookup(&t, stable_page(i, 0)), mid ? 3 * i : 3 * i + 1);
		if (mid && mid != 511)
			ck_assert_uint_eq(*zsim_pgt_lookup(&t, stable_page(i, mid)), 3 * i + 1);
		ck_assert_uint_eq(*zsim_pgt_lookup(&t, stable_page(i, 511)), 3 * i + 2);
		ck_assert_uint_eq(*zsim_pgt_lookup(&t, stable_page(i, 300 + (mid == 300))), 0);
	}
	zsim_pgt_free(&t);
	ck_assert_uint_eq(t.nr_chunks, 0);
}
END_TEST

struct seen {
	uint64_t n, last, sum;
	int ordered;
};

static void visit(void *arg, uint64_t page, uint64_t *e)
{
	struct seen *s = arg;
	if (s->n && page <= s->last)
		s->ordered = 0;
	s->last = page;
	s->n++;
	s->sum += *e;
	ck_assert_uint_eq(*e, page + 1);
}

/* The walk visits exactly the non-zero entries, in increasing page order. */
START_TEST(test_pgt_each_in_order)
{
	struct zsim_pgtable t;
	zsim_pgt_init(&t);
	uint64_t pages[] = { 900000, 5, 1ull << 40, 513, 512, 77777, 6, 1ull << 30 };
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		*zsim_pgt_walk(&t, pages[i]) = pages[i] + 1;
		sum += pages[i] + 1;
	}
	*zsim_pgt_walk(&t, 4) = 0;   /* made, then cleared: not visited */
	struct seen s = { 0, 0, 0, 1 };
	zsim_pgt_each(&t, visit, &s);
	ck_assert_uint_eq(s.n, 8);
	ck_assert_uint_eq(s.sum, sum);
	ck_assert_int_eq(s.ordered, 1);
	zsim_pgt_free(&t);
}
END_TEST

Suite *suite_pgtable(void);
Suite *suite_pgtable(void)
{
	Suite *s = suite_create("pgtable");
	TCase *tc = tcase_create("pgtable");
	tcase_add_test(tc, test_pgt_leaves_and_lookup);
	tcase_add_test(tc, test_pgt_pointers_stable);
	tcase_add_test(tc, test_pgt_each_in_order);
	suite_add_tcase(s, tc);
	return s;
}
