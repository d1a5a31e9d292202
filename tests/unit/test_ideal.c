/*
 * test_ideal.c - the overhead-free packer: pages = ceil(live bytes / 4096).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/allocator.h"
#include "alloc_test.h"

Suite *suite_ideal(void);



START_TEST(packs_bytes)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_ideal, "6.18");     /* in every profile */
	zsim_handle h = 0;
	ck_assert_int_eq(z.ops->malloc(z.priv, 0, &h), ZSIM_EINVAL);
	ck_assert_int_eq(z.ops->malloc(z.priv, 4097, &h), ZSIM_ENOSPC);
	ck_assert_uint_eq(z.ops->max_size(z.priv), 4096);
	ck_assert_uint_eq(pages(&z), 0);
	zsim_handle a = put(&z, 1);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle b = put(&z, 4095);                    /* exactly 4096 bytes */
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle c = put(&z, 1);
	ck_assert_uint_eq(pages(&z), 2);
	/* Three objects of 1365 B that zbud could not pair: 4095 B, one page. */
	del(&z, a); del(&z, b); del(&z, c);
	ck_assert_uint_eq(pages(&z), 0);
	a = put(&z, 1365); b = put(&z, 1365); c = put(&z, 1365);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle d = put(&z, 4096);
	ck_assert_uint_eq(pages(&z), 2);
	struct zsim_alloc_class_stat st;
	ck_assert_uint_eq(z.ops->nr_classes(z.priv), 1);
	z.ops->class_stat(z.priv, 0, &st);
	ck_assert_uint_eq(st.objs_used, 4);
	ck_assert_uint_eq(st.pages, 2);
	del(&z, d);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a); del(&z, b); del(&z, c);
	inst_del(&z);
}
END_TEST

START_TEST(frames_refused)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_ideal, "4.19");
	z.fr.limit = 1;
	zsim_handle a = put(&z, 3000), h = 0;
	ck_assert_int_eq(z.ops->malloc(z.priv, 1097, &h), ZSIM_ENOMEM);
	ok(&z);
	zsim_handle b = put(&z, 1096);                    /* fills the page exactly */
	del(&z, a); del(&z, b);
	inst_del(&z);
}
END_TEST

START_TEST(random_churn)
{
	uint64_t s = 88172645463325252ull;
	struct inst z;
	inst_new(&z, &zsim_allocator_ideal, "6.1");
	enum { N = 500 };
	zsim_handle h[N] = {0};
	uint64_t bytes = 0;
	size_t sz[N] = {0};
	for (int step = 0; step < 5000; step++) {
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		unsigned k = (unsigned)(s % N);
		if (h[k]) {
			del(&z, h[k]);
			h[k] = 0;
			bytes -= sz[k];
		} else {
			sz[k] = 1 + (s >> 20) % 4096;
			h[k] = put(&z, sz[k]);
			bytes += sz[k];
		}
		ck_assert_uint_eq(pages(&z), (bytes + 4095) / 4096);
	}
	for (unsigned k = 0; k < N; k++)
		if (h[k])
			del(&z, h[k]);
	inst_del(&z);
}
END_TEST

Suite *suite_ideal(void)
{
	Suite *s = suite_create("ideal");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, packs_bytes);
	tcase_add_test(tc, frames_refused);
	tcase_add_test(tc, random_churn);
	suite_add_tcase(s, tc);
	return s;
}
