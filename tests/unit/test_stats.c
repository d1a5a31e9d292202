/*
 * test_stats.c - sim/stats.c: histogram quantiles interpolated within a
 * bucket and kept within the values added, and the PSI sweep (some / full,
 * the decayed averages, the totals), each case worked by hand in its comment.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

static struct zsim_histogram *hist_new(void)
{
	return calloc(1, sizeof(struct zsim_histogram));
}

/* One value repeated: every quantile is that value (the old code answered
 * the bucket's upper edge, 1023). */
START_TEST(test_quantile_one_value)
{
	struct zsim_histogram *h = hist_new();
	for (int i = 0; i < 10; i++)
		zsim_hist_add(h, 1000);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.5), 1000);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.99), 1000);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.0), 1000);
	free(h);
}
END_TEST

/* 960 and 1020, five each, share the bucket [960, 1024) of width 64:
 * p50 = 960 + 5/10 x 64 = 992; p90 = 960 + 0.9 x 64 = 1017.6 -> 1018;
 * p10 = 960 + 6.4 = 966.4 -> 966. */
START_TEST(test_quantile_within_bucket)
{
	struct zsim_histogram *h = hist_new();
	for (int i = 0; i < 5; i++) {
		zsim_hist_add(h, 960);
		zsim_hist_add(h, 1020);
	}
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.5), 992);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.9), 1018);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.1), 966);
	free(h);
}
END_TEST

/* 100 x5 (bucket [96, 104)) and 1000 x5 (bucket [960, 1024)): p50 is the
 * top of the first bucket, 104; p60 = 960 + 1/5 x 64 = 972.8 -> 973; p90 =
 * 960 + 4/5 x 64 = 1011.2, above the largest value: 1000. */
START_TEST(test_quantile_two_buckets)
{
	struct zsim_histogram *h = hist_new();
	for (int i = 0; i < 5; i++) {
		zsim_hist_add(h, 100);
		zsim_hist_add(h, 1000);
	}
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.5), 104);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.6), 973);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.9), 1000);
	free(h);
}
END_TEST

/* Below 8 a bucket is one value: 3, 3, 5 -> p50 (target 1.5 of 3) is 3, p99 5;
 * an empty histogram answers 0. */
START_TEST(test_quantile_small_and_empty)
{
	struct zsim_histogram *h = hist_new();
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.5), 0);
	zsim_hist_add(h, 3);
	zsim_hist_add(h, 3);
	zsim_hist_add(h, 5);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.5), 3);
	ck_assert_uint_eq(zsim_hist_quantile(h, 0.99), 5);
	free(h);
}
END_TEST

#define S 1000000000ull

/*
 * One process: a turn from 0 with CPU until 1 s and a fault wait until 2 s,
 * then a turn from 2 s to 4 s with no stall.  Stalled [1, 2): with one
 * non-idle task that is "some" and "full".  Period [0, 2): 50%; [2, 4): 0.
 * avg10 = 50 (1 - e^-0.2) = 9.0635 after the first period, then x e^-0.2 =
 * 7.4205; totals 1 s = 1000000 us each.
 */
START_TEST(test_psi_one_task)
{
	struct zsim_sim *s = calloc(1, sizeof(*s));
	struct zsim_psi_result r;
	zsim_psi_turn(s, 0, 0, 1 * S, 2 * S, 0);
	zsim_psi_turn(s, 0, 2 * S, 4 * S, 4 * S, 0);
	zsim_psi_compute(&s->out.psi, 4 * S, &r);
	ck_assert_uint_eq(r.some_total_ns, 1 * S);
	ck_assert_uint_eq(r.full_total_ns, 1 * S);
	ck_assert_double_eq_tol(r.some_avg10_max, 9.0635, 1e-3);
	ck_assert_double_eq_tol(r.some_avg[0], 7.4205, 1e-3);
	ck_assert_double_eq_tol(r.full_avg[0], 7.4205, 1e-3);
	zsim_psi_free(&s->out.psi);
	free(s);
}
END_TEST

/*
 * Two processes over [0, 2 s): P0 computes until 0.5 s and waits for a fault
 * until 2 s; P1 computes until 2 s, its last 0.5 s direct reclaim.  Stalled:
 * [0.5, 1.5) one task of two ("some"), [1.5, 2) both ("some" and "full").
 * some = 1.5 s = 75% of the period, full = 0.5 s = 25%.  avg10 = 75 (1 -
 * e^-0.2) = 13.5952, avg60 = 75 (1 - e^(-1/30)) = 2.4588, avg300 = 75 (1 -
 * e^(-1/150)) = 0.4983; full avg10 = 25 (1 - e^-0.2) = 4.5317.
 */
START_TEST(test_psi_some_and_full)
{
	struct zsim_sim *s = calloc(1, sizeof(*s));
	struct zsim_psi_result r;
	zsim_psi_turn(s, 0, 0, S / 2, 2 * S, 0);
	zsim_psi_turn(s, 1, 0, 2 * S, 2 * S, S / 2);
	zsim_psi_compute(&s->out.psi, 2 * S, &r);
	ck_assert_uint_eq(r.some_total_ns, 3 * S / 2);
	ck_assert_uint_eq(r.full_total_ns, S / 2);
	ck_assert_double_eq_tol(r.some_avg[0], 13.5952, 1e-3);
	ck_assert_double_eq_tol(r.some_avg[1], 2.4588, 1e-3);
	ck_assert_double_eq_tol(r.some_avg[2], 0.4983, 1e-3);
	ck_assert_double_eq_tol(r.full_avg[0], 4.5317, 1e-3);
	zsim_psi_free(&s->out.psi);
	free(s);
}
END_TEST

/* P1 waits [0.5, 0.75 s) while P0 computes: "some" 0.25 s, no "full"; a run
 * shorter than a period updates no average. */
START_TEST(test_psi_none)
{
	struct zsim_sim *s = calloc(1, sizeof(*s));
	struct zsim_psi_result r;
	zsim_psi_turn(s, 0, 0, S, S, 0);
	zsim_psi_turn(s, 1, 0, S / 2, S / 2 + S / 4, 0);
	zsim_psi_compute(&s->out.psi, S, &r);
	ck_assert_uint_eq(r.some_total_ns, S / 4);
	ck_assert_uint_eq(r.full_total_ns, 0);   /* P0 computed all along */
	ck_assert_double_eq_tol(r.some_avg[0], 0, 1e-9);
	zsim_psi_free(&s->out.psi);
	free(s);
}
END_TEST

Suite *suite_stats(void);
Suite *suite_stats(void)
{
	Suite *su = suite_create("stats");
	TCase *tc = tcase_create("quantiles");
	tcase_add_test(tc, test_quantile_one_value);
	tcase_add_test(tc, test_quantile_within_bucket);
	tcase_add_test(tc, test_quantile_two_buckets);
	tcase_add_test(tc, test_quantile_small_and_empty);
	suite_add_tcase(su, tc);
	tc = tcase_create("psi");
	tcase_add_test(tc, test_psi_one_task);
	tcase_add_test(tc, test_psi_some_and_full);
	tcase_add_test(tc, test_psi_none);
	suite_add_tcase(su, tc);
	return su;
}
