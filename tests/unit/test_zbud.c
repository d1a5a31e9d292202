/*
 * test_zbud.c - the zbud model against values worked out by hand from the
 * kernel's constants (64 B chunks, 1-chunk header, 63 data chunks, 3968 B
 * largest object, unbuddied lists first-fit with list_add at the head).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/allocator.h"
#include "alloc_test.h"

Suite *suite_zbud(void);


START_TEST(pairs_share_or_not)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "4.19");
	/* 1984 B = 31 chunks; 31 + 31 = 62 <= 63: one page. */
	zsim_handle a = put(&z, 1984), b = put(&z, 1984);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a); del(&z, b);
	ck_assert_uint_eq(pages(&z), 0);
	/* 2000 B = 32 chunks; 64 > 63: two pages. */
	a = put(&z, 2000); b = put(&z, 2000);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b);
	/* 3968 (62 chunks) + 64 (1 chunk) = 63: one page; + 65 (2 chunks): two. */
	a = put(&z, 3968); b = put(&z, 64);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle c = put(&z, 65);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	/* 2048 (32) + 1984 (31) = 63: one page. */
	a = put(&z, 2048); b = put(&z, 1984);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a); del(&z, b);
	/* Never three per page: three 64 B objects need two pages. */
	a = put(&z, 64); b = put(&z, 64); c = put(&z, 64);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	inst_del(&z);
}
END_TEST

START_TEST(largest_and_invalid)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "6.1");
	zsim_handle h = 0;
	ck_assert_uint_eq(z.ops->max_size(z.priv), 3968);
	ck_assert_int_eq(z.ops->malloc(z.priv, 3969, &h), ZSIM_ENOSPC);
	ck_assert_int_eq(z.ops->malloc(z.priv, 4096, &h), ZSIM_ENOSPC);
	ck_assert_int_eq(z.ops->malloc(z.priv, 0, &h), ZSIM_EINVAL);
	ck_assert_uint_eq(pages(&z), 0);
	ok(&z);
	h = put(&z, 3968);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, h);
	ck_assert_ptr_null(z.ops->compact);
	ck_assert_uint_eq(z.ops->nr_classes(z.priv), 62);
	inst_del(&z);
}
END_TEST

/* Pages go back on their list at the head, so the most recent one is reused first. */
START_TEST(list_order_lifo)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "4.19");
	zsim_handle a = put(&z, 2000);  /* P1: 32 chunks, 31 free */
	zsim_handle b = put(&z, 2000);  /* P2: 31 free, filed after P1 -> head of unbuddied[31] */
	zsim_handle c = put(&z, 1000);  /* 16 chunks: head of unbuddied[31] is P2 */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, b);                     /* P2 still holds c: 2 pages (tail insertion would give 1) */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, c);
	inst_del(&z);
}
END_TEST

/* First fit by free chunks: the page with the least sufficient free space wins. */
START_TEST(first_fit_by_free_chunks)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "4.19");
	zsim_handle big = put(&z, 3000);  /* P1: 47 chunks, 16 free */
	zsim_handle small = put(&z, 1000);/* 16 chunks -> unbuddied[16] = P1: same page */
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle s2 = put(&z, 1000);   /* P2: 16 chunks, 47 free */
	zsim_handle t = put(&z, 3000);    /* 47 chunks: only P2 (47 free) fits */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, s2);                      /* P2: t alone */
	del(&z, small);                   /* P1: big alone, 16 free; P2: 16 free */
	zsim_handle u = put(&z, 900);     /* 15 chunks: unbuddied[16] head = P1 (filed last) */
	del(&z, t);                       /* P2 empties */
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, big); del(&z, u);
	ck_assert_uint_eq(pages(&z), 0);
	/* P1 holds 3000 B (16 free), P2 holds 1000 B (47 free): 900 B goes to P1. */
	zsim_handle a = put(&z, 3000), b = put(&z, 1000), c = put(&z, 1000);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, b);
	u = put(&z, 900);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a);                       /* P1 keeps u */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, c);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, u);
	inst_del(&z);
}
END_TEST

START_TEST(frames_refused)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "5.4");
	z.fr.limit = 1;
	zsim_handle a = put(&z, 3000), h = 0;
	ck_assert_int_eq(z.ops->malloc(z.priv, 2000, &h), ZSIM_ENOMEM);
	ok(&z);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle b = put(&z, 1000);  /* fits in the held page: no frame needed */
	del(&z, a); del(&z, b);
	ck_assert_uint_eq(z.fr.held, 0);
	inst_del(&z);
}
END_TEST

START_TEST(profile_refusal)
{
	void *priv = calloc(1, zsim_allocator_zbud.priv_size);
	struct zsim_alloc_params p = { .kp = zsim_kprofile_find("6.18") };
	ck_assert_int_eq(zsim_allocator_zbud.init(priv, &p), ZSIM_ENOTSUP);
	memset(priv, 0, zsim_allocator_zbud.priv_size);
	p.kp = zsim_kprofile_find("4.19");
	ck_assert_int_eq(zsim_allocator_zbud.init(priv, &p), 0);
	zsim_allocator_zbud.destroy(priv);
	free(priv);
}
END_TEST

START_TEST(class_rows)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_zbud, "4.19");
	zsim_handle a = put(&z, 1984), b = put(&z, 1984), c = put(&z, 100);
	struct zsim_alloc_class_stat st;
	z.ops->class_stat(z.priv, 30, &st);    /* 31 chunks */
	ck_assert_uint_eq(st.size, 31 * 64);
	ck_assert_uint_eq(st.objs_used, 2);
	ck_assert_uint_eq(st.pages, 1);
	ck_assert_uint_eq(st.objs_per_unit, 2);
	z.ops->class_stat(z.priv, 1, &st);     /* 2 chunks */
	ck_assert_uint_eq(st.objs_used, 1);
	ck_assert_uint_eq(st.pages, 1);
	del(&z, a); del(&z, b); del(&z, c);
	inst_del(&z);
}
END_TEST


START_TEST(random_property)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ (uint64_t)(_i + 1) * 0x1234567ull;
	struct inst z, id;
	inst_new(&z, &zsim_allocator_zbud, "6.6");
	inst_new(&id, &zsim_allocator_ideal, "6.6");
	enum { N = 600 };
	zsim_handle hz[N] = {0}, hi[N] = {0};
	unsigned live = 0;
	for (int step = 0; step < 6000; step++) {
		unsigned k = (unsigned)(rng(&seed) % N);
		if (hz[k]) {
			del(&z, hz[k]); del(&id, hi[k]);
			hz[k] = hi[k] = 0;
			live--;
		} else {
			size_t sz = draw_size(&seed, 3968);
			hz[k] = put(&z, sz);
			hi[k] = put(&id, sz);
			live++;
		}
		ck_assert_uint_ge(pages(&z), pages(&id));
		ck_assert_uint_le(live, 2 * pages(&z));      /* never more than 2 per page */
	}
	for (unsigned k = 0; k < N; k++)
		if (hz[k]) { del(&z, hz[k]); del(&id, hi[k]); }
	ck_assert_uint_eq(pages(&z), 0);
	inst_del(&z);
	inst_del(&id);
}
END_TEST

Suite *suite_zbud(void)
{
	Suite *s = suite_create("zbud");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, pairs_share_or_not);
	tcase_add_test(tc, largest_and_invalid);
	tcase_add_test(tc, list_order_lifo);
	tcase_add_test(tc, first_fit_by_free_chunks);
	tcase_add_test(tc, frames_refused);
	tcase_add_test(tc, profile_refusal);
	tcase_add_test(tc, class_rows);
	tcase_add_loop_test(tc, random_property, 0, 4);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
