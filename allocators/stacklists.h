/*
 * stacklists.h - the first-fit free lists zbud and z3fold share: one list of
 * pages per free-chunk count, with list_add at the head and the head taken
 * first, as both kernels order them.
 *
 * A list is a stack of (page, stamp) entries; a page's tag (its list and the
 * stamp of its current entry) says which entry is live, so removing a page
 * from the middle of a list is O(1): its entry just goes stale and is skipped
 * or purged later.  `nonempty` has bit l set while list l has a live entry,
 * so first fit is one bit scan.  Each allocator keeps the tag fields `list`
 * and `stamp` in its page struct and describes where they are with a
 * zsim_ltags value (base, stride, offsets), built fresh at each call because
 * the page array moves when it grows.  All functions are static inline.
 */
#ifndef ZSIM_STACKLISTS_H
#define ZSIM_STACKLISTS_H

#include "../core/zsim.h"

#include <stdlib.h>

#define ZSIM_BL_MAX 64            /* lists: bit i of a 64-bit mask each */
#define ZSIM_BL_NONE 0xffu        /* a page's list tag when it is on no list */
#define ZSIM_BL_NIL UINT32_MAX

struct zsim_lent { uint32_t page, stamp; };

struct zsim_lstack {              /* one list: `live` of its `len` entries are current */
	struct zsim_lent *e;
	uint32_t len, cap, live;
};

struct zsim_blists {
	struct zsim_lstack l[ZSIM_BL_MAX];
	unsigned n;                   /* lists in use: 0 .. n-1 */
	uint32_t seq;                 /* last stamp handed out */
	uint64_t nonempty;            /* bit i: list i has a live entry */
};

/* Where the page array keeps each page's tag. */
struct zsim_ltags {
	char *base;
	size_t stride, off_list, off_stamp;
};

static inline uint8_t *zsim_bl_list_of(struct zsim_ltags t, uint32_t pi)
{
	return (uint8_t *)(t.base + (size_t)pi * t.stride + t.off_list);
}

static inline uint32_t *zsim_bl_stamp_of(struct zsim_ltags t, uint32_t pi)
{
	return (uint32_t *)(void *)(t.base + (size_t)pi * t.stride + t.off_stamp);
}

static inline bool zsim_bl_live(struct zsim_ltags t, struct zsim_lent e, unsigned l)
{
	return *zsim_bl_list_of(t, e.page) == l && *zsim_bl_stamp_of(t, e.page) == e.stamp;
}

/* Drop stale entries of list l, keeping the order of the live ones.  O(len). */
static inline void zsim_bl_purge(struct zsim_blists *b, struct zsim_ltags t, unsigned l)
{
	struct zsim_lstack *s = &b->l[l];
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->len; i++)
		if (zsim_bl_live(t, s->e[i], l))
			s->e[n++] = s->e[i];
	s->len = n;
}

/* Stamps ran out: purge every list and number the live entries from 1. */
static inline void zsim_bl_restamp(struct zsim_blists *b, struct zsim_ltags t)
{
	b->seq = 0;
	for (unsigned l = 0; l < b->n; l++) {
		zsim_bl_purge(b, t, l);
		for (uint32_t i = 0; i < b->l[l].len; i++) {
			struct zsim_lent *e = &b->l[l].e[i];
			e->stamp = *zsim_bl_stamp_of(t, e->page) = ++b->seq;
		}
	}
}

/* list_add: page pi at the head of list l.  O(1) amortised. */
static inline void zsim_bl_push(struct zsim_blists *b, struct zsim_ltags t, uint32_t pi, unsigned l)
{
	struct zsim_lstack *s = &b->l[l];
	if (s->len >= 2 * s->live + 16)
		zsim_bl_purge(b, t, l);
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->e = zsim_xrealloc(s->e, s->cap * sizeof(*s->e));
	}
	if (b->seq == UINT32_MAX)
		zsim_bl_restamp(b, t);
	*zsim_bl_list_of(t, pi) = (uint8_t)l;
	*zsim_bl_stamp_of(t, pi) = ++b->seq;
	s->e[s->len++] = (struct zsim_lent){ pi, b->seq };
	s->live++;
	b->nonempty |= 1ull << l;
}

/* list_del: pre: page pi is on list l < n; only its tag changes.  O(1). */
static inline void zsim_bl_unlink(struct zsim_blists *b, struct zsim_ltags t, uint32_t pi)
{
	uint8_t *l = zsim_bl_list_of(t, pi);
	struct zsim_lstack *s = &b->l[*l];
	if (--s->live == 0) {
		s->len = 0;
		b->nonempty &= ~(1ull << *l);
	}
	*l = ZSIM_BL_NONE;
}

/* First fit: the head of the first non-empty list from `from` on, taken off
 * it; ZSIM_BL_NIL if none. */
static inline uint32_t zsim_bl_take_fit(struct zsim_blists *b, struct zsim_ltags t, unsigned from)
{
	uint64_t fit = b->nonempty >> from;
	if (!fit)
		return ZSIM_BL_NIL;
	unsigned l = from + (unsigned)__builtin_ctzll(fit);
	struct zsim_lstack *s = &b->l[l];
	for (;;) {
		struct zsim_lent e = s->e[--s->len];   /* live > 0, so a current entry exists */
		if (zsim_bl_live(t, e, l)) {
			zsim_bl_unlink(b, t, e.page);
			return e.page;
		}
	}
}

static inline void zsim_bl_free(struct zsim_blists *b)
{
	for (unsigned l = 0; l < b->n; l++)
		free(b->l[l].e);
}

#endif
