/*
 * mm.c - the memory manager: frames, page faults, watermarks, reclaim, OOM.
 *
 * What the kernel does (mm/page_alloc.c, mm/vmscan.c, mm/memory.c,
 * mm/oom_kill.c; kernel-facts section 5).  RAM is a pool of page frames.  An
 * allocation succeeds on the fast path while free pages stay above the low
 * watermark; below it kswapd is woken and the allocation may still dip to the
 * min watermark; below min the allocating task reclaims itself ("direct
 * reclaim", counted in allocstall) in rounds of SWAP_CLUSTER_MAX = 32 pages.
 * Reclaim scans the LRU lists at a priority from 12 (1/4096 of each list)
 * down to 0, splitting the scan between anon and file pages by swappiness and
 * by how often each type's reclaimed pages were rotated back; anon pages are
 * reclaimable only while swap has a free slot.  An anon page leaves RAM by
 * being written to swap; a clean file page is dropped; a swap-cache page whose
 * copy on swap is still valid is dropped too.  A page whose swap write fails
 * (zram at mem_limit) is kept on the inactive list, not activated, holding
 * its swap slot, and is written again when reclaim next reaches it.  A page
 * whose swap write went to an asynchronous device (a disk, not zram) is
 * unmapped and counted in pswpout when the write is submitted, but stays in
 * RAM under writeback until the write completes: reclaim puts it back on the
 * inactive list marked PG_reclaim (shrink_page_list's `keep` after pageout),
 * and pgsteal does not count it; when the write ends, end_page_writeback
 * moves it to the inactive tail (folio_rotate_reclaimable), where the next
 * scan frees it as a clean swap-cache page (counted in pgsteal then).  A
 * synchronous write (zram's rw_page or bio, brd, a page zswap stores, a zero
 * page the 6.12+ zeromap records) has ended before pageout returns, and the
 * page is freed in the same pass.  Reclaim that meets a page still under
 * writeback activates it (4.12+, "move dirty pages out of the way until
 * they're flushed"; before, it was kept inactive).  A process touching such a
 * page takes a minor fault from the swap cache.  Reclaim throttles on
 * writeback when it cycles the list faster than the device writes: 3.x's
 * shrink_inactive_list sleeps (wait_iff_congested) when the pages under
 * writeback it took are at least nr_taken >> (DEF_PRIORITY - priority); from
 * 4.x kswapd sleeps when it meets pages it already marked for reclaim
 * still under writeback (nr_immediate: congestion_wait, reclaim_throttle
 * from 5.16) and direct reclaim when the node is congested; a direct
 * reclaimer that made no progress sleeps too (should_reclaim_retry's
 * congestion_wait before 5.16, reclaim_throttle's NOPROGRESS after).  Tasks
 * in reclaim may take pages below the min watermark (PF_MEMALLOC) - which is how zram's zsmalloc, asked
 * for memory while swapping out, eats the last reserve.  When reclaim makes no
 * progress MAX_RECLAIM_RETRIES = 16 times in a row, or free plus reclaimable
 * pages could never reach the min watermark, the OOM killer kills the task with
 * the highest badness: rss + swap entries + page tables (+ oom_score_adj x
 * total/1000), and its memory and swap slots are freed.
 *
 * What the model keeps: one zone with the kernel's watermark formulas
 * (min_free_kbytes = sqrt(16 x lowmem KiB) clamped to 128..65536 KiB, or
 * ..262144 KiB from 5.7; low/high from watermark_scale_factor, or min x 5/4,
 * x 3/2 before 4.6); kswapd as a background task that reclaims to the high
 * watermark, checking it only between kswapd_shrink_node calls, each of which
 * aims to free max(high watermark, SWAP_CLUSTER_MAX) pages (3.11 through
 * 6.18), so kswapd overshoots high by up to that much, at a priority kept
 * for the whole balance_pgdat, in turns of 1 ms of CPU as a process's (the
 * kernel's kswapd yields at cond_resched between batches of 32), so the
 * processes run between them, or with mm.kswapd_share "fair" turns of 1 to
 * 3 ms that give it CFS's equal share, what the average process that ran
 * since it woke has had (kswapd_turn), or with machine.scheduler "fair" the
 * kernel's slice for the tasks runnable (engine.c zsim_sched_slice), which
 * is then a direct reclaimer's turn too, its round over as soon as it has
 * freed its pages and its page taken at once; reclaim's CPU as mm.reclaim_scan_time per
 * page scanned and mm.reclaim_steal_time per page freed (unmapping it, the
 * swap cache, freeing it; a page only looked at and kept costs far less),
 * beyond the codecs'; direct reclaim charged to the
 * allocating process; the priority
 * loop, and from 5.5 its second pass with forced deactivation when a direct
 * reclaim freed nothing; the swappiness split with the pre-5.8 scanned/rotated ratios; the
 * "file is tiny" rule; direct reclaim by a faulting process one round at a
 * time, the fault retried once the round's CPU has run, so kswapd and the
 * other processes act between rounds (the kernel's allocation slow path
 * loops the same way; before, all rounds ran at one instant and a single
 * fault could swap out a whole idle process), and with
 * mm.direct_reclaim_turn a round that yields between batches once the
 * task's turn (its quantum's CPU before the fault counted) has run that
 * long and goes on at the task's next turn, so kswapd shares its
 * looks (direct_step; without it a round runs whole); watermark boosting (5.0+): a
 * fragmentation fallback raises every watermark by a pageblock, up to
 * watermark_boost_factor / 10000 of high, kswapd reclaims to the boosted high
 * (balanced already: clean page cache only, no swap) and its balance run
 * takes off the boost it found when it woke; swap writeback as above, the
 * completion times in a heap beside the frames (mm.c's writeback queue),
 * completions taken before each batch reclaim isolates, up to the time its
 * round has run so far (a round that scans long sees the writes it
 * submitted early end, as in the kernel); the throttle as one rule for all
 * profiles: a batch that met pages still under writeback, at least
 * nr_taken >> (12 - priority) of them (3.x's test), sleeps within the round
 * as 5.16+'s reclaim_throttle does: until more than SWAP_CLUSTER_MAX writes in
 * flight have completed after it, or HZ/10 (wb_wake), and a round that freed nothing
 * with writes in flight ends in the same sleep (kswapd: only when every
 * page it took was such a page) - kswapd's next round and a direct
 * reclaimer's retry wait for it; the zero page for reads of
 * untouched anon memory; swap
 * cache for non-synchronous devices (a clean swapped-in page keeps its slot and
 * is dropped, not rewritten); the retry counter and the reclaimable-pages test
 * that declare OOM; the badness score.
 *
 * What it drops: zones as separate free lists and NUMA nodes (one pool of
 * free pages; the zones' lowmem protection is kept, see lowmem_protect below;
 * kswapd's aim is the summed high watermark, the kernel's max(high, 32) per
 * zone summed over the node's zones), pageblocks and migrate types (one count
 * of the free pages on the unmovable lists stands for them; its fallbacks
 * boost the watermarks as the kernel's do, see zsim_mm_fallback; of the
 * kernel's own unmovable allocations zbud's pages, zswap's entries, tmpfs
 * inodes' slab (zsim_mm_slab_alloc) and PTE pages are in it, not other slab),
 * memcgs,
 * compaction and high-order allocations, THP, the 5.8+ cost model of the anon/file split (the older
 * ratio is used; refault detection, sim/workingset.c, activates, and a
 * refault activated since the last reclaim run ended lets the next run's
 * passes deactivate that type's active list (refault_deactivate), but feeds no
 * cost), dirty-page throttling,
 * page tables above the PTE level (pgtable_charge), oom_score_adj
 * (the traces carry none: 0).  Of swap writeback: the throttles' version
 * differences (5.16+'s writeback wake-up and timeout for every profile; a
 * direct reclaimer that freed nothing waits for the first write to end, not
 * a jiffy), one throttled task counted, PGDAT_WRITEBACK
 * and congestion flags; the block layer's own back-pressure (a submitter
 * blocks when the device's request queue is full: here the device queues
 * without limit and only the throttle holds reclaim back); a round that frees
 * nothing still counts as no progress towards OOM, as in the kernel, but an
 * allocation that cannot wait in simulated time (page cache and tmpfs pages,
 * made at one instant) takes the first write in flight as complete instead;
 * the per-CPU batches folio_rotate_reclaimable goes through (the rotation is
 * immediate); a write submitted late in a round is timed from the round's
 * start (the device is asked at the round's instant); zswap's own writeback
 * pages, which the kernel reads into the swap cache and frees later, never
 * hold a frame here.  With watermarks off (the exact-cache mode,
 * tests/e2e/t_crosscheck.sh) a page leaves RAM when its write is submitted,
 * so RAM stays an exact LRU cache of its size.
 */
#include "sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SWAP_CLUSTER_MAX 32u       /* pages per reclaim round (mm/vmscan.c) */
#define DEF_PRIORITY 12            /* first scan looks at size >> 12 of each list */
#define MAX_RECLAIM_RETRIES 16     /* no-progress rounds before OOM (mm/page_alloc.c) */
#define KSWAPD_MAX_FAILURES 16     /* MAX_RECLAIM_RETRIES: kswapd gives up (kswapd_failures) */

/* a page under writeback keeps its completion time beside the frames (the
 * writeback queue below), not in them: a frame is 36 bytes per RAM page */
_Static_assert(sizeof(struct zsim_frame) == 36, "a frame is 36 bytes (policies/reclaim.h)");

/* ---- frames ---------------------------------------------------------------- */

#define FRAME_AHEAD 4   /* allocations ahead whose frame frame_take starts loading */
/* Fresh frames are backed with memory ahead of use, a window at a time, up
 * to two ahead (core/prefault.c): 4 MiB of the frame table each, so a RAM the
 * run never fills has at most that much more of its table resident. */
#define FRAME_WINDOW ((4u << 20) / (uint32_t)sizeof(struct zsim_frame))
#define frames_prefault(s, from, n) \
	zsim_prefault_entries((s)->mm.frames, sizeof(*(s)->mm.frames), (s)->mm.nr_frames, (from), (n))

static uint32_t frame_take(struct zsim_sim *s)
{
	/* a frame freed before (most recent first), else the lowest never used */
	uint32_t f;
	if (s->mm.free_top)
		f = s->mm.free_stack[--s->mm.free_top];
	else {
		f = s->mm.next_fresh_frame++;
		if (__builtin_expect(f == s->mm.prefault_at, 0)) {
			/* a window from the end of what was asked for */
			frames_prefault(s, f + FRAME_WINDOW, FRAME_WINDOW);
			s->mm.prefault_at = f + FRAME_WINDOW;
		}
	}
	s->mm.nr_free_structs--;
	if (__builtin_expect(s->mm.nr_free <= s->mm.free_unmovable, 0))
		zsim_mm_fallback(s, true);   /* the movable lists are empty */
	s->mm.nr_free--;
	s->mm.lru_pages++;
	if (s->mm.nr_free < s->mm.min_free_seen)
		s->mm.min_free_seen = s->mm.nr_free;
	s->mm.frames[f] = (struct zsim_frame){ .list = 0xff, .swap = ZSIM_FRAME_NONE,
					       .word = zsim_frame_word(ZSIM_FK_FREE, 0) };
	/* the frame an allocation FRAME_AHEAD takes from now will use, if nothing
	 * is freed meanwhile: start loading it (a hint; the ones before it were
	 * started by the allocations before this one) */
	if (s->mm.free_top >= FRAME_AHEAD)
		zsim_frame_prefetch(&s->mm.frames[s->mm.free_stack[s->mm.free_top - FRAME_AHEAD]]);
	else if (s->mm.free_top)
		zsim_frame_prefetch(&s->mm.frames[s->mm.free_stack[s->mm.free_top - 1]]);
	else if (s->mm.next_fresh_frame < s->mm.nr_frames)
		zsim_frame_prefetch(&s->mm.frames[s->mm.next_fresh_frame]);
	return f;
}

/* A freed frame goes on top of the free stack. */
void zsim_mm_free_frame(struct zsim_sim *s, uint32_t f)
{
	s->mm.frames[f].kind = ZSIM_FK_FREE;
	s->mm.free_stack[s->mm.free_top++] = f;
	s->mm.nr_free_structs++;
	s->mm.nr_free++;
	s->mm.lru_pages--;
}

/*
 * A new page joins the LRU, with its accessed bit set by the access that made
 * it.  Anon and shmem pages started on the active list before 5.9.
 */
void zsim_mm_lru_add(struct zsim_sim *s, uint32_t f)
{
	int type = s->mm.frames[f].kind == ZSIM_FK_FILE ? ZSIM_LRU_FILE : ZSIM_LRU_ANON;
	s->mm.frames[f].pflags |= ZSIM_PG_REFERENCED;
	s->mm.policy->add(s->mm.policy_priv, f, type, type == ZSIM_LRU_ANON && !s->cfg.kp->anon_start_inactive);
}

static uint64_t shrink_noio(struct zsim_sim *s, uint64_t want);

/*
 * Frames for zsmalloc and other kernel users: the RAM frame source
 * (allocator.h).  zram allocates with GFP_NOIO.  In reclaim (PF_MEMALLOC:
 * swap-out, or reclaim writing a dirty file page) the watermarks do not apply
 * and there is no further reclaim: no free frame, no page.  Elsewhere (the
 * flusher writing back to zram-blk) min stays free, and below it the
 * allocation reclaims what GFP_NOIO may: clean page cache.
 */
static int ram_take(struct zsim_sim *s, unsigned n, bool movable, uint64_t *held)
{
	uint64_t floor = s->mm.in_reclaim ? 0 : zsim_mm_wmark(s, s->mm.wmark_min);
	if (s->mm.nr_free < floor + n && !s->mm.in_reclaim) {
		s->vm.allocstall++;
		shrink_noio(s, n > SWAP_CLUSTER_MAX ? n : SWAP_CLUSTER_MAX);
	}
	if (s->mm.nr_free < floor + n) {
		s->mm.ram_refusals++;
		return ZSIM_ENOMEM;
	}
	if (movable) {
		while (s->mm.nr_free - s->mm.free_unmovable < n && s->mm.free_unmovable)
			zsim_mm_fallback(s, true);
	} else {
		while (s->mm.free_unmovable < n && s->mm.nr_free > s->mm.free_unmovable)
			zsim_mm_fallback(s, false);
		s->mm.free_unmovable -= n;
	}
	s->mm.nr_free -= n;
	*held += n;
	if (s->mm.nr_free < s->mm.min_free_seen)
		s->mm.min_free_seen = s->mm.nr_free;
	return 0;
}

/* Unmovable pages the kernel held (slab, page tables, zbud's) freed. */
static void kernel_pages_free(struct zsim_sim *s, unsigned n)
{
	s->mm.nr_free += n;
	s->mm.free_unmovable += n;
}

/* The slab grew: its peak for the summary. */
static void slab_grew(struct zsim_sim *s)
{
	if (s->mm.slab_pages > s->mm.slab_pages_max)
		s->mm.slab_pages_max = s->mm.slab_pages;
}

static void ram_put(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	s->mm.nr_free += n;
	s->mm.zspages -= n;
}

/* zsmalloc's and z3fold's pages are movable (page migration), zbud's are not:
 * two sources that differ in the free lists they take from and give back to */
static int ram_get(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	return ram_take(s, n, true, &s->mm.zspages);
}

static int ram_get_unmovable(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	return ram_take(s, n, false, &s->mm.zspages);
}

static void ram_put_unmovable(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	s->mm.zspages -= n;
	kernel_pages_free(s, n);
}

/* A tier's own slab (zswap's entries): unmovable pages, counted as slab */
static int ram_get_slab(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	if (ram_take(s, n, false, &s->mm.slab_pages) < 0)
		return ZSIM_ENOMEM;
	slab_grew(s);
	return 0;
}

static void ram_put_slab(void *ctx, unsigned n)
{
	struct zsim_sim *s = ctx;
	s->mm.slab_pages -= n;
	kernel_pages_free(s, n);
}

/* ---- fragmentation fallbacks and watermark boosting ------------------------- */

static void wake_kswapd(struct zsim_sim *s);

/*
 * zsim has no pageblocks.  It keeps one number for them: how many of the free
 * pages sit on the unmovable and reclaimable free lists (mm.free_unmovable;
 * the others are on the movable lists; at start machine.unmovable_free, which
 * the validation guests measure in /proc/pagetypeinfo).  An allocation whose
 * own lists are empty falls back to the others (__rmqueue_fallback):
 *  - a movable one (a process's page, a zsmalloc or z3fold pool page) takes a
 *    whole pageblock over: up to PAGEBLOCK free pages move to the movable lists
 *    (the guests' tracepoint: free chunks of order 8-9, ownership changed);
 *  - an unmovable one (a zbud pool page) takes one free chunk of
 *    FALLBACK_CHUNK pages (the guests: orders 5-7, half of them order 6).
 * Either way the zone's watermarks are boosted (boost_watermark, 5.0+): by a
 * pageblock, to at most watermark_boost_factor / 10000 of the high watermark
 * (and at least a pageblock), never on a machine of fewer than four
 * pageblocks; kswapd is woken.  zsim boosts its one pool (the kernel, the
 * zone where the fallback happened).  How kswapd works a boost off:
 * zsim_mm_kswapd_round.
 */
#define PAGEBLOCK 512u        /* pageblock_nr_pages: order 9 of 4 KiB pages */
#define FALLBACK_CHUNK 64u    /* pages an unmovable fallback moves: one order-6 chunk */

void zsim_mm_fallback(struct zsim_sim *s, bool movable)
{
	uint64_t movable_free = s->mm.nr_free - s->mm.free_unmovable;
	if (movable) {
		uint64_t n = s->mm.free_unmovable < PAGEBLOCK ? s->mm.free_unmovable : PAGEBLOCK;
		if (!n)
			return;
		s->mm.free_unmovable -= n;
	} else {
		uint64_t n = movable_free < FALLBACK_CHUNK ? movable_free : FALLBACK_CHUNK;
		if (!n)
			return;
		s->mm.free_unmovable += n;
	}
	s->mm.fallbacks++;
	uint64_t managed = s->mm.memtotal_pages;
	if (!s->cfg.watermark_boost_factor || 4ull * PAGEBLOCK > managed || !s->mm.wmark_high)
		return;
	uint64_t max = s->mm.wmark_high * s->cfg.watermark_boost_factor / 10000;
	if (max < PAGEBLOCK)
		max = PAGEBLOCK;
	s->mm.boost = s->mm.boost + PAGEBLOCK < max ? s->mm.boost + PAGEBLOCK : max;
	if (s->mm.boost > s->mm.boost_max)
		s->mm.boost_max = s->mm.boost;
	wake_kswapd(s);
}

/* ---- watermarks ------------------------------------------------------------ */

/*
 * Lowmem protection (setup_per_zone_lowmem_reserve, the same rule from 2.6 to
 * 6.x): a lower zone keeps, against an allocation that could have used the
 * zones above it, the pages of those zones over lowmem_reserve_ratio (256
 * for DMA and DMA32).  A user page may come from any zone, so the allocator
 * drains DMA and DMA32 only down to that reserve and their protected pages are
 * never the workload's: the kernel's free memory bottoms out that much above
 * the summed watermarks (seen in the validation guests: ~4.2 MiB lowest free
 * where min is 2.6 MiB).  x86-64's layout: DMA the first 16 MiB (~3,977
 * managed pages), DMA32 the rest below 4 GiB (RAM below 4 GiB taken as 3 GiB,
 * a PC's usual hole for devices), Normal above.  A 512 MiB guest protects
 * 113,127 / 256 = 441 pages of DMA; an 8 GiB machine all of DMA and 20 MiB of
 * DMA32.  Simplified: one pool of free pages, the protection added to each
 * watermark test an allocation makes (not to kswapd's per-call aim, nor to the
 * "file is tiny" test, which sum bare watermarks as the kernel does).
 */
#define X86_DMA_PAGES 3977u
#define X86_BELOW_4G_PAGES (3ull << 18)   /* 3 GiB */

static uint64_t lowmem_protect(const struct zsim_config *c, uint64_t managed)
{
	if (c->one_zone || !c->watermarks)
		return 0;
	uint64_t dma = managed < X86_DMA_PAGES ? managed : X86_DMA_PAGES;
	uint64_t dma32 = managed - dma;
	if (dma32 > X86_BELOW_4G_PAGES - 4096)
		dma32 = X86_BELOW_4G_PAGES - 4096;
	uint64_t normal = managed - dma - dma32;
	uint64_t p_dma = (dma32 + normal) / 256, p_dma32 = normal / 256;
	return (p_dma < dma ? p_dma : dma) + (p_dma32 < dma32 ? p_dma32 : dma32);
}

static void set_watermarks(struct zsim_sim *s)
{
	const struct zsim_config *c = &s->cfg;
	uint64_t managed = s->mm.memtotal_pages;
	uint64_t mfk = c->min_free_kbytes;
	if (!mfk) {
		/* init_per_zone_wmark_min: sqrt(lowmem_kbytes * 16), clamped */
		uint64_t lowmem_kb = managed * (ZSIM_PAGE_SIZE / 1024);
		mfk = (uint64_t)sqrt((double)lowmem_kb * 16.0);
		uint64_t cap = c->kp->min_free_kbytes_cap;
		if (mfk < 128)
			mfk = 128;
		if (mfk > cap)
			mfk = cap;
	}
	s->mm.min_free_kbytes = mfk;
	if (!c->watermarks) {
		s->mm.wmark_min = s->mm.wmark_low = s->mm.wmark_high = 0;
		return;
	}
	uint64_t min = mfk / (ZSIM_PAGE_SIZE / 1024);
	uint64_t gap;
	if (c->kp->has_watermark_scale_factor) {
		gap = min / 4;
		uint64_t scaled = managed * c->watermark_scale_factor / 10000;
		if (scaled > gap)
			gap = scaled;
		s->mm.wmark_low = min + gap;
		s->mm.wmark_high = min + 2 * gap;
	} else {
		s->mm.wmark_low = min + min / 4;
		s->mm.wmark_high = min + min / 2;
	}
	s->mm.wmark_min = min;
	s->mm.lowmem_protect = lowmem_protect(c, s->mm.nr_frames);
}

/* Anonymous pages are the mapped ones (shmem and file pages are reached
 * through read and write; a page read ahead from swap is not mapped yet). */
static bool frame_mapped(void *ctx, uint32_t f)
{
	const struct zsim_sim *s = ctx;
	return s->mm.frames[f].kind == ZSIM_FK_ANON;
}

/* page_referenced for the policies: a mapped anon page's accessed bit lives in
 * its owner's page-table entry (one mapping: zsim has no shared anon pages). */
static bool test_clear_young(void *ctx, uint32_t f)
{
	struct zsim_sim *s = ctx;
	const struct zsim_frame *fr = &s->mm.frames[f];
	if (fr->kind != ZSIM_FK_ANON)
		return false;
	uint64_t *pte = zsim_pgt_lookup(&s->pr.procs[fr->owner].pt, fr->index);
	if (!(*pte & ZSIM_PTE_YOUNG))
		return false;
	*pte &= ~ZSIM_PTE_YOUNG;
	return true;
}

/* The policies' hint: start loading the PTE of frame f (an anon page's), and
 * its swap slot if it is in the swap cache (evicting it reads the slot). */
static void prefetch_pte(void *ctx, uint32_t f)
{
	struct zsim_sim *s = ctx;
	const struct zsim_frame *fr = &s->mm.frames[f];
	if (fr->kind == ZSIM_FK_ANON)
		zsim_pgt_prefetch(&s->pr.procs[fr->owner].pt, fr->index);
	if (fr->mflags & ZSIM_MF_SWAPCACHE)
		__builtin_prefetch(&s->sw.swap[fr->swapdev].slots[fr->swap], 1);
}

static uint64_t kswapd(struct zsim_sim *s, void *ctx);

int zsim_mm_init(struct zsim_sim *s, char *err, size_t errlen)
{
	const struct zsim_config *c = &s->cfg;
	s->mm.nr_frames = (uint32_t)((c->ram - c->firmware_reserve) / ZSIM_PAGE_SIZE);
	zsim_ws_init(s);
	s->mm.reserve_pages = ZSIM_DIV_ROUND_UP(c->kernel_reserve, ZSIM_PAGE_SIZE);
	s->mm.memtotal_pages = s->mm.nr_frames - s->mm.reserve_pages;
	s->mm.reserve_pages += ZSIM_DIV_ROUND_UP(c->kernel_used, ZSIM_PAGE_SIZE);
	s->mm.frames = zsim_xcalloc_big(s->mm.nr_frames, sizeof(*s->mm.frames));
	/* untouched until used, so a large simulated RAM costs only what it holds */
	s->mm.free_stack = zsim_xcalloc_big(s->mm.nr_frames, sizeof(*s->mm.free_stack));
	/* the first two windows of fresh frames backed ahead (frame_take asks
	 * for the next each time one is reached) */
	frames_prefault(s, 0, 2 * FRAME_WINDOW);
	s->mm.prefault_at = FRAME_WINDOW;
	s->mm.nr_free_structs = s->mm.nr_frames;
	s->mm.nr_free = s->mm.nr_frames - s->mm.reserve_pages;
	s->mm.min_free_seen = s->mm.nr_free;
	set_watermarks(s);
	s->mm.policy = zsim_reclaim_find(c->policy);
	if (!s->mm.policy) {
		snprintf(err, errlen, "unknown reclaim policy '%s'", c->policy);
		return ZSIM_EINVAL;
	}
	s->mm.policy_priv = zsim_xcalloc(1, s->mm.policy->priv_size);
	s->mm.policy_env.test_clear_young = test_clear_young;
	s->mm.policy_env.ctx = s;
	s->mm.policy_env.prefetch = prefetch_pte;
	s->mm.policy_env.mapped = frame_mapped;
	s->mm.policy->init(s->mm.policy_priv, s->mm.frames, s->mm.nr_frames, &s->mm.policy_env);
	s->mm.hit_prefetch = s->mm.policy->touch ? s->mm.policy->prefetch : NULL;
	s->mm.victims = zsim_xmalloc(SWAP_CLUSTER_MAX * sizeof(*s->mm.victims));
	s->mm.ram_source.get = ram_get;
	s->mm.ram_source.put = ram_put;
	s->mm.ram_source.ctx = s;
	s->mm.ram_source_unmovable.get = ram_get_unmovable;
	s->mm.ram_source_unmovable.put = ram_put_unmovable;
	s->mm.ram_source_unmovable.ctx = s;
	s->mm.ram_source_slab.get = ram_get_slab;
	s->mm.ram_source_slab.put = ram_put_slab;
	s->mm.ram_source_slab.ctx = s;
	s->mm.free_unmovable = c->unmovable_free / ZSIM_PAGE_SIZE;
	if (s->mm.free_unmovable > s->mm.nr_free)
		s->mm.free_unmovable = s->mm.nr_free;
	s->mm.kswapd_timer = zsim_timer_add(s, ZSIM_TIMER_IDLE, ZSIM_TIMER_KEEPS_RUNNING, kswapd, NULL);
	if (s->cfg.sched_fair)
		s->clk.timers[s->mm.kswapd_timer].vruntime = &s->mm.kswapd_vruntime;
	return 0;
}

void zsim_mm_free(struct zsim_sim *s)
{
	if (s->mm.policy && s->mm.policy->destroy)
		s->mm.policy->destroy(s->mm.policy_priv);
	free(s->mm.policy_priv);
	zsim_free_big(s->mm.frames, s->mm.nr_frames, sizeof(*s->mm.frames));
	zsim_free_big(s->mm.free_stack, s->mm.nr_frames, sizeof(*s->mm.free_stack));
	free(s->mm.victims);
	free(s->mm.wb);
}

/* ---- swap writeback ------------------------------------------------------------ */

/*
 * Pages reclaim wrote to an asynchronous device, waiting for their writes:
 * a binary heap by completion time, beside the frames.  An entry names its
 * frame until the write stops mattering early: when the frame's slot is freed
 * (unmap, exit, a write to the page) the frame forgets its write at once and
 * the entry is struck out (zsim_mm_writeback_cancel), to be skipped when it
 * comes up.
 */
static bool wb_live(const struct zsim_wb_pending *w)
{
	return w->frame != ZSIM_FRAME_NONE;
}

static bool wb_before(const struct zsim_wb_pending *a, const struct zsim_wb_pending *b)
{
	return a->time < b->time || (a->time == b->time && a->tag - b->tag > UINT32_MAX / 2);
}

static void wb_push(struct zsim_sim *s, uint64_t time, uint32_t f, uint32_t tag)
{
	struct zsim_mm *m = &s->mm;
	if (m->wb_len == m->wb_cap) {
		m->wb_cap = m->wb_cap ? 2 * m->wb_cap : 256;
		m->wb = zsim_xrealloc(m->wb, m->wb_cap * sizeof(*m->wb));
	}
	uint64_t i = m->wb_len++;
	struct zsim_wb_pending w = { time, f, tag };
	while (i && wb_before(&w, &m->wb[(i - 1) / 2])) {
		m->wb[i] = m->wb[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	m->wb[i] = w;
}

static void wb_pop(struct zsim_sim *s)
{
	struct zsim_mm *m = &s->mm;
	struct zsim_wb_pending last = m->wb[--m->wb_len];
	uint64_t i = 0, n = m->wb_len;
	for (;;) {
		uint64_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && wb_before(&m->wb[c + 1], &m->wb[c]))
			c++;
		if (!wb_before(&m->wb[c], &last))
			break;
		m->wb[i] = m->wb[c];
		i = c;
	}
	if (n)
		m->wb[i] = last;
}

/* When the first write in flight completes (UINT64_MAX: none in flight). */
static uint64_t wb_next(struct zsim_sim *s)
{
	while (s->mm.wb_len && !wb_live(&s->mm.wb[0]))
		wb_pop(s);
	return s->mm.wb_len ? s->mm.wb[0].time : UINT64_MAX;
}

#define THROTTLE_TIMEOUT_NS 100000000ull   /* reclaim_throttle's HZ/10 */
#define WAKE_SCAN 2048                      /* heap entries wb_wake looks at, at most */

/*
 * When a reclaimer throttled on writeback at `from` wakes: once more than
 * SWAP_CLUSTER_MAX of the writes in flight have completed after it (the
 * kernel's __acct_reclaim_writeback wakes the throttled tasks then, 5.16+),
 * else at the HZ/10 timeout.  The (SWAP_CLUSTER_MAX + 1)-th completion after
 * `from` is found best-first from the heap's root (children only after their
 * parent), looking at WAKE_SCAN entries at most (then: the timeout).
 */
static uint64_t wb_wake(struct zsim_sim *s, uint64_t from)
{
	uint64_t timeout = from + THROTTLE_TIMEOUT_NS;
	uint64_t cand[WAKE_SCAN + 2];   /* a min-heap of heap indices, by completion */
	unsigned nc = 0, seen = 0, done = 0;
	const struct zsim_wb_pending *wb = s->mm.wb;
	if (!s->mm.wb_len)
		return timeout;
	cand[nc++] = 0;
	while (nc && seen < WAKE_SCAN) {
		uint64_t i = cand[0];   /* pop the earliest candidate */
		uint64_t last = cand[--nc];
		unsigned k = 0;
		for (;;) {
			unsigned c = 2 * k + 1;
			if (c >= nc)
				break;
			if (c + 1 < nc && wb_before(&wb[cand[c + 1]], &wb[cand[c]]))
				c++;
			if (!wb_before(&wb[cand[c]], &wb[last]))
				break;
			cand[k] = cand[c];
			k = c;
		}
		if (nc)
			cand[k] = last;
		seen++;
		if (wb[i].time >= timeout)
			return timeout;
		if (wb[i].time > from && wb_live(&wb[i]) && ++done > SWAP_CLUSTER_MAX)
			return wb[i].time;
		for (uint64_t c = 2 * i + 1; c <= 2 * i + 2 && c < s->mm.wb_len; c++) {
			unsigned j = nc++;   /* push the child */
			while (j && wb_before(&wb[c], &wb[cand[(j - 1) / 2]])) {
				cand[j] = cand[(j - 1) / 2];
				j = (j - 1) / 2;
			}
			cand[j] = c;
		}
	}
	return timeout;
}

void zsim_mm_writeback_forget(struct zsim_sim *s, uint32_t f)
{
	s->mm.frames[f].mflags &= (uint8_t)~ZSIM_MF_WRITEBACK;
	s->mm.nr_writeback--;
}

/* Frame f's slot was freed while its write was in flight: the write no longer
 * matters.  Its entry is found by a look through the heap (writes in flight:
 * a queue's worth, and this is the rare path). */
void zsim_mm_writeback_cancel(struct zsim_sim *s, uint32_t f)
{
	zsim_mm_writeback_forget(s, f);
	for (uint64_t i = 0; i < s->mm.wb_len; i++)
		if (s->mm.wb[i].frame == f) {
			s->mm.wb[i].frame = ZSIM_FRAME_NONE;
			return;
		}
}

/*
 * end_page_writeback for every write complete by `upto`: the page is no longer
 * under writeback, and, as reclaim marked it PG_reclaim, it moves to the tail
 * of the inactive list (folio_rotate_reclaimable), where the next scan frees
 * it - from the active list too where reclaim had activated it (4.12+).
 * Run before each batch reclaim isolates, up to the time the round has run
 * so far (its CPU: a round takes time, and writes it submitted early may end
 * before its last batch, as in the kernel); the order of the rotations is
 * the order of the completions, as the kernel's, and nothing else looks at
 * the lists' order in between.
 */
static void writeback_end(struct zsim_sim *s, uint64_t upto)
{
	while (s->mm.wb_len && s->mm.wb[0].time <= upto) {
		struct zsim_wb_pending w = s->mm.wb[0];
		bool live = wb_live(&w);
		wb_pop(s);
		if (!live)
			continue;
		zsim_mm_writeback_forget(s, w.frame);
		if (s->mm.frames[w.frame].list != 0xff)
			s->mm.policy->rotate(s->mm.policy_priv, w.frame, s->cfg.kp->reclaim_writeback_activate);
	}
}

int zsim_mm_swapped_out(struct zsim_sim *s, uint32_t f, uint64_t entry, uint64_t io_done)
{
	if (!s->cfg.watermarks || io_done <= s->clk.now) {
		/* a synchronous write (zram, brd, zswap, the zeromap: done before
		 * pageout returns), or the exact-cache mode: freed at once */
		zsim_mm_free_frame(s, f);
		return 0;
	}
	uint32_t tag = ++s->mm.wb_tag;
	zsim_swap_cache_written(s, entry, f);
	s->mm.nr_writeback++;
	wb_push(s, io_done, f, tag);
	return ZSIM_EVICT_WRITEBACK;
}

/* ---- eviction ---------------------------------------------------------------- */

/*
 * Take frame f out of RAM.  Returns 0 when the frame was freed, or a negative
 * code when the page must stay (swap full, swap write failed, file page that
 * cannot be written).  Costs go to *cpu (the reclaiming task's CPU time).
 */
static int evict_anon(struct zsim_sim *s, uint32_t f, uint64_t *cpu)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	struct zsim_proc *p = &s->pr.procs[fr->owner];
	uint64_t *pte = zsim_pgt_lookup(&p->pt, fr->index);
	uint64_t entry, io = 0;
	if ((fr->mflags & ZSIM_MF_SWAPCACHE) && !(fr->mflags & (ZSIM_MF_DIRTY | ZSIM_MF_UNWRITTEN))) {
		/* the copy in swap is current: drop the page, keep the slot */
		entry = zsim_swp_entry(fr->swapdev, fr->swap);
		zsim_swap_uncache(s, entry);
	} else {
		/* (a page whose last write failed, or that was written since its
		 * copy was made, is written again to the slot it holds) */
		int rc = zsim_swap_out(s, f, &entry, cpu, &io);
		if (rc < 0)
			return rc;
	}
	/* unmapped (try_to_unmap): the entry points to swap from here on, with
	 * the page's shadow */
	*pte = zsim_swp_pte(entry, zsim_ws_evict(s, ZSIM_FK_ANON));
	p->rss_anon--;
	p->swapents++;
	if (io)   /* just written: freed, or kept until the write completes */
		return zsim_mm_swapped_out(s, f, entry, io);
	zsim_mm_free_frame(s, f);
	return 0;
}

/* How a page leaves RAM, by its kind: each owner of the kind evicts its own. */
static int (*const evictors[])(struct zsim_sim *s, uint32_t f, uint64_t *cpu) = {
	[ZSIM_FK_ANON] = evict_anon,                 /* to swap: here */
	[ZSIM_FK_SHMEM] = zsim_fs_evict,             /* tmpfs to swap: fs.c */
	[ZSIM_FK_FILE] = zsim_fs_evict,              /* page cache, written back if dirty: fs.c */
	[ZSIM_FK_SWAPCACHE] = zsim_swap_cache_evict, /* read ahead, never mapped: swap.c */
};

/* evict()'s answer for a page found still under writeback */
#define EVICT_UNDER_WRITEBACK 2

static int evict(struct zsim_sim *s, uint32_t f, uint64_t *cpu)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	if (fr->mflags & ZSIM_MF_WRITEBACK)
		return EVICT_UNDER_WRITEBACK;   /* its write has not completed */
	if (s->mm.reclaim_noio && (fr->kind == ZSIM_FK_SHMEM || fr->kind == ZSIM_FK_ANON ||
				(fr->kind == ZSIM_FK_FILE && (fr->mflags & ZSIM_MF_DIRTY))))
		return ZSIM_EAGAIN;   /* needs a swap or file write: not under GFP_NOIO */
	bool written = fr->mflags & ZSIM_MF_RECLAIMED, readahead = fr->kind == ZSIM_FK_SWAPCACHE;
	int rc = evictors[fr->kind](s, f, cpu);
	if (rc == 0 && written)
		s->mm.pgsteal_after_writeback++;
	else if (rc == 0 && readahead)
		(void)zsim_ws_evict(s, ZSIM_FK_ANON);   /* the clock ticks; its shadow has no entry here */
	return rc;
}

/*
 * get_scan_count, simplified: how many pages of each type to look at, at
 * `priority`.  Anon only while swap has room; file only when anon cannot go;
 * anon only when the file pages are "tiny" (file + free <= high watermark).
 */
static void scan_counts(struct zsim_sim *s, int priority, uint64_t nr[2])
{
	uint64_t anon = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON);
	uint64_t file = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE);
	bool can_swap = zsim_swap_free_pages(s) > 0;
	uint64_t scan_a = anon >> priority, scan_f = file >> priority;
	if (s->mm.reclaim_noio) {   /* GFP_NOIO: page cache only */
		nr[0] = 0;
		nr[1] = scan_f ? scan_f : file < SWAP_CLUSTER_MAX ? file : SWAP_CLUSTER_MAX;
		return;
	}
	if (priority < DEF_PRIORITY) {   /* small lists still get looked at */
		if (anon && !scan_a) scan_a = anon < SWAP_CLUSTER_MAX ? anon : SWAP_CLUSTER_MAX;
		if (file && !scan_f) scan_f = file < SWAP_CLUSTER_MAX ? file : SWAP_CLUSTER_MAX;
	}
	/* no swap: file only (swappiness 0 does not forbid swapping in global reclaim) */
	if (!can_swap) {
		nr[0] = 0;
		nr[1] = scan_f;
		return;
	}
	/* file pages "tiny" (file + free <= high): anon only (SCAN_ANON), checked first */
	if (file + s->mm.nr_free <= s->mm.wmark_high + s->mm.boost || priority == 0) {
		nr[0] = priority == 0 ? scan_a : anon >> priority ? scan_a : anon;
		nr[1] = priority == 0 ? scan_f : 0;
		return;
	}
	/* enough inactive page cache to trim: file only (SCAN_FILE / cache_trim_mode) */
	bool trim = file && s->mm.policy->inactive_low && !s->mm.policy->inactive_low(s->mm.policy_priv, ZSIM_LRU_FILE);
	if (trim) {
		nr[0] = 0;
		nr[1] = scan_f;
		return;
	}
	double ap = (double)s->cfg.swappiness * (double)(s->mm.recent_scanned[0] + 1) /
		    (double)(s->mm.recent_rotated[0] + 1);
	double fp = (double)(200 - s->cfg.swappiness) * (double)(s->mm.recent_scanned[1] + 1) /
		    (double)(s->mm.recent_rotated[1] + 1);
	nr[0] = (uint64_t)((double)scan_a * ap / (ap + fp) + 0.5);
	nr[1] = (uint64_t)((double)scan_f * fp / (ap + fp) + 0.5);
}

/* Scan `nr` pages of `type` at `prio`, evicting what the policy offers.
 * Returns pages freed. */
static uint64_t shrink_list(struct zsim_sim *s, int type, int prio, uint64_t nr, uint64_t want, uint64_t *cpu,
			    uint64_t *scanned)
{
	uint64_t freed = 0;
	while (nr > 0 && freed < want) {
		size_t chunk = nr < SWAP_CLUSTER_MAX ? (size_t)nr : SWAP_CLUSTER_MAX;
		/* watermarks off: isolate no more than is still wanted, so direct reclaim
		 * evicts exactly the one page it needs (RAM an exact cache of its size);
		 * with watermarks on the kernel's 32-page batches stand */
		if (!s->cfg.watermarks && chunk > want - freed)
			chunk = (size_t)(want - freed);
		/* the round has run *cpu so far (and slept round_wait): writes done
		 * by then have ended */
		if (s->mm.wb_len)
			writeback_end(s, s->clk.now + *cpu + s->mm.round_wait);
		uint64_t immediate0 = s->mm.round_immediate;
		uint64_t rotated = 0;
		size_t n = s->mm.policy->isolate(s->mm.policy_priv, type, chunk, s->mm.victims, chunk, &rotated);
		nr -= chunk;
		s->mm.round_taken += n;
		*scanned += chunk;
		*cpu += chunk * s->cfg.reclaim_scan_ns;
		s->mm.recent_scanned[type] += chunk;
		s->mm.recent_rotated[type] += rotated;
		zsim_ws_activated(s, rotated);   /* the scan's activations, put back active */
		for (size_t i = 0; i < n; i++) {
			uint32_t f = s->mm.victims[i];
			int rc = evict(s, f, cpu);
			if (rc == EVICT_UNDER_WRITEBACK)
				s->mm.round_immediate++;   /* met still under writeback (nr_immediate) */
			if (rc == 0) {
				freed++;
				*cpu += s->cfg.reclaim_steal_ns;
			} else if (rc == EVICT_UNDER_WRITEBACK && s->cfg.kp->reclaim_writeback_activate) {
				/* still under writeback: activated, out of the way until its
				 * write ends (shrink_page_list's case 2, 4.12+; counted in
				 * nr_activate, so among the rotated) */
				s->mm.policy->putback(s->mm.policy_priv, f, type, true);
				s->mm.recent_rotated[type]++;
				zsim_ws_activated(s, 1);
			} else if (rc == ZSIM_EVICT_WRITEBACK || rc == EVICT_UNDER_WRITEBACK ||
				   rc == ZSIM_EAGAIN || rc == ZSIM_EIO) {
				/* kept as it is, on the inactive list (not activated): a page
				 * just written to an asynchronous device, which stays until its
				 * write completes (before 4.12 also one found still under
				 * writeback); a failed swap write too: the kernel keeps the
				 * re-dirtied page there */
				s->mm.policy->putback(s->mm.policy_priv, f, type, false);
			} else {
				s->mm.policy->putback(s->mm.policy_priv, f, type, true);
				s->mm.recent_rotated[type]++;
				zsim_ws_activated(s, 1);
			}
		}
		/* the batch met pages still under writeback, as many as
		 * nr_taken >> (DEF_PRIORITY - priority) (3.x's shrink_inactive_list
		 * test; later kernels throttle on the same sign, that reclaim
		 * cycles the list faster than the device writes): the reclaimer
		 * sleeps until more than 32 writes complete, or HZ/10 (wb_wake) */
		uint64_t met = s->mm.round_immediate - immediate0;
		if (met && met >= (n >> (DEF_PRIORITY - prio))) {
			uint64_t t = s->clk.now + *cpu + s->mm.round_wait, next = wb_wake(s, t);
			if (next != UINT64_MAX && next > t)
				s->mm.round_wait += next - t;
		}
		if (n == 0 && rotated == 0 && !s->mm.policy->size(s->mm.policy_priv, type))
			break;   /* list empty (a batch of pages all kept back is not) */
	}
	return freed;
}

/*
 * shrink_node's may_deactivate from refaults (refault_deactivate_*): a pass
 * may scan a type's active list when refaults of that type were activated
 * since the last reclaim run ended (refault_snapshot); inactive_is_low, the
 * other reason, is the policy's own test.
 */
static void refault_deactivate(struct zsim_sim *s)
{
	const struct zsim_kprofile *kp = s->cfg.kp;
	s->mm.policy_env.deactivate[ZSIM_LRU_ANON] =
		kp->refault_deactivate_anon && s->vm.ws_activate[0] != s->mm.refault_snap[0];
	s->mm.policy_env.deactivate[ZSIM_LRU_FILE] =
		kp->refault_deactivate_file && s->vm.ws_activate[1] != s->mm.refault_snap[1];
}

/* A reclaim run ended (do_try_to_free_pages, balance_pgdat): snapshot_refaults. */
static void refault_snapshot(struct zsim_sim *s)
{
	s->mm.refault_snap[0] = s->vm.ws_activate[0];
	s->mm.refault_snap[1] = s->vm.ws_activate[1];
}

/* The recent scanned/rotated history halves once it passes a quarter of RAM,
 * as the kernel ages its reclaim_stat at the end of a reclaim run. */
static void age_reclaim_stat(struct zsim_sim *s)
{
	for (int t = 0; t < 2; t++)
		if (s->mm.recent_scanned[t] > (s->mm.nr_frames >> 2)) {
			s->mm.recent_scanned[t] /= 2;
			s->mm.recent_rotated[t] /= 2;
		}
}

/*
 * One reclaim pass: priority 12 down to 0 until `want` pages are freed.
 * Halves the recent scanned/rotated history when it grows, as the kernel
 * ages its reclaim_stat.  Returns pages freed; CPU cost into *cpu.
 */
static uint64_t shrink(struct zsim_sim *s, uint64_t want, bool kswapd, uint64_t *cpu)
{
	uint64_t freed = 0, scanned = 0;
	bool was = s->mm.in_reclaim;
	s->mm.in_reclaim = true;
	bool skipped = false;
	s->mm.round_taken = s->mm.round_immediate = s->mm.round_wait = 0;
	refault_deactivate(s);   /* no refault is activated while a round runs */
retry:
	for (int prio = DEF_PRIORITY; prio >= 0 && freed < want; prio--) {
		uint64_t nr[2];
		scan_counts(s, prio, nr);
		for (int t = 0; t < 2 && freed < want; t++)
			if (nr[t]) {
				/* an active list left alone because the inactive one is not low */
				if (s->mm.policy->inactive_low && !s->mm.policy->inactive_low(s->mm.policy_priv, t))
					skipped = true;
				freed += shrink_list(s, t, prio, nr[t], want - freed, cpu, &scanned);
			}
		if (!s->mm.reclaim_noio)
			zsim_swap_shrink_slab(s, prio, cpu);   /* shrink_slab: zswap's shrinker, if on */
	}
	/* do_try_to_free_pages: a direct reclaim that freed nothing runs once more
	 * deactivating the active lists whatever their balance (5.5+) */
	if (!kswapd && !freed && skipped && !s->mm.policy_env.force_deactivate &&
	    s->cfg.kp->reclaim_force_deactivate) {
		s->mm.policy_env.force_deactivate = true;
		goto retry;
	}
	s->mm.policy_env.force_deactivate = false;
	if (!kswapd)
		refault_snapshot(s);
	s->mm.in_reclaim = was;
	age_reclaim_stat(s);
	if (kswapd) {
		s->vm.pgsteal_kswapd += freed;
		s->vm.pgscan_kswapd += scanned;
	} else {
		s->vm.pgsteal_direct += freed;
		s->vm.pgscan_direct += scanned;
	}
	return freed;
}

/* kswapd's turn on the CPU (the batch that crosses it is finished) */
#define KSWAPD_TURN_NS 1000000ull
/* the longest with mm.kswapd_share "fair": CFS's slice with two runnable
 * tasks (sched_latency 6 ms / 2; the guests' kswapd ran 2.2-3.8 ms a slice
 * where it did not sleep on I/O) */
#define KSWAPD_SLICE_MAX_NS 3000000ull

/*
 * The length of kswapd's next turn.  "turn" (the default): KSWAPD_TURN_NS,
 * the CPU shared first come, per turn.  "fair": CFS gives every runnable
 * task an equal share, so kswapd is owed what the average process that ran
 * since it woke has had (zsim_mm_task_ran counts their CPU and how many;
 * not while kswapd slept on writeback) less what it has run itself, in
 * turns of KSWAPD_TURN_NS to KSWAPD_SLICE_MAX_NS.  Simplified: no weights,
 * no sleeper credit, every process that ran counted as runnable throughout.
 */
static uint64_t kswapd_turn(const struct zsim_sim *s)
{
	if (s->cfg.sched_fair)
		return zsim_sched_slice(s);   /* machine.scheduler "fair": the kernel's slice */
	if (!s->cfg.kswapd_fair)
		return KSWAPD_TURN_NS;
	uint64_t n = s->mm.share_others ? s->mm.share_others : 1;
	uint64_t due = s->mm.share_others_cpu / n;
	uint64_t owed = due > s->mm.share_own_cpu ? due - s->mm.share_own_cpu : 0;
	return owed < KSWAPD_TURN_NS ? KSWAPD_TURN_NS : owed > KSWAPD_SLICE_MAX_NS ? KSWAPD_SLICE_MAX_NS : owed;
}

/*
 * One turn of process p's direct reclaim round (do_try_to_free_pages for
 * SWAP_CLUSTER_MAX pages): priority DEF_PRIORITY down to 0, each list's
 * size >> priority pages taken in turn in batches of SWAP_CLUSTER_MAX (as
 * shrink_lruvec does), until the round has freed its pages or run out of
 * priorities.  With mm.direct_reclaim_turn the task yields the CPU between
 * batches once its turn has run that long, the CPU it spent in its quantum
 * before the fault counted (`turn` is what is left; the kernel's
 * cond_resched, where the scheduler runs kswapd and the others), and the
 * round goes on at the
 * task's next turn, whatever others freed meanwhile: kswapd and the
 * allocating tasks share the pages to be looked at, as they do at the
 * first pressure, when every page still carries its fault's accessed bit
 * (a round at one instant looks at ~100 k of them alone while every task
 * waits).  The validation sets it to twice kswapd's turn: the guests'
 * schedstat (zsim play) has kswapd running 29-45% of the time it is
 * runnable, in turns of about 3 ms.  Without it (0, the default: at a
 * native machine's reclaim costs a whole round takes tens of milliseconds
 * even at the first pressure) alloc_frame_round runs the round whole at
 * one instant (shrink).  True when the round is over (p->direct.freed says
 * what it freed); CPU into *cpu.  Simplified: the round goes on only when
 * the task next needs a frame; a retried access that no longer needs one
 * (another task brought its page in meanwhile) leaves the round open until
 * the task's next allocation, where the kernel's task would finish it
 * before its retry.
 */
static bool direct_step(struct zsim_sim *s, struct zsim_proc *p, uint64_t turn, uint64_t *cpu)
{
	struct zsim_direct_round *d = &p->direct;
	if (!d->active) {
		memset(d, 0, sizeof(*d));
		d->active = true;
		d->prio = DEF_PRIORITY + 1;   /* the first batch starts DEF_PRIORITY */
		s->vm.allocstall++;
	}
	bool was = s->mm.in_reclaim;
	s->mm.in_reclaim = true;
	s->mm.round_taken = s->mm.round_immediate = s->mm.round_wait = 0;
	refault_deactivate(s);
	s->mm.policy_env.force_deactivate = d->forced;
	uint64_t scanned = 0, freed = 0;
	bool over = false;
	while (*cpu < turn) {
		if (d->freed + freed >= SWAP_CLUSTER_MAX) {
			over = true;
			break;
		}
		if (!d->nr[0] && !d->nr[1]) {   /* this priority is done: the next */
			if (d->prio <= DEF_PRIORITY)
				zsim_swap_shrink_slab(s, d->prio, cpu);
			if (--d->prio < 0) {
				/* a round that freed nothing runs once more deactivating
				 * the active lists whatever their balance (5.5+) */
				if (!d->freed && !freed && d->skipped && !d->forced &&
				    s->cfg.kp->reclaim_force_deactivate) {
					d->forced = true;
					s->mm.policy_env.force_deactivate = true;
					d->prio = DEF_PRIORITY;
				} else {
					over = true;
					break;
				}
			}
			scan_counts(s, d->prio, d->nr);
			for (int t = 0; t < 2; t++)
				if (d->nr[t] && s->mm.policy->inactive_low &&
				    !s->mm.policy->inactive_low(s->mm.policy_priv, t))
					d->skipped = true;
			continue;
		}
		for (int t = 0; t < 2 && d->freed + freed < SWAP_CLUSTER_MAX; t++) {
			uint64_t n = d->nr[t] < SWAP_CLUSTER_MAX ? d->nr[t] : SWAP_CLUSTER_MAX;
			if (!n)
				continue;
			d->nr[t] -= n;
			freed += shrink_list(s, t, d->prio, n, SWAP_CLUSTER_MAX - d->freed - freed, cpu, &scanned);
		}
		if (s->mm.round_wait)
			break;   /* it sleeps on writeback: the turn ends there */
	}
	/* with the fair scheduler a round is over as soon as it has freed its
	 * pages, whether or not its turn is used up (do_try_to_free_pages
	 * returns, the task allocates within its slice) */
	if (s->cfg.sched_fair && d->freed + freed >= SWAP_CLUSTER_MAX)
		over = true;
	d->freed += (uint32_t)freed;
	s->mm.policy_env.force_deactivate = false;
	s->mm.in_reclaim = was;
	age_reclaim_stat(s);
	s->vm.pgsteal_direct += freed;
	s->vm.pgscan_direct += scanned;
	if (over) {
		d->active = false;
		refault_snapshot(s);
	}
	return over;
}

/* Direct reclaim under GFP_NOIO (zram's allocations outside reclaim): clean
 * page cache only.  Its CPU is not charged to anyone (the flusher's time is
 * not modelled). */
static uint64_t shrink_noio(struct zsim_sim *s, uint64_t want)
{
	uint64_t cpu = 0;
	s->mm.reclaim_noio = true;
	uint64_t freed = shrink(s, want, false, &cpu);
	s->mm.reclaim_noio = false;
	return freed;
}

/* The end of a balance_pgdat: the boost kswapd found when it woke is taken
 * off (one added since stays until the next) */
static void kswapd_done(struct zsim_sim *s)
{
	s->mm.boost -= s->mm.boost < s->mm.boost_at_wake ? s->mm.boost : s->mm.boost_at_wake;
	s->mm.boost_at_wake = 0;
	s->mm.boost_reclaim_left = 0;
	s->mm.kswapd_aim_left = 0;
	s->mm.kswapd_prio = 0;
	s->mm.kswapd_in_pass = false;
	refault_snapshot(s);
}

/*
 * kswapd, as balance_pgdat runs it: passes (kswapd_shrink_node) at a priority
 * that starts at DEF_PRIORITY when kswapd wakes and stays for the whole
 * balance.  A pass scans each list's size >> priority pages, the lists taken
 * in turn in batches of SWAP_CLUSTER_MAX, until it has freed its aim,
 * max(high watermark + boost, SWAP_CLUSTER_MAX).  After a pass the priority
 * drops when the pass scanned less than its aim or freed nothing; the balance
 * checks the high watermark between passes and ends below priority 1 (one
 * that freed nothing counts a failure; kswapd then starts another balance
 * unless the high watermark is met or it failed KSWAPD_MAX_FAILURES times).
 * kswapd is a task like the others: a round is one turn on the CPU
 * (kswapd_turn of reclaim work, the batch that crosses it finished), so
 * the processes run between its turns, as the scheduler preempts kswapd at
 * its cond_resched between batches; a pass and the balance go on at the next
 * turn.  With a boost and free pages already at the boosted high, its rounds
 * reclaim clean page cache only, up to the boost.  Returns the CPU time the
 * round took; *again says whether to run another round.
 */
uint64_t zsim_mm_kswapd_round(struct zsim_sim *s, bool *again)
{
	uint64_t cpu = 0;
	s->mm.round_taken = s->mm.round_immediate = s->mm.round_wait = 0;
	uint64_t turn = kswapd_turn(s);
	while (cpu < turn) {
		if (!s->mm.kswapd_in_pass) {   /* between two kswapd_shrink_node calls */
			if (s->mm.nr_free >= zsim_mm_wmark(s, s->mm.wmark_high)) {
				/* balanced (boost and all): a boost kswapd woke to is
				 * reclaimed without swap or writes, clean page cache
				 * only, until its pages are freed or a round frees nothing */
				if (s->mm.boost_reclaim_left) {
					uint64_t want = s->mm.boost_reclaim_left < SWAP_CLUSTER_MAX
							      ? s->mm.boost_reclaim_left : SWAP_CLUSTER_MAX;
					s->mm.reclaim_noio = true;
					uint64_t freed = shrink(s, want, true, &cpu);
					s->mm.reclaim_noio = false;
					s->mm.boost_reclaim_left -= freed < want ? freed : want;
					*again = freed && s->mm.boost_reclaim_left;
					if (!*again)
						kswapd_done(s);
					return cpu ? cpu : s->cfg.reclaim_scan_ns;
				}
				*again = false;
				kswapd_done(s);
				return cpu;
			}
			/* below high: the boost's own reclaim is dropped and kswapd
			 * reclaims as usual, toward the boosted high watermark */
			s->mm.boost_reclaim_left = 0;
			if (s->mm.kswapd_prio < 1) {   /* a new balance_pgdat */
				s->mm.kswapd_prio = DEF_PRIORITY;
				s->mm.kswapd_balance_freed = 0;
			}
			uint64_t aim = s->mm.wmark_high + s->mm.boost;
			s->mm.kswapd_pass_aim = aim > SWAP_CLUSTER_MAX ? aim : SWAP_CLUSTER_MAX;
			s->mm.kswapd_aim_left = s->mm.kswapd_pass_aim;
			scan_counts(s, s->mm.kswapd_prio, s->mm.kswapd_nr);
			refault_deactivate(s);
			s->mm.kswapd_pass_scanned = s->mm.kswapd_pass_freed = 0;
			s->mm.kswapd_in_pass = true;
		}
		/* one batch of each list that still has pages to scan */
		bool was = s->mm.in_reclaim;
		s->mm.in_reclaim = true;
		for (int t = 0; t < 2 && s->mm.kswapd_aim_left; t++) {
			uint64_t n = s->mm.kswapd_nr[t] < SWAP_CLUSTER_MAX ? s->mm.kswapd_nr[t] : SWAP_CLUSTER_MAX;
			if (!n)
				continue;
			s->mm.kswapd_nr[t] -= n;
			uint64_t scanned = 0;
			uint64_t freed = shrink_list(s, t, s->mm.kswapd_prio, n, s->mm.kswapd_aim_left, &cpu, &scanned);
			s->mm.kswapd_aim_left -= freed < s->mm.kswapd_aim_left ? freed : s->mm.kswapd_aim_left;
			s->mm.kswapd_pass_scanned += scanned;
			s->mm.kswapd_pass_freed += freed;
			s->vm.pgsteal_kswapd += freed;
			s->vm.pgscan_kswapd += scanned;
		}
		s->mm.in_reclaim = was;
		if (!s->mm.kswapd_aim_left || (!s->mm.kswapd_nr[0] && !s->mm.kswapd_nr[1])) {
			/* the pass is over: shrink_slab, the history aged, and the
			 * priority lowered if it scanned less than its aim (as set
			 * when the pass began: a boost since does not move it) or
			 * freed nothing */
			int prio = s->mm.kswapd_prio;
			zsim_swap_shrink_slab(s, prio, &cpu);
			age_reclaim_stat(s);
			if (s->mm.kswapd_pass_scanned < s->mm.kswapd_pass_aim || !s->mm.kswapd_pass_freed)
				s->mm.kswapd_prio--;
			s->mm.kswapd_balance_freed += s->mm.kswapd_pass_freed;
			if (s->mm.kswapd_pass_freed)
				s->mm.kswapd_failures = 0;
			s->mm.kswapd_in_pass = false;
			s->mm.kswapd_aim_left = 0;
			if (s->mm.kswapd_prio < 1) {
				/* the balance ran out of priorities; one that freed
				 * nothing while no write was in flight is a failure */
				if (!s->mm.kswapd_balance_freed && !s->mm.nr_writeback)
					s->mm.kswapd_failures++;
				if (s->mm.kswapd_failures >= KSWAPD_MAX_FAILURES) {
					*again = false;
					kswapd_done(s);
					return cpu ? cpu : s->cfg.reclaim_scan_ns;
				}
				refault_snapshot(s);   /* this balance_pgdat ended */
				break;   /* the next balance at the next turn */
			}
		}
		if (s->mm.round_wait) {   /* it slept on writeback within the round */
			s->mm.kswapd_throttle_until = s->clk.now + cpu + s->mm.round_wait;
			break;
		}
		if (s->mm.round_taken && s->mm.round_immediate == s->mm.round_taken && s->mm.nr_writeback &&
		    wb_next(s) != UINT64_MAX) {
			/* it took nothing but pages still under writeback: it cycles
			 * the LRU faster than the device writes and waits for writes
			 * to complete (wb_wake; the kernel's nr_immediate throttle) */
			uint64_t wake = wb_wake(s, s->clk.now + cpu);
			if (wake > s->mm.kswapd_throttle_until)
				s->mm.kswapd_throttle_until = wake;
			break;
		}
	}
	*again = true;
	return cpu ? cpu : s->cfg.reclaim_scan_ns;
}

/* kswapd's timer: rounds back to back, each when the CPU has done the last,
 * until the round says stop; then it sleeps until an allocation wakes it */
static uint64_t kswapd(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	if (s->cfg.sched_fair) {
		/* it waits for a CPU as a process's turn does, picked by its vruntime */
		uint64_t free = zsim_sched_begin(s, s->mm.kswapd_vruntime);
		if (free)
			return free - s->clk.now;
		if (s->clk.now > s->mm.kswapd_ready_at)   /* its wait for the CPU: schedstat's run delay */
			s->mm.kswapd_delay_ns += s->clk.now - s->mm.kswapd_ready_at;
	}
	bool again;
	uint64_t cpu = zsim_mm_kswapd_round(s, &again);
	s->mm.kswapd_vruntime += cpu;
	s->mm.kswapd_turns++;
	s->mm.kswapd_cpu_ns += cpu;
	s->mm.share_own_cpu += cpu;
	uint64_t end = zsim_cpu_run(s, s->clk.now, cpu);
	s->mm.kswapd_delay_ns += end - cpu - s->clk.now;
	if (s->mm.kswapd_throttle_until > end)
		end = s->mm.share_asleep_until = s->mm.kswapd_throttle_until;   /* asleep until a write completes */
	s->mm.kswapd_throttle_until = 0;
	s->mm.kswapd_ready_at = end;
	return again ? end - s->clk.now : ZSIM_TIMER_DONE;
}

/* ---- OOM ---------------------------------------------------------------------- */

static uint64_t badness(const struct zsim_proc *p)
{
	uint64_t rss = p->rss_anon + p->rss_file + p->rss_shmem;
	/* page tables: its PTE pages (pgtable.h's leaves; they take frames where
	 * mm.page_tables is on: pgtable_charge), as mm_pgtables_bytes counts them */
	return rss + p->swapents + p->pt.nr_leaves;
}

/*
 * Choose the process with the highest badness, log the kill, mark the victim
 * and free its memory and swap (the kernel's oom_reaper); the engine reaps the
 * process itself (zsim_proc_reap).  Returns its index or UINT32_MAX.
 */
static uint32_t oom_kill(struct zsim_sim *s, struct zsim_proc *trigger)
{
	uint32_t victim = UINT32_MAX;
	uint64_t best = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		const struct zsim_proc *p = &s->pr.procs[i];
		if (!p->alive)
			continue;
		uint64_t b = badness(p);
		/* on equal points the kernel keeps the task it met last */
		if (victim == UINT32_MAX || b >= best) {
			best = b;
			victim = i;
		}
	}
	if (victim == UINT32_MAX)
		return victim;
	struct zsim_proc *v = &s->pr.procs[victim];
	s->vm.oom_kill++;
	char swaps[512];
	size_t off = 0;
	swaps[0] = '\0';
	for (unsigned i = 0; i < s->sw.nr_swap && off < sizeof(swaps); i++)
		off += (size_t)snprintf(swaps + off, sizeof(swaps) - off,
					"%s{\"device\":\"%s\",\"free_pages\":%llu,\"total_pages\":%llu}",
					i ? "," : "", s->cfg.dev[s->sw.swap[i].cfg_index].name,
					(unsigned long long)(s->sw.swap[i].nr_slots - s->sw.swap[i].used),
					(unsigned long long)s->sw.swap[i].nr_slots);
	/* where RAM went: each zram's pool (swap or block device), and the LRUs */
	char zrams[512];
	uint64_t zram_total = 0;
	off = 0;
	zrams[0] = '\0';
	for (unsigned d = 0; d < s->cfg.nr_dev && off < sizeof(zrams); d++) {
		uint64_t used = 0;
		if (!s->dev.devtier[d] || zsim_tier_control(s->dev.devtier[d], ZSIM_TCTL_RAM_PAGES, &used) < 0)
			continue;
		zram_total += used;
		off += (size_t)snprintf(zrams + off, sizeof(zrams) - off, "%s{\"device\":\"%s\",\"mem_used_pages\":%llu}",
					zram_total == used ? "" : ",", s->cfg.dev[d].name, (unsigned long long)used);
	}
	uint64_t zswap_pool = 0;
	if (s->sw.zswap && zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &zswap_pool) == 0 &&
	    off < sizeof(zrams)) {   /* zswap's pool is listed with them, as "zswap" */
		zram_total += zswap_pool;
		off += (size_t)snprintf(zrams + off, sizeof(zrams) - off, "%s{\"device\":\"zswap\",\"mem_used_pages\":%llu}",
					zram_total == zswap_pool ? "" : ",", (unsigned long long)zswap_pool);
	}
	uint64_t lru_anon = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON);
	uint64_t lru_file = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE);
	zsim_sim_event(s, "oom_kill",
		       "\"victim\":\"%s\",\"group\":%u,\"pid\":%u,\"badness\":%llu,\"rss_anon_pages\":%llu,"
		       "\"rss_file_pages\":%llu,\"rss_shmem_pages\":%llu,\"swapents\":%llu,"
		       "\"trigger\":\"%s\",\"free_pages\":%llu,\"min_pages\":%llu,\"protect_pages\":%llu,\"zspages\":%llu,"
		       "\"lru_anon_pages\":%llu,\"lru_file_pages\":%llu,\"zram\":[%s],"
		       "\"swap_free_pages\":%llu,\"swap\":[%s]",
		       v->name, v->group, v->pid, (unsigned long long)best,
		       (unsigned long long)v->rss_anon, (unsigned long long)v->rss_file,
		       (unsigned long long)v->rss_shmem, (unsigned long long)v->swapents,
		       trigger ? trigger->name : "kswapd", (unsigned long long)s->mm.nr_free,
		       (unsigned long long)s->mm.wmark_min,
		       (unsigned long long)s->mm.lowmem_protect, (unsigned long long)s->mm.zspages,
		       (unsigned long long)lru_anon, (unsigned long long)lru_file, zrams,
		       (unsigned long long)zsim_swap_free_pages(s), swaps);
	if (s->vm.oom_kill <= ZSIM_MAX_KILLS_KEPT) {
		struct zsim_kill *k = &s->out.kills[s->vm.oom_kill - 1];
		k->time = s->clk.now;
		k->rss = v->rss_anon + v->rss_file + v->rss_shmem;
		k->swapents = v->swapents;
		k->free_pages = s->mm.nr_free;
		k->swap_free = zsim_swap_free_pages(s);
		k->swap_total = zsim_swap_total_pages(s);
		k->zram_pages = zram_total;
		k->lru_pages = lru_anon + lru_file;
		k->pid = v->pid;
		k->group = v->group;
		snprintf(k->name, sizeof(k->name), "%s", v->name);
		snprintf(k->trigger, sizeof(k->trigger), "%s", trigger ? trigger->name : "kswapd");
	}
	v->killed = true;
	zsim_mm_exit(s, v);
	zsim_proc_reap(s, victim);
	return victim;
}

/* ---- allocation ---------------------------------------------------------------- */

/*
 * Below the low watermark: wake kswapd and wait until a page may be taken -
 * above min (with a free frame struct, for an LRU page: `lru`), or in
 * reclaim with any page free - reclaiming directly below min, and OOM after
 * MAX_RECLAIM_RETRIES rounds without progress.  False if p itself was killed
 * (or nobody could be).
 */
static bool alloc_wait(struct zsim_sim *s, struct zsim_proc *p, bool lru)
{
	wake_kswapd(s);
	unsigned no_progress = 0;
	for (;;) {
		bool structs = !lru || s->mm.nr_free_structs;
		if (s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_min) && structs)
			return true;
		if (s->mm.in_reclaim && s->mm.nr_free && structs)
			return true;
		/* direct reclaim: SWAP_CLUSTER_MAX pages; one page when watermarks are off
		 * (shrink_list then isolates no more), which makes RAM behave as a cache
		 * of exactly its size at every size (tests/e2e/t_crosscheck.sh) */
		s->vm.allocstall++;
		uint64_t cpu = 0;
		uint64_t freed = shrink(s, s->cfg.watermarks ? SWAP_CLUSTER_MAX : 1, false, &cpu);
		if (p) {
			p->pending_cpu += cpu;
			p->stall_ns += cpu;
		}
		if (freed) {
			no_progress = 0;
			s->mm.kswapd_failures = 0;
			continue;
		}
		no_progress++;
		/* writes in flight: this allocation cannot wait in simulated time (it
		 * is made at one instant), so the first of them is taken as complete
		 * now, as if the task had waited for it (the kernel's writeback
		 * throttling) */
		if (s->mm.nr_writeback && wb_next(s) != UINT64_MAX)
			writeback_end(s, wb_next(s));
		/* should_reclaim_retry: can free + reclaimable ever reach min? */
		uint64_t reclaimable = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE);
		if (zsim_swap_free_pages(s))
			reclaimable += s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON);
		uint64_t avail = s->mm.nr_free + reclaimable - reclaimable * no_progress / MAX_RECLAIM_RETRIES;
		if (no_progress <= MAX_RECLAIM_RETRIES && avail > zsim_mm_wmark(s, s->mm.wmark_min))
			continue;
		uint32_t v = oom_kill(s, p);
		no_progress = 0;
		if (v == UINT32_MAX)
			return false;
		if (p && &s->pr.procs[v] == p)
			return false;
	}
}

/*
 * A frame for a page of process p (NULL: the kernel itself).  Fast path above
 * low; between low and min, kswapd is woken and the page is taken; below min,
 * direct reclaim by p, retried, and OOM after MAX_RECLAIM_RETRIES rounds
 * without progress (alloc_wait).  Returns ZSIM_FRAME_NONE if p itself was
 * killed.
 */
uint32_t zsim_mm_alloc_frame(struct zsim_sim *s, struct zsim_proc *p)
{
	if (s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_low) && s->mm.nr_free_structs)
		return frame_take(s);
	return alloc_wait(s, p, true) ? frame_take(s) : ZSIM_FRAME_NONE;
}

/*
 * A page of the kernel's own, unmovable and on no LRU list, allocated in p's
 * context as GFP_KERNEL: the watermarks, reclaim and OOM of a page fault
 * (alloc_wait), and a fallback from the movable lists when the unmovable
 * ones are empty (zsim_mm_fallback: the kernel's own allocations are most of
 * its fallbacks).  0, or ZSIM_ENOMEM if p was killed.
 */
static int kernel_page_alloc(struct zsim_sim *s, struct zsim_proc *p)
{
	if (!(s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_low)) && !alloc_wait(s, p, false))
		return ZSIM_ENOMEM;
	if (!s->mm.free_unmovable && s->mm.nr_free)
		zsim_mm_fallback(s, false);
	if (s->mm.free_unmovable)
		s->mm.free_unmovable--;
	s->mm.nr_free--;
	if (s->mm.nr_free < s->mm.min_free_seen)
		s->mm.min_free_seen = s->mm.nr_free;
	return 0;
}

/* A page of slab (tmpfs inodes and dentries, fs.c) in p's context. */
int zsim_mm_slab_alloc(struct zsim_sim *s, struct zsim_proc *p)
{
	if (kernel_page_alloc(s, p) < 0)
		return ZSIM_ENOMEM;
	s->mm.slab_pages++;
	slab_grew(s);
	return 0;
}

/* A slab page given back (its last object freed). */
void zsim_mm_slab_free(struct zsim_sim *s)
{
	s->mm.slab_pages--;
	kernel_pages_free(s, 1);
}

/*
 * Page tables.  A process's fault in 2 MiB of address space that has no PTE
 * page yet (pgtable.h's leaf) first allocates one: the kernel's pte_alloc
 * (GFP_PGTABLE_USER: GFP_KERNEL, unmovable), in p's context, before the page
 * itself.  It stays until the process exits: a trace's unmap is zsim play's
 * MADV_DONTNEED, which keeps page tables (the kernel frees them only with a
 * whole VMA, free_pgtables).  In the 6.1 guests a 500 MiB workload's
 * PageTables grew by 300 pages: 250 of them the PTE pages counted here.  The
 * upper levels (a PMD page per GiB, a PUD page per 512 GiB, the PGD) are
 * left out: a page or three a process.  0, or ZSIM_ENOMEM if p was killed.
 */
static int pgtable_charge(struct zsim_sim *s, struct zsim_proc *p)
{
	while (p->pt_pages < p->pt.nr_leaves) {
		if (kernel_page_alloc(s, p) < 0)
			return ZSIM_ENOMEM;
		p->pt_pages++;
		if (++s->mm.pgtable_pages > s->mm.pgtable_pages_max)
			s->mm.pgtable_pages_max = s->mm.pgtable_pages;
	}
	return 0;
}

static void pgtable_release(struct zsim_sim *s, struct zsim_proc *p)
{
	for (; p->pt_pages; p->pt_pages--) {
		s->mm.pgtable_pages--;
		kernel_pages_free(s, 1);
	}
}

/*
 * A process's page fault needs a frame, and takes its time about it: below
 * the min watermark it reclaims one round of SWAP_CLUSTER_MAX pages and
 * retries the allocation once that round's CPU has run, as the kernel's
 * allocating task loops in __alloc_pages_slowpath.  Meanwhile simulated time
 * passes: kswapd (woken here) and the other processes run, and may free or
 * take pages before the retry.  The no-progress count of should_reclaim_retry
 * lives in the process between its rounds.  Without watermarks (the
 * exact-cache mode) and inside reclaim it is zsim_mm_alloc_frame.
 */
static uint32_t alloc_frame_round(struct zsim_sim *s, struct zsim_proc *p)
{
	if (!s->cfg.watermarks || s->mm.in_reclaim)
		return zsim_mm_alloc_frame(s, p);
	if (p->direct.active)
		goto reclaim;   /* its round goes on, whatever others freed meanwhile */
	if (s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_low) && s->mm.nr_free_structs) {
		p->reclaim_no_progress = 0;
		return frame_take(s);
	}
	wake_kswapd(s);
	if (s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_min) && s->mm.nr_free_structs) {
		p->reclaim_no_progress = 0;
		return frame_take(s);
	}
reclaim:;
	uint64_t cpu = 0;
	bool over = true;
	/* the fair scheduler's: the task's slice */
	uint64_t dturn = s->cfg.sched_fair ? zsim_sched_slice(s) : s->cfg.direct_turn_ns;
	if (dturn) {
		/* the task's turn on the CPU is one: what it ran of its quantum
		 * before this fault counts toward the turn, and its reclaim takes
		 * the rest (one batch at least) */
		uint64_t turn = dturn > p->pending_cpu ? dturn - p->pending_cpu : 1;
		over = direct_step(s, p, turn, &cpu);
	} else {
		s->vm.allocstall++;
		p->direct.freed = (uint32_t)shrink(s, SWAP_CLUSTER_MAX, false, &cpu);
	}
	/* the round takes time even when it finds nothing to scan */
	if (cpu < s->cfg.reclaim_scan_ns)
		cpu = s->cfg.reclaim_scan_ns;
	p->pending_cpu += cpu;
	p->stall_ns += cpu;
	if (s->mm.round_wait)   /* it slept on writeback within the round */
		s->mm.throttle_until = s->clk.now + cpu + s->mm.round_wait;
	if (!over)
		return ZSIM_FRAME_RETRY;   /* the round goes on at its next turn */
	uint64_t freed = p->direct.freed;
	if (freed) {
		p->reclaim_no_progress = 0;
		s->mm.kswapd_failures = 0;
		/* the fair scheduler's: the task takes its page at once, as
		 * __alloc_pages_direct_reclaim goes from the reclaim straight to
		 * the free lists, and goes on in its slice with what it freed
		 * (retried at its next turn, the pages it freed went to whoever
		 * ran between: it reclaimed for the others) */
		if (s->cfg.sched_fair && s->mm.nr_free > zsim_mm_wmark(s, s->mm.wmark_min) && s->mm.nr_free_structs)
			return frame_take(s);
		return ZSIM_FRAME_RETRY;
	}
	p->reclaim_no_progress++;
	/* writes in flight: the task waits for the first to complete before it
	 * tries again (the kernel throttles a direct reclaimer that made no
	 * progress: reclaim_throttle's NOPROGRESS, one jiffy, from 5.16;
	 * congestion_wait in should_reclaim_retry before.  Waiting for a write
	 * instead of a jiffy keeps a slow device's writes from counting as
	 * retries without progress toward the OOM killer) */
	if (s->mm.nr_writeback && wb_next(s) != UINT64_MAX && wb_next(s) > s->mm.throttle_until)
		s->mm.throttle_until = wb_next(s);
	uint64_t reclaimable = s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE);
	if (zsim_swap_free_pages(s))
		reclaimable += s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON);
	uint64_t avail = s->mm.nr_free + reclaimable -
			 reclaimable * p->reclaim_no_progress / MAX_RECLAIM_RETRIES;
	if (p->reclaim_no_progress <= MAX_RECLAIM_RETRIES && avail > zsim_mm_wmark(s, s->mm.wmark_min))
		return ZSIM_FRAME_RETRY;
	p->reclaim_no_progress = 0;
	uint32_t v = oom_kill(s, p);
	if (v == UINT32_MAX || &s->pr.procs[v] == p)
		return ZSIM_FRAME_NONE;
	return ZSIM_FRAME_RETRY;
}

/* The same, and a round that slept on writeback passes its wake-up time to
 * the faulting task (*wait_until), which waits for it before the retry. */
uint32_t zsim_mm_alloc_frame_round(struct zsim_sim *s, struct zsim_proc *p, uint64_t *wait_until)
{
	uint32_t f = alloc_frame_round(s, p);
	if (s->mm.throttle_until) {   /* the round waits for a write to complete */
		if (s->mm.throttle_until != UINT64_MAX && s->mm.throttle_until > *wait_until && p->alive)
			*wait_until = s->mm.throttle_until;
		s->mm.throttle_until = 0;
	}
	return f;
}

/* Process p ran `cpu` on a CPU: with mm.kswapd_share "fair", counted toward
 * kswapd's share while it is awake and not asleep on writeback (kswapd_turn). */
void zsim_mm_task_ran(struct zsim_sim *s, struct zsim_proc *p, uint64_t cpu)
{
	if (!s->cfg.kswapd_fair || !cpu || !zsim_timer_busy(s, s->mm.kswapd_timer) ||
	    s->clk.now < s->mm.share_asleep_until)
		return;
	s->mm.share_others_cpu += cpu;
	if (p->kswapd_share_seen != s->mm.share_wake) {
		p->kswapd_share_seen = s->mm.share_wake;
		s->mm.share_others++;
	}
}

static void wake_kswapd(struct zsim_sim *s)
{
	/* a kswapd that gave up (MAX_RECLAIM_RETRIES rounds without progress) stays
	 * asleep until some reclaim makes progress again */
	if (!zsim_timer_busy(s, s->mm.kswapd_timer) && s->cfg.watermarks && s->mm.kswapd_failures < KSWAPD_MAX_FAILURES) {
		/* a new balance_pgdat: it will take off the boost it finds */
		s->mm.boost_at_wake = s->mm.boost_reclaim_left = s->mm.boost;
		s->mm.share_wake++;
		s->mm.share_others_cpu = s->mm.share_own_cpu = 0;
		s->mm.share_others = 0;
		if (s->cfg.sched_fair)
			zsim_sched_wake(s, &s->mm.kswapd_vruntime);
		s->mm.kswapd_ready_at = s->clk.now;
		zsim_timer_kick(s, s->mm.kswapd_timer, s->clk.now);
	}
}

/* ---- faults ------------------------------------------------------------------- */

static inline void set_content(struct zsim_frame *fr, const struct zsim_content_ref *c)
{
	fr->cls = c->cls;
	fr->param = c->param;
	fr->seed = c->seed;
}

/*
 * A write to a present anon page: new content; a copy in swap is stale now.
 * `mapped`: the page was already mapped when written (a read fault brought it
 * in from the swap cache).  From 5.19 such a write reuses the page in place
 * (do_wp_page: the page is exclusive): it keeps its slot, whose copy is stale
 * now (ZSIM_MF_DIRTY), and reclaim writes it again to that slot.  Before, and
 * for a write that faulted the page in (should_try_to_free_swap), the slot is
 * freed.  A page whose last write failed frees it too: the kernel had unmapped
 * it, so the write is a fault there (the model keeps it mapped: swap.c).
 */
static void anon_write(struct zsim_sim *s, struct zsim_frame *fr, const struct zsim_content_ref *c, bool mapped)
{
	set_content(fr, c);
	if (fr->mflags & ZSIM_MF_SWAPCACHE) {
		if (mapped && s->cfg.kp->swap_reuse_keeps_cache && !(fr->mflags & ZSIM_MF_UNWRITTEN)) {
			fr->mflags |= ZSIM_MF_DIRTY;
			return;
		}
		zsim_swap_release(s, zsim_swp_entry(fr->swapdev, fr->swap));
		fr->mflags &= (uint8_t)~ZSIM_MF_SWAPCACHE;
	}
}

void zsim_mm_prefetch(struct zsim_sim *s, uint64_t e, int stage)
{
	if (e & ZSIM_PTE_PRESENT) {
		/* a hit touches the frame only where the policy orders by touch() */
		if (!s->mm.hit_prefetch)
			return;
		if (stage == 1)
			zsim_frame_prefetch(&s->mm.frames[(uint32_t)e]);
		else
			s->mm.hit_prefetch(s->mm.policy_priv, (uint32_t)e);
	} else if ((e & ZSIM_PTE_SWAPPED) && stage == 1) {
		__builtin_prefetch(zsim_swap_slot_of(s, zsim_pte_swp(e)), 1);
	}
}

int zsim_mm_access(struct zsim_sim *s, struct zsim_proc *p, uint64_t vpage, uint64_t *pte, bool write,
		   const struct zsim_content_ref *c, uint64_t *wait_until)
{
	if (!pte) {
		pte = zsim_pgt_walk(&p->pt, vpage);
		if (p->pt_pages < p->pt.nr_leaves && s->cfg.page_tables && pgtable_charge(s, p) < 0)
			return ZSIM_ENOMEM;   /* p was OOM-killed */
	}
	uint64_t e = *pte;
	s->vm.nr_accesses++;
	if (e & ZSIM_PTE_PRESENT) {
		/* the hot path: a hit sets the accessed bit and, on a read, touches
		 * nothing else (the frame is looked at only by reclaim) */
		uint32_t f = (uint32_t)e;
		if (!(e & ZSIM_PTE_YOUNG))
			*pte = e | ZSIM_PTE_YOUNG;
		if (s->mm.policy->touch)
			s->mm.policy->touch(s->mm.policy_priv, f);
		if (write)
			anon_write(s, &s->mm.frames[f], c, true);
		p->pending_cpu += s->cfg.access_ns;
		return 0;
	}
	if (!(e & ZSIM_PTE_SWAPPED) && !write) {
		/* a read of never-written anon memory maps the shared zero page */
		if (!(e & ZSIM_PTE_ZERO)) {
			*pte = ZSIM_PTE_ZERO;
			s->vm.pgfault++;
			p->faults_minor++;
			p->pending_cpu += s->cfg.minor_fault_ns;
		} else {
			p->pending_cpu += s->cfg.access_ns;
		}
		return 0;
	}
	if (e & ZSIM_PTE_SWAPPED) {
		struct zsim_swap_slot *sl = zsim_swap_slot_of(s, zsim_pte_swp(e));
		if (sl->flags & ZSIM_SLOT_CACHED) {
			/* still in the swap cache (read ahead, or swapped in before): map it */
			uint32_t f = sl->lo;
			/* VMA readahead counts its hits per VMA (the process's state here) */
			zsim_swap_cache_take(s, f, ZSIM_FK_ANON, (uint32_t)(p - s->pr.procs), vpage,
					     s->sw.vma_ra ? &p->ra : NULL);
			s->vm.pgfault++;
			p->faults_minor++;
			p->pending_cpu += s->cfg.minor_fault_ns;
			*pte = ZSIM_PTE_PRESENT | f;
			p->rss_anon++;
			p->swapents--;
			if (write)
				anon_write(s, &s->mm.frames[f], c, false);
			return 0;
		}
	}
	uint32_t f = zsim_mm_alloc_frame_round(s, p, wait_until);
	if (f == ZSIM_FRAME_NONE)
		return ZSIM_ENOMEM;    /* p was OOM-killed */
	if (f == ZSIM_FRAME_RETRY) {
		s->vm.nr_accesses--;   /* counted again when retried */
		return ZSIM_EAGAIN;
	}
	e = *pte;   /* leaves never move: pte is still this page's entry */
	struct zsim_frame *fr = &s->mm.frames[f];
	fr->word = zsim_frame_word(ZSIM_FK_ANON, vpage);
	fr->owner = (uint32_t)(p - s->pr.procs);
	s->vm.pgfault++;
	if (e & ZSIM_PTE_SWAPPED) {
		uint64_t cpu = 0, io = s->clk.now;
		zsim_swap_in(s, zsim_pte_swp(e), f, p, vpage, &cpu, &io);
		s->vm.pgmajfault++;
		p->faults_major++;
		uint64_t lat = cpu + (io > s->clk.now ? io - s->clk.now : 0);
		zsim_hist_add(&s->out.fault_lat, lat);
		p->pending_cpu += cpu;
		if (io > *wait_until)
			*wait_until = io;
		p->swapents--;
		if (write)
			anon_write(s, fr, c, false);
		fr->pflags |= ZSIM_PG_REFERENCED;
	} else {
		set_content(fr, c);
		p->faults_minor++;
		p->pending_cpu += s->cfg.minor_fault_ns;
	}
	zsim_mm_lru_add(s, f);
	if (e & ZSIM_PTE_SWAPPED)
		zsim_ws_refault(s, f, e);
	*pte = ZSIM_PTE_PRESENT | f;
	p->rss_anon++;
	return 0;
}

/* Drop one page-table entry's page (present, swapped or zero); `cleared`:
 * the policy's lists were emptied whole (zsim_mm_exit), the page is only
 * marked off them. */
static void drop_pte(struct zsim_sim *s, struct zsim_proc *p, uint64_t e, bool cleared)
{
	if (e & ZSIM_PTE_PRESENT) {
		uint32_t f = (uint32_t)e;
		struct zsim_frame *fr = &s->mm.frames[f];
		if (fr->mflags & ZSIM_MF_SWAPCACHE)
			zsim_swap_release(s, zsim_swp_entry(fr->swapdev, fr->swap));
		if (cleared)
			zsim_flist_forget(s->mm.frames, f);
		else
			s->mm.policy->del(s->mm.policy_priv, f);
		zsim_mm_free_frame(s, f);
		p->rss_anon--;
	} else if (e & ZSIM_PTE_SWAPPED) {
		zsim_swap_release(s, zsim_pte_swp(e));
		p->swapents--;
	}
}

struct exit_walk {
	struct zsim_sim *s;
	struct zsim_proc *p;
	uint64_t *q[8];            /* exit: the entries visited and not dropped yet (a ring) */
	uint64_t n;                /* exit: entries visited */
	bool cleared;              /* exit: the policy's lists were emptied whole */
};

static void unmap_one(void *arg, uint64_t page, uint64_t *e)
{
	struct exit_walk *w = arg;
	(void)page;
	drop_pte(w->s, w->p, *e, false);
	*e = 0;
}

/* Visits the pages that exist in the range, in address order (an unmap of
 * 2^40 pages costs what the process has, not 2^40). */
void zsim_mm_unmap(struct zsim_sim *s, struct zsim_proc *p, uint64_t vpage, uint64_t npages)
{
	struct exit_walk w = { .s = s, .p = p };
	uint64_t end = vpage + npages < vpage ? UINT64_MAX : vpage + npages;
	zsim_pgt_each_range(&p->pt, vpage, end, unmap_one, &w);
}

/*
 * Teardown drops the entries in address order, a few behind the walk: the
 * frame of an entry is loaded as the walk reaches it, its list neighbours
 * (which dropping it writes) EXIT_LINKS entries later, and it is dropped
 * EXIT_AHEAD entries later - counted in entries that exist, across leaves,
 * so a sparse address space is loaded ahead as well as a dense one.  The
 * hints change nothing; the drops happen in the walk's order.
 */
#define EXIT_AHEAD 8u
#define EXIT_LINKS 4u
_Static_assert(EXIT_AHEAD == ZSIM_ARRAY_SIZE(((struct exit_walk *)0)->q), "the ring holds EXIT_AHEAD entries");

static void exit_one(void *arg, uint64_t page, uint64_t *e)
{
	struct exit_walk *w = arg;
	struct zsim_sim *s = w->s;
	(void)page;
	uint64_t i = w->n++;
	if (i >= EXIT_AHEAD)
		drop_pte(s, w->p, *w->q[i % EXIT_AHEAD], w->cleared);
	w->q[i % EXIT_AHEAD] = e;
	if (*e & ZSIM_PTE_PRESENT)
		zsim_frame_prefetch(&s->mm.frames[(uint32_t)*e]);
	if (i >= EXIT_LINKS && !w->cleared && s->mm.policy->prefetch) {
		uint64_t v = *w->q[(i - EXIT_LINKS) % EXIT_AHEAD];
		if (v & ZSIM_PTE_PRESENT)
			s->mm.policy->prefetch(s->mm.policy_priv, (uint32_t)v);
	}
}

/*
 * Where the exiting process maps every page on the lists (the last process
 * of a run, a trace of one), the lists are emptied at once rather than
 * unlinked page by page: each unlink writes two list neighbours, random
 * frames over the whole of RAM (at 10 M frames two thirds of the teardown).
 * The pages are freed in the same order either way, so nothing else moves.
 * Every page on the lists is counted in lru_pages and every page the process
 * maps is one of them (anon, present), so equal counts mean the same set.
 */
void zsim_mm_exit(struct zsim_sim *s, struct zsim_proc *p)
{
	struct exit_walk w = { .s = s, .p = p };
	if (s->mm.policy->clear && p->rss_anon && p->rss_anon == s->mm.lru_pages) {
		s->mm.policy->clear(s->mm.policy_priv);
		w.cleared = true;
	}
	zsim_pgt_each(&p->pt, exit_one, &w);
	for (uint64_t i = w.n > EXIT_AHEAD ? w.n - EXIT_AHEAD : 0; i < w.n; i++)
		drop_pte(s, p, *w.q[i % EXIT_AHEAD], w.cleared);
	zsim_pgt_free(&p->pt);
	zsim_pgt_init(&p->pt);
	pgtable_release(s, p);
}

/* ---- checks -------------------------------------------------------------------- */

int zsim_mm_check(const struct zsim_sim *s, char *msg, size_t len)
{
	uint64_t lru = 0, wb = 0;
	for (uint32_t f = 0; f < s->mm.nr_frames; f++) {
		const struct zsim_frame *fr = &s->mm.frames[f];
		lru += fr->kind != ZSIM_FK_FREE;
		if (fr->kind != ZSIM_FK_FREE && (fr->mflags & ZSIM_MF_WRITEBACK)) {
			wb++;   /* under writeback: in the swap cache */
			if (!(fr->mflags & ZSIM_MF_SWAPCACHE)) {
				snprintf(msg, len, "mm: frame %u is under writeback, not in the swap cache", f);
				return ZSIM_ECORRUPT;
			}
		}
		/* an anon page is dirty only against a copy in its slot (anon_write) */
		if (fr->kind == ZSIM_FK_ANON && (fr->mflags & ZSIM_MF_DIRTY) && !(fr->mflags & ZSIM_MF_SWAPCACHE)) {
			snprintf(msg, len, "mm: anon frame %u is dirty but in no swap slot", f);
			return ZSIM_ECORRUPT;
		}
		/* a swap-cache page and its slot name each other (the slot reads
		 * its seed from the frame: swap.c) */
		if (fr->kind != ZSIM_FK_FREE && (fr->mflags & ZSIM_MF_SWAPCACHE)) {
			const struct zsim_swap_slot *sl = &s->sw.swap[fr->swapdev].slots[fr->swap];
			if (!(sl->flags & ZSIM_SLOT_USED) || zsim_slot_frame(sl) != f) {
				snprintf(msg, len, "mm: frame %u is in the swap cache at %u:%u, which names frame %u",
					 f, fr->swapdev, fr->swap, zsim_slot_frame(sl));
				return ZSIM_ECORRUPT;
			}
		}
	}
	if (lru != s->mm.lru_pages || s->mm.nr_free + s->mm.lru_pages + s->mm.zspages + s->mm.slab_pages +
					      s->mm.pgtable_pages + s->mm.reserve_pages != s->mm.nr_frames) {
		snprintf(msg, len, "mm: frames do not add up: free %llu + lru %llu (counted %llu) + zspages "
			 "%llu + slab %llu + page tables %llu + reserve %llu != %u", (unsigned long long)s->mm.nr_free,
			 (unsigned long long)s->mm.lru_pages, (unsigned long long)lru,
			 (unsigned long long)s->mm.zspages, (unsigned long long)s->mm.slab_pages,
			 (unsigned long long)s->mm.pgtable_pages,
			 (unsigned long long)s->mm.reserve_pages, s->mm.nr_frames);
		return ZSIM_ECORRUPT;
	}
	/* each frame under writeback has its write queued, once: every live entry
	 * names a frame under writeback, so with no frame named twice the counts
	 * match exactly when every such frame is queued */
	uint64_t queued = 0;
	for (uint64_t i = 0; i < s->mm.wb_len; i++) {
		const struct zsim_wb_pending *w = &s->mm.wb[i];
		if (!wb_live(w))
			continue;
		const struct zsim_frame *fr = &s->mm.frames[w->frame];
		if (fr->kind == ZSIM_FK_FREE || !(fr->mflags & ZSIM_MF_WRITEBACK)) {
			snprintf(msg, len, "mm: a write in flight names frame %u, which is not under writeback", w->frame);
			return ZSIM_ECORRUPT;
		}
		queued++;
	}
	if (wb != s->mm.nr_writeback || queued != wb) {
		snprintf(msg, len, "mm: %llu frames under writeback, %llu counted, %llu queued", (unsigned long long)wb,
			 (unsigned long long)s->mm.nr_writeback, (unsigned long long)queued);
		return ZSIM_ECORRUPT;
	}
	if (s->mm.free_unmovable > s->mm.nr_free) {
		snprintf(msg, len, "mm: %llu free pages on the unmovable lists, %llu free in all",
			 (unsigned long long)s->mm.free_unmovable, (unsigned long long)s->mm.nr_free);
		return ZSIM_ECORRUPT;
	}
	uint64_t swap_free = 0;
	for (unsigned i = 0; i < s->sw.nr_swap; i++)
		swap_free += s->sw.swap[i].nr_slots - s->sw.swap[i].used;
	if (swap_free != zsim_swap_free_pages(s)) {
		snprintf(msg, len, "mm: %llu free swap slots in the areas, %llu counted",
			 (unsigned long long)swap_free, (unsigned long long)zsim_swap_free_pages(s));
		return ZSIM_ECORRUPT;
	}
	uint64_t on_lists = s->mm.policy->size(s->mm.policy_priv, 0) + s->mm.policy->size(s->mm.policy_priv, 1);
	if (on_lists != s->mm.lru_pages) {
		snprintf(msg, len, "mm: %llu pages on the LRU lists, %llu in use",
			 (unsigned long long)on_lists, (unsigned long long)s->mm.lru_pages);
		return ZSIM_ECORRUPT;
	}
	return s->mm.policy->check(s->mm.policy_priv, msg, len);
}
