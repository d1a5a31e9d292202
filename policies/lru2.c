/*
 * lru2.c - the kernel's two-list LRU (mm/vmscan.c, mm/swap.c).
 *
 * What the kernel does.  Each type (anon, file) has an inactive and an active
 * list.  New pages enter the inactive list (anon since ~5.9; before, anon
 * started active).  Reclaim scans the inactive tail: an unreferenced page is
 * evicted.  A mapped page found referenced is marked (PG_referenced) and kept
 * on the inactive list the first time, since the fault that made it set its
 * accessed bit; found referenced again at the next look, it is activated
 * (moved to the active head, a "rotation"), its mark kept, so a page
 * deactivated later comes back after one use (page_check_references, 2.6.34
 * onwards: every profile).  When the inactive list is low
 * - inactive x ratio < active, ratio = sqrt(10 x GiB of the type's pages), 1
 * below 1 GiB - pages move from the active tail to the inactive head, their
 * accessed bits cleared, so only pages used again while inactive survive.
 * They move too, whatever the ratio, in a reclaim pass that began after
 * refaults of the type were activated ("a new workingset is being
 * established": shrink_node's may_deactivate, file from 5.3, anon from 5.9;
 * sim/mm.c sets env->deactivate): the active list is scanned at its share of
 * the batch, its length over the inactive list's, at most the batch.
 *
 * A direct reclaim that freed nothing is run again (5.5+) with the active
 * lists deactivated whatever the ratio says (env->force_deactivate, set by
 * sim/mm.c).
 *
 * What the model keeps: the four lists, the inactive_is_low ratio, the two
 * looks before a mapped page is activated, activation of file pages used twice
 * (mark_page_accessed), deactivation in list order.  What it drops:
 * referenced executable file pages stay active in the kernel; here every
 * active page is deactivated alike.  An unmapped page, page cache or shmem
 * (a tmpfs file's), is reclaimed however recently it was used unless it was
 * used twice (mark_page_accessed activates it then; here the scan does, at
 * its next look), as folio_check_references finds no referencing PTE; a page
 * mapped by several processes (activated at the first look in the kernel)
 * does not occur.  No per-memcg or per-node lists.
 */
#include "reclaim.h"

#include <math.h>

#define KEPT_MAX 64   /* pages one isolate keeps back for the list head (reclaim looks at 32) */
#define LIST(type, active) ((uint8_t)((type) * 2 + (active)))

struct lru2 {
	struct zsim_frame *fr;
	const struct zsim_reclaim_env *env;
	struct zsim_flist l[4];   /* [type * 2 + active] */
	uint64_t activated, deactivated;   /* by the scan (pgactivate), off the active lists (pgdeactivate) */
};

static int lru2_init(void *priv, struct zsim_frame *frames, uint32_t nr, const struct zsim_reclaim_env *env)
{
	struct lru2 *p = priv;
	(void)nr;
	p->fr = frames;
	p->env = env;
	p->activated = p->deactivated = 0;
	for (int i = 0; i < 4; i++)
		zsim_flist_init(&p->l[i]);
	return 0;
}

static void lru2_add(void *priv, uint32_t f, int type, bool active)
{
	struct lru2 *p = priv;
	if (active) {
		p->fr[f].pflags |= ZSIM_PG_ACTIVE;
		zsim_flist_push(p->fr, &p->l[LIST(type, 1)], f, LIST(type, 1));
		return;
	}
	p->fr[f].pflags &= (uint8_t)~ZSIM_PG_ACTIVE;
	zsim_flist_push(p->fr, &p->l[LIST(type, 0)], f, LIST(type, 0));
}

static void lru2_del(void *priv, uint32_t f)
{
	struct lru2 *p = priv;
	zsim_flist_del(p->fr, &p->l[p->fr[f].list], f);
}

static void lru2_clear(void *priv)
{
	struct lru2 *p = priv;
	for (int i = 0; i < 4; i++)
		zsim_flist_init(&p->l[i]);
}

static void lru2_prefetch(const void *priv, uint32_t f)
{
	const struct lru2 *p = priv;
	zsim_flist_prefetch_links(p->fr, f);   /* del(f) unlinks it */
}

/* inactive_is_low's ratio: isqrt(10 x GiB of the type's pages), at least 1.
 * Moving pages between a type's lists leaves it as it is. */
static uint64_t inactive_ratio(const struct lru2 *p, int type)
{
	uint64_t gb = (p->l[LIST(type, 0)].len + p->l[LIST(type, 1)].len) >> (30 - ZSIM_PAGE_SHIFT);
	return gb ? (uint64_t)sqrt(10.0 * (double)gb) : 1;
}

/* inactive_is_low: inactive x ratio < active. */
static bool inactive_is_low(const struct lru2 *p, int type)
{
	return p->l[LIST(type, 0)].len * inactive_ratio(p, type) < p->l[LIST(type, 1)].len;
}

static bool lru2_inactive_low(const void *priv, int type)
{
	return inactive_is_low(priv, type);
}

static void activate(struct lru2 *p, uint32_t f, int type)
{
	p->fr[f].pflags = (uint8_t)((p->fr[f].pflags & ~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2)) |
				    ZSIM_PG_ACTIVE);
	zsim_flist_push(p->fr, &p->l[LIST(type, 1)], f, LIST(type, 1));
}

static size_t lru2_isolate(void *priv, int type, size_t scan, uint32_t *out, size_t nr, uint64_t *rotated)
{
	struct lru2 *p = priv;
	struct zsim_flist *inact = &p->l[LIST(type, 0)], *act = &p->l[LIST(type, 1)];
	/* shrink_active_list: refill the inactive list from the active tail (the
	 * ratio is the same throughout: the type's pages stay as many) */
	uint64_t ratio = inactive_ratio(p, type);
	/* a pass that may deactivate after refaults scans the active list as
	 * get_scan_count sizes it: its length against the inactive one's, so
	 * at most as many pages as this batch of the inactive list */
	size_t refault_scan = 0;
	if (p->env && p->env->deactivate[type])
		refault_scan = act->len >= inact->len ? scan : (size_t)((uint64_t)scan * act->len / inact->len);
	for (size_t s = 0; s < scan && act->tail != ZSIM_FRAME_NONE &&
				(inact->len * ratio < act->len || s < refault_scan ||
				 (p->env && p->env->force_deactivate)); s++) {
		uint32_t f = act->tail;
		zsim_flist_del(p->fr, act, f);
		zsim_flist_prefetch_tail(p->env, p->fr, act);
		zsim_reclaim_harvest(p->env, p->fr, f);   /* page_referenced clears them */
		p->fr[f].pflags &= (uint8_t)~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2 | ZSIM_PG_ACTIVE);
		zsim_flist_push(p->fr, inact, f, LIST(type, 0));
		p->deactivated++;
	}
	/* shrink_inactive_list */
	size_t n = 0, nkept = 0;
	uint32_t kept[KEPT_MAX];
	for (size_t s = 0; s < scan && n < nr && inact->tail != ZSIM_FRAME_NONE; s++) {
		uint32_t f = inact->tail;
		zsim_flist_del(p->fr, inact, f);
		zsim_flist_prefetch_tail(p->env, p->fr, inact);
		zsim_reclaim_harvest(p->env, p->fr, f);
		uint8_t fl = p->fr[f].pflags;
		/* page_check_references.  A mapped page's accessed bit was set by the
		 * fault that made it, so one sighting says nothing: the first look
		 * that finds it referenced marks it (LOOKED) and keeps it on the
		 * inactive list; found referenced again at the next look, it is
		 * activated; found unreferenced, it is reclaimed and the mark goes */
		if (type == ZSIM_LRU_ANON && p->env && p->env->mapped && p->env->mapped(p->env->ctx, f)) {
			if (!(fl & ZSIM_PG_REFERENCED)) {
				p->fr[f].pflags = (uint8_t)(fl & ~(ZSIM_PG_REFERENCED2 | ZSIM_PG_LOOKED));
				out[n++] = f;
			} else if (fl & ZSIM_PG_LOOKED) {
				activate(p, f, type);   /* the mark stays, as the kernel's does */
				(*rotated)++;
				p->activated++;
			} else {
				p->fr[f].pflags = (uint8_t)((fl & ~ZSIM_PG_REFERENCED) | ZSIM_PG_LOOKED);
				if (nkept < KEPT_MAX)
					kept[nkept++] = f;   /* back at the head after this batch */
				else
					zsim_flist_push(p->fr, inact, f, LIST(type, 0));
			}
			continue;
		}
		/* an unmapped page (page cache, or shmem: a tmpfs file's) is
		 * activated only when it was used twice (mark_page_accessed), else
		 * it is reclaimed even if referenced: no page table says it was
		 * used.  Without the env's mapped() an anon page takes the
		 * one-look rule */
		uint8_t need = type == ZSIM_LRU_FILE || (p->env && p->env->mapped) ? ZSIM_PG_REFERENCED2
										: ZSIM_PG_REFERENCED;
		if (fl & need) {
			activate(p, f, type);
			(*rotated)++;
			p->activated++;
		} else {
			p->fr[f].pflags &= (uint8_t)~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2);
			out[n++] = f;
		}
	}
	for (size_t i = 0; i < nkept; i++)
		zsim_flist_push(p->fr, inact, kept[i], LIST(type, 0));
	return n;
}

static void lru2_putback(void *priv, uint32_t f, int type, bool act)
{
	struct lru2 *p = priv;
	if (act) {
		zsim_reclaim_harvest(p->env, p->fr, f);   /* cleared with the flags by activate */
		activate(p, f, type);
		p->activated++;
	}
	else
		zsim_flist_push(p->fr, &p->l[LIST(type, 0)], f, LIST(type, 0));
}

static void lru2_rotate(void *priv, uint32_t f, bool from_active)
{
	struct lru2 *p = priv;
	uint8_t l = p->fr[f].list;
	int type = l / 2;
	if ((l & 1) && !from_active)
		return;
	p->fr[f].pflags &= (uint8_t)~ZSIM_PG_ACTIVE;
	zsim_flist_move_tail(p->fr, &p->l[l], &p->l[LIST(type, 0)], f, LIST(type, 0));
}

static void lru2_counts(const void *priv, uint64_t out[3])
{
	const struct lru2 *p = priv;
	out[0] = p->activated;
	out[1] = out[2] = p->deactivated;   /* every page scanned there leaves (no VM_EXEC exception) */
}

static uint64_t lru2_size(const void *priv, int type)
{
	const struct lru2 *p = priv;
	return p->l[LIST(type, 0)].len + p->l[LIST(type, 1)].len;
}

static uint64_t lru2_active_size(const void *priv, int type)
{
	const struct lru2 *p = priv;
	return p->l[LIST(type, 1)].len;
}

static void lru2_activate(void *priv, uint32_t f)
{
	struct lru2 *p = priv;
	uint8_t list = p->fr[f].list;
	if (list & 1)
		return;   /* already active */
	zsim_flist_del(p->fr, &p->l[list], f);
	activate(p, f, list / 2);
}

static int lru2_check(const void *priv, char *msg, size_t len)
{
	const struct lru2 *p = priv;
	static const char *const names[4] = { "inactive anon", "active anon", "inactive file", "active file" };
	for (uint8_t i = 0; i < 4; i++) {
		int rc = zsim_flist_check(p->fr, &p->l[i], i, names[i], msg, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct zsim_reclaim_ops zsim_reclaim_lru2 = {
	.name = "lru2",
	.priv_size = sizeof(struct lru2),
	.init = lru2_init,
	.add = lru2_add,
	.del = lru2_del,
	.clear = lru2_clear,
	.prefetch = lru2_prefetch,
	.isolate = lru2_isolate,
	.putback = lru2_putback,
	.rotate = lru2_rotate,
	.size = lru2_size,
	.active_size = lru2_active_size,
	.activate = lru2_activate,
	.counts = lru2_counts,
	.inactive_low = lru2_inactive_low,
	.check = lru2_check,
};
