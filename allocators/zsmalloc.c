/*
 * zsmalloc.c - a page-exact model of the kernel's zsmalloc allocator.
 *
 * What the kernel does (mm/zsmalloc.c).  Objects are grouped by size into 255
 * classes, 32 + 16 i bytes (i = 0 .. 254, the last one 4096).  A class keeps
 * its objects in "zspages": chains of 1 .. CONFIG_ZSMALLOC_CHAIN_SIZE physical
 * pages cut into equal slots, objects possibly straddling a page boundary.  The
 * chain length of a class is picked once, when the pool is created: up to 6.2
 * the first k in 1..4 with the best used percentage, from 6.3 the k in 1..8
 * with the least tail waste (one page for power-of-two sizes).  Walking from
 * the largest class down, a class whose (pages, objects) pair equals the one
 * just above it is not created; its sizes use the larger slot.  A class of one
 * page holding one object is "huge": it takes every request above the largest
 * ordinary class, and zs_huge_class_size() reports the first request size that
 * lands there.  zs_malloc adds an 8-byte handle header to every request before
 * the class lookup (huge objects keep it in the page descriptor instead, which
 * changes nothing in the accounting).  Each zspage keeps its free slots on a
 * singly linked list that starts sequential and gets freed slots pushed on its
 * head, so the next allocation reuses the slot freed last.  Within a class,
 * zspages sit on "fullness" lists by how many slots are used: from 6.4 twelve
 * groups (empty, ten 10% buckets, full); up to 6.3 four (empty, almost empty =
 * at most 3/4 used, almost full, full).  zs_malloc takes the head of the
 * fullest non-full list, and only when all are empty allocates a new zspage.
 * A zspage that changes group is moved to the head of its new list (up to 6.2
 * it went second when the head had more objects in use).  A zspage whose last
 * object is freed is released at once.  pool->pages_allocated, the sum of the
 * live zspages' chain lengths, is zs_get_total_pages().  zs_compact walks the
 * classes from the largest down and, while the class wastes at least one
 * zspage's worth of slots, moves objects in slot order from the emptiest
 * zspage into the fullest, freeing source zspages that empty.
 *
 * What the model keeps.  Everything that decides which frames are held: the
 * class table computed by the kernel's own rules from the profile (chain size,
 * chain rule, merging, handle size), zspage choice, slot choice (the LIFO free
 * list in the kernel's order), fullness list order (head insertion, or the
 * older "second if fewer in use" rule), immediate release of empty zspages,
 * and both compaction algorithms step for step: the 6.4+ one (kernel profile
 * fullness RATIO) and the 4.8 .. 6.3 one (fullness QUARTERS), since which
 * objects move where decides what later frees release.  Frames come from the
 * owner's frame source, one request of pages_per_zspage frames per zspage.
 *
 * What it drops.  Object bytes, page descriptors, locks, page migration
 * between physical frames (it moves no object between zspages and frees no
 * page), the deferred free taken when a page lock is busy (the model's locks
 * are never busy), and the slab memory of handles and zspage structs, which
 * the kernel does not count in zs_get_total_pages either.
 *
 * Which kernel.  The profile decides: chain size and rule, handle size and
 * merging from its zs_* fields; fullness RATIO selects the 6.4+ lists, head
 * insertion and compaction (read in linux-mm mm/zsmalloc.c @1333a275, newest,
 * after 6.19); fullness QUARTERS selects the 4.8 .. 6.2 lists, insertion and
 * compaction (read in 4.8-era and 4.x zsmalloc.c and in the Feb 2023 patch
 * "zsmalloc: remove insert_zspage() ->inuse optimization", which dropped the
 * "second if fewer in use" rule; a 6.3 profile would need QUARTERS with head
 * insertion, which no profile has).  See ../shared/kernel-facts.md section 1.
 *
 * Layout (for speed and memory).  A zspage is a record in one growing arena of
 * 32-bit words, a 16-byte header followed by its slots, named by its offset;
 * freed records wait on a per-class spare list and are reused by that class.
 * A used slot holds its handle's table index with SLOT_USED set; a free slot
 * holds the number of the next free slot.  A handle is 1 + an index into a
 * table of (zspage, slot) pairs whose free entries form a LIFO list.  That is
 * 12 bytes per stored object, plus 16 bytes and the unused slots per zspage;
 * a free touches the handle entry and one or two lines of its zspage.
 */
#include "allocator.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Slots are ZS_ALIGN-aligned so a free-list link never straddles a page. */
#define ZSM_ALIGN        8u
/* ZS_MIN_ALLOC_SIZE: max(32, chain << PAGE_SHIFT >> OBJ_INDEX_BITS); the shift term is 0 on x86-64. */
#define ZSM_MIN_ALLOC    32u
/* ZS_MAX_ALLOC_SIZE = PAGE_SIZE: a larger request fails with -ENOSPC. */
#define ZSM_MAX_ALLOC    ZSIM_PAGE_SIZE
/* ZS_SIZE_CLASS_DELTA = PAGE_SIZE >> CLASS_BITS (8): 16 bytes between classes. */
#define ZSM_CLASS_DELTA  (ZSIM_PAGE_SIZE >> 8)
/* ZS_SIZE_CLASSES: ceil((4096 - 32) / 16) + 1 = 255. */
#define ZSM_NR_INDEXES   (ZSIM_DIV_ROUND_UP(ZSM_MAX_ALLOC - ZSM_MIN_ALLOC, ZSM_CLASS_DELTA) + 1)
/* CONFIG_ZSMALLOC_CHAIN_SIZE accepts 4..16; older kernels fixed 4.  We accept 1..16. */
#define ZSM_MAX_CHAIN    16u
/* The largest handle header any kernel adds (ZS_HANDLE_SIZE is sizeof(long)). */
#define ZSM_MAX_HANDLE   16u

/* Fullness groups.  RATIO (6.4+): 0 empty, 1..10 the (0,10%] .. (90,100%) buckets, 11 full. */
#define ZSM_RATIO_GROUPS 12u
#define ZSM_RATIO_BUCKET 10u   /* percent per bucket */
/* QUARTERS (<= 6.3): 0 empty, 1 almost empty (inuse <= 3/4), 2 almost full, 3 full. */
#define ZSM_QUARTER_GROUPS 4u
#define ZSM_QUARTER_FRAC   4u  /* fullness_threshold_frac */
#define ZSM_MAX_GROUPS   ZSM_RATIO_GROUPS

/* Marks. */
#define ZSM_NONE         UINT32_MAX      /* no zspage / no handle */
#define ZSM_SLOT_END     0xffffu         /* end of a zspage's free-slot list */
#define ZSM_SLOT_USED    0x80000000u     /* slot holds a handle index (OBJ_ALLOCATED_TAG) */
#define ZSM_FG_ISOLATED  0xfeu           /* held by compaction, on no list */
#define ZSM_FG_DEAD      0xffu           /* recycled record */
/* Handle indexes stay below SLOT_USED so a slot can hold one with its tag. */
#define ZSM_MAX_HANDLES  (ZSM_SLOT_USED - 1u)

/*
 * A zspage record: this header followed by its slots, in the pool's arena and
 * named by its offset there in 32-bit words, so that a handle's zspage and
 * slot are usually one cache line apart at most.
 */
struct zsm_zspage {
	uint32_t prev, next;   /* fullness list links, or next spare record */
	uint16_t inuse;        /* used slots */
	uint16_t freeobj;      /* head of the free-slot list, ZSM_SLOT_END if none */
	uint8_t cls;           /* index into pool->cls */
	uint8_t fg;            /* fullness group, or ZSM_FG_ISOLATED / ZSM_FG_DEAD */
	uint16_t pad;
	uint32_t slots[];      /* objs_per_zspage entries */
};
#define ZSM_HDR_WORDS (sizeof(struct zsm_zspage) / sizeof(uint32_t))
/* Arena offsets are 32-bit; ZSM_NONE is never a valid one. */
#define ZSM_MAX_ARENA ((uint64_t)UINT32_MAX - 1)

struct zsm_hent {
	uint32_t zspage;       /* ZSM_NONE when the entry is free */
	uint32_t slot;         /* slot in the zspage, or next free entry */
};

struct zsm_class {
	unsigned size;         /* slot bytes */
	unsigned ppz;          /* pages per zspage */
	unsigned objs;         /* objects per zspage */
	unsigned index;        /* the kernel's class index (size = 32 + 16 index) */
	uint32_t head[ZSM_MAX_GROUPS];
	uint32_t spare;        /* recycled records of this class */
	uint16_t mask;         /* bit g set iff head[g] != ZSM_NONE */
	const uint8_t *group;  /* inuse -> fullness group, objs + 1 entries */
	uint64_t zspages;      /* live zspages; obj_allocated = zspages * objs */
	uint64_t used;         /* obj_used */
};

struct zsm_pool {
	const struct zsim_frame_source *frames;
	unsigned handle_size;
	unsigned full_group;   /* 11 (RATIO) or 3 (QUARTERS) */
	bool old_rules;        /* QUARTERS: inuse-ordered insertion and the 4.x compaction */
	size_t huge_size;      /* zs_huge_class_size() */
	unsigned nr_cls;       /* distinct classes, ascending by size in cls[] */
	struct zsm_class cls[ZSM_NR_INDEXES];
	uint8_t cls_of_req[ZSM_MAX_ALLOC + 1];  /* request bytes -> cls[] index */
	uint8_t *group_arena;

	uint32_t *arena;       /* zspage records, each ZSM_HDR_WORDS + objs words */
	uint64_t arena_len, arena_cap;  /* in words */

	struct zsm_hent *ht;
	uint32_t ht_len, ht_cap, ht_free;
	uint64_t live;         /* handles in use */

	uint64_t pages;        /* pool->pages_allocated */
	uint64_t pages_compacted, objs_migrated;
	uint64_t bad_frees;    /* free() of a handle that is not live (a caller bug) */
};

static inline struct zsm_zspage *zsp(const struct zsm_pool *p, uint32_t off)
{
	return (struct zsm_zspage *)(void *)(p->arena + off);
}

/* ---- class table ---------------------------------------------------------- */

/* Chain length by the "most used" rule (<= 6.2): first k with the best used percentage. */
static unsigned chain_most_used(unsigned size, unsigned max)
{
	unsigned best = 1, best_pc = 0;
	for (unsigned k = 1; k <= max; k++) {
		unsigned span = k * ZSIM_PAGE_SIZE;
		unsigned pc = (span - span % size) * 100 / span;
		if (pc > best_pc) {
			best_pc = pc;
			best = k;
		}
	}
	return best;
}

/* Chain length by the "least waste" rule (>= 6.3): 1 for powers of two, else least tail waste, first on ties. */
static unsigned chain_least_waste(unsigned size, unsigned max)
{
	if ((size & (size - 1)) == 0)
		return 1;
	unsigned best = 1, best_waste = UINT_MAX;
	for (unsigned k = 1; k <= max; k++) {
		unsigned waste = k * ZSIM_PAGE_SIZE % size;
		if (waste < best_waste) {
			best_waste = waste;
			best = k;
		}
	}
	return best;
}

static unsigned group_of(const struct zsm_pool *p, unsigned inuse, unsigned objs)
{
	if (inuse == 0)
		return 0;
	if (inuse == objs)
		return p->full_group;
	if (p->old_rules)
		return inuse <= 3 * objs / ZSM_QUARTER_FRAC ? 1 : 2;
	return 100 * inuse / objs / ZSM_RATIO_BUCKET + 1;
}

/* Kernel class index for a size (after the handle was added), capped at the last class. */
static unsigned size_to_index(unsigned size)
{
	unsigned idx = 0;
	if (size > ZSM_MIN_ALLOC)
		idx = ZSIM_DIV_ROUND_UP(size - ZSM_MIN_ALLOC, ZSM_CLASS_DELTA);
	return idx < ZSM_NR_INDEXES - 1 ? idx : ZSM_NR_INDEXES - 1;
}

/* ---- fullness lists ------------------------------------------------------- */

static void list_del(struct zsm_pool *p, struct zsm_class *c, uint32_t zi)
{
	struct zsm_zspage *z = zsp(p, zi);
	if (z->prev != ZSM_NONE)
		zsp(p, z->prev)->next = z->next;
	else {
		c->head[z->fg] = z->next;
		if (z->next == ZSM_NONE)
			c->mask &= (uint16_t)~(1u << z->fg);
	}
	if (z->next != ZSM_NONE)
		zsp(p, z->next)->prev = z->prev;
	z->prev = z->next = ZSM_NONE;
	z->fg = ZSM_FG_ISOLATED;
}

/*
 * insert_zspage: at the head of group g; with the pre-6.3 rule, second when
 * the head has more objects in use.
 */
static void list_add(struct zsm_pool *p, struct zsm_class *c, uint32_t zi, unsigned g)
{
	struct zsm_zspage *z = zsp(p, zi);
	uint32_t h = c->head[g];
	z->fg = (uint8_t)g;
	if (h != ZSM_NONE && p->old_rules && z->inuse < zsp(p, h)->inuse) {
		struct zsm_zspage *hz = zsp(p, h);
		z->prev = h;
		z->next = hz->next;
		if (hz->next != ZSM_NONE)
			zsp(p, hz->next)->prev = zi;
		hz->next = zi;
		return;
	}
	z->prev = ZSM_NONE;
	z->next = h;
	if (h != ZSM_NONE)
		zsp(p, h)->prev = zi;
	c->head[g] = zi;
	c->mask |= (uint16_t)(1u << g);
}

/* putback_zspage: file an isolated zspage under the group its inuse says. Returns the group. */
static unsigned putback(struct zsm_pool *p, struct zsm_class *c, uint32_t zi)
{
	unsigned g = c->group[zsp(p, zi)->inuse];
	list_add(p, c, zi, g);
	return g;
}

/* fix_fullness_group: move only when the group changed. */
static void fix_group(struct zsm_pool *p, struct zsm_class *c, uint32_t zi)
{
	unsigned g = c->group[zsp(p, zi)->inuse];
	if (g != zsp(p, zi)->fg) {
		list_del(p, c, zi);
		list_add(p, c, zi, g);
	}
}

/* Head of the first non-empty group among `groups` (a bit set), highest or lowest first. */
static uint32_t first_head(const struct zsm_class *c, unsigned groups, bool highest)
{
	unsigned m = c->mask & groups;
	if (!m)
		return ZSM_NONE;
	unsigned g = highest ? 31u - (unsigned)__builtin_clz(m) : (unsigned)__builtin_ctz(m);
	return c->head[g];
}

/* ---- zspages -------------------------------------------------------------- */

/*
 * alloc_zspage + init_zspage.  pre: none.  Returns the record index, or
 * ZSM_NONE if the frame source refused (nothing changed).  The new zspage is on
 * no list (fg ISOLATED) with its free list 0, 1, ..., objs - 1.  Cost: O(objs).
 */
static uint32_t zspage_new(struct zsm_pool *p, unsigned ci)
{
	struct zsm_class *c = &p->cls[ci];
	if (p->frames && p->frames->get(p->frames->ctx, c->ppz) != 0)
		return ZSM_NONE;
	uint32_t zi = c->spare;
	if (zi != ZSM_NONE) {
		c->spare = zsp(p, zi)->next;
	} else {
		uint64_t words = ZSM_HDR_WORDS + c->objs;
		if (p->arena_len + words > p->arena_cap) {
			uint64_t cap = p->arena_cap ? p->arena_cap * 2 : 4096;
			while (cap < p->arena_len + words)
				cap *= 2;
			if (cap > ZSM_MAX_ARENA)
				cap = ZSM_MAX_ARENA;
			if (p->arena_len + words > cap) {
				fprintf(stderr, "zsim: zsmalloc model: zspage arena over %llu words\n",
					(unsigned long long)ZSM_MAX_ARENA);
				abort();
			}
			p->arena = zsim_xrealloc(p->arena, (size_t)cap * sizeof(uint32_t));
			p->arena_cap = cap;
		}
		zi = (uint32_t)p->arena_len;
		p->arena_len += words;
	}
	struct zsm_zspage *z = zsp(p, zi);
	for (unsigned i = 0; i + 1 < c->objs; i++)
		z->slots[i] = i + 1;
	z->slots[c->objs - 1] = ZSM_SLOT_END;
	z->freeobj = 0;
	z->inuse = 0;
	z->cls = (uint8_t)ci;
	z->fg = ZSM_FG_ISOLATED;
	z->prev = z->next = ZSM_NONE;
	c->zspages++;
	p->pages += c->ppz;
	return zi;
}

/* __free_zspage: pre: empty and on no list.  Gives the frames back. Cost: O(1). */
static void zspage_release(struct zsm_pool *p, struct zsm_class *c, uint32_t zi)
{
	struct zsm_zspage *z = zsp(p, zi);
	z->fg = ZSM_FG_DEAD;
	z->prev = ZSM_NONE;
	z->next = c->spare;
	c->spare = zi;
	c->zspages--;
	p->pages -= c->ppz;
	if (p->frames)
		p->frames->put(p->frames->ctx, c->ppz);
}

/* obj_malloc: take the head of z's free list for handle index hi.  pre: z not full. */
static inline unsigned slot_take(struct zsm_zspage *z, uint32_t hi)
{
	unsigned s = z->freeobj;
	z->freeobj = (uint16_t)z->slots[s];
	z->slots[s] = ZSM_SLOT_USED | hi;
	z->inuse++;
	return s;
}

/* obj_free: push slot s on the head of z's free list. */
static inline void slot_put(struct zsm_zspage *z, unsigned s)
{
	z->slots[s] = z->freeobj;
	z->freeobj = (uint16_t)s;
	z->inuse--;
}

/* ---- handles -------------------------------------------------------------- */

static uint32_t handle_new(struct zsm_pool *p)
{
	uint32_t hi = p->ht_free;
	if (hi != ZSM_NONE) {
		p->ht_free = p->ht[hi].slot;
		return hi;
	}
	if (p->ht_len == p->ht_cap) {
		if (p->ht_cap >= ZSM_MAX_HANDLES) {
			fprintf(stderr, "zsim: zsmalloc model: more than %u live objects\n", ZSM_MAX_HANDLES);
			abort();
		}
		uint64_t cap = p->ht_cap ? (uint64_t)p->ht_cap * 2 : 1024;
		p->ht_cap = cap > ZSM_MAX_HANDLES ? ZSM_MAX_HANDLES : (uint32_t)cap;
		p->ht = zsim_xrealloc(p->ht, (size_t)p->ht_cap * sizeof(*p->ht));
	}
	return p->ht_len++;
}

/* ---- ops ------------------------------------------------------------------ */

/*
 * zs_create_pool.  pre: p->kp valid.  Builds the class table from the largest
 * index down, merging and finding huge_class_size as the kernel does.
 * Returns 0 or ZSIM_EINVAL (chain size outside 1..16, handle size > 16).
 */
static int zsm_init(void *priv, const struct zsim_alloc_params *prm)
{
	struct zsm_pool *p = priv;
	const struct zsim_kprofile *kp = prm->kp;
	if (!kp || kp->zs_chain_size < 1 || kp->zs_chain_size > ZSM_MAX_CHAIN ||
	    kp->zs_handle_size > ZSM_MAX_HANDLE)
		return ZSIM_EINVAL;

	p->frames = prm->frames;
	p->handle_size = kp->zs_handle_size;
	p->old_rules = kp->zs_fullness == ZSIM_ZS_FULLNESS_QUARTERS;
	p->full_group = (p->old_rules ? ZSM_QUARTER_GROUPS : ZSM_RATIO_GROUPS) - 1;

	/* Built from the top down into a scratch table, then stored ascending. */
	struct { unsigned size, ppz, objs, index; } tmp[ZSM_NR_INDEXES];
	uint8_t top_of_index[ZSM_NR_INDEXES];   /* kernel index -> tmp[] entry */
	unsigned n = 0;
	long huge = 0;
	for (int i = (int)ZSM_NR_INDEXES - 1; i >= 0; i--) {
		unsigned size = ZSM_MIN_ALLOC + (unsigned)i * ZSM_CLASS_DELTA;
		if (size > ZSM_MAX_ALLOC)
			size = ZSM_MAX_ALLOC;
		unsigned ppz = kp->zs_chain_rule == ZSIM_ZS_CHAIN_MOST_USED
			? chain_most_used(size, kp->zs_chain_size)
			: chain_least_waste(size, kp->zs_chain_size);
		unsigned objs = ppz * ZSIM_PAGE_SIZE / size;
		/* The first class from the top that is not huge sets zs_huge_class_size. */
		if (ppz != 1 && objs != 1 && !huge)
			huge = (long)size - ((long)p->handle_size - 1);
		if (kp->zs_class_merge && n && tmp[n - 1].ppz == ppz && tmp[n - 1].objs == objs) {
			top_of_index[i] = (uint8_t)(n - 1);
			continue;
		}
		tmp[n].size = size;
		tmp[n].ppz = ppz;
		tmp[n].objs = objs;
		tmp[n].index = (unsigned)i;
		top_of_index[i] = (uint8_t)n;
		n++;
	}
	/* No ordinary class at all (chain 1): nothing is "huge" beyond the maximum. */
	p->huge_size = huge ? (size_t)huge : ZSM_MAX_ALLOC + 1;
	p->nr_cls = n;

	size_t arena = 0;
	for (unsigned k = 0; k < n; k++)
		arena += tmp[k].objs + 1;
	p->group_arena = zsim_xmalloc(arena);
	uint8_t *g = p->group_arena;
	for (unsigned k = 0; k < n; k++) {
		struct zsm_class *c = &p->cls[k];
		const unsigned src = n - 1 - k;
		c->size = tmp[src].size;
		c->ppz = tmp[src].ppz;
		c->objs = tmp[src].objs;
		c->index = tmp[src].index;
		for (unsigned f = 0; f < ZSM_MAX_GROUPS; f++)
			c->head[f] = ZSM_NONE;
		c->spare = ZSM_NONE;
		for (unsigned u = 0; u <= c->objs; u++)
			g[u] = (uint8_t)group_of(p, u, c->objs);
		c->group = g;
		g += c->objs + 1;
	}
	/* Request bytes -> class, with the handle header added as zs_malloc does. */
	for (unsigned s = 0; s <= ZSM_MAX_ALLOC; s++)
		p->cls_of_req[s] = (uint8_t)(n - 1 - top_of_index[size_to_index(s + p->handle_size)]);

	p->ht_free = ZSM_NONE;
	return 0;
}

static void zsm_destroy(void *priv)
{
	struct zsm_pool *p = priv;
	free(p->arena);
	free(p->ht);
	free(p->group_arena);
	p->arena = NULL;
	p->ht = NULL;
	p->group_arena = NULL;
}

/*
 * zs_malloc.  Returns 0 and *out; ZSIM_EINVAL for size 0; ZSIM_ENOSPC above
 * 4096 bytes (checked before the header is added, as the kernel does);
 * ZSIM_ENOMEM when a new zspage is needed and the frame source refuses (then
 * nothing changed).  Cost: O(1), plus O(objs) when a zspage is created.
 */
static int zsm_malloc(void *priv, size_t size, zsim_handle *out)
{
	struct zsm_pool *p = priv;
	if (size == 0)
		return ZSIM_EINVAL;
	if (size > ZSM_MAX_ALLOC)
		return ZSIM_ENOSPC;
	unsigned ci = p->cls_of_req[size];
	struct zsm_class *c = &p->cls[ci];
	uint32_t zi = first_head(c, (1u << p->full_group) - 1, true);
	bool fresh = zi == ZSM_NONE;
	if (fresh) {
		zi = zspage_new(p, ci);
		if (zi == ZSM_NONE)
			return ZSIM_ENOMEM;
	}
	uint32_t hi = handle_new(p);
	struct zsm_zspage *z = zsp(p, zi);
	p->ht[hi].zspage = zi;
	p->ht[hi].slot = slot_take(z, hi);
	if (fresh)
		putback(p, c, zi);
	else
		fix_group(p, c, zi);
	c->used++;
	p->live++;
	*out = (zsim_handle)hi + 1;
	return 0;
}

/*
 * zs_free.  pre: h live.  A handle that is not live is counted and ignored,
 * and check() then reports it.  Releases the zspage when it empties.  Cost: O(1).
 */
static void zsm_free(void *priv, zsim_handle h)
{
	struct zsm_pool *p = priv;
	if (h == 0 || h > p->ht_len || p->ht[h - 1].zspage == ZSM_NONE) {
		p->bad_frees++;
		return;
	}
	uint32_t hi = (uint32_t)(h - 1);
	uint32_t zi = p->ht[hi].zspage;
	struct zsm_zspage *z = zsp(p, zi);
	struct zsm_class *c = &p->cls[z->cls];
	slot_put(z, p->ht[hi].slot);
	c->used--;
	p->live--;
	if (z->inuse == 0) {
		list_del(p, c, zi);
		zspage_release(p, c, zi);
	} else {
		fix_group(p, c, zi);
	}
	p->ht[hi].zspage = ZSM_NONE;
	p->ht[hi].slot = p->ht_free;
	p->ht_free = hi;
}

static uint64_t zsm_total_pages(const void *priv)
{
	return ((const struct zsm_pool *)priv)->pages;
}

/* zs_can_compact: whole zspages' worth of unused slots, in pages. */
static uint64_t can_compact(const struct zsm_class *c)
{
	uint64_t allocated = c->zspages * c->objs;
	if (allocated <= c->used)
		return 0;
	return (allocated - c->used) / c->objs * c->ppz;
}

/* Move the object in src slot s into dst (obj_malloc + copy + obj_free). */
static void move_object(struct zsm_pool *p, uint32_t src, unsigned s, uint32_t dst)
{
	struct zsm_zspage *sz = zsp(p, src), *dz = zsp(p, dst);
	uint32_t hi = sz->slots[s] & ~ZSM_SLOT_USED;
	p->ht[hi].zspage = dst;
	p->ht[hi].slot = slot_take(dz, hi);
	slot_put(sz, s);
	p->objs_migrated++;
}

/* Groups strictly between empty and full, as a bit set. */
static unsigned partial_groups(const struct zsm_pool *p)
{
	return ((1u << p->full_group) - 1) & ~1u;
}

/* isolate: unlink and return the head of the first non-empty partial group. */
static uint32_t isolate(struct zsm_pool *p, struct zsm_class *c, bool fullest)
{
	uint32_t zi = first_head(c, partial_groups(p), fullest);
	if (zi != ZSM_NONE)
		list_del(p, c, zi);
	return zi;
}

/*
 * __zs_compact, 6.4+: while the class can free a zspage, fill the fullest
 * partial zspage from the emptiest, slots in ascending order, until the
 * destination is full or the source empty.  Returns pages freed.
 */
static uint64_t compact_class_ratio(struct zsm_pool *p, struct zsm_class *c)
{
	uint64_t freed = 0;
	uint32_t dst = ZSM_NONE;
	while (can_compact(c)) {
		if (dst == ZSM_NONE) {
			dst = isolate(p, c, true);
			if (dst == ZSM_NONE)
				break;
		}
		uint32_t src = isolate(p, c, false);
		if (src == ZSM_NONE)
			break;
		for (unsigned s = 0; s < c->objs; s++) {
			if (!(zsp(p, src)->slots[s] & ZSM_SLOT_USED))
				continue;
			move_object(p, src, s, dst);
			if (zsp(p, dst)->inuse == c->objs || zsp(p, src)->inuse == 0)
				break;
		}
		if (zsp(p, src)->inuse == 0) {
			zspage_release(p, c, src);
			freed += c->ppz;
		} else {
			putback(p, c, src);
		}
		if (zsp(p, dst)->inuse == c->objs) {
			putback(p, c, dst);
			dst = ZSM_NONE;
		}
	}
	if (dst != ZSM_NONE)
		putback(p, c, dst);
	return freed;
}

/*
 * __zs_compact, 4.8 .. 6.3: take a source (almost empty, then almost full);
 * stop if the class cannot free a zspage; otherwise move its objects in slot
 * order into destinations (almost full, then almost empty) until it is empty,
 * putting back each destination that fills up.  Returns pages freed.
 */
static uint64_t compact_class_quarters(struct zsm_pool *p, struct zsm_class *c)
{
	uint64_t freed = 0;
	for (;;) {
		uint32_t src = isolate(p, c, false);
		if (src == ZSM_NONE)
			break;
		if (!can_compact(c)) {
			putback(p, c, src);
			break;
		}
		unsigned s = 0;
		uint32_t dst;
		bool drained = false;
		while ((dst = isolate(p, c, true)) != ZSM_NONE) {
			for (; s < c->objs; s++) {
				if (!(zsp(p, src)->slots[s] & ZSM_SLOT_USED))
					continue;
				if (zsp(p, dst)->inuse == c->objs)
					break;
				move_object(p, src, s, dst);
			}
			if (s == c->objs) {
				drained = true;
				break;
			}
			putback(p, c, dst);
		}
		if (!drained) {
			putback(p, c, src);
			break;
		}
		putback(p, c, dst);
		/* Every object left the source: it is empty and freed. */
		zspage_release(p, c, src);
		freed += c->ppz;
	}
	return freed;
}

/* zs_compact: classes from the largest down.  Returns pages freed by this call. */
static uint64_t zsm_compact(void *priv)
{
	struct zsm_pool *p = priv;
	uint64_t freed = 0;
	for (unsigned k = p->nr_cls; k-- > 0;) {
		struct zsm_class *c = &p->cls[k];
		freed += p->old_rules ? compact_class_quarters(p, c) : compact_class_ratio(p, c);
	}
	p->pages_compacted += freed;
	return freed;
}

static size_t zsm_max_size(const void *priv)
{
	(void)priv;
	return ZSM_MAX_ALLOC;
}

static size_t zsm_huge_size(const void *priv)
{
	return ((const struct zsm_pool *)priv)->huge_size;
}

static size_t zsm_nr_classes(const void *priv)
{
	return ((const struct zsm_pool *)priv)->nr_cls;
}

/* One row per distinct class, ascending by size (debugfs zsmalloc/<pool>/classes). */
static void zsm_class_stat(const void *priv, size_t i, struct zsim_alloc_class_stat *st)
{
	const struct zsm_pool *p = priv;
	memset(st, 0, sizeof(*st));
	if (i >= p->nr_cls)
		return;
	const struct zsm_class *c = &p->cls[i];
	st->size = c->size;
	st->pages_per_unit = c->ppz;
	st->objs_per_unit = c->objs;
	st->objs_allocated = c->zspages * c->objs;
	st->objs_used = c->used;
	st->units = c->zspages;
	st->pages = c->zspages * c->ppz;
	st->freeable = can_compact(c);
}

/* ---- check ---------------------------------------------------------------- */

#define FAIL(...) do { snprintf(msg, msglen, __VA_ARGS__); return ZSIM_ECORRUPT; } while (0)

/* Walk one zspage: free list and used slots against the handle table. */
static int check_zspage(const struct zsm_pool *p, uint32_t zi, char *msg, size_t msglen)
{
	const struct zsm_zspage *z = zsp(p, zi);
	const struct zsm_class *c = &p->cls[z->cls];
	unsigned used = 0, nfree = 0;
	for (unsigned s = 0; s < c->objs; s++) {
		uint32_t v = z->slots[s];
		if (!(v & ZSM_SLOT_USED))
			continue;
		uint32_t hi = v & ~ZSM_SLOT_USED;
		if (hi >= p->ht_len || p->ht[hi].zspage != zi || p->ht[hi].slot != s)
			FAIL("zspage %u slot %u: handle %u does not point back", zi, s, hi + 1);
		used++;
	}
	if (used != z->inuse)
		FAIL("zspage %u: %u used slots, inuse %u", zi, used, z->inuse);
	for (unsigned s = z->freeobj; s != ZSM_SLOT_END; s = z->slots[s]) {
		if (s >= c->objs)
			FAIL("zspage %u: free slot %u beyond %u", zi, s, c->objs);
		if (z->slots[s] & ZSM_SLOT_USED)
			FAIL("zspage %u: used slot %u on the free list", zi, s);
		if (++nfree > c->objs - z->inuse)
			FAIL("zspage %u: free list longer than %u", zi, c->objs - z->inuse);
	}
	if (nfree != c->objs - z->inuse)
		FAIL("zspage %u: %u free slots listed, %u expected", zi, nfree, c->objs - z->inuse);
	return 0;
}

/*
 * Walk every class, list, zspage and handle.  Returns 0, or ZSIM_ECORRUPT with
 * the first broken invariant in msg.  Cost: O(zspages x objs + handles).
 */
static int zsm_check(const void *priv, char *msg, size_t msglen)
{
	const struct zsm_pool *p = priv;
	if (p->bad_frees)
		FAIL("%llu free() calls with a handle that was not live", (unsigned long long)p->bad_frees);
	uint64_t pages = 0, used = 0, listed = 0;
	for (unsigned k = 0; k < p->nr_cls; k++) {
		const struct zsm_class *c = &p->cls[k];
		if (c->size % ZSM_ALIGN || c->objs != c->ppz * ZSIM_PAGE_SIZE / c->size || c->objs == 0)
			FAIL("class %u: bad geometry %u/%u/%u", k, c->size, c->ppz, c->objs);
		if (k && c->size <= p->cls[k - 1].size)
			FAIL("class %u: sizes not ascending", k);
		uint64_t zspages = 0, cused = 0;
		for (unsigned g = 0; g < ZSM_MAX_GROUPS; g++) {
			bool has = c->head[g] != ZSM_NONE;
			if (has != !!(c->mask & (1u << g)))
				FAIL("class %u group %u: mask disagrees with list", c->size, g);
			if (has && (g == 0 || g > p->full_group))
				FAIL("class %u: zspages in group %u", c->size, g);
			uint32_t prev = ZSM_NONE;
			for (uint32_t zi = c->head[g]; zi != ZSM_NONE; zi = zsp(p, zi)->next) {
				if (zi >= p->arena_len)
					FAIL("class %u group %u: bad zspage index %u", c->size, g, zi);
				const struct zsm_zspage *z = zsp(p, zi);
				if (z->cls != k || z->fg != g || z->prev != prev)
					FAIL("class %u group %u: zspage %u misfiled (class %u, group %u)",
					     c->size, g, zi, z->cls, z->fg);
				if (c->group[z->inuse] != g)
					FAIL("class %u: zspage %u with %u in use sits in group %u",
					     c->size, zi, z->inuse, g);
				if (++zspages > c->zspages)
					FAIL("class %u: more zspages listed than the %llu counted",
					     c->size, (unsigned long long)c->zspages);
				int rc = check_zspage(p, zi, msg, msglen);
				if (rc)
					return rc;
				cused += z->inuse;
				prev = zi;
			}
		}
		if (zspages != c->zspages)
			FAIL("class %u: %llu zspages listed, %llu counted", c->size,
			     (unsigned long long)zspages, (unsigned long long)c->zspages);
		if (cused != c->used)
			FAIL("class %u: %llu objects in zspages, obj_used %llu", c->size,
			     (unsigned long long)cused, (unsigned long long)c->used);
		for (uint32_t zi = c->spare; zi != ZSM_NONE; zi = zsp(p, zi)->next)
			if (zi >= p->arena_len || zsp(p, zi)->fg != ZSM_FG_DEAD || zsp(p, zi)->cls != k)
				FAIL("class %u: bad spare record %u", c->size, zi);
		pages += c->zspages * c->ppz;
		used += c->used;
		listed += zspages;
	}
	if (pages != p->pages)
		FAIL("pages_allocated %llu, classes hold %llu", (unsigned long long)p->pages,
		     (unsigned long long)pages);
	if (used != p->live)
		FAIL("%llu live handles, %llu objects", (unsigned long long)p->live, (unsigned long long)used);
	uint64_t free_handles = 0, live_records = 0;
	for (uint64_t off = 0, next; off < p->arena_len; off = next) {
		uint32_t zi = (uint32_t)off;
		if (zsp(p, zi)->cls >= p->nr_cls)
			FAIL("zspage %u: bad class %u", zi, zsp(p, zi)->cls);
		next = off + ZSM_HDR_WORDS + p->cls[zsp(p, zi)->cls].objs;
		uint8_t fg = zsp(p, zi)->fg;
		if (fg == ZSM_FG_ISOLATED)
			FAIL("zspage %u left isolated", zi);
		else if (fg != ZSM_FG_DEAD)
			live_records++;
	}
	if (live_records != listed)
		FAIL("%llu live zspage records, %llu on lists", (unsigned long long)live_records,
		     (unsigned long long)listed);
	for (uint32_t hi = p->ht_free; hi != ZSM_NONE; hi = p->ht[hi].slot) {
		if (hi >= p->ht_len || p->ht[hi].zspage != ZSM_NONE)
			FAIL("handle free list holds a live or bad entry %u", hi);
		if (++free_handles > p->ht_len)
			FAIL("handle free list loops");
	}
	if (free_handles + p->live != p->ht_len)
		FAIL("handle table: %u entries, %llu live + %llu free", p->ht_len,
		     (unsigned long long)p->live, (unsigned long long)free_handles);
	return 0;
}

#undef FAIL

const struct zsim_allocator_ops zsim_allocator_zsmalloc = {
	.name = "zsmalloc",
	.compaction_note = "zs_compact: moves objects out of sparse zspages",
	.priv_size = sizeof(struct zsm_pool),
	.init = zsm_init,
	.destroy = zsm_destroy,
	.malloc = zsm_malloc,
	.free = zsm_free,
	.total_pages = zsm_total_pages,
	.compact = zsm_compact,
	.max_size = zsm_max_size,
	.huge_size = zsm_huge_size,
	.nr_classes = zsm_nr_classes,
	.class_stat = zsm_class_stat,
	.check = zsm_check,
};
