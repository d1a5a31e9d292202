/*
 * kprofile.c - the table of kernel profiles (see kprofile.h).
 *
 * Each row states one kernel's facts; the sources are in ../shared/kernel-facts.md:
 *  - zsmalloc chain size 4 and the "most used" rule until 6.2; CONFIG_ZSMALLOC_CHAIN_SIZE
 *    default 8 and the "least waste" rule from 6.3 (section 1.2);
 *  - fullness quarters until 6.3, twelve inuse-ratio groups from 6.4 (1.6);
 *  - 8-byte handle header added to each request since 4.x (1.5), class merging since ~4.0 (1.3);
 *  - zram: lzo-rle default since 5.1 (3.5); this machine's 6.18 offers lzo-rle, lzo, lz4
 *    (section 0); same-element pages since 4.11 (3.1); max_zpage_size dropped in 4.17 (1.4);
 *  - zram: compaction since 4.1 (1.8), SWP_SYNCHRONOUS_IO since 4.15 (3.6), explicit writeback
 *    since 5.0 and its huge_idle mode since 5.19 (3.3);
 *  - reclaim: watermark_scale_factor since 4.6, watermark boosting since 5.0 (the
 *    "reclaim small amounts of memory when an external fragmentation event occurs" series;
 *    6.1's page_alloc.c and vmscan.c read for its rules), min_free_kbytes capped at 65536 until 5.6 and
 *    262144 from 5.7 (5.1); swappiness up to 200 from 5.8, new anon pages inactive from 5.9
 *    (5.2); VMA swap readahead since 4.14 (5.4); swap writes through the driver's rw_page
 *    first (zram_rw_page, 3.19) until 6.3 removed ->rw_page (6.1's mm/page_io.c and
 *    zram_drv.c read for this; the end points from the patch mails); a direct reclaim that
 *    frees nothing retried with forced deactivation since 5.5 (do_try_to_free_pages'
 *    skipped_deactivate, in the 5.5 patch and the later sources); a write to an exclusive
 *    anon page in the swap cache keeps its slot from 5.19 (do_wp_page read in 6.1 and the
 *    newest; the COW series' merge for 5.19; 5.4's reuse_swap_page freed it);
 *  - zbud until 6.14, z3fold 4.8..6.14 (2.3); the z3fold header is 2 chunks in 5.x/6.x (2.2);
 *    z3fold's inter-page move of a lone buddy exists in the 6.x sources, not in 4.19/5.4
 *    (read in mm/z3fold.c of those versions).
 *  - zswap (section 4; mm/zswap.c read at 6.6 and newest, the 4.x-6.4 store path and the
 *    6.10 limit check in excerpts and patch mails; versions marked [mem] in kernel-facts are
 *    from memory): compressor lzo everywhere (4.1); zbud only in 3.12 (zswap called zbud
 *    directly; the zpool API came in 3.18), default zpool zbud until 6.5 and zsmalloc from 6.6,
 *    zsmalloc only from 6.15 (2.3); the 8-byte zswap_header on evictable pools (zbud, z3fold)
 *    until 6.4 (4.3: `hlen = zpool_evictable() ? sizeof(zhdr) : 0`); synchronous evict-one-page
 *    stores until 5.5, accept_threshold_percent 90 from 5.6 (4.1, 4.3); the shrink worker looping
 *    until the pool can accept and zswap's own entry LRU from 6.5 (4.4; 6.6 source); full at
 *    >= max from 6.10 (zswap_check_limits; newest source); same-filled pages 4.14..6.11 and the
 *    swap zeromap from 6.12 (4.3); exclusive loads: the knob in 6.5..6.7 (default off, read in
 *    6.6), always from 6.8 (4.3); the shrinker from 6.8 and its referenced bit from 6.12 (4.4);
 *    incompressible pages stored raw from 6.18 (4.2).  Crypto compressors: lz4 since 3.11,
 *    zstd since 4.14, lzo-rle since 5.1.
 */
#include "kprofile.h"

#include <stdio.h>
#include <string.h>

#define KV(maj, min) ((maj) * 100 + (min))

static const struct zsim_kprofile profiles[] = {
	{
		/* The 2013 mail's era (zram still in staging).  zsmalloc of 3.12-3.14: no
		 * handle header (the handle encodes <PFN, obj_idx>), no class merging, chain
		 * of 4; zram: lzo only, only zero pages are special, pages over
		 * max_zpage_size = 3072 bytes stored whole; watermarks before 4.6. */
		.name = "3.12", .version = KV(3, 12),
		.zs_chain_size = 4, .zs_chain_rule = ZSIM_ZS_CHAIN_MOST_USED,
		.zs_fullness = ZSIM_ZS_FULLNESS_QUARTERS, .zs_handle_size = 0, .zs_class_merge = false,
		.zram_default_comp = "lzo", .zram_comps = "lzo",
		.zram_same_any_pattern = false, .zram_max_zpage_size = 3072,
		.zram_compact = false, .zram_sync_io = false, .zram_writeback = false, .zram_huge_idle = false,
		.min_free_kbytes_cap = 65536, .has_watermark_scale_factor = false,
		.anon_start_inactive = false, .max_swappiness = 100, .swap_vma_readahead = false, .swap_rw_page = false, .refault_deactivate_file = false, .refault_deactivate_anon = false, .reclaim_force_deactivate = false,
		.reclaim_writeback_activate = false, .sched_eevdf = false, .swap_reuse_keeps_cache = false,
		.workingset_file = false, .workingset_anon = false,
		.has_zbud = true, .has_z3fold = false,
		.z3fold_header_chunks = 2, .z3fold_single_move = false,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lz4",
		.zswap_default_zpool = "zbud", .zswap_zpools = "zbud",
		.zswap_accept_threshold = 0, .zswap_shrink_loop = false, .zswap_limit_ge = false,
		.zswap_same_filled = false, .swap_hdd_cluster = 256, .swap_zeromap = false, .zswap_store_incompressible = false,
		.zswap_overflow_error = false, .zswap_compress_err = ZSIM_ZSWAP_CERR_NONE,
		.zswap_header_bytes = 8, .zswap_entry_bytes = 48, .zswap_own_lru = false, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_NEVER,
		.zswap_shrinker = false, .zswap_second_chance = false,
	},
	{
		.name = "4.19", .version = KV(4, 19),
		.zs_chain_size = 4, .zs_chain_rule = ZSIM_ZS_CHAIN_MOST_USED,
		.zs_fullness = ZSIM_ZS_FULLNESS_QUARTERS, .zs_handle_size = 8, .zs_class_merge = true,
		.zram_default_comp = "lzo", .zram_comps = "lzo,lz4,zstd",
		.zram_same_any_pattern = true, .zram_max_zpage_size = 0,
		.zram_compact = true, .zram_sync_io = true, .zram_writeback = false, .zram_huge_idle = false,
		.min_free_kbytes_cap = 65536, .has_watermark_scale_factor = true,
		.anon_start_inactive = false, .max_swappiness = 100, .swap_vma_readahead = true, .swap_rw_page = true, .refault_deactivate_file = false, .refault_deactivate_anon = false, .reclaim_force_deactivate = false,
		.reclaim_writeback_activate = true, .sched_eevdf = false, .swap_reuse_keeps_cache = false,
		.workingset_file = true, .workingset_anon = false,
		.has_zbud = true, .has_z3fold = true,
		.z3fold_header_chunks = 2, .z3fold_single_move = false,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lz4,zstd",
		.zswap_default_zpool = "zbud", .zswap_zpools = "zbud,z3fold,zsmalloc",
		.zswap_accept_threshold = 0, .zswap_shrink_loop = false, .zswap_limit_ge = false,
		.zswap_same_filled = true, .swap_hdd_cluster = 512, .swap_zeromap = false, .zswap_store_incompressible = false,
		.zswap_overflow_error = false, .zswap_compress_err = ZSIM_ZSWAP_CERR_NONE,
		.zswap_header_bytes = 8, .zswap_entry_bytes = 56, .zswap_own_lru = false, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_NEVER,
		.zswap_shrinker = false, .zswap_second_chance = false,
	},
	{
		.name = "5.4", .version = KV(5, 4),
		.zs_chain_size = 4, .zs_chain_rule = ZSIM_ZS_CHAIN_MOST_USED,
		.zs_fullness = ZSIM_ZS_FULLNESS_QUARTERS, .zs_handle_size = 8, .zs_class_merge = true,
		.zram_default_comp = "lzo-rle", .zram_comps = "lzo-rle,lzo,lz4,zstd",
		.zram_same_any_pattern = true, .zram_max_zpage_size = 0,
		.zram_compact = true, .zram_sync_io = true, .zram_writeback = true, .zram_huge_idle = false,
		.min_free_kbytes_cap = 65536, .has_watermark_scale_factor = true, .watermark_boost = true,
		.anon_start_inactive = false, .max_swappiness = 100, .swap_vma_readahead = true, .swap_rw_page = true, .refault_deactivate_file = true, .refault_deactivate_anon = false, .reclaim_force_deactivate = false,
		.reclaim_writeback_activate = true, .sched_eevdf = false, .swap_reuse_keeps_cache = false,
		.workingset_file = true, .workingset_anon = false,
		.has_zbud = true, .has_z3fold = true,
		.z3fold_header_chunks = 2, .z3fold_single_move = false,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lzo-rle,lz4,zstd",
		.zswap_default_zpool = "zbud", .zswap_zpools = "zbud,z3fold,zsmalloc",
		.zswap_accept_threshold = 0, .zswap_shrink_loop = false, .zswap_limit_ge = false,
		.zswap_same_filled = true, .swap_hdd_cluster = 512, .swap_zeromap = false, .zswap_store_incompressible = false,
		.zswap_overflow_error = false, .zswap_compress_err = ZSIM_ZSWAP_CERR_NONE,
		.zswap_header_bytes = 8, .zswap_entry_bytes = 56, .zswap_own_lru = false, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_NEVER,
		.zswap_shrinker = false, .zswap_second_chance = false,
	},
	{
		.name = "6.1", .version = KV(6, 1),
		.zs_chain_size = 4, .zs_chain_rule = ZSIM_ZS_CHAIN_MOST_USED,
		.zs_fullness = ZSIM_ZS_FULLNESS_QUARTERS, .zs_handle_size = 8, .zs_class_merge = true,
		.zram_default_comp = "lzo-rle", .zram_comps = "lzo-rle,lzo,lz4,zstd",
		.zram_same_any_pattern = true, .zram_max_zpage_size = 0,
		.zram_compact = true, .zram_sync_io = true, .zram_writeback = true, .zram_huge_idle = true,
		.min_free_kbytes_cap = 262144, .has_watermark_scale_factor = true, .watermark_boost = true,
		.anon_start_inactive = true, .max_swappiness = 200, .swap_vma_readahead = true, .swap_rw_page = true, .refault_deactivate_file = true, .refault_deactivate_anon = true, .reclaim_force_deactivate = true,
		.reclaim_writeback_activate = true, .sched_eevdf = false, .swap_reuse_keeps_cache = true,
		.workingset_file = true, .workingset_anon = true, .workingset_age_activate = true,
		.has_zbud = true, .has_z3fold = true,
		.z3fold_header_chunks = 2, .z3fold_single_move = true,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lzo-rle,lz4,zstd",
		.zswap_default_zpool = "zbud", .zswap_zpools = "zbud,z3fold,zsmalloc",
		.zswap_accept_threshold = 90, .zswap_shrink_loop = false, .zswap_limit_ge = false,
		.zswap_same_filled = true, .swap_hdd_cluster = 512, .swap_zeromap = false, .zswap_store_incompressible = false,
		.zswap_overflow_error = true, .zswap_compress_err = ZSIM_ZSWAP_CERR_NONE,
		.zswap_header_bytes = 8, .zswap_entry_bytes = 64, .zswap_own_lru = false, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_NEVER,
		.zswap_shrinker = false, .zswap_second_chance = false,
	},
	{
		.name = "6.6", .version = KV(6, 6),
		.zs_chain_size = 8, .zs_chain_rule = ZSIM_ZS_CHAIN_LEAST_WASTE,
		.zs_fullness = ZSIM_ZS_FULLNESS_RATIO, .zs_handle_size = 8, .zs_class_merge = true,
		.zram_default_comp = "lzo-rle", .zram_comps = "lzo-rle,lzo,lz4,zstd",
		.zram_same_any_pattern = true, .zram_max_zpage_size = 0,
		.zram_compact = true, .zram_sync_io = true, .zram_writeback = true, .zram_huge_idle = true,
		.min_free_kbytes_cap = 262144, .has_watermark_scale_factor = true, .watermark_boost = true,
		.anon_start_inactive = true, .max_swappiness = 200, .swap_vma_readahead = true, .swap_rw_page = false, .refault_deactivate_file = true, .refault_deactivate_anon = true, .reclaim_force_deactivate = true,
		.reclaim_writeback_activate = true, .sched_eevdf = true, .swap_reuse_keeps_cache = true,
		.workingset_file = true, .workingset_anon = true, .workingset_age_activate = true,
		.has_zbud = true, .has_z3fold = true,
		.z3fold_header_chunks = 2, .z3fold_single_move = true,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lzo-rle,lz4,zstd",
		.zswap_default_zpool = "zsmalloc", .zswap_zpools = "zbud,z3fold,zsmalloc",
		.zswap_accept_threshold = 90, .zswap_shrink_loop = true, .zswap_limit_ge = false,
		.zswap_same_filled = true, .swap_hdd_cluster = 512, .swap_zeromap = false, .zswap_store_incompressible = false,
		.zswap_overflow_error = true, .zswap_compress_err = ZSIM_ZSWAP_CERR_FAIL,
		.zswap_header_bytes = 0, .zswap_entry_bytes = 80, .zswap_own_lru = true, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_KNOB,
		.zswap_shrinker = false, .zswap_second_chance = false,
	},
	{
		/* The kernel these machines run; zram0 offers lzo-rle, lzo, lz4 (kernel-facts 0). */
		.name = "6.18", .version = KV(6, 18),
		.zs_chain_size = 8, .zs_chain_rule = ZSIM_ZS_CHAIN_LEAST_WASTE,
		.zs_fullness = ZSIM_ZS_FULLNESS_RATIO, .zs_handle_size = 8, .zs_class_merge = true,
		.zram_default_comp = "lzo-rle", .zram_comps = "lzo-rle,lzo,lz4,zstd",
		.zram_same_any_pattern = true, .zram_max_zpage_size = 0,
		.zram_compact = true, .zram_sync_io = true, .zram_writeback = true, .zram_huge_idle = true,
		.zram_wb_largest_first = true,
		.min_free_kbytes_cap = 262144, .has_watermark_scale_factor = true, .watermark_boost = true,
		.anon_start_inactive = true, .max_swappiness = 200, .swap_vma_readahead = true, .swap_rw_page = false, .refault_deactivate_file = true, .refault_deactivate_anon = true, .reclaim_force_deactivate = true,
		.reclaim_writeback_activate = true, .sched_eevdf = true, .swap_reuse_keeps_cache = true,
		.workingset_file = true, .workingset_anon = true, .workingset_age_activate = true,
		.has_zbud = false, .has_z3fold = false,
		.z3fold_header_chunks = 2, .z3fold_single_move = false,
		.zswap_default_comp = "lzo", .zswap_comps = "lzo,lzo-rle,lz4,zstd",
		.zswap_default_zpool = "zsmalloc", .zswap_zpools = "zsmalloc",
		.zswap_accept_threshold = 90, .zswap_shrink_loop = true, .zswap_limit_ge = true,
		.zswap_same_filled = false, .swap_hdd_cluster = 0, .swap_zeromap = true, .zswap_store_incompressible = true,
		.zswap_overflow_error = true, .zswap_compress_err = ZSIM_ZSWAP_CERR_POOR,
		.zswap_header_bytes = 0, .zswap_entry_bytes = 56, .zswap_own_lru = true, .zswap_exclusive_loads = ZSIM_ZSWAP_EXCL_ALWAYS,
		.zswap_shrinker = true, .zswap_second_chance = true,
	},
};

const struct zsim_kprofile *zsim_kprofile_default(void)
{
	return &profiles[ZSIM_ARRAY_SIZE(profiles) - 1];
}

const struct zsim_kprofile *zsim_kprofile_find(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

size_t zsim_kprofile_count(void) { return ZSIM_ARRAY_SIZE(profiles); }

const struct zsim_kprofile *zsim_kprofile_at(size_t i)
{
	return i < ZSIM_ARRAY_SIZE(profiles) ? &profiles[i] : NULL;
}

void zsim_kprofile_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(profiles) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", profiles[i].name);
}
