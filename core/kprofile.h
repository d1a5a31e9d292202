/*
 * kprofile.h - kernel profiles: the version-dependent facts the models follow.
 *
 * A profile is a named bundle of constants ("3.12", "4.19", "5.4", "6.1", "6.6",
 * "6.18").  Every model reads its facts from the profile it is given and never
 * tests a version number itself (tests/layers.sh checks), so adding a kernel
 * means adding one row to the table in kprofile.c, in version order, setting
 * every field below from that kernel's behaviour; test_kprofile.c then checks
 * the row against its neighbours.  A behaviour that changes across versions
 * becomes a new field here, saying what changed and when, set in every row.
 * `version` orders the rows and appears in messages; nothing else reads it.
 * The newest profile describes the kernel these machines run (6.18) and is the
 * default.  Facts and their sources: ../shared/kernel-facts.md.
 */
#ifndef ZSIM_KPROFILE_H
#define ZSIM_KPROFILE_H

#include "zsim.h"

enum zsim_zs_chain_rule {
	ZSIM_ZS_CHAIN_MOST_USED,    /* <= 6.2: first k in 1..N with the best used percentage */
	ZSIM_ZS_CHAIN_LEAST_WASTE,  /* >= 6.3: power-of-two sizes k=1, else least (k*4096) mod size */
};

enum zsim_zs_fullness {
	ZSIM_ZS_FULLNESS_QUARTERS,  /* <= 6.3: EMPTY, ALMOST_EMPTY (inuse <= 3/4), ALMOST_FULL, FULL */
	ZSIM_ZS_FULLNESS_RATIO,     /* >= 6.4: 12 groups: empty, 10% buckets 0..99, full */
};

/* zswap loads: does a load drop the compressed copy? (kernel-facts 4.3) */
/* Where zswap counts a page whose compression failed (kernel-facts 4.5). */
enum zsim_zswap_cerr {
	ZSIM_ZSWAP_CERR_NONE,   /* < 6.3: the store fails and no debugfs counter moves */
	ZSIM_ZSWAP_CERR_FAIL,   /* 6.3 .. 6.8: reject_compress_fail */
	ZSIM_ZSWAP_CERR_POOR,   /* >= 6.9: an output that did not fit (-ENOSPC) is reject_compress_poor */
};

enum zsim_zswap_excl {
	ZSIM_ZSWAP_EXCL_NEVER,      /* < 6.5: the copy stays until the swap slot is freed */
	ZSIM_ZSWAP_EXCL_KNOB,       /* 6.5 .. 6.7: the exclusive_loads parameter, default off */
	ZSIM_ZSWAP_EXCL_ALWAYS,     /* >= 6.8: every load erases the entry and dirties the folio */
};

struct zsim_kprofile {
	const char *name;            /* "6.18" */
	unsigned version;            /* major*100 + minor, for ordering and messages only */

	/* zsmalloc (mm/zsmalloc.c) */
	unsigned zs_chain_size;      /* max pages per zspage: 4 (<= 6.2), 8 (CONFIG default >= 6.3) */
	enum zsim_zs_chain_rule zs_chain_rule;
	enum zsim_zs_fullness zs_fullness;
	unsigned zs_handle_size;     /* bytes added to each request (ZS_HANDLE_SIZE, 8 since 4.x) */
	bool zs_class_merge;         /* merge classes with equal (pages, objs) */

	/* zram (drivers/block/zram/zram_drv.c) */
	const char *zram_default_comp;
	const char *zram_comps;      /* comma-separated compressors this kernel's zram offers */
	bool zram_same_any_pattern;  /* >= 4.11: any repeating 8-byte word counts as same-filled */
	unsigned zram_max_zpage_size;/* < 4.17: fixed "store whole" threshold; 0 = use zs_huge_class_size */
	bool zram_compact;           /* >= 4.1: zsmalloc compaction and zram's `compact` node (kernel-facts 1.8) */
	bool zram_sync_io;           /* >= 4.15: zram is SWP_SYNCHRONOUS_IO, swap-in skips the swap
	                              * cache and readahead (3.6, 5.4; mm/memory.c do_swap_page) */
	bool zram_writeback;         /* >= 5.0: explicit idle/huge writeback to backing_dev; 4.14-4.20's
	                              * write-time writeback is not modelled (3.3) */
	bool zram_huge_idle;         /* >= 5.19: the huge_idle writeback mode (3.3) */
	bool zram_wb_largest_first;  /* >= 6.13: writeback lists its candidates first and takes them
	                              * largest stored size first (post-processing buckets); before,
	                              * in slot index order (writeback_store) */

	/* Reclaim and swap (mm/page_alloc.c, mm/vmscan.c, mm/swap_state.c) */
	uint64_t min_free_kbytes_cap;/* upper clamp of the computed min_free_kbytes: 65536, 262144 from 5.7 (5.1) */
	bool has_watermark_scale_factor; /* >= 4.6: gap = max(min/4, managed * wsf / 10000); before it
	                                  * low = min + min/4, high = min + min/2 (5.1) */
	bool watermark_boost;        /* >= 5.0: a fragmentation fallback raises the zone's watermarks
	                              * by a pageblock (watermark_boost_factor, default 15000) until
	                              * kswapd's next balance_pgdat ends (mm/page_alloc.c
	                              * boost_watermark, mm/vmscan.c balance_pgdat; read in 6.1) */
	bool anon_start_inactive;    /* >= 5.9: new anon pages join the inactive list; before, the active (5.2) */
	unsigned max_swappiness;     /* largest vm.swappiness accepted: 100, 200 from 5.8 (5.2) */
	bool swap_vma_readahead;     /* >= 4.14: VMA-based swap readahead, vma_ra_enabled on by
	                              * default; before, cluster readahead only (5.4).  From 4.15
	                              * to 6.18 a rotational swap area (nr_rotate_swap) turns it
	                              * off: swap.c asks each device (ZSIM_TCTL_ROTATIONAL) */
	bool reclaim_force_deactivate; /* >= 5.5: a direct reclaim that freed nothing runs again with
	                              * the active lists deactivated regardless of inactive_is_low
	                              * (do_try_to_free_pages' skipped_deactivate retry) */
	bool reclaim_writeback_activate; /* >= 4.12: a page reclaim finds still under writeback is
	                              * activated, out of the way (shrink_page_list's cases 1 and 2,
	                              * "move dirty pages out of the way until they're flushed"), and
	                              * its write's end moves it back to the inactive tail, active or
	                              * not; before, it was kept on the inactive list and only an
	                              * inactive page was rotated (rotate_reclaimable_page) */
	bool refault_deactivate_file; /* >= 5.3: a reclaim run that began after page cache refaults
	                              * were activated (WORKINGSET_ACTIVATE_FILE moved since the last
	                              * run's snapshot_refaults) scans the active file list whatever
	                              * inactive_is_low says ("a new workingset is being established")*/
	bool refault_deactivate_anon; /* >= 5.9: the same for anon (WORKINGSET_ACTIVATE_ANON,
	                              * shrink_node's may_deactivate; read in 6.1) */
	bool workingset_file;        /* >= 3.15: refault detection for the page cache (mm/workingset.c):
	                              * an evicted file page leaves a shadow, and one read again
	                              * within the workingset's size of evictions is activated */
	bool workingset_anon;        /* >= 5.9: the same for anon and tmpfs pages (shadows in the swap
	                              * cache), evictions of both kinds age the clock, and the
	                              * workingset compared against takes in the other type's lists
	                              * (sim/workingset.c) */
	bool workingset_age_activate; /* >= 5.8: the clock also ticks once for each page reclaim puts
	                              * back on an active list (move_pages_to_lru: pages activated by
	                              * the inactive scan, kept active by the active scan), so a
	                              * refault's distance counts activations too (sim/workingset.c) */
	bool swap_reuse_keeps_cache; /* >= 5.19: a write to an exclusive anon page that a read
	                              * fault brought in from a swap area's cache reuses it in place
	                              * (do_wp_page's PageAnonExclusive test, from the COW series
	                              * merged for 5.19; read in 6.1 and the newest): the page keeps
	                              * its slot and the slot its now stale copy (in zswap too) until
	                              * reclaim writes the page again to that slot.  Before, the
	                              * write's reuse_swap_page took the page out of the swap cache
	                              * and freed the slot.  A write fault that swaps the page in
	                              * frees the slot in both (should_try_to_free_swap) */
	bool sched_eevdf;            /* >= 6.6: the fair class is EEVDF (kernel/sched/fair.c), a task's
	                              * slice its base slice, 0.75 ms x (1 + log2 of the CPUs, at
	                              * most 8); before, CFS: the period, 6 ms x that factor, shared
	                              * among the tasks runnable on a CPU, at least 0.75 ms x it each
	                              * (sched_slice; sim/engine.c zsim_sched_slice) */
	bool swap_rw_page;           /* 3.19 .. 6.2: __swap_writepage first hands the page to the
	                              * driver's rw_page (bdev_write_page; zram, brd) and, when that
	                              * fails, submits it again as a bio: a refused write is tried
	                              * twice, and zram counts failed_writes twice (mm/page_io.c,
	                              * zram_bvec_rw of 6.1; rw_page left in 6.3).  A removal. */

	/* Allocators present for zswap.  These are removals too: both went in 6.15 (2.3). */
	bool has_zbud;               /* zbud: 3.11 .. 6.14 */
	bool has_z3fold;             /* z3fold: 4.8 .. 6.14 */
	unsigned z3fold_header_chunks; /* 64-byte chunks taken by the z3fold header */
	bool z3fold_single_move;       /* a lone buddy may move to another page (absent in 4.19, 5.4) */

	/* zswap (mm/zswap.c; kernel-facts 4, 2.3).  Read by tiers/zswap.c. */
	const char *zswap_default_comp;  /* CONFIG_ZSWAP_COMPRESSOR_DEFAULT: lzo in every profile (4.1) */
	const char *zswap_comps;         /* crypto compressors (of zsim's codecs) the kernel offers zswap */
	const char *zswap_default_zpool; /* zbud until 6.5, zsmalloc from 6.6 (2.3) */
	const char *zswap_zpools;        /* allocators zswap can use: zbud only before the zpool API
	                                  * (3.18), zsmalloc only from 6.15 (2.3) */
	unsigned zswap_accept_threshold; /* >= 5.6: default accept_threshold_percent (90), the
	                                  * hysteresis after a limit hit; 0: none, and a store into a
	                                  * full pool evicts one allocator page itself (4.1, 4.3) */
	bool zswap_shrink_loop;          /* >= 6.5: the shrink worker writes back until the pool is
	                                  * below the accept threshold (16 failures end it) and every
	                                  * store refused while full queues it; 5.6 .. 6.4: only a limit
	                                  * hit queues it and it shrinks one allocator page (4.4) */
	bool zswap_limit_ge;             /* >= 6.10 zswap_check_limits: full at pages >= max, accepting
	                                  * at <= max * thr / 100; before: full at > max, accepting at
	                                  * < totalram * thr / 100 * max% / 100 (read in both sources) */
	bool zswap_same_filled;          /* 4.14 .. 6.11: same-filled pages kept as their word (4.3) */
	unsigned swap_hdd_cluster;       /* a rotational swap area's slots (scan_swap_map_slots, 2.6
	                                  * .. 6.13): SWAPFILE_CLUSTER slots in a row, then a new run
	                                  * from the first wholly free stretch of that many from the
	                                  * lowest free slot (else on from where it was); 256 slots,
	                                  * 512 with THP_SWAP (4.13+, x86-64); 0: the cluster
	                                  * allocator for every device (6.14+), next fit here */
	bool swap_zeromap;               /* >= 6.12: zero-filled pages never reach a swap backend or
	                                  * zswap: the swap layer's zeromap records them (4.3) */
	bool zswap_store_incompressible; /* >= 6.18: a page that does not compress below 4096 B is
	                                  * stored raw (stored_incompressible_pages); before, rejected */
	bool zswap_overflow_error;       /* a compressed page longer than 4096 B is a compression error
	                                  * for every codec: crypto's scomp refuses to copy more than
	                                  * the request's dlen (PAGE_SIZE); mainline 6.8, in 6.1 and 6.6
	                                  * through their stable series (measured: Debian 12's 6.1.0,
	                                  * results/validation).  Before, only the bounded codecs (lz4,
	                                  * zstd) fail; lzo writes past the page and the allocator
	                                  * refuses the object (reject_compress_poor) */
	enum zsim_zswap_cerr zswap_compress_err; /* which counter a compression error moves */
	unsigned zswap_header_bytes;     /* bytes of zswap_header (the swap entry) before each object on
	                                  * an evictable pool (zbud, z3fold): 8 until 6.4, 0 from 6.5 */
	unsigned zswap_entry_bytes;      /* sizeof(struct zswap_entry) on 64-bit, one per stored page, in
	                                  * its own slab cache outside the pool's limit: 48 (3.x), 56 (a
	                                  * pool pointer, 4.8), 64 (objcg, 5.19), 80 (an LRU link, 6.5),
	                                  * 56 (no rb-tree node: an xarray, 6.10; its nodes left out) */
	bool zswap_own_lru;              /* >= 6.5: zswap's own entry LRU, any allocator; before, the
	                                  * allocator's page LRU (zbud, z3fold only) (4.4) */
	enum zsim_zswap_excl zswap_exclusive_loads;
	bool zswap_shrinker;             /* >= 6.8: the memory-pressure shrinker, shrinker_enabled
	                                  * (CONFIG_ZSWAP_SHRINKER_DEFAULT_ON, default off) (4.1, 4.4) */
	bool zswap_second_chance;        /* >= 6.12: entries carry a referenced bit; writeback rotates a
	                                  * referenced entry once (4.4) */
};

/* The default profile: the newest, describing the running kernel (6.18). */
const struct zsim_kprofile *zsim_kprofile_default(void);
/* Look a profile up by name ("6.18"); NULL if none. */
const struct zsim_kprofile *zsim_kprofile_find(const char *name);
size_t zsim_kprofile_count(void);
const struct zsim_kprofile *zsim_kprofile_at(size_t i);
void zsim_kprofile_names(char *buf, size_t len);

#endif
