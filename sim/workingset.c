/*
 * workingset.c - refault detection: pages read back soon after they were
 * evicted start on the active list (the kernel's mm/workingset.c).
 *
 * What the kernel does.  Each node keeps an eviction clock (nonresident_age,
 * inactive_age before 5.9) that ticks once per page reclaim removes from RAM
 * and once per page it activates on refault.  A page leaving RAM leaves a
 * shadow where it was - in its file's page cache, or (5.9+) in the swap cache
 * slot of its swap entry - holding the clock's reading then, shifted right by
 * a bucket order so it fits the entry.  When the page is read back in, the
 * clock has moved on by its refault distance: how many pages left RAM after
 * it.  Had the memory now on the lists it competes with been given to it, it
 * would have stayed; so if the distance is at most that workingset, the page
 * is activated as it is added to the LRU (workingset_activate), and the clock
 * ticks.  The workingset, as 5.9 through 6.x define it: for an anon refault
 * the active and inactive file lists, plus the active anon list while swap
 * has room; for a file refault the active file list, plus both anon lists
 * while swap has room.  Before 5.9 only file pages had shadows, and only the
 * active file list counted.  Profiles: workingset_file (3.15+),
 * workingset_anon (5.9+); 3.12 has neither.
 *
 * Since 5.8 the clock also ticks for each page reclaim puts back on an
 * active list (move_pages_to_lru: activated by the inactive scan, kept by
 * the active scan), so activations lengthen refault distances as evictions
 * do; before, reclaim's activations left it alone.  Profile:
 * workingset_age_activate.
 *
 * What the model keeps: the clock, ticking on each eviction of a kind the
 * profile detects, on each refault activation and (5.8+) on each page
 * reclaim activates; the shadow in the page's
 * own entry (a swapped PTE, a tmpfs entry, a file page's ONDISK entry;
 * sim.h ZSIM_SHADOW_*), 18 bits, with a bucket order chosen so the clock
 * wraps only after eight times RAM's pages of evictions (the kernel keeps
 * about 40 bits, so a distance past the wrap reads short here, where the
 * kernel would not); the distance test and the activation, counted as
 * workingset_refault_* and workingset_activate_*.  Simplified: the clock
 * ticks when reclaim commits to a page (unmapped and written, or dropped),
 * not when the page finally leaves the swap cache after its write; pages
 * brought in by swap readahead are not tested (a cluster readahead has no
 * way from the slot back to the entry holding the shadow); a page cache
 * page used twice is activated by the next scan that meets it (lru2), not at
 * its second use by mark_page_accessed, so its tick comes with the scan's
 * on 5.8+ profiles and never before 5.8 (the kernel's workingset_activation
 * ticked at the use in both); the shadow-node shrinker
 * (which forgets shadows when they take too much memory) is not modelled;
 * the workingset flag (a page active when evicted) and the refault cost it
 * feeds into the anon/file balance are not kept; MGLRU's refault tiers are
 * a different scheme and not modelled.  Only a policy with active lists
 * (lru2) activates; with the others the counts still tick.
 */
#include "sim.h"

void zsim_ws_init(struct zsim_sim *s)
{
	unsigned bits = 0;
	for (uint64_t n = s->mm.nr_frames; n; n >>= 1)
		bits++;
	/* room for 8 x RAM of evictions before a shadow's reading wraps */
	s->mm.ws_bucket_order = bits + 3 > ZSIM_SHADOW_BITS ? bits + 3 - ZSIM_SHADOW_BITS : 0;
	s->mm.ws_age = 0;
}

static bool detects(const struct zsim_sim *s, bool file)
{
	return file ? s->cfg.kp->workingset_file : s->cfg.kp->workingset_anon;
}

uint64_t zsim_ws_evict(struct zsim_sim *s, enum zsim_frame_kind kind)
{
	if (!detects(s, kind == ZSIM_FK_FILE))
		return 0;
	s->mm.ws_age++;
	return ZSIM_SHADOW_VALID | ((s->mm.ws_age >> s->mm.ws_bucket_order) & ZSIM_SHADOW_MASK) << ZSIM_SHADOW_SHIFT;
}

void zsim_ws_refault(struct zsim_sim *s, uint32_t f, uint64_t entry)
{
	bool file = s->mm.frames[f].kind == ZSIM_FK_FILE;
	if (!(entry & ZSIM_SHADOW_VALID) || !detects(s, file))
		return;
	s->vm.ws_refault[file]++;
	const struct zsim_reclaim_ops *pol = s->mm.policy;
	if (!pol->active_size || !pol->activate)
		return;
	uint64_t now = (s->mm.ws_age >> s->mm.ws_bucket_order) & ZSIM_SHADOW_MASK;
	uint64_t distance = ((now - zsim_entry_shadow(entry)) & ZSIM_SHADOW_MASK) << s->mm.ws_bucket_order;
	if (distance > s->mm.nr_frames)
		return;   /* the workingset is pages on the lists: never more than RAM */
	void *pp = s->mm.policy_priv;
	uint64_t ws = pol->active_size(pp, ZSIM_LRU_FILE);
	if (s->cfg.kp->workingset_anon) {
		if (!file)
			ws = pol->size(pp, ZSIM_LRU_FILE);   /* active and inactive file */
		if (zsim_swap_free_pages(s) > 0)
			ws += file ? pol->size(pp, ZSIM_LRU_ANON) : pol->active_size(pp, ZSIM_LRU_ANON);
	}
	if (distance > ws)
		return;
	pol->activate(pp, f);
	s->mm.ws_age++;
	s->vm.ws_activate[file]++;
}

void zsim_ws_activated(struct zsim_sim *s, uint64_t n)
{
	if (s->cfg.kp->workingset_age_activate)
		s->mm.ws_age += n;
}
