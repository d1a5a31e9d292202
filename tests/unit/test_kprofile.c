/*
 * test_kprofile.c - the kernel profile table (core/kprofile.c) is consistent:
 * rows in version order, each row's facts agree with its version as
 * ../shared/kernel-facts.md gives it, and no feature goes away in a later row
 * unless the field documents a removal (zbud and z3fold, gone in 6.15).
 * Only this test reads `version` to check facts; the models read the fields.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/kprofile.h"

#define KV(maj, min) ((maj) * 100 + (min))

/* A feature that arrived in some version and stayed: false..false, true..true. */
#define ASSERT_KEPT(prev, cur, field) \
	ck_assert_msg(!(prev)->field || (cur)->field, "%s: " #field " lost after %s", (cur)->name, (prev)->name)

START_TEST(test_kprofile_order)
{
	ck_assert_uint_ge(zsim_kprofile_count(), 2);
	ck_assert_ptr_eq(zsim_kprofile_default(), zsim_kprofile_at(zsim_kprofile_count() - 1));
	ck_assert_ptr_null(zsim_kprofile_at(zsim_kprofile_count()));
	for (size_t i = 0; i < zsim_kprofile_count(); i++) {
		const struct zsim_kprofile *p = zsim_kprofile_at(i);
		ck_assert_ptr_eq(zsim_kprofile_find(p->name), p);
		char name[16];
		snprintf(name, sizeof(name), "%u.%u", p->version / 100, p->version % 100);
		ck_assert_str_eq(p->name, name);
		if (i)
			ck_assert_uint_gt(p->version, zsim_kprofile_at(i - 1)->version);
	}
}
END_TEST

/* Across rows in version order, features only arrive and numbers only grow. */
START_TEST(test_kprofile_monotonic)
{
	for (size_t i = 1; i < zsim_kprofile_count(); i++) {
		const struct zsim_kprofile *a = zsim_kprofile_at(i - 1), *b = zsim_kprofile_at(i);
		ck_assert_uint_ge(b->zs_chain_size, a->zs_chain_size);
		ck_assert_int_ge(b->zs_chain_rule, a->zs_chain_rule);
		ck_assert_int_ge(b->zs_fullness, a->zs_fullness);
		ck_assert_uint_ge(b->zs_handle_size, a->zs_handle_size);
		ASSERT_KEPT(a, b, zs_class_merge);
		ASSERT_KEPT(a, b, zram_same_any_pattern);
		ck_assert_msg(a->zram_max_zpage_size || !b->zram_max_zpage_size,
			      "%s: max_zpage_size back after %s", b->name, a->name);
		ASSERT_KEPT(a, b, zram_compact);
		ASSERT_KEPT(a, b, zram_sync_io);
		ASSERT_KEPT(a, b, zram_writeback);
		ASSERT_KEPT(a, b, zram_huge_idle);
		ck_assert_uint_ge(b->min_free_kbytes_cap, a->min_free_kbytes_cap);
		ASSERT_KEPT(a, b, has_watermark_scale_factor);
		ASSERT_KEPT(a, b, anon_start_inactive);
		ck_assert_uint_ge(b->max_swappiness, a->max_swappiness);
		ASSERT_KEPT(a, b, swap_vma_readahead);
		ASSERT_KEPT(a, b, reclaim_force_deactivate);
		ASSERT_KEPT(a, b, reclaim_writeback_activate);
		ASSERT_KEPT(a, b, swap_reuse_keeps_cache);
		ASSERT_KEPT(a, b, sched_eevdf);
		ASSERT_KEPT(a, b, workingset_file);
		ASSERT_KEPT(a, b, workingset_anon);
		ASSERT_KEPT(a, b, workingset_age_activate);
		ASSERT_KEPT(a, b, zram_wb_largest_first);
		/* Documented removals (kprofile.h): once gone, never back. */
		for (size_t j = 0; j < i; j++) {
			const struct zsim_kprofile *o = zsim_kprofile_at(j);
			ck_assert_msg(!(o->has_zbud && !a->has_zbud && b->has_zbud), "%s: zbud back", b->name);
			ck_assert_msg(!(o->has_z3fold && !a->has_z3fold && b->has_z3fold), "%s: z3fold back", b->name);
		}
		if (a->has_z3fold && b->has_z3fold)
			ASSERT_KEPT(a, b, z3fold_single_move);
		/* zswap: features arrive and stay, except the documented removals
		 * (same-filled pages went with the zeromap; the header with the own LRU) */
		ck_assert_msg(!a->zswap_accept_threshold || b->zswap_accept_threshold, "%s: hysteresis lost", b->name);
		ASSERT_KEPT(a, b, zswap_shrink_loop);
		ASSERT_KEPT(a, b, zswap_limit_ge);
		ASSERT_KEPT(a, b, swap_zeromap);
		ASSERT_KEPT(a, b, zswap_store_incompressible);
		ASSERT_KEPT(a, b, zswap_overflow_error);
		ck_assert_int_ge(b->zswap_compress_err, a->zswap_compress_err);
		ASSERT_KEPT(a, b, zswap_own_lru);
		ASSERT_KEPT(a, b, zswap_shrinker);
		ASSERT_KEPT(a, b, zswap_second_chance);
		ck_assert_int_ge(b->zswap_exclusive_loads, a->zswap_exclusive_loads);
		ck_assert_uint_le(b->zswap_header_bytes, a->zswap_header_bytes);
		ck_assert_msg(!(a->zswap_same_filled && !b->zswap_same_filled) || b->swap_zeromap,
			      "%s: same-filled pages gone without the zeromap", b->name);
	}
}
END_TEST

/* Within a row: dependent facts agree. */
START_TEST(test_kprofile_row)
{
	for (size_t i = 0; i < zsim_kprofile_count(); i++) {
		const struct zsim_kprofile *p = zsim_kprofile_at(i);
		ck_assert(!p->zram_huge_idle || p->zram_writeback);
		ck_assert(p->max_swappiness == 100 || p->max_swappiness == 200);
		ck_assert(p->min_free_kbytes_cap == 65536 || p->min_free_kbytes_cap == 262144);
		ck_assert(p->zs_chain_size == 4 || p->zs_chain_size == 8);
		ck_assert(!p->zram_max_zpage_size || p->zram_max_zpage_size < 4096);
		ck_assert(p->zram_default_comp && strstr(p->zram_comps, p->zram_default_comp));
		ck_assert_uint_ge(p->z3fold_header_chunks, 1);
		/* zswap */
		ck_assert(p->zswap_default_comp && strstr(p->zswap_comps, p->zswap_default_comp));
		ck_assert(p->zswap_default_zpool && strstr(p->zswap_zpools, p->zswap_default_zpool));
		ck_assert_msg(!!strstr(p->zswap_zpools, "zbud") == p->has_zbud, "%s: zbud in zswap_zpools", p->name);
		ck_assert_msg(!strstr(p->zswap_zpools, "z3fold") || p->has_z3fold, "%s: z3fold", p->name);
		ck_assert(p->zswap_accept_threshold == 0 || p->zswap_accept_threshold == 90);
		ck_assert(!p->zswap_shrink_loop || p->zswap_accept_threshold);   /* loops down to it */
		ck_assert(!p->zswap_limit_ge || p->zswap_accept_threshold);
		ck_assert(p->zswap_header_bytes == 0 || p->zswap_header_bytes == 8);
		ck_assert(!p->zswap_own_lru || p->zswap_header_bytes == 0);      /* the entry holds the swap entry */
		ck_assert(p->zswap_own_lru || p->zswap_header_bytes == 8);       /* the evicting allocator needs it */
		ck_assert(!p->zswap_shrinker || p->zswap_own_lru);
		ck_assert(!p->zswap_second_chance || p->zswap_shrinker);
		ck_assert(!(p->zswap_same_filled && p->swap_zeromap));
		ck_assert(!p->zswap_store_incompressible || !strstr(p->zswap_zpools, "zbud"));
	}
}
END_TEST

/* Each row against the versions kernel-facts.md gives. */
START_TEST(test_kprofile_facts)
{
	for (size_t i = 0; i < zsim_kprofile_count(); i++) {
		const struct zsim_kprofile *p = zsim_kprofile_at(i);
		unsigned v = p->version;
		ck_assert_msg(p->zram_compact == (v >= KV(4, 1)), "%s zram_compact", p->name);         /* 1.8 */
		ck_assert_msg(p->zram_sync_io == (v >= KV(4, 15)), "%s zram_sync_io", p->name);        /* 3.6 */
		ck_assert_msg(p->zram_writeback == (v >= KV(5, 0)), "%s zram_writeback", p->name);     /* 3.3 */
		ck_assert_msg(p->zram_huge_idle == (v >= KV(5, 19)), "%s zram_huge_idle", p->name);    /* 3.3 */
		ck_assert_msg(p->zram_same_any_pattern == (v >= KV(4, 11)), "%s same", p->name);       /* 3.1 */
		ck_assert_msg(!p->zram_max_zpage_size == (v >= KV(4, 17)), "%s max_zpage", p->name);   /* 1.4 */
		ck_assert_msg(p->min_free_kbytes_cap == (v >= KV(5, 7) ? 262144u : 65536u),
			      "%s min_free_kbytes_cap", p->name);                                     /* 5.1 */
		ck_assert_msg(p->has_watermark_scale_factor == (v >= KV(4, 6)), "%s wsf", p->name);   /* 5.1 */
		ck_assert_msg(p->anon_start_inactive == (v >= KV(5, 9)), "%s anon", p->name);         /* 5.2 */
		ck_assert_msg(p->max_swappiness == (v >= KV(5, 8) ? 200u : 100u), "%s swappiness", p->name);
		ck_assert_msg(p->swap_vma_readahead == (v >= KV(4, 14)), "%s vma_ra", p->name);       /* 5.4 */
		/* rw_page for swap: zram_rw_page from 3.19, ->rw_page removed in 6.3 (6.1's
		 * mm/page_io.c __swap_writepage still tries bdev_write_page first) */
		ck_assert_msg(p->swap_rw_page == (v >= KV(3, 19) && v < KV(6, 3)), "%s rw_page", p->name);
		/* skipped_deactivate / force_deactivate in do_try_to_free_pages: 5.5 */
		ck_assert_msg(p->reclaim_force_deactivate == (v >= KV(5, 5)), "%s force_deactivate", p->name);
		/* do_wp_page reuses an exclusive swap-cache page in place: 5.19 */
		ck_assert_msg(p->swap_reuse_keeps_cache == (v >= KV(5, 19)), "%s reuse_keeps_cache", p->name);
		/* the fair class became EEVDF in 6.6 (kernel/sched/fair.c's base slice) */
		ck_assert_msg(p->sched_eevdf == (v >= KV(6, 6)), "%s sched_eevdf", p->name);
		/* writeback pages activated on a rescan (c55e8d035b28): 4.12 */
		ck_assert_msg(p->reclaim_writeback_activate == (v >= KV(4, 12)), "%s writeback_activate", p->name);
		/* mm/workingset.c: 3.15 (file), 5.9 (anon: "mm/swap: implement workingset
		 * detection for anonymous LRU") */
		ck_assert_msg(p->workingset_file == (v >= KV(3, 15)), "%s workingset_file", p->name);
		ck_assert_msg(p->workingset_anon == (v >= KV(5, 9)), "%s workingset_anon", p->name);
		/* move_pages_to_lru ages the clock for each page put back active:
		 * 5.8, "mm: workingset: age nonresident information alongside
		 * anonymous pages" */
		ck_assert_msg(p->workingset_age_activate == (v >= KV(5, 8)), "%s workingset_age_activate", p->name);
		/* zram writeback's targets by size: 6.13, "zram: rework writeback
		 * target selection strategy"; before, writeback_store walks the slots */
		ck_assert_msg(p->zram_wb_largest_first == (v >= KV(6, 13)), "%s zram_wb_largest_first", p->name);
		ck_assert_msg(p->has_zbud == (v >= KV(3, 11) && v <= KV(6, 14)), "%s zbud", p->name); /* 2.1 */
		ck_assert_msg(p->has_z3fold == (v >= KV(4, 8) && v <= KV(6, 14)), "%s z3fold", p->name);
		ck_assert_msg((p->zs_chain_size == 8) == (v >= KV(6, 3)), "%s chain", p->name);       /* 1.2 */
		ck_assert_msg((p->zs_fullness == ZSIM_ZS_FULLNESS_RATIO) == (v >= KV(6, 4)), "%s fullness", p->name);
		/* zswap (section 4) */
		ck_assert_msg(!strcmp(p->zswap_default_comp, "lzo"), "%s zswap comp", p->name);        /* 4.1 */
		ck_assert_msg(!strcmp(p->zswap_default_zpool, v >= KV(6, 6) ? "zsmalloc" : "zbud"),
			      "%s zswap zpool", p->name);                                              /* 2.3 */
		ck_assert_msg(!!strstr(p->zswap_zpools, "zsmalloc") == (v >= KV(3, 18)), "%s zpool api", p->name);
		ck_assert_msg(p->zswap_accept_threshold == (v >= KV(5, 6) ? 90u : 0u), "%s accept", p->name);
		ck_assert_msg(p->zswap_shrink_loop == (v >= KV(6, 5)), "%s shrink loop", p->name);      /* 4.4 */
		ck_assert_msg(p->zswap_own_lru == (v >= KV(6, 5)), "%s own lru", p->name);              /* 4.4 */
		ck_assert_msg(p->zswap_header_bytes == (v <= KV(6, 4) ? 8u : 0u), "%s header", p->name); /* 4.3 */
		ck_assert_msg(p->zswap_limit_ge == (v >= KV(6, 10)), "%s limit >=", p->name);
		ck_assert_msg(p->zswap_same_filled == (v >= KV(4, 14) && v <= KV(6, 11)), "%s same", p->name);
		ck_assert_msg(p->swap_zeromap == (v >= KV(6, 12)), "%s zeromap", p->name);              /* 4.3 */
		ck_assert_msg(p->zswap_store_incompressible == (v >= KV(6, 18)), "%s raw", p->name);    /* 4.2 */
		ck_assert_msg(p->zswap_overflow_error == (v >= KV(6, 1)), "%s overflow", p->name);      /* 4.5 */
		ck_assert_msg(p->zswap_compress_err == (v >= KV(6, 9) ? ZSIM_ZSWAP_CERR_POOR
							: v >= KV(6, 3) ? ZSIM_ZSWAP_CERR_FAIL
							: ZSIM_ZSWAP_CERR_NONE), "%s cerr", p->name);
		ck_assert_msg(p->zswap_exclusive_loads == (v >= KV(6, 8) ? ZSIM_ZSWAP_EXCL_ALWAYS
							   : v >= KV(6, 5) ? ZSIM_ZSWAP_EXCL_KNOB
							   : ZSIM_ZSWAP_EXCL_NEVER), "%s excl", p->name);
		ck_assert_msg(p->zswap_shrinker == (v >= KV(6, 8)), "%s shrinker", p->name);            /* 4.4 */
		ck_assert_msg(p->zswap_second_chance == (v >= KV(6, 12)), "%s 2nd chance", p->name);
	}
	/* spot checks by name */
	const struct zsim_kprofile *k = zsim_kprofile_find("3.12");
	ck_assert_ptr_nonnull(k);
	ck_assert(!k->zram_compact && !k->zram_sync_io && !k->swap_vma_readahead && k->has_zbud && !k->has_z3fold);
	ck_assert_uint_eq(k->zram_max_zpage_size, 3072);
	k = zsim_kprofile_find("5.4");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->zram_writeback && !k->zram_huge_idle && !k->anon_start_inactive);
	ck_assert_uint_eq(k->max_swappiness, 100);
	ck_assert_uint_eq(k->min_free_kbytes_cap, 65536);
	k = zsim_kprofile_find("6.1");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->zram_huge_idle && k->anon_start_inactive && k->has_z3fold && k->z3fold_single_move);
	ck_assert_uint_eq(k->max_swappiness, 200);
	k = zsim_kprofile_default();
	ck_assert_str_eq(k->name, "6.18");
	ck_assert(!k->has_zbud && !k->has_z3fold && k->zram_sync_io && k->swap_vma_readahead);
	ck_assert_uint_eq(k->min_free_kbytes_cap, 262144);
}
END_TEST

Suite *suite_kprofile(void);
Suite *suite_kprofile(void)
{
	Suite *s = suite_create("kprofile");
	TCase *tc = tcase_create("kprofile");
	tcase_add_test(tc, test_kprofile_order);
	tcase_add_test(tc, test_kprofile_monotonic);
	tcase_add_test(tc, test_kprofile_row);
	tcase_add_test(tc, test_kprofile_facts);
	suite_add_tcase(s, tc);
	return s;
}
