/*
 * swap.c - swap devices: slots, priorities, and what each slot holds.
 *
 * What the kernel does (mm/swapfile.c, mm/page_io.c, mm/memory.c).  Swap areas
 * are used in priority order: a page goes to the highest-priority area with a
 * free slot (equal priorities take turns).  A synchronous device (zram since
 * 4.15, SWP_SYNCHRONOUS_IO) is read straight into the faulting page, bypassing
 * the swap cache, and its slot is freed at once; zram frees the compressed
 * copy when told (swap_slot_free_notify).  Before 4.15 zram was swapped in
 * like any device: through the swap cache, with readahead, keeping the
 * compressed copy beside the page until swap is half full.  On other devices a swapped-in page stays
 * in the swap cache with its slot, so while it is not written to, reclaim can
 * drop it again without a write; the slot is freed early when swap is more
 * than half full (vm_swap_full).  A slot is freed when the last reference
 * goes (unmap, exit, a write to the page).  From 5.19 a write frees it only
 * when it faults the page in (should_try_to_free_swap): a write to a page a
 * read fault mapped reuses it in place (do_wp_page), the slot keeping a stale
 * copy that reclaim replaces by writing the page to that same slot again
 * (mm.c anon_write; zswap frees the old entry as it takes the new one).
 *
 * A write the device refuses (zram finding no frame, or its pool over
 * mem_limit) fails as the kernel fails it (mm/page_io.c, mm/vmscan.c of 6.1):
 * the page took its slot and entered the swap cache before the write
 * (add_to_swap), up to 6.2 the driver's rw_page is tried first and the page
 * then goes again as a bio, which is counted in pswpout when submitted and
 * fails too (so zram's failed_writes moves twice per attempt, once from 6.3);
 * the bio's error re-dirties the page, and reclaim keeps it, resident, on the
 * inactive list, in the swap cache, holding its slot, to write it to that slot
 * when it next comes round.  Such slots count as used: swap can fill with
 * pages that are still in RAM, and then anon pages are no longer scanned.
 *
 * What the model keeps: priorities, slots with the content they hold, the
 * synchronous path for zram, the swap cache and vm_swap_full for the others,
 * the failed write above (the page stays mapped - the kernel had unmapped it,
 * so its next access is a minor fault there and none here; a read of it keeps
 * the slot, where the kernel, with swap over half full, frees it at that
 * fault).  The CPU a refused store spent compressing is the writer's.  Slot choice:
 * next fit, the first free slot from the one after the last allocated,
 * wrapping round at the end: the kernel's per-CPU clusters hand out slots in
 * order on an SSD (and on every device from 6.14), and freed slots come
 * back through the per-CPU slot caches in batches, so a slot just freed is
 * not handed out again at once
 * (the order decides an HDD's seeks, request merging, dm-cache's sequential
 * detection and cluster readahead's neighbours).  On a rotational area
 * before 6.14, scan_swap_map_slots' rule instead (slot_pick): runs of
 * SWAPFILE_CLUSTER slots, each new run from the first wholly free stretch
 * from the lowest free slot.  Simplified: no per-CPU split, and the per-CPU
 * slot cache's batches of 64 are not kept apart (a new run is looked for at
 * the slot that needs it, the kernel's at the start of the batch that
 * does).  Slot tables are allocated zeroed and touched only as slots get used, so a large swap
 * device costs the simulator memory only for what it holds.  Swap-in
 * readahead follows the kernel's adaptive window (below): VMA readahead where
 * the profile has it, cluster readahead before it and whenever one swap area
 * is on a device the kernel sees as rotational (swap_use_vma_readahead tests
 * nr_rotate_swap, 4.15 through 6.18; a virtio disk is one).
 *
 * zswap (tiers/zswap.c), when configured, sits in front of every area, as the
 * kernel's swap_writepage offers each page to zswap_store before the device:
 * the slot is taken as usual, and a page zswap keeps is written nowhere else
 * (no pswpout; zswpout).  A swap-in asks zswap first (zswap_load); a hit costs
 * a decompression and no I/O, and, with exclusive loads, frees the slot so the
 * page is written again when it next leaves RAM.  A page zswap gives up
 * (writeback) is written to its slot's device through the sink below, one page
 * at a time.  zswap sits below the readahead, in swap_readpage (frontswap_load
 * until 6.5): a fault on a non-synchronous area reads its window whether zswap
 * holds the faulting page or not, and each page of the window comes from zswap
 * (zswpin, no pswpin) or from the device (pswpin); the fault waits for its own
 * page, not for the window's device reads.  Whatever the source, the faulting
 * process pays mm.major_fault_time for the fault itself (its entry, the page,
 * the mapping) beside the device's or zswap's work; 0 unless set, since only
 * the validation's guests measure it (their minor fault's time, a lower
 * bound).  With exclusive loads (6.8+, or the
 * 6.5-6.7 knob) readahead leaves zswap's entries alone: a simplification (the
 * kernel loads them into the swap cache and marks them dirty).
 *
 * The zeromap (6.12+, kp->swap_zeromap): swap_writepage records a zero-filled
 * page in the area's zeromap and writes it nowhere - not to zswap, not to the
 * device (swpout_zero); a swap-in of it fills the page with zeros, no I/O
 * (swpin_zero).  The model knows a page is zero-filled by its content class
 * (a corpus page of zeros, or a same-filled page of zero words, is written as
 * any page: a simplification).
 *
 * Each swap-in's latency (its CPU work and its I/O wait) goes into the
 * histogram of its source: the area's device, zswap or the zeromap.
 *
 * What it drops: round-robin between equal priorities (the first listed wins),
 * discard.
 */
#include "sim.h"
#include "../core/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


uint64_t zsim_content_hash(const struct zsim_content_ref *c)
{
	uint64_t x = c->seed ^ ((uint64_t)c->cls << 56) ^ ((uint64_t)c->param << 48) ^ 0x5a17c0de5a17c0deull;
	return zsim_splitmix64(&x);
}

void zsim_content_fill_ref(const void *ctx, uint8_t *buf)
{
	const struct zsim_fill_ctx *fc = ctx;
	const struct zsim_content_ref *c = &fc->c;
	if (c->cls == ZSIM_CONTENT_CORPUS) {
		/* the engine checked the index against the corpus when it read the event */
		char err[256];
		if (zsim_content_corpus_read(fc->s->pr.groups[c->param].corpus, c->seed, buf, err, sizeof(err)) < 0) {
			/* the file changed under us: no honest result is possible.  The
			 * page reads as zeros and the engine stops the run with this
			 * error after the current step (zsim_sim_run). */
			memset(buf, 0, ZSIM_PAGE_SIZE);
			if (!fc->s->fatal[0])
				snprintf(fc->s->fatal, sizeof(fc->s->fatal), "%s", err);
		}
		return;
	}
	zsim_content_fill_param((enum zsim_content_class)c->cls, c->param, c->seed, buf);
}

_Static_assert(sizeof(struct zsim_swap_slot) == 8, "a swap slot is 8 bytes (sim.h)");

/* The area slot sl belongs to (the rare path: a seed in wide_hi). */
static unsigned slot_area(const struct zsim_sim *s, const struct zsim_swap_slot *sl)
{
	for (unsigned i = 0; i < s->sw.nr_swap; i++)
		if (sl >= s->sw.swap[i].slots && sl < s->sw.swap[i].slots + s->sw.swap[i].nr_slots)
			return i;
	abort();   /* every slot is some area's */
}

/* The index of high half `hi` in the table, added if new; ZSIM_SLOT_HI_WIDE
 * when the table is full and has not got it. */
static uint8_t hi_index(struct zsim_swapstate *sw, uint32_t hi)
{
	unsigned mask = sizeof(sw->hi_hash) - 1;
	for (unsigned b = (hi * 0x9e3779b1u) >> 23 & mask;; b = (b + 1) & mask) {
		if (!sw->hi_hash[b]) {
			if (sw->nr_hi == ZSIM_SLOT_HI_WIDE)
				return ZSIM_SLOT_HI_WIDE;
			sw->hi_val[sw->nr_hi] = hi;
			sw->hi_hash[b] = (uint8_t)++sw->nr_hi;
			return (uint8_t)(sw->nr_hi - 1);
		}
		if (sw->hi_val[sw->hi_hash[b] - 1] == hi)
			return (uint8_t)(sw->hi_hash[b] - 1);
	}
}

/* The slot keeps `seed` (its own, not a frame's). */
static void slot_set_seed(struct zsim_sim *s, struct zsim_swap_slot *sl, uint64_t seed)
{
	uint32_t hi = (uint32_t)(seed >> 32);
	sl->lo = (uint32_t)seed;
	sl->hix = hi_index(&s->sw, hi);
	if (sl->hix == ZSIM_SLOT_HI_WIDE) {
		struct zsim_swapdev *sd = &s->sw.swap[slot_area(s, sl)];
		if (!sd->wide_hi)   /* zeroed, touched only where used, as the slots */
			sd->wide_hi = zsim_xcalloc(sd->nr_slots, sizeof(*sd->wide_hi));
		sd->wide_hi[sl - sd->slots] = hi;
	}
}

/* A used slot's seed: its own, or its swap-cache frame's (the same content;
 * not read while the frame is dirty, whose slot's copy is older: nothing
 * reads a cached slot's page but a clean drop, slot_uncache). */
static uint64_t slot_seed(const struct zsim_sim *s, const struct zsim_swap_slot *sl)
{
	if (sl->flags & ZSIM_SLOT_CACHED)
		return s->mm.frames[sl->lo].seed;
	uint32_t hi;
	if (sl->hix != ZSIM_SLOT_HI_WIDE) {
		hi = s->sw.hi_val[sl->hix];
	} else {
		const struct zsim_swapdev *sd = &s->sw.swap[slot_area(s, sl)];
		hi = sd->wide_hi[sl - sd->slots];
	}
	return (uint64_t)hi << 32 | sl->lo;
}

/* The slot's page enters the swap cache in frame f (pre: f holds the same
 * content): the slot names the frame instead of its seed. */
static void slot_cache(struct zsim_swap_slot *sl, uint32_t f)
{
	sl->lo = f;
	sl->flags |= ZSIM_SLOT_CACHED;
}

/* It leaves the swap cache (the frame is dropped or let go): the seed comes back. */
static void slot_uncache(struct zsim_sim *s, struct zsim_swap_slot *sl)
{
	if (!(sl->flags & ZSIM_SLOT_CACHED))
		return;
	slot_set_seed(s, sl, s->mm.frames[sl->lo].seed);
	sl->flags &= (uint8_t)~ZSIM_SLOT_CACHED;
}

/* The page a slot holds, as a tier sees it (its bytes made when needed). */
static void slot_page(struct zsim_sim *s, const struct zsim_swap_slot *sl, struct zsim_fill_ctx *fc,
		      struct zsim_page_ref *pg)
{
	fc->s = s;
	fc->c = (struct zsim_content_ref){ .cls = sl->cls, .param = sl->param, .seed = slot_seed(s, sl) };
	*pg = (struct zsim_page_ref){ .bytes = NULL, .hash = zsim_content_hash(&fc->c),
				      .fill = zsim_content_fill_ref, .ctx = fc,
				      .ctx_size = sizeof(*fc) };
}

/*
 * zswap's writeback sink: the page of `entry` goes to its slot's device.  Not
 * while the page is in the swap cache (swapped in, the entry kept by a
 * non-exclusive load, or written since: 5.19+): zswap_writeback_entry finds it
 * there and gives up (-EEXIST), and the entry stays.
 */
static int zswap_sink_write(void *ctx, uint64_t entry, uint64_t now, uint64_t *done)
{
	struct zsim_sim *s = ctx;
	struct zsim_swapdev *sd = &s->sw.swap[zsim_swp_area(entry)];
	uint64_t slot = zsim_swp_slot(entry);
	struct zsim_swap_slot *sl = &sd->slots[slot];
	struct zsim_fill_ctx fc;
	struct zsim_page_ref pg;
	uint64_t cpu = 0;
	if (sl->flags & ZSIM_SLOT_CACHED)
		return ZSIM_EAGAIN;
	slot_page(s, sl, &fc, &pg);
	int rc = sd->tier->ops->store(sd->tier->priv, slot, &pg);
	if (rc < 0) {
		sd->failed_writes++;
		s->vm.swap_write_fail++;
		return rc;
	}
	sl->where = ZSIM_SLOT_DEVICE;
	*done = sd->tier->ops->io ? sd->tier->ops->io(sd->tier->priv, now, true, slot, 1, &cpu) : now;
	sd->swapouts++;
	s->vm.pswpout++;
	return 0;
}

static uint64_t zswap_sink_now(void *ctx)
{
	return ((const struct zsim_sim *)ctx)->clk.now;
}

static int zswap_init(struct zsim_sim *s, char *err, size_t errlen)
{
	const struct zsim_dev_cfg *zc = &s->cfg.zswap;
	if (!s->cfg.has_zswap)
		return 0;
	const struct zsim_key *en = zsim_keys_find(zc->tier->keys, "enabled");
	if (en && !*(const bool *)(const void *)(zc->tcfg.b + en->offset))
		return 0;   /* configured but off: nothing in front of the devices */
	s->sw.zswap_sink = (struct zsim_wb_sink){ zswap_sink_write, zswap_sink_now, s };
	struct zsim_tier_params tp = {
		.kp = s->cfg.kp,
		.frames = &s->mm.ram_source,
		.frames_unmovable = &s->mm.ram_source_unmovable,
		.frames_slab = &s->mm.ram_source_slab,
		.capacity_pages = zsim_swap_total_pages(s),
		.cfg = zc->tcfg.b,
		.codec_compress_ns = s->cfg.codec_compress_ns,
		.codec_decompress_ns = s->cfg.codec_decompress_ns,
		.codec_compress_ns_per_kib = s->cfg.codec_compress_ns_per_kib,
		.codec_decompress_ns_per_kib = s->cfg.codec_decompress_ns_per_kib,
		.wb_sink = &s->sw.zswap_sink,
		.totalram_pages = s->mm.memtotal_pages,
	};
	char msg[256];
	int rc = zsim_tier_new(zc->tier->name, &tp, &s->sw.zswap, msg, sizeof(msg));
	if (rc < 0) {
		snprintf(err, errlen, "$.zswap: %s", msg);
		return rc;
	}
	if (zsim_tier_control(s->sw.zswap, ZSIM_TCTL_EXCLUSIVE, &s->sw.zswap_exclusive) < 0)
		s->sw.zswap_exclusive = false;
	return 0;
}

/* zswap's shrink worker, queued by a refused store: a background round. */
static uint64_t zswap_background(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	struct zsim_tctl_writeback wb = { .now = s->clk.now };
	uint64_t every = 0;
	zsim_tier_control(s->sw.zswap, ZSIM_TCTL_WRITEBACK, &wb);
	zsim_tier_control(s->sw.zswap, ZSIM_TCTL_BACKGROUND, &every);
	zsim_cpu_run(s, s->clk.now, wb.cpu_ns);   /* a kworker's CPU */
	return every;
}

void zsim_swap_background_init(struct zsim_sim *s)
{
	uint64_t every;
	if (s->sw.zswap && zsim_tier_control(s->sw.zswap, ZSIM_TCTL_BACKGROUND, &every) == 0)
		zsim_timer_add(s, every, 0, zswap_background, NULL);
}

/* do_shrink_slab with DEFAULT_SEEKS (2): scan (count >> priority) * 4 / 2. */
uint64_t zsim_swap_shrink_slab(struct zsim_sim *s, int priority, uint64_t *cpu_ns)
{
	if (!s->sw.zswap)
		return 0;
	struct zsim_tctl_shrink sh = { .now = s->clk.now };
	if (zsim_tier_control(s->sw.zswap, ZSIM_TCTL_SHRINK, &sh) < 0 || !sh.count)
		return 0;
	sh.nr_to_scan = (sh.count >> priority) * 4 / 2;
	if (!sh.nr_to_scan)
		return 0;
	sh.cpu_ns = 0;
	zsim_tier_control(s->sw.zswap, ZSIM_TCTL_SHRINK, &sh);
	*cpu_ns += sh.cpu_ns;
	return sh.moved;
}

/* A swap area's slot table.  Huge pages only for a table of 64 MiB and up
 * (8 Mi slots): a huge page is resident whole once touched, so the slots in
 * use plus at most one partly used huge page, 3% at most there; a smaller
 * table takes 4 KiB pages as it is touched. */
#define SLOTS_HUGE_MIN (64ull << 20)

static struct zsim_swap_slot *slots_alloc(uint64_t n)
{
	return n * sizeof(struct zsim_swap_slot) >= SLOTS_HUGE_MIN ? zsim_xcalloc_big(n, sizeof(struct zsim_swap_slot))
								   : zsim_xcalloc(n, sizeof(struct zsim_swap_slot));
}

static void slots_free(struct zsim_swap_slot *t, uint64_t n)
{
	if (n * sizeof(*t) >= SLOTS_HUGE_MIN)
		zsim_free_big(t, n, sizeof(*t));
	else
		free(t);
}

int zsim_swap_init(struct zsim_sim *s, char *err, size_t errlen)
{
	/* swap areas sorted by priority, highest first; stable for equal ones */
	unsigned order[ZSIM_CFG_MAX_SWAP];
	for (unsigned i = 0; i < s->cfg.nr_swap; i++)
		order[i] = i;
	for (unsigned i = 1; i < s->cfg.nr_swap; i++)
		for (unsigned j = i; j > 0 && s->cfg.swap[order[j]].priority > s->cfg.swap[order[j - 1]].priority; j--) {
			unsigned t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	s->sw.total_pages = 0;
	for (unsigned i = 0; i < s->cfg.nr_swap; i++) {
		const struct zsim_swap_cfg *sc = &s->cfg.swap[order[i]];
		struct zsim_swapdev *sd = &s->sw.swap[i];
		sd->cfg_index = sc->device;
		sd->priority = sc->priority;
		sd->tier = s->dev.devtier[sc->device];
		if (zsim_tier_control(sd->tier, ZSIM_TCTL_SYNC_IO, &sd->sync) < 0)
			sd->sync = false;
		if (zsim_tier_control(sd->tier, ZSIM_TCTL_ROTATIONAL, &sd->rotational) < 0)
			sd->rotational = false;
		sd->nr_slots = s->cfg.dev[sc->device].size / ZSIM_PAGE_SIZE;
		sd->slots = slots_alloc(sd->nr_slots);
		sd->busy = zsim_xcalloc(sd->nr_slots / 64 + 1, sizeof(*sd->busy));
		s->sw.total_pages += sd->nr_slots;
	}
	s->sw.free_pages = s->sw.total_pages;
	s->sw.nr_swap = s->cfg.nr_swap;
	s->sw.ra.hits = ZSIM_RA_START_HITS;
	/* swap_use_vma_readahead: one rotational area (nr_rotate_swap, counted
	 * at swapon since 4.15) sends every swap-in to cluster readahead */
	s->sw.vma_ra = s->cfg.kp->swap_vma_readahead;
	for (unsigned i = 0; i < s->sw.nr_swap; i++)
		if (s->sw.swap[i].rotational)
			s->sw.vma_ra = false;
	return zswap_init(s, err, errlen);
}


uint64_t zsim_swap_free_pages(const struct zsim_sim *s)
{
	return s->sw.free_pages;
}

uint64_t zsim_swap_total_pages(const struct zsim_sim *s)
{
	return s->sw.total_pages;
}

void zsim_swap_free_all(struct zsim_sim *s)
{
	zsim_tier_free(s->sw.zswap);
	s->sw.zswap = NULL;
	for (unsigned i = 0; i < s->sw.nr_swap; i++) {
		slots_free(s->sw.swap[i].slots, s->sw.swap[i].nr_slots);
		free(s->sw.swap[i].busy);
		free(s->sw.swap[i].wide_hi);
	}
}

int zsim_swap_cache_evict(struct zsim_sim *s, uint32_t f, uint64_t *cpu)
{
	const struct zsim_frame *fr = &s->mm.frames[f];
	(void)cpu;
	zsim_swap_uncache(s, zsim_swp_entry(fr->swapdev, fr->swap));
	zsim_mm_free_frame(s, f);
	return 0;
}

void zsim_swap_cache_written(struct zsim_sim *s, uint64_t entry, uint32_t f)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	struct zsim_swap_slot *sl = zsim_swap_slot_of(s, entry);
	fr->kind = ZSIM_FK_SWAPCACHE;
	fr->owner = UINT32_MAX;
	fr->mflags |= ZSIM_MF_SWAPCACHE | ZSIM_MF_WRITEBACK | ZSIM_MF_RECLAIMED;
	fr->swapdev = (uint8_t)zsim_swp_area(entry);
	fr->swap = (uint32_t)zsim_swp_slot(entry);
	slot_cache(sl, f);
}

void zsim_swap_cache_take(struct zsim_sim *s, uint32_t f, enum zsim_frame_kind kind, uint32_t owner,
			  uint64_t index, struct zsim_ra_state *vma_ra)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	if (fr->mflags & ZSIM_MF_RECLAIMED) {
		/* reclaim wrote it out and had not freed it yet: mapped again, no I/O */
		fr->mflags &= (uint8_t)~ZSIM_MF_RECLAIMED;
	} else if (fr->kind == ZSIM_FK_SWAPCACHE) {   /* it came in by readahead: a hit */
		s->sw.swap[fr->swapdev].readahead_hits++;
		(vma_ra ? vma_ra : &s->sw.ra)->hits++;
	}
	fr->kind = kind;
	fr->owner = owner;
	fr->index = index;
	fr->pflags |= ZSIM_PG_REFERENCED;
}

struct zsim_swap_slot *zsim_swap_slot_of(struct zsim_sim *s, uint64_t entry)
{
	return &s->sw.swap[zsim_swp_area(entry)].slots[zsim_swp_slot(entry)];
}

void zsim_swap_uncache(struct zsim_sim *s, uint64_t entry)
{
	slot_uncache(s, zsim_swap_slot_of(s, entry));
}

/*
 * The device write of a swap-out (swap_writepage past zswap and the zeromap).
 * Where the profile and the driver have rw_page, a refused page is submitted a
 * second time as a bio, which the driver refuses again (its own failed-write
 * counter moves twice, as zram's does).  A refused store's CPU (zram compresses
 * before it asks its pool) is the writer's.
 */
static int device_store(struct zsim_sim *s, struct zsim_swapdev *sd, uint32_t slot, const struct zsim_page_ref *pg,
			uint64_t *cpu_ns)
{
	int tries = s->cfg.kp->swap_rw_page && (sd->tier->ops->flags & ZSIM_TIER_RW_PAGE) ? 2 : 1, rc;
	while ((rc = sd->tier->ops->store(sd->tier->priv, slot, pg)) < 0) {
		zsim_tier_control(sd->tier, ZSIM_TCTL_REFUSED_CPU, cpu_ns);
		if (--tries == 0)
			break;
	}
	return rc;
}

/* Write frame f's page to slot `slot` of area d, which it holds (zsim_swap_out). */
static int swap_write(struct zsim_sim *s, unsigned d, uint32_t slot, uint32_t f, uint64_t *entry,
		      uint64_t *cpu_ns, uint64_t *io_done)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	struct zsim_swapdev *sd = &s->sw.swap[d];
	struct zsim_fill_ctx fc = { s, { .cls = fr->cls, .param = fr->param, .seed = fr->seed } };
	struct zsim_page_ref pg = { .bytes = NULL, .hash = zsim_content_hash(&fc.c),
				    .fill = zsim_content_fill_ref, .ctx = &fc,
				    .ctx_size = sizeof(fc) };
	uint8_t where = ZSIM_SLOT_DEVICE;
	if (s->cfg.kp->swap_zeromap && fr->cls == ZSIM_CONTENT_ZERO)
		where = ZSIM_SLOT_ZERO;   /* recorded in the zeromap, written nowhere */
	else if (s->sw.zswap) {
		struct zsim_tier *z = s->sw.zswap;
		uint64_t e = zsim_swp_entry(d, slot);
		int zrc = z->ops->store(z->priv, e, &pg);
		z->ops->io(z->priv, s->clk.now, true, e, 1, cpu_ns);   /* the codec's CPU */
		if (zrc == 0)
			where = ZSIM_SLOT_ZSWAP;
	}
	int rc = where != ZSIM_SLOT_DEVICE ? 0 : device_store(s, sd, slot, &pg, cpu_ns);
	struct zsim_swap_slot *sl = &sd->slots[slot];
	sl->flags = ZSIM_SLOT_USED;   /* (a rewrite of a page whose write failed: not cached now) */
	sl->cls = fr->cls;
	sl->param = fr->param;
	slot_set_seed(s, sl, fr->seed);
	*entry = zsim_swp_entry(d, slot);
	if (rc < 0) {
		/* the write failed (zram found no frame, or hit mem_limit).  The kernel
		 * had taken the slot and put the page in the swap cache before writing
		 * (add_to_swap); the bio was counted in pswpout when submitted, and its
		 * error re-dirties the page: it stays in RAM, in the swap cache, holding
		 * the slot, and reclaim keeps it on the inactive list to write it again
		 * later.  The slot's device has no copy of it. */
		sl->where = ZSIM_SLOT_DEVICE;
		slot_cache(sl, f);
		fr->mflags = (uint8_t)((fr->mflags & ~ZSIM_MF_DIRTY) | ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN);
		fr->swapdev = (uint8_t)d;
		fr->swap = slot;
		sd->failed_writes++;
		s->vm.swap_write_fail++;
		s->vm.pswpout++;
		return ZSIM_EIO;
	}
	fr->mflags &= (uint8_t)~(ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN | ZSIM_MF_DIRTY);
	sl->where = where;
	if (where == ZSIM_SLOT_ZERO) {
		s->sw.zero_swapouts++;
		return 0;   /* swpout_zero: no write anywhere */
	}
	if (where == ZSIM_SLOT_ZSWAP)
		return 0;   /* kept in RAM, compressed: no device write, no pswpout */
	if (sd->tier->ops->io) {
		uint64_t done = sd->tier->ops->io(sd->tier->priv, s->clk.now, true, slot, 1, cpu_ns);
		if (done > *io_done)
			*io_done = done;
	}
	sd->swapouts++;
	s->vm.pswpout++;
	return 0;
}

/* The first free slot of sd at or after `from`, wrapping round once (one
 * exists: used < nr_slots). */
static uint64_t slot_find_free(const struct zsim_swapdev *sd, uint64_t from)
{
	if (!(sd->busy[from / 64] >> (from % 64) & 1))
		return from;   /* the common case: the cursor's own slot is free */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t i = pass ? 0 : from, end = pass ? from : sd->nr_slots;
		while (i < end) {
			uint64_t free = ~sd->busy[i / 64] & (~0ull << (i % 64));
			if (free) {
				uint64_t slot = i / 64 * 64 + (uint64_t)__builtin_ctzll(free);
				if (slot < end)
					return slot;
				break;
			}
			i = (i / 64 + 1) * 64;
		}
	}
	return sd->nr_slots;   /* not reached */
}

/* The first slot of the first run of `len` free slots, from the lowest free
 * one; nr_slots if there is none. */
static uint64_t slot_free_run(const struct zsim_swapdev *sd, uint64_t len)
{
	uint64_t run = 0;
	for (uint64_t w = 0; w * 64 < sd->nr_slots; w++) {
		uint64_t b = sd->busy[w];
		if (!b && run + 64 < len) {   /* a whole free word */
			run += 64;
			continue;
		}
		for (unsigned i = 0; i < 64 && w * 64 + i < sd->nr_slots; i++) {
			if (b >> i & 1) {
				run = 0;
			} else if (++run == len) {
				return w * 64 + i + 1 - len;
			}
		}
	}
	return sd->nr_slots;
}

/*
 * The slot a swap-out takes.  On a rotational area of a profile with the HDD
 * rule (kp->swap_hdd_cluster), scan_swap_map_slots': slots in a row from where
 * the last one was taken, and every swap_hdd_cluster of them a new run begins
 * at the first wholly free stretch of that length from the lowest free slot
 * (keeping the swap's span small for the disk's seeks), or goes on where it
 * was when there is none; a taken slot is skipped for the next free one.
 * Otherwise next fit (the header above).
 */
static uint64_t slot_pick(const struct zsim_sim *s, struct zsim_swapdev *sd)
{
	unsigned cluster = s->cfg.kp->swap_hdd_cluster;
	if (!sd->rotational || !cluster)
		return slot_find_free(sd, sd->cursor);
	uint64_t from = sd->cursor;
	if (!sd->cluster_left) {
		sd->cluster_left = cluster - 1;
		if (sd->nr_slots - sd->used >= cluster) {
			uint64_t run = slot_free_run(sd, cluster);
			if (run < sd->nr_slots)
				from = run;
		}
	} else {
		sd->cluster_left--;
	}
	return slot_find_free(sd, from);
}

/* Slots are taken in order from the cursor (next fit): a table big enough for
 * huge pages (SLOTS_HUGE_MIN) is backed ahead of it, 2 MiB at a time, up to
 * two ahead (core/prefault.c); a smaller one takes its faults as before (a
 * window backed and never used would be a sizeable share of it). */
#define SLOT_WINDOW ((2u << 20) / (uint32_t)sizeof(struct zsim_swap_slot))

static void slots_prefault(struct zsim_swapdev *sd, uint64_t slot)
{
	sd->prefault_at = slot + SLOT_WINDOW;
	if (sd->nr_slots * sizeof(*sd->slots) < SLOTS_HUGE_MIN)
		return;
	zsim_prefault_entries(sd->slots, sizeof(*sd->slots), sd->nr_slots, slot + 1, 2 * (uint64_t)SLOT_WINDOW);
}

int zsim_swap_out(struct zsim_sim *s, uint32_t f, uint64_t *entry, uint64_t *cpu_ns, uint64_t *io_done)
{
	const struct zsim_frame *fr = &s->mm.frames[f];
	/* its last write failed, or it was written since (in place, 5.19+): again,
	 * to the slot it holds; the stale copy is replaced there (zswap frees its
	 * entry for that index whether it takes the new one or not) */
	if (fr->mflags & (ZSIM_MF_UNWRITTEN | ZSIM_MF_DIRTY))
		return swap_write(s, fr->swapdev, fr->swap, f, entry, cpu_ns, io_done);
	for (unsigned d = 0; d < s->sw.nr_swap; d++) {
		struct zsim_swapdev *sd = &s->sw.swap[d];
		if (sd->used == sd->nr_slots)
			continue;
		uint32_t slot = (uint32_t)slot_pick(s, sd);
		if (__builtin_expect(slot >= sd->prefault_at, 0) && sd->slots)
			slots_prefault(sd, slot);
		sd->cursor = slot + 1 < sd->nr_slots ? slot + 1 : 0;
		sd->busy[slot / 64] |= 1ull << (slot % 64);
		sd->used++;
		s->sw.free_pages--;
		return swap_write(s, d, slot, f, entry, cpu_ns, io_done);
	}
	return ZSIM_ENOSPC;
}

void zsim_swap_release(struct zsim_sim *s, uint64_t entry)
{
	struct zsim_swapdev *sd = &s->sw.swap[zsim_swp_area(entry)];
	uint64_t slot = zsim_swp_slot(entry);
	struct zsim_swap_slot *sl = &sd->slots[slot];
	if (!(sl->flags & ZSIM_SLOT_USED))
		return;
	if (sl->where == ZSIM_SLOT_ZSWAP)
		s->sw.zswap->ops->invalidate(s->sw.zswap->priv, entry);
	else if (sl->where == ZSIM_SLOT_DEVICE)
		sd->tier->ops->invalidate(sd->tier->priv, slot);
	sl->where = ZSIM_SLOT_DEVICE;
	if (sl->flags & ZSIM_SLOT_CACHED) {
		uint32_t f = sl->lo;
		if (s->mm.frames[f].mflags & ZSIM_MF_WRITEBACK)
			zsim_mm_writeback_cancel(s, f);
		s->mm.frames[f].mflags &= (uint8_t)~(ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN | ZSIM_MF_RECLAIMED | ZSIM_MF_DIRTY);
		if (s->mm.frames[f].kind == ZSIM_FK_SWAPCACHE) {
			/* read ahead and never used: the page goes with its slot */
			s->mm.policy->del(s->mm.policy_priv, f);
			zsim_mm_free_frame(s, f);
		}
	}
	sl->flags = 0;
	sd->busy[slot / 64] &= ~(1ull << (slot % 64));
	sd->used--;
	s->sw.free_pages++;
}

/*
 * The readahead window (__swapin_nr_pages): 2 + the readahead hits since the
 * last fault pages; with no hits and a fault not next to the previous one, no
 * readahead at all; with hits, rounded up to a power of two, at least 4; at
 * most 2^page_cluster; never below half the previous window.  `st` is the
 * cluster state (global) or a process's (VMA readahead); offsets are slots or
 * virtual pages accordingly.
 */
static uint64_t ra_window(struct zsim_sim *s, struct zsim_ra_state *st, uint64_t off)
{
	uint64_t hits = st->hits, pages = hits + 2, max = 1ull << s->cfg.page_cluster;
	st->hits = 0;
	if (pages == 2) {
		if (off != st->prev_offset + 1 && off + 1 != st->prev_offset)
			pages = 1;
	} else {
		uint64_t up = 4;
		while (up < pages)
			up <<= 1;
		pages = up;
	}
	if (pages > max)
		pages = max;
	if (pages < st->prev_win / 2)
		pages = st->prev_win / 2;
	if (!hits)
		st->prev_offset = off;
	st->prev_win = pages;
	return pages;
}

/* What a readahead brought in: pages read from the devices (pswpin, device
 * I/O) and the CPU of those loaded from zswap (the faulting task's). */
struct ra_out {
	uint32_t dev_pages;
	uint64_t *cpu_ns;
};

/*
 * Bring slot j of device d into the swap cache, unmapped, on the inactive anon
 * list; false if it is free or already cached, or memory is at the min
 * watermark.  A readahead page is allocated as the faulting page is (the
 * fault's GFP_HIGHUSER_MOVABLE): below the low watermark the fault has woken
 * kswapd and the slow path takes pages down to min.  Simplified: below min
 * the kernel would direct-reclaim for a readahead page too; here it is
 * skipped.  The page comes from
 * wherever the slot's data is, as swap_readpage reads it: zswap (a load,
 * zswpin, no pswpin; not with exclusive loads, below), the zeromap (no I/O),
 * or the device (counted in ro->dev_pages).
 */
static bool ra_one(struct zsim_sim *s, unsigned d, uint64_t j, struct ra_out *ro)
{
	struct zsim_swapdev *sd = &s->sw.swap[d];
	struct zsim_swap_slot *sl = &sd->slots[j];
	if (sl->flags != ZSIM_SLOT_USED || s->mm.nr_free <= zsim_mm_wmark(s, s->mm.wmark_min) || !s->mm.nr_free_structs)
		return false;
	if (sl->where == ZSIM_SLOT_NOWHERE || (sl->where == ZSIM_SLOT_ZSWAP && s->sw.zswap_exclusive))
		return false;
	if (sl->where == ZSIM_SLOT_ZSWAP) {
		/* a non-exclusive load: zswap keeps its copy, the slot stays */
		struct zsim_tier *z = s->sw.zswap;
		uint64_t e = zsim_swp_entry(d, j);
		if (z->ops->load(z->priv, e, NULL) < 0)
			return false;   /* cannot happen: the slot says zswap holds it */
		z->ops->io(z->priv, s->clk.now, false, e, 1, ro->cpu_ns);
	} else if (sl->where == ZSIM_SLOT_DEVICE) {
		ro->dev_pages++;
	}
	uint32_t f = zsim_mm_alloc_frame(s, NULL);
	struct zsim_frame *fr = &s->mm.frames[f];
	fr->kind = ZSIM_FK_SWAPCACHE;
	fr->owner = UINT32_MAX;
	fr->cls = sl->cls;
	fr->param = sl->param;
	fr->seed = slot_seed(s, sl);
	fr->mflags |= ZSIM_MF_SWAPCACHE;
	fr->swapdev = (uint8_t)d;
	fr->swap = (uint32_t)j;
	slot_cache(sl, f);
	zsim_mm_lru_add(s, f);
	fr->pflags &= (uint8_t)~ZSIM_PG_REFERENCED;   /* nobody has used it yet */
	sd->readahead_pages++;
	return true;
}

/* Cluster readahead: the other used slots of the aligned window around `slot`. */
static uint32_t readahead_cluster(struct zsim_sim *s, unsigned d, uint64_t slot, struct ra_out *ro)
{
	uint64_t win = ra_window(s, &s->sw.ra, slot), base = slot & ~(win - 1);
	uint32_t n = 0;
	for (uint64_t j = base; j < base + win && j < s->sw.swap[d].nr_slots; j++)
		if (j != slot)
			n += ra_one(s, d, j, ro);
	return n;
}

/*
 * VMA readahead (swap_vma_readahead, the default since 4.14 while no swap
 * area is rotational): the swap
 * entries of the faulting process's neighbouring virtual pages - ahead of the
 * fault when it continues a forward run, behind it for a backward run, around
 * it otherwise - within the fault's 2 MiB-aligned page-table range.  Only
 * entries on non-synchronous devices are read ahead.  The window state is the
 * process's (the kernel keeps it per VMA).
 */
#define PTRS_PER_PMD 512   /* pages under one page-table page */

static uint32_t readahead_vma(struct zsim_sim *s, struct zsim_proc *p, uint64_t vpage, struct ra_out *ro)
{
	uint64_t prev = p->ra.prev_offset;
	uint64_t win = ra_window(s, &p->ra, vpage);
	if (win <= 1)
		return 0;
	/* pages before the fault: none on a forward run, all but one on a backward
	 * run, half otherwise; the window is then cut to the page-table range */
	uint64_t back = vpage == prev + 1 ? 0 : vpage + 1 == prev ? win - 1 : (win - 1) / 2;
	uint64_t start = vpage >= back ? vpage - back : 0;
	uint64_t lo = vpage & ~(uint64_t)(PTRS_PER_PMD - 1), hi = lo + PTRS_PER_PMD;
	if (start < lo)
		start = lo;
	uint64_t end = start + win < hi ? start + win : hi;
	uint32_t n = 0;
	for (uint64_t v = start; v < end; v++) {
		if (v == vpage)
			continue;
		uint64_t *pte = zsim_pgt_lookup(&p->pt, v);
		if (!pte || !(*pte & ZSIM_PTE_SWAPPED))
			continue;
		uint64_t e = zsim_pte_swp(*pte);
		unsigned d = zsim_swp_area(e);
		if (!s->sw.swap[d].sync)
			n += ra_one(s, d, zsim_swp_slot(e), ro);
	}
	return n;
}

/*
 * After a swap-in: a synchronous area frees the slot at once (and so does any
 * area when swap is more than half full: vm_swap_full); otherwise the page
 * stays in the swap cache with its slot, a clean copy reclaim can drop.
 */
static void swapin_keep_or_free(struct zsim_sim *s, uint64_t entry, uint32_t f, bool sync)
{
	struct zsim_swap_slot *sl = zsim_swap_slot_of(s, entry);
	struct zsim_frame *fr = &s->mm.frames[f];
	if (sync || zsim_swap_free_pages(s) * 2 < zsim_swap_total_pages(s)) {
		zsim_swap_release(s, entry);
		return;
	}
	fr->mflags |= ZSIM_MF_SWAPCACHE;
	fr->swapdev = (uint8_t)zsim_swp_area(entry);
	fr->swap = (uint32_t)zsim_swp_slot(entry);
	slot_cache(sl, f);
}

void zsim_swap_in(struct zsim_sim *s, uint64_t entry, uint32_t f, struct zsim_proc *p, uint64_t vpage,
		  uint64_t *cpu_ns, uint64_t *io_done)
{
	unsigned d = zsim_swp_area(entry);
	struct zsim_swapdev *sd = &s->sw.swap[d];
	uint64_t slot = zsim_swp_slot(entry);
	struct zsim_swap_slot *sl = &sd->slots[slot];
	struct zsim_frame *fr = &s->mm.frames[f];
	uint64_t cpu0 = *cpu_ns;
	/* the fault's own work, whatever the page's source (mm.major_fault_time:
	 * its entry, a page taken, its mapping), beside the device's below */
	*cpu_ns += s->cfg.major_fault_ns;
	fr->cls = sl->cls;
	fr->param = sl->param;
	fr->seed = slot_seed(s, sl);
	/* swapin_readahead: a swap-in from a non-synchronous area reads its window
	 * whatever holds the faulting page (zswap and the zeromap are consulted
	 * page by page below the readahead, in swap_readpage) */
	struct ra_out ro = { 0, cpu_ns };
	if (!sd->sync && s->cfg.page_cluster)
		(void)(p && s->sw.vma_ra ? readahead_vma(s, p, vpage, &ro) : readahead_cluster(s, d, slot, &ro));
	if (sl->where == ZSIM_SLOT_ZERO || sl->where == ZSIM_SLOT_ZSWAP) {
		/* the faulting page needs no device read; the window's device reads
		 * are submitted all the same and nobody waits for them */
		if (ro.dev_pages && sd->tier->ops->io)
			sd->tier->ops->io(sd->tier->priv, s->clk.now, false, slot, ro.dev_pages, cpu_ns);
		s->vm.pswpin += ro.dev_pages;
	}
	if (sl->where == ZSIM_SLOT_ZERO) {
		/* the zeromap: the page is zero-filled in place, no I/O (swpin_zero) */
		s->sw.zero_swapins++;
		zsim_hist_add(&s->out.lat_zero, *cpu_ns - cpu0);
		swapin_keep_or_free(s, entry, f, sd->sync);
		return;
	}
	if (sl->where == ZSIM_SLOT_ZSWAP) {
		struct zsim_tier *z = s->sw.zswap;
		int rc = z->ops->load(z->priv, entry, NULL);
		if (rc < 0) {   /* cannot happen: zswap writes a page back before it lets go of it */
			fprintf(stderr, "zsim: zswap lost swap entry %llu\n", (unsigned long long)entry);
			abort();
		}
		z->ops->io(z->priv, s->clk.now, false, entry, 1, cpu_ns);   /* decompression */
		s->sw.zswap_hits++;
		zsim_hist_add(&s->out.lat_zswap, *cpu_ns - cpu0);
		if (s->sw.zswap_exclusive) {
			/* the load freed zswap's copy: the page is only in RAM now, and must
			 * be written again to leave it */
			sl->where = ZSIM_SLOT_NOWHERE;
			zsim_swap_release(s, entry);
			return;
		}
		swapin_keep_or_free(s, entry, f, sd->sync);
		return;
	}
	if (sd->tier->ops->io) {
		uint64_t done = sd->tier->ops->io(sd->tier->priv, s->clk.now, false, slot, 1 + ro.dev_pages, cpu_ns);
		if (done > *io_done)
			*io_done = done;
	}
	sd->swapins++;
	s->vm.pswpin += 1 + ro.dev_pages;
	/* the fault's latency by where the page came from: the caller waits for
	 * the CPU work and the I/O (*io_done started at now) */
	zsim_hist_add(&s->out.lat_swap[d], (*cpu_ns - cpu0) + (*io_done > s->clk.now ? *io_done - s->clk.now : 0));
	swapin_keep_or_free(s, entry, f, sd->sync);
}
